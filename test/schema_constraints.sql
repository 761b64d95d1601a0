-- pgTAP: every constraint of the register rejects its bad row with the right
-- SQLSTATE, and the table is left exactly as it was.
BEGIN;
SELECT plan(118);
SET search_path = poverty_aid, public;

-- rejects(statement, sqlstate, table, description): the statement fails with
-- the SQLSTATE, and the table's whole content is unchanged afterwards.
CREATE FUNCTION pg_temp.rejects(stmt text, state text, tbl text, descr text)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  before text;
  after text;
BEGIN
  EXECUTE format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM %s t',
                 E'\n', '', tbl) INTO before;
  RETURN NEXT throws_ok(stmt, state, NULL, descr);
  EXECUTE format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM %s t',
                 E'\n', '', tbl) INTO after;
  RETURN NEXT is(after, before, descr || ': ' || tbl || ' unchanged');
END
$$;

-- A small valid register: Xinjiang > Hotan > Yutian > a township > a village.
INSERT INTO region (code, name) VALUES
  ('650000000000', '新疆维吾尔自治区'), ('653200000000', '和田地区'),
  ('653226000000', '于田县'), ('653226100000', '木尕拉镇'),
  ('653226100201', '样本村');
INSERT INTO region_population VALUES ('653226100201', 2019, 1200);
INSERT INTO poverty_listing (region_code, listed_on, exited_on) VALUES
  ('653226000000', '2014-01-01', NULL), ('653226100201', '2014-01-01', '2019-12-31');
INSERT INTO household (id, household_no, village_code, members, registered_on, exited_on)
  VALUES (1, 'H-0001', '653226100201', 4, '2014-03-01', '2018-12-31');
INSERT INTO household_income VALUES (1, 2018, 4200.00);
INSERT INTO poverty_line VALUES (2019, 3218);
INSERT INTO person (household_id, name, resident_id) VALUES (1, '某甲', '11010519491231002X');
INSERT INTO helper (id, name, kind) VALUES (1, '天津市河东区', 'district');
INSERT INTO pairing (helper_id, target_region_code, kind, valid_from)
  VALUES (1, '653226000000', 'district_county', '2017-01-01');
INSERT INTO fund (id, source, recipient_region_code, year, purpose, planned)
  VALUES (1, 'city_fiscal', '653226000000', 2020, 'industry', 1000000.00);
INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (1, 500000.00, '2020-02-01');
INSERT INTO project (id, name, region_code, started_on) VALUES (1, '红枣加工厂', '653226000000', '2019-05-01');
INSERT INTO target (indicator, region_code, year, target_value, unit)
  VALUES ('consumption_sales', NULL, 2020, 100000000, 'yuan');
DO $$ BEGIN PERFORM setval(s, 100) FROM unnest(ARRAY['household_id_seq', 'helper_id_seq', 'fund_id_seq', 'project_id_seq']) AS s; END $$;

-- region
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('65322x000000', 'x')$$,
  '22023', 'region', 'region: non-digit code');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653299', 'x')$$,
  '22023', 'region', 'region: a county code that is not in the official list');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('650026000000', 'x')$$,
  '22023', 'region', 'region: county part under a zero prefecture part');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name, parent_code) VALUES ('653225000000', '策勒县', '650000000000')$$,
  '22023', 'region', 'region: parent does not match the code');
SELECT throws_ok($$INSERT INTO region (code, name, parent_code) VALUES ('653225000000', '策勒县', '650000000000')$$,
  '22023', 'region parent does not match its code', 'region: the mismatch error is in PostgreSQL style');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653100000000', 'x'), ('653121000000', 'y'), ('621027000000', '镇原县')$$,
  '23503', 'region', 'region: parent region missing');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653226000000', '于田县')$$,
  '23505', 'region', 'region: duplicate code');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653225000000', '  ')$$,
  '23514', 'region', 'region: empty name');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653226100202', NULL)$$,
  '23502', 'region', 'region: missing name (of a village, which the official list does not name)');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name, level) VALUES ('653225000000', 'x', 'village')$$,
  '428C9', 'region', 'region: level cannot be set by hand');
SELECT * FROM pg_temp.rejects($$DELETE FROM region WHERE code = '653226100201'$$,
  '23503', 'region', 'region: a region in use cannot be deleted');
SELECT * FROM pg_temp.rejects($$INSERT INTO region (code, name) VALUES ('653225000000', '策勒县'), ('653225000000', '策勒县')$$,
  '23505', 'region', 'region: a failed multi-row insert keeps none of its rows');

-- region_population
SELECT * FROM pg_temp.rejects($$INSERT INTO region_population VALUES ('653226100201', 2020, -1)$$,
  '23514', 'region_population', 'region_population: negative population');
SELECT * FROM pg_temp.rejects($$INSERT INTO region_population VALUES ('653299100201', 2020, 10)$$,
  '23503', 'region_population', 'region_population: unknown region');
SELECT * FROM pg_temp.rejects($$INSERT INTO region_population VALUES ('653226100201', 2019, 10)$$,
  '23505', 'region_population', 'region_population: second figure for a year');
SELECT * FROM pg_temp.rejects($$INSERT INTO region_population VALUES ('653226100201', 1900, 10)$$,
  '23514', 'region_population', 'region_population: year out of range');

-- poverty_listing
SELECT * FROM pg_temp.rejects($$INSERT INTO poverty_listing (region_code, listed_on, exited_on) VALUES ('653226100201', '2020-01-01', '2019-12-31')$$,
  '23514', 'poverty_listing', 'poverty_listing: exited before listed');
SELECT * FROM pg_temp.rejects($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('653226100000', '2014-01-01')$$,
  '23514', 'poverty_listing', 'poverty_listing: a township cannot be listed');
SELECT * FROM pg_temp.rejects($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('653226000000', '2016-01-01')$$,
  '23P01', 'poverty_listing', 'poverty_listing: overlapping listing of one county');
SELECT * FROM pg_temp.rejects($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('653226100201', '2019-06-01')$$,
  '23P01', 'poverty_listing', 'poverty_listing: relisting inside an earlier period');
SELECT lives_ok($$INSERT INTO poverty_listing (region_code, listed_on) VALUES ('653226100201', '2019-12-31')$$,
  'poverty_listing: a village that falls back is listed again from its exit day');

-- household
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('H-0002', '653226100201', 0, '2014-03-01')$$,
  '23514', 'household', 'household: no members');
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on, exited_on) VALUES ('H-0002', '653226100201', 3, '2014-03-01', '2014-02-28')$$,
  '23514', 'household', 'household: exited before registered');
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('H-0002', '653226000000', 3, '2014-03-01')$$,
  '23514', 'household', 'household: registered in a county, not a village');
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('H-0001', '653226100201', 3, '2018-06-01')$$,
  '23P01', 'household', 'household: overlapping periods of one household');
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('H-0002', '653226100299', 3, '2014-03-01')$$,
  '23503', 'household', 'household: unknown village');
SELECT * FROM pg_temp.rejects($$INSERT INTO household (household_no, village_code, members, registered_on, poverty_cause) VALUES ('H-0002', '653226100201', 3, '2014-03-01', 'laziness')$$,
  '22P02', 'household', 'household: unknown poverty cause');
SELECT lives_ok($$INSERT INTO household (household_no, village_code, members, registered_on) VALUES ('H-0001', '653226100201', 5, '2019-03-01')$$,
  'household: falling back into poverty starts a new period');
SELECT * FROM pg_temp.rejects($$UPDATE household SET exited_on = NULL, registered_on = '2014-03-01' WHERE household_no = 'H-0001' AND id <> 1$$,
  '23P01', 'household', 'household: reopening an old period over a new one');

-- household_income and poverty_line
SELECT * FROM pg_temp.rejects($$INSERT INTO household_income VALUES (1, 2019, -0.01)$$,
  '23514', 'household_income', 'household_income: negative income');
SELECT * FROM pg_temp.rejects($$INSERT INTO household_income VALUES (999, 2019, 10)$$,
  '23503', 'household_income', 'household_income: unknown household');
SELECT * FROM pg_temp.rejects($$INSERT INTO poverty_line VALUES (2020, 0)$$,
  '23514', 'poverty_line', 'poverty_line: zero line');

-- person
SELECT * FROM pg_temp.rejects($$INSERT INTO person (household_id, name, resident_id) VALUES (1, '某乙', '110105194912310021')$$,
  '22023', 'person', 'person: wrong check character');
SELECT throws_ok($$INSERT INTO person (household_id, name, resident_id) VALUES (1, '某乙', '440524188001010015')$$,
  '22023', 'invalid resident ID number', 'person: resident ID error in PostgreSQL style');
SELECT * FROM pg_temp.rejects($$INSERT INTO person (household_id, name, resident_id) VALUES (1, '某乙', '4405241880010100')$$,
  '22023', 'person', 'person: short resident ID');
SELECT * FROM pg_temp.rejects($$INSERT INTO person (household_id, name, resident_id) VALUES (1, '某甲', '11010519491231002X')$$,
  '23505', 'person', 'person: same person twice in a household');
SELECT * FROM pg_temp.rejects($$INSERT INTO person (household_id, name) VALUES (1, '')$$,
  '23514', 'person', 'person: empty name');

-- helper and pairing
SELECT * FROM pg_temp.rejects($$INSERT INTO helper (name, kind) VALUES ('天津市河东区', 'district')$$,
  '23505', 'helper', 'helper: duplicate helper');
SELECT * FROM pg_temp.rejects($$INSERT INTO pairing (helper_id, kind, valid_from) VALUES (1, 'district_county', '2017-01-01')$$,
  '23514', 'pairing', 'pairing: no target');
SELECT * FROM pg_temp.rejects($$INSERT INTO pairing (helper_id, target_region_code, target_household_id, kind, valid_from) VALUES (1, '653226100201', 1, 'cadre_household', '2017-01-01')$$,
  '23514', 'pairing', 'pairing: two targets');
SELECT * FROM pg_temp.rejects($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from, valid_to) VALUES (1, '653226100201', 'enterprise_village', '2017-01-01', '2017-01-01')$$,
  '23514', 'pairing', 'pairing: ends when it starts');
SELECT * FROM pg_temp.rejects($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (1, '653200000000', 'district_county', '2017-01-01')$$,
  '23514', 'pairing', 'pairing: a prefecture is not a target');
SELECT * FROM pg_temp.rejects($$INSERT INTO pairing (helper_id, target_region_code, kind, valid_from) VALUES (99, '653226000000', 'district_county', '2017-01-01')$$,
  '23503', 'pairing', 'pairing: unknown helper');

-- fund and fund_transfer
SELECT * FROM pg_temp.rejects($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('city_fiscal', '653226000000', 2020, 'industry', -1)$$,
  '23514', 'fund', 'fund: negative plan');
SELECT * FROM pg_temp.rejects($$INSERT INTO fund (source, recipient_region_code, year, purpose, planned) VALUES ('city_fiscal', '653226000000', 2020, 'industry', 1e20)$$,
  '22003', 'fund', 'fund: amount too large for numeric(18,2)');
SELECT * FROM pg_temp.rejects($$UPDATE fund SET planned = -5 WHERE id = 1$$,
  '23514', 'fund', 'fund: update to a negative plan');
SELECT * FROM pg_temp.rejects($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (1, -100, '2020-02-01')$$,
  '23514', 'fund_transfer', 'fund_transfer: negative amount');
SELECT * FROM pg_temp.rejects($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (1, 'NaN', '2020-02-01')$$,
  '23514', 'fund_transfer', 'fund_transfer: NaN amount');
SELECT * FROM pg_temp.rejects($$UPDATE fund SET planned = 'NaN' WHERE id = 1$$,
  '23514', 'fund', 'fund: NaN plan');
SELECT * FROM pg_temp.rejects($$INSERT INTO target (indicator, region_code, year, target_value, unit) VALUES ('projects', NULL, 2020, 'Infinity', 'projects')$$,
  '23514', 'target', 'target: infinite target');
SELECT * FROM pg_temp.rejects($$INSERT INTO household_income VALUES (1, 2019, 'NaN')$$,
  '23514', 'household_income', 'household_income: NaN income');
SELECT * FROM pg_temp.rejects($$INSERT INTO fund_transfer (fund_id, amount, in_place_on) VALUES (42, 100, '2020-02-01')$$,
  '23503', 'fund_transfer', 'fund_transfer: unknown fund');
SELECT * FROM pg_temp.rejects($$INSERT INTO fund_transfer (fund_id, amount) VALUES (1, 100)$$,
  '23502', 'fund_transfer', 'fund_transfer: no date in place');

-- project, employment, consumption_sale, target, job_run
SELECT * FROM pg_temp.rejects($$INSERT INTO project (name, region_code, started_on, completed_on) VALUES ('x', '653226000000', '2020-01-01', '2019-01-01')$$,
  '23514', 'project', 'project: completed before started');
SELECT * FROM pg_temp.rejects($$INSERT INTO project (name, region_code, started_on, investment) VALUES ('x', '653226000000', '2020-01-01', -1)$$,
  '23514', 'project', 'project: negative investment');
SELECT * FROM pg_temp.rejects($$INSERT INTO employment (household_id, place, employed_on, ended_on) VALUES (1, 'local', '2020-01-01', '2019-01-01')$$,
  '23514', 'employment', 'employment: ended before started');
SELECT * FROM pg_temp.rejects($$INSERT INTO employment (household_id, place, employed_on, monthly_wage) VALUES (1, 'local', '2020-01-01', -3000)$$,
  '23514', 'employment', 'employment: negative wage');
SELECT * FROM pg_temp.rejects($$INSERT INTO consumption_sale (region_code, product, sold_on, amount) VALUES ('653226000000', '红枣', '2020-01-01', -1)$$,
  '23514', 'consumption_sale', 'consumption_sale: negative amount');
SELECT * FROM pg_temp.rejects($$INSERT INTO target (indicator, region_code, year, target_value, unit) VALUES ('consumption_sales', NULL, 2020, 1, 'yuan')$$,
  '23505', 'target', 'target: second city-wide target for the same year');
SELECT * FROM pg_temp.rejects($$INSERT INTO job_run (job, started_at, finished_at) VALUES ('x', '2020-01-02', '2020-01-01')$$,
  '23514', 'job_run', 'job_run: finished before started');

-- The fixture itself is intact.
SELECT is((SELECT count(*)::int FROM region), 5, 'five regions remain');
SELECT is((SELECT sum(amount) FROM fund_transfer), 500000.00::numeric, 'the transfers sum as loaded');

SELECT * FROM finish();
ROLLBACK;
