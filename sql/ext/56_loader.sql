-- Loading, the set-based loader: load_csv(), create_staging_table(),
-- load_staged() and load_files() for every register table and the
-- monitoring tables, and their internals.  The upgrade from 1.0 runs this
-- file itself (sql/upgrade/1.0--1.1/55_loading.sql includes it): load_csv
-- existed in 1.0 and is replaced, so it is CREATE OR REPLACE here.

-- The set-based loader ------------------------------------------------------
--
-- Every register table loads from CSV.  A file is first staged as text
-- (load_csv parses a CSV text into a temporary table; for files of any size
-- the client streams them with \copy into a table made by
-- create_staging_table), then load_staged() validates the whole staged
-- file in a handful of statements -- types, required values, division codes
-- against the official list, the caller's regions, references, keys,
-- overlapping periods and every CHECK of the table -- and inserts the valid
-- rows with one INSERT per batch, through the table's own constraints, row
-- security and audit triggers.  No subtransaction is opened per row or per
-- value.  Only an error the checks did not foresee (an INSERT that fails)
-- is narrowed down to its rows by bisection, one subtransaction per probe.

CREATE FUNCTION @extschema@.load_value_fault(value text, type regtype, typmod integer DEFAULT -1)
  RETURNS text
  AS 'MODULE_PATHNAME', 'pa_load_value_fault'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.load_value_fault(text, regtype, integer) IS
  'NULL when a text is valid input for the type (smallint, integer, bigint, numeric with its typmod, date, boolean, an enum; blanks around it allowed), else "SQLSTATE message" as the input function would raise it; never raises. The loader checks whole files with it';

-- Targets in the order a whole export loads (parents before children).
CREATE FUNCTION @extschema@.load_targets()
  RETURNS TABLE (target text, load_order integer)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT t, n::integer FROM unnest(ARRAY[
    'region', 'poverty_line', 'region_population', 'poverty_listing', 'household',
    'household_income', 'person', 'helper', 'pairing', 'fund', 'fund_transfer', 'project',
    'project_beneficiary', 'employment', 'consumption_sale', 'target',
    'monitoring_line', 'monitored_household', 'monitoring_measure', 'monitoring_income']) WITH ORDINALITY AS u(t, n);
END;
COMMENT ON FUNCTION @extschema@.load_targets() IS
  'The register tables load_csv() and load_staged() load, in the order a whole export loads (every table after the tables it refers to): the 16 tables of the register, then the monitoring lines, monitored households, their measures and incomes';

-- The columns a file for a target may have.
CREATE FUNCTION @extschema@.load_columns(target text)
  RETURNS TABLE (column_name text, type regtype, typmod integer, required boolean,
                 fills text, region_levels text[], note text)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH cols AS (
    SELECT a.attname::text AS column_name, a.atttypid::regtype AS type, a.atttypmod AS typmod,
           a.attnotnull AND NOT a.atthasdef AS no_default, a.atthasdef AS has_default
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = pg_catalog.to_regclass('@extschema@.' || pg_catalog.quote_ident(load_columns.target))
       AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
       AND load_columns.target IN (SELECT t.target FROM @extschema@.load_targets() t)
  ), levels (tab, col, allowed) AS (
    VALUES ('region', 'code', NULL::text[]), ('region', 'parent_code', NULL),
           ('household', 'village_code', ARRAY['village']),
           ('poverty_listing', 'region_code', ARRAY['county', 'village']),
           ('pairing', 'target_region_code', ARRAY['county', 'village']),
           ('fund', 'recipient_region_code', NULL), ('project', 'region_code', NULL),
           ('region_population', 'region_code', NULL), ('consumption_sale', 'region_code', NULL),
           ('target', 'region_code', NULL), ('helper', 'home_region_code', NULL),
           ('monitoring_line', 'province_code', ARRAY['province']),
           ('monitored_household', 'village_code', ARRAY['village']),
           ('monitoring_income', 'village_code', ARRAY['village'])
  ), filled (tab, col, how) AS (
    VALUES ('region', 'name', 'from the official list'), ('region', 'parent_code', 'from the code'),
           ('region', 'zone', 'from the province'),
           ('poverty_listing', 'listed_on', 'listed_year'), ('poverty_listing', 'exited_on', 'exit_year'),
           ('poverty_listing', 'exit_batch', 'exit_year'),
           ('person', 'household_id', 'household_no'), ('household_income', 'household_id', 'household_no'),
           ('employment', 'household_id', 'household_no'), ('project_beneficiary', 'household_id', 'household_no'),
           ('pairing', 'target_household_id', 'target_household_no'),
           ('monitoring_measure', 'monitored_household_id', 'household_no')
  )
  SELECT c.column_name, c.type, c.typmod,
         c.no_default AND c.column_name <> 'id' AND (f.how IS NULL OR f.how !~ '^from'),
         f.how,
         CASE WHEN c.column_name IN ('code', 'parent_code', 'village_code', 'region_code', 'province_code',
                                     'target_region_code', 'recipient_region_code', 'home_region_code')
              THEN coalesce(l.allowed, ARRAY['province', 'prefecture', 'county', 'township', 'village']) END,
         CASE WHEN c.column_name = 'id' THEN 'the file''s own id: rows get new ids, and later files of the same transaction that refer to it are translated'
              WHEN f.how ~ '^from' THEN 'filled ' || f.how || ' when empty'
              WHEN f.how IS NOT NULL THEN 'or give ' || f.how
              WHEN c.has_default THEN 'the column default when empty'
              WHEN c.type::text LIKE '%[]'
                THEN 'one or more values separated by semicolons (illness;disaster), or an array literal ({illness,disaster})' END
    FROM cols c
    LEFT JOIN levels l ON l.tab = load_columns.target AND l.col = c.column_name
    LEFT JOIN filled f ON f.tab = load_columns.target AND f.col = c.column_name
  UNION ALL
  SELECT v.col, v.typ::regtype, -1, false, NULL, NULL::text[], v.note
    FROM (VALUES ('poverty_listing', 'listed_year', 'integer', 'instead of listed_on: stored as 1 January of that year'),
                 ('poverty_listing', 'exit_year', 'integer', 'instead of exited_on: the official exit batch of that year, stored as 31 December of that year; exit_batch defaults to the year'),
                 ('person', 'household_no', 'text', 'instead of household_id: the household''s latest period with that number'),
                 ('household_income', 'household_no', 'text', 'instead of household_id: the household''s latest period with that number'),
                 ('employment', 'household_no', 'text', 'instead of household_id: the household''s latest period with that number'),
                 ('project_beneficiary', 'household_no', 'text', 'instead of household_id: the household''s latest period with that number'),
                 ('pairing', 'target_household_no', 'text', 'instead of target_household_id: the household''s latest period with that number'),
                 ('monitoring_measure', 'household_no', 'text', 'instead of monitored_household_id: the monitoring period of the household with that number in which the measure starts'))
         AS v(tab, col, typ, note)
   WHERE v.tab = load_columns.target;
END;
COMMENT ON FUNCTION @extschema@.load_columns(text) IS
  'The columns a CSV file for a target may have: type, whether it is required, what fills it when empty, the division levels a code column accepts, and notes (e.g. SELECT * FROM poverty_aid.load_columns(''poverty_listing''))';

CREATE FUNCTION @extschema@.create_staging_table(target text, name text DEFAULT NULL) RETURNS regclass
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  staging text := coalesce(name, target || '_staging');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.load_targets() t WHERE t.target = create_staging_table.target) THEN
    RAISE EXCEPTION 'invalid load target'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Target %L is not one of %s.', target,
                            (SELECT string_agg(t.target, ', ' ORDER BY t.load_order) FROM @extschema@.load_targets() t));
  END IF;
  IF to_regclass(format('pg_temp.%I', staging)) IS NOT NULL THEN
    EXECUTE format('DROP TABLE pg_temp.%I', staging);
  END IF;
  EXECUTE format('CREATE TEMP TABLE %I (line_no bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), %s)',
                 staging,
                 (SELECT string_agg(format('%I text', c.column_name), ', ')
                    FROM @extschema@.load_columns(target) c));
  RETURN format('pg_temp.%I', staging)::regclass;
END
$$;
COMMENT ON FUNCTION @extschema@.create_staging_table(text, text) IS
  'Creates (anew) a temporary table <target>_staging with a text column for every column a file for the target may have and line_no numbering the rows as lines of a file with a header; fill it with \copy ... (columns of the file) FROM ''file.csv'' WITH (FORMAT csv, HEADER, ENCODING ''GB18030'') and load it with load_staged()';

-- Insert the staged lines lo..hi; when the INSERT fails, narrow the failure
-- down to its rows by bisection: each probe is one subtransaction, so k bad
-- rows among n cost about 2k log2(n) probes, not one per row.
CREATE FUNCTION @extschema@.load_insert_lines(insert_sql text, lo integer, hi integer, target text)
  RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  lines integer[];
  half integer;
  st text;
  msg text;
  det text;
  con text;
  col text;
  inserted bigint;
BEGIN
  BEGIN
    EXECUTE insert_sql USING lo, hi;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN inserted;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            con = CONSTRAINT_NAME, col = COLUMN_NAME;
  END;
  lines := ARRAY(SELECT DISTINCT r.line_no FROM pg_temp.pa_load_rows r
                  WHERE r.ok AND r.line_no BETWEEN lo AND hi ORDER BY 1);
  IF cardinality(lines) > 1 THEN
    half := cardinality(lines) / 2;
    RETURN @extschema@.load_insert_lines(insert_sql, lines[1], lines[half], target)
         + @extschema@.load_insert_lines(insert_sql, lines[half + 1], lines[cardinality(lines)], target);
  END IF;
  IF col = '' AND con <> '' THEN
    SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) INTO col
      FROM pg_catalog.pg_constraint c
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.conname = con AND c.conrelid = format('@extschema@.%I', target)::regclass;
  END IF;
  INSERT INTO pg_temp.pa_load_errors VALUES
    (lo, NULLIF(col, ''), NULL, st, msg || CASE WHEN det <> '' THEN ': ' || det ELSE '' END);
  RETURN 0;
END
$$;
COMMENT ON FUNCTION @extschema@.load_insert_lines(text, integer, integer, text) IS
  'Loader internals: runs the INSERT of the staged lines lo..hi and, when it fails, narrows the failure down to single lines by bisection, recording their errors; returns the rows inserted';

-- The row checks the table's constraints make, evaluated on the staged
-- rows.  Each statement checks every row at once; a statement that raises
-- (a CHECK calling a function that reports by raising) is skipped, and the
-- INSERT's bisection finds those rows instead.
CREATE FUNCTION @extschema@.load_check_constraints(target text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  tab CONSTANT regclass := format('@extschema@.%I', target)::regclass;
  con record;
  staged text[];
  key_list text;
  checks text[] := '{}';
  check_sql text;
BEGIN
  SELECT array_agg(a.attname::text) INTO staged
    FROM pg_attribute a WHERE a.attrelid = 'pg_temp.pa_load_rows'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
  -- Every CHECK in one pass: (condition) IS FALSE, as the table sees it
  -- (NULL passes).  The staged table's columns have the target's names.
  FOR con IN
    SELECT c.conname, pg_get_constraintdef(c.oid) AS def, array_agg(a.attname::text ORDER BY a.attnum) AS cols
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.conrelid = tab AND c.contype = 'c'
     GROUP BY c.oid, c.conname
     ORDER BY c.conname
  LOOP
    CONTINUE WHEN NOT con.cols <@ staged;
    checks := checks || format('(%s IS FALSE, %L, %s, %L)',
                               substring(con.def FROM '^CHECK (.*)$'), array_to_string(con.cols, ', '),
                               CASE WHEN cardinality(con.cols) = 1 THEN format('t.%I', 'raw:' || con.cols[1]) ELSE 'NULL' END,
                               format('the row violates %s: %s', con.conname, con.def));
  END LOOP;
  IF cardinality(checks) > 0 THEN
    check_sql := format('INSERT INTO pg_temp.pa_load_errors '
                        'SELECT t.line_no, x.cols, x.raw, ''23514'', x.msg '
                        '  FROM pg_temp.pa_load_rows AS t, '
                        '       LATERAL (VALUES %s) AS x(bad, cols, raw, msg) '
                        ' WHERE t.ok AND x.bad', array_to_string(checks, ', '));
    BEGIN
      EXECUTE check_sql;
    EXCEPTION WHEN OTHERS THEN
      -- A CHECK that reports by raising (resident_id_check): one statement
      -- per constraint, and the INSERT finds the rows of one that raises.
      FOR i IN 1 .. cardinality(checks) LOOP
        BEGIN
          EXECUTE format('INSERT INTO pg_temp.pa_load_errors '
                         'SELECT t.line_no, x.cols, x.raw, ''23514'', x.msg '
                         '  FROM pg_temp.pa_load_rows AS t, LATERAL (VALUES %s) AS x(bad, cols, raw, msg) '
                         ' WHERE t.ok AND x.bad', checks[i]);
        EXCEPTION WHEN OTHERS THEN
          NULL;
        END;
      END LOOP;
    END;
  END IF;
  UPDATE pg_temp.pa_load_rows r SET ok = false
   WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');

  -- Primary keys and unique constraints: a key twice in the file, or
  -- already in the register (keys the caller may not read are left to the
  -- INSERT).
  FOR con IN
    SELECT c.conname, array_agg(a.attname::text ORDER BY a.attnum) AS cols
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.conrelid = tab AND c.contype IN ('u', 'p')
     GROUP BY c.oid, c.conname
     ORDER BY c.conname
  LOOP
    CONTINUE WHEN NOT con.cols <@ staged OR NOT has_table_privilege(tab, 'SELECT')
               OR EXISTS (SELECT 1 FROM unnest(con.cols) c WHERE NOT has_column_privilege(tab, c, 'SELECT'));
    key_list := (SELECT string_agg(format('r.%I', c), ', ') FROM unnest(con.cols) c);
    EXECUTE format(
      'INSERT INTO pg_temp.pa_load_errors '
      'SELECT r.line_no, %1$L, %2$s, ''23505'', '
      '       CASE WHEN r.first_line < r.line_no '
      '            THEN pg_catalog.format(''duplicate key: (%1$s) = (%%s) is also on line %%s'', pg_catalog.concat_ws('', '', %3$s), r.first_line) '
      '            ELSE pg_catalog.format(''duplicate key: (%1$s) = (%%s) is already in the register'', pg_catalog.concat_ws('', '', %3$s)) END '
      '  FROM (SELECT r.*, min(r.line_no) OVER (PARTITION BY %3$s) AS first_line FROM pg_temp.pa_load_rows r '
      '         WHERE r.ok AND %6$s) r '
      ' WHERE r.first_line < r.line_no '
      '    OR EXISTS (SELECT 1 FROM @extschema@.%4$I t WHERE %5$s)',
      array_to_string(con.cols, ', '),
      CASE WHEN cardinality(con.cols) = 1 THEN format('r.%I', 'raw:' || con.cols[1]) ELSE 'NULL' END,
      key_list, target,
      (SELECT string_agg(format('t.%1$I = r.%1$I', c), ' AND ') FROM unnest(con.cols) c),
      (SELECT string_agg(format('r.%I IS NOT NULL', c), ' AND ') FROM unnest(con.cols) c));
    UPDATE pg_temp.pa_load_rows r SET ok = false
     WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.load_check_constraints(text) IS
  'Loader internals: evaluates the target''s CHECK, primary key and unique constraints on every staged row at once and records the rows that break them';

-- What a file gives by number or year rather than by id, the references
-- every row must resolve, and the periods that must not overlap: each a
-- statement over all staged rows.
CREATE FUNCTION @extschema@.load_check_references(target text, staged_cols text[]) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  tab CONSTANT regclass := format('@extschema@.%I', target)::regclass;
  typed text[];
  fk record;
  latest_year integer := (SELECT max(d.first_year) FROM @extschema@.division_code d);
BEGIN
  SELECT array_agg(a.attname::text) INTO typed
    FROM pg_attribute a WHERE a.attrelid = 'pg_temp.pa_load_rows'::regclass AND a.attnum > 0 AND NOT a.attisdropped;

  -- Households by number: the latest period with that number the caller
  -- sees (the monitoring tables' own household_no is no reference).
  IF target <> 'household' AND 'household_id' = ANY (typed) AND 'household_no' = ANY (staged_cols) THEN
    UPDATE pg_temp.pa_load_rows r
       SET household_id = (SELECT h.id FROM @extschema@.household h WHERE h.household_no = r.household_no
                            ORDER BY h.exited_on IS NULL DESC, h.registered_on DESC LIMIT 1)
     WHERE r.ok AND r.household_id IS NULL AND r.household_no IS NOT NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'household_no', r.household_no, '23503',
           format('no household numbered %s in your regions', r.household_no)
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.household_id IS NULL AND r.household_no IS NOT NULL;
  END IF;
  IF target = 'pairing' AND 'target_household_no' = ANY (staged_cols) THEN
    UPDATE pg_temp.pa_load_rows r
       SET target_household_id = (SELECT h.id FROM @extschema@.household h WHERE h.household_no = r.target_household_no
                                   ORDER BY h.exited_on IS NULL DESC, h.registered_on DESC LIMIT 1)
     WHERE r.ok AND r.target_household_id IS NULL AND r.target_household_no IS NOT NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'target_household_no', r.target_household_no, '23503',
           format('no household numbered %s in your regions', r.target_household_no)
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.target_household_id IS NULL AND r.target_household_no IS NOT NULL;
  END IF;

  -- Listings by year: listed on 1 January, exited on 31 December of the
  -- official exit batch's year (the batch is announced in the following
  -- months, but counts for that year), exit_batch the year.
  IF target = 'poverty_listing' THEN
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, c.col, c.y::text, '22008', format('%s %s is not a year between 1949 and 2100', c.col, c.y)
      FROM pg_temp.pa_load_rows r
      CROSS JOIN LATERAL (VALUES ('listed_year', CASE WHEN 'listed_year' = ANY (typed) THEN to_jsonb(r) ->> 'listed_year' END),
                                 ('exit_year', CASE WHEN 'exit_year' = ANY (typed) THEN to_jsonb(r) ->> 'exit_year' END)) c(col, y)
     WHERE r.ok AND c.y IS NOT NULL AND c.y::integer NOT BETWEEN 1949 AND 2100;
    UPDATE pg_temp.pa_load_rows r SET ok = false
     WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
    IF 'listed_year' = ANY (typed) THEN
      UPDATE pg_temp.pa_load_rows r SET listed_on = make_date(r.listed_year, 1, 1)
       WHERE r.ok AND r.listed_on IS NULL AND r.listed_year IS NOT NULL;
    END IF;
    IF 'exit_year' = ANY (typed) THEN
      UPDATE pg_temp.pa_load_rows r SET exited_on = coalesce(r.exited_on, make_date(r.exit_year, 12, 31)),
                                        exit_batch = coalesce(r.exit_batch, r.exit_year::text)
       WHERE r.ok AND r.exit_year IS NOT NULL;
    END IF;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'listed_on', NULL, '23502', 'missing value: listed_on (or listed_year) is required'
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.listed_on IS NULL;
    -- A county code not in use in the listing's year: a warning.
    WITH used AS (
      SELECT DISTINCT @extschema@.region_county_code(r.region_code) AS county,
                      extract(year FROM r.listed_on)::integer AS year
        FROM pg_temp.pa_load_rows r WHERE r.ok AND r.listed_on IS NOT NULL
    ), faults AS (
      SELECT u.county, u.year, @extschema@.division_code_fault(u.county, NULL, u.year) AS fault FROM used u
    )
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'region_code', r."raw:region_code", '01000', f.fault
      FROM pg_temp.pa_load_rows r
      JOIN faults f ON f.county = @extschema@.region_county_code(r.region_code)
                   AND f.year = extract(year FROM r.listed_on)::integer
     WHERE r.ok AND f.fault IS NOT NULL;
  END IF;
  IF 'household_id' = ANY (typed) AND target <> 'household' THEN
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'household_id', NULL, '23502', 'missing value: household_id (or household_no) is required'
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.household_id IS NULL AND 'household_no' = ANY (staged_cols)
       AND r.household_no IS NULL;
  END IF;

  -- Measures by household number: the household's monitoring period in
  -- which the measure starts (else its first, and load_check_periods says
  -- the measure starts before it).
  IF target = 'monitoring_measure' AND 'household_no' = ANY (staged_cols) THEN
    UPDATE pg_temp.pa_load_rows r
       SET monitored_household_id = (SELECT m.id FROM @extschema@.monitored_household m
                                      WHERE m.household_no = r.household_no
                                      ORDER BY m.identified_on <= r.started_on DESC,
                                               CASE WHEN m.identified_on <= r.started_on THEN m.identified_on END DESC,
                                               m.identified_on
                                      LIMIT 1)
     WHERE r.ok AND r.monitored_household_id IS NULL AND r.household_no IS NOT NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'household_no', r.household_no, '23503',
           format('no monitored household numbered %s in your regions', r.household_no)
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.monitored_household_id IS NULL AND r.household_no IS NOT NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'monitored_household_id', NULL, '23502',
           'missing value: monitored_household_id (or household_no) is required'
      FROM pg_temp.pa_load_rows r WHERE r.ok AND r.monitored_household_id IS NULL AND r.household_no IS NULL;
  END IF;

  -- Regions: the parent from the code, a given parent that does not
  -- match, official parents that are missing (added from the list, with a
  -- warning), retired codes (a warning).
  IF target = 'region' THEN
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'parent_code', r."raw:parent_code", '22023',
           format('region %s has parent %s; its parent must be %s', r.code, r.parent_code,
                  coalesce(@extschema@.region_parent_code(r.code), 'none (a province has no parent)'))
      FROM pg_temp.pa_load_rows r
     WHERE r.ok AND r.parent_code IS DISTINCT FROM @extschema@.region_parent_code(r.code) AND r.parent_code IS NOT NULL;
    UPDATE pg_temp.pa_load_rows r SET ok = false
     WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
    UPDATE pg_temp.pa_load_rows r SET parent_code = @extschema@.region_parent_code(r.code)
     WHERE r.ok AND r.parent_code IS NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'name', NULL, '23502',
           format('missing value: name is required for %s (the official list names only counties and above)', r.code)
      FROM pg_temp.pa_load_rows r
     WHERE r.ok AND r.name IS NULL AND @extschema@.region_code_level(r.code) > 'county';
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'zone', NULL, '23502',
           format('missing value: zone is required for %s, whose province has no policy zone', r.code)
      FROM pg_temp.pa_load_rows r
     WHERE r.ok AND r.zone IS NULL AND @extschema@.region_zone(r.code) IS NULL;
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'code', r."raw:code", '01000', f.fault
      FROM pg_temp.pa_load_rows r
      CROSS JOIN LATERAL (SELECT @extschema@.division_code_fault(r.code, NULL, latest_year) AS fault) f
     WHERE r.ok AND @extschema@.region_code_level(r.code) <= 'county' AND f.fault IS NOT NULL
       AND @extschema@.division_code_fault(r.code) IS NULL;
    -- Parents the file and the register lack, from the official list.
    WITH RECURSIVE missing (code) AS (
      SELECT DISTINCT r.parent_code FROM pg_temp.pa_load_rows r
       WHERE r.ok AND r.parent_code IS NOT NULL
      UNION
      SELECT @extschema@.region_parent_code(m.code) FROM missing m
       WHERE @extschema@.region_parent_code(m.code) IS NOT NULL
    )
    INSERT INTO pg_temp.pa_load_rows (line_no, code, name, parent_code, "raw:code", ok)
    SELECT 0, m.code, @extschema@.division_name(m.code), @extschema@.region_parent_code(m.code), m.code, true
      FROM missing m
     WHERE @extschema@.region_code_level(m.code) <= 'county'
       AND EXISTS (SELECT 1 FROM @extschema@.division_code d WHERE d.code = substr(m.code, 1, 6))
       AND NOT EXISTS (SELECT 1 FROM @extschema@.region g WHERE g.code = m.code)
       AND NOT EXISTS (SELECT 1 FROM pg_temp.pa_load_rows r WHERE r.code = m.code AND r.ok);
    INSERT INTO pg_temp.pa_load_errors
    SELECT 0, 'code', r.code, '01000',
           format('added the parent region %s %s from the official list', r.code, r.name)
      FROM pg_temp.pa_load_rows r WHERE r.line_no = 0;
  END IF;
  UPDATE pg_temp.pa_load_rows r SET ok = false
   WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');

  -- Ids of rows loaded earlier in this transaction from files with an id
  -- column, then every single-column foreign key.
  FOR fk IN
    SELECT a.attname::text AS col, c.confrelid::regclass AS ref, rc.relname::text AS ref_name,
           ra.attname::text AS ref_col
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
      JOIN pg_class rc ON rc.oid = c.confrelid
     WHERE c.conrelid = tab AND c.contype = 'f' AND cardinality(c.conkey) = 1
       AND a.attname::text = ANY (typed)
  LOOP
    IF fk.ref_col = 'id' THEN
      EXECUTE format('UPDATE pg_temp.pa_load_rows r SET %1$I = m.id FROM pg_temp.pa_load_ids m '
                     ' WHERE r.ok AND m.target = %2$L AND m.file_id = r.%1$I', fk.col, fk.ref_name);
    END IF;
    CONTINUE WHEN NOT has_column_privilege(fk.ref, fk.ref_col, 'SELECT');
    EXECUTE format(
      'INSERT INTO pg_temp.pa_load_errors '
      'SELECT r.line_no, %1$L, r.%2$I, ''23503'', %3$s '
      '  FROM pg_temp.pa_load_rows r '
      ' WHERE r.ok AND r.%1$I IS NOT NULL '
      '   AND NOT EXISTS (SELECT 1 FROM %4$s t WHERE t.%5$I = r.%1$I) %6$s',
      fk.col, 'raw:' || fk.col,
      CASE WHEN fk.ref_name = 'region'
           THEN format('pg_catalog.format(''region %%s is not in the register%%s'', r.%I, '
                       'CASE WHEN @extschema@.division_code_fault(r.%I) IS NULL THEN '': load it first (a region file)'' ELSE '''' END)',
                       fk.col, fk.col)
           ELSE format('pg_catalog.format(''no %s %%s in your regions'', r.%I)',
                       CASE fk.ref_name WHEN 'fund' THEN 'fund plan' ELSE replace(fk.ref_name, '_', ' ') END, fk.col) END,
      fk.ref, fk.ref_col,
      CASE WHEN fk.ref = tab
           THEN format('AND NOT EXISTS (SELECT 1 FROM pg_temp.pa_load_rows o WHERE o.ok AND o.%I = r.%I)', fk.ref_col, fk.col)
           ELSE '' END);
  END LOOP;
  UPDATE pg_temp.pa_load_rows r SET ok = false
   WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');

END
$$;
COMMENT ON FUNCTION @extschema@.load_check_references(text, text[]) IS
  'Loader internals: resolves households given by number and listings given by year, checks parents and official codes of a region file (adding missing official parents) and every foreign key, on all staged rows at once';

-- Periods that must not overlap (the exclusion constraints of household,
-- poverty_listing and monitored_household): within the file by one sort,
-- against the register by its index.  And the guards of the monitoring
-- tables' triggers: a monitored household's category against the register,
-- a measure inside its monitoring period.
CREATE FUNCTION @extschema@.load_check_periods(target text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  unit text;
  starts text;
  ends text;
BEGIN
  IF target = 'monitoring_measure' THEN
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, 'started_on', r."raw:started_on", '23514',
           format('the measure runs from %s to %s, outside the monitoring period of household %s from %s to %s',
                  r.started_on, coalesce(r.ended_on::text, 'open'), m.household_no,
                  m.identified_on, coalesce(m.eliminated_on::text, 'open'))
      FROM pg_temp.pa_load_rows r
      JOIN @extschema@.monitored_household m ON m.id = r.monitored_household_id
     WHERE r.ok AND (r.started_on < m.identified_on OR r.started_on > m.eliminated_on OR r.ended_on > m.eliminated_on);
    UPDATE pg_temp.pa_load_rows r SET ok = false
     WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
    RETURN;
  ELSIF target = 'monitored_household' THEN
    -- A household poor on the day it is identified is in the register; the
    -- categories against the register.
    INSERT INTO pg_temp.pa_load_errors
    SELECT r.line_no, x.col, x.raw, x.state, x.msg
      FROM pg_temp.pa_load_rows r
     CROSS JOIN LATERAL (
       SELECT 'identified_on', r."raw:identified_on", '23514',
              format('household %s is in an open poverty period on %s: its period registered on %s is not exited by then',
                     r.household_no, r.identified_on, h.registered_on)
         FROM @extschema@.household h
        WHERE h.household_no = r.household_no AND h.registered_on <= r.identified_on
          AND (h.exited_on IS NULL OR h.exited_on > r.identified_on)
       UNION ALL
       SELECT 'category', r."raw:category", '23503',
              format('household %s has no poverty period exited by %s: category exited_unstable needs one (marginal_at_risk or sudden_hardship for a household never registered)',
                     r.household_no, r.identified_on)
        WHERE r.category = 'exited_unstable'
          AND NOT EXISTS (SELECT 1 FROM @extschema@.household h
                           WHERE h.household_no = r.household_no AND h.exited_on <= r.identified_on)
       UNION ALL
       SELECT 'category', r."raw:category", '23514',
              format('household %s was registered as poor on %s: category marginal_at_risk is for households never in the register',
                     r.household_no, h.registered_on)
         FROM @extschema@.household h
        WHERE r.category = 'marginal_at_risk' AND h.household_no = r.household_no AND h.registered_on <= r.identified_on
        LIMIT 1) AS x (col, raw, state, msg)
     WHERE r.ok;
    UPDATE pg_temp.pa_load_rows r SET ok = false
     WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
    unit := 'household_no'; starts := 'identified_on'; ends := 'eliminated_on';
  ELSIF target = 'household' THEN
    unit := 'household_no'; starts := 'registered_on'; ends := 'exited_on';
    IF NOT has_column_privilege('@extschema@.household', 'household_no', 'SELECT') THEN
      RETURN;
    END IF;
  ELSIF target = 'poverty_listing' THEN
    unit := 'region_code'; starts := 'listed_on'; ends := 'exited_on';
  ELSE
    RETURN;
  END IF;
  EXECUTE format(
    'INSERT INTO pg_temp.pa_load_errors '
    'SELECT r.line_no, %1$L, NULL, ''23P01'', '
    '       CASE WHEN r.prev_end > r.%3$I '
    '            THEN pg_catalog.format(''%%s: the period from %%s overlaps the one from %%s on line %%s'', r.%2$I, r.%3$I, r.prev_start, r.prev_line) '
    '            ELSE pg_catalog.format(''%%s: the period from %%s overlaps a period in the register'', r.%2$I, r.%3$I) END '
    '  FROM (SELECT r.*, '
    '               max(coalesce(r.%4$I, ''infinity'')) OVER w AS prev_end, '
    '               lag(r.%3$I) OVER (PARTITION BY r.%2$I ORDER BY r.%3$I, r.line_no) AS prev_start, '
    '               lag(r.line_no) OVER (PARTITION BY r.%2$I ORDER BY r.%3$I, r.line_no) AS prev_line '
    '          FROM pg_temp.pa_load_rows r WHERE r.ok '
    '        WINDOW w AS (PARTITION BY r.%2$I ORDER BY r.%3$I, r.line_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) r '
    ' WHERE r.prev_end > r.%3$I '
    '    OR EXISTS (SELECT 1 FROM @extschema@.%5$I t WHERE t.%2$I = r.%2$I '
    '                  AND daterange(t.%3$I, t.%4$I) && daterange(r.%3$I, r.%4$I))',
    unit || ', ' || starts || ', ' || ends, unit, starts, ends, target);
  UPDATE pg_temp.pa_load_rows r SET ok = false
   WHERE r.ok AND r.line_no IN (SELECT e.line FROM pg_temp.pa_load_errors e WHERE e.sqlstate NOT LIKE '01%');
END
$$;
COMMENT ON FUNCTION @extschema@.load_check_periods(text) IS
  'Loader internals: finds staged household periods, listings and monitoring periods that overlap one another or one in the register (the tables'' exclusion constraints), monitored households whose category the register contradicts and measures outside their monitoring period (the monitoring guards), on all staged rows at once';

CREATE FUNCTION @extschema@.load_staged(target text, staging regclass, only_valid boolean DEFAULT false,
                                        batch_rows integer DEFAULT 1000000)
  RETURNS TABLE (line integer, column_name text, value text, sqlstate text, message text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  tab regclass;
  col record;
  staged_cols text[];
  has_line_no boolean;
  typed_names text[] := '{}';
  typed_exprs text[] := '{}';
  fault_exprs text[] := '{}';
  insert_cols text[] := '{}';
  insert_exprs text[] := '{}';
  default_counts text[] := '{}';
  scope_literal text;
  v text;
  missing text;
  elements text;
  fault text;
  n_rows bigint;
  n_unparsed bigint;
  n_loaded bigint := 0;
  n_bad bigint;
  n_errors bigint;
  defaulted jsonb := '{}';
  insert_sql text;
  lo integer;
  hi integer;
  started timestamptz := clock_timestamp();
BEGIN
  PERFORM @extschema@.shard_local_only('load_staged');
  IF NOT EXISTS (SELECT 1 FROM @extschema@.load_targets() t WHERE t.target = load_staged.target) THEN
    RAISE EXCEPTION 'invalid load target'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Target %L is not one of %s.', target,
                            (SELECT string_agg(t.target, ', ' ORDER BY t.load_order) FROM @extschema@.load_targets() t));
  END IF;
  tab := format('@extschema@.%I', target)::regclass;
  IF NOT has_table_privilege(tab, 'INSERT') THEN
    RAISE EXCEPTION 'permission denied for table %', target
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = format('Loading a %s file inserts into poverty_aid.%s, which you may not write.', target, target);
  END IF;
  -- Superusers and admins load into every region; clerks into theirs.
  scope_literal := CASE WHEN (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN 'NULL::text[]'
                        ELSE quote_nullable(@extschema@.region_write_scope(current_user)) || '::text[]' END;
  IF to_regclass('pg_temp.pa_load_errors') IS NULL THEN
    CREATE TEMP TABLE pa_load_errors (line integer, column_name text, value text, sqlstate text, message text) ON COMMIT DROP;
  END IF;
  IF to_regclass('pg_temp.pa_load_ids') IS NULL THEN
    -- the ids files gave, for the files after them in this transaction
    CREATE TEMP TABLE pa_load_ids (target text, file_id bigint, id bigint, PRIMARY KEY (target, file_id)) ON COMMIT DROP;
  END IF;
  -- Rows load_csv() could not parse are already reported (and counted).
  SELECT count(DISTINCT e.line) INTO n_unparsed FROM pa_load_errors e WHERE e.line > 1;

  SELECT array_agg(lower(a.attname::text) ORDER BY a.attnum) FILTER (WHERE a.attname <> 'line_no'),
         coalesce(bool_or(a.attname = 'line_no'), false)
    INTO staged_cols, has_line_no
    FROM pg_attribute a WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped;
  staged_cols := coalesce(staged_cols, '{}');

  -- The header: unknown and missing columns (then nothing can load).
  INSERT INTO pa_load_errors
  SELECT 1, s, s, '42703',
         format('unknown column %L: a %s file has the columns %s', s, target,
                (SELECT string_agg(c.column_name, ', ') FROM @extschema@.load_columns(target) c))
    FROM unnest(staged_cols) s
   WHERE s NOT IN (SELECT c.column_name FROM @extschema@.load_columns(target) c);
  IF NOT EXISTS (SELECT 1 FROM pa_load_errors e WHERE e.line = 1 AND e.sqlstate = '22P04') THEN
    INSERT INTO pa_load_errors
    SELECT 1, c.column_name, NULL, '42703',
           format('required column %L%s is missing from the header', c.column_name,
                  CASE WHEN c.fills IS NOT NULL THEN format(' (or %L)', c.fills) ELSE '' END)
      FROM @extschema@.load_columns(target) c
     WHERE c.required AND c.column_name <> ALL (staged_cols)
       AND (c.fills IS NULL OR c.fills <> ALL (staged_cols));
  END IF;

  IF EXISTS (SELECT 1 FROM pa_load_errors e WHERE e.line = 1) THEN
    n_rows := 0;
  ELSE
    -- One pass over the staged file: every value typed, or its fault.
    FOR col IN
      SELECT c.*, c.column_name = ANY (staged_cols) AS present,
             (SELECT t.typelem::regtype FROM pg_type t WHERE t.oid = c.type AND t.typcategory = 'A') AS element_type
        FROM @extschema@.load_columns(target) c
       WHERE c.column_name = ANY (staged_cols) OR c.fills = ANY (staged_cols)
          OR (target = 'region' AND c.column_name IN ('name', 'parent_code', 'zone'))
          OR (target IN ('household', 'poverty_listing') AND c.column_name = 'exited_on')
          OR (target = 'monitored_household' AND c.column_name = 'eliminated_on')
          OR (target = 'monitoring_measure' AND c.column_name = 'ended_on')
    LOOP
      typed_names := typed_names || col.column_name;
      IF NOT col.present THEN
        -- filled later from another column of the file (household_no, exit_year)
        typed_exprs := typed_exprs || format('NULL::%s', format_type(col.type, col.typmod));
        fault_exprs := fault_exprs || 'NULL'::text;
        CONTINUE;
      END IF;
      v := format('NULLIF(pg_catalog.btrim(s.%I), '''')', col.column_name);
      missing := CASE WHEN col.required AND (col.fills IS NULL OR col.fills <> ALL (staged_cols))
                      THEN format('''23502 missing value: %s is required''', col.column_name) ELSE 'NULL' END;
      IF col.region_levels IS NOT NULL THEN
        typed_exprs := typed_exprs || format(
          'CASE WHEN @extschema@.region_code_fault(%1$s) IS NULL THEN @extschema@.region_code(%1$s) END', v);
        fault_exprs := fault_exprs || format(
          'CASE WHEN %1$s IS NULL THEN %2$s '
          '     WHEN @extschema@.region_code_fault(%1$s) IS NOT NULL '
          '       THEN ''22023 invalid division code: '' || @extschema@.region_code_fault(%1$s) '
          '     WHEN @extschema@.region_code_level(%1$s) <> ALL (%3$L::@extschema@.region_level[]) '
          '       THEN ''22023 '' || pg_catalog.format(''%%s is a %%s code; a %%s code was expected'', '
          '                         %1$s, @extschema@.region_code_level(%1$s), %4$L) '
          '     WHEN %6$s AND NOT @extschema@.region_in_scope(@extschema@.region_code(%1$s), %7$s) '
          '       THEN ''42501 '' || pg_catalog.format(''%%s %%s is outside the regions assigned to you'', '
          '                         @extschema@.region_code_level(%1$s), @extschema@.region_code(%1$s)) '
          '     %8$s END',
          v, missing, col.region_levels,
          array_to_string(col.region_levels, ' or '),
          NULL,
          CASE WHEN target = 'region' AND col.column_name = 'parent_code' OR target = 'helper' THEN 'false' ELSE 'true' END,
          scope_literal,
          CASE WHEN target = 'region' AND col.column_name = 'code'
               THEN format('WHEN @extschema@.region_code_level(%1$s) <= ''county'' '
                           ' AND coalesce(pg_catalog.current_setting(''poverty_aid.unlisted_codes'', true), '''') <> ''allow'' '
                           ' AND @extschema@.division_code_fault(%1$s) IS NOT NULL '
                           'THEN ''22023 '' || @extschema@.division_code_fault(%1$s)', v)
               ELSE '' END);
      ELSIF col.column_name = 'resident_id' THEN
        typed_exprs := typed_exprs || format('CASE WHEN @extschema@.resident_id_is_valid(%1$s) THEN %1$s END', v);
        fault_exprs := fault_exprs || format(
          'CASE WHEN %1$s IS NULL OR @extschema@.resident_id_is_valid(%1$s) THEN NULL '
          '     WHEN %1$s ~ ''^[0-9]{17}[0-9Xx]$'' '
          '       THEN pg_catalog.format(''22023 invalid resident ID number %%s: its check character should be %%s'', '
          '                              %1$s, @extschema@.resident_id_check_character(pg_catalog.left(%1$s, 17))) '
          '     ELSE pg_catalog.format(''22023 invalid resident ID number %%s: 18 characters are expected, 17 digits and a check character (0-9 or X) with a valid date of birth'', %1$s) END',
          v);
      ELSIF col.element_type IS NOT NULL THEN
        -- A list (risk_causes): values separated by semicolons, or commas
        -- in a quoted field, optionally in braces as an array literal.
        elements := format('pg_catalog.regexp_split_to_array(pg_catalog.btrim(pg_catalog.regexp_replace(%s, ''^\{(.*)\}$'', ''\1'')), ''\s*[;,]\s*'')', v);
        fault := format(
          '(SELECT x.f FROM pg_catalog.unnest(%1$s) WITH ORDINALITY AS u(e, i), '
          '        LATERAL (SELECT CASE WHEN u.e = '''' THEN ''22P02 an empty value in a list: separate values by semicolons'' '
          '                             ELSE @extschema@.load_value_fault(u.e, %2$L) END AS f) x '
          '  WHERE x.f IS NOT NULL ORDER BY u.i LIMIT 1)',
          elements, col.element_type);
        typed_exprs := typed_exprs || format('CASE WHEN %1$s IS NOT NULL AND %2$s IS NULL THEN %3$s::%4$s END',
                                             v, fault, elements, format_type(col.type, col.typmod));
        fault_exprs := fault_exprs || format('CASE WHEN %1$s IS NULL THEN %2$s ELSE %3$s END', v, missing, fault);
      ELSIF col.type = 'text'::regtype THEN
        typed_exprs := typed_exprs || format('CASE WHEN pg_catalog.btrim(s.%1$I) <> '''' THEN s.%1$I END', col.column_name);
        fault_exprs := fault_exprs || format('CASE WHEN %s IS NULL THEN %s END', v, missing);
      ELSE
        typed_exprs := typed_exprs || format(
          'CASE WHEN @extschema@.load_value_fault(%1$s, %2$L, %3$s) IS NULL THEN %4$s END',
          v, col.type, col.typmod,
          CASE WHEN col.type = 'text'::regtype
               THEN format('CASE WHEN pg_catalog.btrim(s.%1$I) <> '''' THEN s.%1$I END', col.column_name)
               ELSE format('%s::%s', v, format_type(col.type, col.typmod)) END);
        fault_exprs := fault_exprs || format(
          'CASE WHEN %1$s IS NULL THEN %2$s ELSE @extschema@.load_value_fault(%1$s, %3$L, %4$s) END',
          v, missing, col.type, col.typmod);
      END IF;
    END LOOP;

    IF to_regclass('pg_temp.pa_load_rows') IS NOT NULL THEN
      DROP TABLE pa_load_rows;
    END IF;
    EXECUTE format(
      'CREATE TEMP TABLE pa_load_rows ON COMMIT DROP AS '
      'SELECT f.*, f.faults = ''{}'' AS ok FROM ('
      'SELECT s.pa_line::integer AS line_no, %1$s, %2$s, '
      '       pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(%3$s)) AS faults '
      '  FROM (SELECT %4$s AS pa_line, s.*, %5$s FROM %6$s s OFFSET 0) s) f',
      (SELECT string_agg(format('%s AS %I', e, n), ', ') FROM unnest(typed_exprs, typed_names) AS u(e, n)),
      (SELECT string_agg(CASE WHEN n = ANY (staged_cols) THEN format('s.%I AS %I', n, 'raw:' || n)
                              ELSE format('NULL::text AS %I', 'raw:' || n) END, ', ')
         FROM unnest(typed_names) n),
      (SELECT string_agg(format('%L, s.f%s', n, i), ', ') FROM unnest(typed_names) WITH ORDINALITY AS u(n, i)),
      CASE WHEN has_line_no THEN 's.line_no' ELSE 'row_number() OVER (ORDER BY s.ctid) + 1' END,
      (SELECT string_agg(format('%s AS f%s', e, i), ', ') FROM unnest(fault_exprs) WITH ORDINALITY AS u(e, i)),
      staging);
    GET DIAGNOSTICS n_rows = ROW_COUNT;
    INSERT INTO pa_load_errors
    SELECT r.line_no, f.key, to_jsonb(r) ->> ('raw:' || f.key), substr(f.value #>> '{}', 1, 5), substr(f.value #>> '{}', 7)
      FROM pa_load_rows r CROSS JOIN LATERAL jsonb_each(r.faults) f
     WHERE NOT r.ok;
    ANALYZE pa_load_rows;

    PERFORM @extschema@.load_check_references(target, staged_cols);
    PERFORM @extschema@.load_check_constraints(target);
    PERFORM @extschema@.load_check_periods(target);
  END IF;
  n_rows := n_rows + n_unparsed;

  SELECT count(DISTINCT e.line), count(*) INTO n_bad, n_errors
    FROM pa_load_errors e WHERE e.sqlstate NOT LIKE '01%';

  IF n_rows > 0 AND (n_errors = 0 OR only_valid) THEN
    -- The columns to insert: the file's and those filled from it; an empty
    -- optional value takes the column default, visibly counted.
    FOR col IN
      SELECT c.column_name, c.fills, pg_get_expr(d.adbin, d.adrelid) AS default_expr
        FROM @extschema@.load_columns(target) c
        JOIN pg_attribute a ON a.attrelid = tab AND a.attname = c.column_name
        LEFT JOIN pg_attrdef d ON d.adrelid = tab AND d.adnum = a.attnum
       WHERE c.column_name = ANY (typed_names)
    LOOP
      IF col.column_name = 'id' THEN
        -- The file's ids are its own: rows get new ids, remembered for the
        -- files of this transaction that refer to them.
        ALTER TABLE pa_load_rows ADD COLUMN new_id bigint;
        EXECUTE format('UPDATE pg_temp.pa_load_rows SET new_id = nextval(%L) WHERE ok',
                       pg_get_serial_sequence(tab::text, 'id'));
        EXECUTE format('INSERT INTO pg_temp.pa_load_ids SELECT %L, r.id, r.new_id FROM pg_temp.pa_load_rows r '
                       ' WHERE r.ok AND r.id IS NOT NULL ON CONFLICT (target, file_id) DO UPDATE SET id = EXCLUDED.id',
                       target);
        insert_cols := insert_cols || 'id'::text;
        insert_exprs := insert_exprs || 'r.new_id'::text;
        CONTINUE;
      END IF;
      insert_cols := insert_cols || col.column_name;
      insert_exprs := insert_exprs || CASE WHEN col.default_expr IS NOT NULL
                                           THEN format('coalesce(r.%I, %s)', col.column_name, col.default_expr)
                                           ELSE format('r.%I', col.column_name) END;
      IF col.default_expr IS NOT NULL OR col.fills ~ '^from' THEN
        default_counts := default_counts
          || format('%L, count(*) FILTER (WHERE r.%I IS NULL AND r.line_no > 0)', col.column_name, 'raw:' || col.column_name);
      END IF;
    END LOOP;
    FOR col IN
      SELECT c.column_name FROM @extschema@.load_columns(target) c
        JOIN pg_attribute a ON a.attrelid = tab AND a.attname = c.column_name
       WHERE c.column_name <> ALL (typed_names) AND c.column_name <> 'id'
         AND (a.atthasdef OR c.fills ~ '^from')
    LOOP
      default_counts := default_counts || format('%L, count(*) FILTER (WHERE r.line_no > 0)', col.column_name);
    END LOOP;
    IF cardinality(default_counts) > 0 THEN
      EXECUTE format('SELECT jsonb_build_object(%s) FROM pg_temp.pa_load_rows r WHERE r.ok',
                     array_to_string(default_counts, ', '))
        INTO defaulted;
      SELECT coalesce(jsonb_object_agg(d.k, d.x), '{}') INTO defaulted
        FROM jsonb_each(defaulted) AS d(k, x) WHERE d.x::bigint > 0;
    END IF;

    insert_sql := format(
      'INSERT INTO @extschema@.%I (%s) SELECT %s FROM pg_temp.pa_load_rows r WHERE r.ok AND r.line_no BETWEEN $1 AND $2%s',
      target, (SELECT string_agg(quote_ident(c), ', ') FROM unnest(insert_cols) c),
      array_to_string(insert_exprs, ', '),
      CASE WHEN target = 'region' THEN ' ORDER BY @extschema@.region_code_level(r.code), r.code' ELSE '' END);
    IF n_rows > batch_rows THEN
      CREATE INDEX ON pa_load_rows USING brin (line_no);	-- the rows are in line order
    END IF;
    -- Batches in file order with a progress notice; a region file is one
    -- batch (a child may come before its parent).
    FOR lo, hi IN
      SELECT min(b.line_no), max(b.line_no)
        FROM (SELECT l.line_no, (row_number() OVER (ORDER BY l.line_no) - 1)
                                / CASE WHEN target = 'region' THEN 2147483647 ELSE greatest(batch_rows, 1) END AS batch
                FROM (SELECT DISTINCT r.line_no FROM pa_load_rows r WHERE r.ok) l) b
       GROUP BY b.batch ORDER BY 1
    LOOP
      n_loaded := n_loaded + @extschema@.load_insert_lines(insert_sql, lo, hi, target);
      IF n_rows > batch_rows THEN
        RAISE NOTICE '%: % of % rows inserted after % s', target, n_loaded, n_rows,
          round(extract(epoch FROM clock_timestamp() - started)::numeric, 1);
      END IF;
    END LOOP;
    -- Parents added from the official list are not rows of the file.
    n_loaded := n_loaded - (SELECT count(*) FROM pa_load_rows r WHERE r.line_no = 0 AND r.ok);
    SELECT count(DISTINCT e.line), count(*) INTO n_bad, n_errors
      FROM pa_load_errors e WHERE e.sqlstate NOT LIKE '01%';
    IF n_errors > 0 AND NOT only_valid THEN
      -- The INSERT refused rows the checks passed: undo the whole file.
      RAISE EXCEPTION 'load of % refused by the table', target
        USING ERRCODE = 'check_violation',
              DETAIL = (SELECT format('Line %s: %s', e.line, e.message) FROM pa_load_errors e
                         WHERE e.sqlstate NOT LIKE '01%' ORDER BY e.line LIMIT 1),
              HINT = 'Correct the row, or load with only_valid => true to load only the valid rows.';
    END IF;
  END IF;

  INSERT INTO @extschema@.bulk_load (target, only_valid, rows_in_file, rows_loaded, rows_rejected, errors, defaulted)
  VALUES (target, only_valid, n_rows, n_loaded, n_rows - n_loaded, n_errors, defaulted);
  IF n_errors = 0 THEN
    RAISE NOTICE 'loaded % % rows%', n_loaded, target,
      CASE WHEN defaulted <> '{}'
           THEN '; defaults taken: ' || (SELECT string_agg(format('%s in %s rows', d.k, d.x), ', ')
                                           FROM jsonb_each_text(defaulted) AS d(k, x))
           ELSE '' END;
  ELSIF only_valid THEN
    RAISE WARNING 'loaded % of % % rows; % rows rejected', n_loaded, n_rows, target, n_bad;
  ELSE
    RAISE WARNING 'nothing loaded: % errors, % of % rows bad', n_errors, n_bad, n_rows
      USING HINT = 'Correct the rows listed, or load with only_valid => true to load only the valid rows.';
  END IF;
  RETURN QUERY SELECT e.line, e.column_name, e.value, e.sqlstate, e.message
                 FROM pa_load_errors e ORDER BY 1, 2, 5;
  DROP TABLE pa_load_errors;
  IF to_regclass('pg_temp.pa_load_rows') IS NOT NULL THEN
    DROP TABLE pa_load_rows;
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.load_staged(text, regclass, boolean, integer) IS
  'Loads a staged file -- a table of text columns named like the target''s (see load_columns), e.g. made by create_staging_table and filled with \copy -- into a register table; returns one row per error or warning (line, column, value, SQLSTATE, message; SQLSTATE 01000 rows are warnings that do not stop the load). The file is validated set-based, with no subtransaction per row; with errors nothing is loaded unless only_valid. Rows go through the table''s checks, row security and audit; superusers and admins load any region, clerks their own. Inserts batch_rows rows per statement with a progress notice; each call is logged in bulk_load with the defaults taken';

CREATE OR REPLACE FUNCTION @extschema@.load_csv(target text, csv text, only_valid boolean DEFAULT false)
  RETURNS TABLE (line integer, column_name text, value text, sqlstate text, message text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  header record;
  names text[];
  known text[];
  positions integer[];
  n integer;
BEGIN
  PERFORM @extschema@.shard_local_only('load_csv');
  IF NOT EXISTS (SELECT 1 FROM @extschema@.load_targets() t WHERE t.target = load_csv.target) THEN
    RAISE EXCEPTION 'invalid load target'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Target %L is not one of %s.', target,
                            (SELECT string_agg(t.target, ', ' ORDER BY t.load_order) FROM @extschema@.load_targets() t));
  END IF;
  known := ARRAY(SELECT c.column_name FROM @extschema@.load_columns(target) c);
  IF to_regclass('pg_temp.pa_load_errors') IS NOT NULL THEN
    DROP TABLE pa_load_errors;
  END IF;
  CREATE TEMP TABLE pa_load_errors (line integer, column_name text, value text, sqlstate text, message text) ON COMMIT DROP;
  -- A byte-order mark (Excel's UTF-8 export) is not part of the first name.
  CREATE TEMP TABLE pa_load_records ON COMMIT DROP AS
    SELECT r.line_no, r.fields, r.error FROM @extschema@.csv_records(ltrim(csv, chr(65279))) r;
  SELECT r.line_no, r.fields, r.error INTO header FROM pa_load_records r ORDER BY r.line_no LIMIT 1;
  names := '{}';
  positions := '{}';
  IF header.line_no IS NULL THEN
    INSERT INTO pa_load_errors VALUES (1, NULL, NULL, '22P04', 'the file is empty: a header line is required');
  ELSIF header.error IS NOT NULL THEN
    INSERT INTO pa_load_errors VALUES (header.line_no, NULL, NULL, '22P04', 'malformed header: ' || header.error);
  ELSE
    FOR n IN 1 .. cardinality(header.fields) LOOP
      IF lower(btrim(header.fields[n])) IS NULL OR NOT lower(btrim(header.fields[n])) = ANY (known) THEN
        INSERT INTO pa_load_errors VALUES (1, header.fields[n], header.fields[n], '42703',
          format('unknown column %L: a %s file has the columns %s', header.fields[n], target, array_to_string(known, ', ')));
      ELSIF lower(btrim(header.fields[n])) = ANY (names) THEN
        INSERT INTO pa_load_errors VALUES (1, lower(btrim(header.fields[n])), header.fields[n], '42701',
          format('column %L appears twice in the header', lower(btrim(header.fields[n]))));
      ELSE
        names := names || lower(btrim(header.fields[n]));
        positions := positions || n;
      END IF;
    END LOOP;
    -- Records the parser could not read, or of the wrong length.
    INSERT INTO pa_load_errors
    SELECT r.line_no, NULL, NULL, '22P04',
           coalesce(r.error, format('row has %s fields; the header has %s', cardinality(r.fields), cardinality(header.fields)))
      FROM pa_load_records r
     WHERE r.line_no > header.line_no AND (r.error IS NOT NULL OR cardinality(r.fields) <> cardinality(header.fields));
  END IF;
  EXECUTE format('CREATE TEMP TABLE pa_load_csv_staging (line_no integer%s) ON COMMIT DROP',
                 (SELECT string_agg(format(', %I text', c), '') FROM unnest(names) c));
  IF header.line_no IS NOT NULL AND header.error IS NULL THEN
    EXECUTE format('INSERT INTO pa_load_csv_staging SELECT r.line_no%s FROM pa_load_records r '
                   ' WHERE r.line_no > $1 AND r.error IS NULL AND cardinality(r.fields) = $2',
                   (SELECT string_agg(format(', r.fields[%s]', p), '') FROM unnest(positions) p))
      USING header.line_no, cardinality(header.fields);
  END IF;
  DROP TABLE pa_load_records;
  RETURN QUERY SELECT * FROM @extschema@.load_staged(target, 'pa_load_csv_staging', only_valid);
  DROP TABLE pa_load_csv_staging;
END
$$;
COMMENT ON FUNCTION @extschema@.load_csv(text, text, boolean) IS
  'Loads a CSV text with a header line (UTF-8, with or without a byte-order mark; LF or CRLF; for GBK/GB18030 bytes pass convert_from(bytes, ''GB18030'')) into a register table and returns one row per error or warning (line, column, value, SQLSTATE, message): no error rows means everything was loaded. With errors nothing is loaded unless only_valid is true. Validation is set-based (see load_staged); each call is logged in bulk_load; the rows go through the tables'' checks, policies and audit';

CREATE FUNCTION @extschema@.load_files(directory text, encoding text DEFAULT 'UTF8', only_valid boolean DEFAULT false)
  RETURNS TABLE (file text, line integer, column_name text, value text, sqlstate text, message text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  t record;
  e record;
  bad boolean := false;
BEGIN
  FOR t IN
    SELECT l.target, f.name
      FROM @extschema@.load_targets() l
      JOIN pg_ls_dir(directory) AS f(name) ON lower(f.name) = l.target || '.csv'
     ORDER BY l.load_order
  LOOP
    FOR e IN
      SELECT * FROM @extschema@.load_csv(t.target,
                                         convert_from(pg_read_binary_file(rtrim(directory, '/') || '/' || t.name), encoding),
                                         only_valid)
    LOOP
      file := t.name; line := e.line; column_name := e.column_name; value := e.value;
      sqlstate := e.sqlstate; message := e.message;
      RETURN NEXT;
      bad := bad OR e.sqlstate NOT LIKE '01%';
    END LOOP;
    IF bad AND NOT only_valid THEN
      RAISE WARNING 'stopped at %: the files after it were not loaded', t.name;
      RETURN;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.load_files(text, text, boolean) IS
  'Loads a whole export in one call: every file <table>.csv of a server directory (region.csv, household.csv, person.csv, ...) in dependency order, read in the given encoding (UTF8, GB18030, GBK); returns the errors and warnings of each file. Stops at the first file with errors unless only_valid. Needs the right to read server files (superuser or pg_read_server_files); from a client, call load_csv or \copy and load_staged per file instead';

REVOKE EXECUTE ON FUNCTION @extschema@.load_csv(text, text, boolean) FROM PUBLIC;
