-- pgTAP: the income measures fgt, watts, poverty_gap_yuan, income_mean, gini
-- and income_quantile against hand-worked examples, published reference
-- values (the World Bank's wbpip tests), and separate plain-SQL
-- implementations in exact numeric arithmetic; their errors (22023, 22P03,
-- NULL handling); and their determinism: the same double for a serial plan,
-- a parallel plan with workers launched, a rollup of partial states and any
-- input order.
BEGIN;
SELECT plan(62);
SET search_path = poverty_aid, public;

-- Hand examples ---------------------------------------------------------------
-- Four people with incomes 50, 80, 100, 200 against a line of 100: two poor,
-- gaps 0.5 and 0.2: FGT0 = 2/4, FGT1 = 0.7/4, FGT2 = (0.25 + 0.04)/4,
-- Watts = (ln 2 + ln 1.25)/4, shortfall (50 + 20)/4 yuan, mean 430/4.
CREATE TEMP TABLE four (y float8, w float8);
INSERT INTO four VALUES (50, 1), (80, 1), (100, 1), (200, 1);
SELECT is((SELECT fgt(y, 100, 0, w) FROM four), 0.5::float8, 'fgt alpha 0: headcount 2/4');
SELECT is((SELECT fgt(y, 100, 1, w) FROM four), 0.175::float8, 'fgt alpha 1: poverty gap 0.7/4');
SELECT ok((SELECT abs(fgt(y, 100, 2, w) - 0.0725) < 1e-16 FROM four), 'fgt alpha 2: severity 0.29/4');
SELECT ok((SELECT abs(watts(y, 100, w) - (ln(2) + ln(1.25)) / 4) < 1e-16 FROM four), 'watts: (ln 2 + ln 1.25)/4');
SELECT is((SELECT poverty_gap_yuan(y, 100, w) FROM four), 17.5::float8, 'poverty_gap_yuan: 70 yuan over 4 people');
SELECT is((SELECT income_mean(y, w) FROM four), 107.5::float8, 'income_mean: 430/4');
SELECT is((SELECT income_quantile(y, w, 0.5) FROM four), 80::float8, 'income_quantile 0.5: the lower median');
SELECT is((SELECT income_quantile(y, w, 0) FROM four), 50::float8, 'income_quantile 0: the lowest income');
SELECT is((SELECT income_quantile(y, w, 1) FROM four), 200::float8, 'income_quantile 1: the highest income');
-- Weights are people: a household of 3 counts as 3 rows of 1.
SELECT is((SELECT fgt(y, 100, 1, w) FROM (VALUES (50::float8, 3::float8), (200, 1)) v(y, w)),
          (SELECT fgt(y, 100, 1, 1) FROM (VALUES (50::float8), (50), (50), (200)) v(y)),
          'fgt: a weight of 3 equals three rows of weight 1');
SELECT is((SELECT gini(y, w) FROM (VALUES (10::float8, 2::float8), (30, 1), (60, 3)) v(y, w)),
          (SELECT gini(y, 1) FROM (VALUES (10::float8), (10), (30), (60), (60), (60)) v(y)),
          'gini: weights equal replicated rows');
SELECT is((SELECT fgt(y, 100, 1, 2.5) FROM four), (SELECT fgt(y, 100, 1, 1) FROM four),
          'fgt: scaling every weight changes nothing');

-- Gini: published values --------------------------------------------------------
SELECT is((SELECT gini(y, 1) FROM (SELECT 0::float8 AS y FROM generate_series(1, 99) UNION ALL SELECT 100) s),
          0.99::float8, 'gini of 99 zeros and one 100 is 0.99');
SELECT ok((SELECT abs(gini(y, 1) - 4.0 / 15) < 1e-15 FROM unnest('{1000,2000,3000,4000,5000}'::float8[]) y),
          'gini of 1000, 2000, 3000, 4000, 5000 is 4/15 (0.2667)');
SELECT is((SELECT gini(y, 1) FROM (VALUES (7::float8), (7), (7)) v(y)), 0::float8, 'gini of equal incomes is 0');
SELECT is((SELECT gini(42, 5)), 0::float8, 'gini of a single row is 0');
SELECT ok((SELECT abs(gini(y, 1) - 99.0 / 300) < 1e-15 FROM generate_series(1, 100) y),
          'gini of 1..100 is 99/300, the closed form (n - 1)/(3n)');
-- wbpip (World Bank Poverty and Inequality Platform) test cases:
-- md_compute_gini: unsorted welfare, NULLs and weight handling.
SELECT is((SELECT gini(y, w) FROM unnest('{5,4,3,2,1}'::float8[], '{10,11,12,13,14}'::float8[]) u(y, w)),
          (SELECT gini(y, w) FROM unnest('{1,2,3,4,5}'::float8[], '{14,13,12,11,10}'::float8[]) u(y, w)),
          'wbpip: gini(5:1, 10:14) = gini(1:5, 14:10)');
SELECT is((SELECT gini(y, w) FROM unnest('{1,NULL,3,NULL,5}'::float8[], '{10,11,NULL,13,14}'::float8[]) u(y, w)),
          (SELECT gini(y, w) FROM unnest('{1,5}'::float8[], '{10,14}'::float8[]) u(y, w)),
          'wbpip: rows with a NULL income or weight are skipped');
SELECT is((SELECT gini(y, 1) FROM generate_series(1, 100) y),
          (SELECT gini(y, w) FROM generate_series(1, 100) y, LATERAL (SELECT 1.0::float8 AS w) o),
          'wbpip: no weights equals unit weights');
-- md_compute_poverty_stats
SELECT is((SELECT fgt(y, 9, 0, y) FROM generate_series(10, 100) y), 0::float8,
          'wbpip: headcount 0 when every income is above the line');
SELECT is((SELECT fgt(y, 101, 0, 1) FROM generate_series(1, 100) y), 1::float8,
          'wbpip: headcount 1 when every income is below the line');
SELECT is((SELECT fgt(0, 12, 1, 1) FROM generate_series(1, 10)), 1::float8,
          'wbpip: poverty gap 1 when every income is 0');
SELECT is((SELECT fgt(y, 15, 1, 1) FROM generate_series(21, 30) y), 0::float8,
          'wbpip: poverty gap 0 when every income is at least the line');

-- Zero and negative incomes, ties, NULLs, no rows ----------------------------------
SELECT is((SELECT fgt(y, 100, 1, 1) FROM (VALUES (-50::float8), (0), (100)) v(y)), 0.8333333333333334::float8,
          'fgt: a negative income has a gap above 1 ((1.5 + 1 + 0)/3)');
SELECT ok((SELECT gini(y, 1) > 1 FROM (VALUES (-50::float8), (0), (100)) v(y)),
          'gini: negative incomes allowed, the coefficient may exceed 1');
SELECT is((SELECT gini(y, 1) FROM (VALUES (-50::float8), (10)) v(y)), NULL::float8,
          'gini: NULL when the mean income is not positive');
SELECT is((SELECT fgt(y, 100, 0, 1) FROM (VALUES (100::float8), (99.99)) v(y)), 0.5::float8,
          'fgt: an income equal to the line is not poor');
SELECT is((SELECT gini(y, w) FROM (VALUES (1::float8, 1::float8), (1, 2), (5, 1), (5, 1)) v(y, w)),
          (SELECT gini(y, w) FROM (VALUES (5::float8, 1::float8), (1, 2), (5, 1), (1, 1)) v(y, w)),
          'gini: ties in any order');
SELECT is((SELECT fgt(y, z, 1, w) FROM (VALUES (50::float8, 100::float8, 1::float8), (NULL, 100, 1), (20, NULL, 1), (20, 100, NULL)) v(y, z, w)),
          0.5::float8, 'fgt: rows with a NULL argument are skipped');
SELECT is((SELECT fgt(y, 100, 1, 1) FROM four WHERE false), NULL::float8, 'fgt over no rows is NULL');
SELECT is((SELECT gini(y, 1) FROM four WHERE false), NULL::float8, 'gini over no rows is NULL');
SELECT is((SELECT fgt(y, 100, 1, 0) FROM four), NULL::float8, 'fgt with zero total weight is NULL');

-- Errors: 22023 with the value in the detail -----------------------------------------
SELECT throws_ok($$SELECT fgt(50, 100, 1, -1)$$, '22023', 'weight must be zero or positive and finite', 'fgt: negative weight');
SELECT throws_ok($$SELECT fgt(50, 100, -0.5, 1)$$, '22023', 'alpha must be zero or positive and finite', 'fgt: alpha < 0');
SELECT throws_ok($$SELECT fgt(50, 0, 1, 1)$$, '22023', 'poverty line must be positive and finite', 'fgt: z = 0');
SELECT throws_ok($$SELECT fgt(50, 'NaN', 1, 1)$$, '22023', 'poverty line must be positive and finite', 'fgt: z NaN');
SELECT throws_ok($$SELECT fgt('NaN', 100, 1, 1)$$, '22023', 'income must be a finite number', 'fgt: y NaN');
SELECT throws_ok($$SELECT gini('Infinity', 1)$$, '22023', 'income must be a finite number', 'gini: y infinite');
SELECT throws_ok($$SELECT watts(0, 100, 1)$$, '22023', 'Watts index is not defined for incomes at or below zero', 'watts: y = 0');
SELECT throws_ok($$SELECT fgt(y, 100, a, 1) FROM (VALUES (1::float8, 1::float8), (2, 2)) v(y, a)$$, '22023',
                 'alpha must be the same for every row of fgt', 'fgt: alpha varying between rows');
SELECT throws_ok($$SELECT income_quantile(1, 1, 1.5)$$, '22023', 'p must be between 0 and 1', 'income_quantile: p > 1');
CREATE FUNCTION pg_temp.detail_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE stmt;
  RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
SELECT is(pg_temp.detail_of('SELECT fgt(50, 100, 1, -2.5)'), 'Row has w = -2.5.', 'the detail names the weight');
SELECT is(pg_temp.detail_of('SELECT watts(-3, 100, 1)'), 'Row has y = -3.', 'the detail names the income');

-- Partial states and measure_rollup ----------------------------------------------------
SELECT is((SELECT length(fgt_partial(y, 100, 2, w)) FROM four), 280, 'a partial state is 280 bytes whatever the rows');
SELECT is((SELECT measure_rollup(p) FROM (SELECT fgt_partial(y, 100, 2, w) AS p FROM four GROUP BY y > 90) s),
          (SELECT fgt(y, 100, 2, w) FROM four), 'measure_rollup of partial fgt states equals fgt');
SELECT is((SELECT measure_value(fgt_partial(y, 100, 1, w)) FROM four), 0.175::float8, 'measure_value of one partial state');
SELECT throws_ok($$SELECT measure_rollup(p) FROM (SELECT fgt_partial(y, 100, 1, 1) FROM four UNION ALL SELECT fgt_partial(y, 100, 2, 1) FROM four) s(p)$$,
                 '22023', 'cannot combine partial states of different measures', 'rolling up fgt(1) with fgt(2) is refused');
SELECT throws_ok($$SELECT measure_rollup(p) FROM (SELECT fgt_partial(y, 100, 1, 1) FROM four UNION ALL SELECT watts_partial(y, 100, 1) FROM four) s(p)$$,
                 '22023', 'cannot combine partial states of different measures', 'rolling up fgt with watts is refused');
SELECT throws_ok($$SELECT measure_value('\x0102')$$, '22P03', 'invalid partial state of a poverty measure', 'a short state is refused');
SELECT throws_ok($$SELECT measure_value(overlay(fgt_partial(1, 2, 1, 1) placing '\xffffffffffffffff' from 25)) $$,
                 '22P03', 'invalid partial state of a poverty measure', 'a state whose sum is not normalised is refused');
SELECT throws_ok($$SELECT measure_value(overlay(fgt_partial(1, 2, 1, 1) placing '\x0009' from 7)) $$,
                 '22P03', 'invalid partial state of a poverty measure', 'a state of an unknown kind is refused');

-- Every one-byte corruption of a partial state is either refused (22P03) or
-- still a valid state: never a crash.
CREATE FUNCTION pg_temp.corruptions() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  good bytea := (SELECT fgt_partial(y, 100, 2, w) FROM four);
  bad bytea;
  outcome text := '';
BEGIN
  FOR i IN 0 .. length(good) - 1 LOOP
    bad := set_byte(good, i, 255 - get_byte(good, i));
    BEGIN
      PERFORM measure_value(bad);
    EXCEPTION WHEN invalid_binary_representation THEN
      NULL;
    WHEN OTHERS THEN
      outcome := outcome || i || ':' || SQLSTATE || ' ';
    END;
  END LOOP;
  RETURN outcome;
END $$;
SELECT is(pg_temp.corruptions(), '', 'every flipped byte of a partial state is refused with 22P03 or read as a valid state');

-- 200,000 rows: parallel = serial = rollup = any order = exact numeric SQL -----------------
-- Incomes are quarter yuan (exact in binary), 0.25 .. 8000, with ties;
-- weights 1..7 people; 40 groups for the rollup.
-- A plain table (rolled back with the test): workers cannot scan temporary ones.
CREATE TABLE public.measures_income AS
  SELECT (1 + (hashint4(i) & 32767) % 32000) / 4.0 AS y, 1 + (hashint4(i + 7) & 255) % 7 AS w, i % 40 AS g
    FROM generate_series(1, 200000) i;
ANALYZE measures_income;
-- Reference sums in numeric, exact or nearly (ln with 40 digits).
CREATE TEMP TABLE exact AS
  SELECT sum(w * (y < 4000)::int)::numeric / sum(w) AS fgt0,
         sum(w * greatest(0, (4000 - y) / 4000.0)) / sum(w) AS fgt1,
         sum(w * power(greatest(0, (4000 - y) / 4000.0), 2)) / sum(w) AS fgt2,
         sum(w * power(greatest(0, (4000 - y) / 4000.0), 1.5)) / sum(w) AS fgt15,
         sum(w * ln((4000 / y)::numeric(60, 40))) FILTER (WHERE y < 4000) / sum(w) AS watts,
         sum(w * y) / sum(w) AS mean
    FROM measures_income;
-- Gini by the trapezoid formula of wbpip's md_compute_gini, with window
-- functions: 1 - 2 * sum(w * (cumulative income before + w y / 2)) / (W * sum(w y)).
CREATE TEMP TABLE exact_gini AS
  SELECT 1 - 2 * sum(w * (coalesce(before, 0) + w * y / 2)) / (sum(w) * sum(w * y)) AS gini
    FROM (SELECT y, w, sum(w * y) OVER (ORDER BY y, w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM measures_income) s;

CREATE FUNCTION pg_temp.measures() RETURNS float8[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY[fgt(y, 4000, 0, w), fgt(y, 4000, 1, w), fgt(y, 4000, 2, w), fgt(y, 4000, 1.5, w),
               watts(y, 4000, w), income_mean(y, w), poverty_gap_yuan(y, 4000, w), gini(y, w),
               income_quantile(y, w, 0.5)]
    FROM measures_income $$;
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
  RETURN coalesce((plan -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Workers Launched')::int, 0);
END $$;

SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT pg_temp.measures() AS m;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT cmp_ok(pg_temp.workers_launched('SELECT fgt(y, 4000, 1, w), watts(y, 4000, w), gini(y, w) FROM measures_income'), '>', 0,
              'the parallel plan launches workers');
SELECT is(pg_temp.measures(), (SELECT m FROM serial), 'parallel results equal serial results bit for bit');
RESET max_parallel_workers_per_gather;
SELECT is(ARRAY[(SELECT measure_rollup(p) FROM (SELECT fgt_partial(y, 4000, 1, w) FROM measures_income GROUP BY g) s(p)),
                (SELECT measure_rollup(p) FROM (SELECT watts_partial(y, 4000, w) FROM measures_income GROUP BY g) s(p)),
                (SELECT measure_rollup(p) FROM (SELECT income_mean_partial(y, w) FROM measures_income GROUP BY g) s(p))],
          ARRAY[(SELECT m[2] FROM serial), (SELECT m[5] FROM serial), (SELECT m[6] FROM serial)],
          'rolled-up per-group partial states equal the direct results bit for bit');
SELECT is((SELECT ARRAY[fgt(y, 4000, 2, w ORDER BY y DESC), watts(y, 4000, w ORDER BY y DESC), gini(y, w ORDER BY y DESC)] FROM measures_income),
          (SELECT ARRAY[fgt(y, 4000, 2, w ORDER BY y, w), watts(y, 4000, w ORDER BY y, w), gini(y, w ORDER BY y, w)] FROM measures_income),
          'rows in descending or ascending order give the same doubles');
-- Relative error below 2e-15 (the documented bound, 2^-49) against numeric.
SELECT ok((SELECT bool_and(abs(m.v - e.v) <= 2e-15 * abs(e.v))
             FROM unnest((SELECT m FROM serial)[1:6]) WITH ORDINALITY m(v, i)
             JOIN unnest(ARRAY[(SELECT fgt0 FROM exact), (SELECT fgt1 FROM exact), (SELECT fgt2 FROM exact),
                               (SELECT fgt15 FROM exact), (SELECT watts FROM exact), (SELECT mean FROM exact)]::float8[])
                  WITH ORDINALITY e(v, i) USING (i)),
          'fgt(0), fgt(1), fgt(2), fgt(1.5), watts and income_mean within 2e-15 of exact numeric sums');
SELECT is((SELECT m[1] FROM serial), (SELECT fgt0 FROM exact)::float8, 'fgt(0) is the exact headcount ratio, correctly rounded');
SELECT is((SELECT m[1] FROM serial),
          (SELECT ratio_value(ratio_agg(CASE WHEN y < 4000 THEN w ELSE 0 END, w)) FROM measures_income),
          'fgt(0) equals ratio_value of the exact headcount ratio');
SELECT ok((SELECT abs((SELECT m[8] FROM serial) - gini) < 4e-15 FROM exact_gini),
          'gini within 4e-15 of the window-function formula in numeric');
SELECT is((SELECT m[9] FROM serial),
          (SELECT min(y)::float8 FROM (SELECT y, sum(w) OVER (ORDER BY y) AS c, sum(w) OVER () AS t FROM measures_income) s WHERE 2 * c >= t),
          'income_quantile(0.5) is the weighted lower median of plain SQL');

SELECT * FROM finish();
ROLLBACK;
