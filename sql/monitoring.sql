-- Monitoring after exit on the hand-counted fixture: test/fixtures/reports.sql
-- with test/fixtures/monitoring.sql on top (its comments work out every
-- figure below).  Everything runs in one transaction that is rolled back at
-- the end (ON_ERROR_ROLLBACK keeps it alive through the errors), so the
-- tests after this one find an empty register.
BEGIN;
\set ON_ERROR_ROLLBACK on
\set ECHO none
\ir test/fixtures/reports.sql
\ir test/fixtures/monitoring.sql
\set ECHO all
SET search_path = poverty_aid, public;

-- The register as of 2022-06-30.
SELECT key, scope, numerator, denominator, value, unit, ratio
  FROM monitoring_report(NULL, '2022-06-30');

-- Zhenyuan County (M2, M3, M7 monitored; M1 eliminated).
SELECT key, scope, numerator, denominator, value, ratio
  FROM monitoring_report('621027', '2022-06-30');

-- A village: V4 of Yutian (M4 eliminated, M5 monitored without an active measure).
SELECT key, numerator, denominator, value
  FROM monitoring_report('653226100201', '2022-06-30')
 WHERE key IN ('monitored_households', 'monitoring_measure_coverage', 'risk_elimination_rate', 'monitored_income_below_line');

-- Over time: households monitored, coverage and elimination at each year end.
SELECT d::date AS as_of, key, numerator, denominator, value
  FROM generate_series(date '2020-12-31', date '2022-12-31', interval '1 year') d,
       monitoring_report(NULL, d::date)
 WHERE key IN ('monitored_households', 'monitoring_measure_coverage', 'risk_elimination_rate', 'returned_to_poverty')
 ORDER BY 1, key;

-- Per county.
SELECT county_code, county_name, province_name, monitored_households, monitored_households_exited_unstable,
       monitored_households_marginal_at_risk, monitored_households_sudden_hardship, monitored_people
  FROM monitoring_county_indicators_as_of('2022-06-30');
SELECT county_code, households_with_measure, monitoring_measure_coverage, periods_identified, periods_eliminated,
       risk_elimination_rate, returned_to_poverty, households_with_income, households_below_line,
       monitored_income_below_line
  FROM monitoring_county_indicators_as_of('2022-06-30');

-- Incomes as the indicators and the early warning read them (H8's 2021
-- figure comes from monitoring_income, which wins over household_income).
SELECT household_no, village_code, year, per_capita_income, registered, source
  FROM household_income_history WHERE year >= 2021 ORDER BY household_no, year;

-- Early warning.
SELECT * FROM monitoring_candidates('2022-12-31');
SELECT * FROM monitoring_candidates('2022-06-30');

-- (The job record_monitoring_candidates() is tested in test/monitoring.sql
-- and test/monitoring_cron.sh: here it would take job_run ids that the
-- reports test after this one expects.)

-- Bad input.
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by, eliminated_on)
  VALUES ('G9', '621027100201', 2, 'marginal_at_risk', '{illness}', '2022-03-01', 'visit', '2022-02-01');
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
  VALUES ('H4', '621027100202', 5, 'exited_unstable', '{illness}', '2022-01-01', 'visit');
INSERT INTO monitoring_measure (monitored_household_id, kind, started_on)
  VALUES (910001, 'employment', '2022-04-01');
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
  VALUES ('G9', '621027100201', 2, 'at_risk', '{illness}', '2022-03-01', 'visit');
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
  VALUES ('G9', '621027100201', 2, 'exited_unstable', '{illness}', '2022-03-01', 'visit');
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
  VALUES ('H13', '621027100202', 2, 'marginal_at_risk', '{illness}', '2022-03-01', 'visit');
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
  VALUES ('H1', '621027100201', 4, 'sudden_hardship', '{illness}', '2022-03-01', 'visit');
UPDATE monitored_household SET eliminated_on = '2021-12-01' WHERE id = 910002;
SELECT * FROM monitoring_report('999999', '2022-06-30');

ROLLBACK;
