#!/usr/bin/env bash
# pg_cron really runs take_snapshot(): schedule it from the postgres
# database (cron.database_name) into a database with the report fixture,
# every minute, wait for the run (up to ~2 minutes: pg_cron 1.4 has no
# seconds schedules), and check pg_cron's run record, job_run and the
# snapshot rows.
#
# pg_cron's scheduler connects over libpq to cron.host (default localhost).
# test/run sets it to its socket directory (its cluster also listens on
# 127.0.0.1, for pgJDBC); a cluster that listens on a socket only
# (empty listen_addresses) gets cron.host pointed at its socket directory
# (ALTER SYSTEM and a restart: it is read at server start), reset at the end.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_cron
JOB=poverty-aid-cron-test
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
"${PSQL_T[@]}" -d $DB -f "$POVERTY_AID_SRC/test/fixtures/reports.sql" >/dev/null
ok $? "database $DB with the report fixture"

if [ -z "$(sql postgres "SHOW listen_addresses")" ] && [ "$(sql postgres "SHOW cron.host")" != "$PGHOST" ]; then
	sql postgres "ALTER SYSTEM SET cron.host = '$PGHOST'" >/dev/null && CRON_HOST_SET=1 && restart
fi
sql postgres "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null 2>&1
ok $? "pg_cron is loaded (shared_preload_libraries) and its extension created in the postgres database"
jobid=$(sql postgres "SELECT cron.schedule_in_database('$JOB', '* * * * *', \$\$CALL poverty_aid.take_snapshot('2020-03-31')\$\$, '$DB')")
ok $([ -n "$jobid" ]; echo $?) "scheduled: cron.schedule_in_database('$JOB', '* * * * *', 'CALL poverty_aid.take_snapshot(...)', '$DB') = job $jobid"

status=""
for _ in $(seq 1 150); do
	status=$(sql postgres "SELECT status FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
	[ -n "$status" ] && break
	sleep 1
done
is "$status" "succeeded" "pg_cron ran the job (cron.job_run_details)"
sql postgres "SELECT cron.unschedule($jobid)" >/dev/null
is "$(sql $DB "SELECT job || ' ' || status || ' ' || rows_written FROM poverty_aid.job_run ORDER BY id LIMIT 1")" \
	"take_snapshot succeeded 528" "the run is logged in poverty_aid.job_run"
is "$(sql $DB "SELECT count(*) FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31'")" "528" \
	"the snapshot rows are there"
is "$(sql $DB "SELECT numerator || '/' || denominator || ' ' || value FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31' AND region_code IS NULL AND indicator = 'village_exit_rate'")" \
	"3/6 50.0" "with the report's figures (village exit rate 3/6)"
done_testing
