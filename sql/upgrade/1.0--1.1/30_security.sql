-- poverty_aid 1.0 -> 1.1: security and reports (issue 10, items 1, 3, 5, 7).
--
-- Mirrors the changes of sql/ext/20_tables.sql, 40_reports.sql and
-- 50_security.sql: each function below is the text of its sql/ext/
-- definition, replaced in place.

-- Audit: a session's row_security no longer silences the audit trigger;
-- only a superuser with row_security = off (pg_restore replaying a dump) is
-- not recorded.
CREATE OR REPLACE FUNCTION @extschema@.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  acting_role name := CASE pg_catalog.current_setting('role')
                        WHEN 'none' THEN session_user
                        ELSE pg_catalog.current_setting('role')::name END;
  changed jsonb;
BEGIN
  -- pg_restore and psql replaying a dump run as a superuser with
  -- row_security = off: the restored audit_log already holds these changes.
  -- That is the only case left unaudited.  A superuser can disable triggers
  -- anyway (session_replication_role); anyone else is audited whatever the
  -- session sets: row_security can be switched off in the middle of a
  -- statement (set_config() in its WHERE clause) after the policies were
  -- applied, and inside the SECURITY DEFINER access functions the tables are
  -- changed by their owner, for whom row_security = off is no error.
  IF pg_catalog.current_setting('row_security') = 'off'
     AND coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = acting_role), false) THEN
    RETURN NULL;
  END IF;
  -- INSERT and DELETE: one set-based insert per statement from its
  -- transition table (a bulk load of a million rows is one statement, not a
  -- million trigger calls).  UPDATE stays a row trigger, which pairs each
  -- old row with its new one without relying on a key.
  IF TG_LEVEL = 'STATEMENT' THEN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, new_row)
      SELECT acting_role, TG_TABLE_NAME, TG_OP, (r.row ->> 'id')::bigint, r.row
        FROM (SELECT pg_catalog.to_jsonb(t) AS row FROM new_rows t) r;
    ELSIF TG_OP = 'DELETE' THEN
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, old_row)
      SELECT acting_role, TG_TABLE_NAME, TG_OP, (r.row ->> 'id')::bigint, r.row
        FROM (SELECT pg_catalog.to_jsonb(t) AS row FROM old_rows t) r;
    ELSE
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation)
      VALUES (acting_role, TG_TABLE_NAME, TG_OP);
    END IF;
    RETURN NULL;
  END IF;
  -- the row trigger fires for UPDATE only
  changed := pg_catalog.to_jsonb(NEW);
  INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, old_row, new_row)
  VALUES (acting_role, TG_TABLE_NAME, TG_OP, (changed ->> 'id')::bigint, pg_catalog.to_jsonb(OLD), changed);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.audit_row_change() IS
  'Trigger: records changed rows in audit_log with the acting role, the login, the time and the old and new rows: inserted and deleted rows per statement from its transition table, updated rows per row, and a TRUNCATE as one record; whatever the session sets, except a superuser with row_security = off (pg_restore replaying a dump)';


-- As-of results show nothing recorded after their date: an exit after the
-- date is not shown by exit_check() and the county and village views.
CREATE OR REPLACE FUNCTION @extschema@.exit_check(as_of date DEFAULT current_date, include_exited boolean DEFAULT false)
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

-- register_values(): the register indicators, the query indicator_values()
-- ran itself in 1.0; the county and village views below read it.
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

CREATE OR REPLACE FUNCTION @extschema@.county_indicators_as_of(as_of date)
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

CREATE OR REPLACE FUNCTION @extschema@.village_indicators_as_of(as_of date)
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

COMMENT ON COLUMN @extschema@.county_indicators.exited_on IS 'Day that listing exited, if on or before the date; NULL while listed on the date';
COMMENT ON COLUMN @extschema@.village_indicators.exited_on IS 'Day that listing exited, if on or before the date; NULL while listed on the date';

-- One region's bad data does not take down the other regions' reports: a
-- rural population below the region's registered poor population is refused
-- where it is written; the reports leave a unit with more poor people than
-- population out of the incidence (with a WARNING naming it), and
-- data_problems() lists such units.  Existing rows are not rewritten: any
-- such unit a 1.0 register holds is listed by data_problems().
CREATE OR REPLACE FUNCTION @extschema@.region_population_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  bad record;
BEGIN
  IF pg_catalog.current_setting('row_security') = 'off'
     AND coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
    RETURN NULL;
  END IF;
  WITH span AS (
    SELECT n.region_code, n.year, n.rural_population, pg_catalog.make_date(n.year, 1, 1) AS span_start,
           coalesce((SELECT pg_catalog.make_date(min(p.year), 1, 1) FROM @extschema@.region_population p
                      WHERE p.region_code = n.region_code AND p.year > n.year), 'infinity') AS span_end
      FROM new_rows n
  ), open_period AS (
    SELECT s.region_code, s.year, s.span_start, s.span_end, h.members, h.registered_on, h.exited_on
      FROM span s
      JOIN @extschema@.household h
        ON h.village_code BETWEEN s.region_code AND @extschema@.region_subtree_end(s.region_code)
     WHERE h.registered_on < s.span_end AND (h.exited_on IS NULL OR h.exited_on > s.span_start)
  ), change AS (
    SELECT o.region_code, o.year, greatest(o.registered_on, o.span_start) AS day, o.members AS people
      FROM open_period o
    UNION ALL
    SELECT o.region_code, o.year, o.exited_on, -o.members
      FROM open_period o WHERE o.exited_on < o.span_end
  ), poor AS (
    SELECT c.region_code, c.year, c.day,
           sum(sum(c.people)) OVER (PARTITION BY c.region_code, c.year ORDER BY c.day) AS poor
      FROM change c GROUP BY 1, 2, 3
  )
  SELECT s.region_code, s.year, s.rural_population, p.day, p.poor INTO bad
    FROM span s JOIN poor p ON p.region_code = s.region_code AND p.year = s.year
   WHERE p.poor > s.rural_population
   ORDER BY s.region_code, s.year, p.poor DESC, p.day
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'rural population of region % is below its registered poor population', bad.region_code
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Region %s would have a rural population of %s from %s on, but %s registered poor people on %s.',
                                       bad.region_code, bad.rural_population, bad.year, bad.poor,
                                       pg_catalog.to_char(bad.day, 'YYYY-MM-DD')),
            HINT = 'Correct the population, or the households first.';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.region_population_check() IS
  'Trigger: refuses a rural population below the peak registered poor population of the region on any day the row applies to (from 1 January of its year to the region''s next row), naming the region and both figures';

CREATE TRIGGER region_population_check_insert AFTER INSERT ON @extschema@.region_population
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.region_population_check();
CREATE TRIGGER region_population_check_update AFTER UPDATE ON @extschema@.region_population
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.region_population_check();

CREATE OR REPLACE FUNCTION @extschema@.report_data_problem(code text, poor bigint, population bigint, as_of date)
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

CREATE OR REPLACE FUNCTION @extschema@.indicator_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION @extschema@.data_problems(as_of date DEFAULT current_date)
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


-- Values one region could use to break every report are refused where they
-- are written: a population that would overflow the sums, a target that is
-- no valid ratio denominator.  The existing rows are validated.
ALTER TABLE @extschema@.region_population
  ADD CONSTRAINT region_population_plausible CHECK (rural_population < 10000000000);
ALTER TABLE @extschema@.target
  ADD CONSTRAINT target_value_fits_ratio CHECK (target_value = round(target_value, 4) AND target_value < 1e30);

-- Oracles: a duplicate resident ID is refused (and logged) before the unique
-- key is consulted, for roles that cannot read resident IDs; a job's person
-- and a project's fund plan must be rows the writer can read.
CREATE OR REPLACE FUNCTION @extschema@.person_resident_id_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  acting_role name := CASE pg_catalog.current_setting('role')
                        WHEN 'none' THEN session_user
                        ELSE pg_catalog.current_setting('role')::name END;
BEGIN
  IF NEW.resident_id IS NULL
     OR (TG_OP = 'UPDATE' AND NEW.resident_id = OLD.resident_id AND NEW.household_id = OLD.household_id)
     OR pg_catalog.has_column_privilege(acting_role, '@extschema@.person', 'resident_id', 'SELECT') THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM @extschema@.person p
              WHERE p.household_id = NEW.household_id AND p.resident_id = NEW.resident_id AND p.id <> NEW.id) THEN
    RAISE LOG 'poverty_aid: refused a resident ID already registered in household % (login %, role %)',
      NEW.household_id, session_user, acting_role;
    RAISE EXCEPTION 'resident ID already registered in household %', NEW.household_id
      USING ERRCODE = 'unique_violation',
            DETAIL = 'A person of the household has that resident ID. The refusal is logged.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.person_resident_id_guard() IS
  'Trigger: for a role that cannot read resident IDs, refuses a resident ID already registered in the household with an error (so INSERT ... ON CONFLICT DO NOTHING cannot probe IDs silently) and logs each refusal in the server log';

CREATE TRIGGER person_resident_id_guard BEFORE INSERT OR UPDATE OF resident_id, household_id ON @extschema@.person
  FOR EACH ROW EXECUTE FUNCTION @extschema@.person_resident_id_guard();
REVOKE EXECUTE ON FUNCTION @extschema@.person_resident_id_guard() FROM PUBLIC;
-- Admins hold EXECUTE on every routine PUBLIC may not run (grant_profile).
DO $grant$
DECLARE
  r regrole;
BEGIN
  FOR r IN SELECT p.role FROM @extschema@.role_profile p WHERE p.profile = 'admin' LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION @extschema@.person_resident_id_guard() TO %s', r);
  END LOOP;
END
$grant$;

-- The write policies of project and employment, as sql/ext/50_security.sql
-- creates them (and their comments, which name what binds a row).
DO $policies$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('project', '@extschema@.region_in_scope(region_code, %1$s)',
       '@extschema@.region_in_scope(region_code, %1$s)'
         ' AND (project.fund_id IS NULL OR EXISTS (SELECT 1 FROM @extschema@.fund f WHERE f.id = project.fund_id))',
       'region_code; its fund plan must be one the writer can read'),
      ('employment',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = employment.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))'
         ' AND (employment.person_id IS NULL OR EXISTS (SELECT 1 FROM @extschema@.person p WHERE p.id = employment.person_id))',
       'the household; its person must be one the writer can read')
    ) AS v(tab, read_cond, write_cond, bound_by)
  LOOP
    EXECUTE format('DROP POLICY %I ON @extschema@.%I', t.tab || '_insert', t.tab);
    EXECUTE format('DROP POLICY %I ON @extschema@.%I', t.tab || '_update', t.tab);
    EXECUTE format('DROP POLICY %I ON @extschema@.%I', t.tab || '_delete', t.tab);
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR INSERT WITH CHECK (%s)',
                   t.tab || '_insert', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR UPDATE USING (%s) WITH CHECK (%s)',
                   t.tab || '_update', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope),
                   format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR DELETE USING (%s)',
                   t.tab || '_delete', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_read', t.tab,
                   'Rows readable inside the role''s read scope (region_read_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_insert', t.tab,
                   'New rows must lie inside the role''s write scope (region_write_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_update', t.tab,
                   'Updated rows must lie inside the write scope before and after the change; bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_delete', t.tab,
                   'Deleted rows must lie inside the write scope; bound by ' || t.bound_by);
  END LOOP;
END
$policies$;
