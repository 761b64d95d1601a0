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
--                               incidence is above 10% (10 * poor > population)
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

CREATE FUNCTION @extschema@.indicator_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
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
  y           integer := extract(year FROM as_of)::integer;
  year_start  date := make_date(y, 1, 1);
  feb_end     date := make_date(y, 3, 1) - 1;
  unit_level  @extschema@.region_level;
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF scope IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.region r WHERE r.code = scope) THEN
    RAISE EXCEPTION 'region % is not in poverty_aid.region', scope
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the code of a region of the register (6, 9 or 12 digits) that you may read, or NULL for the whole register.';
  END IF;
  IF by_level IS NOT NULL AND scope IS NOT NULL AND by_level < scope_level THEN
    RAISE EXCEPTION 'cannot group a % by %', scope_level, by_level USING ERRCODE = 'invalid_parameter_value';
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
  ), hh AS (
    SELECT h.village_code, h.members, h.registered_on, h.exited_on,
           row_number() OVER (PARTITION BY h.household_no ORDER BY h.registered_on) AS period_no
      FROM @extschema@.household h
     WHERE h.village_code BETWEEN lo AND hi AND h.registered_on <= as_of
  ), vil AS MATERIALIZED (
    SELECT hh.village_code,
           @extschema@.exit_rate(hh.registered_on, hh.exited_on, as_of) AS hh_exit,
           coalesce(sum(hh.members) FILTER (WHERE hh.period_no = 1), 0)::bigint AS baseline,
           coalesce(sum(hh.members) FILTER (WHERE hh.exited_on IS NULL OR hh.exited_on > as_of), 0)::bigint AS poor
      FROM hh GROUP BY 1
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
    SELECT @extschema@.report_group(u.code, by_level, scope) AS g,
           @extschema@.poverty_incidence(coalesce(p.poor, 0), u.population) AS incidence
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
       AND p.rural_population > 0 AND 10 * coalesce(v.poor, 0) > p.rural_population
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
    SELECT @extschema@.report_group(h.village_code, by_level, scope) AS g, count(*) AS jobs
      FROM @extschema@.employment e JOIN @extschema@.household h ON h.id = e.household_id
     WHERE e.employed_on BETWEEN year_start AND as_of AND h.village_code BETWEEN lo AND hi
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
COMMENT ON FUNCTION @extschema@.indicator_values(date, @extschema@.region_level, text) IS
  'Every indicator of indicator_report() as of a date for a region subtree (NULL: the whole register), for the subtree as a whole (by_level NULL) or for each of its regions at by_level; one pass over each table. The engine of indicator_report(), the BI views and take_snapshot()';

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
  'One row per indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date: stable key, label, scope, numerator, denominator, value (percent with one digit for ratios, else the count or amount), unit and the exact ratio. E.g. SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''). Definitions: README, section Reports';

-- Exit check ----------------------------------------------------------------

CREATE FUNCTION @extschema@.exit_check(as_of date DEFAULT current_date, include_exited boolean DEFAULT false)
  RETURNS TABLE (region_code text, name text, level @extschema@.region_level, county_code text,
                 county_name text, zone @extschema@.policy_zone, listed_on date, exited_on date,
                 exited boolean, deep_poverty boolean, poor_current bigint, rural_population bigint,
                 incidence @extschema@.ratio, incidence_percent numeric, threshold_percent numeric,
                 meets_threshold boolean)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH units AS (
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on, l.exited_on, l.deep_poverty
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
           CASE r.zone WHEN 'west' THEN 3 ELSE 2 END::numeric AS threshold
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
