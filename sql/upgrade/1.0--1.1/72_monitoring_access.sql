-- 1.0 -> 1.1: the monitoring tables (sql/ext/70_monitoring.sql, created by
-- 60_monitoring.sql) join the table lists of profile_privileges()
-- (sql/ext/50_security.sql): all five are data tables (read by every
-- profile, written by admins), monitored_household, monitoring_measure and
-- monitoring_income are clerk tables (written by clerks inside their
-- regions).  monitoring_line is set by the office (admin) and
-- monitoring_candidate is written by record_monitoring_candidates().  As in
-- 50_measures.sql the function is patched in place, after that piece's
-- patch, and the patch fails loudly if its anchor text is missing.
DO $profile_privileges$
DECLARE
  definition text := pg_catalog.pg_get_functiondef('@extschema@.profile_privileges(text)'::pg_catalog.regprocedure);
  data_anchor CONSTANT text := E'\n    ''indicator_snapshot'', ''assessment'', ''assessment_household''];';
  clerk_anchor CONSTANT text := E'\n    ''consumption_sale'', ''assessment'', ''assessment_household''];';
  holders bigint;
  holder_names text;
BEGIN
  IF pg_catalog.strpos(definition, data_anchor) = 0 OR pg_catalog.strpos(definition, clerk_anchor) = 0 THEN
    RAISE EXCEPTION 'profile_privileges() does not have the table lists this upgrade extends';
  END IF;
  definition := pg_catalog.replace(definition, data_anchor,
    E'\n    ''indicator_snapshot'', ''assessment'', ''assessment_household'','
    || E'\n    ''monitoring_line'', ''monitored_household'', ''monitoring_measure'', ''monitoring_income'', ''monitoring_candidate''];');
  definition := pg_catalog.replace(definition, clerk_anchor,
    E'\n    ''consumption_sale'', ''assessment'', ''assessment_household'','
    || E'\n    ''monitored_household'', ''monitoring_measure'', ''monitoring_income''];');
  EXECUTE definition;
  -- Roles that hold a profile get the new tables when their profile is
  -- granted again (grant_profile keeps their regions).  Not done here: a
  -- GRANT run by an extension script is recorded as the object's initial
  -- privilege (pg_init_privs), which pg_dump leaves out, so a restored
  -- register would lose it.  A WARNING, as a NOTICE is not shown during
  -- ALTER EXTENSION.
  SELECT pg_catalog.count(*), pg_catalog.string_agg(p.role::text, ', ' ORDER BY p.role::text)
    INTO holders, holder_names
    FROM @extschema@.role_profile p;
  IF holders > 0 THEN
    RAISE WARNING 'roles with a poverty_aid profile do not hold the privileges of the tables new in 1.1 yet'
      USING DETAIL = pg_catalog.format('%s roles hold a profile: %s.', holders, holder_names),
            HINT = 'Grant each its profile again (its regions are kept): SELECT @extschema@.grant_profile(p.role, p.profile) FROM (SELECT role, profile FROM @extschema@.role_profile) p;';
  END IF;
END
$profile_privileges$;
