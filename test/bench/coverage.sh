#!/usr/bin/env bash
# test/bench/coverage.sh [--rows N] [--units U] [--runs R] — time coverage()
# against count(DISTINCT) and measure its memory per unit, on several
# distributions of unit ids.
#
# Timing: for each distribution (dense, sparse i << 16, random 64-bit,
# clustered runs of 10) a table of N rows (default 3,000,000) over U distinct
# units (default 400,000, each on N/U rows in no order, a third of the rows
# covered), and in the same session, alternating, at least 5 times each:
#   ext    SELECT coverage(unit_id, covered)
#   plain  SELECT count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id)
# with no parallel workers and with 2, as the planner chooses the plans.  It
# prints the medians and ext/plain against the target (<= 0.25 both ways).
#
# Memory: for each distribution (and division-code-like ids) the bytes per
# distinct unit of a coverage() state over 1,000,000 units, half and all
# covered, as coverage_state_bytes counts them and as the executor measures
# them (the peak "Memory Usage" of a one-group HashAggregate).  Nothing here
# fails on a time.
set -euo pipefail

ROWS=3000000
UNITS=400000
RUNS=5
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) ROWS=$2; shift 2 ;;
		--units) UNITS=$2; shift 2 ;;
		--runs) RUNS=$2; shift 2 ;;
		*) echo "usage: test/bench/coverage.sh [--rows N] [--units U] [--runs R]" >&2; exit 2 ;;
	esac
done
[ "$RUNS" -ge 5 ] || { echo "coverage.sh: --runs must be at least 5" >&2; exit 2; }

SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/test/bench/cluster.bash"
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)
DB=poverty_aid_bench_coverage

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"${PSQL[@]}" -d $DB -c "CREATE EXTENSION poverty_aid CASCADE" 2>/dev/null
log "generating 4 x $ROWS rows over $UNITS units"
# unit k (0 <= k < UNITS) of row g is a bijective scramble of g, so every unit
# has ROWS/UNITS rows in no order; each distribution maps k to an id.
DISTS="dense sparse random clustered"
"${PSQL[@]}" -d $DB -v rows="$ROWS" -v units="$UNITS" <<'SQL'
SET bench.rows = :'rows';
SET bench.units = :'units';
CREATE FUNCTION unit_id(dist text, k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE dist
           WHEN 'dense' THEN k
           WHEN 'sparse' THEN k << 16
           WHEN 'random' THEN (hashint8(k)::bigint << 32) | (hashint8(-k - 1)::bigint & 4294967295)
           WHEN 'clustered' THEN (k / 10) * 1000003 + k % 10
           WHEN 'division' THEN 110000000000 + (k / 100) * 37000 + k % 100
         END $$;
DO $$
DECLARE
  d text;
BEGIN
  FOREACH d IN ARRAY ARRAY['dense', 'sparse', 'random', 'clustered'] LOOP
    EXECUTE format('CREATE UNLOGGED TABLE rows_%s AS SELECT unit_id(%L, (g * 2654435761) %% %s) AS unit_id, g %% 3 = 0 AS covered
                    FROM generate_series(1::bigint, %s) g', d, d, current_setting('bench.units'), current_setting('bench.rows'));
  END LOOP;
END $$;
VACUUM (FREEZE, ANALYZE);
SQL

SCRIPT=$(mktemp /tmp/poverty_aid_cov_script.XXXXXX)
TIMES=$(mktemp /tmp/poverty_aid_cov_times.XXXXXX)
{
	echo '\o /dev/null'
	echo '\timing on'
	for d in $DISTS; do echo "SELECT count(*) FROM rows_$d;"; done	# warm the cache
	for run in $(seq 1 "$RUNS"); do
		for workers in 2 0; do
			echo "SET max_parallel_workers_per_gather = $workers;"
			for d in $DISTS; do
				if [ $((run % 2)) -eq 1 ]; then order="plain ext"; else order="ext plain"; fi
				for kind in $order; do
					echo "\\echo @@ $d|$kind|$workers"
					case $kind in
						ext) echo "SELECT poverty_aid.coverage(unit_id, covered) FROM rows_$d;" ;;
						plain) echo "SELECT count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id) FROM rows_$d;" ;;
					esac
				done
			done
		done
	done
} >"$SCRIPT"
log "timing: $RUNS runs of 4 distributions x (coverage, count(DISTINCT)) x (2 workers, none)"
"${PSQL[@]}" -d $DB -f "$SCRIPT" 2>&1 | awk '/^@@ /{label=substr($0,4)} /^Time: /{print label "|" $2}' >"$TIMES"
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
med() { grep -F "$1|$2|$3|" "$TIMES" | cut -d'|' -f4 | median; }

log "memory: 1,000,000 units per distribution"
MEMORY=$("${PSQL[@]}" -d $DB -At -F'|' <<'SQL'
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;
CREATE FUNCTION hashagg_kb(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
    IF line ~ 'Memory Usage: \d+kB' THEN
      RETURN substring(line FROM 'Memory Usage: (\d+)kB')::numeric;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
CREATE UNLOGGED TABLE ids AS
SELECT d AS dist, unit_id(d, k) AS unit_id, k % 2 = 0 AS half
FROM unnest(ARRAY['dense', 'sparse', 'random', 'clustered', 'division']) d, generate_series(0::bigint, 999999) k;
ANALYZE ids;
SELECT dist, count(*),
       round(poverty_aid.coverage_state_bytes(unit_id, half)::numeric / count(*), 2),
       round(poverty_aid.coverage_state_bytes(unit_id, true)::numeric / count(*), 2),
       round(hashagg_kb(format('SELECT poverty_aid.coverage(unit_id, true) FROM ids WHERE dist = %L GROUP BY unit_id IS NULL', dist)) * 1024 / count(*), 2),
       length(poverty_aid.coverage_state(unit_id, half))
FROM ids GROUP BY dist ORDER BY array_position(ARRAY['dense', 'sparse', 'random', 'clustered', 'division'], dist);
SQL
)

NPROC=$(nproc)
MEMTOTAL=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
PGV=$("${PSQL[@]}" -d $DB -At -c "SHOW server_version")
echo
echo "coverage benchmark: $ROWS rows over $UNITS units per distribution, median of $RUNS runs"
echo "machine: $NPROC cores, $MEMTOTAL RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), PostgreSQL $PGV"
echo
echo "| ids | workers | coverage ms | count(DISTINCT) ms | coverage / count(DISTINCT) | target |"
echo "|---|---:|---:|---:|---:|---|"
for d in $DISTS; do
	for workers in 0 2; do
		e=$(med "$d" ext $workers); p=$(med "$d" plain $workers)
		awk -v d="$d" -v w="$workers" -v e="$e" -v p="$p" \
			'BEGIN {printf "| %s | %d | %.0f | %.0f | %.2f | <= 0.25 |\n", d, w, e, p, e/p}'
	done
done
echo
echo "memory of a coverage() state over 1,000,000 distinct units (bytes per unit)"
echo
echo "| ids | units | state, half covered | state, all covered | executor's measure, all covered | serialised bytes, half covered |"
echo "|---|---:|---:|---:|---:|---:|"
echo "$MEMORY" | awk -F'|' 'NF == 6 {printf "| %s | %d | %.2f | %.2f | %.2f | %d |\n", $1, $2, $3, $4, $5, $6}'
rm -f "$SCRIPT" "$TIMES"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB"
