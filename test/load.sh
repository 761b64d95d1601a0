#!/usr/bin/env bash
# Load proof: 8 pgbench clients for LOAD_SECONDS (default 60) seconds —
# five clerks, each logged in as herself and writing only her own county
# (SERIALIZABLE: read the village, insert a household, record a transfer),
# two viewers running indicator_report() (or, before it exists, the same
# indicators from the aggregates), and one admin session taking snapshots.
# Serialization failures are retried (--max-tries); no other error is
# allowed.  Afterwards every row is accounted for: per clerk, the households,
# transfers, their sum and the audit records equal what pgbench reports as
# committed; and the household tally the reports read equals the register.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"
. "$(dirname "$0")/lib/load_setup.bash"

DB=poverty_aid_load
SECONDS_RUN=${LOAD_SECONDS:-60}
DIR=$(mktemp -d /tmp/poverty_aid_load.XXXXXX)
chmod 755 "$DIR"
trap 'rm -rf "$DIR"; drop_load_db $DB' EXIT
PGBENCH="$POVERTY_AID_BIN/pgbench"

setup_load_db $DB
ok $? "load database with five counties, their fund plans and the login roles"
hh_before=$(sql $DB "SELECT count(*) FROM poverty_aid.household")
audit_before=$(sql $DB "SELECT count(*) FROM poverty_aid.audit_log")

# The scripts.
for i in 1 2 3 4 5; do
	county=${LOAD_COUNTIES[$((i - 1))]}
	cat >"$DIR/clerk_$i.sql" <<SQL
\set r random(1, 1000000000000)
\set members random(1, 6)
\set v random(1, 10)
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT count(*) FROM poverty_aid.household WHERE village_code = '${county}100' || lpad((:v)::text, 3, '0') AND exited_on IS NULL;
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on) VALUES ('L$i-' || :r, '${county}100' || lpad((:v)::text, 3, '0'), :members, DATE '2020-03-01');
INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on, note) VALUES ($(clerk_fund $DB $i), $(clerk_amount $i), DATE '2020-03-01', 'L$i');
COMMIT;
SQL
done
reader_sql $DB >"$DIR/reader.sql"
snapshot_sql $DB >"$DIR/snapshot.sql"
if has_function $DB "poverty_aid.indicator_report(text,date)"; then reader_kind="indicator_report()"; else reader_kind="indicator aggregates (indicator_report() not in this build)"; fi
if has_function $DB "poverty_aid.take_snapshot(date)"; then snap_kind="take_snapshot()"; else snap_kind="a snapshot transaction (take_snapshot() not in this build)"; fi

# Run: 5 clerk clients, 2 reader clients, 1 snapshot client = 8.
# Each pgbench writes its exit status next to its output: pgbench exits 0
# only when no client aborted (an error other than a retried serialization
# failure ends a client's run, and its committed count is then incomplete).
run_pgbench() {	# run_pgbench NAME pgbench-arguments...
	local name=$1
	shift
	"$PGBENCH" "$@" >"$DIR/$name.out" 2>&1
	echo $? >"$DIR/$name.rc"
}
for i in 1 2 3 4 5; do
	run_pgbench "clerk_$i" -n -U "pa_load_clerk_$i" -c 1 -j 1 -T "$SECONDS_RUN" --max-tries=100 --random-seed=$((4200 + i)) \
		-f "$DIR/clerk_$i.sql" $DB &
done
run_pgbench reader -n -U pa_load_viewer -c 2 -j 2 -T "$SECONDS_RUN" --max-tries=100 -f "$DIR/reader.sql" $DB &
run_pgbench snapshot -n -U pa_load_admin -c 1 -j 1 -T "$SECONDS_RUN" --max-tries=100 -f "$DIR/snapshot.sql" $DB &
wait

field() {	# field FILE 'number of transactions actually processed'
	sed -n "s/^$2: \([0-9.]*\).*/\1/p" "$1" | head -1
}
total_tps=0
committed_total=0
retried_total=0
for name in clerk_1 clerk_2 clerk_3 clerk_4 clerk_5 reader snapshot; do
	out=$DIR/$name.out
	n=$(field "$out" 'number of transactions actually processed')
	failed=$(field "$out" 'number of failed transactions')
	retried=$(field "$out" 'number of transactions retried')
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out")
	if [ -z "$n" ] || [ -z "$tps" ]; then
		ok 1 "$name: pgbench ran"
		sed 's/^/# /' "$out" | head -20
		continue
	fi
	is "${failed:-0}" "0" "$name: $n transactions in ${SECONDS_RUN}s ($tps tps), ${retried:-0} retried after a serialization failure, none failed"
	rc=$(cat "$DIR/$name.rc")
	is "$rc" "0" "$name: pgbench ran the full ${SECONDS_RUN}s, no client aborted"
	[ "$rc" = 0 ] || grep -E 'error|ERROR|HINT' "$DIR/$name.out" | grep -v 'executing\|sending' | head -5 | sed 's/^/# /'
	total_tps=$(awk -v a="$total_tps" -v b="$tps" 'BEGIN { print a + b }')
	retried_total=$((retried_total + ${retried:-0}))
	case $name in clerk_*) committed_total=$((committed_total + n)) ;; esac
	eval "n_$name=$n"
done
ok $([ "$committed_total" -gt 0 ]; echo $?) "the clerks committed $committed_total transactions"

# Every row accounted for.
for i in 1 2 3 4 5; do
	eval "n=\${n_clerk_$i:-0}"
	amount=$(clerk_amount $i)
	# n x amount exactly, in cents (shell integers; amount has two decimals).
	cents=$((n * 10#${amount/./}))
	if [ "$n" -eq 0 ]; then expected_sum=0; else expected_sum="$((cents / 100)).$(printf '%02d' $((cents % 100)))"; fi
	is "$(sql $DB "SELECT count(*) || ' ' || count(DISTINCT household_no) FROM poverty_aid.household WHERE household_no LIKE 'L$i-%'")" "$n $n" \
		"clerk $i: $n households committed, $n in the table, all distinct"
	is "$(sql $DB "SELECT count(*) || ' ' || coalesce(sum(amount), 0) FROM poverty_aid.fund_transfer WHERE note = 'L$i'")" \
		"$n $expected_sum" "clerk $i: $n transfers summing to exactly $n x $amount yuan"
	is "$(sql $DB "SELECT count(*) FROM poverty_aid.household WHERE household_no LIKE 'L$i-%' AND NOT poverty_aid.region_contains('${LOAD_COUNTIES[$((i - 1))]}', village_code)")" "0" \
		"clerk $i: every household is in her own county"
	is "$(sql $DB "SELECT count(*) FILTER (WHERE table_name = 'household') || ' ' || count(*) FILTER (WHERE table_name = 'fund_transfer') FROM poverty_aid.audit_log WHERE role_name = 'pa_load_clerk_$i' AND operation = 'INSERT'")" \
		"$n $n" "clerk $i: one audit record per household and per transfer"
done
is "$(sql $DB "SELECT count(*) FROM poverty_aid.household")" "$((hh_before + committed_total))" \
	"households: $hh_before before + $committed_total committed = the table"
ok $([ "$(sql $DB "SELECT count(*) FROM poverty_aid.audit_log")" -ge $((audit_before + 2 * committed_total)) ]; echo $?) \
	"the audit trail grew by at least 2 x $committed_total records"
ok $([ "$(sql $DB "SELECT count(*) FROM poverty_aid.indicator_snapshot")" -gt 0 ]; echo $?) "the snapshot session wrote snapshots"
if has_function $DB "poverty_aid.household_tally_check(date)"; then
	is "$(sql $DB "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" \
		"the household tally the reports read equals the register after the concurrent clerks' inserts"
fi
echo "# load: 8 clients for ${SECONDS_RUN}s; readers: $reader_kind; snapshots: $snap_kind"
echo "# load: total $total_tps tps; clerks committed $committed_total transactions ($((2 * committed_total)) rows + $((2 * committed_total)) audit records checked); $retried_total retried serialization failures; 0 failed"
done_testing
