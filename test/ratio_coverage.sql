-- pgTAP: coverage(unit_id, covered) -- equality with count(DISTINCT) on
-- dense, sparse, negative, duplicate and NULL ids, serially and merged from
-- parallel workers; rows still waiting for their prefetch when a state is
-- read (final, window, serialise, shared states); memory per unit on dense
-- ids (other distributions: coverage_memory.sql); the serialised state's
-- round trip; and refusal of every kind of corrupt state (22P03).
BEGIN;
SELECT plan(42);
SET search_path = poverty_aid, public;

-- ---------------------------------------------------------------------------
-- Equality with the count(DISTINCT) formulation
-- ---------------------------------------------------------------------------
CREATE TABLE coverage_rows (kind text, unit_id bigint, covered boolean);
-- dense ids with duplicates, NULL ids and NULL covered
INSERT INTO coverage_rows
SELECT 'dense', CASE WHEN g % 97 = 0 THEN NULL ELSE g % 150000 END, CASE WHEN g % 11 = 0 THEN NULL ELSE g % 3 = 0 END
FROM generate_series(1, 300000) g;
-- sparse ids: one per 64K chunk, and huge and negative ids
INSERT INTO coverage_rows
SELECT 'sparse', g * 65536 + g % 7, g % 2 = 0 FROM generate_series(1, 20000) g
UNION ALL SELECT 'sparse', 9223372036854775807 - g, g % 3 = 0 FROM generate_series(0, 100) g
UNION ALL SELECT 'sparse', -9223372036854775807 - 1 + g, true FROM generate_series(0, 100) g;
-- one chunk filled in random order past the 4096-id array limit, in pieces
INSERT INTO coverage_rows
SELECT 'chunk', id, id % 5 = 0 FROM (SELECT g % 6000 AS id FROM generate_series(1, 18000) g ORDER BY random()) s;
ANALYZE coverage_rows;

CREATE FUNCTION pg_temp.by_count_distinct(which text) RETURNS text LANGUAGE sql AS $$
  SELECT count(DISTINCT unit_id) FILTER (WHERE covered) || '/' || count(DISTINCT unit_id)
  FROM coverage_rows WHERE which IS NULL OR kind = which $$;

SELECT is((SELECT coverage(unit_id, covered)::text FROM coverage_rows WHERE kind = k), pg_temp.by_count_distinct(k),
          'coverage equals count(DISTINCT) on ' || k || ' ids')
FROM unnest(ARRAY['dense', 'sparse', 'chunk']) k;
SELECT is((SELECT coverage(unit_id, covered)::text FROM coverage_rows), pg_temp.by_count_distinct(NULL),
          'coverage equals count(DISTINCT) on all ids together');
SELECT is_empty($$SELECT kind FROM coverage_rows GROUP BY kind, unit_id % 10
                  HAVING coverage(unit_id, covered) <> ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id))$$,
                'coverage equals count(DISTINCT) in every group');
SELECT is((SELECT coverage(u, c)::text FROM (VALUES (1::bigint, true), (1, true), (1, false), (2, NULL), (3, false), (NULL, true)) v(u, c)),
          '1/3', 'a unit paired twice counts once; NULL covered is in scope; NULL unit_id is skipped');
SELECT is((SELECT coverage(u, c)::text FROM (VALUES (1::bigint, true)) v(u, c) WHERE false), '0/0', 'no rows give 0/0');

-- ---------------------------------------------------------------------------
-- Rows applied late: the transition function applies each row 16 rows after
-- it arrives (src/coverage.c, PENDING_ROWS), so every reader of a state must
-- apply the waiting rows first.  Group sizes around 16, a running window that
-- reads the state after every row and goes on adding, and aggregates sharing
-- one transition state.
-- ---------------------------------------------------------------------------
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
CREATE TEMP TABLE late_rows AS
SELECT g, (g * 7919) % 5000 AS unit_id, g % 3 = 0 AS covered FROM generate_series(1, 20000) g;
SELECT is_empty($$SELECT n FROM generate_series(0, 50) n
                  CROSS JOIN LATERAL (SELECT coverage(unit_id % 23, covered) AS ext,
                                             ratio(count(DISTINCT unit_id % 23) FILTER (WHERE covered), count(DISTINCT unit_id % 23)) AS plain
                                      FROM late_rows WHERE g <= n) r
                  WHERE ext::text <> plain::text$$,
                'coverage equals count(DISTINCT) over 0 to 50 rows (fewer, as many and more rows than are applied late)');
SELECT is_empty($$SELECT g FROM (
                    SELECT g, coverage(unit_id, covered) OVER (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ext,
                           ratio(sum(covered_first) OVER w, sum(unit_first) OVER w) AS plain
                    FROM (SELECT g, unit_id, covered,
                                 (row_number() OVER (PARTITION BY unit_id ORDER BY g) = 1)::int AS unit_first,
                                 (covered AND row_number() OVER (PARTITION BY unit_id, covered ORDER BY g) = 1)::int AS covered_first
                          FROM late_rows) f
                    WINDOW w AS (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) r
                  WHERE ext::text <> plain::text$$,
                'a running coverage window equals the running count of first occurrences on every one of 20,000 rows (bitmap chunks)');
SELECT is((SELECT coverage(unit_id, covered)::text || ' ' || coverage_of_state(coverage_state(unit_id, covered))::text
                  || ' ' || (coverage_state_bytes(unit_id, covered) > 0)::text
           FROM late_rows WHERE g <= 21),
          (SELECT ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id))::text || ' '
                  || ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id))::text || ' true'
           FROM late_rows WHERE g <= 21),
          'coverage, coverage_state and coverage_state_bytes sharing one state agree');
SELECT is((SELECT string_agg(c::text, ',' ORDER BY k) FROM (SELECT g % 3 AS k, coverage(unit_id, covered) AS c FROM late_rows WHERE g <= 40 GROUP BY g % 3) s),
          (SELECT string_agg(c::text, ',' ORDER BY k) FROM (SELECT g % 3 AS k, ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id)) AS c
                                                            FROM late_rows WHERE g <= 40 GROUP BY g % 3) s),
          'coverage per group of 13 and 14 rows equals count(DISTINCT)');
SET LOCAL enable_hashagg = off;
SELECT is((SELECT string_agg(c::text, ',' ORDER BY k) FROM (SELECT g % 1000 AS k, coverage(unit_id, covered) AS c FROM late_rows GROUP BY g % 1000) s),
          (SELECT string_agg(c::text, ',' ORDER BY k) FROM (SELECT g % 1000 AS k, ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id)) AS c
                                                            FROM late_rows GROUP BY g % 1000) s),
          'coverage per sorted group of 20 rows equals count(DISTINCT)');
RESET enable_hashagg;
-- partitionwise partial aggregation: each partition's state, one of them
-- with fewer rows than are applied late, is serialised and combined
CREATE TEMP TABLE late_parts (g int, unit_id bigint, covered boolean) PARTITION BY RANGE (g);
CREATE TEMP TABLE late_parts_1 PARTITION OF late_parts FOR VALUES FROM (1) TO (10);
CREATE TEMP TABLE late_parts_2 PARTITION OF late_parts FOR VALUES FROM (10) TO (10001);
INSERT INTO late_parts SELECT g, unit_id, covered FROM late_rows WHERE g <= 10000;
ANALYZE late_parts;
SET LOCAL enable_partitionwise_aggregate = on;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT matches(pg_temp.plan_of('SELECT coverage(unit_id, covered) FROM late_parts'), 'Finalize Aggregate.*Partial Aggregate.*Partial Aggregate',
               'coverage over two partitions aggregates each partially, then combines');
SELECT is((SELECT coverage(unit_id, covered)::text FROM late_parts),
          (SELECT ratio(count(DISTINCT unit_id) FILTER (WHERE covered), count(DISTINCT unit_id))::text FROM late_parts),
          'coverage combined from partition partials of 9 and 9,991 rows equals count(DISTINCT)');
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;

-- ---------------------------------------------------------------------------
-- Merged from parallel workers (2 workers, no leader): array chunks from
-- each worker merge into bitmaps, bitmaps into bitmaps
-- ---------------------------------------------------------------------------
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SELECT matches(pg_temp.plan_of('SELECT coverage(unit_id, covered) FROM coverage_rows'), 'Workers Launched: 2',
               'coverage runs in two parallel workers');
SELECT is((SELECT coverage(unit_id, covered)::text FROM coverage_rows WHERE kind = k), pg_temp.by_count_distinct(k),
          'parallel coverage equals count(DISTINCT) on ' || k || ' ids')
FROM unnest(ARRAY['dense', 'sparse', 'chunk']) k;
SELECT is((SELECT coverage(unit_id, covered)::text FROM coverage_rows), pg_temp.by_count_distinct(NULL),
          'parallel coverage equals count(DISTINCT) on all ids');
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---------------------------------------------------------------------------
-- Memory
-- ---------------------------------------------------------------------------
SELECT cmp_ok((SELECT coverage_state_bytes(g, g % 2 = 0)::numeric / 1000000 FROM generate_series(1, 1000000) g), '<', 1.0,
              'dense ids: under 1 byte of state per distinct unit (target: well under 8)');
SELECT cmp_ok((SELECT coverage_state_bytes(g, true)::numeric / 1000000 FROM generate_series(1, 1000000) g), '<', 1.0,
              'dense ids all covered: under 1 byte of state per distinct unit');

-- ---------------------------------------------------------------------------
-- Serialised state: round trip and layout
-- ---------------------------------------------------------------------------
SELECT is((SELECT coverage_of_state(coverage_state(unit_id, covered))::text FROM coverage_rows WHERE kind = k),
          (SELECT coverage(unit_id, covered)::text FROM coverage_rows WHERE kind = k),
          'coverage_of_state(coverage_state()) equals coverage() on ' || k || ' ids')
FROM unnest(ARRAY['dense', 'sparse', 'chunk']) k;
-- units {1, 2, 5}, covered {2}, as documented in src/coverage.c
CREATE TEMP TABLE good AS SELECT
  '50415643' || '0001' || '0000'
  || '0000000000000003' || '00000001' || '0000000000000000' || '0001' || '00000003' || '0001' || '0002' || '0005'
  || '0000000000000001' || '00000001' || '0000000000000000' || '0001' || '00000001' || '0002' AS hex;
-- coverage_state() writes version 2: the same with version 2 and a CRC-32C
-- of every byte before it; version 1 states (poverty_aid 1.0) still read
SELECT is(left(encode((SELECT coverage_state(u, u = 2) FROM (VALUES (5::bigint), (1), (2), (2)) v(u)), 'hex'), -8),
          (SELECT overlay(hex placing '0002' from 9) FROM good),
          'the serialised layout is the documented one (version 2, then 4 bytes of CRC)');
SELECT is(length((SELECT coverage_state(u, u = 2) FROM (VALUES (5::bigint), (1), (2), (2)) v(u))), length(decode(hex, 'hex')) + 4,
          'the CRC is the last 4 bytes') FROM good;
SELECT is(coverage_of_state(decode(hex, 'hex'))::text, '1/3', 'a hand-made version 1 state reads back') FROM good;
SELECT is(coverage_of_state(decode('50415643' || '0001' || '0000'
  || '0000000000000002' || '00000001' || '0000000000000007' || '0002' || '00000002' || '0000000000000006' || repeat('0', 16 * 1023)
  || '0000000000000000' || '00000000', 'hex'))::text, '0/2', 'a hand-made bitmap chunk reads back');

-- corrupt(hex, description): the state is refused with 22P03
CREATE FUNCTION pg_temp.corrupt(hex text, description text) RETURNS text LANGUAGE sql AS $$
  SELECT throws_ok(format('SELECT coverage_of_state(%L::bytea)', '\x' || hex), '22P03', NULL,
                   'corrupt state refused: ' || description) $$;
SELECT pg_temp.corrupt('', 'empty');
SELECT pg_temp.corrupt(overlay(hex placing '50415644' from 1), 'wrong magic') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0003' from 9), 'unknown version') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0002' from 9), 'version 2 without its CRC') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0001' from 13), 'reserved bits') FROM good;
SELECT pg_temp.corrupt(left(hex, -2), 'truncated') FROM good;
SELECT pg_temp.corrupt(hex || '00', 'trailing byte') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0000000000000004' from 17), 'distinct count does not match') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing 'ffffffff' from 33), 'chunk count beyond the data') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0003' from 57), 'unknown chunk kind') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0002' from 77), 'array not strictly increasing') FROM good;
SELECT pg_temp.corrupt(overlay(hex placing '0003' from 133), 'covered unit not in scope') FROM good;
SELECT pg_temp.corrupt('50415643' || '0001' || '0000'
  || '0000000000000003' || '00000001' || '0000000000000007' || '0002' || '00000003' || '0000000000000006' || repeat('0', 16 * 1023)
  || '0000000000000000' || '00000000', 'bitmap cardinality does not match its bits');
SELECT pg_temp.corrupt('50415643' || '0001' || '0000'
  || '0000000000000002' || '00000002' || '0000000000000001' || '0001' || '00000001' || '0001'
  || '0000000000000000' || '0001' || '00000001' || '0001'
  || '0000000000000000' || '00000000', 'chunk keys not increasing');

SELECT * FROM finish();
ROLLBACK;
