-- test/data/tianjin_2020.sql — the poverty_aid sample data set.
--
-- A city (Tianjin) that assists 82 counties in 8 areas, 50 of them designated
-- poverty counties paired with the city's 16 districts, as the register
-- stood on 2020-03-31.  Generated with SQL, deterministically (every "random"
-- choice is a hash of a code or a row number), at full scale: about 13,000
-- villages of which 3,904 are poor villages, about 1.12 million registered
-- poor households holding 3,365,000 people, pairings, fund plans and
-- transfers, projects, jobs and purchases.
--
-- As of 2020-03-31 the indicators reproduce the press release in docs/loading.md
-- exactly; the last statements of this file check that with plain
-- SQL (no extension aggregates) and abort the load if any figure is off.
--
-- Load it into a database where CREATE EXTENSION poverty_aid CASCADE ran and
-- whose register is still empty:
--
--     psql -d DB -f test/data/tianjin_2020.sql
--
-- Codes: provinces, prefectures and counties use their real GB/T 2260 codes
-- (12-digit form: the 6-digit code followed by 000000).  Townships and
-- villages are generated: township part 101, 102, … (the "town" range of the
-- statistical codes) and village part 201 … 212 (the "village committee"
-- range); their names are generated too.  Which counties are designated,
-- deeply poor, and when they exited follows the real picture in outline but
-- is sample data, not the official lists.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM poverty_aid.region) THEN
    RAISE EXCEPTION 'the poverty_aid register is not empty'
      USING DETAIL = 'test/data/tianjin_2020.sql loads into a database whose poverty_aid tables are empty.',
            HINT = 'Create a fresh database, run CREATE EXTENSION poverty_aid CASCADE, then load the file.';
  END IF;
END
$$;

-- Deterministic "random" numbers in [0, 1): from a text key (md5) for the
-- small tables, from an integer key (a multiplicative hash) for the big ones.
CREATE FUNCTION pg_temp.u(key text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0;
CREATE FUNCTION pg_temp.h(key bigint, salt integer) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ((key * 2654435761 + salt * 40503 + 12345) % 2147483647) / 2147483647.0;

-- 1. Regions ---------------------------------------------------------------

-- Counties of the 8 assisted areas: code, name, designated poverty county,
-- deeply poor, exit date and batch (NULL: not exited by 2020-03-31).
CREATE TEMP TABLE g_county (
  ord        integer PRIMARY KEY,
  code6      text NOT NULL,
  name       text NOT NULL,
  poverty    boolean NOT NULL,
  deep       boolean NOT NULL,
  exited_on  date,
  exit_batch text
) ON COMMIT DROP;
INSERT INTO g_county VALUES
  -- Gansu: Pingliang
  ( 1, '620802', 'Kongtong District',        false, false, NULL, NULL),
  ( 2, '620821', 'Jingchuan County',         true,  false, '2019-04-29', '2018'),
  ( 3, '620822', 'Lingtai County',           true,  false, '2020-02-28', '2019'),
  ( 4, '620823', 'Chongxin County',          true,  false, '2019-04-29', '2018'),
  ( 5, '620825', 'Zhuanglang County',        true,  false, '2020-02-28', '2019'),
  ( 6, '620826', 'Jingning County',          true,  false, '2020-02-28', '2019'),
  ( 7, '620881', 'Huating City',             false, false, NULL, NULL),
  -- Gansu: Qingyang
  ( 8, '621002', 'Xifeng District',          false, false, NULL, NULL),
  ( 9, '621021', 'Qingcheng County',         true,  false, '2019-04-29', '2018'),
  (10, '621022', 'Huan County',              true,  true,  '2020-02-28', '2019'),
  (11, '621023', 'Huachi County',            true,  false, '2019-04-29', '2018'),
  (12, '621024', 'Heshui County',            true,  false, '2020-02-28', '2019'),
  (13, '621025', 'Zhengning County',         true,  false, '2019-04-29', '2018'),
  (14, '621026', 'Ning County',              true,  false, '2020-02-28', '2019'),
  (15, '621027', 'Zhenyuan County',          true,  true,  NULL, NULL),
  -- Gansu: Longnan
  (16, '621202', 'Wudu District',            true,  false, '2020-02-28', '2019'),
  (17, '621221', 'Cheng County',             true,  false, '2019-04-29', '2018'),
  (18, '621222', 'Wen County',               true,  false, '2020-02-28', '2019'),
  (19, '621223', 'Dangchang County',         true,  true,  '2020-02-28', '2019'),
  (20, '621224', 'Kang County',              true,  false, '2019-04-29', '2018'),
  (21, '621225', 'Xihe County',              true,  true,  '2020-02-28', '2019'),
  (22, '621226', 'Li County',                true,  true,  '2020-02-28', '2019'),
  (23, '621227', 'Hui County',               true,  false, '2019-04-29', '2018'),
  (24, '621228', 'Liangdang County',         true,  false, '2019-04-29', '2018'),
  -- Gansu: Gannan
  (25, '623001', 'Hezuo City',               true,  true,  '2019-04-29', '2018'),
  (26, '623021', 'Lintan County',            true,  true,  '2020-02-28', '2019'),
  (27, '623022', 'Jone County',              true,  true,  '2020-02-28', '2019'),
  (28, '623023', 'Zhugqu County',            true,  true,  '2020-02-28', '2019'),
  (29, '623024', 'Tewo County',              true,  true,  '2019-04-29', '2018'),
  (30, '623025', 'Maqu County',              true,  true,  '2019-04-29', '2018'),
  (31, '623026', 'Luqu County',              true,  true,  '2019-04-29', '2018'),
  (32, '623027', 'Xiahe County',             true,  true,  '2020-02-28', '2019'),
  -- Hebei: Chengde
  (33, '130802', 'Shuangqiao District',      false, false, NULL, NULL),
  (34, '130803', 'Shuangluan District',      false, false, NULL, NULL),
  (35, '130804', 'Yingshouyingzi Mining District', false, false, NULL, NULL),
  (36, '130821', 'Chengde County',           true,  false, '2018-09-29', '2018'),
  (37, '130822', 'Xinglong County',          true,  false, '2018-09-29', '2018'),
  (38, '130824', 'Luanping County',          true,  false, '2018-09-29', '2018'),
  (39, '130825', 'Longhua County',           true,  false, '2019-05-07', '2019'),
  (40, '130826', 'Fengning Manchu Autonomous County', true, false, '2019-05-07', '2019'),
  (41, '130827', 'Kuancheng Manchu Autonomous County', false, false, NULL, NULL),
  (42, '130828', 'Weichang Manchu and Mongol Autonomous County', true, false, '2019-05-07', '2019'),
  (43, '130881', 'Pingquan City',            false, false, NULL, NULL),
  -- Xinjiang: Hotan
  (44, '653201', 'Hotan City',               false, false, NULL, NULL),
  (45, '653221', 'Hotan County',             true,  true,  '2020-02-28', '2019'),
  (46, '653222', 'Moyu County',              true,  true,  '2020-02-28', '2019'),
  (47, '653223', 'Pishan County',            true,  true,  '2020-02-28', '2019'),
  (48, '653224', 'Lop County',               true,  true,  '2020-02-28', '2019'),
  (49, '653225', 'Cele County',              true,  true,  NULL, NULL),
  (50, '653226', 'Yutian County',            true,  true,  NULL, NULL),
  (51, '653227', 'Minfeng County',           true,  true,  '2019-04-25', '2018'),
  -- Tibet: Changdu
  (52, '540302', 'Karuo District',           false, false, NULL, NULL),
  (53, '540321', 'Jomda County',             true,  true,  '2019-12-09', '2019'),
  (54, '540322', 'Gonjo County',             true,  true,  '2019-12-09', '2019'),
  (55, '540323', 'Riwoqe County',            false, false, NULL, NULL),
  (56, '540324', 'Dengqen County',           true,  true,  '2019-12-09', '2019'),
  (57, '540325', 'Zhagyab County',           true,  true,  '2018-10-19', '2018'),
  (58, '540326', 'Baxoi County',             false, false, NULL, NULL),
  (59, '540327', 'Zogang County',            false, false, NULL, NULL),
  (60, '540328', 'Markam County',            false, false, NULL, NULL),
  (61, '540329', 'Lhorong County',           true,  true,  '2019-12-09', '2019'),
  (62, '540330', 'Banbar County',            true,  true,  '2018-10-19', '2018'),
  -- Qinghai: Huangnan
  (63, '632321', 'Tongren County',           false, false, NULL, NULL),
  (64, '632322', 'Jainca County',            false, false, NULL, NULL),
  (65, '632323', 'Zekog County',             true,  true,  '2019-05-15', '2018'),
  (66, '632324', 'Henan Mongol Autonomous County', true, true, '2019-05-15', '2018'),
  -- Chongqing: Wanzhou (Three Gorges resettlement)
  (67, '500101', 'Wanzhou District',         false, false, NULL, NULL),
  -- Jilin: Yanbian (counterpart cooperation)
  (68, '222401', 'Yanji City',               false, false, NULL, NULL),
  (69, '222402', 'Tumen City',               false, false, NULL, NULL),
  (70, '222403', 'Dunhua City',              false, false, NULL, NULL),
  (71, '222404', 'Hunchun City',             false, false, NULL, NULL),
  (72, '222405', 'Longjing City',            false, false, NULL, NULL),
  (73, '222406', 'Helong City',              false, false, NULL, NULL),
  (74, '222424', 'Wangqing County',          false, false, NULL, NULL),
  (75, '222426', 'Antu County',              false, false, NULL, NULL),
  -- Shaanxi: Shangluo (South-to-North Water Diversion source area)
  (76, '611002', 'Shangzhou District',       false, false, NULL, NULL),
  (77, '611021', 'Luonan County',            false, false, NULL, NULL),
  (78, '611022', 'Danfeng County',           false, false, NULL, NULL),
  (79, '611023', 'Shangnan County',          false, false, NULL, NULL),
  (80, '611024', 'Shanyang County',          false, false, NULL, NULL),
  (81, '611025', 'Zhen''an County',          false, false, NULL, NULL),
  (82, '611026', 'Zhashui County',           false, false, NULL, NULL);

INSERT INTO poverty_aid.region (code, name) VALUES
  ('120000000000', 'Tianjin Municipality'),
  ('130000000000', 'Hebei Province'),
  ('220000000000', 'Jilin Province'),
  ('500000000000', 'Chongqing Municipality'),
  ('540000000000', 'Tibet Autonomous Region'),
  ('610000000000', 'Shaanxi Province'),
  ('620000000000', 'Gansu Province'),
  ('630000000000', 'Qinghai Province'),
  ('650000000000', 'Xinjiang Uygur Autonomous Region');
INSERT INTO poverty_aid.region (code, name) VALUES
  ('120100000000', 'Tianjin Municipal Districts'),
  ('130800000000', 'Chengde City'),
  ('222400000000', 'Yanbian Korean Autonomous Prefecture'),
  ('500100000000', 'Chongqing Municipal Districts'),
  ('540300000000', 'Changdu (Qamdo) City'),
  ('611000000000', 'Shangluo City'),
  ('620800000000', 'Pingliang City'),
  ('621000000000', 'Qingyang City'),
  ('621200000000', 'Longnan City'),
  ('623000000000', 'Gannan Tibetan Autonomous Prefecture'),
  ('632300000000', 'Huangnan Tibetan Autonomous Prefecture'),
  ('653200000000', 'Hotan Prefecture');
-- The assisting city's 16 districts (home regions of the district helpers).
INSERT INTO poverty_aid.region (code, name) VALUES
  ('120101000000', 'Heping District'),   ('120102000000', 'Hedong District'),
  ('120103000000', 'Hexi District'),     ('120104000000', 'Nankai District'),
  ('120105000000', 'Hebei District'),    ('120106000000', 'Hongqiao District'),
  ('120110000000', 'Dongli District'),   ('120111000000', 'Xiqing District'),
  ('120112000000', 'Jinnan District'),   ('120113000000', 'Beichen District'),
  ('120114000000', 'Wuqing District'),   ('120115000000', 'Baodi District'),
  ('120116000000', 'Binhai New Area'),   ('120117000000', 'Ninghe District'),
  ('120118000000', 'Jinghai District'),  ('120119000000', 'Jizhou District');
INSERT INTO poverty_aid.region (code, name)
  SELECT code6 || '000000', name FROM g_county ORDER BY ord;

-- Villages: every county has poor villages (3,600 in the 50 poverty
-- counties, 304 in the others: 3,904) and ordinary villages, 12 villages to
-- a township.  In the three counties not yet exited (Zhenyuan, Cele,
-- Yutian) some poor villages are not exited either: 117 in all, of which 46
-- still have an incidence above 10% (5 in Zhenyuan, 41 in Cele and Yutian),
-- 20 already meet the exit threshold and 51 do not yet.
CREATE TEMP TABLE g_county_plan ON COMMIT DROP AS
WITH numbered AS (
  SELECT c.*,
         row_number() OVER (PARTITION BY poverty ORDER BY ord) AS i
  FROM g_county c
), spread AS (
  SELECT n.*,
         CASE WHEN poverty AND i <= 25 THEN ((i * 7) % 31) - 15
              WHEN poverty THEN -(((i - 25) * 7) % 31 - 15)
              ELSE 0 END AS d
  FROM numbered n
)
SELECT ord, code6, name, poverty, deep, exited_on, exit_batch,
       CASE WHEN poverty THEN 72 + d ELSE 9 + (i % 2)::integer END AS poor_villages,
       CASE WHEN poverty THEN 60 + floor(60 * pg_temp.u(code6 || ':villages'))
            ELSE 100 + floor(80 * pg_temp.u(code6 || ':villages')) END::integer AS other_villages,
       CASE code6 WHEN '621027' THEN 30 WHEN '653225' THEN 40 WHEN '653226' THEN 47 ELSE 0 END AS unexited_villages,
       CASE code6 WHEN '621027' THEN 5  WHEN '653225' THEN 19 WHEN '653226' THEN 22 ELSE 0 END AS deep_villages,
       CASE code6 WHEN '621027' THEN 7  WHEN '653225' THEN 6  WHEN '653226' THEN 7  ELSE 0 END AS ready_villages,
       round(((CASE WHEN poverty THEN 3 ELSE 1 END) * (0.7 + 0.6 * pg_temp.u(code6 || ':weight')))::numeric, 9) AS weight
FROM spread;

CREATE TEMP TABLE g_village ON COMMIT DROP AS
WITH v AS (
  SELECT p.*, k,
         p.code6 || lpad((100 + (k - 1) / 12 + 1)::text, 3, '0') || lpad((200 + (k - 1) % 12 + 1)::text, 3, '0') AS code,
         (k - 1) / 12 + 1 AS township,
         (k - 1) % 12 + 1 AS village_no
  FROM g_county_plan p, generate_series(1, p.poor_villages + p.other_villages) AS k
), poor AS (
  SELECT v.*,
         row_number() OVER (PARTITION BY code6 ORDER BY pg_temp.u(code || ':poor')) <= poor_villages AS poor
  FROM v
), kinds AS (
  SELECT poor.*,
         CASE WHEN poor THEN row_number() OVER (PARTITION BY code6, poor ORDER BY pg_temp.u(code || ':exit')) END AS exit_rank
  FROM poor
)
SELECT ord, code6, code, township, village_no, poor,
       CASE WHEN NOT poor AND unexited_villages > 0 THEN 'residual'
            WHEN NOT poor THEN 'other'
            WHEN exit_rank <= deep_villages THEN 'deep'
            WHEN exit_rank <= deep_villages + ready_villages THEN 'ready'
            WHEN exit_rank <= unexited_villages THEN 'unexited'
            ELSE 'exited' END AS kind,
       -- exit day of an exited poor village: the end of a year from 2016 on,
       -- never after its county's exit
       CASE WHEN poor AND exit_rank > unexited_villages THEN
         least(make_date(2016 + floor(4 * pg_temp.u(code || ':exited_on'))::integer, 12, 31),
               coalesce(exited_on - 30, date '2019-12-31'))
       END AS exited_on,
       round(((CASE WHEN poor THEN 3 ELSE 1 END) * (0.6 + 0.8 * pg_temp.u(code || ':weight')))::numeric, 9) AS weight,
       CASE WHEN poor THEN 0.22 + 0.23 * pg_temp.u(code || ':rate')
            WHEN unexited_villages > 0 THEN 0.10 + 0.04 * pg_temp.u(code || ':rate')
            ELSE 0.04 + 0.05 * pg_temp.u(code || ':rate') END AS baseline_rate,
       row_number() OVER (ORDER BY code) AS vord
FROM kinds;
ALTER TABLE g_village ADD PRIMARY KEY (code);

INSERT INTO poverty_aid.region (code, name)
  SELECT DISTINCT substr(v.code, 1, 9) || '000',
         regexp_replace(c.name, ' (County|District|City|Autonomous County|Mining District|New Area)$', '')
           || ' Township ' || v.township
  FROM g_village v JOIN g_county c USING (code6)
  ORDER BY 1;
INSERT INTO poverty_aid.region (code, name)
  SELECT v.code,
         regexp_replace(c.name, ' (County|District|City|Autonomous County|Mining District|New Area)$', '')
           || ' Village ' || v.township || '-' || v.village_no
  FROM g_village v JOIN g_county c USING (code6)
  ORDER BY v.code;

-- 2. Poverty listings ---------------------------------------------------------

INSERT INTO poverty_aid.poverty_listing (region_code, listed_on, exited_on, exit_batch, deep_poverty)
  SELECT code6 || '000000', date '2012-03-19', exited_on, exit_batch, deep
  FROM g_county WHERE poverty ORDER BY ord;
INSERT INTO poverty_aid.poverty_listing (region_code, listed_on, exited_on, exit_batch)
  SELECT code, date '2014-10-17', exited_on, extract(year FROM exited_on)::text
  FROM g_village WHERE poor ORDER BY code;

-- 3. People: baseline, current and population per village ----------------------
--
-- The 3,365,000 registered poor people are shared out to counties and then to
-- villages by weights, with cumulative rounding so that the parts add up
-- exactly.  Each village's rural population follows from its baseline
-- incidence.  Of the 79,500 still poor on 2020-03-31, the unexited villages
-- and the ordinary villages of the three unexited counties hold a fixed
-- share of their population; the rest is shared out over all other villages,
-- never more than 1% of a village's population (below every exit threshold).

CREATE TEMP TABLE g_county_people ON COMMIT DROP AS
SELECT code6,
       (floor(3365000 * sum(weight) OVER w / sum(weight) OVER ()) -
        floor(3365000 * (sum(weight) OVER w - weight) / sum(weight) OVER ()))::bigint AS baseline
FROM g_county_plan
WINDOW w AS (ORDER BY ord);

CREATE TEMP TABLE g_people ON COMMIT DROP AS
WITH b AS (
  SELECT v.*,
         (floor(cp.baseline * sum(v.weight) OVER w / sum(v.weight) OVER c) -
          floor(cp.baseline * (sum(v.weight) OVER w - v.weight) / sum(v.weight) OVER c))::bigint AS baseline
  FROM g_village v JOIN g_county_people cp USING (code6)
  WINDOW c AS (PARTITION BY v.code6), w AS (PARTITION BY v.code6 ORDER BY v.code)
)
SELECT b.*, greatest(ceil(baseline / baseline_rate), 300)::bigint AS population
FROM b;

ALTER TABLE g_people ADD COLUMN current bigint;
UPDATE g_people SET current = CASE kind
    WHEN 'deep'     THEN ceil(population * (0.11 + 0.08 * pg_temp.u(code || ':current')))
    WHEN 'ready'    THEN floor(population * (0.010 + 0.015 * pg_temp.u(code || ':current')))
    WHEN 'unexited' THEN ceil(population * (0.035 + 0.05 * pg_temp.u(code || ':current')))
    WHEN 'residual' THEN round(population * 0.05)
  END;
WITH rest AS (
  SELECT 79500 - sum(current) AS remaining FROM g_people WHERE current IS NOT NULL
), capped AS (
  SELECT code, floor(population * 0.01) AS cap,
         sum(floor(population * 0.01)) OVER (ORDER BY code) AS cum,
         sum(floor(population * 0.01)) OVER () AS total
  FROM g_people WHERE current IS NULL
)
UPDATE g_people p
   SET current = floor(r.remaining * c.cum / c.total) - floor(r.remaining * (c.cum - c.cap) / c.total)
  FROM capped c, rest r
 WHERE p.code = c.code;

DO $$
DECLARE
  bad integer;
BEGIN
  SELECT count(*) INTO bad FROM g_people WHERE current > baseline OR current < 0;
  IF bad > 0 OR (SELECT sum(baseline) FROM g_people) <> 3365000
     OR (SELECT sum(current) FROM g_people) <> 79500 THEN
    RAISE EXCEPTION 'sample generator: people do not add up (% villages with current > baseline)', bad;
  END IF;
END
$$;

-- Rural population per village and year (2014-2020, growing by 1% a year).
INSERT INTO poverty_aid.region_population (region_code, year, rural_population)
  SELECT code, y, round(population * (1 - 0.01 * (2020 - y)))::bigint
  FROM g_people, generate_series(2014, 2020) AS y
  ORDER BY code, y;

-- 4. Households ------------------------------------------------------------------
--
-- Each village's exited and current people are cut into households whose
-- sizes cycle through 3, 2, 4, 3, 1, 5, 3, 2, 4, 3 (3 on average); the last
-- household of a group takes what is left.  Households registered in 2014
-- (a few in the 2015 and 2016 reviews); exited households left poverty
-- before their village exited (or before 2020-03-15).  About 1% of the
-- households still poor fell back: their first period ended on 2016-12-31
-- and the current one began on 2018-03-01.

CREATE TEMP TABLE g_household ON COMMIT DROP AS
WITH grp AS (
  SELECT vord, code, exited_on AS village_exited_on, false AS poor_now, baseline - current AS people, 0 AS base
  FROM g_people
  UNION ALL
  SELECT vord, code, NULL, true, current, 5000 FROM g_people
), sized AS (
  SELECT g.*, i,
         (ARRAY[3, 2, 4, 3, 1, 5, 3, 2, 4, 3])[(i - 1) % 10 + 1] AS size,
         30 * ((i - 1) / 10) + (ARRAY[0, 3, 5, 9, 12, 13, 18, 21, 23, 27])[(i - 1) % 10 + 1] AS before,
         vord::bigint * 100000 + base + i AS hkey
  FROM grp g, generate_series(1, (g.people / 3 + 4)::integer) AS i
  WHERE g.people > 0
), registered AS (
  SELECT s.*,
         CASE WHEN pg_temp.h(hkey, 1) < 0.03 THEN date '2015-06-30'
              WHEN pg_temp.h(hkey, 1) < 0.05 THEN date '2016-06-30'
              ELSE date '2014-04-01' + floor(200 * pg_temp.h(hkey, 2))::integer END AS registered_on
  FROM sized s
  WHERE before < people
)
SELECT code AS village_code,
       code || '-' || lpad((base + i)::text, 4, '0') AS household_no,
       least(size, people - before)::integer AS members,
       poor_now,
       registered_on,
       CASE WHEN NOT poor_now THEN
         registered_on + floor((coalesce(village_exited_on, date '2020-03-15') - registered_on)
                               * (0.35 + 0.65 * pg_temp.h(hkey, 4)))::integer END AS exited_on,
       poor_now AND pg_temp.h(hkey, 3) < 0.01 AS fell_back,
       hkey
FROM registered;

DO $$
BEGIN
  IF (SELECT sum(members) FROM g_household) <> 3365000
     OR (SELECT sum(members) FROM g_household WHERE poor_now) <> 79500 THEN
    RAISE EXCEPTION 'sample generator: households do not add up';
  END IF;
END
$$;

-- The exclusion constraint that keeps a household's periods from overlapping
-- and the foreign key to the village are dropped for the bulk insert and
-- added back right after it, from their own catalogue definitions: building
-- the GiST index once is several times faster than growing it row by row,
-- and one validating join is faster than a million single-row key checks.
-- Adding them back checks every row again.
CREATE TEMP TABLE g_household_constraint ON COMMIT DROP AS
  SELECT conname, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint
  WHERE conrelid = 'poverty_aid.household'::regclass AND contype IN ('x', 'f');
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conname FROM g_household_constraint LOOP
    EXECUTE format('ALTER TABLE poverty_aid.household DROP CONSTRAINT %I', c.conname);
  END LOOP;
END
$$;

INSERT INTO poverty_aid.household (household_no, village_code, members, registered_on, exited_on, poverty_cause)
  SELECT household_no, village_code, members, registered_on, exited_on,
         ((ARRAY['illness', 'illness', 'illness', 'illness', 'disability', 'disability',
                 'lack_of_skills', 'lack_of_skills', 'lack_of_labour', 'lack_of_capital',
                 'lack_of_capital', 'schooling', 'disaster', 'lack_of_land', 'lack_of_water',
                 'poor_transport', 'lack_of_motivation', 'other'])
           [1 + floor(18 * pg_temp.h(hkey, 5))::integer])::poverty_aid.poverty_cause
  FROM (
    SELECT household_no, village_code, members, registered_on, exited_on, hkey FROM g_household
    WHERE NOT fell_back
    UNION ALL   -- a household that fell back: its first period ...
    SELECT household_no, village_code, members, registered_on, date '2016-12-31', hkey FROM g_household
    WHERE fell_back
    UNION ALL   -- ... and the period it is in now
    SELECT household_no, village_code, members, date '2018-03-01', NULL, hkey FROM g_household
    WHERE fell_back
  ) AS periods
  ORDER BY household_no, registered_on;

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conname, definition FROM g_household_constraint LOOP
    EXECUTE format('ALTER TABLE poverty_aid.household ADD CONSTRAINT %I %s', c.conname, c.definition);
  END LOOP;
END
$$;
ANALYZE poverty_aid.household;

-- Per-capita income in 2019 for every household period still open in 2017 or
-- later: exited households above the 2019 line, most of those still poor
-- below it (about one in six already above it).
INSERT INTO poverty_aid.poverty_line (year, line) VALUES
  (2011, 2536), (2012, 2625), (2013, 2736), (2014, 2800), (2015, 2855),
  (2016, 2952), (2017, 2952), (2018, 2995), (2019, 3218), (2020, 4000)
  ON CONFLICT (year) DO NOTHING;
INSERT INTO poverty_aid.household_income (household_id, year, per_capita_income)
  SELECT id, 2019,
         round((CASE WHEN exited_on IS NOT NULL THEN 3218 * (1.15 + 1.5 * pg_temp.h(id, 6))
                    WHEN pg_temp.h(id, 7) < 0.16 THEN 3218 * (1.01 + 0.2 * pg_temp.h(id, 6))
                    ELSE 3218 * (0.55 + 0.43 * pg_temp.h(id, 6)) END)::numeric, 2)
  FROM poverty_aid.household
  WHERE exited_on IS NULL OR exited_on > date '2016-12-31'
  ORDER BY id;

-- 5. Helpers and pairings ---------------------------------------------------------

INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT name || ' People''s Government', 'district', code
  FROM poverty_aid.region WHERE parent_code = '120100000000' ORDER BY code;
INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Tianjin %s Co., Ltd. No. %s',
                (ARRAY['Binhai Logistics', 'Bohai Steel', 'Haihe Dairy', 'Jinmen Foods', 'Tianshi Pharma',
                       'Heping Department Store', 'Xiqing Auto Parts', 'Jinnan Agriculture', 'Beichen Textiles',
                       'Wuqing Trading'])[1 + i % 10], i),
         'enterprise',
         (SELECT code FROM poverty_aid.region WHERE parent_code = '120100000000' ORDER BY code
          OFFSET i % 16 LIMIT 1)
  FROM generate_series(1, 600) AS i;
INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Tianjin %s No. %s',
                (ARRAY['Charity Federation Branch', 'Red Cross Branch', 'Women''s Federation Chapter',
                       'Youth Volunteer Association', 'Chamber of Commerce'])[1 + i % 5], i),
         'social_organisation', '120100000000'
  FROM generate_series(1, 120) AS i;
INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Tianjin No. %s Middle School', i), 'school', '120100000000' FROM generate_series(1, 30) AS i;
INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Tianjin No. %s Hospital', i), 'hospital', '120100000000' FROM generate_series(1, 20) AS i;
INSERT INTO poverty_aid.helper (name, kind, home_region_code)
  SELECT format('Cadre %s', lpad(i::text, 4, '0')), 'cadre', '120100000000' FROM generate_series(1, 400) AS i;

-- Each poverty county is paired with a district from 2017 on; ten of them had
-- another district in 2016 (an expired pairing).
WITH d AS (
  SELECT id, row_number() OVER (ORDER BY home_region_code) - 1 AS n
  FROM poverty_aid.helper WHERE kind = 'district'
), c AS (
  SELECT code6 || '000000' AS code, row_number() OVER (ORDER BY ord) - 1 AS n
  FROM g_county WHERE poverty
)
INSERT INTO poverty_aid.pairing (helper_id, target_region_code, kind, valid_from, valid_to)
  SELECT d.id, c.code, 'district_county'::poverty_aid.pairing_kind, date '2017-01-01', NULL::date FROM c JOIN d ON d.n = c.n % 16
  UNION ALL
  SELECT d.id, c.code, 'district_county'::poverty_aid.pairing_kind, date '2016-01-01', date '2017-01-01' FROM c JOIN d ON d.n = (c.n + 5) % 16
  WHERE c.n < 10
  ORDER BY 2, 4;

-- Schools and hospitals pair with poverty counties.
WITH h AS (
  SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) - 1 AS n
  FROM poverty_aid.helper WHERE kind IN ('school', 'hospital')
), c AS (
  SELECT code6 || '000000' AS code, row_number() OVER (ORDER BY ord) - 1 AS n
  FROM g_county WHERE poverty
)
INSERT INTO poverty_aid.pairing (helper_id, target_region_code, kind, valid_from)
  SELECT h.id, c.code, h.kind::text::poverty_aid.pairing_kind, date '2018-03-01'
  FROM h JOIN c ON c.n = (h.n * 3 + CASE h.kind WHEN 'school' THEN 0 ELSE 1 END) % 50
  ORDER BY 1;

-- Enterprises and social organisations pair with villages: every village of
-- deep poverty (one or two helpers), about 92% of the other poor villages,
-- some pairings ended (valid_to in the past) and a few ordinary villages.
WITH e AS (
  SELECT id, kind, row_number() OVER (ORDER BY id) - 1 AS n
  FROM poverty_aid.helper WHERE kind IN ('enterprise', 'social_organisation')
), targets AS (
  SELECT code, kind AS village_kind, vord,
         CASE WHEN kind = 'deep' THEN 1 + (pg_temp.u(code || ':pairs') < 0.5)::integer
              WHEN poor AND pg_temp.u(code || ':paired') < 0.92 THEN 1 + (pg_temp.u(code || ':pairs') < 0.2)::integer
              WHEN NOT poor AND pg_temp.u(code || ':paired') < 0.05 THEN 1
              ELSE 0 END AS pairs,
         poor
  FROM g_village
), expired AS (
  -- poor villages whose only pairing ended before 2020
  SELECT code, vord FROM g_village
  WHERE poor AND kind <> 'deep' AND pg_temp.u(code || ':paired') >= 0.92
    AND pg_temp.u(code || ':expired') < 0.4
)
INSERT INTO poverty_aid.pairing (helper_id, target_region_code, kind, valid_from, valid_to)
  SELECT e.id, t.code,
         CASE e.kind WHEN 'enterprise' THEN 'enterprise_village' ELSE 'organisation_village' END::poverty_aid.pairing_kind,
         make_date(2017 + (t.vord % 3)::integer, 1 + (t.vord % 12)::integer, 1), NULL
  FROM targets t, generate_series(1, t.pairs) AS p, e
  WHERE e.n = (t.vord * 7 + p * 331) % 720
  UNION ALL
  SELECT e.id, x.code, 'enterprise_village'::poverty_aid.pairing_kind, date '2016-06-01', date '2019-06-01'
  FROM expired x JOIN e ON e.n = (x.vord * 11) % 600
  ORDER BY 2, 4;

-- Cadres pair with 4,000 households still poor.
WITH c AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM poverty_aid.helper WHERE kind = 'cadre'
), hh AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
  FROM poverty_aid.household WHERE exited_on IS NULL
)
INSERT INTO poverty_aid.pairing (helper_id, target_household_id, kind, valid_from)
  SELECT c.id, hh.id, 'cadre_household', date '2018-06-01'
  FROM hh JOIN c ON c.n = hh.n % 400
  WHERE hh.n % 6 = 0 AND hh.n < 24000
  ORDER BY hh.id;

-- 6. Funds -------------------------------------------------------------------------
--
-- Fiscal ("cooperation") funds of the city and of the districts for the 50
-- poverty counties, 2017-2020.  As of 2020-03-31 plans total 9,500,000,000
-- yuan, 58% of it to the 28 deeply poor counties; 11,324,000,000 yuan is in
-- place (119.2% of plan).  The city's 2020 plans, allocated in January and
-- February, total 1,296,948,000 yuan.  Amounts are shared out with
-- cumulative rounding to whole thousands of yuan so the totals are exact.

CREATE TEMP TABLE g_fund ON COMMIT DROP AS
WITH counties AS (
  SELECT code6 || '000000' AS code, deep, ord FROM g_county WHERE poverty
), district_of AS (
  SELECT p.target_region_code AS code, p.helper_id
  FROM poverty_aid.pairing p
  WHERE p.kind = 'district_county' AND p.valid_to IS NULL
), plans AS (
  SELECT c.code, c.deep, c.ord, y AS year, s AS source, pu AS purpose,
         CASE WHEN s = 'city_fiscal' THEN NULL ELSE d.helper_id END AS helper_id,
         CASE WHEN y = 2020 AND s = 'city_fiscal' THEN make_date(2020, 1 + (c.ord % 2)::integer, 15)
              WHEN y = 2020 THEN date '2020-03-10'
              ELSE make_date(y, 2 + (c.ord % 3)::integer, 10) END AS allocated_on,
         round((0.5 + pg_temp.u(c.code || y || s || pu))::numeric, 9) AS w
  FROM counties c JOIN district_of d USING (code),
       generate_series(2017, 2020) AS y,
       unnest(ARRAY['city_fiscal', 'district_fiscal']) AS s,
       unnest(ARRAY['industry', 'infrastructure', 'education', 'employment']) AS pu
), city2020 AS (
  SELECT p.*, floor(1296948 * sum(w) OVER o / sum(w) OVER ()) - floor(1296948 * (sum(w) OVER o - w) / sum(w) OVER ()) AS k
  FROM plans p WHERE year = 2020 AND source = 'city_fiscal'
  WINDOW o AS (ORDER BY code, purpose)
), city2020_split AS (
  SELECT sum(k) FILTER (WHERE deep) AS deep_k, sum(k) FILTER (WHERE NOT deep) AS other_k FROM city2020
), rest AS (
  SELECT p.*,
         CASE WHEN deep THEN 5510000 - s.deep_k ELSE 3990000 - s.other_k END AS pot
  FROM plans p, city2020_split s WHERE NOT (year = 2020 AND source = 'city_fiscal')
), rest_k AS (
  SELECT r.*, floor(pot * sum(w) OVER o / sum(w) OVER g) - floor(pot * (sum(w) OVER o - w) / sum(w) OVER g) AS k
  FROM rest r
  WINDOW g AS (PARTITION BY deep), o AS (PARTITION BY deep ORDER BY code, year, source, purpose)
)
SELECT code, year, source, purpose, helper_id, allocated_on, k * 1000 AS planned
FROM (SELECT code, year, source, purpose, helper_id, allocated_on, k FROM city2020
      UNION ALL
      SELECT code, year, source, purpose, helper_id, allocated_on, k FROM rest_k) AS all_plans;

INSERT INTO poverty_aid.fund (source, helper_id, recipient_region_code, year, purpose, planned, allocated_on, description)
  SELECT source::poverty_aid.fund_source, helper_id, code, year, purpose::poverty_aid.fund_purpose, planned, allocated_on,
         format('%s %s funds for %s', year, replace(source, '_', ' '), purpose)
  FROM g_fund ORDER BY year, code, source, purpose;

-- Enterprise and social donations to villages and counties.
INSERT INTO poverty_aid.fund (source, helper_id, recipient_region_code, year, purpose, planned, allocated_on, description)
  SELECT CASE WHEN h.kind = 'enterprise' THEN 'enterprise' ELSE 'social' END::poverty_aid.fund_source,
         h.id, v.code, 2017 + i % 4,
         (ARRAY['industry', 'education', 'health', 'housing', 'other'])[1 + i % 5]::poverty_aid.fund_purpose,
         (20 + floor(480 * pg_temp.h(i, 8))) * 1000,
         make_date(2017 + i % 4, 1 + (i % 3), 1 + (i % 28)),
         'donation'
  FROM generate_series(1, 900) AS i
  JOIN (SELECT id, kind, row_number() OVER (ORDER BY id) - 1 AS n FROM poverty_aid.helper
        WHERE kind IN ('enterprise', 'social_organisation')) h ON h.n = (i * 13) % 720
  JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM g_village WHERE poor) v
    ON v.n = (i * 37) % 3904
  ORDER BY i;

-- Money in place: fiscal plans get 11,324,000 thousand yuan shared out in
-- proportion to their plans (the 2020 ones less), in two transfers each, 20
-- and 90 days after allocation but never after 2020-03-31; donations arrive
-- at 70% to 100% of plan.
WITH fiscal AS (
  SELECT f.id, f.allocated_on,
         f.planned / 1000 * CASE WHEN f.year = 2020 THEN 0.6 ELSE 1 + round((0.5 * pg_temp.h(f.id, 9))::numeric, 9) END AS w
  FROM poverty_aid.fund f WHERE f.source IN ('city_fiscal', 'district_fiscal')
), fiscal_k AS (
  SELECT id, allocated_on,
         (floor(11324000 * sum(w) OVER o / sum(w) OVER ()) - floor(11324000 * (sum(w) OVER o - w) / sum(w) OVER ())) * 1000 AS in_place
  FROM fiscal WINDOW o AS (ORDER BY id)
), donations AS (
  SELECT id, allocated_on, round((planned * (0.7 + 0.3 * pg_temp.h(id, 10)))::numeric, -2) AS in_place
  FROM poverty_aid.fund WHERE source IN ('enterprise', 'social')
), money AS (
  SELECT * FROM fiscal_k UNION ALL SELECT * FROM donations
)
INSERT INTO poverty_aid.fund_transfer (fund_id, amount, in_place_on, note)
  SELECT id, first_part, least(allocated_on + 20, date '2020-03-31'), 'first transfer'
  FROM (SELECT m.*, floor(in_place * 0.6 / 1000) * 1000 AS first_part FROM money m) AS x
  UNION ALL
  SELECT id, in_place - floor(in_place * 0.6 / 1000) * 1000, least(allocated_on + 90, date '2020-03-31'), 'second transfer'
  FROM money
  ORDER BY 1, 3;

-- 7. Projects, jobs and purchases ---------------------------------------------------

-- 1,340 projects in poor villages, 2017-2020 (137 started in 2020), each
-- financed by an industry plan of its county; the poor households of the
-- village benefit (one in five of them).
WITH pv AS (
  SELECT code, code6 || '000000' AS county_code, row_number() OVER (ORDER BY code) - 1 AS n
  FROM g_village WHERE poor
), p AS (
  SELECT i, pv.code, pv.county_code,
         CASE WHEN i <= 137 THEN date '2020-01-02' + (i * 7 % 88)
              ELSE make_date(2017 + i % 3, 1 + i % 12, 1 + i % 28) END AS started_on
  FROM generate_series(1, 1340) AS i JOIN pv ON pv.n = (i * 97) % 3904
)
INSERT INTO poverty_aid.project (name, region_code, fund_id, sector, started_on, completed_on, investment)
  SELECT format('%s project %s', (ARRAY['Cattle breeding', 'Greenhouse vegetables', 'Apple orchard', 'Walnut processing',
                                        'Jujube cooperative', 'Sheep farming', 'Poverty-relief workshop', 'Rural tourism'])[1 + p.i % 8], p.i),
         p.code,
         (SELECT f.id FROM poverty_aid.fund f
          WHERE f.recipient_region_code = p.county_code AND f.purpose = 'industry'
            AND f.year = extract(year FROM p.started_on) AND f.source = 'district_fiscal'),
         (ARRAY['agriculture', 'agriculture', 'processing', 'tourism', 'services'])[1 + p.i % 5],
         p.started_on,
         CASE WHEN p.started_on < date '2019-06-01' THEN p.started_on + 200 + p.i % 150 END,
         (200 + floor(1800 * pg_temp.h(p.i, 11))) * 1000
  FROM p ORDER BY p.i;

INSERT INTO poverty_aid.project_beneficiary (project_id, household_id)
  SELECT p.id, h.id
  FROM poverty_aid.project p
  JOIN poverty_aid.household h ON h.village_code = p.region_code
  WHERE h.registered_on <= p.started_on AND h.id % 5 = p.id % 5
  ORDER BY 1, 2;

-- Jobs: 45,362 found in 2020 up to 2020-03-31 and 90,000 in 2017-2019, by
-- members of registered households (a third of them in Tianjin, arranged by
-- the district paired with the county).
WITH hh AS (
  SELECT h.id, h.village_code, row_number() OVER (ORDER BY h.id) - 1 AS n
  FROM poverty_aid.household h
), district_of AS (
  SELECT target_region_code AS county_code, helper_id FROM poverty_aid.pairing
  WHERE kind = 'district_county' AND valid_to IS NULL
), jobs AS (
  SELECT i,
         CASE WHEN i <= 45362 THEN date '2020-01-01' + (i % 91)
              ELSE make_date(2017 + i % 3, 1 + i % 12, 1 + i % 28) END AS employed_on,
         (ARRAY['local', 'local', 'pairing_city', 'elsewhere'])[1 + i % 4]::poverty_aid.employment_place AS place,
         (i::bigint * 7919) % (SELECT count(*) FROM poverty_aid.household) AS n
  FROM generate_series(1, 45362 + 90000) AS i
)
INSERT INTO poverty_aid.employment (household_id, helper_id, employer, place, employed_on, ended_on, monthly_wage)
  SELECT hh.id,
         CASE WHEN j.place = 'pairing_city' THEN d.helper_id END,
         CASE j.place WHEN 'local' THEN 'Local poverty-relief workshop'
                      WHEN 'pairing_city' THEN 'Tianjin employer'
                      ELSE 'Employer elsewhere' END,
         j.place, j.employed_on,
         CASE WHEN j.employed_on < date '2019-01-01' AND j.i % 5 = 0 THEN j.employed_on + 180 END,
         CASE j.place WHEN 'local' THEN 1800 WHEN 'pairing_city' THEN 3600 ELSE 3000 END + (j.i % 9) * 100
  FROM jobs j
  JOIN hh ON hh.n = j.n
  LEFT JOIN district_of d ON d.county_code = substr(hh.village_code, 1, 6) || '000000'
  ORDER BY j.i;

-- Purchases of products from the assisted counties (consumption assistance).
WITH c AS (
  SELECT code6 || '000000' AS code, row_number() OVER (ORDER BY ord) - 1 AS n FROM g_county
), buyers AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM poverty_aid.helper WHERE kind IN ('district', 'enterprise')
)
INSERT INTO poverty_aid.consumption_sale (region_code, helper_id, product, sold_on, amount)
  SELECT c.code, b.id,
         (ARRAY['beef and mutton', 'apples', 'walnuts', 'jujubes', 'highland barley', 'potatoes', 'honey', 'yak meat'])[1 + i % 8],
         CASE WHEN i <= 3000 THEN date '2020-01-02' + (i % 89)
              ELSE make_date(2017 + i % 3, 1 + i % 12, 1 + i % 28) END,
         round((2000 + 22000 * pg_temp.h(i, 12))::numeric, 2)
  FROM generate_series(1, 18000) AS i
  JOIN c ON c.n = (i * 29) % 82
  JOIN buyers b ON b.n = (i * 17) % 616
  ORDER BY i;

-- 8. Targets ---------------------------------------------------------------------

INSERT INTO poverty_aid.target (indicator, region_code, year, target_value, unit) VALUES
  ('consumption_sales', NULL, 2019, 80000000, 'yuan'),
  ('consumption_sales', NULL, 2020, 100000000, 'yuan'),
  ('projects_started', NULL, 2019, 300, 'projects'),
  ('projects_started', NULL, 2020, 300, 'projects'),
  ('jobs_found', NULL, 2019, 40000, 'people'),
  ('jobs_found', NULL, 2020, 40000, 'people');

-- 9. Check the press-release figures with plain SQL --------------------------------

DO $$
DECLARE
  f jsonb;
BEGIN
  SELECT row_to_json(figures)::jsonb INTO f FROM (SELECT
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'county' AND l.listed_on <= '2020-03-31') AS counties,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'county' AND l.exited_on <= '2020-03-31') AS counties_exited,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'village' AND l.listed_on <= '2020-03-31') AS villages,
    (SELECT count(*) FROM poverty_aid.poverty_listing l JOIN poverty_aid.region r ON r.code = l.region_code
      WHERE r.level = 'village' AND l.exited_on <= '2020-03-31') AS villages_exited,
    (SELECT sum(members) FROM poverty_aid.household h
      WHERE NOT EXISTS (SELECT 1 FROM poverty_aid.household e
                        WHERE e.household_no = h.household_no AND e.registered_on < h.registered_on)) AS baseline,
    (SELECT sum(members) FROM poverty_aid.household WHERE exited_on IS NULL) AS current,
    (SELECT sum(planned) FROM poverty_aid.fund WHERE source IN ('city_fiscal', 'district_fiscal')) AS fiscal_planned,
    (SELECT sum(t.amount) FROM poverty_aid.fund_transfer t JOIN poverty_aid.fund f ON f.id = t.fund_id
      WHERE f.source IN ('city_fiscal', 'district_fiscal')) AS fiscal_in_place,
    (SELECT sum(f.planned) FROM poverty_aid.fund f JOIN poverty_aid.poverty_listing l ON l.region_code = f.recipient_region_code
      WHERE l.deep_poverty AND f.source IN ('city_fiscal', 'district_fiscal')) AS fiscal_deep,
    (SELECT sum(planned) FROM poverty_aid.fund WHERE source = 'city_fiscal'
      AND allocated_on BETWEEN '2020-01-01' AND '2020-02-29') AS city_jan_feb,
    (SELECT count(*) FROM poverty_aid.employment WHERE employed_on BETWEEN '2020-01-01' AND '2020-03-31') AS jobs
  ) AS figures;
  IF f - 'jobs' <> '{"counties": 50, "counties_exited": 47, "villages": 3904, "villages_exited": 3787,
                     "baseline": 3365000, "current": 79500, "fiscal_planned": 9500000000,
                     "fiscal_in_place": 11324000000, "fiscal_deep": 5510000000,
                     "city_jan_feb": 1296948000}'::jsonb
     OR (f->>'jobs')::integer < 45000 THEN
    RAISE EXCEPTION 'sample data set does not reproduce the press release: %', f;
  END IF;
END
$$;

COMMIT;

ANALYZE poverty_aid.region, poverty_aid.region_population, poverty_aid.poverty_listing,
        poverty_aid.household_income, poverty_aid.helper, poverty_aid.pairing,
        poverty_aid.fund, poverty_aid.fund_transfer, poverty_aid.project, poverty_aid.project_beneficiary,
        poverty_aid.employment, poverty_aid.consumption_sale, poverty_aid.target;
