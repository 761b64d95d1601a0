-- Reports on the hand-counted fixture test/fixtures/reports.sql (its
-- comments work out every figure below).
\set ECHO none
\ir test/fixtures/reports.sql
\set ECHO all
SET search_path = poverty_aid, public;

-- The city as of 2020-03-31.
SELECT key, scope, numerator, denominator, value, unit, ratio
  FROM indicator_report(NULL, '2020-03-31');

-- Yutian County: 6-digit code; its households H6-H9 (H10 registered later).
SELECT key, scope, numerator, denominator, value, unit
  FROM indicator_report('653226', '2020-03-31');

-- A village: incidence by the village itself (9/70).
SELECT key, numerator, denominator, value
  FROM indicator_report('653226100201', '2020-03-31')
 WHERE key IN ('poverty_incidence', 'high_incidence_villages', 'pairing_coverage', 'high_incidence_village_coverage');

-- Later dates: Fengning exits on 2020-05-01; V4's enterprise pairing
-- starts on 2020-04-01; F1's second transfer arrives on 2020-04-10.
SELECT key, numerator, denominator, value
  FROM indicator_report(NULL, '2020-06-30')
 WHERE key IN ('county_exit_rate', 'high_incidence_village_coverage', 'fund_in_place_city_fiscal');

-- Before anything was listed: every ratio 0/0, value NULL.
SELECT key, numerator, denominator, value FROM indicator_report(NULL, '2013-12-31') WHERE unit = '%' LIMIT 3;

-- Errors.
SELECT * FROM indicator_report('999999', '2020-03-31');
SELECT * FROM indicator_report('12345', '2020-03-31');

-- The exit check.
SELECT region_code, name, zone, poor_current, rural_population, incidence_percent, threshold_percent, meets_threshold
  FROM exit_check('2020-03-31');
SELECT count(*) AS all_listed FROM exit_check('2020-03-31', include_exited => true);

-- The BI functions.
SELECT county_code, county_name, prefecture_name, province_name, designated, deep_poverty, exited,
       villages_listed, villages_exited, households_registered, poor_population_current,
       rural_population, poverty_incidence, units_paired, units_listed, fund_in_place_rate
  FROM county_indicators_as_of('2020-03-31');
SELECT village_code, county_name, exited, poor_population_current, rural_population, poverty_incidence,
       high_incidence, meets_exit_threshold, paired, paired_with_enterprise, active_pairings
  FROM village_indicators_as_of('2020-03-31');
SELECT helper_name, kind, pairings_active, counties_paired, villages_paired, households_paired,
       funds_planned, funds_in_place, fund_in_place_rate, jobs_found, consumption_sales
  FROM helper_indicators_as_of('2020-03-31');
SELECT source, fund_plans, funds_planned, funds_in_place, fund_in_place_rate, funds_allocated_jan_feb
  FROM fund_source_indicators_as_of('2020-03-31');

-- Snapshots: twice for one date (replaced, not duplicated), once for another.
CALL take_snapshot('2020-03-31');
CALL take_snapshot('2020-03-31');
CALL take_snapshot('2020-06-30');
SELECT job, as_of, status, rows_written, error FROM job_run ORDER BY id;
SELECT as_of, count(*) AS rows, count(DISTINCT region_code) AS regions,
       count(*) FILTER (WHERE region_code IS NULL) AS register_rows
  FROM indicator_snapshot GROUP BY as_of ORDER BY as_of;
SELECT region_code, as_of, value, previous_value, change
  FROM indicator_trend WHERE indicator = 'county_exit_rate' AND (region_code IS NULL OR region_code LIKE '13%');
-- A failed run is logged as failed and leaves the snapshot alone.
CALL take_snapshot(NULL);
SELECT job, as_of, status, rows_written, error FROM job_run ORDER BY id DESC LIMIT 1;

-- A data problem in one region: a population too small is refused where it
-- is written; households added after the population leave the county out of
-- the incidence, named in a WARNING and by data_problems(), and every other
-- region still reports.
UPDATE region_population SET rural_population = 1 WHERE region_code = '653226000000' AND year = 2019;
INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('HX-1', '653226100201', 300, '2020-01-01');
SELECT key, numerator, denominator, value FROM indicator_report(NULL, '2020-03-31') WHERE key LIKE 'poverty_%';
SELECT * FROM data_problems('2020-03-31');
SELECT * FROM data_problems('2019-12-31');

-- Income measures (ord 201-209) on six 2019 incomes against a line of 3,000
-- yuan, weighted by members: 24 people, 16 below the line (H1 4 at 1,500;
-- H3 3 at 2,400; H6 5 at 0; H7 4 at 2,000; H4's 5 at exactly 3,000 are not
-- below), FGT(1) = (4*0.5 + 3*0.2 + 5*1 + 4/3)/24 = 0.372222, FGT(2) =
-- (4*0.25 + 3*0.04 + 5 + 4/9)/24 = 0.273519, Watts NULL (H6 has no income),
-- mean (6000 + 13500 + 7200 + 15000 + 0 + 8000)/24 = 2070.83, mean
-- shortfall (6000 + 1800 + 15000 + 4000)/24 = 1116.67.  County 621027: 7 of
-- 15 below, Watts (4 ln 2 + 3 ln 1.25)/15 = 0.229468.  As of 2020-03-31 the
-- income year is 2019; as of 2019-12-31 it is 2019 too.
INSERT INTO poverty_line (year, line) VALUES (2019, 3000) ON CONFLICT (year) DO UPDATE SET line = 3000;
INSERT INTO household_income (household_id, year, per_capita_income) VALUES
  (910001, 2019, 1500), (910002, 2019, 4500), (910004, 2019, 2400),
  (910005, 2019, 3000), (910007, 2019, 0), (910008, 2019, 2000);
SELECT key, numerator, denominator, value, unit FROM indicator_report(NULL, '2020-03-31') WHERE key LIKE 'income%';
SELECT key, value FROM indicator_report(NULL, '2019-12-31') WHERE key = 'income_year';
SELECT key, numerator, denominator, value FROM indicator_report('621027', '2020-03-31') WHERE key LIKE 'income%';
SELECT region_code, key, numerator, denominator, value FROM indicator_values('2020-03-31', 'county')
 WHERE key IN ('income_headcount_rate', 'income_watts') ORDER BY 1, 2;
