-- The household tally: what the reports read instead of the household
-- register.
--
-- The household figures of indicator_values() (household exit rate, baseline
-- and current poor population, reduction, incidence, villages above 10%) are
-- sums per village of five counts of household periods: registered, exited,
-- members registered, members exited, members of each household's first
-- period; its jobs found this year are a sixth count, of jobs (employment)
-- by the village of their household.  household_tally holds those sums per
-- village and time bucket:
--
--   grain 'y'  bucket = 1 January of a year   events of that year
--   grain 'm'  bucket = first of a month      events of that month
--   grain 'd'  bucket = the day               events of that day
--
-- (an event is a period's registration day, with its members, its exit
-- day, and a job's first day).  A village's figures on a day D are the sums
-- of its 'y' rows before D's year, its 'm' rows of D's year before D's month
-- and its 'd' rows of D's month up to D: at most a few dozen rows per
-- village whatever the size of the register, instead of every household
-- period; its jobs of the year are the sums of the 'm' and 'd' rows alone.
--
-- The table is append-only.  Statement triggers on household and employment
-- add, for every insert, update or delete, the difference the statement made
-- to each village and bucket (new rows; never an update of a shared row), so
-- concurrent clerks do not wait on each other, and the tally commits or
-- rolls back with the change: a report never sees one without the other.
-- household_tally_compact() merges the rows of each (village, grain, bucket)
-- into one; household_tally_check() compares the tally with the register and
-- household_tally_rebuild() recomputes it.
--
-- Which period is a household's first depends on its other periods, so the
-- trigger recomputes the first periods of every household number the
-- statement touched, after updating the row of household_tally_lock of each
-- of their hash buckets (1,024 buckets, in order).  A concurrent statement on
-- the same household waits for the first one's commit; at READ COMMITTED it
-- then sees its rows, at REPEATABLE READ or SERIALIZABLE (whose snapshot
-- would not show them) the update fails with a serialization failure (40001)
-- that the client retries, whatever the other transaction's level.
--
-- A job counts in the village its household period has now.  An update of
-- household that moves a period to another village (or gives its id to
-- another period) moves the period's jobs too; an insert of periods brings
-- the jobs already there (a restore loads employment first).  A write to
-- employment takes the household_tally_lock rows of its households'
-- numbers first, so that it and a concurrent move of the same household are
-- ordered as two writes of that household are.

CREATE TABLE @extschema@.household_tally (
  village_code  text NOT NULL,
  grain         "char" NOT NULL CONSTRAINT household_tally_grain CHECK (grain IN ('y', 'm', 'd')),
  bucket        date NOT NULL,
  periods       integer NOT NULL,
  exits         integer NOT NULL,
  members       integer NOT NULL,
  exit_members  integer NOT NULL,
  first_members integer NOT NULL,
  jobs          integer NOT NULL DEFAULT 0
);
-- A region subtree's rows of one grain (reports of a province, county,
-- village: the grain leads, so a subtree's year rows are not interleaved
-- with its many day rows) ...
CREATE INDEX household_tally_village_idx ON @extschema@.household_tally (grain, village_code, bucket);
-- ... and the whole register's rows of a time range.
CREATE INDEX household_tally_bucket_idx ON @extschema@.household_tally (grain, bucket);
COMMENT ON TABLE @extschema@.household_tally IS
  'Sums of the household register and its jobs per village and year, month and day, kept by triggers on household and employment: what indicator_values() reads for the household figures and jobs found. Append-only rows of differences; see household_tally_village()';
COMMENT ON COLUMN @extschema@.household_tally.village_code IS 'Village of the household periods';
COMMENT ON COLUMN @extschema@.household_tally.grain IS 'y: the bucket is a year, m: a month, d: a day';
COMMENT ON COLUMN @extschema@.household_tally.bucket IS 'First day of the year or month, or the day';
COMMENT ON COLUMN @extschema@.household_tally.periods IS 'Household periods registered in the bucket';
COMMENT ON COLUMN @extschema@.household_tally.exits IS 'Household periods exited in the bucket';
COMMENT ON COLUMN @extschema@.household_tally.members IS 'Members of the periods registered in the bucket';
COMMENT ON COLUMN @extschema@.household_tally.exit_members IS 'Members of the periods exited in the bucket';
COMMENT ON COLUMN @extschema@.household_tally.first_members IS
  'Members of the periods registered in the bucket that are their household''s first (earliest registration day, then lowest id)';
COMMENT ON COLUMN @extschema@.household_tally.jobs IS
  'Jobs (employment rows) that started in the bucket, in the village of their household period';

-- One row per hash bucket of household numbers, updated by the triggers to
-- order concurrent writers of the same households (see above).
CREATE TABLE @extschema@.household_tally_lock (
  bucket integer PRIMARY KEY CONSTRAINT household_tally_lock_bucket CHECK (bucket BETWEEN 0 AND 1023),
  writes bigint NOT NULL DEFAULT 0
);
INSERT INTO @extschema@.household_tally_lock (bucket) SELECT generate_series(0, 1023);
COMMENT ON TABLE @extschema@.household_tally_lock IS
  'Internal to the household tally: a row per hash bucket of household numbers (hashtextextended(household_no, 0) & 1023), updated by each write to household or employment so that concurrent writers of one household are ordered; writes counts them';
COMMENT ON COLUMN @extschema@.household_tally_lock.bucket IS 'Hash bucket of household numbers: hashtextextended(household_no, 0) & 1023';
COMMENT ON COLUMN @extschema@.household_tally_lock.writes IS 'Statements that wrote periods or jobs of households of the bucket (since install or restore)';

-- Readers see the villages of their read scope, as in household; nobody but
-- the triggers (SECURITY DEFINER) writes.
ALTER TABLE @extschema@.household_tally ENABLE ROW LEVEL SECURITY;
CREATE POLICY household_tally_read ON @extschema@.household_tally FOR SELECT
  USING (@extschema@.region_in_scope(village_code, (SELECT @extschema@.region_read_scope(CURRENT_USER))));
COMMENT ON POLICY household_tally_read ON @extschema@.household_tally IS
  'Rows readable inside the role''s read scope (region_read_scope); bound by village_code';
GRANT SELECT ON @extschema@.household_tally TO PUBLIC;

-- The five counts of a set of household periods, per village and day.  The
-- rows are (sign, id, household_no, village_code, members, registered_on,
-- exited_on); sign is +1 or -1.  A period is its household's first when no
-- period of the same sign and number registered earlier (or on the same
-- day with a lower id).
CREATE FUNCTION @extschema@.household_tally_events(states text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.format($q$
  SELECT e.village_code, e.day,
         sum(e.periods)::integer AS periods, sum(e.exits)::integer AS exits,
         sum(e.members)::integer AS members, sum(e.exit_members)::integer AS exit_members,
         sum(e.first_members)::integer AS first_members, 0 AS jobs
    FROM (SELECT s.sign, s.village_code, s.members, s.registered_on, s.exited_on,
                 row_number() OVER (PARTITION BY s.sign, s.household_no ORDER BY s.registered_on, s.id) = 1 AS first
            FROM (%s) s) f
   CROSS JOIN LATERAL (VALUES
     (f.village_code, f.registered_on, f.sign, 0, f.sign * f.members, 0,
      CASE WHEN f.first THEN f.sign * f.members ELSE 0 END),
     (f.village_code, f.exited_on, 0, f.sign, 0, f.sign * f.members, 0)
   ) AS e (village_code, day, periods, exits, members, exit_members, first_members)
   WHERE e.day IS NOT NULL
   GROUP BY 1, 2
  HAVING sum(e.periods) <> 0 OR sum(e.exits) <> 0 OR sum(e.members) <> 0
      OR sum(e.exit_members) <> 0 OR sum(e.first_members) <> 0$q$, states);
COMMENT ON FUNCTION @extschema@.household_tally_events(text) IS
  'Internal to the household tally: the query that turns signed household periods (a query given as text) into the five counts per village and day (and no jobs)';

-- The jobs of a set of signed jobs, per village and day, in the row shape of
-- household_tally_events().  The rows are (sign, village_code, employed_on).
CREATE FUNCTION @extschema@.household_tally_job_events(jobs text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.format($q$
  SELECT j.village_code, j.employed_on AS day, 0 AS periods, 0 AS exits, 0 AS members,
         0 AS exit_members, 0 AS first_members, sum(j.sign)::integer AS jobs
    FROM (%s) j
   GROUP BY 1, 2
  HAVING sum(j.sign) <> 0$q$, jobs);
COMMENT ON FUNCTION @extschema@.household_tally_job_events(text) IS
  'Internal to the household tally: the query that turns signed jobs (a query given as text: sign, village_code, employed_on) into job counts per village and day, in the row shape of household_tally_events()';

-- The statement that appends day counts (a query given as text) as rows of
-- the three grains.  Text, not a function that runs it: only the trigger
-- function itself can read its transition tables.
CREATE FUNCTION @extschema@.household_tally_append(events text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.format($q$
    INSERT INTO @extschema@.household_tally
      (village_code, grain, bucket, periods, exits, members, exit_members, first_members, jobs)
    SELECT d.village_code, g.grain,
           CASE g.grain WHEN 'y' THEN date_trunc('year', d.day)::date
                        WHEN 'm' THEN date_trunc('month', d.day)::date ELSE d.day END,
           sum(d.periods), sum(d.exits), sum(d.members), sum(d.exit_members), sum(d.first_members),
           sum(d.jobs)
      FROM (%s) d CROSS JOIN (VALUES ('y'::"char"), ('m'), ('d')) AS g (grain)
     GROUP BY 1, 2, 3
    HAVING sum(d.periods) <> 0 OR sum(d.exits) <> 0 OR sum(d.members) <> 0
        OR sum(d.exit_members) <> 0 OR sum(d.first_members) <> 0 OR sum(d.jobs) <> 0
     ORDER BY 2, 1, 3$q$, events);
COMMENT ON FUNCTION @extschema@.household_tally_append(text) IS
  'Internal to the household tally: the INSERT that appends day counts (periods and jobs) as year, month and day rows';

CREATE FUNCTION @extschema@.household_tally_trigger() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  -- the statement's rows before and after, as queries over the transition tables
  old_src text := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN '(SELECT * FROM old_rows)'
                       ELSE '(SELECT * FROM @extschema@.household WHERE false)' END;
  new_src text := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN '(SELECT * FROM new_rows)'
                       ELSE '(SELECT * FROM @extschema@.household WHERE false)' END;
  nos text;
  b integer;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM @extschema@.household_tally;
    RETURN NULL;
  END IF;
  -- Household numbers touched by the statement; their buckets' rows updated in order.
  nos := pg_catalog.format('SELECT a.household_no FROM %s a UNION SELECT b.household_no FROM %s b', old_src, new_src);
  FOR b IN EXECUTE
    'SELECT DISTINCT (hashtextextended(n.household_no, 0) & 1023)::integer FROM (' || nos || ') n ORDER BY 1'
  LOOP
    UPDATE @extschema@.household_tally_lock l SET writes = l.writes + 1 WHERE l.bucket = b;
  END LOOP;
  -- After: every period of those numbers now (at READ COMMITTED this
  -- statement's snapshot, taken after the updates, sees what an earlier
  -- writer of the bucket committed).  Before:
  -- the same without the statement's new rows, with its old ones.
  -- The jobs of each period whose village (or id) the statement changed
  -- leave the old village for the new one.  An insert brings the jobs that
  -- refer to its periods: none while employment's foreign key holds, but a
  -- restore loads employment before household.
  EXECUTE @extschema@.household_tally_append(@extschema@.household_tally_events(pg_catalog.format($q$
      SELECT 1 AS sign, h.id, h.household_no, h.village_code, h.members, h.registered_on, h.exited_on
        FROM @extschema@.household h
       WHERE h.household_no IN (%3$s)
      UNION ALL
      SELECT -1, h.id, h.household_no, h.village_code, h.members, h.registered_on, h.exited_on
        FROM @extschema@.household h
       WHERE h.household_no IN (%3$s)
         AND NOT EXISTS (SELECT 1 FROM %2$s x WHERE x.id = h.id)
      UNION ALL
      SELECT -1, o.id, o.household_no, o.village_code, o.members, o.registered_on, o.exited_on FROM %1$s o$q$,
    old_src, new_src, nos))
    || ' UNION ALL ' || @extschema@.household_tally_job_events(pg_catalog.format($q$
      SELECT m.sign, m.village_code, e.employed_on
        FROM (SELECT -1 AS sign, o.id, o.village_code FROM %1$s o
               WHERE NOT EXISTS (SELECT 1 FROM %2$s n WHERE n.id = o.id AND n.village_code = o.village_code)
              UNION ALL
              SELECT 1, n.id, n.village_code FROM %2$s n
               WHERE NOT EXISTS (SELECT 1 FROM %1$s o WHERE o.id = n.id AND o.village_code = n.village_code)) m
        JOIN @extschema@.employment e ON e.household_id = m.id$q$, old_src, new_src)));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.household_tally_trigger() IS
  'Trigger: appends to household_tally what an insert, update or delete on household changed, with the jobs of periods moved to another village (empties it on truncate)';

REVOKE EXECUTE ON FUNCTION @extschema@.household_tally_trigger() FROM PUBLIC;

CREATE TRIGGER household_tally_insert AFTER INSERT ON @extschema@.household
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_trigger();
CREATE TRIGGER household_tally_update AFTER UPDATE ON @extschema@.household
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_trigger();
CREATE TRIGGER household_tally_delete AFTER DELETE ON @extschema@.household
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_trigger();
CREATE TRIGGER household_tally_truncate AFTER TRUNCATE ON @extschema@.household
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_trigger();
-- The tally follows the rows whoever writes them: also a session with
-- session_replication_role = replica (a logical replication subscriber, a
-- copy between nodes), unlike the audit trigger.
ALTER TABLE @extschema@.household ENABLE ALWAYS TRIGGER household_tally_insert;
ALTER TABLE @extschema@.household ENABLE ALWAYS TRIGGER household_tally_update;
ALTER TABLE @extschema@.household ENABLE ALWAYS TRIGGER household_tally_delete;
ALTER TABLE @extschema@.household ENABLE ALWAYS TRIGGER household_tally_truncate;

CREATE FUNCTION @extschema@.household_tally_job_trigger() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  old_src text := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN '(SELECT * FROM old_rows)'
                       ELSE '(SELECT * FROM @extschema@.employment WHERE false)' END;
  new_src text := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN '(SELECT * FROM new_rows)'
                       ELSE '(SELECT * FROM @extschema@.employment WHERE false)' END;
  b integer;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    -- Every job out, whatever else the rows hold (a truncate of household,
    -- which needs one of employment with it, empties the tally anyway).
    INSERT INTO @extschema@.household_tally
      (village_code, grain, bucket, periods, exits, members, exit_members, first_members, jobs)
    SELECT t.village_code, t.grain, t.bucket, 0, 0, 0, 0, 0, -sum(t.jobs)
      FROM @extschema@.household_tally t
     GROUP BY 1, 2, 3
    HAVING sum(t.jobs) <> 0
     ORDER BY 2, 1, 3;
    RETURN NULL;
  END IF;
  -- The buckets of the numbers of the jobs' households, in order, as the
  -- household trigger takes them: a concurrent move of one of these
  -- households waits for this statement or this one for it, and the second
  -- reads the household's village (and jobs) as the first left them.
  FOR b IN EXECUTE pg_catalog.format($q$
      SELECT DISTINCT (hashtextextended(h.household_no, 0) & 1023)::integer
        FROM @extschema@.household h
       WHERE h.id IN (SELECT a.household_id FROM %s a UNION SELECT c.household_id FROM %s c)
       ORDER BY 1$q$, old_src, new_src)
  LOOP
    UPDATE @extschema@.household_tally_lock l SET writes = l.writes + 1 WHERE l.bucket = b;
  END LOOP;
  -- Each job counts in its household's village now: the old rows' out, the
  -- new rows' in.
  EXECUTE @extschema@.household_tally_append(@extschema@.household_tally_job_events(pg_catalog.format($q$
      SELECT 1 AS sign, h.village_code, n.employed_on
        FROM %2$s n JOIN @extschema@.household h ON h.id = n.household_id
      UNION ALL
      SELECT -1, h.village_code, o.employed_on
        FROM %1$s o JOIN @extschema@.household h ON h.id = o.household_id$q$, old_src, new_src)));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.household_tally_job_trigger() IS
  'Trigger: appends to household_tally the jobs an insert, update or delete on employment added or took away, in the village of their household (takes every job out on truncate)';

REVOKE EXECUTE ON FUNCTION @extschema@.household_tally_job_trigger() FROM PUBLIC;

CREATE TRIGGER household_tally_job_insert AFTER INSERT ON @extschema@.employment
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_job_trigger();
CREATE TRIGGER household_tally_job_update AFTER UPDATE ON @extschema@.employment
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_job_trigger();
CREATE TRIGGER household_tally_job_delete AFTER DELETE ON @extschema@.employment
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_job_trigger();
CREATE TRIGGER household_tally_job_truncate AFTER TRUNCATE ON @extschema@.employment
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.household_tally_job_trigger();
ALTER TABLE @extschema@.employment ENABLE ALWAYS TRIGGER household_tally_job_insert;
ALTER TABLE @extschema@.employment ENABLE ALWAYS TRIGGER household_tally_job_update;
ALTER TABLE @extschema@.employment ENABLE ALWAYS TRIGGER household_tally_job_delete;
ALTER TABLE @extschema@.employment ENABLE ALWAYS TRIGGER household_tally_job_truncate;

-- The figures of each village of a subtree on a day, from the tally.
CREATE FUNCTION @extschema@.household_tally_village(as_of date, lo text DEFAULT '000000000000', hi text DEFAULT '999999999999')
  RETURNS TABLE (village_code text, periods bigint, exits bigint, baseline bigint, poor bigint, jobs bigint)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT t.village_code, sum(t.periods), sum(t.exits), sum(t.first_members), sum(t.members) - sum(t.exit_members),
         sum(t.jobs)
    FROM (SELECT y.village_code, y.periods, y.exits, y.members, y.exit_members, y.first_members, 0 AS jobs
            FROM @extschema@.household_tally y
           WHERE y.grain = 'y' AND y.bucket < date_trunc('year', as_of)::date
             AND y.village_code BETWEEN lo AND hi
          UNION ALL
          SELECT m.village_code, m.periods, m.exits, m.members, m.exit_members, m.first_members, m.jobs
            FROM @extschema@.household_tally m
           WHERE m.grain = 'm' AND m.bucket >= date_trunc('year', as_of)::date
             AND m.bucket < date_trunc('month', as_of)::date
             AND m.village_code BETWEEN lo AND hi
          UNION ALL
          SELECT d.village_code, d.periods, d.exits, d.members, d.exit_members, d.first_members, d.jobs
            FROM @extschema@.household_tally d
           WHERE d.grain = 'd' AND d.bucket >= date_trunc('month', as_of)::date AND d.bucket <= as_of
             AND d.village_code BETWEEN lo AND hi) t
   GROUP BY t.village_code
  HAVING sum(t.periods) <> 0 OR sum(t.jobs) <> 0;
END;
COMMENT ON FUNCTION @extschema@.household_tally_village(date, text, text) IS
  'Per village with household periods registered on or before a day or jobs found in its year up to the day, from household_tally: periods registered, of them exited, members of the first periods (the baseline), members of the periods open (still poor) and jobs (employment) that started from 1 January to the day; villages with codes between lo and hi. Equal to the same sums over household and employment (household_tally_check())';

-- The day counts of the whole register: every household period and job.
CREATE FUNCTION @extschema@.household_tally_register() RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN @extschema@.household_tally_events(
         'SELECT 1 AS sign, h.id, h.household_no, h.village_code, h.members, h.registered_on, h.exited_on FROM @extschema@.household h')
       || ' UNION ALL ' || @extschema@.household_tally_job_events(
         'SELECT 1 AS sign, h.village_code, e.employed_on FROM @extschema@.employment e JOIN @extschema@.household h ON h.id = e.household_id');
COMMENT ON FUNCTION @extschema@.household_tally_register() IS
  'Internal to the household tally: the query of the day counts of every household period and job of the register, as household_tally_check() and household_tally_rebuild() read it';

-- The register's own sums, to check the tally against.
CREATE FUNCTION @extschema@.household_tally_check(as_of date DEFAULT NULL)
  RETURNS TABLE (village_code text, grain "char", bucket date, in_tally bigint[], in_register bigint[])
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF as_of IS NOT NULL THEN
    -- The figures on one day, as the reports read them.
    RETURN QUERY
    WITH reg AS (
      SELECT h.village_code, count(*) AS periods, count(*) FILTER (WHERE h.exited_on <= as_of) AS exits,
             sum(h.members) FILTER (WHERE h.first)::bigint AS baseline,
             coalesce(sum(h.members) FILTER (WHERE h.exited_on IS NULL OR h.exited_on > as_of), 0)::bigint AS poor
        FROM (SELECT x.*, row_number() OVER (PARTITION BY x.household_no ORDER BY x.registered_on, x.id) = 1 AS first
                FROM @extschema@.household x) h
       WHERE h.registered_on <= as_of
       GROUP BY 1
    ), job AS (
      SELECT h.village_code, count(*) AS jobs
        FROM @extschema@.employment e JOIN @extschema@.household h ON h.id = e.household_id
       WHERE e.employed_on BETWEEN date_trunc('year', as_of)::date AND as_of
       GROUP BY 1
    ), regj AS (
      SELECT coalesce(r.village_code, j.village_code) AS village_code,
             ARRAY[coalesce(r.periods, 0), coalesce(r.exits, 0), coalesce(r.baseline, 0), coalesce(r.poor, 0),
                   coalesce(j.jobs, 0)] AS v
        FROM reg r FULL JOIN job j ON j.village_code = r.village_code
    )
    SELECT coalesce(t.village_code, r.village_code), NULL::"char", as_of,
           ARRAY[t.periods, t.exits, t.baseline, t.poor, t.jobs], r.v
      FROM @extschema@.household_tally_village(as_of) t
      FULL JOIN regj r ON r.village_code = t.village_code
     WHERE ARRAY[t.periods, t.exits, t.baseline, t.poor, t.jobs] IS DISTINCT FROM r.v;
    RETURN;
  END IF;
  -- Every bucket.
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH reg AS (
      SELECT d.village_code, g.grain,
             CASE g.grain WHEN 'y' THEN date_trunc('year', d.day)::date
                          WHEN 'm' THEN date_trunc('month', d.day)::date ELSE d.day END AS bucket,
             ARRAY[sum(d.periods), sum(d.exits), sum(d.members), sum(d.exit_members), sum(d.first_members),
                   sum(d.jobs)] AS v
        FROM (%s) d CROSS JOIN (VALUES ('y'::"char"), ('m'), ('d')) AS g (grain)
       GROUP BY 1, 2, 3
    ), tal AS (
      SELECT t.village_code, t.grain, t.bucket,
             ARRAY[sum(t.periods), sum(t.exits), sum(t.members), sum(t.exit_members), sum(t.first_members),
                   sum(t.jobs)] AS v
        FROM @extschema@.household_tally t
       GROUP BY 1, 2, 3
    )
    SELECT coalesce(t.village_code, r.village_code), coalesce(t.grain, r.grain), coalesce(t.bucket, r.bucket),
           coalesce(t.v, '{0,0,0,0,0,0}'), coalesce(r.v, '{0,0,0,0,0,0}')
      FROM tal t FULL JOIN reg r USING (village_code, grain, bucket)
     WHERE coalesce(t.v, '{0,0,0,0,0,0}') <> coalesce(r.v, '{0,0,0,0,0,0}')
     ORDER BY 1, 2, 3$q$,
    @extschema@.household_tally_register());
END
$$;
COMMENT ON FUNCTION @extschema@.household_tally_check(date) IS
  'Differences between household_tally and the household register (no rows: they agree): per village, grain and bucket the tally''s and the register''s periods, exits, members, exit members, first members and jobs; with a date, per village the periods, exits, baseline, still poor and jobs of the year on that day. Reads the rows the caller may read';

CREATE FUNCTION @extschema@.household_tally_rebuild() RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE @extschema@.household, @extschema@.employment IN SHARE MODE;
  LOCK TABLE @extschema@.household_tally IN EXCLUSIVE MODE;
  DELETE FROM @extschema@.household_tally;
  EXECUTE @extschema@.household_tally_append(@extschema@.household_tally_register());
  SELECT count(*) INTO n FROM @extschema@.household_tally;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.household_tally_rebuild() IS
  'Recomputes household_tally from the household register and employment (after a data-only restore with triggers disabled, say) and returns its rows; holds off writes to household and employment meanwhile. Superuser or the extension''s owner';
REVOKE EXECUTE ON FUNCTION @extschema@.household_tally_rebuild() FROM PUBLIC;

CREATE FUNCTION @extschema@.household_tally_compact() RETURNS TABLE (rows_before bigint, rows_after bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  -- One compaction at a time; writers go on appending meanwhile (their rows
  -- are not in this snapshot and stay as they are).
  PERFORM pg_advisory_xact_lock(1348561220, -1);
  WITH gone AS (
    DELETE FROM @extschema@.household_tally RETURNING *
  ), merged AS (
    INSERT INTO @extschema@.household_tally
      (village_code, grain, bucket, periods, exits, members, exit_members, first_members, jobs)
    SELECT g.village_code, g.grain, g.bucket,
           sum(g.periods), sum(g.exits), sum(g.members), sum(g.exit_members), sum(g.first_members), sum(g.jobs)
      FROM gone g
     GROUP BY 1, 2, 3
    HAVING sum(g.periods) <> 0 OR sum(g.exits) <> 0 OR sum(g.members) <> 0
        OR sum(g.exit_members) <> 0 OR sum(g.first_members) <> 0 OR sum(g.jobs) <> 0
     -- in the order of the subtree index: a region's rows of one grain end
     -- up together on disk, and a report reads few pages
     ORDER BY 2, 1, 3
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM merged) INTO rows_before, rows_after;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.household_tally_compact() IS
  'Merges the rows of household_tally that share a village, grain and bucket into one (each write to household or employment appends rows), written in (grain, village, bucket) order so that a region''s rows lie together; returns the rows before and after. Reports give the same figures before and after; run it now and then (e.g. nightly with pg_cron). Superuser or the extension''s owner';
REVOKE EXECUTE ON FUNCTION @extschema@.household_tally_compact() FROM PUBLIC;
