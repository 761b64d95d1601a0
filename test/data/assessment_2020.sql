-- test/data/assessment_2020.sql — exit assessments for the sample data set.
--
-- Runs after test/data/tianjin_2020.sql, in the same database:
--
--     psql -d DB -f test/data/tianjin_2020.sql
--     psql -d DB -f test/data/assessment_2020.sql
--
-- Every one of the 47 counties that exited by 2020-03-31 gets one exit
-- assessment, 30 days before its exit, with a sample of 700 households:
--
--   400 registered households that had exited by the survey, at most one of
--       them found wrongly exited (0 or 1 of 400: upper 95% bound <= 1.4%);
--   300 households off the register, at most one found poor (missed poor:
--       0 or 1 of 300, upper bound <= 1.9%);
--   every sampled household asked whether it approves of the exit; a few
--       do not answer, 3-4% disapprove (lower bound of approval >= 93%).
--
-- So every exited county meets the three criteria, on the point estimate
-- and with the interval, except Luqu County (623026), the borderline case:
-- 644 of its 700 households approve, 92.0%, above the 90% threshold, but the
-- lower bound of the Wilson interval is 89.8%: the interval straddles the
-- threshold.  Deterministic: every choice is a hash or a row number.  The
-- last statement checks these figures and aborts the load if one is off.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM poverty_aid.household) THEN
    RAISE EXCEPTION 'the sample register is not loaded'
      USING HINT = 'Load test/data/tianjin_2020.sql first.';
  END IF;
  IF EXISTS (SELECT 1 FROM poverty_aid.assessment) THEN
    RAISE EXCEPTION 'exit assessments are already loaded';
  END IF;
END
$$;

INSERT INTO poverty_aid.assessment (county_code, assessed_on, assessor, note)
SELECT l.region_code, l.exited_on - 30, 'Third-party assessment team',
       'Sample data: ' || r.name || ' exit assessment'
  FROM poverty_aid.poverty_listing l
  JOIN poverty_aid.region r ON r.code = l.region_code
 WHERE r.level = 'county' AND l.exited_on <= '2020-03-31'
 ORDER BY l.region_code;

-- 400 exited registered households per county, in hash order.
INSERT INTO poverty_aid.assessment_household
  (assessment_id, sample_no, village_code, household_id, wrongly_exited, missed_poor, approves)
SELECT s.assessment_id, s.n, s.village_code, s.id,
       -- one wrongful exit in every third county (by code order)
       s.n = 17 AND s.county_rank % 3 = 0,
       NULL,
       CASE WHEN s.n % 97 = 5 THEN NULL ELSE s.n % 30 <> 7 END   -- NULL: no answer
  FROM (SELECT a.id AS assessment_id, a.county_code, h.id, h.village_code,
               dense_rank() OVER (ORDER BY a.county_code) AS county_rank,
               row_number() OVER (PARTITION BY a.id
                                  ORDER BY hashtext(h.household_no || '/assessment'), h.id)::integer AS n
          FROM poverty_aid.assessment a
          JOIN (SELECT h.*, poverty_aid.region_county_code(h.village_code) AS county_code
                  FROM poverty_aid.household h
                 WHERE h.exited_on IS NOT NULL
                 OFFSET 0) h                               -- the county once per household
            ON h.county_code = a.county_code
           AND h.exited_on <= a.assessed_on) s
 WHERE s.n <= 400;

-- 300 households off the register per county, spread over its villages.
INSERT INTO poverty_aid.assessment_household
  (assessment_id, sample_no, village_code, household_id, wrongly_exited, missed_poor, approves)
SELECT a.id, 400 + k, v.code, NULL, NULL,
       -- one missed poor household in every fourth county
       k = 101 AND a.county_rank % 4 = 1,
       CASE WHEN k % 97 = 40 THEN NULL ELSE k % 30 <> 8 END
  FROM (SELECT a.*, dense_rank() OVER (ORDER BY a.county_code) AS county_rank FROM poverty_aid.assessment a) a
  CROSS JOIN LATERAL generate_series(1, 300) k
  JOIN LATERAL (SELECT r.code, count(*) OVER () AS villages,
                       row_number() OVER (ORDER BY r.code) AS i
                  FROM poverty_aid.region r
                 WHERE r.level = 'village' AND poverty_aid.region_county_code(r.code) = a.county_code) v
    ON v.i = 1 + (k * 7919) % v.villages;

-- The borderline county: every household answers, the 56 with a sample
-- number that is a multiple of 12 up to 672 disapprove: 644 of 700 approve.
UPDATE poverty_aid.assessment_household s
   SET approves = s.sample_no % 12 <> 0 OR s.sample_no > 672
  FROM poverty_aid.assessment a
 WHERE a.id = s.assessment_id AND a.county_code = '623026000000';

ANALYZE poverty_aid.assessment, poverty_aid.assessment_household;

-- Check the figures (plain SQL first, then exit_assessment()).
DO $$
DECLARE
  f jsonb;
BEGIN
  CREATE TEMPORARY TABLE checked ON COMMIT DROP AS
    SELECT * FROM poverty_aid.exit_assessment(NULL, '2020-03-31');
  SELECT row_to_json(figures)::jsonb INTO f FROM (SELECT
    (SELECT count(*) FROM poverty_aid.assessment) AS assessments,
    (SELECT count(*) FROM poverty_aid.assessment_household) AS sampled,
    (SELECT count(*) FILTER (WHERE wrongly_exited) FROM poverty_aid.assessment_household) AS wrongful,
    (SELECT count(*) FILTER (WHERE missed_poor) FROM poverty_aid.assessment_household) AS missed,
    (SELECT count(*) FILTER (WHERE approves) || '/' || count(approves)
       FROM poverty_aid.assessment_household s JOIN poverty_aid.assessment a ON a.id = s.assessment_id
      WHERE a.county_code = '623026000000') AS luqu_approval,
    (SELECT count(*) FROM checked) AS assessed,
    (SELECT count(*) FROM checked WHERE all_met) AS all_met,
    (SELECT string_agg(county_code, ',') FROM checked WHERE NOT all_met_with_interval) AS not_met_with_interval,
    (SELECT approval_rate::text || ' ' || approval_percent || ' ' || round(approval_ci_lower::numeric, 1)
       FROM checked WHERE county_code = '623026000000') AS luqu
  ) AS figures;
  IF f <> jsonb_build_object(
       'assessments', 47, 'sampled', 47 * 700, 'wrongful', 15, 'missed', 12,
       'luqu_approval', '644/700', 'assessed', 47, 'all_met', 47,
       'not_met_with_interval', '623026000000', 'luqu', '644/700 92.00 89.8') THEN
    RAISE EXCEPTION 'exit assessment sample does not have its figures: %', f;
  END IF;
END
$$;

COMMIT;
