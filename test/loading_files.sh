#!/usr/bin/env bash
# Loading real files as an office exports them: every county-level-and-above
# code in use in 2024 from the official list (UTF-8 with a byte-order mark,
# CRLF) as a whole export directory with load_files(); households in GBK
# streamed with \copy into a staging table and load_staged(); persons in
# GB18030 through load_csv(convert_from(...)); errors reported per row.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_loading_files
DIR=$(mktemp -d "${POVERTY_AID_WORK:-/tmp}/loading_files.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
chmod 755 "$DIR"
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
CRLF() { sed 's/$/\r/'; }

# 1. The export directory: regions in UTF-8 with a BOM and CRLF (Taiwan, Hong
# Kong and Macao, which have no policy zone, apart).
mkdir "$DIR/export"
{
	printf '\xEF\xBB\xBFcode,name\n'
	awk -F, 'NR > 1 && $8 == "" && $6 == "在用" && $1 !~ /^(71|81|82)/ { print $1 "," $4 }' "$POVERTY_AID_SRC/sql/data/division_codes.csv"
	printf '653226100,木尕拉镇\n653226100201,样本村\n653226100202,第二村\n'
} | CRLF > "$DIR/export/region.csv"
printf 'region_code,listed_year,exit_year,deep_poverty\n653226,2014,2019,true\n653222,2014,2020,false\n' > "$DIR/export/poverty_listing.csv"
chmod 644 "$DIR"/export/*.csv
IN_USE=$(awk -F, 'NR > 1 && $8 == "" && $6 == "在用" && $1 !~ /^(71|81|82)/' "$POVERTY_AID_SRC/sql/data/division_codes.csv" | wc -l)

errors=$(sql "$DB" "SELECT count(*) FROM poverty_aid.load_files('$DIR/export') WHERE sqlstate NOT LIKE '01%'")
is "$errors" "0" "load_files: the official list of codes in use in 2024 and a listing file load without errors"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region r WHERE r.level <= 'county' AND EXISTS (SELECT 1 FROM poverty_aid.division_code d WHERE d.code = substr(r.code, 1, 6) AND d.status = 'in_use')")" \
	"$IN_USE" "every code in use ($IN_USE) is a region"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.region WHERE level = 'county'")" "2846" "2,846 counties, as the list's README says"
is "$(sql "$DB" "SELECT string_agg(code || ' ' || name, ', ' ORDER BY code) FROM poverty_aid.region WHERE code IN ('110100000000', '469000000000', '500200000000')")" \
	"110100000000 市辖区, 469000000000 省直辖县级行政区划, 500200000000 县" "the real non-unit parents were added from the list"
is "$(sql "$DB" "SELECT name FROM poverty_aid.region WHERE code = '110000000000'")" "北京市" "the byte-order mark did not spoil the first column"
is "$(sql "$DB" "SELECT string_agg(line || ' ' || column_name || ' ' || sqlstate, ', ') FROM poverty_aid.load_csv('region', E'code\\n810000\\n')" 2>/dev/null)" \
	"2 zone 23502" "Hong Kong needs a zone given by hand"
is "$(sql "$DB" "SELECT exited_on || ' ' || exit_batch FROM poverty_aid.poverty_listing WHERE region_code = '653226000000'")" \
	"2019-12-31 2019" "the listing file of the same export, by exit year"
is "$(sql "$DB" "SELECT string_agg(target || ':' || rows_loaded, ' ' ORDER BY id) FROM poverty_aid.bulk_load WHERE rows_loaded > 0")" \
	"region:$((IN_USE + 3)) poverty_listing:2" "one load per file, in dependency order"

# 2. Households in GBK with CRLF, streamed with \copy into a staging table.
{
	printf 'household_no,village_code,members,registered_on,exited_on,poverty_cause\n'
	for i in $(seq 1 300); do printf 'GBK-%s,653226100201,%s,2014-03-01,,illness\n' "$i" $((1 + i % 5)); done
	printf 'GBK-bad,653226100201,0,2014-03-01,,illness\n'
	printf '户-1,653226100202,3,2014-03-01,,illness\n'
} | CRLF | iconv -f UTF-8 -t GBK > "$DIR/household_gbk.csv"
out=$("${PSQL_T[@]}" -d "$DB" 2>/dev/null <<SQL
SELECT poverty_aid.create_staging_table('household') IS NOT NULL;
\copy household_staging (household_no, village_code, members, registered_on, exited_on, poverty_cause) FROM '$DIR/household_gbk.csv' WITH (FORMAT csv, HEADER, ENCODING 'GBK')
SELECT line || ' ' || column_name || ' ' || sqlstate FROM poverty_aid.load_staged('household', 'household_staging');
SELECT count(*) FROM poverty_aid.household;
SELECT count(*) FROM poverty_aid.load_staged('household', 'household_staging', only_valid => true);
SELECT household_no FROM poverty_aid.household WHERE village_code = '653226100202';
SQL
)
is "$(echo "$out" | sed -n 2p)" "302 members 23514" "GBK file via \\copy: the bad row is reported on its line of the file"
is "$(echo "$out" | sed -n 3p)" "0" "... and nothing is loaded"
is "$(echo "$out" | sed -n 5p)" "户-1" "with only_valid the rest loads, and GBK text is read correctly"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household")" "301" "301 households"

# 3. Persons in GB18030 with CRLF through load_csv(convert_from(...)).
{
	printf 'household_no,name,relation,is_labour\n'
	printf 'GBK-1,买买提·吐尔逊,户主,true\n'
	printf '户-1,𠮷祥,户主,false\n'
	printf 'nobody,某,户主,false\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/person_gb18030.csv"
chmod 644 "$DIR/person_gb18030.csv"
is "$(sql "$DB" "SELECT string_agg(line || ' ' || column_name || ' ' || sqlstate, ', ') FROM poverty_aid.load_csv('person', convert_from(pg_read_binary_file('$DIR/person_gb18030.csv'), 'GB18030'))")" \
	"4 household_no 23503" "GB18030 file: an unknown household reported"
sql "$DB" "SELECT count(*) FROM poverty_aid.load_csv('person', convert_from(pg_read_binary_file('$DIR/person_gb18030.csv'), 'GB18030'), true)" >/dev/null 2>&1
is "$(sql "$DB" "SELECT string_agg(name, ' ' ORDER BY name) FROM poverty_aid.person")" "买买提·吐尔逊 𠮷祥" \
	"GB18030 text, a character outside GBK included, is read correctly"

# 4. Progress of a long load.
progress=$("${PSQL_T[@]}" -d "$DB" 2>&1 <<SQL
SELECT poverty_aid.create_staging_table('household') IS NOT NULL;
INSERT INTO household_staging (household_no, village_code, members, registered_on)
  SELECT 'P-' || i, '653226100202', '2', '2020-01-01' FROM generate_series(1, 2500) i;
SELECT count(*) FROM poverty_aid.load_staged('household', 'household_staging', false, 1000);
SQL
)
is "$(echo "$progress" | grep -c 'rows inserted after')" "3" "a long load reports its progress after each batch"

# 5. A monitoring export in GB18030: load_files puts the household before the
# monitoring files and those in their order; the measures name the monitored
# household file's own ids.
mkdir "$DIR/monitoring"
{
	printf 'household_no,village_code,members,registered_on,exited_on\n'
	printf 'MON-1,653226100202,4,2014-03-01,2019-12-31\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/monitoring/household.csv"
{
	printf 'province_code,year,line\n650000,2021,4600\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/monitoring/monitoring_line.csv"
{
	printf 'id,household_no,village_code,members,category,risk_causes,identified_on,identified_by,note\n'
	printf '7,MON-1,653226100202,4,exited_unstable,illness;disaster,2021-03-01,visit,因病\n'
	printf '8,边缘-1,653226100202,3,marginal_at_risk,unemployment,2021-04-01,data_screening,\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/monitoring/monitored_household.csv"
{
	printf 'monitored_household_id,kind,started_on\n7,health,2021-03-10\n8,employment,2021-04-10\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/monitoring/monitoring_measure.csv"
{
	printf 'household_no,year,village_code,per_capita_income\n边缘-1,2021,653226100202,4300\n'
} | CRLF | iconv -f UTF-8 -t GB18030 > "$DIR/monitoring/monitoring_income.csv"
chmod 644 "$DIR"/monitoring/*.csv
first=$(sql "$DB" "SELECT max(id) FROM poverty_aid.bulk_load")
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.load_files('$DIR/monitoring', 'GB18030')")" "0" \
	"load_files: a monitoring export in GB18030 loads without errors"
is "$(sql "$DB" "SELECT string_agg(target || ':' || rows_loaded, ' ' ORDER BY id) FROM poverty_aid.bulk_load WHERE id > $first")" \
	"household:1 monitoring_line:1 monitored_household:2 monitoring_measure:2 monitoring_income:1" \
	"... in dependency order: the household, then the monitoring lines, households, measures, incomes"
is "$(sql "$DB" "SELECT string_agg(m.household_no || ':' || x.kind || ':' || coalesce(m.note, '-'), ' ' ORDER BY x.started_on) FROM poverty_aid.monitoring_measure x JOIN poverty_aid.monitored_household m ON m.id = x.monitored_household_id")" \
	"MON-1:health:因病 边缘-1:employment:-" "... the measures reach the households by the file's ids, GB18030 text read correctly"

sql postgres "DROP DATABASE $DB" >/dev/null
done_testing
