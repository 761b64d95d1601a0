-- Audit bypass: every change to an audited table and to the access tables is
-- recorded whatever the session sets, or the statement fails.  row_security
-- switched off in the middle of a statement (set_config() in a WHERE clause,
-- a CTE, a join, a function, a window, MERGE's ON) no longer silences the
-- audit trigger; a non-superuser admin with row_security = off is audited
-- through the access functions.  Only a superuser with row_security = off
-- (pg_restore replaying a dump) is not recorded.
BEGIN;
SELECT plan(24);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;

-- audited(since, table, operation, row_id): the records since an audit id.
CREATE FUNCTION pg_temp.audited(since bigint, tab text, op text, row_id bigint) RETURNS bigint
  LANGUAGE sql AS $$
  SELECT count(*) FROM poverty_aid.audit_log a
   WHERE a.id > since AND a.table_name = tab AND a.operation = op AND a.row_id IS NOT DISTINCT FROM audited.row_id
$$;
INSERT INTO household (id, household_no, village_code, members, registered_on)
  SELECT 900200 + g, 'HA-V' || g, '621027100001', 2, '2020-01-01' FROM generate_series(1, 9) g;
SELECT coalesce(max(id), 0) AS a0 FROM audit_log \gset

-- A clerk flips row_security off inside the statement ---------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
-- a function of her own, called in WHERE
CREATE FUNCTION pg_temp.rls_off() RETURNS boolean LANGUAGE sql AS $$ SELECT set_config('row_security', 'off', true) IS NOT NULL $$;
DELETE FROM poverty_aid.household WHERE id = 900201 AND set_config('row_security', 'off', true) IS NOT NULL;
SET row_security = on;
UPDATE poverty_aid.household SET members = 5 WHERE id = 900202 AND set_config('row_security', 'off', true) IS NOT NULL;
SET row_security = on;
WITH off AS (SELECT set_config('row_security', 'off', true) AS s)
DELETE FROM poverty_aid.household h USING off WHERE h.id = 900203 AND off.s IS NOT NULL;
SET row_security = on;
INSERT INTO poverty_aid.household (id, household_no, village_code, members, registered_on)
  SELECT 900210, 'HA-V10', '621027100001', 1, '2020-01-01' WHERE set_config('row_security', 'off', true) IS NOT NULL;
SET row_security = on;
DELETE FROM poverty_aid.household WHERE id = 900204 AND pg_temp.rls_off();
SET row_security = on;
-- a window over the rows, the setting changed in the frame's argument
UPDATE poverty_aid.household h SET members = w.n FROM (
  SELECT id, count(set_config('row_security', 'off', true)) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS n
    FROM poverty_aid.household WHERE id IN (900205, 900206)) w
 WHERE h.id = w.id;
SET row_security = on;
-- a writable CTE: delete one row and insert another in one statement
WITH gone AS (DELETE FROM poverty_aid.household WHERE id = 900207 AND set_config('row_security', 'off', true) IS NOT NULL RETURNING id)
INSERT INTO poverty_aid.household (id, household_no, village_code, members, registered_on)
  SELECT id + 100, 'HA-W', '621027100002', 1, '2020-01-01' FROM gone;
SET row_security = on;
MERGE INTO poverty_aid.household h USING (VALUES (900208, 7), (900211, 2)) v (id, m)
   ON h.id = v.id AND set_config('row_security', 'off', true) IS NOT NULL
 WHEN MATCHED THEN UPDATE SET members = v.m
 WHEN NOT MATCHED THEN INSERT (id, household_no, village_code, members, registered_on)
                       VALUES (v.id, 'HA-M', '621027100001', v.m, '2020-01-01');
SET row_security = on;
MERGE INTO poverty_aid.household h USING (VALUES (900209)) v (id)
   ON h.id = v.id AND set_config('row_security', 'off', true) IS NOT NULL
 WHEN MATCHED THEN DELETE;
SET row_security = on;
UPDATE poverty_aid.person SET relation = 'spouse' WHERE id = 900001 AND set_config('row_security', 'off', true) IS NOT NULL;
SET row_security = on;
INSERT INTO poverty_aid.fund_transfer (id, fund_id, amount, in_place_on)
  SELECT 900300, 900001, 1.00, '2020-03-01' WHERE set_config('row_security', 'off', true) IS NOT NULL;
SET row_security = on;
-- row_security off before the statement: refused, not unaudited
SET row_security = off;
SELECT throws_ok($$DELETE FROM poverty_aid.household WHERE id = 900202$$, '42501', NULL,
  'a clerk with row_security = off set by an earlier statement cannot delete at all');
SELECT throws_ok($q$DO $do$ BEGIN DELETE FROM poverty_aid.household WHERE id = 900202; END $do$ $q$, '42501', NULL,
  'nor from a DO block');
SET row_security = on;
RESET SESSION AUTHORIZATION;

SELECT is(pg_temp.audited(:a0, 'household', 'DELETE', 900201), 1::bigint, 'DELETE ... WHERE set_config(row_security off) is audited');
SELECT is(pg_temp.audited(:a0, 'household', 'UPDATE', 900202), 1::bigint, 'UPDATE ... WHERE set_config(...) is audited');
SELECT is(pg_temp.audited(:a0, 'household', 'DELETE', 900203), 1::bigint, 'a CTE that switches row_security off: the DELETE is audited');
SELECT is(pg_temp.audited(:a0, 'household', 'INSERT', 900210), 1::bigint, 'INSERT ... SELECT ... WHERE set_config(...) is audited');
SELECT is(pg_temp.audited(:a0, 'household', 'DELETE', 900204), 1::bigint, 'a function in WHERE that switches it off: audited');
SELECT is(pg_temp.audited(:a0, 'household', 'UPDATE', 900205) + pg_temp.audited(:a0, 'household', 'UPDATE', 900206), 2::bigint,
  'switched off in a window frame: both updated rows audited');
SELECT is(pg_temp.audited(:a0, 'household', 'DELETE', 900207) + pg_temp.audited(:a0, 'household', 'INSERT', 900307), 2::bigint,
  'a writable CTE: its DELETE and the INSERT are audited');
SELECT is(pg_temp.audited(:a0, 'household', 'UPDATE', 900208) + pg_temp.audited(:a0, 'household', 'INSERT', 900211), 2::bigint,
  'MERGE switching it off in ON: its UPDATE and INSERT are audited');
SELECT is(pg_temp.audited(:a0, 'household', 'DELETE', 900209), 1::bigint, 'MERGE ... WHEN MATCHED THEN DELETE is audited');
SELECT is(pg_temp.audited(:a0, 'person', 'UPDATE', 900001), 1::bigint, 'a person update is audited');
SELECT is(pg_temp.audited(:a0, 'fund_transfer', 'INSERT', 900300), 1::bigint, 'a transfer insert is audited');
SELECT is((SELECT count(*) FROM audit_log WHERE id > :a0 AND role_name <> 'pa_t_clerk_a'), 0::bigint,
  'every record names the clerk');
SELECT is((SELECT count(*) FROM household WHERE id BETWEEN 900201 AND 900211) + (SELECT count(*) FROM household WHERE id = 900307),
  7::bigint, 'and the changes were made (the rows of the test are where the records say)');

-- A non-superuser admin with row_security = off ---------------------------------------------------
SELECT max(id) AS a1 FROM audit_log \gset
CREATE ROLE pa_t_clerk_c;
SET SESSION AUTHORIZATION pa_t_admin;
SET row_security = off;
DO $$
BEGIN
  PERFORM poverty_aid.grant_profile('pa_t_clerk_c', 'clerk', ARRAY['653222']);
  PERFORM poverty_aid.assign_region('pa_t_clerk_c', '621027');
  PERFORM poverty_aid.assign_helper('pa_t_clerk_c', 900001);
  PERFORM poverty_aid.unassign_region('pa_t_clerk_c', '621027');
  PERFORM poverty_aid.unassign_helper('pa_t_clerk_c', 900001);
  PERFORM poverty_aid.grant_profile('pa_t_clerk_c', 'viewer');
END
$$;
SELECT throws_ok($$DELETE FROM poverty_aid.fund WHERE id = 900002$$, '42501', NULL,
  'an admin (not a superuser) with row_security = off cannot change data directly');
DO $$ BEGIN PERFORM poverty_aid.revoke_profile('pa_t_clerk_c'); END $$;
RESET row_security;
RESET SESSION AUTHORIZATION;
SELECT results_eq(
  format($$SELECT table_name, operation, coalesce(new_row, old_row) ->> 'role', role_name::text COLLATE "default"
             FROM poverty_aid.audit_log WHERE id > %s ORDER BY id$$, :a1),
  $$VALUES ('role_profile', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('helper_assignment', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin'),
           ('helper_assignment', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin'),
           ('role_profile', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin'),
           ('role_profile', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'INSERT', 'pa_t_clerk_c', 'pa_t_admin'),
           ('role_profile', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin'),
           ('region_assignment', 'DELETE', 'pa_t_clerk_c', 'pa_t_admin')$$,
  'grant_profile, assign_region, assign_helper, unassign_*, revoke_profile by an admin with row_security = off are all audited');

-- BYPASSRLS is not a way around the audit ------------------------------------------------------------
CREATE ROLE pa_t_bypass BYPASSRLS;
DO $$ BEGIN PERFORM poverty_aid.grant_profile('pa_t_bypass', 'admin'); END $$;
SELECT max(id) AS a2 FROM audit_log \gset
SET SESSION AUTHORIZATION pa_t_bypass;
SET row_security = off;
UPDATE poverty_aid.household SET members = 9 WHERE id = 900003;
DELETE FROM poverty_aid.pairing WHERE id = 900004;
RESET row_security;
RESET SESSION AUTHORIZATION;
SELECT results_eq(format($$SELECT table_name, operation, row_id, role_name::text COLLATE "default" FROM poverty_aid.audit_log WHERE id > %s ORDER BY id$$, :a2),
  $$VALUES ('household', 'UPDATE', 900003::bigint, 'pa_t_bypass'), ('pairing', 'DELETE', 900004::bigint, 'pa_t_bypass')$$,
  'a BYPASSRLS admin with row_security = off is audited');

-- A superuser acting as a clerk is audited; a superuser replaying a dump is not ------------------------
SELECT max(id) AS a3 FROM audit_log \gset
SET ROLE pa_t_clerk_a;
UPDATE poverty_aid.household SET members = 8 WHERE id = 900001 AND set_config('row_security', 'off', true) IS NOT NULL;
RESET ROLE;
SELECT results_eq(format($$SELECT operation, role_name::text COLLATE "default", session_user_name::text COLLATE "default" FROM poverty_aid.audit_log WHERE id > %s$$, :a3),
  $$VALUES ('UPDATE', 'pa_t_clerk_a', 'postgres')$$, 'a superuser under SET ROLE clerk is audited as the clerk');
SELECT max(id) AS a4 FROM audit_log \gset
SET row_security = off;
INSERT INTO household (id, household_no, village_code, members, registered_on) VALUES (900400, 'HR-1', '621027100001', 1, '2020-01-01');
COPY household (id, household_no, village_code, members, registered_on) FROM stdin;
900401	HR-2	621027100001	2	2020-01-01
\.
RESET row_security;
SELECT is((SELECT count(*) FROM audit_log WHERE id > :a4), 0::bigint,
  'a superuser with row_security = off (pg_restore replaying a dump) is not audited: the restored trail holds the rows');
INSERT INTO household (id, household_no, village_code, members, registered_on) VALUES (900402, 'HR-3', '621027100001', 1, '2020-01-01');
SELECT is((SELECT count(*) FROM audit_log WHERE id > :a4), 1::bigint, 'with row security on, the superuser''s insert is audited');

-- The access tables: whatever is set, the functions' changes are recorded -----------------------------
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'poverty_aid.audit_row_change()'::regprocedure), true,
  'the audit trigger runs as its owner');
SELECT ok((SELECT proconfig @> ARRAY['search_path=pg_catalog, pg_temp'] FROM pg_proc WHERE oid = 'poverty_aid.audit_row_change()'::regprocedure),
  'with a fixed search_path');
SELECT is((SELECT count(*)::int FROM pg_trigger t WHERE t.tgrelid IN ('poverty_aid.role_profile'::regclass, 'poverty_aid.region_assignment'::regclass,
                                                                   'poverty_aid.helper_assignment'::regclass)
              AND t.tgname IN ('audit_insert', 'audit_row_change', 'audit_delete') AND t.tgenabled = 'O'), 9,
  'the access tables have their three audit triggers, enabled');

SELECT * FROM finish();
ROLLBACK;
