#!/usr/bin/env bash
# test/bench/shards_bench.sh — the national report on one node against the
# same register spread by province over N shards (docs/scale-out.md).  Not
# part of CI: nothing here fails on a time.
#
#   test/bench/shards_bench.sh [--shards N] [--scale S] [--runs R]
#
# Starts N+1 throwaway loopback clusters on this machine (default N = 3;
# test/shards/clusters.bash), loads the national data set at scale S
# (default 0.01) into the single node on cluster 0, copies its rows by
# province into one database per shard cluster and sets up a coordinator on
# cluster 0.  Then prints, for each report, the median execution time of R
# runs (default 3) on the single node and on the coordinator (whose shards
# run in parallel: async foreign scans), their ratio, the rows the shards
# ship to the coordinator (EXPLAIN ANALYZE VERBOSE of the remote queries)
# and the rows of the register the single node reads.  Run as root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
N=3
SCALE=0.01
RUNS=3
while [ $# -gt 0 ]; do
	case "$1" in
		--shards) N=$2; shift 2 ;;
		--scale) SCALE=$2; shift 2 ;;
		--runs) RUNS=$2; shift 2 ;;
		*) echo "usage: $0 [--shards N] [--scale S] [--runs R]" >&2; exit 2 ;;
	esac
done
. "$SRC/test/shards/clusters.bash"
. "$SRC/test/lib/tap.bash"
. "$SRC/test/lib/shards.bash"

on() {	# on I DB SQL... — runs SQL on cluster I
	local i=$1 db=$2
	shift 2
	PGHOST=${HOSTS[$i]} PGPORT=${PORTS[$i]} "${PSQL_T[@]}" -d "$db" -c "$*"
}
for i in $(seq 0 "$N"); do
	dbs=(register)
	[ "$i" -eq 0 ] && dbs=(single coordinator)
	for db in "${dbs[@]}"; do
		on "$i" postgres "CREATE DATABASE $db" >/dev/null
		on "$i" "$db" "SET client_min_messages = warning; CREATE EXTENSION poverty_aid CASCADE; CREATE EXTENSION postgres_fdw" >/dev/null
	done
done
log "loading the national data set at scale $SCALE into the single node"
start=$(date +%s)
"${PSQL_T[@]}" -d single -v scale="$SCALE" -f "$SRC/test/data/national.sql" >/dev/null
log "loaded in $(( $(date +%s) - start )) s; spreading it over $N shards"
for i in $(seq 1 "$N"); do
	provinces=$(on 0 single "SELECT array_agg(left(code, 2) ORDER BY code) FROM (
	  SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM poverty_aid.region WHERE level = 'province') p
	  WHERE n % $N = $((i - 1))")
	PGHOST=${HOSTS[$i]} PGPORT=${PORTS[$i]} shard_copy single register "$provinces" "${HOSTS[0]}" "${PORTS[0]}" >/dev/null
done
coordinator_copy single coordinator >/dev/null
for i in $(seq 1 "$N"); do
	on 0 coordinator "SELECT poverty_aid.shard_add('shard$i', '${HOSTS[$i]}', ${PORTS[$i]}, 'register')" >/dev/null
done
on 0 coordinator "SELECT count(*) FROM poverty_aid.shard_check()" >/dev/null
on 0 single "VACUUM ANALYZE" >/dev/null

# median_ms DB SQL — median execution time of RUNS runs, in ms
median_ms() {
	local db=$1 q=$2 t=()
	for _ in $(seq 1 "$RUNS"); do
		t+=("$(on 0 "$db" "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $q" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
# shipped FILTER — rows the shards send for one remote query per shard
shipped() {
	local q
	q=$(on 0 coordinator "SELECT poverty_aid.shard_rows_sql('indicator_values_at', '2019-12-31', \$f\$$1\$f\$)")
	on 0 coordinator "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) $q" \
		| grep 'Foreign Scan' | sed -n 's/.*rows=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }'
}
register_rows=$(on 0 single "SELECT (SELECT count(*) FROM poverty_aid.household) + (SELECT count(*) FROM poverty_aid.poverty_listing)
  + (SELECT count(*) FROM poverty_aid.region_population) + (SELECT count(*) FROM poverty_aid.pairing)
  + (SELECT count(*) FROM poverty_aid.fund) + (SELECT count(*) FROM poverty_aid.fund_transfer)
  + (SELECT count(*) FROM poverty_aid.employment) + (SELECT count(*) FROM poverty_aid.consumption_sale)
  + (SELECT count(*) FROM poverty_aid.project) + (SELECT count(*) FROM poverty_aid.household_income)
  + (SELECT count(*) FROM poverty_aid.monitored_household) + (SELECT count(*) FROM poverty_aid.monitoring_measure)
  + (SELECT count(*) FROM poverty_aid.monitoring_income)")
households=$(on 0 single "SELECT count(*) FROM poverty_aid.household")

printf '\nscale %s, %s shards on one machine (%s cores), %s households, %s rows in the register tables a national report reads\n' \
	"$SCALE" "$N" "$(nproc)" "$households" "$register_rows"
printf '%-34s %12s %12s %7s %14s\n' "report (2019-12-31)" "single ms" "sharded ms" "ratio" "rows shipped"
row() {	# row LABEL SQL FILTER
	local s c
	s=$(median_ms single "$2")
	c=$(median_ms coordinator "$2")
	printf '%-34s %12.1f %12.1f %7.2f %14s\n' "$1" "$s" "$c" "$(echo "$c $s" | awk '{ printf "%.2f", $1 / $2 }')" "${3:+$(shipped "$3")}"
}
row "indicator_report(NULL)" "SELECT * FROM poverty_aid.indicator_report(NULL, '2019-12-31')" "by_level IS NULL AND root_code IS NULL"
row "indicator_values by province" "SELECT * FROM poverty_aid.indicator_values('2019-12-31', 'province')" "by_level = 'province' AND root_code IS NULL"
row "indicator_values by county" "SELECT * FROM poverty_aid.indicator_values('2019-12-31', 'county')" "by_level = 'county' AND root_code IS NULL"
row "indicator_report(Yunnan)" "SELECT * FROM poverty_aid.indicator_report('530000', '2019-12-31')" "by_level IS NULL AND root_code = '530000000000'"
row "county_indicators_as_of" "SELECT * FROM poverty_aid.county_indicators_as_of('2019-12-31')" ""
same=$(diff <(on 0 single "SELECT * FROM poverty_aid.indicator_values('2019-12-31', 'county')") \
	<(on 0 coordinator "SELECT * FROM poverty_aid.indicator_values('2019-12-31', 'county')") >/dev/null && echo yes || echo NO)
echo "the report by county is the same on both: $same"
