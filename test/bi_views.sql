-- pgTAP: the as-of setting of the report views (view_as_of()) and the BI
-- views: one column set per indicator key by the naming rule, typed with
-- precision and scale, commented, equal to indicator_report() key by key,
-- summable, and computed only for the regions a filter selects.
BEGIN;
SELECT plan(42);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;
SET client_min_messages = warning;

-- view_as_of() --------------------------------------------------------------

RESET poverty_aid.as_of;
SELECT is(view_as_of(), current_date, 'view_as_of(): today when poverty_aid.as_of is not set');
SET poverty_aid.as_of = '';
SELECT is(view_as_of(), current_date, 'view_as_of(): today when poverty_aid.as_of is empty');
SET poverty_aid.as_of = '2020-03-31';
SELECT is(view_as_of(), date '2020-03-31', 'view_as_of(): the date in poverty_aid.as_of');
SET poverty_aid.as_of = 'last march';
SELECT throws_ok('SELECT poverty_aid.view_as_of()', '22007', 'invalid value for poverty_aid.as_of',
                 'view_as_of(): a value that is not a date is an error 22007');
CREATE FUNCTION pg_temp.as_of_error(setting text) RETURNS text
  LANGUAGE plpgsql AS $$
DECLARE
  detail text;
  hint   text;
BEGIN
  PERFORM pg_catalog.set_config('poverty_aid.as_of', setting, true);
  PERFORM poverty_aid.view_as_of();
  RETURN 'no error';
EXCEPTION WHEN invalid_datetime_format THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  RETURN detail || ' / ' || hint;
END
$$;
SELECT is(pg_temp.as_of_error('2020-02-30'),
          'The setting poverty_aid.as_of is ''2020-02-30'', which is not a date. / Set a date, e.g. SET poverty_aid.as_of = ''2020-03-31'', or RESET poverty_aid.as_of for today.',
          'view_as_of(): the error names the value and shows how to set it');
SELECT is(pg_temp.as_of_error('infinity'), 'The setting poverty_aid.as_of is ''infinity'', which is not a date. / Set a date, e.g. SET poverty_aid.as_of = ''2020-03-31'', or RESET poverty_aid.as_of for today.',
          'view_as_of(): infinity is not a date to report as of');

-- The 1.0 views and the other plain views read it.
SET poverty_aid.as_of = '2020-03-31';
SELECT set_eq('SELECT * FROM poverty_aid.county_indicators',
              'SELECT * FROM poverty_aid.county_indicators_as_of(''2020-03-31'')',
              'county_indicators is as of poverty_aid.as_of');
SELECT set_eq('SELECT * FROM poverty_aid.village_indicators',
              'SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'')',
              'village_indicators is as of poverty_aid.as_of');
-- village_indicators_as_of(date, region): the villages of one subtree,
-- computed alone, equal to the whole view's rows for them.
SELECT set_eq('SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'', ''621027'')',
              'SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'') WHERE county_code = ''621027000000''',
              'village_indicators_as_of(date, county) equals the view''s rows of that county');
SELECT set_eq('SELECT * FROM poverty_aid.village_indicators_as_of(''2016-06-30'', ''621000'')',
              'SELECT * FROM poverty_aid.village_indicators_as_of(''2016-06-30'') WHERE village_code LIKE ''6210%''',
              'village_indicators_as_of(date, prefecture) equals the view''s rows of that prefecture, at another date');
SELECT set_eq('SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'', NULL)',
              'SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'')',
              'village_indicators_as_of(date, NULL) is every village');
SELECT ok((SELECT count(*) FROM poverty_aid.village_indicators_as_of('2020-03-31', '621027')) > 0,
          'the county has villages in the view (the comparisons above are not of empty sets)');
SELECT throws_ok($$SELECT * FROM poverty_aid.village_indicators_as_of('2020-03-31', '6210')$$, '22023', 'invalid division code',
                 'village_indicators_as_of(date, region): a code of 4 digits is 22023');
SELECT throws_ok($$SELECT * FROM poverty_aid.village_indicators_as_of('2020-03-31', '659999')$$, '22023',
                 'region 659999000000 is not in poverty_aid.region',
                 'village_indicators_as_of(date, region): an unknown region is 22023');
SELECT set_eq('SELECT * FROM poverty_aid.helper_indicators',
              'SELECT * FROM poverty_aid.helper_indicators_as_of(''2020-03-31'')',
              'helper_indicators is as of poverty_aid.as_of');
SELECT set_eq('SELECT * FROM poverty_aid.fund_source_indicators',
              'SELECT * FROM poverty_aid.fund_source_indicators_as_of(''2020-03-31'')',
              'fund_source_indicators is as of poverty_aid.as_of');
SELECT set_eq('SELECT * FROM poverty_aid.monitoring_county_indicators',
              'SELECT * FROM poverty_aid.monitoring_county_indicators_as_of(''2020-03-31'')',
              'monitoring_county_indicators is as of poverty_aid.as_of');
SELECT set_eq('SELECT * FROM poverty_aid.county_exit_assessment',
              'SELECT * FROM poverty_aid.exit_assessment(NULL, ''2020-03-31'')',
              'county_exit_assessment is as of poverty_aid.as_of');
SELECT is((SELECT count(*)::int FROM county_indicators WHERE as_of = '2020-03-31' AND villages_listed > 0), 4,
          'county_indicators as of 2020-03-31 shows the fixture''s 2020 data');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind = 'v'
                   AND pg_get_viewdef(c.oid) ~ 'CURRENT_DATE' ORDER BY 1),
          '{}'::text[], 'no view of the extension is as of current_date');

-- The BI views' columns --------------------------------------------------------

-- The columns the naming rule gives each key, with their types.
CREATE TEMP TABLE expected_column AS
SELECT d.ord, d.key, c.n, c.name, c.type
  FROM indicator_definitions() d
 CROSS JOIN LATERAL (
   SELECT * FROM (VALUES
     (1, d.key || '_pct', 'numeric(10,1)'),
     (2, d.key || '_fraction', 'double precision'),
     (3, d.key || '_numerator_' || d.numerator_unit,
      CASE d.numerator_unit WHEN 'yuan' THEN 'numeric(18,2)' ELSE 'bigint' END),
     (4, d.key || '_denominator_' || d.denominator_unit,
      CASE WHEN d.key LIKE '%\_attainment' THEN 'numeric(20,4)'
           WHEN d.denominator_unit = 'yuan' THEN 'numeric(18,2)' ELSE 'bigint' END)) x (n, name, type)
    WHERE d.unit = '%'
   UNION ALL
   SELECT 1, d.key, 'double precision' WHERE d.unit = 'index'
   UNION ALL
   SELECT 1, CASE WHEN d.key LIKE '%\_' || d.unit THEN d.key ELSE d.key || '_' || d.unit END,
          CASE d.unit WHEN 'yuan' THEN 'numeric(18,2)' WHEN 'year' THEN 'integer' ELSE 'bigint' END
    WHERE d.unit NOT IN ('%', 'index')) c;
CREATE TEMP TABLE bi_column AS
SELECT c.relname::text AS view_name, a.attnum, a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type, col_description(a.attrelid, a.attnum) AS note
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relname LIKE 'bi\_%' AND a.attnum > 0;

SELECT cmp_ok((SELECT count(*)::int FROM indicator_definitions()), '>=', 27,
              'indicator_definitions() lists the report''s keys');
SELECT set_eq('SELECT key FROM poverty_aid.indicator_definitions()',
              $$SELECT key FROM poverty_aid.indicator_report(NULL, '2020-03-31')$$,
              'indicator_definitions() and indicator_report() have the same keys');
SELECT is(ARRAY(SELECT v.view_name || '.' || e.name || ' ' || e.type
                  FROM (VALUES ('bi_province'), ('bi_prefecture'), ('bi_county'), ('bi_village')) v (view_name)
                 CROSS JOIN expected_column e
                EXCEPT
                SELECT b.view_name || '.' || b.name || ' ' || b.type FROM bi_column b
                ORDER BY 1),
          '{}'::text[], 'every key has its columns, by the naming rule and with their types, in every region view');
SELECT is(ARRAY(SELECT b.view_name || '.' || b.name FROM bi_column b
                 WHERE b.view_name <> 'bi_monthly'
                   AND b.name NOT IN (SELECT e.name FROM expected_column e)
                   AND b.name NOT IN ('as_of', 'province_code', 'province_name', 'prefecture_code', 'prefecture_name',
                                      'county_code', 'county_name', 'township_code', 'township_name',
                                      'village_code', 'village_name')
                 ORDER BY 1),
          '{}'::text[], 'the region views have no other columns');
SELECT is(ARRAY(SELECT b.view_name || '.' || b.name FROM bi_column b
                 WHERE b.view_name = 'bi_county' AND b.attnum <= 7 ORDER BY b.attnum),
          '{bi_county.as_of,bi_county.province_code,bi_county.province_name,bi_county.prefecture_code,bi_county.prefecture_name,bi_county.county_code,bi_county.county_name}'::text[],
          'bi_county starts with the as-of date, then the codes and names of the province, prefecture and county');
SELECT is(ARRAY(SELECT b.view_name || '.' || b.name || ' ' || b.type FROM bi_column b
                 WHERE b.type = 'numeric' ORDER BY 1),
          '{}'::text[], 'every numeric column of the BI views has a precision and a scale');
SELECT is(ARRAY(SELECT b.view_name || '.' || b.name FROM bi_column b WHERE coalesce(b.note, '') = '' ORDER BY 1),
          '{}'::text[], 'every column of the BI views has a comment');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relname LIKE 'bi\_%'
                   AND (obj_description(c.oid, 'pg_class') IS NULL
                        OR NOT EXISTS (SELECT 1 FROM pg_depend d
                                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'))
                 ORDER BY 1),
          '{}'::text[], 'the BI views are commented members of the extension');

CREATE ROLE pa_bi_viewer;
SELECT grant_profile('pa_bi_viewer', 'viewer');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relname LIKE 'bi\_%'
                   AND NOT has_table_privilege('pa_bi_viewer', c.oid, 'SELECT')
                 ORDER BY 1),
          '{}'::text[], 'grant_profile() gives a viewer SELECT on every BI view');

-- The BI views' figures ---------------------------------------------------------

-- Each region row, unpivoted to (code, key, value, numerator, denominator)
-- by the naming rule, against indicator_report(code, date) (the numerator of
-- a count or amount is its value).
CREATE FUNCTION pg_temp.bi_figures(view_name text, code_column text) RETURNS TABLE (code text, key text, value numeric,
                                                                                 numerator numeric, denominator numeric)
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT b.%I, d.key,
            (j ->> CASE WHEN d.unit = ''%%'' THEN d.key || ''_pct''
                        WHEN d.key LIKE ''%%\_'' || d.unit OR d.unit = ''index'' THEN d.key
                        ELSE d.key || ''_'' || d.unit END)::numeric,
            (j ->> (d.key || ''_numerator_'' || d.numerator_unit))::numeric,
            (j ->> (d.key || ''_denominator_'' || d.denominator_unit))::numeric
       FROM poverty_aid.%I b CROSS JOIN LATERAL to_jsonb(b) j CROSS JOIN poverty_aid.indicator_definitions() d',
    code_column, view_name);
END
$$;
CREATE FUNCTION pg_temp.report_figures(region_level text, day date) RETURNS TABLE (code text, key text, value numeric,
                                                                         numerator numeric, denominator numeric)
  LANGUAGE sql AS $$
  SELECT r.code, x.key, x.value, CASE WHEN x.unit = '%' THEN x.numerator END, x.denominator
    FROM poverty_aid.region r
   CROSS JOIN LATERAL poverty_aid.indicator_report(r.code, report_figures.day) x
   WHERE r.level::text = report_figures.region_level
$$;

SET poverty_aid.as_of = '2020-03-31';
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_county'', ''county_code'')',
              'SELECT * FROM pg_temp.report_figures(''county'', ''2020-03-31'')',
              'bi_county as of 2020-03-31: every key of every county equals indicator_report(county, date)');
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_prefecture'', ''prefecture_code'')',
              'SELECT * FROM pg_temp.report_figures(''prefecture'', ''2020-03-31'')',
              'bi_prefecture as of 2020-03-31 equals indicator_report(prefecture, date)');
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_province'', ''province_code'')',
              'SELECT * FROM pg_temp.report_figures(''province'', ''2020-03-31'')',
              'bi_province as of 2020-03-31 equals indicator_report(province, date)');
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_village'', ''village_code'')',
              'SELECT * FROM pg_temp.report_figures(''village'', ''2020-03-31'')',
              'bi_village as of 2020-03-31 equals indicator_report(village, date)');
SET poverty_aid.as_of = '2020-06-30';
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_county'', ''county_code'')',
              'SELECT * FROM pg_temp.report_figures(''county'', ''2020-06-30'')',
              'bi_county as of 2020-06-30 equals indicator_report(county, date)');
SET poverty_aid.as_of = '2019-12-31';
SELECT set_eq('SELECT * FROM pg_temp.bi_figures(''bi_county'', ''county_code'')',
              'SELECT * FROM pg_temp.report_figures(''county'', ''2019-12-31'')',
              'bi_county as of 2019-12-31 equals indicator_report(county, date)');

-- Sums: numerators and denominators summed over the counties of each province
-- give the province's exact ratio (the attainment targets are set per
-- region, so they do not add up).
SET poverty_aid.as_of = '2020-03-31';
SELECT is(ARRAY(SELECT c.code || ' ' || c.key
                  FROM (SELECT pf.code, f.key, sum(f.numerator) AS numerator, sum(f.denominator) AS denominator
                          FROM pg_temp.bi_figures('bi_county', 'province_code') f
                          JOIN region pf ON pf.code = f.code
                          JOIN indicator_definitions() d ON d.key = f.key AND d.unit = '%'
                         GROUP BY 1, 2) c
                  JOIN pg_temp.report_figures('province', '2020-03-31') r ON r.code = c.code AND r.key = c.key
                 WHERE c.key NOT LIKE '%\_attainment'
                   AND (c.numerator, c.denominator) IS DISTINCT FROM (r.numerator, r.denominator)
                 ORDER BY 1),
          '{}'::text[], 'summed over a province''s counties, every ratio''s numerator and denominator equal the province''s');
SELECT is((SELECT round(100 * sum(county_exit_rate_numerator_counties) / sum(county_exit_rate_denominator_counties), 1)
             FROM bi_county),
          (SELECT value FROM indicator_report(NULL, '2020-03-31') WHERE key = 'county_exit_rate'),
          'a BI tool''s exact county exit rate of the register: the summed numerators over the summed denominators');

-- Filters reach the computation ------------------------------------------------

CREATE FUNCTION pg_temp.function_loops(query text) RETURNS text
  LANGUAGE plpgsql AS $$
DECLARE
  line   text;
  loops  text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ' || query LOOP
    IF line ~ 'Function Scan on indicator_values' THEN
      loops := loops || substring(line FROM 'rows=[0-9]+ loops=[0-9]+') || ';';
    END IF;
  END LOOP;
  RETURN loops;
END
$$;
SELECT is(pg_temp.function_loops($$SELECT * FROM poverty_aid.bi_county WHERE county_code = '653226000000'$$),
          format('rows=%s loops=1;', (SELECT count(*) FROM indicator_definitions())), 'bi_county WHERE county_code = X runs indicator_values() once, for that county');
SELECT is(pg_temp.function_loops($$SELECT * FROM poverty_aid.bi_county WHERE prefecture_code = '621000000000'$$),
          format('rows=%s loops=2;', (SELECT count(*) FROM indicator_definitions())), 'bi_county WHERE prefecture_code = X runs it for that prefecture''s two counties only');
SELECT is(pg_temp.function_loops($$SELECT * FROM poverty_aid.bi_village WHERE county_code = '621027000000'$$),
          format('rows=%s loops=1;', 2 * (SELECT count(*) FROM indicator_definitions())), 'bi_village WHERE county_code = X runs it once, for that county''s villages');

-- bi_monthly --------------------------------------------------------------------

CALL take_snapshot('2020-03-15');
CALL take_snapshot('2020-03-31');
CALL take_snapshot('2020-06-30');
SET poverty_aid.as_of = '2020-04-30';
SELECT set_eq('SELECT DISTINCT month, as_of FROM poverty_aid.bi_monthly',
              $$VALUES (date '2020-03-01', date '2020-03-31')$$,
              'bi_monthly: the last snapshot of each month up to poverty_aid.as_of');
RESET poverty_aid.as_of;
SELECT set_eq($$SELECT region_code, key, unit, numerator, denominator, CASE WHEN unit = '%' THEN pct ELSE value END AS value
                 FROM poverty_aid.bi_monthly WHERE month = '2020-06-01' AND (region_code IS NULL OR region_code = '653226000000')$$,
              $$SELECT x.scope, x.key, x.unit, x.numerator, x.denominator, x.value
                  FROM (VALUES (NULL), ('653226000000')) c (code)
                 CROSS JOIN LATERAL poverty_aid.indicator_report(c.code, '2020-06-30') x$$,
              'bi_monthly: each row equals indicator_report() of its region on the snapshot''s date');

SELECT * FROM finish();
ROLLBACK;
