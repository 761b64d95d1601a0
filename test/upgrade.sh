#!/usr/bin/env bash
# Upgrades keep the register and end where a fresh install starts.
#
# 1. The released 1.0 install script is the frozen one (its checksum).
# 2. A database gets 1.0 and the hand-counted report fixture, then
#    ALTER EXTENSION poverty_aid UPDATE; a second
#    database gets the current version and the same data.  The two must have
#    the same catalogue (a binary-upgrade schema dump of each, which lists
#    every member object with its definition, comment, privileges, policies
#    and triggers, compared line by line), the same rows in every table and
#    the same reports.  The upgraded database keeps every row it had.
# 3. The sample data set loaded under 1.0 gives, after the update, the same
#    indicator_report and the press release's figures.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

SRC=$POVERTY_AID_SRC
BIN=$POVERTY_AID_BIN
OLD=poverty_aid_upgrade_old
NEW=poverty_aid_upgrade_new
CURRENT=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$SRC/poverty_aid.control")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# -- 1. The frozen release --------------------------------------------------
# poverty_aid--1.0.sql is the install script generated from commit 2df4c32;
# it never changes (a fix ships in a later version's upgrade script).
is "$(md5sum <"$SRC/sql/releases/poverty_aid--1.0.sql" | cut -d' ' -f1)" \
	"263725d9c3b266ff51c735b0d1fcc7d5" "the released 1.0 install script is unchanged"
is "$(sql postgres "SELECT string_agg(version, ',' ORDER BY version) FROM pg_available_extension_versions WHERE name = 'poverty_aid'")" \
	"1.0,$CURRENT" "versions 1.0 and $CURRENT are installable"
is "$(sql postgres "SELECT path FROM pg_extension_update_paths('poverty_aid') WHERE source = '1.0' AND target = '$CURRENT'")" \
	"1.0--$CURRENT" "1.0 updates to $CURRENT in one step"

# -- 2. 1.0 + data + UPDATE against a fresh install ----------------------------
for db in $OLD $NEW; do
	sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	sql postgres "CREATE DATABASE $db" >/dev/null
	sql "$db" "CREATE EXTENSION btree_gist" >/dev/null
done
sql "$OLD" "CREATE EXTENSION poverty_aid VERSION '1.0'" >/dev/null
ok $? "1.0 installs from the frozen script with the current library"
sql "$NEW" "CREATE EXTENSION poverty_aid" >/dev/null
is "$(sql "$OLD" "SELECT extversion FROM pg_extension WHERE extname = 'poverty_aid'")" "1.0" "the old database runs 1.0"

# The same data in both: the report fixture, committed.
load_data() {
	"${PSQL_T[@]}" -d "$1" -f "$SRC/test/fixtures/reports.sql" >/dev/null
}
load_data "$OLD"
ok $? "the report fixture loads into 1.0"
load_data "$NEW"
ok $? "the report fixture loads into $CURRENT"

# Rows of every table in the schema, one line per table: name, count and a
# hash of its rows (columns in attnum order).  Columns the database fills
# from the clock or the transaction (timestamptz, xid8, inet) differ between
# two loads and are left out.  $2 restricts the columns to a saved list.
row_hashes() {
	sql "$1" "
	DO \$\$
	DECLARE t record; cols text; h text; n bigint;
	BEGIN
	  CREATE TEMP TABLE IF NOT EXISTS row_hash (tab text, n bigint, h text);
	  TRUNCATE row_hash;
	  FOR t IN SELECT c.oid, c.relname FROM pg_class c
	             WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('r', 'p')
	             ORDER BY c.relname LOOP
	    SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
	      FROM pg_attribute a
	     WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
	       AND a.atttypid NOT IN ('timestamptz'::regtype, 'xid8'::regtype, 'inet'::regtype)
	       AND ('${2:-}' = '' OR format('%s.%s', t.relname, a.attname) = ANY (string_to_array('${2:-}', ',')));
	    IF cols IS NULL THEN CONTINUE; END IF;
	    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (%s) r',
	                   CASE WHEN t.relname = 'household_tally'
	                        -- appended per statement: compare its sums per key
	                        THEN 'SELECT village_code, grain, bucket, sum(periods), sum(exits), sum(members), sum(exit_members), sum(first_members), sum(jobs)
	                                FROM poverty_aid.household_tally GROUP BY 1, 2, 3
	                               HAVING (sum(periods), sum(exits), sum(members), sum(exit_members), sum(first_members), sum(jobs)) <> (0, 0, 0, 0, 0, 0)'
	                        -- its write counter counts statements, not data
	                        WHEN t.relname = 'household_tally_lock' THEN 'SELECT bucket FROM poverty_aid.household_tally_lock'
	                        ELSE format('SELECT %s FROM poverty_aid.%I', cols, t.relname) END)
	       INTO n, h;
	    INSERT INTO row_hash VALUES (t.relname, n, h);
	  END LOOP;
	END \$\$;
	SELECT string_agg(format('%s %s %s', tab, n, h), E'\n' ORDER BY tab) FROM row_hash"
}
# Every column of 1.0's tables, to compare the old rows after the update.
old_columns=$(sql "$OLD" "SELECT string_agg(format('%s.%s', c.relname, a.attname), ',')
	FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
	WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped")

report() {	# report DB REGION DATE: the report's exact figures, one line per key
	sql "$1" "SELECT string_agg(format('%s %s %s', key, numerator, denominator), E'\n' ORDER BY key)
	          FROM poverty_aid.indicator_report($2, '$3')"
}
rows_before=$(row_hashes "$OLD" "$old_columns")
report_before=$(report "$OLD" NULL 2020-03-31)
county_before=$(report "$OLD" "'653226'" 2019-12-31)

sql "$OLD" "ALTER EXTENSION poverty_aid UPDATE" >"$TMP/update.log" 2>&1
ok $? "ALTER EXTENSION poverty_aid UPDATE on a 1.0 register with rows"
grep -v '^$' "$TMP/update.log" | sed 's/^/# /'
is "$(sql "$OLD" "SELECT extversion FROM pg_extension WHERE extname = 'poverty_aid'")" "$CURRENT" "the old database now runs $CURRENT"

is "$(row_hashes "$OLD" "$old_columns")" "$rows_before" "every row of the 1.0 register is kept by the update"

# Catalogue: a schema dump in binary-upgrade mode names every member of the
# extension with its full definition.  OIDs, transaction ids and the
# session's restrict key differ between any two databases and are masked;
# the extension's configuration tables are compared by name below.
catalogue() {
	"$BIN/pg_dump" --binary-upgrade --schema-only --no-owner -d "$1" 2>/dev/null |
		grep -v 'binary_upgrade_set_next_' |
		sed -E '/^\\(un)?restrict /d;
			s/relfrozenxid = .*/relfrozenxid = X/;
			s/WHERE oid = .*/WHERE oid = X/;
			s/(binary_upgrade_create_empty_extension\([^{]*)\{[0-9,]*\}/\1{oids}/;
			s/(Name|Type|Schema|Owner): [^;]*; /\1; /g'
}
catalogue "$OLD" >"$TMP/old.dump"
catalogue "$NEW" >"$TMP/new.dump"
is "$(wc -l <"$TMP/old.dump" | awk '{print ($1 > 1000)}')" "1" "the catalogue dump lists the extension's objects"
if diff -u "$TMP/new.dump" "$TMP/old.dump" >"$TMP/catalogue.diff"; then
	ok 0 "the updated catalogue equals a fresh $CURRENT install (every object, definition, comment, privilege, policy, trigger)"
else
	ok 1 "the updated catalogue equals a fresh $CURRENT install (every object, definition, comment, privilege, policy, trigger)"
	echo "# fresh install (-) against 1.0 updated (+):"
	head -80 "$TMP/catalogue.diff" | sed 's/^/#   /'
fi
extconfig() {
	sql "$1" "SELECT string_agg(format('%s %s', c::regclass, coalesce(cond, '')), ', ' ORDER BY c::regclass::text)
	          FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(c, cond) WHERE e.extname = 'poverty_aid'"
}
is "$(extconfig "$OLD")" "$(extconfig "$NEW")" "the same tables are marked for pg_dump, with the same conditions"
is "$(sql "$OLD" "SELECT string_agg(format('%s %s', c.relname, s.last_value), ', ' ORDER BY c.relname) FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename WHERE s.schemaname = 'poverty_aid'")" \
	"$(sql "$NEW" "SELECT string_agg(format('%s %s', c.relname, s.last_value), ', ' ORDER BY c.relname) FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename WHERE s.schemaname = 'poverty_aid'")" \
	"sequences stand where a fresh install's stand after the same load"
is "$(row_hashes "$OLD")" "$(row_hashes "$NEW")" "every table holds the same rows as a fresh $CURRENT install with the same data"

is "$(report "$OLD" NULL 2020-03-31)" "$(report "$NEW" NULL 2020-03-31)" "indicator_report for the register equals a fresh install's"
is "$(report "$OLD" "'653226'" 2019-12-31)" "$(report "$NEW" "'653226'" 2019-12-31)" "indicator_report for a county at another date equals a fresh install's"
# Figures 1.0 computed stay what they were, key by key.
# common BEFORE AFTER: the lines of AFTER whose keys BEFORE has, in BEFORE's order.
common() { awk 'NR == FNR { after[$1] = $0; next } { print ($1 in after) ? after[$1] : $1 " (missing)" }' <(echo "$2") <(echo "$1"); }
is "$(common "$report_before" "$(report "$OLD" NULL 2020-03-31)")" "$report_before" "every figure 1.0 reported is unchanged after the update"
is "$(common "$county_before" "$(report "$OLD" "'653226'" 2019-12-31)")" "$county_before" "a county's 1.0 figures at another date are unchanged"
views() {
	sql "$1" "SELECT md5(string_agg(v::text, E'\n' ORDER BY v::text)) FROM poverty_aid.county_indicators_as_of('2020-03-31') v"
}
is "$(views "$OLD")" "$(views "$NEW")" "county_indicators_as_of equals a fresh install's"

# The updated database keeps working: a write goes through the guards and
# the audit of the new version.
sql "$OLD" "UPDATE poverty_aid.household SET members = members WHERE id = (SELECT min(id) FROM poverty_aid.household)" >/dev/null
ok $? "the updated register takes writes"

# -- 3. The sample data set across the update -----------------------------------
SAMPLE=poverty_aid_upgrade_sample
sql postgres "DROP DATABASE IF EXISTS $SAMPLE" >/dev/null 2>&1
sql postgres "CREATE DATABASE $SAMPLE" >/dev/null
sql "$SAMPLE" "CREATE EXTENSION btree_gist" >/dev/null
sql "$SAMPLE" "CREATE EXTENSION poverty_aid VERSION '1.0'" >/dev/null
start=$(date +%s)
"${PSQL_T[@]}" -d "$SAMPLE" -f "$SRC/test/data/tianjin_2020.sql" >/dev/null 2>"$TMP/sample.log"
ok $? "the sample data set loads into 1.0 (in $(( $(date +%s) - start )) s)"
# A viewer of 1.0 (profile granted before the update).
sql postgres "DROP ROLE IF EXISTS pa_t_upgrade_viewer; CREATE ROLE pa_t_upgrade_viewer" >/dev/null 2>&1
sql "$SAMPLE" "SELECT poverty_aid.grant_profile('pa_t_upgrade_viewer', 'viewer', ARRAY['653226'])" >/dev/null
sample_columns=$(sql "$SAMPLE" "SELECT string_agg(format('%s.%s', c.relname, a.attname), ',')
	FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
	WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped")
sample_rows=$(row_hashes "$SAMPLE" "$sample_columns")
sample_report=$(report "$SAMPLE" NULL 2020-03-31)
start=$(date +%s)
sql "$SAMPLE" "ALTER EXTENSION poverty_aid UPDATE" >"$TMP/sample_update.log" 2>&1
ok $? "the sample register updates to $CURRENT (in $(( $(date +%s) - start )) s)"
is "$(row_hashes "$SAMPLE" "$sample_columns")" "$sample_rows" "every row of the sample register is kept"
is "$(common "$sample_report" "$(report "$SAMPLE" NULL 2020-03-31)")" "$sample_report" "the sample's city report is unchanged by the update"
is "$(sql "$SAMPLE" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" "the update fills the household tally from the register: it equals the register's sums"
is "$(sql "$SAMPLE" "SELECT numerator || '/' || denominator FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'county_exit_rate'")" \
	"47/50" "after the update: 47 of the 50 poverty counties have exited"
is "$(grep -c 'WARNING:.*do not hold the privileges of the tables new in' "$TMP/sample_update.log"; grep -c 'DETAIL:.*pa_t_upgrade_viewer' "$TMP/sample_update.log")" \
	"$(printf '1\n1')" "the update warns that roles holding a profile lack the new tables, and names them"
is "$(sql "$SAMPLE" "SET ROLE pa_t_upgrade_viewer; DO \$\$BEGIN PERFORM * FROM poverty_aid.indicator_report('653226', '2020-03-31');
	  EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE '%|%', SQLERRM, SQLSTATE; END\$\$" 2>&1 | sed -n 's/.*NOTICE: *//p')" \
	"permission denied for the monitoring tables|42501" "until then the 1.0 viewer's report says which tables she may not read"
sql "$SAMPLE" "SELECT poverty_aid.grant_profile(role, profile) FROM poverty_aid.role_profile" >/dev/null
is "$(sql "$SAMPLE" "SET ROLE pa_t_upgrade_viewer; SELECT count(*) || ' ' || min(scope) FROM poverty_aid.indicator_report('653226', '2020-03-31')")" \
	"$(sql "$SAMPLE" "SELECT count(*) || ' 653226000000' FROM poverty_aid.indicator_definitions()")" \
	"granted her profile again (regions kept), she gets every indicator of her county"

for db in $OLD $NEW $SAMPLE; do
	sql postgres "DROP DATABASE $db" >/dev/null
done
sql postgres "DROP ROLE pa_t_upgrade_viewer" >/dev/null
done_testing
