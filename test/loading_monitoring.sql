-- pgTAP: the monitoring tables load from CSV like the register's tables
-- (load_csv, set-based, per-row errors): monitoring lines, monitored
-- households (risk causes as a list), their measures (by the file's ids or
-- by household number) and incomes.  The whole-file checks give the
-- tables' guards' SQLSTATEs: elimination on or before identification,
-- overlapping periods, a category the register contradicts, a measure
-- outside its period, unknown values.  A file with errors loads nothing.
BEGIN;
SELECT plan(35);
SET search_path = poverty_aid, public;
SET client_min_messages = error;

-- errs(target, csv): the error rows of a load as "line column sqlstate".
CREATE FUNCTION pg_temp.errs(target text, csv text, only_valid boolean DEFAULT false) RETURNS text[]
  LANGUAGE sql AS $$
  SELECT coalesce(array_agg(e.line || ' ' || coalesce(e.column_name, '-') || ' ' || e.sqlstate ORDER BY e.line, e.column_name), '{}')
    FROM poverty_aid.load_csv(target, csv, only_valid) e $$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
  SELECT format('lines %s, households %s, measures %s, incomes %s',
                (SELECT count(*) FROM poverty_aid.monitoring_line), (SELECT count(*) FROM poverty_aid.monitored_household),
                (SELECT count(*) FROM poverty_aid.monitoring_measure), (SELECT count(*) FROM poverty_aid.monitoring_income)) $$;

-- Two counties; H-1 exited poverty in 2019, H-2 is still poor.
INSERT INTO region (code, name) VALUES
  ('620000000000', '甘肃省'), ('621000000000', '庆阳市'), ('621027000000', '镇原县'),
  ('621027100000', '城关镇'), ('621027100001', '村A1'), ('621027100002', '村A2'),
  ('650000000000', '新疆维吾尔自治区'), ('653200000000', '和田地区'), ('653222000000', '策勒县'),
  ('653222100000', '策勒镇'), ('653222100001', '村B1');
INSERT INTO household (household_no, village_code, members, registered_on, exited_on) VALUES
  ('H-1', '621027100001', 4, '2014-03-01', '2019-12-31'), ('H-2', '621027100001', 3, '2014-03-01', NULL);
INSERT INTO helper (id, name, kind) VALUES (900001, '天津市和平区', 'district');

SELECT is((SELECT array_agg(target ORDER BY load_order) FROM load_targets() WHERE load_order > 16),
  ARRAY['monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income'],
  'the monitoring tables load after the register''s 16, each after the tables it refers to');
SELECT is((SELECT note FROM load_columns('monitored_household') WHERE column_name = 'risk_causes'),
  'one or more values separated by semicolons (illness;disaster), or an array literal ({illness,disaster})',
  'load_columns says how a list of risk causes is spelled');
SELECT is((SELECT fills FROM load_columns('monitoring_measure') WHERE column_name = 'monitored_household_id'), 'household_no',
  'a measure names its monitored household by id or by household number');

-- Monitoring lines ---------------------------------------------------------------------------
SELECT is(pg_temp.errs('monitoring_line', E'province_code,year,line,warning_margin\n620000,2021,4500,200\n650000,2021,4600,\n'),
  '{}'::text[], 'a monitoring line file loads (6-digit province codes)');
SELECT is((SELECT defaulted FROM bulk_load ORDER BY id DESC LIMIT 1), '{"warning_margin": 1, "income_drop_share": 2}'::jsonb,
  '... the defaults taken are counted');
SELECT is(pg_temp.errs('monitoring_line', E'province_code,year,line\n621000,2022,4500\n620000,2022,-1\n620000,2021,4700\n630000,2022,4700\n620000,2022,12.345\n'),
  ARRAY['2 province_code 22023', '3 line 23514', '4 province_code, year 23505', '5 province_code 23503', '6 line 22023'],
  'monitoring_line errors: a prefecture, a negative line, a line already set, a province not in the register, too many decimals');
SELECT is(pg_temp.counts(), 'lines 2, households 0, measures 0, incomes 0', '... and nothing of that file is loaded');

-- Monitored households: a file with its own ids, a byte-order mark and CRLF ----------------------
SELECT is(pg_temp.errs('monitored_household',
  E'\uFEFFid,household_no,village_code,members,category,risk_causes,identified_on,identified_by,eliminated_on\r\n'
  || E'101,H-1,621027100001,4,exited_unstable,illness,2021-03-01,visit,2021-12-01\r\n'
  || E'102,H-1,621027100001,4,exited_unstable,"illness, disaster",2022-02-01,visit,\r\n'
  || E'103,M-1,621027100002,3,marginal_at_risk,"{disaster,housing}",2021-05-01,data_screening,\r\n'
  || E'104,S-1,621027100002,2,sudden_hardship,illness;schooling,2021-06-01,own_application,\r\n'),
  '{}'::text[], 'a monitored household file loads: two periods of one household, the three categories');
SELECT results_eq($$SELECT household_no, risk_causes::text[], identified_on, eliminated_on FROM monitored_household ORDER BY household_no, identified_on$$,
  $$VALUES ('H-1', '{illness}'::text[], '2021-03-01'::date, '2021-12-01'::date), ('H-1', '{illness,disaster}', '2022-02-01', NULL),
           ('M-1', '{disaster,housing}', '2021-05-01', NULL), ('S-1', '{illness,schooling}', '2021-06-01', NULL)$$,
  '... risk causes separated by semicolons, commas or as an array literal');
SELECT is((SELECT array_agg(target || ':' || rows_loaded ORDER BY id) FROM bulk_load WHERE target = 'monitored_household'),
  ARRAY['monitored_household:4'], '... logged in bulk_load');

SELECT is(pg_temp.errs('monitored_household',
  E'household_no,village_code,members,category,risk_causes,identified_on,identified_by,eliminated_on\n'
  || E'X-1,621027100002,2,sudden_hardship,illness,2021-05-01,visit,2021-04-01\n'
  || E'X-2,621027100002,2,sudden_hardship,illness,2021-05-01,visit,2021-05-01\n'
  || E'X-3,621027100002,2,sudden_hardship,illness,2021-01-01,visit,\n'
  || E'X-3,621027100002,2,sudden_hardship,illness,2021-06-01,visit,\n'
  || E'M-1,621027100002,3,sudden_hardship,illness,2021-08-01,visit,\n'
  || E'X-4,621027100002,2,exited_stable,illness,2021-05-01,visit,\n'
  || E'X-5,621027100002,2,sudden_hardship,illness;flood,2021-05-01,visit,\n'
  || E'X-6,621027100002,2,sudden_hardship,illness;;,2021-05-01,telephone,\n'
  || E'X-7,621027100002,2,exited_unstable,illness,2021-05-01,visit,\n'
  || E'H-1,621027100001,4,marginal_at_risk,illness,2023-01-01,visit,\n'
  || E'H-2,621027100001,3,sudden_hardship,illness,2021-05-01,visit,\n'
  || E'X-8,621027,2,sudden_hardship,illness,2021-05-01,visit,\n'
  || E'X-9,621027100002,2,sudden_hardship,,2021-05-01,visit,\n'),
  ARRAY['2 identified_on, eliminated_on 23514', '3 identified_on, eliminated_on 23514', '5 household_no, identified_on, eliminated_on 23P01',
        '6 household_no, identified_on, eliminated_on 23P01', '7 category 22P02', '8 risk_causes 22P02', '9 identified_by 22P02', '9 risk_causes 22P02',
        '10 category 23503', '11 category 23514', '12 identified_on 23514', '13 village_code 22023', '14 risk_causes 23502'],
  'every bad monitoring period is reported on its line with the SQLSTATE of the table''s guard');
SELECT is(pg_temp.counts(), 'lines 2, households 4, measures 0, incomes 0', '... and nothing of that file is loaded');
SELECT results_eq($$SELECT line, message FROM load_csv('monitored_household',
    E'household_no,village_code,members,category,risk_causes,identified_on,identified_by,eliminated_on\n'
    || E'X-3,621027100002,2,sudden_hardship,illness,2021-01-01,visit,\n'
    || E'X-3,621027100002,2,sudden_hardship,illness,2021-06-01,visit,\n'
    || E'X-5,621027100002,2,sudden_hardship,illness;flood,2021-05-01,visit,\n'
    || E'X-7,621027100002,2,exited_unstable,illness,2021-05-01,visit,\n'
    || E'H-2,621027100001,3,sudden_hardship,illness,2021-05-01,visit,\n') ORDER BY line$$,
  $$VALUES (3, 'X-3: the period from 2021-06-01 overlaps the one from 2021-01-01 on line 2'),
           (4, 'invalid input value for enum poverty_aid.risk_cause: "flood"'),
           (5, 'household X-7 has no poverty period exited by 2021-05-01: category exited_unstable needs one (marginal_at_risk or sudden_hardship for a household never registered)'),
           (6, 'household H-2 is in an open poverty period on 2021-05-01: its period registered on 2014-03-01 is not exited by then')$$,
  '... said in words that name the household, the value and the other line');
SELECT is(pg_temp.errs('monitored_household',
  E'household_no,village_code,members,category,risk_causes,identified_on,identified_by\n'
  || E'X-3,621027100002,2,sudden_hardship,illness,2021-01-01,visit\n'
  || E'X-4,621027100002,2,exited_stable,illness,2021-05-01,visit\n', true),
  ARRAY['3 category 22P02'], 'with only_valid the good rows of a bad file load');
SELECT is(pg_temp.counts(), 'lines 2, households 5, measures 0, incomes 0', '... one more monitored household');

-- Measures: by the ids of the household file above, or by household number -----------------------
SELECT is(pg_temp.errs('monitoring_measure', E'monitored_household_id,kind,helper_id,started_on,ended_on,note\n102,health,900001,2022-02-10,,医保\n104,education,,2021-06-05,2021-12-31,\n'),
  '{}'::text[], 'a measure file that names the household file''s own ids loads');
SELECT results_eq($$SELECT m.household_no, m.identified_on, x.kind::text, x.helper_id FROM monitoring_measure x JOIN monitored_household m ON m.id = x.monitored_household_id ORDER BY 1, 2$$,
  $$VALUES ('H-1', '2022-02-01'::date, 'health', 900001::bigint), ('S-1', '2021-06-01', 'education', NULL)$$,
  '... translated to the ids the households got');
SELECT is(pg_temp.errs('monitoring_measure', E'household_no,kind,started_on\nH-1,employment,2021-04-01\nH-1,insurance,2022-03-01\nM-1,housing,2021-05-01\n'),
  '{}'::text[], 'a measure file that names households by number loads');
SELECT results_eq($$SELECT x.kind::text, m.identified_on FROM monitoring_measure x JOIN monitored_household m ON m.id = x.monitored_household_id
                     WHERE x.kind IN ('employment', 'insurance', 'housing') ORDER BY 1$$,
  $$VALUES ('employment', '2021-03-01'::date), ('housing', '2021-05-01'), ('insurance', '2022-02-01')$$,
  '... each measure goes to the period of the household in which it starts');
SELECT is(pg_temp.errs('monitoring_measure',
  E'household_no,monitored_household_id,kind,started_on,ended_on\n'
  || E'H-1,,health,2021-12-15,\n'
  || E'H-1,,health,2020-01-01,\n'
  || E'H-1,,health,2021-04-01,2022-01-01\n'
  || E'S-1,,health,2021-07-01,2021-06-30\n'
  || E'Z-9,,health,2021-07-01,\n'
  || E',999999,health,2021-07-01,\n'
  || E'S-1,,massage,2021-07-01,\n'
  || E',,health,2021-07-01,\n'),
  ARRAY['2 started_on 23514', '3 started_on 23514', '4 started_on 23514', '5 started_on, ended_on 23514', '6 household_no 23503',
        '7 monitored_household_id 23503', '8 kind 22P02', '9 monitored_household_id 23502'],
  'measure errors: after elimination, before identification, ending after elimination, ending before it starts, unknown household, unknown kind, no household');
SELECT is((SELECT message FROM load_csv('monitoring_measure', E'household_no,kind,started_on\nH-1,health,2021-12-15\n')),
  'the measure runs from 2021-12-15 to open, outside the monitoring period of household H-1 from 2021-03-01 to 2021-12-01',
  '... a measure outside its period is said with both periods');
SELECT is(pg_temp.errs('monitoring_measure', E'kind,started_on\nhealth,2021-07-01\n'),
  ARRAY['1 monitored_household_id 42703'], 'a measure file without its household: a header error');
SELECT is(pg_temp.counts(), 'lines 2, households 5, measures 5, incomes 0', '... the bad measure files loaded nothing');

-- Incomes ---------------------------------------------------------------------------------------
SELECT is(pg_temp.errs('monitoring_income', E'household_no,year,village_code,per_capita_income\nM-1,2021,621027100002,4300.50\nS-1,2021,621027100002,5000\n'),
  '{}'::text[], 'an income file loads (household numbers are the table''s own, not references)');
SELECT is(pg_temp.errs('monitoring_income', E'household_no,year,village_code,per_capita_income\nM-1,2021,621027100002,1\nN-1,2021,621027100002,-1\nN-2,2021,621027,1\nN-3,2021,621027100002,1.234\nN-4,1999,621027100002,1\nN-5,2021,621027100002,1\nN-5,2021,621027100002,2\n'),
  ARRAY['2 household_no, year 23505', '3 per_capita_income 23514', '4 village_code 22023', '5 per_capita_income 22023', '6 year 23514', '8 household_no, year 23505'],
  'income errors: a key already in the register or twice in the file, a negative income, a county code, too many decimals, a year out of range');
SELECT is(pg_temp.errs('monitoring_income', convert_from(convert_to(E'household_no,year,village_code,per_capita_income\r\n户-9,2021,621027100002,4100\r\n', 'GB18030'), 'GB18030')),
  '{}'::text[], 'a GB18030 income file loads through convert_from');
SELECT is((SELECT village_code FROM monitoring_income WHERE household_no = '户-9'), '621027100002', '... its household number read correctly');
SELECT is(pg_temp.counts(), 'lines 2, households 5, measures 5, incomes 3', 'exact row counts after the good files');
SELECT is((SELECT count(*)::int FROM audit_log WHERE table_name IN ('monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income')
            AND operation = 'INSERT'), 15, 'loaded rows are audited like direct writes (2 lines, 5 households, 5 measures, 3 incomes)');

-- Who may load ---------------------------------------------------------------------------------
INSERT INTO monitored_household (household_no, village_code, members, category, risk_causes, identified_on, identified_by)
VALUES ('B-1', '653222100001', 2, 'sudden_hardship', '{disaster}', '2021-05-01', 'visit');
CREATE ROLE pa_lm_clerk;
SELECT grant_profile('pa_lm_clerk', 'clerk', ARRAY['621027']);
-- The ids of this transaction's earlier files are the superuser's table.
DROP TABLE pg_temp.pa_load_ids;
SET LOCAL ROLE pa_lm_clerk;
SELECT is(pg_temp.errs('monitored_household', E'household_no,village_code,members,category,risk_causes,identified_on,identified_by\nC-1,621027100002,2,sudden_hardship,illness,2021-05-01,visit\nC-2,653222100001,2,sudden_hardship,illness,2021-05-01,visit\n'),
  ARRAY['3 village_code 42501'], 'a clerk loads monitored households only into her county');
SELECT is(pg_temp.errs('monitoring_measure', E'household_no,kind,started_on\nB-1,health,2021-07-01\n'),
  ARRAY['2 household_no 23503'], 'nor can she add measures to another county''s household (she cannot see it)');
SELECT is(pg_temp.errs('monitoring_income', E'household_no,year,village_code,per_capita_income\nC-1,2021,621027100002,3000\n'),
  '{}'::text[], 'she loads incomes of her county');
SELECT throws_ok($$SELECT * FROM load_csv('monitoring_line', E'province_code,year,line\n620000,2022,4700\n')$$, '42501',
  'permission denied for table monitoring_line', 'she may not load monitoring lines, as she may not INSERT them');
RESET ROLE;
SELECT is(pg_temp.counts(), 'lines 2, households 6, measures 5, incomes 4', 'only her income was loaded');
SELECT is((SELECT string_agg(target || ':' || rows_loaded || '/' || rows_in_file, ' ' ORDER BY id) FROM bulk_load WHERE loaded_by = 'pa_lm_clerk'),
  'monitored_household:0/2 monitoring_measure:0/1 monitoring_income:1/1', 'her loads are logged, the refused ones with no rows loaded');

SELECT * FROM finish();
ROLLBACK;
