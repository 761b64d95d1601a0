#!/usr/bin/env bash
# pg_cron really runs record_monitoring_candidates(): schedule it from the
# postgres database (cron.database_name) into a database with the
# monitoring fixture, every minute, wait for the run (up to ~2.5 minutes:
# pg_cron 1.4 has no seconds schedules), and check pg_cron's run record,
# job_run and the recorded candidates.  cron.host: as in test/cron.sh.
#
# Also checks that the upgrade piece sql/upgrade/1.0--1.1/60_monitoring.sql
# includes sql/ext/70_monitoring.sql (-- @include): every monitoring
# object is new in 1.1, so an updated 1.0 install and a fresh 1.1 install
# run the same statements.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

SRC=$POVERTY_AID_SRC
grep -qx -- "-- @include sql/ext/70_monitoring.sql" "$SRC/sql/upgrade/1.0--1.1/60_monitoring.sql"
ok $? "the upgrade piece 60_monitoring.sql runs sql/ext/70_monitoring.sql itself"

DB=poverty_aid_monitoring_cron
JOB=poverty-aid-monitoring-cron-test
PGLOG=${POVERTY_AID_WORK:-$PGDATA/..}/server.log
restart() {
	runuser -u postgres -- "$POVERTY_AID_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 120 restart >/dev/null
}
CRON_HOST_SET=0
cleanup() {
	sql postgres "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$JOB'" >/dev/null 2>&1
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	if [ "$CRON_HOST_SET" -eq 1 ]; then
		sql postgres "ALTER SYSTEM RESET cron.host" >/dev/null 2>&1
		restart
	fi
}
trap cleanup EXIT
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql $DB "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
"${PSQL_T[@]}" -d $DB -f "$SRC/test/fixtures/reports.sql" -f "$SRC/test/fixtures/monitoring.sql" >/dev/null
ok $? "database $DB with the report and monitoring fixtures"

if [ -z "$(sql postgres "SHOW listen_addresses")" ] && [ "$(sql postgres "SHOW cron.host")" != "$PGHOST" ]; then
	sql postgres "ALTER SYSTEM SET cron.host = '$PGHOST'" >/dev/null && CRON_HOST_SET=1 && restart
fi
sql postgres "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null 2>&1
ok $? "pg_cron is loaded and its extension created in the postgres database"
jobid=$(sql postgres "SELECT cron.schedule_in_database('$JOB', '* * * * *', \$\$CALL poverty_aid.record_monitoring_candidates('2022-12-31')\$\$, '$DB')")
ok $([ -n "$jobid" ]; echo $?) "scheduled: CALL poverty_aid.record_monitoring_candidates('2022-12-31') every minute = job $jobid"

status=""
for _ in $(seq 1 150); do
	status=$(sql postgres "SELECT status FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
	[ -n "$status" ] && break
	sleep 1
done
is "$status" "succeeded" "pg_cron ran the job (cron.job_run_details)"
sql postgres "SELECT cron.unschedule($jobid)" >/dev/null
is "$(sql $DB "SELECT job || ' ' || status || ' ' || rows_written FROM poverty_aid.job_run ORDER BY id LIMIT 1")" \
	"record_monitoring_candidates succeeded 5" "the run is logged in poverty_aid.job_run"
is "$(sql $DB "SELECT string_agg(household_no || ' ' || array_to_string(reasons, '+'), ', ' ORDER BY household_no) FROM poverty_aid.monitoring_candidate WHERE as_of = '2022-12-31'")" \
	"G2 income_below_line, G5 income_near_line, G6 income_below_line, H11 income_below_line+income_drop, H12 income_drop" \
	"the candidates of the fixture are recorded with their reasons"
done_testing
