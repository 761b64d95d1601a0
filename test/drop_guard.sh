#!/usr/bin/env bash
# The drop guard: DROP EXTENSION poverty_aid, and every DROP that would
# cascade to it, fails with 55000 while a register table holds rows, unless a
# superuser has set poverty_aid.allow_drop_register = on; with an empty
# register, or once confirmed, the drop goes through.  Also after an update
# from 1.0.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_drop_guard
PSQL_V=("${POVERTY_AID_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose)

cleanup() {
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	for r in pa_guard_owner pa_guard_dbowner pa_guard_clerk; do
		sql postgres "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
	done
}
trap cleanup EXIT
cleanup

# outcome DB [ROLE] SQL: "ok", or the SQLSTATE of the error the SQL ends with.
outcome() {
	local db=$1 user=postgres out
	if [ $# -eq 3 ]; then user=$2; shift; fi
	if out=$("${PSQL_V[@]}" -U "$user" -d "$db" -c "$2" 2>&1); then
		echo ok
	else
		sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): .*/\1/p' <<<"$out" | head -1
	fi
}
# error_text DB SQL: the ERROR, DETAIL and HINT lines (without SQLSTATE and location).
error_text() {
	"${PSQL_V[@]}" -d "$1" -c "$2" 2>&1 | grep -E '^(ERROR|DETAIL|HINT):' | sed 's/^ERROR:  [0-9A-Z]\{5\}: /ERROR:  /'
}
fresh_db() {	# fresh_db [OWNER]: the database with the extension, register empty
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	sql postgres "CREATE DATABASE $DB TEMPLATE template0 ${1:+OWNER $1}" >/dev/null
	sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
}
installed() {
	sql "$DB" "SELECT count(*) FROM pg_extension WHERE extname = 'poverty_aid'"
}

# 1. The guard is a member of the extension and commented.
fresh_db
is "$(sql "$DB" "SELECT evtevent || ' ' || array_to_string(evttags, ',') || ' ' || evtfoid::regproc::text FROM pg_event_trigger e JOIN pg_depend d ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e' JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'poverty_aid' WHERE evtname = 'poverty_aid_drop_guard' AND evtenabled = 'O'")" \
	"ddl_command_start DROP EXTENSION,DROP SCHEMA,DROP OWNED poverty_aid.drop_guard" \
	"event trigger poverty_aid_drop_guard: a member of the extension, enabled, on ddl_command_start for DROP EXTENSION, DROP SCHEMA, DROP OWNED"
is "$(sql "$DB" "SELECT obj_description(oid, 'pg_event_trigger') IS NOT NULL FROM pg_event_trigger WHERE evtname = 'poverty_aid_drop_guard'")" "t" "the event trigger has a comment"
is "$(sql "$DB" "LOAD 'poverty_aid'; SELECT setting || ' ' || context FROM pg_settings WHERE name = 'poverty_aid.allow_drop_register'")" "off superuser" \
	"poverty_aid.allow_drop_register is off by default and superuser-only (once the library is loaded)"
is "$(outcome "$DB" "SELECT poverty_aid.drop_guard()")" "39P03" "the guard function cannot be called directly (39P03)"

# 2. Empty register: the drop goes through.
is "$(outcome "$DB" "DROP EXTENSION poverty_aid")" "ok" "empty register: DROP EXTENSION poverty_aid succeeds"
is "$(installed)" "0" "and the extension is gone"

# 3. A register with rows refuses every drop that would take it.
fresh_db
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2019, 3747), (2020, 4000);
           INSERT INTO poverty_aid.helper (kind, name) VALUES ('enterprise', 'Guard Steel Co.')" >/dev/null
# The register is every table the extension marks for pg_dump.
tables=$(sql "$DB" "SELECT count(*) FROM pg_extension e, unnest(e.extconfig) AS c(oid) JOIN pg_class r ON r.oid = c.oid WHERE e.extname = 'poverty_aid' AND r.relkind = 'r'")
is "$(error_text "$DB" "DROP EXTENSION poverty_aid")" \
"ERROR:  DROP EXTENSION would drop extension poverty_aid and its register, which holds 3 rows
DETAIL:  The register has rows in 2 of its $tables tables: helper 1, poverty_line 2.
HINT:  Keep a copy first (pg_dump); then, as a superuser, SET poverty_aid.allow_drop_register = on in the same session and repeat the command." \
	"DROP EXTENSION poverty_aid: the error names the command and the rows, the detail each table's count, the hint how to confirm"
for cmd in "DROP EXTENSION poverty_aid" "DROP EXTENSION poverty_aid CASCADE" "DROP EXTENSION IF EXISTS poverty_aid" \
	"DROP EXTENSION IF EXISTS no_such_extension, poverty_aid" "DROP SCHEMA poverty_aid CASCADE" \
	"DROP EXTENSION btree_gist CASCADE" "DROP SCHEMA public CASCADE" "DROP SCHEMA IF EXISTS no_such_schema, poverty_aid CASCADE"; do
	is "$(outcome "$DB" "$cmd")" "55000" "register with rows: $cmd fails with 55000"
done
is "$(outcome "$DB" "BEGIN; SET LOCAL poverty_aid.allow_drop_register = off; DROP EXTENSION poverty_aid; COMMIT")" "55000" \
	"inside a transaction too"
is "$(installed) $(sql "$DB" "SELECT count(*) FROM poverty_aid.poverty_line") $(sql "$DB" "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'")" "1 2 1" \
	"after all of them the extension, its rows and btree_gist are still there"

# Commands that do not drop the extension are not affected.
sql "$DB" "CREATE SCHEMA scratch; CREATE TABLE scratch.t (x int); INSERT INTO scratch.t VALUES (1)" >/dev/null
is "$(outcome "$DB" "DROP SCHEMA scratch CASCADE")" "ok" "DROP SCHEMA of another schema with CASCADE is not affected"
is "$(outcome "$DB" "DROP EXTENSION btree_gist")" "2BP01" "DROP EXTENSION btree_gist without CASCADE fails as usual (2BP01, poverty_aid depends on it)"
is "$(outcome "$DB" "DROP SCHEMA poverty_aid")" "2BP01" "DROP SCHEMA poverty_aid without CASCADE fails as usual (2BP01)"
is "$(outcome "$DB" "DROP TABLE poverty_aid.household")" "2BP01" "a member table cannot be dropped on its own (2BP01)"

# 4. Only a superuser can confirm.
sql postgres "CREATE ROLE pa_guard_clerk LOGIN" >/dev/null
sql "$DB" "GRANT USAGE ON SCHEMA poverty_aid TO pa_guard_clerk" >/dev/null
# (Reading a ratio loads the library in the session.)
is "$(outcome "$DB" pa_guard_clerk "SELECT '1/2'::poverty_aid.ratio; SET poverty_aid.allow_drop_register = on")" "42501" \
	"a role that is not a superuser cannot set poverty_aid.allow_drop_register (42501)"
is "$("${PSQL_T[@]}" -U pa_guard_clerk -d "$DB" -c "SET poverty_aid.allow_drop_register = on" -c "SELECT '1/2'::poverty_aid.ratio" -c "SHOW poverty_aid.allow_drop_register" 2>/dev/null | tail -1)" "off" \
	"nor by setting it before the library is loaded: the value is dropped when it loads"

# 5. Confirmed: the drop goes through.
is "$(outcome "$DB" "SET poverty_aid.allow_drop_register = on; DROP EXTENSION poverty_aid")" "ok" \
	"SET poverty_aid.allow_drop_register = on, then DROP EXTENSION poverty_aid succeeds"
is "$(installed) $(sql "$DB" "SELECT to_regclass('poverty_aid.poverty_line') IS NULL")" "0 t" "the extension and its tables are gone"

fresh_db
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
is "$(outcome "$DB" "BEGIN; SET LOCAL poverty_aid.allow_drop_register = on; DROP SCHEMA poverty_aid CASCADE; COMMIT")" "ok" \
	"SET LOCAL poverty_aid.allow_drop_register = on, then DROP SCHEMA poverty_aid CASCADE succeeds"
is "$(installed)" "0" "and drops the extension"
fresh_db
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
is "$(PGOPTIONS='-c poverty_aid.allow_drop_register=on' outcome "$DB" "DROP EXTENSION btree_gist CASCADE")" "ok" \
	"the setting given at connection (PGOPTIONS), then DROP EXTENSION btree_gist CASCADE succeeds"
is "$(installed)" "0" "and drops poverty_aid with it"

# 6. Empty again after deleting the rows: no confirmation needed.
fresh_db
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
sql "$DB" "DELETE FROM poverty_aid.poverty_line" >/dev/null
is "$(outcome "$DB" "DROP SCHEMA poverty_aid CASCADE")" "ok" "rows deleted: DROP SCHEMA poverty_aid CASCADE succeeds without confirmation"

# 7. DROP OWNED BY the role that created the extension.
sql postgres "CREATE ROLE pa_guard_owner LOGIN SUPERUSER" >/dev/null
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null
sql postgres "CREATE DATABASE $DB TEMPLATE template0" >/dev/null
"${PSQL_T[@]}" -U pa_guard_owner -d "$DB" -c "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
is "$(sql "$DB" "SELECT extowner::regrole FROM pg_extension WHERE extname = 'poverty_aid'")" "pa_guard_owner" "extension created by pa_guard_owner"
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
is "$(outcome "$DB" "DROP OWNED BY pa_guard_owner")" "55000" "DROP OWNED BY the extension's owner fails with 55000"
is "$(outcome "$DB" "DROP OWNED BY pa_guard_clerk")" "ok" "DROP OWNED BY another role is not affected"
is "$(outcome "$DB" "SET poverty_aid.allow_drop_register = on; DROP OWNED BY pa_guard_owner")" "ok" "confirmed, DROP OWNED BY the owner succeeds"
is "$(installed)" "0" "and drops the extension"

# 8. A role that owns btree_gist but cannot read the register is refused too:
# the rows are counted whatever the caller may read.
sql postgres "CREATE ROLE pa_guard_dbowner LOGIN" >/dev/null
fresh_db
sql "$DB" "DROP EXTENSION poverty_aid; DROP EXTENSION btree_gist; DROP SCHEMA poverty_aid" >/dev/null
sql postgres "ALTER DATABASE $DB OWNER TO pa_guard_dbowner" >/dev/null
"${PSQL_T[@]}" -U pa_guard_dbowner -d "$DB" -c "CREATE EXTENSION btree_gist" >/dev/null 2>&1
sql "$DB" "CREATE EXTENSION poverty_aid" >/dev/null 2>&1
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
is "$(outcome "$DB" pa_guard_dbowner "SELECT count(*) FROM poverty_aid.poverty_line")" "42501" "the owner of btree_gist cannot read the register"
is "$(outcome "$DB" pa_guard_dbowner "DROP EXTENSION btree_gist CASCADE")" "55000" \
	"yet its DROP EXTENSION btree_gist CASCADE, which would drop poverty_aid, fails with 55000"
is "$(installed)" "1" "the extension is still there"

# 9. pg_restore --clean into a database whose register holds rows: its DROP
# EXTENSION is refused, unless the restore runs with the setting.
fresh_db
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
DUMP=$(mktemp "${POVERTY_AID_WORK:-/tmp}/drop_guard.XXXXXX.dump")
"$POVERTY_AID_BIN/pg_dump" -Fc -d "$DB" -f "$DUMP" 2>/dev/null
"$POVERTY_AID_BIN/pg_restore" --clean --if-exists -d "$DB" "$DUMP" >"$DUMP.log" 2>&1
ok $(grep -q 'DROP EXTENSION would drop extension poverty_aid' "$DUMP.log"; echo $?) \
	"pg_restore --clean into the database with rows: its DROP EXTENSION is refused"
PGOPTIONS='-c poverty_aid.allow_drop_register=on' "$POVERTY_AID_BIN/pg_restore" --clean --if-exists -d "$DB" "$DUMP" >"$DUMP.log" 2>&1
is "$? $(sql "$DB" "SELECT count(*) FROM poverty_aid.poverty_line")" "0 1" \
	"with PGOPTIONS='-c poverty_aid.allow_drop_register=on' pg_restore --clean succeeds and restores the row once"
rm -f "$DUMP" "$DUMP.log"

# 10. After ALTER EXTENSION UPDATE from the frozen 1.0, the guard is there.
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null
sql postgres "CREATE DATABASE $DB TEMPLATE template0" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid VERSION '1.0' CASCADE" >/dev/null 2>&1
sql "$DB" "INSERT INTO poverty_aid.poverty_line (year, line) VALUES (2020, 4000)" >/dev/null
is "$(outcome "$DB" "ALTER EXTENSION poverty_aid UPDATE")" "ok" "1.0 with a row, updated to the default version"
is "$(outcome "$DB" "DROP EXTENSION poverty_aid")" "55000" "after the update DROP EXTENSION poverty_aid fails with 55000"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.poverty_line")" "1" "the row is kept"

done_testing
