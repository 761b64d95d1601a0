# test/bench/cluster.bash — sourced by the benchmark scripts: a server to
# time on.  With PGHOST and PGPORT set it uses that running server; otherwise
# it builds the extension, installs it into a private copy of the PostgreSQL
# tree and starts a throwaway cluster exactly as test/run does, and removes it
# on exit.  Expects SRC (the repository); sets PSQL_BIN and exports PGHOST,
# PGPORT and PGUSER.

PGVER=15
SYS_BIN=/usr/lib/postgresql/$PGVER/bin
log() { printf '== %s\n' "$*" >&2; }

if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ]; then
	PSQL_BIN=$(command -v psql || echo "$SYS_BIN/psql")
	log "using the running server at $PGHOST:$PGPORT"
else
	WORK=$(mktemp -d /tmp/poverty_aid_bench.XXXXXX)
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
	[ -n "$PORT" ] || { echo "$(basename "$0"): no free port" >&2; exit 1; }
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
