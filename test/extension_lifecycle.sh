#!/usr/bin/env bash
# CREATE EXTENSION and DROP EXTENSION in a fresh database leave nothing
# behind: every catalogue is as it was before, once the schema the control
# file names (created by CREATE EXTENSION, and so not a member) is dropped.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_lifecycle
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null
sql postgres "CREATE DATABASE $DB TEMPLATE template0"

# One line per catalogue: its name and a hash of its rows' identities.
signature() {
	sql "$DB" "
	SELECT string_agg(format('%s %s %s', cat, n, h), E'\n' ORDER BY cat) FROM (
	  SELECT 'pg_class' AS cat, count(*) AS n, md5(string_agg(relname || relnamespace::regnamespace::text, ',' ORDER BY relname, relnamespace::regnamespace::text)) AS h FROM pg_class
	  UNION ALL SELECT 'pg_proc', count(*), md5(string_agg(oid::regprocedure::text, ',' ORDER BY oid::regprocedure::text)) FROM pg_proc
	  UNION ALL SELECT 'pg_type', count(*), md5(string_agg(typname || typnamespace::regnamespace::text, ',' ORDER BY typname, typnamespace::regnamespace::text)) FROM pg_type
	  UNION ALL SELECT 'pg_namespace', count(*), md5(string_agg(nspname, ',' ORDER BY nspname)) FROM pg_namespace
	  UNION ALL SELECT 'pg_operator', count(*), NULL FROM pg_operator
	  UNION ALL SELECT 'pg_opclass', count(*), NULL FROM pg_opclass
	  UNION ALL SELECT 'pg_aggregate', count(*), NULL FROM pg_aggregate
	  UNION ALL SELECT 'pg_cast', count(*), NULL FROM pg_cast
	  UNION ALL SELECT 'pg_extension', count(*), md5(string_agg(extname, ',' ORDER BY extname)) FROM pg_extension
	  UNION ALL SELECT 'pg_trigger', count(*), NULL FROM pg_trigger
	  UNION ALL SELECT 'pg_event_trigger', count(*), NULL FROM pg_event_trigger
	  UNION ALL SELECT 'pg_constraint', count(*), NULL FROM pg_constraint
	  UNION ALL SELECT 'pg_policy', count(*), NULL FROM pg_policy
	  UNION ALL SELECT 'pg_description', count(*), NULL FROM pg_description
	  UNION ALL SELECT 'pg_depend', count(*), NULL FROM pg_depend
	  UNION ALL SELECT 'pg_init_privs', count(*), NULL FROM pg_init_privs
	  UNION ALL SELECT 'pg_authid', count(*), md5(string_agg(rolname, ',' ORDER BY rolname)) FROM pg_authid
	  UNION ALL SELECT 'pg_default_acl', count(*), NULL FROM pg_default_acl
	) s"
}

before=$(signature)
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
ok $? "CREATE EXTENSION poverty_aid CASCADE in a fresh database"
is "$(sql "$DB" "SELECT extversion FROM pg_extension WHERE extname = 'poverty_aid'")" "1.1" "version 1.1 (the default) is installed"
is "$(sql "$DB" "SELECT count(*) > 40 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'poverty_aid' AND d.deptype = 'e'")" "t" "the extension owns its objects"

sql "$DB" "DROP EXTENSION poverty_aid" >/dev/null
ok $? "DROP EXTENSION poverty_aid"
is "$(sql "$DB" "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'poverty_aid'")" "0" "no relation is left in schema poverty_aid"
is "$(sql "$DB" "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'poverty_aid'")" "0" "no function is left in schema poverty_aid"
is "$(sql "$DB" "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'poverty_aid'")" "0" "no type is left in schema poverty_aid"
sql "$DB" "DROP SCHEMA poverty_aid RESTRICT" >/dev/null
ok $? "the schema is empty: DROP SCHEMA without CASCADE succeeds"
sql "$DB" "DROP EXTENSION btree_gist" >/dev/null
ok $? "DROP EXTENSION btree_gist (installed by CASCADE)"
after=$(signature)
is "$after" "$before" "every catalogue is as it was before CREATE EXTENSION"

# Create and drop twice more: nothing accumulates.
for round in 1 2; do
	sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1 &&
		sql "$DB" "DROP EXTENSION poverty_aid" >/dev/null &&
		sql "$DB" "DROP SCHEMA poverty_aid" >/dev/null &&
		sql "$DB" "DROP EXTENSION btree_gist" >/dev/null
	ok $? "create and drop again (round $round)"
done
is "$(signature)" "$before" "catalogues unchanged after repeated create and drop"

sql postgres "DROP DATABASE $DB" >/dev/null
done_testing
