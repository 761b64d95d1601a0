-- Access model: profiles, region assignments and row-level security, tested
-- as the roles themselves (SET SESSION AUTHORIZATION, so session_user is the
-- role, as for a real login).  A clerk of county A (Zhenyuan, 621027) can
-- neither read nor insert, update or delete rows of county B (Cele, 653222)
-- in any region-bound table.
BEGIN;
SELECT plan(104);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;

-- Keys of county B's rows in every region-bound table, and a fingerprint of
-- all the data, computed as the owner.
CREATE TEMP TABLE b_rows AS
  SELECT 'region' AS tab, code AS key FROM region WHERE code LIKE '653222%'
  UNION ALL SELECT 'region_population', region_code FROM region_population WHERE region_code LIKE '653222%'
  UNION ALL SELECT 'poverty_listing', id::text FROM poverty_listing WHERE region_code LIKE '653222%'
  UNION ALL SELECT 'household', id::text FROM household WHERE village_code LIKE '653222%'
  UNION ALL SELECT 'household_income', household_id::text FROM household_income WHERE household_id = 900003
  UNION ALL SELECT 'person', id::text FROM person WHERE household_id = 900003
  UNION ALL SELECT 'pairing', id::text FROM pairing WHERE id IN (900003, 900004)
  UNION ALL SELECT 'fund', id::text FROM fund WHERE recipient_region_code LIKE '653222%'
  UNION ALL SELECT 'fund_transfer', id::text FROM fund_transfer WHERE fund_id = 900002
  UNION ALL SELECT 'project', id::text FROM project WHERE region_code LIKE '653222%'
  UNION ALL SELECT 'project_beneficiary', project_id::text FROM project_beneficiary WHERE household_id = 900003
  UNION ALL SELECT 'employment', id::text FROM employment WHERE household_id = 900003
  UNION ALL SELECT 'consumption_sale', id::text FROM consumption_sale WHERE region_code LIKE '653222%'
  UNION ALL SELECT 'target', id::text FROM target WHERE region_code LIKE '653222%';
GRANT SELECT ON b_rows TO PUBLIC;
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
  SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
    SELECT 'h' || h::text AS t FROM poverty_aid.household h
    UNION ALL SELECT 'p' || p::text FROM poverty_aid.person p
    UNION ALL SELECT 'i' || i::text FROM poverty_aid.household_income i
    UNION ALL SELECT 'r' || r::text FROM poverty_aid.pairing r
    UNION ALL SELECT 'f' || f::text FROM poverty_aid.fund f
    UNION ALL SELECT 't' || t::text FROM poverty_aid.fund_transfer t
    UNION ALL SELECT 'j' || j::text FROM poverty_aid.project j
    UNION ALL SELECT 'b' || b::text FROM poverty_aid.project_beneficiary b
    UNION ALL SELECT 'e' || e::text FROM poverty_aid.employment e
    UNION ALL SELECT 'c' || c::text FROM poverty_aid.consumption_sale c
    UNION ALL SELECT 'l' || l::text FROM poverty_aid.poverty_listing l
    UNION ALL SELECT 'o' || o::text FROM poverty_aid.region_population o
    UNION ALL SELECT 'g' || g::text FROM poverty_aid.region g
    UNION ALL SELECT 'x' || x::text FROM poverty_aid.target x) s $$;
SELECT pg_temp.fingerprint() AS fp0 \gset
SELECT is((SELECT count(DISTINCT tab)::int FROM b_rows), 14, 'county B has rows in all 14 region-bound tables of the fixture');

-- Profiles -------------------------------------------------------------------
SELECT is(profile_of('pa_t_clerk_a'), 'clerk', 'profile_of: clerk');
SELECT is(profile_of('pa_t_viewer'), 'viewer', 'profile_of: viewer');
SELECT is(profile_of('pa_t_admin'), 'admin', 'profile_of: admin');
SELECT is(profile_of('pa_t_nobody'), NULL, 'profile_of: a role without a profile has none');
SELECT is(region_read_scope('pa_t_clerk_a'), ARRAY['621027000000'], 'clerk A reads county A');
SELECT is(region_write_scope('pa_t_viewer'), '{}'::text[], 'a viewer writes nowhere');
SELECT is(region_read_scope('pa_t_viewer'), NULL, 'a viewer without assignments reads every region');
SELECT is(region_write_scope('pa_t_admin'), NULL, 'an admin writes every region');

-- Clerk A reads county A and nothing of county B -------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT is(region_read_scope('pa_t_clerk_b'), '{}'::text[], 'clerk A cannot learn clerk B''s regions from the scope function');
SELECT is((SELECT count(*)::int FROM household), 2, 'clerk A reads the 2 households of county A');
SELECT is_empty($$SELECT 1 FROM region WHERE code IN (SELECT key FROM b_rows WHERE tab = 'region')$$, 'clerk A reads no region of county B');
SELECT is((SELECT count(*)::int FROM region), 6, 'clerk A reads county A''s subtree and the province and prefecture above it');
SELECT is_empty($$SELECT 1 FROM region_population WHERE region_code IN (SELECT key FROM b_rows WHERE tab = 'region_population')$$, 'clerk A reads no population of county B');
SELECT is_empty($$SELECT 1 FROM poverty_listing WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'poverty_listing')$$, 'clerk A reads no listing of county B');
SELECT is_empty($$SELECT 1 FROM household WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'household')$$, 'clerk A reads no household of county B');
SELECT is_empty($$SELECT 1 FROM household_income WHERE household_id::text IN (SELECT key FROM b_rows WHERE tab = 'household_income')$$, 'clerk A reads no income of county B');
SELECT is_empty($$SELECT 1 FROM person WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'person')$$, 'clerk A reads no person of county B');
SELECT is_empty($$SELECT 1 FROM pairing WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'pairing')$$, 'clerk A reads no pairing of county B (village or household target)');
SELECT is_empty($$SELECT 1 FROM fund WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'fund')$$, 'clerk A reads no fund plan of county B');
SELECT is_empty($$SELECT 1 FROM fund_transfer WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'fund_transfer')$$, 'clerk A reads no transfer of county B');
SELECT is_empty($$SELECT 1 FROM project WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'project')$$, 'clerk A reads no project of county B');
SELECT is_empty($$SELECT 1 FROM project_beneficiary WHERE project_id::text IN (SELECT key FROM b_rows WHERE tab = 'project_beneficiary')$$, 'clerk A reads no beneficiary of county B');
SELECT is_empty($$SELECT 1 FROM employment WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'employment')$$, 'clerk A reads no job of county B');
SELECT is_empty($$SELECT 1 FROM consumption_sale WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'consumption_sale')$$, 'clerk A reads no sale of county B');
SELECT is_empty($$SELECT 1 FROM target WHERE id::text IN (SELECT key FROM b_rows WHERE tab = 'target')$$, 'clerk A reads no target of county B');
SELECT is((SELECT count(*)::int FROM target), 2, 'clerk A reads county A''s target and the register-wide one');
SELECT is_empty($$SELECT 1 FROM person_masked WHERE household_id = 900003$$, 'clerk A reads no masked person of county B');
SELECT is((SELECT count(*)::int FROM fund_transfer), 1, 'clerk A reads county A''s transfer');

-- Clerk A cannot insert into county B ---------------------------------------------
SELECT throws_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('X1', '653222100001', 2, '2020-01-01')$$,
  '42501', NULL, 'clerk A cannot insert a household in county B');
SELECT throws_ok($$INSERT INTO person (household_id, name) VALUES (900003, '某人')$$, '42501', NULL, 'clerk A cannot insert a person into a household of county B');
SELECT throws_ok($$INSERT INTO household_income VALUES (900003, 2020, 1)$$, '42501', NULL, 'clerk A cannot insert an income of county B');
SELECT throws_ok($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (900001, '653222100001', 'other', '2020-01-01')$$,
  '42501', NULL, 'clerk A cannot pair a village of county B');
SELECT throws_ok($$INSERT INTO pairing (helper_id, target_household_id, kind, valid_from) VALUES (900001, 900003, 'cadre_household', '2020-01-01')$$,
  '42501', NULL, 'clerk A cannot pair a household of county B');
SELECT throws_ok($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('other', '653222000000', 2020, 'other', 1)$$,
  '42501', NULL, 'clerk A cannot plan funds for county B');
SELECT throws_ok($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (900002, 1, '2020-03-01')$$,
  '42501', NULL, 'clerk A cannot record a transfer of county B');
SELECT throws_ok($$INSERT INTO project (name, region_code, started_on) VALUES ('p', '653222000000', '2020-01-01')$$,
  '42501', NULL, 'clerk A cannot add a project in county B');
SELECT throws_ok($$INSERT INTO project_beneficiary VALUES (900001, 900003)$$, '42501', NULL, 'clerk A cannot add a county B household to her project');
SELECT throws_ok($$INSERT INTO employment (household_id, place, employed_on) VALUES (900003, 'local', '2020-01-01')$$,
  '42501', NULL, 'clerk A cannot record a job of county B');
SELECT throws_ok($$INSERT INTO consumption_sale (region_code, product, sold_on, amount) VALUES ('653222000000', 'x', '2020-01-01', 1)$$,
  '42501', NULL, 'clerk A cannot record a sale of county B');
SELECT throws_ok($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('653222100001', '2014-01-01')$$,
  '42501', NULL, 'clerk A cannot list a village of county B');
SELECT throws_ok($$INSERT INTO region_population VALUES ('653222000000', 2020, 1)$$, '42501', NULL, 'clerk A cannot set the population of county B');

-- ... nor update or delete county B's rows (they are invisible: 0 rows) ----------
SELECT is_empty($$UPDATE household SET members = 9 WHERE id = 900003 RETURNING id$$, 'clerk A updates no household of county B');
SELECT is_empty($$DELETE FROM household WHERE id = 900003 RETURNING id$$, 'clerk A deletes no household of county B');
SELECT is_empty($$UPDATE person SET relation = 'x' WHERE id = 900002 RETURNING id$$, 'clerk A updates no person of county B');
SELECT is_empty($$DELETE FROM person WHERE id = 900002 RETURNING id$$, 'clerk A deletes no person of county B');
SELECT is_empty($$UPDATE fund_transfer SET amount = 0 WHERE id = 900002 RETURNING id$$, 'clerk A updates no transfer of county B');
SELECT is_empty($$DELETE FROM fund_transfer WHERE id = 900002 RETURNING id$$, 'clerk A deletes no transfer of county B');
SELECT is_empty($$UPDATE pairing SET valid_to = '2030-01-01' WHERE id IN (900003, 900004) RETURNING id$$, 'clerk A updates no pairing of county B');
SELECT is_empty($$DELETE FROM fund WHERE id = 900002 RETURNING id$$, 'clerk A deletes no fund plan of county B');
SELECT is_empty($$UPDATE employment SET ended_on = '2030-01-01' WHERE id = 900002 RETURNING id$$, 'clerk A updates no job of county B');
SELECT is_empty($$DELETE FROM household_income WHERE household_id = 900003 RETURNING household_id$$, 'clerk A deletes no income of county B');
SELECT is_empty($$UPDATE consumption_sale SET amount = 0 WHERE id = 900002 RETURNING id$$, 'clerk A updates no sale of county B');
SELECT throws_ok($$UPDATE household SET village_code = '653222100001' WHERE id = 900001$$, '42501', NULL,
  'clerk A cannot move her household into county B');
SELECT throws_ok($$UPDATE fund SET recipient_region_code = '653222000000' WHERE id = 900001$$, '42501', NULL,
  'clerk A cannot move her fund plan to county B');
SELECT throws_ok($$TRUNCATE household CASCADE$$, '42501', NULL, 'clerk A cannot TRUNCATE (it would bypass row security)');
SELECT throws_ok($$INSERT INTO region (code, name) VALUES ('621027100003', 'x')$$, '42501', NULL, 'clerk A cannot change the region tree');
SELECT throws_ok($$INSERT INTO helper (name, kind) VALUES ('x', 'school')$$, '42501', NULL, 'clerk A cannot add helpers');
SELECT throws_ok($$UPDATE poverty_line SET line = 1$$, '42501', NULL, 'clerk A cannot change the poverty line');
SELECT throws_ok($$INSERT INTO indicator_snapshot (as_of, indicator, label, unit) VALUES ('2020-01-01', 'x', 'x', 'x')$$, '42501', NULL, 'clerk A cannot write snapshots');
SELECT throws_ok($$SELECT grant_profile('pa_t_clerk_a', 'admin')$$, '42501', NULL, 'clerk A cannot grant herself admin');
SELECT throws_ok($$SELECT assign_region('pa_t_clerk_a', '653222')$$, '42501', NULL, 'clerk A cannot assign herself county B');
SELECT throws_ok($$INSERT INTO region_assignment VALUES ('pa_t_clerk_a', '653222000000')$$, '42501', NULL, 'clerk A cannot write region assignments');
SELECT throws_ok($$SELECT * FROM role_profile$$, '42501', NULL, 'clerk A cannot read the profile table');

-- ... while her own county works normally --------------------------------------
SELECT lives_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('HA-9', '621027100002', 2, '2020-01-01')$$,
  'clerk A inserts a household in her county');
SELECT lives_ok($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (900001, 10.50, '2020-03-01')$$,
  'clerk A records a transfer of her county');
SELECT lives_ok($$INSERT INTO person (household_id, name, resident_id) VALUES (900002, '李四', '62102719800101002' || resident_id_check_character('62102719800101002'))$$,
  'clerk A registers a person with a resident ID in her county');
SELECT isnt_empty($$UPDATE household SET members = 5 WHERE id = 900001 RETURNING id$$, 'clerk A updates her household');
SELECT isnt_empty($$DELETE FROM household WHERE household_no = 'HA-9' RETURNING id$$, 'clerk A deletes her household');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT members FROM household WHERE id = 900003), 5, 'county B''s household is unchanged');
SELECT is((SELECT count(*)::int FROM fund_transfer WHERE fund_id = 900002), 1, 'county B''s transfer is still there');

-- Helper staff: only their helper's pairings --------------------------------------
SET SESSION AUTHORIZATION pa_t_staff_2;
SELECT results_eq($$SELECT id FROM pairing ORDER BY id$$, ARRAY[900002::bigint], 'staff of helper 2 read only helper 2''s pairing in county A');
SELECT throws_ok($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (900001, '621027100002', 'other', '2020-01-01')$$,
  '42501', NULL, 'staff of helper 2 cannot create a pairing for helper 1');
SELECT lives_ok($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (900002, '621027100002', 'enterprise_village', '2020-01-01')$$,
  'staff of helper 2 create a pairing for helper 2 in their region');
SELECT is_empty($$UPDATE pairing SET valid_to = '2030-01-01' WHERE id = 900001 RETURNING id$$, 'staff of helper 2 cannot update helper 1''s pairing');
RESET SESSION AUTHORIZATION;

-- Clerk B mirrors clerk A ---------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_b;
SELECT results_eq($$SELECT id FROM household ORDER BY id$$, ARRAY[900003::bigint], 'clerk B reads only county B''s household');
SELECT throws_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('X2', '621027100001', 2, '2020-01-01')$$,
  '42501', NULL, 'clerk B cannot insert a household in county A');
RESET SESSION AUTHORIZATION;

-- Viewer: reads every region, writes nothing ------------------------------------------
SET SESSION AUTHORIZATION pa_t_viewer;
SELECT is((SELECT count(*)::int FROM household), 3, 'the viewer reads the households of every county');
SELECT is((SELECT count(*)::int FROM fund_transfer), 3, 'the viewer reads every transfer');
SELECT throws_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('X3', '621027100001', 2, '2020-01-01')$$,
  '42501', NULL, 'the viewer cannot insert');
SELECT throws_ok($$UPDATE fund_transfer SET amount = 0$$, '42501', NULL, 'the viewer cannot update');
SELECT throws_ok($$DELETE FROM pairing$$, '42501', NULL, 'the viewer cannot delete');
SELECT throws_ok($$SELECT * FROM load_csv('household', 'household_no')$$, '42501', NULL, 'the viewer cannot bulk load');
RESET SESSION AUTHORIZATION;

-- A role without a profile reaches nothing --------------------------------------------
SET SESSION AUTHORIZATION pa_t_nobody;
SELECT throws_ok($$SELECT count(*) FROM poverty_aid.household$$, '42501', NULL, 'a role without a profile cannot read households');
SELECT throws_ok($$SELECT count(*) FROM poverty_aid.region$$, '42501', NULL, 'a role without a profile cannot read regions');
RESET SESSION AUTHORIZATION;

-- Admin: everything, and manages access --------------------------------------------------
SET SESSION AUTHORIZATION pa_t_admin;
SELECT is((SELECT count(*)::int FROM person WHERE resident_id IS NOT NULL), 3, 'the admin reads every person with the ID');
SELECT lives_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('X4', '653222100001', 2, '2020-01-01')$$,
  'the admin inserts in any county');
SELECT lives_ok($$SELECT assign_region('pa_t_clerk_a', '653222')$$, 'the admin assigns county B to clerk A as well');
SELECT is(region_write_scope('pa_t_clerk_a'), '{}'::text[], 'the admin cannot learn the scope of a role she is not a member of');
RESET SESSION AUTHORIZATION;
SELECT is(region_write_scope('pa_t_clerk_a'), ARRAY['621027000000', '653222000000'], 'clerk A now writes both counties');
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT is((SELECT count(*)::int FROM household WHERE village_code LIKE '653222%'), 2, 'clerk A now reads county B');
RESET SESSION AUTHORIZATION;
SELECT ok(unassign_region('pa_t_clerk_a', '653222000000'), 'unassign_region removes the assignment');
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT is((SELECT count(*)::int FROM household WHERE village_code LIKE '653222%'), 0, 'and clerk A no longer reads county B');
RESET SESSION AUTHORIZATION;

-- grant_profile() checks its arguments; revoke_profile() takes everything back ------------
SELECT throws_ok($$SELECT grant_profile('pa_t_nobody', 'superuser')$$, '22023', 'invalid profile', 'an unknown profile is refused');
SELECT throws_ok($$SELECT grant_profile('pg_read_all_data', 'viewer')$$, '22023', NULL, 'a predefined role cannot get a profile');
SELECT throws_ok($$SELECT grant_profile('pa_t_clerk_a', 'clerk', ARRAY['62102X'])$$, '22023', NULL, 'an invalid division code is refused');
SELECT throws_ok($$SELECT grant_profile('pa_t_clerk_a', 'clerk', ARRAY['110101'])$$, '23503', NULL, 'a region not in the register is refused');
SELECT throws_ok($$SELECT assign_region('pa_t_nobody', '621027')$$, '23503', NULL, 'a role without a profile cannot get regions');
SELECT lives_ok($$SELECT revoke_profile('pa_t_clerk_b')$$, 'revoke_profile');
SET SESSION AUTHORIZATION pa_t_clerk_b;
SELECT throws_ok($$SELECT count(*) FROM poverty_aid.household$$, '42501', NULL, 'after revoke_profile the clerk reads nothing');
RESET SESSION AUTHORIZATION;
SELECT lives_ok($$DROP ROLE pa_t_clerk_b$$, 'after revoke_profile the role can be dropped');
SELECT lives_ok($$SELECT grant_profile('pa_t_viewer', 'clerk', ARRAY['621027100001'])$$, 'a viewer can become a clerk of one village');
SET SESSION AUTHORIZATION pa_t_viewer;
SELECT results_eq($$SELECT id FROM household ORDER BY id$$, ARRAY[900001::bigint], 'a clerk of one village reads only its households');
RESET SESSION AUTHORIZATION;

SELECT is(pg_temp.fingerprint() <> :'fp0', true, 'sanity: the fingerprint sees the changes made above');
SELECT * FROM finish();
ROLLBACK;
