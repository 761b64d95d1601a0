-- Hardening: SECURITY DEFINER functions and every function whose body is
-- parsed at run time have a fixed search_path; hostile functions and
-- operators created in public, ahead of pg_catalog in the search_path, are
-- never called by extension code; nothing is granted to PUBLIC that a
-- viewer should not have.
BEGIN;
SELECT plan(28);
\ir fixtures/security.sql

-- Fixed search_path ----------------------------------------------------------------------
SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace = 'poverty_aid'::regnamespace AND p.prosecdef
           AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
         ORDER BY 1),
  '{}'::text[], 'every SECURITY DEFINER function has SET search_path = pg_catalog, pg_temp');
SELECT ok((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'poverty_aid'::regnamespace AND p.prosecdef) >= 10,
  'sanity: the extension has SECURITY DEFINER functions to check');
SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
         WHERE p.pronamespace = 'poverty_aid'::regnamespace
           AND (l.lanname = 'plpgsql' OR (l.lanname = 'sql' AND p.prosqlbody IS NULL))
           AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')
         ORDER BY 1),
  '{}'::text[], 'every function whose body is parsed at run time (PL/pgSQL, SQL with a string body) fixes its search_path');
SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace = 'poverty_aid'::regnamespace AND p.prosecdef
           AND p.proowner <> (SELECT extowner FROM pg_extension WHERE extname = 'poverty_aid')
         ORDER BY 1),
  '{}'::text[], 'every SECURITY DEFINER function belongs to the extension''s owner');

-- Hostile objects in public ---------------------------------------------------------------
-- Each counts its calls in a sequence (which a rollback does not undo) and
-- returns a plausible value, so that a call would go unnoticed but for the count.
CREATE SEQUENCE public.hostile_calls;
GRANT USAGE ON SEQUENCE public.hostile_calls TO PUBLIC;
CREATE FUNCTION public.hostile_text(text) RETURNS text LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls')::text || $1 $$;
CREATE FUNCTION public.hostile_bool(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls') > 0 $$;
CREATE FUNCTION public.hostile_name_bool(name, name) RETURNS boolean LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls') > 0 $$;
CREATE FUNCTION public.hostile_cat(text, text) RETURNS text LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls')::text $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_bool);
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_bool);
CREATE OPERATOR public.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_bool);
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, FUNCTION = public.hostile_name_bool);
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_cat);
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.btrim(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.to_jsonb(anyelement) RETURNS jsonb LANGUAGE sql AS $$ SELECT to_jsonb(nextval('public.hostile_calls')) $$;
CREATE FUNCTION public.array_position(anyarray, anyelement) RETURNS integer LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls')::int $$;
CREATE FUNCTION public.cardinality(anyarray) RETURNS integer LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls')::int $$;
CREATE FUNCTION public.pg_has_role(name, name, text) RETURNS boolean LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls') > 0 $$;
CREATE FUNCTION public.region_code(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.region_code_level(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.region_in_scope(text, text[]) RETURNS boolean LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls') > 0 $$;
CREATE FUNCTION public.region_read_scope(name) RETURNS text[] LANGUAGE sql AS $$ SELECT NULL::text[] FROM nextval('public.hostile_calls') $$;
CREATE FUNCTION public.region_write_scope(name) RETURNS text[] LANGUAGE sql AS $$ SELECT NULL::text[] FROM nextval('public.hostile_calls') $$;
CREATE FUNCTION public.resident_id_check(text) RETURNS boolean LANGUAGE sql AS $$ SELECT nextval('public.hostile_calls') > 0 $$;
CREATE FUNCTION public.resident_id_mask(text) RETURNS text LANGUAGE sql AS $$ SELECT public.hostile_text($1) $$;
CREATE FUNCTION public.profile_privileges(text) RETURNS TABLE (object_type text, object_name text, privileges text)
  LANGUAGE sql AS $$ SELECT 'TABLE', 'poverty_aid.audit_log', 'SELECT' FROM nextval('public.hostile_calls') $$;
SELECT '62102719850505003' || poverty_aid.resident_id_check_character('62102719850505003') AS good_id \gset
SET search_path = public, pg_catalog;
SELECT 'a'::text = 'b'::text AS sanity_hostile_eq \gset
SELECT last_value AS sanity_hostile_count FROM public.hostile_calls \gset
SELECT pg_catalog.setval('public.hostile_calls', 1, false) \gset

-- Exercise the extension with public ahead of pg_catalog (statements written
-- without text operators of their own).
SET search_path = public, pg_catalog, poverty_aid;
SELECT poverty_aid.grant_profile('pa_t_nobody', 'clerk', ARRAY['621027']) \gset
SELECT poverty_aid.assign_region('pa_t_nobody', '621027100001') \gset
SELECT poverty_aid.unassign_region('pa_t_nobody', '621027100001') \gset
SELECT count(*) FROM poverty_aid.profile_privileges('admin') \gset
INSERT INTO poverty_aid.region (code, name) VALUES ('621027100003', '村A3');
SET SESSION AUTHORIZATION pa_t_clerk_a;
SET search_path = public, pg_catalog, poverty_aid;
SELECT count(*) AS households_seen FROM poverty_aid.household \gset
SELECT count(*) AS persons_seen FROM poverty_aid.person_masked \gset
SELECT count(*) FROM poverty_aid.pairing \gset
SELECT count(*) FROM poverty_aid.fund_transfer \gset
SELECT count(*) FROM poverty_aid.household_income \gset
SELECT poverty_aid.profile_of() \gset
INSERT INTO poverty_aid.household (id, household_no, village_code, members, registered_on) VALUES (900020, 'HA-20', '621027100003', 2, '2020-01-01');
UPDATE poverty_aid.household SET members = 3 WHERE id = 900020;
INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900020, '王五', :'good_id');
INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on) VALUES (900001, 1.25, '2020-03-01');
SET client_min_messages = error;
SELECT count(*) AS load_errors FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on,poverty_cause\nHA-21,621027100003,4,2020-02-01,illness\n') \gset
SELECT count(*) AS load_errors_2 FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,in_place_on\n900001,abc,2020-03-01\n') \gset
DELETE FROM poverty_aid.fund_transfer WHERE amount = 1.25;
RESET SESSION AUTHORIZATION;
SELECT poverty_aid.revoke_profile('pa_t_nobody') \gset
SELECT last_value AS hostile_last, is_called AS hostile_called FROM public.hostile_calls \gset
RESET search_path;
SET search_path = poverty_aid, pg_catalog, public;
DROP OPERATOR public.= (text, text);
DROP OPERATOR public.<> (text, text);
DROP OPERATOR public.~~ (text, text);
DROP OPERATOR public.= (name, name);
DROP OPERATOR public.|| (text, text);

SELECT is(:'sanity_hostile_eq'::text, 't', 'sanity: with public first in the path, text = was the hostile operator');
SELECT is(:sanity_hostile_count::int, 1, 'sanity: and its call was counted');
SELECT is(:'hostile_called'::text, 'f', 'no hostile function or operator in public was called by extension code');
SELECT is(:households_seen::int, 2, 'RLS still applied while the hostile objects were in the path');
SELECT is(:persons_seen::int, 1, 'the masked view still applied its scope');
SELECT is(:load_errors::int, 0, 'the loader loaded a good file');
SELECT is(:load_errors_2::int, 1, 'the loader reported a bad file');
SELECT is((SELECT count(*)::int FROM household WHERE household_no IN ('HA-20', 'HA-21')), 2, 'the rows written under the hostile path are there');
SELECT is((SELECT members FROM household WHERE id = 900020), 3, 'and the update applied');
SELECT is((SELECT count(*)::int FROM audit_log WHERE row_id = 900020 AND table_name = 'household'), 2, 'and was audited');
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name = 'household' AND new_row ->> 'household_no' = 'HA-21'), 1, 'loaded rows were audited');

-- Nothing granted to PUBLIC that a viewer should not have ------------------------------------------
SELECT ok(NOT has_schema_privilege('public', 'poverty_aid', 'USAGE'), 'PUBLIC has no USAGE on schema poverty_aid');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND a.grantee = 0
                   AND c.relname NOT IN ('division_code', 'division_successor', 'household_tally', 'income_distribution') ORDER BY 1),
  '{}'::text[], 'no table, view or sequence grants anything to PUBLIC (but the public reference list of division codes, the household tally and the income distribution)');
SELECT is(ARRAY(SELECT c.relname || ':' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND a.grantee = 0 ORDER BY 1),
  ARRAY['division_code:SELECT', 'division_successor:SELECT', 'household_tally:SELECT', 'income_distribution:SELECT'],
  'PUBLIC may only read the reference list of division codes, the household tally and the income distribution (whose row security shows each role its read scope only)');
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p
                 WHERE p.pronamespace = 'poverty_aid'::regnamespace AND p.prosecdef
                   AND has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1),
  ARRAY['helper_scope', 'profile_of', 'region_read_scope', 'region_write_scope', 'usable_profiles'],
  'the only SECURITY DEFINER functions PUBLIC may call are the scope functions (they answer only for the caller''s own roles)');
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p
                 WHERE p.pronamespace = 'poverty_aid'::regnamespace
                   AND p.proname IN ('grant_profile', 'revoke_profile', 'assign_region', 'unassign_region',
                                     'assign_helper', 'unassign_helper', 'load_csv')
                   AND has_function_privilege('public', p.oid, 'EXECUTE')),
  '{}'::text[], 'PUBLIC cannot call grant_profile, revoke_profile, the assignment functions or load_csv');
SELECT is(ARRAY(SELECT c.relname::text || ':' || priv FROM pg_class c,
                       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) priv
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('r', 'v')
                   AND has_table_privilege('pa_t_viewer', c.oid, priv) ORDER BY 1),
  '{}'::text[], 'the viewer may not change any table or view');
SELECT is(ARRAY(SELECT t FROM unnest(ARRAY['audit_log', 'role_profile', 'region_assignment', 'helper_assignment', 'bulk_load', 'person_masked']) t
                 WHERE has_table_privilege('pa_t_viewer', 'poverty_aid.' || t, 'SELECT')),
  '{}'::text[], 'the viewer may not read the audit trail, the access tables, the load log or the masked persons');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind = 'r'
                   AND has_table_privilege('pa_t_clerk_a', c.oid, 'TRUNCATE') ORDER BY 1),
  '{}'::text[], 'no clerk may TRUNCATE (it bypasses row security and row triggers)');
SELECT is(ARRAY(SELECT t FROM unnest(ARRAY['region', 'helper', 'poverty_line', 'target', 'job_run', 'indicator_snapshot', 'audit_log']) t
                 WHERE has_table_privilege('pa_t_clerk_a', 'poverty_aid.' || t, 'INSERT')
                    OR has_table_privilege('pa_t_clerk_a', 'poverty_aid.' || t, 'UPDATE')
                    OR has_table_privilege('pa_t_clerk_a', 'poverty_aid.' || t, 'DELETE')),
  '{}'::text[], 'a clerk may not change reference tables, snapshots or the audit trail');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace
                   AND c.relname NOT IN ('division_code', 'division_successor', 'household_tally', 'income_distribution')
                   AND (has_table_privilege('pa_t_nobody', c.oid, 'SELECT') OR has_any_column_privilege('pa_t_nobody', c.oid, 'SELECT'))),
  '{}'::text[], 'a role without a profile may read nothing (but the public reference list of division codes, the household tally and the income distribution, whose row security shows it nothing, without USAGE on the schema)');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind = 'r'
                   AND NOT c.relrowsecurity
                   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                                 AND a.attname IN ('region_code', 'village_code', 'recipient_region_code',
                                                   'target_region_code', 'household_id', 'fund_id', 'project_id'))
                 ORDER BY 1),
  ARRAY['region_assignment'], 'every table with region-bound rows has row-level security (region_assignment is admin-only)');
SELECT ok((SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'poverty_aid'::regnamespace) >= 60, 'the policies are in place');
SELECT is(ARRAY(SELECT p.polname::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace
                   AND obj_description(p.oid, 'pg_policy') IS NULL ORDER BY 1),
  '{}'::text[], 'every policy has a comment');

SELECT * FROM finish();
ROLLBACK;
