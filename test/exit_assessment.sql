-- pgTAP: the exit assessment — its tables guard themselves, exit_assessment()
-- gives the three sample rates as exact ratios with 95% Wilson intervals,
-- their thresholds and verdicts next to exit_check()'s incidence criterion,
-- picks the latest survey as of a date, and the tables get row security,
-- privileges and audit like the register's.
BEGIN;
SELECT plan(35);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;

-- Thresholds live in one place.
SELECT results_eq($$SELECT criterion, percent, is_maximum FROM exit_assessment_criteria() ORDER BY 1$$,
                  $$VALUES ('approval', 90::numeric, false), ('missed_poor', 2::numeric, true), ('wrongful_exit', 2::numeric, true)$$,
                  'thresholds: wrongful exits <= 2%, missed poor <= 2%, approval >= 90%');

-- Qingcheng (621021, west, exited 2019-04-20): 100 more exited households in
-- its village V3, then two surveys.
INSERT INTO household (id, household_no, village_code, members, registered_on, exited_on)
  SELECT 920000 + i, 'Q' || i, '621021100201', 3, '2014-03-01', '2018-12-01' FROM generate_series(1, 100) i;
INSERT INTO assessment (id, county_code, assessed_on, assessor) VALUES
  (1, '621021000000', '2019-03-20', 'first survey'),
  (2, '621021000000', '2019-04-10', 'second survey'),
  (3, '653226000000', '2020-01-10', 'Yutian survey');
-- First survey: 100 exited households, 1 wrongly exited; 60 off the
-- register, none poor; of the 160, 150 approve, 5 disapprove, 5 no answer.
INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, wrongly_exited, missed_poor, approves)
  SELECT 1, i, '621021100201', 920000 + i, i = 1, NULL, CASE WHEN i <= 5 THEN NULL ELSE i > 10 END
    FROM generate_series(1, 100) i
  UNION ALL
  SELECT 1, 100 + i, '621021100201', NULL, NULL, false, true FROM generate_series(1, 60) i;
-- Second survey: 400 exited (4 times each household, as separate samples
-- would be), none wrong; 300 off the register, none poor; 700 answer, 690 approve.
INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, wrongly_exited, missed_poor, approves)
  SELECT 2, i, '621021100201', 920001 + (i - 1) % 100, false, NULL, i > 10 FROM generate_series(1, 400) i
  UNION ALL
  SELECT 2, 400 + i, '621021100201', NULL, NULL, false, true FROM generate_series(1, 300) i;

CREATE TEMP TABLE first AS SELECT * FROM exit_assessment('621021', '2019-04-01');
SELECT is((SELECT assessment_id FROM first), 1::bigint, 'as of 2019-04-01 the first survey counts');
SELECT is((SELECT households_sampled FROM first), 160::bigint, '160 households sampled');
SELECT is((SELECT wrongful_exit_rate::text FROM first), '1/100', 'wrongful exits 1/100 (exact ratio of sampled exited households)');
SELECT is((SELECT missed_poor_rate::text FROM first), '0/60', 'missed poor 0/60 (households off the register)');
SELECT is((SELECT approval_rate::text FROM first), '150/155', 'approval 150/155 (households that answered)');
SELECT is((SELECT ARRAY[wrongful_exit_percent, missed_poor_percent, approval_percent] FROM first),
          ARRAY[1.00, 0.00, 96.77], 'rates in percent');
-- Wilson 95% interval of 1/100: 0.1767% .. 5.4486%; of 0/60: 0 .. z^2/(60 + z^2) = 6.0172%
-- (z = 1.959964; computed independently of ratio_ci_lower/upper).
SELECT is((SELECT ARRAY[round(wrongful_exit_ci_lower::numeric, 4), round(wrongful_exit_ci_upper::numeric, 4)] FROM first),
          ARRAY[0.1767, 5.4486], 'Wilson interval of 1/100 in percent');
SELECT is((SELECT ARRAY[missed_poor_ci_lower, round(missed_poor_ci_upper::numeric, 4)] FROM first),
          ARRAY[0, 6.0172]::float8[], 'Wilson interval of 0/60 in percent');
SELECT is((SELECT ARRAY[wrongful_exit_max_percent, missed_poor_max_percent, approval_min_percent] FROM first),
          ARRAY[2, 2, 90]::numeric[], 'the thresholds are shown');
SELECT is((SELECT ARRAY[wrongful_exit_met, missed_poor_met, approval_met] FROM first),
          ARRAY[true, true, true], 'each point estimate meets its threshold');
SELECT is((SELECT ARRAY[wrongful_exit_met_with_interval, missed_poor_met_with_interval, approval_met_with_interval] FROM first),
          ARRAY[false, false, true], 'the intervals of the small samples straddle 2%; approval''s lower bound is above 90%');
SELECT is((SELECT ARRAY[incidence_percent, incidence_threshold_percent] FROM first), ARRAY[0.00, 3]::numeric[],
          'incidence next to it: 0 poor of 50, west threshold 3%');
SELECT is((SELECT ARRAY[incidence_met, all_met, all_met_with_interval] FROM first), ARRAY[true, true, false],
          'all criteria met on the point estimates, not with the intervals');

CREATE TEMP TABLE second AS SELECT * FROM exit_assessment('621021000000', '2020-03-31');
SELECT is((SELECT assessment_id FROM second), 2::bigint, 'later, the latest survey counts');
SELECT is((SELECT ARRAY[wrongful_exit_rate::text, missed_poor_rate::text, approval_rate::text] FROM second),
          ARRAY['0/400', '0/300', '690/700'], 'the second survey''s rates');
SELECT is((SELECT all_met_with_interval FROM second), true, 'a large clean sample meets every criterion with its interval');
SELECT is((SELECT count(*)::int FROM exit_assessment(NULL, '2020-03-31')), 2, 'one row per assessed county');
SELECT is((SELECT ARRAY[wrongful_exit_rate::text, wrongful_exit_met::text] FROM exit_assessment('653226', '2020-03-31')),
          ARRAY['0/0', NULL], 'a survey without households has 0/0 rates and no verdict');
SELECT is((SELECT count(*)::int FROM exit_assessment(NULL, '2019-01-01')), 0, 'no survey before 2019-03-20');
SELECT results_eq($$SELECT * FROM county_exit_assessment$$, $$SELECT * FROM exit_assessment(NULL, current_date)$$,
                  'county_exit_assessment is exit_assessment() as of today');

-- The tables guard themselves ---------------------------------------------------------
SELECT throws_ok($$INSERT INTO assessment (county_code, assessed_on) VALUES ('621021100201', '2019-01-01')$$,
                 '23514', NULL, 'an assessment is of a county');
SELECT throws_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, wrongly_exited)
                   VALUES (1, 999, '621021100201', NULL, true)$$, '23514', NULL,
                 'wrongly_exited only for a registered household');
SELECT throws_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, missed_poor)
                   VALUES (1, 999, '621021100201', 920001, true)$$, '23514', NULL,
                 'missed_poor only for a household off the register');
SELECT throws_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code) VALUES (1, 999, '621027100201')$$,
                 '23514', 'sampled household lies outside the assessed county', 'a sampled village lies in the assessed county');
SELECT throws_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id)
                   VALUES (3, 999, '653226100202', 910007)$$,
                 '23514', 'sampled household is registered in another village', 'a registered household is sampled in its own village');
SELECT throws_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code) VALUES (1, 1, '621021100201')$$,
                 '23505', NULL, 'a sample number is used once per assessment');

-- Security: profiles, row security, audit ------------------------------------------------
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name IN ('assessment', 'assessment_household') AND operation = 'INSERT'),
          3 + 160 + 700, 'every inserted assessment row is audited');
UPDATE assessment_household SET approves = false WHERE assessment_id = 1 AND sample_no = 11;
SELECT is((SELECT old_row ->> 'approves' FROM audit_log WHERE table_name = 'assessment_household' AND operation = 'UPDATE'),
          'true', 'an update is audited with the old row');
CREATE ROLE pa_a_clerk;
CREATE ROLE pa_a_viewer;
SELECT grant_profile('pa_a_clerk', 'clerk', ARRAY['653226']);
SELECT grant_profile('pa_a_viewer', 'viewer');
SELECT ok(has_table_privilege('pa_a_clerk', 'assessment_household', 'INSERT') AND has_table_privilege('pa_a_viewer', 'assessment', 'SELECT')
          AND NOT has_table_privilege('pa_a_viewer', 'assessment', 'INSERT') AND has_table_privilege('pa_a_viewer', 'county_exit_assessment', 'SELECT'),
          'clerks write the assessment tables, viewers read them and the view');
SET ROLE pa_a_clerk;
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM assessment), ARRAY['653226000000'],
          'a clerk of Yutian sees Yutian''s assessments only');
SELECT is((SELECT count(*)::int FROM exit_assessment(NULL, '2020-03-31')), 1, 'and exit_assessment() shows only them');
SELECT throws_ok($$INSERT INTO assessment (county_code, assessed_on) VALUES ('621027000000', '2020-01-01')$$,
                 '42501', NULL, 'a clerk of Yutian cannot add an assessment of Zhenyuan');
SELECT lives_ok($$INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, wrongly_exited)
                  VALUES (3, 1, '653226100201', 910009, false)$$, 'but can add a sampled household in Yutian');
RESET ROLE;
SET ROLE pa_a_viewer;
SELECT is((SELECT count(*)::int FROM county_exit_assessment), 2, 'a viewer without assignments reads every county');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
