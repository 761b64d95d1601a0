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
  WITH v AS (
    SELECT * FROM @extschema@.indicator_values(county_indicators_as_of.as_of, 'county', NULL)
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
   ORDER BY c.code;
END;
COMMENT ON FUNCTION @extschema@.county_indicators_as_of(date) IS
  'The county_indicators view as of any date: one row per county of the register, its figures equal to indicator_report(county, date). E.g. SELECT * FROM poverty_aid.county_indicators_as_of(''2020-03-31'')';

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
  WITH v AS (
    SELECT * FROM @extschema@.indicator_values(village_indicators_as_of.as_of, 'village', NULL)
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
       AND @extschema@.region_code_level(l.region_code) = 'village'
     ORDER BY l.region_code, l.listed_on DESC
  ), pr AS (
    SELECT pa.target_region_code AS code, count(*) AS pairings,
           bool_or(h.kind IN ('enterprise', 'social_organisation')) AS by_enterprise
      FROM @extschema@.pairing pa JOIN @extschema@.helper h ON h.id = pa.helper_id
     WHERE pa.valid_from <= village_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > village_indicators_as_of.as_of)
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
              THEN 100 * p.poor < CASE c.zone WHEN 'west' THEN 3 ELSE 2 END * p.population END,
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
   WHERE l.region_code IS NOT NULL OR p.households_registered > 0
   ORDER BY c.code;
END;
COMMENT ON FUNCTION @extschema@.village_indicators_as_of(date) IS
  'The village_indicators view as of any date: one row per listed poor village or village with registered households, its figures equal to indicator_report(village, date). E.g. SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'') WHERE high_incidence';

COMMENT ON COLUMN @extschema@.county_indicators.exited_on IS 'Day that listing exited, if on or before the date; NULL while listed on the date';
COMMENT ON COLUMN @extschema@.village_indicators.exited_on IS 'Day that listing exited, if on or before the date; NULL while listed on the date';
