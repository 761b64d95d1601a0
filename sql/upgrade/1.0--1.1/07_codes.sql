-- 1.1: region_code_level() and region_ancestor_code() become C functions of
-- the enum (sql/ext/10_codes.sql): in 1.0 they were SQL wrappers whose cast
-- between the enum and text looked the label up on every row.  Same
-- arguments, results and errors; the functions keep their OIDs, so what
-- depends on them is untouched.

CREATE OR REPLACE FUNCTION @extschema@.region_code_level(code text) RETURNS @extschema@.region_level
  AS 'MODULE_PATHNAME', 'pa_region_code_level_enum'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.region_ancestor_code(code text, level @extschema@.region_level)
  RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_ancestor_code_enum'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
