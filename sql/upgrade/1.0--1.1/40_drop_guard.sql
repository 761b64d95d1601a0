-- 40_drop_guard.sql: 1.1 adds the drop guard (sql/ext/60_drop_guard.sql,
-- src/drop_guard.c); 1.0 had none.  The same objects as a fresh install.

CREATE FUNCTION @extschema@.drop_guard() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'drop_guard' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.drop_guard() IS
'Event trigger function of poverty_aid_drop_guard: refuses DROP EXTENSION poverty_aid, DROP SCHEMA ... CASCADE, DROP EXTENSION ... CASCADE of a required extension and DROP OWNED that would drop the extension while a register table holds rows (55000), unless poverty_aid.allow_drop_register is on.';
REVOKE EXECUTE ON FUNCTION @extschema@.drop_guard() FROM PUBLIC;

CREATE EVENT TRIGGER poverty_aid_drop_guard ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED')
	EXECUTE FUNCTION @extschema@.drop_guard();
COMMENT ON EVENT TRIGGER poverty_aid_drop_guard IS
'Keeps the register from being dropped with its rows by accident: see poverty_aid.drop_guard() and the setting poverty_aid.allow_drop_register.';
