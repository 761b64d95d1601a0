#!/usr/bin/env bash
# The income distribution (sql/ext/53_income_distribution.sql) against the
# register.
#
# The reference is income_values() as it was before the distribution: the
# same function text with use_dist forced false, so that it always joins
# household_income to household.  On the national data set at scale 0.002
# (22 provinces, the 2019 incomes), at fixed and random dates, for the whole
# register, by province, by prefecture, by county, for a province, by
# prefecture and by county of a province, for a prefecture and by county of
# it, and for a county, income_values() must equal the reference row by row (every
# column, as text: the measures over the distribution are the same doubles
# as over the incomes); so after random inserts, updates and deletes of
# every kind (new years, incomes changed, years changed, incomes given to
# other households, members changed, households moved to another province
# or to another county of the same province, a failed statement, a
# rollback, a savepoint), after compaction, and after
# 8 concurrent pgbench clients writing incomes and members of the same few
# households at READ COMMITTED, REPEATABLE READ and SERIALIZABLE together.
# Also: income_distribution_check() agrees at every step, the real function
# does read the distribution, TRUNCATE empties it, readers of a province or a
# county see only its rows and get the reference's figures, nobody writes it.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

DB=poverty_aid_incdist
SRC=$POVERTY_AID_SRC
DIR=$(mktemp -d /tmp/poverty_aid_incdist.XXXXXX)
chmod 755 "$DIR"
ROLES="pa_t_incdist_prov pa_t_incdist_county pa_t_incdist_none pa_t_incdist_viewer pa_t_incdist_bypass"
drop_all() {
	sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	for r in $ROLES; do sql postgres "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap 'rm -rf "$DIR"; drop_all' EXIT
drop_all
sqlv() {	# sqlv DB QUERY — like sql, with the SQLSTATE in error messages
	local db=$1
	shift
	"${PSQL_T[@]}" -v VERBOSITY=verbose -d "$db" -c "$*"
}
t0=$(date +%s)
sql postgres "CREATE DATABASE $DB" >/dev/null
sql "$DB" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
start=$(date +%s)
"${PSQL_T[@]}" -d "$DB" -v scale=0.002 -f "$SRC/test/data/national.sql" >/dev/null
ok $? "the national data set loads at scale 0.002, the distribution filled by the trigger (in $(( $(date +%s) - start )) s)"

P=520000			# a province (Guizhou) ...
C=522327			# ... one of its counties (Ceheng)
F=522300			# ... and its prefecture (Qianxinan)
P2=530000			# another province (Yunnan)
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution_check()")" "0" \
	"after the load every year, province and income of the distribution equals the register's counts"
is "$(sql "$DB" "SELECT (count(*) FILTER (WHERE region_code IS NULL) > 0) || ' '
	  || count(DISTINCT region_code) FILTER (WHERE level = 'province') || ' '
	  || (count(DISTINCT region_code) FILTER (WHERE level = 'county')
	      = (SELECT count(DISTINCT poverty_aid.region_county_code(h.village_code)) FROM poverty_aid.household_income i
	         JOIN poverty_aid.household h ON h.id = i.household_id))
	  FROM poverty_aid.income_distribution")" "true 22 true" \
	"the distribution has rows for the whole register, for each of the 22 provinces and for each county with incomes"
is "$(sql "$DB" "SELECT (SELECT sum(households) || ' ' || sum(people) FROM poverty_aid.income_distribution_of(2019))
	  = (SELECT count(*) || ' ' || sum(h.members) FROM poverty_aid.household_income i
	     JOIN poverty_aid.household h ON h.id = i.household_id WHERE i.year = 2019)")" "t" \
	"income_distribution_of(2019) adds up to the 2019 incomes and their members"
is "$(sql "$DB" "SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) || ' ' || count(*)
	  FROM (SELECT r.code,
	               (SELECT sum(households) || ' ' || sum(people) FROM poverty_aid.income_distribution_of(2019, r.code)) AS a,
	               (SELECT count(*) || ' ' || sum(h.members) FROM poverty_aid.household_income i
	                  JOIN poverty_aid.household h ON h.id = i.household_id
	                 WHERE i.year = 2019 AND h.village_code BETWEEN r.code AND poverty_aid.region_subtree_end(r.code)) AS b
	          FROM poverty_aid.region r WHERE r.level IN ('province', 'prefecture', 'county')
	           AND EXISTS (SELECT 1 FROM poverty_aid.household h WHERE h.village_code BETWEEN r.code AND poverty_aid.region_subtree_end(r.code))) x")" \
	"0 $(sql "$DB" "SELECT count(*) FROM poverty_aid.region r WHERE r.level IN ('province', 'prefecture', 'county')
	  AND EXISTS (SELECT 1 FROM poverty_aid.household h WHERE h.village_code BETWEEN r.code AND poverty_aid.region_subtree_end(r.code))")" \
	"income_distribution_of(2019, region) adds up to that region's 2019 incomes and their members, for each province, prefecture and county with households"
is "$(sqlv "$DB" "SELECT * FROM poverty_aid.income_distribution_of(2019, (SELECT min(code) FROM poverty_aid.region WHERE level = 'village'))" 2>&1 | grep -o '22023\|no rows below the county\|is a village' | tr '\n' ' ')" \
	"22023 no rows below the county is a village " \
	"income_distribution_of() for a village: error 22023 naming the region's level"
dist_line() {
	echo "# distribution$1: $(sql "$DB" "SELECT count(*) || ' rows (' || count(*) FILTER (WHERE region_code IS NULL) || ' of the whole register, '
	  || count(*) FILTER (WHERE level = 'province') || ' of provinces, '
	  || count(DISTINCT (year, region_code, per_capita_income)) || ' keys) for '
	  || (SELECT count(*) FROM poverty_aid.household_income) || ' incomes, '
	  || pg_size_pretty(pg_total_relation_size('poverty_aid.income_distribution')) || ' with its index'
	  FROM poverty_aid.income_distribution")"
}
dist_line ""

# The reference: income_values() reading the incomes as before the distribution.
"${PSQL_T[@]}" -d "$DB" >/dev/null <<SQL
CREATE SCHEMA pa_ref;
DO \$\$
DECLARE
  def text := pg_get_functiondef('poverty_aid.income_values(date, poverty_aid.region_level, text)'::regprocedure);
  flag text := 'use_dist    boolean := ';
  head text := 'FUNCTION poverty_aid.income_values(';
BEGIN
  IF position(flag IN def) = 0 OR position(head IN def) = 0 THEN
    RAISE EXCEPTION 'income_values() has no "%" to force false', flag;
  END IF;
  def := replace(def, flag, flag || 'false AND ');
  def := replace(def, head, 'FUNCTION pa_ref.income_values(');
  EXECUTE def;
END
\$\$;
-- The groupings compared: the whole register, by province, by prefecture,
-- by county, a province, by province within it, by prefecture and by county
-- of it, a prefecture, by county of it, a county and by village of it (the
-- incomes in both), another province.
CREATE TABLE pa_ref.combos (by_level poverty_aid.region_level, root text);
INSERT INTO pa_ref.combos VALUES (NULL, NULL), ('province', NULL), ('prefecture', NULL), ('county', NULL),
  (NULL, '$P'), ('province', '$P'), ('prefecture', '$P'), ('county', '$P'), (NULL, '$F'), ('county', '$F'),
  (NULL, '$C'), ('village', '$C'), (NULL, '$P2');
-- Every row of both for a date and grouping, as text; the rows that differ.
CREATE FUNCTION pa_ref.differences(d date, by_level poverty_aid.region_level DEFAULT NULL, root text DEFAULT NULL)
  RETURNS bigint LANGUAGE sql AS \$\$
  WITH v AS MATERIALIZED (SELECT x::text AS t FROM poverty_aid.income_values(d, by_level, root) x),
       r AS MATERIALIZED (SELECT x::text AS t FROM pa_ref.income_values(d, by_level, root) x)
  SELECT count(*) FROM ((SELECT t FROM v EXCEPT ALL SELECT t FROM r)
                        UNION ALL (SELECT t FROM r EXCEPT ALL SELECT t FROM v)) x
\$\$;
-- Every grouping at every date: (date, grouping, rows that differ).
CREATE FUNCTION pa_ref.compare_all(dates date[])
  RETURNS TABLE (d date, grp text, diff bigint) LANGUAGE sql AS \$\$
  SELECT x.d, coalesce(c.by_level::text, '-') || ' of ' || coalesce(c.root, 'the register'),
         pa_ref.differences(x.d, c.by_level, c.root)
    FROM unnest(dates) x (d) CROSS JOIN pa_ref.combos c
\$\$;
-- The real function's rows, to compare later.
CREATE FUNCTION pa_ref.values_of(dates date[])
  RETURNS TABLE (d date, by_level poverty_aid.region_level, root text, t text) LANGUAGE sql AS \$\$
  SELECT x.d, c.by_level, c.root, v::text
    FROM unnest(dates) x (d) CROSS JOIN pa_ref.combos c
   CROSS JOIN LATERAL poverty_aid.income_values(x.d, c.by_level, c.root) v
\$\$;
SQL
ok $? "the reference implementation is created from income_values()'s own text, use_dist forced false"

# Dates: the income years 2015 to 2021 (no income yet in 2015, none of 2021
# until the writes, 2021 without a poverty line), and 2 random ones in
# 2019-2021 (fixed seed).
dates=$(sql "$DB" "SELECT setseed(0.5353); SELECT string_agg(d::text, ',' ORDER BY d) FROM (
	SELECT unnest(ARRAY['2016-06-30', '2016-12-31', '2017-12-31', '2018-12-31', '2019-12-31', '2020-03-31',
	                    '2020-12-31', '2021-12-31']::date[]) d
	UNION SELECT date '2019-01-01' + (random() * 1095)::integer FROM generate_series(1, 2)) x" | tail -1)
echo "# dates: $dates"
ncombos=$(sql "$DB" "SELECT count(*) FROM pa_ref.combos")
compare_all() {	# compare_all WHAT [DATES] — every grouping at every date
	local ds=${2:-$dates} out bad n
	out=$(sql "$DB" "SET client_min_messages = error; SELECT d || ' ' || grp || ': ' || diff FROM pa_ref.compare_all('{$ds}')")
	n=$(echo "$out" | grep -c .)
	bad=$(echo "$out" | grep -vc ': 0$')
	echo "$out" | grep -v ': 0$' | sed 's/^/#   rows differ: /'
	is "$n $bad" "$(( $(echo "$ds" | tr ',' '\n' | grep -c .) * ncombos )) 0" \
		"$1: income_values() equals the reference, every row and column, at $(echo "$ds" | tr ',' '\n' | grep -c .) dates for $ncombos groupings ($n comparisons)"
}
compare_all "national data set"
is "$(sql "$DB" "SELECT denominator > 0 FROM poverty_aid.income_values('2020-03-31', NULL, '$C') WHERE key = 'income_headcount_rate'")" "t" \
	"the comparisons are not empty: people with a 2019 income in county $C"

# The real function reads the distribution: without it (rolled back) the
# whole register, a province, a prefecture, by county and a county have no
# incomes, the reference and the villages of a county still do.
is "$(sql "$DB" "BEGIN; DELETE FROM poverty_aid.income_distribution;
	SELECT string_agg(coalesce(denominator::text, 'NULL'), ' ' ORDER BY n) FROM (
	  SELECT 1 n, denominator FROM poverty_aid.income_values('2020-03-31') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 2, denominator FROM poverty_aid.income_values('2020-03-31', 'province') WHERE key = 'income_headcount_rate' AND region_code = '${P}000000'
	  UNION ALL SELECT 3, denominator FROM poverty_aid.income_values('2020-03-31', NULL, '$P') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 4, (denominator > 0)::integer FROM pa_ref.income_values('2020-03-31') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 5, denominator FROM poverty_aid.income_values('2020-03-31', NULL, '$F') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 6, sum(denominator) FROM poverty_aid.income_values('2020-03-31', 'county') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 7, denominator FROM poverty_aid.income_values('2020-03-31', NULL, '$C') WHERE key = 'income_headcount_rate'
	  UNION ALL SELECT 8, (sum(denominator) > 0)::integer FROM poverty_aid.income_values('2020-03-31', 'village', '$C') WHERE key = 'income_headcount_rate') x;
	ROLLBACK")" "0 0 0 1 0 0 0 1" \
	"with the distribution emptied (rolled back) income_values() of the register, by province, of a province, of a prefecture, by county and of a county finds no income: it reads the distribution (the reference and the villages of a county still do)"

# Random writes of every kind, each statement its own transaction, in one
# session with a fixed seed.
"${PSQL_T[@]}" -d "$DB" >"$DIR/writes.out" 2>&1 <<SQL
\set ON_ERROR_STOP 0
SET row_security = off;
SELECT setseed(0.2468);
-- 2020 incomes for about half the households with one in 2019, in one
-- statement: many rounded to the hundred (equal incomes), a few zero.
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
SELECT household_id, 2020, CASE WHEN r < 0.003 THEN 0
                                WHEN r < 0.2 THEN round(per_capita_income * 1.25, -2)
                                ELSE round(per_capita_income * (0.9 + r::numeric * 0.6), 2) END
  FROM (SELECT household_id, per_capita_income, random() AS r
          FROM poverty_aid.household_income WHERE year = 2019 ORDER BY household_id) s
 WHERE r < 0.55;
-- 2018 incomes for some, then an upsert that inserts some and updates others.
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
SELECT household_id, 2018, round(per_capita_income * 0.9, 2) FROM poverty_aid.household_income
 WHERE year = 2019 AND household_id % 7 = 1;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
SELECT household_id, 2018, round(per_capita_income * 0.95, 0) FROM poverty_aid.household_income
 WHERE year = 2019 AND household_id % 7 IN (1, 2) AND household_id % 3 = 0
    ON CONFLICT (household_id, year) DO UPDATE SET per_capita_income = excluded.per_capita_income;
-- Incomes changed; some changed to themselves.
UPDATE poverty_aid.household_income SET per_capita_income = round(per_capita_income * (0.8 + random()::numeric * 0.4), 2)
 WHERE year = 2019 AND random() < 0.1;
UPDATE poverty_aid.household_income SET per_capita_income = per_capita_income WHERE household_id % 101 = 0;
-- Years changed: some 2019 incomes become 2017's, some 2020 ones 2021's (no line).
UPDATE poverty_aid.household_income SET year = 2017 WHERE year = 2019 AND household_id % 13 = 0;
UPDATE poverty_aid.household_income SET year = 2021 WHERE year = 2020 AND household_id % 11 = 0;
-- Deletes: random ones, many at once, none.
DELETE FROM poverty_aid.household_income WHERE random() < 0.03;
DELETE FROM poverty_aid.household_income WHERE year = 2020 AND household_id % 5 = 0;
DELETE FROM poverty_aid.household_income WHERE year = 1990;
-- Members of households with incomes.
UPDATE poverty_aid.household h SET members = h.members % 7 + 1
 WHERE h.id % 17 = 3 AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
-- Moves to a village of another province, both ways, and members and
-- village at once; an update that changes neither.
UPDATE poverty_aid.household h SET village_code = (SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '${P2:0:2}%')
 WHERE h.village_code LIKE '${P:0:2}%' AND h.id % 5 = 2 AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
UPDATE poverty_aid.household h SET village_code = (SELECT max(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '${P:0:2}%')
 WHERE h.village_code NOT LIKE '${P:0:2}%' AND h.id % 29 = 4 AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
UPDATE poverty_aid.household h SET members = h.members + 1,
       village_code = (SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '62%')
 WHERE h.id % 31 = 6 AND h.village_code NOT LIKE '62%' AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
-- Moves to another county of the same province, both ways (county $C).
UPDATE poverty_aid.household h SET village_code = (SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '${P:0:2}%' AND code NOT LIKE '$C%')
 WHERE h.village_code LIKE '$C%' AND h.id % 6 = 1 AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
UPDATE poverty_aid.household h SET village_code = (SELECT max(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '$C%')
 WHERE h.village_code LIKE '${P:0:2}%' AND h.village_code NOT LIKE '$C%' AND h.id % 23 = 5
   AND EXISTS (SELECT 1 FROM poverty_aid.household_income i WHERE i.household_id = h.id);
UPDATE poverty_aid.household SET poverty_cause = 'other' WHERE id % 41 = 9;
-- Incomes given to other households: 2019 incomes of the first province to
-- households of the second without an income.
UPDATE poverty_aid.household_income i SET household_id = m.target
  FROM (SELECT s.household_id AS src, t.id AS target
          FROM (SELECT k.household_id, row_number() OVER (ORDER BY k.household_id) AS n
                  FROM poverty_aid.household_income k JOIN poverty_aid.household h ON h.id = k.household_id
                 WHERE k.year = 2019 AND h.village_code LIKE '${P:0:2}%' ORDER BY k.household_id LIMIT 80) s
          JOIN (SELECT h.id, row_number() OVER (ORDER BY h.id) AS n
                  FROM poverty_aid.household h
                 WHERE h.village_code LIKE '${P2:0:2}%'
                   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household_income x WHERE x.household_id = h.id)
                 ORDER BY h.id LIMIT 80) t USING (n)) m
 WHERE i.household_id = m.src AND i.year = 2019;
-- Household, year and income at once.
UPDATE poverty_aid.household_income i SET household_id = i.household_id + 1, year = 2016, per_capita_income = per_capita_income + 0.01
 WHERE i.year = 2019 AND i.household_id % 43 = 7
   AND EXISTS (SELECT 1 FROM poverty_aid.household h WHERE h.id = i.household_id + 1)
   AND NOT EXISTS (SELECT 1 FROM poverty_aid.household_income x WHERE x.household_id = i.household_id + 1 AND x.year = 2016);
-- A transaction that fails after its writes leaves the distribution as it was ...
BEGIN;
UPDATE poverty_aid.household_income SET per_capita_income = per_capita_income + 100 WHERE year = 2019 AND household_id % 3 = 0;
UPDATE poverty_aid.household SET members = members + 1 WHERE id % 50 = 0;
SELECT 1 / 0;
COMMIT;
-- ... and so does one that rolls back ...
BEGIN;
DELETE FROM poverty_aid.household_income WHERE year = 2020;
UPDATE poverty_aid.household SET members = members + 2 WHERE id % 7 = 0;
ROLLBACK;
-- ... and a savepoint rolled back inside a transaction that commits.
BEGIN;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
SELECT household_id, 2016, round(per_capita_income * 0.7, 2) FROM poverty_aid.household_income
 WHERE year = 2019 AND household_id % 9 = 4
    ON CONFLICT DO NOTHING;
SAVEPOINT s;
DELETE FROM poverty_aid.household_income WHERE year = 2016 AND household_id % 2 = 0;
UPDATE poverty_aid.household SET members = members + 3 WHERE id % 9 = 4;
ROLLBACK TO SAVEPOINT s;
UPDATE poverty_aid.household SET members = members % 5 + 1 WHERE id % 9 = 4 AND id % 2 = 1;
COMMIT;
SELECT 'incomes ' || year || ': ' || count(*) FROM poverty_aid.household_income GROUP BY year ORDER BY year;
SQL
grep -q "division by zero" "$DIR/writes.out"
ok $? "the writes ran (one failing transaction by design)"
grep "ERROR" "$DIR/writes.out" | grep -v "division by zero" | sed 's/^/# /'
is "$(grep -c ERROR "$DIR/writes.out")" "1" "no other statement failed"
echo "# $(grep '^incomes' "$DIR/writes.out" | tr '\n' ' ')"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution_check()")" "0" \
	"after inserts, updates of incomes, years and households, deletes, moves to another province and county, a failed statement, a rollback and a savepoint the distribution equals the register"
is "$(sql "$DB" "SELECT count(*) FROM generate_series(2016, 2021) y WHERE EXISTS (SELECT 1 FROM poverty_aid.income_distribution_of(y))")" "6" \
	"the distribution has incomes in every year from 2016 to 2021"
compare_all "after the writes"
dist_line " after the writes"

# Compaction: the figures do not change.
sql "$DB" "CREATE TABLE pa_ref.saved AS SELECT * FROM pa_ref.values_of('{$dates}')" >/dev/null
before=$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution")
keys=$(sql "$DB" "SELECT count(*) FROM (SELECT DISTINCT year, level, region_code, per_capita_income FROM poverty_aid.income_distribution) k")
ok $([ "$keys" -lt "$before" ]; echo $?) "the writes appended rows: $before rows for $keys keys (year, region, income)"
is "$(sql "$DB" "SELECT rows_before || ' ' || (rows_after <= $keys) FROM poverty_aid.income_distribution_compact()")" "$before true" \
	"income_distribution_compact() merges the $before rows into at most one per key"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution_check()")" "0" "after compaction the distribution still equals the register"
is "$(sql "$DB" "SELECT (SELECT count(*) FROM (SELECT 1 FROM poverty_aid.income_distribution
	  GROUP BY year, level, region_code, per_capita_income HAVING count(*) > 1) x)
	  || ' ' || (SELECT count(*) FROM poverty_aid.income_distribution WHERE households = 0 AND people = 0)")" "0 0" \
	"after compaction one row per year, region and income, and no empty row"
is "$(sql "$DB" "SET client_min_messages = error; SELECT count(*) FROM (
	  (SELECT * FROM pa_ref.values_of('{$dates}') EXCEPT ALL SELECT * FROM pa_ref.saved)
	  UNION ALL (SELECT * FROM pa_ref.saved EXCEPT ALL SELECT * FROM pa_ref.values_of('{$dates}'))) x")" "0" \
	"after compaction income_values() gives the same rows as before it, at every date for every grouping"
dist_line " after compaction"

# Concurrent writers on the same 12 households: 8 clients, 4 at READ
# COMMITTED, 2 at REPEATABLE READ and 2 at SERIALIZABLE, writing incomes
# (upserts, deletes, updates, incomes moved to another of the households)
# and members and villages (between two provinces) of those households,
# some an income and its household's members in one transaction.
village=$(sql "$DB" "SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '${P:0:2}%'")
village2=$(sql "$DB" "SELECT min(code) FROM poverty_aid.region WHERE level = 'village' AND code LIKE '${P2:0:2}%'")
sql "$DB" "SET row_security = off;
	CREATE TABLE pa_ref.cw AS SELECT row_number() OVER (ORDER BY hashint8(household_id))::integer AS i, household_id AS hid
	  FROM (SELECT household_id FROM poverty_aid.household_income WHERE year = 2019 ORDER BY hashint8(household_id) LIMIT 12) x;
	UPDATE poverty_aid.household SET village_code = '$village' WHERE id IN (SELECT hid FROM pa_ref.cw)" >/dev/null
for iso in "READ COMMITTED" "REPEATABLE READ" "SERIALIZABLE"; do
	f=$DIR/writer_${iso// /_}.sql
	cat >"$f" <<SQL
\set n random(1, 12)
\set m random(1, 12)
\set k random(0, 99999)
\set op random(1, 14)
BEGIN ISOLATION LEVEL $iso;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT c.hid, 2018 + :k % 3, 1000 + :k % 4000 FROM pa_ref.cw c WHERE c.i = :n AND :op <= 4
  ON CONFLICT (household_id, year) DO UPDATE SET per_capita_income = excluded.per_capita_income;
DELETE FROM poverty_aid.household_income
 WHERE household_id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND year = 2018 + :k % 3 AND :op IN (5, 6);
UPDATE poverty_aid.household_income SET per_capita_income = per_capita_income + 1
 WHERE household_id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND :op = 7;
UPDATE poverty_aid.household SET members = members % 6 + 1
 WHERE id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND :op IN (8, 9, 10);
UPDATE poverty_aid.household SET village_code = CASE WHEN village_code = '$village' THEN '$village2' ELSE '$village' END
 WHERE id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND :op = 11;
WITH gone AS (
  DELETE FROM poverty_aid.household_income
   WHERE household_id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND year = 2018 + :k % 3 AND :op = 12
  RETURNING year, per_capita_income)
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :m), g.year, g.per_capita_income FROM gone g
  ON CONFLICT DO NOTHING;
UPDATE poverty_aid.household SET members = members % 6 + 1
 WHERE id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND :op = 13;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT c.hid, 2018 + :k % 3, 1000 + :k % 4000 FROM pa_ref.cw c WHERE c.i = :n AND :op IN (13, 14)
  ON CONFLICT (household_id, year) DO UPDATE SET per_capita_income = excluded.per_capita_income + 1;
UPDATE poverty_aid.household SET members = members % 6 + 1
 WHERE id = (SELECT c.hid FROM pa_ref.cw c WHERE c.i = :n) AND :op = 14;
COMMIT;
SQL
done
start=$(date +%s)
"$POVERTY_AID_BIN/pgbench" -n -U postgres -c 4 -j 2 -t 100 --max-tries=100 --random-seed=7 -f "$DIR/writer_READ_COMMITTED.sql" "$DB" >"$DIR/rc.out" 2>&1 &
"$POVERTY_AID_BIN/pgbench" -n -U postgres -c 2 -j 2 -t 100 --max-tries=100 --random-seed=8 -f "$DIR/writer_REPEATABLE_READ.sql" "$DB" >"$DIR/rr.out" 2>&1 &
"$POVERTY_AID_BIN/pgbench" -n -U postgres -c 2 -j 2 -t 100 --max-tries=100 --random-seed=9 -f "$DIR/writer_SERIALIZABLE.sql" "$DB" >"$DIR/ser.out" 2>&1 &
wait
echo "# concurrent writers ran for $(( $(date +%s) - start )) s"
for f in rc:400 rr:200 ser:200; do
	want=${f#*:}
	f=${f%:*}
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$DIR/$f.out")
	is "$n ${failed:-0}" "$want 0" "$f: concurrent clients committed $want transactions, ${retried:-0} retried after a serialization failure or deadlock, none failed"
	[ "$n ${failed:-0}" = "$want 0" ] || grep -E 'ERROR|error' "$DIR/$f.out" | head -5 | sed 's/^/# /'
done
echo "# concurrent: $(sql "$DB" "SELECT count(*) || ' incomes of the 12 households, members ' || string_agg(DISTINCT h.members::text, ',')
	  || ', ' || count(DISTINCT h.village_code) || ' villages' FROM poverty_aid.household_income i
	  JOIN poverty_aid.household h ON h.id = i.household_id WHERE i.household_id IN (SELECT hid FROM pa_ref.cw)")"
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution_check()")" "0" \
	"after 8 concurrent writers on the same households the distribution equals the register"
compare_all "after the concurrent writers" "2018-12-31,2019-12-31,2020-12-31"

# Single writes at the stricter isolation levels, and with replication
# triggers off (the distribution's fire always).
hid=$(sql "$DB" "SELECT min(hid) FROM pa_ref.cw")
for iso in "REPEATABLE READ" "SERIALIZABLE"; do
	is "$(sql "$DB" "BEGIN ISOLATION LEVEL $iso; UPDATE poverty_aid.household SET members = members + 1 WHERE id = $hid;
		UPDATE poverty_aid.household_income SET per_capita_income = per_capita_income + 7 WHERE household_id = $hid;
		SELECT count(*) FROM poverty_aid.income_distribution_check(); ROLLBACK")" "0" "writes at $iso are taken into the distribution"
done
is "$(sql "$DB" "BEGIN; SET LOCAL session_replication_role = replica;
	INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income) VALUES ($hid, 2015, 2500);
	UPDATE poverty_aid.household SET members = members + 1, village_code = '$village2' WHERE id = $hid;
	SELECT count(*) FROM poverty_aid.income_distribution_check(); ROLLBACK")" "0" \
	"with session_replication_role = replica writes are still taken into the distribution"

# Row security and privileges.
sql postgres "CREATE ROLE pa_t_incdist_prov LOGIN; CREATE ROLE pa_t_incdist_county LOGIN; CREATE ROLE pa_t_incdist_none LOGIN" >/dev/null
sql "$DB" "SELECT poverty_aid.grant_profile('pa_t_incdist_prov', 'clerk', ARRAY['$P']);
	SELECT poverty_aid.grant_profile('pa_t_incdist_county', 'clerk', ARRAY['$C'])" >/dev/null
is "$(sql "$DB" "SET ROLE pa_t_incdist_prov; SELECT count(*) FILTER (WHERE region_code IS NULL) || ' '
	  || count(*) FILTER (WHERE region_code NOT LIKE '${P:0:2}%') || ' ' || (count(*) FILTER (WHERE level = 'province') > 0)
	  || ' ' || (count(*) FILTER (WHERE level = 'county') > 0)
	  FROM poverty_aid.income_distribution")" "0 0 true true" \
	"a clerk of a province reads the rows of its province and of its counties only, no row of the whole register"
is "$(sql "$DB" "SET ROLE pa_t_incdist_county; SELECT count(*) FILTER (WHERE region_code IS DISTINCT FROM '${C}000000') || ' ' || (count(*) > 0)
	  FROM poverty_aid.income_distribution")" "0 true" \
	"a clerk of a county reads its county's rows of the distribution only"
values() {	# values ROLE FUNCTION DATE BY_LEVEL ROOT — the rows as text
	sql "$DB" "SET client_min_messages = error; SET ROLE $1; SELECT string_agg(v::text, ' | ' ORDER BY v::text) FROM $2('$3', $4, $5) v"
}
for d in 2019-12-31 2020-12-31; do
	for args in "NULL '$P'" "'province' '$P'" "'county' '$P'" "NULL '$F'"; do
		read -r lvl root <<<"$args"
		is "$(values pa_t_incdist_prov poverty_aid.income_values $d "$lvl" "$root")" \
			"$(values postgres pa_ref.income_values $d "$lvl" "$root")" \
			"a clerk of province $P: income_values('$d', $lvl, $root) equals the reference's for a superuser"
	done
	for args in "NULL '$C'" "'village' '$C'"; do
		read -r lvl root <<<"$args"
		is "$(values pa_t_incdist_county poverty_aid.income_values $d "$lvl" "$root")" \
			"$(values postgres pa_ref.income_values $d "$lvl" "$root")" \
			"a clerk of county $C: income_values('$d', $lvl, $root) equals the reference's for a superuser"
	done
done
is "$(sql "$DB" "SELECT (denominator > 0)::text FROM pa_ref.income_values('2020-12-31', NULL, '$C') WHERE key = 'income_headcount_rate'")" "true" \
	"those comparisons are not empty (people with a 2020 income in county $C)"
is "$(sql "$DB" "BEGIN; DELETE FROM poverty_aid.income_distribution WHERE region_code = '${P}000000';
	SET LOCAL ROLE pa_t_incdist_prov;
	SELECT denominator FROM poverty_aid.income_values('2019-12-31', NULL, '$P') WHERE key = 'income_headcount_rate'; ROLLBACK")" "0" \
	"the clerk of the province reads the distribution too (its rows emptied, rolled back: no income)"
is "$(sql "$DB" "BEGIN; DELETE FROM poverty_aid.income_distribution WHERE region_code = '${C}000000';
	SET LOCAL ROLE pa_t_incdist_county;
	SELECT denominator FROM poverty_aid.income_values('2019-12-31', NULL, '$C') WHERE key = 'income_headcount_rate'; ROLLBACK")" "0" \
	"the clerk of the county reads the distribution too (its county's rows emptied, rolled back: no income)"
# Who reads the whole register's rows: a viewer without assignments (read
# scope NULL) and a role with BYPASSRLS, whatever its regions.
sql postgres "CREATE ROLE pa_t_incdist_viewer LOGIN; CREATE ROLE pa_t_incdist_bypass LOGIN BYPASSRLS" >/dev/null
sql "$DB" "SELECT poverty_aid.grant_profile('pa_t_incdist_viewer', 'viewer');
	SELECT poverty_aid.grant_profile('pa_t_incdist_bypass', 'clerk', ARRAY['$C'])" >/dev/null
for role in pa_t_incdist_viewer pa_t_incdist_bypass; do
	is "$(values $role poverty_aid.income_values 2019-12-31 NULL NULL)" "$(values postgres pa_ref.income_values 2019-12-31 NULL NULL)" \
		"${role#pa_t_incdist_}: income_values('2019-12-31') for the whole register equals the reference's for a superuser"
	is "$(sql "$DB" "BEGIN; DELETE FROM poverty_aid.income_distribution WHERE region_code IS NULL;
		SET LOCAL ROLE $role;
		SELECT denominator FROM poverty_aid.income_values('2019-12-31') WHERE key = 'income_headcount_rate'; ROLLBACK")" "0" \
		"${role#pa_t_incdist_} reads the whole register's rows of the distribution (emptied, rolled back: no income)"
done
sql "$DB" "GRANT USAGE ON SCHEMA poverty_aid TO pa_t_incdist_none" >/dev/null
is "$(sql "$DB" "SET ROLE pa_t_incdist_none; SELECT count(*) FROM poverty_aid.income_distribution")" "0" \
	"a role without a profile (given USAGE on the schema) reads no row of the distribution"
for role in pa_t_incdist_none pa_t_incdist_prov; do
	for stmt in "INSERT INTO poverty_aid.income_distribution VALUES (2019, NULL, NULL, 1000, 1, 1000)" \
		"UPDATE poverty_aid.income_distribution SET people = people + 1000" \
		"DELETE FROM poverty_aid.income_distribution" "TRUNCATE poverty_aid.income_distribution" \
		"SELECT poverty_aid.income_distribution_rebuild()" "SELECT * FROM poverty_aid.income_distribution_compact()"; do
		is "$(sqlv "$DB" "SET ROLE $role; $stmt" 2>&1 | grep -o '42501' | head -1)" "42501" "${role#pa_t_incdist_} cannot: ${stmt:0:60}"
	done
done
is "$(sql "$DB" "SELECT count(*) FROM poverty_aid.income_distribution_check()")" "0" "after those attempts the distribution still equals the register"
# The level and the code of a row agree (even a superuser's stray insert).
for row in "2019, 'county', NULL" "2019, NULL, '${P}000000'" "2019, 'province', '${C}000000'" "2019, 'prefecture', '${F}000000'"; do
	is "$(sqlv "$DB" "INSERT INTO poverty_aid.income_distribution VALUES ($row, 1000, 1, 3)" 2>&1 | grep -o '23514.*income_distribution_level_check"' | head -1)" \
		"23514: new row for relation \"income_distribution\" violates check constraint \"income_distribution_level_check\"" \
		"a row ($row) whose level and region disagree is refused (23514)"
done

# Rebuild and truncate.
rebuilt=$(sql "$DB" "SELECT poverty_aid.income_distribution_rebuild()")
is "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT (year, region_code, per_capita_income)) || ' '
	  || (SELECT count(*) FROM poverty_aid.income_distribution_check()) FROM poverty_aid.income_distribution")" "$rebuilt $rebuilt 0" \
	"income_distribution_rebuild() recomputes it from the register, one row per key"
is "$(sql "$DB" "SET client_min_messages = error; SELECT count(*) FROM pa_ref.compare_all('{2019-12-31,2020-12-31}') WHERE diff <> 0")" "0" \
	"after the rebuild income_values() still equals the reference"
is "$(sql "$DB" "BEGIN; TRUNCATE poverty_aid.household_income;
	SELECT count(*) FROM poverty_aid.income_distribution; SELECT count(*) FROM poverty_aid.income_distribution_check(); ROLLBACK" | tr '\n' ' ')" "0 0 " \
	"TRUNCATE household_income empties the distribution"
is "$(sql "$DB" "BEGIN; SET client_min_messages = warning; TRUNCATE poverty_aid.household CASCADE;
	SELECT count(*) FROM poverty_aid.income_distribution; ROLLBACK")" "0" "TRUNCATE household CASCADE empties it too"
is "$(sql "$DB" "SELECT count(*) > 0 FROM poverty_aid.income_distribution")" "t" "rolled back, the distribution is there again"
echo "# runtime: $(( $(date +%s) - t0 )) s"
done_testing
