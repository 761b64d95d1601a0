--
-- The ratio aggregates over raw rows.
--
SET search_path = poverty_aid, public;
SET datestyle = ISO, YMD;

-- The seed figures of the press release, from raw rows.
-- 50 assisted poverty counties; all but Zhenyuan, Cele and Yutian exited.
CREATE TABLE county_listing AS
SELECT g AS county, date '2014-03-01' AS listed_on,
       CASE WHEN g <= 47 THEN date '2016-10-01' + (g * 17) END AS exited_on
FROM generate_series(1, 50) g;
-- 3,904 poor villages, 3,787 exited by 2020-03-31, 40 exiting later.
CREATE TABLE village_listing AS
SELECT g AS village, date '2014-01-01' + (g % 300) AS listed_on,
       CASE WHEN g <= 3787 THEN date '2017-01-01' + (g % 1000)
            WHEN g <= 3827 THEN date '2020-06-30' END AS exited_on
FROM generate_series(1, 3904) g;
SELECT exit_rate(listed_on, exited_on, '2020-03-31') AS counties,
       ratio_percent(exit_rate(listed_on, exited_on, '2020-03-31')) AS percent
FROM county_listing;
SELECT exit_rate(listed_on, exited_on, '2020-03-31') AS villages,
       ratio_percent(exit_rate(listed_on, exited_on, '2020-03-31')) AS percent
FROM village_listing;
-- as of earlier dates: fewer listed, fewer exited
SELECT d::date AS as_of, exit_rate(listed_on, exited_on, d::date)
FROM village_listing, (VALUES ('2013-12-31'), ('2014-06-30'), ('2018-12-31'), ('2020-12-31')) v(d)
GROUP BY d ORDER BY d;

-- poor population 3,365,000 at baseline, 79,500 now, over 50 counties
CREATE TABLE county_poor AS
SELECT g AS county, 67300::bigint AS baseline, CASE WHEN g <= 3 THEN 26500 ELSE 0 END::bigint AS current,
       400000::bigint AS population
FROM generate_series(1, 50) g;
SELECT reduction_rate(baseline, current), ratio_percent(reduction_rate(baseline, current)) AS percent,
       poverty_incidence(current, population), ratio_percent(poverty_incidence(current, population), 2) AS incidence
FROM county_poor;
-- poverty that rose gives a negative reduction rate
SELECT reduction_rate(b, c), ratio_percent(reduction_rate(b, c)) FROM (VALUES (100::bigint, 90::bigint), (100, 150)) v(b, c);

-- fiscal funds in place vs plan: above 100 %
CREATE TABLE fund_plan AS
SELECT g AS fund, round(1088043624.16 / 4, 2) AS planned, round(1296948000.00 / 4, 2) AS in_place FROM generate_series(1, 4) g;
SELECT fund_in_place(in_place, planned), ratio_percent(fund_in_place(in_place, planned)),
       ratio_value(fund_in_place(in_place, planned)) > 1 AS above_plan
FROM fund_plan;

-- rate_agg and ratio_agg
SELECT rate_agg(hit), rate_agg(hit) FILTER (WHERE hit IS NOT NULL)
FROM (VALUES (true), (false), (NULL), (true)) v(hit);
SELECT ratio_agg(n, d), ratio_agg(n::int, d::int), ratio_agg(n::numeric / 4, d::numeric / 4)
FROM (VALUES (1::bigint, 2::bigint), (-3, 4), (NULL, 5), (6, NULL)) v(n, d);

-- no rows give 0/0, whose value is NULL
SELECT rate_agg(true), ratio_agg(1, 2), ratio_agg(1.5, 2), rollup('1/2'::ratio), exit_rate(now()::date, NULL, now()::date),
       poverty_incidence(1, 2), reduction_rate(1, 2), fund_in_place(1, 2), coverage(1, true),
       ratio_value(rate_agg(true)) IS NULL AS value_is_null
FROM county_listing WHERE false;

-- NULL rows are skipped; exited_on NULL means not exited
SELECT exit_rate(l, e, a)
FROM (VALUES (date '2014-01-01', date '2019-01-01', date '2020-03-31'),
             ('2014-01-01', NULL, '2020-03-31'),          -- listed, not exited
             ('2014-01-01', '2020-04-30', '2020-03-31'),  -- exits after as_of
             ('2021-01-01', NULL, '2020-03-31'),          -- listed after as_of
             (NULL, '2019-01-01', '2020-03-31'),          -- skipped
             ('2014-01-01', '2019-01-01', NULL)) v(l, e, a); -- skipped
SELECT poverty_incidence(p, n), reduction_rate(n, p), fund_in_place(p::numeric, n::numeric)
FROM (VALUES (5::bigint, 100::bigint), (NULL, 100), (5, NULL)) v(p, n);

-- bad rows: errors with details (SQLSTATEs are asserted in test/ratio_aggs.sql)
SELECT exit_rate(l, e, '2020-03-31') FROM (VALUES (date '2016-05-01', date '2016-04-30')) v(l, e);
SELECT exit_rate(l, e, NULL) FROM (VALUES (date '2016-05-01', date '2016-04-30')) v(l, e);
SELECT poverty_incidence(p, n) FROM (VALUES (101::bigint, 100::bigint)) v(p, n);
SELECT poverty_incidence(p, n) FROM (VALUES (-1::bigint, 100::bigint)) v(p, n);
SELECT poverty_incidence(p, n) FROM (VALUES (1::bigint, -100::bigint)) v(p, n);
SELECT reduction_rate(b, c) FROM (VALUES (-1::bigint, 0::bigint)) v(b, c);
SELECT reduction_rate(b, c) FROM (VALUES (1::bigint, -2::bigint)) v(b, c);
SELECT fund_in_place(i, p) FROM (VALUES (-0.01, 5.00)) v(i, p);
SELECT fund_in_place(i, p) FROM (VALUES (1, -5.00)) v(i, p);
SELECT fund_in_place(i, p) FROM (VALUES ('NaN'::numeric, 5.00)) v(i, p);
SELECT fund_in_place(i, p) FROM (VALUES (1, '-Infinity'::numeric)) v(i, p);
SELECT fund_in_place(i, p) FROM (VALUES (1.00001, 5)) v(i, p);
SELECT fund_in_place(i, p) FROM (VALUES (1e34, 5)) v(i, p);
SELECT ratio_agg(n, d) FROM (VALUES (1::bigint, -5::bigint)) v(n, d);
SELECT ratio_agg(n, d) FROM (VALUES (1.5, -5)) v(n, d);
-- trailing zeros beyond 4 digits are exact, hence accepted
SELECT fund_in_place(i, p) FROM (VALUES (1.500000::numeric(20,6), 3.000000::numeric(20,6))) v(i, p);

-- rollup: callable bare or qualified; over GROUP BY partials it equals the
-- direct aggregate (a ratio of sums, not an average of rates)
CREATE TABLE village_region AS
SELECT v.*, v.village % 7 AS county, v.village % 7 % 3 AS prefecture FROM village_listing v;
SELECT rollup(part) = (SELECT exit_rate(listed_on, exited_on, '2020-03-31') FROM village_region) AS rollup_equals_direct,
       poverty_aid.rollup(part) AS qualified, rollup(part) AS bare
FROM (SELECT county, exit_rate(listed_on, exited_on, '2020-03-31') AS part FROM village_region GROUP BY county) p;
-- two levels: counties -> prefectures -> all
SELECT rollup(pref) FROM (
  SELECT prefecture, rollup(part) AS pref FROM (
    SELECT prefecture, county, exit_rate(listed_on, exited_on, '2020-03-31') AS part
    FROM village_region GROUP BY prefecture, county) c
  GROUP BY prefecture) p;
-- the average of the rates differs from the rate of the sums
SELECT round(avg(ratio_value(part))::numeric, 6) AS average_of_rates,
       round(ratio_value(rollup(part))::numeric, 6) AS rate_of_sums
FROM (VALUES ('1/1'::ratio), ('0/9')) v(part);
-- GROUP BY ROLLUP still means grouping sets next to the rollup() aggregate
SELECT prefecture, rollup(part)
FROM (SELECT prefecture, county, exit_rate(listed_on, exited_on, '2020-03-31') AS part
      FROM village_region GROUP BY prefecture, county) c
GROUP BY ROLLUP (prefecture) ORDER BY prefecture NULLS LAST;

-- moving window frames (inverse transitions) equal recomputation per row
CREATE TABLE frame_rows AS
SELECT g AS id, (g % 5 <> 0) AS hit, round((g * 37 % 101)::numeric / 7, 2) AS in_place,
       round((g * 53 % 97)::numeric / 3, 1) AS planned, (g * 7 % 13)::bigint AS poor, 20::bigint AS population,
       date '2015-01-01' + g * 20 AS listed_on,
       CASE WHEN g % 3 <> 0 THEN date '2015-01-01' + g * 20 + g * 11 % 900 END AS exited_on
FROM generate_series(1, 200) g;
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE w_rate = r_rate AND w_fund = r_fund AND w_exit = r_exit AND w_pov = r_pov
                         AND w_red = r_red AND w_ratio = r_ratio AND w_roll = r_roll) AS rows_equal
FROM (
  SELECT f.id,
         rate_agg(hit) OVER w AS w_rate,
         fund_in_place(in_place, planned) OVER w AS w_fund,
         exit_rate(listed_on, exited_on, date '2020-01-01') OVER w AS w_exit,
         poverty_incidence(poor, population) OVER w AS w_pov,
         reduction_rate(population, poor) OVER w AS w_red,
         ratio_agg(in_place, planned) OVER w AS w_ratio,
         rollup(ratio(poor, population)) OVER w AS w_roll
  FROM frame_rows f
  WINDOW w AS (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING)
) w
JOIN LATERAL (
  SELECT rate_agg(hit) AS r_rate, fund_in_place(in_place, planned) AS r_fund,
         exit_rate(listed_on, exited_on, date '2020-01-01') AS r_exit,
         poverty_incidence(poor, population) AS r_pov, reduction_rate(population, poor) AS r_red,
         ratio_agg(in_place, planned) AS r_ratio, rollup(ratio(poor, population)) AS r_roll
  FROM frame_rows r WHERE r.id BETWEEN w.id - 3 AND w.id + 2
) r ON true;
-- the planner really used the inverse: a sliding frame over a few rows
SELECT id, rate_agg(hit) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM frame_rows WHERE id <= 6;

-- fund_in_place equals sum(in_place) / sum(planned) exactly on random numeric(18,2)
SELECT setseed(0.42);
CREATE TABLE random_funds AS
SELECT round((random() * 1e12)::numeric, 2)::numeric(18,2) AS in_place,
       round((random() * 1e12)::numeric, 2)::numeric(18,2) AS planned
FROM generate_series(1, 20000);
INSERT INTO random_funds VALUES (0.01, 9999999999999999.99), (0, 0), (NULL, 5), (5, NULL);
SELECT ratio_numerator(f) = s_in AS numerator_exact, ratio_denominator(f) = s_planned AS denominator_exact,
       ratio_numerator(f)::text = s_in::text AS same_text
FROM (SELECT fund_in_place(in_place, planned) AS f,
             sum(in_place) FILTER (WHERE planned IS NOT NULL) AS s_in,
             sum(planned) FILTER (WHERE in_place IS NOT NULL) AS s_planned
      FROM random_funds) s;

-- coverage equals the count(DISTINCT) formulation with duplicate and NULL ids
CREATE TABLE pairing_rows AS
SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE (g * 7919) % 30011 END::bigint AS unit_id,
       CASE WHEN g % 13 = 0 THEN NULL ELSE g % 4 = 0 END AS covered
FROM generate_series(1, 100000) g
UNION ALL SELECT 5000000000 + g, g % 2 = 0 FROM generate_series(1, 5000) g   -- sparse, high ids
UNION ALL SELECT -g, true FROM generate_series(1, 100) g;                     -- negative ids
SELECT coverage(unit_id, covered),
       coverage(unit_id, covered) = ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id))
         AS equals_count_distinct
FROM pairing_rows;
SELECT g, coverage(unit_id, covered) = ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id)) AS equal
FROM (SELECT *, abs(unit_id) % 3 AS g FROM pairing_rows) p GROUP BY g ORDER BY g;
-- a unit paired twice counts once; NULL covered is in scope, not covered
SELECT coverage(u, c) FROM (VALUES (1::bigint, true), (1, true), (2, NULL), (3, false), (NULL, true)) v(u, c);
