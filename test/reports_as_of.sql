-- As-of results show nothing recorded after their date.
--
-- For each date D below (boundary values of the fixture: the day before, of
-- and after an exit, a year end, the report date, a date before anything)
-- every as-of function is computed on the fixture, then again after
-- everything dated after D is forgotten (exits, periods, pairings,
-- transfers, plans, jobs, purchases, projects, populations of later years);
-- the two must be equal, row for row: indicator_report (the register and
-- each county), county_, village_, helper_ and fund_source_indicators_as_of,
-- exit_check (exited units too) and the rows take_snapshot writes.
BEGIN;
SELECT plan(12);
\ir fixtures/reports.sql
SET search_path = poverty_aid, public;
SET client_min_messages = warning;

-- Every as-of result for date d, one text per row.
CREATE FUNCTION pg_temp.as_of_results(d date) RETURNS SETOF text
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT 'report ' || r::text FROM poverty_aid.indicator_report(NULL, d) r;
  RETURN QUERY SELECT 'report ' || c.code || ' ' || r::text
                 FROM poverty_aid.region c, poverty_aid.indicator_report(c.code, d) r WHERE c.level = 'county';
  RETURN QUERY SELECT 'county ' || r::text FROM poverty_aid.county_indicators_as_of(d) r;
  RETURN QUERY SELECT 'village ' || r::text FROM poverty_aid.village_indicators_as_of(d) r;
  RETURN QUERY SELECT 'helper ' || r::text FROM poverty_aid.helper_indicators_as_of(d) r;
  RETURN QUERY SELECT 'fund_source ' || r::text FROM poverty_aid.fund_source_indicators_as_of(d) r;
  RETURN QUERY SELECT 'exit_check ' || r::text FROM poverty_aid.exit_check(d, true) r;
  CALL poverty_aid.take_snapshot(d);
  RETURN QUERY SELECT 'snapshot ' || row(s.as_of, s.region_code, s.indicator, s.label, s.numerator,
                                         s.denominator, s.value, s.unit)::text
                 FROM poverty_aid.indicator_snapshot s WHERE s.as_of = d;
END
$$;

-- Forgets everything dated after d: what the register knew on d.
CREATE FUNCTION pg_temp.forget_after(d date) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM poverty_aid.employment WHERE employed_on > d;
  UPDATE poverty_aid.employment SET ended_on = NULL WHERE ended_on > d;
  DELETE FROM poverty_aid.project_beneficiary b USING poverty_aid.project p
   WHERE p.id = b.project_id AND p.started_on > d;
  DELETE FROM poverty_aid.project WHERE started_on > d;
  UPDATE poverty_aid.project SET completed_on = NULL WHERE completed_on > d;
  DELETE FROM poverty_aid.consumption_sale WHERE sold_on > d;
  DELETE FROM poverty_aid.fund_transfer WHERE in_place_on > d;
  DELETE FROM poverty_aid.fund_transfer t USING poverty_aid.fund f
   WHERE f.id = t.fund_id AND (f.allocated_on > d OR f.year > extract(year FROM d));
  UPDATE poverty_aid.project p SET fund_id = NULL FROM poverty_aid.fund f
   WHERE f.id = p.fund_id AND (f.allocated_on > d OR f.year > extract(year FROM d));
  DELETE FROM poverty_aid.fund WHERE allocated_on > d OR year > extract(year FROM d);
  DELETE FROM poverty_aid.pairing WHERE valid_from > d;
  UPDATE poverty_aid.pairing SET valid_to = NULL WHERE valid_to > d;
  DELETE FROM poverty_aid.household_income i USING poverty_aid.household h
   WHERE h.id = i.household_id AND h.registered_on > d;
  DELETE FROM poverty_aid.employment e USING poverty_aid.household h
   WHERE h.id = e.household_id AND h.registered_on > d;
  DELETE FROM poverty_aid.project_beneficiary b USING poverty_aid.household h
   WHERE h.id = b.household_id AND h.registered_on > d;
  DELETE FROM poverty_aid.pairing p USING poverty_aid.household h
   WHERE h.id = p.target_household_id AND h.registered_on > d;
  DELETE FROM poverty_aid.person p USING poverty_aid.household h
   WHERE h.id = p.household_id AND h.registered_on > d;
  DELETE FROM poverty_aid.household WHERE registered_on > d;
  UPDATE poverty_aid.household SET exited_on = NULL WHERE exited_on > d;
  DELETE FROM poverty_aid.poverty_listing WHERE listed_on > d;
  UPDATE poverty_aid.poverty_listing SET exited_on = NULL, exit_batch = NULL WHERE exited_on > d;
  DELETE FROM poverty_aid.region_population WHERE year > extract(year FROM d);
  DELETE FROM poverty_aid.target WHERE year > extract(year FROM d);
  DELETE FROM poverty_aid.indicator_snapshot;
END
$$;

-- The rows of the as-of results that change when the future is forgotten.
CREATE FUNCTION pg_temp.future_in(d date) RETURNS text[]
  LANGUAGE plpgsql AS $$
DECLARE
  known text[];
  diff  text[];
BEGIN
  known := ARRAY(SELECT pg_temp.as_of_results(d) ORDER BY 1);
  BEGIN
    PERFORM pg_temp.forget_after(d);
    diff := ARRAY(SELECT '+ ' || x FROM (SELECT unnest(known) EXCEPT ALL SELECT pg_temp.as_of_results(d)) s(x)
                  UNION ALL
                  SELECT '- ' || x FROM (SELECT pg_temp.as_of_results(d) EXCEPT ALL SELECT unnest(known)) s(x));
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'undo';
  EXCEPTION WHEN SQLSTATE 'P0001' THEN
    NULL;
  END;
  RETURN diff;
END
$$;

SELECT is(pg_temp.future_in(d), '{}'::text[], 'as of ' || d || ': nothing recorded after the date shows')
  FROM unnest(ARRAY['2013-12-31', '2018-09-30', '2019-10-31', '2019-11-01', '2019-11-30', '2019-12-01',
                    '2019-12-31', '2020-01-14', '2020-03-31', '2020-04-30', '2020-05-01']::date[]) d;

-- The reproducer: Fengning exits on 2020-05-01; on 2020-03-31 it has not.
SELECT is((SELECT row(exited_on, exited)::text FROM county_indicators_as_of('2020-03-31') WHERE county_code = '130826000000'),
          '(,f)', 'county_indicators_as_of shows no exit date for a county not yet exited on the date');

SELECT * FROM finish();
ROLLBACK;
