#!/usr/bin/env bash
# Crash proof: during the load (clerks writing households and transfers in
# their counties, readers, a snapshot session) the postmaster and all its
# processes are killed with SIGKILL; the server is restarted and recovers,
# and every transaction a clerk saw committed is there with its rows and its
# audit records.  The clerks are psql sessions that print "ACK k" after each
# COMMIT returns, with synchronous_commit = on (the test cluster's default is
# off, which trades the last commits for speed by design).
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"
. "$(dirname "$0")/lib/load_setup.bash"

DB=poverty_aid_crash
RUN_BEFORE_KILL=${CRASH_AFTER_SECONDS:-8}
DIR=$(mktemp -d /tmp/poverty_aid_crash.XXXXXX)
chmod 755 "$DIR"
trap 'rm -rf "$DIR"; drop_load_db $DB' EXIT
PSQL_BIN="$POVERTY_AID_BIN/psql"
PGLOG=${POVERTY_AID_WORK:-$DIR}/server.log

setup_load_db $DB
ok $? "crash database with five counties and the login roles"
sql $DB "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null 2>&1

# Each clerk: a psql script of many small transactions, acknowledging each
# commit on stdout.
for i in 1 2 3 4 5; do
	county=${LOAD_COUNTIES[$((i - 1))]}
	fund=$(clerk_fund $DB $i)
	amount=$(clerk_amount $i)
	perl -e '
		my ($i, $county, $fund, $amount) = @ARGV;
		for my $k (1 .. 40000) {
			my $v = sprintf("%03d", 1 + $k % 10);
			print "BEGIN;\n";
			print "INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on) VALUES (\x27C$i-$k\x27, \x27${county}100$v\x27, ", 1 + $k % 6, ", DATE \x272020-03-01\x27);\n";
			print "INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on, note) VALUES ($fund, $amount, DATE \x272020-03-01\x27, \x27C$i-$k\x27);\n";
			print "COMMIT;\n\\echo ACK $k\n";
		}' "$i" "$county" "$fund" "$amount" >"$DIR/clerk_$i.sql"
done
reader_sql $DB >"$DIR/reader.sql"
snapshot_sql $DB >"$DIR/snapshot.sql"

postmaster=$(head -1 "$PGDATA/postmaster.pid")
for i in 1 2 3 4 5; do
	PGOPTIONS="-c synchronous_commit=on" "$PSQL_BIN" -X -q -At -v ON_ERROR_STOP=1 -U "pa_load_clerk_$i" -d $DB \
		-f "$DIR/clerk_$i.sql" >"$DIR/clerk_$i.ack" 2>"$DIR/clerk_$i.err" &
done
"$POVERTY_AID_BIN/pgbench" -n -U pa_load_viewer -c 2 -T 600 -f "$DIR/reader.sql" $DB >"$DIR/reader.out" 2>&1 &
"$POVERTY_AID_BIN/pgbench" -n -U pa_load_admin -c 1 -T 600 --max-tries=100 -f "$DIR/snapshot.sql" $DB >"$DIR/snapshot.out" 2>&1 &
sleep "$RUN_BEFORE_KILL"

# SIGKILL the postmaster and every process it started, at once.
children=$(pgrep -P "$postmaster" | tr '\n' ' ')
kill -KILL "$postmaster" $children 2>/dev/null
ok $? "SIGKILL sent to the postmaster (pid $postmaster) and its $(echo $children | wc -w) processes during the load"
wait
for _ in $(seq 1 50); do
	kill -0 "$postmaster" 2>/dev/null || break
	sleep 0.1
done
ok $(! kill -0 "$postmaster" 2>/dev/null; echo $?) "the postmaster is gone"

acked_total=0
for i in 1 2 3 4 5; do
	eval "acked_$i=$(grep -c '^ACK ' "$DIR/clerk_$i.ack")"
	eval "acked_total=\$((acked_total + acked_$i))"
done
ok $([ "$acked_total" -gt 0 ]; echo $?) "the clerks saw $acked_total commits before the crash"
ok $(grep -qE 'server closed the connection|terminating connection|connection to server' "$DIR"/clerk_*.err; echo $?) \
	"the clerks lost their connections (the crash happened under load)"
ok $(! grep -q 'ERROR:' "$DIR"/clerk_*.err; echo $?) "no clerk stopped on an error before the crash"
grep -h 'ERROR:' "$DIR"/clerk_*.err | head -3 | sed 's/^/# /'

runuser -u postgres -- "$POVERTY_AID_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 300 start >/dev/null
ok $? "the server restarts and recovers"
ok $(grep -q 'database system was interrupted\|was not properly shut down\|redo starts\|redo done' "$PGLOG"; echo $?) "the server log shows crash recovery"

for i in 1 2 3 4 5; do
	eval "acked=\$acked_$i"
	amount=$(clerk_amount $i)
	# Rows of acknowledged commits: C<i>-1 .. C<i>-acked, each with its transfer.
	have=$(sql $DB "SELECT count(*) FROM poverty_aid.household h
	                 JOIN poverty_aid.fund_transfer t ON t.note = h.household_no
	                WHERE h.household_no LIKE 'C$i-%' AND split_part(h.household_no, '-', 2)::int <= $acked")
	is "$have" "$acked" "clerk $i: all $acked acknowledged commits are there, each household with its transfer"
	total=$(sql $DB "SELECT count(*) FROM poverty_aid.household WHERE household_no LIKE 'C$i-%'")
	ok $([ "$total" -ge "$acked" ] && [ "$total" -le $((acked + 1)) ]; echo $?) \
		"clerk $i: $total households in the table (the acknowledged ones, at most one more whose COMMIT reply was lost)"
	is "$(sql $DB "SELECT count(*) FROM poverty_aid.fund_transfer WHERE note LIKE 'C$i-%'")" "$total" "clerk $i: as many transfers as households (no half transaction)"
	is "$(sql $DB "SELECT count(*) FROM poverty_aid.audit_log WHERE role_name = 'pa_load_clerk_$i' AND operation = 'INSERT'
	               AND (new_row ->> 'household_no' LIKE 'C$i-%' OR new_row ->> 'note' LIKE 'C$i-%')")" "$((2 * total))" \
		"clerk $i: every household and transfer has its audit record"
done
is "$(sql $DB "SELECT count(*) FROM (SELECT bt_index_check(c.oid) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam WHERE c.relnamespace = 'poverty_aid'::regnamespace AND a.amname = 'btree') s")" \
	"$(sql $DB "SELECT count(*) FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relnamespace = 'poverty_aid'::regnamespace AND a.amname = 'btree'")" \
	"amcheck: every B-tree index of the extension is consistent after recovery"
lost=$(sql $DB "SELECT count(*) FROM poverty_aid.household h WHERE h.household_no LIKE 'C%' AND NOT EXISTS (SELECT 1 FROM poverty_aid.audit_log a WHERE a.table_name = 'household' AND a.row_id = h.id)")
is "$lost" "0" "no household without its audit record"
echo "# crash: SIGKILL after ${RUN_BEFORE_KILL}s of load; $acked_total acknowledged commits ($((2 * acked_total)) rows, $((2 * acked_total)) audit records) all found after recovery"
done_testing
