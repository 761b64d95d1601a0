-- 1.1: loading every register table.  The load log gains the defaults each
-- load took; earlier loads record none.  Then the loader functions of
-- sql/ext/56_loader.sql: load_csv keeps its signature and result and is
-- replaced by the set-based loader; the others are new.

-- Added without a default, then filled: a column added with a default keeps
-- it as the rows' "missing value", which a fresh install does not have.
ALTER TABLE @extschema@.bulk_load ADD COLUMN defaulted jsonb;
ALTER TABLE @extschema@.bulk_load ALTER COLUMN defaulted SET DEFAULT '{}';
UPDATE @extschema@.bulk_load SET defaulted = '{}';
ALTER TABLE @extschema@.bulk_load ALTER COLUMN defaulted SET NOT NULL;
COMMENT ON TABLE @extschema@.bulk_load IS
  'Log of load_csv() and load_staged() calls: who loaded which kind of file, how many rows were loaded and rejected (the rows themselves are in the target table and the audit log)';
COMMENT ON COLUMN @extschema@.bulk_load.target IS 'The register table loaded (see load_targets())';
COMMENT ON COLUMN @extschema@.bulk_load.defaulted IS 'Optional columns that took their default (or were filled from the official list or the code), with the number of rows, e.g. {"poverty_cause": 12}';
COMMENT ON COLUMN @extschema@.bulk_load.loaded_by IS 'Role that loaded the file';

-- @include sql/ext/56_loader.sql
