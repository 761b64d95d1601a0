-- The demo: the city report as of 2020-03-31 (the press release of docs/loading.md), run by
-- `bash test/run demo` after it loaded test/data/tianjin_2020.sql.  Without
-- the sample data set it loads the small test fixture instead.
\set QUIET on
SELECT NOT EXISTS (SELECT 1 FROM poverty_aid.region) AS register_empty \gset
\if :register_empty
\echo 'The sample data set test/data/tianjin_2020.sql is not in this build: showing the small test fixture (test/fixtures/reports.sql).'
\ir fixtures/reports.sql
\endif
\pset footer off
\pset numericlocale on
\pset border 2
\pset title 'poverty_aid: the city report as of 2020-03-31 (SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''))'
SELECT label AS indicator,
       numerator,
       denominator,
       value,
       unit
  FROM poverty_aid.indicator_report(NULL, '2020-03-31');
\pset title 'Not yet exited: poor counties against the exit threshold (SELECT * FROM poverty_aid.exit_check(''2020-03-31''))'
SELECT name, zone, poor_current, rural_population, incidence_percent AS "incidence %",
       threshold_percent AS "threshold %", meets_threshold
  FROM poverty_aid.exit_check('2020-03-31') WHERE level = 'county';
\pset title
\echo 'Keep exploring: `bash test/run demo --keep` leaves the cluster running and prints the psql command to connect; then try'
\echo '  SELECT * FROM poverty_aid.county_indicators_as_of(''2020-03-31'');'
\echo '  SELECT * FROM poverty_aid.indicator_report(''653226'', ''2020-03-31'');   -- Yutian County'
\echo '  CALL poverty_aid.take_snapshot(''2020-03-31''); SELECT * FROM poverty_aid.indicator_trend;'
