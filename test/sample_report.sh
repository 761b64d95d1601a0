#!/usr/bin/env bash
# The acceptance data set: test/data/tianjin_2020.sql loaded into a fresh
# database gives, through indicator_report() as of 2020-03-31, every figure of
# the press release in docs/loading.md; the county view and a snapshot
# agree with the report; the sample and a county subtree agree with plain SQL.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_sample
sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
start=$(date +%s)
"${PSQL_T[@]}" -d "$DB" -f "$POVERTY_AID_SRC/test/data/tianjin_2020.sql" >/dev/null
ok $? "the sample data set loads (in $(( $(date +%s) - start )) s)"

# key -> "numerator/denominator value" for the city as of 2020-03-31
report=$(sql "$DB" "SELECT string_agg(key || ' ' || coalesce(numerator::text, '') || '/' || coalesce(denominator::text, '') || ' ' || coalesce(value::text, ''), E'\n')
                    FROM poverty_aid.indicator_report(NULL, '2020-03-31')")
fig() { echo "$report" | awk -v k="$1" '$1 == k { print $2 " " $3 }'; }

is "$(fig county_exit_rate)" "47/50 94.0" "47 of the 50 assisted poverty counties have exited: 94.0%"
is "$(fig village_exit_rate)" "3787/3904 97.0" "3,787 of 3,904 poor villages have exited: 97.0%"
is "$(fig poor_population_baseline)" "3365000/ 3365000" "registered poor population at baseline: 3,365,000"
is "$(fig poor_population_current)" "79500/ 79500" "registered poor population now: 79,500"
is "$(fig poverty_reduction_rate)" "3285500/3365000 97.6" "reduction of the poor population: 97.6%"
is "$(fig high_incidence_villages)" "46/ 46" "46 unexited villages with an incidence above 10%"
is "$(fig high_incidence_village_coverage)" "46/46 100.0" "all 46 are paired with an enterprise or social organisation"
is "$(fig fund_in_place_fiscal | awk '{print $2}')" "119.2" "fiscal funds in place: 119.2% of plan"
is "$(fig city_funds_allocated_jan_feb)" "1296948000.00/ 1296948000.00" "municipal aid funds allocated in Jan-Feb: 1,296,948,000 yuan"
is "$(fig fund_share_deep_poverty | awk '{print $2}')" "58.0" "58% of the cooperation funds went to the deeply poor counties"
is "$(sql "$DB" "SELECT value >= 45000 FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'jobs_found'")" "t" \
	"45,000+ poor people helped into jobs this year"

# Split of the 46 villages: 5 in Zhenyuan, 41 in Cele and Yutian.
hi() { sql "$DB" "SELECT value FROM poverty_aid.indicator_report('$1', '2020-03-31') WHERE key = 'high_incidence_villages'"; }
is "$(hi 621027)" "5" "5 of the 46 villages are in Zhenyuan County"
is "$(( $(hi 653225) + $(hi 653226) ))" "41" "41 of the 46 are in Cele and Yutian counties"
is "$(sql "$DB" "SELECT string_agg(name, ', ' ORDER BY code) FROM poverty_aid.region r
	  JOIN poverty_aid.poverty_listing l ON l.region_code = r.code
	  WHERE r.level = 'county' AND (l.exited_on IS NULL OR l.exited_on > '2020-03-31')")" \
	"Zhenyuan County, Cele County, Yutian County" "the three counties not exited are Zhenyuan, Cele and Yutian"

# Yutian County's report against plain SQL over its rows.
is "$(sql "$DB" "SELECT numerator || '/' || denominator FROM poverty_aid.indicator_report('653226', '2020-03-31') WHERE key = 'household_exit_rate'")" \
	"$(sql "$DB" "SELECT count(*) FILTER (WHERE exited_on <= '2020-03-31') || '/' || count(*) FROM poverty_aid.household
	              WHERE village_code LIKE '653226%' AND registered_on <= '2020-03-31'")" \
	"Yutian County: household exit rate equals plain SQL over its households"
is "$(sql "$DB" "SELECT value FROM poverty_aid.indicator_report('653226', '2020-03-31') WHERE key = 'poor_population_current'")" \
	"$(sql "$DB" "SELECT sum(members) FROM poverty_aid.household WHERE village_code LIKE '653226%'
	              AND registered_on <= '2020-03-31' AND (exited_on IS NULL OR exited_on > '2020-03-31')")" \
	"Yutian County: people still poor equals plain SQL"

# The county view equals the report for every county.
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.county_indicators_as_of('2020-03-31') c
	  JOIN LATERAL (SELECT max(value) FILTER (WHERE key = 'poor_population_current') AS poor,
	                       max(value) FILTER (WHERE key = 'village_exit_rate') AS ver
	                FROM poverty_aid.indicator_report(c.county_code, '2020-03-31')) r ON true
	  WHERE c.poor_population_current IS DISTINCT FROM r.poor OR c.village_exit_rate IS DISTINCT FROM r.ver")" \
	"0" "county_indicators_as_of agrees with indicator_report for every county"

# A snapshot holds the report; taking it twice replaces it.
sql "$DB" "CALL poverty_aid.take_snapshot('2020-03-31')" >/dev/null 2>&1
sql "$DB" "CALL poverty_aid.take_snapshot('2020-03-31')" >/dev/null 2>&1
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.indicator_report(NULL, '2020-03-31') r
	  LEFT JOIN poverty_aid.indicator_snapshot s ON s.as_of = '2020-03-31' AND s.region_code IS NULL AND s.indicator = r.key
	  WHERE s.value IS DISTINCT FROM r.value OR s.numerator IS DISTINCT FROM r.numerator")" \
	"0" "the city's snapshot rows equal the report"
is "$(sql "$DB" "SELECT count(*) FILTER (WHERE status = 'succeeded') || ' ' || count(DISTINCT rows_written) FROM poverty_aid.job_run WHERE as_of = '2020-03-31'")" \
	"2 1" "two snapshot runs logged as succeeded, each writing the same number of rows"
is "$(sql "$DB" "SELECT count(*) = count(DISTINCT (region_code, indicator)) FROM poverty_aid.indicator_snapshot WHERE as_of = '2020-03-31'")" \
	"t" "no duplicate snapshot rows after the second run"

# The exit assessments of the sample (test/data/assessment_2020.sql checks
# its own figures and aborts otherwise) and the income measures of 2019.
"${PSQL_T[@]}" -d "$DB" -f "$POVERTY_AID_SRC/test/data/assessment_2020.sql" >/dev/null
ok $? "the sample exit assessments load and check their figures"
is "$(sql "$DB" "SELECT count(*) FILTER (WHERE all_met) || ' ' || string_agg(county_code, ',') FILTER (WHERE NOT all_met_with_interval)
	  FROM poverty_aid.exit_assessment(NULL, '2020-03-31')")" \
	"47 623026000000" "every exited county meets the assessment; only Luqu's approval interval straddles 90%"
is "$(sql "$DB" "SELECT m.headcount::text = p.headcount::text AND abs(m.poverty_gap - p.gap) < 1e-12
	  FROM poverty_aid.income_measures('653226', 2019) m,
	       (SELECT poverty_aid.ratio_agg(CASE WHEN i.per_capita_income < l.line THEN h.members ELSE 0 END, h.members) AS headcount,
	               (sum(h.members * greatest(0, (l.line - i.per_capita_income) / l.line)) / sum(h.members))::float8 AS gap
	          FROM poverty_aid.household_income i JOIN poverty_aid.household h ON h.id = i.household_id
	          JOIN poverty_aid.poverty_line l ON l.year = i.year
	         WHERE i.year = 2019 AND h.village_code LIKE '653226%') p")" \
	"t" "Yutian County's 2019 headcount and poverty gap from income_measures equal plain SQL"

sql postgres "DROP DATABASE $DB" >/dev/null
done_testing
