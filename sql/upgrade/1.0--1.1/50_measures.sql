-- 1.0 -> 1.1: income-based measures and the exit assessment.
--
-- The same objects as sql/ext/33_measures.sql (the aggregates and
-- income_measures()) and sql/ext/55_assessment.sql (the assessment tables,
-- exit_assessment() and its view, their row security, audit triggers and
-- dump marks), copied verbatim: keep them in step.  Then the assessment
-- tables join the table lists of profile_privileges() (50_security.sql).

-- ---- from sql/ext/33_measures.sql
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

-- ---- from sql/ext/55_assessment.sql
-- The official exit assessment of a poor county: a sample of households
-- surveyed by a third party before the county exits, and three rates with
-- their sampling error,
--
--   wrongful exit rate  sampled exited households that should not have
--                       exited / sampled exited households        <= 2%
--   missed poor rate    sampled households off the register that are
--                       poor / sampled households off the register <= 2%
--   approval rate       sampled households approving the exit /
--                       sampled households that answered            >= 90%
--
-- each an exact ratio with its 95% Wilson interval, next to the poverty
-- incidence criterion of exit_check().  The thresholds live in one place,
-- exit_assessment_criteria().
--
-- This file comes after 50_security.sql: the assessment tables get row
-- security, audit triggers and pg_dump marks the way the register's tables
-- do there, and those need its scope and audit functions.

CREATE FUNCTION @extschema@.exit_assessment_criteria()
  RETURNS TABLE (criterion text, percent numeric, is_maximum boolean, label text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT * FROM (VALUES
    ('wrongful_exit', 2::numeric, true, 'wrongful exit rate'),
    ('missed_poor', 2::numeric, true, 'missed poor rate'),
    ('approval', 90::numeric, false, 'approval rate')) AS c (criterion, percent, is_maximum, label);
END;
COMMENT ON FUNCTION @extschema@.exit_assessment_criteria() IS
  'The thresholds of the exit assessment, in percent of the sampled households: wrongful exits at most 2%, missed poor at most 2%, approval at least 90% (is_maximum: the rate must be at most the threshold; else at least)';

CREATE TABLE @extschema@.assessment (
  id          bigserial PRIMARY KEY,
  county_code text NOT NULL REFERENCES @extschema@.region (code),
  assessed_on date NOT NULL,
  assessor    text,
  note        text,
  CONSTRAINT assessment_of_county CHECK (@extschema@.region_code_level(county_code) = 'county'),
  CONSTRAINT assessment_unique UNIQUE (county_code, assessed_on)
);
COMMENT ON TABLE @extschema@.assessment IS
  'An exit assessment of a poor county: the household survey (third-party assessment) done before the county exits; its sample is in assessment_household';
COMMENT ON COLUMN @extschema@.assessment.county_code IS 'The county assessed (12-digit code)';
COMMENT ON COLUMN @extschema@.assessment.assessed_on IS 'Day the survey was completed; exit_assessment(county, as_of) uses the latest on or before as_of';
COMMENT ON COLUMN @extschema@.assessment.assessor IS 'Who surveyed (e.g. the third-party assessment team)';

CREATE TABLE @extschema@.assessment_household (
  assessment_id  bigint NOT NULL REFERENCES @extschema@.assessment (id) ON DELETE CASCADE,
  sample_no      integer NOT NULL CONSTRAINT assessment_household_sample_no_positive CHECK (sample_no > 0),
  village_code   text NOT NULL REFERENCES @extschema@.region (code),
  household_id   bigint REFERENCES @extschema@.household (id),
  wrongly_exited boolean,
  missed_poor    boolean,
  approves       boolean,
  PRIMARY KEY (assessment_id, sample_no),
  CONSTRAINT assessment_household_in_village
    CHECK (@extschema@.region_code_level(village_code) = 'village'),
  CONSTRAINT assessment_household_wrongly_exited_registered
    CHECK (wrongly_exited IS NULL OR household_id IS NOT NULL),
  CONSTRAINT assessment_household_missed_poor_unregistered
    CHECK (missed_poor IS NULL OR household_id IS NULL)
);
CREATE INDEX assessment_household_household_id_idx ON @extschema@.assessment_household (household_id);
CREATE INDEX assessment_household_village_code_idx ON @extschema@.assessment_household (village_code);
COMMENT ON TABLE @extschema@.assessment_household IS
  'The sampled households of an exit assessment, one row each, with the survey''s findings';
COMMENT ON COLUMN @extschema@.assessment_household.assessment_id IS 'The assessment whose sample the household is in';
COMMENT ON COLUMN @extschema@.assessment_household.sample_no IS 'Number of the household in the sample';
COMMENT ON COLUMN @extschema@.assessment_household.village_code IS 'Village the household lives in; must lie in the assessed county';
COMMENT ON COLUMN @extschema@.assessment_household.household_id IS
  'The register''s household period, for a sampled registered household; NULL for a household off the register';
COMMENT ON COLUMN @extschema@.assessment_household.wrongly_exited IS
  'For a sampled exited household: whether it exited without meeting the criteria; NULL for households not in the exited sample';
COMMENT ON COLUMN @extschema@.assessment_household.missed_poor IS
  'For a sampled household off the register: whether it is poor and should have been registered; NULL for registered households';
COMMENT ON COLUMN @extschema@.assessment_household.approves IS
  'Whether the household approves of the exit; NULL when it did not answer';

-- A sampled household lives in the assessed county, and a registered one is
-- the register's household of that village.  (Cross-table: a trigger.)
CREATE FUNCTION @extschema@.assessment_household_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  county text;
  registered_village text;
BEGIN
  SELECT a.county_code INTO county FROM @extschema@.assessment a WHERE a.id = NEW.assessment_id;
  IF county IS NOT NULL AND NOT @extschema@.region_contains(county, NEW.village_code) THEN
    RAISE EXCEPTION 'sampled household lies outside the assessed county'
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Village %s is not in county %s (sample %s of assessment %s).',
                                       NEW.village_code, county, NEW.sample_no, NEW.assessment_id);
  END IF;
  IF NEW.household_id IS NOT NULL THEN
    SELECT h.village_code INTO registered_village FROM @extschema@.household h WHERE h.id = NEW.household_id;
    IF registered_village IS DISTINCT FROM NEW.village_code THEN
      RAISE EXCEPTION 'sampled household is registered in another village'
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('Household %s is registered in village %s, the sample row says %s.',
                                         NEW.household_id, registered_village, NEW.village_code);
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.assessment_household_check() IS
  'Trigger: a sampled household must lie in the assessed county, and a registered one in the village of its register row';
CREATE TRIGGER assessment_household_check BEFORE INSERT OR UPDATE ON @extschema@.assessment_household
  FOR EACH ROW EXECUTE FUNCTION @extschema@.assessment_household_check();

-- exit_assessment ---------------------------------------------------------------

CREATE FUNCTION @extschema@.exit_assessment(county text DEFAULT NULL, as_of date DEFAULT current_date)
  RETURNS TABLE (county_code text, county_name text, zone @extschema@.policy_zone,
                 assessment_id bigint, assessed_on date, households_sampled bigint,
                 wrongful_exit_rate @extschema@.ratio, wrongful_exit_percent numeric,
                 wrongful_exit_ci_lower double precision, wrongful_exit_ci_upper double precision,
                 wrongful_exit_max_percent numeric, wrongful_exit_met boolean,
                 wrongful_exit_met_with_interval boolean,
                 missed_poor_rate @extschema@.ratio, missed_poor_percent numeric,
                 missed_poor_ci_lower double precision, missed_poor_ci_upper double precision,
                 missed_poor_max_percent numeric, missed_poor_met boolean,
                 missed_poor_met_with_interval boolean,
                 approval_rate @extschema@.ratio, approval_percent numeric,
                 approval_ci_lower double precision, approval_ci_upper double precision,
                 approval_min_percent numeric, approval_met boolean,
                 approval_met_with_interval boolean,
                 incidence_percent numeric, incidence_threshold_percent numeric, incidence_met boolean,
                 all_met boolean, all_met_with_interval boolean)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH latest AS (
    SELECT DISTINCT ON (a.county_code) a.id, a.county_code, a.assessed_on
      FROM @extschema@.assessment a
     WHERE a.assessed_on <= exit_assessment.as_of
       AND (exit_assessment.county IS NULL
            OR a.county_code = @extschema@.region_code(exit_assessment.county))
     ORDER BY a.county_code, a.assessed_on DESC
  ), rates AS (
    SELECT l.id, l.county_code, l.assessed_on, count(s.sample_no) AS sampled,
           @extschema@.rate_agg(s.wrongly_exited) AS wrongful,
           @extschema@.rate_agg(s.missed_poor) AS missed,
           @extschema@.rate_agg(s.approves) AS approval
      FROM latest l
      LEFT JOIN @extschema@.assessment_household s ON s.assessment_id = l.id
     GROUP BY l.id, l.county_code, l.assessed_on
  ), criteria AS (
    SELECT max(c.percent) FILTER (WHERE c.criterion = 'wrongful_exit') AS wrongful_max,
           max(c.percent) FILTER (WHERE c.criterion = 'missed_poor') AS missed_max,
           max(c.percent) FILTER (WHERE c.criterion = 'approval') AS approval_min
      FROM @extschema@.exit_assessment_criteria() c
  ), judged AS (
    SELECT r.*, c.*,
           100 * @extschema@.ratio_ci_lower(r.wrongful) AS wl, 100 * @extschema@.ratio_ci_upper(r.wrongful) AS wu,
           100 * @extschema@.ratio_ci_lower(r.missed) AS ml, 100 * @extschema@.ratio_ci_upper(r.missed) AS mu,
           100 * @extschema@.ratio_ci_lower(r.approval) AS al, 100 * @extschema@.ratio_ci_upper(r.approval) AS au,
           CASE WHEN @extschema@.ratio_denominator(r.wrongful) > 0
                THEN 100 * @extschema@.ratio_numerator(r.wrongful) <= c.wrongful_max * @extschema@.ratio_denominator(r.wrongful) END AS w_met,
           CASE WHEN @extschema@.ratio_denominator(r.missed) > 0
                THEN 100 * @extschema@.ratio_numerator(r.missed) <= c.missed_max * @extschema@.ratio_denominator(r.missed) END AS m_met,
           CASE WHEN @extschema@.ratio_denominator(r.approval) > 0
                THEN 100 * @extschema@.ratio_numerator(r.approval) >= c.approval_min * @extschema@.ratio_denominator(r.approval) END AS a_met
      FROM rates r CROSS JOIN criteria c
  ), incidence AS (
    SELECT e.region_code, e.incidence_percent, e.threshold_percent, e.meets_threshold
      FROM @extschema@.exit_check(exit_assessment.as_of, true) e
     WHERE e.level = 'county'
  )
  SELECT j.county_code, r.name, r.zone, j.id, j.assessed_on, j.sampled,
         j.wrongful, @extschema@.ratio_percent(j.wrongful, 2), j.wl, j.wu, j.wrongful_max, j.w_met,
         j.w_met AND j.wu <= j.wrongful_max,
         j.missed, @extschema@.ratio_percent(j.missed, 2), j.ml, j.mu, j.missed_max, j.m_met,
         j.m_met AND j.mu <= j.missed_max,
         j.approval, @extschema@.ratio_percent(j.approval, 2), j.al, j.au, j.approval_min, j.a_met,
         j.a_met AND j.al >= j.approval_min,
         i.incidence_percent, i.threshold_percent, i.meets_threshold,
         j.w_met AND j.m_met AND j.a_met AND i.meets_threshold,
         j.w_met AND j.wu <= j.wrongful_max AND j.m_met AND j.mu <= j.missed_max
           AND j.a_met AND j.al >= j.approval_min AND i.meets_threshold
    FROM judged j
    JOIN @extschema@.region r ON r.code = j.county_code
    LEFT JOIN incidence i ON i.region_code = j.county_code
   ORDER BY j.county_code;
END;
COMMENT ON FUNCTION @extschema@.exit_assessment(text, date) IS
  'The exit assessment of each county (or of one county: a code of 6 or 12 digits) by its latest survey on or before as_of: the wrongful exit, missed poor and approval rates as exact ratios of sampled households, in percent, with their 95% Wilson interval in percent, the threshold (exit_assessment_criteria(): at most 2%, at most 2%, at least 90%), whether the point estimate meets it (_met) and whether the whole interval does (_met_with_interval: upper bound <= 2%, lower bound >= 90%), next to exit_check()''s poverty incidence criterion; all_met and all_met_with_interval combine the four. A rate without sampled households is 0/0 and its verdicts NULL. E.g. SELECT * FROM poverty_aid.exit_assessment(NULL, ''2020-03-31'')';

CREATE VIEW @extschema@.county_exit_assessment WITH (security_invoker) AS
SELECT * FROM @extschema@.exit_assessment(NULL, current_date);
COMMENT ON VIEW @extschema@.county_exit_assessment IS
  'exit_assessment() of every assessed county as of today: the three sample rates with 95% Wilson intervals against their thresholds and the incidence criterion';

-- Row security, audit, dump ---------------------------------------------------------
--
-- As for the register's tables (50_security.sql): an assessment belongs to
-- its county, a sampled household to its village; reads follow the read
-- scope, writes the write scope.  Every change is audited.

DO $assessment_security$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  t record;
  tab text;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('assessment', '@extschema@.region_in_scope(county_code, %1$s)', 'county_code'),
      ('assessment_household', '@extschema@.region_in_scope(village_code, %1$s)', 'village_code')
    ) AS v(tab, cond, bound_by)
  LOOP
    EXECUTE format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t.tab);
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR SELECT USING (%s)',
                   t.tab || '_read', t.tab, format(t.cond, read_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR INSERT WITH CHECK (%s)',
                   t.tab || '_insert', t.tab, format(t.cond, write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR UPDATE USING (%s) WITH CHECK (%s)',
                   t.tab || '_update', t.tab, format(t.cond, write_scope), format(t.cond, write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR DELETE USING (%s)',
                   t.tab || '_delete', t.tab, format(t.cond, write_scope));
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_read', t.tab,
                   'Rows readable inside the role''s read scope (region_read_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_insert', t.tab,
                   'New rows must lie inside the role''s write scope (region_write_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_update', t.tab,
                   'Updated rows must lie inside the write scope before and after the change; bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_delete', t.tab,
                   'Deleted rows must lie inside the write scope; bound by ' || t.bound_by);
  END LOOP;
  FOREACH tab IN ARRAY ARRAY['assessment', 'assessment_household'] LOOP
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON @extschema@.%I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER UPDATE ON @extschema@.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON @extschema@.%I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.%I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
  END LOOP;
END
$assessment_security$;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_household', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_id_seq', '');

-- ---- profile_privileges(): assessment and assessment_household are data
-- tables (read by every profile) and clerk tables (written by clerks inside
-- their regions).  The function is patched in place rather than restated, so that
-- other 1.1 changes to it compose with this one; the patch fails loudly if
-- its anchor text is missing.
DO $profile_privileges$
DECLARE
  definition text := pg_catalog.pg_get_functiondef('@extschema@.profile_privileges(text)'::pg_catalog.regprocedure);
  data_anchor CONSTANT text := E'\n    ''indicator_snapshot''];';
  clerk_anchor CONSTANT text := E'\n    ''consumption_sale''];';
BEGIN
  IF pg_catalog.strpos(definition, data_anchor) = 0 OR pg_catalog.strpos(definition, clerk_anchor) = 0 THEN
    RAISE EXCEPTION 'profile_privileges() does not have the table lists this upgrade extends';
  END IF;
  definition := pg_catalog.replace(definition, data_anchor,
    E'\n    ''indicator_snapshot'', ''assessment'', ''assessment_household''];');
  definition := pg_catalog.replace(definition, clerk_anchor,
    E'\n    ''consumption_sale'', ''assessment'', ''assessment_household''];');
  EXECUTE definition;
END
$profile_privileges$;
