#!/usr/bin/env bash
# pg_dump / pg_restore of a database with the sample data set (and the
# security state: profiles, region assignments, audit trail, load log) gives
# the same indicator report, the same access tables and audit trail (the
# restore itself adds no audit records), and row security still holds for
# the restored profiles.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"
. "$(dirname "$0")/lib/load_setup.bash"

SRC_DB=poverty_aid_dumprep_src
DST_DB=poverty_aid_dumprep_dst
DUMP=$(mktemp /tmp/poverty_aid_dumprep.XXXXXX)
trap 'rm -f "$DUMP"; sql postgres "DROP DATABASE IF EXISTS $DST_DB" >/dev/null 2>&1; drop_load_db $SRC_DB' EXIT
sql postgres "DROP DATABASE IF EXISTS $DST_DB" >/dev/null 2>&1

setup_load_db $SRC_DB
ok $? "source database: sample data set$([ -f "$POVERTY_AID_SRC/test/data/tianjin_2020.sql" ] || echo ' (not in this build: the load counties only)'), profiles and assignments"
"$POVERTY_AID_BIN/psql" -X -q -U pa_load_clerk_2 -d $SRC_DB -c "SELECT count(*) FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on\nD-1,653222100001,3,2020-02-01\nD-2,653222100002,4,2020-02-02\n')" >/dev/null 2>&1
sql $SRC_DB "INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on) SELECT id, 123456.78, DATE '2020-02-15' FROM poverty_aid.fund" >/dev/null
sql $SRC_DB "INSERT INTO poverty_aid.poverty_listing (region_code, listed_on, exited_on) SELECT code, DATE '2014-01-01', CASE WHEN right(code, 1)::int % 3 = 0 THEN DATE '2019-12-31' END FROM poverty_aid.region WHERE name LIKE '负载测试村%' ON CONFLICT DO NOTHING" >/dev/null 2>&1

# The report: indicator_report() for the whole register and for a county
# when the extension has it; the indicators from the aggregates always.
report() {
	local db=$1
	if has_function "$db" "poverty_aid.indicator_report(text,date)"; then
		sql "$db" "SELECT r::text FROM poverty_aid.indicator_report(NULL, DATE '2020-03-31') r ORDER BY 1"
		sql "$db" "SELECT r::text FROM poverty_aid.indicator_report('653222', DATE '2020-03-31') r ORDER BY 1"
	fi
	sql "$db" "SELECT 'exit ' || poverty_aid.exit_rate(listed_on, exited_on, DATE '2020-03-31')::text FROM poverty_aid.poverty_listing"
	sql "$db" "SELECT 'fund ' || poverty_aid.fund_in_place(coalesce(t.in_place, 0), f.planned)::text FROM poverty_aid.fund f LEFT JOIN (SELECT fund_id, sum(amount) AS in_place FROM poverty_aid.fund_transfer GROUP BY fund_id) t ON t.fund_id = f.id"
	sql "$db" "SELECT 'households ' || count(*) || ' ' || sum(members) FROM poverty_aid.household WHERE exited_on IS NULL"
}
security_state() {
	local db=$1
	sql "$db" "SELECT 'profile ' || role::text || ' ' || profile FROM poverty_aid.role_profile ORDER BY 1"
	sql "$db" "SELECT 'region ' || role::text || ' ' || region_code FROM poverty_aid.region_assignment ORDER BY 1"
	sql "$db" "SELECT 'audit ' || count(*) || ' ' || md5(string_agg(a::text, ',' ORDER BY a.id)) FROM poverty_aid.audit_log a"
	sql "$db" "SELECT 'loads ' || count(*) || ' ' || md5(string_agg(b::text, ',' ORDER BY b.id)) FROM poverty_aid.bulk_load b"
}
report_before=$(report $SRC_DB)
state_before=$(security_state $SRC_DB)
ok $([ -n "$report_before" ]; echo $?) "the report of the source: $(echo "$report_before" | wc -l) lines"

"$POVERTY_AID_BIN/pg_dump" -Fc -d $SRC_DB -f "$DUMP" 2>/dev/null
ok $? "pg_dump -Fc"
sql postgres "CREATE DATABASE $DST_DB TEMPLATE template0" >/dev/null
"$POVERTY_AID_BIN/pg_restore" --exit-on-error -d $DST_DB "$DUMP"
ok $? "pg_restore into a fresh database"
is "$(report $DST_DB)" "$report_before" "the restored database gives the same indicator report"
if has_function "$DST_DB" "poverty_aid.household_tally_check(date)"; then
	is "$(sql $DST_DB "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" \
		"the restore refilled the household tally, jobs too (employment is loaded before household)"
fi
is "$(security_state $DST_DB)" "$state_before" "profiles, region assignments, audit trail and load log are the same (the restore added no audit records)"
is "$("$POVERTY_AID_BIN/psql" -X -At -U pa_load_clerk_2 -d $DST_DB -c "SELECT count(*) FILTER (WHERE NOT poverty_aid.region_contains('653222', village_code)) || ' ' || (count(*) > 0) FROM poverty_aid.household")" \
	"0 true" "after restore a clerk still reads only her county"
is "$("$POVERTY_AID_BIN/psql" -X -At -U pa_load_viewer -d $DST_DB -c "SELECT resident_id FROM poverty_aid.person LIMIT 1" 2>&1 | grep -c 'permission denied')" \
	"1" "after restore a viewer still cannot read resident IDs"
done_testing
