-- One region's bad data does not take down the other regions' reports.
--
-- Written bad data is refused where it is written: a rural population below
-- the poor population registered in the region (any statement form, the
-- boundary values around the peak).  Bad data that comes from a combination
-- (households added after the population) is a data problem of its region:
-- the reports leave it out of the poverty incidence, name it with its
-- figures (WARNING, data_problems()) and every other region's figures still
-- come out, in the report, the views and the snapshot.
BEGIN;
SELECT plan(29);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;
CREATE ROLE pa_t_clerk_yutian;
CREATE ROLE pa_t_clerk_zhenyuan;
SET client_min_messages = warning;
DO $$
BEGIN
  PERFORM poverty_aid.grant_profile('pa_t_clerk_yutian', 'clerk', ARRAY['653226']);
  PERFORM poverty_aid.grant_profile('pa_t_clerk_zhenyuan', 'clerk', ARRAY['621027']);
END
$$;

-- Refused where it is written ------------------------------------------------------------------
-- Yutian (653226): poor on 2019-01-01 H6 5 + H7 4 + H8 3 + H9 2 = 14, the
-- peak of the span of its 2019 row (H8 exits 2020-01-15, H10 with 4 comes
-- on 2020-06-01: 15).  Village V4 653226100201: 5 + 4 + 3 = 12 until
-- 2020-01-15.  Zhenyuan's 2018 row spans 2018: H1 4 + H2 3 + H4 5 = 12.
SET SESSION AUTHORIZATION pa_t_clerk_yutian;
SELECT throws_ok($$UPDATE poverty_aid.region_population SET rural_population = 1 WHERE region_code = '653226000000' AND year = 2019$$,
  '23514', 'rural population of region 653226000000 is below its registered poor population',
  'the reproducer: a clerk cannot set her county''s population to 1');
SELECT throws_ok($$UPDATE poverty_aid.region_population SET rural_population = 14 WHERE region_code = '653226000000' AND year = 2019$$,
  '23514', NULL, 'one below the peak of the row''s span (15 on 2020-06-01) is refused');
SELECT lives_ok($$UPDATE poverty_aid.region_population SET rural_population = 15 WHERE region_code = '653226000000' AND year = 2019$$,
  'the peak itself is accepted');
SELECT throws_ok($$INSERT INTO poverty_aid.region_population VALUES ('653226000000', 2020, 13)$$,
  '23514', NULL, 'a new year''s row below the poor on its first day (14 on 2020-01-01) is refused');
SELECT throws_ok($$INSERT INTO poverty_aid.region_population
                   SELECT '653226100202', y, CASE y WHEN 2023 THEN 5 ELSE 100 END FROM generate_series(2021, 2023) y$$,
  '23514', NULL, 'INSERT ... SELECT of several rows, one of them bad, is refused as a whole');
SELECT throws_ok($$WITH v AS (SELECT 11 AS people) UPDATE poverty_aid.region_population p SET rural_population = v.people FROM v
                    WHERE p.region_code = '653226100201' AND p.year = 2019$$,
  '23514', NULL, 'an UPDATE from a CTE setting a village below its 12 poor is refused');
SELECT throws_ok($$MERGE INTO poverty_aid.region_population p USING (VALUES ('653226100201', 2019, 3)) v (code, year, people)
                     ON p.region_code = v.code AND p.year = v.year
                   WHEN MATCHED THEN UPDATE SET rural_population = v.people
                   WHEN NOT MATCHED THEN INSERT VALUES (v.code, v.year, v.people)$$,
  '23514', NULL, 'MERGE is refused too');
SELECT throws_ok($$INSERT INTO poverty_aid.region_population VALUES ('653226100201', 2020, 0)
                   ON CONFLICT (region_code, year) DO UPDATE SET rural_population = 0$$,
  '23514', NULL, 'and INSERT ... ON CONFLICT DO UPDATE');
SELECT lives_ok($$UPDATE poverty_aid.region_population SET rural_population = 12 WHERE region_code = '653226100201' AND year = 2019$$,
  'a village at exactly its poor population is accepted');
SELECT throws_ok($$INSERT INTO poverty_aid.region_population VALUES ('653226100201', 2020, 9)$$,
  '23514', NULL, 'a 2020 row for the village below its 12 poor of 2020-01-01 is refused (9 from 2020-01-15 does not help)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION pa_t_clerk_zhenyuan;
SELECT lives_ok($$UPDATE poverty_aid.region_population SET rural_population = 12 WHERE region_code = '621027000000' AND year = 2018$$,
  'a row applies until the region''s next row: Zhenyuan''s 2018 row may be 12 (15 poor from 2019, when the 2019 row applies)');
SELECT throws_ok($$UPDATE poverty_aid.region_population SET rural_population = 11 WHERE region_code = '621027000000' AND year = 2018$$,
  '23514', NULL, 'but not 11');
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$UPDATE poverty_aid.region_population SET rural_population = 1 WHERE region_code = '653226000000'$$,
  '23514', NULL, 'the check holds for the owner too');
SET row_security = off;
SELECT lives_ok($$UPDATE poverty_aid.region_population SET rural_population = 151 WHERE region_code = '653226000000' AND year = 2019;
                  UPDATE poverty_aid.region_population SET rural_population = 200 WHERE region_code = '653226000000' AND year = 2019$$,
  'a superuser replaying a dump (row_security = off) is not checked: the rows were written before');
RESET row_security;

-- Values that would break every report's arithmetic
SET SESSION AUTHORIZATION pa_t_clerk_yutian;
SELECT throws_ok($$UPDATE poverty_aid.region_population SET rural_population = 5000000000000000000 WHERE region_code LIKE '653226100%' AND year = 2019$$,
  '23514', 'new row for relation "region_population" violates check constraint "region_population_plausible"',
  'populations whose sum would overflow the county''s are refused');
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$INSERT INTO poverty_aid.target (indicator, region_code, year, target_value, unit) VALUES ('jobs_found', '653226000000', 2020, 1.23456, 'people')$$,
  '23514', 'new row for relation "target" violates check constraint "target_value_fits_ratio"',
  'a county target with 5 fractional digits (no ratio denominator) is refused');
SELECT throws_ok($$INSERT INTO poverty_aid.target (indicator, region_code, year, target_value, unit) VALUES ('jobs_found', '653226000000', 2020, 1e40, 'people')$$,
  '23514', NULL, 'a target beyond a ratio part''s range is refused');

-- A combination: households added after the population -------------------------------------------
CREATE TEMP TABLE good_county AS SELECT * FROM county_indicators_as_of('2020-03-31');
CREATE TEMP TABLE good_village AS SELECT * FROM village_indicators_as_of('2020-03-31');
CALL take_snapshot('2020-03-31');
CREATE TEMP TABLE good_snapshot AS
  SELECT region_code, indicator, numerator, denominator, value FROM indicator_snapshot WHERE as_of = '2020-03-31';
SET SESSION AUTHORIZATION pa_t_clerk_yutian;
INSERT INTO poverty_aid.household (id, household_no, village_code, members, registered_on)
  VALUES (919001, 'HX-1', '653226100201', 300, '2020-01-01');
RESET SESSION AUTHORIZATION;
SET client_min_messages = error;

SELECT results_eq($$SELECT region_code, level::text, poor_population, rural_population, population_year FROM poverty_aid.data_problems('2020-03-31')$$,
  $$VALUES ('653226000000', 'county', 311::bigint, 200::bigint, 2019), ('653226100201', 'village', 309::bigint, 12::bigint, 2019)$$,
  'data_problems() names the county and the village with their figures');
SELECT results_eq($$SELECT numerator, denominator, value FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'poverty_incidence'$$,
  $$VALUES (7::numeric, 750::numeric, 0.9)$$,
  'the city report comes out: its incidence leaves the county out of both parts (7 / 450 + 50 + 250)');
SELECT is((SELECT count(*)::int FROM indicator_report(NULL, '2020-03-31')), (SELECT count(*)::int FROM indicator_definitions()),
          'with every indicator of indicator_definitions()');
SELECT is(ARRAY(SELECT row(c.*)::text FROM county_indicators_as_of('2020-03-31') c WHERE county_code <> '653226000000' ORDER BY 1),
          ARRAY(SELECT row(c.*)::text FROM good_county c WHERE county_code <> '653226000000' ORDER BY 1),
          'county_indicators_as_of: the other counties'' rows are unchanged');
SELECT is((SELECT row(poor_population_current, rural_population, poverty_incidence)::text FROM county_indicators_as_of('2020-03-31') WHERE county_code = '653226000000'),
          '(311,0,)', 'the county itself has no incidence');
SELECT is(ARRAY(SELECT row(v.*)::text FROM village_indicators_as_of('2020-03-31') v WHERE village_code <> '653226100201' ORDER BY 1),
          ARRAY(SELECT row(v.*)::text FROM good_village v WHERE village_code <> '653226100201' ORDER BY 1),
          'village_indicators_as_of: the other villages'' rows are unchanged');
SELECT is((SELECT row(poverty_incidence, meets_exit_threshold)::text FROM village_indicators_as_of('2020-03-31') WHERE village_code = '653226100201'),
          '(,)', 'the village itself has no incidence and no verdict on the threshold');
CALL take_snapshot('2020-03-31');
SELECT is((SELECT status::text FROM job_run ORDER BY id DESC LIMIT 1), 'succeeded', 'the scheduled snapshot succeeds');
SELECT is(ARRAY(SELECT row(s.*)::text FROM (SELECT region_code, indicator, numerator, denominator, value FROM indicator_snapshot
                                              WHERE as_of = '2020-03-31' AND region_code NOT LIKE '65%') s ORDER BY 1),
          ARRAY(SELECT row(s.*)::text FROM good_snapshot s WHERE region_code NOT LIKE '65%' ORDER BY 1),
          'and the other provinces'' snapshot rows are unchanged');
SELECT is((SELECT count(*)::int FROM exit_check('2020-03-31', true)), 10, 'exit_check still lists every unit');

-- Another county's clerk gets her report; she does not see the other county's problem
SET SESSION AUTHORIZATION pa_t_clerk_zhenyuan;
SELECT results_eq($$SELECT numerator, denominator FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'poverty_incidence'$$,
  $$VALUES (7::numeric, 450::numeric)$$, 'another county''s clerk gets her report');
SELECT is((SELECT count(*)::int FROM data_problems('2020-03-31')), 0, 'and data_problems() shows her only her regions');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
