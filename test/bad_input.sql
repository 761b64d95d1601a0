-- The bad-input catalogue: every kind of bad value a client can send —
-- table rows, C functions, CSV rows, ratio text, division codes, resident
-- IDs — is refused with its SQLSTATE, and each leaves the data unchanged
-- (every row of every table the extension dumps, the audit trail included;
-- only the load log bulk_load records the refused loads).
BEGIN;
SELECT plan(168);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;
SET client_min_messages = error;

CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  rel regclass;
  part text;
  whole text := '';
BEGIN
  FOR rel IN SELECT c.oid FROM pg_extension e, unnest(e.extconfig) cfg(oid) JOIN pg_class c ON c.oid = cfg.oid
              WHERE e.extname = 'poverty_aid' AND c.relkind = 'r' AND c.relname <> 'bulk_load' ORDER BY c.relname
  LOOP
    EXECUTE format('SELECT count(*) || '':'' || coalesce(md5(string_agg(t::text, '','' ORDER BY t::text)), '''') FROM %s t', rel) INTO part;
    whole := whole || rel::text || '=' || part || ';';
  END LOOP;
  RETURN md5(whole);
END $$;
CREATE TEMP TABLE fp AS SELECT pg_temp.fingerprint() AS v;

-- One case: the statement fails with the SQLSTATE, and the data is as before.
CREATE FUNCTION pg_temp.bad(stmt text, state text, what text, as_role text DEFAULT NULL) RETURNS SETOF text
  LANGUAGE plpgsql AS $$
BEGIN
  IF as_role IS NOT NULL THEN
    EXECUTE format('SET ROLE %I', as_role);
  END IF;
  RETURN NEXT throws_ok(stmt, state, NULL, what || ' -> ' || state);
  RESET ROLE;
  RETURN NEXT is(pg_temp.fingerprint(), (SELECT v FROM fp), what || ': data unchanged');
END $$;
-- One CSV case: load_csv() reports the SQLSTATE for the line, and loads nothing.
CREATE FUNCTION pg_temp.bad_csv(target text, csv text, line integer, state text, what text) RETURNS SETOF text
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEXT ok(EXISTS (SELECT 1 FROM poverty_aid.load_csv(target, csv) e WHERE e.line = bad_csv.line AND e.sqlstate = state),
                 what || ' -> ' || state || ' on line ' || line);
  RETURN NEXT is(pg_temp.fingerprint(), (SELECT v FROM fp), what || ': data unchanged');
END $$;

-- household
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100001', 0, '2020-01-01')$$, '23514', 'household with 0 members');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100001', NULL, '2020-01-01')$$, '23502', 'household without members');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on, exited_on) VALUES ('N1', '621027100001', 2, '2020-01-01', '2019-12-31')$$, '23514', 'household exited before it was registered');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027000000', 2, '2020-01-01')$$, '23514', 'household in a county instead of a village');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '62102710000A', 2, '2020-01-01')$$, '22023', 'household with a malformed village code');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100099', 2, '2020-01-01')$$, '23503', 'household in a village not in the register');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('HA-1', '621027100001', 2, '2020-01-01')$$, '23P01', 'household period overlapping an open one');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on, poverty_cause) VALUES ('N1', '621027100001', 2, '2020-01-01', 'flu')$$, '22P02', 'household with an unknown poverty cause');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100001', 2, '2020-02-30')$$, '22008', 'household registered on 30 February');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('  ', '621027100001', 2, '2020-01-01')$$, '23514', 'household with a blank number');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100001', 'many', '2020-01-01')$$, '22P02', 'household with members = ''many''');
SELECT pg_temp.bad($$INSERT INTO household_income VALUES (900001, 2020, -1)$$, '23514', 'negative income');
SELECT pg_temp.bad($$INSERT INTO household_income VALUES (900001, 2019, 1)$$, '23505', 'second income for the same year');
-- person
SELECT pg_temp.bad($$INSERT INTO person (household_id, name, resident_id) VALUES (900001, '某', '110105194912310021')$$, '22023', 'resident ID with a wrong check character');
SELECT pg_temp.bad($$INSERT INTO person (household_id, name, resident_id) VALUES (900001, '某', '11010519491231002')$$, '22023', 'resident ID of 17 characters');
SELECT pg_temp.bad($$INSERT INTO person (household_id, name, resident_id) VALUES (900001, '某', '1101051949A231002X')$$, '22023', 'resident ID with a letter inside');
SELECT pg_temp.bad($$INSERT INTO person (household_id, name) VALUES (900001, '')$$, '23514', 'person with an empty name');
SELECT pg_temp.bad($$INSERT INTO person (household_id, name) VALUES (123456789, '某')$$, '23503', 'person of an unknown household');
-- fund, fund_transfer
SELECT pg_temp.bad($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('other', '621027000000', 2020, 'other', -1)$$, '23514', 'negative fund plan');
SELECT pg_temp.bad($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('other', '621027000000', 1800, 'other', 1)$$, '23514', 'fund plan for 1800');
SELECT pg_temp.bad($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('other', '621027000000', 2020, 'other', 1e20)$$, '22003', 'fund plan of 1e20 yuan');
SELECT pg_temp.bad($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (900001, -0.01, '2020-03-01')$$, '23514', 'negative transfer');
SELECT pg_temp.bad($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (123456789, 1, '2020-03-01')$$, '23503', 'transfer of an unknown fund');
SELECT pg_temp.bad($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (900001, 'abc', '2020-03-01')$$, '22P02', 'transfer of ''abc'' yuan');
-- pairing
SELECT pg_temp.bad($$INSERT INTO pairing (helper_id, target_region_code, target_household_id, kind, valid_from) VALUES (900001, '621027100001', 900001, 'other', '2020-01-01')$$, '23514', 'pairing with two targets');
SELECT pg_temp.bad($$INSERT INTO pairing (helper_id, kind, valid_from) VALUES (900001, 'other', '2020-01-01')$$, '23514', 'pairing without a target');
SELECT pg_temp.bad($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from, valid_to) VALUES (900001, '621027100001', 'other', '2020-01-01', '2020-01-01')$$, '23514', 'pairing that ends when it starts');
SELECT pg_temp.bad($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (900001, '621027100000', 'other', '2020-01-01')$$, '23514', 'pairing with a township');
-- poverty_listing, region, region_population
SELECT pg_temp.bad($$INSERT INTO poverty_listing (region_code, listed_on, exited_on) VALUES ('621027100001', '2016-01-01', '2015-01-01')$$, '23514', 'listing exited before it was listed');
SELECT pg_temp.bad($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('621027000000', '2015-01-01')$$, '23P01', 'listing overlapping an open one');
SELECT pg_temp.bad($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('620000000000', '2015-01-01')$$, '23514', 'listing of a province');
SELECT pg_temp.bad($$INSERT INTO region (code, name, parent_code) VALUES ('621027100003', 'x', '653222100000')$$, '22023', 'region under the wrong parent');
SELECT pg_temp.bad($$INSERT INTO region (code, name) VALUES ('621027100003', ' ')$$, '23514', 'region with a blank name');
SELECT pg_temp.bad($$INSERT INTO region_population VALUES ('621027000000', 2020, -5)$$, '23514', 'negative population');
-- row security
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '653222100001', 2, '2020-01-01')$$, '42501', 'clerk A: household in county B', 'pa_t_clerk_a');
SELECT pg_temp.bad($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (900002, 1, '2020-03-01')$$, '42501', 'clerk A: transfer of county B''s fund', 'pa_t_clerk_a');
SELECT pg_temp.bad($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('N1', '621027100001', 2, '2020-01-01')$$, '42501', 'viewer: any insert', 'pa_t_viewer');
-- division codes
SELECT pg_temp.bad($$SELECT region_code('12345')$$, '22023', 'division code of 5 digits');
SELECT pg_temp.bad($$SELECT region_code('62a027')$$, '22023', 'division code with a letter');
SELECT pg_temp.bad($$SELECT region_code('000000')$$, '22023', 'division code with a zero province');
SELECT pg_temp.bad($$SELECT region_code('620027100001')$$, '22023', 'division code with a part under a zero part');
SELECT pg_temp.bad($$SELECT region_contains('x', '621027000000')$$, '22023', 'region_contains of a non-code');
SELECT pg_temp.bad($$SELECT region_in_scope('bad', ARRAY['621027000000'])$$, '22023', 'region_in_scope of a non-code');
-- resident IDs
SELECT pg_temp.bad($$SELECT resident_id_check('110105194902300021')$$, '22023', 'resident ID born on 30 February');
SELECT pg_temp.bad($$SELECT resident_id_check_character('123')$$, '22023', 'check character of 3 digits');
SELECT pg_temp.bad($$SELECT resident_id_birth_date('abc')$$, '22023', 'birth date of ''abc''');
-- ratio text and the aggregates
SELECT pg_temp.bad($$SELECT '1/0/3'::ratio$$, '22P02', 'ratio ''1/0/3''');
SELECT pg_temp.bad($$SELECT 'abc'::ratio$$, '22P02', 'ratio ''abc''');
SELECT pg_temp.bad($$SELECT ''::ratio$$, '22P02', 'empty ratio');
SELECT pg_temp.bad($$SELECT '1.23456/2'::ratio$$, '22023', 'ratio with 5 fractional digits');
SELECT pg_temp.bad($$SELECT '1/-2'::ratio$$, '22023', 'ratio with a negative denominator');
SELECT pg_temp.bad($$SELECT ('1' || repeat('0', 40) || '/1')::ratio$$, '22003', 'ratio of 10^40');
SELECT pg_temp.bad($$SELECT ratio(1, -1)$$, '22023', 'ratio(1, -1)');
SELECT pg_temp.bad($$SELECT ratio_percent('1/2', 99)$$, '22023', 'ratio_percent with 99 digits');
SELECT pg_temp.bad($$SELECT ratio_ci_lower('1.5/2')$$, '22023', 'Wilson interval of money');
SELECT pg_temp.bad($$SELECT coverage_of_state('\x0102'::bytea)$$, '22P03', 'corrupt coverage state');
SELECT pg_temp.bad($$SELECT poverty_incidence(5, 3)$$, '22023', 'poor above population');
SELECT pg_temp.bad($$SELECT exit_rate('2020-01-01', '2019-01-01', '2021-01-01')$$, '22023', 'exit_rate with exit before listing');
SELECT pg_temp.bad($$SELECT fund_in_place(1.23456, 2)$$, '22023', 'fund_in_place with 5 fractional digits');
-- access functions
SELECT pg_temp.bad($$SELECT grant_profile('pa_t_nobody', 'root')$$, '22023', 'grant_profile of an unknown profile');
SELECT pg_temp.bad($$SELECT grant_profile('pa_t_nobody', 'admin')$$, '42501', 'clerk A: grant_profile', 'pa_t_clerk_a');
-- CSV rows
SELECT pg_temp.bad_csv('household', E'household_no,village_code,members,registered_on\nN1,621027100001,x,2020-01-01\n', 2, '22P02', 'CSV household with members x');
SELECT pg_temp.bad_csv('household', E'household_no,village_code,members,registered_on\nN1,621027100001,1,2020-01-01\nN2,621027100001\n', 3, '22P04', 'CSV row with too few fields');
SELECT pg_temp.bad_csv('household', E'household_no,village_code,members\nN1,621027100001,1\n', 1, '42703', 'CSV without a required column');
SELECT pg_temp.bad_csv('fund_transfer', E'fund_id,amount,in_place_on\n900001,1.005,2020-03-01\n', 2, '22023', 'CSV amount with 3 decimals');
SELECT pg_temp.bad_csv('fund_transfer', E'fund_id,amount,in_place_on\n900001,NaN,2020-03-01\n', 2, '22023', 'CSV amount NaN');
SELECT pg_temp.bad_csv('fund_transfer', E'fund_id,amount,in_place_on\n900001,1,"2020-03-01\n', 2, '22P04', 'CSV with an unterminated quote');
SELECT pg_temp.bad_csv('person', E'household_no,name,resident_id\nHA-1,某,110105194912310021\n', 2, '22023', 'CSV person with a wrong resident ID');
SELECT pg_temp.bad($$SELECT * FROM load_csv('bogus', 'a')$$, '22023', 'load_csv of an unknown target');

-- ratio values beyond the range or forbidden by the type (issue: text wrapped at 35 digits)
SELECT pg_temp.bad($$SELECT '20000000000000000000000000000000000/1'::ratio$$, '22003', 'ratio text of 35 digits');
SELECT pg_temp.bad($$SELECT '1/-20000000000000000000000000000000000'::ratio$$, '22003', 'ratio text with a 35-digit negative denominator');
SELECT pg_temp.bad($$SELECT ratio(1, 2126764793255865396646091296448551.3216)$$, '22003', 'ratio(numeric) one step beyond the range');
SELECT pg_temp.bad($$SELECT rollup_inv('1/2', '1/3')$$, '22023', 'rollup_inv leaving a negative denominator');
SELECT pg_temp.bad($$SELECT ratio_ci_lower('47/50', 1)$$, '22023', 'Wilson interval at confidence 1');
-- text hygiene: multibyte characters are named whole, full-width digits as such
CREATE FUNCTION pg_temp.detail_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  EXECUTE stmt;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN detail;
END $$;
SELECT pg_temp.bad($$SELECT region_code('６２１０２７')$$, '22023', 'division code in full-width digits');
SELECT is(pg_temp.detail_of($$SELECT region_code('６２１０２７')$$),
          'Code "６２１０２７" has the full-width digit "６" at position 1; division codes are written with the digits 0-9 (here "6").',
          'a full-width digit is named as such, with its position and ASCII digit');
SELECT is(pg_temp.detail_of($$SELECT region_code('62102７100001')$$),
          'Code "62102７100001" has the full-width digit "７" at position 6; division codes are written with the digits 0-9 (here "7").',
          'a single full-width digit among 12 characters is found (not reported as a length error)');
SELECT is(pg_temp.detail_of($$SELECT region_code('62102é')$$), 'Code "62102é" contains "é" at position 6, which is not a digit.',
          'another multibyte character is named whole');
SELECT is(resident_id_mask('张三李四王五赵六钱七孙八周九吴十郑王'), '张三李四王五************',
          'resident_id_mask keeps 6 characters and masks each later character once, whatever its bytes');
SELECT is(resident_id_mask('１１０１０５19491231002X'), '１１０１０５************', 'resident_id_mask never cuts a character');
-- CSV: a byte-order mark, a multibyte character after a quote, too many fields
SELECT pg_temp.bad_csv('household', E'\uFEFFhousehold_no,village_code,members,registered_on\nN1,621027100001,x,2020-01-01\n', 2, '22P02',
                       'CSV with a UTF-8 byte-order mark and members x');
SELECT is((SELECT array_agg(e.line || ' ' || e.sqlstate) FROM load_csv('household', E'\uFEFFhousehold_no,village_code,members,registered_on\nN1,621027100001,x,2020-01-01\n') e),
          ARRAY['2 22P02'], 'the byte-order mark is not part of the first column name (no unknown column on line 1)');
SELECT pg_temp.bad_csv('household', E'household_no,village_code,members,registered_on\n"N1"' || chr(20013) || E',621027100001,1,2020-01-01\n', 2, '22P04',
                       'CSV with a Chinese character after a closing quote');
SELECT is((SELECT e.message FROM load_csv('household', E'household_no,village_code,members,registered_on\n"N1"' || chr(20013) || E',621027100001,1,2020-01-01\n') e),
          'unexpected character "' || chr(20013) || '" (U+4E2D) after a closing quote', 'the message names the whole character and its code point');
SELECT lives_ok($$SELECT convert_to(string_agg(e.message, ','), 'GBK') FROM load_csv('household', E'household_no,village_code,members,registered_on\n"N1"' || chr(20013) || E',621027100001,1,2020-01-01\n') e$$,
                'the message converts to GBK (it used to hold half a character)');
-- the same rows sent to a GBK client (statement text ASCII only, as the client encoding changes)
SET client_encoding = 'GBK';
\o /dev/null
SELECT * FROM load_csv('household', E'household_no,village_code,members,registered_on\n"N1"' || chr(20013) || E',621027100001,1,2020-01-01\n');
\o
RESET client_encoding;
SELECT pass('load_csv errors naming a Chinese character reach a client_encoding = GBK client');
SELECT pg_temp.bad_csv('household', E'household_no,village_code,members,registered_on\n' || repeat('x,', 1600) || E'x\n', 2, '22P04',
                       'CSV record with 1601 fields');
SELECT is((SELECT array_agg(coalesce(cardinality(fields)::text, error) ORDER BY line_no)
             FROM csv_records(repeat('a,', 1599) || E'a\n' || repeat('a,', 1600) || E'a\n' || repeat('"a",', 5000000))),
          ARRAY['1600', 'record has more than 1600 fields', 'record has more than 1600 fields'],
          'csv_records: 1600 fields is the limit; a 10 MB line of 5 million fields is refused as a record, not built');

SELECT is(pg_temp.fingerprint(), (SELECT v FROM fp), 'after the whole catalogue the data is unchanged');
SELECT is((SELECT count(*)::int FROM bulk_load WHERE rows_loaded = 0), 14, 'the refused CSV loads are in the load log, with nothing loaded');
SELECT * FROM finish();
ROLLBACK;
