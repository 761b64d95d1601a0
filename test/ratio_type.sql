-- pgTAP: the ratio type -- catalogue properties, COMMENTs, SQLSTATEs of bad
-- input, text and binary (COPY BINARY) round trips, corrupt binary input, and
-- the Wilson interval against an independent formula and near confidence 1,
-- the range of a part on every input path (both sides of each limit), and
-- comparison by value against exact numeric cross products.
BEGIN;
SELECT plan(102);
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
SELECT isnt((SELECT obj_description(f.oid, 'pg_opfamily') FROM pg_opfamily f WHERE f.opfname = 'ratio_hash_ops'), NULL,
            'the hash operator family has a COMMENT');
SELECT is((SELECT count(*)::int FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
            WHERE c.opcname = 'ratio_btree_ops' AND a.amname = 'btree' AND c.opcdefault
              AND c.opcintype = 'poverty_aid.ratio'::regtype AND obj_description(c.oid, 'pg_opclass') IS NOT NULL
              AND obj_description(c.opcfamily, 'pg_opfamily') IS NOT NULL), 1,
          'ratio has a default btree operator class, commented with its family');
SELECT is((SELECT array_agg(o.amopopr ORDER BY o.amopstrategy) FROM pg_amop o JOIN pg_opfamily f ON f.oid = o.amopfamily
            WHERE f.opfname = 'ratio_btree_ops'),
          ARRAY['poverty_aid.<(poverty_aid.ratio,poverty_aid.ratio)', 'poverty_aid.<=(poverty_aid.ratio,poverty_aid.ratio)',
                'poverty_aid.=(poverty_aid.ratio,poverty_aid.ratio)', 'poverty_aid.>=(poverty_aid.ratio,poverty_aid.ratio)',
                'poverty_aid.>(poverty_aid.ratio,poverty_aid.ratio)']::regoperator[]::oid[],
          'the btree operator class orders with < <= = >= >');
SELECT is((SELECT o.amopopr FROM pg_amop o JOIN pg_opfamily f ON f.oid = o.amopfamily WHERE f.opfname = 'ratio_hash_ops'),
          'poverty_aid.=(poverty_aid.ratio,poverty_aid.ratio)'::regoperator::oid, 'the btree and hash classes share one =');
SELECT ok((SELECT obj_description('poverty_aid.=(poverty_aid.ratio,poverty_aid.ratio)'::regoperator, 'pg_operator') ~ 'value'
           AND obj_description('poverty_aid.ratio_identical(poverty_aid.ratio,poverty_aid.ratio)'::regprocedure, 'pg_proc') ~ 'numerator'),
          'the COMMENTs of = and ratio_identical() say which compares values and which parts');

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
SELECT throws_ok($$SELECT ratio_ci_upper('1/4', 'NaN')$$, '22023', NULL, 'confidence NaN: 22023');
SELECT throws_ok($$SELECT ratio_ci_lower('47/50', 1)$$, '22023', NULL, 'confidence 1: 22023');

-- ---------------------------------------------------------------------------
-- The range of a part, both sides of every limit and on every input path:
-- MAX = 2126764793255865396646091296448551.3215, MIN = -...3216
-- ---------------------------------------------------------------------------
SELECT is('2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215'::ratio::text,
          '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215', 'text: MAX/MAX is accepted exactly');
SELECT is('-2126764793255865396646091296448551.3216/0'::ratio::text, '-2126764793255865396646091296448551.3216/0', 'text: MIN is accepted exactly');
SELECT throws_ok($$SELECT '2126764793255865396646091296448551.3216/1'::ratio$$, '22003', NULL, 'text: MAX + 0.0001 as numerator: 22003');
SELECT throws_ok($$SELECT '1/2126764793255865396646091296448551.3216'::ratio$$, '22003', NULL, 'text: MAX + 0.0001 as denominator: 22003');
SELECT throws_ok($$SELECT '-2126764793255865396646091296448551.3217/1'::ratio$$, '22003', NULL, 'text: MIN - 0.0001: 22003');
SELECT throws_ok($$SELECT '20000000000000000000000000000000000/1'::ratio$$, '22003', NULL, 'text: 35 digits no longer wrap to a negative numerator: 22003');
SELECT throws_ok($$SELECT '1/-20000000000000000000000000000000000'::ratio$$, '22003', NULL, 'text: 35 digits no longer wrap to a positive denominator: 22003');
SELECT throws_ok($$SELECT '1/2126764793255865396646091296448551.3217'::ratio$$, '22003', NULL, 'text: digits that would wrap in the last multiplication: 22003');
SELECT is(ratio(2126764793255865396646091296448551.3215, 2126764793255865396646091296448551.3215)::text,
          '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215', 'numeric: MAX is accepted');
SELECT is(ratio(-2126764793255865396646091296448551.3216, 1)::text, '-2126764793255865396646091296448551.3216/1', 'numeric: MIN is accepted');
SELECT throws_ok($$SELECT ratio(2126764793255865396646091296448551.3216, 1)$$, '22003', NULL, 'numeric: MAX + 0.0001: 22003');
SELECT throws_ok($$SELECT ratio(-2126764793255865396646091296448551.3217, 1)$$, '22003', NULL, 'numeric: MIN - 0.0001: 22003');
SELECT throws_ok($$SELECT ratio(1, 2126764793255865396646091296448551.3216)$$, '22003', NULL, 'numeric: denominator MAX + 0.0001: 22003');
SELECT is(ratio(-9223372036854775808, 9223372036854775807)::text, '-9223372036854775808/9223372036854775807', 'bigint: the extremes are in range');
SELECT is(('2126764793255865396646091296448551.3214/0'::ratio + '0.0001/2126764793255865396646091296448551.3215')::text,
          '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215', '+: a sum of exactly MAX is accepted');
SELECT is(('-2126764793255865396646091296448551.3215/0'::ratio + '-0.0001/0')::text, '-2126764793255865396646091296448551.3216/0', '+: a sum of exactly MIN is accepted');
SELECT throws_ok($$SELECT '2126764793255865396646091296448551.3215/0'::ratio + '0.0001/0'$$, '22003', 'ratio part out of range', '+: MAX + 0.0001: 22003');
SELECT throws_ok($$SELECT '-2126764793255865396646091296448551.3216/0'::ratio + '-0.0001/0'$$, '22003', 'ratio part out of range', '+: MIN - 0.0001: 22003');
SELECT throws_ok($$SELECT '0/1'::ratio + '0/2126764793255865396646091296448551.3215'$$, '22003', 'ratio part out of range', '+: denominator MAX + 1: 22003');

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
SELECT ok('2/4'::ratio::text = '2/4' AND '2/4'::ratio = '1/2'::ratio AND NOT ratio_identical('2/4', '1/2') AND ratio_identical('2/4', '2.00/4'),
          'never reduced; = compares values, ratio_identical compares parts (display scales ignored)');

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
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || path);
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
    EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || path);
    RAISE;
  END;
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat > /dev/null; rm -f ' || path);
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
-- the limits in binary: MAX = 2^124 - 1, MIN = -2^124 ten-thousandths
SELECT is(pg_temp.copy_in_payload('04' || '0fffffffffffffff' || 'ffffffffffffffff' || '04' || '0fffffffffffffff' || 'ffffffffffffffff'),
          '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215', 'binary: MAX/MAX is accepted');
SELECT is(pg_temp.copy_in_payload('04' || 'f000000000000000' || '0000000000000000' || '00' || '0000000000000000' || '0000000000000000'),
          '-2126764793255865396646091296448551.3216/0', 'binary: MIN is accepted');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('04' || '1000000000000000' || '0000000000000000' || '00' || '0000000000000000' || '0000000000000000')$$,
                 '22003', NULL, 'binary: MAX + 0.0001 is refused (22003)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('04' || 'efffffffffffffff' || 'ffffffffffffffff' || '00' || '0000000000000000' || '0000000000000000')$$,
                 '22003', NULL, 'binary: MIN - 0.0001 is refused (22003)');
SELECT throws_ok($$SELECT pg_temp.copy_in_payload('00' || '0000000000000000' || '0000000000000000' || '04' || '1000000000000000' || '0000000000000000')$$,
                 '22003', NULL, 'binary: denominator MAX + 0.0001 is refused (22003), not read as negative');

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
-- confidence 1 - 2^-53, the largest double below 1: z = 8.292361075813595
-- (0.5 erfc(z / sqrt 2) = 2^-54); the bounds used to be NaN
SELECT ok(abs(ratio_ci_lower('47/50', 0.9999999999999999) - 0.3729018495397637) < 1e-12
          AND abs(ratio_ci_upper('47/50', 0.9999999999999999) - 0.9975831210265529) < 1e-12,
          'Wilson bounds at confidence 1 - 2^-53 are finite and match the formula');
SELECT ok(ratio_ci_lower('47/50', 0.9999999999999999) < ratio_ci_lower('47/50', 0.999999)
          AND ratio_ci_lower('0/5', 0.9999999999999999) = 0 AND ratio_ci_upper('5/5', 0.9999999999999999) = 1
          AND ratio_ci_upper('0/5', 0.9999999999999999) < 1 AND ratio_ci_lower('5/5', 0.9999999999999999) > 0,
          'near confidence 1 the interval keeps widening and stays within [0, 1]');
SELECT is(ARRAY[ratio_ci_lower('47/50', 5e-324), ratio_ci_upper('47/50', 5e-324)], ARRAY[0.94::float8, 0.94::float8],
          'at the smallest confidence the interval is the point x/n');

-- ---------------------------------------------------------------------------
-- Comparison by value: against exact numeric cross products, including
-- parts near the limits (products up to 2^248); hashing agrees with =
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE cmp_case AS
SELECT g, ratio(n, d) AS r, n, d
FROM (SELECT g,
             CASE g % 4 WHEN 0 THEN round((random() - 0.5) * 20)::numeric
                        WHEN 1 THEN round(((random() - 0.5) * 4.2e33)::numeric, 4)
                        WHEN 2 THEN round((random() - 0.5)::numeric * 4253529586511730793292182592897102.6430, 4)
                        ELSE 2126764793255865396646091296448551.3215 - (g % 7) END AS n,
             CASE g % 5 WHEN 0 THEN 0 WHEN 1 THEN round((random() * 10)::numeric)
                        WHEN 2 THEN round((random() * 2.1e33)::numeric, 4)
                        ELSE 2126764793255865396646091296448551.3215 - (g % 3) END AS d
      FROM generate_series(1, 120) g) s;
SELECT is_empty($$SELECT a.r, b.r FROM cmp_case a, cmp_case b
                  WHERE ratio_cmp(a.r, b.r) IS DISTINCT FROM
                        CASE WHEN a.d = 0 AND b.d = 0 THEN sign(a.n - b.n)::int
                             WHEN a.d = 0 THEN 1 WHEN b.d = 0 THEN -1
                             ELSE sign(a.n * b.d - b.n * a.d)::int END
                     OR (a.r < b.r) <> (ratio_cmp(a.r, b.r) < 0) OR (a.r = b.r) <> (ratio_cmp(a.r, b.r) = 0)
                     OR (a.r >= b.r) <> (ratio_cmp(a.r, b.r) >= 0)$$,
                'ratio_cmp and the operators agree with exact numeric cross products on 14400 pairs');
CREATE TEMP TABLE hash_case AS
SELECT ratio(k * a, k * b) AS r, a, b, k
FROM generate_series(1, 400) g,
     LATERAL (SELECT (g % 13) - 6 AS a, (g % 7) AS b, 1 + (g % 5) * 1e29 AS k) x;
SET LOCAL enable_sort = off;
SET LOCAL enable_hashagg = on;
SELECT is((SELECT count(*)::int FROM (SELECT r FROM hash_case GROUP BY r) h),
          (SELECT count(DISTINCT CASE WHEN b = 0 THEN (k * a) || '/0' ELSE (a / gcd(a, b)) || '/' || (b / gcd(a, b)) END)::int FROM hash_case),
          'hash grouping merges exactly the equal values (reduced fractions; x/0 by numerator)');
RESET enable_sort;
SET LOCAL enable_hashagg = off;
SELECT is((SELECT count(*)::int FROM (SELECT r FROM hash_case GROUP BY r) h), (SELECT count(DISTINCT r)::int FROM hash_case),
          'sort grouping and count(DISTINCT r) give the same groups');
RESET enable_hashagg;
SELECT is((SELECT array_agg(r::text ORDER BY r, r::text) FROM (VALUES ('1/0'::ratio), ('0/0'), ('-3/0'), ('1/2'), ('-1/3'), ('0/5'), ('2.5/5')) v(r)),
          ARRAY['-1/3', '0/5', '1/2', '2.5/5', '-3/0', '0/0', '1/0'],
          'ORDER BY: by value, ratios with denominator 0 last by numerator');
CREATE TEMP TABLE ratio_indexed (r ratio PRIMARY KEY);
INSERT INTO ratio_indexed VALUES ('1/2'), ('0/0');
SELECT throws_ok($$INSERT INTO ratio_indexed VALUES ('2/4')$$, '23505', NULL, 'a btree unique index refuses an equal value');

SELECT * FROM finish();
ROLLBACK;
