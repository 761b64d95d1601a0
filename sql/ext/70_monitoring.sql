-- Monitoring after exit: households at risk of returning to poverty.
--
-- Since 2021 every county keeps a dynamic list of rural households at risk:
-- households that exited but are unstable, marginal households that never
-- were registered but live close to the line, and households hit by a
-- sudden severe hardship.  Each is identified on a date, receives assistance
-- measures, and is taken off the list when its risk is eliminated.
--
-- A monitored household is identified by its household number, the same
-- number space as household.household_no (the archive-card number of a
-- registered household; a number the county gives a marginal household),
-- and its village.  A marginal household has no poverty period, so there is
-- no foreign key to household: the guard trigger checks the category
-- against the register by number instead.
--
-- Definitions (as of a date D, year Y = the year of D, over a region subtree,
-- in monitoring_values()):
--   monitored households, people  periods identified <= D and not eliminated
--                                 <= D (households; their members), by category
--   measure coverage              of those, households with an assistance
--                                 measure active on D (started_on <= D <=
--                                 ended_on, NULL: open) (coverage)
--   risk elimination rate         periods identified <= D; of them eliminated
--                                 <= D (exit_rate)
--   returned to poverty           households with a poverty period registered
--                                 between 1 January of Y and D after an earlier
--                                 period of theirs had exited
--   income below the line         of the households monitored on D with a
--                                 latest income (year <= Y) for whose year
--                                 their province has a monitoring line: those
--                                 whose income is below it (rate_agg)
--
-- Everything readable here is SECURITY INVOKER: row security applies to the
-- caller, so a clerk's report and candidates cover her regions only.

CREATE TYPE @extschema@.monitoring_category AS ENUM (
  'exited_unstable', 'marginal_at_risk', 'sudden_hardship');
COMMENT ON TYPE @extschema@.monitoring_category IS
  'Category of a monitored household: exited but unstable, marginal (never registered, close to the line), hit by a sudden severe hardship';

CREATE TYPE @extschema@.risk_cause AS ENUM (
  'illness', 'disability', 'accident', 'disaster', 'schooling', 'unemployment',
  'business_failure', 'lack_of_labour', 'housing', 'high_expenses', 'other');
COMMENT ON TYPE @extschema@.risk_cause IS
  'Cause of the risk of (returning to) poverty recorded when a household is identified for monitoring';

CREATE TYPE @extschema@.identification_route AS ENUM ('own_application', 'visit', 'data_screening');
COMMENT ON TYPE @extschema@.identification_route IS
  'How a household at risk was identified: its own application, a visit by cadres, or screening of departments'' data';

CREATE TYPE @extschema@.measure_kind AS ENUM (
  'industry', 'employment', 'health', 'education', 'housing', 'social_assistance',
  'temporary_relief', 'insurance', 'other');
COMMENT ON TYPE @extschema@.measure_kind IS
  'Kind of assistance measure for a monitored household: industry, employment, health (medical insurance and aid), education, housing, social assistance (minimum living allowance), temporary relief, insurance, other';

-- monitoring_line --------------------------------------------------------

CREATE TABLE @extschema@.monitoring_line (
  province_code     text NOT NULL REFERENCES @extschema@.region (code),
  year              integer NOT NULL CONSTRAINT monitoring_line_year_valid CHECK (year BETWEEN 2000 AND 2100),
  line              numeric(10, 2) NOT NULL
                    CONSTRAINT monitoring_line_positive CHECK (line > 0 AND line < 'Infinity'),
  warning_margin    numeric(10, 2) NOT NULL DEFAULT 0
                    CONSTRAINT monitoring_line_margin_not_negative CHECK (warning_margin >= 0 AND warning_margin < 'Infinity'),
  income_drop_share numeric(5, 4) NOT NULL DEFAULT 0.3
                    CONSTRAINT monitoring_line_drop_share_valid CHECK (income_drop_share > 0 AND income_drop_share < 1),
  PRIMARY KEY (province_code, year),
  CONSTRAINT monitoring_line_province CHECK (@extschema@.region_code_level(province_code) = 'province')
);
COMMENT ON TABLE @extschema@.monitoring_line IS
  'Monitoring line per province and year, set by the office: per-capita net income in yuan below which a household is at risk, and the early-warning settings of monitoring_candidates()';
COMMENT ON COLUMN @extschema@.monitoring_line.province_code IS '12-digit code of the province';
COMMENT ON COLUMN @extschema@.monitoring_line.year IS 'Year the line applies to (incomes of that year are compared with it)';
COMMENT ON COLUMN @extschema@.monitoring_line.line IS 'Monitoring line: per-capita net income, yuan per person per year';
COMMENT ON COLUMN @extschema@.monitoring_line.warning_margin IS
  'Early warning also for incomes less than this many yuan above the line (0: below the line only)';
COMMENT ON COLUMN @extschema@.monitoring_line.income_drop_share IS
  'Early warning for an exited household whose income fell from one year to the next by more than this share (0.3: by more than 30%)';

-- monitored_household ----------------------------------------------------

CREATE TABLE @extschema@.monitored_household (
  id            bigserial PRIMARY KEY,
  household_no  text NOT NULL CONSTRAINT monitored_household_no_not_empty CHECK (btrim(household_no) <> ''),
  village_code  text NOT NULL REFERENCES @extschema@.region (code),
  members       integer NOT NULL CONSTRAINT monitored_household_members_positive CHECK (members > 0),
  category      @extschema@.monitoring_category NOT NULL,
  risk_causes   @extschema@.risk_cause[] NOT NULL
                CONSTRAINT monitored_household_risk_causes_given
                CHECK (cardinality(risk_causes) > 0 AND array_position(risk_causes, NULL) IS NULL),
  identified_on date NOT NULL,
  identified_by @extschema@.identification_route NOT NULL,
  eliminated_on date,
  note          text,
  CONSTRAINT monitored_household_eliminated_after_identified CHECK (eliminated_on > identified_on),
  CONSTRAINT monitored_household_in_village CHECK (@extschema@.region_code_level(village_code) = 'village'),
  -- One open monitoring period per household at a time.
  CONSTRAINT monitored_household_periods_no_overlap EXCLUDE USING gist
    (household_no WITH =, daterange(identified_on, eliminated_on, '[)') WITH &&)
);
CREATE INDEX monitored_household_village_code_idx ON @extschema@.monitored_household (village_code);
COMMENT ON TABLE @extschema@.monitored_household IS
  'Households on the dynamic monitoring list: one row per monitoring period, from identification to risk elimination; a household has at most one open period at a time';
COMMENT ON COLUMN @extschema@.monitored_household.household_no IS
  'Household number: the archive-card number (household.household_no) of a registered household, else the number the county gives it';
COMMENT ON COLUMN @extschema@.monitored_household.village_code IS '12-digit code of the household''s village';
COMMENT ON COLUMN @extschema@.monitored_household.members IS 'Number of members when identified';
COMMENT ON COLUMN @extschema@.monitored_household.category IS
  'exited_unstable (needs an exited poverty period), marginal_at_risk (never in the register), sudden_hardship';
COMMENT ON COLUMN @extschema@.monitored_household.risk_causes IS 'Causes of the risk, one or more';
COMMENT ON COLUMN @extschema@.monitored_household.identified_on IS 'Day the household was put on the monitoring list';
COMMENT ON COLUMN @extschema@.monitored_household.identified_by IS 'How it was identified: own application, visit, data screening';
COMMENT ON COLUMN @extschema@.monitored_household.note IS 'Free remarks of the county';
COMMENT ON COLUMN @extschema@.monitored_household.eliminated_on IS
  'Day the risk was declared eliminated and the household taken off the list; NULL while monitored';

-- monitoring_measure -----------------------------------------------------

CREATE TABLE @extschema@.monitoring_measure (
  id                     bigserial PRIMARY KEY,
  monitored_household_id bigint NOT NULL REFERENCES @extschema@.monitored_household (id),
  kind                   @extschema@.measure_kind NOT NULL,
  helper_id              bigint REFERENCES @extschema@.helper (id),
  started_on             date NOT NULL,
  ended_on               date,
  note                   text,
  CONSTRAINT monitoring_measure_end_after_start CHECK (ended_on >= started_on)
);
CREATE INDEX monitoring_measure_monitored_household_id_idx ON @extschema@.monitoring_measure (monitored_household_id);
CREATE INDEX monitoring_measure_helper_id_idx ON @extschema@.monitoring_measure (helper_id);
COMMENT ON TABLE @extschema@.monitoring_measure IS
  'Assistance measures for a monitored household; each lies inside its monitoring period (started on or after identification, started and ended on or before elimination)';
COMMENT ON COLUMN @extschema@.monitoring_measure.monitored_household_id IS 'The monitoring period (monitored_household.id) the measure belongs to';
COMMENT ON COLUMN @extschema@.monitoring_measure.kind IS 'Kind of measure: industry, employment, health, education, housing, social assistance, temporary relief, insurance, other';
COMMENT ON COLUMN @extschema@.monitoring_measure.helper_id IS 'The helper (cadre, enterprise, …) that provides the measure, if any';
COMMENT ON COLUMN @extschema@.monitoring_measure.started_on IS 'First day of the measure';
COMMENT ON COLUMN @extschema@.monitoring_measure.note IS 'Free remarks: what the measure is';
COMMENT ON COLUMN @extschema@.monitoring_measure.ended_on IS 'Last day of the measure; NULL while it goes on (it ends with the monitoring period at the latest)';

-- monitoring_income ------------------------------------------------------

CREATE TABLE @extschema@.monitoring_income (
  household_no      text NOT NULL CONSTRAINT monitoring_income_no_not_empty CHECK (btrim(household_no) <> ''),
  year              integer NOT NULL CONSTRAINT monitoring_income_year_valid CHECK (year BETWEEN 2000 AND 2100),
  village_code      text NOT NULL REFERENCES @extschema@.region (code),
  per_capita_income numeric(14, 2) NOT NULL
                    CONSTRAINT monitoring_income_not_negative CHECK (per_capita_income >= 0 AND per_capita_income < 'Infinity'),
  PRIMARY KEY (household_no, year),
  CONSTRAINT monitoring_income_in_village CHECK (@extschema@.region_code_level(village_code) = 'village')
);
CREATE INDEX monitoring_income_village_code_idx ON @extschema@.monitoring_income (village_code);
COMMENT ON TABLE @extschema@.monitoring_income IS
  'Per-capita net income per year of rural households known by their number rather than by a poverty period: marginal households, households found by data screening, monitored households (registered households'' incomes are in household_income)';
COMMENT ON COLUMN @extschema@.monitoring_income.household_no IS 'Household number, as in monitored_household';
COMMENT ON COLUMN @extschema@.monitoring_income.village_code IS '12-digit code of the household''s village';
COMMENT ON COLUMN @extschema@.monitoring_income.year IS 'Year of the income';
COMMENT ON COLUMN @extschema@.monitoring_income.per_capita_income IS 'Per-capita net income of the year, yuan';

-- monitoring_candidate ---------------------------------------------------

CREATE TABLE @extschema@.monitoring_candidate (
  as_of             date NOT NULL,
  household_no      text NOT NULL,
  village_code      text NOT NULL REFERENCES @extschema@.region (code),
  registered        boolean NOT NULL,
  reasons           text[] NOT NULL,
  income_year       integer NOT NULL,
  per_capita_income numeric(14, 2) NOT NULL,
  previous_income   numeric(14, 2),
  line              numeric(10, 2) NOT NULL,
  run_id            bigint REFERENCES @extschema@.job_run (id),
  PRIMARY KEY (as_of, household_no)
);
CREATE INDEX monitoring_candidate_village_code_idx ON @extschema@.monitoring_candidate (village_code);
COMMENT ON TABLE @extschema@.monitoring_candidate IS
  'Early-warning candidates recorded by record_monitoring_candidates(): the rows of monitoring_candidates(as_of) for each date the job ran';
COMMENT ON COLUMN @extschema@.monitoring_candidate.as_of IS 'Date the candidates are as of';
COMMENT ON COLUMN @extschema@.monitoring_candidate.household_no IS 'Household number (archive-card number of a registered household)';
COMMENT ON COLUMN @extschema@.monitoring_candidate.village_code IS '12-digit code of the household''s village';
COMMENT ON COLUMN @extschema@.monitoring_candidate.registered IS 'Whether the household has a poverty period in the register';
COMMENT ON COLUMN @extschema@.monitoring_candidate.reasons IS 'Why it should be monitored: income_below_line, income_near_line, income_drop';
COMMENT ON COLUMN @extschema@.monitoring_candidate.income_year IS 'Year of the latest income';
COMMENT ON COLUMN @extschema@.monitoring_candidate.per_capita_income IS 'Latest per-capita net income, yuan';
COMMENT ON COLUMN @extschema@.monitoring_candidate.previous_income IS 'Income of the year before, yuan (NULL if unknown)';
COMMENT ON COLUMN @extschema@.monitoring_candidate.line IS 'Monitoring line of the household''s province for the income year, yuan';
COMMENT ON COLUMN @extschema@.monitoring_candidate.run_id IS 'job_run id of the run that wrote the row';

-- Guards -----------------------------------------------------------------
--
-- Set-based, once per statement from its transition table: the category
-- against the register, and each measure inside its monitoring period.

CREATE FUNCTION @extschema@.monitored_household_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  bad record;
BEGIN
  -- A household poor on the day it is identified is in the register, not
  -- on the monitoring list.
  SELECT m.household_no, m.identified_on, h.registered_on INTO bad
    FROM new_rows m
    JOIN @extschema@.household h ON h.household_no = m.household_no
   WHERE h.registered_on <= m.identified_on AND (h.exited_on IS NULL OR h.exited_on > m.identified_on)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'household % is in an open poverty period on %', bad.household_no, bad.identified_on
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Its poverty period registered on %s is not exited on %s, the day it would be identified for monitoring.',
                                       bad.registered_on, bad.identified_on),
            HINT = 'Monitor a household after its exit, or record its new poverty period in household.';
  END IF;
  SELECT m.household_no, m.identified_on INTO bad
    FROM new_rows m
   WHERE m.category = 'exited_unstable'
     AND NOT EXISTS (SELECT 1 FROM @extschema@.household h
                      WHERE h.household_no = m.household_no AND h.exited_on <= m.identified_on)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'household % has no poverty period exited by %', bad.household_no, bad.identified_on
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = pg_catalog.format('Category exited_unstable needs a household of the register (household_no %L) that exited on or before the day it is identified, %s.',
                                       bad.household_no, bad.identified_on),
            HINT = 'Use marginal_at_risk or sudden_hardship for a household that never was registered.';
  END IF;
  SELECT m.household_no, h.registered_on INTO bad
    FROM new_rows m
    JOIN @extschema@.household h ON h.household_no = m.household_no AND h.registered_on <= m.identified_on
   WHERE m.category = 'marginal_at_risk'
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'household % was registered as poor', bad.household_no
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Category marginal_at_risk is for households never in the register; household_no %L has a poverty period registered on %s.',
                                       bad.household_no, bad.registered_on),
            HINT = 'Use exited_unstable for a household that exited.';
  END IF;
  -- Changed dates must still hold the household's measures.
  IF TG_OP = 'UPDATE' THEN
    SELECT x.id, x.started_on, x.ended_on, m.identified_on, m.eliminated_on INTO bad
      FROM new_rows m
      JOIN @extschema@.monitoring_measure x ON x.monitored_household_id = m.id
     WHERE x.started_on < m.identified_on OR x.started_on > m.eliminated_on OR x.ended_on > m.eliminated_on
     LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'assistance measure % would lie outside its monitoring period', bad.id
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('The measure runs from %s to %s; the monitoring period would run from %s to %s.',
                                         bad.started_on, coalesce(bad.ended_on::text, 'open'),
                                         bad.identified_on, coalesce(bad.eliminated_on::text, 'open')),
              HINT = 'Change or end the measure first.';
    END IF;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.monitored_household_guard() IS
  'Trigger: refuses monitoring periods of households poor on the day they are identified, exited_unstable households without an exited poverty period, marginal_at_risk households that were registered, and date changes that leave a measure outside its period';
CREATE TRIGGER monitored_household_guard_insert AFTER INSERT ON @extschema@.monitored_household
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.monitored_household_guard();
CREATE TRIGGER monitored_household_guard_update AFTER UPDATE ON @extschema@.monitored_household
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.monitored_household_guard();

CREATE FUNCTION @extschema@.monitoring_measure_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  bad record;
BEGIN
  SELECT x.id, m.household_no, x.started_on, x.ended_on, m.identified_on, m.eliminated_on INTO bad
    FROM new_rows x
    JOIN @extschema@.monitored_household m ON m.id = x.monitored_household_id
   WHERE x.started_on < m.identified_on OR x.started_on > m.eliminated_on OR x.ended_on > m.eliminated_on
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'assistance measure outside its monitoring period'
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('The measure for household %s runs from %s to %s; its monitoring period runs from %s to %s.',
                                       bad.household_no, bad.started_on, coalesce(bad.ended_on::text, 'open'),
                                       bad.identified_on, coalesce(bad.eliminated_on::text, 'open')),
            HINT = 'A measure starts on or after the day the household was identified and starts and ends on or before the day its risk was eliminated.';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.monitoring_measure_guard() IS
  'Trigger: refuses assistance measures that start before their household was identified or start or end after its risk was eliminated';
CREATE TRIGGER monitoring_measure_guard_insert AFTER INSERT ON @extschema@.monitoring_measure
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.monitoring_measure_guard();
CREATE TRIGGER monitoring_measure_guard_update AFTER UPDATE ON @extschema@.monitoring_measure
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.monitoring_measure_guard();

-- Row-level security, audit, dump ----------------------------------------
--
-- The same four policies per table as the register's (sql/ext/50_security.sql):
-- rows bound to a village by village_code, measures by their monitored
-- household, monitoring lines by their province (readable from below, like
-- targets).

DO $policies$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('monitoring_line',
       '@extschema@.region_touches_scope(province_code, %1$s)',
       '@extschema@.region_in_scope(province_code, %1$s)',
       'province_code; lines of the provinces above a subtree are readable'),
      ('monitored_household', '@extschema@.region_in_scope(village_code, %1$s)', NULL, 'village_code'),
      ('monitoring_income', '@extschema@.region_in_scope(village_code, %1$s)', NULL, 'village_code'),
      ('monitoring_candidate', '@extschema@.region_in_scope(village_code, %1$s)', NULL, 'village_code'),
      ('monitoring_measure',
       '(%1$s IS NULL OR monitored_household_id IN (SELECT m.id FROM @extschema@.monitored_household m))',
       'EXISTS (SELECT 1 FROM @extschema@.monitored_household m WHERE m.id = monitoring_measure.monitored_household_id'
         ' AND @extschema@.region_in_scope(m.village_code, %1$s))',
       'the monitored household')
    ) AS v(tab, read_cond, write_cond, bound_by)
  LOOP
    EXECUTE format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t.tab);
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR SELECT USING (%s)',
                   t.tab || '_read', t.tab, format(t.read_cond, read_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR INSERT WITH CHECK (%s)',
                   t.tab || '_insert', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR UPDATE USING (%s) WITH CHECK (%s)',
                   t.tab || '_update', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope),
                   format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('CREATE POLICY %I ON @extschema@.%I FOR DELETE USING (%s)',
                   t.tab || '_delete', t.tab, format(coalesce(t.write_cond, t.read_cond), write_scope));
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_read', t.tab,
                   'Rows readable inside the role''s read scope (region_read_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_insert', t.tab,
                   'New rows must lie inside the role''s write scope (region_write_scope); bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_update', t.tab,
                   'Updated rows must lie inside the write scope before and after the change; bound by ' || t.bound_by);
    EXECUTE format('COMMENT ON POLICY %I ON @extschema@.%I IS %L', t.tab || '_delete', t.tab,
                   'Deleted rows must lie inside the write scope; bound by ' || t.bound_by);
  END LOOP;
END
$policies$;

DO $audit$
DECLARE
  tab text;
BEGIN
  FOREACH tab IN ARRAY ARRAY['monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income']
  LOOP
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
$audit$;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitoring_line', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitored_household', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitoring_measure', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitoring_income', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitoring_candidate', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitored_household_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.monitoring_measure_id_seq', '');

-- Incomes of every known household -----------------------------------------

CREATE VIEW @extschema@.household_income_history WITH (security_invoker = true) AS
SELECT DISTINCT ON (i.household_no, i.year)
       i.household_no, i.village_code, i.year, i.per_capita_income, i.registered, i.source
  FROM (SELECT m.household_no, m.village_code, m.year, m.per_capita_income,
               EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.household_no = m.household_no) AS registered,
               'monitoring_income' AS source, NULL::date AS registered_on
          FROM @extschema@.monitoring_income m
        UNION ALL
        SELECT h.household_no, h.village_code, hi.year, hi.per_capita_income, true,
               'household_income', h.registered_on
          FROM @extschema@.household_income hi
          JOIN @extschema@.household h ON h.id = hi.household_id) i
 ORDER BY i.household_no, i.year, i.source DESC, i.registered_on DESC;
COMMENT ON VIEW @extschema@.household_income_history IS
  'Per-capita net income per household number and year from household_income (registered households, all their poverty periods) and monitoring_income (which wins for a year both have); the income monitoring_values() and monitoring_candidates() read';
COMMENT ON COLUMN @extschema@.household_income_history.household_no IS 'Household number (archive-card number of a registered household)';
COMMENT ON COLUMN @extschema@.household_income_history.village_code IS 'Village of the household';
COMMENT ON COLUMN @extschema@.household_income_history.year IS 'Year of the income';
COMMENT ON COLUMN @extschema@.household_income_history.per_capita_income IS 'Per-capita net income, yuan';
COMMENT ON COLUMN @extschema@.household_income_history.registered IS 'Whether the household has a poverty period in the register';
COMMENT ON COLUMN @extschema@.household_income_history.source IS 'Table the figure comes from: household_income or monitoring_income';

-- Indicators ---------------------------------------------------------------

CREATE FUNCTION @extschema@.monitoring_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                              root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  scope       text := @extschema@.region_code(root_code);
  lo          text := coalesce(scope, '000000000000');
  hi          text := coalesce(@extschema@.region_subtree_end(scope), '999999999999');
  y           integer := extract(year FROM as_of)::integer;
  year_start  date := make_date(y, 1, 1);
  returns     boolean;
BEGIN
  PERFORM @extschema@.report_check_arguments(as_of, by_level, scope);
  -- A role that held a profile before the update to 1.1 cannot read the
  -- monitoring tables until its profile is granted again (the update warns
  -- and names such roles): say so rather than fail on the first table.
  IF NOT (pg_catalog.has_table_privilege('@extschema@.monitored_household', 'SELECT')
          AND pg_catalog.has_table_privilege('@extschema@.monitoring_measure', 'SELECT')
          AND pg_catalog.has_table_privilege('@extschema@.monitoring_income', 'SELECT')
          AND pg_catalog.has_table_privilege('@extschema@.monitoring_line', 'SELECT')) THEN
    RAISE EXCEPTION 'permission denied for the monitoring tables'
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = pg_catalog.format('Role %s may not read monitored_household, monitoring_measure, monitoring_income and monitoring_line, which the reports read since version 1.1.', current_user),
            HINT = 'An administrator grants the role its profile again, which keeps its regions: SELECT poverty_aid.grant_profile(role, profile) FROM poverty_aid.role_profile;';
  END IF;
  PERFORM @extschema@.shard_local_only('monitoring_values');
  -- Only a period that is not its household's first can be a return to
  -- poverty (an earlier period exists).  The household tally's year row of
  -- each village says whether the village registered any this year: the
  -- members of the periods registered, less those of first periods (every
  -- period has members).  None in the subtree in the whole year: no
  -- household of it came back by the day, and the search for earlier
  -- periods below (a probe per period registered this year, or a pass over
  -- every period) is not run.  One row per village, whatever the day.
  SELECT coalesce(sum(t.members) - sum(t.first_members), 0) <> 0 INTO returns
    FROM @extschema@.household_tally t
   WHERE t.grain = 'y' AND t.bucket = year_start AND t.village_code BETWEEN lo AND hi;

  RETURN QUERY
  WITH grp AS (
    SELECT coalesce(scope, '*') AS g WHERE by_level IS NULL
    UNION ALL
    SELECT r.code FROM @extschema@.region r
     WHERE by_level IS NOT NULL AND r.level = by_level AND r.code BETWEEN lo AND hi
  ), mp AS MATERIALIZED (
    SELECT m.id, m.household_no, m.village_code, m.members, m.category, m.identified_on, m.eliminated_on,
           (m.eliminated_on IS NULL OR m.eliminated_on > as_of) AS monitored
      FROM @extschema@.monitored_household m
     WHERE m.village_code BETWEEN lo AND hi AND m.identified_on <= as_of
  ), active AS (
    SELECT DISTINCT x.monitored_household_id AS id
      FROM @extschema@.monitoring_measure x
     WHERE x.started_on <= as_of AND (x.ended_on IS NULL OR x.ended_on >= as_of)
       AND x.monitored_household_id IN (SELECT mp.id FROM mp WHERE mp.monitored)
  ), mg AS (
    SELECT @extschema@.report_group(mp.village_code, by_level, scope) AS g,
           count(*) FILTER (WHERE mp.monitored) AS households,
           count(*) FILTER (WHERE mp.monitored AND mp.category = 'exited_unstable') AS households_exited_unstable,
           count(*) FILTER (WHERE mp.monitored AND mp.category = 'marginal_at_risk') AS households_marginal,
           count(*) FILTER (WHERE mp.monitored AND mp.category = 'sudden_hardship') AS households_hardship,
           coalesce(sum(mp.members) FILTER (WHERE mp.monitored), 0) AS people,
           coalesce(sum(mp.members) FILTER (WHERE mp.monitored AND mp.category = 'exited_unstable'), 0) AS people_exited_unstable,
           coalesce(sum(mp.members) FILTER (WHERE mp.monitored AND mp.category = 'marginal_at_risk'), 0) AS people_marginal,
           coalesce(sum(mp.members) FILTER (WHERE mp.monitored AND mp.category = 'sudden_hardship'), 0) AS people_hardship,
           @extschema@.coverage(mp.id, a.id IS NOT NULL) FILTER (WHERE mp.monitored) AS measure_coverage,
           @extschema@.exit_rate(mp.identified_on, mp.eliminated_on, as_of) AS elimination,
           @extschema@.rate_agg(li.per_capita_income < ml.line) FILTER (WHERE mp.monitored) AS below_line
      FROM mp
      LEFT JOIN active a ON a.id = mp.id
      -- the latest income of each monitored household (a lateral subquery:
      -- the household number reaches the view's index scans)
      LEFT JOIN LATERAL (SELECT i.year, i.per_capita_income
                           FROM @extschema@.household_income_history i
                          WHERE mp.monitored AND i.household_no = mp.household_no AND i.year <= y
                          ORDER BY i.year DESC LIMIT 1) li ON true
      LEFT JOIN @extschema@.monitoring_line ml
        ON ml.province_code = @extschema@.region_ancestor_code(mp.village_code, 'province') AND ml.year = li.year
     GROUP BY 1
  ), ret AS (
    SELECT @extschema@.report_group(h.village_code, by_level, scope) AS g,
           count(DISTINCT h.household_no) AS households
      FROM @extschema@.household h
     WHERE returns AND h.village_code BETWEEN lo AND hi AND h.registered_on BETWEEN year_start AND as_of
       -- The earlier period's bounds against as_of follow from the two
       -- above; stated, they let the planner read only the periods exited
       -- by then (as of 2014-12-31, when every period is registered that
       -- year and none has exited, 17 times faster at scale 0.1).
       AND EXISTS (SELECT 1 FROM @extschema@.household e
                    WHERE e.household_no = h.household_no AND e.registered_on < h.registered_on
                      AND e.exited_on <= h.registered_on
                      AND e.registered_on < as_of AND e.exited_on <= as_of)
     GROUP BY 1
  )
  SELECT NULLIF(grp.g, '*'), v.ord, v.key, v.label,
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_numerator(v.r) ELSE v.amount END,
         @extschema@.ratio_denominator(v.r),
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_percent(v.r, 1) ELSE v.amount END,
         v.unit, v.r
    FROM grp
    LEFT JOIN mg ON mg.g = grp.g
    LEFT JOIN ret ON ret.g = grp.g
   CROSS JOIN LATERAL (VALUES
     (101, 'monitored_households', 'Households on the monitoring list (identified, risk not eliminated)', 'households',
      NULL::@extschema@.ratio, coalesce(mg.households, 0)::numeric),
     (102, 'monitored_households_exited_unstable', 'Monitored households: exited but unstable', 'households',
      NULL, coalesce(mg.households_exited_unstable, 0)::numeric),
     (103, 'monitored_households_marginal_at_risk', 'Monitored households: marginal households at risk', 'households',
      NULL, coalesce(mg.households_marginal, 0)::numeric),
     (104, 'monitored_households_sudden_hardship', 'Monitored households: sudden severe hardship', 'households',
      NULL, coalesce(mg.households_hardship, 0)::numeric),
     (105, 'monitored_people', 'People in monitored households', 'people',
      NULL, coalesce(mg.people, 0)::numeric),
     (106, 'monitored_people_exited_unstable', 'People in monitored households: exited but unstable', 'people',
      NULL, coalesce(mg.people_exited_unstable, 0)::numeric),
     (107, 'monitored_people_marginal_at_risk', 'People in monitored households: marginal households at risk', 'people',
      NULL, coalesce(mg.people_marginal, 0)::numeric),
     (108, 'monitored_people_sudden_hardship', 'People in monitored households: sudden severe hardship', 'people',
      NULL, coalesce(mg.people_hardship, 0)::numeric),
     (109, 'monitoring_measure_coverage', 'Monitored households with an active assistance measure', '%',
      coalesce(mg.measure_coverage, '0/0'), NULL),
     (110, 'risk_elimination_rate', 'Risk elimination rate: monitoring periods eliminated / identified', '%',
      coalesce(mg.elimination, '0/0'), NULL),
     (111, 'returned_to_poverty', 'Households back in poverty this year (a new poverty period after an exit)', 'households',
      NULL, coalesce(ret.households, 0)::numeric),
     (112, 'monitored_income_below_line', 'Monitored households whose latest income is below the monitoring line', '%',
      coalesce(mg.below_line, '0/0'), NULL)
   ) AS v (ord, key, label, unit, r, amount)
   ORDER BY grp.g, v.ord;
END
$$;
COMMENT ON FUNCTION @extschema@.monitoring_values(date, @extschema@.region_level, text) IS
  'The monitoring indicators as of a date for a region subtree (NULL: the whole register), for the subtree as a whole (by_level NULL) or for each of its regions at by_level, in the row shape of indicator_values() (ord from 101). The engine of monitoring_report() and monitoring_county_indicators';

CREATE FUNCTION @extschema@.monitoring_report(region_code text DEFAULT NULL, as_of date DEFAULT current_date)
  RETURNS TABLE (key text, label text, scope text, numerator numeric, denominator numeric,
                 value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT v.key, v.label, v.region_code, v.numerator, v.denominator, v.value, v.unit, v.ratio
    FROM @extschema@.monitoring_values(monitoring_report.as_of, NULL, monitoring_report.region_code) v
   ORDER BY v.ord;
END;
COMMENT ON FUNCTION @extschema@.monitoring_report(text, date) IS
  'One row per monitoring indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date, in the shape of indicator_report(): households and people monitored by category, measure coverage, risk elimination rate, households back in poverty this year, share with an income below the monitoring line. E.g. SELECT * FROM poverty_aid.monitoring_report(NULL, ''2023-12-31'')';

CREATE FUNCTION @extschema@.monitoring_county_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, county_code text, county_name text, prefecture_code text,
                 prefecture_name text, province_code text, province_name text,
                 monitored_households bigint, monitored_households_exited_unstable bigint,
                 monitored_households_marginal_at_risk bigint, monitored_households_sudden_hardship bigint,
                 monitored_people bigint, monitored_people_exited_unstable bigint,
                 monitored_people_marginal_at_risk bigint, monitored_people_sudden_hardship bigint,
                 households_with_measure bigint, monitoring_measure_coverage numeric,
                 periods_identified bigint, periods_eliminated bigint, risk_elimination_rate numeric,
                 returned_to_poverty bigint, households_with_income bigint,
                 households_below_line bigint, monitored_income_below_line numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('monitoring_county_indicators_as_of');
  WITH v AS (
    SELECT * FROM @extschema@.monitoring_values(monitoring_county_indicators_as_of.as_of, 'county', NULL)
  ), p AS (
    SELECT v.region_code,
           max(v.value) FILTER (WHERE v.key = 'monitored_households') AS households,
           max(v.value) FILTER (WHERE v.key = 'monitored_households_exited_unstable') AS households_exited_unstable,
           max(v.value) FILTER (WHERE v.key = 'monitored_households_marginal_at_risk') AS households_marginal,
           max(v.value) FILTER (WHERE v.key = 'monitored_households_sudden_hardship') AS households_hardship,
           max(v.value) FILTER (WHERE v.key = 'monitored_people') AS people,
           max(v.value) FILTER (WHERE v.key = 'monitored_people_exited_unstable') AS people_exited_unstable,
           max(v.value) FILTER (WHERE v.key = 'monitored_people_marginal_at_risk') AS people_marginal,
           max(v.value) FILTER (WHERE v.key = 'monitored_people_sudden_hardship') AS people_hardship,
           max(v.numerator) FILTER (WHERE v.key = 'monitoring_measure_coverage') AS with_measure,
           max(v.value) FILTER (WHERE v.key = 'monitoring_measure_coverage') AS coverage,
           max(v.denominator) FILTER (WHERE v.key = 'risk_elimination_rate') AS identified,
           max(v.numerator) FILTER (WHERE v.key = 'risk_elimination_rate') AS eliminated,
           max(v.value) FILTER (WHERE v.key = 'risk_elimination_rate') AS elimination,
           max(v.value) FILTER (WHERE v.key = 'returned_to_poverty') AS returned,
           max(v.denominator) FILTER (WHERE v.key = 'monitored_income_below_line') AS with_income,
           max(v.numerator) FILTER (WHERE v.key = 'monitored_income_below_line') AS below,
           max(v.value) FILTER (WHERE v.key = 'monitored_income_below_line') AS below_share
      FROM v GROUP BY v.region_code
  )
  SELECT monitoring_county_indicators_as_of.as_of, c.code, c.name, pf.code, pf.name, pv.code, pv.name,
         p.households::bigint, p.households_exited_unstable::bigint, p.households_marginal::bigint,
         p.households_hardship::bigint, p.people::bigint, p.people_exited_unstable::bigint,
         p.people_marginal::bigint, p.people_hardship::bigint,
         p.with_measure::bigint, p.coverage, p.identified::bigint, p.eliminated::bigint, p.elimination,
         p.returned::bigint, p.with_income::bigint, p.below::bigint, p.below_share
    FROM p
    JOIN @extschema@.region c ON c.code = p.region_code
    LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(c.code, 'prefecture')
    LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(c.code, 'province')
   ORDER BY c.code;
END;
COMMENT ON FUNCTION @extschema@.monitoring_county_indicators_as_of(date) IS
  'The monitoring_county_indicators view as of any date: one row per county of the register, its figures equal to monitoring_report(county, date). E.g. SELECT * FROM poverty_aid.monitoring_county_indicators_as_of(''2023-12-31'')';

CREATE VIEW @extschema@.monitoring_county_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.monitoring_county_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.monitoring_county_indicators IS
  'One row per county with its monitoring indicators as of view_as_of(): the date in the setting poverty_aid.as_of, else today (monitoring_county_indicators_as_of(date) for a date in the query): households and people monitored by category, measure coverage, risk elimination, returns to poverty this year, incomes below the monitoring line';

DO $comments$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT a.attname, d.comment
      FROM pg_catalog.pg_attribute a
      JOIN (VALUES
        ('as_of', 'Date the figures are as of'),
        ('county_code', '12-digit code of the county'), ('county_name', 'Name of the county'),
        ('prefecture_code', '12-digit code of the prefecture'), ('prefecture_name', 'Name of the prefecture'),
        ('province_code', '12-digit code of the province'), ('province_name', 'Name of the province'),
        ('monitored_households', 'Households on the monitoring list on the date (identified on or before it, risk not eliminated on or before it)'),
        ('monitored_households_exited_unstable', 'Of them, exited but unstable'),
        ('monitored_households_marginal_at_risk', 'Of them, marginal households at risk'),
        ('monitored_households_sudden_hardship', 'Of them, hit by a sudden severe hardship'),
        ('monitored_people', 'Members of the monitored households'),
        ('monitored_people_exited_unstable', 'Members of the exited but unstable ones'),
        ('monitored_people_marginal_at_risk', 'Members of the marginal ones'),
        ('monitored_people_sudden_hardship', 'Members of those hit by a sudden hardship'),
        ('households_with_measure', 'Monitored households with an assistance measure active on the date (coverage numerator)'),
        ('monitoring_measure_coverage', 'households_with_measure / monitored_households, percent'),
        ('periods_identified', 'Monitoring periods identified on or before the date (risk elimination denominator)'),
        ('periods_eliminated', 'Of them, risk eliminated on or before the date (numerator)'),
        ('risk_elimination_rate', 'periods_eliminated / periods_identified, percent'),
        ('returned_to_poverty', 'Households with a poverty period registered from 1 January of the date''s year to the date after an exit'),
        ('households_with_income', 'Monitored households with a latest income (year up to the date''s) and a monitoring line of that year'),
        ('households_below_line', 'Of them, with an income below the line'),
        ('monitored_income_below_line', 'households_below_line / households_with_income, percent')
      ) AS d (column_name, comment) ON d.column_name = a.attname
     WHERE a.attrelid = '@extschema@.monitoring_county_indicators'::regclass AND a.attnum > 0
  LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.monitoring_county_indicators.%I IS %L',
                              c.attname, c.comment);
  END LOOP;
END
$comments$;

-- Early warning --------------------------------------------------------------

CREATE FUNCTION @extschema@.monitoring_candidates(as_of date DEFAULT current_date)
  RETURNS TABLE (household_no text, village_code text, county_code text, registered boolean,
                 reasons text[], income_year integer, per_capita_income numeric,
                 previous_income numeric, line numeric, warning_margin numeric,
                 income_drop_share numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('monitoring_candidates');
  WITH inc AS (
    SELECT i.household_no, i.village_code, i.year, i.per_capita_income, i.registered,
           lag(i.per_capita_income) OVER (PARTITION BY i.household_no ORDER BY i.year) AS previous_income,
           lag(i.year) OVER (PARTITION BY i.household_no ORDER BY i.year) AS previous_year,
           row_number() OVER (PARTITION BY i.household_no ORDER BY i.year DESC) AS recency
      FROM @extschema@.household_income_history i
     WHERE i.year <= extract(year FROM monitoring_candidates.as_of)
       -- incomes of years before the first monitoring line cannot warn:
       -- the year before it is kept for the income drop
       AND i.year >= (SELECT min(l.year) - 1 FROM @extschema@.monitoring_line l)
  ), latest AS (
    SELECT x.*, l.line, l.warning_margin, l.income_drop_share,
           EXISTS (SELECT 1 FROM @extschema@.household h
                    WHERE h.household_no = x.household_no AND h.exited_on <= monitoring_candidates.as_of) AS exited
      FROM inc x
      JOIN @extschema@.monitoring_line l
        ON l.province_code = @extschema@.region_ancestor_code(x.village_code, 'province') AND l.year = x.year
     WHERE x.recency = 1
       -- not poor on the date (a household in an open poverty period is in the register)
       AND NOT EXISTS (SELECT 1 FROM @extschema@.household h
                        WHERE h.household_no = x.household_no AND h.registered_on <= monitoring_candidates.as_of
                          AND (h.exited_on IS NULL OR h.exited_on > monitoring_candidates.as_of))
       -- not monitored on the date
       AND NOT EXISTS (SELECT 1 FROM @extschema@.monitored_household m
                        WHERE m.household_no = x.household_no AND m.identified_on <= monitoring_candidates.as_of
                          AND (m.eliminated_on IS NULL OR m.eliminated_on > monitoring_candidates.as_of))
  ), flagged AS (
    SELECT x.*,
           array_remove(ARRAY[
             CASE WHEN x.per_capita_income < x.line THEN 'income_below_line' END,
             CASE WHEN x.per_capita_income >= x.line AND x.per_capita_income < x.line + x.warning_margin
                  THEN 'income_near_line' END,
             CASE WHEN x.exited AND x.previous_year = x.year - 1
                       AND x.previous_income - x.per_capita_income > x.income_drop_share * x.previous_income
                  THEN 'income_drop' END], NULL) AS reasons
      FROM latest x
  )
  SELECT f.household_no, f.village_code, @extschema@.region_county_code(f.village_code), f.registered,
         f.reasons, f.year, f.per_capita_income,
         CASE WHEN f.previous_year = f.year - 1 THEN f.previous_income END,
         f.line, f.warning_margin, f.income_drop_share
    FROM flagged f
   WHERE cardinality(f.reasons) > 0
   ORDER BY f.village_code, f.household_no;
END;
COMMENT ON FUNCTION @extschema@.monitoring_candidates(date) IS
  'Early warning: households that should be monitored on a date but are not (not on the monitoring list, not in an open poverty period), with their reasons: income_below_line (latest per-capita income, year up to the date''s, below the monitoring line of their province for that year), income_near_line (less than warning_margin above it), income_drop (an exited household whose income fell from the year before by more than income_drop_share). Row security applies: a clerk sees the households of her regions. E.g. SELECT * FROM poverty_aid.monitoring_candidates(''2023-12-31'')';

-- The monthly job: record the candidates of a date in monitoring_candidate,
-- replacing that date's rows, and log the run in job_run; a failed run is
-- logged as failed and ends with a WARNING (as take_snapshot does).
CREATE PROCEDURE @extschema@.record_monitoring_candidates(as_of date DEFAULT current_date)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  started  timestamptz := pg_catalog.clock_timestamp();
  run      bigint;
  written  bigint;
  state    text;
  message  text;
BEGIN
  BEGIN
    IF record_monitoring_candidates.as_of IS NULL THEN
      RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock('@extschema@.monitoring_candidate'::regclass::oid::bigint);
    INSERT INTO @extschema@.job_run (job, as_of, started_at)
    VALUES ('record_monitoring_candidates', record_monitoring_candidates.as_of, started)
    RETURNING id INTO run;
    DELETE FROM @extschema@.monitoring_candidate c WHERE c.as_of = record_monitoring_candidates.as_of;
    INSERT INTO @extschema@.monitoring_candidate
           (as_of, household_no, village_code, registered, reasons, income_year, per_capita_income,
            previous_income, line, run_id)
    SELECT record_monitoring_candidates.as_of, c.household_no, c.village_code, c.registered, c.reasons,
           c.income_year, c.per_capita_income, c.previous_income, c.line, run
      FROM @extschema@.monitoring_candidates(record_monitoring_candidates.as_of) c;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE @extschema@.job_run j
       SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), rows_written = written
     WHERE j.id = run;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    INSERT INTO @extschema@.job_run (job, as_of, started_at, finished_at, status, rows_written, error)
    VALUES ('record_monitoring_candidates', record_monitoring_candidates.as_of, started,
            pg_catalog.clock_timestamp(), 'failed', 0, state || ': ' || message)
    RETURNING id INTO run;
    RAISE WARNING 'recording the monitoring candidates as of % failed: %', record_monitoring_candidates.as_of, message
      USING DETAIL = pg_catalog.format('SQLSTATE %s; the candidate rows of that date are unchanged.', state),
            HINT = pg_catalog.format('The failure is logged in poverty_aid.job_run, id %s.', run);
  END;
END
$$;
COMMENT ON PROCEDURE @extschema@.record_monitoring_candidates(date) IS
  'Stores monitoring_candidates(as_of) (default today) in monitoring_candidate, replacing the rows of that date (idempotent), and logs the run in job_run (job record_monitoring_candidates). A failed run is logged as failed, leaves the rows unchanged and ends with a WARNING. Schedule monthly with pg_cron: SELECT cron.schedule_in_database(''poverty-aid-candidates'', ''0 3 1 * *'', ''CALL poverty_aid.record_monitoring_candidates()'', ''yourdb'')';
