-- pgTAP: take_snapshot() writes the report for the register and every
-- province, prefecture and county with data, replaces a date's rows when
-- run again, logs every run (a failed one too) and feeds indicator_trend.
BEGIN;
SELECT plan(12);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;

CALL take_snapshot('2020-03-31');
SELECT is((SELECT status::text || ' ' || rows_written FROM job_run ORDER BY id DESC LIMIT 1), 'succeeded 528',
          'the run is logged: succeeded, 528 rows (48 indicators x (register + 3 provinces + 3 prefectures + 4 counties))');
SELECT is(ARRAY(SELECT coalesce(region_code, 'register') FROM indicator_snapshot WHERE as_of = '2020-03-31'
                 GROUP BY region_code ORDER BY region_code NULLS FIRST),
          ARRAY['register', '130000000000', '130800000000', '130826000000', '620000000000', '621000000000',
                '621021000000', '621027000000', '650000000000', '653200000000', '653226000000'],
          'one series per region at county level and above with data, and the register');
SELECT set_eq($$SELECT indicator, label, numerator, denominator, value, unit FROM poverty_aid.indicator_snapshot
                 WHERE as_of = '2020-03-31' AND region_code IS NULL$$,
              $$SELECT key, label, numerator, denominator, value, unit FROM poverty_aid.indicator_report(NULL, '2020-03-31')$$,
              'the register''s snapshot rows equal indicator_report(NULL)');
SELECT set_eq($$SELECT indicator, label, numerator, denominator, value, unit FROM poverty_aid.indicator_snapshot
                 WHERE as_of = '2020-03-31' AND region_code = '653226000000'$$,
              $$SELECT key, label, numerator, denominator, value, unit FROM poverty_aid.indicator_report('653226', '2020-03-31')$$,
              'Yutian County''s snapshot rows equal indicator_report(''653226'')');
SELECT set_eq($$SELECT indicator, numerator, denominator, value FROM poverty_aid.indicator_snapshot
                 WHERE as_of = '2020-03-31' AND region_code = '650000000000'$$,
              $$SELECT key, numerator, denominator, value FROM poverty_aid.indicator_report('650000', '2020-03-31')$$,
              'Xinjiang''s snapshot rows equal indicator_report(''650000'')');
SELECT is((SELECT run_id FROM indicator_snapshot WHERE as_of = '2020-03-31' LIMIT 1), (SELECT max(id) FROM job_run),
          'every row names its run');

-- Idempotent.
CREATE TEMP TABLE first_snapshot AS SELECT * FROM indicator_snapshot WHERE as_of = '2020-03-31';
CALL take_snapshot('2020-03-31');
SELECT is((SELECT count(*)::int FROM indicator_snapshot WHERE as_of = '2020-03-31'), 528,
          'a second run for the same date replaces its rows, never duplicates them');
SELECT set_eq($$SELECT region_code, indicator, numerator, denominator, value FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31'$$,
              $$SELECT region_code, indicator, numerator, denominator, value FROM first_snapshot$$,
              'with the same figures');

-- The trend view.
CALL take_snapshot('2020-06-30');
SELECT is((SELECT previous_value::text || ' -> ' || value || ' (' || change || ')' FROM indicator_trend
            WHERE region_code IS NULL AND indicator = 'county_exit_rate' AND as_of = '2020-06-30'),
          '25.0 -> 50.0 (25.0)', 'indicator_trend: the county exit rate rose from 25.0 to 50.0 (Fengning exited on 2020-05-01)');

-- A failed run: an error while writing (a trigger stands in for, e.g., a
-- full disk) is logged as failed; the rows of that date stay as they were.
CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'disk full (simulated)' USING ERRCODE = '53100'; END $$;
CREATE TRIGGER refuse BEFORE INSERT ON indicator_snapshot FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse();
SET client_min_messages = error;
SELECT lives_ok($$CALL poverty_aid.take_snapshot('2020-03-31')$$, 'a failing snapshot ends with a warning, not an error');
RESET client_min_messages;
SELECT is((SELECT status::text || ' ' || rows_written || ' ' || error FROM job_run ORDER BY id DESC LIMIT 1),
          'failed 0 53100: disk full (simulated)', 'the failed run is logged with its SQLSTATE and message');
SELECT set_eq($$SELECT region_code, indicator, numerator, denominator, value, run_id FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31'$$,
              $$SELECT region_code, indicator, numerator, denominator, value, (SELECT max(run_id) FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31') FROM first_snapshot$$,
              'and the snapshot of that date is unchanged');
DROP TRIGGER refuse ON indicator_snapshot;

SELECT * FROM finish();
ROLLBACK;
