-- Oracles: what a clerk could learn about rows she may not read.
--
-- 1. The (household_id, resident_id) unique key: INSERT ... ON CONFLICT DO
--    NOTHING of candidate IDs used to skip the existing one silently, so a
--    set-based search recovered a full ID she sees only masked.  Now a
--    duplicate is an error for every statement form, each refusal is logged
--    in the server log, and a probe that does not hit inserts (and audits)
--    its candidates.
-- 2. Foreign keys from her rows to rows of other counties (a job's person, a
--    project's fund plan): refused by the policies, with the same error as
--    for a row that does not exist.
BEGIN;
SELECT plan(26);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;
-- A second member of county A's household 900001, and a job without a person.
INSERT INTO person (id, household_id, name, resident_id) VALUES
  (900003, 900001, '张四', '62102719850505003' || resident_id_check_character('62102719850505003'));
SELECT '62102719800101001' || resident_id_check_character('62102719800101001') AS secret_id,
       '62102719850505003' || resident_id_check_character('62102719850505003') AS other_id \gset
-- Candidates: the ID space of the household's region and birth year 1980.
CREATE FUNCTION pg_temp.candidates(first_day date, days integer) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT '621027' || to_char(first_day + d, 'YYYYMMDD') || lpad(s::text, 3, '0')
         || poverty_aid.resident_id_check_character('621027' || to_char(first_day + d, 'YYYYMMDD') || lpad(s::text, 3, '0'))
    FROM generate_series(0, days - 1) d, generate_series(0, 9) s
$$;
SELECT (pg_stat_file(current_setting('data_directory') || '/../server.log', true)).size IS NOT NULL AS have_log \gset
SELECT coalesce((pg_stat_file(current_setting('data_directory') || '/../server.log', true)).size, 0) AS log_size \gset
SELECT coalesce(max(id), 0) AS a0 FROM audit_log \gset

-- 1. The unique key ---------------------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900001, 'x', %L) ON CONFLICT DO NOTHING$$, :'secret_id'),
  '23505', 'resident ID already registered in household 900001', 'ON CONFLICT DO NOTHING with the existing ID is an error, not a silent skip');
SELECT throws_ok($$INSERT INTO poverty_aid.person (household_id, name, resident_id)
                   SELECT 900001, 'x', c FROM pg_temp.candidates('1980-01-01', 3) c ON CONFLICT DO NOTHING$$,
  '23505', NULL, 'a set-based probe that holds the ID fails as a whole');
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900001, 'x', %L)
                          ON CONFLICT (household_id, resident_id) DO NOTHING$$, :'secret_id'),
  '42501', NULL, 'ON CONFLICT (household_id, resident_id) DO NOTHING needs to read resident_id: refused');
SELECT throws_ok(format($$WITH c (id) AS (SELECT %L::text) INSERT INTO poverty_aid.person (household_id, name, resident_id)
                          SELECT 900001, 'x', c.id FROM c ON CONFLICT DO NOTHING$$, :'secret_id'),
  '23505', NULL, 'from a CTE');
SELECT throws_ok(format($$MERGE INTO poverty_aid.person p USING (VALUES (900001::bigint, %L::text)) v (household_id, resident_id)
                             ON false WHEN NOT MATCHED THEN INSERT (household_id, name, resident_id) VALUES (v.household_id, 'x', v.resident_id)$$, :'secret_id'),
  '23505', NULL, 'MERGE');
SELECT throws_ok(format($$UPDATE poverty_aid.person SET resident_id = %L WHERE id = 900003$$, :'secret_id'),
  '23505', NULL, 'giving another member of the household the ID');
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id)
                          SELECT 900001, 'x', c FROM pg_temp.candidates('1980-01-01', 1) c
                           WHERE c = %L AND current_setting('row_security') = 'on' ON CONFLICT DO NOTHING$$, :'secret_id'),
  '23505', NULL, 'a function in WHERE changes nothing');
SELECT lives_ok($$INSERT INTO poverty_aid.person (household_id, name, resident_id)
                  SELECT 900001, 'x', c FROM pg_temp.candidates('1980-01-02', 2) c ON CONFLICT DO NOTHING$$,
  'a probe that misses inserts its candidates ...');
SELECT is((SELECT count(*)::int FROM poverty_aid.person_masked WHERE household_id = 900001), 22, '... all 20 of them ...');
SELECT lives_ok($$UPDATE poverty_aid.person SET relation = 'son' WHERE id = 900003$$, 'an update that leaves the ID alone is not checked');
SET client_min_messages = error;
SELECT is((SELECT count(*)::int FROM poverty_aid.load_csv('person', E'household_no,name,resident_id\nHA-1,x,' || :'secret_id', only_valid => true) e
            WHERE e.sqlstate = '23505'), 1, 'load_csv reports the duplicate as a bad row');
RESET client_min_messages;
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900003, 'x', %L) ON CONFLICT DO NOTHING$$, :'secret_id'),
  '42501', NULL, 'another county''s household cannot be probed at all (row security)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM audit_log WHERE id > :a0 AND table_name = 'person' AND operation = 'INSERT'), 20,
  '... and the audit trail holds each candidate inserted');
SELECT CASE WHEN :'have_log'::boolean
  THEN is((SELECT count(*)::int FROM regexp_matches(pg_read_file(current_setting('data_directory') || '/../server.log', :log_size, 10000000),
                                                   'refused a resident ID already registered in household 900001 \(login pa_t_clerk_a, role pa_t_clerk_a\)', 'g')),
          7, 'every refusal is in the server log, which the rollbacks did not undo (load_csv''s too)')
  ELSE skip('the server log is not at ../server.log', 1) END;

-- The refusal is only for roles that cannot read the ID
SET ROLE pa_t_clerk_a;
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900001, 'x', %L) ON CONFLICT DO NOTHING$$, :'secret_id'),
  '23505', NULL, 'a superuser under SET ROLE clerk is refused like the clerk');
RESET ROLE;
SET SESSION AUTHORIZATION pa_t_admin;
SELECT lives_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900001, 'x', %L) ON CONFLICT DO NOTHING$$, :'secret_id'),
  'an admin, who reads IDs, learns nothing from the key: ON CONFLICT DO NOTHING works for her');
RESET SESSION AUTHORIZATION;
SELECT throws_ok(format($$INSERT INTO poverty_aid.person (household_id, name, resident_id) VALUES (900001, 'x', %L)$$, :'secret_id'),
  '23505', 'duplicate key value violates unique constraint "person_unique_in_household"', 'the unique key still holds for the owner');

-- 2. References to other counties' rows ------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT throws_ok($$INSERT INTO poverty_aid.employment (household_id, person_id, place, employed_on) VALUES (900001, 900002, 'local', '2020-03-01')$$,
  '42501', 'new row violates row-level security policy for table "employment"', 'a job of her household cannot name county B''s person');
SELECT throws_ok($$INSERT INTO poverty_aid.employment (household_id, person_id, place, employed_on) VALUES (900001, 987654, 'local', '2020-03-01')$$,
  '42501', 'new row violates row-level security policy for table "employment"', 'the same error for a person that does not exist: no existence oracle');
SELECT lives_ok($$INSERT INTO poverty_aid.employment (household_id, person_id, place, employed_on) VALUES (900001, 900003, 'local', '2020-03-01')$$,
  'her own household''s person is accepted');
SELECT throws_ok($$UPDATE poverty_aid.employment SET person_id = 900002 WHERE id = 900001$$,
  '42501', NULL, 'nor can a job be moved to county B''s person');
SELECT throws_ok($$MERGE INTO poverty_aid.employment e USING (VALUES (900002::bigint)) v (person_id) ON e.id = 900001
                   WHEN MATCHED THEN UPDATE SET person_id = v.person_id$$,
  '42501', NULL, 'by MERGE');
SELECT throws_ok($$INSERT INTO poverty_aid.project (name, region_code, fund_id, started_on)
                   SELECT 'x', '621027000000', f, '2020-01-01' FROM (VALUES (900001::bigint), (900002)) v (f)$$,
  '42501', 'new row violates row-level security policy for table "project"', 'a project of her county cannot name county B''s fund plan (INSERT ... SELECT)');
SELECT throws_ok($$INSERT INTO poverty_aid.project (name, region_code, fund_id, started_on) VALUES ('x', '621027000000', 987654, '2020-01-01')$$,
  '42501', 'new row violates row-level security policy for table "project"', 'the same error for a plan that does not exist');
SELECT throws_ok($$UPDATE poverty_aid.project SET fund_id = 900002 WHERE id = 900001$$,
  '42501', NULL, 'nor can her project be moved to it');
SELECT lives_ok($$UPDATE poverty_aid.project SET fund_id = 900001 WHERE id = 900001$$, 'her own county''s plan is accepted');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
