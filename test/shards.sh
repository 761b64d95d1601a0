#!/usr/bin/env bash
# Scale-out over province shards (docs/scale-out.md): the national data set
# at a small scale in one database (the single node) and spread by province
# over three shard databases of the same cluster, reached by a coordinator
# database through loopback postgres_fdw.  The coordinator's reports equal
# the single node's key by key (numerator, denominator, value and the exact
# ratio; the income indices of the whole register excepted, which are NULL
# on a coordinator), ship one remote query per shard and no register rows, fail with an
# error naming a shard that is down, and the functions that are not
# shard-aware refuse to run on the coordinator.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"
. "$(dirname "$0")/lib/shards.bash"

SINGLE=poverty_aid_shards_single
COORD=poverty_aid_shards_coord
SHARDS=(poverty_aid_shard_a poverty_aid_shard_b poverty_aid_shard_c)
EXTRA=poverty_aid_shard_extra
GEN=$POVERTY_AID_SRC/test/data/national.sql
for db in $SINGLE $COORD "${SHARDS[@]}" $EXTRA; do
	sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	sql postgres "CREATE DATABASE $db" >/dev/null
	sql "$db" "SET client_min_messages = warning; CREATE EXTENSION poverty_aid CASCADE; CREATE EXTENSION postgres_fdw" >/dev/null
done

"${PSQL_T[@]}" -d $SINGLE -v scale=0.001 -f "$GEN" >/dev/null
ok $? "the national data set loads at scale 0.001 on the single node"
# Targets: national ones (kept by the coordinator) and provincial ones (kept
# by the shard of the province), so that attainments are checked at both.
sql $SINGLE "INSERT INTO poverty_aid.target (indicator, region_code, year, target_value, unit)
  SELECT i.k, NULL, y, v, u FROM (VALUES ('jobs_found', 700, 'people'), ('consumption_sales', 5000000.5, 'yuan'),
                                         ('projects_started', 90, 'projects')) i (k, v, u), (VALUES (2016), (2019), (2020)) y (y)
  UNION ALL
  SELECT i.k, p.code, y, v, u FROM (VALUES ('jobs_found', 40, 'people'), ('projects_started', 3, 'projects')) i (k, v, u),
         (SELECT code FROM poverty_aid.region WHERE level = 'province' ORDER BY code LIMIT 5) p, (VALUES (2019), (2020)) y (y)
  ON CONFLICT DO NOTHING" >/dev/null

# Provinces dealt round-robin over the three shards.
for i in 0 1 2; do
	provinces=$(sql $SINGLE "SELECT array_agg(left(code, 2) ORDER BY code) FROM (
	  SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM poverty_aid.region WHERE level = 'province') p WHERE n % 3 = $i")
	shard_copy $SINGLE "${SHARDS[$i]}" "$provinces" >/dev/null
done
coordinator_copy $SINGLE $COORD >/dev/null
is "$(for db in "${SHARDS[@]}"; do sql "$db" "SELECT count(*) FROM poverty_aid.household"; done | awk '{ s += $1 } END { print s }')" \
	"$(sql $SINGLE "SELECT count(*) FROM poverty_aid.household")" "the shards hold every household once"

# -- Setup ---------------------------------------------------------------------
sql $COORD "CREATE ROLE pa_shard_clerk; GRANT USAGE ON SCHEMA poverty_aid TO pa_shard_clerk" >/dev/null 2>&1
out=$(sql $COORD "SET ROLE pa_shard_clerk; SELECT * FROM poverty_aid.shard_add('a', '$PGHOST', $PGPORT, '${SHARDS[0]}')" 2>&1)
echo "$out" | grep -q 'permission denied for function shard_add'
ok $? "shard_add is not executable by PUBLIC"
is "$(sql $COORD "SELECT poverty_aid.shard_is_coordinator()")" "f" "before shard_add the node is a single node"
i=0
for name in a b c; do
	sql $COORD "SELECT * FROM poverty_aid.shard_add('$name', '$PGHOST', $PGPORT, '${SHARDS[$i]}')" >/dev/null
	ok $? "shard_add('$name') over database ${SHARDS[$i]}"
	i=$((i + 1))
done
is "$(sql $COORD "SELECT string_agg(name || ':' || cardinality(provinces) || ':' || version, ' ' ORDER BY name) FROM poverty_aid.shard_check()")" \
	"a:8:1.1 b:7:1.1 c:7:1.1" "shard_check reaches the three shards: 22 provinces, version 1.1"
is "$(sql $COORD "SELECT poverty_aid.shard_is_coordinator()")" "t" "the node is now a coordinator"
is "$(sql $COORD "SELECT string_agg(srvname || '=' || array_to_string(srvoptions, ','), ' ' ORDER BY srvname) FROM pg_foreign_server WHERE srvname IN ('a','b')" | grep -o "async_capable=true" | wc -l)" \
	"2" "the shards' servers are async_capable"

# -- Reports equal the single node's ------------------------------------------
vals() {	# vals DB AS_OF BY_LEVEL ROOT [WHERE] -> the rows of indicator_values as text
	sql "$1" "SELECT md5(string_agg(concat_ws('|', region_code, ord, key, label, numerator, denominator, value, unit, ratio), E'\n'))
	          || ' ' || count(*) FROM poverty_aid.indicator_values('$2', $3, $4) ${5:-}"
}
# The Gini coefficient of the whole register has no partial state: NULL on
# a coordinator (docs/scale-out.md); every other key is compared (the other
# income measures roll up from the shards' partial states).
INCOME_INDICES="ord = 207"
pick() {	# pick SQL -> one code of the single node
	sql $SINGLE "$1"
}
PROV=$(pick "SELECT code FROM poverty_aid.region WHERE level = 'province' AND code LIKE '52%'")
PROV2=$(pick "SELECT code FROM poverty_aid.region WHERE level = 'province' AND code LIKE '54%'")
PREF=$(pick "SELECT parent_code FROM poverty_aid.region WHERE code = '522327000000'")
PREF2=$(pick "SELECT min(parent_code) FROM poverty_aid.region WHERE level = 'county' AND code LIKE '62%'")
COUNTY=522327000000
COUNTY2=$(pick "SELECT min(l.region_code) FROM poverty_aid.poverty_listing l WHERE l.region_code LIKE '65%' AND poverty_aid.region_code_level(l.region_code) = 'county'")
for d in 2014-12-31 2016-06-30 2019-12-31 2020-03-31; do
	is "$(vals $COORD $d NULL NULL "WHERE NOT ($INCOME_INDICES)")" "$(vals $SINGLE $d NULL NULL "WHERE NOT ($INCOME_INDICES)")" \
		"the whole register on $d: every key equals the single node's (but the Gini coefficient)"
	is "$(sql $COORD "SELECT count(*) FROM poverty_aid.indicator_values('$d') WHERE $INCOME_INDICES AND numerator IS NULL AND value IS NULL")" \
		"1" "  the Gini coefficient of the whole register is NULL"
	case $d in 2019-12-31|2020-03-31)
		is "$(sql $COORD "SELECT numerator || '/' || coalesce(denominator::text, '-') FROM poverty_aid.indicator_report(NULL, '$d') WHERE key = 'jobs_found_attainment'")" \
			"$(sql $SINGLE "SELECT numerator || '/' || coalesce(denominator::text, '-') FROM poverty_aid.indicator_report(NULL, '$d') WHERE key = 'jobs_found_attainment'")" \
			"  jobs found against the national target on $d (the coordinator's target)" ;;
	esac
	for root in $PROV $PROV2 $PREF $PREF2 $COUNTY $COUNTY2; do
		is "$(vals $COORD $d NULL "'$root'")" "$(vals $SINGLE $d NULL "'$root'")" "region $root on $d equals the single node's"
	done
	for lvl in province prefecture county; do
		is "$(vals $COORD $d "'$lvl'" NULL)" "$(vals $SINGLE $d "'$lvl'" NULL)" "the register by $lvl on $d equals the single node's"
	done
	is "$(vals $COORD $d "'village'" "'$COUNTY'")" "$(vals $SINGLE $d "'village'" "'$COUNTY'")" "county $COUNTY by village on $d equals the single node's"
done
for d in 2016-06-30 2020-03-31; do
	is "$(sql $COORD "SELECT md5(string_agg(c::text, E'\n')) || ' ' || count(*) FROM poverty_aid.county_indicators_as_of('$d') c")" \
		"$(sql $SINGLE "SELECT md5(string_agg(c::text, E'\n')) || ' ' || count(*) FROM poverty_aid.county_indicators_as_of('$d') c")" \
		"county_indicators_as_of('$d') equals the single node's, row by row"
	is "$(sql $COORD "SELECT md5(string_agg(c::text, E'\n')) || ' ' || count(*) FROM poverty_aid.village_indicators_as_of('$d') c")" \
		"$(sql $SINGLE "SELECT md5(string_agg(c::text, E'\n')) || ' ' || count(*) FROM poverty_aid.village_indicators_as_of('$d') c")" \
		"village_indicators_as_of('$d') equals the single node's, row by row"
done
is "$(sql $COORD "SELECT count(*) FROM poverty_aid.county_indicators WHERE designated")" "832" \
	"the county_indicators view lists the 832 designated counties from the shards"
bi() {	# bi DB — the bi_province view as of 2019-12-31, as text
	sql "$1" "SET poverty_aid.as_of = '2019-12-31'; SELECT md5(string_agg(b::text, E'\n' ORDER BY b::text)) || ' ' || count(*) FROM poverty_aid.bi_province b"
}
is "$(bi $COORD)" "$(bi $SINGLE)" "the bi_province view equals the single node's (one forwarded query per province)"
is "$(sql $COORD "SELECT count(*) FROM poverty_aid.household")" "0" "(the coordinator's register tables are empty)"
snap() {	# snap DB — take_snapshot on 2019-12-31, its rows as text
	sql "$1" "SET client_min_messages = warning; CALL poverty_aid.take_snapshot('2019-12-31')" >/dev/null
	sql "$1" "SELECT md5(string_agg(concat_ws('|', as_of, region_code, indicator, numerator, denominator, value), E'\n'
	          ORDER BY region_code NULLS FIRST, indicator)) || ' ' || count(*) FROM poverty_aid.indicator_snapshot
	          WHERE region_code IS NOT NULL OR indicator <> 'income_gini'"
}
is "$(snap $COORD)" "$(snap $SINGLE)" "take_snapshot on the coordinator writes the single node's snapshot rows"
out=$("${PSQL_T[@]}" -d $COORD -v VERBOSITY=verbose -c "SELECT * FROM poverty_aid.indicator_report(NULL, '1999-12-31')" 2>&1)
echo "$out" | grep -q 'ERROR:  22023: a coordinator reports on days from 2000-01-01 to 2100-12-31'
ok $? "a date the shard views do not cover is an error (22023), not an empty report"

# -- What travels ------------------------------------------------------------------
plan=$(sql $COORD "SELECT poverty_aid.shard_rows_sql('indicator_values_at', '2019-12-31', 'by_level IS NULL AND root_code IS NULL')" \
	| sed 's/^/EXPLAIN (VERBOSE, COSTS OFF) /' | "${PSQL_T[@]}" -d $COORD)
is "$(echo "$plan" | grep -c 'Async Foreign Scan')" "3" "the national report is one async foreign scan per shard"
is "$(echo "$plan" | grep -c "Remote SQL: SELECT region_code, ord, key, label, numerator, denominator, value, unit, ratio FROM poverty_aid_remote.indicator_values_at WHERE ((by_level IS NULL)) AND ((root_code IS NULL)) AND ((day = '2019-12-31'))$")" \
	"3" "each ships the whole query with its WHERE clause (day, by_level, root_code)"
echo "$plan" | grep -Eq 'household|poverty_listing|pairing|fund'
ok $(( $? == 0 )) "no register table is read through the foreign tables"
is "$(sql $COORD "SELECT poverty_aid.shard_rows_sql('indicator_values_at', '2019-12-31', 'by_level IS NULL AND root_code = ''$PROV''', '$PROV')" | grep -o 'UNION ALL' | wc -l)" \
	"0" "a province is forwarded to the one shard that holds it"
shipped=$(sql $COORD "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) $(sql $COORD "SELECT poverty_aid.shard_rows_sql('indicator_values_at', '2019-12-31', 'by_level = ''county'' AND root_code IS NULL')")" \
	| grep 'Async Foreign Scan' | sed -n 's/.*rows=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }')
KEYS=$(sql $SINGLE "SELECT count(*) FROM poverty_aid.indicator_report(NULL, '2019-12-31')")
is "$shipped" "$(( KEYS * $(sql $SINGLE "SELECT count(*) FROM poverty_aid.region WHERE level = 'county'") ))" \
	"by county the shards ship one row per county and key ($KEYS keys), not the register's rows"
one=$(sql ${SHARDS[0]} "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT * FROM poverty_aid_remote.indicator_values_at WHERE day = '2019-12-31' AND by_level IS NULL AND root_code IS NULL")
echo "$one" | grep -A1 'Function Scan on poverty_aid.indicator_values' | grep -q 'loops=1)'
ok $? "on a shard the view runs indicator_values() once for the day asked"

# -- Not shard-aware: refused on the coordinator ---------------------------------
for f in "exit_check('2019-12-31')" "data_problems('2019-12-31')" "helper_indicators_as_of('2019-12-31')" \
	"fund_source_indicators_as_of('2019-12-31')" "income_measures(NULL, 2019)" "exit_assessment(NULL, '2019-12-31')" \
	"monitoring_report(NULL, '2021-12-31')" "monitoring_values('2021-12-31')" "monitoring_county_indicators_as_of('2021-12-31')" \
	"monitoring_candidates('2021-12-31')" "load_csv('household', 'household_no')"; do
	out=$("${PSQL_T[@]}" -d $COORD -v VERBOSITY=verbose -c "SELECT * FROM poverty_aid.$f" 2>&1)
	name=${f%%(*}
	[ "$name" = monitoring_report ] && name=monitoring_values	# its engine refuses
	echo "$out" | grep -q "ERROR:  0A000: poverty_aid.$name does not run on a coordinator"
	ok $? "${f%%(*} refuses to run on a coordinator (0A000, naming $name)"
done
out=$("${PSQL_T[@]}" -d $COORD -c "SELECT * FROM poverty_aid.helper_indicators" 2>&1)
echo "$out" | grep -q "HINT:  Run it on the shard that holds the region"
ok $? "the helper_indicators view too, with the hint to run it on a shard"
is "$(sql ${SHARDS[0]} "SELECT count(*) > 0 FROM poverty_aid.exit_check('2019-12-31')")" "t" "exit_check still runs on a shard"

# -- Failures ---------------------------------------------------------------------
sql $COORD "ALTER SERVER b OPTIONS (SET port '1')" >/dev/null
out=$("${PSQL_T[@]}" -d $COORD -v VERBOSITY=verbose -c "SELECT * FROM poverty_aid.indicator_report(NULL, '2019-12-31')" 2>&1)
rc=$?
ok $(( rc == 0 )) "with shard b down the national report fails"
echo "$out" | grep -q 'ERROR:  08001: shard b is unreachable'
ok $? "naming shard b (08001)"
echo "$out" | grep -q 'county_exit_rate'
ok $(( $? == 0 )) "and gives no partial figure"
out=$("${PSQL_T[@]}" -d $COORD -c "SELECT count(*) FROM poverty_aid.county_indicators_as_of('2019-12-31')" 2>&1)
echo "$out" | grep -q 'ERROR:  shard b is unreachable'
ok $? "county_indicators_as_of fails the same way"
is "$(sql $COORD "SELECT count(*) FROM poverty_aid.indicator_report('$(pick "SELECT min(code) FROM poverty_aid.region WHERE level = 'province'")', '2019-12-31')")" \
	"$(sql $SINGLE "SELECT count(*) FROM poverty_aid.indicator_report(NULL, '2019-12-31')")" "a province of shard a is still reported"
out=$("${PSQL_T[@]}" -d $COORD -c "SELECT * FROM poverty_aid.shard_check()" 2>&1)
echo "$out" | grep -q 'ERROR:  shard b is unreachable'
ok $? "shard_check names the shard that is down"
sql $COORD "ALTER SERVER b OPTIONS (SET port '$PGPORT')" >/dev/null

sql $COORD "SELECT * FROM poverty_aid.shard_add('extra', '$PGHOST', $PGPORT, '$EXTRA')" >/dev/null
ok $? "a fourth, empty shard is added"
sql $EXTRA "SET client_min_messages = warning; DROP EXTENSION poverty_aid CASCADE; CREATE EXTENSION poverty_aid VERSION '1.0'" >/dev/null
out=$("${PSQL_T[@]}" -d $COORD -v VERBOSITY=verbose -c "SELECT * FROM poverty_aid.shard_check()" 2>&1)
echo "$out" | grep -q 'ERROR:  55000: shard extra runs poverty_aid 1.0, not 1.1'
ok $? "shard_check detects the shard that runs another version (55000, naming it)"
is "$(sql $COORD "SET client_min_messages = warning; SELECT poverty_aid.shard_remove('extra')")" "t" "shard_remove removes it"
is "$(sql $COORD "SELECT count(*) FROM pg_foreign_server WHERE srvname = 'extra'")" "0" "with its server"
out=$("${PSQL_T[@]}" -d $COORD -c "SELECT * FROM poverty_aid.shard_add('old', '$PGHOST', $PGPORT, '$EXTRA')" 2>&1)
echo "$out" | grep -q 'ERROR:  shard old runs poverty_aid 1.0, not 1.1'
ok $? "shard_add refuses a shard that runs another version"
is "$(sql $COORD "SELECT count(*) FROM pg_foreign_server WHERE srvname = 'old'")" "0" "and leaves nothing behind"
out=$("${PSQL_T[@]}" -d $COORD -c "SELECT * FROM poverty_aid.shard_add('again', '$PGHOST', $PGPORT, '${SHARDS[1]}')" 2>&1)
echo "$out" | grep -Eq 'ERROR:  province [0-9]{12} is on shards (again and b|b and again)'
ok $? "a second shard over the same provinces is refused (coverage units must be disjoint)"
is "$(sql $COORD "SELECT string_agg(name, ',' ORDER BY name) FROM poverty_aid.shard_check()")" "a,b,c" "the coordinator is whole again"

for name in a b c; do sql $COORD "SET client_min_messages = warning; SELECT poverty_aid.shard_remove('$name')" >/dev/null; done
is "$(sql $COORD "SELECT poverty_aid.shard_is_coordinator()")" "f" "without shards the node is a single node again"

for db in $SINGLE $COORD "${SHARDS[@]}" $EXTRA; do
	sql postgres "DROP DATABASE $db" >/dev/null 2>&1
done
sql postgres "DROP ROLE IF EXISTS pa_shard_clerk" >/dev/null 2>&1
done_testing
