#!/usr/bin/env bash
# The 2021-2023 sample: test/data/tianjin_2020.sql then
# test/data/monitoring_2021_2023.sql load into a fresh database (the second
# file checks its own figures with plain SQL and aborts otherwise); the
# press-release figures of 2020-03-31 are unchanged; monitoring_report(),
# the county view and the candidates agree with plain SQL; a clerk sees the
# candidates of her county only; the job records them.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_monitoring_sample
SRC=$POVERTY_AID_SRC
cleanup() {
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	sql postgres "DROP ROLE IF EXISTS pa_t_sample_clerk" >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
"${PSQL_T[@]}" -d "$DB" -f "$SRC/test/data/tianjin_2020.sql" >/dev/null
ok $? "the 2020 sample loads"
start=$(date +%s)
"${PSQL_T[@]}" -d "$DB" -f "$SRC/test/data/monitoring_2021_2023.sql" >/dev/null
ok $? "the 2021-2023 sample loads and passes its own checks (in $(( $(date +%s) - start )) s)"

rep() {	# rep REGION DATE KEY -> numerator/denominator
	sql "$DB" "SELECT numerator || '/' || coalesce(denominator::text, '') FROM poverty_aid.monitoring_report($1, '$2') WHERE key = '$3'"
}
is "$(sql "$DB" "SELECT numerator || '/' || denominator FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key IN ('county_exit_rate', 'poverty_reduction_rate') ORDER BY key")" \
	"$(printf '47/50\n3285500/3365000')" "as of 2020-03-31 still 47 of 50 counties exited and 3,285,500 of 3,365,000 people out of poverty"
is "$(rep NULL 2023-12-31 monitored_households)" "6032/" "6,032 households monitored at the end of 2023"
is "$(rep NULL 2023-12-31 monitored_people)" "17293/" "17,293 people in them"
is "$(rep NULL 2023-12-31 risk_elimination_rate)" "10468/16500" "risk eliminated for 10,468 of 16,500 periods"
is "$(rep NULL 2023-12-31 monitoring_measure_coverage)" "4433/6032" "4,433 of the 6,032 with an active measure"
is "$(rep NULL 2022-12-31 returned_to_poverty)" "100/" "100 households back in poverty in 2022"
is "$(rep NULL 2021-12-31 monitored_households_marginal_at_risk)" "882/" "882 marginal households monitored at the end of 2021"
is "$(sql "$DB" "SELECT count(*) || ' ' || count(*) FILTER (WHERE (r.numerator, r.denominator, r.value, r.unit) IS NOT DISTINCT FROM (m.numerator, m.denominator, m.value, m.unit))
	  FROM poverty_aid.indicator_report(NULL, '2023-12-31') r JOIN poverty_aid.monitoring_report(NULL, '2023-12-31') m USING (key)")" \
	"12 12" "the 2023 figures come out of indicator_report: its 12 monitoring rows equal monitoring_report's"

# Yutian County against plain SQL.
is "$(rep "'653226'" 2023-12-31 monitored_households)" \
	"$(sql "$DB" "SELECT count(*) || '/' FROM poverty_aid.monitored_household WHERE village_code LIKE '653226%'
	              AND identified_on <= '2023-12-31' AND (eliminated_on IS NULL OR eliminated_on > '2023-12-31')")" \
	"Yutian County: households monitored equal plain SQL"
is "$(rep "'653226'" 2023-12-31 monitored_income_below_line)" \
	"$(sql "$DB" "WITH m AS (SELECT household_no, village_code FROM poverty_aid.monitored_household WHERE village_code LIKE '653226%'
	                AND identified_on <= '2023-12-31' AND (eliminated_on IS NULL OR eliminated_on > '2023-12-31')),
	              inc AS (SELECT h.household_no, i.year, i.per_capita_income FROM poverty_aid.household_income i
	                        JOIN poverty_aid.household h ON h.id = i.household_id WHERE h.household_no IN (SELECT household_no FROM m)
	                      UNION ALL SELECT household_no, year, per_capita_income FROM poverty_aid.monitoring_income
	                       WHERE household_no IN (SELECT household_no FROM m)),
	              latest AS (SELECT DISTINCT ON (household_no) * FROM inc WHERE year <= 2023 ORDER BY household_no, year DESC)
	              SELECT count(*) FILTER (WHERE l.per_capita_income < ml.line) || '/' || count(*)
	                FROM m JOIN latest l USING (household_no)
	                JOIN poverty_aid.monitoring_line ml ON ml.province_code = '650000000000' AND ml.year = l.year")" \
	"Yutian County: monitored households below the line equal plain SQL"

# The county view against the register.
is "$(sql "$DB" "SELECT sum(monitored_households) || ' ' || sum(monitored_people) || ' ' || sum(periods_eliminated) || '/' || sum(periods_identified)
	  FROM poverty_aid.monitoring_county_indicators_as_of('2023-12-31')")" \
	"6032 17293 10468/16500" "the counties of monitoring_county_indicators_as_of add up to the register"

# Early warning.
cand="SELECT count(*) || ' ' || count(*) FILTER (WHERE 'income_below_line' = ANY (reasons)) || ' ' || count(*) FILTER (WHERE 'income_near_line' = ANY (reasons))
       || ' ' || count(*) FILTER (WHERE 'income_drop' = ANY (reasons)) FROM poverty_aid.monitoring_candidates('2023-12-31')"
all=$(sql "$DB" "$cand")
is "$(echo "$all" | awk '{print ($1 > 1000 && $2 > 0 && $3 > 0 && $4 > 0) ? "yes" : "no: " $0}')" "yes" \
	"candidates as of 2023-12-31 of all three reasons ($all: all, below, near, drop)"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.monitoring_candidates('2023-12-31') c
	  WHERE EXISTS (SELECT 1 FROM poverty_aid.monitored_household m WHERE m.household_no = c.household_no
	                  AND m.identified_on <= '2023-12-31' AND (m.eliminated_on IS NULL OR m.eliminated_on > '2023-12-31'))
	     OR EXISTS (SELECT 1 FROM poverty_aid.household h WHERE h.household_no = c.household_no
	                  AND h.registered_on <= '2023-12-31' AND (h.exited_on IS NULL OR h.exited_on > '2023-12-31'))
	     OR NOT (c.per_capita_income < c.line + c.warning_margin OR 'income_drop' = ANY (c.reasons))")" \
	"0" "no candidate is monitored, poor, or without a reason in its figures"

sql postgres "CREATE ROLE pa_t_sample_clerk" >/dev/null
sql "$DB" "SELECT poverty_aid.grant_profile('pa_t_sample_clerk', 'clerk', ARRAY['653226']);
	  GRANT SELECT ON poverty_aid.monitored_household, poverty_aid.monitoring_income, poverty_aid.monitoring_line TO pa_t_sample_clerk" >/dev/null
is "$(sql "$DB" "SET ROLE pa_t_sample_clerk; SELECT count(*) || ' ' || count(*) FILTER (WHERE county_code = '653226000000') FROM poverty_aid.monitoring_candidates('2023-12-31')")" \
	"$(sql "$DB" "SELECT count(*) || ' ' || count(*) FROM poverty_aid.monitoring_candidates('2023-12-31') WHERE county_code = '653226000000'")" \
	"a clerk of Yutian sees exactly the candidates of her county"
sql "$DB" "SELECT poverty_aid.revoke_profile('pa_t_sample_clerk')" >/dev/null

sql "$DB" "CALL poverty_aid.record_monitoring_candidates('2023-12-31')" >/dev/null 2>&1
is "$(sql "$DB" "SELECT status || ' ' || rows_written FROM poverty_aid.job_run WHERE job = 'record_monitoring_candidates'")" \
	"succeeded $(echo "$all" | awk '{print $1}')" "the job records every candidate"
done_testing
