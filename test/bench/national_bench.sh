#!/usr/bin/env bash
# test/bench/national_bench.sh — load the national data set and time the
# reports against the targets of issue 13, item 3.
#
#   test/bench/national_bench.sh [--scale S] [--runs R] [--dates "D ..."]
#                                [--repeat-limit SECONDS] [--baseline REV]
#                                [--baseline-limit SECONDS] [--load-only]
#                                [--refresh-reports]
#                                [--reuse] [--keep]
#
# 1. Loads test/data/national.sql at scale S (default 1) into the database
#    poverty_aid_national_bench and prints the load time, the database size
#    and the size of every table of the extension (heap, indexes, rows).
#    With --reuse a database already loaded at that scale is kept; with
#    --load-only the script stops after the load (with --keep, time it
#    later with PGHOST and PGPORT set and --reuse).  --refresh-reports
#    replaces the reports of a reused database (every function, procedure
#    and view of sql/ext/40_reports.sql, CREATE OR REPLACE) with the working
#    tree's, so that a change of the reports is timed without a new load;
#    the tables and the rest of the extension stay as loaded.
# 2. Times, at each date of --dates (default 2014-12-31 2017-06-30
#    2020-03-31), the median of R runs (default 3) of
#      national   indicator_report(NULL, D)                   target 10 s
#      province   indicator_report(P, D), P the province with
#                 the most counties (Yunnan)                  target 2 s
#      county     indicator_report(C, D), C the county with
#                 the most households                         target 100 ms
#      counties   county_indicators_as_of(D)                  target 10 s
#      villages   village_indicators_as_of(D, C) (today's
#                 implementation: its view WHERE county_code
#                 = C), and bi_village WHERE county_code = C  target 200 ms
#      snapshot   CALL take_snapshot(D) (rolled back)         target 60 s
#    each next to the plain SQL that computes the core of the same figures
#    (listing and household exit rates, baseline and current poor people:
#    what the report has to read, with no extension code) where there is
#    one, and next to today's implementation: the reports of git revision
#    REV (default a7016d5, the 1.1 reports before the household tally), created
#    in schema pa_baseline over the same tables, when sql/ext/40_reports.sql
#    differs from REV's (when it does not, the installed reports are today's
#    and the column repeats them); REV's income_values() and
#    monitoring_values() come along into pa_baseline.  A statement whose first run takes longer
#    than --repeat-limit seconds (default 60) runs once.  Today's
#    implementation runs once, under statement_timeout = --baseline-limit seconds
#    (default 600): at scale 1 some of its statements take far longer, and
#    the table then says "> 600 s".
# 3. Prints a table: report, date, target, measured (median, runs), met,
#    today's implementation, plain SQL, the peak resident memory of the
#    backend; then the disk used by relations of the extension that are not
#    the register's own tables (summary structures, if any).
#
# Nothing here fails on a time.  With PGHOST and PGPORT set it uses that
# running server; otherwise it builds the extension, installs it into a
# private copy of the PostgreSQL tree and starts a throwaway cluster as
# test/bench/bench.sh does, and removes it on exit (--keep leaves the cluster
# and the database and prints how to connect).
set -euo pipefail

SCALE=1
RUNS=3
DATES="2014-12-31 2017-06-30 2020-03-31"
REPEAT_LIMIT=60
BASELINE_LIMIT=600
BASELINE=a7016d5
REUSE=0
LOAD_ONLY=0
REFRESH=0
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
		--scale) SCALE=$2; shift 2 ;;
		--runs) RUNS=$2; shift 2 ;;
		--dates) DATES=$2; shift 2 ;;
		--repeat-limit) REPEAT_LIMIT=$2; shift 2 ;;
		--baseline) BASELINE=$2; shift 2 ;;
		--baseline-limit) BASELINE_LIMIT=$2; shift 2 ;;
		--reuse) REUSE=1; shift ;;
		--load-only) LOAD_ONLY=1; shift ;;
		--refresh-reports) REFRESH=1; shift ;;
		--keep) KEEP=1; shift ;;
		*) echo "usage: test/bench/national_bench.sh [--scale S] [--runs R] [--dates \"D ...\"] [--repeat-limit SECONDS] [--baseline REV] [--baseline-limit SECONDS] [--reuse] [--load-only] [--refresh-reports] [--keep]" >&2; exit 2 ;;
	esac
done
[ "$RUNS" -ge 1 ] || { echo "national_bench.sh: --runs must be at least 1" >&2; exit 2; }

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PGVER=15
SYS_BIN=/usr/lib/postgresql/$PGVER/bin
log() { printf '== %s\n' "$*" >&2; }

# 1. A server: the caller's, or a throwaway one -------------------------------
if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ]; then
	PSQL_BIN=$(command -v psql || echo "$SYS_BIN/psql")
	log "using the running server at $PGHOST:$PGPORT"
else
	WORK=$(mktemp -d /tmp/poverty_aid_national.XXXXXX)
	ROOT=$WORK/root
	PGDATA=$WORK/data
	cleanup() {
		if [ "$KEEP" -eq 1 ]; then
			log "cluster left running: PGHOST=$WORK/sock PGPORT=$PORT $ROOT$SYS_BIN/psql -U postgres -d poverty_aid_national_bench"
			log "stop it with: runuser -u postgres -- $ROOT$SYS_BIN/pg_ctl -D $PGDATA stop && rm -rf $WORK"
			return
		fi
		if [ -f "$PGDATA/postmaster.pid" ]; then
			runuser -u postgres -- "$ROOT$SYS_BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
		fi
		rm -rf "$WORK"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$ROOT/usr/lib/postgresql" "$ROOT/usr/share/postgresql" "$WORK/sock"
	cp -a "/usr/lib/postgresql/$PGVER" "$ROOT/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PGVER" "$ROOT/usr/share/postgresql/"
	log "building poverty_aid"
	make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
	make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" install DESTDIR="$ROOT" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
	PORT=
	for _ in $(seq 1 200); do
		p=$(( 20000 + RANDOM % 30000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$p" ]; then PORT=$p; break; fi
	done
	[ -n "$PORT" ] || { echo "national_bench.sh: no free port" >&2; exit 1; }
	chown -R postgres: "$WORK"
	chmod 755 "$WORK"
	runuser -u postgres -- "$ROOT$SYS_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
		|| { cat "$WORK/initdb.log" >&2; exit 1; }
	cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$WORK/sock'
max_worker_processes = 16
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 2GB
work_mem = 256MB
maintenance_work_mem = 1GB
max_wal_size = 16GB
checkpoint_timeout = 30min
log_min_messages = warning
CONF
	runuser -u postgres -- "$ROOT$SYS_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 start >/dev/null \
		|| { cat "$WORK/server.log" >&2; exit 1; }
	export PGHOST=$WORK/sock PGPORT=$PORT PGUSER=postgres
	PSQL_BIN=$ROOT$SYS_BIN/psql
	log "throwaway cluster on port $PORT"
fi
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)
DB=poverty_aid_national_bench
q() { "${PSQL[@]}" -d "$DB" -At -c "$1"; }

# 2. Load ----------------------------------------------------------------------
LOADED=
if [ "$REUSE" -eq 1 ] && [ "$("${PSQL[@]}" -d postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
	LOADED=$(q "SELECT count(DISTINCT household_no) = round(29200000 * $SCALE) FROM poverty_aid.household" 2>/dev/null || true)
fi
if [ "$LOADED" = t ]; then
	log "reusing $DB, loaded at scale $SCALE"
	LOAD_SECONDS="(reused)"
else
	"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
	"${PSQL[@]}" -d "$DB" -c "SET client_min_messages = warning" -c "CREATE EXTENSION poverty_aid CASCADE"
	log "loading test/data/national.sql at scale $SCALE"
	start=$(date +%s.%N)
	"${PSQL[@]}" -d "$DB" -v scale="$SCALE" -f "$SRC/test/data/national.sql" >/dev/null
	LOAD_SECONDS=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}')
	log "loaded in $LOAD_SECONDS s"
fi
if [ "$REFRESH" -eq 1 ]; then
	log "replacing the reports with the working tree's sql/ext/40_reports.sql"
	{ echo "SET client_min_messages = warning; BEGIN;"
	  sed -E 's/^CREATE (FUNCTION|VIEW|PROCEDURE) /CREATE OR REPLACE \1 /; s/@extschema@/poverty_aid/g' "$SRC/sql/ext/40_reports.sql"
	  echo "COMMIT;"
	} | "${PSQL[@]}" -d "$DB" >/dev/null
	REFRESHED=" (reports replaced by the working tree's at $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$SRC" diff --quiet -- sql/ext/40_reports.sql 2>/dev/null || echo ' with local changes'))"
fi
if [ "$LOAD_ONLY" -eq 1 ]; then
	echo "load: $LOAD_SECONDS s; database size $(q "SELECT pg_size_pretty(pg_database_size(current_database()))")"
	exit 0
fi

NPROC=$(nproc)
MEMTOTAL=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo
echo "poverty_aid national benchmark: scale $SCALE, median of up to $RUNS runs"
echo "machine: $NPROC cores, $MEMTOTAL RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at start, PostgreSQL $(q 'SHOW server_version')"
echo "settings: shared_buffers $(q 'SHOW shared_buffers'), work_mem $(q 'SHOW work_mem'), max_parallel_workers_per_gather $(q 'SHOW max_parallel_workers_per_gather')"
echo
[ "$LOAD_SECONDS" = "(reused)" ] && LOAD_TEXT="reused, loaded before" || LOAD_TEXT="$LOAD_SECONDS s"
echo "load: $LOAD_TEXT${REFRESHED:-} (psql -v scale=$SCALE -f test/data/national.sql, including its checks and VACUUM ANALYZE); database size $(q "SELECT pg_size_pretty(pg_database_size(current_database()))")"
echo
echo "| table | rows | heap | indexes | total |"
echo "|---|---:|---:|---:|---:|"
q "SELECT format('| %s | %s | %s | %s | %s |', c.relname, to_char(c.reltuples::bigint, 'FM999,999,999,999'),
          pg_size_pretty(pg_table_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid)), pg_size_pretty(pg_total_relation_size(c.oid)))
     FROM pg_class c WHERE c.relnamespace = 'poverty_aid'::regnamespace AND c.relkind IN ('r', 'm', 'p')
      AND pg_total_relation_size(c.oid) > 16384
     ORDER BY pg_total_relation_size(c.oid) DESC"

# 3. Today's implementation -------------------------------------------------
BASE_NOTE=
BASE_SCHEMA=
if [ "$BASELINE" = none ]; then
	BASE_NOTE="not measured (--baseline none)"
elif ! git -C "$SRC" rev-parse --verify -q "$BASELINE^{commit}" >/dev/null 2>&1; then
	BASE_NOTE="not measured (revision $BASELINE is not in $SRC's git history)"
elif git -C "$SRC" diff --quiet "$BASELINE" -- sql/ext/40_reports.sql 2>/dev/null; then
	BASE_NOTE="the installed reports are today's (sql/ext/40_reports.sql as at $BASELINE): the column repeats the measured one"
else
	# every function, procedure and view the old file creates goes to
	# pa_baseline, and so do the references to them; the rest (tables,
	# types, other functions) stays the extension's
	# the report engines defined in other files (income_values(),
	# monitoring_values()) come along, as they were at REV
	engines() {
		local f
		for f in sql/ext/33_measures.sql sql/ext/70_monitoring.sql; do
			git -C "$SRC" show "$BASELINE:$f" 2>/dev/null \
				| awk '/^CREATE FUNCTION @extschema@\.(income_values|monitoring_values)\(/,/^\$\$;/'
		done
	}
	names=$( { git -C "$SRC" show "$BASELINE:sql/ext/40_reports.sql"; engines; } \
		| sed -nE 's/^CREATE (OR REPLACE )?(FUNCTION|PROCEDURE|VIEW) @extschema@\.([a-z_0-9]+).*/\3/p' | sort -u | paste -sd'|')
	if { echo "SET client_min_messages = warning; DROP SCHEMA IF EXISTS pa_baseline CASCADE; CREATE SCHEMA pa_baseline;"
	     { engines; git -C "$SRC" show "$BASELINE:sql/ext/40_reports.sql"; } \
		| sed -E "s/@extschema@\.($names)\b/pa_baseline.\1/g; s/@extschema@/poverty_aid/g"
	   } | "${PSQL[@]}" -d "$DB" >/dev/null 2>"${TMPDIR:-/tmp}/national_bench_baseline.err"; then
		BASE_SCHEMA=pa_baseline
		BASE_NOTE="the reports of $BASELINE, created in schema pa_baseline"
	else
		BASE_NOTE="not measured (the reports of $BASELINE do not install over this build: $(head -1 "${TMPDIR:-/tmp}/national_bench_baseline.err"))"
	fi
fi

# 4. The statements ----------------------------------------------------------
PROVINCE=$(q "SELECT substr(region_code, 1, 2) || '0000000000' FROM poverty_aid.poverty_listing
              WHERE region_code LIKE '%000000' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
COUNTY=$(q "SELECT substr(village_code, 1, 6) || '000000' FROM poverty_aid.household GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
echo
echo "province: $PROVINCE $(q "SELECT name FROM poverty_aid.region WHERE code = '$PROVINCE'") ($(q "SELECT count(*) FROM poverty_aid.poverty_listing WHERE region_code LIKE '${PROVINCE:0:2}%000000'") counties, $(q "SELECT to_char(count(*), 'FM999,999,999') FROM poverty_aid.household WHERE village_code BETWEEN '$PROVINCE' AND '${PROVINCE:0:2}9999999999'") household periods)"
echo "county: $COUNTY $(q "SELECT name FROM poverty_aid.region WHERE code = '$COUNTY'") ($(q "SELECT to_char(count(*), 'FM999,999,999') FROM poverty_aid.household WHERE village_code BETWEEN '$COUNTY' AND '${COUNTY:0:6}999999'") household periods, the most of any county)"
echo "today's implementation: $BASE_NOTE"

# plain_core LO HI D: the listing and household figures of a subtree as of
# D with plain SQL (county and village exit rates, household exit rate,
# baseline and current poor people), one row.
plain_core() {
	cat <<SQL
WITH l AS (
  SELECT count(*) FILTER (WHERE region_code LIKE '%000000') AS counties,
         count(*) FILTER (WHERE region_code LIKE '%000000' AND exited_on <= DATE '$3') AS counties_exited,
         count(*) FILTER (WHERE region_code NOT LIKE '%000000') AS villages,
         count(*) FILTER (WHERE region_code NOT LIKE '%000000' AND exited_on <= DATE '$3') AS villages_exited
    FROM poverty_aid.poverty_listing WHERE region_code BETWEEN '$1' AND '$2' AND listed_on <= DATE '$3'
), h AS (
  SELECT count(*) AS periods, count(*) FILTER (WHERE exited_on <= DATE '$3') AS exited,
         sum(members) FILTER (WHERE exited_on IS NULL OR exited_on > DATE '$3') AS poor,
         sum(members) FILTER (WHERE first) AS baseline
    FROM (SELECT members, exited_on,
                 registered_on = min(registered_on) OVER (PARTITION BY household_no) AS first
            FROM poverty_aid.household WHERE village_code BETWEEN '$1' AND '$2' AND registered_on <= DATE '$3') x
)
SELECT * FROM l, h
SQL
}
# plain_by LEN LO HI D: the household figures per unit (the first LEN digits
# of the village code: 6 per county, 12 per village).
plain_by() {
	cat <<SQL
SELECT substr(village_code, 1, $1) AS unit, count(*) AS periods, count(*) FILTER (WHERE exited_on <= DATE '$4') AS exited,
       sum(members) FILTER (WHERE exited_on IS NULL OR exited_on > DATE '$4') AS poor,
       sum(members) FILTER (WHERE first) AS baseline
  FROM (SELECT village_code, members, exited_on,
               registered_on = min(registered_on) OVER (PARTITION BY household_no) AS first
          FROM poverty_aid.household WHERE village_code BETWEEN '$2' AND '$3' AND registered_on <= DATE '$4') x
 GROUP BY 1
SQL
}

# item|date|target ms|ext statement|plain statement[|today's statement, if not ext's]
ITEMS=()
SNAP_DATE=${DATES##* }
for d in $DATES; do
	ITEMS+=("national|$d|10000|SELECT * FROM @S@.indicator_report(NULL, DATE '$d')|$(plain_core 000000000000 999999999999 "$d" | tr '\n' ' ')")
	ITEMS+=("province|$d|2000|SELECT * FROM @S@.indicator_report('$PROVINCE', DATE '$d')|$(plain_core "$PROVINCE" "${PROVINCE:0:2}9999999999" "$d" | tr '\n' ' ')")
	ITEMS+=("county|$d|100|SELECT * FROM @S@.indicator_report('$COUNTY', DATE '$d')|$(plain_core "$COUNTY" "${COUNTY:0:6}999999" "$d" | tr '\n' ' ')")
	ITEMS+=("counties|$d|10000|SELECT * FROM @S@.county_indicators_as_of(DATE '$d')|$(plain_by 6 000000000000 999999999999 "$d" | tr '\n' ' ')")
	# today's implementation has no county argument: it filters the view
	ITEMS+=("villages of the county|$d|200|SELECT * FROM @S@.village_indicators_as_of(DATE '$d', '$COUNTY')|$(plain_by 12 "$COUNTY" "${COUNTY:0:6}999999" "$d" | tr '\n' ' ')|SELECT * FROM @S@.village_indicators_as_of(DATE '$d') WHERE county_code = '$COUNTY'")
	ITEMS+=("villages of the county, bi_village|$d|200|SET poverty_aid.as_of = '$d'; SELECT * FROM @S@.bi_village WHERE county_code = '$COUNTY'|$(plain_by 12 "$COUNTY" "${COUNTY:0:6}999999" "$d" | tr '\n' ' ')")
done
ITEMS+=("snapshot|$SNAP_DATE|60000|CALL @S@.take_snapshot(DATE '$SNAP_DATE')|")

# time_runs STATEMENT N: runs STATEMENT N times in one session (a CALL in a
# transaction that is rolled back) and prints each run's milliseconds, then
# "rss KB" with the backend's peak resident set (VmHWM: its private memory
# plus the shared buffers it touched).
time_runs() {
	local stmt=$1 n=$2 script
	script=$(mktemp /tmp/national_bench_run.XXXXXX)
	{
		echo 'SET client_min_messages = warning;'
		echo "SET statement_timeout = '${TIMEOUT_S:-0}s';"
		echo '\o /dev/null'
		echo '\timing on'
		# a leading SET (the BI views' as-of date) runs untimed
		case "$stmt" in SET*) echo "${stmt%%;*};"; stmt=${stmt#*; } ;; esac
		for _ in $(seq 1 "$n"); do
			case "$stmt" in
				CALL*) echo 'BEGIN;'; echo '\echo @@'; echo "$stmt;"; echo 'ROLLBACK;' ;;
				*) echo '\echo @@'; echo "$stmt;" ;;
			esac
		done
		echo '\timing off'
		echo '\o'
		echo "SELECT 'rss ' || coalesce(substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\\s*(\\d+)'), '0');"
	} >"$script"
	"${PSQL[@]}" -At -d "$DB" -f "$script" 2>&1 | awk '/^@@/ {want = 1; next} want && /^Time: / {print $2; want = 0} /^rss / {print}' || true
	rm -f "$script"
}
median() { sort -n | awk '{a[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# measure STATEMENT: "median_ms runs peak_rss_kb"
measure() {
	local stmt=$1 out first times rss
	out=$(time_runs "$stmt" 1)
	first=$(echo "$out" | grep -v '^rss' | head -1)
	rss=$(echo "$out" | awk '/^rss/ {print $2}')
	times=$first
	if [ -n "$first" ] && [ "$RUNS" -gt 1 ] && awk -v t="$first" -v l="$REPEAT_LIMIT" 'BEGIN {exit !(t < l * 1000)}'; then
		out=$(time_runs "$stmt" $((RUNS - 1)))
		times=$(printf '%s\n%s' "$first" "$(echo "$out" | grep -v '^rss')")
		rss=$(printf '%s\n%s' "$rss" "$(echo "$out" | awk '/^rss/ {print $2}')" | sort -n | tail -1)
	fi
	# "fail" when the statement failed or ran out of time
	local m
	m=$(echo "$times" | median)
	echo "${m:-fail} $(echo "$times" | grep -c .) ${rss:-0}"
}
fmt_ms() { awk -v t="$1" 'BEGIN {if (t == "") print "-"; else if (t == "fail") print "failed"; else if (t >= 10000) printf "%.1f s", t / 1000; else printf "%.0f ms", t}'; }

log "timing ${#ITEMS[@]} statements at $DATES"
# Each row is printed as soon as it is measured, so that a long run that is
# stopped still reports what it finished.
echo
if [ "$SCALE" != 1 ]; then
	echo "The targets are those of scale 1; at scale $SCALE, \"met\" only says the time is under the scale-1 target."
fi
echo "| report | as of | target | measured (runs) | met | today's implementation | plain SQL (core figures) | backend peak RSS |"
echo "|---|---|---:|---:|---|---:|---:|---:|"
for item in "${ITEMS[@]}"; do
	IFS='|' read -r name d target ext plain base <<<"$item"
	base=${base:-$ext}
	log "$name $d"
	read -r e_ms e_runs e_rss <<<"$(measure "${ext//@S@/poverty_aid}")"
	b_ms=
	if [ -n "$BASE_SCHEMA" ] && [[ "$ext" != *bi_village* ]]; then
		read -r b_ms _ _ <<<"$(RUNS=1 TIMEOUT_S=$BASELINE_LIMIT measure "${base//@S@/$BASE_SCHEMA}")"
		[ "$b_ms" != fail ] || b_ms=timeout
	elif [ -n "$BASE_SCHEMA" ]; then
		b_ms=none	# the BI views are not in the baseline schema
	fi
	p_ms=
	[ -n "$plain" ] && read -r p_ms _ _ <<<"$(measure "$plain")"
	met=$(awk -v t="$e_ms" -v g="$target" 'BEGIN {print (t != "" && t != "fail" && t <= g) ? "yes" : "no"}')
	echo "| $name | $d | $(fmt_ms "$target") | $(fmt_ms "$e_ms") ($e_runs) | $met | $(case "$b_ms" in none) echo - ;; timeout) echo "> $BASELINE_LIMIT s" ;; *) fmt_ms "${b_ms:-$e_ms}" ;; esac) | $(fmt_ms "$p_ms") | $(awk -v k="$e_rss" 'BEGIN {printf "%.0f MB", k / 1024}') |"
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# 5. Summary structures: the household tally, with its rows per grain, and
# the income distribution, with its rows for the register and the provinces.
echo
echo "summary structure: household_tally, $(q "SELECT to_char(sum(n), 'FM999,999,999') || ' rows (' || string_agg(grain::text || ' ' || to_char(n, 'FM999,999,999'), ', ' ORDER BY grain) || ')'
	FROM (SELECT grain, count(*) n FROM poverty_aid.household_tally GROUP BY 1) g"), heap $(q "SELECT pg_size_pretty(pg_table_size('poverty_aid.household_tally'))"), indexes $(q "SELECT pg_size_pretty(pg_indexes_size('poverty_aid.household_tally'))") (the household table: heap $(q "SELECT pg_size_pretty(pg_table_size('poverty_aid.household'))"), indexes $(q "SELECT pg_size_pretty(pg_indexes_size('poverty_aid.household'))")); no memory of its own: the reports' is the query's (work_mem per sort or hash)"
echo "summary structure: income_distribution, $(q "SELECT to_char(count(*), 'FM999,999,999') || ' rows (whole register ' || to_char(count(*) FILTER (WHERE level IS NULL), 'FM999,999,999') || ', provinces ' || to_char(count(*) FILTER (WHERE level = 'province'), 'FM999,999,999') || ', counties ' || to_char(count(*) FILTER (WHERE level = 'county'), 'FM999,999,999') || ')' FROM poverty_aid.income_distribution"), heap $(q "SELECT pg_size_pretty(pg_table_size('poverty_aid.income_distribution'))"), indexes $(q "SELECT pg_size_pretty(pg_indexes_size('poverty_aid.income_distribution'))") (household_income: $(q "SELECT to_char(count(*), 'FM999,999,999') FROM poverty_aid.household_income") incomes, heap $(q "SELECT pg_size_pretty(pg_table_size('poverty_aid.household_income'))"), indexes $(q "SELECT pg_size_pretty(pg_indexes_size('poverty_aid.household_income'))")); no memory of its own"
