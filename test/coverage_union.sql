-- pgTAP: coverage_rollup(state bytea) unions coverage_state() values exactly:
-- per-partition, per-month and per-bucket states of rows where units appear
-- on several partitions roll up to coverage() over all the rows and to
-- count(DISTINCT), with parallel query forced on for both the states and the
-- rollup; the rollup is itself a state (idempotent, rolled up again); NULL
-- states, no rows, version 1 states and corrupt states.
BEGIN;
SELECT plan(19);
SET search_path = poverty_aid, public;

-- Three shards (partitions), each with units of its own and units shared with
-- the others; a unit may be covered on one shard and not on another.
CREATE TABLE shard_rows (shard int, month int, unit_id bigint, covered boolean) PARTITION BY LIST (shard);
CREATE TABLE shard_rows_1 PARTITION OF shard_rows FOR VALUES IN (1);
CREATE TABLE shard_rows_2 PARTITION OF shard_rows FOR VALUES IN (2);
CREATE TABLE shard_rows_3 PARTITION OF shard_rows FOR VALUES IN (3);
INSERT INTO shard_rows
SELECT s, g % 12 + 1, u, (g + s) % 5 = 0
FROM generate_series(1, 3) s,
     LATERAL (SELECT g,
                     CASE g % 4
                       WHEN 0 THEN g % 45000                                   -- dense, on every shard
                       WHEN 1 THEN (g % 15000 + s * 15000) << 16               -- sparse, one shard each
                       WHEN 2 THEN (hashint8(g % 10000)::bigint << 32) | s     -- random, shared per pair
                       ELSE 110000000000 + (g % 20000) / 100 * 37000 + g % 100 -- division codes, shared
                     END AS u
              FROM generate_series(1, 100000) g) r;
ANALYZE shard_rows;

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

CREATE TEMP TABLE exact AS
SELECT count(DISTINCT unit_id) FILTER (WHERE covered) || '/' || count(DISTINCT unit_id) AS plain FROM shard_rows;
SELECT cmp_ok((SELECT count(*) FROM (SELECT unit_id FROM shard_rows GROUP BY unit_id HAVING count(DISTINCT shard) > 1) s), '>', 10000::bigint,
              'over 10,000 units are on more than one shard');

-- parallel query forced on
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_partitionwise_aggregate = on;

SELECT matches(pg_temp.plan_of('SELECT coverage(unit_id, covered) FROM shard_rows'), 'Workers Launched: 2',
               'coverage over the shards runs in two workers');
SELECT is((SELECT coverage(unit_id, covered)::text FROM shard_rows), (SELECT plain FROM exact),
          'parallel coverage over all shards equals count(DISTINCT)');

-- per-shard states, computed in parallel workers
SELECT matches(pg_temp.plan_of('SELECT shard, coverage_state(unit_id, covered) FROM shard_rows GROUP BY shard'),
               'Workers Launched: 2', 'per-shard coverage_state runs in two workers');
-- (regular tables: a temporary table is never scanned in parallel)
CREATE TABLE shard_states AS
SELECT shard, coverage_state(unit_id, covered) AS state FROM shard_rows GROUP BY shard;
SELECT is((SELECT coverage_of_state(coverage_rollup(state))::text FROM shard_states), (SELECT plain FROM exact),
          'the union of the per-shard states equals count(DISTINCT) over all rows');
SELECT isnt((SELECT rollup(coverage_of_state(state))::text FROM shard_states), (SELECT plain FROM exact),
            'rolling up per-shard ratios instead would count shared units twice');
SELECT is((SELECT coverage_of_state(state)::text FROM shard_states WHERE shard = 2),
          (SELECT coverage(unit_id, covered)::text FROM shard_rows WHERE shard = 2),
          'one shard''s state equals coverage over that shard');

-- per-(shard, month, bucket) states: enough rows for a parallel rollup
CREATE TABLE small_states AS
SELECT shard, month, abs(unit_id % 50) AS bucket, coverage_state(unit_id, covered) AS state
FROM shard_rows GROUP BY shard, month, abs(unit_id % 50);
ANALYZE small_states;
SELECT cmp_ok((SELECT count(*) FROM small_states), '>', 500::bigint, 'hundreds of small states');
SELECT matches(pg_temp.plan_of('SELECT coverage_rollup(state) FROM small_states'),
               'Workers Launched: 2.*Partial Aggregate', 'coverage_rollup runs partially in two workers, then combines');
SELECT is((SELECT coverage_of_state(coverage_rollup(state))::text FROM small_states), (SELECT plain FROM exact),
          'the parallel union of the per-shard, per-month, per-bucket states equals count(DISTINCT)');
SELECT is((SELECT string_agg(c, ',' ORDER BY month) FROM (SELECT month, coverage_of_state(coverage_rollup(state))::text AS c FROM small_states GROUP BY month) s),
          (SELECT string_agg(c, ',' ORDER BY month) FROM (SELECT month, count(DISTINCT unit_id) FILTER (WHERE covered) || '/' || count(DISTINCT unit_id) AS c
                                                          FROM shard_rows GROUP BY month) s),
          'per-month unions of shard and bucket states equal count(DISTINCT) per month');
-- rollup of rollups: per shard, then overall
SELECT is((SELECT coverage_of_state(coverage_rollup(s))::text
           FROM (SELECT coverage_rollup(state) AS s FROM small_states GROUP BY shard) r), (SELECT plain FROM exact),
          'a rollup of per-shard rollups equals count(DISTINCT)');
RESET max_parallel_workers_per_gather;

-- ---------------------------------------------------------------------------
-- Edges
-- ---------------------------------------------------------------------------
SELECT is((SELECT coverage_rollup(state) FROM shard_states WHERE shard = 1),
          (SELECT state FROM shard_states WHERE shard = 1),
          'the rollup of one state is that state, byte for byte');
SELECT is((SELECT coverage_rollup(s)::text FROM (VALUES ((SELECT state FROM shard_states WHERE shard = 1)), ((SELECT state FROM shard_states WHERE shard = 1))) v(s)),
          (SELECT state::text FROM shard_states WHERE shard = 1),
          'a state united with itself is unchanged');
SELECT is((SELECT coverage_of_state(coverage_rollup(s))::text FROM (VALUES (NULL::bytea), ((SELECT state FROM shard_states WHERE shard = 3))) v(s)),
          (SELECT coverage_of_state(state)::text FROM shard_states WHERE shard = 3), 'NULL states are skipped');
SELECT is((SELECT coverage_of_state(coverage_rollup(state))::text FROM shard_states WHERE false), '0/0', 'no states give 0/0');
SELECT is((SELECT coverage_of_state(coverage_rollup(s))::text FROM (VALUES (NULL::bytea)) v(s)), '0/0', 'only NULL states give 0/0');
-- a version 1 state (poverty_aid 1.0, no CRC): units {1, 2, 5}, covered {2}
SELECT is((SELECT coverage_of_state(coverage_rollup(s))::text FROM (VALUES
             (decode('50415643' || '0001' || '0000'
                     || '0000000000000003' || '00000001' || '0000000000000000' || '0001' || '00000003' || '0001' || '0002' || '0005'
                     || '0000000000000001' || '00000001' || '0000000000000000' || '0001' || '00000001' || '0002', 'hex')),
             ((SELECT coverage_state(u, u = 6) FROM (VALUES (5::bigint), (6), (7)) w(u)))) v(s)),
          '2/5', 'a version 1 state and a version 2 state unite');
SELECT throws_ok($$SELECT coverage_rollup(s) FROM (VALUES ((SELECT state FROM shard_states WHERE shard = 1)), ('\x504156430002'::bytea)) v(s)$$,
                 '22P03', NULL, 'a corrupt state among good ones is an error (22P03)');

SELECT * FROM finish();
ROLLBACK;
