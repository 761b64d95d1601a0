#!/usr/bin/env bash
# The ratio part of the 1.0 -> 1.1 upgrade (sql/upgrade/1.0--1.1/10_ratio.sql):
# a 1.0 database keeps 1.0's comparison of parts while it is at 1.0 (one
# library serves both versions), ALTER EXTENSION ... UPDATE gives the ratio
# type, its functions, operators, operator classes, comments and privileges
# exactly as a fresh 1.1 install has them, keeps the rows, and rebuilds a hash
# index on a ratio column for the hash of the value.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

OLD=poverty_aid_ratio_up
NEW=poverty_aid_ratio_new
trap 'sql postgres "DROP DATABASE IF EXISTS $OLD" >/dev/null 2>&1; sql postgres "DROP DATABASE IF EXISTS $NEW" >/dev/null 2>&1' EXIT
for db in $OLD $NEW; do
	sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null
	sql postgres "CREATE DATABASE $db" >/dev/null
done
sql "$NEW" "CREATE EXTENSION poverty_aid CASCADE" >/dev/null 2>&1
sql "$OLD" "CREATE EXTENSION poverty_aid VERSION '1.0' CASCADE" >/dev/null 2>&1
sql "$OLD" "CREATE TABLE kept (id int, r poverty_aid.ratio);
            INSERT INTO kept SELECT g, poverty_aid.ratio(g % 7, 2 * (g % 7)) FROM generate_series(1, 700) g;
            CREATE INDEX kept_r_hash ON kept USING hash (r)" >/dev/null
before=$(sql "$OLD" "SELECT md5(string_agg(id || ':' || r::text, ',' ORDER BY id)) FROM kept")

# At 1.0, with this library: = compares parts, as 1.0 documented.
is "$(sql "$OLD" "SET search_path = poverty_aid; SELECT ('1/2'::ratio = '2/4')::text || ' ' || ('1/2'::ratio = '1.0/2')::text")" \
	"false true" "a database still at 1.0 keeps 1.0's = (same parts) with the 1.1 library"

sql "$OLD" "ALTER EXTENSION poverty_aid UPDATE TO '1.1'" >/dev/null
is "$(sql "$OLD" "SELECT extversion FROM pg_extension WHERE extname = 'poverty_aid'")" "1.1" "ALTER EXTENSION ... UPDATE reaches 1.1"

# The ratio engine's catalogue, with definitions, comments and privileges.
catalogue() {
	sql "$1" "
	SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
	  SELECT format('proc %s %s %s %s %s %s %s', p.oid::regprocedure, p.prosrc, p.provolatile, p.proparallel, p.proisstrict,
	                coalesce(p.proacl::text, 'default'), obj_description(p.oid, 'pg_proc')) AS x
	    FROM pg_proc p WHERE p.pronamespace = 'poverty_aid'::regnamespace
	     AND p.proname ~ '^(ratio|rate_agg|rollup|exit_rate|poverty_incidence|reduction_rate|fund_in_place)'
	  UNION ALL
	  SELECT format('op %s %s %s %s %s %s %s %s %s', o.oid::regoperator, o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator,
	                o.oprrest, o.oprjoin, o.oprcanhash, o.oprcanmerge, obj_description(o.oid, 'pg_operator'))
	    FROM pg_operator o WHERE o.oprleft = 'poverty_aid.ratio'::regtype
	  UNION ALL
	  SELECT format('opclass %s %s %s %s', c.opcname, c.opcmethod, c.opcdefault, obj_description(c.oid, 'pg_opclass'))
	    FROM pg_opclass c WHERE c.opcintype = 'poverty_aid.ratio'::regtype
	  UNION ALL
	  SELECT format('opfamily %s %s %s %s', f.opfname, obj_description(f.oid, 'pg_opfamily'),
	                (SELECT string_agg(a.amopstrategy || ':' || a.amopopr::regoperator::text, ',' ORDER BY a.amopstrategy) FROM pg_amop a WHERE a.amopfamily = f.oid),
	                (SELECT string_agg(a.amprocnum || ':' || a.amproc::regprocedure::text, ',' ORDER BY a.amprocnum) FROM pg_amproc a WHERE a.amprocfamily = f.oid))
	    FROM pg_opfamily f WHERE f.opfnamespace = 'poverty_aid'::regnamespace AND f.opfname ~ '^ratio'
	  UNION ALL
	  SELECT format('type %s', obj_description('poverty_aid.ratio'::regtype, 'pg_type'))
	  UNION ALL
	  SELECT format('initprivs %s %s', i.objoid::regprocedure, i.initprivs)
	    FROM pg_init_privs i WHERE i.classoid = 'pg_proc'::regclass
	     AND i.objoid::regprocedure::text ~ '^poverty_aid\.(ratio|rate_agg|rollup|exit_rate|poverty_incidence|reduction_rate|fund_in_place)'
	) c"
}
is "$(catalogue "$OLD")" "$(catalogue "$NEW")" "the upgraded ratio type, functions, operators, classes, comments and privileges equal a fresh 1.1 install"
is "$(sql "$OLD" "SELECT md5(string_agg(id || ':' || r::text, ',' ORDER BY id)) FROM kept")" "$before" "every ratio row is kept, text for text"
is "$(sql "$OLD" "SET search_path = poverty_aid; SELECT ('1/2'::ratio = '2/4')::text || ' ' || ratio_identical('1/2', '2/4')::text")" \
	"true false" "after the upgrade = compares values and ratio_identical() compares parts"
is "$(sql "$OLD" "SET search_path = poverty_aid, public; SET enable_seqscan = off; SET enable_bitmapscan = on;
                  SELECT count(*) FROM kept WHERE r = '3/6'")" "600" \
	"the hash index on a ratio column was rebuilt: it finds all 600 rows equal in value to 3/6 (1/2 to 6/12)"
ok "$(sql "$OLD" "SET search_path = poverty_aid, public; SET enable_seqscan = off;
                  EXPLAIN (COSTS OFF) SELECT count(*) FROM kept WHERE r = '3/6'" | grep -q kept_r_hash; echo $?)" \
	"and that count came from the hash index"
is "$(sql "$OLD" "SELECT count(*) FROM pg_proc WHERE pronamespace = 'poverty_aid'::regnamespace AND proname ~ '_inv$'
                  AND has_function_privilege('public', oid, 'EXECUTE')")" "0" "after the upgrade PUBLIC cannot call the inverse transitions"
is "$(sql "$OLD" "SET search_path = poverty_aid, public; SELECT count(DISTINCT r) FROM kept")" "2" "count(DISTINCT r) works after the upgrade (0/0 and the value 1/2)"

done_testing
