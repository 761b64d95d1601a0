# test/lib/shards.bash — spreading a loaded register over province shards,
# for test/shards.sh, test/shards/demo.sh and test/bench/shards_bench.sh.
# Needs sql() from test/lib/tap.bash, PGHOST and PGPORT of the cluster the
# source database is on, and a superuser connection.

# shard_copy SOURCE_DB SHARD_DB PROVINCES [SOURCE_HOST SOURCE_PORT] — copies
# into SHARD_DB (on the server of PGHOST and PGPORT, where
# poverty_aid and postgres_fdw are installed and the register is empty) the
# rows of SOURCE_DB that lie in the provinces given as an SQL array of
# 2-digit prefixes ('{52,53}'): their regions and every row under them.
# Helpers are copied whole (pairings of any province may name them), their
# home region kept only inside the shard.  The national targets (region
# NULL) stay with the coordinator.  Triggers and foreign keys are off
# during the copy (session_replication_role = replica): the rows are the
# source's, already checked.
shard_copy() {
	local src=$1 dst=$2 provinces=$3 src_host=${4:-$PGHOST} src_port=${5:-$PGPORT}
	"${PSQL_T[@]}" -d "$dst" <<SQL
SET client_min_messages = warning;
CREATE SERVER shard_copy_source FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$src_host', port '$src_port', dbname '$src', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_copy_source OPTIONS (user '${PGUSER:-postgres}');
CREATE SCHEMA shard_copy_source;
IMPORT FOREIGN SCHEMA poverty_aid LIMIT TO (region, region_population, poverty_listing, household,
  household_income, poverty_line, person, helper, pairing, fund, fund_transfer, project,
  project_beneficiary, employment, consumption_sale, target)
  FROM SERVER shard_copy_source INTO shard_copy_source;
SET session_replication_role = replica;
SET row_security = off;
DO \$\$
DECLARE
  p CONSTANT text[] := '$provinces';
  t record;
  cols text;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('region', 'left(code, 2) = ANY (%L)'),
      ('region_population', 'left(region_code, 2) = ANY (%L)'),
      ('poverty_listing', 'left(region_code, 2) = ANY (%L)'),
      ('household', 'left(village_code, 2) = ANY (%L)'),
      ('household_income', 'household_id IN (SELECT id FROM poverty_aid.household)'),
      ('poverty_line', 'true'),
      ('person', 'household_id IN (SELECT id FROM poverty_aid.household)'),
      ('helper', 'true'),
      ('pairing', 'left(coalesce(target_region_code, (SELECT h.village_code FROM poverty_aid.household h WHERE h.id = target_household_id)), 2) = ANY (%L)'),
      ('fund', 'left(recipient_region_code, 2) = ANY (%L)'),
      ('fund_transfer', 'fund_id IN (SELECT id FROM poverty_aid.fund)'),
      ('project', 'left(region_code, 2) = ANY (%L)'),
      ('project_beneficiary', 'project_id IN (SELECT id FROM poverty_aid.project)'),
      ('employment', 'household_id IN (SELECT id FROM poverty_aid.household)'),
      ('consumption_sale', 'left(region_code, 2) = ANY (%L)'),
      ('target', 'left(region_code, 2) = ANY (%L)')) v (tab, cond)
  LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = ('poverty_aid.' || t.tab)::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attgenerated = '';
    EXECUTE format('INSERT INTO poverty_aid.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM shard_copy_source.%I WHERE '
                   || format(t.cond, p), t.tab, cols, cols, t.tab);
  END LOOP;
  UPDATE poverty_aid.helper SET home_region_code = NULL
   WHERE home_region_code IS NOT NULL AND NOT left(home_region_code, 2) = ANY (p);
END
\$\$;
RESET session_replication_role;
DROP SCHEMA shard_copy_source CASCADE;
DROP SERVER shard_copy_source CASCADE;
ANALYZE;
SQL
}

# coordinator_copy SOURCE_DB COORD_DB [SOURCE_HOST SOURCE_PORT] — the
# coordinator's own rows: a copy of the region table and the national
# targets (region NULL).
coordinator_copy() {
	local src=$1 dst=$2 src_host=${3:-$PGHOST} src_port=${4:-$PGPORT}
	"${PSQL_T[@]}" -d "$dst" <<SQL
SET client_min_messages = warning;
CREATE SERVER shard_copy_source FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$src_host', port '$src_port', dbname '$src', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_copy_source OPTIONS (user '${PGUSER:-postgres}');
CREATE SCHEMA shard_copy_source;
IMPORT FOREIGN SCHEMA poverty_aid LIMIT TO (region, target) FROM SERVER shard_copy_source INTO shard_copy_source;
SET session_replication_role = replica;
INSERT INTO poverty_aid.region (code, name, parent_code, zone)
  SELECT code, name, parent_code, zone FROM shard_copy_source.region;
INSERT INTO poverty_aid.target SELECT * FROM shard_copy_source.target WHERE region_code IS NULL;
RESET session_replication_role;
DROP SCHEMA shard_copy_source CASCADE;
DROP SERVER shard_copy_source CASCADE;
SQL
}
