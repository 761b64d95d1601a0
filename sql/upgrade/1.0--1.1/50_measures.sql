-- 1.0 -> 1.1: income-based measures and the exit assessment.
--
-- The same objects as sql/ext/33_measures.sql (the aggregates and
-- income_measures()) and sql/ext/55_assessment.sql (the assessment tables,
-- exit_assessment() and its view, their row security, audit triggers and
-- dump marks): the upgrade runs those files themselves.  Then the
-- assessment tables join the table lists of profile_privileges()
-- (50_security.sql).

-- @include sql/ext/33_measures.sql

-- @include sql/ext/55_assessment.sql

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
