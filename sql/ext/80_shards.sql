-- Scale-out, part 2: the national report over province shards with
-- postgres_fdw (docs/scale-out.md).  32_shard_mode.sql holds the mode test.
--
-- Every node (shard or coordinator) has the same extension.  A shard holds
-- the register of whole provinces: their regions and every row under them.
-- The coordinator holds a copy of poverty_aid.region (for argument checks)
-- and the national targets (poverty_aid.target rows with region_code NULL),
-- and poverty_aid.shard lists the shards.  On the coordinator the
-- shard-aware reports send ONE query per shard, over the views below, whose
-- WHERE clause postgres_fdw ships: each shard computes its per-region
-- partial results (indicator_values() of the shard) and only those rows
-- travel; the coordinator rolls them up (ratios of sums with rollup(),
-- counts and amounts with sum()).

-- Shard side ------------------------------------------------------------------
--
-- In their own schema: a view whose argument columns are not filtered
-- enumerates every day, level and region, so it is no view for a BI tool
-- (and not granted by grant_profile()); the coordinator's user mapping
-- reads it.
--
-- PostgreSQL 15's postgres_fdw ships whole relations and WHERE clauses, not
-- function calls with arguments: the views make the arguments columns.  The
-- shard's planner pushes "day = D" into the day series, so the lateral
-- function runs once, for that day only.

CREATE SCHEMA poverty_aid_remote;
COMMENT ON SCHEMA poverty_aid_remote IS
  'poverty_aid''s shard side: views that a coordinator reads through postgres_fdw, with the arguments of the reports as columns to filter on (docs/scale-out.md)';

CREATE VIEW poverty_aid_remote.indicator_values_at WITH (security_invoker = true) AS
  SELECT d.day, l.by_level, r.root_code, v.region_code, v.ord, v.key, v.label, v.numerator,
         v.denominator, v.value, v.unit, v.ratio
    FROM (SELECT date '2000-01-01' + i AS day FROM pg_catalog.generate_series(0, 36889) i) d
   CROSS JOIN (SELECT NULL::text
               UNION ALL
               SELECT pg_catalog.unnest(pg_catalog.enum_range(NULL::@extschema@.region_level))::text) l (by_level)
   CROSS JOIN (SELECT NULL::text UNION ALL SELECT g.code FROM @extschema@.region g) r (root_code)
   CROSS JOIN LATERAL @extschema@.indicator_values(d.day, l.by_level::@extschema@.region_level, r.root_code) v;
COMMENT ON VIEW poverty_aid_remote.indicator_values_at IS
  'indicator_values(day, by_level, root_code) of this node as a relation, for a coordinator''s foreign table: query it with WHERE day = D AND by_level ... AND root_code ... (NULL: IS NULL) and the function runs once; days 2000-01-01 to 2100-12-31';

COMMENT ON COLUMN poverty_aid_remote.indicator_values_at.day IS 'The as_of argument: filter with day = D';
COMMENT ON COLUMN poverty_aid_remote.indicator_values_at.by_level IS 'The by_level argument as text: filter with by_level = L or by_level IS NULL';
COMMENT ON COLUMN poverty_aid_remote.indicator_values_at.root_code IS 'The root_code argument (12 digits): filter with root_code = C or root_code IS NULL';

CREATE VIEW poverty_aid_remote.county_indicators_at WITH (security_invoker = true) AS
  SELECT d.day, c.*
    FROM (SELECT date '2000-01-01' + i AS day FROM pg_catalog.generate_series(0, 36889) i) d
   CROSS JOIN LATERAL @extschema@.county_indicators_as_of(d.day) c;
COMMENT ON VIEW poverty_aid_remote.county_indicators_at IS
  'county_indicators_as_of(day) of this node as a relation, for a coordinator''s foreign table: query it with WHERE day = D; days 2000-01-01 to 2100-12-31';

COMMENT ON COLUMN poverty_aid_remote.county_indicators_at.day IS 'The as_of argument: filter with day = D';

CREATE VIEW poverty_aid_remote.village_indicators_at WITH (security_invoker = true) AS
  SELECT d.day, v.*
    FROM (SELECT date '2000-01-01' + i AS day FROM pg_catalog.generate_series(0, 36889) i) d
   CROSS JOIN LATERAL @extschema@.village_indicators_as_of(d.day) v;
COMMENT ON VIEW poverty_aid_remote.village_indicators_at IS
  'village_indicators_as_of(day) of this node as a relation, for a coordinator''s foreign table: query it with WHERE day = D; days 2000-01-01 to 2100-12-31';

COMMENT ON COLUMN poverty_aid_remote.village_indicators_at.day IS 'The as_of argument: filter with day = D';

-- The income measures of the whole register are no sums of the shards'
-- values, but their exact partial states are: each shard ships one row of
-- states (fgt_partial and friends) and the coordinator rolls them up with
-- measure_rollup(), bit for bit the single node's figure.  The Gini
-- coefficient has no fixed-size state (it needs the distribution), so it
-- alone stays NULL for the whole register on a coordinator.
CREATE FUNCTION @extschema@.income_partials(as_of date)
  RETURNS TABLE (poverty_gap bytea, poverty_severity bytea, watts bytea, mean bytea,
                 poverty_gap_yuan bytea, incomes_at_or_below_zero bigint)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('income_partials');
  WITH inc AS (
    SELECT i.per_capita_income::double precision AS y, l.line::double precision AS z, h.members
      FROM @extschema@.household_income i
      JOIN @extschema@.household h ON h.id = i.household_id
      LEFT JOIN @extschema@.poverty_line l ON l.year = i.year
     WHERE i.year = @extschema@.income_year(income_partials.as_of)
  )
  SELECT @extschema@.fgt_partial(inc.y, inc.z, 1, inc.members),
         @extschema@.fgt_partial(inc.y, inc.z, 2, inc.members),
         @extschema@.watts_partial(inc.y, inc.z, inc.members) FILTER (WHERE inc.y > 0),
         @extschema@.income_mean_partial(inc.y, inc.members),
         @extschema@.poverty_gap_yuan_partial(inc.y, inc.z, inc.members),
         count(*) FILTER (WHERE inc.y <= 0)
    FROM inc;
END;
COMMENT ON FUNCTION @extschema@.income_partials(date) IS
  'The partial states of the income measures of income_values() for this whole node (FGT(1), FGT(2), Watts over positive incomes, mean income, mean shortfall; measure_rollup() states) and the number of incomes at or below zero: what a shard ships so that a coordinator rolls the whole register''s measures up exactly';

CREATE VIEW poverty_aid_remote.income_partials_at WITH (security_invoker = true) AS
  SELECT d.day, p.*
    FROM (SELECT date '2000-01-01' + i AS day FROM pg_catalog.generate_series(0, 36889) i) d
   CROSS JOIN LATERAL @extschema@.income_partials(d.day) p;
COMMENT ON VIEW poverty_aid_remote.income_partials_at IS
  'income_partials(day) of this node as a relation, for a coordinator''s foreign table: query it with WHERE day = D; days 2000-01-01 to 2100-12-31';
COMMENT ON COLUMN poverty_aid_remote.income_partials_at.day IS 'The as_of argument: filter with day = D';

CREATE VIEW poverty_aid_remote.node WITH (security_invoker = true) AS
  SELECT (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'poverty_aid') AS version,
         ARRAY(SELECT DISTINCT pg_catalog.left(g.code, 2) || '0000000000' FROM @extschema@.region g ORDER BY 1) AS provinces;
COMMENT ON VIEW poverty_aid_remote.node IS
  'What a coordinator checks of a shard: the extension version it runs and the provinces its regions lie in (12-digit codes)';

COMMENT ON COLUMN poverty_aid_remote.node.version IS 'Version of poverty_aid installed on this node';
COMMENT ON COLUMN poverty_aid_remote.node.provinces IS 'Provinces (12-digit codes) that the regions of this node lie in';

-- Coordinator side ---------------------------------------------------------------

CREATE TABLE @extschema@.shard (
  name           text PRIMARY KEY CONSTRAINT shard_name_simple CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
  server         name NOT NULL UNIQUE,
  foreign_schema name NOT NULL UNIQUE,
  provinces      text[] NOT NULL DEFAULT '{}',
  version        text,
  added_by       name NOT NULL DEFAULT session_user,
  added_at       timestamptz NOT NULL DEFAULT now(),
  checked_at     timestamptz
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard', '');
COMMENT ON TABLE @extschema@.shard IS
  'Shards of this coordinator (written by shard_add(), shard_check(), shard_remove()): when it has rows this node is a coordinator and the shard-aware reports read the shards';
COMMENT ON COLUMN @extschema@.shard.name IS 'Name of the shard (lower-case letters, digits, underscores)';
COMMENT ON COLUMN @extschema@.shard.server IS 'postgres_fdw foreign server of the shard (named like the shard)';
COMMENT ON COLUMN @extschema@.shard.foreign_schema IS 'Local schema of the shard''s foreign tables (poverty_aid_shard_NAME)';
COMMENT ON COLUMN @extschema@.shard.provinces IS 'Provinces (12-digit codes) the shard holds, as found by the last shard_check()';
COMMENT ON COLUMN @extschema@.shard.version IS 'Version of poverty_aid the shard ran at the last shard_check()';
COMMENT ON COLUMN @extschema@.shard.added_by IS 'Session user that added the shard';
COMMENT ON COLUMN @extschema@.shard.added_at IS 'When the shard was added';
COMMENT ON COLUMN @extschema@.shard.checked_at IS 'When shard_check() last reached the shard';

-- A connection error names the postgres_fdw server: say which shard it is
-- and that no figure was computed.
CREATE FUNCTION @extschema@.shard_unreachable(state text, message text) RETURNS void
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  server_name text := (pg_catalog.regexp_match(message, 'server "([^"]+)"'))[1];
  shard_name  text;
BEGIN
  SELECT s.name INTO shard_name FROM @extschema@.shard s WHERE s.server = server_name;
  RAISE EXCEPTION 'shard % is unreachable', coalesce(shard_name, server_name, '(unknown)')
    USING ERRCODE = state,
          DETAIL = pg_catalog.format('No figure was computed. postgres_fdw: %s', message),
          HINT = 'Start the shard or correct its server options, then run poverty_aid.shard_check().';
END
$$;
COMMENT ON FUNCTION @extschema@.shard_unreachable(text, text) IS
  'Internal to the shard-aware reports: re-raises a connection error as "shard NAME is unreachable" (same SQLSTATE), so that no partial figure is ever returned';

-- The query text "SELECT columns FROM shard1 WHERE ... UNION ALL ..." over
-- the foreign tables of one view: every shard, or the one holding a province.
CREATE FUNCTION @extschema@.shard_rows_sql(view_name text, as_of date, filter text DEFAULT NULL,
                                           province text DEFAULT NULL) RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  cols text;
  q    text;
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF as_of NOT BETWEEN date '2000-01-01' AND date '2100-12-31' THEN
    RAISE EXCEPTION 'a coordinator reports on days from 2000-01-01 to 2100-12-31'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('The date %s is outside that range.', as_of);
  END IF;
  SELECT string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = ('poverty_aid_remote.' || pg_catalog.quote_ident(view_name))::regclass
     AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT IN ('day', 'by_level', 'root_code');
  SELECT string_agg(pg_catalog.format('SELECT %s FROM %I.%I WHERE day = %L::date%s', cols, s.foreign_schema,
                                      view_name, as_of, coalesce(' AND ' || filter, '')),
                    ' UNION ALL ' ORDER BY s.name) INTO q
    FROM @extschema@.shard s
   WHERE province IS NULL OR province = ANY (s.provinces);
  IF q IS NULL AND province IS NOT NULL THEN
    RAISE EXCEPTION 'no shard holds province %', province
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Run poverty_aid.shard_check() to refresh the provinces of the shards, or add the shard that holds it.';
  ELSIF q IS NULL THEN
    RAISE EXCEPTION 'this node has no shards' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN q;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_rows_sql(text, date, text, text) IS
  'Internal to the shard-aware reports: the text of one query over the foreign tables of a shard view, one SELECT per shard (all shards, or the one holding a province) joined by UNION ALL, each with the WHERE clause postgres_fdw ships';

CREATE FUNCTION @extschema@.shard_indicator_values(as_of date, by_level @extschema@.region_level DEFAULT NULL,
                                                   root_code text DEFAULT NULL)
  RETURNS TABLE (region_code text, ord integer, key text, label text, numerator numeric,
                 denominator numeric, value numeric, unit text, ratio @extschema@.ratio)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  scope  text := @extschema@.region_code(root_code);
  filter text := pg_catalog.format('by_level %s AND root_code %s',
                                   coalesce('= ' || pg_catalog.quote_literal(by_level::text), 'IS NULL'),
                                   coalesce('= ' || pg_catalog.quote_literal(scope), 'IS NULL'));
  rows_sql text;
BEGIN
  IF scope IS NOT NULL OR by_level IS NOT NULL THEN
    -- Every group lies in one province: the shards' rows are the answer.  A
    -- region is forwarded whole to the shard holding its province.
    rows_sql := @extschema@.shard_rows_sql('indicator_values_at', as_of, filter,
                                           pg_catalog.left(scope, 2) || '0000000000');
    -- In indicator_values()' order: its blocks (register, after exit,
    -- income: ord 1-99, 100-199, 200-299), each by region and key.
    RETURN QUERY EXECUTE 'SELECT * FROM (' || rows_sql || ') p ORDER BY p.ord / 100, p.region_code, p.ord';
    RETURN;
  END IF;
  -- The whole register: roll the shards' totals up.  Ratios are ratios of
  -- sums (rollup()); the units of the coverage ratios are disjoint across
  -- province shards (shard_check() verifies that no province is on two
  -- shards), so the sums are exact.  Attainments are recomputed from the
  -- summed numerator and this node's national target.  The income indices
  -- and means roll up from the shards' partial states (income_partials());
  -- the Gini coefficient has none: NULL on a coordinator (docs/scale-out.md).
  rows_sql := @extschema@.shard_rows_sql('indicator_values_at', as_of, filter);
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH p AS (%s
    ), ip AS (
      SELECT @extschema@.measure_rollup(q.poverty_gap) AS income_poverty_gap,
             @extschema@.measure_rollup(q.poverty_severity) AS income_poverty_severity,
             CASE WHEN sum(q.incomes_at_or_below_zero) = 0
                  THEN @extschema@.measure_rollup(q.watts) END AS income_watts,
             @extschema@.measure_rollup(q.mean) AS income_mean,
             @extschema@.measure_rollup(q.poverty_gap_yuan) AS income_poverty_gap_yuan
        FROM (%s) q
    ), t AS (
      SELECT max(t.target_value) FILTER (WHERE t.indicator = 'jobs_found') AS jobs,
             max(t.target_value) FILTER (WHERE t.indicator = 'consumption_sales') AS sales,
             max(t.target_value) FILTER (WHERE t.indicator = 'projects_started') AS projects
        FROM @extschema@.target t
       WHERE t.year = %s AND t.region_code IS NULL
    ), g AS (
      SELECT p.ord, p.key, min(p.label) AS label, min(p.unit) AS unit,
             @extschema@.rollup(p.ratio) AS r, sum(p.numerator) AS total,
             bool_and(p.numerator IS NULL) AS not_a_sum,
             CASE WHEN min(p.value) = max(p.value) THEN min(p.value) END AS common
        FROM p GROUP BY p.ord, p.key
    ), v AS (
      SELECT g.ord, g.key, g.label, g.unit,
             CASE WHEN g.key = 'jobs_found_attainment' THEN @extschema@.ratio(g.total, t.jobs)
                  WHEN g.key = 'consumption_sales_attainment' THEN @extschema@.ratio(g.total, t.sales)
                  WHEN g.key = 'projects_started_attainment' THEN @extschema@.ratio(g.total, t.projects)
                  WHEN g.unit = '%%' THEN g.r END AS r,
             -- counts and amounts add up; a value that is no sum (the
             -- income year and line) is the shards' common value; an index
             -- or mean of incomes cannot be rolled up from shard values
             CASE WHEN g.unit = '%%' AND g.key NOT LIKE '%%\_attainment' THEN NULL
                  WHEN NOT g.not_a_sum THEN g.total
                  WHEN g.key IN ('income_year', 'income_poverty_line') THEN g.common
                  WHEN g.key = 'income_poverty_gap' THEN round(ip.income_poverty_gap::numeric, 6)
                  WHEN g.key = 'income_poverty_severity' THEN round(ip.income_poverty_severity::numeric, 6)
                  WHEN g.key = 'income_watts' THEN round(ip.income_watts::numeric, 6)
                  WHEN g.key = 'income_mean' THEN round(ip.income_mean::numeric, 2)
                  WHEN g.key = 'income_poverty_gap_yuan' THEN round(ip.income_poverty_gap_yuan::numeric, 2) END AS amount,
             g.not_a_sum AND g.unit <> '%%' AS not_a_sum
        FROM g CROSS JOIN t CROSS JOIN ip
    )
    SELECT NULL::text, v.ord, v.key, v.label,
           CASE WHEN v.unit = '%%' THEN coalesce(@extschema@.ratio_numerator(v.r), v.amount)
                WHEN NOT v.not_a_sum THEN v.amount END,
           @extschema@.ratio_denominator(v.r),
           CASE WHEN v.unit = '%%' THEN @extschema@.ratio_percent(v.r, 1) ELSE v.amount END,
           v.unit, v.r
      FROM v ORDER BY v.ord$q$, rows_sql, @extschema@.shard_rows_sql('income_partials_at', as_of),
    extract(year FROM as_of)::integer);
EXCEPTION WHEN connection_exception THEN
  PERFORM @extschema@.shard_unreachable(SQLSTATE, SQLERRM);
END
$$;
COMMENT ON FUNCTION @extschema@.shard_indicator_values(date, @extschema@.region_level, text) IS
  'indicator_values() of a coordinator: one query per shard over poverty_aid_remote.indicator_values_at (run in parallel), shipping per-region partial results only; a region is forwarded to the shard holding its province, the whole register is rolled up (ratios of sums, attainments against this node''s national targets). indicator_values() calls it on a coordinator';

-- Setup ------------------------------------------------------------------------------
--
-- Superuser only: the functions create foreign servers, user mappings,
-- schemas and foreign tables.  postgres_fdw must be installed first (it is
-- not a requirement of the extension: a single node does not need it).

CREATE FUNCTION @extschema@.shard_check()
  RETURNS TABLE (name text, server name, version text, provinces text[])
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  s    record;
  code text;
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may check the shards' USING ERRCODE = 'insufficient_privilege';
  END IF;
  FOR s IN SELECT t.name FROM @extschema@.shard t ORDER BY 1 LOOP
    PERFORM @extschema@.shard_refresh(s.name);
  END LOOP;
  SELECT r.code INTO code FROM @extschema@.region r
   WHERE r.level = 'province'
     AND NOT EXISTS (SELECT 1 FROM @extschema@.shard t WHERE r.code = ANY (t.provinces))
   ORDER BY 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'province % is held by no shard', code
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Every province of this node''s poverty_aid.region must be held by a shard, or the reports by level would leave it out.';
  END IF;
  RETURN QUERY SELECT t.name, t.server, t.version, t.provinces FROM @extschema@.shard t ORDER BY 1;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_check() IS
  'Reaches every shard and checks it: an unreachable shard, a shard running another version of poverty_aid, a province on two shards or a province of this node''s region table on none is an error naming it; records each shard''s provinces and version and lists the shards. Superuser only';

CREATE FUNCTION @extschema@.shard_add(name text, host text, port integer, dbname text,
                                      remote_user text DEFAULT NULL, password text DEFAULT NULL)
  RETURNS TABLE (shard text, server name, version text, provinces text[])
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  fschema name := 'poverty_aid_shard_' || name;
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may add a shard' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF name IS NULL OR name !~ '^[a-z][a-z0-9_]{0,39}$' THEN
    RAISE EXCEPTION 'invalid shard name' USING ERRCODE = 'invalid_parameter_value',
      DETAIL = pg_catalog.format('Shard name %L is not lower-case letters, digits and underscores (at most 40, a letter first).', name);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname = 'postgres_fdw') THEN
    RAISE EXCEPTION 'postgres_fdw is not installed in this database' USING ERRCODE = 'undefined_object',
      HINT = 'A superuser runs CREATE EXTENSION postgres_fdw first.';
  END IF;
  EXECUTE pg_catalog.format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, '
                            'extensions ''poverty_aid'', async_capable ''true'', fetch_size ''10000'')',
                            name, host, port::text, dbname);
  EXECUTE pg_catalog.format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L%s)', name,
                            coalesce(remote_user, current_user),
                            coalesce(', password ' || pg_catalog.quote_literal(password), ''));
  EXECUTE pg_catalog.format('CREATE SCHEMA %I', fschema);
  EXECUTE pg_catalog.format('COMMENT ON SCHEMA %I IS %L', fschema,
                            'Foreign tables of poverty_aid shard ' || name || ' (shard_add(); dropped by shard_remove())');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE %I.shard_extension (extname name, extversion text) SERVER %I '
                            'OPTIONS (schema_name ''pg_catalog'', table_name ''pg_extension'')', fschema, name);
  INSERT INTO @extschema@.shard (name, server, foreign_schema) VALUES (name, name, fschema);
  -- The version first: an older shard has no shard views to import.
  PERFORM @extschema@.shard_refresh(name);
  EXECUTE pg_catalog.format('IMPORT FOREIGN SCHEMA poverty_aid_remote LIMIT TO (indicator_values_at, '
                            'county_indicators_at, village_indicators_at, income_partials_at, node) '
                            'FROM SERVER %I INTO %I', name, fschema);
  PERFORM @extschema@.shard_refresh(name);
  RETURN QUERY SELECT t.name, t.server, t.version, t.provinces FROM @extschema@.shard t WHERE t.name = shard_add.name;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_add(text, text, integer, text, text, text) IS
  'Adds a shard: a postgres_fdw server (async_capable, shipping poverty_aid''s types and functions), a user mapping for the current user, a schema poverty_aid_shard_NAME with the foreign tables of the shard views, and a poverty_aid.shard row; then checks the shard (its version, and that none of its provinces is on another shard). Superuser only; postgres_fdw must be installed. E.g. SELECT * FROM poverty_aid.shard_add(''north'', ''10.0.0.5'', 5432, ''register'')';

CREATE FUNCTION @extschema@.shard_refresh(name text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  s     record;
  v     text;
  p     text[];
  mine  text := (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'poverty_aid');
  clash record;
BEGIN
  SELECT * INTO STRICT s FROM @extschema@.shard t WHERE t.name = shard_refresh.name;
  BEGIN
    EXECUTE pg_catalog.format('SELECT e.extversion::text FROM %I.shard_extension e WHERE e.extname = ''poverty_aid''',
                              s.foreign_schema) INTO v;
  EXCEPTION WHEN OTHERS THEN
    RAISE EXCEPTION 'shard % is unreachable', s.name
      USING ERRCODE = SQLSTATE, DETAIL = pg_catalog.format('postgres_fdw: %s', SQLERRM),
            HINT = 'Start the shard or correct the options of its server ' || pg_catalog.quote_ident(s.server) || '.';
  END;
  IF v IS DISTINCT FROM mine THEN
    RAISE EXCEPTION 'shard % runs poverty_aid %, not %', s.name, coalesce(v, '(none)'), mine
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Every shard must run the same version of the extension as its coordinator.',
            HINT = 'Run ALTER EXTENSION poverty_aid UPDATE on the shard (or on this node).';
  END IF;
  IF pg_catalog.to_regclass(pg_catalog.quote_ident(s.foreign_schema) || '.node') IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT n.provinces FROM %I.node n', s.foreign_schema) INTO p;
  END IF;
  UPDATE @extschema@.shard t SET provinces = coalesce(p, '{}'), version = v, checked_at = now() WHERE t.name = s.name;
  -- Provinces are disjoint: no unit is counted twice in a roll-up.
  SELECT t.name, x.code INTO clash
    FROM @extschema@.shard t CROSS JOIN LATERAL pg_catalog.unnest(t.provinces) x (code)
   WHERE t.name <> s.name AND x.code = ANY (p)
   ORDER BY 2, 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'province % is on shards % and %', clash.code, least(clash.name, s.name), greatest(clash.name, s.name)
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'A province must be held by one shard only, or the roll-up would count its units twice.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_refresh(text) IS
  'Internal to shard_add() and shard_check(): reaches one shard and records its version and provinces; an unreachable shard, another version of poverty_aid than this node''s or a province also held by another shard is an error naming the shard';

CREATE FUNCTION @extschema@.shard_remove(name text) RETURNS boolean
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  s record;
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may remove a shard' USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM @extschema@.shard t WHERE t.name = shard_remove.name RETURNING * INTO s;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  EXECUTE pg_catalog.format('DROP SCHEMA IF EXISTS %I CASCADE', s.foreign_schema);
  EXECUTE pg_catalog.format('DROP SERVER IF EXISTS %I CASCADE', s.server);
  RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_remove(text) IS
  'Removes a shard: its foreign tables, schema, server and user mappings and its poverty_aid.shard row; false if there is no such shard. The last shard removed makes this node a single node again. Superuser only';

REVOKE EXECUTE ON FUNCTION @extschema@.shard_add(text, text, integer, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.shard_check() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.shard_refresh(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.shard_remove(text) FROM PUBLIC;
