-- The income distribution: what the income measures of a county, a
-- prefecture, a province or the whole register read instead of
-- household_income.
--
-- The income measures of a year (headcount, FGT(1), FGT(2), Watts, Gini,
-- mean income, mean shortfall) depend on the incomes only through the
-- distribution: how many people (members) and households have each
-- per-capita income.  income_distribution holds it per year and income at
-- three levels: the whole register (level and region_code NULL), each
-- province and each county.  For a national register the whole register has
-- a few hundred thousand distinct incomes a year instead of millions of
-- incomes joined to their households; a county's incomes hardly repeat, but
-- its rows lie together in the index, in income order, where its households'
-- incomes are scattered over household_income (one lookup per household).
-- A prefecture reads the rows of its counties.  The measures' sums add
-- w * t exactly and Gini merges equal incomes (src/poverty_measures.c), so
-- measures over the distribution equal the same measures over the incomes
-- bit for bit.
--
-- The table is append-only, like the household tally: statement triggers on
-- household_income (insert, update, delete) and on household (a change of
-- members or village, which moves or reweighs the household's incomes)
-- append the signed difference per year, region and income.  Before they
-- read, both update the rows of household_tally_lock of the household
-- numbers they touch (the household tally's own trigger does so for
-- household, and runs first): a write of an income and a concurrent change
-- of its household are ordered, and at REPEATABLE READ or SERIALIZABLE the
-- second fails with 40001 for the client to retry, so the distribution never
-- misses a change.  income_distribution_compact() merges the rows of each
-- (year, region, income); income_distribution_check() compares the
-- distribution with the register and income_distribution_rebuild()
-- recomputes it.

CREATE TABLE @extschema@.income_distribution (
  year              integer NOT NULL,
  level             @extschema@.region_level,
  region_code       text,
  per_capita_income numeric(14, 2) NOT NULL,
  households        integer NOT NULL,
  people            bigint NOT NULL,
  CONSTRAINT income_distribution_level_check
    CHECK (CASE WHEN level IS NULL THEN region_code IS NULL
                ELSE coalesce(level IN ('province', 'county')
                              AND @extschema@.region_code_level(region_code) = level, false) END)
);
CREATE INDEX income_distribution_idx ON @extschema@.income_distribution (year, level, region_code, per_capita_income);
COMMENT ON TABLE @extschema@.income_distribution IS
  'How many households and people have each per-capita income of household_income, per year, for the whole register, per province and per county, kept by triggers on household_income and household: what income_values() reads for the whole register, a province, a prefecture (its counties'' rows) and a county. Append-only rows of differences (signed)';
COMMENT ON COLUMN @extschema@.income_distribution.year IS 'Year of the incomes';
COMMENT ON COLUMN @extschema@.income_distribution.level IS 'Level of region_code: province or county; NULL: the whole register';
COMMENT ON COLUMN @extschema@.income_distribution.region_code IS 'Province or county of the households (12 digits); NULL: the whole register';
COMMENT ON COLUMN @extschema@.income_distribution.per_capita_income IS 'Per-capita income, yuan';
COMMENT ON COLUMN @extschema@.income_distribution.households IS 'Households with that income (a difference: negative for incomes removed)';
COMMENT ON COLUMN @extschema@.income_distribution.people IS 'Members of those households (a difference)';

-- A province's or a county's rows are readable inside the role's read
-- scope; the whole register's only by a role that may read all of it.
ALTER TABLE @extschema@.income_distribution ENABLE ROW LEVEL SECURITY;
CREATE POLICY income_distribution_read ON @extschema@.income_distribution FOR SELECT
  USING (CASE WHEN region_code IS NULL THEN (SELECT @extschema@.region_read_scope(CURRENT_USER)) IS NULL
              ELSE @extschema@.region_in_scope(region_code, (SELECT @extschema@.region_read_scope(CURRENT_USER))) END);
COMMENT ON POLICY income_distribution_read ON @extschema@.income_distribution IS
  'A province''s or county''s rows inside the role''s read scope (region_read_scope); the whole register''s rows only with the whole register in scope';
GRANT SELECT ON @extschema@.income_distribution TO PUBLIC;

-- The statement that appends the distribution of signed incomes (a query
-- given as text, of rows (sign, year, village_code, per_capita_income,
-- members)).  Text, not a function that runs it: only the trigger function
-- itself can read its transition tables.
CREATE FUNCTION @extschema@.income_distribution_append(incomes text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.format($q$
    INSERT INTO @extschema@.income_distribution (year, level, region_code, per_capita_income, households, people)
    SELECT s.year, p.level, p.code, s.per_capita_income, sum(s.sign)::integer, sum(s.sign * s.members)
      FROM (%s) s
     CROSS JOIN LATERAL (VALUES (NULL::@extschema@.region_level, NULL::text),
                                ('province', @extschema@.region_ancestor_code(s.village_code, 'province')),
                                ('county', @extschema@.region_ancestor_code(s.village_code, 'county'))) AS p (level, code)
     WHERE p.level IS NULL OR p.code IS NOT NULL
     GROUP BY 1, 2, 3, 4
    HAVING sum(s.sign) <> 0 OR sum(s.sign * s.members) <> 0
     ORDER BY 1, 2, 3, 4$q$, incomes);
COMMENT ON FUNCTION @extschema@.income_distribution_append(text) IS
  'Internal to the income distribution: the INSERT that appends signed incomes (a query given as text) as rows of the whole register, of their province and of their county';

-- Writes to household_income: the statement's new incomes count, its old
-- ones are taken away, each with its household's members and village now.
CREATE FUNCTION @extschema@.income_distribution_income_trigger() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  old_src text := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN '(SELECT * FROM old_rows)'
                       ELSE '(SELECT * FROM @extschema@.household_income WHERE false)' END;
  new_src text := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN '(SELECT * FROM new_rows)'
                       ELSE '(SELECT * FROM @extschema@.household_income WHERE false)' END;
  b integer;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM @extschema@.income_distribution;
    RETURN NULL;
  END IF;
  -- Order this write after a concurrent change of the same households
  -- (members, village): the buckets of household_tally_lock, in order.
  FOR b IN EXECUTE pg_catalog.format($q$
      SELECT DISTINCT (hashtextextended(h.household_no, 0) & 1023)::integer
        FROM @extschema@.household h
       WHERE h.id IN (SELECT a.household_id FROM %s a UNION SELECT c.household_id FROM %s c)
       ORDER BY 1$q$, old_src, new_src)
  LOOP
    UPDATE @extschema@.household_tally_lock l SET writes = l.writes + 1 WHERE l.bucket = b;
  END LOOP;
  EXECUTE @extschema@.income_distribution_append(pg_catalog.format($q$
      SELECT 1 AS sign, n.year, h.village_code, n.per_capita_income, h.members
        FROM %2$s n JOIN @extschema@.household h ON h.id = n.household_id
      UNION ALL
      SELECT -1, o.year, h.village_code, o.per_capita_income, h.members
        FROM %1$s o JOIN @extschema@.household h ON h.id = o.household_id$q$,
    old_src, new_src));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.income_distribution_income_trigger() IS
  'Trigger: appends to income_distribution what an insert, update or delete on household_income changed (empties it on truncate)';
REVOKE EXECUTE ON FUNCTION @extschema@.income_distribution_income_trigger() FROM PUBLIC;

-- Updates of household: a household whose members or village changed moves
-- its incomes from the old weight, province and county to the new.  (A
-- household with incomes cannot be deleted, nor its id changed:
-- household_income references it.)  The household tally's trigger has already updated the
-- lock rows of these households (its name sorts first).
CREATE FUNCTION @extschema@.income_distribution_household_trigger() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  EXECUTE @extschema@.income_distribution_append($q$
      WITH moved AS (
        SELECT o.id, o.village_code AS old_village, o.members AS old_members,
               n.village_code AS new_village, n.members AS new_members
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.village_code, o.members) IS DISTINCT FROM (n.village_code, n.members)
      )
      SELECT s.sign, i.year, s.village_code, i.per_capita_income, s.members
        FROM moved m
        JOIN @extschema@.household_income i ON i.household_id = m.id
       CROSS JOIN LATERAL (VALUES (-1, m.old_village, m.old_members),
                                  (1, m.new_village, m.new_members)) AS s (sign, village_code, members)$q$);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.income_distribution_household_trigger() IS
  'Trigger: moves in income_distribution the incomes of the households whose members or village an update of household changed';
REVOKE EXECUTE ON FUNCTION @extschema@.income_distribution_household_trigger() FROM PUBLIC;

CREATE TRIGGER income_distribution_insert AFTER INSERT ON @extschema@.household_income
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.income_distribution_income_trigger();
CREATE TRIGGER income_distribution_update AFTER UPDATE ON @extschema@.household_income
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.income_distribution_income_trigger();
CREATE TRIGGER income_distribution_delete AFTER DELETE ON @extschema@.household_income
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.income_distribution_income_trigger();
CREATE TRIGGER income_distribution_truncate AFTER TRUNCATE ON @extschema@.household_income
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.income_distribution_income_trigger();
-- After household_tally_update (triggers of an event fire in name order).
CREATE TRIGGER income_distribution_household AFTER UPDATE ON @extschema@.household
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION @extschema@.income_distribution_household_trigger();
-- Like the household tally, the distribution follows the rows whoever
-- writes them, also with session_replication_role = replica.
ALTER TABLE @extschema@.household_income ENABLE ALWAYS TRIGGER income_distribution_insert;
ALTER TABLE @extschema@.household_income ENABLE ALWAYS TRIGGER income_distribution_update;
ALTER TABLE @extschema@.household_income ENABLE ALWAYS TRIGGER income_distribution_delete;
ALTER TABLE @extschema@.household_income ENABLE ALWAYS TRIGGER income_distribution_truncate;
ALTER TABLE @extschema@.household ENABLE ALWAYS TRIGGER income_distribution_household;

-- The distribution of one year for the whole register (NULL), a province,
-- a prefecture (the rows of its counties) or a county: one row per income
-- with people or households.
CREATE FUNCTION @extschema@.income_distribution_of(year integer, region_code text DEFAULT NULL)
  RETURNS TABLE (per_capita_income numeric, households bigint, people bigint)
  LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS
$$
#variable_conflict use_column
DECLARE
  code  text := @extschema@.region_code(income_distribution_of.region_code);
  lvl   @extschema@.region_level := @extschema@.region_code_level(code);
BEGIN
  IF lvl > 'county' THEN
    RAISE EXCEPTION 'the income distribution has no rows below the county'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Region %s is a %s.', code, lvl),
            HINT = 'Give the code of a county, prefecture or province, or NULL for the whole register.';
  END IF;
  RETURN QUERY
  SELECT d.per_capita_income, sum(d.households)::bigint, sum(d.people)::bigint
    FROM @extschema@.income_distribution d
   WHERE d.year = income_distribution_of.year
     AND ((code IS NULL AND d.level IS NULL AND d.region_code IS NULL)
          OR (d.level = CASE WHEN lvl = 'province' THEN 'province' ELSE 'county' END::@extschema@.region_level
              AND d.region_code BETWEEN code AND @extschema@.region_subtree_end(code)))
   GROUP BY d.per_capita_income
  HAVING sum(d.households) <> 0 OR sum(d.people) <> 0
   ORDER BY d.per_capita_income;
END
$$;
COMMENT ON FUNCTION @extschema@.income_distribution_of(integer, text) IS
  'The income distribution of a year from income_distribution, for the whole register (NULL), a province, a prefecture or a county (code of 6, 9 or 12 digits; below the county: error 22023): per per-capita income, the households and people (members) with it. Equal to the same counts over household_income (income_distribution_check())';

-- The register's own distribution, to check the summary against.
CREATE FUNCTION @extschema@.income_distribution_check()
  RETURNS TABLE (year integer, region_code text, per_capita_income numeric,
                 in_summary bigint[], in_register bigint[])
  LANGUAGE sql STABLE
BEGIN ATOMIC
  WITH reg AS (
    SELECT i.year, p.code, i.per_capita_income, count(*) AS households, sum(h.members)::bigint AS people
      FROM @extschema@.household_income i
      JOIN @extschema@.household h ON h.id = i.household_id
     CROSS JOIN LATERAL (VALUES (true, NULL::text),
                                (false, @extschema@.region_ancestor_code(h.village_code, 'province')),
                                (false, @extschema@.region_ancestor_code(h.village_code, 'county'))) AS p (whole, code)
     WHERE p.whole OR p.code IS NOT NULL
     GROUP BY 1, 2, 3
  ), summ AS (
    SELECT d.year, d.region_code AS code, d.per_capita_income,
           sum(d.households) AS households, sum(d.people)::bigint AS people
      FROM @extschema@.income_distribution d
     GROUP BY 1, 2, 3
  )
  SELECT coalesce(s.year, r.year), coalesce(s.code, r.code), coalesce(s.per_capita_income, r.per_capita_income),
         ARRAY[coalesce(s.households, 0), coalesce(s.people, 0)],
         ARRAY[coalesce(r.households, 0), coalesce(r.people, 0)]
    FROM summ s
    FULL JOIN reg r ON r.year = s.year AND r.code IS NOT DISTINCT FROM s.code
                   AND r.per_capita_income = s.per_capita_income
   WHERE ARRAY[coalesce(s.households, 0), coalesce(s.people, 0)]
         <> ARRAY[coalesce(r.households, 0), coalesce(r.people, 0)]
   ORDER BY 1, 2, 3;
END;
COMMENT ON FUNCTION @extschema@.income_distribution_check() IS
  'Differences between income_distribution and household_income (no rows: they agree): per year, province or county (NULL: the whole register) and per-capita income, the households and people of the summary and of the register. Reads the rows the caller may read (a role without the whole register in scope sees differences for it)';

CREATE FUNCTION @extschema@.income_distribution_rebuild() RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE @extschema@.household IN SHARE MODE;
  LOCK TABLE @extschema@.household_income IN SHARE MODE;
  LOCK TABLE @extschema@.income_distribution IN EXCLUSIVE MODE;
  DELETE FROM @extschema@.income_distribution;
  EXECUTE @extschema@.income_distribution_append(
    'SELECT 1 AS sign, i.year, h.village_code, i.per_capita_income, h.members
       FROM @extschema@.household_income i JOIN @extschema@.household h ON h.id = i.household_id');
  SELECT count(*) INTO n FROM @extschema@.income_distribution;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.income_distribution_rebuild() IS
  'Recomputes income_distribution from household_income and household (after a data-only restore with triggers disabled, say) and returns its rows; holds off writes to both meanwhile. Superuser or the extension''s owner';
REVOKE EXECUTE ON FUNCTION @extschema@.income_distribution_rebuild() FROM PUBLIC;

CREATE FUNCTION @extschema@.income_distribution_compact() RETURNS TABLE (rows_before bigint, rows_after bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  -- One compaction at a time; writers go on appending meanwhile.
  PERFORM pg_advisory_xact_lock(1348561220, -2);
  WITH gone AS (
    DELETE FROM @extschema@.income_distribution RETURNING *
  ), merged AS (
    INSERT INTO @extschema@.income_distribution (year, level, region_code, per_capita_income, households, people)
    SELECT g.year, g.level, g.region_code, g.per_capita_income, sum(g.households), sum(g.people)
      FROM gone g
     GROUP BY 1, 2, 3, 4
    HAVING sum(g.households) <> 0 OR sum(g.people) <> 0
     ORDER BY 1, 2, 3, 4
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM merged) INTO rows_before, rows_after;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.income_distribution_compact() IS
  'Merges the rows of income_distribution that share a year, region and income into one (each write to household_income appends rows); returns the rows before and after. Reports give the same figures before and after; run it now and then (e.g. nightly with pg_cron). Superuser or the extension''s owner';
REVOKE EXECUTE ON FUNCTION @extschema@.income_distribution_compact() FROM PUBLIC;
