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
  'Policy zone of a province: it sets the exit threshold (exit_threshold_percent())';

-- Policy thresholds: the one place each official figure is written down.

CREATE FUNCTION @extschema@.exit_threshold_percent(zone @extschema@.policy_zone) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE zone WHEN 'west' THEN 3 ELSE 2 END;
COMMENT ON FUNCTION @extschema@.exit_threshold_percent(@extschema@.policy_zone) IS
  'Official exit threshold of poverty incidence for a county or village, in percent: a unit may exit below 3% in the west zone, below 2% elsewhere. exit_check() and the village view compare against it';

CREATE FUNCTION @extschema@.high_incidence_percent() RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN 10;
COMMENT ON FUNCTION @extschema@.high_incidence_percent() IS
  'Poverty incidence, in percent, above which a village counts as deeply poor (high incidence) in the reports: 10';

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
  'Whether a text is a valid division code of 6, 9 or 12 digits, i.e. one region_code() accepts (no error is raised)';

CREATE FUNCTION @extschema@.region_code_level_text(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_code_level'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_code_level_text(text) IS
  'region_code_level() as text';

-- Not named region_level(): with a literal argument that name would be read
-- as a cast to the enum type of the same name.
-- region_code_level() and region_ancestor_code() are C functions of the
-- enum (not SQL wrappers with a cast to or from text, as in 1.0): the cast
-- looked the label up on every row, a second per million rows of a report.
CREATE FUNCTION @extschema@.region_code_level(code text) RETURNS @extschema@.region_level
  AS 'MODULE_PATHNAME', 'pa_region_code_level_enum'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
  AS 'MODULE_PATHNAME', 'pa_region_ancestor_code_enum'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
