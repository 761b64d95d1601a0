-- pgTAP: every register table loads from CSV with load_csv(), set-based,
-- with a per-row error for each check; who may load what; listings by exit
-- year; defaults counted; ids of one file translated in the next; the
-- staged path with a progress notice; byte-order mark and CRLF.
BEGIN;
SELECT plan(47);
SET search_path = poverty_aid, public;
SET client_min_messages = error;

-- errs(target, csv): the error rows of a load as "line column sqlstate".
CREATE FUNCTION pg_temp.errs(target text, csv text, only_valid boolean DEFAULT false) RETURNS text[]
  LANGUAGE sql AS $$
  SELECT coalesce(array_agg(e.line || ' ' || coalesce(e.column_name, '-') || ' ' || e.sqlstate ORDER BY e.line, e.column_name), '{}')
    FROM poverty_aid.load_csv(target, csv, only_valid) e $$;

-- Regions from a government county list, as the superuser (no profile) ----------------------
SELECT is(pg_temp.errs('region', E'\uFEFFcode,name\r\n621027,\r\n653226,于田县\r\n653222,\r\n130823,平泉县\r\n110101,\r\n'),
  ARRAY['0 code 01000', '0 code 01000', '0 code 01000', '0 code 01000', '0 code 01000', '0 code 01000', '0 code 01000', '0 code 01000', '5 code 01000'],
  'a county list with a BOM and CRLF loads; its missing official parents are added and a retired code is reported as a warning');
SELECT results_eq($$SELECT code, name, parent_code FROM region WHERE code IN ('621000000000', '621027000000', '110100000000', '130823000000') ORDER BY 1$$,
  $$VALUES ('110100000000', '市辖区', '110000000000'), ('130823000000', '平泉县', '130800000000'),
           ('621000000000', '庆阳市', '620000000000'), ('621027000000', '镇原县', '621000000000')$$,
  '... names come from the official list, parents from the code (the non-unit parent 市辖区 included)');
SELECT is((SELECT defaulted FROM bulk_load ORDER BY id DESC LIMIT 1), '{"name": 3, "zone": 5, "parent_code": 5}'::jsonb,
  '... and the load log says how many rows took a default');
SELECT is((SELECT message FROM load_csv('region', E'code\n130823\n') LIMIT 1), '130823 (平泉县) was retired in 2017; replaced by 130881 平泉市',
  'a retired code is named with its successor');
SELECT is(pg_temp.errs('region', E'code,name,parent_code\n532600,,\n653299,x,\n6532,x,\n653226100,木尕拉镇,\n653226100201,样本村,\n653226100202,村,653226000000\n653226100203,,\n'),
  ARRAY['0 code 01000', '3 code 22023', '4 code 22023', '7 parent_code 22023', '8 name 23502'],
  'region errors: not in the list, malformed, a parent that does not match, a village without a name');
SELECT is((SELECT count(*)::int FROM region WHERE code LIKE '6532261%'), 0, '... and nothing of that file is loaded');
SELECT is(pg_temp.errs('region', E'code,name\n532600,\n653226100,木尕拉镇\n653226100201,样本村\n653226100202,村二\n621027100,城关镇\n621027100001,村A1\n621027100002,村A2\n'),
  ARRAY['0 code 01000'], 'children before or after their parents, in one file (the province of 532600 added from the list)');

-- Reference tables -------------------------------------------------------------------------
SELECT is(pg_temp.errs('poverty_line', E'year,line,basis\n2019,3218,\n2020,3300.00,current prices\n2021,-1,\n2022,12.345,\n'),
  ARRAY['4 line 23514', '5 line 22023'], 'poverty_line: a CHECK and the money scale, per row');
SELECT is(pg_temp.errs('region_population', E'region_code,year,rural_population\n653226,2019,251000\n621027100001,2019,1200\n653226,1800,1\n653226,2019,5\n653299,2019,5\n'),
  ARRAY['4 year 23514', '5 region_code, year 23505', '6 region_code 23503'],
  'region_population: 6-digit codes, a year out of range, a duplicate key, a region not in the register');

-- Listings by exit year ------------------------------------------------------------------
SELECT is(pg_temp.errs('poverty_listing', E'region_code,listed_year,exit_year,deep_poverty\n653226,2014,2019,true\n621027,2014,2020,\n532600,2014,2019,\n653226,2015,,\n621027,2014,1800,\n'),
  ARRAY['4 region_code 22023', '5 region_code, listed_on, exited_on 23P01', '6 exit_year 22008'],
  'poverty_listing: a prefecture filed as a county, an overlapping listing, an exit year out of range');
SELECT is((SELECT message FROM load_csv('poverty_listing', E'region_code,listed_year\n532600,2014\n') WHERE sqlstate = '22023'),
  '532600 is a prefecture code; a county or village code was expected', '... said in words');
SELECT is(pg_temp.errs('poverty_listing', E'region_code,listed_year,exit_year,deep_poverty\n653226,2014,2019,true\n621027,2014,2020,\n'),
  '{}'::text[], 'a listing file with exit years loads');
SELECT results_eq($$SELECT region_code, listed_on, exited_on, exit_batch, deep_poverty FROM poverty_listing ORDER BY 1$$,
  $$VALUES ('621027000000', '2014-01-01'::date, '2020-12-31'::date, '2020', false),
           ('653226000000', '2014-01-01', '2019-12-31', '2019', true)$$,
  '... stored as listed on 1 January and exited on 31 December of the batch year, the batch named by its year');
SELECT is((SELECT defaulted FROM bulk_load ORDER BY id DESC LIMIT 1), '{"deep_poverty": 1}'::jsonb, '... one row took the default of deep_poverty');
SELECT is((SELECT array_agg(sqlstate || ' ' || message) FROM load_csv('poverty_listing', E'region_code,listed_on\n130823,2018-01-01\n')),
  ARRAY['01000 130823 (平泉县) was retired in 2017; replaced by 130881 平泉市'],
  'a listing under a code retired before its date is loaded with a warning');

-- Households and what hangs off them --------------------------------------------------------
SELECT is(pg_temp.errs('household', E'household_no,village_code,members,registered_on,exited_on,poverty_cause\nH-1,653226100201,4,2014-03-01,,illness\nH-2,653226100201,3,2014/3/1,2019-12-31,\nH-2,653226100201,3,2019-06-01,,\nH-3,653226100,3,2014-03-01,,\nH-4,653226100201,9999999999,2014-03-01,,\nH-1,653226100202,2,2014-03-01,,\n'),
  ARRAY['4 household_no, registered_on, exited_on 23P01', '5 village_code 22023', '6 members 22003', '7 household_no, registered_on, exited_on 23P01'],
  'household: overlapping periods within the file, a township for a village, an integer overflow');
SELECT is(pg_temp.errs('household', E'household_no,village_code,members,registered_on,exited_on,poverty_cause\nH-1,653226100201,4,2014-03-01,,illness\nH-2,653226100201,3,2014/3/1,2019-12-31,\nH-2,653226100201,3,2020-01-01,,\n'),
  '{}'::text[], 'household: a valid file (dates as 2014/3/1 too)');
SELECT is((SELECT registered_on FROM household WHERE household_no = 'H-2' ORDER BY 1 LIMIT 1), '2014-03-01'::date, '... read as 1 March 2014');
SELECT is(pg_temp.errs('household_income', E'household_no,year,per_capita_income\nH-1,2019,3500.5\nH-2,2019,4100\nH-9,2019,1\nH-1,2019,2\nH-1,2020,abc\n'),
  ARRAY['4 household_no 23503', '5 household_id, year 23505', '6 per_capita_income 22P02'],
  'household_income: by household number; an unknown household, a second income for a year, a non-number');
SELECT is(pg_temp.errs('household_income', E'household_no,year,per_capita_income\nH-1,2019,3500.5\nH-2,2019,4100\n'), '{}'::text[], 'household_income loads');
SELECT is((SELECT h.household_id FROM household_income h WHERE h.per_capita_income = 4100),
          (SELECT id FROM household WHERE household_no = 'H-2' AND exited_on IS NULL), '... the household''s latest period');
SELECT is(pg_temp.errs('person', E'household_no,name,resident_id,relation,is_labour\nH-1,买买提,65322619800101001' || resident_id_check_character('65322619800101001') || E',head,true\nH-1,阿依,,wife,maybe\nH-1,,,,\n'),
  ARRAY['3 is_labour 22P02', '4 name 23502'], 'person: a boolean that is not one, a missing name');
SELECT is(pg_temp.errs('person', E'household_no,name,resident_id,relation,is_labour\nH-1,买买提,65322619800101001' || resident_id_check_character('65322619800101001') || E',head,true\nH-1,阿依,,wife,no\n'),
  '{}'::text[], 'person loads');

-- Helpers, pairings, funds, transfers, projects with their own ids ---------------------------
SELECT is(pg_temp.errs('helper', E'id,name,kind,home_region_code\n7,天津市和平区,district,120101\n8,某企业,enterprise,\n9,某企业,enterprise,\n10,x,bank,\n'),
  ARRAY['2 home_region_code 23503', '4 name, kind 23505', '5 kind 22P02'], 'helper: a home region not in the register, a duplicate name within the file, an unknown kind');
SELECT is(pg_temp.errs('helper', E'id,name,kind,home_region_code\n7,天津市和平区,district,\n8,某企业,enterprise,\n'), '{}'::text[], 'helper loads with the file''s own ids');
SELECT is(pg_temp.errs('pairing', E'helper_id,target_region_code,target_household_no,kind,valid_from,valid_to\n7,653226,,district_county,2017-01-01,\n8,,H-1,cadre_household,2018-01-01,2020-01-01\n8,653226100201,H-1,other,2018-01-01,\n8,653200,,other,2018-01-01,\n8,653226,,other,2018-01-01,2017-01-01\n99,653226,,other,2018-01-01,\n'),
  ARRAY['4 target_region_code, target_household_id 23514', '5 target_region_code 22023', '6 valid_from, valid_to 23514', '7 helper_id 23503'],
  'pairing: two targets, a prefecture target, a period ending before it starts, an unknown helper');
SELECT is(pg_temp.errs('pairing', E'helper_id,target_region_code,target_household_no,kind,valid_from,valid_to\n7,653226,,district_county,2017-01-01,\n8,,H-1,cadre_household,2018-01-01,2020-01-01\n'),
  '{}'::text[], 'pairing loads, helpers given by the helper file''s ids');
SELECT is((SELECT array_agg(h.name ORDER BY h.name) FROM pairing p JOIN helper h ON h.id = p.helper_id), ARRAY['天津市和平区', '某企业'],
  '... translated to the ids the helpers got');
SELECT is(pg_temp.errs('fund', E'id,source,helper_id,recipient_region_code,year,purpose,planned,allocated_on\n1,city_fiscal,7,653226,2020,industry,1000000.00,2020-02-01\n2,social,,653226100201,2020,education,50000,\n'),
  '{}'::text[], 'fund loads');
SELECT is(pg_temp.errs('fund_transfer', E'fund_id,amount,in_place_on,note\n1,600000,2020-03-01,first\n2,50000.001,2020-03-01,\n99999999,1,2020-03-01,\n'),
  ARRAY['3 amount 22023', '4 fund_id 23503'], 'fund_transfer: fund ids of the fund file; a third decimal, an unknown fund');
SELECT is(pg_temp.errs('fund_transfer', E'fund_id,amount,in_place_on,note\n1,600000,2020-03-01,first\n2,50000,2020-03-01,\n'), '{}'::text[], 'fund_transfer loads');
SELECT is(pg_temp.errs('project', E'id,name,region_code,fund_id,sector,started_on,completed_on,investment\n5,大棚,653226100201,1,farming,2020-03-01,2020-10-01,800000\n6,道路,653226,,,2020-04-01,,\n'),
  '{}'::text[], 'project loads');
SELECT is(pg_temp.errs('project_beneficiary', E'project_id,household_no\n5,H-1\n5,H-2\n5,H-1\n'),
  ARRAY['4 project_id, household_id 23505'], 'project_beneficiary: the same household twice');
SELECT is(pg_temp.errs('project_beneficiary', E'project_id,household_no\n5,H-1\n5,H-2\n'), '{}'::text[], 'project_beneficiary loads');
SELECT is(pg_temp.errs('employment', E'household_no,helper_id,employer,place,employed_on,ended_on,monthly_wage\nH-1,7,某厂,pairing_city,2020-03-01,,3200\nH-2,,,abroad,2020-03-01,,\n'),
  ARRAY['3 place 22P02'], 'employment: an unknown place');
SELECT is(pg_temp.errs('employment', E'household_no,helper_id,employer,place,employed_on,ended_on,monthly_wage\nH-1,7,某厂,pairing_city,2020-03-01,,3200\n'), '{}'::text[], 'employment loads');
SELECT is(pg_temp.errs('consumption_sale', E'region_code,helper_id,product,sold_on,amount\n653226,7,红枣,2020-05-01,120000\n653226,8,核桃,2020-05-01,-1\n'),
  ARRAY['3 amount 23514'], 'consumption_sale: a negative amount');
SELECT is(pg_temp.errs('consumption_sale', E'region_code,helper_id,product,sold_on,amount\n653226,7,红枣,2020-05-01,120000\n'), '{}'::text[], 'consumption_sale loads');
SELECT is(pg_temp.errs('target', E'indicator,region_code,year,target_value,unit\nconsumption_sales,,2020,100000000,yuan\nprojects,653226,2020,30,projects\n'), '{}'::text[], 'target loads');
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name IN ('household', 'person', 'pairing', 'fund', 'fund_transfer') AND operation = 'INSERT'), 11,
  'loaded rows are audited like direct writes');

-- Who may load -------------------------------------------------------------------------------
CREATE ROLE pa_l_admin; CREATE ROLE pa_l_clerk;
SELECT grant_profile('pa_l_admin', 'admin'), grant_profile('pa_l_clerk', 'clerk', ARRAY['621027']);
SET LOCAL ROLE pa_l_admin;
SELECT is(pg_temp.errs('household', E'household_no,village_code,members,registered_on\nA-1,621027100001,2,2020-01-01\n'), '{}'::text[],
  'an admin without assignments loads into any region');
RESET ROLE;
SET LOCAL ROLE pa_l_clerk;
SELECT is(pg_temp.errs('household', E'household_no,village_code,members,registered_on\nC-1,621027100002,2,2020-01-01\nC-2,653226100201,2,2020-01-01\n'),
  ARRAY['3 village_code 42501'], 'a clerk loads only into the assigned county');
SELECT is(pg_temp.errs('household', E'household_no,village_code,members,registered_on\nC-1,621027100002,2,2020-01-01\nC-2,653226100201,2,2020-01-01\n', true),
  ARRAY['3 village_code 42501'], '... or, with only_valid, the valid rows');
SELECT is((SELECT count(*)::int FROM household WHERE household_no LIKE 'C-%'), 1, '... which are loaded');
SELECT throws_ok($$SELECT * FROM load_csv('region', E'code,name\n621027100,城关镇\n')$$, '42501', 'permission denied for table region',
  'a clerk may not load a table she may not write (regions), as she may not INSERT into it');
RESET ROLE;

-- The staged path: any size, set-based, with progress --------------------------------------
SELECT create_staging_table('household') IS NOT NULL AS staged \gset
INSERT INTO pg_temp.household_staging (household_no, village_code, members, registered_on)
SELECT 'S-' || i, '653226100202', (1 + i % 5)::text, '2020-01-01' FROM generate_series(1, 2500) i;
INSERT INTO pg_temp.household_staging (household_no, village_code, members, registered_on) VALUES ('S-bad', '653226100202', '0', '2020-01-01');
SELECT is((SELECT array_agg(line || ' ' || sqlstate) FROM load_staged('household', 'pg_temp.household_staging', true, 1000)),
  ARRAY['2502 23514'], 'load_staged: the bad row is reported on its line (line_no counts the header)');
SELECT is((SELECT rows_loaded || '/' || rows_in_file FROM bulk_load ORDER BY id DESC LIMIT 1), '2500/2501', '... the rest is loaded in batches');

SELECT * FROM finish();
ROLLBACK;
