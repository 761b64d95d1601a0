-- pgTAP: monitoring after exit on the hand-counted fixture
-- (test/fixtures/reports.sql + test/fixtures/monitoring.sql, whose comments
-- work out every figure): the tables and their guards, the indicators, the
-- county view, the early-warning candidates and the job that records them,
-- row security for clerks, the audit trail, and every kind of bad input with
-- its SQLSTATE.
BEGIN;
SELECT plan(78);
\ir fixtures/reports.sql
\ir fixtures/monitoring.sql
SET search_path = poverty_aid, public;

-- Schema ---------------------------------------------------------------------
SELECT has_table('poverty_aid', t, t || ' exists')
  FROM unnest(ARRAY['monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income',
                    'monitoring_candidate']) t;
SELECT is((SELECT count(*)::int FROM pg_class WHERE relnamespace = 'poverty_aid'::regnamespace AND relrowsecurity
            AND relname IN ('monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income',
                            'monitoring_candidate')), 5, 'row security is enabled on the five monitoring tables');
SELECT policies_are('poverty_aid', t, ARRAY[t || '_read', t || '_insert', t || '_update', t || '_delete'],
                    t || ' has the four region policies of the register')
  FROM unnest(ARRAY['monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income',
                    'monitoring_candidate']) t;
SELECT is((SELECT count(*)::int FROM pg_trigger
            WHERE tgrelid IN ('poverty_aid.monitoring_line'::regclass, 'poverty_aid.monitored_household'::regclass,
                              'poverty_aid.monitoring_measure'::regclass, 'poverty_aid.monitoring_income'::regclass)
              AND tgname IN ('audit_insert', 'audit_row_change', 'audit_delete', 'audit_truncate')), 16,
          'inserts, updates, deletes and truncates of the four data tables are audited');
SELECT ok((SELECT array_agg(c) @> ARRAY['poverty_aid.monitoring_line'::regclass::oid, 'poverty_aid.monitored_household'::regclass,
                                         'poverty_aid.monitoring_measure'::regclass, 'poverty_aid.monitoring_income'::regclass,
                                         'poverty_aid.monitoring_candidate'::regclass]
             FROM pg_extension, unnest(extconfig) c WHERE extname = 'poverty_aid'),
          'the monitoring tables are marked for pg_dump');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'poverty_aid'::regnamespace
              AND c.relname IN ('monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income',
                                'monitoring_candidate', 'household_income_history', 'monitoring_county_indicators')
              AND obj_description(c.oid, 'pg_class') IS NOT NULL), 7, 'every monitoring table and view has a comment');
SELECT is((SELECT count(*)::int FROM pg_attribute
            WHERE attrelid = 'poverty_aid.monitoring_county_indicators'::regclass AND attnum > 0
              AND col_description(attrelid, attnum) IS NULL), 0, 'every column of monitoring_county_indicators has a comment');
SELECT is((SELECT string_agg(DISTINCT provolatile::text, '') FROM pg_proc
            WHERE proname IN ('monitoring_values', 'monitoring_report', 'monitoring_candidates', 'monitoring_county_indicators_as_of')),
          's', 'the report, view and candidate functions are STABLE');

-- Indicators -----------------------------------------------------------------
SELECT results_eq(
  $$SELECT key, numerator, denominator, value, unit FROM poverty_aid.monitoring_report(NULL, '2022-06-30')$$,
  $$VALUES ('monitored_households', 5::numeric, NULL::numeric, 5::numeric, 'households'),
           ('monitored_households_exited_unstable', 2, NULL, 2, 'households'),
           ('monitored_households_marginal_at_risk', 1, NULL, 1, 'households'),
           ('monitored_households_sudden_hardship', 2, NULL, 2, 'households'),
           ('monitored_people', 19, NULL, 19, 'people'),
           ('monitored_people_exited_unstable', 8, NULL, 8, 'people'),
           ('monitored_people_marginal_at_risk', 4, NULL, 4, 'people'),
           ('monitored_people_sudden_hardship', 7, NULL, 7, 'people'),
           ('monitoring_measure_coverage', 2, 5, 40.0, '%'),
           ('risk_elimination_rate', 2, 7, 28.6, '%'),
           ('returned_to_poverty', 1, NULL, 1, 'households'),
           ('monitored_income_below_line', 3, 4, 75.0, '%')$$,
  'the register as of 2022-06-30: every figure worked out in the fixture');
SELECT is((SELECT ratio FROM monitoring_report(NULL, '2022-06-30') WHERE key = 'risk_elimination_rate'), '2/7'::ratio,
          'the risk elimination rate is an exact ratio 2/7');
SELECT results_eq(
  $$SELECT key, numerator, denominator FROM poverty_aid.monitoring_report('621027', '2022-06-30')
     WHERE key IN ('monitored_households', 'monitored_people', 'monitoring_measure_coverage', 'risk_elimination_rate', 'monitored_income_below_line')$$,
  $$VALUES ('monitored_households', 3::numeric, NULL::numeric), ('monitored_people', 12, NULL),
           ('monitoring_measure_coverage', 2, 3), ('risk_elimination_rate', 1, 4), ('monitored_income_below_line', 3, 3)$$,
  'Zhenyuan County (6-digit code) as of 2022-06-30');
SELECT results_eq(
  $$SELECT key, numerator, denominator FROM poverty_aid.monitoring_report('653226000000', '2022-06-30')
     WHERE key IN ('monitored_households', 'monitored_people', 'monitoring_measure_coverage', 'risk_elimination_rate', 'monitored_income_below_line')$$,
  $$VALUES ('monitored_households', 1::numeric, NULL::numeric), ('monitored_people', 3, NULL),
           ('monitoring_measure_coverage', 0, 1), ('risk_elimination_rate', 1, 2), ('monitored_income_below_line', 0, 1)$$,
  'Yutian County (12-digit code) as of 2022-06-30');
SELECT is((SELECT value FROM monitoring_report('621021', '2021-12-31') WHERE key = 'returned_to_poverty'), 1::numeric,
          'Qingcheng: H5 back in poverty in 2021');
SELECT is((SELECT value FROM monitoring_report('621021', '2022-06-30') WHERE key = 'returned_to_poverty'), 0::numeric,
          '... and not counted again in 2022 (returns are counted in the year of the new period)');
SELECT is((SELECT value FROM monitoring_report(NULL, '2022-03-31') WHERE key = 'returned_to_poverty'), 0::numeric,
          'H11''s return of 2022-04-01 is not counted before it happened');
SELECT is((SELECT numerator || '/' || denominator FROM monitoring_report(NULL, '2022-03-01') WHERE key = 'risk_elimination_rate'),
          '2/6', 'eliminated on the date counts as eliminated (M1 on 2022-03-01)');
SELECT is((SELECT value FROM monitoring_report(NULL, '2022-03-01') WHERE key = 'monitored_households'),
          4::numeric, 'and is off the list on that date (M2, M3, M5, M6)');
SELECT is((SELECT string_agg(coalesce(value::text, 'NULL') || ' ' || ratio::text, ',') FROM monitoring_report(NULL, '2020-12-31') WHERE unit = '%'),
          'NULL 0/0,NULL 0/0,NULL 0/0', 'before monitoring began every rate is 0/0 with value NULL');
SELECT set_eq(
  $$SELECT region_code, key, numerator FROM poverty_aid.monitoring_values('2022-06-30', 'province', NULL)$$,
  $$SELECT r.code, m.key, m.numerator FROM poverty_aid.region r, poverty_aid.monitoring_report(r.code, '2022-06-30') m
     WHERE r.level = 'province'$$,
  'monitoring_values by province equals monitoring_report of each province');
SELECT is((SELECT sum(numerator) FROM monitoring_values('2022-06-30', 'county', NULL) WHERE key = 'monitored_people'),
          (SELECT numerator FROM monitoring_report(NULL, '2022-06-30') WHERE key = 'monitored_people'),
          'the counties'' monitored people add up to the register''s');
SELECT is((SELECT rollup(ratio) FROM monitoring_values('2022-06-30', 'county', NULL) WHERE key = 'risk_elimination_rate'),
          (SELECT ratio FROM monitoring_report(NULL, '2022-06-30') WHERE key = 'risk_elimination_rate'),
          'the counties'' risk elimination ratios roll up to the register''s (ratio of sums)');

-- The county view --------------------------------------------------------------
SELECT results_eq(
  $$SELECT county_code, monitored_households, monitored_people, households_with_measure, monitoring_measure_coverage,
           periods_identified, periods_eliminated, risk_elimination_rate, returned_to_poverty,
           households_with_income, households_below_line, monitored_income_below_line
      FROM poverty_aid.monitoring_county_indicators_as_of('2022-06-30') WHERE periods_identified > 0 OR returned_to_poverty > 0$$,
  $$VALUES ('130826000000', 1::bigint, 4::bigint, 0::bigint, 0.0, 1::bigint, 0::bigint, 0.0, 1::bigint, 0::bigint, 0::bigint, NULL::numeric),
           ('621027000000', 3, 12, 2, 66.7, 4, 1, 25.0, 0, 3, 3, 100.0),
           ('653226000000', 1, 3, 0, 0.0, 2, 1, 50.0, 0, 1, 0, 0.0)$$,
  'monitoring_county_indicators_as_of: the three counties with monitoring as of 2022-06-30');
SELECT is((SELECT count(*)::int FROM monitoring_county_indicators_as_of('2022-06-30') c
            JOIN LATERAL (SELECT max(value) FILTER (WHERE key = 'monitored_people') AS people,
                                 max(value) FILTER (WHERE key = 'monitoring_measure_coverage') AS coverage,
                                 max(value) FILTER (WHERE key = 'risk_elimination_rate') AS elimination
                            FROM monitoring_report(c.county_code, '2022-06-30')) r ON true
           WHERE c.monitored_people IS DISTINCT FROM r.people::bigint OR c.monitoring_measure_coverage IS DISTINCT FROM r.coverage
              OR c.risk_elimination_rate IS DISTINCT FROM r.elimination), 0,
          'the county view agrees with monitoring_report for every county');
SELECT is((SELECT count(*)::int FROM monitoring_county_indicators), (SELECT count(*)::int FROM region WHERE level = 'county'),
          'the view monitoring_county_indicators has one row per county');

-- Early warning ------------------------------------------------------------------
SELECT results_eq(
  $$SELECT household_no, village_code, registered, reasons, income_year, per_capita_income, previous_income, line
      FROM poverty_aid.monitoring_candidates('2022-12-31')$$,
  $$VALUES ('H11', '130826100201', true, ARRAY['income_below_line', 'income_drop'], 2022, 4700.00, 6500.00, 4800.00),
           ('G5', '621027100201', false, ARRAY['income_near_line'], 2022, 5000.00, NULL, 4700.00),
           ('H12', '621027100202', true, ARRAY['income_drop'], 2022, 6000.00, 9000.00, 4700.00),
           ('G2', '653226100201', false, ARRAY['income_below_line'], 2022, 4400.00, NULL, 4500.00),
           ('G6', '653226100201', false, ARRAY['income_below_line'], 2022, 4000.00, 6000.00, 4500.00)$$,
  'candidates as of 2022-12-31: below the line, near it, an exited household''s income drop');
SELECT is((SELECT count(*)::int FROM monitoring_candidates('2022-06-30') WHERE household_no = 'H11'), 0,
          'H11 is no candidate while it is back in poverty (2022-06-30)');
SELECT is((SELECT count(*)::int FROM monitoring_candidates('2021-12-31')), 0,
          'as of 2021-12-31 (incomes of 2021) nobody: H8 (4400) is above Xinjiang''s 4300, H2 and G1 are monitored, H12 has no 2020 income to drop from');
UPDATE monitoring_line SET warning_margin = 0 WHERE province_code = '620000000000' AND year = 2022;
SELECT is((SELECT count(*)::int FROM monitoring_candidates('2022-12-31') WHERE household_no = 'G5'), 0,
          'without a warning margin G5 is no longer a candidate: the margin is the office''s setting');
UPDATE monitoring_line SET income_drop_share = 0.2 WHERE province_code = '620000000000' AND year = 2022;
SELECT is((SELECT reasons FROM monitoring_candidates('2022-12-31') WHERE household_no = 'H13'), ARRAY['income_drop'],
          'with a drop share of 20% H13 (-28.9%) becomes a candidate');
UPDATE monitoring_line SET warning_margin = 500, income_drop_share = 0.3 WHERE province_code = '620000000000' AND year = 2022;

-- The job that records them
CALL record_monitoring_candidates('2022-12-31');
CALL record_monitoring_candidates('2022-12-31');
SELECT is((SELECT string_agg(status::text || ' ' || rows_written, ',' ORDER BY id) FROM job_run WHERE job = 'record_monitoring_candidates'),
          'succeeded 5,succeeded 5', 'each run is logged in job_run: succeeded, 5 rows');
SELECT set_eq($$SELECT household_no, reasons FROM poverty_aid.monitoring_candidate WHERE as_of = '2022-12-31'$$,
              $$SELECT household_no, reasons FROM poverty_aid.monitoring_candidates('2022-12-31')$$,
              'the recorded rows are the candidates; a second run replaces them');
SELECT is((SELECT count(DISTINCT run_id)::int FROM monitoring_candidate), 1, 'every row names the last run');
SET client_min_messages = error;
CALL record_monitoring_candidates(NULL);
RESET client_min_messages;
SELECT is((SELECT status::text || ' ' || error FROM job_run ORDER BY id DESC LIMIT 1), 'failed 22004: as_of must not be NULL',
          'a failed run is logged with its SQLSTATE and message, and is not an error');
SELECT is((SELECT count(*)::int FROM monitoring_candidate), 5, 'the failed run left the recorded rows alone');

-- Bad input -----------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by, eliminated_on)
                   VALUES ('G9', '621027100201', 2, 'marginal_at_risk', '{illness}', '2022-03-01', 'visit', '2022-02-01')$$,
                 '23514', 'new row for relation "monitored_household" violates check constraint "monitored_household_eliminated_after_identified"',
                 'elimination before identification: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('H4', '621027100202', 5, 'exited_unstable', '{illness}', '2022-01-01', 'visit')$$,
                 '23P01', NULL, 'a second open period of a monitored household (H4): 23P01');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by, eliminated_on)
                   VALUES ('H2', '621027100201', 3, 'exited_unstable', '{illness}', '2020-06-01', 'visit', '2021-03-02')$$,
                 '23P01', NULL, 'a closed period overlapping another (H2): 23P01');
SELECT lives_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by, eliminated_on)
                  VALUES ('H2', '621027100201', 3, 'exited_unstable', '{illness}', '2020-06-01', 'visit', '2021-03-01')$$,
                'a period ending on the day the next is identified does not overlap it');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on)
                   VALUES (910001, 'employment', '2022-04-01')$$,
                 '23514', 'assistance measure outside its monitoring period',
                 'a measure starting after the risk was eliminated: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on)
                   VALUES (910002, 'employment', '2021-03-31')$$,
                 '23514', 'assistance measure outside its monitoring period',
                 'a measure starting before the household was identified: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on, ended_on)
                   VALUES (910001, 'employment', '2021-04-01', '2022-03-02')$$,
                 '23514', 'assistance measure outside its monitoring period',
                 'a measure ending after the risk was eliminated: 23514');
SELECT throws_ok($$UPDATE poverty_aid.monitoring_measure SET started_on = '2021-01-01' WHERE id = 910002$$,
                 '23514', 'assistance measure outside its monitoring period',
                 'moving a measure out of its period: 23514');
SELECT throws_ok($$UPDATE poverty_aid.monitored_household SET eliminated_on = '2021-12-01' WHERE id = 910002$$,
                 '23514', 'assistance measure 910003 would lie outside its monitoring period',
                 'eliminating the risk before a measure ended (X3, 2021-12-31) is refused: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on, ended_on)
                   VALUES (910002, 'employment', '2021-06-01', '2021-05-01')$$,
                 '23514', NULL, 'a measure ending before it starts: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G9', '621027100201', 2, 'at_risk', '{illness}', '2022-03-01', 'visit')$$,
                 '22P02', 'invalid input value for enum monitoring_category: "at_risk"',
                 'an unknown category: 22P02');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G9', '621027100201', 2, 'marginal_at_risk', '{bad_luck}', '2022-03-01', 'visit')$$,
                 '22P02', NULL, 'an unknown risk cause: 22P02');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G9', '621027100201', 2, 'marginal_at_risk', '{}', '2022-03-01', 'visit')$$,
                 '23514', NULL, 'no risk cause: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G9', '621027100201', 2, 'exited_unstable', '{illness}', '2022-03-01', 'visit')$$,
                 '23503', 'household G9 has no poverty period exited by 2022-03-01',
                 'exited_unstable for a household that never was in the register: 23503');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('H13', '621027100202', 2, 'marginal_at_risk', '{illness}', '2022-03-01', 'visit')$$,
                 '23514', 'household H13 was registered as poor',
                 'marginal_at_risk for a household of the register: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('H1', '621027100201', 4, 'sudden_hardship', '{illness}', '2022-03-01', 'visit')$$,
                 '23514', 'household H1 is in an open poverty period on 2022-03-01',
                 'a household poor on the day it would be identified: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G9', '621027100000', 2, 'marginal_at_risk', '{illness}', '2022-03-01', 'visit')$$,
                 '23514', NULL, 'a monitored household in a township, not a village: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_line (province_code, year, line) VALUES ('621027000000', 2022, 4700)$$,
                 '23514', NULL, 'a monitoring line for a county, not a province: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_line (province_code, year, line, income_drop_share) VALUES ('620000000000', 2023, 4900, 1.5)$$,
                 '23514', NULL, 'an income drop share above 1: 23514');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_income (household_no, year, village_code, per_capita_income) VALUES ('G9', 2022, '621027100201', 'NaN')$$,
                 '23514', NULL, 'a NaN income: 23514');
SELECT throws_ok($$SELECT * FROM poverty_aid.monitoring_report('999999', '2022-06-30')$$, '22023', NULL,
                 'a report for a region not in the register: 22023');
SELECT throws_ok($$SELECT * FROM poverty_aid.monitoring_report(NULL, NULL)$$, '22004', NULL, 'a report as of NULL: 22004');

-- Row security and the audit trail ---------------------------------------------------
-- grant_profile() grants the monitoring tables with the clerk profile
-- (test/monitoring_access.sql tests every profile).
SET client_min_messages = warning;
CREATE ROLE pa_t_mon_clerk_y;
CREATE ROLE pa_t_mon_clerk_z;
SELECT grant_profile('pa_t_mon_clerk_y', 'clerk', ARRAY['653226']);
SELECT grant_profile('pa_t_mon_clerk_z', 'clerk', ARRAY['621027']);
RESET client_min_messages;
SELECT coalesce(max(id), 0) AS audit0 FROM audit_log \gset

SET SESSION AUTHORIZATION pa_t_mon_clerk_y;
SELECT is((SELECT string_agg(household_no, ',' ORDER BY household_no) FROM poverty_aid.monitoring_candidates('2022-12-31')),
          'G2,G6', 'a clerk of Yutian sees the candidates of her county only');
SELECT is((SELECT string_agg(household_no || ':' || id, ',' ORDER BY id) FROM poverty_aid.monitored_household), 'G2:910004,H8:910005',
          'she reads the monitored households of her county only');
SELECT is((SELECT count(*)::int FROM poverty_aid.monitoring_measure), 2, 'and their measures only (X5, X7)');
SELECT is((SELECT string_agg(province_code || ' ' || year, ',' ORDER BY year) FROM poverty_aid.monitoring_line),
          '650000000000 2021,650000000000 2022', 'she reads the monitoring lines of her province');
SELECT is((SELECT value FROM poverty_aid.monitoring_report(NULL, '2022-06-30') WHERE key = 'monitored_households'), 1::numeric,
          'her report of the whole register covers her county (M5)');
SELECT lives_ok($$INSERT INTO poverty_aid.monitored_household (id, household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                  VALUES (910020, 'G10', '653226100202', 3, 'sudden_hardship', '{illness,accident}', '2022-08-01', 'own_application')$$,
                'she registers a monitored household in her county');
SELECT lives_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on) VALUES (910020, 'health', '2022-08-05')$$,
                'and a measure for it');
SELECT throws_ok($$INSERT INTO poverty_aid.monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('G11', '621027100201', 3, 'sudden_hardship', '{illness}', '2022-08-01', 'visit')$$,
                 '42501', NULL, 'she cannot register one in another county');
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, started_on) VALUES (910002, 'health', '2022-08-05')$$,
                 '42501', NULL, 'nor add a measure to another county''s household');
UPDATE poverty_aid.monitored_household SET eliminated_on = '2022-09-01' WHERE id = 910002;
UPDATE poverty_aid.monitored_household SET eliminated_on = '2022-09-01' WHERE id = 910020;
SELECT throws_ok($$INSERT INTO poverty_aid.monitoring_line (province_code, year, line) VALUES ('650000000000', 2023, 4700)$$,
                 '42501', NULL, 'she cannot set a monitoring line');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT eliminated_on FROM monitored_household WHERE id = 910002), NULL::date,
          'her update of another county''s household changed nothing');
SELECT results_eq(
  format($$SELECT table_name, operation, role_name::text COLLATE "default" FROM poverty_aid.audit_log WHERE id > %s ORDER BY id$$, :audit0),
  $$VALUES ('monitored_household', 'INSERT', 'pa_t_mon_clerk_y'), ('monitoring_measure', 'INSERT', 'pa_t_mon_clerk_y'),
           ('monitored_household', 'UPDATE', 'pa_t_mon_clerk_y')$$,
  'her changes are in the audit trail: two inserts and the one update that touched a row');
SELECT is((SELECT (old_row ->> 'eliminated_on') IS NULL AND new_row ->> 'eliminated_on' = '2022-09-01'
             FROM audit_log WHERE id > :audit0 AND operation = 'UPDATE'), true, 'the update keeps the old and new row');

SET SESSION AUTHORIZATION pa_t_mon_clerk_z;
SELECT is((SELECT string_agg(household_no, ',' ORDER BY household_no) FROM poverty_aid.monitoring_candidates('2022-12-31')),
          'G5,H12', 'a clerk of Zhenyuan sees the candidates of her county only');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
