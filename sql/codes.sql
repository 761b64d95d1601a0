-- Division codes and resident ID numbers: the C functions behind the
-- constraints of poverty_aid.region and poverty_aid.person.
SET search_path = poverty_aid, public;
\set VERBOSITY default

-- 6, 9 and 12 digits are accepted; the result is always 12 digits.
SELECT region_code('653226') AS yutian,
       region_code('653226100') AS township,
       region_code('653226100201') AS village;

-- The level follows from the code.
SELECT code, region_code_level(code) AS level, region_parent_code(code) AS parent,
       region_county_code(code) AS county, region_zone(code) AS zone
FROM (VALUES ('650000000000'), ('653200000000'), ('653226000000'),
             ('653226100000'), ('653226100201'), ('120101000000'),
             ('130800000000'), ('410100000000')) AS t(code)
ORDER BY code;

SELECT region_ancestor_code('653226100201', 'prefecture') AS prefecture,
       region_ancestor_code('653226100201', 'village') AS itself,
       region_ancestor_code('653200000000', 'county') AS above_county;

-- Subtree test: a unit contains itself and everything below it.
SELECT region_contains('653200000000', '653226100201') AS hotan_has_village,
       region_contains('653226000000', '653226000000') AS itself,
       region_contains('653225000000', '653226100201') AS cele_has_yutian_village,
       region_contains('650000000000', '621027000000') AS xinjiang_has_zhenyuan;

SELECT region_code_is_valid('653226000000') AS valid,
       region_code_is_valid('653226') AS six_digits,
       region_code_is_valid('650026000000') AS gap,
       region_code_is_valid('00000000000a') AS junk;

-- Invalid codes: 22023 with the code in the detail.
SELECT region_code('65322');
SELECT region_code('6532x6');
SELECT region_code('000000');
SELECT region_code('650026000000');
SELECT region_code('653200000001');
SELECT region_ancestor_code_text('653226000000', 'district');

-- Parent checks name both codes.
SELECT region_check_parent('653226000000', '653200000000') AS ok;
SELECT region_check_parent('650000000000', NULL) AS province_ok;
SELECT region_check_parent('653226000000', '650000000000');
SELECT region_check_parent('653226000000', NULL);
SELECT region_check_parent('650000000000', '653200000000');

-- Resident ID numbers: the two examples of GB 11643-1999.
SELECT resident_id_check('11010519491231002X') AS beijing,
       resident_id_check('440524188001010014') AS guangdong;
SELECT resident_id_check_character('11010519491231002') AS x,
       resident_id_check_character('44052418800101001') AS four;
SELECT resident_id_birth_date('11010519491231002X') AS born,
       resident_id_sex('11010519491231002X') AS sex,
       resident_id_sex('440524188001010014') AS sex2,
       resident_id_mask('11010519491231002X') AS masked;
SELECT id, resident_id_is_valid(id) AS valid
FROM (VALUES ('11010519491231002X'), ('110105194912310021'), ('11010519491231002x'),
             ('1101051949123100'), ('11010519490231002X'), ('A1010519491231002X'),
             ('01010519491231002X')) AS t(id)
ORDER BY id;

-- Invalid numbers: 22023; a wrong check character names the expected one.
SELECT resident_id_check('110105194912310021');
SELECT resident_id_check('440524188001010015');
SELECT resident_id_check('11010519491231002x');
SELECT resident_id_check('1101051949123100');
SELECT resident_id_check('11010519490230002X');
SELECT resident_id_check('1101051949123A002X');
SELECT resident_id_check('11010519491231002Y');
SELECT resident_id_check_character('1101051949123100');
SELECT resident_id_birth_date('110105194912310021');

-- Multibyte input: the details never cut a character in half.
SELECT region_code('65322中0');
SELECT region_code('新疆维吾尔自治区和田地区于田县木尕拉镇');
SELECT resident_id_check('11010519491231002中');
SELECT region_code_is_valid('6532中00000');
