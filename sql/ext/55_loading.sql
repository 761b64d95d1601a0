-- Loading: the CSV parser and the log bulk_load of the bulk loaders
-- load_csv(), load_staged() and load_files(), which are in 56_loader.sql.

-- Bulk CSV load --------------------------------------------------------------

CREATE FUNCTION @extschema@.csv_records(csv text,
                                         OUT line_no integer, OUT fields text[], OUT error text)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'pa_csv_records'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.csv_records(text) IS
  'The records of a CSV text (RFC 4180; LF, CRLF or CR line ends) with the line each starts on; an unquoted empty field is NULL, "" is the empty string; a malformed record (also one of more than 1600 fields) comes back with fields NULL and error set; a UTF-8 byte-order mark at the start is skipped';

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
  CONSTRAINT bulk_load_counts_add_up CHECK (rows_loaded + rows_rejected <= rows_in_file),
  defaulted     jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE @extschema@.bulk_load IS
  'Log of load_csv() and load_staged() calls: who loaded which kind of file, how many rows were loaded and rejected (the rows themselves are in the target table and the audit log)';
COMMENT ON COLUMN @extschema@.bulk_load.target IS 'The register table loaded (see load_targets())';
COMMENT ON COLUMN @extschema@.bulk_load.defaulted IS 'Optional columns that took their default (or were filled from the official list or the code), with the number of rows, e.g. {"poverty_cause": 12}';
COMMENT ON COLUMN @extschema@.bulk_load.loaded_by IS 'Role that loaded the file';
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

-- pg_dump keeps the load log.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load_id_seq', '');
