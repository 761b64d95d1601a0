#!/usr/bin/env bash
# pg_dump -> fresh database -> pg_restore keeps every row of every table of
# the extension (they are marked with pg_extension_config_dump) and the
# position of every sequence.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

SRC_DB=poverty_aid_dump_src
DST_DB=poverty_aid_dump_dst
DUMP=$(mktemp /tmp/poverty_aid_dump.XXXXXX)
trap 'rm -f "$DUMP"' EXIT
for db in $SRC_DB $DST_DB; do sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done
sql postgres "CREATE DATABASE $SRC_DB" >/dev/null

"${PSQL_T[@]}" -d "$SRC_DB" >/dev/null <<'SQL'
CREATE EXTENSION poverty_aid CASCADE;
SET search_path = poverty_aid, public;
INSERT INTO region (code, name) VALUES
  ('650000000000', '新疆维吾尔自治区'), ('653200000000', '和田地区'),
  ('653226000000', '于田县'), ('653226100000', '木尕拉镇');
INSERT INTO region (code, name)
  SELECT '653226100' || lpad(i::text, 3, '0'), '村' || i FROM generate_series(1, 50) i;
INSERT INTO region_population SELECT code, 2019, 1000 + length(name) FROM region WHERE level = 'village';
INSERT INTO poverty_listing (region_code, listed_on, exited_on, exit_batch)
  SELECT code, '2014-01-01', CASE WHEN right(code, 1)::int % 2 = 0 THEN date '2019-12-31' END, '2019'
  FROM region WHERE level IN ('county', 'village');
INSERT INTO household (household_no, village_code, members, registered_on, exited_on, poverty_cause)
  SELECT 'H' || i, '653226100' || lpad((1 + i % 50)::text, 3, '0'), 1 + i % 6, '2014-03-01',
         CASE WHEN i % 3 = 0 THEN date '2019-06-30' END, (enum_range(NULL::poverty_cause))[1 + i % 12]
  FROM generate_series(1, 2000) i;
INSERT INTO household_income SELECT id, 2019, 3000 + id % 1000 + 0.25 FROM household;
INSERT INTO poverty_line VALUES (2019, 3218), (2020, 4000);
INSERT INTO person (household_id, name, resident_id) VALUES (1, '某甲', '11010519491231002X'), (2, '某乙', '440524188001010014');
INSERT INTO helper (name, kind) VALUES ('天津市河东区', 'district'), ('某企业', 'enterprise');
INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (1, '653226000000', 'district_county', '2017-01-01');
INSERT INTO pairing (helper_id, target_region_code, kind, valid_from, valid_to)
  SELECT 2, code, 'enterprise_village', '2018-01-01', '2021-01-01' FROM region WHERE level = 'village';
INSERT INTO fund (source, helper_id, recipient_region_code, year, purpose, planned)
  VALUES ('city_fiscal', NULL, '653226000000', 2020, 'industry', 1296948000.00), ('district_fiscal', 1, '653226000000', 2020, 'education', 12345.67);
INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (1, 1000000000.01, '2020-02-01'), (2, 12345.67, '2020-03-01');
INSERT INTO project (name, region_code, fund_id, started_on, investment) VALUES ('红枣加工厂', '653226000000', 1, '2019-05-01', 5000000);
INSERT INTO project_beneficiary SELECT 1, id FROM household WHERE id <= 30;
INSERT INTO employment (household_id, place, employed_on, monthly_wage) SELECT id, 'pairing_city', '2020-02-15', 3500 FROM household WHERE id <= 45;
INSERT INTO consumption_sale (region_code, helper_id, product, sold_on, amount) VALUES ('653226000000', 2, '红枣', '2020-03-01', 88888.88);
INSERT INTO target (indicator, region_code, year, target_value, unit) VALUES ('consumption_sales', NULL, 2020, 100000000, 'yuan');
INSERT INTO job_run (job, as_of, finished_at, status, rows_written) VALUES ('take_snapshot', '2020-03-31', clock_timestamp(), 'succeeded', 1);
INSERT INTO indicator_snapshot (as_of, region_code, indicator, label, numerator, denominator, value, unit, run_id)
  VALUES ('2020-03-31', NULL, 'county_exit_rate', 'County exit rate', 47, 50, 94.0, '%', 1);
INSERT INTO assessment (county_code, assessed_on, assessor) VALUES ('653226000000', '2020-01-20', 'third party');
INSERT INTO assessment_household (assessment_id, sample_no, village_code, household_id, wrongly_exited, missed_poor, approves)
  VALUES (1, 1, '653226100004', 3, false, NULL, true), (1, 2, '653226100005', NULL, NULL, false, NULL);
SQL
ok $? "a database with rows in every table"

# Per table: row count and a hash of all rows; per sequence: its last value.
contents() {
	sql "$1" "
	SELECT string_agg(line, E'\n' ORDER BY line) FROM (
	  SELECT format('%s %s', c.oid::regclass,
	         (xpath('/row/x/text()', query_to_xml(
	            CASE c.relkind WHEN 'S' THEN format('SELECT last_value AS x FROM %s', c.oid::regclass)
	            ELSE format('SELECT count(*) || '' '' || md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) AS x FROM %s t', c.oid::regclass) END,
	            false, false, '')))[1]::text) AS line
	  FROM pg_extension e, unnest(e.extconfig) AS cfg(oid)
	  JOIN pg_class c ON c.oid = cfg.oid
	  WHERE e.extname = 'poverty_aid') s"
}
before=$(contents $SRC_DB)
is "$(sql $SRC_DB "SELECT count(*) FROM unnest((SELECT extconfig FROM pg_extension WHERE extname = 'poverty_aid'))")" \
	"$(echo "$before" | wc -l)" "every marked table and sequence is compared"
is "$(echo "$before" | grep -c ' 0 ')" "0" "no marked table is empty in the source"

"$POVERTY_AID_BIN/pg_dump" -Fc -d "$SRC_DB" -f "$DUMP"
ok $? "pg_dump -Fc"
sql postgres "CREATE DATABASE $DST_DB TEMPLATE template0" >/dev/null
"$POVERTY_AID_BIN/pg_restore" --exit-on-error -d "$DST_DB" "$DUMP"
ok $? "pg_restore into a fresh database"
after=$(contents $DST_DB)
is "$after" "$before" "every row of every table and every sequence position survive"
is "$(sql $DST_DB "SELECT level || ' ' || parent_code || ' ' || zone FROM poverty_aid.region WHERE code = '653226100007'")" \
	"village 653226100000 west" "computed columns are computed again on restore"
sql "$DST_DB" "INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on) VALUES ('H-new', '653226100001', 2, '2020-01-01')" >/dev/null
ok $? "inserting after restore takes a fresh id (sequences were restored)"
is "$(sql $DST_DB "SELECT max(id) FROM poverty_aid.household")" "2001" "the new household follows the restored ones"

for db in $SRC_DB $DST_DB; do sql postgres "DROP DATABASE $db" >/dev/null; done
done_testing
