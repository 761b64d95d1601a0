-- 1.1: division codes as reference data: sql/ext/22_division_codes.sql,
-- included below after the comment that 1.0 had otherwise.
-- The list itself is loaded at the end of the upgrade script, as at the end
-- of the install script.  Existing region rows are kept as they are, even
-- with codes that are not in the list; division_code_reload() names them in
-- a notice.

COMMENT ON FUNCTION @extschema@.region_code_is_valid(text) IS
  'Whether a text is a valid division code of 6, 9 or 12 digits, i.e. one region_code() accepts (no error is raised)';

-- @include sql/ext/22_division_codes.sql
