-- Division codes as reference data: the official list of every province,
-- prefecture and county code of 1981-2024 with its years of use and
-- successors (sql/data/division_codes.csv, CC0; the Makefile appends it to
-- the install and upgrade scripts as one call of division_code_reload()),
-- the look-ups and successor mapping built on it, and the checks that make
-- the register's codes official.
--
-- The list is the extension's own data, not the user's: it is not dumped,
-- no table references it by a foreign key, and a later version replaces it
-- with division_code_reload() without touching a register row.

CREATE FUNCTION @extschema@.region_code_fault(code text) RETURNS text
  AS 'MODULE_PATHNAME', 'pa_region_code_fault'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.region_code_fault(text) IS
  'What is wrong with the form of a division code (the detail region_code() would raise), or NULL for a valid code of 6, 9 or 12 digits; never raises';

CREATE TABLE @extschema@.division_code (
  code            text NOT NULL CONSTRAINT division_code_six_digits CHECK (code ~ '^[0-9]{6}$'),
  first_year      integer NOT NULL,
  end_year        integer CONSTRAINT division_code_period_valid CHECK (end_year >= first_year),
  name            text NOT NULL,
  level           @extschema@.region_level NOT NULL
                  CONSTRAINT division_code_level_known CHECK (level IN ('province', 'prefecture', 'county')),
  status          text NOT NULL
                  CONSTRAINT division_code_status_known CHECK (status IN ('in_use', 'retired', 'renamed', 'grouping')),
  province_name   text NOT NULL,
  prefecture_name text,
  successors      text,
  PRIMARY KEY (code, first_year)
);
GRANT SELECT ON @extschema@.division_code TO PUBLIC;	-- public reference data (CC0)
COMMENT ON TABLE @extschema@.division_code IS
  'Official list of province, prefecture and county codes (GB/T 2260) of 1981-2024, one row per code and period of use, with the codes that took over its area (Ministry of Civil Affairs data compiled by the areacodes project, CC0); plus the non-unit parents (status grouping). Reference data: replaced by division_code_reload(), never dumped';
COMMENT ON COLUMN @extschema@.division_code.code IS '6-digit code; the 12-digit region code is it followed by six zeros';
COMMENT ON COLUMN @extschema@.division_code.first_year IS 'First year in use (the list is as of 31 December of each year)';
COMMENT ON COLUMN @extschema@.division_code.end_year IS 'Year it was changed or retired (exclusive); NULL while in use';
COMMENT ON COLUMN @extschema@.division_code.level IS 'province (省级), prefecture (地级) or county (县级)';
COMMENT ON COLUMN @extschema@.division_code.province_name IS 'Province the unit belongs to (its own name for a province)';
COMMENT ON COLUMN @extschema@.division_code.status IS
  'in_use; retired (its area went to the successors); renamed (the same code continues under a new name); grouping (a parent code used in 12-digit codes that is not a unit of its own: 市辖区, 县, 省直辖县级行政区划 and the like)';
COMMENT ON COLUMN @extschema@.division_code.prefecture_name IS 'Prefecture the unit belongs to; 直辖 for a county directly under its province; NULL for a province';
COMMENT ON COLUMN @extschema@.division_code.successors IS
  'The list''s successor field as published: codes separated by ;, a code followed by [YEAR] took over part of the area in that year; see division_successor()';

-- Replace the list from its CSV text (the header line and the columns of
-- sql/data/division_codes.csv); the non-unit parents are derived from it.
CREATE FUNCTION @extschema@.division_code_reload(csv text) RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  header CONSTANT text := '代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码';
  loaded integer;
  unlisted bigint;
  unlisted_codes text;
BEGIN
  csv := pg_catalog.ltrim(pg_catalog.replace(csv, E'\r', ''), E'\n' || pg_catalog.chr(65279));
  IF pg_catalog.split_part(csv, E'\n', 1) <> header THEN
    RAISE EXCEPTION 'unexpected division code list'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('The first line is %L; the list must start with the header %L.',
                                       pg_catalog.split_part(csv, E'\n', 1), header);
  END IF;
  DELETE FROM @extschema@.division_code;
  INSERT INTO @extschema@.division_code
    (code, first_year, end_year, name, level, status, province_name, prefecture_name, successors)
  SELECT f[1], f[7]::integer, NULLIF(f[8], '')::integer, f[4],
         CASE f[5] WHEN '省级' THEN 'province' WHEN '地级' THEN 'prefecture' ELSE 'county' END::@extschema@.region_level,
         CASE f[6] WHEN '在用' THEN 'in_use' WHEN '弃用' THEN 'retired' ELSE 'renamed' END,
         f[2], NULLIF(f[3], ''), NULLIF(f[9], '')
    FROM (SELECT pg_catalog.string_to_array(l, ',') AS f
            FROM pg_catalog.string_to_table(csv, E'\n') WITH ORDINALITY AS t(l, n)
           WHERE n > 1 AND l <> '') rows;
  -- Parents that appear in the 12-digit codes of counties but are not units
  -- of their own: 110100 市辖区, 500200 县, 469000 省直辖县级行政区划 ...
  INSERT INTO @extschema@.division_code
    (code, first_year, end_year, name, level, status, province_name, prefecture_name, successors)
  SELECT p.code, min(c.first_year),
         CASE WHEN bool_or(c.end_year IS NULL) THEN NULL ELSE max(c.end_year) END,
         CASE WHEN pg_catalog.substr(p.code, 1, 2) IN ('11', '12', '31', '50')
                   AND pg_catalog.substr(p.code, 3, 2) = '01' THEN '市辖区'
              WHEN pg_catalog.substr(p.code, 1, 2) IN ('11', '12', '31', '50')
                   AND pg_catalog.substr(p.code, 3, 2) = '02' THEN '县'
              WHEN pg_catalog.substr(p.code, 1, 2) = '50' AND pg_catalog.substr(p.code, 3, 2) = '03' THEN '市'
              WHEN pg_catalog.substr(p.code, 3, 2) = '90' THEN '省直辖县级行政区划'
              ELSE '直辖县级行政区划' END,
         'prefecture', 'grouping', min(c.province_name), NULL, NULL
    FROM @extschema@.division_code c
    CROSS JOIN LATERAL (SELECT pg_catalog.substr(c.code, 1, 4) || '00' AS code) p
   WHERE c.level = 'county' AND pg_catalog.substr(c.code, 3, 2) <> '00'
     AND NOT EXISTS (SELECT 1 FROM @extschema@.division_code u WHERE u.code = p.code)
   GROUP BY p.code;
  SELECT count(*) INTO loaded FROM @extschema@.division_code;
  -- Register rows are never changed; name those the new list does not know.
  SELECT count(*), string_agg(r.code, ', ' ORDER BY r.code) FILTER (WHERE r.rn <= 10)
    INTO unlisted, unlisted_codes
    FROM (SELECT g.code, row_number() OVER (ORDER BY g.code) AS rn
            FROM @extschema@.region g
           WHERE @extschema@.region_code_level(g.code) IN ('province', 'prefecture', 'county')
             AND @extschema@.division_code_fault(g.code) IS NOT NULL) r;
  IF unlisted > 0 THEN
    RAISE NOTICE '% regions have codes that are not in the official list', unlisted
      USING DETAIL = pg_catalog.format('The first are %s.', unlisted_codes),
            HINT = 'They are kept; SELECT code, poverty_aid.division_code_fault(code) FROM poverty_aid.region shows why.';
  END IF;
  RETURN loaded;
END
$$;
COMMENT ON FUNCTION @extschema@.division_code_reload(text) IS
  'Replaces the official division code list from the CSV text of sql/data/division_codes.csv (header line included) and derives the non-unit parents; returns the number of rows. Register rows are not touched; regions whose codes the list does not know are named in a notice. Run by the install and upgrade scripts';
REVOKE EXECUTE ON FUNCTION @extschema@.division_code_reload(text) FROM PUBLIC;

-- The rows of a code: the period in use in "year", else every period.
CREATE FUNCTION @extschema@.division_code_periods(code text)
  RETURNS SETOF @extschema@.division_code
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT d.* FROM @extschema@.division_code d
   WHERE d.code = pg_catalog.substr(@extschema@.region_code(division_code_periods.code), 1, 6)
     AND @extschema@.region_code_level(division_code_periods.code) IN ('province', 'prefecture', 'county')
   ORDER BY d.first_year;
END;
COMMENT ON FUNCTION @extschema@.division_code_periods(text) IS
  'Every period of use of a province, prefecture or county code (given as 6, 9 or 12 digits) in the official list, oldest first; empty for an unknown code';

CREATE FUNCTION @extschema@.division_name(code text, year integer DEFAULT NULL) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT p.name FROM @extschema@.division_code_periods(division_name.code) p
   ORDER BY (division_name.year >= p.first_year AND (p.end_year IS NULL OR division_name.year < p.end_year)) DESC NULLS LAST,
            p.first_year DESC
   LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.division_name(text, integer) IS
  'Official name of a province, prefecture or county code in a year (its latest name when the year is omitted or the code was not in use then); NULL for an unknown code';

-- The successor entries of the list, one row per code, successor and year.
CREATE VIEW @extschema@.division_successor AS
SELECT d.code, d.first_year, d.end_year, d.status,
       pg_catalog.substr(s.entry, 1, 6) AS successor,
       coalesce(NULLIF(pg_catalog.substring(s.entry, '\[([0-9]{4})\]'), '')::integer, d.end_year) AS since_year,
       s.entry ~ '\[' AS partial
  FROM @extschema@.division_code d
  CROSS JOIN LATERAL pg_catalog.string_to_table(d.successors, ';') AS s(entry)
 WHERE d.successors IS NOT NULL AND s.entry ~ '^[0-9]{6}';
GRANT SELECT ON @extschema@.division_successor TO PUBLIC;
COMMENT ON VIEW @extschema@.division_successor IS
  'The successors of the official list, one row per code period and successor: since_year is the year the successor took over (the bracketed year of a partial transfer, else the year the code ended); partial marks a part of the area given while the code lived on';

CREATE FUNCTION @extschema@.division_successors(code text, as_of date DEFAULT current_date)
  RETURNS TABLE (successor_code text, name text, since_year integer)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH RECURSIVE chain (code, since_year, depth) AS (
    SELECT pg_catalog.substr(@extschema@.region_code(division_successors.code), 1, 6), NULL::integer, 0
    UNION
    SELECT s.successor, s.since_year, c.depth + 1
      FROM chain c
      JOIN @extschema@.division_successor s ON s.code = c.code
     WHERE s.since_year <= EXTRACT(year FROM division_successors.as_of)
       AND s.successor <> s.code
       AND NOT s.partial
       AND c.depth < 20
       -- follow only codes no longer in use as of the date
       AND NOT EXISTS (SELECT 1 FROM @extschema@.division_code u
                        WHERE u.code = c.code AND u.first_year <= EXTRACT(year FROM division_successors.as_of)
                          AND (u.end_year IS NULL OR u.end_year > EXTRACT(year FROM division_successors.as_of)))
  )
  SELECT c.code || '000000', @extschema@.division_name(c.code, EXTRACT(year FROM division_successors.as_of)::integer),
         max(c.since_year)
    FROM chain c
   WHERE c.depth > 0
     AND EXISTS (SELECT 1 FROM @extschema@.division_code u
                  WHERE u.code = c.code AND u.first_year <= EXTRACT(year FROM division_successors.as_of)
                    AND (u.end_year IS NULL OR u.end_year > EXTRACT(year FROM division_successors.as_of)))
   GROUP BY c.code
   ORDER BY 1;
END;
COMMENT ON FUNCTION @extschema@.division_successors(text, date) IS
  'The codes in use as of a date that took over the area of a retired code, following chains of changes (130823 平泉县 -> 130881 平泉市); empty for a code still in use; e.g. SELECT * FROM poverty_aid.division_successors(''130823'')';

-- What is wrong with a code as the official list sees it, in words; NULL
-- when nothing is.  The loader applies it to whole files in one statement.
CREATE FUNCTION @extschema@.division_code_fault(code text, expected @extschema@.region_level DEFAULT NULL,
                                                 year integer DEFAULT NULL)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  form_fault text := @extschema@.region_code_fault(code);
  full_code text;
  lvl @extschema@.region_level;
  six text;
  in_year @extschema@.division_code;
  latest @extschema@.division_code;
  next_codes text;
BEGIN
  IF code IS NULL THEN
    RETURN NULL;
  ELSIF form_fault IS NOT NULL THEN
    RETURN form_fault;
  END IF;
  full_code := @extschema@.region_code(code);
  lvl := @extschema@.region_code_level(full_code);
  IF expected IS NOT NULL AND lvl <> expected THEN
    RETURN format('%s is a %s code; a %s code was expected',
                  substr(full_code, 1, CASE lvl WHEN 'township' THEN 9 WHEN 'village' THEN 12 ELSE 6 END),
                  lvl, expected);
  END IF;
  -- Townships and villages are not in the list: their county must be.
  six := substr(full_code, 1, 6);
  IF lvl IN ('township', 'village') THEN
    lvl := 'county';
  END IF;
  SELECT * INTO latest FROM @extschema@.division_code d WHERE d.code = six ORDER BY d.first_year DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN format('%s is not in the official list of division codes of 1981-2024', six);
  ELSIF latest.level <> lvl THEN
    RETURN format('%s is listed as a %s, not a %s', six, latest.level, lvl);
  END IF;
  IF year IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT * INTO in_year FROM @extschema@.division_code d
   WHERE d.code = six AND d.first_year <= year AND (d.end_year IS NULL OR d.end_year > year);
  IF FOUND THEN
    RETURN NULL;
  END IF;
  IF year < (SELECT min(d.first_year) FROM @extschema@.division_code d WHERE d.code = six) THEN
    RETURN format('%s (%s) was not yet in use in %s; it came into use in %s', six, latest.name, year,
                  (SELECT min(d.first_year) FROM @extschema@.division_code d WHERE d.code = six));
  END IF;
  SELECT string_agg(pg_catalog.substr(s.successor_code, 1, 6) || ' ' || s.name, ', ' ORDER BY s.successor_code)
    INTO next_codes
    FROM @extschema@.division_successors(six, make_date(greatest(year, 1), 12, 31)) s;
  SELECT * INTO in_year FROM @extschema@.division_code d
   WHERE d.code = six AND d.end_year <= year ORDER BY d.end_year DESC LIMIT 1;
  RETURN format('%s (%s) was retired in %s', six, in_year.name, in_year.end_year)
         || CASE WHEN next_codes IS NOT NULL THEN '; replaced by ' || next_codes ELSE '' END;
END
$$;
COMMENT ON FUNCTION @extschema@.division_code_fault(text, @extschema@.region_level, integer) IS
  'What is wrong with a code, in words, or NULL: a malformed code; the wrong level ("532600 is a prefecture code; a county code was expected"); a province, prefecture or county part not in the official list; not in use in the given year ("130823 (平泉县) was retired in 2017; replaced by 130881 平泉市"). Township and village parts are not checked (the list stops at counties)';

CREATE FUNCTION @extschema@.division_code_is_official(code text, year integer DEFAULT NULL) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN @extschema@.division_code_fault(code, NULL, year) IS NULL;
COMMENT ON FUNCTION @extschema@.division_code_is_official(text, integer) IS
  'Whether a code (6, 9 or 12 digits) is well formed and its county-level-or-higher part is in the official list (in use in the given year, when one is given)';

-- The register's codes ---------------------------------------------------------
--
-- Every column that holds a division code accepts the 6-, 9- and 12-digit
-- forms and stores 12 digits (the C trigger region_codes_normalize, first
-- of the BEFORE triggers by name).  A province, prefecture or county in
-- poverty_aid.region must be in the official list in some year (a register
-- keeps the codes of its own years); townships and villages are free below
-- their county.  SET poverty_aid.unlisted_codes = 'allow' admits a code
-- that is not in the list (a development zone's statistical code, say) with
-- a warning.

CREATE FUNCTION @extschema@.region_codes_normalize() RETURNS trigger
  AS 'MODULE_PATHNAME', 'pa_region_codes_normalize'
  LANGUAGE C;
COMMENT ON FUNCTION @extschema@.region_codes_normalize() IS
  'Trigger: stores the division code columns named as its arguments in their 12-digit form (6 and 9 digits are accepted); error 22023 naming the column for an invalid code';

DO $normalize$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('region', 'code, parent_code'), ('region_population', 'region_code'),
      ('poverty_listing', 'region_code'), ('household', 'village_code'),
      ('helper', 'home_region_code'), ('pairing', 'target_region_code'),
      ('fund', 'recipient_region_code'), ('project', 'region_code'),
      ('consumption_sale', 'region_code'), ('target', 'region_code'),
      ('indicator_snapshot', 'region_code')) AS v(tab, cols)
  LOOP
    EXECUTE format('CREATE TRIGGER region_codes_normalize BEFORE INSERT OR UPDATE OF %s ON @extschema@.%I'
                   ' FOR EACH ROW EXECUTE FUNCTION @extschema@.region_codes_normalize(%s)',
                   t.cols, t.tab,
                   (SELECT string_agg(quote_literal(btrim(c)), ', ') FROM unnest(string_to_array(t.cols, ',')) c));
  END LOOP;
END
$normalize$;

CREATE FUNCTION @extschema@.region_check_division() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  fault text;
BEGIN
  IF @extschema@.region_code_level(NEW.code) IN ('province', 'prefecture', 'county')
     AND (TG_OP = 'INSERT' OR NEW.code IS DISTINCT FROM OLD.code) THEN
    fault := @extschema@.division_code_fault(NEW.code);
    IF fault IS NOT NULL THEN
      IF current_setting('poverty_aid.unlisted_codes', true) = 'allow' THEN
        RAISE WARNING 'division code % is not official', NEW.code USING DETAIL = fault || '.';
      ELSE
        RAISE EXCEPTION 'division code % is not official', NEW.code
          USING ERRCODE = 'invalid_parameter_value', DETAIL = fault || '.',
                HINT = 'Use a code of poverty_aid.division_code (division_successors() maps a retired code), or SET poverty_aid.unlisted_codes = ''allow'' to admit it.';
      END IF;
    END IF;
  END IF;
  IF NEW.name IS NULL THEN
    NEW.name := @extschema@.division_name(NEW.code);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.region_check_division() IS
  'Trigger: a new or recoded province, prefecture or county must be in the official list (any year; SET poverty_aid.unlisted_codes = ''allow'' admits others with a warning); an omitted name is filled from the list';
CREATE TRIGGER region_division_check BEFORE INSERT OR UPDATE ON @extschema@.region
  FOR EACH ROW EXECUTE FUNCTION @extschema@.region_check_division();
