#!/usr/bin/env bash
# A BI tool over ODBC: psqlODBC (unixODBC) with a DSN-less connection string
# whose ConnSettings set the as-of date reads bi_county and describes every
# numeric column with its precision and scale (SQLDescribeCol), gives the
# fixture's figures as of that date, and reads the column descriptions from
# the data dictionary (psqlODBC does not pass COMMENTs on).
# test/drivers/odbc_probe.py does the ODBC side, with Debian's python3 and
# pyodbc.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_bi_odbc
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
"${PSQL_T[@]}" -d "$DB" -f "$POVERTY_AID_SRC/test/fixtures/reports.sql" >/dev/null
ok $? "the report fixture loads"

DICTIONARY="SELECT name, data_type, description FROM poverty_aid.data_dictionary
 WHERE object_name = 'bi_county' AND name IN ('county_exit_rate_pct', 'fund_in_place_numerator_yuan')
 ORDER BY name"
out=$(/usr/bin/python3 "$POVERTY_AID_SRC/test/drivers/odbc_probe.py" "$PGHOST" "$PGPORT" "$DB" "$PGUSER" "$DICTIONARY" 2>&1)
ok $? "odbc_probe.py connects through psqlODBC and reads bi_county"
line() { echo "$out" | grep -E "^$1( |$)" | head -1; }

is "$(line 'setting')" "setting 2020-03-31" "ConnSettings set poverty_aid.as_of"
is "$(line 'column county_exit_rate_pct')" "column county_exit_rate_pct Decimal 10 1" \
	"SQLDescribeCol: a percent column is numeric(10,1)"
is "$(line 'column county_exit_rate_fraction')" "column county_exit_rate_fraction float 17 0" \
	"SQLDescribeCol: a fraction column is a double precision"
is "$(line 'column county_exit_rate_numerator_counties')" "column county_exit_rate_numerator_counties int 19 0" \
	"SQLDescribeCol: a count is a bigint"
is "$(line 'column fund_in_place_numerator_yuan')" "column fund_in_place_numerator_yuan Decimal 18 2" \
	"SQLDescribeCol: a yuan numerator is numeric(18,2)"
is "$(line 'column consumption_sales_attainment_denominator_yuan')" \
	"column consumption_sales_attainment_denominator_yuan Decimal 20 4" \
	"SQLDescribeCol: a target denominator is numeric(20,4)"
is "$(echo "$out" | grep '^column .* Decimal ' | grep -c -v -E ' (10 1|18 2|20 4)$')" "0" \
	"every numeric column is described with its own precision and scale"
is "$(line 'rows')" "rows 4" "one row per county of the fixture"
is "$(line 'county_exit_rate')" "county_exit_rate 1/4" \
	"summed over the counties: 1 of 4 counties exited as of 2020-03-31"
is "$(line 'county 653226000000')" "county 653226000000 2020-03-31 5.5 11 200 2500000.00" \
	"于田县 as of 2020-03-31: incidence 11/200 = 5.5%, as indicator_report() says"
is "$(echo "$out" | grep -c '^description ')" "2" "the data dictionary describes bi_county's columns"
echo "$out" | grep -q '^description county_exit_rate_pct numeric(10,1) County exit rate.*percent'
ok $? "the data dictionary gives a percent column's type and description"
echo "$out" | grep -q '^description fund_in_place_numerator_yuan numeric(18,2) Numerator of fund_in_place'
ok $? "and a numerator column's"

sql postgres "DROP DATABASE $DB" >/dev/null 2>&1
done_testing
