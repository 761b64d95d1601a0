#!/usr/bin/env bash
# A BI tool over JDBC: pgjdbc connects with the as-of date in its `options`
# parameter (-c poverty_aid.as_of=2020-03-31), reads bi_county and gets
# every numeric column described with its precision and scale, the
# fixture's figures as of that date, and the 1.0 view county_indicators as
# of the same date.  test/drivers/Probe.java does the JDBC side.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_bi_jdbc
JAR=/usr/share/java/postgresql.jar
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
"${PSQL_T[@]}" -d "$DB" -f "$POVERTY_AID_SRC/test/fixtures/reports.sql" >/dev/null
ok $? "the report fixture loads"

# Java writes its class cache nowhere; the source file is launched directly.
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$DB?user=$PGUSER&options=-c%20poverty_aid.as_of%3D2020-03-31"
out=$(java -cp "$JAR" "$POVERTY_AID_SRC/test/drivers/Probe.java" "$URL" 2>&1)
ok $? "Probe.java connects over JDBC and reads bi_county"
line() { echo "$out" | grep -E "^$1( |$)" | head -1; }

is "$(line 'setting')" "setting 2020-03-31" "the connection's options set poverty_aid.as_of"
is "$(line 'column as_of')" "column as_of date 13 0" "as_of is a date"
is "$(line 'column county_exit_rate_pct')" "column county_exit_rate_pct numeric 10 1" \
	"a percent column is described as numeric(10,1)"
is "$(line 'column county_exit_rate_fraction')" "column county_exit_rate_fraction float8 17 17" \
	"a fraction column is a double precision"
is "$(line 'column county_exit_rate_numerator_counties')" "column county_exit_rate_numerator_counties int8 19 0" \
	"a count is a bigint"
is "$(line 'column fund_in_place_numerator_yuan')" "column fund_in_place_numerator_yuan numeric 18 2" \
	"a yuan numerator is described as numeric(18,2)"
is "$(line 'column consumption_sales_attainment_denominator_yuan')" \
	"column consumption_sales_attainment_denominator_yuan numeric 20 4" \
	"a target denominator is described as numeric(20,4)"
is "$(echo "$out" | grep '^column .* numeric ' | grep -c -E ' (0 0|131089 0|1000 0)$')" "0" \
	"no numeric column comes without its precision and scale"
is "$(line 'rows')" "rows 4" "one row per county of the fixture"
is "$(line 'county_exit_rate')" "county_exit_rate 1/4" \
	"summed over the counties: 1 of 4 counties exited as of 2020-03-31, as indicator_report() says"
is "$(line 'county 621027000000')" "county 621027000000 2020-03-31 50.0 800000.00 1200000.00" \
	"镇原县 as of 2020-03-31: village exit 50.0%, funds 800,000.00 of 1,200,000.00 in place, as indicator_report() says"
is "$(line 'county_indicators')" "county_indicators 2020-03-31 6" \
	"the 1.0 view county_indicators is as of the connection's setting (6 villages listed)"

sql postgres "DROP DATABASE $DB" >/dev/null 2>&1
done_testing
