-- Audit: every insert, update and delete on household, person, pairing,
-- fund and fund_transfer (and on the access tables) is recorded with who,
-- when and the old and new rows, in an audit trail that only admin can read
-- and that nobody can change or delete.
BEGIN;
SELECT plan(59);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;
SELECT coalesce(max(id), 0) AS audit0 FROM audit_log \gset

-- The triggers --------------------------------------------------------------------------
SELECT has_trigger('poverty_aid', t, 'audit_row_change', 'updates of ' || t || ' are audited per row')
  FROM unnest(ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer',
                    'role_profile', 'region_assignment', 'helper_assignment']) t;
SELECT has_trigger('poverty_aid', t, 'audit_truncate', 'TRUNCATE of ' || t || ' is audited')
  FROM unnest(ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer']) t;
SELECT has_trigger('poverty_aid', t, 'audit_insert', 'inserts into ' || t || ' are audited per statement')
  FROM unnest(ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer',
                    'role_profile', 'region_assignment', 'helper_assignment']) t;
SELECT has_trigger('poverty_aid', t, 'audit_delete', 'deletes from ' || t || ' are audited per statement')
  FROM unnest(ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer',
                    'role_profile', 'region_assignment', 'helper_assignment']) t;

-- A clerk's changes ------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
INSERT INTO household (id, household_no, village_code, members, registered_on) VALUES (900010, 'HA-10', '621027100001', 2, '2020-01-01');
UPDATE household SET members = 3 WHERE id = 900010;
DELETE FROM household WHERE id = 900010;
INSERT INTO person (id, household_id, name, resident_id) VALUES (900010, 900001, '李四', '62102719800101002' || resident_id_check_character('62102719800101002'));
INSERT INTO pairing (id, helper_id, target_region_code, kind, valid_from) VALUES (900010, 900001, '621027100002', 'other', '2020-01-01');
INSERT INTO fund (id, source, recipient_region_code, year, purpose, planned) VALUES (900010, 'other', '621027000000', 2020, 'other', 5.00);
INSERT INTO fund_transfer (id, fund_id, amount, in_place_on) VALUES (900010, 900010, 4.25, '2020-03-01');
SELECT pg_current_xact_id()::text AS xact \gset
SELECT throws_ok($$SELECT * FROM poverty_aid.audit_log$$, '42501', NULL, 'a clerk cannot read the audit trail');
SELECT throws_ok($$INSERT INTO poverty_aid.audit_log (role_name, table_name, operation) VALUES ('x', 'household', 'DELETE')$$, '42501', NULL, 'a clerk cannot forge an audit record');
SELECT throws_ok($$UPDATE poverty_aid.audit_log SET role_name = 'x'$$, '42501', NULL, 'a clerk cannot change audit records');
SELECT throws_ok($$DELETE FROM poverty_aid.audit_log$$, '42501', NULL, 'a clerk cannot delete audit records');
SELECT throws_ok($$TRUNCATE poverty_aid.audit_log$$, '42501', NULL, 'a clerk cannot truncate the audit trail');
SELECT throws_ok($$ALTER TABLE poverty_aid.household DISABLE TRIGGER audit_row_change$$, '42501', NULL, 'a clerk cannot disable the audit trigger');
RESET SESSION AUTHORIZATION;

SELECT results_eq(
  format($$SELECT table_name, operation, row_id, role_name::text COLLATE "default", session_user_name::text COLLATE "default" FROM poverty_aid.audit_log WHERE id > %s ORDER BY id$$, :audit0),
  $$VALUES ('household', 'INSERT', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('household', 'UPDATE', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('household', 'DELETE', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('person', 'INSERT', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('pairing', 'INSERT', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('fund', 'INSERT', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a'),
           ('fund_transfer', 'INSERT', 900010::bigint, 'pa_t_clerk_a', 'pa_t_clerk_a')$$,
  'each change is one audit record: table, operation, row, role and login');
SELECT is((SELECT old_row ->> 'members' || '->' || (new_row ->> 'members') FROM audit_log WHERE id > :audit0 AND operation = 'UPDATE'),
  '2->3', 'an UPDATE keeps the old and the new row');
SELECT is((SELECT old_row ->> 'household_no' FROM audit_log WHERE id > :audit0 AND operation = 'DELETE'), 'HA-10', 'a DELETE keeps the old row');
SELECT is((SELECT new_row IS NULL FROM audit_log WHERE id > :audit0 AND operation = 'DELETE'), true, 'a DELETE has no new row');
SELECT is((SELECT old_row IS NULL FROM audit_log WHERE id > :audit0 AND operation = 'INSERT' AND table_name = 'fund_transfer'), true, 'an INSERT has no old row');
SELECT is((SELECT new_row ->> 'amount' FROM audit_log WHERE id > :audit0 AND table_name = 'fund_transfer'), '4.25', 'the new row holds the exact amount');
SELECT is((SELECT count(DISTINCT transaction_id)::int FROM audit_log WHERE id > :audit0), 1, 'the records of one transaction share its id');
SELECT is((SELECT transaction_id::text FROM audit_log WHERE id > :audit0 LIMIT 1), :'xact', 'and it is the transaction that made the changes');
SELECT ok((SELECT bool_and(changed_at = now()) FROM audit_log WHERE id > :audit0), 'changed_at is the time of the transaction');

-- SET ROLE is recorded as well as the login ----------------------------------------------
SELECT max(id) AS audit1 FROM audit_log \gset
SET ROLE pa_t_clerk_a;
UPDATE household SET members = 6 WHERE id = 900001;
RESET ROLE;
SELECT results_eq(format($$SELECT role_name::text COLLATE "default", session_user_name::text COLLATE "default" FROM poverty_aid.audit_log WHERE id > %s$$, :audit1),
  $$VALUES ('pa_t_clerk_a', 'postgres')$$, 'a change under SET ROLE records the role and the login');

-- One statement, many rows: one record per row ----------------------------------------------
SELECT max(id) AS audit_bulk FROM audit_log \gset
SET SESSION AUTHORIZATION pa_t_clerk_a;
INSERT INTO household (id, household_no, village_code, members, registered_on)
  SELECT 900100 + g, 'HA-B' || g, '621027100001', g, '2020-01-01' FROM generate_series(1, 3) g;
UPDATE household SET members = members + 1 WHERE id BETWEEN 900101 AND 900103;
DELETE FROM household WHERE id BETWEEN 900101 AND 900103;
DELETE FROM household WHERE id = -1;
RESET SESSION AUTHORIZATION;
SELECT results_eq(
  format($$SELECT operation, row_id, old_row ->> 'members', new_row ->> 'members', role_name::text COLLATE "default"
             FROM poverty_aid.audit_log WHERE id > %s ORDER BY operation, row_id$$, :audit_bulk),
  $$VALUES ('DELETE', 900101::bigint, '2', NULL, 'pa_t_clerk_a'), ('DELETE', 900102, '3', NULL, 'pa_t_clerk_a'), ('DELETE', 900103, '4', NULL, 'pa_t_clerk_a'),
           ('INSERT', 900101, NULL, '1', 'pa_t_clerk_a'), ('INSERT', 900102, NULL, '2', 'pa_t_clerk_a'), ('INSERT', 900103, NULL, '3', 'pa_t_clerk_a'),
           ('UPDATE', 900101, '1', '2', 'pa_t_clerk_a'), ('UPDATE', 900102, '2', '3', 'pa_t_clerk_a'), ('UPDATE', 900103, '3', '4', 'pa_t_clerk_a')$$,
  'a statement that changes three rows leaves three records, each with its old and new row; a statement that changes none leaves none');

-- A failed change leaves no record ---------------------------------------------------------
SELECT max(id) AS audit2 FROM audit_log \gset
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT throws_ok($$INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on) VALUES ('HB-9', '653222100001', 1, '2020-01-01')$$,
  '42501', NULL, 'a refused insert ...');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM audit_log WHERE id > :audit2), 0, '... leaves no audit record');

-- Access changes are audited -----------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name = 'role_profile' AND operation = 'INSERT' AND new_row ->> 'role' = 'pa_t_clerk_a'), 1,
  'grant_profile() is in the audit trail');
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name = 'region_assignment' AND new_row ->> 'region_code' = '653222000000'), 1,
  'region assignments are in the audit trail');

-- Viewer, admin and even the owner ---------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_viewer;
SELECT throws_ok($$SELECT count(*) FROM poverty_aid.audit_log$$, '42501', NULL, 'a viewer cannot read the audit trail');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION pa_t_admin;
SELECT ok((SELECT count(*) FROM poverty_aid.audit_log) > 0, 'an admin reads the audit trail');
SELECT throws_ok($$UPDATE poverty_aid.audit_log SET role_name = 'x'$$, '42501', NULL, 'an admin cannot change audit records');
SELECT throws_ok($$DELETE FROM poverty_aid.audit_log$$, '42501', NULL, 'an admin cannot delete audit records');
SELECT throws_ok($$INSERT INTO poverty_aid.audit_log (role_name, table_name, operation) VALUES ('x', 'household', 'DELETE')$$, '42501', NULL, 'an admin cannot forge audit records');
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$DELETE FROM poverty_aid.audit_log$$, '42501', 'audit records cannot be changed or deleted', 'even the owner cannot delete audit records');
SELECT throws_ok($$UPDATE poverty_aid.audit_log SET role_name = 'x'$$, '42501', 'audit records cannot be changed or deleted', 'even the owner cannot change audit records');
SELECT throws_ok($$TRUNCATE poverty_aid.audit_log$$, '42501', 'audit records cannot be changed or deleted', 'even the owner cannot truncate the audit trail');
SELECT max(id) AS audit3 FROM audit_log \gset
TRUNCATE fund_transfer;
SELECT results_eq(format($$SELECT table_name, operation FROM poverty_aid.audit_log WHERE id > %s$$, :audit3),
  $$VALUES ('fund_transfer', 'TRUNCATE')$$, 'a TRUNCATE (by the owner) is recorded');

SELECT * FROM finish();
ROLLBACK;
