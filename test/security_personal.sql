-- Personal data: person.name and person.resident_id are readable only by
-- admin.  A viewer cannot read them by any route; a clerk sees them masked
-- and can still register them; stored IDs stay validated; error messages do
-- not echo stored personal data.
BEGIN;
SELECT plan(37);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;
ANALYZE poverty_aid.person;
SELECT resident_id AS id_a FROM person WHERE id = 900001 \gset

-- Viewer ------------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_viewer;
SELECT throws_ok($$SELECT resident_id FROM poverty_aid.person$$, '42501', NULL, 'viewer: SELECT resident_id is refused');
SELECT throws_ok($$SELECT name FROM poverty_aid.person$$, '42501', NULL, 'viewer: SELECT name is refused');
SELECT throws_ok($$SELECT * FROM poverty_aid.person$$, '42501', NULL, 'viewer: SELECT * is refused');
SELECT throws_ok($$SELECT p FROM poverty_aid.person p$$, '42501', NULL, 'viewer: a whole-row reference is refused');
SELECT throws_ok($$SELECT to_jsonb(p) FROM poverty_aid.person p$$, '42501', NULL, 'viewer: to_jsonb(row) is refused');
SELECT throws_ok($$SELECT count(*) FROM poverty_aid.person WHERE resident_id LIKE '62%'$$, '42501', NULL, 'viewer: filtering on resident_id is refused');
SELECT throws_ok($$SELECT id FROM poverty_aid.person ORDER BY resident_id$$, '42501', NULL, 'viewer: ordering by resident_id is refused');
SELECT throws_ok($$SELECT id FROM poverty_aid.person WHERE name = '张三'$$, '42501', NULL, 'viewer: filtering on name is refused');
CREATE FUNCTION pg_temp.leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS
  $$ BEGIN RAISE NOTICE 'leaked %', $1; RETURN true; END $$;
SELECT throws_ok($$SELECT id FROM poverty_aid.person WHERE pg_temp.leak(resident_id)$$, '42501', NULL, 'viewer: a leaky function cannot reach resident_id');
SELECT throws_ok($$SELECT * FROM poverty_aid.person_masked$$, '42501', NULL, 'viewer: not even the masked view');
SELECT throws_ok($$SELECT new_row FROM poverty_aid.audit_log$$, '42501', NULL, 'viewer: the audit trail (which holds old and new rows) is refused');
SELECT lives_ok($$SELECT id, household_id, relation, is_labour FROM poverty_aid.person$$, 'viewer: the non-personal columns of person are readable');
SELECT is((SELECT count(*)::int FROM pg_stats WHERE schemaname = 'poverty_aid' AND tablename = 'person' AND attname IN ('name', 'resident_id')),
  0, 'viewer: pg_stats shows no statistics (common values) of the personal columns');
SELECT is((SELECT count(*)::int FROM pg_stats WHERE schemaname = 'poverty_aid' AND tablename = 'person'),
  0, 'viewer: pg_stats hides every column of a table under row security');
-- Every view of the extension the viewer may read: none shows an ID or a name.
CREATE FUNCTION pg_temp.personal_data_in_views() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  v regclass;
  found text[] := '{}';
  hits bigint;
BEGIN
  FOR v IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('v', 'm') LOOP
    BEGIN
      EXECUTE format('SELECT count(*) FROM %s v WHERE v::text ~ %L OR v::text ~ %L', v,
                     '[0-9]{17}[0-9X]', '张三|阿依古丽') INTO hits;
      IF hits > 0 THEN
        found := found || v::text;
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      NULL;		-- refused: no data shown
    END;
  END LOOP;
  RETURN found;
END $$;
SELECT is(pg_temp.personal_data_in_views(), '{}'::text[], 'viewer: no view of the extension shows a resident ID or a name');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM poverty_aid.person p WHERE p::text ~ '[0-9]{17}[0-9X]' AND p::text ~ '张三|阿依古丽'), 2,
  'sanity: the patterns of that check find the IDs and names in person');

-- Clerk -------------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT throws_ok($$SELECT resident_id FROM poverty_aid.person$$, '42501', NULL, 'clerk: SELECT resident_id is refused');
SELECT throws_ok($$SELECT name FROM poverty_aid.person$$, '42501', NULL, 'clerk: SELECT name is refused');
SELECT results_eq($$SELECT name_masked, resident_id_masked FROM poverty_aid.person_masked$$,
  $$VALUES ('张*', '621027************')$$, 'clerk: person_masked shows the first character of the name and the region part of the ID');
SELECT is(pg_temp.personal_data_in_views(), '{}'::text[], 'clerk: no view of the extension shows a resident ID or a name');
SELECT is((SELECT count(*)::int FROM poverty_aid.person_masked WHERE resident_id_masked ~ '[0-9]{17}'), 0, 'clerk: no unmasked ID in person_masked');
SELECT lives_ok($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900002, '王五', '62102719850505003' || poverty_aid.resident_id_check_character('62102719850505003'))$$,
  'clerk: registers a person with name and resident ID (write-only)');
SELECT throws_ok($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900002, '赵六', '621027198505050030') RETURNING resident_id$$,
  '42501', NULL, 'clerk: RETURNING resident_id is refused');
SELECT throws_ok($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900002, '赵六', '62102719850505004' || CASE poverty_aid.resident_id_check_character('62102719850505004') WHEN '0' THEN '1' ELSE '0' END)$$,
  '22023', 'invalid resident ID number', 'clerk: a wrong check character is refused (stored IDs stay validated)');
SELECT throws_ok($$UPDATE poverty_aid.person SET resident_id = '62102719850505' WHERE id = 900001$$,
  '22023', 'invalid resident ID number', 'clerk: an update to a short ID is refused');
SELECT throws_ok($$UPDATE poverty_aid.person SET name = name || 'x' WHERE id = 900001$$,
  '42501', NULL, 'clerk: an update that reads the name is refused');
-- A constraint error on a person row must not echo the stored ID.
CREATE FUNCTION pg_temp.error_text(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE m text; d text;
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
  RETURN m || ' / ' || coalesce(d, '');
END $$;
SELECT unalike(pg_temp.error_text($$UPDATE poverty_aid.person SET name = ' ' WHERE id = 900001$$), '%' || :'id_a' || '%',
  'clerk: a CHECK error on a person does not show the stored resident ID');
SELECT alike(pg_temp.error_text($$UPDATE poverty_aid.person SET name = ' ' WHERE id = 900001$$), '%person_name_not_empty%',
  'sanity: that error is the name check');
SELECT unalike(pg_temp.error_text($$UPDATE poverty_aid.person SET household_id = 900002 WHERE id = 900001$$), '%' || :'id_a' || '%',
  'clerk: a key error on a person does not show the stored resident ID');
RESET SESSION AUTHORIZATION;

-- Admin -------------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_admin;
SELECT is((SELECT resident_id FROM poverty_aid.person WHERE id = 900001), :'id_a', 'admin: reads the resident ID');
SELECT is((SELECT name FROM poverty_aid.person WHERE id = 900001), '张三', 'admin: reads the name');
SELECT throws_ok($$UPDATE poverty_aid.person SET resident_id = '621027198001010010' WHERE id = 900001$$,
  '22023', NULL, 'admin: cannot store an invalid ID either');
RESET SESSION AUTHORIZATION;

-- Column privileges as granted -------------------------------------------------------
SELECT ok(NOT has_column_privilege('pa_t_viewer', 'poverty_aid.person', 'resident_id', 'SELECT'), 'viewer has no SELECT on person.resident_id');
SELECT ok(NOT has_column_privilege('pa_t_viewer', 'poverty_aid.person', 'name', 'SELECT'), 'viewer has no SELECT on person.name');
SELECT ok(NOT has_column_privilege('pa_t_clerk_a', 'poverty_aid.person', 'resident_id', 'SELECT'), 'clerk has no SELECT on person.resident_id');
SELECT ok(has_column_privilege('pa_t_clerk_a', 'poverty_aid.person', 'resident_id', 'INSERT'), 'clerk may INSERT person.resident_id');
SELECT ok(has_column_privilege('pa_t_admin', 'poverty_aid.person', 'resident_id', 'SELECT'), 'admin has SELECT on person.resident_id');

SELECT * FROM finish();
ROLLBACK;
