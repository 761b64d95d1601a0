#!/usr/bin/env bash
# The national data set generator at a small scale: test/data/national.sql
# with -v scale=0.002 loads (its own end-of-load checks pass), has the 2014
# register's shape (22 provinces, the official number of poverty counties per
# province, real county codes, the exit batches 28/125/283/344/52, 334 deeply
# poor counties), the planned households and people at that scale, the same
# rows on every load (fingerprints), and the reports agree with plain SQL
# over it.  A scale out of range is refused before anything is written.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_national
GEN=$POVERTY_AID_SRC/test/data/national.sql
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1

# A scale out of range: error 22023, nothing loaded.
out=$("${PSQL_T[@]}" -d "$DB" -v scale=0 -v VERBOSITY=verbose -f "$GEN" 2>&1)
rc=$?
ok $(( rc == 0 )) "scale 0 is refused"
echo "$out" | grep -q "ERROR:  22023: scale 0 is out of range"
ok $? "with SQLSTATE 22023 naming the scale"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region")" "0" "and nothing is written"

start=$(date +%s)
"${PSQL_T[@]}" -d "$DB" -v scale=0.002 -f "$GEN" >/dev/null
ok $? "the national data set loads at scale 0.002 and passes its own checks (in $(( $(date +%s) - start )) s)"

# A second load into the same database is refused.
"${PSQL_T[@]}" -d "$DB" -v scale=0.002 -f "$GEN" >/dev/null 2>&1
ok $(( $? == 0 )) "loading into a register that is not empty is refused"

# Shape: provinces, counties, batches, deep poverty, zones.
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region WHERE level = 'province'")" "22" "22 provinces"
is "$(sql "$DB" "SELECT string_agg(r.name || ' ' || n, ', ' ORDER BY n DESC, r.code) FROM (
	  SELECT substr(l.region_code, 1, 2) || '0000000000' AS code, count(*) AS n
	  FROM poverty_aid.poverty_listing l WHERE poverty_aid.region_code_level(l.region_code) = 'county' GROUP BY 1) c
	  JOIN poverty_aid.region r USING (code)")" \
	"云南省 88, 西藏自治区 74, 四川省 66, 贵州省 66, 甘肃省 58, 陕西省 56, 河北省 45, 青海省 42, 湖南省 40, 河南省 38, 山西省 36, 广西壮族自治区 33, 新疆维吾尔自治区 32, 内蒙古自治区 31, 湖北省 28, 江西省 24, 黑龙江省 20, 安徽省 20, 重庆市 14, 吉林省 8, 宁夏回族自治区 8, 海南省 5" \
	"832 poverty counties, the official number in each province"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region WHERE level = 'county' AND code LIKE '54%'")" "74" \
	"every county of Tibet is a poverty county"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region WHERE code IN ('540102000000', '522327000000', '623027000000', '653221000000')")" \
	"4" "real 2014 county codes (Chengguan of Lhasa, Ceheng, Xiahe, Hotan County)"
is "$(sql "$DB" "SELECT string_agg(exit_batch || ': ' || n, ', ' ORDER BY exit_batch) FROM (
	  SELECT exit_batch, count(*) AS n FROM poverty_aid.poverty_listing
	  WHERE poverty_aid.region_code_level(region_code) = 'county' GROUP BY 1) b")" \
	"2016: 28, 2017: 125, 2018: 283, 2019: 344, 2020: 52" "counties exit in the official batches"
is "$(sql "$DB" "SELECT min(exited_on) || ' ' || max(exited_on) FROM poverty_aid.poverty_listing")" \
	"2015-12-31 2020-11-22" "exits run from the end of 2015 to November 2020"
is "$(sql "$DB" "SELECT count(*) FILTER (WHERE deep_poverty) || ' ' || count(*) FILTER (WHERE deep_poverty AND region_code LIKE '54%')
	  FROM poverty_aid.poverty_listing")" "334 74" "334 deeply poor counties, Tibet's among them"
is "$(sql "$DB" "SELECT string_agg(zone || ' ' || n, ', ' ORDER BY zone) FROM (SELECT r.zone, count(*) AS n
	  FROM poverty_aid.region r JOIN poverty_aid.poverty_listing l ON l.region_code = r.code
	  WHERE r.level = 'county' GROUP BY 1) z")" "east 50, central 214, west 568" "zones from the extension's province table"

# Size at scale 0.002: 832 poor villages (one per county at least),
# 58,400 households with 179,240 people, one in a hundred with two periods.
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.poverty_listing WHERE poverty_aid.region_code_level(region_code) = 'village'")" \
	"832" "832 poor villages (every county keeps one)"
is "$(sql "$DB" "SELECT count(DISTINCT household_no) || ' ' || count(*) FROM poverty_aid.household")" "58400 58984" \
	"58,400 households (29.2 million x 0.002) in 58,984 periods"
report() {	# report REGION DATE KEY -> numerator/denominator value
	sql "$DB" "SELECT coalesce(numerator::text, '') || '/' || coalesce(denominator::text, '') || ' ' || coalesce(value::text, '')
	           FROM poverty_aid.indicator_report($1, '$2') WHERE key = '$3'"
}
is "$(report NULL 2020-12-31 poor_population_baseline)" "179240/ 179240" "179,240 people at baseline (89.62 million x 0.002)"
is "$(report NULL 2020-12-31 county_exit_rate)" "832/832 100.0" "every county has exited by the end of 2020"
is "$(report NULL 2020-12-31 poor_population_current)" "0/ 0" "nobody is poor at the end of 2020"
is "$(report NULL 2014-12-31 household_exit_rate)" "0/55559 0.0" "no household exits in 2014"

# The same rows on every load.
is "$(sql "$DB" "SELECT md5(string_agg(household_no || ' ' || village_code || ' ' || members || ' ' || registered_on || ' '
	  || coalesce(exited_on::text, '-') || ' ' || poverty_cause, ',' ORDER BY household_no, registered_on)) FROM poverty_aid.household")" \
	"ac6c6aa56daa938254f3aeb3f55a9938" "households are deterministic (fingerprint)"
is "$(sql "$DB" "SELECT md5(string_agg(region_code || ' ' || listed_on || ' ' || coalesce(exited_on::text, '-') || ' '
	  || coalesce(exit_batch, '-') || ' ' || deep_poverty, ',' ORDER BY region_code)) FROM poverty_aid.poverty_listing")" \
	"a0a93a7b60e814bc12ef88a46b4b10e8" "listings are deterministic (fingerprint)"

# Reports against plain SQL: the whole register, a province and a county.
for scope_prefix in "NULL " "'520000' 52" "'522327' 522327"; do
	read -r scope prefix <<<"$scope_prefix"
	where=""
	name="the whole register"
	[ -n "$prefix" ] && where="AND village_code LIKE '$prefix%'" && name="region $prefix"
	for d in 2016-06-30 2019-12-31; do
		is "$(report "$scope" $d household_exit_rate | cut -d' ' -f1)" \
			"$(sql "$DB" "SELECT count(*) FILTER (WHERE exited_on <= '$d') || '/' || count(*) FROM poverty_aid.household
			              WHERE registered_on <= '$d' $where")" \
			"household exit rate of $name on $d equals plain SQL"
		is "$(report "$scope" $d poor_population_current | cut -d'/' -f1)" \
			"$(sql "$DB" "SELECT coalesce(sum(members), 0) FROM poverty_aid.household
			              WHERE registered_on <= '$d' AND (exited_on IS NULL OR exited_on > '$d') $where")" \
			"people still poor in $name on $d equals plain SQL"
	done
done
is "$(report NULL 2019-12-31 county_exit_rate | cut -d' ' -f1)" \
	"$(sql "$DB" "SELECT count(*) FILTER (WHERE exited_on <= '2019-12-31') || '/' || count(*) FROM poverty_aid.poverty_listing
	              WHERE poverty_aid.region_code_level(region_code) = 'county'")" \
	"county exit rate on 2019-12-31 equals plain SQL"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.county_indicators_as_of('2019-12-31') WHERE designated")" "832" \
	"county_indicators_as_of lists the 832 designated counties"

sql postgres "DROP DATABASE $DB" >/dev/null
done_testing
