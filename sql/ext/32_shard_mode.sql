-- Scale-out, part 1: the node's mode (single node or coordinator) and what
-- the report functions of the later files need to know of it.  The shard
-- registry, the shard-side views and the setup functions are in
-- 80_shards.sql (docs/scale-out.md).
--
-- A node is a coordinator when shard_add() has registered a shard: its
-- register tables are then empty (the rows live on the shards), the
-- shard-aware reports fetch per-region partial results from the shards and
-- every other function that reads the register refuses to run
-- (shard_local_only()) instead of reporting on empty tables.

-- The mode test reads only the system catalogue, so every caller may run it
-- without a privilege on poverty_aid.shard: shard_add() creates, as the
-- extension's owner, the foreign table indicator_values_at of each shard in
-- the schema poverty_aid_shard_NAME, and shard_remove() drops it with the
-- shard.
CREATE FUNCTION @extschema@.shard_is_coordinator() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                  WHERE c.relname = 'indicator_values_at' AND c.relkind = 'f'
                    AND c.relnamespace IN (SELECT n.oid FROM pg_catalog.pg_namespace n
                                            WHERE n.nspname LIKE 'poverty\_aid\_shard\_%')
                    AND c.relowner = (SELECT e.extowner FROM pg_catalog.pg_extension e
                                       WHERE e.extname = 'poverty_aid'));
END;
COMMENT ON FUNCTION @extschema@.shard_is_coordinator() IS
  'True on a coordinator: a node on which shard_add() registered shards (their foreign tables, owned by the extension''s owner, exist); the shard-aware reports then read the shards, not the local register';

CREATE FUNCTION @extschema@.shard_local_only(function_name text) RETURNS boolean
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF @extschema@.shard_is_coordinator() THEN
    RAISE EXCEPTION 'poverty_aid.% does not run on a coordinator', function_name
      USING ERRCODE = 'feature_not_supported',
            DETAIL = pg_catalog.format('This node is a coordinator: its register tables are empty and poverty_aid.%s is not shard-aware.', function_name),
            HINT = 'Run it on the shard that holds the region (poverty_aid.shard lists the shards and their provinces).';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_local_only(text) IS
  'Internal guard of the functions that are not shard-aware: on a coordinator raises 0A000 naming the function, with the hint to run it on a shard; elsewhere returns true';

-- Coordinator side of the per-region views: the rows of every shard's
-- county_indicators_as_of() / village_indicators_as_of(), one remote query
-- per shard (a county or village lies in one province, so no roll-up).
CREATE FUNCTION @extschema@.shard_county_indicators(day date)
  RETURNS TABLE (as_of date, county_code text, county_name text, prefecture_code text,
                 prefecture_name text, province_code text, province_name text,
                 zone @extschema@.policy_zone, designated boolean, deep_poverty boolean,
                 listed_on date, exited_on date, exited boolean,
                 villages_listed bigint, villages_exited bigint, village_exit_rate numeric,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence_villages bigint, units_listed bigint, units_paired bigint,
                 pairing_coverage numeric, high_incidence_villages_paired bigint,
                 high_incidence_village_coverage numeric,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 fiscal_funds_planned numeric, fiscal_funds_in_place numeric,
                 fiscal_fund_in_place_rate numeric, city_funds_allocated_jan_feb numeric,
                 fund_share_deep_poverty numeric, fund_share_industry numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  RETURN QUERY EXECUTE @extschema@.shard_rows_sql('county_indicators_at', day) || ' ORDER BY 2';
EXCEPTION WHEN connection_exception THEN
  PERFORM @extschema@.shard_unreachable(SQLSTATE, SQLERRM);
END
$$;
COMMENT ON FUNCTION @extschema@.shard_county_indicators(date) IS
  'Internal to county_indicators_as_of() on a coordinator: every shard''s county rows as of a date (one remote query per shard, run in parallel), in county order';

CREATE FUNCTION @extschema@.shard_village_indicators(day date)
  RETURNS TABLE (as_of date, village_code text, village_name text, township_code text,
                 township_name text, county_code text, county_name text, prefecture_name text,
                 province_name text, zone @extschema@.policy_zone, listed boolean,
                 listed_on date, exited_on date, exited boolean,
                 households_registered bigint, households_exited bigint, household_exit_rate numeric,
                 poor_population_baseline bigint, poor_population_current bigint,
                 poverty_reduction_rate numeric, rural_population bigint, poverty_incidence numeric,
                 high_incidence boolean, meets_exit_threshold boolean,
                 paired boolean, paired_with_enterprise boolean, active_pairings bigint,
                 funds_planned numeric, funds_in_place numeric, fund_in_place_rate numeric,
                 jobs_found bigint, consumption_sales numeric, projects_started bigint)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  RETURN QUERY EXECUTE @extschema@.shard_rows_sql('village_indicators_at', day) || ' ORDER BY 2';
EXCEPTION WHEN connection_exception THEN
  PERFORM @extschema@.shard_unreachable(SQLSTATE, SQLERRM);
END
$$;
COMMENT ON FUNCTION @extschema@.shard_village_indicators(date) IS
  'Internal to village_indicators_as_of() on a coordinator: every shard''s village rows as of a date (one remote query per shard, run in parallel), in village order';
