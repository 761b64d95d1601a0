-- Reports: the indicator report, the BI views and their as-of functions,
-- the snapshot procedure and its trend view, and the exit check.
--
-- Everything here is SECURITY INVOKER (views WITH (security_invoker)), so
-- row-level security applies to the caller: a clerk's report covers her
-- regions only.  No object reads person.name or person.resident_id.
--
-- Definitions (as of a date D, year Y = the year of D, over a region subtree):
--   county / village exit rate  listing periods of that level listed <= D;
--                               of them exited <= D (exit_rate)
--   household exit rate         household periods registered <= D; of them
--                               exited <= D (a household that fell back has
--                               two periods)
--   poor population, baseline   members of each household's first period
--                               registered <= D (a household is counted once,
--                               with the members it had when first registered)
--   poor population, now        members of the periods open on D
--   reduction rate              reduction_rate(baseline, now)
--   poverty incidence           poor now / rural population, by county (by
--                               village for a township or village scope);
--                               a unit's population is its own row of the
--                               latest year <= Y, else the sum of its
--                               villages' rows; units without one are left
--                               out of both parts
--   villages above 10%          poor villages not exited on D whose own
--                               incidence is above 10% (high_incidence_percent())
--   pairing coverage            listed (<= D) poor counties and villages with
--                               a pairing of any helper active on D
--                               (valid_from <= D < valid_to)
--   villages above 10% paired   ... with an enterprise or social organisation
--   fund in place               plans of years <= Y allocated by D (or with
--                               no allocation date): transfers in place by D
--                               / planned; per source, fiscal (city_fiscal +
--                               district_fiscal), all, and fiscal plans of Y
--   Jan-Feb municipal funds     planned amount of city_fiscal plans allocated
--                               between 1 January and the end of February of
--                               Y (and by D)
--   fund shares                 of the fiscal ("cooperation") funds planned
--                               (as for fund in place): to counties listed
--                               as deeply poor (recipient in such a county),
--                               and for industry
--   jobs, purchases, projects   employment rows employed_on, purchases
--                               sold_on, projects started_on between 1
--                               January of Y and D; against the target of
--                               year Y for the scope (region NULL for the
--                               whole register) with the same indicator key

-- Grouping key of the report query: the ancestor at by_level of a code, or
-- the scope itself ('*' for the whole register) when not grouping.
CREATE FUNCTION @extschema@.report_group(code text, by_level @extschema@.region_level, scope text)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN by_level IS NULL THEN coalesce(scope, '*')
              ELSE @extschema@.region_ancestor_code(code, by_level) END;
COMMENT ON FUNCTION @extschema@.report_group(text, @extschema@.region_level, text) IS
  'Internal to indicator_values(): the group a code falls in, its ancestor at by_level, or the scope (''*'' for the whole register) when by_level is NULL';

-- Last code of the subtree of a code: the digits below its level become 9s,
-- so that "code BETWEEN root AND region_subtree_end(root)" can use an index.
CREATE FUNCTION @extschema@.region_subtree_end(code text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.rpad(pg_catalog.left(code,
           CASE @extschema@.region_code_level(code)
             WHEN 'province' THEN 2 WHEN 'prefecture' THEN 4 WHEN 'county' THEN 6
             WHEN 'township' THEN 9 ELSE 12 END), 12, '9');
COMMENT ON FUNCTION @extschema@.region_subtree_end(text) IS
  'Last 12-digit code of the subtree of a code (the digits below its level set to 9): code BETWEEN root AND region_subtree_end(root) selects a subtree with an index range scan';

-- A unit whose figures contradict each other (more poor people than
-- population) is a data problem of that unit, not of the report: the
-- report leaves it out of the indicator and says so.
CREATE FUNCTION @extschema@.report_data_problem(code text, poor bigint, population bigint, as_of date)
  RETURNS boolean
  LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  RAISE WARNING 'region % left out of the poverty incidence: more poor people than population', code
    USING DETAIL = pg_catalog.format('Region %s has %s registered poor people on %s but a rural population of %s.',
                                     code, poor, pg_catalog.to_char(as_of, 'YYYY-MM-DD'), population),
          HINT = 'Correct poverty_aid.region_population or the households; poverty_aid.data_problems(as_of) lists every such region.';
  RETURN false;
END
$$;
COMMENT ON FUNCTION @extschema@.report_data_problem(text, bigint, bigint, date) IS
  'Internal to indicator_values(): warns that a region is left out of the poverty incidence because it has more poor people than population (naming the region and both figures) and returns false';

-- The arguments of the report engines (indicator_values(), register_values(),
-- monitoring_values(), income_values()): a date, a region of the register the caller may read
-- (NULL: the whole register), and a level at or below it to group by.
CREATE FUNCTION @extschema@.report_check_arguments(as_of date, by_level @extschema@.region_level, scope text)
  RETURNS void
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF scope IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.region r WHERE r.code = scope) THEN
    RAISE EXCEPTION 'region % is not in poverty_aid.region', scope
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the code of a region of the register (6, 9 or 12 digits) that you may read, or NULL for the whole register.';
  END IF;
  IF by_level IS NOT NULL AND scope IS NOT NULL AND by_level < @extschema@.region_code_level(scope) THEN
    RAISE EXCEPTION 'cannot group a % by %', @extschema@.region_code_level(scope), by_level
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.report_check_arguments(date, @extschema@.region_level, text) IS
  'Internal to the report engines (indicator_values(), register_values(), monitoring_values(), income_values()): raises 22004 for a NULL date, 22023 for a scope (12-digit code) that is not a region the caller may read, or a by_level above the scope''s level';

CREATE FUNCTION @extschema@.register_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                            root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off AS
$$
#variable_conflict use_column
DECLARE
  scope       text := @extschema@.region_code(root_code);
  scope_level @extschema@.region_level := @extschema@.region_code_level(scope);
  lo          text := coalesce(scope, '000000000000');
  hi          text := coalesce(@extschema@.region_subtree_end(scope), '999999999999');
  y           integer := extract(year FROM as_of)::integer;
  year_start  date := make_date(y, 1, 1);
  feb_end     date := make_date(y, 3, 1) - 1;
  unit_level  @extschema@.region_level;
BEGIN
  PERFORM @extschema@.report_check_arguments(as_of, by_level, scope);
  IF @extschema@.shard_is_coordinator() THEN
    RETURN QUERY SELECT * FROM @extschema@.shard_indicator_values(as_of, by_level, root_code) v WHERE v.ord < 100;
    RETURN;
  END IF;
  unit_level := CASE WHEN coalesce(by_level, scope_level) IN ('township', 'village') THEN 'village' ELSE 'county' END;

  RETURN QUERY
  WITH grp AS (
    SELECT coalesce(scope, '*') AS g WHERE by_level IS NULL
    UNION ALL
    SELECT r.code FROM @extschema@.region r
     WHERE by_level IS NOT NULL AND r.level = by_level AND r.code BETWEEN lo AND hi
  ), lst AS (
    SELECT l.region_code, @extschema@.region_code_level(l.region_code) AS lvl,
           l.listed_on, l.exited_on
      FROM @extschema@.poverty_listing l
     WHERE l.region_code BETWEEN lo AND hi AND l.listed_on <= as_of
  ), lstg AS (
    SELECT @extschema@.report_group(l.region_code, by_level, scope) AS g,
           @extschema@.exit_rate(l.listed_on, l.exited_on, as_of) FILTER (WHERE l.lvl = 'county') AS county_exit,
           @extschema@.exit_rate(l.listed_on, l.exited_on, as_of) FILTER (WHERE l.lvl = 'village') AS village_exit
      FROM lst l GROUP BY 1
  ), vil AS MATERIALIZED (
    -- per village, from the household tally (52_household_tally.sql): its
    -- household periods and its jobs of the year
    SELECT t.village_code, @extschema@.ratio(t.exits, t.periods) AS hh_exit, t.baseline, t.poor, t.jobs
      FROM @extschema@.household_tally_village(as_of, lo, hi) t
  ), hhg AS (
    SELECT @extschema@.report_group(v.village_code, by_level, scope) AS g,
           @extschema@.rollup(v.hh_exit) AS hh_exit,
           @extschema@.reduction_rate(v.baseline, v.poor) AS reduction,
           sum(v.baseline) AS baseline, sum(v.poor) AS poor
      FROM vil v GROUP BY 1
  ), pop AS MATERIALIZED (
    SELECT DISTINCT ON (p.region_code) p.region_code, @extschema@.region_code_level(p.region_code) AS lvl,
           p.rural_population
      FROM @extschema@.region_population p
     WHERE p.region_code BETWEEN lo AND hi AND p.year <= y
     ORDER BY p.region_code, p.year DESC
  ), unit_pop AS (
    -- a unit's own population, else the sum of its villages'
    SELECT coalesce(o.code, s.code) AS code, coalesce(o.population, s.population) AS population
      FROM (SELECT p.region_code AS code, p.rural_population AS population FROM pop p
             WHERE p.lvl = unit_level) o
      FULL JOIN (SELECT @extschema@.region_ancestor_code(p.region_code, unit_level) AS code,
                        sum(p.rural_population)::bigint AS population
                   FROM pop p WHERE p.lvl = 'village' AND unit_level <> 'village' GROUP BY 1) s
        ON s.code = o.code
  ), unit_poor AS (
    SELECT @extschema@.region_ancestor_code(v.village_code, unit_level) AS code, sum(v.poor)::bigint AS poor
      FROM vil v GROUP BY 1
  ), incg AS (
    -- A unit with more poor people than population is a data problem of
    -- that unit: it is left out of both parts (with a WARNING naming it)
    -- instead of failing the whole report.
    SELECT @extschema@.report_group(u.code, by_level, scope) AS g,
           @extschema@.poverty_incidence(coalesce(p.poor, 0), u.population)
             FILTER (WHERE CASE WHEN u.population IS NULL OR coalesce(p.poor, 0) <= u.population THEN true
                                ELSE @extschema@.report_data_problem(u.code, p.poor, u.population, as_of) END) AS incidence
      FROM unit_pop u LEFT JOIN unit_poor p ON p.code = u.code
     GROUP BY 1
  ), pr AS MATERIALIZED (
    SELECT p.target_region_code AS code,
           bool_or(h.kind IN ('enterprise', 'social_organisation')) AS by_enterprise
      FROM @extschema@.pairing p JOIN @extschema@.helper h ON h.id = p.helper_id
     WHERE p.target_region_code BETWEEN lo AND hi
       AND p.valid_from <= as_of AND (p.valid_to IS NULL OR p.valid_to > as_of)
     GROUP BY 1
  ), high AS (
    SELECT DISTINCT l.region_code AS code
      FROM lst l
      JOIN pop p ON p.region_code = l.region_code
      LEFT JOIN vil v ON v.village_code = l.region_code
     WHERE l.lvl = 'village' AND (l.exited_on IS NULL OR l.exited_on > as_of)
       AND p.rural_population > 0 AND 100 * coalesce(v.poor, 0) > @extschema@.high_incidence_percent() * p.rural_population
  ), covg AS (
    SELECT @extschema@.report_group(l.region_code, by_level, scope) AS g,
           @extschema@.coverage(l.region_code::bigint, pr.code IS NOT NULL) AS coverage
      FROM lst l LEFT JOIN pr ON pr.code = l.region_code
     GROUP BY 1
  ), highg AS (
    SELECT @extschema@.report_group(x.code, by_level, scope) AS g, count(*) AS villages,
           @extschema@.coverage(x.code::bigint, coalesce(pr.by_enterprise, false)) AS coverage
      FROM high x LEFT JOIN pr ON pr.code = x.code
     GROUP BY 1
  ), deep AS (
    SELECT DISTINCT l.region_code
      FROM @extschema@.poverty_listing l
     WHERE l.deep_poverty AND l.listed_on <= as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
  ), fd AS MATERIALIZED (
    SELECT f.id, f.source, f.purpose, f.planned, f.year, f.allocated_on,
           @extschema@.report_group(f.recipient_region_code, by_level, scope) AS g,
           f.source IN ('city_fiscal', 'district_fiscal') AS fiscal,
           @extschema@.region_county_code(f.recipient_region_code) IN (SELECT d.region_code FROM deep d) AS deep
      FROM @extschema@.fund f
     WHERE f.recipient_region_code BETWEEN lo AND hi
       AND f.year <= y AND (f.allocated_on IS NULL OR f.allocated_on <= as_of)
  ), tr AS (
    SELECT t.fund_id, sum(t.amount) AS in_place
      FROM @extschema@.fund_transfer t
     WHERE t.in_place_on <= as_of AND t.fund_id IN (SELECT fd.id FROM fd)
     GROUP BY 1
  ), fdg AS (
    SELECT fd.g,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) AS all_sources,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.fiscal) AS fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.fiscal AND fd.year = y) AS fiscal_year,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'city_fiscal') AS city_fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'district_fiscal') AS district_fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'enterprise') AS enterprise,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'social') AS social,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'other') AS other,
           @extschema@.ratio_agg(CASE WHEN fd.deep THEN fd.planned ELSE 0 END, fd.planned) FILTER (WHERE fd.fiscal) AS deep_share,
           @extschema@.ratio_agg(CASE WHEN fd.purpose = 'industry' THEN fd.planned ELSE 0 END, fd.planned) FILTER (WHERE fd.fiscal) AS industry_share,
           coalesce(sum(fd.planned) FILTER (WHERE fd.source = 'city_fiscal'
                                              AND fd.allocated_on BETWEEN year_start AND least(as_of, feb_end)), 0) AS jan_feb
      FROM fd LEFT JOIN tr ON tr.fund_id = fd.id
     GROUP BY 1
  ), jobg AS (
    -- jobs of the year per village, from the tally too (a join of the year's
    -- jobs with their households took 1.5 s of the national report and a
    -- county's report one lookup per household at scale 1)
    SELECT @extschema@.report_group(v.village_code, by_level, scope) AS g, sum(v.jobs) AS jobs
      FROM vil v WHERE v.jobs <> 0
     GROUP BY 1
  ), saleg AS (
    SELECT @extschema@.report_group(s.region_code, by_level, scope) AS g, sum(s.amount) AS amount
      FROM @extschema@.consumption_sale s
     WHERE s.sold_on BETWEEN year_start AND as_of AND s.region_code BETWEEN lo AND hi
     GROUP BY 1
  ), projg AS (
    SELECT @extschema@.report_group(p.region_code, by_level, scope) AS g, count(*) AS projects
      FROM @extschema@.project p
     WHERE p.started_on BETWEEN year_start AND as_of AND p.region_code BETWEEN lo AND hi
     GROUP BY 1
  ), tgt AS (
    SELECT CASE WHEN by_level IS NULL THEN coalesce(scope, '*') ELSE t.region_code END AS g,
           max(t.target_value) FILTER (WHERE t.indicator = 'jobs_found') AS jobs,
           max(t.target_value) FILTER (WHERE t.indicator = 'consumption_sales') AS sales,
           max(t.target_value) FILTER (WHERE t.indicator = 'projects_started') AS projects
      FROM @extschema@.target t
     WHERE t.year = y
       AND CASE WHEN by_level IS NULL THEN t.region_code IS NOT DISTINCT FROM scope
                ELSE t.region_code BETWEEN lo AND hi AND @extschema@.region_code_level(t.region_code) = by_level END
     GROUP BY 1
  )
  SELECT NULLIF(grp.g, '*'), v.ord, v.key, v.label,
         CASE WHEN v.unit = '%' THEN coalesce(@extschema@.ratio_numerator(v.r), v.amount) ELSE v.amount END,
         @extschema@.ratio_denominator(v.r),
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_percent(v.r, 1) ELSE v.amount END,
         v.unit, v.r
    FROM grp
    LEFT JOIN lstg ON lstg.g = grp.g
    LEFT JOIN hhg ON hhg.g = grp.g
    LEFT JOIN incg ON incg.g = grp.g
    LEFT JOIN covg ON covg.g = grp.g
    LEFT JOIN highg ON highg.g = grp.g
    LEFT JOIN fdg ON fdg.g = grp.g
    LEFT JOIN jobg ON jobg.g = grp.g
    LEFT JOIN saleg ON saleg.g = grp.g
    LEFT JOIN projg ON projg.g = grp.g
    LEFT JOIN tgt ON tgt.g = grp.g
   CROSS JOIN LATERAL (VALUES
     (1, 'county_exit_rate', 'County exit rate: designated poverty counties exited / listed', '%',
      coalesce(lstg.county_exit, '0/0'), NULL::numeric),
     (2, 'village_exit_rate', 'Village exit rate: poor villages exited / listed', '%',
      coalesce(lstg.village_exit, '0/0'), NULL),
     (3, 'household_exit_rate', 'Household exit rate: household periods exited / registered', '%',
      coalesce(hhg.hh_exit, '0/0'), NULL),
     (4, 'poor_population_baseline', 'Registered poor population, baseline (each household once, as first registered)', 'people',
      NULL, coalesce(hhg.baseline, 0)),
     (5, 'poor_population_current', 'Registered poor population still poor', 'people',
      NULL, coalesce(hhg.poor, 0)),
     (6, 'poverty_reduction_rate', 'Reduction of the poor population: (baseline - still poor) / baseline', '%',
      coalesce(hhg.reduction, '0/0'), NULL),
     (7, 'poverty_incidence', 'Poverty incidence: still poor / rural registered population', '%',
      coalesce(incg.incidence, '0/0'), NULL),
     (8, 'high_incidence_villages', 'Poor villages not exited with a poverty incidence above 10%', 'villages',
      NULL, coalesce(highg.villages, 0)::numeric),
     (9, 'pairing_coverage', 'Listed poor counties and villages with an active pairing', '%',
      coalesce(covg.coverage, '0/0'), NULL),
     (10, 'high_incidence_village_coverage', 'Villages above 10% paired with an enterprise or social organisation', '%',
      coalesce(highg.coverage, '0/0'), NULL),
     (11, 'fund_in_place', 'Funds in place / planned, all sources', '%',
      coalesce(fdg.all_sources, '0/0'), NULL),
     (12, 'fund_in_place_fiscal', 'Fiscal funds (municipal and district) in place / planned', '%',
      coalesce(fdg.fiscal, '0/0'), NULL),
     (13, 'fund_in_place_fiscal_year', 'Fiscal funds planned for this year in place / planned', '%',
      coalesce(fdg.fiscal_year, '0/0'), NULL),
     (14, 'fund_in_place_city_fiscal', 'Funds in place / planned: municipal fiscal funds', '%',
      coalesce(fdg.city_fiscal, '0/0'), NULL),
     (15, 'fund_in_place_district_fiscal', 'Funds in place / planned: district fiscal funds', '%',
      coalesce(fdg.district_fiscal, '0/0'), NULL),
     (16, 'fund_in_place_enterprise', 'Funds in place / planned: enterprise donations', '%',
      coalesce(fdg.enterprise, '0/0'), NULL),
     (17, 'fund_in_place_social', 'Funds in place / planned: social donations', '%',
      coalesce(fdg.social, '0/0'), NULL),
     (18, 'fund_in_place_other', 'Funds in place / planned: other sources', '%',
      coalesce(fdg.other, '0/0'), NULL),
     (19, 'city_funds_allocated_jan_feb', 'Municipal fiscal aid funds allocated in January and February', 'yuan',
      NULL, coalesce(fdg.jan_feb, 0)),
     (20, 'fund_share_deep_poverty', 'Share of fiscal funds planned for the deeply poor counties', '%',
      coalesce(fdg.deep_share, '0/0'), NULL),
     (21, 'fund_share_industry', 'Share of fiscal funds planned for industry', '%',
      coalesce(fdg.industry_share, '0/0'), NULL),
     (22, 'jobs_found', 'Poor people helped into jobs this year', 'people',
      NULL, coalesce(jobg.jobs, 0)::numeric),
     (23, 'jobs_found_attainment', 'Jobs found this year / target', '%',
      @extschema@.ratio(coalesce(jobg.jobs, 0)::numeric, tgt.jobs), coalesce(jobg.jobs, 0)::numeric),
     (24, 'consumption_sales', 'Purchases of products from assisted areas this year', 'yuan',
      NULL, coalesce(saleg.amount, 0)),
     (25, 'consumption_sales_attainment', 'Purchases this year / target', '%',
      @extschema@.ratio(coalesce(saleg.amount, 0), tgt.sales), coalesce(saleg.amount, 0)),
     (26, 'projects_started', 'Projects started this year', 'projects',
      NULL, coalesce(projg.projects, 0)::numeric),
     (27, 'projects_started_attainment', 'Projects started this year / target', '%',
      @extschema@.ratio(coalesce(projg.projects, 0)::numeric, tgt.projects), coalesce(projg.projects, 0)::numeric)
   ) AS v (ord, key, label, unit, r, amount)
   ORDER BY grp.g, v.ord;

END
$$;
COMMENT ON FUNCTION @extschema@.register_values(date, @extschema@.region_level, text) IS
  'The register indicators of indicator_values() (ord 1-27: listing, households, poor population, incidence, pairings, funds, jobs, purchases, projects) as of a date for a region subtree, for the subtree as a whole (by_level NULL) or for each of its regions at by_level, in the same row shape; what county_indicators_as_of() and village_indicators_as_of() read. Runs with jit off: its plan''s estimates are far above the rows it reads, and compiling it took longer than running it';

CREATE FUNCTION @extschema@.indicator_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                             root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off AS
$$
BEGIN
  PERFORM @extschema@.report_check_arguments(as_of, by_level, @extschema@.region_code(root_code));
  IF @extschema@.shard_is_coordinator() THEN
    RETURN QUERY SELECT * FROM @extschema@.shard_indicator_values(as_of, by_level, root_code);
    RETURN;
  END IF;
  -- The register (ord 1-27), after exit (101-112) and the income measures
  -- (201-209), in one row shape.  JIT is off for all three: their plans
  -- estimate far more rows than they read (the compilation of the register
  -- query took 2.8 of its 2.9 s on the national register at scale 0.1) and
  -- the income join ran no faster with it.
  RETURN QUERY SELECT * FROM @extschema@.register_values(as_of, by_level, root_code);
  RETURN QUERY SELECT * FROM @extschema@.monitoring_values(as_of, by_level, root_code);
  RETURN QUERY SELECT * FROM @extschema@.income_values(as_of, by_level, root_code);
END
$$;
COMMENT ON FUNCTION @extschema@.indicator_values(date, @extschema@.region_level, text) IS
  'Every indicator of indicator_report() as of a date for a region subtree (NULL: the whole register), for the subtree as a whole (by_level NULL) or for each of its regions at by_level: the register indicators (ord 1-27, register_values()), after exit (101-112, monitoring_values()) and the income measures (201-209, income_values()), defined in indicator_definitions(). The engine of indicator_report(), the BI views and take_snapshot()';

CREATE FUNCTION @extschema@.indicator_report(region_code text DEFAULT NULL, as_of date DEFAULT current_date)
  RETURNS TABLE (key text, label text, scope text, numerator numeric, denominator numeric,
                 value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT v.key, v.label, v.region_code, v.numerator, v.denominator, v.value, v.unit, v.ratio
    FROM @extschema@.indicator_values(indicator_report.as_of, NULL, indicator_report.region_code) v
   ORDER BY v.ord;
END;
COMMENT ON FUNCTION @extschema@.indicator_report(text, date) IS
  'One row per indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date: stable key, label, scope, numerator, denominator, value (percent with one digit for ratios, else the count, amount or index), unit and the exact ratio; the keys are defined in indicator_definitions(). E.g. SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''). Definitions: docs/reports.md';

-- Exit check ----------------------------------------------------------------

CREATE FUNCTION @extschema@.exit_check(as_of date DEFAULT current_date, include_exited boolean DEFAULT false)
  RETURNS TABLE (region_code text, name text, level @extschema@.region_level, county_code text,
                 county_name text, zone @extschema@.policy_zone, listed_on date, exited_on date,
                 exited boolean, deep_poverty boolean, poor_current bigint, rural_population bigint,
                 incidence @extschema@.ratio, incidence_percent numeric, threshold_percent numeric,
                 meets_threshold boolean)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('exit_check');
  WITH units AS (
    -- an exit after the date is not shown: it was not known on the date
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on,
           CASE WHEN l.exited_on <= exit_check.as_of THEN l.exited_on END AS exited_on, l.deep_poverty
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= exit_check.as_of
     ORDER BY l.region_code, l.listed_on DESC
  ), poor AS (
    SELECT h.village_code, sum(h.members)::bigint AS poor
      FROM @extschema@.household h
     WHERE h.registered_on <= exit_check.as_of
       AND (h.exited_on IS NULL OR h.exited_on > exit_check.as_of)
     GROUP BY 1
  ), unit_poor AS (
    SELECT p.village_code AS code, p.poor FROM poor p
    UNION ALL
    SELECT @extschema@.region_county_code(p.village_code), sum(p.poor)::bigint FROM poor p GROUP BY 1
  ), pop AS (
    SELECT DISTINCT ON (p.region_code) p.region_code, p.rural_population
      FROM @extschema@.region_population p
     WHERE p.year <= extract(year FROM exit_check.as_of)
     ORDER BY p.region_code, p.year DESC
  ), unit_pop AS (
    SELECT coalesce(o.code, s.code) AS code, coalesce(o.population, s.population) AS population
      FROM (SELECT p.region_code AS code, p.rural_population AS population FROM pop p) o
      FULL JOIN (SELECT @extschema@.region_county_code(p.region_code) AS code, sum(p.rural_population)::bigint AS population
                   FROM pop p WHERE @extschema@.region_code_level(p.region_code) = 'village' GROUP BY 1) s
        ON s.code = o.code
  ), checked AS (
    SELECT u.region_code, r.name, r.level, @extschema@.region_county_code(u.region_code) AS county_code,
           r.zone, u.listed_on, u.exited_on,
           u.exited_on IS NOT NULL AND u.exited_on <= exit_check.as_of AS exited, u.deep_poverty,
           coalesce(pp.poor, 0) AS poor_current, pq.population,
           @extschema@.exit_threshold_percent(r.zone) AS threshold
      FROM units u
      JOIN @extschema@.region r ON r.code = u.region_code
      LEFT JOIN unit_poor pp ON pp.code = u.region_code
      LEFT JOIN unit_pop pq ON pq.code = u.region_code
  )
  SELECT c.region_code, c.name, c.level, c.county_code, cr.name, c.zone, c.listed_on, c.exited_on,
         c.exited, c.deep_poverty, c.poor_current, c.population,
         @extschema@.ratio(c.poor_current, c.population),
         @extschema@.ratio_percent(@extschema@.ratio(c.poor_current, c.population), 2),
         c.threshold,
         CASE WHEN c.population > 0 THEN 100 * c.poor_current < c.threshold * c.population END
    FROM checked c
    LEFT JOIN @extschema@.region cr ON cr.code = c.county_code
   WHERE exit_check.include_exited OR NOT c.exited
   ORDER BY c.level, c.region_code;
END;
COMMENT ON FUNCTION @extschema@.exit_check(date, boolean) IS
  'Poor counties and villages not exited on a date (all listed ones with include_exited) with their poverty incidence and whether it meets the official exit threshold: below 2%, below 3% in the west zone (region.zone). Only the incidence criterion is checked; the population is the unit''s own (latest year on or before the date), else the sum of its villages''; meets_threshold is NULL without one. E.g. SELECT * FROM poverty_aid.exit_check(''2020-03-31'')';

-- Data problems ---------------------------------------------------------------

CREATE FUNCTION @extschema@.data_problems(as_of date DEFAULT current_date)
  RETURNS TABLE (region_code text, region_name text, level @extschema@.region_level, problem text,
                 poor_population bigint, rural_population bigint, population_year integer)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('data_problems');
  WITH poor AS (
    SELECT h.village_code, sum(h.members)::bigint AS poor
      FROM @extschema@.household h
     WHERE h.registered_on <= data_problems.as_of
       AND (h.exited_on IS NULL OR h.exited_on > data_problems.as_of)
     GROUP BY 1
  ), unit_poor AS (
    SELECT p.village_code AS code, p.poor FROM poor p
    UNION ALL
    SELECT @extschema@.region_county_code(p.village_code), sum(p.poor)::bigint FROM poor p GROUP BY 1
  ), pop AS (
    SELECT DISTINCT ON (p.region_code) p.region_code, p.year, p.rural_population,
           @extschema@.region_code_level(p.region_code) AS lvl
      FROM @extschema@.region_population p
     WHERE p.year <= extract(year FROM data_problems.as_of)
     ORDER BY p.region_code, p.year DESC
  ), unit_pop AS (
    -- as in indicator_values(): a unit's own population, else the sum of its villages'
    SELECT coalesce(o.code, s.code) AS code, coalesce(o.population, s.population) AS population,
           coalesce(o.year, s.year) AS year
      FROM (SELECT p.region_code AS code, p.rural_population AS population, p.year FROM pop p
             WHERE p.lvl IN ('county', 'village')) o
      FULL JOIN (SELECT @extschema@.region_county_code(p.region_code) AS code,
                        sum(p.rural_population)::bigint AS population, max(p.year) AS year
                   FROM pop p WHERE p.lvl = 'village' GROUP BY 1) s
        ON s.code = o.code
  )
  SELECT u.code, r.name, r.level, 'more poor people than population', pp.poor, u.population, u.year
    FROM unit_pop u
    JOIN unit_poor pp ON pp.code = u.code
    JOIN @extschema@.region r ON r.code = u.code
   WHERE pp.poor > u.population
   ORDER BY r.level, u.code;
END;
COMMENT ON FUNCTION @extschema@.data_problems(date) IS
  'Counties and villages whose figures contradict each other as of a date (default today), with the offending figures: more registered poor people than rural population (the population the reports use: the unit''s own of the latest year on or before the date, else the sum of its villages''). The reports leave such a unit out of the poverty incidence, with a WARNING, and still report every other region. Readable rows only (row security applies). E.g. SELECT * FROM poverty_aid.data_problems(''2020-03-31'')';

-- BI views ------------------------------------------------------------------
--
-- Flat rows for BI tools: one per county, village, helper and fund source,
-- with codes, names, the names of the province, prefecture and county,
-- counts, numerators and denominators next to the percentages.  Each view
-- is its as-of function called for view_as_of() (the session's setting
-- poverty_aid.as_of, else today); the functions take any date.  The county
-- and village figures come from indicator_values(), so a county's row equals
-- indicator_report() for that county.  The bi_* views (47_bi.sql) are the
-- ones to give a BI tool.

-- The date the views report as of: a BI tool that only browses views can
-- set it per session (SET), per connection (libpq options, JDBC options,
-- ODBC ConnSettings) or per role or database (ALTER ROLE ... SET).
-- PARALLEL RESTRICTED: the check of the value runs in a subtransaction
-- (an exception block), which a parallel worker cannot start.
CREATE FUNCTION @extschema@.view_as_of() RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  setting text := pg_catalog.current_setting('poverty_aid.as_of', true);
  as_of   date;
BEGIN
  IF setting IS NULL OR pg_catalog.btrim(setting) = '' THEN
    RETURN current_date;
  END IF;
  BEGIN
    as_of := setting::date;
  EXCEPTION WHEN data_exception THEN
    as_of := NULL;
  END;
  IF as_of IS NULL OR NOT pg_catalog.isfinite(as_of) THEN
    RAISE EXCEPTION 'invalid value for poverty_aid.as_of'
      USING ERRCODE = 'invalid_datetime_format',
            DETAIL = pg_catalog.format('The setting poverty_aid.as_of is %L, which is not a date.', setting),
            HINT = 'Set a date, e.g. SET poverty_aid.as_of = ''2020-03-31'', or RESET poverty_aid.as_of for today.';
  END IF;
  RETURN as_of;
END
$$;
COMMENT ON FUNCTION @extschema@.view_as_of() IS
  'The date the report views are as of: the setting poverty_aid.as_of (a date, e.g. SET poverty_aid.as_of = ''2020-03-31''; per connection with the libpq option -c poverty_aid.as_of=2020-03-31, per role with ALTER ROLE ... SET), today when it is unset or empty; any other value is an error (22007). See docs/bi.md';

CREATE FUNCTION @extschema@.county_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, county_code text, county_name text, prefecture_code text,
                 prefecture_name text, province_code text, province_name text,
                 zone @extschema@.policy_zone, designated boolean, deep_poverty boolean,
                 listed_on date, exited_on date, exited boolean,
                 villages_listed bigint, villages_exited bigint, village_exit_rate numeric,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence_villages bigint, units_listed bigint, units_paired bigint,
                 pairing_coverage numeric, high_incidence_villages_paired bigint,
                 high_incidence_village_coverage numeric,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 fiscal_funds_planned numeric, fiscal_funds_in_place numeric,
                 fiscal_fund_in_place_rate numeric, city_funds_allocated_jan_feb numeric,
                 fund_share_deep_poverty numeric, fund_share_industry numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT * FROM @extschema@.shard_county_indicators(county_indicators_as_of.as_of) WHERE @extschema@.shard_is_coordinator()
  UNION ALL
  (WITH v AS (
    SELECT * FROM @extschema@.register_values(county_indicators_as_of.as_of, 'county', NULL)
  ), p AS (
    SELECT v.region_code,
           max(v.denominator) FILTER (WHERE v.key = 'village_exit_rate') AS villages_listed,
           max(v.numerator) FILTER (WHERE v.key = 'village_exit_rate') AS villages_exited,
           max(v.value) FILTER (WHERE v.key = 'village_exit_rate') AS village_exit_rate,
           max(v.denominator) FILTER (WHERE v.key = 'household_exit_rate') AS households_registered,
           max(v.numerator) FILTER (WHERE v.key = 'household_exit_rate') AS households_exited,
           max(v.value) FILTER (WHERE v.key = 'household_exit_rate') AS household_exit_rate,
           max(v.value) FILTER (WHERE v.key = 'poor_population_baseline') AS baseline,
           max(v.value) FILTER (WHERE v.key = 'poor_population_current') AS poor,
           max(v.value) FILTER (WHERE v.key = 'poverty_reduction_rate') AS reduction,
           max(v.denominator) FILTER (WHERE v.key = 'poverty_incidence') AS population,
           max(v.value) FILTER (WHERE v.key = 'poverty_incidence') AS incidence,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_villages') AS high,
           max(v.denominator) FILTER (WHERE v.key = 'pairing_coverage') AS units_listed,
           max(v.numerator) FILTER (WHERE v.key = 'pairing_coverage') AS units_paired,
           max(v.value) FILTER (WHERE v.key = 'pairing_coverage') AS coverage,
           max(v.numerator) FILTER (WHERE v.key = 'high_incidence_village_coverage') AS high_paired,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_village_coverage') AS high_coverage,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place') AS planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place') AS in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place') AS in_place_rate,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_rate,
           max(v.value) FILTER (WHERE v.key = 'city_funds_allocated_jan_feb') AS jan_feb,
           max(v.value) FILTER (WHERE v.key = 'fund_share_deep_poverty') AS deep_share,
           max(v.value) FILTER (WHERE v.key = 'fund_share_industry') AS industry_share,
           max(v.value) FILTER (WHERE v.key = 'jobs_found') AS jobs,
           max(v.value) FILTER (WHERE v.key = 'consumption_sales') AS sales,
           max(v.value) FILTER (WHERE v.key = 'projects_started') AS projects
      FROM v GROUP BY v.region_code
  ), listing AS (
    -- an exit after the date is not shown: it was not known on the date
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on,
           CASE WHEN l.exited_on <= county_indicators_as_of.as_of THEN l.exited_on END AS exited_on, l.deep_poverty
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= county_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
     ORDER BY l.region_code, l.listed_on DESC
  )
  SELECT county_indicators_as_of.as_of, c.code, c.name, pf.code, pf.name, pv.code, pv.name, c.zone,
         l.region_code IS NOT NULL, coalesce(l.deep_poverty, false), l.listed_on, l.exited_on,
         coalesce(l.exited_on <= county_indicators_as_of.as_of, false),
         p.villages_listed::bigint, p.villages_exited::bigint, p.village_exit_rate,
         p.households_registered::bigint, p.households_exited::bigint, p.household_exit_rate,
         p.baseline::bigint, p.poor::bigint, p.reduction, p.population::bigint, p.incidence,
         p.high::bigint, p.units_listed::bigint, p.units_paired::bigint, p.coverage,
         p.high_paired::bigint, p.high_coverage,
         p.planned, p.in_place, p.in_place_rate, p.fiscal_planned, p.fiscal_in_place, p.fiscal_rate,
         p.jan_feb, p.deep_share, p.industry_share, p.jobs::bigint, p.sales, p.projects::bigint
    FROM p
    JOIN @extschema@.region c ON c.code = p.region_code
    LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(c.code, 'prefecture')
    LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(c.code, 'province')
    LEFT JOIN listing l ON l.region_code = c.code
   WHERE NOT @extschema@.shard_is_coordinator()
   ORDER BY c.code);
END;
COMMENT ON FUNCTION @extschema@.county_indicators_as_of(date) IS
  'The county_indicators view as of any date: one row per county of the register, its figures equal to indicator_report(county, date). E.g. SELECT * FROM poverty_aid.county_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.county_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.county_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.county_indicators IS
  'One row per county with its indicators as of view_as_of(): the date in the setting poverty_aid.as_of, else today (county_indicators_as_of(date) for a date in the query): codes and names of the county, prefecture and province, listing, exit rates, poor population, incidence, pairing coverage, funds, jobs, purchases, projects';

CREATE FUNCTION @extschema@.village_indicators_as_of(as_of date, root_code text)
  RETURNS TABLE (as_of date, village_code text, village_name text, township_code text,
                 township_name text, county_code text, county_name text, prefecture_name text,
                 province_name text, zone @extschema@.policy_zone, listed boolean,
                 listed_on date, exited_on date, exited boolean,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence boolean, meets_exit_threshold boolean,
                 paired boolean, paired_with_enterprise boolean, active_pairings bigint,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT * FROM @extschema@.shard_village_indicators(village_indicators_as_of.as_of) s
   WHERE @extschema@.shard_is_coordinator()
     AND (village_indicators_as_of.root_code IS NULL
          OR s.village_code BETWEEN @extschema@.region_code(village_indicators_as_of.root_code)
                                AND @extschema@.region_subtree_end(@extschema@.region_code(village_indicators_as_of.root_code)))
  UNION ALL
  (WITH s AS (
    -- the subtree asked for (register_values() has checked the code)
    SELECT coalesce(@extschema@.region_code(village_indicators_as_of.root_code), '000000000000') AS lo,
           coalesce(@extschema@.region_subtree_end(@extschema@.region_code(village_indicators_as_of.root_code)),
                    '999999999999') AS hi
  ), v AS (
    SELECT * FROM @extschema@.register_values(village_indicators_as_of.as_of, 'village', village_indicators_as_of.root_code)
  ), p AS (
    SELECT v.region_code,
           max(v.denominator) FILTER (WHERE v.key = 'household_exit_rate') AS households_registered,
           max(v.numerator) FILTER (WHERE v.key = 'household_exit_rate') AS households_exited,
           max(v.value) FILTER (WHERE v.key = 'household_exit_rate') AS household_exit_rate,
           max(v.value) FILTER (WHERE v.key = 'poor_population_baseline') AS baseline,
           max(v.value) FILTER (WHERE v.key = 'poor_population_current') AS poor,
           max(v.value) FILTER (WHERE v.key = 'poverty_reduction_rate') AS reduction,
           max(v.denominator) FILTER (WHERE v.key = 'poverty_incidence') AS population,
           max(v.value) FILTER (WHERE v.key = 'poverty_incidence') AS incidence,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_villages') AS high,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place') AS planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place') AS in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place') AS in_place_rate,
           max(v.value) FILTER (WHERE v.key = 'jobs_found') AS jobs,
           max(v.value) FILTER (WHERE v.key = 'consumption_sales') AS sales,
           max(v.value) FILTER (WHERE v.key = 'projects_started') AS projects
      FROM v GROUP BY v.region_code
  ), listing AS (
    -- an exit after the date is not shown: it was not known on the date
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on,
           CASE WHEN l.exited_on <= village_indicators_as_of.as_of THEN l.exited_on END AS exited_on
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= village_indicators_as_of.as_of
       AND l.region_code BETWEEN (SELECT s.lo FROM s) AND (SELECT s.hi FROM s)
       AND @extschema@.region_code_level(l.region_code) = 'village'
     ORDER BY l.region_code, l.listed_on DESC
  ), pr AS (
    SELECT pa.target_region_code AS code, count(*) AS pairings,
           bool_or(h.kind IN ('enterprise', 'social_organisation')) AS by_enterprise
      FROM @extschema@.pairing pa JOIN @extschema@.helper h ON h.id = pa.helper_id
     WHERE pa.valid_from <= village_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > village_indicators_as_of.as_of)
       AND pa.target_region_code BETWEEN (SELECT s.lo FROM s) AND (SELECT s.hi FROM s)
       AND @extschema@.region_code_level(pa.target_region_code) = 'village'
     GROUP BY 1
  )
  SELECT village_indicators_as_of.as_of, c.code, c.name, tw.code, tw.name, co.code, co.name,
         pf.name, pv.name, c.zone, l.region_code IS NOT NULL, l.listed_on, l.exited_on,
         coalesce(l.exited_on <= village_indicators_as_of.as_of, false),
         p.households_registered::bigint, p.households_exited::bigint, p.household_exit_rate,
         p.baseline::bigint, p.poor::bigint, p.reduction, p.population::bigint, p.incidence,
         p.high > 0,
         CASE WHEN p.population > 0
              THEN 100 * p.poor < @extschema@.exit_threshold_percent(c.zone) * p.population END,
         pr.code IS NOT NULL, coalesce(pr.by_enterprise, false), coalesce(pr.pairings, 0),
         p.planned, p.in_place, p.in_place_rate, p.jobs::bigint, p.sales, p.projects::bigint
    FROM p
    JOIN @extschema@.region c ON c.code = p.region_code
    LEFT JOIN listing l ON l.region_code = c.code
    LEFT JOIN pr ON pr.code = c.code
    LEFT JOIN @extschema@.region tw ON tw.code = @extschema@.region_ancestor_code(c.code, 'township')
    LEFT JOIN @extschema@.region co ON co.code = @extschema@.region_ancestor_code(c.code, 'county')
    LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(c.code, 'prefecture')
    LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(c.code, 'province')
   WHERE (l.region_code IS NOT NULL OR p.households_registered > 0) AND NOT @extschema@.shard_is_coordinator()
   ORDER BY c.code);
END;
COMMENT ON FUNCTION @extschema@.village_indicators_as_of(date, text) IS
  'village_indicators_as_of(date) for the villages of one region subtree (a county, prefecture or province code; NULL: all), computing only those: the fast way to the villages of one county. E.g. SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'', ''653226'')';

CREATE FUNCTION @extschema@.village_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, village_code text, village_name text, township_code text,
                 township_name text, county_code text, county_name text, prefecture_name text,
                 province_name text, zone @extschema@.policy_zone, listed boolean,
                 listed_on date, exited_on date, exited boolean,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence boolean, meets_exit_threshold boolean,
                 paired boolean, paired_with_enterprise boolean, active_pairings bigint,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT * FROM @extschema@.village_indicators_as_of(village_indicators_as_of.as_of, NULL::text);
END;
COMMENT ON FUNCTION @extschema@.village_indicators_as_of(date) IS
  'The village_indicators view as of any date: one row per listed poor village or village with registered households, its figures equal to indicator_report(village, date). A WHERE on its columns does not narrow the computation: for one county use village_indicators_as_of(date, county). E.g. SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'') WHERE high_incidence';

CREATE VIEW @extschema@.village_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.village_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.village_indicators IS
  'One row per listed poor village (or village with registered households) with its indicators as of view_as_of(): the date in the setting poverty_aid.as_of, else today (village_indicators_as_of(date) for a date in the query): names up to the province, listing, households, poor population, incidence against the exit threshold, pairings, funds, jobs, purchases, projects';

CREATE FUNCTION @extschema@.helper_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, helper_id bigint, helper_name text, kind @extschema@.helper_kind,
                 home_region_code text, home_region_name text, pairings_active bigint,
                 counties_paired bigint, villages_paired bigint, households_paired bigint,
                 targets_covered bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, jobs_found bigint, consumption_sales numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('helper_indicators_as_of');
  WITH pr AS (
    SELECT pa.helper_id, count(*) AS pairings,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'county') AS counties,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'village') AS villages,
           count(DISTINCT pa.target_household_id) AS households
      FROM @extschema@.pairing pa
     WHERE pa.valid_from <= helper_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > helper_indicators_as_of.as_of)
     GROUP BY 1
  ), fd AS (
    SELECT f.helper_id,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), f.planned) AS in_place
      FROM @extschema@.fund f
      LEFT JOIN (SELECT t.fund_id, sum(t.amount) AS in_place FROM @extschema@.fund_transfer t
                  WHERE t.in_place_on <= helper_indicators_as_of.as_of GROUP BY 1) t ON t.fund_id = f.id
     WHERE f.helper_id IS NOT NULL
       AND f.year <= extract(year FROM helper_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= helper_indicators_as_of.as_of)
     GROUP BY 1
  ), jobs AS (
    SELECT e.helper_id, count(*) AS jobs
      FROM @extschema@.employment e
     WHERE e.helper_id IS NOT NULL
       AND e.employed_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  ), sales AS (
    SELECT s.helper_id, sum(s.amount) AS amount
      FROM @extschema@.consumption_sale s
     WHERE s.helper_id IS NOT NULL
       AND s.sold_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  )
  SELECT helper_indicators_as_of.as_of, h.id, h.name, h.kind, h.home_region_code, r.name,
         coalesce(pr.pairings, 0), coalesce(pr.counties, 0), coalesce(pr.villages, 0),
         coalesce(pr.households, 0),
         coalesce(pr.counties + pr.villages + pr.households, 0),
         coalesce(@extschema@.ratio_denominator(fd.in_place), 0),
         coalesce(@extschema@.ratio_numerator(fd.in_place), 0),
         @extschema@.ratio_percent(fd.in_place, 1),
         coalesce(jobs.jobs, 0), coalesce(sales.amount, 0)
    FROM @extschema@.helper h
    LEFT JOIN @extschema@.region r ON r.code = h.home_region_code
    LEFT JOIN pr ON pr.helper_id = h.id
    LEFT JOIN fd ON fd.helper_id = h.id
    LEFT JOIN jobs ON jobs.helper_id = h.id
    LEFT JOIN sales ON sales.helper_id = h.id
   ORDER BY h.id;
END;
COMMENT ON FUNCTION @extschema@.helper_indicators_as_of(date) IS
  'The helper_indicators view as of any date: one row per helper with its pairings active on the date, the counties, villages and households they cover, its fund plans (years up to the date''s, allocated by it) and money in place, the jobs it arranged and the purchases it made this year. E.g. SELECT * FROM poverty_aid.helper_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.helper_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.helper_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.helper_indicators IS
  'One row per helper (district, enterprise, social organisation, …) with its pairings, targets covered, funds planned and in place, jobs arranged and purchases as of view_as_of(): the date in the setting poverty_aid.as_of, else today (helper_indicators_as_of(date) for a date in the query)';

CREATE FUNCTION @extschema@.fund_source_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, source @extschema@.fund_source, fiscal boolean, fund_plans bigint,
                 recipients bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, funds_planned_this_year numeric,
                 funds_in_place_this_year numeric, fund_in_place_rate_this_year numeric,
                 funds_planned_deep_poverty numeric, deep_poverty_share numeric,
                 funds_planned_industry numeric, industry_share numeric,
                 funds_allocated_jan_feb numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('fund_source_indicators_as_of');
  WITH deep AS (
    SELECT DISTINCT l.region_code
      FROM @extschema@.poverty_listing l
     WHERE l.deep_poverty AND l.listed_on <= fund_source_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
  ), fd AS (
    SELECT f.id, f.source, f.recipient_region_code, f.planned, f.year, f.purpose, f.allocated_on,
           @extschema@.region_county_code(f.recipient_region_code) IN (SELECT d.region_code FROM deep d) AS deep
      FROM @extschema@.fund f
     WHERE f.year <= extract(year FROM fund_source_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= fund_source_indicators_as_of.as_of)
  ), t AS (
    SELECT t.fund_id, sum(t.amount) AS in_place
      FROM @extschema@.fund_transfer t
     WHERE t.in_place_on <= fund_source_indicators_as_of.as_of
     GROUP BY 1
  ), s AS (
    SELECT fd.source, count(*) AS plans, count(DISTINCT fd.recipient_region_code) AS recipients,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned) AS in_place,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned)
             FILTER (WHERE fd.year = extract(year FROM fund_source_indicators_as_of.as_of)) AS in_place_year,
           @extschema@.ratio_agg(CASE WHEN fd.deep THEN fd.planned ELSE 0 END, fd.planned) AS deep_share,
           @extschema@.ratio_agg(CASE WHEN fd.purpose = 'industry' THEN fd.planned ELSE 0 END, fd.planned) AS industry_share,
           coalesce(sum(fd.planned) FILTER (WHERE fd.allocated_on BETWEEN date_trunc('year', fund_source_indicators_as_of.as_of)::date
                                                AND least(fund_source_indicators_as_of.as_of,
                                                          (date_trunc('year', fund_source_indicators_as_of.as_of) + interval '2 months')::date - 1)), 0) AS jan_feb
      FROM fd LEFT JOIN t ON t.fund_id = fd.id
     GROUP BY 1
  )
  SELECT fund_source_indicators_as_of.as_of, src.source, src.source IN ('city_fiscal', 'district_fiscal'),
         coalesce(s.plans, 0), coalesce(s.recipients, 0),
         coalesce(@extschema@.ratio_denominator(s.in_place), 0), coalesce(@extschema@.ratio_numerator(s.in_place), 0),
         @extschema@.ratio_percent(s.in_place, 1),
         coalesce(@extschema@.ratio_denominator(s.in_place_year), 0), coalesce(@extschema@.ratio_numerator(s.in_place_year), 0),
         @extschema@.ratio_percent(s.in_place_year, 1),
         coalesce(@extschema@.ratio_numerator(s.deep_share), 0), @extschema@.ratio_percent(s.deep_share, 1),
         coalesce(@extschema@.ratio_numerator(s.industry_share), 0), @extschema@.ratio_percent(s.industry_share, 1),
         coalesce(s.jan_feb, 0)
    FROM unnest(enum_range(NULL::@extschema@.fund_source)) AS src (source)
    LEFT JOIN s ON s.source = src.source
   ORDER BY src.source;
END;
COMMENT ON FUNCTION @extschema@.fund_source_indicators_as_of(date) IS
  'The fund_source_indicators view as of any date: one row per fund source with its plans (years up to the date''s, allocated by it), money in place by the date, the same for this year''s plans, the shares planned for the deeply poor counties and for industry, and the plans allocated in January and February. E.g. SELECT * FROM poverty_aid.fund_source_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.fund_source_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.fund_source_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.fund_source_indicators IS
  'One row per fund source (municipal and district fiscal funds, enterprise and social donations, other) with funds planned and in place as of view_as_of(): the date in the setting poverty_aid.as_of, else today (fund_source_indicators_as_of(date) for a date in the query)';

-- Column comments of the views: one text per column name, shared by the
-- views that have the column.
DO $comments$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT a.attrelid::regclass AS view_name, a.attname, d.comment
      FROM pg_catalog.pg_attribute a
      JOIN (VALUES
        ('as_of', 'Date the figures are as of'),
        ('county_code', '12-digit code of the county'), ('county_name', 'Name of the county'),
        ('prefecture_code', '12-digit code of the prefecture'), ('prefecture_name', 'Name of the prefecture'),
        ('province_code', '12-digit code of the province'), ('province_name', 'Name of the province'),
        ('village_code', '12-digit code of the village'), ('village_name', 'Name of the village'),
        ('township_code', '12-digit code of the township'), ('township_name', 'Name of the township'),
        ('zone', 'Policy zone (east, central, west); sets the exit threshold'),
        ('designated', 'Whether the county is listed as a poverty county on or before the date'),
        ('listed', 'Whether the village is listed as a poor village on or before the date'),
        ('deep_poverty', 'Whether the county is listed as deeply poor'),
        ('listed_on', 'Day of the latest listing on or before the date'),
        ('exited_on', 'Day that listing exited, if on or before the date; NULL while listed on the date'),
        ('exited', 'Whether the unit exited on or before the date'),
        ('villages_listed', 'Poor villages listed on or before the date (village exit rate denominator)'),
        ('villages_exited', 'Of them, exited on or before the date (numerator)'),
        ('village_exit_rate', 'villages_exited / villages_listed, percent'),
        ('households_registered', 'Household periods registered on or before the date (household exit rate denominator)'),
        ('households_exited', 'Of them, exited on or before the date (numerator)'),
        ('household_exit_rate', 'households_exited / households_registered, percent'),
        ('poor_population_baseline', 'Members of each household''s first period registered on or before the date'),
        ('poor_population_current', 'Members of the household periods open on the date'),
        ('poverty_reduction_rate', '(baseline - current) / baseline, percent'),
        ('rural_population', 'Rural registered population (latest year on or before the date; a county without its own figure: the sum of its villages'')'),
        ('poverty_incidence', 'poor_population_current / rural_population, percent'),
        ('high_incidence_villages', 'Poor villages not exited with an incidence above 10%'),
        ('high_incidence', 'Whether the village is a poor village not exited with an incidence above 10%'),
        ('meets_exit_threshold', 'Whether the incidence is below the exit threshold (2%, 3% in the west); NULL without a population'),
        ('units_listed', 'Listed poor counties and villages (pairing coverage denominator)'),
        ('units_paired', 'Of them, with a pairing active on the date (numerator)'),
        ('pairing_coverage', 'units_paired / units_listed, percent'),
        ('high_incidence_villages_paired', 'Villages above 10% paired with an enterprise or social organisation'),
        ('high_incidence_village_coverage', 'high_incidence_villages_paired / high_incidence_villages, percent'),
        ('paired', 'Whether the village has a pairing active on the date'),
        ('paired_with_enterprise', 'Whether one of its active pairings is with an enterprise or social organisation'),
        ('active_pairings', 'Pairings with the village active on the date'),
        ('funds_planned', 'Fund plans of years up to the date''s, allocated by the date, yuan (fund-in-place denominator)'),
        ('funds_in_place', 'Money of those plans in place by the date, yuan (numerator)'),
        ('fund_in_place_rate', 'funds_in_place / funds_planned, percent (may exceed 100)'),
        ('fiscal_funds_planned', 'funds_planned of the municipal and district fiscal funds'),
        ('fiscal_funds_in_place', 'funds_in_place of the municipal and district fiscal funds'),
        ('fiscal_fund_in_place_rate', 'fiscal_funds_in_place / fiscal_funds_planned, percent'),
        ('city_funds_allocated_jan_feb', 'Municipal fiscal funds allocated between 1 January and the end of February of the date''s year, yuan'),
        ('fund_share_deep_poverty', 'Share of the fiscal funds planned for deeply poor counties, percent'),
        ('fund_share_industry', 'Share of the fiscal funds planned for industry, percent'),
        ('jobs_found', 'Jobs found from 1 January of the date''s year to the date'),
        ('consumption_sales', 'Purchases from 1 January of the date''s year to the date, yuan'),
        ('projects_started', 'Projects started from 1 January of the date''s year to the date'),
        ('helper_id', 'Id of the helper'), ('helper_name', 'Name of the helper'),
        ('kind', 'Kind of helper'), ('home_region_code', 'Code of the region the helper is based in'),
        ('home_region_name', 'Name of that region'),
        ('pairings_active', 'Pairings of the helper active on the date'),
        ('counties_paired', 'Distinct counties among them'), ('villages_paired', 'Distinct villages among them'),
        ('households_paired', 'Distinct households among them'),
        ('targets_covered', 'counties_paired + villages_paired + households_paired'),
        ('source', 'Fund source'), ('fiscal', 'Whether the source is fiscal (municipal or district)'),
        ('fund_plans', 'Fund plans counted (years up to the date''s, allocated by the date)'),
        ('recipients', 'Distinct recipient regions of those plans'),
        ('funds_planned_this_year', 'funds_planned of the plans for the date''s year'),
        ('funds_in_place_this_year', 'funds_in_place of the plans for the date''s year'),
        ('fund_in_place_rate_this_year', 'funds_in_place_this_year / funds_planned_this_year, percent'),
        ('funds_planned_deep_poverty', 'funds_planned for recipients in deeply poor counties'),
        ('deep_poverty_share', 'funds_planned_deep_poverty / funds_planned, percent'),
        ('funds_planned_industry', 'funds_planned for industry'),
        ('industry_share', 'funds_planned_industry / funds_planned, percent'),
        ('funds_allocated_jan_feb', 'Plans allocated between 1 January and the end of February of the date''s year, yuan')
      ) AS d (column_name, comment) ON d.column_name = a.attname
     WHERE a.attrelid IN ('@extschema@.county_indicators'::regclass, '@extschema@.village_indicators'::regclass,
                          '@extschema@.helper_indicators'::regclass, '@extschema@.fund_source_indicators'::regclass)
       AND a.attnum > 0
  LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.view_name, c.attname, c.comment);
  END LOOP;
END
$comments$;

-- Snapshots -----------------------------------------------------------------
--
-- take_snapshot() writes every indicator for the whole register and for
-- every province, prefecture and county that has data, in the caller's
-- transaction, and logs the run in job_run.
--
-- It computes first and writes last.  The indicators (seconds of work on a
-- large register) are collected in an array before the procedure writes a
-- row, so the transaction has no transaction id while it computes: a
-- long-running writer would hold back every other session's snapshot xmin
-- and, with it, the clean-up of SERIALIZABLE transactions' predicate locks
-- (clerks writing at SERIALIZABLE while the job ran used to fail with "out of
-- shared memory", max_pred_locks_per_transaction).  The writes — the job_run
-- row, the DELETE of the date's old rows and the INSERT — take milliseconds.
-- job_run.started_at is still the time the run began.
--
-- A failed run is still logged: the work runs in a block with an exception
-- handler (a subtransaction); when it fails, the block's changes are undone
-- (the snapshot rows of that date stay as they were), a job_run row with
-- status failed, the SQLSTATE and the message is written after the block,
-- and the procedure ends with a WARNING instead of an error, so that the log
-- row commits with the caller's transaction.  A job scheduler therefore sees
-- success: monitor job_run.status.  (The procedure cannot COMMIT by itself: a
-- procedure with SET search_path, which every PL/pgSQL routine of the
-- extension has, may not run transaction control statements.)  Concurrent
-- runs are serialised by a transaction-level advisory lock taken before the
-- writes, so two runs for the same date never collide.

CREATE PROCEDURE @extschema@.take_snapshot(as_of date DEFAULT current_date)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  started  timestamptz := pg_catalog.clock_timestamp();
  computed @extschema@.indicator_snapshot[];
  run      bigint;
  written  bigint;
  state    text;
  message  text;
BEGIN
  BEGIN
    IF take_snapshot.as_of IS NULL THEN
      RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- 1. compute (reads only)
    SELECT pg_catalog.array_agg(ROW(take_snapshot.as_of, v.region_code, v.key, v.label, v.numerator,
                                    v.denominator, v.value, v.unit, NULL, NULL)::@extschema@.indicator_snapshot
                                ORDER BY v.region_code NULLS FIRST, v.ord)
      INTO computed
      FROM (SELECT v.*,
                   bool_or(coalesce(v.numerator, 0) <> 0 OR coalesce(v.denominator, 0) <> 0)
                     OVER (PARTITION BY v.region_code) AS has_data
              FROM (SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, NULL, NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'province', NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'prefecture', NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'county', NULL)) v) v
     WHERE v.region_code IS NULL OR v.has_data;
    -- 2. write
    PERFORM pg_catalog.pg_advisory_xact_lock('@extschema@.indicator_snapshot'::regclass::oid::bigint);
    INSERT INTO @extschema@.job_run (job, as_of, started_at) VALUES ('take_snapshot', take_snapshot.as_of, started)
    RETURNING id INTO run;
    DELETE FROM @extschema@.indicator_snapshot s WHERE s.as_of = take_snapshot.as_of;
    INSERT INTO @extschema@.indicator_snapshot
           (as_of, region_code, indicator, label, numerator, denominator, value, unit, run_id)
    SELECT c.as_of, c.region_code, c.indicator, c.label, c.numerator, c.denominator, c.value, c.unit, run
      FROM pg_catalog.unnest(computed) WITH ORDINALITY AS c
     ORDER BY c.ordinality;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE @extschema@.job_run j
       SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), rows_written = written
     WHERE j.id = run;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    INSERT INTO @extschema@.job_run (job, as_of, started_at, finished_at, status, rows_written, error)
    VALUES ('take_snapshot', take_snapshot.as_of, started, pg_catalog.clock_timestamp(), 'failed', 0,
            state || ': ' || message)
    RETURNING id INTO run;
    RAISE WARNING 'snapshot as of % failed: %', take_snapshot.as_of, message
      USING DETAIL = pg_catalog.format('SQLSTATE %s; the snapshot rows of that date are unchanged.', state),
            HINT = pg_catalog.format('The failure is logged in poverty_aid.job_run, id %s.', run);
  END;
END
$$;
COMMENT ON PROCEDURE @extschema@.take_snapshot(date) IS
  'Stores every indicator of indicator_report() as of a date (default today) for the whole register (region_code NULL) and for every province, prefecture and county with data in indicator_snapshot, replacing the rows of that date (idempotent), and logs the run in job_run (start, end, rows, status, error). A failed run is logged as failed, leaves the snapshot unchanged and ends with a WARNING, not an error. Schedule monthly with pg_cron: SELECT cron.schedule_in_database(''poverty-aid-monthly'', ''0 2 1 * *'', ''CALL poverty_aid.take_snapshot()'', ''yourdb'')';

CREATE VIEW @extschema@.indicator_trend WITH (security_invoker = true) AS
SELECT s.region_code,
       r.name AS region_name,
       r.level AS region_level,
       s.indicator,
       s.label,
       s.unit,
       s.as_of,
       s.numerator,
       s.denominator,
       s.value,
       lag(s.as_of) OVER w AS previous_as_of,
       lag(s.value) OVER w AS previous_value,
       s.value - lag(s.value) OVER w AS change,
       row_number() OVER w AS point,
       s.run_id,
       s.taken_at
  FROM @extschema@.indicator_snapshot s
  LEFT JOIN @extschema@.region r ON r.code = s.region_code
WINDOW w AS (PARTITION BY s.region_code, s.indicator ORDER BY s.as_of)
 ORDER BY s.region_code NULLS FIRST, s.indicator, s.as_of;
COMMENT ON VIEW @extschema@.indicator_trend IS
  'Each indicator''s series per region over the snapshots, ordered by as_of, with the previous snapshot''s value and the change; region_code NULL is the whole register. E.g. SELECT as_of, value, change FROM poverty_aid.indicator_trend WHERE region_code IS NULL AND indicator = ''village_exit_rate''';
COMMENT ON COLUMN @extschema@.indicator_trend.region_code IS 'Region of the series; NULL for the whole register';
COMMENT ON COLUMN @extschema@.indicator_trend.region_name IS 'Name of the region (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.indicator_trend.region_level IS 'Level of the region (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.indicator_trend.indicator IS 'Indicator key, as in indicator_report()';
COMMENT ON COLUMN @extschema@.indicator_trend.label IS 'Indicator label';
COMMENT ON COLUMN @extschema@.indicator_trend.unit IS 'Unit of value: % for ratios, else the unit of the count or amount (people, households, villages, yuan, projects, year) or index (indicator_definitions())';
COMMENT ON COLUMN @extschema@.indicator_trend.as_of IS 'Date of the snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.numerator IS 'Numerator of a ratio, or the count or amount';
COMMENT ON COLUMN @extschema@.indicator_trend.denominator IS 'Denominator of a ratio (NULL for counts and amounts)';
COMMENT ON COLUMN @extschema@.indicator_trend.value IS 'Percent (one digit) for ratios, else the count, amount or index';
COMMENT ON COLUMN @extschema@.indicator_trend.previous_as_of IS 'Date of the previous snapshot of the series (NULL for the first)';
COMMENT ON COLUMN @extschema@.indicator_trend.previous_value IS 'Value at the previous snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.change IS 'value - previous_value (percentage points for ratios)';
COMMENT ON COLUMN @extschema@.indicator_trend.point IS 'Position of the snapshot in its series, from 1';
COMMENT ON COLUMN @extschema@.indicator_trend.run_id IS 'job_run id of the run that wrote the snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.taken_at IS 'When the snapshot was written';
