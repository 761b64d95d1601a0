-- Loading: the CSV parser, the bulk loader load_csv() and its log bulk_load.

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

REVOKE EXECUTE ON FUNCTION @extschema@.load_csv(text, text, boolean) FROM PUBLIC;

-- pg_dump keeps the load log.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bulk_load_id_seq', '');
