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

