-- Monitoring tables under the access model: profile_privileges() lists them
-- like the register's tables, so grant_profile() gives a viewer read access
-- (row security: her counties only), a clerk writes to the monitored
-- households, their measures and incomes inside her counties (not the
-- monitoring lines, which the office sets, nor the candidates, which the job
-- writes), an admin writes all; every write is in the audit trail.
--
-- On the security fixture: county A 621027 (Gansu), county B 653222
-- (Xinjiang).  One monitored household, measure, income and candidate in
-- each county, a monitoring line for each province.
BEGIN;
SELECT plan(64);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;

SET client_min_messages = warning;
INSERT INTO monitoring_line (province_code, year, line) VALUES
  ('620000000000', 2021, 4500), ('650000000000', 2021, 4600);
INSERT INTO monitored_household (id, household_no, village_code, members, category, risk_causes, identified_on, identified_by) VALUES
  (910001, 'MA-1', '621027100001', 3, 'marginal_at_risk', '{illness}', '2021-03-01', 'visit'),
  (910002, 'MB-1', '653222100001', 4, 'sudden_hardship', '{disaster,accident}', '2021-04-01', 'own_application');
INSERT INTO monitoring_measure (id, monitored_household_id, kind, started_on) VALUES
  (910001, 910001, 'health', '2021-03-10'), (910002, 910002, 'housing', '2021-04-10');
INSERT INTO monitoring_income (household_no, year, village_code, per_capita_income) VALUES
  ('MA-1', 2021, '621027100001', 4300), ('MB-1', 2021, '653222100001', 4400), ('MC-1', 2021, '621027100002', 4550);
INSERT INTO monitoring_candidate (as_of, household_no, village_code, registered, reasons, income_year, per_capita_income, line) VALUES
  ('2021-12-31', 'MC-1', '621027100002', false, '{income_near_line}', 2021, 4550, 4500),
  ('2021-12-31', 'MD-1', '653222100001', false, '{income_below_line}', 2021, 4000, 4600);
CREATE ROLE pa_t_mon_viewer;
SELECT grant_profile('pa_t_mon_viewer', 'viewer', ARRAY['621027']);
RESET client_min_messages;
SELECT coalesce(max(id), 0) AS audit0 FROM audit_log \gset

-- What each profile consists of ---------------------------------------------------
SELECT results_eq(
  $$SELECT object_name, privileges FROM profile_privileges('viewer')
     WHERE object_name ~ 'monitor|household_income_history' ORDER BY 1$$,
  $$VALUES ('poverty_aid.household_income_history', 'SELECT'), ('poverty_aid.monitored_household', 'SELECT'),
           ('poverty_aid.monitoring_candidate', 'SELECT'), ('poverty_aid.monitoring_county_indicators', 'SELECT'),
           ('poverty_aid.monitoring_income', 'SELECT'), ('poverty_aid.monitoring_line', 'SELECT'),
           ('poverty_aid.monitoring_measure', 'SELECT')$$,
  'a viewer reads the five monitoring tables and the two views, as the register''s tables and views');
SELECT results_eq(
  $$SELECT object_name, privileges FROM profile_privileges('clerk')
     WHERE object_name ~ 'monitor' AND privileges <> 'SELECT' ORDER BY 1, 2$$,
  $$VALUES ('poverty_aid.monitored_household', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitored_household_id_seq', 'USAGE'),
           ('poverty_aid.monitoring_income', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_measure', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_measure_id_seq', 'USAGE')$$,
  'a clerk writes monitored households, measures and incomes (and draws their ids), not lines or candidates');
SELECT results_eq(
  $$SELECT object_name, privileges FROM profile_privileges('admin')
     WHERE object_name ~ 'monitor' AND privileges <> 'SELECT' ORDER BY 1, 2$$,
  $$VALUES ('poverty_aid.monitored_household', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitored_household_id_seq', 'USAGE'),
           ('poverty_aid.monitoring_candidate', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_income', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_line', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_measure', 'INSERT, UPDATE, DELETE'),
           ('poverty_aid.monitoring_measure_id_seq', 'USAGE')$$,
  'an admin writes every monitoring table, as every data table');
SELECT is(has_function_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_report(text, date)', 'EXECUTE')
          AND has_function_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_candidates(date)', 'EXECUTE')
          AND has_function_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_values(date, poverty_aid.region_level, text)', 'EXECUTE')
          AND has_function_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_county_indicators_as_of(date)', 'EXECUTE')
          AND has_function_privilege('pa_t_mon_viewer', 'poverty_aid.indicator_report(text, date)', 'EXECUTE'),
          true, 'the monitoring reports are executable by every role, as indicator_report');
SELECT is(has_table_privilege('pa_t_nobody', 'poverty_aid.monitored_household', 'SELECT'), false,
          'a role without a profile reads no monitoring table');

-- A viewer of county A: her rows, no writes -------------------------------------
SET SESSION AUTHORIZATION pa_t_mon_viewer;
SELECT is((SELECT string_agg(household_no, ',') FROM monitored_household), 'MA-1', 'the viewer reads the monitored households of her county only');
SELECT is((SELECT string_agg(id::text, ',') FROM monitoring_measure), '910001', 'and their measures only');
SELECT is((SELECT string_agg(household_no, ',' ORDER BY household_no) FROM monitoring_income), 'MA-1,MC-1', 'and the incomes of her county only');
SELECT is((SELECT string_agg(household_no, ',') FROM monitoring_candidate), 'MC-1', 'and the candidates of her county only');
SELECT is((SELECT string_agg(province_code, ',') FROM monitoring_line), '620000000000', 'and the monitoring line of her province only');
SELECT is((SELECT string_agg(DISTINCT household_no, ',' ORDER BY household_no) FROM household_income_history), 'HA-1,MA-1,MC-1',
          'household_income_history shows her county''s incomes only');
SELECT is((SELECT value FROM monitoring_report(NULL, '2021-12-31') WHERE key = 'monitored_households'), 1::numeric,
          'her monitoring report of the whole register counts her county''s household');
SELECT is((SELECT string_agg(county_code || ':' || monitored_households, ',') FROM monitoring_county_indicators_as_of('2021-12-31')
            WHERE monitored_households > 0), '621027000000:1', 'the county view shows her county''s household');
SELECT lives_ok($$SELECT * FROM monitoring_county_indicators$$, 'she reads the county view');
SELECT throws_ok($$INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('MA-2', '621027100001', 2, 'sudden_hardship', '{illness}', '2021-05-01', 'visit')$$,
                 '42501', NULL, 'the viewer cannot insert a monitored household, even in her county');
SELECT throws_ok($$UPDATE monitored_household SET members = 9 WHERE id = 910001$$, '42501', NULL, 'nor update one');
SELECT throws_ok($$DELETE FROM monitoring_measure WHERE id = 910001$$, '42501', NULL, 'nor delete a measure');
SELECT throws_ok($$INSERT INTO monitoring_income VALUES ('MA-1', 2022, '621027100001', 1)$$, '42501', NULL, 'nor insert an income');
SELECT throws_ok($$UPDATE monitoring_line SET line = 1$$, '42501', NULL, 'nor change a monitoring line');
SELECT throws_ok($$DELETE FROM monitoring_candidate$$, '42501', NULL, 'nor delete candidates');
SELECT throws_ok($$TRUNCATE monitoring_income$$, '42501', NULL, 'nor truncate');
RESET SESSION AUTHORIZATION;

-- Clerk A: her county's monitored households, measures, incomes -----------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT is((SELECT string_agg(household_no, ',') FROM monitored_household), 'MA-1', 'clerk A reads the monitored households of her county only');
SELECT is((SELECT string_agg(province_code, ',') FROM monitoring_line), '620000000000', 'and the line of her province');
SELECT lives_ok($$INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                  VALUES ('MA-2', '621027100002', 2, 'sudden_hardship', '{illness,disaster}', '2021-05-01', 'visit')$$,
                'clerk A registers a monitored household in her county (its id from the sequence)');
SELECT lives_ok($$INSERT INTO monitoring_measure (monitored_household_id, kind, started_on)
                  SELECT m.id, 'temporary_relief', '2021-05-02' FROM monitored_household m WHERE m.household_no = 'MA-2'$$,
                'and a measure for it (INSERT ... SELECT)');
SELECT lives_ok($$INSERT INTO monitoring_income VALUES ('MA-2', 2021, '621027100002', 3900)$$, 'and its income');
SELECT isnt_empty($$UPDATE monitored_household SET members = 3, note = 'checked' WHERE household_no = 'MA-2' RETURNING id$$,
                  'she updates her monitored household');
SELECT isnt_empty($$UPDATE monitoring_measure SET ended_on = '2021-06-30' WHERE id = 910001 RETURNING id$$, 'and her measure');
SELECT isnt_empty($$UPDATE monitoring_income SET per_capita_income = 3950 WHERE household_no = 'MA-2' RETURNING year$$, 'and her income');
SELECT isnt_empty($$DELETE FROM monitoring_income WHERE household_no = 'MC-1' RETURNING year$$, 'she deletes an income of her county');

SELECT throws_ok($$INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   VALUES ('MB-2', '653222100001', 2, 'sudden_hardship', '{illness}', '2021-05-01', 'visit')$$,
                 '42501', NULL, 'clerk A cannot register a monitored household in county B');
SELECT throws_ok($$INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                   SELECT 'MB-' || g, '653222100001', 2, 'sudden_hardship', '{illness}', '2021-05-01', 'visit' FROM generate_series(3, 4) g$$,
                 '42501', NULL, 'nor with INSERT ... SELECT');
SELECT throws_ok($$INSERT INTO monitoring_measure (monitored_household_id, kind, started_on) VALUES (910002, 'health', '2021-05-01')$$,
                 '42501', NULL, 'nor add a measure to a county B household');
SELECT throws_ok($$INSERT INTO monitoring_income VALUES ('MB-1', 2022, '653222100001', 1)$$, '42501', NULL, 'nor an income of county B');
SELECT throws_ok($$UPDATE monitored_household SET village_code = '653222100001' WHERE id = 910001$$, '42501', NULL,
                 'nor move her monitored household into county B');
SELECT throws_ok($$UPDATE monitoring_measure SET monitored_household_id = 910002 WHERE id = 910001$$, '42501', NULL,
                 'nor move her measure to a county B household');
SELECT throws_ok($$UPDATE monitoring_income SET village_code = '653222100001' WHERE household_no = 'MA-1'$$, '42501', NULL,
                 'nor move an income into county B');
SELECT is_empty($$UPDATE monitored_household SET members = 9 WHERE id = 910002 RETURNING id$$, 'she updates no monitored household of county B');
SELECT is_empty($$DELETE FROM monitoring_measure WHERE id = 910002 RETURNING id$$, 'she deletes no measure of county B');
SELECT is_empty($$DELETE FROM monitoring_income WHERE household_no = 'MB-1' RETURNING year$$, 'she deletes no income of county B');
SELECT throws_ok($$INSERT INTO monitoring_line (province_code, year, line) VALUES ('620000000000', 2022, 4700)$$, '42501', NULL,
                 'she cannot set a monitoring line, even for her province');
SELECT throws_ok($$UPDATE monitoring_line SET line = 1 WHERE province_code = '620000000000'$$, '42501', NULL, 'nor change one');
SELECT throws_ok($$INSERT INTO monitoring_candidate (as_of, household_no, village_code, registered, reasons, income_year, per_capita_income, line)
                   VALUES ('2021-12-31', 'MA-9', '621027100001', false, '{income_below_line}', 2021, 1, 4500)$$, '42501', NULL,
                 'nor write candidates (the job does)');
SELECT throws_ok($$TRUNCATE monitored_household CASCADE$$, '42501', NULL, 'nor truncate');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT members FROM monitored_household WHERE id = 910002), 4, 'county B''s monitored household is unchanged');
SELECT is((SELECT count(*)::int FROM monitoring_measure WHERE monitored_household_id = 910002), 1, 'its measure is still there');
SELECT is((SELECT count(*)::int FROM monitored_household WHERE village_code LIKE '653222%'), 1, 'no monitored household was added to county B');

-- Clerk B: the other county, the same ----------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_b;
SELECT is((SELECT string_agg(household_no, ',') FROM monitored_household), 'MB-1', 'clerk B reads county B''s monitored household only');
SELECT throws_ok($$UPDATE monitored_household SET village_code = '621027100001' WHERE id = 910002$$, '42501', NULL,
                 'clerk B cannot move hers into county A');
SELECT isnt_empty($$DELETE FROM monitoring_measure WHERE id = 910002 RETURNING id$$, 'clerk B deletes a measure of her county');
RESET SESSION AUTHORIZATION;

-- The admin: everything --------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_admin;
SELECT is((SELECT count(*)::int FROM monitored_household), 3, 'the admin reads every monitored household');
SELECT lives_ok($$INSERT INTO monitoring_line (province_code, year, line, warning_margin) VALUES ('650000000000', 2022, 4800, 200)$$,
                'the admin sets a monitoring line');
SELECT isnt_empty($$UPDATE monitoring_line SET income_drop_share = 0.25 WHERE province_code = '650000000000' AND year = 2022 RETURNING year$$,
                  'and changes it');
SELECT lives_ok($$INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
                  VALUES ('MB-2', '653222100001', 2, 'sudden_hardship', '{illness}', '2021-05-01', 'data_screening')$$,
                'and registers a monitored household in any county');
SELECT isnt_empty($$DELETE FROM monitored_household WHERE household_no = 'MB-2' RETURNING id$$, 'and deletes it');
SELECT lives_ok($$INSERT INTO monitoring_candidate (as_of, household_no, village_code, registered, reasons, income_year, per_capita_income, line)
                  VALUES ('2022-12-31', 'MD-1', '653222100001', false, '{income_below_line}', 2021, 4000, 4600)$$,
                'and writes candidates');
SELECT isnt_empty($$DELETE FROM monitoring_line WHERE year = 2022 RETURNING year$$, 'and deletes a monitoring line');
SELECT throws_ok($$TRUNCATE monitoring_line$$, '42501', NULL, 'no one truncates (it would bypass row security)');
RESET SESSION AUTHORIZATION;

-- Every write is in the audit trail ---------------------------------------------------
SELECT results_eq(
  format($$SELECT table_name::text COLLATE "default", operation::text COLLATE "default", role_name::text COLLATE "default", count(*)::int FROM audit_log WHERE id > %s
            GROUP BY 1, 2, 3 ORDER BY 3, 1, 2$$, :audit0),
  $$VALUES ('monitored_household', 'DELETE', 'pa_t_admin', 1), ('monitored_household', 'INSERT', 'pa_t_admin', 1),
           ('monitoring_line', 'DELETE', 'pa_t_admin', 1), ('monitoring_line', 'INSERT', 'pa_t_admin', 1),
           ('monitoring_line', 'UPDATE', 'pa_t_admin', 1),
           ('monitored_household', 'INSERT', 'pa_t_clerk_a', 1), ('monitored_household', 'UPDATE', 'pa_t_clerk_a', 1),
           ('monitoring_income', 'DELETE', 'pa_t_clerk_a', 1), ('monitoring_income', 'INSERT', 'pa_t_clerk_a', 1),
           ('monitoring_income', 'UPDATE', 'pa_t_clerk_a', 1),
           ('monitoring_measure', 'INSERT', 'pa_t_clerk_a', 1), ('monitoring_measure', 'UPDATE', 'pa_t_clerk_a', 1),
           ('monitoring_measure', 'DELETE', 'pa_t_clerk_b', 1)$$,
  'every insert, update and delete of a monitoring table is audited with its role, and nothing refused is');
SELECT is((SELECT new_row ->> 'note' FROM audit_log WHERE id > :audit0 AND table_name = 'monitored_household' AND operation = 'UPDATE'),
          'checked', 'the audited update keeps the new row');
SELECT is((SELECT old_row ->> 'monitored_household_id' FROM audit_log WHERE id > :audit0 AND table_name = 'monitoring_measure' AND operation = 'DELETE'),
          '910002', 'the audited delete keeps the old row');

-- grant_profile again: the privileges are regranted from the lists -------------------
SELECT lives_ok($$SELECT grant_profile('pa_t_mon_viewer', 'clerk')$$, 'the viewer becomes a clerk (her region kept)');
SELECT is(has_table_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_measure', 'INSERT'), true, 'she may now write measures');
SELECT is(has_table_privilege('pa_t_mon_viewer', 'poverty_aid.monitoring_line', 'INSERT'), false, 'but not monitoring lines');

SELECT * FROM finish();
ROLLBACK;
