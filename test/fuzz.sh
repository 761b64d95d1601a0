#!/usr/bin/env bash
# Random input to every C input function: thousands of random and mutated
# strings to the ratio text input, the division-code functions, the
# resident-ID functions, the scope tests and the CSV parser; random and
# mutated bytes to ratio's binary receive (through COPY BINARY) and to the
# coverage state deserialiser.  Every call must either succeed or fail with
# an ordinary error (never an internal error, class XX), and the server must
# never crash.  Near the limits of ratio's range every input path (text, the
# numeric constructor, +, ratio_agg sums, an inverse transition) is checked
# against exact numeric arithmetic: the exact value or 22003, never a wrap.
# Deterministic: fixed seeds (setseed in SQL, srand in Perl).
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_fuzz
N_STRINGS=${FUZZ_STRINGS:-6000}
N_BINARY=${FUZZ_BINARY:-1500}
DIR=$(mktemp -d /tmp/poverty_aid_fuzz.XXXXXX)
chmod 755 "$DIR"
trap '[ -n "${FUZZ_KEEP:-}" ] || rm -rf "$DIR"; sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
LOG=${POVERTY_AID_WORK:+$POVERTY_AID_WORK/server.log}
crashes_in_log() { [ -n "$LOG" ] && [ -f "$LOG" ] && grep -c 'terminated by signal' "$LOG" || echo 0; }
crashes_before=$(crashes_in_log)

sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
backend_start=$(sql "$DB" "SELECT pg_postmaster_start_time()")

# 1. Text inputs -------------------------------------------------------------
"${PSQL_T[@]}" -d "$DB" >"$DIR/text.out" 2>&1 <<SQL
SET client_min_messages = warning;
SELECT setseed(0.4242);
-- Random strings over an alphabet of digits, separators, signs, exponents,
-- quotes, line ends, backslashes and multibyte characters, of length 0..40.
CREATE TABLE fuzz_input (n serial, s text);
INSERT INTO fuzz_input (s)
SELECT x.s
  FROM (SELECT g, (random() * 40)::int AS len FROM generate_series(1, $N_STRINGS / 2) g) l,
       LATERAL (SELECT coalesce(string_agg(substr(a.alphabet, 1 + floor(random() * length(a.alphabet))::int, 1), ''), '') AS s
                  FROM generate_series(1, l.len),
                       (VALUES (E'0123456789012345678901234567890/./-+eEXxNaInfity ,"\n\r\t\\\\中国村')) a(alphabet)) x
 ORDER BY l.g;
-- Mutations of valid inputs: a character replaced, inserted or deleted, a
-- prefix, a doubling.
INSERT INTO fuzz_input (s)
SELECT CASE (random() * 4)::int
         WHEN 0 THEN overlay(v PLACING chr(32 + (random() * 95)::int) FROM 1 + (random() * (length(v) - 1))::int FOR 1)
         WHEN 1 THEN overlay(v PLACING chr(32 + (random() * 95)::int) FROM 1 + (random() * length(v))::int FOR 0)
         WHEN 2 THEN overlay(v PLACING '' FROM 1 + (random() * (length(v) - 1))::int FOR 1)
         WHEN 3 THEN left(v, (random() * length(v))::int)
         ELSE v || v END
  FROM generate_series(1, $N_STRINGS / 2 / 8) g,
       (VALUES ('47/50'), ('3787/3904'), ('1296948000.00/1088043624.16'), ('-1.5/0'),
               ('653226100001'), ('621027000000'), ('11010519491231002X'),
               (E'a,b\n"c""d",e\r\n')) v(v);
-- Right-length strings of digits, to reach past the length checks: 18
-- characters for resident IDs (with an occasional X), 12 for codes.
INSERT INTO fuzz_input (s)
SELECT x.s
  FROM (SELECT g, 18 AS len FROM generate_series(1, $N_STRINGS / 8) g) l,
       LATERAL (SELECT string_agg(substr('01234567890123456789X', 1 + floor(random() * 21)::int, 1), '') AS s
                  FROM generate_series(1, l.len)) x
 ORDER BY l.g;
INSERT INTO fuzz_input (s)
SELECT x.s
  FROM (SELECT g, 12 AS len FROM generate_series(1, $N_STRINGS / 8) g) l,
       LATERAL (SELECT string_agg(substr('0123456789', 1 + floor(random() * 10)::int, 1), '') AS s
                  FROM generate_series(1, l.len)) x
 ORDER BY l.g;
INSERT INTO fuzz_input (s) VALUES (repeat('9', 10000)), (repeat('9', 40) || '/' || repeat('9', 40)),
  ('9999999999999999999999999999999999/1'), ('0.00001/1'), ('1/0.0000'), (repeat('"', 1001)), (repeat(E'\n', 1000));


-- One call: 'ok', 'error' (an ordinary error) or the SQLSTATE and message
-- of an internal error (class XX or 58).
CREATE FUNCTION fuzz_call(call text, s text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE st text; msg text;
BEGIN
  EXECUTE call USING s;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  IF left(st, 2) IN ('XX', '58') THEN
    RETURN st || ' ' || msg || ' <- ' || quote_literal(s);
  END IF;
  RETURN 'error';
END \$\$;

CREATE FUNCTION fuzz_run(fns text[], calls text[], inputs text[]) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE
  n_ok bigint[] := array_fill(0, ARRAY[cardinality(fns)]);
  n_err bigint[] := array_fill(0, ARRAY[cardinality(fns)]);
  n_int bigint[] := array_fill(0, ARRAY[cardinality(fns)]);
  example text[] := array_fill(NULL::text, ARRAY[cardinality(fns)]);
  outcome text;
  s text;
  i integer;
BEGIN
  FOREACH s IN ARRAY inputs LOOP
    FOR i IN 1 .. cardinality(fns) LOOP
      outcome := fuzz_call(calls[i], s);
      IF outcome = 'ok' THEN
        n_ok[i] := n_ok[i] + 1;
      ELSIF outcome = 'error' THEN
        n_err[i] := n_err[i] + 1;
      ELSE
        n_int[i] := n_int[i] + 1;
        example[i] := coalesce(example[i], outcome);
      END IF;
    END LOOP;
  END LOOP;
  INSERT INTO fuzz_result SELECT * FROM unnest(fns, n_ok, n_err, n_int, example);
END \$\$;

CREATE TABLE fuzz_result (fn text PRIMARY KEY, ok bigint, errors bigint, internal bigint, internal_example text);

SELECT fuzz_run(
  ARRAY['ratio_in', 'ratio text round trip', 'region_code', 'region_code_is_valid', 'region_code_level_text',
        'region_parent_code', 'region_ancestor_code_text (code)', 'region_ancestor_code_text (level)',
        'region_contains (outer)', 'region_contains (inner)', 'region_check_parent', 'region_zone_text',
        'region_in_scope', 'region_touches_scope', 'resident_id_check', 'resident_id_is_valid',
        'resident_id_check_character', 'resident_id_birth_date', 'resident_id_sex', 'resident_id_mask',
        'csv_records'],
  ARRAY['SELECT \$1::poverty_aid.ratio',
        'SELECT poverty_aid.ratio_percent(\$1::poverty_aid.ratio::text::poverty_aid.ratio, 4)',
        'SELECT poverty_aid.region_code(\$1)',
        'SELECT poverty_aid.region_code_is_valid(\$1)',
        'SELECT poverty_aid.region_code_level_text(\$1)',
        'SELECT poverty_aid.region_parent_code(\$1)',
        'SELECT poverty_aid.region_ancestor_code_text(\$1, ''county'')',
        'SELECT poverty_aid.region_ancestor_code_text(''653226100001'', \$1)',
        'SELECT poverty_aid.region_contains(\$1, ''653226100001'')',
        'SELECT poverty_aid.region_contains(''650000000000'', \$1)',
        'SELECT poverty_aid.region_check_parent(\$1, ''653226100000'')',
        'SELECT poverty_aid.region_zone_text(\$1)',
        'SELECT poverty_aid.region_in_scope(\$1, ARRAY[''621027000000'', \$1])',
        'SELECT poverty_aid.region_touches_scope(''620000000000'', ARRAY[\$1, NULL])',
        'SELECT poverty_aid.resident_id_check(\$1)',
        'SELECT poverty_aid.resident_id_is_valid(\$1)',
        'SELECT poverty_aid.resident_id_check_character(\$1)',
        'SELECT poverty_aid.resident_id_birth_date(\$1)',
        'SELECT poverty_aid.resident_id_sex(\$1)',
        'SELECT poverty_aid.resident_id_mask(\$1)',
        'SELECT count(*) FROM poverty_aid.csv_records(\$1)'],
  (SELECT array_agg(s ORDER BY n) FROM fuzz_input));

-- Random and mutated serialised coverage states (hex-encoded).
SELECT fuzz_run(ARRAY['coverage_of_state'],
  ARRAY['SELECT poverty_aid.coverage_of_state(decode(\$1, ''hex''))'],
  (SELECT array_agg(encode(CASE WHEN k % 2 = 0
                                THEN substr(decode(md5(k::text) || md5((k * 7)::text), 'hex'), 1, (random() * 32)::int)
                                ELSE substr(set_byte(good, (random() * (length(good) - 1))::int, (random() * 255)::int),
                                            1, CASE WHEN k % 3 = 0 THEN (random() * length(good))::int ELSE length(good) END)
                           END, 'hex') ORDER BY k)
     FROM generate_series(1, 1500) k,
          (SELECT poverty_aid.coverage_state(i, i % 3 = 0) AS good FROM generate_series(1, 40) i) g));

SELECT 'RESULT ' || fn || ' ' || ok || ' ' || errors || ' ' || internal || ' ' || coalesce(internal_example, '-') FROM fuzz_result ORDER BY fn;
SELECT 'INPUTS ' || count(*) FROM fuzz_input;
SQL
rc=$?
ok $rc "the text fuzz session ran to the end (a crash would have cut its connection)"
grep -q '^INPUTS ' "$DIR/text.out"
ok $? "the input set was generated: $(grep '^INPUTS ' "$DIR/text.out" | cut -d' ' -f2) strings"
while read -r _ fn_and_rest; do
	# RESULT <fn words...> ok errors internal example
	line=$fn_and_rest
	fn=$(echo "$line" | sed -E 's/ [0-9]+ [0-9]+ [0-9]+ .*$//')
	nums=$(echo "$line" | sed -E 's/^.* ([0-9]+) ([0-9]+) ([0-9]+) (.*)$/\1 \2 \3/')
	set -- $nums
	example=$(echo "$line" | sed -E 's/^.* [0-9]+ [0-9]+ [0-9]+ (.*)$/\1/')
	[ "$example" = "-" ] && example=
	is "$3" "0" "$fn: $(($1 + $2)) calls, $1 accepted, $2 refused with an ordinary error, none internal${example:+ (first internal: $example)}"
done < <(grep '^RESULT ' "$DIR/text.out")
is "$(grep -c '^RESULT ' "$DIR/text.out")" "22" "all 22 function arguments were fuzzed"

# 1b. The limits of ratio's range against exact numeric arithmetic ------------
# Parts of 30 to 37 digits around MAX = 2126764793255865396646091296448551.3215
# and MIN = -...3216: the limits, one step either side, their digits with one
# changed, random digits, 0 to 6 fractional digits.
N_RANGE=${FUZZ_RANGE:-1200}
"${PSQL_T[@]}" -d "$DB" >"$DIR/range.out" 2>&1 <<SQL
SET client_min_messages = warning;
SET search_path = poverty_aid, public;
SELECT setseed(0.2424);
CREATE TABLE range_part (n int PRIMARY KEY, t text, v numeric);
INSERT INTO range_part (n, t)
SELECT g, CASE WHEN random() < 0.5 THEN '-' ELSE '' END ||
          CASE g % 6
            WHEN 0 THEN '2126764793255865396646091296448551.321' || (4 + floor(random() * 4)::int)::text
            WHEN 1 THEN '2126764793255865396646091296448551.3215'
            WHEN 2 THEN overlay('2126764793255865396646091296448551.3215' PLACING floor(random() * 10)::int::text
                                FROM 1 + floor(random() * 34)::int FOR 1)
            WHEN 3 THEN (SELECT string_agg(floor(random() * 10)::int::text, '') FROM generate_series(1, 30 + floor(random() * 8)::int + 0 * g))
            WHEN 4 THEN (SELECT string_agg(floor(random() * 10)::int::text, '') FROM generate_series(1, 33 + floor(random() * 3)::int + 0 * g))
                        || '.' || (SELECT string_agg(floor(random() * 10)::int::text, '') FROM generate_series(1, 1 + floor(random() * 6)::int + 0 * g))
            ELSE '2126764793255865396646091296448551.' || lpad(floor(random() * 10000)::int::text, 4, '0') || repeat('0', floor(random() * 3)::int)
          END
  FROM generate_series(1, $N_RANGE) g;
-- the exact value of a part the type accepts (NULL: out of range or more than 4 decimals)
UPDATE range_part SET v = t::numeric
 WHERE t::numeric = round(t::numeric, 4)
   AND t::numeric BETWEEN -2126764793255865396646091296448551.3216 AND 2126764793255865396646091296448551.3215;

-- 'ok <result>' or the SQLSTATE of the error
CREATE FUNCTION outcome(call text, a text, b text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE st text; result text;
BEGIN
  EXECUTE call INTO result USING a, b;
  RETURN 'ok ' || result;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
  RETURN st;
END \$\$;
-- the verdict expected for parts num/den given as text
CREATE FUNCTION expected(num_t text, den_t text) RETURNS text LANGUAGE sql AS \$\$
  SELECT CASE WHEN a.v IS NOT NULL AND b.v >= 0 THEN 'ok ' || trim_scale(a.v) || '/' || trim_scale(b.v)
              WHEN a.v IS NOT NULL AND b.v < 0 THEN '22023'
              WHEN num_t::numeric = round(num_t::numeric, 4) AND den_t::numeric = round(den_t::numeric, 4) THEN '22003'
              ELSE '22003 or 22023' END
    FROM (SELECT v FROM range_part WHERE t = num_t LIMIT 1) a, (SELECT v FROM range_part WHERE t = den_t LIMIT 1) b \$\$;
CREATE FUNCTION agrees(got text, want text) RETURNS boolean LANGUAGE sql AS \$\$
  SELECT CASE WHEN want = '22003 or 22023' THEN got IN ('22003', '22023') ELSE got = want END \$\$;
CREATE TABLE range_pair AS
SELECT a.n, a.t AS num_t, b.t AS den_t FROM range_part a JOIN range_part b ON b.n = (a.n * 7919) % $N_RANGE + 1;

CREATE TABLE range_result (path text, calls bigint, accepted bigint, refused bigint, mismatches bigint, example text);
CREATE FUNCTION record_path(path text, got text[], want text[], what text[]) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO range_result
  SELECT path, count(*), count(*) FILTER (WHERE g LIKE 'ok %'), count(*) FILTER (WHERE g NOT LIKE 'ok %'),
         count(*) FILTER (WHERE NOT agrees(g, w)),
         min(x || ': got ' || g || ', want ' || w) FILTER (WHERE NOT agrees(g, w))
    FROM unnest(got, want, what) u(g, w, x) \$\$;

-- text input and the numeric constructor: the exact parts, 22023 for a
-- negative denominator, 22003 beyond the range
SELECT record_path('text input', array_agg(outcome('SELECT trim_scale(ratio_numerator(r)) || ''/'' || trim_scale(ratio_denominator(r)) FROM (SELECT (\$1 || ''/'' || \$2)::ratio AS r) x', num_t, den_t)),
                   array_agg(expected(num_t, den_t)), array_agg(num_t || '/' || den_t)) FROM range_pair;
SELECT record_path('numeric constructor', array_agg(outcome('SELECT trim_scale(ratio_numerator(r)) || ''/'' || trim_scale(ratio_denominator(r)) FROM (SELECT ratio(\$1::numeric, \$2::numeric) AS r) x', num_t, den_t)),
                   array_agg(expected(num_t, den_t)), array_agg(num_t || '/' || den_t)) FROM range_pair;
-- + of two ratios the type accepts: the exact sums or 22003
CREATE TABLE range_ratio AS
SELECT a.n, a.v AS num, abs(b.v) AS den, (a.v || '/' || abs(b.v))::ratio AS r
  FROM range_part a JOIN range_part b ON b.n = (a.n * 104729) % $N_RANGE + 1
 WHERE a.v IS NOT NULL AND abs(b.v) <= 2126764793255865396646091296448551.3215;
CREATE FUNCTION in_range(v numeric) RETURNS boolean LANGUAGE sql AS
  \$\$ SELECT v BETWEEN -2126764793255865396646091296448551.3216 AND 2126764793255865396646091296448551.3215 \$\$;
SELECT record_path('+', array_agg(outcome('SELECT trim_scale(ratio_numerator(r)) || ''/'' || trim_scale(ratio_denominator(r)) FROM (SELECT \$1::ratio + \$2::ratio AS r) x', x.r::text, y.r::text)),
                   array_agg(CASE WHEN in_range(x.num + y.num) AND in_range(x.den + y.den) THEN 'ok ' || trim_scale(x.num + y.num) || '/' || trim_scale(x.den + y.den) ELSE '22003' END),
                   array_agg(x.r || ' + ' || y.r))
  FROM range_ratio x JOIN range_ratio y ON y.n = (SELECT min(n) FROM range_ratio WHERE n > (x.n * 31) % $N_RANGE);
-- rollup_inv: the exact differences, 22003 beyond the range, 22023 for a negative denominator
SELECT record_path('rollup_inv', array_agg(outcome('SELECT trim_scale(ratio_numerator(r)) || ''/'' || trim_scale(ratio_denominator(r)) FROM (SELECT rollup_inv(\$1::ratio, \$2::ratio) AS r) x', x.r::text, y.r::text)),
                   array_agg(CASE WHEN NOT in_range(x.num - y.num) THEN '22003' WHEN x.den - y.den < 0 THEN '22023'
                                  ELSE 'ok ' || trim_scale(x.num - y.num) || '/' || trim_scale(x.den - y.den) END),
                   array_agg(x.r || ' - ' || y.r))
  FROM range_ratio x JOIN range_ratio y ON y.n = (SELECT min(n) FROM range_ratio WHERE n > (x.n * 17) % $N_RANGE);
-- ratio_agg over three rows in order: the exact sums, or 22003 as soon as a running sum leaves the range
CREATE TABLE range_group AS
SELECT n / 3 AS g, n, num, den,
       sum(num) OVER w AS running_num, sum(den) OVER w AS running_den
  FROM range_ratio WINDOW w AS (PARTITION BY n / 3 ORDER BY n);
SELECT record_path('ratio_agg sums',
                   array_agg(outcome('SELECT trim_scale(ratio_numerator(r)) || ''/'' || trim_scale(ratio_denominator(r)) FROM (SELECT ratio_agg(num, den ORDER BY n) AS r FROM range_group WHERE g = \$1::int AND \$2 IS NULL) x', g::text, NULL)),
                   array_agg(CASE WHEN every THEN 'ok ' || trim_scale(total_num) || '/' || trim_scale(total_den) ELSE '22003' END),
                   array_agg('group ' || g))
  FROM (SELECT g, bool_and(in_range(running_num) AND in_range(running_den)) AS every, sum(num) AS total_num, sum(den) AS total_den
          FROM range_group GROUP BY g) s;

SELECT 'RANGE ' || path || '|' || calls || '|' || accepted || '|' || refused || '|' || mismatches || '|' || coalesce(example, '-')
  FROM range_result ORDER BY path;
SQL
rc=$?
ok $rc "the range fuzz session ran to the end"
while IFS='|' read -r path calls accepted refused mismatches example; do
	path=${path#RANGE }
	[ "$example" = "-" ] && example=
	is "$mismatches" "0" "range limits, $path: $calls calls ($accepted exact, $refused refused) agree with numeric arithmetic${example:+ (first disagreement: $example)}"
	ok $([ "$accepted" -gt 0 ] && [ "$refused" -gt 0 ]; echo $?) "range limits, $path: both sides of the limits were reached"
done < <(grep '^RANGE ' "$DIR/range.out")
is "$(grep -c '^RANGE ' "$DIR/range.out")" "5" "five input paths were checked at the limits of the range"

# 2. Binary input: ratio_recv through COPY ... (FORMAT binary) -----------------
perl - "$DIR" "$N_BINARY" <<'PERL'
use strict;
my ($dir, $n) = @ARGV;
srand(4242);
my @good = map { pack('H*', $_) } (
	'0000000000000000000000000000072bf0000000000000000000000000000007a120',
	'02000000000000000000000bcbb13f9200020000000000000000000009e54c8984c0');
open(my $list, '>', "$dir/list.sql") or die;
for my $k (1 .. $n) {
	my $payload;
	my $mode = $k % 4;
	if ($mode == 0) {
		$payload = join('', map { chr(int(rand(256))) } 1 .. int(rand(48)));
	} else {
		$payload = $good[$k % 2];
		for (1 .. 1 + int(rand(3))) {
			substr($payload, int(rand(length $payload)), 1) = chr(int(rand(256)));
		}
		$payload = substr($payload, 0, int(rand(length $payload))) if $mode == 3;
		$payload .= chr(int(rand(256))) if $mode == 2 && $k % 3 == 0;
	}
	my $file = sprintf('%s/r%05d.bin', $dir, $k);
	open(my $fh, '>:raw', $file) or die;
	print $fh "PGCOPY\n\377\r\n\0", pack('N', 0), pack('N', 0);
	print $fh pack('n', 1), pack('N', length $payload), $payload;
	print $fh pack('n', 0xFFFF);
	close $fh;
	print $list "COPY fuzz_recv (r) FROM '$file' (FORMAT binary);\n";
}
close $list;
PERL
chmod 644 "$DIR"/*.bin
sql "$DB" "CREATE TABLE fuzz_recv (r poverty_aid.ratio)" >/dev/null
"$POVERTY_AID_BIN/psql" -X -q -d "$DB" -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$DIR/list.sql" >"$DIR/recv.out" 2>&1
refused=$(grep -c 'ERROR: ' "$DIR/recv.out")
internal=$(grep -cE 'ERROR: +(XX|58)' "$DIR/recv.out")
accepted=$(sql "$DB" "SELECT count(*) FROM fuzz_recv")
ok $(sql "$DB" "SELECT 1" >/dev/null; echo $?) "the server answers after $N_BINARY binary inputs to ratio_recv"
is "$((accepted + refused))" "$N_BINARY" "ratio_recv: every binary input was accepted ($accepted) or refused with an error ($refused)"
is "$internal" "0" "ratio_recv: no input caused an internal error (XX000)"
is "$(sql "$DB" "SELECT count(*) FROM fuzz_recv WHERE poverty_aid.ratio_denominator(r) < 0")" "0" "ratio_recv: no accepted value has a negative denominator"
is "$(sql "$DB" "SELECT count(*) FROM fuzz_recv WHERE NOT poverty_aid.ratio_identical(r::text::poverty_aid.ratio, r) OR r::text::poverty_aid.ratio::text <> r::text")" "0" "ratio_recv: every accepted value survives a text round trip"

# 3. The server never crashed -------------------------------------------------------
is "$(sql "$DB" "SELECT pg_postmaster_start_time()")" "$backend_start" "the postmaster was not restarted"
is "$(crashes_in_log)" "$crashes_before" "no backend was terminated by a signal (server log)"

done_testing
