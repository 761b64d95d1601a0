#!/usr/bin/env bash
# test/bench/load_bench.sh [--rows N] — how much a fully validated load of a
# household file costs over a plain COPY of the same file.
#
# It writes a household CSV of N rows (default 1,000,000; 200 villages of
# one county, every row valid), then in two fresh databases:
#   copy   COPY household (...) FROM the file: the table's own constraints,
#          indexes, triggers and audit, and nothing else;
#   load   \copy the file into create_staging_table('household') and
#          load_staged('household', ...): the loader's whole validation
#          (types, codes, regions, references, keys, periods, CHECKs) and
#          the same INSERT into the same table.
# Both run as the superuser over the same socket; the script prints both
# times, rows/s and the ratio load/copy next to the target of issue 12
# (at most 2).  Not run by test/run; nothing here fails on a time.
#
# With PGHOST and PGPORT set it uses that running server; otherwise it
# starts a throwaway cluster exactly as test/bench/bench.sh does.
set -euo pipefail

ROWS=1000000
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) ROWS=$2; shift 2 ;;
		*) echo "usage: test/bench/load_bench.sh [--rows N]" >&2; exit 2 ;;
	esac
done
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PGVER=15
SYS_BIN=/usr/lib/postgresql/$PGVER/bin
log() { printf '== %s\n' "$*" >&2; }

# 1. A server: the caller's, or a throwaway one -------------------------------
if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ]; then
	PSQL_BIN=$(command -v psql || echo "$SYS_BIN/psql")
	log "using the running server at $PGHOST:$PGPORT"
else
	WORK=$(mktemp -d /tmp/poverty_aid_load_bench.XXXXXX)
	ROOT=$WORK/root
	PGDATA=$WORK/data
	cleanup() {
		if [ -f "$PGDATA/postmaster.pid" ]; then
			runuser -u postgres -- "$ROOT$SYS_BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
		fi
		rm -rf "$WORK"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$ROOT/usr/lib/postgresql" "$ROOT/usr/share/postgresql" "$WORK/sock"
	cp -a "/usr/lib/postgresql/$PGVER" "$ROOT/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PGVER" "$ROOT/usr/share/postgresql/"
	log "building poverty_aid"
	make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
	make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" install DESTDIR="$ROOT" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
	PORT=
	for _ in $(seq 1 200); do
		p=$(( 20000 + RANDOM % 30000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$p" ]; then PORT=$p; break; fi
	done
	[ -n "$PORT" ] || { echo "load_bench.sh: no free port" >&2; exit 1; }
	chown -R postgres: "$WORK"
	chmod 755 "$WORK"
	runuser -u postgres -- "$ROOT$SYS_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
		|| { cat "$WORK/initdb.log" >&2; exit 1; }
	cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$WORK/sock'
max_worker_processes = 16
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 2GB
work_mem = 256MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
log_min_messages = warning
CONF
	runuser -u postgres -- "$ROOT$SYS_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 start >/dev/null \
		|| { cat "$WORK/server.log" >&2; exit 1; }
	export PGHOST=$WORK/sock PGPORT=$PORT PGUSER=postgres
	PSQL_BIN=$ROOT$SYS_BIN/psql
	log "throwaway cluster on port $PORT"
fi
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)
FILE=$(mktemp /tmp/poverty_aid_load_bench.XXXXXX.csv)
trap 'rm -f "$FILE"; [ -n "${WORK:-}" ] && cleanup' EXIT
chmod 644 "$FILE"

log "writing $ROWS household rows to $FILE"
awk -v n="$ROWS" 'BEGIN {
	print "household_no,village_code,members,registered_on,exited_on,poverty_cause";
	split("illness,disability,schooling,disaster,lack_of_skills,other", cause, ",");
	for (i = 1; i <= n; i++)
		printf "653226-%08d,653226%03d%03d,%d,2014-%02d-%02d,%s,%s\n", i, 100 + (i % 4), 1 + (i % 50), 1 + i % 7,
			1 + i % 12, 1 + i % 28, (i % 3 == 0) ? "2019-12-31" : "", cause[1 + i % 6];
}' > "$FILE"

setup_db() {	# setup_db NAME: the extension and the county's 200 villages
	"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
	"${PSQL[@]}" -d "$1" >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION poverty_aid CASCADE;
INSERT INTO poverty_aid.region (code) VALUES ('650000'), ('653200'), ('653226');
INSERT INTO poverty_aid.region (code, name) SELECT '653226' || t, '镇' || t FROM generate_series(100, 103) t;
INSERT INTO poverty_aid.region (code, name)
  SELECT '653226' || t || lpad(v::text, 3, '0'), '村' || t || v FROM generate_series(100, 103) t, generate_series(1, 50) v;
SQL
}
now() { date +%s.%N; }

setup_db poverty_aid_bench_copy
"${PSQL[@]}" -d poverty_aid_bench_copy -c CHECKPOINT
log "plain COPY"
t0=$(now)
"${PSQL[@]}" -d poverty_aid_bench_copy \
	-c "\\copy poverty_aid.household (household_no, village_code, members, registered_on, exited_on, poverty_cause) FROM '$FILE' WITH (FORMAT csv, HEADER)"
t1=$(now)

setup_db poverty_aid_bench_load
"${PSQL[@]}" -d poverty_aid_bench_load -c CHECKPOINT
log "\\copy into a staging table, then load_staged"
t2=$(now)
"${PSQL[@]}" -d poverty_aid_bench_load >/dev/null <<SQL
SET client_min_messages = warning;
SELECT poverty_aid.create_staging_table('household');
\\copy household_staging (household_no, village_code, members, registered_on, exited_on, poverty_cause) FROM '$FILE' WITH (FORMAT csv, HEADER)
SELECT * FROM poverty_aid.load_staged('household', 'household_staging');
SQL
t3=$(now)

loaded=$("${PSQL[@]}" -At -d poverty_aid_bench_load -c "SELECT count(*) FROM poverty_aid.household")
copied=$("${PSQL[@]}" -At -d poverty_aid_bench_copy -c "SELECT count(*) FROM poverty_aid.household")
[ "$loaded" = "$ROWS" ] && [ "$copied" = "$ROWS" ] || { echo "load_bench.sh: loaded $loaded, copied $copied of $ROWS rows" >&2; exit 1; }
awk -v rows="$ROWS" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
	c = t1 - t0; l = t3 - t2;
	printf "%-32s %10s %12s\n", "household file, " rows " rows", "seconds", "rows/s";
	printf "%-32s %10.1f %12.0f\n", "plain COPY", c, rows / c;
	printf "%-32s %10.1f %12.0f\n", "\\copy + load_staged (validated)", l, rows / l;
	printf "ratio load/COPY: %.2f (target <= 2)\n", l / c;
}'
for db in poverty_aid_bench_copy poverty_aid_bench_load; do "${PSQL[@]}" -d postgres -c "DROP DATABASE $db"; done
