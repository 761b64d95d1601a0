-- The official exit assessment of a poor county: a sample of households
-- surveyed by a third party before the county exits, and three rates with
-- their sampling error,
--
--   wrongful exit rate  sampled exited households that should not have
--                       exited / sampled exited households        <= 2%
--   missed poor rate    sampled households off the register that are
--                       poor / sampled households off the register <= 2%
--   approval rate       sampled households approving the exit /
--                       sampled households that answered            >= 90%
--
-- each an exact ratio with its 95% Wilson interval, next to the poverty
-- incidence criterion of exit_check().  The thresholds live in one place,
-- exit_assessment_criteria().
--
-- This file comes after 50_security.sql: the assessment tables get row
-- security, audit triggers and pg_dump marks the way the register's tables
-- do there, and those need its scope and audit functions.

CREATE FUNCTION @extschema@.exit_assessment_criteria()
  RETURNS TABLE (criterion text, percent numeric, is_maximum boolean, label text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT * FROM (VALUES
    ('wrongful_exit', 2::numeric, true, 'wrongful exit rate'),
    ('missed_poor', 2::numeric, true, 'missed poor rate'),
    ('approval', 90::numeric, false, 'approval rate')) AS c (criterion, percent, is_maximum, label);
END;
COMMENT ON FUNCTION @extschema@.exit_assessment_criteria() IS
  'The thresholds of the exit assessment, in percent of the sampled households: wrongful exits at most 2%, missed poor at most 2%, approval at least 90% (is_maximum: the rate must be at most the threshold; else at least)';

CREATE TABLE @extschema@.assessment (
  id          bigserial PRIMARY KEY,
  county_code text NOT NULL REFERENCES @extschema@.region (code),
  assessed_on date NOT NULL,
  assessor    text,
  note        text,
  CONSTRAINT assessment_of_county CHECK (@extschema@.region_code_level(county_code) = 'county'),
  CONSTRAINT assessment_unique UNIQUE (county_code, assessed_on)
);
COMMENT ON TABLE @extschema@.assessment IS
  'An exit assessment of a poor county: the household survey (third-party assessment) done before the county exits; its sample is in assessment_household';
COMMENT ON COLUMN @extschema@.assessment.county_code IS 'The county assessed (12-digit code)';
COMMENT ON COLUMN @extschema@.assessment.assessed_on IS 'Day the survey was completed; exit_assessment(county, as_of) uses the latest on or before as_of';
COMMENT ON COLUMN @extschema@.assessment.assessor IS 'Who surveyed (e.g. the third-party assessment team)';

CREATE TABLE @extschema@.assessment_household (
  assessment_id  bigint NOT NULL REFERENCES @extschema@.assessment (id) ON DELETE CASCADE,
  sample_no      integer NOT NULL CONSTRAINT assessment_household_sample_no_positive CHECK (sample_no > 0),
  village_code   text NOT NULL REFERENCES @extschema@.region (code),
  household_id   bigint REFERENCES @extschema@.household (id),
  wrongly_exited boolean,
  missed_poor    boolean,
  approves       boolean,
  PRIMARY KEY (assessment_id, sample_no),
  CONSTRAINT assessment_household_in_village
    CHECK (@extschema@.region_code_level(village_code) = 'village'),
  CONSTRAINT assessment_household_wrongly_exited_registered
    CHECK (wrongly_exited IS NULL OR household_id IS NOT NULL),
  CONSTRAINT assessment_household_missed_poor_unregistered
    CHECK (missed_poor IS NULL OR household_id IS NULL)
);
CREATE INDEX assessment_household_household_id_idx ON @extschema@.assessment_household (household_id);
CREATE INDEX assessment_household_village_code_idx ON @extschema@.assessment_household (village_code);
COMMENT ON TABLE @extschema@.assessment_household IS
  'The sampled households of an exit assessment, one row each, with the survey''s findings';
COMMENT ON COLUMN @extschema@.assessment_household.assessment_id IS 'The assessment whose sample the household is in';
COMMENT ON COLUMN @extschema@.assessment_household.sample_no IS 'Number of the household in the sample';
COMMENT ON COLUMN @extschema@.assessment_household.village_code IS 'Village the household lives in; must lie in the assessed county';
COMMENT ON COLUMN @extschema@.assessment_household.household_id IS
  'The register''s household period, for a sampled registered household; NULL for a household off the register';
COMMENT ON COLUMN @extschema@.assessment_household.wrongly_exited IS
  'For a sampled exited household: whether it exited without meeting the criteria; NULL for households not in the exited sample';
COMMENT ON COLUMN @extschema@.assessment_household.missed_poor IS
  'For a sampled household off the register: whether it is poor and should have been registered; NULL for registered households';
COMMENT ON COLUMN @extschema@.assessment_household.approves IS
  'Whether the household approves of the exit; NULL when it did not answer';

-- A sampled household lives in the assessed county, and a registered one is
-- the register's household of that village.  (Cross-table: a trigger.)
CREATE FUNCTION @extschema@.assessment_household_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  county text;
  registered_village text;
BEGIN
  SELECT a.county_code INTO county FROM @extschema@.assessment a WHERE a.id = NEW.assessment_id;
  IF county IS NOT NULL AND NOT @extschema@.region_contains(county, NEW.village_code) THEN
    RAISE EXCEPTION 'sampled household lies outside the assessed county'
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Village %s is not in county %s (sample %s of assessment %s).',
                                       NEW.village_code, county, NEW.sample_no, NEW.assessment_id);
  END IF;
  IF NEW.household_id IS NOT NULL THEN
    SELECT h.village_code INTO registered_village FROM @extschema@.household h WHERE h.id = NEW.household_id;
    IF registered_village IS DISTINCT FROM NEW.village_code THEN
      RAISE EXCEPTION 'sampled household is registered in another village'
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('Household %s is registered in village %s, the sample row says %s.',
                                         NEW.household_id, registered_village, NEW.village_code);
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.assessment_household_check() IS
  'Trigger: a sampled household must lie in the assessed county, and a registered one in the village of its register row';
CREATE TRIGGER assessment_household_check BEFORE INSERT OR UPDATE ON @extschema@.assessment_household
  FOR EACH ROW EXECUTE FUNCTION @extschema@.assessment_household_check();

-- exit_assessment ---------------------------------------------------------------

CREATE FUNCTION @extschema@.exit_assessment(county text DEFAULT NULL, as_of date DEFAULT current_date)
  RETURNS TABLE (county_code text, county_name text, zone @extschema@.policy_zone,
                 assessment_id bigint, assessed_on date, households_sampled bigint,
                 wrongful_exit_rate @extschema@.ratio, wrongful_exit_percent numeric,
                 wrongful_exit_ci_lower double precision, wrongful_exit_ci_upper double precision,
                 wrongful_exit_max_percent numeric, wrongful_exit_met boolean,
                 wrongful_exit_met_with_interval boolean,
                 missed_poor_rate @extschema@.ratio, missed_poor_percent numeric,
                 missed_poor_ci_lower double precision, missed_poor_ci_upper double precision,
                 missed_poor_max_percent numeric, missed_poor_met boolean,
                 missed_poor_met_with_interval boolean,
                 approval_rate @extschema@.ratio, approval_percent numeric,
                 approval_ci_lower double precision, approval_ci_upper double precision,
                 approval_min_percent numeric, approval_met boolean,
                 approval_met_with_interval boolean,
                 incidence_percent numeric, incidence_threshold_percent numeric, incidence_met boolean,
                 all_met boolean, all_met_with_interval boolean)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('exit_assessment');
  WITH latest AS (
    SELECT DISTINCT ON (a.county_code) a.id, a.county_code, a.assessed_on
      FROM @extschema@.assessment a
     WHERE a.assessed_on <= exit_assessment.as_of
       AND (exit_assessment.county IS NULL
            OR a.county_code = @extschema@.region_code(exit_assessment.county))
     ORDER BY a.county_code, a.assessed_on DESC
  ), rates AS (
    SELECT l.id, l.county_code, l.assessed_on, count(s.sample_no) AS sampled,
           @extschema@.rate_agg(s.wrongly_exited) AS wrongful,
           @extschema@.rate_agg(s.missed_poor) AS missed,
           @extschema@.rate_agg(s.approves) AS approval
      FROM latest l
      LEFT JOIN @extschema@.assessment_household s ON s.assessment_id = l.id
     GROUP BY l.id, l.county_code, l.assessed_on
  ), criteria AS (
    SELECT max(c.percent) FILTER (WHERE c.criterion = 'wrongful_exit') AS wrongful_max,
           max(c.percent) FILTER (WHERE c.criterion = 'missed_poor') AS missed_max,
           max(c.percent) FILTER (WHERE c.criterion = 'approval') AS approval_min
      FROM @extschema@.exit_assessment_criteria() c
  ), judged AS (
    SELECT r.*, c.*,
           100 * @extschema@.ratio_ci_lower(r.wrongful) AS wl, 100 * @extschema@.ratio_ci_upper(r.wrongful) AS wu,
           100 * @extschema@.ratio_ci_lower(r.missed) AS ml, 100 * @extschema@.ratio_ci_upper(r.missed) AS mu,
           100 * @extschema@.ratio_ci_lower(r.approval) AS al, 100 * @extschema@.ratio_ci_upper(r.approval) AS au,
           CASE WHEN @extschema@.ratio_denominator(r.wrongful) > 0
                THEN 100 * @extschema@.ratio_numerator(r.wrongful) <= c.wrongful_max * @extschema@.ratio_denominator(r.wrongful) END AS w_met,
           CASE WHEN @extschema@.ratio_denominator(r.missed) > 0
                THEN 100 * @extschema@.ratio_numerator(r.missed) <= c.missed_max * @extschema@.ratio_denominator(r.missed) END AS m_met,
           CASE WHEN @extschema@.ratio_denominator(r.approval) > 0
                THEN 100 * @extschema@.ratio_numerator(r.approval) >= c.approval_min * @extschema@.ratio_denominator(r.approval) END AS a_met
      FROM rates r CROSS JOIN criteria c
  ), incidence AS (
    SELECT e.region_code, e.incidence_percent, e.threshold_percent, e.meets_threshold
      FROM @extschema@.exit_check(exit_assessment.as_of, true) e
     WHERE e.level = 'county'
  )
  SELECT j.county_code, r.name, r.zone, j.id, j.assessed_on, j.sampled,
         j.wrongful, @extschema@.ratio_percent(j.wrongful, 2), j.wl, j.wu, j.wrongful_max, j.w_met,
         j.w_met AND j.wu <= j.wrongful_max,
         j.missed, @extschema@.ratio_percent(j.missed, 2), j.ml, j.mu, j.missed_max, j.m_met,
         j.m_met AND j.mu <= j.missed_max,
         j.approval, @extschema@.ratio_percent(j.approval, 2), j.al, j.au, j.approval_min, j.a_met,
         j.a_met AND j.al >= j.approval_min,
         i.incidence_percent, i.threshold_percent, i.meets_threshold,
         j.w_met AND j.m_met AND j.a_met AND i.meets_threshold,
         j.w_met AND j.wu <= j.wrongful_max AND j.m_met AND j.mu <= j.missed_max
           AND j.a_met AND j.al >= j.approval_min AND i.meets_threshold
    FROM judged j
    JOIN @extschema@.region r ON r.code = j.county_code
    LEFT JOIN incidence i ON i.region_code = j.county_code
   ORDER BY j.county_code;
END;
COMMENT ON FUNCTION @extschema@.exit_assessment(text, date) IS
  'The exit assessment of each county (or of one county: a code of 6 or 12 digits) by its latest survey on or before as_of: the wrongful exit, missed poor and approval rates as exact ratios of sampled households, in percent, with their 95% Wilson interval in percent, the threshold (exit_assessment_criteria(): at most 2%, at most 2%, at least 90%), whether the point estimate meets it (_met) and whether the whole interval does (_met_with_interval: upper bound <= 2%, lower bound >= 90%), next to exit_check()''s poverty incidence criterion; all_met and all_met_with_interval combine the four. A rate without sampled households is 0/0 and its verdicts NULL. E.g. SELECT * FROM poverty_aid.exit_assessment(NULL, ''2020-03-31'')';

CREATE VIEW @extschema@.county_exit_assessment WITH (security_invoker) AS
SELECT * FROM @extschema@.exit_assessment(NULL, @extschema@.view_as_of());
COMMENT ON VIEW @extschema@.county_exit_assessment IS
  'exit_assessment() of every assessed county as of view_as_of() (the date in the setting poverty_aid.as_of, else today): the three sample rates with 95% Wilson intervals against their thresholds and the incidence criterion';

-- Row security, audit, dump ---------------------------------------------------------
--
-- As for the register's tables (50_security.sql): an assessment belongs to
-- its county, a sampled household to its village; reads follow the read
-- scope, writes the write scope.  Every change is audited.

DO $assessment_security$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  t record;
  tab text;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('assessment', '@extschema@.region_in_scope(county_code, %1$s)', 'county_code'),
      ('assessment_household', '@extschema@.region_in_scope(village_code, %1$s)', 'village_code')
    ) AS v(tab, cond, bound_by)
  LOOP
    EXECUTE format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t.tab);
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR SELECT USING (%s)',
                   t.tab || '_read', t.tab, format(t.cond, read_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR INSERT WITH CHECK (%s)',
                   t.tab || '_insert', t.tab, format(t.cond, write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR UPDATE USING (%s) WITH CHECK (%s)',
                   t.tab || '_update', t.tab, format(t.cond, write_scope), format(t.cond, write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR DELETE USING (%s)',
                   t.tab || '_delete', t.tab, format(t.cond, write_scope));
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_read', t.tab,
                   'Rows readable inside the role''s read scope (region_read_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_insert', t.tab,
                   'New rows must lie inside the role''s write scope (region_write_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_update', t.tab,
                   'Updated rows must lie inside the write scope before and after the change; bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_delete', t.tab,
                   'Deleted rows must lie inside the write scope; bound by ' || t.bound_by);
  END LOOP;
  FOREACH tab IN ARRAY ARRAY['assessment', 'assessment_household'] LOOP
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON @extschema@.%I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER UPDATE ON @extschema@.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON @extschema@.%I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON @extschema@.%I'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_row_change()', tab);
  END LOOP;
END
$assessment_security$;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_household', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_id_seq', '');
