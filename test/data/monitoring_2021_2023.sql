-- test/data/monitoring_2021_2023.sql — the sample data set, 2021-2023:
-- monitoring after exit.
--
-- Load it after test/data/tianjin_2020.sql, into the same database:
--
--     psql -d DB -f test/data/tianjin_2020.sql
--     psql -d DB -f test/data/monitoring_2021_2023.sql
--
-- It carries the register of the 82 assisted counties on to the end of
-- 2023, deterministically (every "random" choice is a hash of a row number
-- or id, as in the 2020 file):
--
--   * 2020: the three counties still listed (Zhenyuan, Cele, Yutian) and
--     their 117 villages exit in November, and every household period still
--     open exits between June and early November (the 2020-03-31 figures
--     are unchanged: every exit is after that date);
--   * monitoring lines for each province, 2021-2023 (6,000 yuan in the west,
--     6,200 in the centre, 6,500 in the east, +300 a year; a warning margin
--     of 500 yuan; an income drop of more than 30% is a warning);
--   * 16,000 monitoring periods identified from January 2021 to October
--     2023: 10,000 exited-but-unstable households, 4,000 marginal
--     households never registered, 2,000 households hit by a sudden
--     hardship (half of them registered), and 500 second periods of
--     exited households whose risk had been eliminated; most periods are
--     eliminated 6 to 18 months after identification;
--   * assistance measures (one or two per period; one period in ten has
--     none), inside their periods;
--   * per-capita incomes 2021-2023 of the monitored households, and of
--     3,000 other exited households and 1,000 other rural households found
--     by data screening, some of them below or near the line or with a
--     sharp drop: the early-warning candidates;
--   * 310 households back in poverty: 150 in 2021, 100 in 2022, 60 in 2023
--     (a new poverty period after their exit; none of them monitored).
--
-- The last statement checks the figures below with plain SQL (no extension
-- function or aggregate) and aborts the load if one is off:
--
--   as of                             2021-12-31  2022-12-31  2023-12-31
--   monitoring periods identified          6,121      11,791      16,500
--   ... of them risk eliminated            2,095       6,275      10,468
--   households monitored                   4,026       5,516       6,032
--     exited but unstable                  2,704       3,635       3,957
--     marginal, at risk                      882       1,254       1,383
--     sudden hardship                        440         627         692
--   people in monitored households        12,709      16,385      17,293
--   monitored, with an active measure      3,717       4,296       4,433
--   households back in poverty that year     150         100          60
--
-- Everything is inserted as the loading role, through the tables' guards,
-- row security and audit triggers.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;

DO $$
BEGIN
  IF (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
       WHERE r.level = 'county') <> 50
     OR (SELECT count(*) FROM poverty_aid.household) < 1000000 THEN
    RAISE EXCEPTION 'the 2020 sample data set is not loaded'
      USING HINT = 'Load test/data/tianjin_2020.sql into this database first.';
  END IF;
  IF EXISTS (SELECT 1 FROM poverty_aid.monitored_household) OR EXISTS (SELECT 1 FROM poverty_aid.monitoring_line) THEN
    RAISE EXCEPTION 'the monitoring tables are not empty'
      USING DETAIL = 'test/data/monitoring_2021_2023.sql loads once, right after test/data/tianjin_2020.sql.';
  END IF;
END
$$;

-- Deterministic "random" numbers in [0, 1) from an integer key and a salt.
CREATE FUNCTION pg_temp.h(key bigint, salt integer) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ((key * 2654435761 + salt * 40503 + 12345) % 2147483647) / 2147483647.0;

-- 1. The end of 2020 ------------------------------------------------------------

UPDATE poverty_aid.poverty_listing
   SET exited_on = date '2020-11-21', exit_batch = '2020-3'
 WHERE exited_on IS NULL AND poverty_aid.region_code_level(region_code) = 'county';
UPDATE poverty_aid.poverty_listing
   SET exited_on = date '2020-11-14', exit_batch = '2020'
 WHERE exited_on IS NULL;
UPDATE poverty_aid.household
   SET exited_on = date '2020-06-01' + floor(160 * pg_temp.h(id, 201))::integer
 WHERE exited_on IS NULL;

-- 2. Monitoring lines -------------------------------------------------------------

INSERT INTO poverty_aid.monitoring_line (province_code, year, line, warning_margin, income_drop_share)
  SELECT r.code, y,
         CASE r.zone WHEN 'east' THEN 6500 WHEN 'central' THEN 6200 ELSE 6000 END + 300 * (y - 2021),
         500, 0.30
    FROM poverty_aid.region r, generate_series(2021, 2023) AS y
   WHERE r.level = 'province'
   ORDER BY r.code, y;

-- 3. Households: who is monitored, who returns, who warns ---------------------------
--
-- Each household number of the register appears in at most one of the
-- groups below: exited households are ranked by a hash and cut into
-- groups of fixed size.
CREATE TEMP TABLE g_exited ON COMMIT DROP AS
WITH picked AS (   -- about 34,000 households, from which the groups are cut
  SELECT DISTINCT household_no FROM poverty_aid.household WHERE pg_temp.h(id, 202) < 0.03
)
SELECT h.household_no, h.village_code, h.members, h.id AS last_period,
       row_number() OVER (ORDER BY pg_temp.h(h.id, 202), h.id) AS n
  FROM (SELECT DISTINCT ON (x.household_no) x.household_no, x.village_code, x.members, x.id
          FROM poverty_aid.household x JOIN picked USING (household_no)
         ORDER BY x.household_no, x.registered_on DESC) h;
-- n     1 - 10,000  exited_unstable          13,001 - 13,310  back in poverty
--  10,001 - 11,000  sudden_hardship (reg.)   20,001 - 23,000  other incomes
CREATE TEMP TABLE g_new ON COMMIT DROP AS
SELECT v.code AS village_code, row_number() OVER (ORDER BY pg_temp.h(k, 203), k) AS n, k
  FROM (SELECT code, row_number() OVER (ORDER BY code) AS k FROM poverty_aid.region WHERE level = 'village') v;
ANALYZE g_exited, g_new;

-- 4. Monitoring periods -------------------------------------------------------------

CREATE TEMP TABLE g_period ON COMMIT DROP AS
WITH base AS (
  SELECT e.household_no, e.village_code, e.members, 'exited_unstable'::poverty_aid.monitoring_category AS category,
         e.last_period AS household_id, e.n AS k
    FROM g_exited e WHERE e.n <= 10000
  UNION ALL
  SELECT e.household_no, e.village_code, e.members, 'sudden_hardship', e.last_period, 100000 + e.n
    FROM g_exited e WHERE e.n BETWEEN 10001 AND 11000
  UNION ALL   -- marginal households: 4,000 in villages picked by hash, numbered village-Mnnn
  SELECT g.village_code || '-M' || lpad(i::text, 3, '0'), g.village_code, 1 + floor(5 * pg_temp.h(200000 + i * 10 + g.n, 204))::integer,
         'marginal_at_risk', NULL, 200000 + (i - 1) * 2000 + g.n
    FROM g_new g, generate_series(1, 2) AS i WHERE g.n <= 2000
  UNION ALL   -- sudden hardship of households outside the register, numbered village-Snnn
  SELECT g.village_code || '-S001', g.village_code, 1 + floor(5 * pg_temp.h(300000 + g.n, 204))::integer,
         'sudden_hardship', NULL, 300000 + g.n
    FROM g_new g WHERE g.n BETWEEN 2001 AND 3000
), dated AS (
  SELECT b.*, date '2021-01-04' + floor(1030 * pg_temp.h(b.k, 205))::integer AS identified_on
    FROM base b
)
SELECT d.*,
       CASE WHEN pg_temp.h(d.k, 206) < 0.75
                 AND d.identified_on + 180 + floor(365 * pg_temp.h(d.k, 207))::integer <= date '2023-12-31'
            THEN d.identified_on + 180 + floor(365 * pg_temp.h(d.k, 207))::integer END AS eliminated_on
  FROM dated d;
-- Second periods: 500 exited_unstable households identified again 60 to 180
-- days after their risk was eliminated.
INSERT INTO g_period
SELECT p.household_no, p.village_code, p.members, 'exited_unstable', p.household_id, 400000 + p.k,
       p.eliminated_on + 60 + floor(120 * pg_temp.h(p.k, 208))::integer, NULL
  FROM (SELECT * FROM g_period WHERE category = 'exited_unstable' AND eliminated_on <= date '2023-06-30'
         ORDER BY pg_temp.h(k, 209), k LIMIT 500) p;
ANALYZE g_period;

INSERT INTO poverty_aid.monitored_household
       (household_no, village_code, members, category, risk_causes, identified_on, identified_by, eliminated_on)
  SELECT p.household_no, p.village_code, p.members, p.category,
         CASE WHEN pg_temp.h(p.k, 210) < 0.35 THEN ARRAY[c1]
              ELSE ARRAY[c1, c2] END,
         p.identified_on,
         (ARRAY['visit', 'visit', 'data_screening', 'own_application'])[1 + floor(4 * pg_temp.h(p.k, 211))::integer]::poverty_aid.identification_route,
         p.eliminated_on
    FROM g_period p,
         LATERAL (SELECT (CASE p.category
                    WHEN 'exited_unstable' THEN ARRAY['illness', 'unemployment', 'lack_of_labour', 'schooling', 'business_failure']
                    WHEN 'marginal_at_risk' THEN ARRAY['illness', 'disability', 'lack_of_labour', 'high_expenses', 'housing']
                    ELSE ARRAY['illness', 'accident', 'disaster', 'disaster', 'high_expenses'] END
                  )[1 + floor(5 * pg_temp.h(p.k, 212))::integer]::poverty_aid.risk_cause AS c1,
                  'other'::poverty_aid.risk_cause AS c2) c
   ORDER BY p.identified_on, p.household_no;
-- Fresh statistics, so that the guards' and the foreign keys' checks of the
-- measures below are planned as joins, not loops.
ANALYZE poverty_aid.monitored_household;

-- 5. Assistance measures ------------------------------------------------------------
--
-- One measure for nine periods in ten, a second for two in five of those;
-- each starts 0 to 30 days after identification and ends within a year, or
-- runs on (until the period ends: a measure ends by the elimination).
WITH cadres AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS n
    FROM poverty_aid.helper WHERE kind = 'cadre'
), m AS (
  SELECT mh.id, mh.category, mh.identified_on, mh.eliminated_on, j, p.k * 2 + j AS k
    FROM poverty_aid.monitored_household mh
    JOIN g_period p ON p.household_no = mh.household_no AND p.identified_on = mh.identified_on,
         generate_series(0, 1) AS j
   WHERE pg_temp.h(p.k, 213) < 0.9 AND (j = 0 OR pg_temp.h(p.k, 214) < 0.4)
), s AS (
  SELECT m.*, m.identified_on + floor(31 * pg_temp.h(m.k, 215))::integer AS started_on
    FROM m
)
INSERT INTO poverty_aid.monitoring_measure (monitored_household_id, kind, helper_id, started_on, ended_on)
  SELECT s.id,
         (CASE s.category
            WHEN 'exited_unstable' THEN ARRAY['employment', 'industry', 'health', 'education']
            WHEN 'marginal_at_risk' THEN ARRAY['social_assistance', 'health', 'employment', 'insurance']
            ELSE ARRAY['temporary_relief', 'health', 'housing', 'insurance'] END
         )[1 + (s.j + floor(4 * pg_temp.h(s.k, 216))::integer) % 4]::poverty_aid.measure_kind,
         CASE WHEN pg_temp.h(s.k, 217) < 0.5 THEN c.id END,
         s.started_on,
         CASE WHEN s.eliminated_on IS NOT NULL
              THEN least(s.started_on + 90 + floor(365 * pg_temp.h(s.k, 218))::integer, s.eliminated_on)
              WHEN pg_temp.h(s.k, 219) < 0.3 THEN s.started_on + 90 + floor(365 * pg_temp.h(s.k, 218))::integer
         END
    FROM s
    LEFT JOIN cadres c ON c.i = s.k % c.n
   ORDER BY s.id, s.j;

-- 6. Incomes 2021-2023 ----------------------------------------------------------------
--
-- Monitored households: below the line while monitored about a third of the
-- time, well above it after elimination.  Registered households' incomes
-- go to household_income (their latest period), the others' to
-- monitoring_income.
CREATE TEMP TABLE g_income ON COMMIT DROP AS
WITH mh AS (
  SELECT DISTINCT ON (p.household_no) p.household_no, p.village_code, p.k, p.eliminated_on
    FROM g_period p
   ORDER BY p.household_no, p.identified_on DESC
), lines AS (
  SELECT l.province_code, l.year, l.line FROM poverty_aid.monitoring_line l
)
SELECT mh.household_no, mh.village_code, y AS year,
       round((l.line * CASE WHEN mh.eliminated_on < make_date(y, 1, 1) THEN 1.3 + 0.5 * pg_temp.h(mh.k * 10 + y, 220)
                            ELSE 0.75 + 0.55 * pg_temp.h(mh.k * 10 + y, 221) END)::numeric, -1) AS income
  FROM mh, generate_series(2021, 2023) AS y
  JOIN lines l ON l.year = y
 WHERE l.province_code = substr(mh.village_code, 1, 2) || '0000000000'
UNION ALL   -- 3,000 exited households outside monitoring: 2022 and 2023
SELECT e.household_no, e.village_code, y,
       round((l.line * CASE
          WHEN e.n % 10 = 0 THEN 0.80 + 0.15 * pg_temp.h(e.n * 10 + y, 222)                 -- below the line
          WHEN e.n % 10 = 1 THEN 1.01 + 0.05 * pg_temp.h(e.n * 10 + y, 222)                 -- near it
          WHEN e.n % 10 = 2 THEN CASE y WHEN 2022 THEN 2.4 ELSE 1.5 END                     -- a drop of 37.5%
          ELSE 1.4 + 0.8 * pg_temp.h(e.n * 10 + y, 222) END)::numeric, -1)
  FROM g_exited e, generate_series(2022, 2023) AS y
  JOIN lines l ON l.year = y
 WHERE e.n BETWEEN 20001 AND 23000 AND l.province_code = substr(e.village_code, 1, 2) || '0000000000'
UNION ALL   -- 1,000 households found by data screening in 2023
SELECT g.village_code || '-Q001', g.village_code, 2023,
       round((l.line * (0.7 + 0.8 * pg_temp.h(g.n, 223)))::numeric, -1)
  FROM g_new g
  JOIN lines l ON l.year = 2023 AND l.province_code = substr(g.village_code, 1, 2) || '0000000000'
 WHERE g.n BETWEEN 3001 AND 4000;
ANALYZE g_income;

INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT e.last_period, i.year, i.income
    FROM g_income i JOIN g_exited e ON e.household_no = i.household_no
   ORDER BY 1, 2;
INSERT INTO poverty_aid.monitoring_income (household_no, year, village_code, per_capita_income)
  SELECT i.household_no, i.year, i.village_code, i.income
    FROM g_income i
   WHERE NOT EXISTS (SELECT 1 FROM g_exited e WHERE e.household_no = i.household_no)
   ORDER BY 1, 2;

-- 7. Back in poverty -------------------------------------------------------------------
--
-- 310 exited households that were not monitored start a new poverty period:
-- 150 in 2021, 100 in 2022, 60 in 2023; a third of them exit again after
-- 8 to 14 months (when that is before 2024).
INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on, poverty_cause)
  SELECT r.household_no, r.village_code, r.members, r.registered_on,
         CASE WHEN r.n % 3 = 0 AND r.registered_on + 240 + floor(180 * pg_temp.h(r.n, 225))::integer <= date '2023-12-31'
              THEN r.registered_on + 240 + floor(180 * pg_temp.h(r.n, 225))::integer END,
         (ARRAY['illness', 'disaster', 'lack_of_labour', 'disability', 'schooling'])[1 + r.n % 5]::poverty_aid.poverty_cause
    FROM (SELECT e.*, make_date(CASE WHEN e.n <= 13150 THEN 2021 WHEN e.n <= 13250 THEN 2022 ELSE 2023 END, 1, 1)
                        + floor(360 * pg_temp.h(e.n, 224))::integer AS registered_on
            FROM g_exited e WHERE e.n BETWEEN 13001 AND 13310) r
   ORDER BY r.registered_on, r.household_no;

-- 8. Check the figures with plain SQL ------------------------------------------------------

ANALYZE poverty_aid.monitored_household, poverty_aid.monitoring_measure, poverty_aid.monitoring_income,
        poverty_aid.monitoring_line, poverty_aid.household_income, poverty_aid.household;

DO $$
DECLARE
  f jsonb;
  want CONSTANT jsonb := '{"2021-12-31": {"identified": 6121, "eliminated": 2095, "people": 12709, "with_measure": 3717, "returned": 150,
                      "monitored": {"exited_unstable": 2704, "marginal_at_risk": 882, "sudden_hardship": 440}},
       "2022-12-31": {"identified": 11791, "eliminated": 6275, "people": 16385, "with_measure": 4296, "returned": 100,
                      "monitored": {"exited_unstable": 3635, "marginal_at_risk": 1254, "sudden_hardship": 627}},
       "2023-12-31": {"identified": 16500, "eliminated": 10468, "people": 17293, "with_measure": 4433, "returned": 60,
                      "monitored": {"exited_unstable": 3957, "marginal_at_risk": 1383, "sudden_hardship": 692}}}';
BEGIN
  SELECT jsonb_object_agg(d::date::text, fig) INTO f
    FROM generate_series(date '2021-12-31', date '2023-12-31', interval '1 year') AS d,
         LATERAL (SELECT jsonb_build_object(
           'identified', (SELECT count(*) FROM poverty_aid.monitored_household WHERE identified_on <= d),
           'eliminated', (SELECT count(*) FROM poverty_aid.monitored_household WHERE eliminated_on <= d),
           'monitored', (SELECT jsonb_object_agg(category, n) FROM (
                           SELECT category, count(*) AS n FROM poverty_aid.monitored_household
                            WHERE identified_on <= d AND (eliminated_on IS NULL OR eliminated_on > d) GROUP BY 1) c),
           'people', (SELECT sum(members) FROM poverty_aid.monitored_household
                       WHERE identified_on <= d AND (eliminated_on IS NULL OR eliminated_on > d)),
           'with_measure', (SELECT count(DISTINCT m.id) FROM poverty_aid.monitored_household m
                              JOIN poverty_aid.monitoring_measure x ON x.monitored_household_id = m.id
                             WHERE m.identified_on <= d AND (m.eliminated_on IS NULL OR m.eliminated_on > d)
                               AND x.started_on <= d AND (x.ended_on IS NULL OR x.ended_on >= d)),
           'returned', (SELECT count(DISTINCT h.household_no) FROM poverty_aid.household h
                         WHERE h.registered_on BETWEEN date_trunc('year', d)::date AND d
                           AND EXISTS (SELECT 1 FROM poverty_aid.household e WHERE e.household_no = h.household_no
                                         AND e.exited_on <= h.registered_on))
         ) AS fig) x;
  RAISE NOTICE 'figures: %', f;
  IF f <> want THEN
    RAISE EXCEPTION 'the 2021-2023 sample data set does not give its figures: %', f;
  END IF;
END
$$;

COMMIT;
