-- pgTAP: memory of coverage() states is bounded per distinct unit on every
-- distribution of ids (dense, sparse i << 16, random 64-bit, clustered,
-- division-code-like), counted by coverage_state_bytes and measured by
-- PostgreSQL's own memory accounting (the HashAggregate's "Memory Usage",
-- the memory contexts that hold the state); crafted serialised states cost
-- what the same set built row by row costs; and poverty_aid.coverage_memory_limit
-- turns a state that would grow past it into error 54000.
BEGIN;
SELECT plan(31);
SET search_path = poverty_aid, public;

-- ---------------------------------------------------------------------------
-- Bytes per unit by distribution, 100,000 distinct units each (covered: half,
-- or all, the worst case as both sets then hold every unit)
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE ids (dist text, unit_id bigint, half boolean);
INSERT INTO ids
SELECT 'dense', i, i % 2 = 0 FROM generate_series(1::bigint, 100000) i
UNION ALL SELECT 'sparse', i << 16, i % 2 = 0 FROM generate_series(1::bigint, 100000) i
UNION ALL SELECT 'random', (hashint8(i)::bigint << 32) | (hashint8(-i)::bigint & 4294967295), i % 2 = 0 FROM generate_series(1::bigint, 100000) i
UNION ALL SELECT 'clustered', (i / 10) * 1000003 + i % 10, i % 2 = 0 FROM generate_series(1::bigint, 100000) i
UNION ALL SELECT 'clustered_50', (i / 50) * 1000003 + i % 50, i % 2 = 0 FROM generate_series(1::bigint, 100000) i
-- 12-digit division codes: 1,000 towns of 100 villages, 3-digit village part
UNION ALL SELECT 'division', 110000000000 + (i / 100) * 1000 * 37 + i % 100, i % 2 = 0 FROM generate_series(0::bigint, 99999) i;
ANALYZE ids;

CREATE TEMP TABLE per_unit AS
SELECT dist, count(DISTINCT unit_id) AS units,
       coverage_state_bytes(unit_id, half)::numeric / count(DISTINCT unit_id) AS half_covered,
       coverage_state_bytes(unit_id, true)::numeric / count(DISTINCT unit_id) AS all_covered,
       coverage(unit_id, half)::text AS result,
       count(DISTINCT unit_id) FILTER (WHERE half) || '/' || count(DISTINCT unit_id) AS expected
FROM ids GROUP BY dist;

SELECT is(result, expected, 'coverage equals count(DISTINCT) on ' || dist || ' ids') FROM per_unit ORDER BY dist;
SELECT cmp_ok(all_covered, '<', 1.0, 'dense ids: under 1 byte per unit with every unit covered') FROM per_unit WHERE dist = 'dense';
SELECT cmp_ok(all_covered, '<=', 24.0, dist || ' ids: at most 24 bytes per unit with every unit covered (was about 150 on sparse ids)')
FROM per_unit WHERE dist <> 'dense' ORDER BY dist;
SELECT cmp_ok(max(half_covered), '<=', 18.0, 'every distribution: at most 18 bytes per unit with half of them covered') FROM per_unit;

-- ---------------------------------------------------------------------------
-- The same measured by PostgreSQL: a one-group HashAggregate reports the
-- peak memory of the contexts that hold its states
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.hashagg_kb(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  SET LOCAL enable_sort = off;
  SET LOCAL max_parallel_workers_per_gather = 0;
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
    IF line ~ 'Memory Usage: \d+kB' THEN
      RETURN substring(line FROM 'Memory Usage: (\d+)kB')::numeric;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
SELECT cmp_ok(pg_temp.hashagg_kb(format('SELECT coverage(unit_id, true) FROM ids WHERE dist = %L GROUP BY unit_id IS NULL', d)) * 1024 / 100000,
              '<=', 24.0, d || ' ids: at most 24 bytes per unit as the executor measures it')
FROM unnest(ARRAY['sparse', 'random', 'clustered', 'division']) d;
SELECT cmp_ok(pg_temp.hashagg_kb($$SELECT coverage(unit_id, true) FROM ids WHERE dist = 'dense' GROUP BY unit_id IS NULL$$) * 1024 / 100000,
              '<', 2.0, 'dense ids: under 2 bytes per unit as the executor measures it (its blocks and hash table included)');
SELECT cmp_ok(abs(pg_temp.hashagg_kb($$SELECT coverage(unit_id, true) FROM ids GROUP BY unit_id IS NULL$$) * 1024
                  / (SELECT coverage_state_bytes(unit_id, true) FROM ids) - 1), '<', 0.25::numeric,
              'on all ids together coverage_state_bytes is within 25% of the executor''s measure');

-- ---------------------------------------------------------------------------
-- Crafted serialised states (version 1 has no CRC, so SQL can build them):
-- reading one costs no more than the same set built row by row
-- ---------------------------------------------------------------------------
-- state(chunks): units = the given chunks, covered = none
CREATE FUNCTION pg_temp.state(chunks bytea, n_ids bigint, n_chunks bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT '\x504156430001 0000'::bytea || int8send(n_ids) || int4send(n_chunks::int) || chunks
         || int8send(0) || int4send(0) $$;
-- 100,000 chunks of one id each (3.2 MB): the shape that used to cost ~200 bytes a unit
CREATE TEMP TABLE crafted AS
SELECT 'singletons' AS shape, pg_temp.state(string_agg(int8send(k) || '\x0001'::bytea || int4send(1) || int2send(7::smallint), ''::bytea ORDER BY k), 100000, 100000) AS state, 100000 AS units
FROM generate_series(1::bigint, 100000) k
-- 20,000 chunks of 31 ids, the most a chunk holds before it gets a table entry
UNION ALL
SELECT 'arrays_of_31', pg_temp.state(string_agg(int8send(k) || '\x0001'::bytea || int4send(31) || lows, ''::bytea ORDER BY k), 20000 * 31, 20000), 20000 * 31
FROM generate_series(1::bigint, 20000) k,
     (SELECT string_agg(int2send((j * 3)::smallint), ''::bytea ORDER BY j) AS lows FROM generate_series(0, 30) j) l
-- 1,000 bitmap chunks holding 1 id each (8 KiB apiece on the wire)
UNION ALL
SELECT 'sparse_bitmaps', pg_temp.state(string_agg(int8send(k) || '\x0002'::bytea || int4send(1) || int8send(1) || decode(repeat('00', 8 * 1023), 'hex'), ''::bytea ORDER BY k), 1000, 1000), 1000
FROM generate_series(1::bigint, 1000) k;
SELECT is(coverage_of_state(state)::text, '0/' || units, 'the crafted ' || shape || ' state reads back') FROM crafted ORDER BY shape;
SELECT cmp_ok(coverage_state_memory(state)::numeric / units, '<=', 16.0, 'reading the crafted ' || shape || ' state costs at most 16 bytes per unit')
FROM crafted ORDER BY shape;

-- ---------------------------------------------------------------------------
-- poverty_aid.coverage_memory_limit
-- ---------------------------------------------------------------------------
SELECT is(current_setting('poverty_aid.coverage_memory_limit'), '1GB', 'poverty_aid.coverage_memory_limit defaults to 1GB');
SET LOCAL poverty_aid.coverage_memory_limit = '512kB';
SELECT throws_ok($$SELECT coverage(unit_id, true) FROM ids WHERE dist = 'sparse'$$, '54000', NULL,
                 'coverage() past the limit fails with 54000');
SELECT throws_ok($$SELECT coverage_of_state(state) FROM crafted WHERE shape = 'singletons'$$, '54000', NULL,
                 'reading a crafted state past the limit fails with 54000');
SELECT throws_ok($$SELECT coverage_rollup(state) FROM crafted$$, '54000', NULL,
                 'coverage_rollup() past the limit fails with 54000');
SELECT is((SELECT coverage(unit_id, true)::text FROM ids WHERE dist = 'dense'), '100000/100000',
          'dense ids fit well under 512kB');
RESET poverty_aid.coverage_memory_limit;
SELECT is((SELECT coverage(unit_id, true)::text FROM ids WHERE dist = 'sparse'), '100000/100000',
          'the same query runs again under the default limit');

SELECT * FROM finish();
ROLLBACK;
