-- pgTAP: income_measures() on the hand-counted fixture against plain SQL.
BEGIN;
SELECT plan(12);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;

INSERT INTO poverty_line (year, line) VALUES (2019, 3218);
-- 2019 incomes (members): Zhenyuan H1 3000 (4), H2 5000 (3), H3 0 (3);
-- Zhenyuan V2 H4 3218 (5, at the line: not poor); Qingcheng H5 2000 (6);
-- Yutian H6 4000 (5), H7 3100.50 (4).  2018: H1 only, no line that year.
INSERT INTO household_income (household_id, year, per_capita_income) VALUES
  (910001, 2019, 3000), (910002, 2019, 5000), (910004, 2019, 0), (910005, 2019, 3218),
  (910006, 2019, 2000), (910007, 2019, 4000), (910008, 2019, 3100.50), (910001, 2018, 2500);

CREATE TEMP TABLE city AS SELECT * FROM income_measures(NULL, 2019);
SELECT is((SELECT count(*)::int FROM city), 1, 'one row for the whole register and one year');
SELECT is((SELECT ARRAY[households, people] FROM city), ARRAY[7, 30]::bigint[], '7 households, 30 people');
SELECT is((SELECT headcount::text || ' ' || headcount_percent FROM city), '17/30 56.67',
          'headcount: H1, H3, H5, H7 = 4 + 3 + 6 + 4 = 17 of 30 people below 3218');
-- Plain SQL in numeric: gap = sum(w (z - y)/z) / sum(w) over the poor.
SELECT ok((SELECT abs(poverty_gap - (4 * 218 + 3 * 3218 + 6 * 1218 + 4 * 117.5) / 3218.0 / 30) < 1e-15 FROM city),
          'poverty gap FGT(1) equals the hand sum');
SELECT ok((SELECT abs(severity - (4 * 218.0^2 + 3 * 3218.0^2 + 6 * 1218.0^2 + 4 * 117.5^2) / 3218.0^2 / 30) < 1e-15 FROM city),
          'severity FGT(2) equals the hand sum');
SELECT is((SELECT ARRAY[watts::text, incomes_at_or_below_zero::text] FROM city), ARRAY[NULL, '1'],
          'Watts is NULL when an income is zero, and the zero incomes are counted');
SELECT ok((SELECT abs(mean_income - (4 * 3000 + 3 * 5000 + 0 + 5 * 3218 + 6 * 2000 + 5 * 4000 + 4 * 3100.5) / 30.0) < 1e-12 FROM city),
          'mean income per person');
SELECT ok((SELECT abs(gini - (SELECT sum(a.m * b.m * abs(a.y - b.y)) / (2 * sum(a.m * b.m * a.y))
                                FROM (SELECT h.members AS m, i.per_capita_income AS y FROM household_income i JOIN household h ON h.id = i.household_id WHERE i.year = 2019) a,
                                     (SELECT h.members AS m, i.per_capita_income AS y FROM household_income i JOIN household h ON h.id = i.household_id WHERE i.year = 2019) b)) < 1e-15
             FROM city),
          'gini equals the pairwise mean absolute difference over twice the mean');
SELECT is((SELECT median_income FROM city), 3100.5::float8, 'weighted median: the 15th of 30 people has 3100.50');
SELECT is((SELECT array_agg(region_code || ' ' || households ORDER BY region_code) FROM income_measures(NULL, 2019, 'county')),
          ARRAY['621021000000 1', '621027000000 4', '653226000000 2'], 'by county: one row per county with incomes');
SELECT is((SELECT headcount::text FROM income_measures('621027', 2019)), '7/15', 'Zhenyuan''s subtree: 4 + 3 poor of 15 people');
SELECT is((SELECT array_agg(year || ' ' || coalesce(poverty_gap::text, 'NULL') ORDER BY year) FROM income_measures('621027100201')),
          ARRAY['2018 NULL', '2019 ' || (SELECT poverty_gap::text FROM income_measures('621027100201', 2019))],
          'every year when year is NULL; no line in 2018, no measures against it');

SELECT * FROM finish();
ROLLBACK;
