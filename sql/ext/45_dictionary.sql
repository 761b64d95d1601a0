-- sql/ext/45_dictionary.sql — the data dictionary: what every indicator key
-- and every column of the extension's tables and views means, as rows a BI
-- tool or an ODBC client (which drops COMMENTs) can query.
--
-- indicator_definitions() is the one list of the keys of indicator_values()
-- (register 1-27, after exit 101-112, income 201-209) with their units and
-- definitions; test/dictionary.sql checks that it and indicator_values()
-- name the same keys, labels and units.  data_dictionary adds every column
-- of the extension's relations with its type and COMMENT, read from the
-- catalogue, so a column documented with COMMENT ON is in the dictionary.

CREATE FUNCTION @extschema@.indicator_definitions()
  RETURNS TABLE (ord integer, key text, label text, unit text, numerator_unit text,
                 denominator_unit text, definition text, section text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT d.ord, d.key, d.label, d.unit, d.numerator_unit,
         CASE WHEN d.unit = '%' THEN d.denominator_unit END, d.definition,
         CASE WHEN d.ord < 100 THEN 'register' WHEN d.ord < 200 THEN 'after exit' ELSE 'income' END
    FROM (VALUES
     (1, 'county_exit_rate', 'County exit rate: designated poverty counties exited / listed', '%', 'counties', 'counties',
      'County listing periods (poverty_listing) listed on or before D; numerator: of them exited on or before D (exit_rate)'),
     (2, 'village_exit_rate', 'Village exit rate: poor villages exited / listed', '%', 'villages', 'villages',
      'Village listing periods listed on or before D; numerator: of them exited on or before D (exit_rate)'),
     (3, 'household_exit_rate', 'Household exit rate: household periods exited / registered', '%', 'households', 'households',
      'Household periods registered on or before D; numerator: of them exited on or before D (a household that fell back has two periods)'),
     (4, 'poor_population_baseline', 'Registered poor population, baseline (each household once, as first registered)', 'people', 'people', NULL,
      'Members of each household''s first period registered on or before D: a household counted once, with the members it had when first registered'),
     (5, 'poor_population_current', 'Registered poor population still poor', 'people', 'people', NULL,
      'Members of the household periods open on D (registered on or before D, not exited or exited after D)'),
     (6, 'poverty_reduction_rate', 'Reduction of the poor population: (baseline - still poor) / baseline', '%', 'people', 'people',
      'reduction_rate(baseline, current): (baseline poor - current poor) / baseline poor; negative when poverty rose'),
     (7, 'poverty_incidence', 'Poverty incidence: still poor / rural registered population', '%', 'people', 'people',
      'Current poor / rural population, summed over counties (over villages for a township or village scope); a unit''s population is its own region_population row of the latest year on or before Y, else the sum of its villages''; a unit with neither, or with more poor than population, is left out of both parts'),
     (8, 'high_incidence_villages', 'Poor villages not exited with a poverty incidence above 10%', 'villages', 'villages', NULL,
      'Poor villages listed on or before D and not exited on D whose own incidence is above high_incidence_percent() (10%)'),
     (9, 'pairing_coverage', 'Listed poor counties and villages with an active pairing', '%', 'regions', 'regions',
      'Listed (on or before D) poor counties and villages with at least one pairing active on D (valid_from <= D < valid_to), a unit paired twice counted once (coverage)'),
     (10, 'high_incidence_village_coverage', 'Villages above 10% paired with an enterprise or social organisation', '%', 'villages', 'villages',
      'Of the high-incidence villages, those with a pairing of an enterprise or social_organisation helper active on D (coverage)'),
     (11, 'fund_in_place', 'Funds in place / planned, all sources', '%', 'yuan', 'yuan',
      'Fund plans of years up to Y allocated on or before D (or without an allocation date): transfers in place on or before D / planned (fund_in_place); may exceed 100%'),
     (12, 'fund_in_place_fiscal', 'Fiscal funds (municipal and district) in place / planned', '%', 'yuan', 'yuan',
      'As fund_in_place, for the fiscal sources city_fiscal and district_fiscal'),
     (13, 'fund_in_place_fiscal_year', 'Fiscal funds planned for this year in place / planned', '%', 'yuan', 'yuan',
      'As fund_in_place_fiscal, for the plans of year Y only'),
     (14, 'fund_in_place_city_fiscal', 'Funds in place / planned: municipal fiscal funds', '%', 'yuan', 'yuan',
      'As fund_in_place, for source city_fiscal'),
     (15, 'fund_in_place_district_fiscal', 'Funds in place / planned: district fiscal funds', '%', 'yuan', 'yuan',
      'As fund_in_place, for source district_fiscal'),
     (16, 'fund_in_place_enterprise', 'Funds in place / planned: enterprise donations', '%', 'yuan', 'yuan',
      'As fund_in_place, for source enterprise'),
     (17, 'fund_in_place_social', 'Funds in place / planned: social donations', '%', 'yuan', 'yuan',
      'As fund_in_place, for source social'),
     (18, 'fund_in_place_other', 'Funds in place / planned: other sources', '%', 'yuan', 'yuan',
      'As fund_in_place, for source other'),
     (19, 'city_funds_allocated_jan_feb', 'Municipal fiscal aid funds allocated in January and February', 'yuan', 'yuan', NULL,
      'Planned amount of city_fiscal plans allocated between 1 January and the end of February of Y, and on or before D'),
     (20, 'fund_share_deep_poverty', 'Share of fiscal funds planned for the deeply poor counties', '%', 'yuan', 'yuan',
      'Of the fiscal funds planned (as for fund_in_place_fiscal), the part for recipients within a county listed on or before D with deep_poverty (ratio_agg)'),
     (21, 'fund_share_industry', 'Share of fiscal funds planned for industry', '%', 'yuan', 'yuan',
      'Of the fiscal funds planned (as for fund_in_place_fiscal), the part with purpose industry (ratio_agg)'),
     (22, 'jobs_found', 'Poor people helped into jobs this year', 'people', 'people', NULL,
      'employment rows with employed_on between 1 January of Y and D, by the household''s village'),
     (23, 'jobs_found_attainment', 'Jobs found this year / target', '%', 'people', 'people',
      'jobs_found / the target row of year Y with indicator jobs_found and region_code the scope (NULL: the whole register); value NULL without a target'),
     (24, 'consumption_sales', 'Purchases of products from assisted areas this year', 'yuan', 'yuan', NULL,
      'consumption_sale amounts with sold_on between 1 January of Y and D, by their region'),
     (25, 'consumption_sales_attainment', 'Purchases this year / target', '%', 'yuan', 'yuan',
      'consumption_sales / the target row of year Y with indicator consumption_sales and region_code the scope; value NULL without a target'),
     (26, 'projects_started', 'Projects started this year', 'projects', 'projects', NULL,
      'project rows with started_on between 1 January of Y and D, by their region'),
     (27, 'projects_started_attainment', 'Projects started this year / target', '%', 'projects', 'projects',
      'projects_started / the target row of year Y with indicator projects_started and region_code the scope; value NULL without a target'),
     (101, 'monitored_households', 'Households on the monitoring list (identified, risk not eliminated)', 'households', 'households', NULL,
      'monitored_household periods identified on or before D whose risk was not eliminated on or before D'),
     (102, 'monitored_households_exited_unstable', 'Monitored households: exited but unstable', 'households', 'households', NULL,
      'As monitored_households, category exited_unstable'),
     (103, 'monitored_households_marginal_at_risk', 'Monitored households: marginal households at risk', 'households', 'households', NULL,
      'As monitored_households, category marginal_at_risk'),
     (104, 'monitored_households_sudden_hardship', 'Monitored households: sudden severe hardship', 'households', 'households', NULL,
      'As monitored_households, category sudden_hardship'),
     (105, 'monitored_people', 'People in monitored households', 'people', 'people', NULL,
      'Members (as recorded when identified) of the monitored households'),
     (106, 'monitored_people_exited_unstable', 'People in monitored households: exited but unstable', 'people', 'people', NULL,
      'As monitored_people, category exited_unstable'),
     (107, 'monitored_people_marginal_at_risk', 'People in monitored households: marginal households at risk', 'people', 'people', NULL,
      'As monitored_people, category marginal_at_risk'),
     (108, 'monitored_people_sudden_hardship', 'People in monitored households: sudden severe hardship', 'people', 'people', NULL,
      'As monitored_people, category sudden_hardship'),
     (109, 'monitoring_measure_coverage', 'Monitored households with an active assistance measure', '%', 'households', 'households',
      'Of the monitored households, those with a monitoring_measure active on D (started_on <= D <= ended_on, NULL end: active), each counted once (coverage)'),
     (110, 'risk_elimination_rate', 'Risk elimination rate: monitoring periods eliminated / identified', '%', 'households', 'households',
      'Monitoring periods identified on or before D; numerator: of them eliminated on or before D (exit_rate)'),
     (111, 'returned_to_poverty', 'Households back in poverty this year (a new poverty period after an exit)', 'households', 'households', NULL,
      'Households with a poverty period registered between 1 January of Y and D after an earlier period of theirs exited'),
     (112, 'monitored_income_below_line', 'Monitored households whose latest income is below the monitoring line', '%', 'households', 'households',
      'Of the monitored households with a latest income (year up to Y) for whose year their province has a monitoring_line, those below it (rate_agg)'),
     (201, 'income_year', 'Year of the incomes measured: the last completed calendar year', 'year', 'year', NULL,
      'income_year(D): the year of D + 1 day, minus one (2019 as of 2020-03-31, 2020 as of 2020-12-31); the same for every region'),
     (202, 'income_poverty_line', 'Poverty line of the income year, yuan per person per year', 'yuan', 'yuan', NULL,
      'poverty_line.line of the income year; NULL when the year has none (then the measures against the line are NULL)'),
     (203, 'income_headcount_rate', 'Headcount ratio: people in households with an income below the line / people with an income', '%', 'people', 'people',
      'Members of the household periods with a household_income row of the income year (denominator); of them, those whose per-capita income is below the line (FGT(0), exact)'),
     (204, 'income_poverty_gap', 'Poverty gap index FGT(1): mean shortfall from the line as a share of it, weighted by people', 'index', NULL, NULL,
      'fgt(y, z, 1, members) over the incomes of the income year: sum of w*max(0, (z-y)/z) / sum of w; rounded to 6 digits'),
     (205, 'income_poverty_severity', 'Poverty severity index FGT(2): mean squared relative shortfall, weighted by people', 'index', NULL, NULL,
      'fgt(y, z, 2, members): sum of w*max(0, (z-y)/z)^2 / sum of w; rounded to 6 digits'),
     (206, 'income_watts', 'Watts index: mean of ln(line / income) over people below the line', 'index', NULL, NULL,
      'watts(y, z, members): sum over y < z of w*ln(z/y) / sum of w; NULL when an income is zero; rounded to 6 digits'),
     (207, 'income_gini', 'Gini coefficient of per-capita income, weighted by people', 'index', NULL, NULL,
      'gini(y, members): the weighted Gini coefficient of the per-capita incomes of the income year; rounded to 6 digits'),
     (208, 'income_mean', 'Mean per-capita income, weighted by people', 'yuan', 'yuan', NULL,
      'income_mean(y, members), rounded to 2 digits'),
     (209, 'income_poverty_gap_yuan', 'Mean shortfall from the line in yuan per person, over all people with an income', 'yuan', 'yuan', NULL,
      'poverty_gap_yuan(y, z, members): sum of w*max(0, z-y) / sum of w, rounded to 2 digits')
    ) AS d (ord, key, label, unit, numerator_unit, denominator_unit, definition)
   ORDER BY d.ord;
END;
COMMENT ON FUNCTION @extschema@.indicator_definitions() IS
  'The data dictionary of the indicators: one row per key of indicator_report() and indicator_values() (register 1-27, after exit 101-112, income 201-209) with its label, unit (% for ratios, else the unit of the count or amount, index for income indices), the units of a ratio''s numerator and denominator, the exact definition (D: the as-of date, Y: its year) and its section. Details: docs/reports.md';

CREATE VIEW @extschema@.data_dictionary WITH (security_invoker = true) AS
  SELECT 'indicator'::text AS kind, 'indicator_report'::text AS object_name, d.key AS name,
         d.ord AS position, CASE WHEN d.unit = '%' THEN 'ratio' WHEN d.unit = 'index' THEN 'double precision'
                                 ELSE 'numeric' END AS data_type,
         d.unit, d.numerator_unit, d.denominator_unit, d.label, d.definition AS description
    FROM @extschema@.indicator_definitions() d
  UNION ALL
  SELECT CASE c.relkind WHEN 'v' THEN 'view column' ELSE 'table column' END, c.relname::text, a.attname::text,
         a.attnum::integer, pg_catalog.format_type(a.atttypid, a.atttypmod),
         NULL, NULL, NULL, NULL, pg_catalog.col_description(c.oid, a.attnum)
    FROM pg_catalog.pg_depend x
    JOIN pg_catalog.pg_class c ON x.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = x.objid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE x.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
     AND x.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'poverty_aid')
     AND x.deptype = 'e' AND c.relkind IN ('r', 'p', 'v', 'm');
COMMENT ON VIEW @extschema@.data_dictionary IS
  'The data dictionary as rows (for clients that drop COMMENTs, such as psqlODBC): every indicator key of indicator_report() with its unit, the units of its numerator and denominator, label and definition (kind ''indicator''), and every column of the extension''s tables and views with its type and COMMENT (kind ''table column'' or ''view column'')';
COMMENT ON COLUMN @extschema@.data_dictionary.kind IS 'indicator, table column or view column';
COMMENT ON COLUMN @extschema@.data_dictionary.object_name IS 'indicator_report for an indicator, else the table or view';
COMMENT ON COLUMN @extschema@.data_dictionary.name IS 'Indicator key, or column name';
COMMENT ON COLUMN @extschema@.data_dictionary.position IS 'ord of the indicator in indicator_report(), or the column''s number';
COMMENT ON COLUMN @extschema@.data_dictionary.data_type IS 'SQL type of the column, with precision and scale where it has them (ratio for ratio indicators)';
COMMENT ON COLUMN @extschema@.data_dictionary.unit IS 'Unit of an indicator: % for ratios, else people, households, villages, yuan, projects, year or index';
COMMENT ON COLUMN @extschema@.data_dictionary.numerator_unit IS 'Unit of a ratio''s numerator, or of a count or amount';
COMMENT ON COLUMN @extschema@.data_dictionary.denominator_unit IS 'Unit of a ratio''s denominator (NULL for counts, amounts and indices)';
COMMENT ON COLUMN @extschema@.data_dictionary.label IS 'Short label of an indicator, as in indicator_report()';
COMMENT ON COLUMN @extschema@.data_dictionary.description IS 'Definition of an indicator, or the COMMENT of a column';
