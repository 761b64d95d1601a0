-- pgTAP: division-code and resident-ID functions on valid and invalid input,
-- with the SQLSTATE and message of every rejection.
BEGIN;
SELECT plan(43);
SET search_path = poverty_aid, public;

SELECT is(region_code('653226'), '653226000000', '6 digits are padded to 12');

-- region_code_level() and region_ancestor_code() (C functions of the enum
-- since 1.1) agree with their text forms on every official code, at every
-- level, and on township and village codes under them.
CREATE TEMP TABLE some_codes AS
  SELECT DISTINCT region_code(d.code) AS code FROM division_code d
  UNION SELECT region_code(d.code || '101') FROM division_code d WHERE d.level = 'county'
  UNION SELECT region_code(d.code || '101203') FROM division_code d WHERE d.level = 'county';
SELECT ok((SELECT count(*) FROM some_codes) > 10000, 'the official codes and codes below them to compare');
SELECT is((SELECT count(*) FROM some_codes c
            WHERE region_code_level(c.code)::text IS DISTINCT FROM region_code_level_text(c.code)), 0::bigint,
          'region_code_level() equals region_code_level_text() on every code');
SELECT is((SELECT count(*) FROM some_codes c, unnest(enum_range(NULL::region_level)) l
            WHERE region_ancestor_code(c.code, l) IS DISTINCT FROM region_ancestor_code_text(c.code, l::text)), 0::bigint,
          'region_ancestor_code() equals region_ancestor_code_text() on every code at every level (NULL above the code''s level)');
SELECT is(region_code('621027100'), '621027100000', '9 digits are padded to 12');
SELECT is(region_code_level('620000000000'), 'province', 'PP0000000000 is a province');
SELECT is(region_code_level('621000000000'), 'prefecture', 'PPCC00000000 is a prefecture');
SELECT is(region_code_level('621027000000'), 'county', 'PPCCDD000000 is a county');
SELECT is(region_code_level('621027100000'), 'township', 'PPCCDDTTT000 is a township');
SELECT is(region_code_level('621027100201'), 'village', 'all 12 digits make a village');
SELECT is(region_parent_code('621027100201'), '621027100000', 'parent of a village is its township');
SELECT is(region_parent_code('620000000000'), NULL, 'a province has no parent');
SELECT is(region_county_code('653225100201'), '653225000000', 'county code of a village');
SELECT is(region_county_code('653200000000'), NULL, 'a prefecture has no county code');
SELECT ok(region_contains('653200000000', '653225100201'), 'Hotan contains a Cele village');
SELECT ok(NOT region_contains('653225000000', '653226100201'), 'Cele does not contain a Yutian village');
SELECT is(region_zone('540300000000')::text, 'west', 'Changdu is in the west');
SELECT is(region_zone('130800000000')::text, 'east', 'Chengde is in the east');
SELECT is(region_zone('810000000000'), NULL, 'Hong Kong has no policy zone');

SELECT throws_ok($$SELECT region_code('65322')$$, '22023', 'invalid division code', 'five digits');
SELECT throws_ok($$SELECT region_code('6532a6')$$, '22023', 'invalid division code', 'a letter');
SELECT throws_ok($$SELECT region_code('000000000000')$$, '22023', 'invalid division code', 'all zeros');
SELECT throws_ok($$SELECT region_code('653200100000')$$, '22023', 'invalid division code', 'township under a zero county part');
SELECT throws_ok($$SELECT region_code_level('')$$, '22023', 'invalid division code', 'empty code');
SELECT throws_ok($$SELECT region_contains('653200000000', '6532')$$, '22023', 'invalid division code', 'region_contains checks both codes');
SELECT throws_ok($$SELECT region_ancestor_code_text('653226000000', 'district')$$, '22023', 'invalid region level', 'unknown level');
SELECT throws_ok($$SELECT region_check_parent('653226000000', '650000000000')$$, '22023', 'region parent does not match its code', 'wrong parent');
SELECT throws_ok($$SELECT region_check_parent('650000000000', '653200000000')$$, '22023', 'a province cannot have a parent region', 'province with a parent');

SELECT ok(resident_id_check('11010519491231002X'), 'GB 11643 example 11010519491231002X is valid');
SELECT ok(resident_id_check('440524188001010014'), 'GB 11643 example 440524188001010014 is valid');
SELECT is(resident_id_check_character('11010519491231002'), 'X', 'check character 10 is written X');
SELECT is(resident_id_birth_date('440524188001010014'), date '1880-01-01', 'birth date');
SELECT is(resident_id_sex('440524188001010014'), 'male', 'odd sequence code is male');
SELECT is(resident_id_mask('440524188001010014'), '440524************', 'mask keeps the region code only');
SELECT ok(NOT resident_id_is_valid('110105194912310021'), 'is_valid is false for a wrong check character');

SELECT throws_ok($$SELECT resident_id_check('110105194912310021')$$, '22023', 'invalid resident ID number', 'wrong check character');
SELECT throws_ok($$SELECT resident_id_check('11010519491231002x')$$, '22023', 'invalid resident ID number', 'lower-case x');
SELECT throws_ok($$SELECT resident_id_check('1101051949123')$$, '22023', 'invalid resident ID number', 'too short');
SELECT throws_ok($$SELECT resident_id_check('11010519491332002X')$$, '22023', 'invalid resident ID number', 'month 13');
SELECT throws_ok($$SELECT resident_id_check('11010519000229002X')$$, '22023', 'invalid resident ID number', '29 February 1900');
SELECT throws_ok($$SELECT resident_id_check_character('1101051949123100X')$$, '22023', 'a check character is computed over 17 digits', 'check character of a non-digit');

-- The detail names the expected check character.
CREATE FUNCTION pg_temp.detail_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE stmt;
  RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
SELECT is(pg_temp.detail_of($$SELECT resident_id_check('440524188001010015')$$),
  'Number "440524188001010015" has check character "5"; the expected check character is "4".',
  'the detail names the number and the expected check character');
SELECT is(pg_temp.detail_of($$SELECT region_check_parent('653226000000', '650000000000')$$),
  'Region "653226000000" has parent "650000000000"; its parent must be "653200000000".',
  'the detail names both codes');

SELECT * FROM finish();
ROLLBACK;
