#!/usr/bin/env bash
# The household tally (sql/ext/52_household_tally.sql) against the register.
#
# The reference is register_values() (the register part of
# indicator_values()) as it was before the tally: the same function text
# with the tally's per-village sums replaced by the plain SQL over household
# and employment it used to run (row_number() over each household's
# periods), and monitoring_values() without the tally's answer to whether
# any household can have come back to poverty this year.  On the
# sample data set, at 6 random dates and 6 edges of years and months, the
# register indicators, by county and by village, must equal
# the reference key by key; so after random inserts, updates and deletes of
# every kind (earlier periods that become a household's first, moves between
# villages, renumbering, deletes), after compaction, and after 8 concurrent
# pgbench clients writing periods of the same few households at READ
# COMMITTED and SERIALIZABLE together.  Also: REPEATABLE READ, TRUNCATE
# empties the tally, readers see only their villages, nobody writes it.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_tally
SRC=$POVERTY_AID_SRC
DIR=$(mktemp -d /tmp/poverty_aid_tally.XXXXXX)
chmod 755 "$DIR"
drop_all() {
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	for r in pa_t_tally_clerk pa_t_tally_none; do sql postgres "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap 'rm -rf "$DIR"; drop_all' EXIT
drop_all
sqlv() {	# sqlv DB QUERY — like sql, with the SQLSTATE in error messages
	local db=$1
	shift
	"${PSQL_T[@]}" -v VERBOSITY=verbose -d "$db" -c "$*"
}
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
start=$(date +%s)
"${PSQL_T[@]}" -d "$DB" -f "$SRC/test/data/tianjin_2020.sql" >/dev/null
ok $? "the sample loads, the tally filled by the trigger (in $(( $(date +%s) - start )) s)"

is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" \
	"after the load every village, year, month and day of the tally equals the register's sums"
echo "# tally: $(sql "$DB" "SELECT count(*) || ' rows (' || string_agg(grain::text || ' ' || n, ', ' ORDER BY grain) || '), '
	  || pg_size_pretty(pg_total_relation_size('poverty_aid.household_tally')) || ' with its indexes'
	  FROM (SELECT grain, count(*) n FROM poverty_aid.household_tally GROUP BY 1) g")"

# The reference: register_values() reading the register as before the tally.
"${PSQL_T[@]}" -d "$DB" >/dev/null <<'SQL'
CREATE SCHEMA pa_ref;
DO $$
DECLARE
  def text := pg_get_functiondef('poverty_aid.register_values(date, poverty_aid.region_level, text)'::regprocedure);
  call text := 'poverty_aid.household_tally_village(as_of, lo, hi)';
  plain text := $q$(
    SELECT coalesce(p.village_code, j.village_code) AS village_code, coalesce(p.periods, 0) AS periods,
           coalesce(p.exits, 0) AS exits, coalesce(p.baseline, 0) AS baseline, coalesce(p.poor, 0) AS poor,
           coalesce(j.jobs, 0) AS jobs
      FROM (
      SELECT h.village_code, count(*) AS periods, count(*) FILTER (WHERE h.exited_on <= as_of) AS exits,
             coalesce(sum(h.members) FILTER (WHERE h.period_no = 1), 0)::bigint AS baseline,
             coalesce(sum(h.members) FILTER (WHERE h.exited_on IS NULL OR h.exited_on > as_of), 0)::bigint AS poor
        FROM (SELECT x.*, row_number() OVER (PARTITION BY x.household_no ORDER BY x.registered_on, x.id) AS period_no
                FROM poverty_aid.household x WHERE x.registered_on <= as_of) h
       WHERE h.village_code BETWEEN lo AND hi
       GROUP BY 1) p
      FULL JOIN (
      SELECT h.village_code, count(*) AS jobs
        FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id
       WHERE e.employed_on BETWEEN year_start AND as_of AND h.village_code BETWEEN lo AND hi
       GROUP BY 1) j ON j.village_code = p.village_code)$q$;
BEGIN
  IF position(call IN def) = 0 THEN
    RAISE EXCEPTION 'register_values() does not read household_tally_village()';
  END IF;
  def := replace(def, call, plain);
  def := replace(def, 'FUNCTION poverty_aid.register_values(', 'FUNCTION pa_ref.register_values(');
  EXECUTE def;
  -- monitoring_values() without the tally's answer to whether any household
  -- can have come back this year: it always searches for earlier periods.
  def := pg_get_functiondef('poverty_aid.monitoring_values(date, poverty_aid.region_level, text)'::regprocedure);
  call := 'WHERE returns AND h.village_code';
  IF position(call IN def) = 0 THEN
    RAISE EXCEPTION 'monitoring_values() does not ask the household tally';
  END IF;
  def := replace(def, call, 'WHERE h.village_code');
  def := replace(def, 'FUNCTION poverty_aid.monitoring_values(', 'FUNCTION pa_ref.monitoring_values(');
  EXECUTE def;
END
$$;
-- Every row of both for a date and grouping, as text, and whether they agree.
CREATE FUNCTION pa_ref.differences(d date, by_level poverty_aid.region_level DEFAULT NULL, root text DEFAULT NULL)
  RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
    (SELECT v::text FROM poverty_aid.register_values(d, by_level, root) v EXCEPT ALL
     SELECT r::text FROM pa_ref.register_values(d, by_level, root) r)
    UNION ALL
    (SELECT r::text FROM pa_ref.register_values(d, by_level, root) r EXCEPT ALL
     SELECT v::text FROM poverty_aid.register_values(d, by_level, root) v)
    UNION ALL
    (SELECT v::text FROM poverty_aid.monitoring_values(d, by_level, root) v EXCEPT ALL
     SELECT r::text FROM pa_ref.monitoring_values(d, by_level, root) r)
    UNION ALL
    (SELECT r::text FROM pa_ref.monitoring_values(d, by_level, root) r EXCEPT ALL
     SELECT v::text FROM poverty_aid.monitoring_values(d, by_level, root) v)) x
$$;
SQL
ok $? "the reference implementation is created from register_values()'s own text"

# Dates: the edges of a year and of months, and 6 random ones (fixed seed).
dates=$(sql "$DB" "SELECT setseed(0.1313); SELECT string_agg(d::text, ' ' ORDER BY d) FROM (
	SELECT unnest(ARRAY['2014-01-01', '2014-12-31', '2015-01-01', '2016-02-29', '2016-03-01', '2020-03-31']::date[]) d
	UNION SELECT date '2013-06-01' + (random() * 2800)::integer FROM generate_series(1, 6)) x" | tail -1)
village_dates="2016-03-01 2020-03-31"
compare_all() {	# compare_all WHAT — the register and by county at every date, by village at three
	local d bad=0 n=0 level
	for d in $dates; do
		for level in NULL "'county'"; do
			diff=$(sql "$DB" "SET client_min_messages = error; SELECT pa_ref.differences('$d', $level)")
			n=$((n + 1))
			if [ "$diff" != 0 ]; then bad=$((bad + 1)); echo "#   $d by $level: $diff rows differ"; fi
		done
	done
	for d in $village_dates; do
		diff=$(sql "$DB" "SET client_min_messages = error; SELECT pa_ref.differences('$d', 'village')")
		n=$((n + 1))
		if [ "$diff" != 0 ]; then bad=$((bad + 1)); echo "#   $d by village: $diff rows differ"; fi
	done
	is "$bad" "0" "$1: register_values() and monitoring_values() equal the reference, every row, for the register and by county at $(echo $dates | wc -w) dates and by village at $(echo $village_dates | wc -w) ($n comparisons)"
}
compare_all "sample"
for d in 2014-12-31 2017-06-30 2020-03-31; do
	is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check('$d')")" "0" "household_tally_check('$d'): every village agrees"
done

# Random writes of every kind, each statement its own transaction.
"${PSQL_T[@]}" -d "$DB" >"$DIR/writes.out" 2>&1 <<'SQL'
\set ON_ERROR_STOP 0
SET row_security = off;
-- An earlier period for households first registered after 2015: it
-- becomes their first, with other members.
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on)
SELECT household_no, village_code, members % 5 + 1, min_reg - 500, min_reg - 200
  FROM (SELECT household_no, min(village_code) AS village_code, min(members) AS members, min(registered_on) AS min_reg
          FROM poverty_aid.household GROUP BY 1 HAVING min(registered_on) > '2015-06-01' ORDER BY 1 LIMIT 300) h;
-- A later period (falling back) for some that exited.
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on)
SELECT h.household_no, h.village_code, h.members + 1, h.exited_on + 30
  FROM poverty_aid.household h
 WHERE h.exited_on IS NOT NULL AND h.exited_on < '2019-01-01'
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household l WHERE l.household_no = h.household_no AND l.registered_on > h.registered_on)
 ORDER BY h.id LIMIT 400;
-- New households, one statement each.
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on)
  VALUES ('TALLY-NEW-1', (SELECT min(code) FROM poverty_aid.region WHERE level = 'village'), 4, '2016-02-29');
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on)
  VALUES ('TALLY-NEW-2', (SELECT max(code) FROM poverty_aid.region WHERE level = 'village'), 2, '2014-01-01', '2014-01-01');
-- Members, exits, reopening.
UPDATE poverty_aid.household SET members = members + 2 WHERE id % 97 = 3;
UPDATE poverty_aid.household SET exited_on = exited_on - 3 WHERE id % 89 = 5 AND exited_on - 3 >= registered_on;
UPDATE poverty_aid.household h SET exited_on = NULL WHERE h.id % 83 = 7 AND h.exited_on IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household l WHERE l.household_no = h.household_no AND l.registered_on > h.registered_on);
-- The first period moved later than the second's start would overlap; move
-- registration days within the period instead, which can change nothing
-- about firstness... and some that do: a first period registered later.
UPDATE poverty_aid.household SET registered_on = registered_on + 1 WHERE id % 71 = 1 AND (exited_on IS NULL OR exited_on > registered_on + 1);
-- Moves to another village (of another county).
UPDATE poverty_aid.household SET village_code = (SELECT max(code) FROM poverty_aid.region WHERE level = 'village')
 WHERE id % 101 = 11;
-- Jobs: new ones over every year (several on one day in one village), some
-- moved to another day (across months and years) or to another household
-- (of another village), some deleted.
INSERT INTO poverty_aid.employment (household_id, place, employed_on)
SELECT h.id, 'local', date '2014-01-01' + ((h.id * 37) % 2400)::integer
  FROM poverty_aid.household h WHERE h.id % 53 = 2;
INSERT INTO poverty_aid.employment (household_id, place, employed_on)
SELECT h.id, 'elsewhere', date '2019-12-31' FROM poverty_aid.household h WHERE h.id % 211 = 4;
UPDATE poverty_aid.employment SET employed_on = employed_on + 200 WHERE id % 7 = 1 AND (ended_on IS NULL OR ended_on >= employed_on + 200);
UPDATE poverty_aid.employment SET employed_on = employed_on - 1 WHERE employed_on = date '2019-12-31';
UPDATE poverty_aid.employment e SET household_id = (SELECT max(id) FROM poverty_aid.household) WHERE e.id % 11 = 2;
DELETE FROM poverty_aid.employment WHERE id % 13 = 3;
-- Households with jobs move to another village: their jobs go with them.
UPDATE poverty_aid.household SET village_code = (SELECT min(code) FROM poverty_aid.region WHERE level = 'village')
 WHERE id IN (SELECT household_id FROM poverty_aid.employment WHERE id % 5 = 0);
-- ... and a job and its household's move in one transaction.
BEGIN;
INSERT INTO poverty_aid.employment (household_id, place, employed_on)
  SELECT min(id), 'local', date '2017-05-05' FROM poverty_aid.household;
UPDATE poverty_aid.household SET village_code = (SELECT max(code) FROM poverty_aid.region WHERE level = 'village')
 WHERE id = (SELECT min(id) FROM poverty_aid.household);
COMMIT;
-- Renumbering: a household takes another number (its periods move together).
UPDATE poverty_aid.household SET household_no = household_no || '-R' WHERE household_no IN
  (SELECT household_no FROM poverty_aid.household GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 50);
-- Merging: the single-period households of one village take one number
-- where their periods do not overlap is too rare; delete instead.
DELETE FROM poverty_aid.household h WHERE h.id % 61 = 13
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.person p WHERE p.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.employment e WHERE e.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.project_beneficiary b WHERE b.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.pairing x WHERE x.target_household_id = h.id);
-- The first period of multi-period households deleted: the second becomes first.
DELETE FROM poverty_aid.household h WHERE h.id IN (
  SELECT DISTINCT ON (household_no) id FROM poverty_aid.household
   WHERE household_no IN (SELECT household_no FROM poverty_aid.household GROUP BY 1 HAVING count(*) > 1)
   ORDER BY household_no, registered_on) AND h.id % 3 = 0
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.person p WHERE p.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.employment e WHERE e.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.project_beneficiary b WHERE b.household_id = h.id)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.pairing x WHERE x.target_household_id = h.id);
-- A transaction that fails after its writes leaves the tally as it was ...
BEGIN;
UPDATE poverty_aid.household SET members = members + 1 WHERE id % 50 = 0;
SELECT 1 / 0;
COMMIT;
-- ... and so does one that rolls back.
BEGIN;
DELETE FROM poverty_aid.household WHERE household_no = 'TALLY-NEW-1';
DELETE FROM poverty_aid.employment WHERE id % 2 = 0;
ROLLBACK;
SELECT 'changes ' || count(*) FROM poverty_aid.household_tally;
SQL
grep -q "division by zero" "$DIR/writes.out"
ok $? "the writes ran (one failing transaction by design)"
grep "ERROR" "$DIR/writes.out" | grep -v "division by zero" | sed 's/^/# /'
is "$(grep -c ERROR "$DIR/writes.out")" "1" "no other statement failed"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" \
	"after inserts, updates, moves, renumbering, deletes, a failed statement and a rollback the tally equals the register"
compare_all "after the writes"
is "$(sql "$DB" "SET client_min_messages = error; SELECT sum(v.value) > 0 FROM unnest('{$(echo $dates | tr ' ' ',')}'::date[]) d
	CROSS JOIN LATERAL poverty_aid.monitoring_values(d) v WHERE v.key = 'returned_to_poverty'")" "t" \
	"after the writes some households came back at those dates: both ways of counting them were compared"

before=$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally")
keys=$(sql "$DB" "SELECT count(*) FROM (SELECT DISTINCT village_code, grain, bucket FROM poverty_aid.household_tally) k")
ok $([ "$keys" -lt "$before" ]; echo $?) "the writes appended rows: $before rows for $keys keys (village, grain, bucket)"
is "$(sql "$DB" "SELECT rows_before || ' ' || (rows_after <= $keys) FROM poverty_aid.household_tally_compact()")" "$before true" \
	"household_tally_compact() merges the $before rows into at most one per key"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" "after compaction the tally still equals the register"
is "$(sql "$DB" "SELECT count(*) FROM (SELECT 1 FROM poverty_aid.household_tally GROUP BY village_code, grain, bucket HAVING count(*) > 1) x")" "0" \
	"after compaction one row per village, grain and bucket"
is "$(sql "$DB" "SET client_min_messages = error; SELECT pa_ref.differences('2020-03-31', 'county') + pa_ref.differences('2017-06-30')")" "0" \
	"after compaction the report equals the reference"

# Concurrent writers on the same 12 household numbers: 8 clients, half at
# READ COMMITTED and half SERIALIZABLE, inserting (non-overlapping periods:
# ON CONFLICT DO NOTHING skips overlaps), updating and deleting periods; in
# the same transactions, jobs of 6 other households added, moved to another
# day or household and deleted while those households move between two
# villages.
village=$(sql "$DB" "SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code > '6532'")
village2=$(sql "$DB" "SELECT max(code) FROM poverty_aid.region WHERE level = 'village'")
sql "$DB" "INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on)
	SELECT 'TALLY-J-' || n, '$village', 3, date '2013-01-01' FROM generate_series(1, 6) n" >/dev/null
for iso in "READ COMMITTED" "SERIALIZABLE"; do
	f=$DIR/writer_${iso// /_}.sql
	cat >"$f" <<SQL
\set n random(1, 12)
\set k random(0, 2000)
\set op random(1, 10)
\set j random(1, 6)
\set op2 random(1, 10)
BEGIN ISOLATION LEVEL $iso;
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on)
  SELECT 'TALLY-C-' || :n, CASE WHEN :k % 2 = 0 THEN '$village' ELSE '$village2' END, 1 + :k % 6,
         date '2014-01-01' + :k * 2, CASE WHEN :k % 3 = 0 THEN NULL ELSE date '2014-01-01' + :k * 2 + 1 END
   WHERE :op <= 6 ON CONFLICT DO NOTHING;
UPDATE poverty_aid.household SET members = members % 6 + 1
 WHERE household_no = 'TALLY-C-' || :n AND :op IN (7, 8) AND id = (SELECT max(id) FROM poverty_aid.household WHERE household_no = 'TALLY-C-' || :n);
DELETE FROM poverty_aid.household
 WHERE household_no = 'TALLY-C-' || :n AND :op >= 9 AND id = (SELECT min(id) FROM poverty_aid.household WHERE household_no = 'TALLY-C-' || :n);
INSERT INTO poverty_aid.employment (household_id, place, employed_on)
  SELECT id, 'local', date '2014-01-01' + :k FROM poverty_aid.household WHERE household_no = 'TALLY-J-' || :j AND :op2 <= 4;
UPDATE poverty_aid.household SET village_code = CASE WHEN village_code = '$village' THEN '$village2' ELSE '$village' END
 WHERE household_no = 'TALLY-J-' || :j AND :op2 IN (5, 6);
UPDATE poverty_aid.employment SET employed_on = employed_on + 40
 WHERE :op2 = 7 AND id = (SELECT min(e.id) FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id
                           WHERE h.household_no = 'TALLY-J-' || :j);
UPDATE poverty_aid.employment SET household_id = (SELECT id FROM poverty_aid.household WHERE household_no = 'TALLY-J-' || (:j % 6 + 1))
 WHERE :op2 = 8 AND id = (SELECT max(e.id) FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id
                           WHERE h.household_no = 'TALLY-J-' || :j);
DELETE FROM poverty_aid.employment
 WHERE :op2 >= 9 AND id = (SELECT max(e.id) FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id
                            WHERE h.household_no = 'TALLY-J-' || :j);
COMMIT;
SQL
done
"$POVERTY_AID_BIN/pgbench" -n -U postgres -c 4 -j 2 -t 150 --max-tries=100 --random-seed=7 -f "$DIR/writer_READ_COMMITTED.sql" "$DB" >"$DIR/rc.out" 2>&1 &
"$POVERTY_AID_BIN/pgbench" -n -U postgres -c 4 -j 2 -t 150 --max-tries=100 --random-seed=8 -f "$DIR/writer_SERIALIZABLE.sql" "$DB" >"$DIR/ser.out" 2>&1 &
wait
for f in rc ser; do
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	is "$n ${failed:-0}" "600 0" "$f: 4 concurrent clients committed 600 transactions, ${retried:-0} retried after a serialization failure or deadlock, none failed"
	[ "$n ${failed:-0}" = "600 0" ] || grep -E 'ERROR|error' "$DIR/$f.out" | head -5 | sed 's/^/# /'
done
echo "# concurrent: $(sql "$DB" "SELECT count(*) || ' periods of ' || count(DISTINCT household_no) || ' households' FROM poverty_aid.household WHERE household_no LIKE 'TALLY-C-%'")"
echo "# concurrent: $(sql "$DB" "SELECT count(*) || ' jobs of households ' || string_agg(DISTINCT h.household_no || ' in ' || h.village_code, ', ') FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id WHERE h.household_no LIKE 'TALLY-J-%'")"
is "$(sql "$DB" "SELECT count(*) > 50 FROM poverty_aid.employment e JOIN poverty_aid.household h ON h.id = e.household_id WHERE h.household_no LIKE 'TALLY-J-%'")" "t" \
	"the concurrent writers left jobs of the moving households"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" \
	"after 8 concurrent writers on the same households and jobs the tally equals the register"
is "$(sql "$DB" "SET client_min_messages = error; SELECT pa_ref.differences('2016-06-30', 'village', '$(echo "$village" | cut -c1-6)')
	+ pa_ref.differences('2016-06-30', 'village', '$(echo "$village2" | cut -c1-6)')")" "0" \
	"and the village reports of their two counties equal the reference"

# Isolation levels.
is "$(sql "$DB" "BEGIN ISOLATION LEVEL REPEATABLE READ; UPDATE poverty_aid.household SET members = members + 1 WHERE id = 1;
	SELECT count(*) FROM poverty_aid.household_tally_check('2020-03-31'); ROLLBACK")" "0" "a write at REPEATABLE READ is taken, and tallied"
is "$(sql "$DB" "BEGIN ISOLATION LEVEL SERIALIZABLE; UPDATE poverty_aid.household SET members = members + 1 WHERE id = 1;
	SELECT count(*) FROM poverty_aid.household_tally_check('2020-03-31'); ROLLBACK")" "0" "a write at SERIALIZABLE is taken, and tallied"
is "$(sql "$DB" "BEGIN ISOLATION LEVEL REPEATABLE READ; INSERT INTO poverty_aid.employment (household_id, place, employed_on) SELECT min(id), 'local', date '2020-03-02' FROM poverty_aid.household;
	SELECT count(*) FROM poverty_aid.household_tally_check('2020-03-31'); ROLLBACK")" "0" "a job written at REPEATABLE READ is taken, and tallied"

# Privileges: readers see their villages only; nobody writes the tally.
county=$(echo "$village" | cut -c1-6)
sql postgres "CREATE ROLE pa_t_tally_clerk LOGIN; CREATE ROLE pa_t_tally_none LOGIN" >/dev/null
sql "$DB" "SELECT poverty_aid.grant_profile('pa_t_tally_clerk', 'clerk', ARRAY['$county'])" >/dev/null
is "$(sql "$DB" "SET ROLE pa_t_tally_clerk; SELECT count(*) FILTER (WHERE village_code NOT LIKE '$county%') || ' ' || (count(*) > 0)::text FROM poverty_aid.household_tally")" \
	"0 true" "a clerk reads the tally of her county's villages only"
is "$(sql "$DB" "BEGIN; SET ROLE pa_t_tally_clerk;
	INSERT INTO poverty_aid.employment (household_id, place, employed_on)
	  SELECT min(id), 'local', date '2020-03-03' FROM poverty_aid.household WHERE village_code LIKE '$county%';
	RESET ROLE; SELECT count(*) FROM poverty_aid.household_tally_check('2020-03-31'); ROLLBACK")" "0" \
	"a job a clerk records is tallied (the trigger writes the tally for her)"
is "$(sqlv "$DB" "SET ROLE pa_t_tally_none; SELECT count(*) FROM poverty_aid.household_tally" 2>&1 | grep -o '42501' | head -1)" "42501" \
	"a role without a profile cannot reach the tally (no USAGE on the schema)"
sql "$DB" "GRANT USAGE ON SCHEMA poverty_aid TO pa_t_tally_none" >/dev/null
is "$(sql "$DB" "SET ROLE pa_t_tally_none; SELECT count(*) FROM poverty_aid.household_tally")" "0" \
	"given USAGE on the schema by mistake, it reads no row of the tally (row security: no read scope)"
for stmt in "INSERT INTO poverty_aid.household_tally VALUES ('${village}', 'y', '2014-01-01', 1, 0, 1000, 0, 1000)" \
	"UPDATE poverty_aid.household_tally SET members = members + 1000" \
	"DELETE FROM poverty_aid.household_tally" "TRUNCATE poverty_aid.household_tally" \
	"SELECT poverty_aid.household_tally_rebuild()" "SELECT * FROM poverty_aid.household_tally_compact()"; do
	is "$(sqlv "$DB" "SET ROLE pa_t_tally_clerk; $stmt" 2>&1 | grep -o '42501' | head -1)" "42501" "a clerk cannot: ${stmt:0:60}"
done
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.household_tally_check()")" "0" "after those attempts the tally still equals the register"

# Rebuild and truncate.
is "$(sql "$DB" "SELECT poverty_aid.household_tally_rebuild() > 0; SELECT count(*) FROM poverty_aid.household_tally_check()" | tr '\n' ' ')" "t 0 " \
	"household_tally_rebuild() recomputes it from the register"
is "$(sql "$DB" "BEGIN; SET client_min_messages = warning; TRUNCATE poverty_aid.household CASCADE;
	SELECT count(*) FROM poverty_aid.household_tally; ROLLBACK")" "0" "TRUNCATE household empties the tally"
is "$(sql "$DB" "BEGIN; TRUNCATE poverty_aid.employment;
	SELECT count(*) FROM poverty_aid.household_tally_check(); SELECT coalesce(sum(jobs), 0) || ' ' || (sum(periods) > 0) FROM poverty_aid.household_tally; ROLLBACK" | tr '\n' ' ')" "0 0 true " \
	"TRUNCATE employment takes every job out of the tally and leaves the periods"
done_testing
