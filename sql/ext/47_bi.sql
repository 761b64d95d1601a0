-- BI views: what a BI tool that only browses views (Power BI, Tableau,
-- Superset, Excel over ODBC) needs to use the register as it is.
--
--   bi_province, bi_prefecture, bi_county   one row per region of that level
--   bi_village                              one row per village
--   bi_monthly                              the snapshots as a long table, one
--                                           row per region, month and key
--
-- Every one is as of view_as_of() (40_reports.sql): the setting
-- poverty_aid.as_of, set per session, connection, role or database, else
-- today.  Guide: docs/bi.md.
--
-- One spelling per concept: the indicator columns are named after the keys
-- of indicator_report() (indicator_definitions() lists them) by one rule,
--
--   ratio key K (unit %)    K_pct             numeric(10,1), the report's value
--                           K_fraction        double precision, numerator /
--                                             denominator unrounded, NULL when
--                                             the denominator is 0
--                           K_numerator_<numerator_unit>
--                           K_denominator_<denominator_unit>
--   count or amount key K   K_<unit>, or K when it already ends with _<unit>
--   index key K (unit index) K                double precision (not a sum)
--
-- with counts bigint, a year integer and yuan numeric(18,2) (every amount
-- of the register has 2 decimals), except the denominator of an
-- *_attainment key: it is the target of the year (target.target_value,
-- which may carry 4 decimals), numeric(20,4).  A unit without a type here
-- fails the install.  A BI tool then sums numerators and denominators over any
-- group and divides: the exact rate of the group, never an average of
-- rounded percents.  Every numeric column has its precision and scale (a
-- cast in the view), so JDBC and ODBC describe them.
--
-- The indicator columns are generated here from indicator_definitions(), so
-- they cannot drift from the keys; objects created by EXECUTE in an
-- extension script are members of the extension like any other.
--
-- Filters reach the computation: each region view calls indicator_values()
-- for its region in a LATERAL subquery, so WHERE county_code = X computes
-- one county (and a prefecture_code or province_code filter only that
-- subtree's regions); bi_village calls it once per county, grouped by
-- village.  Unfiltered, a view computes every region one by one: on the
-- sample data set bi_county takes about twice as long as county_indicators'
-- single pass (docs/bi.md has the figures).

DO $bi_views$
DECLARE
  d            record;
  count_units  CONSTANT text[] := ARRAY['counties', 'villages', 'households', 'people', 'projects', 'regions'];
  names        text[] := '{}';
  exprs        text[] := '{}';
  notes        text[] := '{}';
  numerator_name   text;
  denominator_name text;
  name         text;
  select_list  text;
  i            integer;
  level_note   CONSTANT text :=
    ' Every indicator of indicator_report() as columns named by one rule (K_pct, K_fraction, K_numerator_<unit>, '
    'K_denominator_<unit> for a ratio key K; K_<unit> for a count or amount): sum numerators and denominators '
    'over rows for a group''s exact rate. As of view_as_of(): the setting poverty_aid.as_of, else today. A filter '
    'on the code columns computes only the regions it selects. See docs/bi.md';
BEGIN
  FOR d IN SELECT * FROM @extschema@.indicator_definitions() ORDER BY ord LOOP
    IF d.unit = '%' THEN
      numerator_name := d.key || '_numerator_' || d.numerator_unit;
      denominator_name := d.key || '_denominator_' || d.denominator_unit;
      names := names || ARRAY[d.key || '_pct', d.key || '_fraction', numerator_name, denominator_name];
      exprs := exprs || ARRAY[
        pg_catalog.format('(max(v.value) FILTER (WHERE v.key = %L))::numeric(10,1)', d.key),
        pg_catalog.format('(max(v.numerator / NULLIF(v.denominator, 0)) FILTER (WHERE v.key = %L))::double precision', d.key),
        pg_catalog.format('(max(v.numerator) FILTER (WHERE v.key = %L))::%s', d.key,
          CASE WHEN d.numerator_unit = 'yuan' THEN 'numeric(18,2)'
               WHEN d.numerator_unit = ANY (count_units) THEN 'bigint' END),
        pg_catalog.format('(max(v.denominator) FILTER (WHERE v.key = %L))::%s', d.key,
          CASE WHEN d.key LIKE '%\_attainment' THEN 'numeric(20,4)'
               WHEN d.denominator_unit = 'yuan' THEN 'numeric(18,2)'
               WHEN d.denominator_unit = ANY (count_units) THEN 'bigint' END)];
      notes := notes || ARRAY[
        pg_catalog.format('%s, percent rounded half up to one digit (indicator_report()''s value; NULL when there is nothing to count). Key %s: %s. Do not average it over rows: sum %s and %s, then divide',
                          d.label, d.key, d.definition, numerator_name, denominator_name),
        pg_catalog.format('%s as an unrounded fraction, %s / %s (NULL when the denominator is 0)',
                          d.label, numerator_name, denominator_name),
        pg_catalog.format('Numerator of %s (%s), %s', d.key, d.label, d.numerator_unit),
        pg_catalog.format('Denominator of %s (%s), %s%s', d.key, d.label, d.denominator_unit,
          CASE WHEN d.key LIKE '%\_attainment' THEN ': the target of the year (up to 4 decimals); NULL without a target' ELSE '' END)];
    ELSIF d.unit = 'index' THEN
      names := names || d.key;
      exprs := exprs || pg_catalog.format('(max(v.value) FILTER (WHERE v.key = %L))::double precision', d.key);
      notes := notes || pg_catalog.format('%s (an index, not a sum: it cannot be added over rows). Key %s: %s',
                                          d.label, d.key, d.definition);
    ELSE
      names := names || CASE WHEN d.key LIKE ('%\_' || d.unit) THEN d.key ELSE d.key || '_' || d.unit END;
      exprs := exprs || pg_catalog.format('(max(v.value) FILTER (WHERE v.key = %L))::%s', d.key,
                          CASE WHEN d.unit = 'yuan' THEN 'numeric(18,2)'
                               WHEN d.unit = 'year' THEN 'integer'
                               WHEN d.unit = ANY (count_units) THEN 'bigint' END);
      -- The income rows other than the headcount are a year, a line, a mean:
      -- indicator_values() gives them no numerator, and they do not add up.
      notes := notes || pg_catalog.format('%s, %s (%s). Key %s: %s', d.label, d.unit,
                                          CASE WHEN d.section = 'income' OR d.unit = 'year'
                                               THEN 'not a sum: do not add it over rows' ELSE 'sums over rows' END,
                                          d.key, d.definition);
    END IF;
  END LOOP;
  -- A unit without a column type, or a name PostgreSQL would truncate, is
  -- a definition this rule does not cover: fail the install, not the tool.
  FOR i IN 1 .. pg_catalog.array_length(names, 1) LOOP
    IF exprs[i] IS NULL THEN
      RAISE EXCEPTION 'no BI column type for indicator column %', names[i];
    END IF;
    IF pg_catalog.octet_length(names[i]) > 63 THEN
      RAISE EXCEPTION 'BI column name % is longer than 63 bytes', names[i];
    END IF;
  END LOOP;
  SELECT pg_catalog.string_agg(pg_catalog.format('%s AS %I', e.expr, e.name), E',\n         ' ORDER BY e.n)
    INTO select_list
    FROM ROWS FROM (pg_catalog.unnest(exprs), pg_catalog.unnest(names)) WITH ORDINALITY AS e (expr, name, n);

  EXECUTE pg_catalog.format($sql$
CREATE VIEW @extschema@.bi_province WITH (security_invoker = true) AS
SELECT @extschema@.view_as_of() AS as_of, pv.code AS province_code, pv.name AS province_name, i.*
  FROM @extschema@.region pv
 CROSS JOIN LATERAL (
  SELECT %s
    FROM @extschema@.indicator_values(@extschema@.view_as_of(), NULL, pv.code) v) i
 WHERE pv.level = 'province'
 ORDER BY pv.code$sql$, select_list);

  EXECUTE pg_catalog.format($sql$
CREATE VIEW @extschema@.bi_prefecture WITH (security_invoker = true) AS
SELECT @extschema@.view_as_of() AS as_of, pv.code AS province_code, pv.name AS province_name,
       pf.code AS prefecture_code, pf.name AS prefecture_name, i.*
  FROM @extschema@.region pf
  LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(pf.code, 'province')
 CROSS JOIN LATERAL (
  SELECT %s
    FROM @extschema@.indicator_values(@extschema@.view_as_of(), NULL, pf.code) v) i
 WHERE pf.level = 'prefecture'
 ORDER BY pf.code$sql$, select_list);

  EXECUTE pg_catalog.format($sql$
CREATE VIEW @extschema@.bi_county WITH (security_invoker = true) AS
SELECT @extschema@.view_as_of() AS as_of, pv.code AS province_code, pv.name AS province_name,
       pf.code AS prefecture_code, pf.name AS prefecture_name, co.code AS county_code, co.name AS county_name, i.*
  FROM @extschema@.region co
  LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(co.code, 'prefecture')
  LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(co.code, 'province')
 CROSS JOIN LATERAL (
  SELECT %s
    FROM @extschema@.indicator_values(@extschema@.view_as_of(), NULL, co.code) v) i
 WHERE co.level = 'county'
 ORDER BY co.code$sql$, select_list);

  -- One call per county, grouped by village: a county filter computes that
  -- county's villages only.
  EXECUTE pg_catalog.format($sql$
CREATE VIEW @extschema@.bi_village WITH (security_invoker = true) AS
SELECT @extschema@.view_as_of() AS as_of, pv.code AS province_code, pv.name AS province_name,
       pf.code AS prefecture_code, pf.name AS prefecture_name, co.code AS county_code, co.name AS county_name,
       tw.code AS township_code, tw.name AS township_name, vi.code AS village_code, vi.name AS village_name,
       %s
  FROM @extschema@.region co
  LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(co.code, 'prefecture')
  LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(co.code, 'province')
 CROSS JOIN LATERAL (
  SELECT v.region_code,
         %s
    FROM @extschema@.indicator_values(@extschema@.view_as_of(), 'village', co.code) v
   GROUP BY v.region_code) i
  JOIN @extschema@.region vi ON vi.code = i.region_code
  LEFT JOIN @extschema@.region tw ON tw.code = @extschema@.region_ancestor_code(vi.code, 'township')
 WHERE co.level = 'county'
 ORDER BY vi.code$sql$,
    (SELECT pg_catalog.string_agg(pg_catalog.format('i.%I', n.name), ', ' ORDER BY n.i)
       FROM pg_catalog.unnest(names) WITH ORDINALITY AS n (name, i)),
    select_list);

  EXECUTE 'COMMENT ON VIEW @extschema@.bi_province IS '
    || pg_catalog.quote_literal('One row per province of the register with its codes and name.' || level_note);
  EXECUTE 'COMMENT ON VIEW @extschema@.bi_prefecture IS '
    || pg_catalog.quote_literal('One row per prefecture of the register with its own and its province''s codes and names.' || level_note);
  EXECUTE 'COMMENT ON VIEW @extschema@.bi_county IS '
    || pg_catalog.quote_literal('One row per county of the register with its own, its prefecture''s and its province''s codes and names; its figures equal indicator_report(county_code, as_of).' || level_note);
  EXECUTE 'COMMENT ON VIEW @extschema@.bi_village IS '
    || pg_catalog.quote_literal('One row per village of the register with the codes and names of its township, county, prefecture and province. Filter it by county_code (or prefecture_code, province_code): it is computed one county at a time, and a filter on village_code alone still computes every county.' || level_note);

  -- Column comments: the indicator columns from their definitions, the
  -- region columns by name.
  FOR i IN 1 .. pg_catalog.array_length(names, 1) LOOP
    FOREACH name IN ARRAY ARRAY['bi_province', 'bi_prefecture', 'bi_county', 'bi_village'] LOOP
      EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', name, names[i], notes[i]);
    END LOOP;
  END LOOP;
  FOR d IN
    SELECT a.attrelid::regclass AS view_name, a.attname, c.note
      FROM pg_catalog.pg_attribute a
      JOIN (VALUES
        ('as_of', 'Date the figures are as of: view_as_of(), the setting poverty_aid.as_of, else today'),
        ('province_code', '12-digit code of the province'), ('province_name', 'Name of the province'),
        ('prefecture_code', '12-digit code of the prefecture'), ('prefecture_name', 'Name of the prefecture'),
        ('county_code', '12-digit code of the county'), ('county_name', 'Name of the county'),
        ('township_code', '12-digit code of the township'), ('township_name', 'Name of the township'),
        ('village_code', '12-digit code of the village'), ('village_name', 'Name of the village')
      ) AS c (column_name, note) ON c.column_name = a.attname
     WHERE a.attrelid IN ('@extschema@.bi_province'::regclass, '@extschema@.bi_prefecture'::regclass,
                          '@extschema@.bi_county'::regclass, '@extschema@.bi_village'::regclass)
       AND a.attnum > 0
  LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', d.view_name, d.attname, d.note);
  END LOOP;
END
$bi_views$;

-- The snapshots as a long table for time-series charts: per region and
-- month, the last snapshot of the month (as of view_as_of() at the latest).
CREATE VIEW @extschema@.bi_monthly WITH (security_invoker = true) AS
WITH months AS (
  SELECT pg_catalog.date_trunc('month', s.as_of)::date AS month, max(s.as_of) AS as_of
    FROM @extschema@.indicator_snapshot s
   WHERE s.as_of <= @extschema@.view_as_of()
   GROUP BY 1
)
SELECT s.region_code,
       r.name AS region_name,
       r.level::text AS region_level,
       m.month,
       s.as_of,
       s.indicator AS key,
       s.unit,
       s.numerator::numeric(20,4) AS numerator,
       s.denominator::numeric(20,4) AS denominator,
       (CASE WHEN s.unit = '%' THEN s.value END)::numeric(10,1) AS pct,
       (CASE WHEN s.unit = '%' THEN s.numerator / NULLIF(s.denominator, 0) END)::double precision AS fraction,
       s.value::numeric(26,6) AS value
  FROM months m
  JOIN @extschema@.indicator_snapshot s ON s.as_of = m.as_of
  LEFT JOIN @extschema@.region r ON r.code = s.region_code
 ORDER BY s.region_code NULLS FIRST, m.month, s.indicator;
COMMENT ON VIEW @extschema@.bi_monthly IS
  'The snapshots (take_snapshot()) as a long table for time-series charts: one row per region, month and indicator key, from the last snapshot of the month on or before view_as_of() (the setting poverty_aid.as_of, else today). region_code NULL is the whole register. Sum numerator and denominator over regions, never pct. See docs/bi.md';
COMMENT ON COLUMN @extschema@.bi_monthly.region_code IS 'Region of the row; NULL for the whole register';
COMMENT ON COLUMN @extschema@.bi_monthly.region_name IS 'Name of the region (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.bi_monthly.region_level IS 'Level of the region: province, prefecture or county (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.bi_monthly.month IS 'First day of the month';
COMMENT ON COLUMN @extschema@.bi_monthly.as_of IS 'Date of the snapshot used: the last one of the month (on or before view_as_of())';
COMMENT ON COLUMN @extschema@.bi_monthly.key IS 'Indicator key, as in indicator_report() and indicator_definitions()';
COMMENT ON COLUMN @extschema@.bi_monthly.unit IS 'Unit: % for a ratio, else the unit of the count or amount (people, households, villages, yuan, projects, year) or index, as in indicator_definitions()';
COMMENT ON COLUMN @extschema@.bi_monthly.numerator IS 'Numerator of a ratio, or the count or amount; sum it over regions. NULL for a figure that is not a sum (an index, a year, a line, a mean: see value)';
COMMENT ON COLUMN @extschema@.bi_monthly.denominator IS 'Denominator of a ratio (NULL for counts and amounts); sum it over regions';
COMMENT ON COLUMN @extschema@.bi_monthly.pct IS 'Percent with one digit for a ratio (NULL for counts and amounts, and when there is nothing to count); do not average it';
COMMENT ON COLUMN @extschema@.bi_monthly.value IS 'The report''s value: the percent of a ratio, the count or amount, or an index (unit index) or other figure that is not a sum (a year, a line, a mean: numerator NULL); chart it, do not add it';
COMMENT ON COLUMN @extschema@.bi_monthly.fraction IS 'numerator / denominator unrounded for a ratio; NULL when the denominator is 0 or for counts and amounts';
