-- pgTAP: the ratio aggregates -- catalogue (ratio state, combine, inverse,
-- parallel safety), SQLSTATEs of bad rows, sums at the limits of the range,
-- inverse transitions (checked results, privileges), and parallel = serial on a table
-- large enough that workers really start (checked with EXPLAIN ANALYZE).
BEGIN;
SELECT plan(60);
SET search_path = poverty_aid, public;

-- ---------------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------------
CREATE TEMP VIEW ratio_aggregates AS
SELECT a.aggfnoid::regprocedure::text AS aggregate, a.*
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'poverty_aid'
  AND p.proname IN ('rate_agg', 'ratio_agg', 'rollup', 'exit_rate', 'poverty_incidence', 'reduction_rate', 'fund_in_place');
SELECT is((SELECT count(*) FROM ratio_aggregates), 9::bigint,
          'nine ratio aggregates (ratio_agg for numeric, bigint and integer)');
SELECT is_empty($$SELECT aggregate FROM ratio_aggregates WHERE aggtranstype <> 'poverty_aid.ratio'::regtype$$,
                'every ratio aggregate keeps ratio (not internal) as its state');
SELECT is_empty($$SELECT aggregate FROM ratio_aggregates WHERE agginitval IS DISTINCT FROM '0/0'$$,
                'every ratio aggregate starts from 0/0');
SELECT is_empty($$SELECT aggregate FROM ratio_aggregates WHERE aggcombinefn <> 'poverty_aid.ratio_add'::regproc$$,
                'every ratio aggregate combines with ratio_add');
SELECT is_empty($$SELECT aggregate FROM ratio_aggregates WHERE aggminvtransfn = 0 OR aggmtranstype <> 'poverty_aid.ratio'::regtype$$,
                'every ratio aggregate has moving-aggregate support');
SELECT is_empty($$SELECT aggregate FROM ratio_aggregates WHERE aggfinalfn <> 0$$,
                'ratio aggregates return their state: no final function');
SELECT is((SELECT count(*) FROM pg_aggregate WHERE aggfnoid = 'poverty_aid.coverage(bigint, boolean)'::regprocedure
             AND aggcombinefn <> 0 AND aggserialfn <> 0 AND aggdeserialfn <> 0 AND aggtranstype = 'internal'::regtype), 1::bigint,
          'coverage has internal state with combine, serial and deserial functions');
SELECT lives_ok($$SELECT rollup(r), poverty_aid.rollup(r) FROM (VALUES ('1/2'::ratio)) v(r)$$,
                'rollup is callable bare and schema-qualified');

-- ---------------------------------------------------------------------------
-- SQLSTATEs of bad rows
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT exit_rate(l, e, '2020-03-31') FROM (VALUES (date '2016-05-01', date '2016-04-30')) v(l, e)$$,
                 '22023', 'exited_on cannot be earlier than listed_on', 'exited before listed: 22023');
SELECT throws_ok($$SELECT poverty_incidence(p, n) FROM (VALUES (101::bigint, 100::bigint)) v(p, n)$$,
                 '22023', 'poor population cannot exceed population', 'poor > population: 22023');
SELECT throws_ok($$SELECT poverty_incidence(p, n) FROM (VALUES (-1::bigint, 100::bigint)) v(p, n)$$,
                 '22023', 'poor cannot be negative', 'negative poor: 22023');
SELECT throws_ok($$SELECT poverty_incidence(p, n) FROM (VALUES (0::bigint, -100::bigint)) v(p, n)$$,
                 '22023', 'population cannot be negative', 'negative population: 22023');
SELECT throws_ok($$SELECT reduction_rate(b, c) FROM (VALUES (-5::bigint, 0::bigint)) v(b, c)$$,
                 '22023', 'baseline cannot be negative', 'negative baseline: 22023');
SELECT throws_ok($$SELECT reduction_rate(b, c) FROM (VALUES (5::bigint, -1::bigint)) v(b, c)$$,
                 '22023', 'current cannot be negative', 'negative current: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (-0.01, 1)) v(i, p)$$,
                 '22023', 'in_place cannot be negative', 'negative money in place: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (1, -0.01)) v(i, p)$$,
                 '22023', 'planned cannot be negative', 'negative money planned: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES ('NaN'::numeric, 1)) v(i, p)$$,
                 '22023', 'in_place must be a finite number', 'NaN money: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (1, 'Infinity'::numeric)) v(i, p)$$,
                 '22023', 'planned must be a finite number', 'infinite money: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (1.23456, 1)) v(i, p)$$,
                 '22023', 'in_place has more than 4 fractional digits', 'more than 4 fractional digits: 22023');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (1e34, 1)) v(i, p)$$,
                 '22003', NULL, 'an amount beyond the range: 22003');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (2e33, 1), (2e33, 1)) v(i, p)$$,
                 '22003', 'ratio part out of range', 'a sum beyond the range is an error, never a wrap: 22003');
SELECT throws_ok($$SELECT ratio_agg(n, d) FROM (VALUES (1, -1)) v(n, d)$$,
                 '22023', 'denominator cannot be negative', 'ratio_agg with a negative denominator: 22023');
SELECT throws_ok($$SELECT ratio_agg(n, d) FROM (VALUES (1.5, -1.5)) v(n, d)$$,
                 '22023', 'denominator cannot be negative', 'ratio_agg(numeric) with a negative denominator: 22023');
SELECT is((SELECT exit_rate(l, e, a)::text FROM (VALUES (date '2014-01-01', NULL::date, date '2020-03-31'),
                                                 (NULL, date '2019-01-01', date '2020-03-31')) v(l, e, a)),
          '0/1', 'exit_rate: NULL exited_on is not exited, NULL listed_on skips the row');

-- ---------------------------------------------------------------------------
-- Sums at the limits of the range: exact up to MAX, 22003 one step beyond
-- ---------------------------------------------------------------------------
SELECT is((SELECT fund_in_place(i, p)::text FROM (VALUES (2126764793255865396646091296448551.3214, 1), (0.0001, 1)) v(i, p)),
          '2126764793255865396646091296448551.3215/2', 'a sum of exactly MAX is accepted');
SELECT throws_ok($$SELECT fund_in_place(i, p) FROM (VALUES (2126764793255865396646091296448551.3215, 1), (0.0001, 1)) v(i, p)$$,
                 '22003', 'ratio part out of range', 'a sum of MAX + 0.0001 is refused');
SELECT is((SELECT ratio_agg(n, d)::text FROM (VALUES (-2126764793255865396646091296448551.3215, 1), (-0.0001, 1)) v(n, d)),
          '-2126764793255865396646091296448551.3216/2', 'a sum of exactly MIN is accepted');
SELECT throws_ok($$SELECT ratio_agg(n, d) FROM (VALUES (-2126764793255865396646091296448551.3216, 1), (-0.0001, 1)) v(n, d)$$,
                 '22003', 'ratio part out of range', 'a sum of MIN - 0.0001 is refused');
SELECT throws_ok($$SELECT rollup(r) FROM (VALUES ('0/2126764793255865396646091296448551.3215'::ratio), ('0/0.0001')) v(r)$$,
                 '22003', 'ratio part out of range', 'rollup beyond MAX is refused');

-- ---------------------------------------------------------------------------
-- Inverse transitions: never a negative part, and not callable by PUBLIC
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT rollup_inv('1/2', '1/3')$$, '22023', 'inverse transition would leave a negative part',
                 'rollup_inv leaving a negative denominator: 22023');
SELECT throws_ok($$SELECT rate_agg_inv('0/1', true)$$, '22023', 'inverse transition would leave a negative part',
                 'rate_agg_inv removing a hit never added: 22023');
SELECT throws_ok($$SELECT rate_agg_inv('0/0', false)$$, '22023', NULL, 'rate_agg_inv from 0/0: 22023');
SELECT throws_ok($$SELECT ratio_agg_inv('1/1'::ratio, 0::numeric, 2::numeric)$$, '22023', NULL, 'ratio_agg_inv(numeric) below zero: 22023');
SELECT throws_ok($$SELECT ratio_agg_inv('1/1'::ratio, 0::bigint, -2::bigint)$$, '22023', 'denominator cannot be negative',
                 'ratio_agg_inv(bigint) checks its row as the transition does: 22023');
SELECT throws_ok($$SELECT ratio_agg_inv('1/1'::ratio, 0, 2)$$, '22023', NULL, 'ratio_agg_inv(integer) below zero: 22023');
SELECT throws_ok($$SELECT exit_rate_inv('0/0', '2016-01-01', NULL, '2020-01-01')$$, '22023', NULL, 'exit_rate_inv from 0/0: 22023');
SELECT throws_ok($$SELECT poverty_incidence_inv('0/5', 1, 2)$$, '22023', NULL, 'poverty_incidence_inv leaving a negative numerator: 22023');
SELECT throws_ok($$SELECT poverty_incidence_inv('5/5', 3, 2)$$, '22023', 'poor population cannot exceed population',
                 'poverty_incidence_inv checks its row: 22023');
SELECT throws_ok($$SELECT reduction_rate_inv('0/0', 5, 0)$$, '22023', NULL, 'reduction_rate_inv from 0/0: 22023');
SELECT throws_ok($$SELECT fund_in_place_inv('0/1', 0.01, 0)$$, '22023', NULL, 'fund_in_place_inv leaving negative money in place: 22023');
SELECT throws_ok($$SELECT rollup_inv('-2126764793255865396646091296448551.3216/0', '0.0001/0')$$, '22003', 'ratio part out of range',
                 'rollup_inv below MIN: 22003');
SELECT is(rollup_inv('-1/3', '2/1')::text, '-3/2', 'rollup_inv may leave a negative numerator (ratios of sums may be negative)');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p
                  WHERE p.pronamespace = 'poverty_aid'::regnamespace AND p.proname ~ '_inv$'
                    AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
                'no inverse transition is executable by PUBLIC');
SELECT is((SELECT count(*)::int FROM pg_aggregate a JOIN pg_proc i ON i.oid = a.aggminvtransfn
            WHERE i.pronamespace = 'poverty_aid'::regnamespace), 9, 'the nine ratio aggregates use those inverse transitions');
CREATE ROLE pa_t_window NOLOGIN;
GRANT USAGE ON SCHEMA poverty_aid TO pa_t_window;
SET LOCAL ROLE pa_t_window;
SELECT throws_ok($$SELECT poverty_aid.rollup_inv('1/2', '1/3')$$, '42501', NULL, 'an ordinary role cannot call rollup_inv');
SELECT throws_ok($$SELECT poverty_aid.rate_agg_inv('1/2', true)$$, '42501', NULL, 'an ordinary role cannot call rate_agg_inv');
SELECT is((SELECT array_agg(w ORDER BY i) FROM (
             SELECT i, (poverty_aid.rollup(r) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))::text ||
                       ' ' || (poverty_aid.rate_agg(h) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))::text AS w
             FROM (VALUES (1, '1/2'::poverty_aid.ratio, true), (2, '3/4', false), (3, '5/8', true)) v(i, r, h)) s),
          ARRAY['1/2 1/1', '4/6 1/2', '8/12 1/2'],
          'an ordinary role still gets moving-frame windows (the aggregate calls its inverse with its owner''s rights)');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Parallel (2 workers, the leader not participating) equals serial
-- ---------------------------------------------------------------------------
CREATE TABLE parallel_rows AS
SELECT g::int AS id, g % 7 <> 0 AS hit,
       round((g * 7919 % 100003)::numeric / 100, 2) AS in_place,
       round((g * 104729 % 100019)::numeric / 100, 2) AS planned,
       (g % 50)::bigint AS poor, 100::bigint AS population,
       date '2014-01-01' + (g % 2000)::int AS listed_on,
       CASE WHEN g % 3 > 0 THEN date '2014-01-01' + (g % 2000 + g % 1500)::int END AS exited_on,
       (g * 31 % 250000)::bigint AS unit_id
FROM generate_series(1::bigint, 400000) g;
ANALYZE parallel_rows;

CREATE FUNCTION pg_temp.all_aggregates() RETURNS text LANGUAGE sql AS $$
  SELECT concat_ws(' ', rate_agg(hit), ratio_agg(in_place, planned), ratio_agg(poor, population), ratio_agg(poor::int, population::int),
                   exit_rate(listed_on, exited_on, date '2018-06-30'), poverty_incidence(poor, population),
                   reduction_rate(population, poor), fund_in_place(in_place, planned), rollup(ratio(poor, population)),
                   coverage(unit_id, hit))
  FROM parallel_rows $$;
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  result text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
    result := result || line || E'\n';
  END LOOP;
  RETURN result;
END $$;
CREATE TEMP TABLE serial_result AS SELECT pg_temp.all_aggregates() AS result;

SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SELECT matches(pg_temp.plan_of($$SELECT concat_ws(' ', rate_agg(hit), ratio_agg(in_place, planned), ratio_agg(poor, population),
                   exit_rate(listed_on, exited_on, date '2018-06-30'), poverty_incidence(poor, population),
                   reduction_rate(population, poor), fund_in_place(in_place, planned), rollup(ratio(poor, population)),
                   coverage(unit_id, hit)) FROM parallel_rows$$),
               'Partial Aggregate.*Workers Launched: [12]|Workers Launched: [12].*Partial Aggregate',
               'EXPLAIN ANALYZE shows partial aggregates in parallel workers that really started');
SELECT matches(pg_temp.plan_of($$SELECT rate_agg(hit) FROM parallel_rows$$), 'Workers Launched: 2',
               'two workers launched for rate_agg');
SELECT is((SELECT concat_ws(' ', rate_agg(hit), ratio_agg(in_place, planned), ratio_agg(poor, population), ratio_agg(poor::int, population::int),
                   exit_rate(listed_on, exited_on, date '2018-06-30'), poverty_incidence(poor, population),
                   reduction_rate(population, poor), fund_in_place(in_place, planned), rollup(ratio(poor, population)),
                   coverage(unit_id, hit)) FROM parallel_rows),
          (SELECT result FROM serial_result), 'every aggregate: parallel result equals serial result');
SELECT is((SELECT exit_rate(listed_on, exited_on, date '2018-06-30')::text FROM parallel_rows),
          (SELECT count(*) FILTER (WHERE exited_on <= '2018-06-30' AND listed_on <= '2018-06-30') || '/' ||
                  count(*) FILTER (WHERE listed_on <= '2018-06-30') FROM parallel_rows),
          'parallel exit_rate equals the count(*) FILTER formulation');
SELECT is((SELECT fund_in_place(in_place, planned)::text FROM parallel_rows),
          (SELECT sum(in_place) || '/' || sum(planned) FROM parallel_rows),
          'parallel fund_in_place equals sum(in_place)/sum(planned) exactly');
SELECT is((SELECT rate_agg(hit)::text FROM parallel_rows),
          (SELECT count(*) FILTER (WHERE hit) || '/' || count(hit) FROM parallel_rows),
          'parallel rate_agg equals count FILTER / count');
SELECT is((SELECT poverty_incidence(poor, population)::text FROM parallel_rows),
          (SELECT sum(poor) || '/' || sum(population) FROM parallel_rows),
          'parallel poverty_incidence equals sum/sum');
SELECT is((SELECT reduction_rate(population, poor)::text FROM parallel_rows),
          (SELECT sum(population) - sum(poor) || '/' || sum(population) FROM parallel_rows),
          'parallel reduction_rate equals (sum - sum)/sum');
SELECT is((SELECT coverage(unit_id, hit)::text FROM parallel_rows),
          (SELECT count(DISTINCT unit_id) FILTER (WHERE hit) || '/' || count(DISTINCT unit_id) FROM parallel_rows),
          'parallel coverage equals the count(DISTINCT) formulation');
-- rollup over GROUP BY partials, in parallel, equals the direct aggregate
SELECT is((SELECT rollup(part)::text FROM (SELECT id % 97 AS g, fund_in_place(in_place, planned) AS part
                                           FROM parallel_rows GROUP BY 1) p),
          (SELECT fund_in_place(in_place, planned)::text FROM parallel_rows),
          'rollup of per-group partials equals the direct aggregate');
SELECT is((SELECT rollup(part)::text FROM (SELECT id % 13 AS g, exit_rate(listed_on, exited_on, date '2018-06-30') AS part
                                           FROM parallel_rows GROUP BY 1) p),
          (SELECT exit_rate(listed_on, exited_on, date '2018-06-30')::text FROM parallel_rows),
          'rollup of per-group exit rates equals the direct exit rate');

-- partial results stored as ratios roll up later (the sharding story)
CREATE TABLE shard_partial (shard int, part ratio);
INSERT INTO shard_partial SELECT id % 4, fund_in_place(in_place, planned) FROM parallel_rows GROUP BY id % 4;
SELECT is((SELECT rollup(part)::text FROM shard_partial), (SELECT fund_in_place(in_place, planned)::text FROM parallel_rows),
          'stored per-shard ratios roll up to the global figure');

-- hash aggregation with many groups, each with its own in-place state
SET LOCAL enable_sort = off;
SELECT is_empty($$SELECT g FROM (SELECT id % 1000 AS g, rate_agg(hit) AS r, count(*) FILTER (WHERE hit) AS n, count(hit) AS d
                                 FROM parallel_rows GROUP BY 1) s
                  WHERE NOT ratio_identical(r, ratio(n, d))$$,
                'per-group states (hash aggregation) are independent');

SELECT * FROM finish();
ROLLBACK;
