# test/lib/load_setup.bash — the database and roles shared by the load,
# crash and dump/restore proofs (test/load.sh, test/crash.sh,
# test/dump_restore_report.sh).  Sourced after tap.bash.
#
# setup_load_db DB: creates DB with the extension, loads the sample data set
# test/data/tianjin_2020.sql when it exists, adds five real counties (each
# with a township and ten villages, a listing and a 2020 fund plan) for the
# clerks, and gives the login roles pa_load_clerk_1..5 (one county each),
# pa_load_viewer and pa_load_admin their profiles.  drop_load_db DB removes
# the database and, when no other load database is left, the roles.

LOAD_COUNTIES=(621027 653222 653226 130828 130826)
LOAD_ROLES="pa_load_clerk_1 pa_load_clerk_2 pa_load_clerk_3 pa_load_clerk_4 pa_load_clerk_5 pa_load_viewer pa_load_admin"

# Fixed amount of each clerk's transfers, so that sums can be checked.
clerk_amount() { echo "$((1000 + $1)).25"; }

has_function() {	# has_function DB regprocedure-text
	[ "$(sql "$1" "SELECT to_regprocedure('$2') IS NOT NULL")" = "t" ]
}

setup_load_db() {
	local db=$1 role
	sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	sql postgres "CREATE DATABASE $db" >/dev/null
	sql "$db" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
	if [ -f "$POVERTY_AID_SRC/test/data/tianjin_2020.sql" ]; then
		"${PSQL_T[@]}" -d "$db" -f "$POVERTY_AID_SRC/test/data/tianjin_2020.sql" >/dev/null
	fi
	for role in $LOAD_ROLES; do
		sql postgres "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') THEN CREATE ROLE $role LOGIN; END IF; END \$\$" >/dev/null
	done
	"${PSQL_T[@]}" -d "$db" >/dev/null <<'SQL'
SET client_min_messages = warning;
INSERT INTO poverty_aid.region (code, name) VALUES
  ('620000000000', '甘肃省'), ('621000000000', '庆阳市'), ('621027000000', '镇原县'),
  ('650000000000', '新疆维吾尔自治区'), ('653200000000', '和田地区'), ('653222000000', '策勒县'), ('653226000000', '于田县'),
  ('130000000000', '河北省'), ('130800000000', '承德市'), ('130828000000', '围场满族蒙古族自治县'), ('130826000000', '丰宁满族自治县')
ON CONFLICT (code) DO NOTHING;
INSERT INTO poverty_aid.region (code, name)
SELECT c || '100000', '负载测试镇' FROM unnest(ARRAY['621027', '653222', '653226', '130828', '130826']) c
ON CONFLICT (code) DO NOTHING;
INSERT INTO poverty_aid.region (code, name)
SELECT c || '100' || lpad(v::text, 3, '0'), '负载测试村' || v
  FROM unnest(ARRAY['621027', '653222', '653226', '130828', '130826']) c, generate_series(1, 10) v
ON CONFLICT (code) DO NOTHING;
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on)
SELECT 'BASE-' || c || '-' || h, c || '100' || lpad((1 + h % 10)::text, 3, '0'), 1 + h % 6, DATE '2014-03-01'
  FROM unnest(ARRAY['621027', '653222', '653226', '130828', '130826']) c, generate_series(1, 200) h;
INSERT INTO poverty_aid.fund (source, recipient_region_code, year, purpose, planned, description)
SELECT 'city_fiscal', c || '000000', 2020, 'industry', 100000000.00, 'load test plan'
  FROM unnest(ARRAY['621027', '653222', '653226', '130828', '130826']) c;
SQL
	"${PSQL_T[@]}" -d "$db" >/dev/null <<SQL
SET client_min_messages = warning;
SELECT poverty_aid.grant_profile('pa_load_clerk_1', 'clerk', ARRAY['${LOAD_COUNTIES[0]}']);
SELECT poverty_aid.grant_profile('pa_load_clerk_2', 'clerk', ARRAY['${LOAD_COUNTIES[1]}']);
SELECT poverty_aid.grant_profile('pa_load_clerk_3', 'clerk', ARRAY['${LOAD_COUNTIES[2]}']);
SELECT poverty_aid.grant_profile('pa_load_clerk_4', 'clerk', ARRAY['${LOAD_COUNTIES[3]}']);
SELECT poverty_aid.grant_profile('pa_load_clerk_5', 'clerk', ARRAY['${LOAD_COUNTIES[4]}']);
SELECT poverty_aid.grant_profile('pa_load_viewer', 'viewer');
SELECT poverty_aid.grant_profile('pa_load_admin', 'admin');
SQL
}

# The fund plan of clerk i's county in DB.
clerk_fund() {
	sql "$1" "SELECT min(id) FROM poverty_aid.fund WHERE recipient_region_code = '${LOAD_COUNTIES[$(($2 - 1))]}000000' AND description = 'load test plan'"
}

# A reader's query: indicator_report() when the extension has it, else the
# same kind of indicators computed with the aggregates over the tables.
reader_sql() {
	local db=$1
	if has_function "$db" "poverty_aid.indicator_report(text,date)"; then
		echo "SELECT count(*) FROM poverty_aid.indicator_report(NULL, DATE '2020-03-31');"
		echo "SELECT count(*) FROM poverty_aid.indicator_report('653222', DATE '2020-03-31');"
	else
		cat <<'Q'
SELECT poverty_aid.ratio_percent(poverty_aid.exit_rate(listed_on, exited_on, DATE '2020-03-31')) FROM poverty_aid.poverty_listing;
SELECT poverty_aid.ratio_percent(poverty_aid.fund_in_place(coalesce(t.in_place, 0), f.planned)) FROM poverty_aid.fund f LEFT JOIN (SELECT fund_id, sum(amount) AS in_place FROM poverty_aid.fund_transfer GROUP BY fund_id) t ON t.fund_id = f.id;
SELECT count(*), sum(members) FROM poverty_aid.household WHERE exited_on IS NULL;
Q
	fi
}

# A snapshot: take_snapshot() when the extension has it, else a snapshot
# transaction that writes the same kind of rows (job_run + indicator_snapshot).
snapshot_sql() {
	local db=$1
	if has_function "$db" "poverty_aid.take_snapshot(date)"; then
		echo "CALL poverty_aid.take_snapshot(current_date);"
	else
		cat <<'Q'
BEGIN ISOLATION LEVEL SERIALIZABLE;
INSERT INTO poverty_aid.job_run (job, as_of) VALUES ('load_snapshot', current_date);
INSERT INTO poverty_aid.indicator_snapshot (as_of, region_code, indicator, label, numerator, denominator, value, unit)
SELECT current_date, poverty_aid.region_county_code(h.village_code), 'households_poor', 'Registered poor households', count(*), NULL, count(*), 'households'
  FROM poverty_aid.household h WHERE h.exited_on IS NULL GROUP BY 2
ON CONFLICT ON CONSTRAINT indicator_snapshot_unique DO UPDATE SET numerator = EXCLUDED.numerator, value = EXCLUDED.value, taken_at = now();
INSERT INTO poverty_aid.indicator_snapshot (as_of, region_code, indicator, label, numerator, denominator, value, unit)
SELECT current_date, f.recipient_region_code, 'fund_in_place', 'Funds in place / planned', poverty_aid.ratio_numerator(r), poverty_aid.ratio_denominator(r), poverty_aid.ratio_percent(r), '%'
  FROM (SELECT f.recipient_region_code, poverty_aid.fund_in_place(coalesce(t.in_place, 0), f.planned) AS r
          FROM poverty_aid.fund f LEFT JOIN (SELECT fund_id, sum(amount) AS in_place FROM poverty_aid.fund_transfer GROUP BY fund_id) t ON t.fund_id = f.id
         GROUP BY f.recipient_region_code) f
ON CONFLICT ON CONSTRAINT indicator_snapshot_unique DO UPDATE SET numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, value = EXCLUDED.value, taken_at = now();
UPDATE poverty_aid.job_run SET status = 'succeeded', finished_at = clock_timestamp() WHERE id = (SELECT max(id) FROM poverty_aid.job_run WHERE job = 'load_snapshot');
COMMIT;
Q
	fi
}

drop_load_db() {
	local db=$1 role
	sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	if [ "$(sql postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'poverty_aid_load%' OR datname LIKE 'poverty_aid_crash%' OR datname LIKE 'poverty_aid_dumprep%'")" = "0" ]; then
		for role in $LOAD_ROLES; do
			sql postgres "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
		done
	fi
}
