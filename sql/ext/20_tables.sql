-- Money and other numeric columns also refuse NaN and Infinity: NaN sorts
-- above every number in PostgreSQL, so "x >= 0" alone would accept it;
-- "x < 'Infinity'" rejects both.
--
-- The register: regions, poverty listings, households, helpers, pairings,
-- funds, projects, jobs, purchases, targets and snapshots.  Every table
-- guards itself with keys, foreign keys and CHECKs, and every user-data
-- table is marked with pg_extension_config_dump so that pg_dump keeps its
-- rows.

CREATE TYPE @extschema@.poverty_cause AS ENUM (
  'illness', 'disability', 'schooling', 'disaster', 'lack_of_land',
  'lack_of_water', 'lack_of_skills', 'lack_of_labour', 'lack_of_capital',
  'poor_transport', 'lack_of_motivation', 'other');
COMMENT ON TYPE @extschema@.poverty_cause IS
  'Main cause of poverty as recorded on the archive card (the 12 causes of the national register)';

CREATE TYPE @extschema@.helper_kind AS ENUM (
  'district', 'enterprise', 'social_organisation', 'school', 'hospital', 'cadre');
COMMENT ON TYPE @extschema@.helper_kind IS 'Kind of assisting unit';

CREATE TYPE @extschema@.pairing_kind AS ENUM (
  'district_county', 'enterprise_village', 'organisation_village',
  'school', 'hospital', 'cadre_household', 'other');
COMMENT ON TYPE @extschema@.pairing_kind IS
  'Kind of pairing: a city district with a county, an enterprise or social organisation with a village, a cadre with a household, …';

CREATE TYPE @extschema@.fund_source AS ENUM (
  'city_fiscal', 'district_fiscal', 'enterprise', 'social', 'other');
COMMENT ON TYPE @extschema@.fund_source IS
  'Source of aid funds: municipal or district fiscal funds (the "fiscal funds" of the indicators), enterprise or social donations';

CREATE TYPE @extschema@.fund_purpose AS ENUM (
  'industry', 'infrastructure', 'education', 'health', 'employment', 'housing', 'other');
COMMENT ON TYPE @extschema@.fund_purpose IS 'What a fund plan pays for';

CREATE TYPE @extschema@.employment_place AS ENUM ('local', 'pairing_city', 'elsewhere');
COMMENT ON TYPE @extschema@.employment_place IS
  'Where a job is: near home, in the assisting city, or elsewhere';

CREATE TYPE @extschema@.job_status AS ENUM ('running', 'succeeded', 'failed');
COMMENT ON TYPE @extschema@.job_status IS 'State of a scheduled job run';

-- region -----------------------------------------------------------------

CREATE TABLE @extschema@.region (
  code        text PRIMARY KEY
              CONSTRAINT region_code_valid CHECK (@extschema@.region_code(code) = code),
  name        text NOT NULL CONSTRAINT region_name_not_empty CHECK (btrim(name) <> ''),
  level       @extschema@.region_level NOT NULL
              GENERATED ALWAYS AS (@extschema@.region_code_level(code)) STORED,
  parent_code text REFERENCES @extschema@.region (code),
  zone        @extschema@.policy_zone NOT NULL,
  CONSTRAINT region_parent_matches_code
    CHECK (@extschema@.region_check_parent(code, parent_code))
);
CREATE INDEX region_parent_code_idx ON @extschema@.region (parent_code);
COMMENT ON TABLE @extschema@.region IS
  'Administrative units: provinces, prefectures, counties, townships and villages, one row each';
COMMENT ON COLUMN @extschema@.region.code IS
  '12-digit statistical division code; a county is its 6-digit GB/T 2260 code followed by six zeros';
COMMENT ON COLUMN @extschema@.region.level IS 'Level, computed from the code';
COMMENT ON COLUMN @extschema@.region.parent_code IS
  'Code of the unit one level up; filled in from the code when omitted, and must match it';
COMMENT ON COLUMN @extschema@.region.zone IS
  'Policy zone (east, central, west); filled in from the province when omitted';

CREATE FUNCTION @extschema@.region_fill_defaults() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF NEW.parent_code IS NULL AND NEW.code IS NOT NULL THEN
    NEW.parent_code := @extschema@.region_parent_code(NEW.code);
  END IF;
  IF NEW.zone IS NULL AND NEW.code IS NOT NULL THEN
    NEW.zone := @extschema@.region_zone(NEW.code);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.region_fill_defaults() IS
  'Trigger: fills region.parent_code and region.zone from the code when they are omitted';
CREATE TRIGGER region_fill_defaults BEFORE INSERT OR UPDATE ON @extschema@.region
  FOR EACH ROW EXECUTE FUNCTION @extschema@.region_fill_defaults();

-- region_population ------------------------------------------------------

CREATE TABLE @extschema@.region_population (
  region_code      text NOT NULL REFERENCES @extschema@.region (code),
  year             integer NOT NULL CONSTRAINT region_population_year_valid CHECK (year BETWEEN 1949 AND 2100),
  rural_population bigint NOT NULL CONSTRAINT region_population_not_negative CHECK (rural_population >= 0)
                   -- ten times the world's population: the sums over counties
                   -- and provinces can never overflow a report
                   CONSTRAINT region_population_plausible CHECK (rural_population < 10000000000),
  PRIMARY KEY (region_code, year)
);
COMMENT ON TABLE @extschema@.region_population IS
  'Rural registered population of a region per year: the denominator of poverty incidence';

-- A population below the poor population registered in the region is
-- refused where it is written.  A row of year Y is the denominator from 1
-- January of Y until the region's next row: it must be at least the peak
-- number of people in household periods open on a day of that span.  (The
-- other way round, households added to a region whose population is then
-- too small, is a data problem the reports name: data_problems().)  A
-- superuser replaying a dump (row_security = off) is not checked: the rows
-- were written before.
CREATE FUNCTION @extschema@.region_population_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  bad record;
BEGIN
  IF pg_catalog.current_setting('row_security') = 'off'
     AND coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
    RETURN NULL;
  END IF;
  WITH span AS (
    SELECT n.region_code, n.year, n.rural_population, pg_catalog.make_date(n.year, 1, 1) AS span_start,
           coalesce((SELECT pg_catalog.make_date(min(p.year), 1, 1) FROM @extschema@.region_population p
                      WHERE p.region_code = n.region_code AND p.year > n.year), 'infinity') AS span_end
      FROM new_rows n
  ), open_period AS (
    SELECT s.region_code, s.year, s.span_start, s.span_end, h.members, h.registered_on, h.exited_on
      FROM span s
      JOIN @extschema@.household h
        ON h.village_code BETWEEN s.region_code AND @extschema@.region_subtree_end(s.region_code)
     WHERE h.registered_on < s.span_end AND (h.exited_on IS NULL OR h.exited_on > s.span_start)
  ), change AS (
    SELECT o.region_code, o.year, greatest(o.registered_on, o.span_start) AS day, o.members AS people
      FROM open_period o
    UNION ALL
    SELECT o.region_code, o.year, o.exited_on, -o.members
      FROM open_period o WHERE o.exited_on < o.span_end
  ), poor AS (
    SELECT c.region_code, c.year, c.day,
           sum(sum(c.people)) OVER (PARTITION BY c.region_code, c.year ORDER BY c.day) AS poor
      FROM change c GROUP BY 1, 2, 3
  )
  SELECT s.region_code, s.year, s.rural_population, p.day, p.poor INTO bad
    FROM span s JOIN poor p ON p.region_code = s.region_code AND p.year = s.year
   WHERE p.poor > s.rural_population
   ORDER BY s.region_code, s.year, p.poor DESC, p.day
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'rural population of region % is below its registered poor population', bad.region_code
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('Region %s would have a rural population of %s from %s on, but %s registered poor people on %s.',
                                       bad.region_code, bad.rural_population, bad.year, bad.poor,
                                       pg_catalog.to_char(bad.day, 'YYYY-MM-DD')),
            HINT = 'Correct the population, or the households first.';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.region_population_check() IS
  'Trigger: refuses a rural population below the peak registered poor population of the region on any day the row applies to (from 1 January of its year to the region''s next row), naming the region and both figures';
CREATE TRIGGER region_population_check_insert AFTER INSERT ON @extschema@.region_population
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.region_population_check();
CREATE TRIGGER region_population_check_update AFTER UPDATE ON @extschema@.region_population
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.region_population_check();

-- poverty_listing --------------------------------------------------------

CREATE TABLE @extschema@.poverty_listing (
  id          bigserial PRIMARY KEY,
  region_code text NOT NULL REFERENCES @extschema@.region (code),
  listed_on   date NOT NULL,
  exited_on   date,
  exit_batch  text,
  deep_poverty boolean NOT NULL DEFAULT false,
  CONSTRAINT poverty_listing_exit_after_listing CHECK (exited_on >= listed_on),
  CONSTRAINT poverty_listing_county_or_village
    CHECK (@extschema@.region_code_level(region_code) IN ('county', 'village')),
  CONSTRAINT poverty_listing_no_overlap EXCLUDE USING gist
    (region_code WITH =, daterange(listed_on, exited_on, '[)') WITH &&)
);
COMMENT ON TABLE @extschema@.poverty_listing IS
  'Designation of a county or village as poor: one row per listing period, so exit rates can be asked as of any date';
COMMENT ON COLUMN @extschema@.poverty_listing.exited_on IS
  'Day the unit exited poverty ("took off the hat"); NULL while still listed';
COMMENT ON COLUMN @extschema@.poverty_listing.exit_batch IS
  'Exit batch as announced by the province, e.g. 2019-2';
COMMENT ON COLUMN @extschema@.poverty_listing.deep_poverty IS
  'Whether the unit is designated deeply poor (the "deeply poor counties" that fund-share indicators single out)';

-- household --------------------------------------------------------------

CREATE TABLE @extschema@.household (
  id            bigserial PRIMARY KEY,
  household_no  text NOT NULL CONSTRAINT household_no_not_empty CHECK (btrim(household_no) <> ''),
  village_code  text NOT NULL REFERENCES @extschema@.region (code),
  members       integer NOT NULL CONSTRAINT household_members_positive CHECK (members > 0),
  registered_on date NOT NULL,
  exited_on     date,
  poverty_cause @extschema@.poverty_cause NOT NULL DEFAULT 'other',
  CONSTRAINT household_exit_after_registration CHECK (exited_on >= registered_on),
  CONSTRAINT household_in_village CHECK (@extschema@.region_code_level(village_code) = 'village'),
  -- Periods of one household must not overlap.  The GiST index keys the
  -- household by a 64-bit hash of its number: a GiST index on the text itself
  -- takes about 90 s to fill with the 1.1 million households of the sample
  -- data set (btree_gist text keys are slow), the int8 key about 20 s.  Every
  -- real overlap is still refused; two different numbers would only be taken
  -- for one if their 64-bit hashes collided (odds about 1e-8 for a million
  -- households, 3e-5 for the national register).
  CONSTRAINT household_periods_no_overlap EXCLUDE USING gist
    (hashtextextended(household_no, 0) WITH =, daterange(registered_on, exited_on, '[)') WITH &&)
);
CREATE INDEX household_village_code_idx ON @extschema@.household (village_code);
-- Looks up a household's periods by its number (the exclusion index keys
-- the hash, not the number) and finds each household's first and latest
-- period for the indicators.
CREATE INDEX household_no_registered_on_idx ON @extschema@.household (household_no, registered_on);
COMMENT ON TABLE @extschema@.household IS
  'Registered poor households (the archive-card register): one row per period in poverty; a household that falls back starts a new row';
COMMENT ON COLUMN @extschema@.household.household_no IS
  'Archive-card number of the household; the same for all its periods';
COMMENT ON COLUMN @extschema@.household.members IS 'Number of members in this period';
COMMENT ON COLUMN @extschema@.household.exited_on IS 'Day the household exited poverty; NULL while poor';

-- household_income and poverty_line --------------------------------------

CREATE TABLE @extschema@.household_income (
  household_id      bigint NOT NULL REFERENCES @extschema@.household (id),
  year              integer NOT NULL CONSTRAINT household_income_year_valid CHECK (year BETWEEN 1949 AND 2100),
  per_capita_income numeric(14, 2) NOT NULL
                    CONSTRAINT household_income_not_negative CHECK (per_capita_income >= 0 AND per_capita_income < 'Infinity'),
  PRIMARY KEY (household_id, year)
);
COMMENT ON TABLE @extschema@.household_income IS
  'Per-capita net income of a household per year, in yuan';

CREATE TABLE @extschema@.poverty_line (
  year  integer PRIMARY KEY CONSTRAINT poverty_line_year_valid CHECK (year BETWEEN 1949 AND 2100),
  line  numeric(10, 2) NOT NULL CONSTRAINT poverty_line_positive CHECK (line > 0 AND line < 'Infinity'),
  basis text NOT NULL DEFAULT '2300 yuan per person per year at 2010 prices'
);
COMMENT ON TABLE @extschema@.poverty_line IS
  'National rural poverty line per year, nominal yuan per person per year';

-- person -----------------------------------------------------------------

CREATE TABLE @extschema@.person (
  id           bigserial PRIMARY KEY,
  household_id bigint NOT NULL REFERENCES @extschema@.household (id),
  name         text NOT NULL CONSTRAINT person_name_not_empty CHECK (btrim(name) <> ''),
  resident_id  text CONSTRAINT person_resident_id_valid CHECK (@extschema@.resident_id_check(resident_id)),
  relation     text,
  is_labour    boolean NOT NULL DEFAULT false,
  CONSTRAINT person_unique_in_household UNIQUE (household_id, resident_id)
);
CREATE INDEX person_resident_id_idx ON @extschema@.person (resident_id);
COMMENT ON TABLE @extschema@.person IS
  'Members of registered households (optional; needed for employment records). Personal data';
COMMENT ON COLUMN @extschema@.person.resident_id IS
  'GB 11643 citizen ID number, check character validated; personal data';
COMMENT ON COLUMN @extschema@.person.relation IS 'Relation to the head of household';
COMMENT ON COLUMN @extschema@.person.is_labour IS 'Whether the person is of working age and able to work';

-- helper and pairing -----------------------------------------------------

CREATE TABLE @extschema@.helper (
  id               bigserial PRIMARY KEY,
  name             text NOT NULL CONSTRAINT helper_name_not_empty CHECK (btrim(name) <> ''),
  kind             @extschema@.helper_kind NOT NULL,
  home_region_code text REFERENCES @extschema@.region (code),
  CONSTRAINT helper_unique_name UNIQUE (kind, name)
);
COMMENT ON TABLE @extschema@.helper IS
  'Assisting units: city districts, enterprises, social organisations, schools, hospitals, cadres';
COMMENT ON COLUMN @extschema@.helper.home_region_code IS 'Where the helper is based (e.g. a district of the assisting city)';

CREATE TABLE @extschema@.pairing (
  id                  bigserial PRIMARY KEY,
  helper_id           bigint NOT NULL REFERENCES @extschema@.helper (id),
  target_region_code  text REFERENCES @extschema@.region (code),
  target_household_id bigint REFERENCES @extschema@.household (id),
  kind                @extschema@.pairing_kind NOT NULL,
  valid_from          date NOT NULL,
  valid_to            date,
  CONSTRAINT pairing_one_target CHECK (num_nonnulls(target_region_code, target_household_id) = 1),
  CONSTRAINT pairing_target_county_or_village
    CHECK (@extschema@.region_code_level(target_region_code) IN ('county', 'village')),
  CONSTRAINT pairing_valid_period CHECK (valid_to > valid_from)
);
CREATE INDEX pairing_helper_id_idx ON @extschema@.pairing (helper_id);
CREATE INDEX pairing_target_region_code_idx ON @extschema@.pairing (target_region_code);
CREATE INDEX pairing_target_household_id_idx ON @extschema@.pairing (target_household_id);
COMMENT ON TABLE @extschema@.pairing IS
  'Who helps whom: a helper paired with exactly one target (a county or village, or a household) for a period';
COMMENT ON COLUMN @extschema@.pairing.valid_to IS 'First day the pairing no longer holds; NULL while open';

-- fund and fund_transfer -------------------------------------------------

CREATE TABLE @extschema@.fund (
  id                    bigserial PRIMARY KEY,
  source                @extschema@.fund_source NOT NULL,
  helper_id             bigint REFERENCES @extschema@.helper (id),
  recipient_region_code text NOT NULL REFERENCES @extschema@.region (code),
  year                  integer NOT NULL CONSTRAINT fund_year_valid CHECK (year BETWEEN 1949 AND 2100),
  purpose               @extschema@.fund_purpose NOT NULL,
  planned               numeric(18, 2) NOT NULL CONSTRAINT fund_planned_not_negative CHECK (planned >= 0 AND planned < 'Infinity'),
  allocated_on          date,
  description           text
);
CREATE INDEX fund_recipient_region_code_idx ON @extschema@.fund (recipient_region_code);
COMMENT ON TABLE @extschema@.fund IS 'Aid fund plans: who pays, for which region, year and purpose, how much (yuan)';
COMMENT ON COLUMN @extschema@.fund.recipient_region_code IS 'Region that receives the funds (a county or village)';
COMMENT ON COLUMN @extschema@.fund.helper_id IS 'The paying unit, when it is a registered helper';
COMMENT ON COLUMN @extschema@.fund.planned IS 'Planned amount, exact yuan';
COMMENT ON COLUMN @extschema@.fund.allocated_on IS 'Day the plan was approved and the funds allocated';

CREATE TABLE @extschema@.fund_transfer (
  id          bigserial PRIMARY KEY,
  fund_id     bigint NOT NULL REFERENCES @extschema@.fund (id),
  amount      numeric(18, 2) NOT NULL CONSTRAINT fund_transfer_amount_not_negative CHECK (amount >= 0 AND amount < 'Infinity'),
  in_place_on date NOT NULL,
  note        text
);
CREATE INDEX fund_transfer_fund_id_idx ON @extschema@.fund_transfer (fund_id);
COMMENT ON TABLE @extschema@.fund_transfer IS 'Money of a fund plan that reached its recipient ("in place")';
COMMENT ON COLUMN @extschema@.fund_transfer.in_place_on IS 'Day the money was in place';

-- project, employment, consumption_sale ----------------------------------

CREATE TABLE @extschema@.project (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL CONSTRAINT project_name_not_empty CHECK (btrim(name) <> ''),
  region_code  text NOT NULL REFERENCES @extschema@.region (code),
  fund_id      bigint REFERENCES @extschema@.fund (id),
  sector       text,
  started_on   date NOT NULL,
  completed_on date,
  investment   numeric(18, 2) NOT NULL DEFAULT 0
               CONSTRAINT project_investment_not_negative CHECK (investment >= 0 AND investment < 'Infinity'),
  CONSTRAINT project_completed_after_start CHECK (completed_on >= started_on)
);
CREATE INDEX project_region_code_idx ON @extschema@.project (region_code);
COMMENT ON TABLE @extschema@.project IS 'Industrial and other assistance projects in assisted regions';
COMMENT ON COLUMN @extschema@.project.investment IS 'Total investment, exact yuan';

CREATE TABLE @extschema@.project_beneficiary (
  project_id   bigint NOT NULL REFERENCES @extschema@.project (id),
  household_id bigint NOT NULL REFERENCES @extschema@.household (id),
  PRIMARY KEY (project_id, household_id)
);
CREATE INDEX project_beneficiary_household_id_idx ON @extschema@.project_beneficiary (household_id);
COMMENT ON TABLE @extschema@.project_beneficiary IS 'Poor households that benefit from a project';

CREATE TABLE @extschema@.employment (
  id           bigserial PRIMARY KEY,
  household_id bigint NOT NULL REFERENCES @extschema@.household (id),
  person_id    bigint REFERENCES @extschema@.person (id),
  helper_id    bigint REFERENCES @extschema@.helper (id),
  employer     text,
  place        @extschema@.employment_place NOT NULL,
  employed_on  date NOT NULL,
  ended_on     date,
  monthly_wage numeric(12, 2) CONSTRAINT employment_wage_not_negative CHECK (monthly_wage >= 0 AND monthly_wage < 'Infinity'),
  CONSTRAINT employment_end_after_start CHECK (ended_on >= employed_on)
);
CREATE INDEX employment_household_id_idx ON @extschema@.employment (household_id);
COMMENT ON TABLE @extschema@.employment IS
  'Jobs found by poor people: one row per person and job (person_id optional)';
COMMENT ON COLUMN @extschema@.employment.helper_id IS 'The helper that arranged the job, if any';

CREATE TABLE @extschema@.consumption_sale (
  id          bigserial PRIMARY KEY,
  region_code text NOT NULL REFERENCES @extschema@.region (code),
  helper_id   bigint REFERENCES @extschema@.helper (id),
  product     text NOT NULL,
  sold_on     date NOT NULL,
  amount      numeric(18, 2) NOT NULL CONSTRAINT consumption_sale_amount_not_negative CHECK (amount >= 0 AND amount < 'Infinity')
);
CREATE INDEX consumption_sale_region_code_idx ON @extschema@.consumption_sale (region_code);
COMMENT ON TABLE @extschema@.consumption_sale IS
  'Purchases of products from assisted regions ("consumption assistance")';
COMMENT ON COLUMN @extschema@.consumption_sale.region_code IS 'Region the product comes from';
COMMENT ON COLUMN @extschema@.consumption_sale.helper_id IS 'The buyer, when it is a registered helper';
COMMENT ON COLUMN @extschema@.consumption_sale.amount IS 'Value of the purchase, exact yuan';

-- target -----------------------------------------------------------------

CREATE TABLE @extschema@.target (
  id           bigserial PRIMARY KEY,
  indicator    text NOT NULL,
  region_code  text REFERENCES @extschema@.region (code),
  year         integer NOT NULL CONSTRAINT target_year_valid CHECK (year BETWEEN 1949 AND 2100),
  target_value numeric NOT NULL CONSTRAINT target_value_not_negative CHECK (target_value >= 0 AND target_value < 'Infinity')
               -- a target is the denominator of an attainment ratio: at most 4
               -- fractional digits and well inside a ratio part's range
               CONSTRAINT target_value_fits_ratio CHECK (target_value = round(target_value, 4) AND target_value < 1e30),
  unit         text NOT NULL,
  CONSTRAINT target_unique UNIQUE NULLS NOT DISTINCT (indicator, region_code, year)
);
COMMENT ON TABLE @extschema@.target IS
  'Planned values for attainment rates (e.g. purchases of 100 million yuan, 300 projects in a year)';
COMMENT ON COLUMN @extschema@.target.indicator IS 'Key of the indicator the target is for, as in indicator_report()';
COMMENT ON COLUMN @extschema@.target.region_code IS 'Region the target is for; NULL for the whole register';

-- job_run and indicator_snapshot -----------------------------------------

CREATE TABLE @extschema@.job_run (
  id           bigserial PRIMARY KEY,
  job          text NOT NULL,
  as_of        date,
  started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at  timestamptz,
  status       @extschema@.job_status NOT NULL DEFAULT 'running',
  rows_written bigint CONSTRAINT job_run_rows_not_negative CHECK (rows_written >= 0),
  error        text,
  CONSTRAINT job_run_finished_after_start CHECK (finished_at >= started_at)
);
COMMENT ON TABLE @extschema@.job_run IS 'Log of scheduled job runs: start, end, rows written, status and error';

CREATE TABLE @extschema@.indicator_snapshot (
  as_of       date NOT NULL,
  region_code text REFERENCES @extschema@.region (code),
  indicator   text NOT NULL,
  label       text NOT NULL,
  numerator   numeric,
  denominator numeric,
  value       numeric,
  unit        text NOT NULL,
  run_id      bigint REFERENCES @extschema@.job_run (id),
  taken_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_snapshot_unique UNIQUE NULLS NOT DISTINCT (as_of, region_code, indicator)
);
COMMENT ON TABLE @extschema@.indicator_snapshot IS
  'Indicators as of a date for every region, written by the snapshot job';
COMMENT ON COLUMN @extschema@.indicator_snapshot.region_code IS 'Scope of the row; NULL for the whole register';

-- pg_dump keeps the rows of every user-data table and the sequences' values.
-- (One call per statement: each call updates the pg_extension row.)
SELECT pg_catalog.pg_extension_config_dump('@extschema@.region', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.region_population', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.poverty_listing', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.household', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.household_income', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.poverty_line', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.helper', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pairing', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fund', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fund_transfer', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project_beneficiary', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.employment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.consumption_sale', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.target', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.job_run', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.indicator_snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.poverty_listing_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.household_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.helper_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pairing_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fund_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fund_transfer_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.employment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.consumption_sale_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.target_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.job_run_id_seq', '');
