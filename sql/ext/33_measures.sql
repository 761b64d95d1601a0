-- Income-based measures: FGT(alpha), Watts, the poverty gap in yuan, the
-- mean income, the Gini coefficient and income quantiles, as parallel
-- aggregates over per-capita income y, the poverty line z and a weight w
-- (the household's members).  C in src/poverty_measures.c.
--
-- The sum measures (fgt, watts, poverty_gap_yuan, income_mean) sum each
-- row's term exactly, so their result is the same double for every plan
-- (serial, parallel, rolled up).  Their partial states are fixed-size,
-- versioned bytea values: the *_partial aggregates return them and
-- measure_rollup() rolls them up.  gini and income_quantile keep the whole
-- distribution (16 bytes per row, at most 67,108,862 rows).

CREATE FUNCTION @extschema@.measure_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'measure_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_combine(internal, internal) IS
'Combine function of fgt, watts, poverty_gap_yuan and income_mean: adds the exact sums of two partial states of the same measure.';
CREATE FUNCTION @extschema@.measure_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'measure_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_serialize(internal) IS
'Serialises a state of fgt, watts, poverty_gap_yuan or income_mean: a fixed-length (280-byte), versioned, big-endian bytea.';
CREATE FUNCTION @extschema@.measure_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'measure_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_deserialize(bytea, internal) IS
'Reads a serialised state of fgt, watts, poverty_gap_yuan or income_mean, checking length, version, kind and sums (22P03 when invalid).';
CREATE FUNCTION @extschema@.measure_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'measure_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_final(internal) IS
'Final function of fgt, watts, poverty_gap_yuan and income_mean: sum of w * term / sum of w; NULL over no rows or zero total weight.';
CREATE FUNCTION @extschema@.measure_partial_final(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'measure_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_partial_final(internal) IS
'Final function of the *_partial aggregates: the state as a partial-state bytea for measure_rollup().';

CREATE FUNCTION @extschema@.fgt_trans(internal, double precision, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'fgt_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fgt_trans(internal, double precision, double precision, double precision, double precision) IS
'Transition function of fgt and fgt_partial.';

CREATE AGGREGATE @extschema@.fgt(y double precision, z double precision, alpha double precision, w double precision) (
	SFUNC = @extschema@.fgt_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fgt(double precision, double precision, double precision, double precision) IS
'Foster-Greer-Thorbecke poverty measure FGT(alpha) = sum w * (max(0, (z - y) / z))^alpha / sum w of per-capita income y, poverty line z, weight w (the household''s members): alpha 0 is the headcount ratio, 1 the poverty gap index, 2 the severity. alpha must be the same on every row. Sums are exact (the result is the same for every plan; relative error below 2e-15). NaN or infinite y, z <= 0, alpha < 0, w < 0 are errors (22023); rows with a NULL argument are skipped; NULL over no rows.';

CREATE AGGREGATE @extschema@.fgt_partial(y double precision, z double precision, alpha double precision, w double precision) (
	SFUNC = @extschema@.fgt_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_partial_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fgt_partial(double precision, double precision, double precision, double precision) IS
'The partial state of fgt (a 280-byte bytea) to store or ship and roll up later with measure_rollup(); NULL over no rows.';

CREATE FUNCTION @extschema@.watts_trans(internal, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'watts_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watts_trans(internal, double precision, double precision, double precision) IS
'Transition function of watts and watts_partial.';

CREATE AGGREGATE @extschema@.watts(y double precision, z double precision, w double precision) (
	SFUNC = @extschema@.watts_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.watts(double precision, double precision, double precision) IS
'Watts poverty index sum w * ln(z / y) over y < z, divided by sum w. An income y <= 0 is an error (22023: the index is undefined there; filter such rows and report them separately), as are NaN, z <= 0 and w < 0. Sums are exact (same result for every plan; relative error below 2e-15); NULL rows skipped; NULL over no rows.';

CREATE AGGREGATE @extschema@.watts_partial(y double precision, z double precision, w double precision) (
	SFUNC = @extschema@.watts_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_partial_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.watts_partial(double precision, double precision, double precision) IS
'The partial state of watts (a 280-byte bytea) for measure_rollup(); NULL over no rows.';

CREATE FUNCTION @extschema@.poverty_gap_yuan_trans(internal, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'poverty_gap_yuan_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.poverty_gap_yuan_trans(internal, double precision, double precision, double precision) IS
'Transition function of poverty_gap_yuan and poverty_gap_yuan_partial.';

CREATE AGGREGATE @extschema@.poverty_gap_yuan(y double precision, z double precision, w double precision) (
	SFUNC = @extschema@.poverty_gap_yuan_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.poverty_gap_yuan(double precision, double precision, double precision) IS
'Mean shortfall from the poverty line in yuan per person, sum w * max(0, z - y) / sum w over everybody (poor or not): FGT(1) times z when z is the same for every row. Exact sums; errors and NULL handling as fgt.';

CREATE AGGREGATE @extschema@.poverty_gap_yuan_partial(y double precision, z double precision, w double precision) (
	SFUNC = @extschema@.poverty_gap_yuan_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_partial_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.poverty_gap_yuan_partial(double precision, double precision, double precision) IS
'The partial state of poverty_gap_yuan (a 280-byte bytea) for measure_rollup(); NULL over no rows.';

CREATE FUNCTION @extschema@.income_mean_trans(internal, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'income_mean_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.income_mean_trans(internal, double precision, double precision) IS
'Transition function of income_mean and income_mean_partial.';

CREATE AGGREGATE @extschema@.income_mean(y double precision, w double precision) (
	SFUNC = @extschema@.income_mean_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.income_mean(double precision, double precision) IS
'Weighted mean income per person sum w * y / sum w, with exact sums (same result for every plan). NaN or infinite y and w < 0 are errors (22023); NULL rows skipped; NULL over no rows.';

CREATE AGGREGATE @extschema@.income_mean_partial(y double precision, w double precision) (
	SFUNC = @extschema@.income_mean_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_partial_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.income_mean_partial(double precision, double precision) IS
'The partial state of income_mean (a 280-byte bytea) for measure_rollup(); NULL over no rows.';

CREATE FUNCTION @extschema@.measure_rollup_trans(internal, bytea) RETURNS internal
	AS 'MODULE_PATHNAME', 'measure_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_rollup_trans(internal, bytea) IS
'Transition function of measure_rollup: checks a partial state and adds it.';

CREATE AGGREGATE @extschema@.measure_rollup(partial bytea) (
	SFUNC = @extschema@.measure_rollup_trans, STYPE = internal, SSPACE = 280,
	FINALFUNC = @extschema@.measure_final,
	COMBINEFUNC = @extschema@.measure_combine,
	SERIALFUNC = @extschema@.measure_serialize, DESERIALFUNC = @extschema@.measure_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.measure_rollup(bytea) IS
'Rolls partial states of one measure (from fgt_partial, watts_partial, poverty_gap_yuan_partial or income_mean_partial) up into the measure: measure_rollup over per-county fgt_partial equals fgt over all their rows, bit for bit. States of different measures or alphas are an error (22023), a corrupt state too (22P03); NULL states are skipped.';

CREATE FUNCTION @extschema@.measure_value(partial bytea) RETURNS double precision
	AS 'MODULE_PATHNAME', 'measure_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.measure_value(bytea) IS
'The measure one partial state stands for (as measure_rollup over that single state); NULL when its weights sum to 0.';

-- gini and income_quantile ----------------------------------------------------

CREATE FUNCTION @extschema@.gini_trans(internal, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'gini_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gini_trans(internal, double precision, double precision) IS
'Transition function of gini: keeps the (y, w) pair of each row with a positive weight (16 bytes).';
CREATE FUNCTION @extschema@.income_quantile_trans(internal, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'income_quantile_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.income_quantile_trans(internal, double precision, double precision, double precision) IS
'Transition function of income_quantile: keeps the (y, w) pair of each row; p must be the same on every row.';
CREATE FUNCTION @extschema@.gini_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'gini_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gini_combine(internal, internal) IS
'Combine function of gini and income_quantile: merges two sorted runs of (y, w) pairs (appends unsorted ones).';
CREATE FUNCTION @extschema@.gini_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'gini_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gini_serialize(internal) IS
'Serialises an income distribution: versioned big-endian header, then the (y, w) pairs sorted.';
CREATE FUNCTION @extschema@.gini_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'gini_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gini_deserialize(bytea, internal) IS
'Reads a serialised income distribution, checking length, header, every pair and the order (22P03 when invalid).';
CREATE FUNCTION @extschema@.gini_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'gini_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gini_final(internal) IS
'Final function of gini: the weighted Gini coefficient of the sorted pairs.';
CREATE FUNCTION @extschema@.income_quantile_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'income_quantile_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.income_quantile_final(internal) IS
'Final function of income_quantile: the smallest income whose cumulative weight reaches p times the total.';

CREATE AGGREGATE @extschema@.gini(y double precision, w double precision) (
	SFUNC = @extschema@.gini_trans, STYPE = internal, SSPACE = 16,
	FINALFUNC = @extschema@.gini_final,
	COMBINEFUNC = @extschema@.gini_combine,
	SERIALFUNC = @extschema@.gini_serialize, DESERIALFUNC = @extschema@.gini_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gini(double precision, double precision) IS
'Weighted Gini coefficient of per-capita income y with weight w (members): the mean absolute difference between any two people divided by twice the mean; 99 people with 0 and one with 100 give 0.99. Exact over the whole distribution: the state keeps 16 bytes per row with w > 0 (at most 67,108,862 rows, else 54000) and the result is the same for every plan (absolute error below 4e-15 for non-negative incomes). Negative incomes are allowed (the coefficient may exceed 1); NULL when the mean income is not positive or there are no rows. NaN or infinite y and w < 0 are errors (22023); NULL rows skipped.';

CREATE AGGREGATE @extschema@.income_quantile(y double precision, w double precision, p double precision) (
	SFUNC = @extschema@.income_quantile_trans, STYPE = internal, SSPACE = 16,
	FINALFUNC = @extschema@.income_quantile_final,
	COMBINEFUNC = @extschema@.gini_combine,
	SERIALFUNC = @extschema@.gini_serialize, DESERIALFUNC = @extschema@.gini_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.income_quantile(double precision, double precision, double precision) IS
'Weighted income quantile: the smallest y whose cumulative weight reaches p times the total weight (p = 0.5: the lower weighted median; p = 0: the lowest income). p in [0, 1], the same on every row (22023 otherwise). Keeps 16 bytes per row, like gini; NULL rows skipped; NULL over no rows.';

-- income_measures: the measures of household_income per region and year -----

CREATE FUNCTION @extschema@.income_measures(region_code text DEFAULT NULL, year integer DEFAULT NULL,
                                            by_level @extschema@.region_level DEFAULT NULL)
  RETURNS TABLE (region_code text, region_name text, year integer, poverty_line numeric,
                 households bigint, people bigint,
                 headcount @extschema@.ratio, headcount_percent numeric,
                 poverty_gap double precision, severity double precision,
                 watts double precision, incomes_at_or_below_zero bigint,
                 gini double precision, mean_income double precision,
                 poverty_gap_yuan double precision, median_income double precision)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('income_measures');
  WITH incomes AS (
    SELECT CASE WHEN income_measures.by_level IS NULL
                THEN @extschema@.region_code(income_measures.region_code)
                ELSE @extschema@.region_ancestor_code(h.village_code, income_measures.by_level) END AS code,
           i.year, l.line, h.members, i.per_capita_income::double precision AS y
      FROM @extschema@.household_income i
      JOIN @extschema@.household h ON h.id = i.household_id
      LEFT JOIN @extschema@.poverty_line l ON l.year = i.year
     WHERE (income_measures.year IS NULL OR i.year = income_measures.year)
       AND (income_measures.region_code IS NULL
            OR @extschema@.region_contains(@extschema@.region_code(income_measures.region_code), h.village_code))
  )
  SELECT c.code, r.name, c.year, max(c.line), count(*), sum(c.members)::bigint,
         @extschema@.ratio_agg(CASE WHEN c.y < c.line THEN c.members ELSE 0 END, c.members),
         @extschema@.ratio_percent(@extschema@.ratio_agg(CASE WHEN c.y < c.line THEN c.members ELSE 0 END, c.members), 2),
         @extschema@.fgt(c.y, c.line, 1, c.members),
         @extschema@.fgt(c.y, c.line, 2, c.members),
         CASE WHEN count(*) FILTER (WHERE c.y <= 0) = 0
              THEN @extschema@.watts(c.y, c.line, c.members) FILTER (WHERE c.y > 0) END,
         count(*) FILTER (WHERE c.y <= 0),
         @extschema@.gini(c.y, c.members),
         @extschema@.income_mean(c.y, c.members),
         @extschema@.poverty_gap_yuan(c.y, c.line, c.members),
         @extschema@.income_quantile(c.y, c.members, 0.5)
    FROM incomes c
    LEFT JOIN @extschema@.region r ON r.code = c.code
   WHERE income_measures.by_level IS NULL OR c.code IS NOT NULL
   GROUP BY c.code, r.name, c.year
   ORDER BY c.code, c.year;
END;
COMMENT ON FUNCTION @extschema@.income_measures(text, integer, @extschema@.region_level) IS
  'Income-based poverty measures of household_income per year for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register), as a whole or (by_level) for each of its regions at that level: households and people (members) with an income record, the headcount below that year''s poverty_line as an exact ratio of people and in percent, poverty gap FGT(1) and severity FGT(2), the Watts index (NULL when an income is at or below zero; their number is incomes_at_or_below_zero), the Gini coefficient, the mean and median per-capita income and the mean shortfall in yuan, all weighted by members. Measures against the line are NULL for a year without one. E.g. SELECT * FROM poverty_aid.income_measures(''622824'', 2020)';

-- income_values: the income measures as rows of indicator_values() ----------
--
-- The incomes of a report as of D are those of the last completed calendar
-- year (the year of D + 1 day, minus one: 2019 as of 2020-03-31, 2020 as of
-- 2020-12-31), measured against that year's poverty_line, weighted by the
-- household's members.  One year for every region and every caller, so the
-- figures of a region and of its parts are of the same year.

CREATE FUNCTION @extschema@.income_year(as_of date) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN extract(year FROM as_of + 1)::integer - 1;
COMMENT ON FUNCTION @extschema@.income_year(date) IS
  'The income year of a report as of a date: the last completed calendar year (2019 as of 2020-03-31, 2020 as of 2020-12-31)';

CREATE FUNCTION @extschema@.income_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                          root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  scope       text := @extschema@.region_code(root_code);
  scope_level @extschema@.region_level := @extschema@.region_code_level(scope);
  lo          text := coalesce(scope, '000000000000');
  hi          text := coalesce(@extschema@.region_subtree_end(scope), '999999999999');
  y           integer := @extschema@.income_year(as_of);
  z           numeric := (SELECT l.line FROM @extschema@.poverty_line l WHERE l.year = y);
  small_scope boolean := coalesce(scope_level >= 'county', false);
  -- NULL: the caller reads every row (row security does not apply to a
  -- superuser or a BYPASSRLS role, whatever its profile)
  read_scope  text[] := CASE WHEN (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r
                                    WHERE r.rolname = CURRENT_USER) THEN NULL
                             ELSE @extschema@.region_read_scope(CURRENT_USER) END;
  -- The groups down to the county (the whole register, provinces,
  -- prefectures, counties) read the income distribution
  -- (53_income_distribution.sql) when the caller may read the whole
  -- subtree: one row per income and region, not per household.  The
  -- measures over it equal those over the incomes, bit for bit.  Its rows
  -- read: the whole register's (dist_level NULL), the provinces' or the
  -- counties' (for counties and prefectures).
  dist_level  @extschema@.region_level := coalesce(by_level, scope_level);
  use_dist    boolean := coalesce(dist_level <= 'county', true)
                         AND CASE WHEN scope IS NULL THEN read_scope IS NULL
                                  ELSE @extschema@.region_in_scope(scope, read_scope) END;
  src_level   @extschema@.region_level := CASE WHEN dist_level = 'province' THEN 'province'
                                               WHEN dist_level IS NOT NULL THEN 'county' END;
BEGIN
  PERFORM @extschema@.report_check_arguments(as_of, by_level, scope);

  RETURN QUERY
  WITH grp AS (
    SELECT coalesce(scope, '*') AS g WHERE by_level IS NULL
    UNION ALL
    SELECT r.code FROM @extschema@.region r
     WHERE by_level IS NOT NULL AND r.level = by_level AND r.code BETWEEN lo AND hi
  ), inc AS (
    -- Rows of (group, income, line, people, households).  The distribution
    -- (use_dist) gives one row per income and region.  Otherwise (groups
    -- below the county, or a reader who may not read the whole subtree) a
    -- county or smaller subtree looks its households' incomes up by key and
    -- a larger one joins the whole year (about 2.5 times faster than
    -- lookups for the whole register), one row per household.  The
    -- branches not taken are never run.
    SELECT @extschema@.report_group(d.region_code, by_level, scope) AS g,
           d.per_capita_income::double precision AS y, z::double precision AS z,
           d.people AS members, d.households AS n
      FROM (SELECT NULL::text AS region_code, x.per_capita_income, sum(x.households) AS households,
                   sum(x.people)::bigint AS people
              FROM @extschema@.income_distribution x
             WHERE use_dist AND src_level IS NULL AND x.year = y AND x.level IS NULL AND x.region_code IS NULL
             GROUP BY x.per_capita_income
            HAVING sum(x.households) <> 0 OR sum(x.people) <> 0
            UNION ALL
            -- Region by region: each region's rows come in income order
            -- from the index and are merged as they come, where one
            -- grouping of all counties' rows (18 million at scale 1)
            -- spilled a hash table to disk, 3 times slower.
            SELECT r.code, x.per_capita_income, x.households, x.people
              FROM @extschema@.region r
             CROSS JOIN LATERAL (
                     SELECT k.per_capita_income, sum(k.households) AS households, sum(k.people)::bigint AS people
                       FROM @extschema@.income_distribution k
                      WHERE k.year = y AND k.level = src_level AND k.region_code = r.code
                      GROUP BY k.per_capita_income
                     HAVING sum(k.households) <> 0 OR sum(k.people) <> 0) x
             WHERE use_dist AND r.level = src_level AND r.code BETWEEN lo AND hi) d
    UNION ALL
    SELECT @extschema@.report_group(h.village_code, by_level, scope),
           i.per_capita_income::double precision, z::double precision, h.members::bigint, 1::bigint
      FROM @extschema@.household_income i
      JOIN @extschema@.household h ON h.id = i.household_id
     WHERE NOT use_dist AND NOT small_scope AND i.year = y AND h.village_code BETWEEN lo AND hi
    UNION ALL
    SELECT @extschema@.report_group(h.village_code, by_level, scope),
           i.per_capita_income::double precision, z::double precision, h.members::bigint, 1::bigint
      FROM @extschema@.household h
     CROSS JOIN LATERAL (SELECT k.per_capita_income FROM @extschema@.household_income k
                          WHERE k.household_id = h.id AND k.year = y LIMIT 1) i
     WHERE NOT use_dist AND small_scope AND h.village_code BETWEEN lo AND hi
  ), ig AS (
    SELECT inc.g,
           @extschema@.ratio_agg(CASE WHEN inc.y < inc.z THEN inc.members ELSE 0 END, inc.members) AS headcount,
           @extschema@.fgt(inc.y, inc.z, 1, inc.members) AS gap,
           @extschema@.fgt(inc.y, inc.z, 2, inc.members) AS severity,
           CASE WHEN coalesce(sum(inc.n) FILTER (WHERE inc.y <= 0), 0) = 0
                THEN @extschema@.watts(inc.y, inc.z, inc.members) FILTER (WHERE inc.y > 0) END AS watts,
           @extschema@.gini(inc.y, inc.members) AS gini,
           @extschema@.income_mean(inc.y, inc.members) AS mean,
           @extschema@.poverty_gap_yuan(inc.y, inc.z, inc.members) AS gap_yuan
      FROM inc GROUP BY 1
  )
  -- Only the headcount has parts; the other rows are not sums (a mean, a
  -- line, an index), so their numerator is NULL: a BI tool cannot add them.
  SELECT NULLIF(grp.g, '*'), v.ord, v.key, v.label,
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_numerator(v.r) END,
         @extschema@.ratio_denominator(v.r),
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_percent(v.r, 1) ELSE v.amount END,
         v.unit, v.r
    FROM grp
    LEFT JOIN ig ON ig.g = grp.g
   CROSS JOIN LATERAL (VALUES
     (201, 'income_year', 'Year of the incomes measured: the last completed calendar year', 'year',
      NULL::@extschema@.ratio, y::numeric),
     (202, 'income_poverty_line', 'Poverty line of the income year, yuan per person per year', 'yuan',
      NULL, z),
     (203, 'income_headcount_rate', 'Headcount ratio: people in households with an income below the line / people with an income', '%',
      CASE WHEN z IS NULL THEN '0/0' ELSE coalesce(ig.headcount, '0/0') END, NULL),
     (204, 'income_poverty_gap', 'Poverty gap index FGT(1): mean shortfall from the line as a share of it, weighted by people', 'index',
      NULL, round(ig.gap::numeric, 6)),
     (205, 'income_poverty_severity', 'Poverty severity index FGT(2): mean squared relative shortfall, weighted by people', 'index',
      NULL, round(ig.severity::numeric, 6)),
     (206, 'income_watts', 'Watts index: mean of ln(line / income) over people below the line', 'index',
      NULL, round(ig.watts::numeric, 6)),
     (207, 'income_gini', 'Gini coefficient of per-capita income, weighted by people', 'index',
      NULL, round(ig.gini::numeric, 6)),
     (208, 'income_mean', 'Mean per-capita income, weighted by people', 'yuan',
      NULL, round(ig.mean::numeric, 2)),
     (209, 'income_poverty_gap_yuan', 'Mean shortfall from the line in yuan per person, over all people with an income', 'yuan',
      NULL, round(ig.gap_yuan::numeric, 2))
   ) AS v (ord, key, label, unit, r, amount)
   ORDER BY grp.g, v.ord;
END
$$;
COMMENT ON FUNCTION @extschema@.income_values(date, @extschema@.region_level, text) IS
  'The income measures of indicator_report() as of a date for a region subtree (NULL: the whole register), for the subtree as a whole (by_level NULL) or for each of its regions at by_level, in the row shape of indicator_values() (ord from 201): the incomes of household_income in the last completed calendar year (income_year()) against that year''s poverty_line, weighted by members — headcount ratio (exact), FGT(1), FGT(2), Watts (NULL when an income is zero), Gini, mean income and mean shortfall in yuan; indices rounded to 6 digits, yuan to 2';
