-- pgTAP: the ratio type -- catalogue properties, COMMENTs, SQLSTATEs of bad
-- input, text and binary (COPY BINARY) round trips, corrupt binary input, and
-- the Wilson interval against an independent formula.
BEGIN;
SELECT plan(63);
SET search_path = poverty_aid, public;

-- ---------------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------------
SELECT has_type('poverty_aid', 'ratio', 'type poverty_aid.ratio exists');
SELECT is((SELECT typlen FROM pg_type WHERE oid = 'poverty_aid.ratio'::regtype), 32::int2, 'ratio is fixed length, 32 bytes');
SELECT is((SELECT typbyval FROM pg_type WHERE oid = 'poverty_aid.ratio'::regtype), false, 'ratio is passed by reference');
SELECT is((SELECT typalign FROM pg_type WHERE oid = 'poverty_aid.ratio'::regtype), 'd'::"char", 'ratio is aligned like double');
SELECT isnt((SELECT typreceive FROM pg_type WHERE oid = 'poverty_aid.ratio'::regtype), 0::regproc, 'ratio has binary receive');
SELECT isnt(obj_description('poverty_aid.ratio'::regtype, 'pg_type'), NULL, 'type ratio has a COMMENT');

-- the ratio engine's functions and aggregates: commented, immutable, parallel safe
CREATE TEMP VIEW engine_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.provolatile, p.proparallel
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'poverty_aid'
  AND p.proname ~ '^(ratio|rate_agg|rollup|exit_rate|poverty_incidence|reduction_rate|fund_in_place|coverage)';
SELECT cmp_ok((SELECT count(*) FROM engine_functions), '>=', 50::bigint, 'the ratio engine defines its functions and aggregates');
SELECT is_empty($$SELECT signature FROM engine_functions WHERE obj_description(oid, 'pg_proc') IS NULL$$,
                'every ratio-engine function and aggregate has a COMMENT');
SELECT is_empty($$SELECT signature FROM engine_functions WHERE provolatile <> 'i'$$,
                'every ratio-engine function is IMMUTABLE');
SELECT is_empty($$SELECT signature FROM engine_functions WHERE proparallel <> 's'$$,
                'every ratio-engine function and aggregate is PARALLEL SAFE');
SELECT is_empty($$SELECT o.oid::regoperator::text FROM pg_operator o
                  WHERE (o.oprleft = 'poverty_aid.ratio'::regtype OR o.oprright = 'poverty_aid.ratio'::regtype)
                    AND obj_description(o.oid, 'pg_operator') IS NULL$$,
                'every ratio operator has a COMMENT');
SELECT isnt((SELECT obj_description(c.oid, 'pg_cast') FROM pg_cast c
             WHERE c.castsource = 'poverty_aid.ratio'::regtype AND c.casttarget = 'float8'::regtype), NULL,
            'the cast ratio -> double precision exists and has a COMMENT');
SELECT isnt((SELECT obj_description(c.oid, 'pg_opclass') FROM pg_opclass c WHERE c.opcname = 'ratio_hash_ops'), NULL,
            'the hash operator class has a COMMENT');

-- ---------------------------------------------------------------------------
-- SQLSTATEs of bad input
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT 'abc'::ratio$$, '22P02', NULL, 'malformed text: 22P02');
SELECT throws_ok($$SELECT '1/'::ratio$$, '22P02', NULL, 'missing denominator: 22P02');
SELECT throws_ok($$SELECT '1/2/3'::ratio$$, '22P02', NULL, 'two slashes: 22P02');
SELECT throws_ok($$SELECT '1e3/5'::ratio$$, '22P02', NULL, 'exponent notation: 22P02');
SELECT throws_ok($$SELECT '47/50x'::ratio$$, '22P02', 'invalid input syntax for type ratio: "47/50x"', 'trailing garbage: 22P02 naming the text');
SELECT throws_ok($$SELECT '1/-2'::ratio$$, '22023', 'ratio denominator cannot be negative', 'negative denominator: 22023');
SELECT throws_ok($$SELECT '1.00001/1'::ratio$$, '22023', NULL, 'more than 4 fractional digits in text: 22023');
SELECT throws_ok($$SELECT '99999999999999999999999999999999999/1'::ratio$$, '22003', NULL, 'text overflow: 22003');
SELECT throws_ok($$SELECT ratio(1, -2)$$, '22023', NULL, 'ratio(bigint, bigint) with a negative denominator: 22023');
SELECT throws_ok($$SELECT ratio(0.00001, 1)$$, '22023', 'numerator has more than 4 fractional digits', 'ratio(numeric) with 5 fractional digits: 22023');
SELECT throws_ok($$SELECT ratio('NaN'::numeric, 1)$$, '22023', 'numerator must be a finite number', 'NaN numerator: 22023');
SELECT throws_ok($$SELECT ratio(1, '-Infinity'::numeric)$$, '22023', 'denominator must be a finite number', 'infinite denominator: 22023');
SELECT throws_ok($$SELECT ratio(1e40, 1)$$, '22003', NULL, 'numeric overflow: 22003');
SELECT throws_ok($$SELECT '2000000000000000000000000000000000/1'::ratio + '2000000000000000000000000000000000/1'$$,
                 '22003', 'ratio part out of range', 'overflow of + is an error, never a wrap: 22003');
SELECT throws_ok($$SELECT ratio_percent('1/2', -1)$$, '22023', NULL, 'ratio_percent digits out of range: 22023');
SELECT throws_ok($$SELECT ratio_ci_lower('1296948000.00/1088043624.16')$$, '22023', 'Wilson interval needs a proportion of counts',
                 'Wilson interval of money: 22023');
SELECT throws_ok($$SELECT ratio_ci_upper('5/4')$$, '22023', NULL, 'Wilson interval of numerator > denominator: 22023');
SELECT throws_ok($$SELECT ratio_ci_upper('1/4', 1.5)$$, '22023', NULL, 'confidence outside (0,1): 22023');

-- ---------------------------------------------------------------------------
-- Values
-- ---------------------------------------------------------------------------
SELECT is(ratio_percent('47/50'), 94.0, '47/50 -> 94.0');
SELECT is(ratio_percent('3787/3904'), 97.0, '3787/3904 -> 97.0');
SELECT is(ratio_percent('3285500/3365000'), 97.6, 'reduction 3365000 -> 79500 -> 97.6');
SELECT is(ratio_percent('1/8', 0)::text, '13', 'half up: 12.5 -> 13');
SELECT is(ratio_value('0/0'), NULL, 'the value of x/0 is NULL');
SELECT is(ratio_value('47/50'), 0.94::float8, 'ratio_value 47/50');
SELECT is(ratio_numerator('1296948000.00/1088043624.16'), 1296948000.00, 'numerator exact');
SELECT is(ratio_denominator('1296948000.00/1088043624.16')::text, '1088043624.16', 'denominator exact with its scale');
SELECT ok('2/4'::ratio <> '1/2'::ratio AND '2/4'::ratio = '2.00/4', 'never reduced; = ignores display scale');

-- a direct call of a transition function never changes its input
SELECT is((WITH x AS (SELECT '1/2'::ratio AS r) SELECT rate_agg_trans(r, true)::text || ' ' || r::text FROM x),
          '2/3 1/2', 'rate_agg_trans outside an aggregate returns a copy');
SELECT is((WITH x AS (SELECT '1/2'::ratio AS r) SELECT ratio_add(r, r)::text || ' ' || r::text FROM x),
          '2/4 1/2', 'ratio_add outside an aggregate returns a copy');

-- ---------------------------------------------------------------------------
-- Text round trip: output -> input -> output is the identity
-- ---------------------------------------------------------------------------
SELECT results_eq(
  $$SELECT r::ratio::text FROM (VALUES ('47/50'), ('1296948000.00/1088043624.16'), ('2/4'), ('0/0'), ('-1.5/2.0000'),
        ('0.0001/0.1'), ('2126000000000000000000000000000000/1')) v(r)$$,
  $$VALUES ('47/50'), ('1296948000.00/1088043624.16'), ('2/4'), ('0/0'), ('-1.5/2.0000'),
        ('0.0001/0.1'), ('2126000000000000000000000000000000/1')$$,
  'text input and output round-trip exactly');
SELECT is_empty($$SELECT r FROM (SELECT ratio(round((random() * 1e8)::numeric, (g % 5)), round((random() * 1e8)::numeric, ((g + 2) % 5))) AS r
                                 FROM generate_series(1, 2000) g) s
                  WHERE r::text::ratio::text <> r::text OR r::text::ratio <> r$$,
                'random ratios at every scale round-trip through text');

-- ---------------------------------------------------------------------------
-- Binary round trip through COPY ... (FORMAT binary), and corrupt input
-- ---------------------------------------------------------------------------
CREATE TABLE ratio_io (id int, r ratio);
CREATE TABLE ratio_io_back (id int, r ratio);
INSERT INTO ratio_io VALUES (1, '47/50'), (2, '1296948000.00/1088043624.16'), (3, '0/0'), (4, '-3285500/3365000'),
  (5, '0.0001/9.5'), (6, '-2126000000000000000000000000000000/2126000000000000000000000000000000.0001'), (7, NULL);
CREATE FUNCTION pg_temp.copy_round_trip() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  path text := '/tmp/poverty_aid_ratio_' || pg_backend_pid() || '.bin';
BEGIN
  EXECUTE format('COPY ratio_io TO %L (FORMAT binary)', path);
  EXECUTE format('COPY ratio_io_back FROM %L (FORMAT binary)', path);
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'rm -f ' || path);
END $$;
SELECT lives_ok('SELECT pg_temp.copy_round_trip()', 'COPY BINARY out and back in');
SELECT results_eq('SELECT id, r::text, ratio_send(r) FROM ratio_io ORDER BY id',
                  'SELECT id, r::text, ratio_send(r) FROM ratio_io_back ORDER BY id',
                  'COPY BINARY round trip keeps every ratio, its display scale and NULL');

-- copy_in_payload(hex): COPY a binary file holding one ratio field whose 34
-- bytes are given in hex (per part: int8 scale, int128 value * 10^4 big-endian)
CREATE FUNCTION pg_temp.copy_in_payload(payload text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  path text := '/tmp/poverty_aid_ratio_in_' || pg_backend_pid() || '.bin';
  file bytea := decode('5047434f50590aff0d0a00' || '00000000' || '00000000'
                       || '0001' || lpad(to_hex(length(payload) / 2), 8, '0') || payload || 'ffff', 'hex');
  result text;
BEGIN
  EXECUTE format('COPY (SELECT %L) TO PROGRAM %L', translate(encode(file, 'base64'), E'\n', ''), 'base64 -d > ' || path);
  DELETE FROM ratio_io_back;
  BEGIN
    EXECUTE format('COPY ratio_io_back (r) FROM %L (FORMAT binary)', path);
  EXCEPTION WHEN OTHERS THEN
    EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'rm -f ' || path);
    RAISE;
  END;
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'rm -f ' || path);
  SELECT r::text INTO result FROM ratio_io_back;
  RETURN result;
END $$;
-- 47/50: 470000 = 0x72bf0, 500000 = 0x7a120
SELECT is(pg_temp.copy_in_payload('00' || '0000000000000000' || '0000000000072bf0' || '00' || '0000000000000000' || '000000000007a120'),
          '47/50', 'the documented binary layout reads 47/50');
SELECT is(pg_temp.copy_in_payload('02' || '0000000000000000' || '0000000000072bf0' || '02' || '0000000000000000' || '000000000007a120'),
          '47.00/50.00', 'the binary display scale is kept');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('05' || '0000000000000000' || '0000000000072bf0' || '00' || '0000000000000000' || '000000000007a120')$$,
                 '22P03', NULL, 'binary: display scale 5 is refused (22P03)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('00' || '0000000000000000' || '0000000000072bf1' || '00' || '0000000000000000' || '000000000007a120')$$,
                 '22P03', NULL, 'binary: digits beyond the display scale are refused (22P03)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('00' || '0000000000000000' || '0000000000072bf0' || '00' || 'ffffffffffffffff' || 'fffffffffff85ee0')$$,
                 '22023', 'ratio denominator cannot be negative', 'binary: a negative denominator is refused (22023)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('00' || '7fffffffffffffff' || 'ffffffffffff0000' || '00' || '0000000000000000' || '000000000007a120')$$,
                 '22003', NULL, 'binary: a part out of range is refused (22003)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('00' || '0000000000000000' || '0000000000072bf0' || '00' || '0000000000000000' || '0000000000')$$,
                 NULL, NULL, 'binary: a truncated value is refused');

-- ---------------------------------------------------------------------------
-- Wilson score interval against the formula, with the normal quantiles
-- z(0.80) = 1.2815515655446004, z(0.90) = 1.6448536269514722,
-- z(0.95) = 1.959963984540054, z(0.99) = 2.5758293035489004:
--   bound = (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE wilson_case (x bigint, n bigint, confidence float8, z float8);
INSERT INTO wilson_case VALUES
  (47, 50, 0.95, 1.959963984540054), (3787, 3904, 0.95, 1.959963984540054), (46, 46, 0.99, 2.5758293035489004),
  (0, 10, 0.95, 1.959963984540054), (1, 3, 0.90, 1.6448536269514722), (5, 1000, 0.80, 1.2815515655446004),
  (500000, 1000000, 0.95, 1.959963984540054), (29, 30, 0.99, 2.5758293035489004);
SELECT ok(abs(ratio_ci_lower(ratio(x, n), confidence) - greatest(0, (p + z*z/(2*n) - z * sqrt(p*(1-p)/n + z*z/(4.0*n*n))) / (1 + z*z/n))) < 1e-9
          AND abs(ratio_ci_upper(ratio(x, n), confidence) - least(1, (p + z*z/(2*n) + z * sqrt(p*(1-p)/n + z*z/(4.0*n*n))) / (1 + z*z/n))) < 1e-9,
          format('Wilson bounds of %s/%s at %s match the formula to 1e-9', x, n, confidence))
FROM (SELECT *, x::float8 / n AS p FROM wilson_case) w ORDER BY n, x;
SELECT is(ratio_ci_lower('0/0'), NULL, 'Wilson bound of x/0 is NULL');
SELECT ok(ratio_ci_lower('47/50', 0.99) < ratio_ci_lower('47/50', 0.95) AND ratio_ci_upper('47/50', 0.99) > ratio_ci_upper('47/50', 0.95),
          'a higher confidence widens the interval');

SELECT * FROM finish();
ROLLBACK;
