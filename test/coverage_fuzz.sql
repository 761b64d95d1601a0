-- pgTAP: serialised coverage states that are truncated, corrupted byte by
-- byte, extended or random are refused with SQLSTATE 22P03 by every reader
-- (coverage_of_state, coverage_state_memory, coverage_rollup), never crash
-- the backend and are never read as another set: version 2 states carry a
-- CRC-32C, so every corruption is refused; version 1 states (no CRC) are
-- refused or read as a valid set.  States of other versions are refused.
BEGIN;
SELECT plan(16);
SET search_path = poverty_aid, public;

-- outcome(state): 'read' or the SQLSTATE of every reader that refuses it
CREATE FUNCTION pg_temp.outcome(state bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  result text := '';
  r text;
BEGIN
  BEGIN
    PERFORM poverty_aid.coverage_of_state(state);
    r := 'read';
  EXCEPTION WHEN OTHERS THEN
    r := SQLSTATE;
  END;
  result := r;
  BEGIN
    PERFORM poverty_aid.coverage_state_memory(state);
    r := 'read';
  EXCEPTION WHEN OTHERS THEN
    r := SQLSTATE;
  END;
  IF r <> split_part(result, ' ', 1) THEN result := result || ' memory:' || r; END IF;
  BEGIN
    PERFORM poverty_aid.coverage_rollup(s) FROM (VALUES (state)) v(s);
    r := 'read';
  EXCEPTION WHEN OTHERS THEN
    r := SQLSTATE;
  END;
  IF r <> split_part(result, ' ', 1) THEN result := result || ' rollup:' || r; END IF;
  RETURN result;
END $$;
-- flip(state, at, mask): the state with one byte XORed with mask
CREATE FUNCTION pg_temp.flip(state bytea, at int, mask int) RETURNS bytea LANGUAGE sql AS $$
  SELECT set_byte(state, at, get_byte(state, at) # mask) $$;

-- a small state with scattered ids, an array chunk and negative and huge ids,
-- and one with bitmap chunks
CREATE TEMP TABLE samples AS
SELECT 'small' AS name, coverage_state(u, u % 3 = 0) AS state
FROM (SELECT g AS u FROM generate_series(1::bigint, 40) g
      UNION ALL VALUES (70000), (70001), (1::bigint << 40), (-5), (9223372036854775807)) s
UNION ALL
SELECT 'bitmap', coverage_state(g, g % 3 = 0) FROM generate_series(1::bigint, 5000) g;
SELECT is((SELECT coverage_of_state(state)::text FROM samples WHERE name = 'small'), '13/45', 'the small sample reads back');
SELECT is((SELECT coverage_of_state(state)::text FROM samples WHERE name = 'bitmap'), '1666/5000', 'the bitmap sample reads back');

-- ---------------------------------------------------------------------------
-- Version 2: every corruption refused
-- ---------------------------------------------------------------------------
SELECT is_empty($$SELECT n, pg_temp.outcome(substr(state, 1, n)) FROM samples, generate_series(0, length(state) - 1) n
                  WHERE name = 'small' AND pg_temp.outcome(substr(state, 1, n)) <> '22P03'$$,
                'the small state truncated at every length is refused with 22P03 by every reader');
SELECT is_empty($$SELECT n, pg_temp.outcome(substr(state, 1, n)) FROM samples, generate_series(0, length(state) - 1) n
                  WHERE name = 'bitmap' AND (n % 61 = 0 OR n > length(state) - 40) AND pg_temp.outcome(substr(state, 1, n)) <> '22P03'$$,
                'the bitmap state truncated at many lengths is refused with 22P03');
SELECT is_empty($$SELECT p, m, pg_temp.outcome(pg_temp.flip(state, p, m)) FROM samples, generate_series(0, length(state) - 1) p, unnest(ARRAY[1, 128, 255]) m
                  WHERE name = 'small' AND pg_temp.outcome(pg_temp.flip(state, p, m)) <> '22P03'$$,
                'the small state with any byte corrupted (3 ways) is refused with 22P03 by every reader');
SELECT is_empty($$SELECT p, pg_temp.outcome(pg_temp.flip(state, p, 16)) FROM samples, generate_series(0, length(state) - 1) p
                  WHERE name = 'bitmap' AND (p % 37 = 0 OR p < 64 OR p > length(state) - 64) AND pg_temp.outcome(pg_temp.flip(state, p, 16)) <> '22P03'$$,
                'the bitmap state corrupted at many positions is refused with 22P03');
SELECT is_empty($$SELECT n, pg_temp.outcome(state || decode(repeat('00', n), 'hex')) FROM samples, generate_series(1, 9) n
                  WHERE pg_temp.outcome(state || decode(repeat('00', n), 'hex')) <> '22P03'$$,
                'states with bytes appended are refused with 22P03');
SELECT is_empty($$SELECT v, pg_temp.outcome(overlay(state placing int2send(v::smallint) from 5)) FROM samples, generate_series(0, 20) v
                  WHERE v <> 2 AND name = 'small' AND pg_temp.outcome(overlay(state placing int2send(v::smallint) from 5)) <> '22P03'$$,
                'a version 2 state relabelled as any other version (0, 1, 3..20) is refused with 22P03');
SELECT throws_ok($$SELECT coverage_of_state(overlay(state placing '\x0003'::bytea from 5)) FROM samples WHERE name = 'small'$$,
                 '22P03', 'invalid serialized coverage state', 'an unknown version is refused with the coverage message');

-- random bytes after a valid header, of random lengths
SELECT setseed(0.14);
CREATE TEMP TABLE noise AS
SELECT i, v, '\x50415643'::bytea || int2send(v::smallint) || '\x0000'::bytea
          || decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') AS state
FROM generate_series(1, 300) i, unnest(ARRAY[1, 2]) v, LATERAL generate_series(1, 1 + (i * 7) % 90) b
GROUP BY i, v;
SELECT is_empty($$SELECT i, pg_temp.outcome(state) FROM noise WHERE v = 2 AND pg_temp.outcome(state) <> '22P03'$$,
                '300 random version 2 bodies are refused with 22P03');
SELECT is_empty($$SELECT i, pg_temp.outcome(state) FROM noise WHERE v = 1 AND pg_temp.outcome(state) NOT IN ('22P03', 'read')$$,
                '300 random version 1 bodies are refused with 22P03 or read, and never fail otherwise');

-- ---------------------------------------------------------------------------
-- Version 1 (no CRC): refused or read as a valid set, never anything else
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE v1 AS
SELECT name, overlay(substr(state, 1, length(state) - 4) placing '\x0001'::bytea from 5) AS state FROM samples;
SELECT is((SELECT string_agg(coverage_of_state(state)::text, ',' ORDER BY name) FROM v1), '1666/5000,13/45',
          'the samples rewritten as version 1 read back alike');
SELECT is((SELECT string_agg(r, ',' ORDER BY name) FROM (SELECT name, coverage_rollup(state)::text AS r FROM v1 GROUP BY name) s),
          (SELECT string_agg(state::text, ',' ORDER BY name) FROM samples),
          'rolling up a version 1 state gives the version 2 state of the same set');
CREATE TEMP TABLE v1_outcomes AS
SELECT p, m, pg_temp.outcome(pg_temp.flip(state, p, m)) AS outcome,
       pg_temp.flip(state, p, m) AS corrupt
FROM v1, generate_series(0, length(state) - 1) p, unnest(ARRAY[1, 128, 255]) m WHERE name = 'small';
SELECT is_empty($$SELECT p, m, outcome FROM v1_outcomes WHERE outcome NOT IN ('22P03', 'read')$$,
                'a version 1 state with any byte corrupted is refused with 22P03 or read by every reader alike');
-- what a corrupt version 1 state reads as is a valid set: its rollup
-- (a version 2 state) reads back to the same coverage
SELECT is_empty($$SELECT p, m FROM v1_outcomes
                  WHERE outcome = 'read' AND coverage_of_state(corrupt)::text <> coverage_of_state((SELECT coverage_rollup(c) FROM (VALUES (corrupt)) v(c)))::text$$,
                'every corrupt version 1 state that reads is a consistent set');
SELECT cmp_ok((SELECT count(*) FROM v1_outcomes WHERE outcome = '22P03'), '>', (SELECT count(*) * 3 / 4 FROM v1_outcomes),
              'most corruptions of a version 1 state are caught by its structure alone');

SELECT * FROM finish();
ROLLBACK;
