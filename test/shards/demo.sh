#!/usr/bin/env bash
# test/shards/demo.sh — the national report from a coordinator over province
# shards, on one machine (docs/scale-out.md).
#
#   test/shards/demo.sh [--shards N] [--scale S]
#
# Starts N+1 throwaway loopback clusters (default N = 3), loads the national
# data set at scale S (default 0.002) into a database of cluster 0 (the
# single node), spreads its rows by province over one database per shard
# cluster, sets up a coordinator database on cluster 0 with shard_add() and
# shard_check(), and prints the national report and the report by province
# from the coordinator next to the single node's.  Run as root; everything
# is removed on exit.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
N=3
SCALE=0.002
while [ $# -gt 0 ]; do
	case "$1" in
		--shards) N=$2; shift 2 ;;
		--scale) SCALE=$2; shift 2 ;;
		*) echo "usage: $0 [--shards N] [--scale S]" >&2; exit 2 ;;
	esac
done
. "$SRC/test/shards/clusters.bash"
. "$SRC/test/lib/tap.bash"
. "$SRC/test/lib/shards.bash"
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -P pager=off)

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
"${PSQL_T[@]}" -d single -v scale="$SCALE" -f "$SRC/test/data/national.sql" >/dev/null
for i in $(seq 1 "$N"); do
	provinces=$(on 0 single "SELECT array_agg(left(code, 2) ORDER BY code) FROM (
	  SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM poverty_aid.region WHERE level = 'province') p
	  WHERE n % $N = $((i - 1))")
	log "shard $i (port ${PORTS[$i]}): provinces $provinces"
	PGHOST=${HOSTS[$i]} PGPORT=${PORTS[$i]} shard_copy single register "$provinces" "${HOSTS[0]}" "${PORTS[0]}" >/dev/null
done
coordinator_copy single coordinator >/dev/null
for i in $(seq 1 "$N"); do
	on 0 coordinator "SELECT poverty_aid.shard_add('shard$i', '${HOSTS[$i]}', ${PORTS[$i]}, 'register')" >/dev/null
done
"${PSQL[@]}" -d coordinator -c "SELECT name, server, version, array_length(provinces, 1) AS provinces FROM poverty_aid.shard_check()"
echo "National report on 2019-12-31 from the coordinator:"
"${PSQL[@]}" -d coordinator -c "SELECT key, numerator, denominator, value, unit FROM poverty_aid.indicator_report(NULL, '2019-12-31')"
echo "Households exited by province (coordinator):"
"${PSQL[@]}" -d coordinator -c "SELECT v.region_code, r.name, v.numerator AS exited, v.denominator AS registered, v.value AS percent
  FROM poverty_aid.indicator_values('2019-12-31', 'province') v JOIN poverty_aid.region r ON r.code = v.region_code
 WHERE v.key = 'household_exit_rate' ORDER BY 1"
# The Gini coefficient of the whole register (ord 207) has no partial state:
# NULL on a coordinator (docs/scale-out.md).
same=$(diff <(on 0 single "SELECT * FROM poverty_aid.indicator_values('2019-12-31') WHERE ord <> 207") \
	<(on 0 coordinator "SELECT * FROM poverty_aid.indicator_values('2019-12-31') WHERE ord <> 207") >/dev/null && echo yes || echo NO)
echo "The coordinator's national report equals the single node's, key by key (the Gini coefficient aside): $same"
