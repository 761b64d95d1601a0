-- pgTAP: the data dictionary.  indicator_definitions() and indicator_values()
-- name the same keys, in the same order, with the same labels and units;
-- units and parts are consistent; data_dictionary lists every indicator and
-- every column of the extension's tables and views, and every profile can
-- read it.
BEGIN;
SELECT plan(25);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;

SELECT is(
  ARRAY(SELECT row(v.ord, v.key, v.label, v.unit)::text FROM indicator_values('2020-03-31') v ORDER BY v.ord),
  ARRAY(SELECT row(d.ord, d.key, d.label, d.unit)::text FROM indicator_definitions() d ORDER BY d.ord),
  'indicator_values() and indicator_definitions() list the same keys, labels and units in the same order');
SELECT is(
  ARRAY(SELECT row(v.ord, v.key, v.label, v.unit)::text FROM indicator_values('2016-06-30', 'county', '621000') v
         WHERE v.region_code = '621027000000' ORDER BY v.ord),
  ARRAY(SELECT row(d.ord, d.key, d.label, d.unit)::text FROM indicator_definitions() d ORDER BY d.ord),
  'so does every group of a grouped call');
SELECT is((SELECT count(DISTINCT key)::int FROM indicator_definitions()), (SELECT count(*)::int FROM indicator_definitions()),
          'keys are unique');
SELECT is((SELECT count(*)::int FROM indicator_definitions()
            WHERE key !~ '^[a-z][a-z0-9_]*$' OR definition IS NULL OR label IS NULL
               OR section NOT IN ('register', 'after exit', 'income')),
          0, 'every key is a lower-case identifier with a label, a definition and a section');
SELECT is(ARRAY(SELECT key FROM indicator_definitions()
                 WHERE CASE unit WHEN '%' THEN numerator_unit IS NULL OR denominator_unit IS NULL
                                 WHEN 'index' THEN numerator_unit IS NOT NULL OR denominator_unit IS NOT NULL
                                 ELSE numerator_unit IS DISTINCT FROM unit OR denominator_unit IS NOT NULL END),
          '{}'::text[], 'a ratio has the units of both parts, a count or amount its own unit only, an index none');
SELECT is(ARRAY(SELECT DISTINCT unit FROM indicator_definitions() ORDER BY 1),
          '{%,households,index,people,projects,villages,year,yuan}'::text[], 'the units used');
SELECT is(ARRAY(SELECT v.key FROM indicator_values('2020-03-31') v JOIN indicator_definitions() d USING (key)
                 WHERE (d.unit = '%') IS DISTINCT FROM (v.ratio IS NOT NULL)),
          '{}'::text[], 'exactly the % indicators carry a ratio');

-- indicator_values() and its register part run without JIT (compiling
-- the register query cost more than running it on a national register).
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p
                 WHERE p.pronamespace = 'poverty_aid'::regnamespace
                   AND p.proname IN ('indicator_values', 'register_values')
                   AND 'jit=off' = ANY (p.proconfig) ORDER BY 1),
          '{indicator_values,register_values}'::text[], 'indicator_values() and register_values() set jit = off');

-- The engines of those rows check their arguments alike
-- (report_check_arguments()).
SELECT throws_ok(format('SELECT * FROM %s(NULL)', f), '22004', 'as_of must not be NULL', f || ': a NULL date is 22004')
  FROM unnest(ARRAY['indicator_values', 'register_values', 'monitoring_values', 'income_values']) f;
SELECT throws_ok(format('SELECT * FROM %s(''2020-03-31'', NULL, ''659999'')', f), '22023',
                 'region 659999000000 is not in poverty_aid.region', f || ': an unknown region is 22023')
  FROM unnest(ARRAY['indicator_values', 'register_values', 'monitoring_values', 'income_values']) f;
SELECT throws_ok(format('SELECT * FROM %s(''2020-03-31'', ''province'', ''653226'')', f), '22023',
                 'cannot group a county by province', f || ': a level above the region is 22023')
  FROM unnest(ARRAY['indicator_values', 'register_values', 'monitoring_values', 'income_values']) f;

SELECT is((SELECT count(*)::int FROM data_dictionary WHERE kind = 'indicator' AND description IS NOT NULL),
          (SELECT count(*)::int FROM indicator_definitions()), 'data_dictionary defines every indicator');
SELECT is((SELECT count(*)::int FROM data_dictionary WHERE kind IN ('table column', 'view column')),
          (SELECT count(*)::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace IN ('poverty_aid'::regnamespace, 'poverty_aid_remote'::regnamespace) AND c.relkind IN ('r', 'v') AND a.attnum > 0
              AND NOT a.attisdropped),
          'data_dictionary lists every column of the extension''s tables and views');
SELECT is((SELECT description FROM data_dictionary WHERE object_name = 'household' AND name = 'members'),
          col_description('poverty_aid.household'::regclass,
                          (SELECT attnum FROM pg_attribute WHERE attrelid = 'poverty_aid.household'::regclass AND attname = 'members')::int),
          'a column''s description is its COMMENT');
SELECT is((SELECT data_type FROM data_dictionary WHERE object_name = 'household_income' AND name = 'per_capita_income'),
          'numeric(14,2)', 'types carry their precision and scale');

CREATE ROLE pa_t_dict_viewer;
SELECT grant_profile('pa_t_dict_viewer', 'viewer') \g /dev/null
SET LOCAL ROLE pa_t_dict_viewer;
SELECT is((SELECT count(*)::int FROM poverty_aid.data_dictionary WHERE kind = 'indicator'),
          (SELECT count(*)::int FROM poverty_aid.indicator_definitions()), 'a viewer reads the dictionary');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
