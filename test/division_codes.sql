-- pgTAP: the official division code list as reference data -- its size and
-- the facts the list's README names, look-ups, successors, faults in words,
-- the 6/9/12-digit forms everywhere, Hainan's 1988-2001 codes and the
-- non-unit parents, and the region table's check against the list.
BEGIN;
SELECT plan(34);
SET search_path = poverty_aid, public;
SET client_min_messages = error;

-- The list ---------------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM division_code WHERE status <> 'grouping'), 6823, 'the list has its 6,823 rows');
SELECT is((SELECT count(*)::int FROM division_code WHERE level = 'county' AND end_year IS NULL), 2846,
  '2,846 county-level codes are in use in 2024');
SELECT results_eq($$SELECT code, name FROM division_code WHERE status = 'grouping' AND code IN ('110100', '469000', '500200') ORDER BY 1$$,
  $$VALUES ('110100', '市辖区'), ('469000', '省直辖县级行政区划'), ('500200', '县')$$,
  'the non-unit parents used in 12-digit codes are derived from the list with their usual names');

-- Look-ups and successors --------------------------------------------------------------------
SELECT is(division_name('130823'), '平泉县', 'division_name: a retired code keeps its name');
SELECT is(division_name('120110', 1985), '东郊区', 'division_name: the name in a given year (renamed in 1992)');
SELECT is(division_name('120110000000'), '东丽区', 'division_name: 12 digits, the latest name');
SELECT results_eq($$SELECT successor_code, name, since_year FROM division_successors('130823')$$,
  $$VALUES ('130881000000', '平泉市', 2017)$$, 'division_successors: 平泉县 became 平泉市 in 2017');
SELECT is_empty($$SELECT * FROM division_successors('130823', '2016-06-30')$$,
  'division_successors: as of 2016 the county was still in use');
SELECT results_eq($$SELECT successor_code FROM division_successors('130421') ORDER BY 1$$,
  $$VALUES ('130402000000'), ('130403000000')$$, 'division_successors: a code split between two successors');
SELECT results_eq($$SELECT successor_code FROM division_successors('460001')$$,
  $$VALUES ('469001000000')$$, 'division_successors: Hainan''s 460001 went to 469001 in 2001');
SELECT is_empty($$SELECT * FROM division_successors('653226')$$, 'division_successors: none for a code in use');

-- Faults in words ---------------------------------------------------------------------------------
SELECT is(division_code_fault('532600', 'county'), '532600 is a prefecture code; a county code was expected',
  'a prefecture filed as a county is named as such');
SELECT is(division_code_fault('130823', NULL, 2018), '130823 (平泉县) was retired in 2017; replaced by 130881 平泉市',
  'a retired code in a later year says when and what replaced it');
SELECT is(division_code_fault('130881', NULL, 2010), '130881 (平泉市) was not yet in use in 2010; it came into use in 2017',
  'a code before its time');
SELECT is(division_code_fault('653299'), '653299 is not in the official list of division codes of 1981-2024',
  'an unknown county code');
SELECT is(division_code_fault('653299100201'), '653299 is not in the official list of division codes of 1981-2024',
  'a village is checked through its county part');
SELECT is(division_code_fault('65322'), 'Code "65322" has 5 characters; a division code has 12 digits (6 or 9 are accepted and padded with zeros).',
  'a malformed code gets the detail region_code() would raise');
SELECT ok(division_code_is_official('653226', 2020) AND NOT division_code_is_official('130823', 2020)
          AND division_code_is_official('130823'), 'division_code_is_official: in a year, or in any year');

-- 6, 9 and 12 digits alike ---------------------------------------------------------------------
SELECT ok(region_code_is_valid('653226') AND region_code_is_valid('653226100') AND region_code_is_valid('653226100201'),
  'region_code_is_valid accepts what region_code accepts: 6, 9 and 12 digits');
SELECT ok(NOT region_code_is_valid('65322') AND NOT region_code_is_valid('650026'), '... and refuses what it refuses');
SELECT is(region_code_fault('650026000000'), 'Code "650026000000" has a non-zero county part under a zero prefecture part.',
  'region_code_fault: the detail, without raising');
SELECT ok(region_code_fault('653226') IS NULL, 'region_code_fault: NULL for a valid code');

-- Hainan's county codes of 1988-2001 --------------------------------------------------------
SELECT is(region_code('460001'), '460001000000', 'Hainan''s 460001 (通什市, 1988-2001) is a valid code');
SELECT is(region_code_level('460001'), 'county'::region_level, '... of a county');
SELECT is(region_parent_code('460001'), '460000000000', '... whose parent is the province');

-- The region table ----------------------------------------------------------------------------
INSERT INTO region (code) VALUES ('110000'), ('110100'), ('110101');
SELECT results_eq($$SELECT code, name, level::text, parent_code FROM region WHERE code LIKE '11%' ORDER BY 1$$,
  $$VALUES ('110000000000', '北京市', 'province', NULL), ('110100000000', '市辖区', 'prefecture', '110000000000'),
           ('110101000000', '东城区', 'county', '110100000000')$$,
  'regions given as 6 digits are stored as 12, named from the list, under the real non-unit parent 市辖区');
INSERT INTO region (code) VALUES ('460000'), ('460001');
SELECT is((SELECT parent_code FROM region WHERE code = '460001000000'), '460000000000', 'a Hainan county of 1990 loads under its province');
SELECT throws_ok($$INSERT INTO region (code, name) VALUES ('110199', 'x')$$, '22023', 'division code 110199000000 is not official',
  'a county code not in the list is refused');
SELECT throws_like($$INSERT INTO region (code, name) VALUES ('110199', 'x')$$, '%not official%',
  '... with the reason in words');
SET LOCAL poverty_aid.unlisted_codes = 'allow';
SELECT lives_ok($$INSERT INTO region (code, name) VALUES ('110199', '开发区')$$, '... unless unlisted codes are allowed');
RESET poverty_aid.unlisted_codes;
SELECT lives_ok($$INSERT INTO region (code, name) VALUES ('110101100', '街道'), ('110101100001', '社区')$$,
  'townships and villages are free below an official county');
SELECT lives_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('DC-1', '110101100001', 2, '2020-01-01')$$,
  'every table accepts a code');
SELECT throws_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('DC-2', '1101011000', 2, '2020-01-01')$$,
  '22023', 'invalid division code in column "village_code" of table "household"', 'a malformed code is named with its column');
INSERT INTO region_population VALUES ('110101', 2020, 5);
SELECT is((SELECT region_code FROM region_population WHERE rural_population = 5 AND year = 2020), '110101000000',
  'a county given as 6 digits in another table is stored as 12');

SELECT * FROM finish();
ROLLBACK;
