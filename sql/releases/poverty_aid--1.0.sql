-- poverty_aid 1.0: generated from sql/ext/*.sql by the Makefile; edit those.
\echo Use "CREATE EXTENSION poverty_aid" to load this file. \quit

-- ---- sql/ext/10_codes.sql
-- Division codes, policy zones and resident ID numbers: the C functions
-- that the tables' constraints call, and the enum types of the domain.

COMMENT ON SCHEMA @extschema@ IS
  'poverty_aid: register of pairing assistance for poor counties and its indicators';

CREATE TYPE @extschema@.region_level AS ENUM
  ('province', 'prefecture', 'county', 'township', 'village');
COMMENT ON TYPE @extschema@.region_level IS
  'Administrative level of a region, in order from the top; it follows from the 12-digit division code';

CREATE TYPE @extschema@.policy_zone AS ENUM ('east', 'central', 'west');
COMMENT ON TYPE @extschema@.policy_zone IS
  'Policy zone of a province: west counties exit below 3% incidence, others below 2%';

-- Division codes ---------------------------------------------------------

CREATE FUNCTION @extschema@.region_code(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_code'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_code(text) IS
  'The 12-digit statistical division code of a code given as 6, 9 or 12 digits; error 22023 for an invalid code';

CREATE FUNCTION @extschema@.region_code_is_valid(code text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_code_is_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_code_is_valid(text) IS
  'Whether a text is a valid 12-digit division code (no error is raised)';

CREATE FUNCTION @extschema@.region_code_level_text(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_code_level'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_code_level_text(text) IS
  'region_code_level() as text';

-- Not named region_level(): with a literal argument that name would be read
-- as a cast to the enum type of the same name.
CREATE FUNCTION @extschema@.region_code_level(code text) RETURNS @extschema@.region_level
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN @extschema@.region_code_level_text(code)::@extschema@.region_level;
COMMENT ON FUNCTION @extschema@.region_code_level(text) IS
  'Level of a division code: province PP0000000000, prefecture PPCC00000000, county PPCCDD000000, township PPCCDDTTT000, village otherwise';

CREATE FUNCTION @extschema@.region_parent_code(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_parent_code'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_parent_code(text) IS
  'Code of the unit one level up (NULL for a province)';

CREATE FUNCTION @extschema@.region_ancestor_code_text(code text, level text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_ancestor_code'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_ancestor_code_text(text, text) IS
  'region_ancestor_code() with the level as text';

CREATE FUNCTION @extschema@.region_ancestor_code(code text, level @extschema@.region_level)
  RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN @extschema@.region_ancestor_code_text(code, level::text);
COMMENT ON FUNCTION @extschema@.region_ancestor_code(text, @extschema@.region_level) IS
  'Code of the unit at the given level that contains a code (the code itself at its own level; NULL above it)';

CREATE FUNCTION @extschema@.region_county_code(code text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN @extschema@.region_ancestor_code_text(code, 'county');
COMMENT ON FUNCTION @extschema@.region_county_code(text) IS
  'The 12-digit code of the county that contains a code (NULL for provinces and prefectures)';

CREATE FUNCTION @extschema@.region_contains(outer_code text, inner_code text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_contains'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_contains(text, text) IS
  'Whether inner_code lies inside outer_code or is it (the subtree test)';

CREATE FUNCTION @extschema@.region_check_parent(code text, parent_code text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_check_parent'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_check_parent(text, text) IS
  'True when parent_code is the parent of code; error 22023 naming both codes otherwise';

CREATE FUNCTION @extschema@.region_zone_text(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_zone'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_zone_text(text) IS
  'region_zone() as text';

CREATE FUNCTION @extschema@.region_zone(code text) RETURNS @extschema@.policy_zone
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN @extschema@.region_zone_text(code)::@extschema@.policy_zone;
COMMENT ON FUNCTION @extschema@.region_zone(text) IS
  'Policy zone of a code''s province (west: the 12 provinces of the western development policy; central: 8; east: 11)';

-- Resident ID numbers (GB 11643) -----------------------------------------

CREATE FUNCTION @extschema@.resident_id_check(resident_id text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_resident_id_check'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_check(text) IS
  'True for a valid GB 11643 number; error 22023 naming the number and the fault (the expected check character for a wrong one)';

CREATE FUNCTION @extschema@.resident_id_is_valid(resident_id text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_resident_id_is_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_is_valid(text) IS
  'Whether a text is a valid GB 11643 number (no error is raised)';

CREATE FUNCTION @extschema@.resident_id_check_character(first17 text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_resident_id_check_character'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_check_character(text) IS
  'ISO 7064 MOD 11-2 check character (0-9 or X) of the first 17 digits of a number';

CREATE FUNCTION @extschema@.resident_id_birth_date(resident_id text) RETURNS date
  AS 'MODULE_PATHNAME', 'pa_resident_id_birth_date'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_birth_date(text) IS
  'Date of birth written in a valid number';

CREATE FUNCTION @extschema@.resident_id_sex(resident_id text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_resident_id_sex'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_sex(text) IS
  'male or female, from the parity of the sequence code of a valid number';

CREATE FUNCTION @extschema@.resident_id_mask(resident_id text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_resident_id_mask'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.resident_id_mask(text) IS
  'The number with everything after its 6-digit region code replaced by *';

-- ---- sql/ext/20_tables.sql
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
  rural_population bigint NOT NULL CONSTRAINT region_population_not_negative CHECK (rural_population >= 0),
  PRIMARY KEY (region_code, year)
);
COMMENT ON TABLE @extschema@.region_population IS
  'Rural registered population of a region per year: the denominator of poverty incidence';

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
  target_value numeric NOT NULL CONSTRAINT target_value_not_negative CHECK (target_value >= 0 AND target_value < 'Infinity'),
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

-- ---- sql/ext/30_ratio.sql
-- 30_ratio.sql: the ratio type, its accessors and operators, and the
-- indicator aggregates built on it (src/ratio.c, src/ratio_aggs.c,
-- src/coverage.c, src/money.c).

-- ---------------------------------------------------------------------------
-- Type
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.ratio;

CREATE FUNCTION @extschema@.ratio_in(cstring) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_out(@extschema@.ratio) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ratio_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_recv(internal) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_send(@extschema@.ratio) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ratio_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ratio (
	INPUT = @extschema@.ratio_in,
	OUTPUT = @extschema@.ratio_out,
	RECEIVE = @extschema@.ratio_recv,
	SEND = @extschema@.ratio_send,
	INTERNALLENGTH = 32,
	ALIGNMENT = double,
	STORAGE = plain
);

COMMENT ON TYPE @extschema@.ratio IS
'Exact numerator/denominator, e.g. 47/50: decimals with up to 4 fractional digits (no rounding, magnitude below 2.1e33), never reduced (2/4 stays 2/4), denominator >= 0, numerator may be negative. Text output keeps each part''s display scale (the fractional digits it was given with, at most 4; for sums the largest among the terms), so text round-trips: ''1296948000.00/1088043624.16''. 32 bytes, binary send/receive. The state and result of every ratio aggregate; a ratio with denominator 0 has value NULL.';
COMMENT ON FUNCTION @extschema@.ratio_in(cstring) IS 'Text input of ratio: numerator/denominator, e.g. 47/50 or 1.5/2.00.';
COMMENT ON FUNCTION @extschema@.ratio_out(@extschema@.ratio) IS 'Text output of ratio: numerator/denominator, each part at its display scale.';
COMMENT ON FUNCTION @extschema@.ratio_recv(internal) IS 'Binary input of ratio; validates scales, ranges and the sign of the denominator.';
COMMENT ON FUNCTION @extschema@.ratio_send(@extschema@.ratio) IS 'Binary output of ratio: per part an int8 display scale and the value times 10^4 as a 128-bit integer.';

-- ---------------------------------------------------------------------------
-- Constructors and accessors
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio(numerator numeric, denominator numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(numeric, numeric) IS
'The ratio numerator/denominator, exactly: ratio(1.50, 2) = 1.50/2. Errors for a negative denominator, NaN or infinity, or more than 4 nonzero fractional digits (22023).';

CREATE FUNCTION @extschema@.ratio(numerator bigint, denominator bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(bigint, bigint) IS
'The ratio numerator/denominator of counts: ratio(47, 50) = 47/50. Error for a negative denominator.';

CREATE FUNCTION @extschema@.ratio(numerator integer, denominator integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(integer, integer) IS
'The ratio numerator/denominator of counts; lets ratio(47, 50) resolve without a cast.';

CREATE FUNCTION @extschema@.ratio_value(@extschema@.ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_value(@extschema@.ratio) IS
'numerator / denominator as double precision; NULL when the denominator is 0 (an empty group is not a rate of zero).';

CREATE FUNCTION @extschema@.ratio_percent(@extschema@.ratio, digits integer DEFAULT 1) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_percent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_percent(@extschema@.ratio, integer) IS
'100 * numerator / denominator rounded half up (half away from zero for negative ratios) to digits fractional digits (0..30, default 1), computed exactly from the parts: ratio_percent(''3787/3904'') = 97.0. NULL when the denominator is 0.';

CREATE FUNCTION @extschema@.ratio_numerator(@extschema@.ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_numerator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_numerator(@extschema@.ratio) IS 'The numerator, exactly, as numeric at its display scale.';

CREATE FUNCTION @extschema@.ratio_denominator(@extschema@.ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_denominator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_denominator(@extschema@.ratio) IS 'The denominator, exactly, as numeric at its display scale.';

CREATE FUNCTION @extschema@.ratio_ci_lower(@extschema@.ratio, confidence double precision DEFAULT 0.95) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_ci_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ci_lower(@extschema@.ratio, double precision) IS
'Lower bound of the Wilson score interval of the proportion numerator/denominator at the confidence level (0 < confidence < 1, default 0.95). The parts must be whole counts with 0 <= numerator <= denominator, else error 22023; NULL when the denominator is 0.';

CREATE FUNCTION @extschema@.ratio_ci_upper(@extschema@.ratio, confidence double precision DEFAULT 0.95) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_ci_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ci_upper(@extschema@.ratio, double precision) IS
'Upper bound of the Wilson score interval of the proportion numerator/denominator at the confidence level (0 < confidence < 1, default 0.95). The parts must be whole counts with 0 <= numerator <= denominator, else error 22023; NULL when the denominator is 0.';

-- ---------------------------------------------------------------------------
-- Operators, cast, hash opclass
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators: 1/2 + 3/4 = 4/6. Implements ratio + ratio, the rollup() transition and the combine step of every ratio aggregate.';

CREATE OPERATOR @extschema@.+ (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators (a ratio of sums): 1/2 + 3/4 = 4/6.';

CREATE FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) IS
'True when numerators are equal and denominators are equal (display scales ignored: 2.0/4 = 2/4, but 1/2 <> 2/4).';

CREATE FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) IS 'Negation of ratio_eq.';

CREATE FUNCTION @extschema@.ratio_hash(@extschema@.ratio) RETURNS integer
	AS 'MODULE_PATHNAME', 'ratio_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_hash(@extschema@.ratio) IS 'Hash of the part values, consistent with =; lets GROUP BY and DISTINCT use ratios.';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_eq, COMMUTATOR = OPERATOR(@extschema@.=),
	NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.ratio, @extschema@.ratio) IS
'Same numerator and same denominator; ratios are never reduced, so 1/2 = 2/4 is false. Compare ratio_value() for equal proportions.';

CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_ne, COMMUTATOR = OPERATOR(@extschema@.<>),
	NEGATOR = OPERATOR(@extschema@.=), RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.ratio, @extschema@.ratio) IS 'Different numerator or different denominator.';

CREATE OPERATOR CLASS @extschema@.ratio_hash_ops DEFAULT FOR TYPE @extschema@.ratio USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.ratio, @extschema@.ratio),
	FUNCTION 1 @extschema@.ratio_hash(@extschema@.ratio);
COMMENT ON OPERATOR CLASS @extschema@.ratio_hash_ops USING hash IS 'Hash equality of ratios (same parts), for GROUP BY, DISTINCT and hash joins.';
COMMENT ON OPERATOR FAMILY @extschema@.ratio_hash_ops USING hash IS 'Operator family of ratio_hash_ops: hash equality of ratios.';

CREATE CAST (@extschema@.ratio AS double precision)
	WITH FUNCTION @extschema@.ratio_value(@extschema@.ratio);
COMMENT ON CAST (@extschema@.ratio AS double precision) IS 'Explicit cast: ratio_value(), NULL when the denominator is 0.';

-- ---------------------------------------------------------------------------
-- Ratio aggregates
--
-- State and result are ratio (INITCOND '0/0': no rows give 0/0), so partial
-- results roll up with rollup() and travel between servers as plain values.
-- The combine function of all of them is ratio_add; all have inverse
-- transitions for moving window frames.  Transition functions update the
-- state in place when called by an aggregate and otherwise return a copy.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rate_agg_trans(@extschema@.ratio, boolean) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rate_agg_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rate_agg_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rate_agg_trans(@extschema@.ratio, boolean) IS 'Transition of rate_agg: adds 1 to the denominator and, when hit, 1 to the numerator.';
COMMENT ON FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) IS 'Inverse transition of rate_agg, for moving window frames.';

CREATE AGGREGATE @extschema@.rate_agg(hit boolean) (
	SFUNC = @extschema@.rate_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.rate_agg_trans, MINVFUNC = @extschema@.rate_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rate_agg(boolean) IS
'Share of rows where hit is true: rows where hit / non-NULL rows, as a ratio; rate_agg(exited) over 50 counties of which 47 exited = 47/50. NULL rows are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_numeric_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_numeric_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, numeric, numeric) IS 'Transition of ratio_agg(numeric, numeric): adds num and den exactly.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of ratio_agg(numeric, numeric), for moving window frames.';

CREATE AGGREGATE @extschema@.ratio_agg(num numeric, den numeric) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(numeric, numeric) IS
'Ratio of sums sum(num) / sum(den), exact (decimals with up to 4 fractional digits). num may be negative, den may not; NaN, infinity and more than 4 nonzero fractional digits are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int8_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int8_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of ratio_agg(bigint, bigint): adds num and den.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of ratio_agg(bigint, bigint), for moving window frames.';

CREATE AGGREGATE @extschema@.ratio_agg(num bigint, den bigint) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(bigint, bigint) IS
'Ratio of sums sum(num) / sum(den) of counts. num may be negative, den may not (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, integer, integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int4_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int4_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, integer, integer) IS 'Transition of ratio_agg(integer, integer): adds num and den.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) IS 'Inverse transition of ratio_agg(integer, integer), for moving window frames.';

CREATE AGGREGATE @extschema@.ratio_agg(num integer, den integer) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(integer, integer) IS
'Ratio of sums sum(num) / sum(den) of integer counts; exists so that integer columns and literals resolve without casts. num may be negative, den may not (22023).';

CREATE FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rollup_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) IS 'Inverse transition of rollup: subtracts the parts, for moving window frames.';

-- ROLLUP is a keyword only inside GROUP BY; as a function name it needs no
-- quoting: SELECT rollup(r) and SELECT poverty_aid.rollup(r) both work.
CREATE AGGREGATE @extschema@.rollup(ratio @extschema@.ratio) (
	SFUNC = @extschema@.ratio_add, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_add, MINVFUNC = @extschema@.rollup_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.ratio) IS
'Rolls partial ratios up into one: sum of numerators / sum of denominators (a ratio of sums, never an average of rates). rollup over per-prefecture exit_rate results equals exit_rate over all their counties. Callable as rollup(r) or poverty_aid.rollup(r); in GROUP BY, ROLLUP(...) still means grouping sets. NULL ratios are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.exit_rate_trans(@extschema@.ratio, date, date, date) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'exit_rate_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'exit_rate_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exit_rate_trans(@extschema@.ratio, date, date, date) IS 'Transition of exit_rate (not strict: a NULL exited_on means not exited yet).';
COMMENT ON FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) IS 'Inverse transition of exit_rate, for moving window frames.';

CREATE AGGREGATE @extschema@.exit_rate(listed_on date, exited_on date, as_of date) (
	SFUNC = @extschema@.exit_rate_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.exit_rate_trans, MINVFUNC = @extschema@.exit_rate_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.exit_rate(date, date, date) IS
'Exit rate as of a date: units exited on or before as_of / units listed on or before as_of. exited_on NULL means not exited yet; rows with NULL listed_on or as_of are skipped; exited_on earlier than listed_on is an error (22023). No rows give 0/0.';

CREATE FUNCTION @extschema@.poverty_incidence_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'poverty_incidence_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'poverty_incidence_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.poverty_incidence_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of poverty_incidence: checks 0 <= poor <= population and adds both.';
COMMENT ON FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of poverty_incidence, for moving window frames.';

CREATE AGGREGATE @extschema@.poverty_incidence(poor bigint, population bigint) (
	SFUNC = @extschema@.poverty_incidence_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.poverty_incidence_trans, MINVFUNC = @extschema@.poverty_incidence_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.poverty_incidence(bigint, bigint) IS
'Poverty incidence: sum(poor) / sum(population) (rural registered population). Negative counts and poor > population in a row are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.reduction_rate_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'reduction_rate_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'reduction_rate_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reduction_rate_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of reduction_rate: adds baseline - current to the numerator and baseline to the denominator.';
COMMENT ON FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of reduction_rate, for moving window frames.';

CREATE AGGREGATE @extschema@.reduction_rate(baseline bigint, current bigint) (
	SFUNC = @extschema@.reduction_rate_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.reduction_rate_trans, MINVFUNC = @extschema@.reduction_rate_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reduction_rate(bigint, bigint) IS
'Reduction of the poor population: (sum(baseline) - sum(current)) / sum(baseline); 3365000 -> 79500 gives 3285500/3365000 (97.6%). Negative when poverty rose. Negative counts are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.fund_in_place_trans(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'fund_in_place_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'fund_in_place_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fund_in_place_trans(@extschema@.ratio, numeric, numeric) IS 'Transition of fund_in_place: adds in_place and planned exactly, decoding the numerics in place.';
COMMENT ON FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of fund_in_place, for moving window frames.';

CREATE AGGREGATE @extschema@.fund_in_place(in_place numeric, planned numeric) (
	SFUNC = @extschema@.fund_in_place_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.fund_in_place_trans, MINVFUNC = @extschema@.fund_in_place_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fund_in_place(numeric, numeric) IS
'Funds in place / funds planned, exact sums in yuan (may exceed 1). Negative amounts, NaN, infinity and more than 4 nonzero fractional digits are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

-- ---- sql/ext/31_coverage.sql
-- 31_coverage.sql: coverage(unit_id, covered), distinct units with a compact
-- roaring-style set of ids (src/coverage.c).

CREATE FUNCTION @extschema@.coverage_trans(internal, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_trans(internal, bigint, boolean) IS
'Transition of coverage: adds unit_id to the units in scope and, when covered, to the covered units (a NULL unit_id skips the row; a NULL covered means not covered).';

CREATE FUNCTION @extschema@.coverage_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_combine(internal, internal) IS 'Combine step of coverage: the union of two partial states.';

CREATE FUNCTION @extschema@.coverage_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'coverage_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_serialize(internal) IS
'Serialises a coverage state into its fixed, versioned layout (magic PAVC, version 1; see src/coverage.c) to pass it between parallel workers.';

CREATE FUNCTION @extschema@.coverage_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_deserialize(bytea, internal) IS
'Reads a serialised coverage state, checking every length, count, order and kind; corrupt input is an error (22P03).';

CREATE FUNCTION @extschema@.coverage_final(internal) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_final(internal) IS 'Final step of coverage: distinct covered units / distinct units as a ratio.';

CREATE FUNCTION @extschema@.coverage_state_bytes_final(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'coverage_state_bytes_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_bytes_final(internal) IS 'Final step of coverage_state_bytes: bytes held by the two unit sets.';

CREATE AGGREGATE @extschema@.coverage(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_final, FINALFUNC_EXTRA = false,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage(bigint, boolean) IS
'Assistance coverage: distinct units with at least one row where covered is true / distinct units, as a ratio; a unit paired twice counts once. Equals count(DISTINCT unit_id) FILTER (WHERE covered) / count(DISTINCT unit_id) but with a compact bitmap set (about 1 bit per unit on dense ids) and parallel workers. NULL unit_id rows are skipped; NULL covered counts the unit as in scope, not covered; no rows give 0/0.';

CREATE AGGREGATE @extschema@.coverage_state_bytes(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_bytes_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state_bytes(bigint, boolean) IS
'Bytes of memory the coverage() state holds for the same rows (hash table entries, arrays and bitmaps, without allocator overhead): for capacity planning and the benchmark.';

CREATE FUNCTION @extschema@.coverage_state_final(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'coverage_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_final(internal) IS 'Final step of coverage_state: the serialised unit sets.';

CREATE AGGREGATE @extschema@.coverage_state(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state(bigint, boolean) IS
'The coverage() state itself, serialised (bytea, fixed versioned layout): the distinct units in scope and the covered ones, to store or ship and evaluate later with coverage_of_state(). A ratio cannot be rolled up for distinct counts (a unit may appear on two servers); these sets can.';

CREATE FUNCTION @extschema@.coverage_of_state(bytea) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_of_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_of_state(bytea) IS
'Distinct covered units / distinct units of a coverage_state() value; the input is fully validated and corrupt bytes are an error (22P03).';

-- ---- sql/ext/40_reports.sql
-- Reports: the indicator report, the BI views and their as-of functions,
-- the snapshot procedure and its trend view, and the exit check.
--
-- Everything here is SECURITY INVOKER (views WITH (security_invoker)), so
-- row-level security applies to the caller: a clerk's report covers her
-- regions only.  No object reads person.name or person.resident_id.
--
-- Definitions (as of a date D, year Y = the year of D, over a region subtree):
--   county / village exit rate  listing periods of that level listed <= D;
--                               of them exited <= D (exit_rate)
--   household exit rate         household periods registered <= D; of them
--                               exited <= D (a household that fell back has
--                               two periods)
--   poor population, baseline   members of each household's first period
--                               registered <= D (a household is counted once,
--                               with the members it had when first registered)
--   poor population, now        members of the periods open on D
--   reduction rate              reduction_rate(baseline, now)
--   poverty incidence           poor now / rural population, by county (by
--                               village for a township or village scope);
--                               a unit's population is its own row of the
--                               latest year <= Y, else the sum of its
--                               villages' rows; units without one are left
--                               out of both parts
--   villages above 10%          poor villages not exited on D whose own
--                               incidence is above 10% (10 * poor > population)
--   pairing coverage            listed (<= D) poor counties and villages with
--                               a pairing of any helper active on D
--                               (valid_from <= D < valid_to)
--   villages above 10% paired   ... with an enterprise or social organisation
--   fund in place               plans of years <= Y allocated by D (or with
--                               no allocation date): transfers in place by D
--                               / planned; per source, fiscal (city_fiscal +
--                               district_fiscal), all, and fiscal plans of Y
--   Jan-Feb municipal funds     planned amount of city_fiscal plans allocated
--                               between 1 January and the end of February of
--                               Y (and by D)
--   fund shares                 of the fiscal ("cooperation") funds planned
--                               (as for fund in place): to counties listed
--                               as deeply poor (recipient in such a county),
--                               and for industry
--   jobs, purchases, projects   employment rows employed_on, purchases
--                               sold_on, projects started_on between 1
--                               January of Y and D; against the target of
--                               year Y for the scope (region NULL for the
--                               whole register) with the same indicator key

-- Grouping key of the report query: the ancestor at by_level of a code, or
-- the scope itself ('*' for the whole register) when not grouping.
CREATE FUNCTION @extschema@.report_group(code text, by_level @extschema@.region_level, scope text)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN by_level IS NULL THEN coalesce(scope, '*')
              ELSE @extschema@.region_ancestor_code(code, by_level) END;
COMMENT ON FUNCTION @extschema@.report_group(text, @extschema@.region_level, text) IS
  'Internal to indicator_values(): the group a code falls in, its ancestor at by_level, or the scope (''*'' for the whole register) when by_level is NULL';

-- Last code of the subtree of a code: the digits below its level become 9s,
-- so that "code BETWEEN root AND region_subtree_end(root)" can use an index.
CREATE FUNCTION @extschema@.region_subtree_end(code text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.rpad(pg_catalog.left(code,
           CASE @extschema@.region_code_level(code)
             WHEN 'province' THEN 2 WHEN 'prefecture' THEN 4 WHEN 'county' THEN 6
             WHEN 'township' THEN 9 ELSE 12 END), 12, '9');
COMMENT ON FUNCTION @extschema@.region_subtree_end(text) IS
  'Last 12-digit code of the subtree of a code (the digits below its level set to 9): code BETWEEN root AND region_subtree_end(root) selects a subtree with an index range scan';

CREATE FUNCTION @extschema@.indicator_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                             root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  scope       text := @extschema@.region_code(root_code);
  scope_level @extschema@.region_level := @extschema@.region_code_level(scope);
  lo          text := coalesce(scope, '000000000000');
  hi          text := coalesce(@extschema@.region_subtree_end(scope), '999999999999');
  y           integer := extract(year FROM as_of)::integer;
  year_start  date := make_date(y, 1, 1);
  feb_end     date := make_date(y, 3, 1) - 1;
  unit_level  @extschema@.region_level;
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF scope IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.region r WHERE r.code = scope) THEN
    RAISE EXCEPTION 'region % is not in poverty_aid.region', scope
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the code of a region of the register (6, 9 or 12 digits) that you may read, or NULL for the whole register.';
  END IF;
  IF by_level IS NOT NULL AND scope IS NOT NULL AND by_level < scope_level THEN
    RAISE EXCEPTION 'cannot group a % by %', scope_level, by_level USING ERRCODE = 'invalid_parameter_value';
  END IF;
  unit_level := CASE WHEN coalesce(by_level, scope_level) IN ('township', 'village') THEN 'village' ELSE 'county' END;

  RETURN QUERY
  WITH grp AS (
    SELECT coalesce(scope, '*') AS g WHERE by_level IS NULL
    UNION ALL
    SELECT r.code FROM @extschema@.region r
     WHERE by_level IS NOT NULL AND r.level = by_level AND r.code BETWEEN lo AND hi
  ), lst AS (
    SELECT l.region_code, @extschema@.region_code_level(l.region_code) AS lvl,
           l.listed_on, l.exited_on
      FROM @extschema@.poverty_listing l
     WHERE l.region_code BETWEEN lo AND hi AND l.listed_on <= as_of
  ), lstg AS (
    SELECT @extschema@.report_group(l.region_code, by_level, scope) AS g,
           @extschema@.exit_rate(l.listed_on, l.exited_on, as_of) FILTER (WHERE l.lvl = 'county') AS county_exit,
           @extschema@.exit_rate(l.listed_on, l.exited_on, as_of) FILTER (WHERE l.lvl = 'village') AS village_exit
      FROM lst l GROUP BY 1
  ), hh AS (
    SELECT h.village_code, h.members, h.registered_on, h.exited_on,
           row_number() OVER (PARTITION BY h.household_no ORDER BY h.registered_on) AS period_no
      FROM @extschema@.household h
     WHERE h.village_code BETWEEN lo AND hi AND h.registered_on <= as_of
  ), vil AS MATERIALIZED (
    SELECT hh.village_code,
           @extschema@.exit_rate(hh.registered_on, hh.exited_on, as_of) AS hh_exit,
           coalesce(sum(hh.members) FILTER (WHERE hh.period_no = 1), 0)::bigint AS baseline,
           coalesce(sum(hh.members) FILTER (WHERE hh.exited_on IS NULL OR hh.exited_on > as_of), 0)::bigint AS poor
      FROM hh GROUP BY 1
  ), hhg AS (
    SELECT @extschema@.report_group(v.village_code, by_level, scope) AS g,
           @extschema@.rollup(v.hh_exit) AS hh_exit,
           @extschema@.reduction_rate(v.baseline, v.poor) AS reduction,
           sum(v.baseline) AS baseline, sum(v.poor) AS poor
      FROM vil v GROUP BY 1
  ), pop AS MATERIALIZED (
    SELECT DISTINCT ON (p.region_code) p.region_code, @extschema@.region_code_level(p.region_code) AS lvl,
           p.rural_population
      FROM @extschema@.region_population p
     WHERE p.region_code BETWEEN lo AND hi AND p.year <= y
     ORDER BY p.region_code, p.year DESC
  ), unit_pop AS (
    -- a unit's own population, else the sum of its villages'
    SELECT coalesce(o.code, s.code) AS code, coalesce(o.population, s.population) AS population
      FROM (SELECT p.region_code AS code, p.rural_population AS population FROM pop p
             WHERE p.lvl = unit_level) o
      FULL JOIN (SELECT @extschema@.region_ancestor_code(p.region_code, unit_level) AS code,
                        sum(p.rural_population)::bigint AS population
                   FROM pop p WHERE p.lvl = 'village' AND unit_level <> 'village' GROUP BY 1) s
        ON s.code = o.code
  ), unit_poor AS (
    SELECT @extschema@.region_ancestor_code(v.village_code, unit_level) AS code, sum(v.poor)::bigint AS poor
      FROM vil v GROUP BY 1
  ), incg AS (
    SELECT @extschema@.report_group(u.code, by_level, scope) AS g,
           @extschema@.poverty_incidence(coalesce(p.poor, 0), u.population) AS incidence
      FROM unit_pop u LEFT JOIN unit_poor p ON p.code = u.code
     GROUP BY 1
  ), pr AS MATERIALIZED (
    SELECT p.target_region_code AS code,
           bool_or(h.kind IN ('enterprise', 'social_organisation')) AS by_enterprise
      FROM @extschema@.pairing p JOIN @extschema@.helper h ON h.id = p.helper_id
     WHERE p.target_region_code BETWEEN lo AND hi
       AND p.valid_from <= as_of AND (p.valid_to IS NULL OR p.valid_to > as_of)
     GROUP BY 1
  ), high AS (
    SELECT DISTINCT l.region_code AS code
      FROM lst l
      JOIN pop p ON p.region_code = l.region_code
      LEFT JOIN vil v ON v.village_code = l.region_code
     WHERE l.lvl = 'village' AND (l.exited_on IS NULL OR l.exited_on > as_of)
       AND p.rural_population > 0 AND 10 * coalesce(v.poor, 0) > p.rural_population
  ), covg AS (
    SELECT @extschema@.report_group(l.region_code, by_level, scope) AS g,
           @extschema@.coverage(l.region_code::bigint, pr.code IS NOT NULL) AS coverage
      FROM lst l LEFT JOIN pr ON pr.code = l.region_code
     GROUP BY 1
  ), highg AS (
    SELECT @extschema@.report_group(x.code, by_level, scope) AS g, count(*) AS villages,
           @extschema@.coverage(x.code::bigint, coalesce(pr.by_enterprise, false)) AS coverage
      FROM high x LEFT JOIN pr ON pr.code = x.code
     GROUP BY 1
  ), deep AS (
    SELECT DISTINCT l.region_code
      FROM @extschema@.poverty_listing l
     WHERE l.deep_poverty AND l.listed_on <= as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
  ), fd AS MATERIALIZED (
    SELECT f.id, f.source, f.purpose, f.planned, f.year, f.allocated_on,
           @extschema@.report_group(f.recipient_region_code, by_level, scope) AS g,
           f.source IN ('city_fiscal', 'district_fiscal') AS fiscal,
           @extschema@.region_county_code(f.recipient_region_code) IN (SELECT d.region_code FROM deep d) AS deep
      FROM @extschema@.fund f
     WHERE f.recipient_region_code BETWEEN lo AND hi
       AND f.year <= y AND (f.allocated_on IS NULL OR f.allocated_on <= as_of)
  ), tr AS (
    SELECT t.fund_id, sum(t.amount) AS in_place
      FROM @extschema@.fund_transfer t
     WHERE t.in_place_on <= as_of AND t.fund_id IN (SELECT fd.id FROM fd)
     GROUP BY 1
  ), fdg AS (
    SELECT fd.g,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) AS all_sources,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.fiscal) AS fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.fiscal AND fd.year = y) AS fiscal_year,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'city_fiscal') AS city_fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'district_fiscal') AS district_fiscal,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'enterprise') AS enterprise,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'social') AS social,
           @extschema@.fund_in_place(coalesce(tr.in_place, 0), fd.planned) FILTER (WHERE fd.source = 'other') AS other,
           @extschema@.ratio_agg(CASE WHEN fd.deep THEN fd.planned ELSE 0 END, fd.planned) FILTER (WHERE fd.fiscal) AS deep_share,
           @extschema@.ratio_agg(CASE WHEN fd.purpose = 'industry' THEN fd.planned ELSE 0 END, fd.planned) FILTER (WHERE fd.fiscal) AS industry_share,
           coalesce(sum(fd.planned) FILTER (WHERE fd.source = 'city_fiscal'
                                              AND fd.allocated_on BETWEEN year_start AND least(as_of, feb_end)), 0) AS jan_feb
      FROM fd LEFT JOIN tr ON tr.fund_id = fd.id
     GROUP BY 1
  ), jobg AS (
    SELECT @extschema@.report_group(h.village_code, by_level, scope) AS g, count(*) AS jobs
      FROM @extschema@.employment e JOIN @extschema@.household h ON h.id = e.household_id
     WHERE e.employed_on BETWEEN year_start AND as_of AND h.village_code BETWEEN lo AND hi
     GROUP BY 1
  ), saleg AS (
    SELECT @extschema@.report_group(s.region_code, by_level, scope) AS g, sum(s.amount) AS amount
      FROM @extschema@.consumption_sale s
     WHERE s.sold_on BETWEEN year_start AND as_of AND s.region_code BETWEEN lo AND hi
     GROUP BY 1
  ), projg AS (
    SELECT @extschema@.report_group(p.region_code, by_level, scope) AS g, count(*) AS projects
      FROM @extschema@.project p
     WHERE p.started_on BETWEEN year_start AND as_of AND p.region_code BETWEEN lo AND hi
     GROUP BY 1
  ), tgt AS (
    SELECT CASE WHEN by_level IS NULL THEN coalesce(scope, '*') ELSE t.region_code END AS g,
           max(t.target_value) FILTER (WHERE t.indicator = 'jobs_found') AS jobs,
           max(t.target_value) FILTER (WHERE t.indicator = 'consumption_sales') AS sales,
           max(t.target_value) FILTER (WHERE t.indicator = 'projects_started') AS projects
      FROM @extschema@.target t
     WHERE t.year = y
       AND CASE WHEN by_level IS NULL THEN t.region_code IS NOT DISTINCT FROM scope
                ELSE t.region_code BETWEEN lo AND hi AND @extschema@.region_code_level(t.region_code) = by_level END
     GROUP BY 1
  )
  SELECT NULLIF(grp.g, '*'), v.ord, v.key, v.label,
         CASE WHEN v.unit = '%' THEN coalesce(@extschema@.ratio_numerator(v.r), v.amount) ELSE v.amount END,
         @extschema@.ratio_denominator(v.r),
         CASE WHEN v.unit = '%' THEN @extschema@.ratio_percent(v.r, 1) ELSE v.amount END,
         v.unit, v.r
    FROM grp
    LEFT JOIN lstg ON lstg.g = grp.g
    LEFT JOIN hhg ON hhg.g = grp.g
    LEFT JOIN incg ON incg.g = grp.g
    LEFT JOIN covg ON covg.g = grp.g
    LEFT JOIN highg ON highg.g = grp.g
    LEFT JOIN fdg ON fdg.g = grp.g
    LEFT JOIN jobg ON jobg.g = grp.g
    LEFT JOIN saleg ON saleg.g = grp.g
    LEFT JOIN projg ON projg.g = grp.g
    LEFT JOIN tgt ON tgt.g = grp.g
   CROSS JOIN LATERAL (VALUES
     (1, 'county_exit_rate', 'County exit rate: designated poverty counties exited / listed', '%',
      coalesce(lstg.county_exit, '0/0'), NULL::numeric),
     (2, 'village_exit_rate', 'Village exit rate: poor villages exited / listed', '%',
      coalesce(lstg.village_exit, '0/0'), NULL),
     (3, 'household_exit_rate', 'Household exit rate: household periods exited / registered', '%',
      coalesce(hhg.hh_exit, '0/0'), NULL),
     (4, 'poor_population_baseline', 'Registered poor population, baseline (each household once, as first registered)', 'people',
      NULL, coalesce(hhg.baseline, 0)),
     (5, 'poor_population_current', 'Registered poor population still poor', 'people',
      NULL, coalesce(hhg.poor, 0)),
     (6, 'poverty_reduction_rate', 'Reduction of the poor population: (baseline - still poor) / baseline', '%',
      coalesce(hhg.reduction, '0/0'), NULL),
     (7, 'poverty_incidence', 'Poverty incidence: still poor / rural registered population', '%',
      coalesce(incg.incidence, '0/0'), NULL),
     (8, 'high_incidence_villages', 'Poor villages not exited with a poverty incidence above 10%', 'villages',
      NULL, coalesce(highg.villages, 0)::numeric),
     (9, 'pairing_coverage', 'Listed poor counties and villages with an active pairing', '%',
      coalesce(covg.coverage, '0/0'), NULL),
     (10, 'high_incidence_village_coverage', 'Villages above 10% paired with an enterprise or social organisation', '%',
      coalesce(highg.coverage, '0/0'), NULL),
     (11, 'fund_in_place', 'Funds in place / planned, all sources', '%',
      coalesce(fdg.all_sources, '0/0'), NULL),
     (12, 'fund_in_place_fiscal', 'Fiscal funds (municipal and district) in place / planned', '%',
      coalesce(fdg.fiscal, '0/0'), NULL),
     (13, 'fund_in_place_fiscal_year', 'Fiscal funds planned for this year in place / planned', '%',
      coalesce(fdg.fiscal_year, '0/0'), NULL),
     (14, 'fund_in_place_city_fiscal', 'Funds in place / planned: municipal fiscal funds', '%',
      coalesce(fdg.city_fiscal, '0/0'), NULL),
     (15, 'fund_in_place_district_fiscal', 'Funds in place / planned: district fiscal funds', '%',
      coalesce(fdg.district_fiscal, '0/0'), NULL),
     (16, 'fund_in_place_enterprise', 'Funds in place / planned: enterprise donations', '%',
      coalesce(fdg.enterprise, '0/0'), NULL),
     (17, 'fund_in_place_social', 'Funds in place / planned: social donations', '%',
      coalesce(fdg.social, '0/0'), NULL),
     (18, 'fund_in_place_other', 'Funds in place / planned: other sources', '%',
      coalesce(fdg.other, '0/0'), NULL),
     (19, 'city_funds_allocated_jan_feb', 'Municipal fiscal aid funds allocated in January and February', 'yuan',
      NULL, coalesce(fdg.jan_feb, 0)),
     (20, 'fund_share_deep_poverty', 'Share of fiscal funds planned for the deeply poor counties', '%',
      coalesce(fdg.deep_share, '0/0'), NULL),
     (21, 'fund_share_industry', 'Share of fiscal funds planned for industry', '%',
      coalesce(fdg.industry_share, '0/0'), NULL),
     (22, 'jobs_found', 'Poor people helped into jobs this year', 'people',
      NULL, coalesce(jobg.jobs, 0)::numeric),
     (23, 'jobs_found_attainment', 'Jobs found this year / target', '%',
      @extschema@.ratio(coalesce(jobg.jobs, 0)::numeric, tgt.jobs), coalesce(jobg.jobs, 0)::numeric),
     (24, 'consumption_sales', 'Purchases of products from assisted areas this year', 'yuan',
      NULL, coalesce(saleg.amount, 0)),
     (25, 'consumption_sales_attainment', 'Purchases this year / target', '%',
      @extschema@.ratio(coalesce(saleg.amount, 0), tgt.sales), coalesce(saleg.amount, 0)),
     (26, 'projects_started', 'Projects started this year', 'projects',
      NULL, coalesce(projg.projects, 0)::numeric),
     (27, 'projects_started_attainment', 'Projects started this year / target', '%',
      @extschema@.ratio(coalesce(projg.projects, 0)::numeric, tgt.projects), coalesce(projg.projects, 0)::numeric)
   ) AS v (ord, key, label, unit, r, amount)
   ORDER BY grp.g, v.ord;
END
$$;
COMMENT ON FUNCTION @extschema@.indicator_values(date, @extschema@.region_level, text) IS
  'Every indicator of indicator_report() as of a date for a region subtree (NULL: the whole register), for the subtree as a whole (by_level NULL) or for each of its regions at by_level; one pass over each table. The engine of indicator_report(), the BI views and take_snapshot()';

CREATE FUNCTION @extschema@.indicator_report(region_code text DEFAULT NULL, as_of date DEFAULT current_date)
  RETURNS TABLE (key text, label text, scope text, numerator numeric, denominator numeric,
                 value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT v.key, v.label, v.region_code, v.numerator, v.denominator, v.value, v.unit, v.ratio
    FROM @extschema@.indicator_values(indicator_report.as_of, NULL, indicator_report.region_code) v
   ORDER BY v.ord;
END;
COMMENT ON FUNCTION @extschema@.indicator_report(text, date) IS
  'One row per indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date: stable key, label, scope, numerator, denominator, value (percent with one digit for ratios, else the count or amount), unit and the exact ratio. E.g. SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''). Definitions: README, section Reports';

-- Exit check ----------------------------------------------------------------

CREATE FUNCTION @extschema@.exit_check(as_of date DEFAULT current_date, include_exited boolean DEFAULT false)
  RETURNS TABLE (region_code text, name text, level @extschema@.region_level, county_code text,
                 county_name text, zone @extschema@.policy_zone, listed_on date, exited_on date,
                 exited boolean, deep_poverty boolean, poor_current bigint, rural_population bigint,
                 incidence @extschema@.ratio, incidence_percent numeric, threshold_percent numeric,
                 meets_threshold boolean)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH units AS (
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on, l.exited_on, l.deep_poverty
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= exit_check.as_of
     ORDER BY l.region_code, l.listed_on DESC
  ), poor AS (
    SELECT h.village_code, sum(h.members)::bigint AS poor
      FROM @extschema@.household h
     WHERE h.registered_on <= exit_check.as_of
       AND (h.exited_on IS NULL OR h.exited_on > exit_check.as_of)
     GROUP BY 1
  ), unit_poor AS (
    SELECT p.village_code AS code, p.poor FROM poor p
    UNION ALL
    SELECT @extschema@.region_county_code(p.village_code), sum(p.poor)::bigint FROM poor p GROUP BY 1
  ), pop AS (
    SELECT DISTINCT ON (p.region_code) p.region_code, p.rural_population
      FROM @extschema@.region_population p
     WHERE p.year <= extract(year FROM exit_check.as_of)
     ORDER BY p.region_code, p.year DESC
  ), unit_pop AS (
    SELECT coalesce(o.code, s.code) AS code, coalesce(o.population, s.population) AS population
      FROM (SELECT p.region_code AS code, p.rural_population AS population FROM pop p) o
      FULL JOIN (SELECT @extschema@.region_county_code(p.region_code) AS code, sum(p.rural_population)::bigint AS population
                   FROM pop p WHERE @extschema@.region_code_level(p.region_code) = 'village' GROUP BY 1) s
        ON s.code = o.code
  ), checked AS (
    SELECT u.region_code, r.name, r.level, @extschema@.region_county_code(u.region_code) AS county_code,
           r.zone, u.listed_on, u.exited_on,
           u.exited_on IS NOT NULL AND u.exited_on <= exit_check.as_of AS exited, u.deep_poverty,
           coalesce(pp.poor, 0) AS poor_current, pq.population,
           CASE r.zone WHEN 'west' THEN 3 ELSE 2 END::numeric AS threshold
      FROM units u
      JOIN @extschema@.region r ON r.code = u.region_code
      LEFT JOIN unit_poor pp ON pp.code = u.region_code
      LEFT JOIN unit_pop pq ON pq.code = u.region_code
  )
  SELECT c.region_code, c.name, c.level, c.county_code, cr.name, c.zone, c.listed_on, c.exited_on,
         c.exited, c.deep_poverty, c.poor_current, c.population,
         @extschema@.ratio(c.poor_current, c.population),
         @extschema@.ratio_percent(@extschema@.ratio(c.poor_current, c.population), 2),
         c.threshold,
         CASE WHEN c.population > 0 THEN 100 * c.poor_current < c.threshold * c.population END
    FROM checked c
    LEFT JOIN @extschema@.region cr ON cr.code = c.county_code
   WHERE exit_check.include_exited OR NOT c.exited
   ORDER BY c.level, c.region_code;
END;
COMMENT ON FUNCTION @extschema@.exit_check(date, boolean) IS
  'Poor counties and villages not exited on a date (all listed ones with include_exited) with their poverty incidence and whether it meets the official exit threshold: below 2%, below 3% in the west zone (region.zone). Only the incidence criterion is checked; the population is the unit''s own (latest year on or before the date), else the sum of its villages''; meets_threshold is NULL without one. E.g. SELECT * FROM poverty_aid.exit_check(''2020-03-31'')';

-- BI views ------------------------------------------------------------------
--
-- Flat rows for BI tools: one per county, village, helper and fund source,
-- with codes, names, the names of the province, prefecture and county,
-- counts, numerators and denominators next to the percentages.  Each view
-- is its as-of function called for current_date; the functions take any
-- date.  The county and village figures come from indicator_values(), so a
-- county's row equals indicator_report() for that county.

CREATE FUNCTION @extschema@.county_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, county_code text, county_name text, prefecture_code text,
                 prefecture_name text, province_code text, province_name text,
                 zone @extschema@.policy_zone, designated boolean, deep_poverty boolean,
                 listed_on date, exited_on date, exited boolean,
                 villages_listed bigint, villages_exited bigint, village_exit_rate numeric,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence_villages bigint, units_listed bigint, units_paired bigint,
                 pairing_coverage numeric, high_incidence_villages_paired bigint,
                 high_incidence_village_coverage numeric,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 fiscal_funds_planned numeric, fiscal_funds_in_place numeric,
                 fiscal_fund_in_place_rate numeric, city_funds_allocated_jan_feb numeric,
                 fund_share_deep_poverty numeric, fund_share_industry numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH v AS (
    SELECT * FROM @extschema@.indicator_values(county_indicators_as_of.as_of, 'county', NULL)
  ), p AS (
    SELECT v.region_code,
           max(v.denominator) FILTER (WHERE v.key = 'village_exit_rate') AS villages_listed,
           max(v.numerator) FILTER (WHERE v.key = 'village_exit_rate') AS villages_exited,
           max(v.value) FILTER (WHERE v.key = 'village_exit_rate') AS village_exit_rate,
           max(v.denominator) FILTER (WHERE v.key = 'household_exit_rate') AS households_registered,
           max(v.numerator) FILTER (WHERE v.key = 'household_exit_rate') AS households_exited,
           max(v.value) FILTER (WHERE v.key = 'household_exit_rate') AS household_exit_rate,
           max(v.value) FILTER (WHERE v.key = 'poor_population_baseline') AS baseline,
           max(v.value) FILTER (WHERE v.key = 'poor_population_current') AS poor,
           max(v.value) FILTER (WHERE v.key = 'poverty_reduction_rate') AS reduction,
           max(v.denominator) FILTER (WHERE v.key = 'poverty_incidence') AS population,
           max(v.value) FILTER (WHERE v.key = 'poverty_incidence') AS incidence,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_villages') AS high,
           max(v.denominator) FILTER (WHERE v.key = 'pairing_coverage') AS units_listed,
           max(v.numerator) FILTER (WHERE v.key = 'pairing_coverage') AS units_paired,
           max(v.value) FILTER (WHERE v.key = 'pairing_coverage') AS coverage,
           max(v.numerator) FILTER (WHERE v.key = 'high_incidence_village_coverage') AS high_paired,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_village_coverage') AS high_coverage,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place') AS planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place') AS in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place') AS in_place_rate,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place_fiscal') AS fiscal_rate,
           max(v.value) FILTER (WHERE v.key = 'city_funds_allocated_jan_feb') AS jan_feb,
           max(v.value) FILTER (WHERE v.key = 'fund_share_deep_poverty') AS deep_share,
           max(v.value) FILTER (WHERE v.key = 'fund_share_industry') AS industry_share,
           max(v.value) FILTER (WHERE v.key = 'jobs_found') AS jobs,
           max(v.value) FILTER (WHERE v.key = 'consumption_sales') AS sales,
           max(v.value) FILTER (WHERE v.key = 'projects_started') AS projects
      FROM v GROUP BY v.region_code
  ), listing AS (
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on, l.exited_on, l.deep_poverty
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= county_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
     ORDER BY l.region_code, l.listed_on DESC
  )
  SELECT county_indicators_as_of.as_of, c.code, c.name, pf.code, pf.name, pv.code, pv.name, c.zone,
         l.region_code IS NOT NULL, coalesce(l.deep_poverty, false), l.listed_on, l.exited_on,
         coalesce(l.exited_on <= county_indicators_as_of.as_of, false),
         p.villages_listed::bigint, p.villages_exited::bigint, p.village_exit_rate,
         p.households_registered::bigint, p.households_exited::bigint, p.household_exit_rate,
         p.baseline::bigint, p.poor::bigint, p.reduction, p.population::bigint, p.incidence,
         p.high::bigint, p.units_listed::bigint, p.units_paired::bigint, p.coverage,
         p.high_paired::bigint, p.high_coverage,
         p.planned, p.in_place, p.in_place_rate, p.fiscal_planned, p.fiscal_in_place, p.fiscal_rate,
         p.jan_feb, p.deep_share, p.industry_share, p.jobs::bigint, p.sales, p.projects::bigint
    FROM p
    JOIN @extschema@.region c ON c.code = p.region_code
    LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(c.code, 'prefecture')
    LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(c.code, 'province')
    LEFT JOIN listing l ON l.region_code = c.code
   ORDER BY c.code;
END;
COMMENT ON FUNCTION @extschema@.county_indicators_as_of(date) IS
  'The county_indicators view as of any date: one row per county of the register, its figures equal to indicator_report(county, date). E.g. SELECT * FROM poverty_aid.county_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.county_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.county_indicators_as_of(current_date);
COMMENT ON VIEW @extschema@.county_indicators IS
  'One row per county with its indicators as of today (county_indicators_as_of(date) for another date): codes and names of the county, prefecture and province, listing, exit rates, poor population, incidence, pairing coverage, funds, jobs, purchases, projects';

CREATE FUNCTION @extschema@.village_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, village_code text, village_name text, township_code text,
                 township_name text, county_code text, county_name text, prefecture_name text,
                 province_name text, zone @extschema@.policy_zone, listed boolean,
                 listed_on date, exited_on date, exited boolean,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence boolean, meets_exit_threshold boolean,
                 paired boolean, paired_with_enterprise boolean, active_pairings bigint,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH v AS (
    SELECT * FROM @extschema@.indicator_values(village_indicators_as_of.as_of, 'village', NULL)
  ), p AS (
    SELECT v.region_code,
           max(v.denominator) FILTER (WHERE v.key = 'household_exit_rate') AS households_registered,
           max(v.numerator) FILTER (WHERE v.key = 'household_exit_rate') AS households_exited,
           max(v.value) FILTER (WHERE v.key = 'household_exit_rate') AS household_exit_rate,
           max(v.value) FILTER (WHERE v.key = 'poor_population_baseline') AS baseline,
           max(v.value) FILTER (WHERE v.key = 'poor_population_current') AS poor,
           max(v.value) FILTER (WHERE v.key = 'poverty_reduction_rate') AS reduction,
           max(v.denominator) FILTER (WHERE v.key = 'poverty_incidence') AS population,
           max(v.value) FILTER (WHERE v.key = 'poverty_incidence') AS incidence,
           max(v.value) FILTER (WHERE v.key = 'high_incidence_villages') AS high,
           max(v.denominator) FILTER (WHERE v.key = 'fund_in_place') AS planned,
           max(v.numerator) FILTER (WHERE v.key = 'fund_in_place') AS in_place,
           max(v.value) FILTER (WHERE v.key = 'fund_in_place') AS in_place_rate,
           max(v.value) FILTER (WHERE v.key = 'jobs_found') AS jobs,
           max(v.value) FILTER (WHERE v.key = 'consumption_sales') AS sales,
           max(v.value) FILTER (WHERE v.key = 'projects_started') AS projects
      FROM v GROUP BY v.region_code
  ), listing AS (
    SELECT DISTINCT ON (l.region_code) l.region_code, l.listed_on, l.exited_on
      FROM @extschema@.poverty_listing l
     WHERE l.listed_on <= village_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'village'
     ORDER BY l.region_code, l.listed_on DESC
  ), pr AS (
    SELECT pa.target_region_code AS code, count(*) AS pairings,
           bool_or(h.kind IN ('enterprise', 'social_organisation')) AS by_enterprise
      FROM @extschema@.pairing pa JOIN @extschema@.helper h ON h.id = pa.helper_id
     WHERE pa.valid_from <= village_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > village_indicators_as_of.as_of)
       AND @extschema@.region_code_level(pa.target_region_code) = 'village'
     GROUP BY 1
  )
  SELECT village_indicators_as_of.as_of, c.code, c.name, tw.code, tw.name, co.code, co.name,
         pf.name, pv.name, c.zone, l.region_code IS NOT NULL, l.listed_on, l.exited_on,
         coalesce(l.exited_on <= village_indicators_as_of.as_of, false),
         p.households_registered::bigint, p.households_exited::bigint, p.household_exit_rate,
         p.baseline::bigint, p.poor::bigint, p.reduction, p.population::bigint, p.incidence,
         p.high > 0,
         CASE WHEN p.population > 0
              THEN 100 * p.poor < CASE c.zone WHEN 'west' THEN 3 ELSE 2 END * p.population END,
         pr.code IS NOT NULL, coalesce(pr.by_enterprise, false), coalesce(pr.pairings, 0),
         p.planned, p.in_place, p.in_place_rate, p.jobs::bigint, p.sales, p.projects::bigint
    FROM p
    JOIN @extschema@.region c ON c.code = p.region_code
    LEFT JOIN listing l ON l.region_code = c.code
    LEFT JOIN pr ON pr.code = c.code
    LEFT JOIN @extschema@.region tw ON tw.code = @extschema@.region_ancestor_code(c.code, 'township')
    LEFT JOIN @extschema@.region co ON co.code = @extschema@.region_ancestor_code(c.code, 'county')
    LEFT JOIN @extschema@.region pf ON pf.code = @extschema@.region_ancestor_code(c.code, 'prefecture')
    LEFT JOIN @extschema@.region pv ON pv.code = @extschema@.region_ancestor_code(c.code, 'province')
   WHERE l.region_code IS NOT NULL OR p.households_registered > 0
   ORDER BY c.code;
END;
COMMENT ON FUNCTION @extschema@.village_indicators_as_of(date) IS
  'The village_indicators view as of any date: one row per listed poor village or village with registered households, its figures equal to indicator_report(village, date). E.g. SELECT * FROM poverty_aid.village_indicators_as_of(''2020-03-31'') WHERE high_incidence';

CREATE VIEW @extschema@.village_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.village_indicators_as_of(current_date);
COMMENT ON VIEW @extschema@.village_indicators IS
  'One row per listed poor village (or village with registered households) with its indicators as of today (village_indicators_as_of(date) for another date): names up to the province, listing, households, poor population, incidence against the exit threshold, pairings, funds, jobs, purchases, projects';

CREATE FUNCTION @extschema@.helper_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, helper_id bigint, helper_name text, kind @extschema@.helper_kind,
                 home_region_code text, home_region_name text, pairings_active bigint,
                 counties_paired bigint, villages_paired bigint, households_paired bigint,
                 targets_covered bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, jobs_found bigint, consumption_sales numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH pr AS (
    SELECT pa.helper_id, count(*) AS pairings,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'county') AS counties,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'village') AS villages,
           count(DISTINCT pa.target_household_id) AS households
      FROM @extschema@.pairing pa
     WHERE pa.valid_from <= helper_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > helper_indicators_as_of.as_of)
     GROUP BY 1
  ), fd AS (
    SELECT f.helper_id,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), f.planned) AS in_place
      FROM @extschema@.fund f
      LEFT JOIN (SELECT t.fund_id, sum(t.amount) AS in_place FROM @extschema@.fund_transfer t
                  WHERE t.in_place_on <= helper_indicators_as_of.as_of GROUP BY 1) t ON t.fund_id = f.id
     WHERE f.helper_id IS NOT NULL
       AND f.year <= extract(year FROM helper_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= helper_indicators_as_of.as_of)
     GROUP BY 1
  ), jobs AS (
    SELECT e.helper_id, count(*) AS jobs
      FROM @extschema@.employment e
     WHERE e.helper_id IS NOT NULL
       AND e.employed_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  ), sales AS (
    SELECT s.helper_id, sum(s.amount) AS amount
      FROM @extschema@.consumption_sale s
     WHERE s.helper_id IS NOT NULL
       AND s.sold_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  )
  SELECT helper_indicators_as_of.as_of, h.id, h.name, h.kind, h.home_region_code, r.name,
         coalesce(pr.pairings, 0), coalesce(pr.counties, 0), coalesce(pr.villages, 0),
         coalesce(pr.households, 0),
         coalesce(pr.counties + pr.villages + pr.households, 0),
         coalesce(@extschema@.ratio_denominator(fd.in_place), 0),
         coalesce(@extschema@.ratio_numerator(fd.in_place), 0),
         @extschema@.ratio_percent(fd.in_place, 1),
         coalesce(jobs.jobs, 0), coalesce(sales.amount, 0)
    FROM @extschema@.helper h
    LEFT JOIN @extschema@.region r ON r.code = h.home_region_code
    LEFT JOIN pr ON pr.helper_id = h.id
    LEFT JOIN fd ON fd.helper_id = h.id
    LEFT JOIN jobs ON jobs.helper_id = h.id
    LEFT JOIN sales ON sales.helper_id = h.id
   ORDER BY h.id;
END;
COMMENT ON FUNCTION @extschema@.helper_indicators_as_of(date) IS
  'The helper_indicators view as of any date: one row per helper with its pairings active on the date, the counties, villages and households they cover, its fund plans (years up to the date''s, allocated by it) and money in place, the jobs it arranged and the purchases it made this year. E.g. SELECT * FROM poverty_aid.helper_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.helper_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.helper_indicators_as_of(current_date);
COMMENT ON VIEW @extschema@.helper_indicators IS
  'One row per helper (district, enterprise, social organisation, …) with its pairings, targets covered, funds planned and in place, jobs arranged and purchases as of today (helper_indicators_as_of(date) for another date)';

CREATE FUNCTION @extschema@.fund_source_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, source @extschema@.fund_source, fiscal boolean, fund_plans bigint,
                 recipients bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, funds_planned_this_year numeric,
                 funds_in_place_this_year numeric, fund_in_place_rate_this_year numeric,
                 funds_planned_deep_poverty numeric, deep_poverty_share numeric,
                 funds_planned_industry numeric, industry_share numeric,
                 funds_allocated_jan_feb numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH deep AS (
    SELECT DISTINCT l.region_code
      FROM @extschema@.poverty_listing l
     WHERE l.deep_poverty AND l.listed_on <= fund_source_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
  ), fd AS (
    SELECT f.id, f.source, f.recipient_region_code, f.planned, f.year, f.purpose, f.allocated_on,
           @extschema@.region_county_code(f.recipient_region_code) IN (SELECT d.region_code FROM deep d) AS deep
      FROM @extschema@.fund f
     WHERE f.year <= extract(year FROM fund_source_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= fund_source_indicators_as_of.as_of)
  ), t AS (
    SELECT t.fund_id, sum(t.amount) AS in_place
      FROM @extschema@.fund_transfer t
     WHERE t.in_place_on <= fund_source_indicators_as_of.as_of
     GROUP BY 1
  ), s AS (
    SELECT fd.source, count(*) AS plans, count(DISTINCT fd.recipient_region_code) AS recipients,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned) AS in_place,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned)
             FILTER (WHERE fd.year = extract(year FROM fund_source_indicators_as_of.as_of)) AS in_place_year,
           @extschema@.ratio_agg(CASE WHEN fd.deep THEN fd.planned ELSE 0 END, fd.planned) AS deep_share,
           @extschema@.ratio_agg(CASE WHEN fd.purpose = 'industry' THEN fd.planned ELSE 0 END, fd.planned) AS industry_share,
           coalesce(sum(fd.planned) FILTER (WHERE fd.allocated_on BETWEEN date_trunc('year', fund_source_indicators_as_of.as_of)::date
                                                AND least(fund_source_indicators_as_of.as_of,
                                                          (date_trunc('year', fund_source_indicators_as_of.as_of) + interval '2 months')::date - 1)), 0) AS jan_feb
      FROM fd LEFT JOIN t ON t.fund_id = fd.id
     GROUP BY 1
  )
  SELECT fund_source_indicators_as_of.as_of, src.source, src.source IN ('city_fiscal', 'district_fiscal'),
         coalesce(s.plans, 0), coalesce(s.recipients, 0),
         coalesce(@extschema@.ratio_denominator(s.in_place), 0), coalesce(@extschema@.ratio_numerator(s.in_place), 0),
         @extschema@.ratio_percent(s.in_place, 1),
         coalesce(@extschema@.ratio_denominator(s.in_place_year), 0), coalesce(@extschema@.ratio_numerator(s.in_place_year), 0),
         @extschema@.ratio_percent(s.in_place_year, 1),
         coalesce(@extschema@.ratio_numerator(s.deep_share), 0), @extschema@.ratio_percent(s.deep_share, 1),
         coalesce(@extschema@.ratio_numerator(s.industry_share), 0), @extschema@.ratio_percent(s.industry_share, 1),
         coalesce(s.jan_feb, 0)
    FROM unnest(enum_range(NULL::@extschema@.fund_source)) AS src (source)
    LEFT JOIN s ON s.source = src.source
   ORDER BY src.source;
END;
COMMENT ON FUNCTION @extschema@.fund_source_indicators_as_of(date) IS
  'The fund_source_indicators view as of any date: one row per fund source with its plans (years up to the date''s, allocated by it), money in place by the date, the same for this year''s plans, the shares planned for the deeply poor counties and for industry, and the plans allocated in January and February. E.g. SELECT * FROM poverty_aid.fund_source_indicators_as_of(''2020-03-31'')';

CREATE VIEW @extschema@.fund_source_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.fund_source_indicators_as_of(current_date);
COMMENT ON VIEW @extschema@.fund_source_indicators IS
  'One row per fund source (municipal and district fiscal funds, enterprise and social donations, other) with funds planned and in place as of today (fund_source_indicators_as_of(date) for another date)';

-- Column comments of the views: one text per column name, shared by the
-- views that have the column.
DO $comments$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT a.attrelid::regclass AS view_name, a.attname, d.comment
      FROM pg_catalog.pg_attribute a
      JOIN (VALUES
        ('as_of', 'Date the figures are as of'),
        ('county_code', '12-digit code of the county'), ('county_name', 'Name of the county'),
        ('prefecture_code', '12-digit code of the prefecture'), ('prefecture_name', 'Name of the prefecture'),
        ('province_code', '12-digit code of the province'), ('province_name', 'Name of the province'),
        ('village_code', '12-digit code of the village'), ('village_name', 'Name of the village'),
        ('township_code', '12-digit code of the township'), ('township_name', 'Name of the township'),
        ('zone', 'Policy zone (east, central, west); sets the exit threshold'),
        ('designated', 'Whether the county is listed as a poverty county on or before the date'),
        ('listed', 'Whether the village is listed as a poor village on or before the date'),
        ('deep_poverty', 'Whether the county is listed as deeply poor'),
        ('listed_on', 'Day of the latest listing on or before the date'),
        ('exited_on', 'Day that listing exited (may be after the date); NULL while listed'),
        ('exited', 'Whether the unit exited on or before the date'),
        ('villages_listed', 'Poor villages listed on or before the date (village exit rate denominator)'),
        ('villages_exited', 'Of them, exited on or before the date (numerator)'),
        ('village_exit_rate', 'villages_exited / villages_listed, percent'),
        ('households_registered', 'Household periods registered on or before the date (household exit rate denominator)'),
        ('households_exited', 'Of them, exited on or before the date (numerator)'),
        ('household_exit_rate', 'households_exited / households_registered, percent'),
        ('poor_population_baseline', 'Members of each household''s first period registered on or before the date'),
        ('poor_population_current', 'Members of the household periods open on the date'),
        ('poverty_reduction_rate', '(baseline - current) / baseline, percent'),
        ('rural_population', 'Rural registered population (latest year on or before the date; a county without its own figure: the sum of its villages'')'),
        ('poverty_incidence', 'poor_population_current / rural_population, percent'),
        ('high_incidence_villages', 'Poor villages not exited with an incidence above 10%'),
        ('high_incidence', 'Whether the village is a poor village not exited with an incidence above 10%'),
        ('meets_exit_threshold', 'Whether the incidence is below the exit threshold (2%, 3% in the west); NULL without a population'),
        ('units_listed', 'Listed poor counties and villages (pairing coverage denominator)'),
        ('units_paired', 'Of them, with a pairing active on the date (numerator)'),
        ('pairing_coverage', 'units_paired / units_listed, percent'),
        ('high_incidence_villages_paired', 'Villages above 10% paired with an enterprise or social organisation'),
        ('high_incidence_village_coverage', 'high_incidence_villages_paired / high_incidence_villages, percent'),
        ('paired', 'Whether the village has a pairing active on the date'),
        ('paired_with_enterprise', 'Whether one of its active pairings is with an enterprise or social organisation'),
        ('active_pairings', 'Pairings with the village active on the date'),
        ('funds_planned', 'Fund plans of years up to the date''s, allocated by the date, yuan (fund-in-place denominator)'),
        ('funds_in_place', 'Money of those plans in place by the date, yuan (numerator)'),
        ('fund_in_place_rate', 'funds_in_place / funds_planned, percent (may exceed 100)'),
        ('fiscal_funds_planned', 'funds_planned of the municipal and district fiscal funds'),
        ('fiscal_funds_in_place', 'funds_in_place of the municipal and district fiscal funds'),
        ('fiscal_fund_in_place_rate', 'fiscal_funds_in_place / fiscal_funds_planned, percent'),
        ('city_funds_allocated_jan_feb', 'Municipal fiscal funds allocated between 1 January and the end of February of the date''s year, yuan'),
        ('fund_share_deep_poverty', 'Share of the fiscal funds planned for deeply poor counties, percent'),
        ('fund_share_industry', 'Share of the fiscal funds planned for industry, percent'),
        ('jobs_found', 'Jobs found from 1 January of the date''s year to the date'),
        ('consumption_sales', 'Purchases from 1 January of the date''s year to the date, yuan'),
        ('projects_started', 'Projects started from 1 January of the date''s year to the date'),
        ('helper_id', 'Id of the helper'), ('helper_name', 'Name of the helper'),
        ('kind', 'Kind of helper'), ('home_region_code', 'Code of the region the helper is based in'),
        ('home_region_name', 'Name of that region'),
        ('pairings_active', 'Pairings of the helper active on the date'),
        ('counties_paired', 'Distinct counties among them'), ('villages_paired', 'Distinct villages among them'),
        ('households_paired', 'Distinct households among them'),
        ('targets_covered', 'counties_paired + villages_paired + households_paired'),
        ('source', 'Fund source'), ('fiscal', 'Whether the source is fiscal (municipal or district)'),
        ('fund_plans', 'Fund plans counted (years up to the date''s, allocated by the date)'),
        ('recipients', 'Distinct recipient regions of those plans'),
        ('funds_planned_this_year', 'funds_planned of the plans for the date''s year'),
        ('funds_in_place_this_year', 'funds_in_place of the plans for the date''s year'),
        ('fund_in_place_rate_this_year', 'funds_in_place_this_year / funds_planned_this_year, percent'),
        ('funds_planned_deep_poverty', 'funds_planned for recipients in deeply poor counties'),
        ('deep_poverty_share', 'funds_planned_deep_poverty / funds_planned, percent'),
        ('funds_planned_industry', 'funds_planned for industry'),
        ('industry_share', 'funds_planned_industry / funds_planned, percent'),
        ('funds_allocated_jan_feb', 'Plans allocated between 1 January and the end of February of the date''s year, yuan')
      ) AS d (column_name, comment) ON d.column_name = a.attname
     WHERE a.attrelid IN ('@extschema@.county_indicators'::regclass, '@extschema@.village_indicators'::regclass,
                          '@extschema@.helper_indicators'::regclass, '@extschema@.fund_source_indicators'::regclass)
       AND a.attnum > 0
  LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.view_name, c.attname, c.comment);
  END LOOP;
END
$comments$;

-- Snapshots -----------------------------------------------------------------
--
-- take_snapshot() writes every indicator for the whole register and for
-- every province, prefecture and county that has data, in the caller's
-- transaction, and logs the run in job_run.
--
-- It computes first and writes last.  The indicators (seconds of work on a
-- large register) are collected in an array before the procedure writes a
-- row, so the transaction has no transaction id while it computes: a
-- long-running writer would hold back every other session's snapshot xmin
-- and, with it, the clean-up of SERIALIZABLE transactions' predicate locks
-- (clerks writing at SERIALIZABLE while the job ran used to fail with "out of
-- shared memory", max_pred_locks_per_transaction).  The writes — the job_run
-- row, the DELETE of the date's old rows and the INSERT — take milliseconds.
-- job_run.started_at is still the time the run began.
--
-- A failed run is still logged: the work runs in a block with an exception
-- handler (a subtransaction); when it fails, the block's changes are undone
-- (the snapshot rows of that date stay as they were), a job_run row with
-- status failed, the SQLSTATE and the message is written after the block,
-- and the procedure ends with a WARNING instead of an error, so that the log
-- row commits with the caller's transaction.  A job scheduler therefore sees
-- success: monitor job_run.status.  (The procedure cannot COMMIT by itself: a
-- procedure with SET search_path, which every PL/pgSQL routine of the
-- extension has, may not run transaction control statements.)  Concurrent
-- runs are serialised by a transaction-level advisory lock taken before the
-- writes, so two runs for the same date never collide.

CREATE PROCEDURE @extschema@.take_snapshot(as_of date DEFAULT current_date)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  started  timestamptz := pg_catalog.clock_timestamp();
  computed @extschema@.indicator_snapshot[];
  run      bigint;
  written  bigint;
  state    text;
  message  text;
BEGIN
  BEGIN
    IF take_snapshot.as_of IS NULL THEN
      RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- 1. compute (reads only)
    SELECT pg_catalog.array_agg(ROW(take_snapshot.as_of, v.region_code, v.key, v.label, v.numerator,
                                    v.denominator, v.value, v.unit, NULL, NULL)::@extschema@.indicator_snapshot
                                ORDER BY v.region_code NULLS FIRST, v.ord)
      INTO computed
      FROM (SELECT v.*,
                   bool_or(coalesce(v.numerator, 0) <> 0 OR coalesce(v.denominator, 0) <> 0)
                     OVER (PARTITION BY v.region_code) AS has_data
              FROM (SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, NULL, NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'province', NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'prefecture', NULL)
                    UNION ALL
                    SELECT * FROM @extschema@.indicator_values(take_snapshot.as_of, 'county', NULL)) v) v
     WHERE v.region_code IS NULL OR v.has_data;
    -- 2. write
    PERFORM pg_catalog.pg_advisory_xact_lock('@extschema@.indicator_snapshot'::regclass::oid::bigint);
    INSERT INTO @extschema@.job_run (job, as_of, started_at) VALUES ('take_snapshot', take_snapshot.as_of, started)
    RETURNING id INTO run;
    DELETE FROM @extschema@.indicator_snapshot s WHERE s.as_of = take_snapshot.as_of;
    INSERT INTO @extschema@.indicator_snapshot
           (as_of, region_code, indicator, label, numerator, denominator, value, unit, run_id)
    SELECT c.as_of, c.region_code, c.indicator, c.label, c.numerator, c.denominator, c.value, c.unit, run
      FROM pg_catalog.unnest(computed) WITH ORDINALITY AS c
     ORDER BY c.ordinality;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE @extschema@.job_run j
       SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), rows_written = written
     WHERE j.id = run;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    INSERT INTO @extschema@.job_run (job, as_of, started_at, finished_at, status, rows_written, error)
    VALUES ('take_snapshot', take_snapshot.as_of, started, pg_catalog.clock_timestamp(), 'failed', 0,
            state || ': ' || message)
    RETURNING id INTO run;
    RAISE WARNING 'snapshot as of % failed: %', take_snapshot.as_of, message
      USING DETAIL = pg_catalog.format('SQLSTATE %s; the snapshot rows of that date are unchanged.', state),
            HINT = pg_catalog.format('The failure is logged in poverty_aid.job_run, id %s.', run);
  END;
END
$$;
COMMENT ON PROCEDURE @extschema@.take_snapshot(date) IS
  'Stores every indicator of indicator_report() as of a date (default today) for the whole register (region_code NULL) and for every province, prefecture and county with data in indicator_snapshot, replacing the rows of that date (idempotent), and logs the run in job_run (start, end, rows, status, error). A failed run is logged as failed, leaves the snapshot unchanged and ends with a WARNING, not an error. Schedule monthly with pg_cron: SELECT cron.schedule_in_database(''poverty-aid-monthly'', ''0 2 1 * *'', ''CALL poverty_aid.take_snapshot()'', ''yourdb'')';

CREATE VIEW @extschema@.indicator_trend WITH (security_invoker = true) AS
SELECT s.region_code,
       r.name AS region_name,
       r.level AS region_level,
       s.indicator,
       s.label,
       s.unit,
       s.as_of,
       s.numerator,
       s.denominator,
       s.value,
       lag(s.as_of) OVER w AS previous_as_of,
       lag(s.value) OVER w AS previous_value,
       s.value - lag(s.value) OVER w AS change,
       row_number() OVER w AS point,
       s.run_id,
       s.taken_at
  FROM @extschema@.indicator_snapshot s
  LEFT JOIN @extschema@.region r ON r.code = s.region_code
WINDOW w AS (PARTITION BY s.region_code, s.indicator ORDER BY s.as_of)
 ORDER BY s.region_code NULLS FIRST, s.indicator, s.as_of;
COMMENT ON VIEW @extschema@.indicator_trend IS
  'Each indicator''s series per region over the snapshots, ordered by as_of, with the previous snapshot''s value and the change; region_code NULL is the whole register. E.g. SELECT as_of, value, change FROM poverty_aid.indicator_trend WHERE region_code IS NULL AND indicator = ''village_exit_rate''';
COMMENT ON COLUMN @extschema@.indicator_trend.region_code IS 'Region of the series; NULL for the whole register';
COMMENT ON COLUMN @extschema@.indicator_trend.region_name IS 'Name of the region (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.indicator_trend.region_level IS 'Level of the region (NULL for the whole register)';
COMMENT ON COLUMN @extschema@.indicator_trend.indicator IS 'Indicator key, as in indicator_report()';
COMMENT ON COLUMN @extschema@.indicator_trend.label IS 'Indicator label';
COMMENT ON COLUMN @extschema@.indicator_trend.unit IS 'Unit of value: % for ratios, else people, villages, yuan, projects';
COMMENT ON COLUMN @extschema@.indicator_trend.as_of IS 'Date of the snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.numerator IS 'Numerator of a ratio, or the count or amount';
COMMENT ON COLUMN @extschema@.indicator_trend.denominator IS 'Denominator of a ratio (NULL for counts and amounts)';
COMMENT ON COLUMN @extschema@.indicator_trend.value IS 'Percent (one digit) for ratios, else the count or amount';
COMMENT ON COLUMN @extschema@.indicator_trend.previous_as_of IS 'Date of the previous snapshot of the series (NULL for the first)';
COMMENT ON COLUMN @extschema@.indicator_trend.previous_value IS 'Value at the previous snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.change IS 'value - previous_value (percentage points for ratios)';
COMMENT ON COLUMN @extschema@.indicator_trend.point IS 'Position of the snapshot in its series, from 1';
COMMENT ON COLUMN @extschema@.indicator_trend.run_id IS 'job_run id of the run that wrote the snapshot';
COMMENT ON COLUMN @extschema@.indicator_trend.taken_at IS 'When the snapshot was written';

-- ---- sql/ext/50_security.sql
-- Security: access profiles, region assignments and row-level security,
-- masking of personal data, the audit trail, and the bulk CSV loader.
--
-- Roles are created by the administrator, never by the extension: roles are
-- cluster-wide and would outlive DROP EXTENSION and clash between databases.
-- grant_profile() grants one of three profiles (viewer, clerk, admin)
-- directly to an existing role and records it in role_profile; the policies
-- below read role_profile and region_assignment to decide which rows a role
-- may see and change.

-- Profiles and assignments -------------------------------------------------

CREATE TABLE @extschema@.role_profile (
  role       regrole PRIMARY KEY,
  profile    text NOT NULL
             CONSTRAINT role_profile_known CHECK (profile IN ('viewer', 'clerk', 'admin')),
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE @extschema@.role_profile IS
  'Access profile of each role, written by grant_profile(): viewer (views and reports, no personal data), clerk (reads and writes operational rows inside its assigned regions), admin (everything)';
COMMENT ON COLUMN @extschema@.role_profile.role IS 'The role (created by the administrator) that holds the profile';
COMMENT ON COLUMN @extschema@.role_profile.profile IS 'viewer, clerk or admin';
COMMENT ON COLUMN @extschema@.role_profile.granted_by IS 'Session user that granted the profile';
COMMENT ON COLUMN @extschema@.role_profile.granted_at IS 'When the profile was granted';

CREATE TABLE @extschema@.region_assignment (
  role        regrole NOT NULL REFERENCES @extschema@.role_profile (role) ON DELETE CASCADE,
  region_code text NOT NULL REFERENCES @extschema@.region (code),
  PRIMARY KEY (role, region_code)
);
CREATE INDEX region_assignment_region_code_idx ON @extschema@.region_assignment (region_code);
COMMENT ON TABLE @extschema@.region_assignment IS
  'Region subtrees assigned to a role: a clerk reads and writes only rows inside them; a viewer with assignments reads only inside them';
COMMENT ON COLUMN @extschema@.region_assignment.role IS 'The role the subtree is assigned to';
COMMENT ON COLUMN @extschema@.region_assignment.region_code IS
  'Root of the assigned subtree (a province, prefecture, county, township or village)';

CREATE TABLE @extschema@.helper_assignment (
  role      regrole NOT NULL REFERENCES @extschema@.role_profile (role) ON DELETE CASCADE,
  helper_id bigint NOT NULL REFERENCES @extschema@.helper (id),
  PRIMARY KEY (role, helper_id)
);
CREATE INDEX helper_assignment_helper_id_idx ON @extschema@.helper_assignment (helper_id);
COMMENT ON TABLE @extschema@.helper_assignment IS
  'Helpers whose staff a role is: a role with helper assignments reads and writes only the pairings of those helpers (inside its regions)';
COMMENT ON COLUMN @extschema@.helper_assignment.role IS 'The role limited to the helper''s pairings';

-- Access scopes --------------------------------------------------------------
--
-- A scope is an array of region codes, or NULL for "every region".  The
-- policies compute it once per query with a scalar subquery,
-- (SELECT region_read_scope(current_user)), and test each row with the C
-- functions region_in_scope() and region_touches_scope().  The scope
-- functions are SECURITY DEFINER (they read role_profile, which ordinary
-- roles cannot) and answer only for roles the session user is a member of,
-- so a user cannot learn another role's assignments by calling them.

CREATE FUNCTION @extschema@.region_in_scope(code text, scope text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_in_scope'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_in_scope(text, text[]) IS
  'Whether a region lies inside one of the subtrees of a scope; true for every code when the scope is NULL, false for a NULL code';

CREATE FUNCTION @extschema@.region_touches_scope(code text, scope text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pa_region_touches_scope'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_touches_scope(text, text[]) IS
  'Whether a region lies inside a subtree of a scope or above one (its province or prefecture); true for every code when the scope is NULL';

-- The profiled roles whose privileges "member" can use, when the session
-- user may act as "member"; the building block of the scope functions.
CREATE FUNCTION @extschema@.usable_profiles(member name)
  RETURNS TABLE (role regrole, profile text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT p.role, p.profile
    FROM @extschema@.role_profile p
    JOIN pg_catalog.pg_roles r ON r.oid = p.role
   WHERE pg_catalog.pg_has_role(session_user, member, 'MEMBER')
     AND pg_catalog.pg_has_role(member, r.oid, 'USAGE');
END;
COMMENT ON FUNCTION @extschema@.usable_profiles(name) IS
  'Profiles whose privileges a role can use (its own and those of roles it inherits from); empty unless the session user is a member of that role';

CREATE FUNCTION @extschema@.profile_of(member name DEFAULT current_user) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT CASE
           WHEN bool_or(u.profile = 'admin') THEN 'admin'
           WHEN bool_or(u.profile = 'clerk') THEN 'clerk'
           WHEN bool_or(u.profile = 'viewer') THEN 'viewer'
         END
    FROM @extschema@.usable_profiles(member) u;
END;
COMMENT ON FUNCTION @extschema@.profile_of(name) IS
  'The strongest profile a role can use (admin, clerk, viewer), or NULL; e.g. SELECT poverty_aid.profile_of()';

CREATE FUNCTION @extschema@.region_read_scope(member name) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           WHEN EXISTS (SELECT 1 FROM usable u WHERE u.profile = 'viewer'
                          AND NOT EXISTS (SELECT 1 FROM @extschema@.region_assignment a
                                           WHERE a.role = u.role)) THEN NULL
           ELSE coalesce((SELECT array_agg(DISTINCT a.region_code ORDER BY a.region_code)
                            FROM @extschema@.region_assignment a
                            JOIN usable u ON u.role = a.role), '{}')
         END;
END;
COMMENT ON FUNCTION @extschema@.region_read_scope(name) IS
  'Region subtrees a role may read: NULL (all) for admin and for a viewer without assignments, else the union of its assignments (empty: nothing)';

CREATE FUNCTION @extschema@.region_write_scope(member name) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           ELSE coalesce((SELECT array_agg(DISTINCT a.region_code ORDER BY a.region_code)
                            FROM @extschema@.region_assignment a
                            JOIN usable u ON u.role = a.role AND u.profile = 'clerk'), '{}')
         END;
END;
COMMENT ON FUNCTION @extschema@.region_write_scope(name) IS
  'Region subtrees a role may write: NULL (all) for admin, else the assignments of its clerk profiles (empty: nothing)';

CREATE FUNCTION @extschema@.helper_scope(member name) RETURNS bigint[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH usable AS (SELECT * FROM @extschema@.usable_profiles(member))
  SELECT CASE
           WHEN EXISTS (SELECT 1 FROM usable WHERE profile = 'admin') THEN NULL
           ELSE (SELECT array_agg(DISTINCT h.helper_id ORDER BY h.helper_id)
                   FROM @extschema@.helper_assignment h
                   JOIN usable u ON u.role = h.role)
         END;
END;
COMMENT ON FUNCTION @extschema@.helper_scope(name) IS
  'Helpers whose pairings a role is limited to, or NULL when it is not limited to any helper';

-- Row-level security ---------------------------------------------------------
--
-- Every table whose rows belong to a region gets four policies: _read (FOR
-- SELECT, the read scope), and _insert, _update, _delete (the write scope).
-- Rows bound to a region through a household, fund or project follow that
-- row.  Table privileges (granted by grant_profile) decide which commands a
-- role may run at all; the policies decide on which rows.  The table owner
-- (the superuser that created the extension) bypasses them, as do
-- superusers; TRUNCATE, which bypasses row security, is granted to nobody.

DO $policies$
DECLARE
  read_scope  CONSTANT text := '(SELECT @extschema@.region_read_scope(CURRENT_USER))';
  write_scope CONSTANT text := '(SELECT @extschema@.region_write_scope(CURRENT_USER))';
  helper_ok   CONSTANT text := '((SELECT @extschema@.helper_scope(CURRENT_USER)) IS NULL'
                               ' OR helper_id = ANY ((SELECT @extschema@.helper_scope(CURRENT_USER))::bigint[]))';
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      -- table, read condition, write condition (%1$s = the scope), what binds a row to a region
      ('region',
       '@extschema@.region_touches_scope(code, %1$s)',
       '@extschema@.region_in_scope(code, %1$s)',
       'its code; a restricted role also reads the provinces and prefectures above its subtrees'),
      ('region_population', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('poverty_listing', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('household', '@extschema@.region_in_scope(village_code, %1$s)', NULL, 'village_code'),
      ('fund', '@extschema@.region_in_scope(recipient_region_code, %1$s)', NULL, 'recipient_region_code'),
      ('project', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('consumption_sale', '@extschema@.region_in_scope(region_code, %1$s)', NULL, 'region_code'),
      ('target',
       '(region_code IS NULL OR @extschema@.region_touches_scope(region_code, %1$s))',
       '@extschema@.region_in_scope(region_code, %1$s)',
       'region_code; targets for the whole register (NULL) and for regions above a subtree are readable'),
      ('indicator_snapshot',
       '(region_code IS NULL OR @extschema@.region_touches_scope(region_code, %1$s))',
       '@extschema@.region_in_scope(region_code, %1$s)',
       'region_code; snapshots of the whole register (NULL) and of regions above a subtree are readable'),
      ('household_income',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = household_income.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'the household'),
      ('person',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = person.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'the household'),
      ('employment',
       '(%1$s IS NULL OR household_id IN (SELECT h.id FROM @extschema@.household h))',
       'EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = employment.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'the household'),
      ('fund_transfer',
       '(%1$s IS NULL OR fund_id IN (SELECT f.id FROM @extschema@.fund f))',
       'EXISTS (SELECT 1 FROM @extschema@.fund f WHERE f.id = fund_transfer.fund_id'
         ' AND @extschema@.region_in_scope(f.recipient_region_code, %1$s))',
       'the fund plan (its recipient region)'),
      ('project_beneficiary',
       '(%1$s IS NULL OR (project_id IN (SELECT p.id FROM @extschema@.project p)'
         ' AND household_id IN (SELECT h.id FROM @extschema@.household h)))',
       'EXISTS (SELECT 1 FROM @extschema@.project p WHERE p.id = project_beneficiary.project_id'
         ' AND @extschema@.region_in_scope(p.region_code, %1$s))'
         ' AND EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = project_beneficiary.household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s))',
       'both the project and the household'),
      ('pairing',
       '(@extschema@.region_in_scope(target_region_code, %1$s)'
         ' OR (target_household_id IS NOT NULL AND (%1$s IS NULL'
         '     OR target_household_id IN (SELECT h.id FROM @extschema@.household h))))'
         ' AND ' || helper_ok,
       '(@extschema@.region_in_scope(target_region_code, %1$s)'
         ' OR EXISTS (SELECT 1 FROM @extschema@.household h WHERE h.id = pairing.target_household_id'
         ' AND @extschema@.region_in_scope(h.village_code, %1$s)))'
         ' AND ' || helper_ok,
       'the target region or household; a role with helper assignments sees only those helpers'' pairings')
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

-- Personal data --------------------------------------------------------------
--
-- person.name and person.resident_id are readable only by admin: the other
-- profiles get column privileges without them (grant_profile), so every
-- route to them (SELECT *, a whole-row reference, a security_invoker view,
-- COPY, pg_stats) ends in a permission error or shows nothing.  Clerks, who
-- must recognise the people they register, read person_masked instead.

CREATE VIEW @extschema@.person_masked WITH (security_barrier) AS
SELECT p.id,
       p.household_id,
       pg_catalog.left(p.name, 1) || pg_catalog.repeat('*', GREATEST(pg_catalog.char_length(p.name) - 1, 1)) AS name_masked,
       @extschema@.resident_id_mask(p.resident_id) AS resident_id_masked,
       p.relation,
       p.is_labour
  FROM @extschema@.person p
  JOIN @extschema@.household h ON h.id = p.household_id
 WHERE @extschema@.region_in_scope(h.village_code,
                                   (SELECT @extschema@.region_read_scope(CURRENT_USER)));
COMMENT ON VIEW @extschema@.person_masked IS
  'Members of households with their name and resident ID masked (first character of the name; the 6-digit region part of the ID), limited to the reader''s regions; for clerks, who may not read person.name or person.resident_id';
COMMENT ON COLUMN @extschema@.person_masked.name_masked IS 'First character of the name, the rest replaced by *';
COMMENT ON COLUMN @extschema@.person_masked.resident_id_masked IS 'The resident ID with everything after its 6-digit region code replaced by *';
COMMENT ON COLUMN @extschema@.person_masked.relation IS 'Relation to the head of household';
COMMENT ON COLUMN @extschema@.person_masked.is_labour IS 'Whether the person is of working age and able to work';

-- Audit ----------------------------------------------------------------------

CREATE TABLE @extschema@.audit_log (
  id               bigserial PRIMARY KEY,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  logged_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  transaction_id   xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
  session_user_name name NOT NULL DEFAULT session_user,
  role_name        name NOT NULL,
  client_addr      inet DEFAULT pg_catalog.inet_client_addr(),
  application_name text DEFAULT pg_catalog.current_setting('application_name'),
  table_name       text NOT NULL,
  operation        text NOT NULL
                   CONSTRAINT audit_log_operation_known CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  row_id           bigint,
  old_row          jsonb,
  new_row          jsonb
);
CREATE INDEX audit_log_table_row_idx ON @extschema@.audit_log (table_name, row_id);
CREATE INDEX audit_log_changed_at_idx ON @extschema@.audit_log (changed_at);
COMMENT ON TABLE @extschema@.audit_log IS
  'Append-only trail of every insert, update, delete and truncate on household, person, pairing, fund, fund_transfer and the access tables: who, when, old and new row. Readable by admin only; nobody can update or delete it';
COMMENT ON COLUMN @extschema@.audit_log.changed_at IS 'Start of the transaction that made the change';
COMMENT ON COLUMN @extschema@.audit_log.logged_at IS 'Wall-clock time the change was recorded';
COMMENT ON COLUMN @extschema@.audit_log.transaction_id IS 'Transaction that made the change: the rows of one transaction share it';
COMMENT ON COLUMN @extschema@.audit_log.session_user_name IS 'Login (session user) that made the change';
COMMENT ON COLUMN @extschema@.audit_log.role_name IS 'Role the change was made as: the SET ROLE in effect, else the login';
COMMENT ON COLUMN @extschema@.audit_log.client_addr IS 'Client address (NULL over a Unix socket)';
COMMENT ON COLUMN @extschema@.audit_log.application_name IS 'application_name of the session';
COMMENT ON COLUMN @extschema@.audit_log.table_name IS 'Table changed, without the schema';
COMMENT ON COLUMN @extschema@.audit_log.operation IS 'INSERT, UPDATE, DELETE or TRUNCATE';
COMMENT ON COLUMN @extschema@.audit_log.row_id IS 'id of the changed row, for tables keyed by id';
COMMENT ON COLUMN @extschema@.audit_log.old_row IS 'The row before the change (UPDATE, DELETE), as JSON';
COMMENT ON COLUMN @extschema@.audit_log.new_row IS 'The row after the change (INSERT, UPDATE), as JSON';

-- Who is changing data: the SET ROLE in effect, else the login.  (Inside
-- this SECURITY DEFINER trigger current_user is the extension's owner.)
CREATE FUNCTION @extschema@.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  acting_role name := CASE pg_catalog.current_setting('role')
                        WHEN 'none' THEN session_user
                        ELSE pg_catalog.current_setting('role')::name END;
  changed jsonb;
BEGIN
  -- pg_restore and psql replaying a dump run with row_security = off: the
  -- restored audit_log already holds these changes.  Only roles that bypass
  -- row security can change these tables with row_security = off (it is an
  -- error for everyone else), and they can disable triggers anyway.
  IF pg_catalog.current_setting('row_security') = 'off' THEN
    RETURN NULL;
  END IF;
  -- INSERT and DELETE: one set-based insert per statement from its
  -- transition table (a bulk load of a million rows is one statement, not a
  -- million trigger calls).  UPDATE stays a row trigger, which pairs each
  -- old row with its new one without relying on a key.
  IF TG_LEVEL = 'STATEMENT' THEN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, new_row)
      SELECT acting_role, TG_TABLE_NAME, TG_OP, (r.row ->> 'id')::bigint, r.row
        FROM (SELECT pg_catalog.to_jsonb(t) AS row FROM new_rows t) r;
    ELSIF TG_OP = 'DELETE' THEN
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, old_row)
      SELECT acting_role, TG_TABLE_NAME, TG_OP, (r.row ->> 'id')::bigint, r.row
        FROM (SELECT pg_catalog.to_jsonb(t) AS row FROM old_rows t) r;
    ELSE
      INSERT INTO @extschema@.audit_log (role_name, table_name, operation)
      VALUES (acting_role, TG_TABLE_NAME, TG_OP);
    END IF;
    RETURN NULL;
  END IF;
  -- the row trigger fires for UPDATE only
  changed := pg_catalog.to_jsonb(NEW);
  INSERT INTO @extschema@.audit_log (role_name, table_name, operation, row_id, old_row, new_row)
  VALUES (acting_role, TG_TABLE_NAME, TG_OP, (changed ->> 'id')::bigint, pg_catalog.to_jsonb(OLD), changed);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.audit_row_change() IS
  'Trigger: records changed rows in audit_log with the acting role, the login, the time and the old and new rows: inserted and deleted rows per statement from its transition table, updated rows per row, and a TRUNCATE as one record';

DO $audit$
DECLARE
  tab text;
BEGIN
  FOREACH tab IN ARRAY ARRAY['household', 'person', 'pairing', 'fund', 'fund_transfer',
                             'role_profile', 'region_assignment', 'helper_assignment']
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

CREATE FUNCTION @extschema@.audit_log_append_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  RAISE EXCEPTION 'audit records cannot be changed or deleted'
    USING ERRCODE = 'insufficient_privilege',
          DETAIL = pg_catalog.format('%s on %s was refused.', TG_OP, TG_TABLE_NAME),
          HINT = 'The audit trail is append-only; a superuser can archive it with session_replication_role = replica.';
END
$$;
COMMENT ON FUNCTION @extschema@.audit_log_append_only() IS
  'Trigger: refuses every UPDATE, DELETE and TRUNCATE of audit_log, even by its owner';
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON @extschema@.audit_log
  FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON @extschema@.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_log_append_only();

-- Bulk CSV load --------------------------------------------------------------

CREATE FUNCTION @extschema@.csv_records(csv text,
                                         OUT line_no integer, OUT fields text[], OUT error text)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'pa_csv_records'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.csv_records(text) IS
  'The records of a CSV text (RFC 4180; LF, CRLF or CR line ends) with the line each starts on; an unquoted empty field is NULL, "" is the empty string; a malformed record comes back with fields NULL and error set';

CREATE TABLE @extschema@.bulk_load (
  id            bigserial PRIMARY KEY,
  target        text NOT NULL,
  loaded_by     name NOT NULL DEFAULT current_user,
  loaded_at     timestamptz NOT NULL DEFAULT now(),
  only_valid    boolean NOT NULL,
  rows_in_file  integer NOT NULL CONSTRAINT bulk_load_rows_not_negative CHECK (rows_in_file >= 0),
  rows_loaded   integer NOT NULL CONSTRAINT bulk_load_loaded_not_negative CHECK (rows_loaded >= 0),
  rows_rejected integer NOT NULL CONSTRAINT bulk_load_rejected_not_negative CHECK (rows_rejected >= 0),
  errors        integer NOT NULL CONSTRAINT bulk_load_errors_not_negative CHECK (errors >= 0),
  CONSTRAINT bulk_load_counts_add_up CHECK (rows_loaded + rows_rejected <= rows_in_file)
);
COMMENT ON TABLE @extschema@.bulk_load IS
  'Log of load_csv() calls: who loaded which kind of file, how many rows were loaded and rejected (the rows themselves are in the target table and the audit log)';
COMMENT ON COLUMN @extschema@.bulk_load.target IS 'household, person or fund_transfer';
COMMENT ON COLUMN @extschema@.bulk_load.loaded_by IS 'Role that called load_csv()';
COMMENT ON COLUMN @extschema@.bulk_load.loaded_at IS 'Start of the loading transaction';
COMMENT ON COLUMN @extschema@.bulk_load.only_valid IS 'Whether the caller asked to load the valid rows of a file with bad rows';
COMMENT ON COLUMN @extschema@.bulk_load.rows_in_file IS 'Data records in the file (header and blank lines not counted)';
COMMENT ON COLUMN @extschema@.bulk_load.rows_loaded IS 'Rows inserted';
COMMENT ON COLUMN @extschema@.bulk_load.rows_rejected IS 'Rows not inserted because they are bad (or, without only_valid, because the file had bad rows: then all)';
COMMENT ON COLUMN @extschema@.bulk_load.errors IS 'Errors reported (a row can have several)';

ALTER TABLE @extschema@.bulk_load ENABLE ROW LEVEL SECURITY;
CREATE POLICY bulk_load_own ON @extschema@.bulk_load
  USING (loaded_by = CURRENT_USER OR (SELECT @extschema@.profile_of(CURRENT_USER)) = 'admin')
  WITH CHECK (loaded_by = CURRENT_USER);
COMMENT ON POLICY bulk_load_own ON @extschema@.bulk_load IS
  'A role reads and writes its own load records; admin reads all';

CREATE FUNCTION @extschema@.load_csv(target text, csv text, only_valid boolean DEFAULT false)
  RETURNS TABLE (line integer, column_name text, value text, sqlstate text, message text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  -- Columns the file may have, their types, whether each is required.
  col_names   text[];
  col_types   text[];
  col_needed  boolean[];
  header      text[];
  header_pos  integer[];		-- position in the file of each column, or NULL
  rec         record;
  n_fields    integer;
  n_rows      integer := 0;
  n_loaded    integer := 0;
  n_bad_rows  integer := 0;
  row_bad     boolean;
  values_json jsonb;
  insert_cols text[];
  v           text;
  i           integer;
  ok          boolean;
  write_scope text[] := @extschema@.region_write_scope(CURRENT_USER);
  household_ref bigint;
  fractional  integer;
  e_line  integer[] := '{}';
  e_col   text[] := '{}';
  e_value text[] := '{}';
  e_state text[] := '{}';
  e_msg   text[] := '{}';
  st      text;
  msg     text;
  det     text;
  con     text;
  col     text;
BEGIN
  CASE target
    WHEN 'household' THEN
      col_names  := ARRAY['household_no', 'village_code', 'members', 'registered_on', 'exited_on', 'poverty_cause'];
      col_types  := ARRAY['text', 'text', 'integer', 'date', 'date', '@extschema@.poverty_cause'];
      col_needed := ARRAY[true, true, true, true, false, false];
    WHEN 'person' THEN
      col_names  := ARRAY['household_no', 'name', 'resident_id', 'relation', 'is_labour'];
      col_types  := ARRAY['text', 'text', 'text', 'text', 'boolean'];
      col_needed := ARRAY[true, true, false, false, false];
    WHEN 'fund_transfer' THEN
      col_names  := ARRAY['fund_id', 'amount', 'in_place_on', 'note'];
      col_types  := ARRAY['bigint', 'numeric(18,2)', 'date', 'text'];
      col_needed := ARRAY[true, true, true, false];
    ELSE
      RAISE EXCEPTION 'invalid load target'
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = pg_catalog.format('Target %L is not one of household, person, fund_transfer.', target);
  END CASE;

  BEGIN	-- everything inside this block is undone when the file is rejected
    FOR rec IN SELECT r.line_no, r.fields, r.error FROM @extschema@.csv_records(csv) r ORDER BY r.line_no LOOP
      IF header IS NULL THEN
        -- The first record is the header: it names the columns.
        IF rec.error IS NOT NULL THEN
          e_line := e_line || rec.line_no; e_col := e_col || NULL::text; e_value := e_value || NULL::text;
          e_state := e_state || '22P04'::text; e_msg := e_msg || ('malformed header: ' || rec.error);
          EXIT;
        END IF;
        header := rec.fields;
        header_pos := array_fill(NULL::integer, ARRAY[cardinality(col_names)]);
        FOR i IN 1 .. cardinality(header) LOOP
          v := lower(btrim(header[i]));
          IF v IS NULL OR NOT v = ANY (col_names) THEN
            e_line := e_line || rec.line_no; e_col := e_col || header[i]; e_value := e_value || header[i];
            e_state := e_state || '42703'::text;
            e_msg := e_msg || pg_catalog.format('unknown column %L: a %s file has the columns %s',
                                                 header[i], target, array_to_string(col_names, ', '));
          ELSIF header_pos[array_position(col_names, v)] IS NOT NULL THEN
            e_line := e_line || rec.line_no; e_col := e_col || v; e_value := e_value || header[i];
            e_state := e_state || '42701'::text;
            e_msg := e_msg || pg_catalog.format('column %L appears twice in the header', v);
          ELSE
            header_pos[array_position(col_names, v)] := i;
          END IF;
        END LOOP;
        FOR i IN 1 .. cardinality(col_names) LOOP
          IF col_needed[i] AND header_pos[i] IS NULL THEN
            e_line := e_line || rec.line_no; e_col := e_col || col_names[i]; e_value := e_value || NULL::text;
            e_state := e_state || '42703'::text;
            e_msg := e_msg || pg_catalog.format('required column %L is missing from the header', col_names[i]);
          END IF;
        END LOOP;
        IF cardinality(e_line) > 0 THEN
          EXIT;		-- a bad header: no row can be read
        END IF;
        CONTINUE;
      END IF;

      n_rows := n_rows + 1;
      row_bad := false;
      IF rec.error IS NOT NULL THEN
        e_line := e_line || rec.line_no; e_col := e_col || NULL::text; e_value := e_value || NULL::text;
        e_state := e_state || '22P04'::text; e_msg := e_msg || rec.error;
        n_bad_rows := n_bad_rows + 1;
        CONTINUE;
      END IF;
      n_fields := cardinality(rec.fields);
      IF n_fields <> cardinality(header) THEN
        e_line := e_line || rec.line_no; e_col := e_col || NULL::text; e_value := e_value || NULL::text;
        e_state := e_state || '22P04'::text;
        e_msg := e_msg || pg_catalog.format('row has %s fields; the header has %s', n_fields, cardinality(header));
        n_bad_rows := n_bad_rows + 1;
        CONTINUE;
      END IF;

      -- Each column on its own, so that every bad value is reported.
      values_json := '{}';
      insert_cols := '{}';
      FOR i IN 1 .. cardinality(col_names) LOOP
        v := CASE WHEN header_pos[i] IS NOT NULL THEN rec.fields[header_pos[i]] END;
        IF v IS NULL OR btrim(v) = '' THEN
          IF col_needed[i] THEN
            e_line := e_line || rec.line_no; e_col := e_col || col_names[i]; e_value := e_value || v;
            e_state := e_state || '23502'::text;
            e_msg := e_msg || pg_catalog.format('missing value: %s is required', col_names[i]);
            row_bad := true;
          END IF;
          CONTINUE;		-- optional and empty: the column default applies
        END IF;
        BEGIN
          IF col_types[i] <> 'text' THEN
            -- the type's input function decides (e.g. 22P02, 22007, 22008)
            EXECUTE pg_catalog.format('SELECT $1::%s', col_types[i]) USING v;
          END IF;
          IF col_types[i] LIKE 'numeric(%' THEN
            fractional := substring(col_types[i] FROM ',(\d+)\)')::integer;
            IF v::numeric IN ('NaN', 'Infinity', '-Infinity') THEN
              RAISE EXCEPTION 'amount must be a finite number' USING ERRCODE = 'invalid_parameter_value';
            ELSIF v::numeric <> round(v::numeric, fractional) THEN
              RAISE EXCEPTION 'more than % fractional digits would be rounded', fractional
                USING ERRCODE = 'invalid_parameter_value';
            END IF;
          END IF;
          IF col_names[i] = 'village_code' THEN
            v := @extschema@.region_code(v);
            IF @extschema@.region_code_level(v) <> 'village' THEN
              RAISE EXCEPTION 'division code % is a %, not a village', v, @extschema@.region_code_level(v)
                USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF NOT @extschema@.region_in_scope(v, write_scope) THEN
              RAISE EXCEPTION 'village % is outside the regions assigned to you', v
                USING ERRCODE = 'insufficient_privilege';
            END IF;
          ELSIF col_names[i] = 'resident_id' THEN
            PERFORM @extschema@.resident_id_check(v);
          ELSIF target = 'person' AND col_names[i] = 'household_no' THEN
            SELECT h.id INTO household_ref FROM @extschema@.household h
             WHERE h.household_no = v ORDER BY h.exited_on IS NULL DESC, h.registered_on DESC LIMIT 1;
            IF household_ref IS NULL THEN
              RAISE EXCEPTION 'no household numbered % in your regions', v USING ERRCODE = 'foreign_key_violation';
            END IF;
            values_json := values_json || jsonb_build_object('household_id', household_ref);
            insert_cols := insert_cols || 'household_id'::text;
            CONTINUE;
          ELSIF col_names[i] = 'fund_id' THEN
            IF NOT EXISTS (SELECT 1 FROM @extschema@.fund f WHERE f.id = v::bigint) THEN
              RAISE EXCEPTION 'no fund plan % in your regions', v USING ERRCODE = 'foreign_key_violation';
            END IF;
          END IF;
          values_json := values_json || jsonb_build_object(col_names[i], v);
          insert_cols := insert_cols || col_names[i];
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
          e_line := e_line || rec.line_no; e_col := e_col || col_names[i]; e_value := e_value || v;
          e_state := e_state || st;
          e_msg := e_msg || (msg || CASE WHEN det <> '' THEN ': ' || det ELSE '' END);
          row_bad := true;
        END;
      END LOOP;

      -- The row itself: the table's own CHECKs, keys and policies.
      IF NOT row_bad THEN
        BEGIN
          EXECUTE pg_catalog.format(
            'INSERT INTO @extschema@.%1$I (%2$s) SELECT %2$s FROM pg_catalog.jsonb_populate_record(NULL::@extschema@.%1$I, $1)',
            target, (SELECT string_agg(pg_catalog.quote_ident(c), ', ') FROM unnest(insert_cols) c))
            USING values_json;
          n_loaded := n_loaded + 1;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                  con = CONSTRAINT_NAME, col = COLUMN_NAME;
          IF col = '' AND con <> '' THEN
            SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) INTO col
              FROM pg_catalog.pg_constraint c
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.conname = con AND c.conrelid = pg_catalog.format('@extschema@.%I', target)::regclass;
            -- A constraint on expressions (the household periods' exclusion
            -- keys a hash of the number) has no conkey: name the columns its
            -- index reads.
            IF col IS NULL THEN
              SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) INTO col
                FROM pg_catalog.pg_constraint c
                JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                           AND d.objid = c.conindid AND d.refobjsubid > 0
                JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE c.conname = con AND c.conrelid = pg_catalog.format('@extschema@.%I', target)::regclass;
            END IF;
          END IF;
          e_line := e_line || rec.line_no; e_col := e_col || NULLIF(col, '');
          e_value := e_value || CASE WHEN col = ANY (col_names) AND header_pos[array_position(col_names, col)] IS NOT NULL
                                     THEN rec.fields[header_pos[array_position(col_names, col)]] END;
          e_state := e_state || st;
          e_msg := e_msg || (msg || CASE WHEN det <> '' THEN ': ' || det ELSE '' END);
          row_bad := true;
        END;
      END IF;
      IF row_bad THEN
        n_bad_rows := n_bad_rows + 1;
      END IF;
    END LOOP;

    IF header IS NULL AND cardinality(e_line) = 0 THEN
      e_line := e_line || 1; e_col := e_col || NULL::text; e_value := e_value || NULL::text;
      e_state := e_state || '22P04'::text; e_msg := e_msg || 'the file is empty: a header line is required'::text;
    END IF;
    IF cardinality(e_line) > 0 AND NOT only_valid THEN
      RAISE EXCEPTION USING ERRCODE = 'PA000';	-- undo every insert of this file
    END IF;
  EXCEPTION WHEN SQLSTATE 'PA000' THEN
    n_loaded := 0;
  END;

  INSERT INTO @extschema@.bulk_load (target, only_valid, rows_in_file, rows_loaded, rows_rejected, errors)
  VALUES (target, only_valid, n_rows, n_loaded, n_rows - n_loaded, cardinality(e_line));
  IF cardinality(e_line) = 0 THEN
    RAISE NOTICE 'loaded % % rows', n_loaded, target;
  ELSIF only_valid THEN
    RAISE WARNING 'loaded % of % % rows; % rows rejected', n_loaded, n_rows, target, n_bad_rows;
  ELSE
    RAISE WARNING 'nothing loaded: % errors, % of % rows bad', cardinality(e_line), n_bad_rows, n_rows
      USING HINT = 'Correct the rows listed, or call load_csv(..., only_valid => true) to load only the valid rows.';
  END IF;
  RETURN QUERY
    SELECT * FROM unnest(e_line, e_col, e_value, e_state, e_msg) AS e(line, column_name, value, sqlstate, message)
     ORDER BY 1, 2;
END
$$;
COMMENT ON FUNCTION @extschema@.load_csv(text, text, boolean) IS
  'Loads a CSV text with a header line into household, person or fund_transfer and returns one row per error (line, column, value, SQLSTATE, message); no rows means everything was loaded. With errors nothing is loaded unless only_valid is true. Each call is logged in bulk_load; the rows go through the tables'' checks, policies and audit';

-- Granting profiles ------------------------------------------------------------

-- The privileges each profile consists of, computed from the catalogue so
-- that views added later are covered.
CREATE FUNCTION @extschema@.profile_privileges(profile text)
  RETURNS TABLE (object_type text, object_name text, privileges text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  data_tables CONSTANT text[] := ARRAY[
    'region', 'region_population', 'poverty_listing', 'household', 'household_income',
    'poverty_line', 'person', 'helper', 'pairing', 'fund', 'fund_transfer', 'project',
    'project_beneficiary', 'employment', 'consumption_sale', 'target', 'job_run',
    'indicator_snapshot'];
  clerk_tables CONSTANT text[] := ARRAY[
    'region_population', 'poverty_listing', 'household', 'household_income', 'person',
    'pairing', 'fund', 'fund_transfer', 'project', 'project_beneficiary', 'employment',
    'consumption_sale'];
  access_tables CONSTANT text[] := ARRAY[
    'role_profile', 'region_assignment', 'helper_assignment', 'audit_log', 'bulk_load'];
  person_public CONSTANT text := 'id, household_id, relation, is_labour';
  schema_name CONSTANT text := '@extschema@';
BEGIN
  IF profile IS NULL OR profile NOT IN ('viewer', 'clerk', 'admin') THEN
    RAISE EXCEPTION 'invalid profile'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Profile %L is not one of viewer, clerk, admin.', profile);
  END IF;
  RETURN QUERY SELECT 'SCHEMA', quote_ident(schema_name), 'USAGE';
  -- Reads: every data table (person without its personal columns) and view.
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t),
           CASE WHEN t = 'person' AND profile <> 'admin' THEN 'SELECT (' || person_public || ')'
                ELSE 'SELECT' END
      FROM unnest(data_tables) t;
  RETURN QUERY
    SELECT 'TABLE', c.oid::regclass::text, 'SELECT'
      FROM pg_class c
     WHERE c.relnamespace = schema_name::regnamespace AND c.relkind IN ('v', 'm')
       AND (c.relname <> 'person_masked' OR profile <> 'viewer')
     ORDER BY c.relname;
  IF profile = 'viewer' THEN
    RETURN;
  END IF;
  -- Writes: the operational tables for clerks, every data table for admin.
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t), 'INSERT, UPDATE, DELETE'
      FROM unnest(CASE profile WHEN 'admin' THEN data_tables ELSE clerk_tables END) t;
  RETURN QUERY
    SELECT 'SEQUENCE', s.oid::regclass::text, 'USAGE'
      FROM pg_class s
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'a'
      JOIN pg_class t ON t.oid = d.refobjid
     WHERE s.relkind = 'S' AND t.relnamespace = schema_name::regnamespace
       AND t.relname = ANY (CASE profile WHEN 'admin' THEN data_tables || 'bulk_load'::text
                                         ELSE clerk_tables || 'bulk_load'::text END)
     ORDER BY s.relname;
  RETURN QUERY SELECT 'TABLE', quote_ident(schema_name) || '.bulk_load', 'SELECT, INSERT';
  RETURN QUERY SELECT 'FUNCTION', (quote_ident(schema_name) || '.load_csv(text, text, boolean)')::regprocedure::text, 'EXECUTE';
  IF profile = 'clerk' THEN
    RETURN;
  END IF;
  -- Admin: the access tables and audit trail (read only), and every routine
  -- that is not executable by PUBLIC (grant_profile() and friends).
  RETURN QUERY
    SELECT 'TABLE', quote_ident(schema_name) || '.' || quote_ident(t), 'SELECT'
      FROM unnest(access_tables) t WHERE t <> 'bulk_load';
  RETURN QUERY
    SELECT 'ROUTINE', p.oid::regprocedure::text, 'EXECUTE'
      FROM pg_proc p
     WHERE p.pronamespace = schema_name::regnamespace AND p.prokind IN ('f', 'p')
       AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
       AND p.proname <> 'load_csv'
     ORDER BY 2;
END
$$;
COMMENT ON FUNCTION @extschema@.profile_privileges(text) IS
  'The privileges grant_profile() grants for a profile: object type, object and privileges (person without name and resident_id except for admin; no TRUNCATE for anyone)';

CREATE FUNCTION @extschema@.revoke_profile(role regrole) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  obj record;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  -- Every privilege on the extension's objects, whatever profile granted it.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM %s', role);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM %s', role);
  FOR obj IN
    SELECT p.oid::regprocedure AS routine FROM pg_proc p
     WHERE p.pronamespace = '@extschema@'::regnamespace AND p.prokind IN ('f', 'p')
  LOOP
    EXECUTE format('REVOKE ALL ON ROUTINE %s FROM %s', obj.routine, role);
  END LOOP;
  EXECUTE format('REVOKE ALL ON SCHEMA @extschema@ FROM %s', role);
  DELETE FROM @extschema@.role_profile p WHERE p.role = revoke_profile.role;
END
$$;
COMMENT ON FUNCTION @extschema@.revoke_profile(regrole) IS
  'Takes away a role''s profile, its region and helper assignments and every privilege on the extension''s objects (needed before DROP ROLE). Admin only';

CREATE FUNCTION @extschema@.grant_profile(role regrole, profile text, region_codes text[] DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  priv record;
  code text;
  old_regions text[];
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF (SELECT r.rolname FROM pg_roles r WHERE r.oid = role) LIKE 'pg\_%' THEN
    RAISE EXCEPTION 'cannot grant a profile to predefined role %', role
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM @extschema@.profile_privileges(profile);		-- validates the profile
  -- Regrant from scratch, keeping the region assignments.
  SELECT array_agg(a.region_code) INTO old_regions
    FROM @extschema@.region_assignment a WHERE a.role = grant_profile.role;
  PERFORM @extschema@.revoke_profile(role);
  INSERT INTO @extschema@.role_profile (role, profile) VALUES (role, profile);
  FOR priv IN SELECT * FROM @extschema@.profile_privileges(profile) LOOP
    EXECUTE format('GRANT %s ON %s %s TO %s',
                   priv.privileges, priv.object_type, priv.object_name, role);
  END LOOP;
  FOREACH code IN ARRAY coalesce(old_regions, '{}') || coalesce(region_codes, '{}') LOOP
    PERFORM @extschema@.assign_region(role, code);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_profile(regrole, text, text[]) IS
  'Grants an existing role one profile: viewer (views and reports, no personal data), clerk (reads and writes operational rows inside its assigned regions; personal data write-only, masked in person_masked) or admin (everything, the audit trail read-only); replaces the role''s previous profile and adds the given region assignments. Executable by superusers and admins';

CREATE FUNCTION @extschema@.assign_region(role regrole, region_code text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.role_profile p WHERE p.role = assign_region.role) THEN
    RAISE EXCEPTION 'role % has no profile', role
      USING ERRCODE = 'foreign_key_violation', HINT = 'Call grant_profile() first.';
  END IF;
  INSERT INTO @extschema@.region_assignment (role, region_code)
  VALUES (role, @extschema@.region_code(region_code))
  ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.assign_region(regrole, text) IS
  'Assigns a region subtree (a code given as 6, 9 or 12 digits that is in poverty_aid.region) to a role with a profile. Admin only';

CREATE FUNCTION @extschema@.unassign_region(role regrole, region_code text) RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.region_assignment a
     WHERE a.role = unassign_region.role
       AND a.region_code = @extschema@.region_code(unassign_region.region_code)
    RETURNING 1)
  SELECT count(*) > 0 FROM gone;
END;
COMMENT ON FUNCTION @extschema@.unassign_region(regrole, text) IS
  'Removes a region assignment; true if there was one. Admin only';

CREATE FUNCTION @extschema@.assign_helper(role regrole, helper_id bigint) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.role_profile p WHERE p.role = assign_helper.role) THEN
    RAISE EXCEPTION 'role % has no profile', role
      USING ERRCODE = 'foreign_key_violation', HINT = 'Call grant_profile() first.';
  END IF;
  INSERT INTO @extschema@.helper_assignment (role, helper_id) VALUES (role, helper_id)
  ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.assign_helper(regrole, bigint) IS
  'Limits a role to the pairings of a helper (the role is that helper''s staff); several helpers may be assigned. Admin only';

CREATE FUNCTION @extschema@.unassign_helper(role regrole, helper_id bigint) RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.helper_assignment a
     WHERE a.role = unassign_helper.role AND a.helper_id = unassign_helper.helper_id
    RETURNING 1)
  SELECT count(*) > 0 FROM gone;
END;
COMMENT ON FUNCTION @extschema@.unassign_helper(regrole, bigint) IS
  'Removes a helper assignment; true if there was one. Admin only';

-- Nothing that changes access or reads the access tables is executable by
-- PUBLIC; grant_profile(..., 'admin') grants these to admins.  The scope
-- functions stay executable by PUBLIC: every policy calls them, and they
-- answer only about roles the session user is a member of.
REVOKE EXECUTE ON FUNCTION @extschema@.grant_profile(regrole, text, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_profile(regrole) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.assign_region(regrole, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unassign_region(regrole, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.assign_helper(regrole, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unassign_helper(regrole, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.load_csv(text, text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.audit_row_change() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.audit_log_append_only() FROM PUBLIC;

-- pg_dump keeps the access tables and the audit trail.  Role names are
-- dumped as names (regrole), so restore into a cluster where they exist.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.role_profile', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.region_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.helper_assignment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load_id_seq', '');
