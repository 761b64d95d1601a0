-- Security: access profiles, region assignments and row-level security,
-- masking of personal data and the audit trail.
--
-- Roles are created by the administrator, never by the extension: roles are
-- cluster-wide and would outlive DROP EXTENSION and clash between databases.
-- grant_profile() grants one of three profiles (viewer, clerk, admin)
-- directly to an existing role and records it in role_profile; the policies
-- below read role_profile and region_assignment to decide which rows a role
-- may see and change.

-- Profiles and assignments -------------------------------------------------

CREATE TABLE @extschema@.role_profile (
  role       regrole PRIMARY KEY,
  profile    text NOT NULL
             CONSTRAINT role_profile_known CHECK (profile IN ('viewer', 'clerk', 'admin')),
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE @extschema@.role_profile IS
  'Access profile of each role, written by grant_profile(): viewer (views and reports, no personal data), clerk (reads and writes operational rows inside its assigned regions), admin (everything)';
COMMENT ON COLUMN @extschema@.role_profile.role IS 'The role (created by the administrator) that holds the profile';
COMMENT ON COLUMN @extschema@.role_profile.profile IS 'viewer, clerk or admin';
COMMENT ON COLUMN @extschema@.role_profile.granted_by IS 'Session user that granted the profile';
COMMENT ON COLUMN @extschema@.role_profile.granted_at IS 'When the profile was granted';

CREATE TABLE @extschema@.region_assignment (
  role        regrole NOT NULL REFERENCES @extschema@.role_profile (role) ON DELETE CASCADE,
  region_code text NOT NULL REFERENCES @extschema@.region (code),
  PRIMARY KEY (role, region_code)
);
CREATE INDEX region_assignment_region_code_idx ON @extschema@.region_assignment (region_code);
COMMENT ON TABLE @extschema@.region_assignment IS
  'Region subtrees assigned to a role: a clerk reads and writes only rows inside them; a viewer with assignments reads only inside them';
COMMENT ON COLUMN @extschema@.region_assignment.role IS 'The role the subtree is assigned to';
COMMENT ON COLUMN @extschema@.region_assignment.region_code IS
  'Root of the assigned subtree (a province, prefecture, county, township or village)';

CREATE TABLE @extschema@.helper_assignment (
  role      regrole NOT NULL REFERENCES @extschema@.role_profile (role) ON DELETE CASCADE,
  helper_id bigint NOT NULL REFERENCES @extschema@.helper (id),
  PRIMARY KEY (role, helper_id)
);
CREATE INDEX helper_assignment_helper_id_idx ON @extschema@.helper_assignment (helper_id);
COMMENT ON TABLE @extschema@.helper_assignment IS
  'Helpers whose staff a role is: a role with helper assignments reads and writes only the pairings of those helpers (inside its regions)';
COMMENT ON COLUMN @extschema@.helper_assignment.role IS 'The role limited to the helper''s pairings';

-- Access scopes --------------------------------------------------------------
--
-- A scope is an array of region codes, or NULL for "every region".  The
-- policies compute it once per query with a scalar subquery,
-- (SELECT region_read_scope(current_user)), and test each row with the C
-- functions region_in_scope() and region_touches_scope().  The scope
-- functions are SECURITY DEFINER (they read role_profile, which ordinary
-- roles cannot) and answer only for roles the session user is a member of,
-- so a user cannot learn another role's assignments by calling them.

CREATE FUNCTION @extschema@.region_in_scope(code text, scope text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_in_scope'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_in_scope(text, text[]) IS
  'Whether a region lies inside one of the subtrees of a scope; true for every code when the scope is NULL, false for a NULL code';

CREATE FUNCTION @extschema@.region_touches_scope(code text, scope text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_touches_scope'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_touches_scope(text, text[]) IS
  'Whether a region lies inside a subtree of a scope or above one (its province or prefecture); true for every code when the scope is NULL';

-- The profiled roles whose privileges "member" can use, when the session
-- user may act as "member"; the building block of the scope functions.
CREATE FUNCTION @extschema@.usable_profiles(member name)
  RETURNS TABLE (role regrole, profile text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT p.role, p.profile
    FROM @extschema@.role_profile p
    JOIN pg_catalog.pg_roles r ON r.oid = p.role
   WHERE pg_catalog.pg_has_role(session_user, member, 'MEMBER')
     AND pg_catalog.pg_has_role(member, r.oid, 'USAGE');
END;
COMMENT ON FUNCTION @extschema@.usable_profiles(name) IS
  'Profiles whose privileges a role can use (its own and those of roles it inherits from); empty unless the session user is a member of that role';

CREATE FUNCTION @extschema@.profile_of(member name DEFAULT current_user) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT CASE
           WHEN bool_or(u.profile = 'admin') THEN 'admin'
           WHEN bool_or(u.profile = 'clerk') THEN 'clerk'
           WHEN bool_or(u.profile = 'viewer') THEN 'viewer'
         END
    FROM @extschema@.usable_profiles(member) u;
END;
COMMENT ON FUNCTION @extschema@.profile_of(name) IS
  'The strongest profile a role can use (admin, clerk, viewer), or NULL; e.g. SELECT poverty_aid.profile_of()';

CREATE FUNCTION @extschema@.region_read_scope(member name) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           WHEN EXISTS (SELECT 1 FROM usable u WHERE u.profile = 'viewer'
                          AND NOT EXISTS (SELECT 1 FROM @extschema@.region_assignment a
                                           WHERE a.role = u.role)) THEN NULL
           ELSE coalesce((SELECT array_agg(DISTINCT a.region_code ORDER BY a.region_code)
                            FROM @extschema@.region_assignment a
                            JOIN usable u ON u.role = a.role), '{}')
         END;
END;
COMMENT ON FUNCTION @extschema@.region_read_scope(name) IS
  'Region subtrees a role may read: NULL (all) for admin and for a viewer without assignments, else the union of its assignments (empty: nothing)';

CREATE FUNCTION @extschema@.region_write_scope(member name) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           ELSE coalesce((SELECT array_agg(DISTINCT a.region_code ORDER BY a.region_code)
                            FROM @extschema@.region_assignment a
                            JOIN usable u ON u.role = a.role AND u.profile = 'clerk'), '{}')
         END;
END;
COMMENT ON FUNCTION @extschema@.region_write_scope(name) IS
  'Region subtrees a role may write: NULL (all) for admin, else the assignments of its clerk profiles (empty: nothing)';

CREATE FUNCTION @extschema@.helper_scope(member name) RETURNS bigint[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           ELSE (SELECT array_agg(DISTINCT h.helper_id ORDER BY h.helper_id)
                   FROM @extschema@.helper_assignment h
                   JOIN usable u ON u.role = h.role)
         END;
END;
COMMENT ON FUNCTION @extschema@.helper_scope(name) IS
  'Helpers whose pairings a role is limited to, or NULL when it is not limited to any helper';

-- Row-level security ---------------------------------------------------------
--
-- Every table whose rows belong to a region gets four policies: _read (FOR
-- SELECT, the read scope), and _insert, _update, _delete (the write scope).
-- Rows bound to a region through a household, fund or project follow that
-- row.  Table privileges (granted by grant_profile) decide which commands a
-- role may run at all; the policies decide on which rows.  The table owner
-- (the superuser that created the extension) bypasses them, as do
-- superusers; TRUNCATE, which bypasses row security, is granted to nobody.

DO $policies$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  helper_ok   CONSTANT text := '((SELECT @extschema@.helper_scope(CURRENT_USER)) IS NULL'
                               ' OR helper_id = ANY ((SELECT @extschema@.helper_scope(CURRENT_USER))::bigint[]))';
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      -- table, read condition, write condition (%1$s = the scope), what binds a row to a region
      ('region',
       '@extschema@.region_touches_scope(code, %1$s)',
       '@extschema@.region_in_scope(code, %1$s)',
       'its code; a restricted role also reads the provinces and prefectures above its subtrees'),
      ('region_population', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('poverty_listing', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('household', '@extschema@.region_in_scope(village_code, %1$s)', NULL, 'village_code'),
      ('fund', '@extschema@.region_in_scope(recipient_region_code, %1$s)', NULL, 'recipient_region_code'),
      -- A row may reference only rows its writer can read: a project's fund
      -- plan and a job's person (the foreign keys alone would accept another
      -- county's, an existence oracle that also blocks that county's deletes).
      ('project', '@extschema@.region_in_scope(region_code, %1$s)',
       '@extschema@.region_in_scope(region_code, %1$s)'
         ' AND (project.fund_id IS NULL OR EXISTS (SELECT 1 FROM @extschema@.fund f WHERE f.id = project.fund_id))',
       'region_code; its fund plan must be one the writer can read'),
      ('consumption_sale', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('target',
       '(region_code IS NULL OR @extschema@.region_touches_scope(region_code, %1$s))',
       '@extschema@.region_in_scope(region_code, %1$s)',
       'region_code; targets for the whole register (NULL) and for regions above a subtree are readable'),
      ('indicator_snapshot',
       '(region_code IS NULL OR @extschema@.region_touches_scope(region_code, %1$s))',
       '@extschema@.region_in_scope(region_code, %1$s)',
       'region_code; snapshots of the whole register (NULL) and of regions above a subtree are readable'),
      ('household_income',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = household_income.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'the household'),
      ('person',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = person.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'the household'),
      ('employment',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = employment.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))'
         ' AND (employment.person_id IS NULL OR EXISTS (SELECT 1 FROM @extschema@.person p WHERE p.id = employment.person_id))',
       'the household; its person must be one the writer can read'),
      ('fund_transfer',
       '(%1$s IS NULL OR fund_id IN (SELECT f.id FROM @extschema@.fund f))',
       'EXISTS (SELECT 1 FROM @extschema@.fund f WHERE f.id = fund_transfer.fund_id'
         ' AND @extschema@.region_in_scope(f.recipient_region_code, %1$s))',
       'the fund plan (its recipient region)'),
      ('project_beneficiary',
       '(%1$s IS NULL OR (project_id IN (SELECT p.id FROM @extschema@.project p)'
         ' AND household_id IN (SELECT h.id FROM @extschema@.household h)))',
       'EXISTS (SELECT 1 FROM @extschema@.project p WHERE p.id = project_beneficiary.project_id'
         ' AND @extschema@.region_in_scope(p.region_code, %1$s))'
         ' AND EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = project_beneficiary.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'both the project and the household'),
      ('pairing',
       '(@extschema@.region_in_scope(target_region_code, %1$s)'
         ' OR (target_household_id IS NOT NULL AND (%1$s IS NULL'
         '     OR target_household_id IN (SELECT h.id FROM @extschema@.household h))))'
         ' AND ' || helper_ok,
       '(@extschema@.region_in_scope(target_region_code, %1$s)'
         ' OR EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = pairing.target_household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s)))'
         ' AND ' || helper_ok,
       'the target region or household; a role with helper assignments sees only those helpers'' pairings')
    ) AS v(tab, read_cond, write_cond, bound_by)
  LOOP
    EXECUTE format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t.tab);
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR SELECT USING (%s)',
                   t.tab || '_read', t.tab, format(t.read_cond, read_scope));
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

-- Personal data --------------------------------------------------------------
--
-- person.name and person.resident_id are readable only by admin: the other
-- profiles get column privileges without them (grant_profile), so every
-- route to them (SELECT *, a whole-row reference, a security_invoker view,
-- COPY, pg_stats) ends in a permission error or shows nothing.  Clerks, who
-- must recognise the people they register, read person_masked instead.

CREATE VIEW @extschema@.person_masked WITH (security_barrier) AS
SELECT p.id,
       p.household_id,
       pg_catalog.left(p.name, 1) || pg_catalog.repeat('*', GREATEST(pg_catalog.char_length(p.name) - 1, 1)) AS name_masked,
       @extschema@.resident_id_mask(p.resident_id) AS resident_id_masked,
       p.relation,
       p.is_labour
  FROM @extschema@.person p
  JOIN @extschema@.household h ON h.id = p.household_id
 WHERE @extschema@.region_in_scope(h.village_code,
                                   (SELECT @extschema@.region_read_scope(CURRENT_USER)));
COMMENT ON VIEW @extschema@.person_masked IS
  'Members of households with their name and resident ID masked (first character of the name; the 6-digit region part of the ID), limited to the reader''s regions; for clerks, who may not read person.name or person.resident_id';
COMMENT ON COLUMN @extschema@.person_masked.name_masked IS 'First character of the name, the rest replaced by *';
COMMENT ON COLUMN @extschema@.person_masked.resident_id_masked IS 'The resident ID with everything after its 6-digit region code replaced by *';
COMMENT ON COLUMN @extschema@.person_masked.relation IS 'Relation to the head of household';
COMMENT ON COLUMN @extschema@.person_masked.is_labour IS 'Whether the person is of working age and able to work';

-- A role that may write resident IDs but not read them (a clerk) could
-- learn a full ID from the (household_id, resident_id) unique key: INSERT
-- ... ON CONFLICT DO NOTHING of candidate IDs silently skips the one that
-- exists.  For such a role a duplicate is refused before the key is
-- consulted, with an error instead of a silent skip, and every refusal is
-- written to the server log, which a rollback does not undo.  Roles that
-- can read the column (admin, the owner) learn nothing and are not checked.
CREATE FUNCTION @extschema@.person_resident_id_guard() RETURNS trigger
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

-- Audit ----------------------------------------------------------------------

CREATE TABLE @extschema@.audit_log (
  id               bigserial PRIMARY KEY,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  logged_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  transaction_id   xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
  session_user_name name NOT NULL DEFAULT session_user,
  role_name        name NOT NULL,
  client_addr      inet DEFAULT pg_catalog.inet_client_addr(),
  application_name text DEFAULT pg_catalog.current_setting('application_name'),
  table_name       text NOT NULL,
  operation        text NOT NULL
                   CONSTRAINT audit_log_operation_known CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  row_id           bigint,
  old_row          jsonb,
  new_row          jsonb
);
CREATE INDEX audit_log_table_row_idx ON @extschema@.audit_log (table_name, row_id);
CREATE INDEX audit_log_changed_at_idx ON @extschema@.audit_log (changed_at);
COMMENT ON TABLE @extschema@.audit_log IS
  'Append-only trail of every insert, update, delete and truncate on household, person, pairing, fund, fund_transfer, the exit assessment tables, the monitoring tables and the access tables: who, when, old and new row. Readable by admin only; nobody can update or delete it';
COMMENT ON COLUMN @extschema@.audit_log.changed_at IS 'Start of the transaction that made the change';
COMMENT ON COLUMN @extschema@.audit_log.logged_at IS 'Wall-clock time the change was recorded';
COMMENT ON COLUMN @extschema@.audit_log.transaction_id IS 'Transaction that made the change: the rows of one transaction share it';
COMMENT ON COLUMN @extschema@.audit_log.session_user_name IS 'Login (session user) that made the change';
COMMENT ON COLUMN @extschema@.audit_log.role_name IS 'Role the change was made as: the SET ROLE in effect, else the login';
COMMENT ON COLUMN @extschema@.audit_log.client_addr IS 'Client address (NULL over a Unix socket)';
COMMENT ON COLUMN @extschema@.audit_log.application_name IS 'application_name of the session';
COMMENT ON COLUMN @extschema@.audit_log.table_name IS 'Table changed, without the schema';
COMMENT ON COLUMN @extschema@.audit_log.operation IS 'INSERT, UPDATE, DELETE or TRUNCATE';
COMMENT ON COLUMN @extschema@.audit_log.row_id IS 'id of the changed row, for tables keyed by id';
COMMENT ON COLUMN @extschema@.audit_log.old_row IS 'The row before the change (UPDATE, DELETE), as JSON';
COMMENT ON COLUMN @extschema@.audit_log.new_row IS 'The row after the change (INSERT, UPDATE), as JSON';

-- Who is changing data: the SET ROLE in effect, else the login.  (Inside
-- this SECURITY DEFINER trigger current_user is the extension's owner.)
CREATE FUNCTION @extschema@.audit_row_change() RETURNS trigger
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

DO $audit$
DECLARE
  tab text;
BEGIN
  FOREACH tab IN ARRAY ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer',
                             'role_profile', 'region_assignment', 'helper_assignment']
  LOOP
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON @extschema@.%I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER UPDATE ON @extschema@.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON @extschema@.%I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.%I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
  END LOOP;
END
$audit$;

CREATE FUNCTION @extschema@.audit_log_append_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  RAISE EXCEPTION 'audit records cannot be changed or deleted'
    USING ERRCODE = 'insufficient_privilege',
          DETAIL = pg_catalog.format('%s on %s was refused.', TG_OP, TG_TABLE_NAME),
          HINT = 'The audit trail is append-only; a superuser can archive it with session_replication_role = replica.';
END
$$;
COMMENT ON FUNCTION @extschema@.audit_log_append_only() IS
  'Trigger: refuses every UPDATE, DELETE and TRUNCATE of audit_log, even by its owner';
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON @extschema@.audit_log
  FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON @extschema@.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_log_append_only();

-- Granting profiles ------------------------------------------------------------

-- The privileges each profile consists of, computed from the catalogue so
-- that views added later are covered.
CREATE FUNCTION @extschema@.profile_privileges(profile text)
  RETURNS TABLE (object_type text, object_name text, privileges text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  data_tables CONSTANT text[] := ARRAY[
    'region', 'region_population', 'poverty_listing', 'household', 'household_income',
    'poverty_line', 'person', 'helper', 'pairing', 'fund', 'fund_transfer', 'project',
    'project_beneficiary', 'employment', 'consumption_sale', 'target', 'job_run',
    'indicator_snapshot', 'assessment', 'assessment_household',
    'monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income', 'monitoring_candidate'];
  clerk_tables CONSTANT text[] := ARRAY[
    'region_population', 'poverty_listing', 'household', 'household_income', 'person',
    'pairing', 'fund', 'fund_transfer', 'project', 'project_beneficiary', 'employment',
    'consumption_sale', 'assessment', 'assessment_household',
    'monitored_household', 'monitoring_measure', 'monitoring_income'];
  access_tables CONSTANT text[] := ARRAY[
    'role_profile', 'region_assignment', 'helper_assignment', 'audit_log', 'bulk_load'];
  person_public CONSTANT text := 'id, household_id, relation, is_labour';
  schema_name CONSTANT text := '@extschema@';
BEGIN
  IF profile IS NULL OR profile NOT IN ('viewer', 'clerk', 'admin') THEN
    RAISE EXCEPTION 'invalid profile'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Profile %L is not one of viewer, clerk, admin.', profile);
  END IF;
  RETURN QUERY SELECT 'SCHEMA', quote_ident(schema_name), 'USAGE';
  -- Reads: every data table (person without its personal columns) and view.
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t),
           CASE WHEN t = 'person' AND profile <> 'admin' THEN 'SELECT (' || person_public || ')'
                ELSE 'SELECT' END
      FROM unnest(data_tables) t;
  RETURN QUERY
    SELECT 'TABLE', c.oid::regclass::text, 'SELECT'
      FROM pg_class c
     WHERE c.relnamespace = schema_name::regnamespace AND c.relkind IN ('v', 'm')
       AND (c.relname <> 'person_masked' OR profile <> 'viewer')
     ORDER BY c.relname;
  IF profile = 'viewer' THEN
    RETURN;
  END IF;
  -- Writes: the operational tables for clerks, every data table for admin.
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t), 'INSERT, UPDATE, DELETE'
      FROM unnest(CASE profile WHEN 'admin' THEN data_tables ELSE clerk_tables END) t;
  RETURN QUERY
    SELECT 'SEQUENCE', s.oid::regclass::text, 'USAGE'
      FROM pg_class s
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'a'
      JOIN pg_class t ON t.oid = d.refobjid
     WHERE s.relkind = 'S' AND t.relnamespace = schema_name::regnamespace
       AND t.relname = ANY (CASE profile WHEN 'admin' THEN data_tables || 'bulk_load'::text
                                         ELSE clerk_tables || 'bulk_load'::text END)
     ORDER BY s.relname;
  RETURN QUERY SELECT 'TABLE', quote_ident(schema_name) || '.bulk_load', 'SELECT, INSERT';
  RETURN QUERY SELECT 'FUNCTION', (quote_ident(schema_name) || '.load_csv(text, text, boolean)')::regprocedure::text, 'EXECUTE';
  IF profile = 'clerk' THEN
    RETURN;
  END IF;
  -- Admin: the access tables and audit trail (read only), and every routine
  -- that is not executable by PUBLIC (grant_profile() and friends).
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t), 'SELECT'
      FROM unnest(access_tables) t WHERE t <> 'bulk_load';
  RETURN QUERY
    SELECT 'ROUTINE', p.oid::regprocedure::text, 'EXECUTE'
      FROM pg_proc p
     WHERE p.pronamespace = schema_name::regnamespace AND p.prokind IN ('f', 'p')
       AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
       AND p.proname <> 'load_csv'
     ORDER BY 2;
END
$$;
COMMENT ON FUNCTION @extschema@.profile_privileges(text) IS
  'The privileges grant_profile() grants for a profile: object type, object and privileges (person without name and resident_id except for admin; no TRUNCATE for anyone)';

CREATE FUNCTION @extschema@.revoke_profile(role regrole) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  obj record;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  -- Every privilege on the extension's objects, whatever profile granted it.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM %s', role);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM %s', role);
  FOR obj IN
    SELECT p.oid::regprocedure AS routine FROM pg_proc p
     WHERE p.pronamespace = '@extschema@'::regnamespace AND p.prokind IN ('f', 'p')
  LOOP
    EXECUTE format('REVOKE ALL ON ROUTINE %s FROM %s', obj.routine, role);
  END LOOP;
  EXECUTE format('REVOKE ALL ON SCHEMA @extschema@ FROM %s', role);
  DELETE FROM @extschema@.role_profile p WHERE p.role = revoke_profile.role;
END
$$;
COMMENT ON FUNCTION @extschema@.revoke_profile(regrole) IS
  'Takes away a role''s profile, its region and helper assignments and every privilege on the extension''s objects (needed before DROP ROLE). Admin only';

CREATE FUNCTION @extschema@.grant_profile(role regrole, profile text, region_codes text[] DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  priv record;
  code text;
  old_regions text[];
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF (SELECT r.rolname FROM pg_roles r WHERE r.oid = role) LIKE 'pg\_%' THEN
    RAISE EXCEPTION 'cannot grant a profile to predefined role %', role
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM @extschema@.profile_privileges(profile);		-- validates the profile
  -- Regrant from scratch, keeping the region assignments.
  SELECT array_agg(a.region_code) INTO old_regions
    FROM @extschema@.region_assignment a WHERE a.role = grant_profile.role;
  PERFORM @extschema@.revoke_profile(role);
  INSERT INTO @extschema@.role_profile (role, profile) VALUES (role, profile);
  FOR priv IN SELECT * FROM @extschema@.profile_privileges(profile) LOOP
    EXECUTE format('GRANT %s ON %s %s TO %s',
                   priv.privileges, priv.object_type, priv.object_name, role);
  END LOOP;
  FOREACH code IN ARRAY coalesce(old_regions, '{}') || coalesce(region_codes, '{}') LOOP
    PERFORM @extschema@.assign_region(role, code);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_profile(regrole, text, text[]) IS
  'Grants an existing role one profile: viewer (views and reports, no personal data), clerk (reads and writes operational rows inside its assigned regions; personal data write-only, masked in person_masked) or admin (everything, the audit trail read-only); replaces the role''s previous profile and adds the given region assignments. Executable by superusers and admins';

CREATE FUNCTION @extschema@.assign_region(role regrole, region_code text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.role_profile p WHERE p.role = assign_region.role) THEN
    RAISE EXCEPTION 'role % has no profile', role
      USING ERRCODE = 'foreign_key_violation', HINT = 'Call grant_profile() first.';
  END IF;
  INSERT INTO @extschema@.region_assignment (role, region_code)
  VALUES (role, @extschema@.region_code(region_code))
  ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.assign_region(regrole, text) IS
  'Assigns a region subtree (a code given as 6, 9 or 12 digits that is in poverty_aid.region) to a role with a profile. Admin only';

CREATE FUNCTION @extschema@.unassign_region(role regrole, region_code text) RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.region_assignment a
     WHERE a.role = unassign_region.role
       AND a.region_code = @extschema@.region_code(unassign_region.region_code)
    RETURNING 1)
  SELECT count(*) > 0 FROM gone;
END;
COMMENT ON FUNCTION @extschema@.unassign_region(regrole, text) IS
  'Removes a region assignment; true if there was one. Admin only';

CREATE FUNCTION @extschema@.assign_helper(role regrole, helper_id bigint) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.role_profile p WHERE p.role = assign_helper.role) THEN
    RAISE EXCEPTION 'role % has no profile', role
      USING ERRCODE = 'foreign_key_violation', HINT = 'Call grant_profile() first.';
  END IF;
  INSERT INTO @extschema@.helper_assignment (role, helper_id) VALUES (role, helper_id)
  ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.assign_helper(regrole, bigint) IS
  'Limits a role to the pairings of a helper (the role is that helper''s staff); several helpers may be assigned. Admin only';

CREATE FUNCTION @extschema@.unassign_helper(role regrole, helper_id bigint) RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.helper_assignment a
     WHERE a.role = unassign_helper.role AND a.helper_id = unassign_helper.helper_id
    RETURNING 1)
  SELECT count(*) > 0 FROM gone;
END;
COMMENT ON FUNCTION @extschema@.unassign_helper(regrole, bigint) IS
  'Removes a helper assignment; true if there was one. Admin only';

-- Nothing that changes access or reads the access tables is executable by
-- PUBLIC; grant_profile(..., 'admin') grants these to admins.  The scope
-- functions stay executable by PUBLIC: every policy calls them, and they
-- answer only about roles the session user is a member of.
REVOKE EXECUTE ON FUNCTION @extschema@.grant_profile(regrole, text, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_profile(regrole) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.assign_region(regrole, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unassign_region(regrole, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.assign_helper(regrole, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unassign_helper(regrole, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.audit_row_change() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.audit_log_append_only() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.person_resident_id_guard() FROM PUBLIC;

-- pg_dump keeps the access tables and the audit trail.  Role names are
-- dumped as names (regrole), so restore into a cluster where they exist.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.role_profile', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.region_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.helper_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');
