#!/usr/bin/env bash
# test/bench/bench.sh [--rows N] [--runs R] — time the poverty_aid aggregates
# against their plain SQL equivalents and against their floors.
#
# For each aggregate it runs, in the same session and alternating, three
# queries over the same N rows (default 10,000,000):
#   ext    the poverty_aid aggregate
#   plain  the plain SQL that computes the same numbers
#          (count(*) FILTER, sum(numeric), count(DISTINCT))
#   floor  count(col) of the same columns: reads the rows, does no arithmetic
# at least 5 times each (--runs), and prints the medians and the ratios
# ext/plain and ext/floor next to the targets of issue 3, then the parallel
# speedup of each ratio aggregate (1 and 2 workers vs none) and the memory of the
# coverage state per distinct unit.  Nothing here fails on a time.
#
# With PGHOST and PGPORT set it uses that running server (database
# poverty_aid_bench is created and dropped); otherwise it builds the extension,
# installs it into a private copy of the PostgreSQL tree and starts a
# throwaway cluster exactly as test/run does, and removes it on exit.
set -euo pipefail

ROWS=10000000
RUNS=5
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) ROWS=$2; shift 2 ;;
		--runs) RUNS=$2; shift 2 ;;
		*) echo "usage: test/bench/bench.sh [--rows N] [--runs R]" >&2; exit 2 ;;
	esac
done
[ "$RUNS" -ge 5 ] || { echo "bench.sh: --runs must be at least 5" >&2; exit 2; }

SRC=$(cd "$(dirname "$0")/../.." && pwd)

# 1. A server: the caller's, or a throwaway one -------------------------------
. "$SRC/test/bench/cluster.bash"
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)
DB=poverty_aid_bench

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"${PSQL[@]}" -d $DB -c "CREATE EXTENSION poverty_aid CASCADE" 2>/dev/null
log "generating $ROWS rows"
"${PSQL[@]}" -d $DB -v rows="$ROWS" -f "$SRC/test/bench/bench_data.sql"

# 2. The queries --------------------------------------------------------------
# name|ext|plain|floor|targets
D="DATE '2020-03-31'"
QUERIES=(
"exit_rate|SELECT poverty_aid.exit_rate(listed_on, exited_on, $D) FROM bench_rows|SELECT count(*) FILTER (WHERE listed_on <= $D AND exited_on <= $D), count(*) FILTER (WHERE listed_on <= $D) FROM bench_rows|SELECT count(listed_on), count(exited_on) FROM bench_rows|<= 1.0 plain, <= 1.1 floor"
"fund_in_place|SELECT poverty_aid.fund_in_place(in_place, planned) FROM bench_rows|SELECT sum(in_place), sum(planned) FROM bench_rows|SELECT count(in_place), count(planned) FROM bench_rows|<= 0.7 plain, <= 1.2 floor"
"coverage|SELECT poverty_aid.coverage(unit_id, covered) FROM bench_rows|SELECT count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id) FROM bench_rows|SELECT count(unit_id), count(covered) FROM bench_rows|<= 0.25 plain"
"rate_agg|SELECT poverty_aid.rate_agg(hit) FROM bench_rows|SELECT count(*) FILTER (WHERE hit), count(hit) FROM bench_rows|SELECT count(hit) FROM bench_rows|"
"poverty_incidence|SELECT poverty_aid.poverty_incidence(poor, population) FROM bench_rows|SELECT sum(poor), sum(population) FROM bench_rows|SELECT count(poor), count(population) FROM bench_rows|"
"reduction_rate|SELECT poverty_aid.reduction_rate(population, poor) FROM bench_rows|SELECT sum(population) - sum(poor), sum(population) FROM bench_rows|SELECT count(population), count(poor) FROM bench_rows|"
"ratio_agg(numeric)|SELECT poverty_aid.ratio_agg(in_place, planned) FROM bench_rows|SELECT sum(in_place), sum(planned) FROM bench_rows|SELECT count(in_place), count(planned) FROM bench_rows|"
)
# One psql session runs the whole script; each timed statement is preceded by
# an "@@ label" line so that the "Time:" line after it can be attributed.
# Every run times all three variants of every aggregate with 2, 1 and no
# parallel workers allowed, alternating the order from run to run.  On a
# 2-core machine 1 worker is the leader plus one process, one per core; 2
# workers put three processes on two cores.
SCRIPT=$(mktemp /tmp/poverty_aid_bench_script.XXXXXX)
TIMES=$(mktemp /tmp/poverty_aid_bench_times.XXXXXX)
{
	echo '\o /dev/null'
	echo '\timing on'
	echo 'SELECT count(*) FROM bench_rows;'	# warm the cache
	for run in $(seq 1 "$RUNS"); do
		for workers in 2 1 0; do
			echo "SET max_parallel_workers_per_gather = $workers;"
			for q in "${QUERIES[@]}"; do
				IFS='|' read -r name ext plain floor _ <<<"$q"
				if [ $((run % 2)) -eq 1 ]; then order="plain ext floor"; else order="floor ext plain"; fi
				for kind in $order; do
					case $kind in ext) sql=$ext ;; plain) sql=$plain ;; floor) sql=$floor ;; esac
					echo "\\echo @@ $name|$kind|$workers"
					echo "$sql;"
				done
			done
		done
	done
} >"$SCRIPT"
log "timing: $RUNS runs of ${#QUERIES[@]} aggregates x (ext, plain, floor) x (2 workers, 1, none)"
"${PSQL[@]}" -d $DB -f "$SCRIPT" 2>&1 | awk '/^@@ /{label=substr($0,4)} /^Time: /{print label "|" $2}' >"$TIMES"

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
med() { grep -F "$1|$2|$3|" "$TIMES" | cut -d'|' -f4 | median; }

# 3. Report -----------------------------------------------------------------
MEM=$("${PSQL[@]}" -d $DB -At -c "SELECT poverty_aid.coverage_state_bytes(unit_id, covered), count(DISTINCT unit_id) FROM bench_rows")
MEM_BYTES=${MEM%%|*}
MEM_UNITS=${MEM##*|}
NPROC=$(nproc)
MEMTOTAL=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
PGV=$("${PSQL[@]}" -d $DB -At -c "SHOW server_version")

echo
echo "poverty_aid benchmark: $ROWS rows, median of $RUNS runs"
echo "machine: $NPROC cores, $MEMTOTAL RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), PostgreSQL $PGV"
for workers in 2 1 0; do
	echo
	echo "max_parallel_workers_per_gather = $workers"
	echo
	echo "| aggregate | ext ms | plain ms | floor ms | ext/plain | ext/floor | target |"
	echo "|---|---:|---:|---:|---:|---:|---|"
	for q in "${QUERIES[@]}"; do
		IFS='|' read -r name _ _ _ target <<<"$q"
		e=$(med "$name" ext $workers); p=$(med "$name" plain $workers); f=$(med "$name" floor $workers)
		awk -v n="$name" -v e="$e" -v p="$p" -v f="$f" -v t="$target" \
			'BEGIN {printf "| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %s |\n", n, e, p, f, e/p, e/f, t}'
	done
done
echo
echo "parallel speedup against no workers (target >= 1.5 for the ratio aggregates); the floor's own speedup shows what the machine allows"
echo
echo "| aggregate | ext 0 workers ms | ext 1 worker ms | ext 2 workers ms | ext speedup 1 / 2 workers | floor speedup 1 / 2 workers |"
echo "|---|---:|---:|---:|---:|---:|"
for q in "${QUERIES[@]}"; do
	IFS='|' read -r name _ <<<"$q"
	s=$(med "$name" ext 0); e1=$(med "$name" ext 1); e2=$(med "$name" ext 2)
	f0=$(med "$name" floor 0); f1=$(med "$name" floor 1); f2=$(med "$name" floor 2)
	awk -v n="$name" -v s="$s" -v e1="$e1" -v e2="$e2" -v f0="$f0" -v f1="$f1" -v f2="$f2" \
		'BEGIN {printf "| %s | %.0f | %.0f | %.0f | %.2f / %.2f | %.2f / %.2f |\n", n, s, e1, e2, s/e1, s/e2, f0/f1, f0/f2}'
done
echo
awk -v b="$MEM_BYTES" -v u="$MEM_UNITS" 'BEGIN {printf "coverage state: %d bytes for %d distinct units = %.3f bytes per unit (target: well under 8)\n", b, u, b/u}'
rm -f "$SCRIPT" "$TIMES"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB"
