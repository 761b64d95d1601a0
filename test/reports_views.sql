-- pgTAP: the BI views and as-of functions agree with indicator_report(),
-- honour row-level security, and are readable by every profile.
BEGIN;
SELECT plan(16);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;

-- Every county's row equals the report for that county.
CREATE TEMP TABLE county_row AS SELECT * FROM county_indicators_as_of('2020-03-31');
SELECT is((SELECT count(*)::int FROM county_row), 4, 'county_indicators_as_of: one row per county of the register');
SELECT is(
  ARRAY(SELECT c.county_code || ' ' || r.key
          FROM county_row c
          CROSS JOIN LATERAL indicator_report(c.county_code, '2020-03-31') r
         WHERE (r.key, r.numerator, r.denominator, r.value) NOT IN (
                 ('village_exit_rate', c.villages_exited, c.villages_listed, c.village_exit_rate),
                 ('household_exit_rate', c.households_exited, c.households_registered, c.household_exit_rate),
                 ('poverty_incidence', c.poor_population_current, c.rural_population, c.poverty_incidence),
                 ('pairing_coverage', c.units_paired, c.units_listed, c.pairing_coverage),
                 ('high_incidence_village_coverage', c.high_incidence_villages_paired, c.high_incidence_villages, c.high_incidence_village_coverage),
                 ('fund_in_place', c.funds_in_place, c.funds_planned, c.fund_in_place_rate),
                 ('fund_in_place_fiscal', c.fiscal_funds_in_place, c.fiscal_funds_planned, c.fiscal_fund_in_place_rate))
           AND r.key IN ('village_exit_rate', 'household_exit_rate', 'poverty_incidence', 'pairing_coverage',
                         'high_incidence_village_coverage', 'fund_in_place', 'fund_in_place_fiscal')
         ORDER BY 1),
  '{}'::text[], 'each county''s ratios in the view equal indicator_report() for that county');
SELECT is(
  ARRAY(SELECT c.county_code || ' ' || r.key
          FROM county_row c
          CROSS JOIN LATERAL indicator_report(c.county_code, '2020-03-31') r
         WHERE r.value IS DISTINCT FROM CASE r.key
                 WHEN 'poor_population_baseline' THEN c.poor_population_baseline
                 WHEN 'poor_population_current' THEN c.poor_population_current
                 WHEN 'poverty_reduction_rate' THEN c.poverty_reduction_rate
                 WHEN 'high_incidence_villages' THEN c.high_incidence_villages
                 WHEN 'city_funds_allocated_jan_feb' THEN c.city_funds_allocated_jan_feb
                 WHEN 'fund_share_deep_poverty' THEN c.fund_share_deep_poverty
                 WHEN 'fund_share_industry' THEN c.fund_share_industry
                 WHEN 'jobs_found' THEN c.jobs_found
                 WHEN 'consumption_sales' THEN c.consumption_sales
                 WHEN 'projects_started' THEN c.projects_started
                 ELSE r.value END
         ORDER BY 1),
  '{}'::text[], 'each county''s counts and amounts in the view equal indicator_report() for that county');
SELECT is((SELECT array[sum(poor_population_current), sum(poor_population_baseline), sum(villages_listed), sum(villages_exited)]::numeric[]
             FROM county_row),
          (SELECT array[max(value) FILTER (WHERE key = 'poor_population_current'),
                        max(value) FILTER (WHERE key = 'poor_population_baseline'),
                        max(denominator) FILTER (WHERE key = 'village_exit_rate'),
                        max(numerator) FILTER (WHERE key = 'village_exit_rate')]
             FROM indicator_report(NULL, '2020-03-31')),
          'the counties'' poor now, baseline, villages listed and exited add up to the city report');
SELECT is((SELECT count(*)::int FROM county_indicators), (SELECT count(*)::int FROM county_indicators_as_of(current_date)),
          'county_indicators is county_indicators_as_of(current_date)');

-- Villages, helpers, fund sources.
SELECT is(
  ARRAY(SELECT v.village_code FROM village_indicators_as_of('2020-03-31') v
         CROSS JOIN LATERAL indicator_report(v.village_code, '2020-03-31') r
         WHERE r.key = 'poverty_incidence'
           AND (r.numerator, r.denominator, r.value) IS DISTINCT FROM
               (v.poor_population_current::numeric, v.rural_population::numeric, v.poverty_incidence)),
  '{}'::text[], 'each village''s incidence in the view equals indicator_report() for that village');
SELECT is(ARRAY(SELECT village_code FROM village_indicators_as_of('2020-03-31') WHERE high_incidence ORDER BY 1),
          ARRAY['621027100201', '653226100201'], 'the villages above 10%: V1 (7/60) and V4 (9/70)');
SELECT is(
  ARRAY(SELECT s.source::text FROM fund_source_indicators_as_of('2020-03-31') s
          JOIN indicator_report(NULL, '2020-03-31') r ON r.key = 'fund_in_place_' || s.source
         WHERE (r.numerator, r.denominator) IS DISTINCT FROM (s.funds_in_place, s.funds_planned)),
  '{}'::text[], 'each fund source''s money in place and planned equal the report''s fund_in_place_<source>');
SELECT is((SELECT funds_allocated_jan_feb FROM fund_source_indicators_as_of('2020-03-31') WHERE source = 'city_fiscal'),
          (SELECT value FROM indicator_report(NULL, '2020-03-31') WHERE key = 'city_funds_allocated_jan_feb'),
          'municipal funds allocated in January and February: view = report (3,000,000)');
SELECT is((SELECT array_agg(pairings_active::text || '/' || villages_paired || '/' || jobs_found || '/' || consumption_sales ORDER BY helper_id)
             FROM helper_indicators_as_of('2020-03-31') WHERE kind = 'enterprise'),
          ARRAY['2/1/1/350.50'], 'the enterprise: 2 active pairings with one village (counted once), 1 job, 350.50 yuan of purchases');

-- Privileges and row-level security.
CREATE ROLE pa_r_viewer;
CREATE ROLE pa_r_clerk;
SELECT grant_profile('pa_r_viewer', 'viewer');
SELECT grant_profile('pa_r_clerk', 'clerk', ARRAY['653226']);
SET ROLE pa_r_viewer;
SELECT lives_ok($$SELECT * FROM poverty_aid.county_indicators, poverty_aid.village_indicators,
                              poverty_aid.helper_indicators, poverty_aid.fund_source_indicators,
                              poverty_aid.indicator_trend LIMIT 1$$,
                'a viewer reads every report view');
SELECT is((SELECT value FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'poor_population_current'), 18::numeric,
          'a viewer without assignments gets the whole register''s report');
RESET ROLE;
SET ROLE pa_r_clerk;
SELECT is((SELECT value FROM poverty_aid.indicator_report(NULL, '2020-03-31') WHERE key = 'poor_population_current'), 11::numeric,
          'row security applies: a clerk of Yutian County gets Yutian''s figures for the whole register');
SELECT is((SELECT array_agg(county_code) FROM poverty_aid.county_indicators_as_of('2020-03-31') WHERE households_registered > 0),
          ARRAY['653226000000'], 'and sees households only in her county in the county view');
RESET ROLE;
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.relnamespace = 'poverty_aid'::regnamespace AND a.grantee = 0
                   AND c.relname LIKE '%indicator%'),
          '{}'::text[], 'nothing of the report views is granted to PUBLIC');
SELECT is(ARRAY(SELECT a.attrelid::regclass || '.' || a.attname FROM pg_attribute a
                 WHERE a.attrelid IN ('poverty_aid.county_indicators'::regclass, 'poverty_aid.village_indicators'::regclass,
                                      'poverty_aid.helper_indicators'::regclass, 'poverty_aid.fund_source_indicators'::regclass,
                                      'poverty_aid.indicator_trend'::regclass)
                   AND a.attnum > 0 AND col_description(a.attrelid, a.attnum) IS NULL),
          '{}'::text[], 'every column of the report views has a comment');

SELECT * FROM finish();
ROLLBACK;
