#!/usr/bin/env bash
# test/bench/measures_bench.sh [--rows N] [--runs R] — time the income
# measures (fgt, watts, income_mean, gini, income_quantile) against the plain
# SQL a statistician would write, serial and with 2 parallel workers, and
# report the memory of each state per row.
#
# For each measure it runs, in one session and alternating, the poverty_aid
# aggregate (ext) and the plain SQL (plain: sums of float8; for Gini the
# window-function formulation of the Lorenz-curve trapezoids, for the median
# percentile_disc) over the same N rows (default 10,000,000) of per-capita
# income y (quarter yuan, 0.25 .. 8000), members w (1 .. 7), R times each
# (default 3) with max_parallel_workers_per_gather 0 and 2, and prints the
# medians and the ratios ext/plain, the parallel speedups and whether the
# serial and parallel results are the same double.  Nothing here fails on a
# time.  Not run by test/run.
#
# With PGHOST and PGPORT set it uses that running server (database
# poverty_aid_measures_bench is created and dropped); otherwise it builds the
# extension and starts a throwaway cluster as test/bench/bench.sh does.
set -euo pipefail

ROWS=10000000
RUNS=3
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) ROWS=$2; shift 2 ;;
		--runs) RUNS=$2; shift 2 ;;
		*) echo "usage: test/bench/measures_bench.sh [--rows N] [--runs R]" >&2; exit 2 ;;
	esac
done
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PGVER=15
SYS_BIN=/usr/lib/postgresql/$PGVER/bin
log() { printf '== %s\n' "$*" >&2; }

# 1. A server: the caller's, or a throwaway one -------------------------------
if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ]; then
	PSQL_BIN=$(command -v psql || echo "$SYS_BIN/psql")
	log "using the running server at $PGHOST:$PGPORT"
else
	WORK=$(mktemp -d /tmp/poverty_aid_measures_bench.XXXXXX)
	ROOT=$WORK/root
	PGDATA=$WORK/data
	cleanup() {
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
	[ -n "$PORT" ] || { echo "measures_bench.sh: no free port" >&2; exit 1; }
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
max_wal_size = 8GB
log_min_messages = warning
CONF
	runuser -u postgres -- "$ROOT$SYS_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 start >/dev/null \
		|| { cat "$WORK/server.log" >&2; exit 1; }
	export PGHOST=$WORK/sock PGPORT=$PORT PGUSER=postgres
	PSQL_BIN=$ROOT$SYS_BIN/psql
	log "throwaway cluster on port $PORT"
fi
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)
DB=poverty_aid_measures_bench

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"${PSQL[@]}" -d $DB -c "CREATE EXTENSION poverty_aid CASCADE" 2>/dev/null
log "generating $ROWS rows"
"${PSQL[@]}" -d $DB -v rows="$ROWS" <<'SQL'
CREATE TABLE measure_rows AS
  SELECT (1 + (hashint4(i) & 32767) % 32000) / 4.0::float8 AS y,
         1 + (hashint4(i + 7) & 255) % 7 AS w
    FROM generate_series(1, :rows) i;
VACUUM ANALYZE measure_rows;
SQL

# name|ext|plain
Z=4000
QUERIES=(
"fgt(0)|SELECT poverty_aid.fgt(y, $Z, 0, w) FROM measure_rows|SELECT (sum(w) FILTER (WHERE y < $Z))::float8 / sum(w) FROM measure_rows"
"fgt(1)|SELECT poverty_aid.fgt(y, $Z, 1, w) FROM measure_rows|SELECT sum(w * greatest(0, ($Z - y) / $Z)) / sum(w) FROM measure_rows"
"fgt(2)|SELECT poverty_aid.fgt(y, $Z, 2, w) FROM measure_rows|SELECT sum(w * power(greatest(0, ($Z - y) / $Z), 2)) / sum(w) FROM measure_rows"
"watts|SELECT poverty_aid.watts(y, $Z, w) FROM measure_rows|SELECT sum(w * ln($Z / y)) FILTER (WHERE y < $Z) / sum(w) FROM measure_rows"
"income_mean|SELECT poverty_aid.income_mean(y, w) FROM measure_rows|SELECT sum(w * y) / sum(w) FROM measure_rows"
"gini|SELECT poverty_aid.gini(y, w) FROM measure_rows|SELECT 1 - 2 * sum(w * (coalesce(before, 0) + w * y / 2)) / (sum(w) * sum(w * y)) FROM (SELECT y, w, sum(w * y) OVER (ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM measure_rows) s"
"income_quantile(0.5)|SELECT poverty_aid.income_quantile(y, w, 0.5) FROM measure_rows|SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY y) FROM measure_rows"
)
SCRIPT=$(mktemp /tmp/poverty_aid_measures_script.XXXXXX)
TIMES=$(mktemp /tmp/poverty_aid_measures_times.XXXXXX)
RESULTS=$(mktemp /tmp/poverty_aid_measures_results.XXXXXX)
{
	echo '\timing on'
	echo '\pset tuples_only on'
	echo '\pset format unaligned'
	echo 'SELECT count(*) FROM measure_rows;'
	for run in $(seq 1 "$RUNS"); do
		for workers in 2 0; do
			echo "SET max_parallel_workers_per_gather = $workers;"
			for q in "${QUERIES[@]}"; do
				IFS='|' read -r name ext plain <<<"$q"
				if [ $((run % 2)) -eq 1 ]; then order="plain ext"; else order="ext plain"; fi
				for kind in $order; do
					case $kind in ext) sql=$ext ;; plain) sql=$plain ;; esac
					echo "\\echo @@ $name|$kind|$workers"
					echo "$sql;"
				done
			done
		done
	done
} >"$SCRIPT"
log "timing: $RUNS runs of ${#QUERIES[@]} measures x (ext, plain) x (2 workers, none)"
"${PSQL[@]}" -d $DB -f "$SCRIPT" >"$RESULTS" 2>&1
awk '/^@@ /{label=substr($0,4); next} /^Time: /{print label "|" $2}' "$RESULTS" >"$TIMES"

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
med() { grep -F "$1|$2|$3|" "$TIMES" | cut -d'|' -f4 | median; }
# the distinct results an aggregate gave over every run and plan
answers() { awk -v l="$1|$2|" 'index($0, "@@ " l) == 1 {getline; print}' "$RESULTS" | sort -u; }

echo
echo "poverty_aid income measures: $ROWS rows, median of $RUNS runs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, PostgreSQL $("${PSQL[@]}" -d $DB -At -c 'SHOW server_version'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measure | ext 0 ms | plain 0 ms | ext/plain | ext 2 ms | plain 2 ms | ext/plain | ext speedup | plain speedup | ext results over all runs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for q in "${QUERIES[@]}"; do
	IFS='|' read -r name _ <<<"$q"
	e0=$(med "$name" ext 0); p0=$(med "$name" plain 0); e2=$(med "$name" ext 2); p2=$(med "$name" plain 2)
	n=$(answers "$name" ext | wc -l)
	same=$([ "$n" -eq 1 ] && echo "1 value: $(answers "$name" ext)" || echo "$n different values")
	awk -v n="$name" -v e0="$e0" -v p0="$p0" -v e2="$e2" -v p2="$p2" -v s="$same" \
		'BEGIN {printf "| %s | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f | %.2f | %.2f | %s |\n", n, e0, p0, e0/p0, e2, p2, e2/p2, e0/e2, p0/p2, s}'
done
echo
echo "plain SQL results over all runs (float8 sums: they may differ between plans):"
for q in "${QUERIES[@]}"; do
	IFS='|' read -r name _ <<<"$q"
	echo "  $name: $(answers "$name" plain | tr '\n' ' ')"
done
echo
# Memory.  The sum measures keep two 16-limb accumulators whatever the rows
# (280 bytes serialised); gini and income_quantile keep 16 bytes per row in
# an array that doubles from 1,024 pairs.
awk -v n="$ROWS" 'BEGIN {
	cap = 1024; while (cap < n) cap *= 2;
	printf "state memory: fgt, watts, poverty_gap_yuan, income_mean: 280 bytes in all = %.2g bytes per row\n", 280 / n;
	printf "              gini, income_quantile: 16 bytes per pair, array of %d pairs = %.1f bytes per row (at most 32)\n", cap, 16 * cap / n }'
rm -f "$SCRIPT" "$TIMES" "$RESULTS"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB"
