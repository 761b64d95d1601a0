--
-- The ratio type: text I/O, constructors, accessors, operators.
--
SET search_path = poverty_aid, public;

-- text round trips keep each part's display scale
SELECT r, r::ratio AS parsed, r::ratio::text = r AS round_trips
FROM (VALUES ('47/50'), ('3787/3904'), ('1296948000.00/1088043624.16'), ('2/4'),
             ('0/0'), ('-1.5/2.0000'), ('0.0001/0.1'), ('9999999999999999999999999999999.9999/1')) v(r);

-- blanks around parts, a leading +, digits after the 4th only if zero
SELECT ' 47 / 50 '::ratio, '+1/2'::ratio, '1.50000/3'::ratio, '.5/1.'::ratio, '-0/5'::ratio;

-- malformed text (22P02), negative denominator and too many digits (22023),
-- overflow (22003)
SELECT 'abc'::ratio;
SELECT '1/'::ratio;
SELECT '1/2/3'::ratio;
SELECT '1 2/3'::ratio;
SELECT '/3'::ratio;
SELECT '1e3/5'::ratio;
SELECT '1/-2'::ratio;
SELECT '1.00001/1'::ratio;
SELECT '99999999999999999999999999999999999/1'::ratio;

-- constructors
SELECT ratio(47, 50), ratio(47::bigint, 50::bigint), ratio(1.50, 2), ratio(-1.5, 2.00),
       ratio(1296948000.00, 1088043624.16);
SELECT ratio(1, -2);
SELECT ratio(0.00001, 1);
SELECT ratio('NaN'::numeric, 1);
SELECT ratio(1, 'Infinity'::numeric);
SELECT ratio(1e40, 1);

-- accessors: the seed figures
SELECT r, ratio_value(r), ratio_percent(r), ratio_percent(r, 3), ratio_numerator(r), ratio_denominator(r)
FROM (VALUES ('47/50'::ratio), ('3787/3904'), ('3285500/3365000'), ('46/46'),
             ('1192/1000'), ('1296948000.00/1088043624.16'), ('-3/8'), ('0/0'), ('5/0')) v(r);

-- half up, decided exactly: 1/8 = 12.5 %, 1/16 = 6.25 %, 2/3 = 66.66.. %
SELECT ratio_percent('1/8', 0), ratio_percent('1/16', 1), ratio_percent('-1/16', 1),
       ratio_percent('2/3', 0), ratio_percent('2/3', 10), ratio_percent('1/3', 0);
-- a fraction just below the rounding boundary is not rounded up
SELECT ratio_percent('99949999999/100000000000', 1), ratio_percent('99950000000/100000000000', 1);
SELECT ratio_percent('1/2', -1);
SELECT ratio_percent('1/2', 31);

-- numerator/denominator are exact numerics at the display scale
SELECT ratio_numerator('1296948000.00/1088043624.16') + 0.01 AS plus_a_cent,
       pg_typeof(ratio_numerator('1/2')),
       ratio_numerator('123456789012345678901234567890.1234/1'),
       ratio_numerator('-0.0001/1'), ratio_numerator('0.00/1');

-- cast to double precision
SELECT '47/50'::ratio::double precision, CAST('1/0'::ratio AS double precision) IS NULL AS zero_den_is_null;

-- Wilson score interval
SELECT round(ratio_ci_lower('47/50')::numeric, 9) AS lower95, round(ratio_ci_upper('47/50')::numeric, 9) AS upper95,
       round(ratio_ci_lower('47/50', 0.99)::numeric, 9) AS lower99,
       ratio_ci_lower('0/10'), ratio_ci_upper('10/10'), ratio_ci_lower('0/0') IS NULL AS empty;
SELECT ratio_ci_lower('1.5/2');
SELECT ratio_ci_upper('1296948000.00/1088043624.16');
SELECT ratio_ci_lower('-1/2');
SELECT ratio_ci_lower('1/2', 1);
SELECT ratio_ci_lower('1/2', 0);

-- + adds parts; = compares values (parts are never reduced, but 1/2 = 2/4)
SELECT '1/2'::ratio + '3.5/4.25', '1/2'::ratio + '0/0', '1/2'::ratio = '1.0/2.00', '1/2'::ratio = '2/4',
       '1/2'::ratio <> '2/4';
SELECT '1000000000000000000000000000000000/1'::ratio + '1000000000000000000000000000000000/1';
-- parts stay below 2^124 / 10^4 (about 2.127e33): overflow is an error (22003)
SELECT '2000000000000000000000000000000000/1'::ratio + '2000000000000000000000000000000000/1';

-- the hash opclass groups by value: 1/2, 1.0/2 and 2/4 are one group
SELECT count(*), count(DISTINCT r::text) FROM (VALUES ('1/2'::ratio), ('1.0/2'), ('2/4'), ('2/4')) v(r) GROUP BY r;

-- The range of a part, both sides of each limit: text, numeric, +
SELECT '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3215'::ratio AS max_text,
       '-2126764793255865396646091296448551.3216/0'::ratio AS min_text;
SELECT '2126764793255865396646091296448551.3216/1'::ratio;
SELECT '-2126764793255865396646091296448551.3217/1'::ratio;
SELECT '1/2126764793255865396646091296448551.3216'::ratio;
-- 35 digits used to wrap to a negative numerator or denominator
SELECT '20000000000000000000000000000000000/1'::ratio;
SELECT '1/-20000000000000000000000000000000000'::ratio;
SELECT ('1/' || repeat('9', 60))::ratio;
SELECT '00000000000000000000000000000000000000000001/1'::ratio AS leading_zeros;
SELECT ratio(2126764793255865396646091296448551.3215, 0), ratio(-2126764793255865396646091296448551.3216, 1);
SELECT ratio(2126764793255865396646091296448551.3216, 1);
SELECT ratio(1, -2126764793255865396646091296448551.3217);
SELECT ratio(9223372036854775807, 9223372036854775807), ratio(-9223372036854775808, 0);
SELECT '2126764793255865396646091296448551.3214/0'::ratio + '0.0001/0' AS sum_to_max,
       '-2126764793255865396646091296448551.3215/0'::ratio + '-0.0001/0' AS sum_to_min;
SELECT '2126764793255865396646091296448551.3215/0'::ratio + '0.0001/0';
SELECT '-2126764793255865396646091296448551.3216/0'::ratio + '-0.0001/0';
SELECT '0/2126764793255865396646091296448551.3215'::ratio + '0/0.0001';

-- Comparison by value, exactly: cross products up to 2^248
SELECT '1/2'::ratio = '2/4' AS half_eq, '1/2'::ratio <> '2.0/4.00' AS half_ne, '1/3'::ratio < '0.3334/1' AS third_lt,
       '-1/2'::ratio < '0/1' AS neg_lt_zero, '0/5'::ratio = '0/7' AS zeros_eq, '0/0'::ratio = '0/0' AS empty_eq,
       '0/0'::ratio = '0/1' AS empty_ne_zero, '1/0'::ratio > '2126764793255865396646091296448551.3215/0.0001' AS no_value_last,
       ratio_identical('1/2', '2/4') AS identical_half, ratio_identical('2/4', '2.00/4.0') AS identical_scale;
-- x/(x - 0.0001) falls as x grows; the products differ only in their last bits
SELECT '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3214'::ratio
         < '2126764793255865396646091296448551.3214/2126764793255865396646091296448551.3213' AS huge_lt,
       '-2126764793255865396646091296448551.3216/2126764793255865396646091296448551.3215'::ratio
         > '-2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3214' AS huge_neg_gt,
       '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3214'::ratio
         = '2126764793255865396646091296448551.3215/2126764793255865396646091296448551.3214' AS huge_eq;
SELECT r, ratio_cmp(r, '1/2') FROM (VALUES ('1/2'::ratio), ('2/4'), ('-1/3'), ('0/0'), ('0/5'), ('-5/0'), ('1/0'), ('3/4'),
  ('-2126764793255865396646091296448551.3216/1'), ('2126764793255865396646091296448551.3215/0.0001')) v(r)
ORDER BY r, r::text;
SELECT count(DISTINCT r) AS distinct_values, count(DISTINCT r::text) AS distinct_texts
FROM (VALUES ('1/2'::ratio), ('2/4'), ('1.0/2'), ('0/0'), ('0/5'), ('0/7'), ('1/0'), ('3/4')) v(r);
