-- Bulk CSV load: load_csv() reports every bad row with its line, column,
-- value and SQLSTATE, and loads nothing unless the whole file is valid
-- (or only the valid rows when asked).  csv_records() is the parser.
BEGIN;
SELECT plan(29);
\ir fixtures/security.sql
SET search_path = poverty_aid, public;
SET client_min_messages = error;

-- The parser -----------------------------------------------------------------------------
SELECT results_eq($$SELECT line_no, fields FROM csv_records(E'a,b,c\n1,,""\n"x, ""y""",z,\n')$$,
  $$VALUES (1, ARRAY['a', 'b', 'c']), (2, ARRAY['1', NULL, '']), (3, ARRAY['x, "y"', 'z', NULL])$$,
  'csv_records: quotes, doubled quotes, NULL for an unquoted empty field, '''' for ""');
SELECT results_eq($$SELECT line_no, fields FROM csv_records(E'h\r\n"multi\r\nline"\r\n\r\nlast')$$,
  $$VALUES (1, ARRAY['h']), (2, ARRAY[E'multi\r\nline']), (5, ARRAY['last'])$$,
  'csv_records: CRLF, a field spanning lines, a blank line skipped, line numbers of the file');
SELECT results_eq($$SELECT line_no, fields FROM csv_records(E'a\rb\r')$$,
  $$VALUES (1, ARRAY['a']), (2, ARRAY['b'])$$, 'csv_records: CR line ends');
SELECT results_eq($$SELECT line_no, error FROM csv_records(E'a\n"b"c\nd"e\nf\n"open\n')$$,
  $$VALUES (1, NULL), (2, 'unexpected character "c" after a closing quote'),
           (3, 'unexpected quote inside an unquoted field; quote the whole field and double the quotes inside it'),
           (4, NULL), (5, 'unterminated quoted field: the quote opened on line 5 is never closed')$$,
  'csv_records: malformed records are reported on their line and parsing goes on');
SELECT is_empty($$SELECT * FROM csv_records('')$$, 'csv_records: an empty text has no records');

-- A good file ----------------------------------------------------------------------------
SET SESSION AUTHORIZATION pa_t_clerk_a;
SELECT is_empty($$SELECT * FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on,exited_on,poverty_cause\nHA-10,621027100001,3,2020-01-05,,illness\nHA-11,621027100002,2,2020-01-06,2020-12-01,\n"HA-12",621027100002,1,2020-01-07,,disability\n')$$,
  'a good household file reports no errors');
SELECT results_eq($$SELECT household_no, village_code, members, exited_on, poverty_cause::text FROM poverty_aid.household WHERE household_no IN ('HA-10', 'HA-11', 'HA-12') ORDER BY 1$$,
  $$VALUES ('HA-10', '621027100001', 3, NULL::date, 'illness'), ('HA-11', '621027100002', 2, '2020-12-01'::date, 'other'), ('HA-12', '621027100002', 1, NULL, 'disability')$$,
  '... and loads every row (defaults for empty optional fields)');
SELECT is_empty($$SELECT * FROM poverty_aid.load_csv('person', E'household_no,name,resident_id,relation,is_labour\nHA-10,李四,62102719800101002' || poverty_aid.resident_id_check_character('62102719800101002') || E',head,true\nHA-10,李小四,,child,no\n')$$,
  'a good person file (households found by number) reports no errors');
SELECT is((SELECT count(*)::int FROM poverty_aid.person_masked p JOIN poverty_aid.household h ON h.id = p.household_id WHERE h.household_no = 'HA-10'), 2,
  '... and loads both persons');
SELECT is_empty($$SELECT * FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,in_place_on,note\n900001,100.50,2020-03-01,"first, part"\n900001,0.05,2020-03-02,\n')$$,
  'a good transfer file reports no errors');
SELECT is((SELECT sum(amount) FROM poverty_aid.fund_transfer WHERE fund_id = 900001), 600100.55, '... and the amounts add up exactly');

-- A bad file: every bad row reported, nothing loaded ---------------------------------------
SELECT count(*) AS hh_before FROM poverty_aid.household \gset
SELECT results_eq($$SELECT line, column_name, value, sqlstate FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on,exited_on,poverty_cause\nHA-20,621027100001,3,2020-01-05,,illness\nHA-21,621027100002,0,2020-01-05,,\nHA-22,653222100001,2,2020-01-05,,\nHA-23,621027100001,x,2020-02-30,,flu\nHA-24,621027100001,2,2020-01-05,2019-01-01,\nHA-25,621027100001,2\nHA-1,621027100001,2,2020-01-05,,\n"bad"x,1,2,3,4,5\n,621027000000,1,2020-01-01,,\nHA-26,62102710000A,1,2020-01-01,,\n')$$,
  $$VALUES (3, 'members', '0', '23514'),
           (4, 'village_code', '653222100001', '42501'),
           (5, 'members', 'x', '22P02'),
           (5, 'poverty_cause', 'flu', '22P02'),
           (5, 'registered_on', '2020-02-30', '22008'),
           (6, 'registered_on, exited_on', NULL, '23514'),
           (7, NULL, NULL, '22P04'),
           (8, 'household_no, registered_on, exited_on', NULL, '23P01'),
           (9, NULL, NULL, '22P04'),
           (10, 'household_no', NULL, '23502'),
           (10, 'village_code', '621027000000', '22023'),
           (11, 'village_code', '62102710000A', '22023')$$,
  'a bad household file: every bad row with its line, column, value and SQLSTATE (several per row when several columns are bad)');
SELECT is((SELECT count(*) FROM poverty_aid.household), :hh_before::bigint, '... and nothing is loaded, not even its good row');
SELECT results_eq($$SELECT message FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on\nHA-22,653222100001,2,2020-01-05\n')$$,
  $$VALUES ('village 653222100001 is outside the regions assigned to you')$$, 'the reason is a sentence that names the value');
SELECT results_eq($$SELECT line, column_name, value, sqlstate FROM poverty_aid.load_csv('person', E'household_no,name,resident_id\nHB-1,王五,\nHA-10,,\nHA-10,赵六,110105194912310021\nHA-10,钱七,1101051949\n')$$,
  $$VALUES (2, 'household_no', 'HB-1', '23503'), (3, 'name', NULL, '23502'),
           (4, 'resident_id', '110105194912310021', '22023'), (5, 'resident_id', '1101051949', '22023')$$,
  'a bad person file: a household of another county, a missing name, a wrong check character, a short ID');
SELECT results_eq($$SELECT line, column_name, value, sqlstate FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,in_place_on\n900001,100.005,2020-03-01\n900002,1,2020-03-01\n900001,NaN,2020-03-01\n900001,-5,2020-03-01\n999,1,2020-01-01\nabc,1,2020-01-01\n900001,1e30,2020-01-01\n900001,1,yesterday-ish\n')$$,
  $$VALUES (2, 'amount', '100.005', '22023'), (3, 'fund_id', '900002', '23503'), (4, 'amount', 'NaN', '22023'),
           (5, 'amount', '-5', '23514'), (6, 'fund_id', '999', '23503'), (7, 'fund_id', 'abc', '22P02'),
           (8, 'amount', '1e30', '22003'), (9, 'in_place_on', 'yesterday-ish', '22007')$$,
  'a bad transfer file: rounding, another county''s fund, NaN, a negative amount, an unknown fund, a non-number, an overflow, a bad date');
SELECT results_eq($$SELECT line, column_name, sqlstate FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,Fund_ID,bogus\n')$$,
  $$VALUES (1, 'bogus', '42703'), (1, 'fund_id', '42701'), (1, 'in_place_on', '42703')$$,
  'a bad header: unknown, duplicate and missing columns are reported on line 1');
SELECT results_eq($$SELECT line, sqlstate, message FROM poverty_aid.load_csv('fund_transfer', '')$$,
  $$VALUES (1, '22P04', 'the file is empty: a header line is required')$$, 'an empty file is an error');
SELECT results_eq($$SELECT line, sqlstate FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,in_place_on,note\n900001,1,2020-03-01,"unterminated\n900001,2,2020-03-02,\n')$$,
  $$VALUES (2, '22P04')$$, 'an unterminated quote is reported on the line where it opens');
SELECT results_eq($$SELECT line, column_name, sqlstate FROM poverty_aid.load_csv('fund_transfer', E'fund_id,amount,in_place_on,note\n900001,1,2020-03-01,"two\nlines"\n900001,x,2020-03-02,\n')$$,
  $$VALUES (4, 'amount', '22P02')$$, 'line numbers count the lines inside quoted fields');
SELECT throws_ok($$SELECT * FROM poverty_aid.load_csv('job_run', 'job')$$, '22023', 'invalid load target', 'an unknown target is an error');

-- Only the valid rows, when asked ------------------------------------------------------------
SELECT results_eq($$SELECT line, column_name FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on\nHA-30,621027100001,3,2020-01-05\nHA-31,621027100001,0,2020-01-05\nHA-32,621027100002,1,2020-01-05\n', only_valid => true)$$,
  $$VALUES (3, 'members')$$, 'only_valid: the bad row is reported ...');
SELECT results_eq($$SELECT household_no FROM poverty_aid.household WHERE household_no LIKE 'HA-3_' ORDER BY 1$$,
  $$VALUES ('HA-30'), ('HA-32')$$, '... and the valid rows are loaded');

-- The load log and the audit trail -----------------------------------------------------------
SELECT results_eq($$SELECT target, rows_in_file, rows_loaded, rows_rejected, errors, only_valid FROM poverty_aid.bulk_load ORDER BY id$$,
  $$VALUES ('household', 3, 3, 0, 0, false), ('person', 2, 2, 0, 0, false), ('fund_transfer', 2, 2, 0, 0, false),
           ('household', 10, 0, 10, 12, false), ('household', 1, 0, 1, 1, false), ('person', 4, 0, 4, 4, false),
           ('fund_transfer', 8, 0, 8, 8, false), ('fund_transfer', 0, 0, 0, 3, false), ('fund_transfer', 0, 0, 0, 1, false),
           ('fund_transfer', 1, 0, 1, 1, false), ('fund_transfer', 2, 0, 2, 1, false), ('household', 3, 2, 1, 1, true)$$,
  'every call is in the load log with its counts');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM poverty_aid.audit_log WHERE table_name = 'household' AND operation = 'INSERT' AND role_name = 'pa_t_clerk_a'), 5,
  'the loaded households are in the audit trail, and the rejected ones are not');
SET SESSION AUTHORIZATION pa_t_clerk_b;
SELECT is_empty($$SELECT * FROM poverty_aid.bulk_load$$, 'another clerk does not see the load log of clerk A');
SELECT is_empty($$SELECT * FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on\nHB-5,653222100001,1,2020-01-01\n')$$,
  'clerk B loads into her county');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION pa_t_admin;
SELECT is((SELECT count(*)::int FROM poverty_aid.bulk_load), 13, 'the admin sees every load');
SELECT is_empty($$SELECT * FROM poverty_aid.load_csv('household', E'household_no,village_code,members,registered_on\nHB-6,653222100001,1,2020-01-01\nHA-40,621027100001,1,2020-01-01\n')$$,
  'the admin loads into any county');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
