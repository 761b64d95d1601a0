# test/shards/clusters.bash — sourced by test/shards/demo.sh and
# test/bench/shards_bench.sh: builds the extension, installs it into a
# private copy of the PostgreSQL 15 tree (as test/run does) and starts N+1
# throwaway loopback clusters as the postgres user, each on its own port and
# socket directory: cluster 0 for the single node and the coordinator,
# clusters 1..N for the shards.  Everything is removed on exit.  Run as root.
# Expects SRC and N; sets BIN, HOSTS[] and PORTS[].

PGVER=15
SYS_BIN=/usr/lib/postgresql/$PGVER/bin
log() { printf '== %s\n' "$*" >&2; }

WORK=$(mktemp -d /tmp/poverty_aid_shards.XXXXXX)
ROOT=$WORK/root
BIN=$ROOT$SYS_BIN
HOSTS=()
PORTS=()
cleanup() {
	local d
	for d in "$WORK"/data*; do
		[ -f "$d/postmaster.pid" ] && runuser -u postgres -- "$BIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$ROOT/usr/lib/postgresql" "$ROOT/usr/share/postgresql"
cp -a "/usr/lib/postgresql/$PGVER" "$ROOT/usr/lib/postgresql/"
cp -a "/usr/share/postgresql/$PGVER" "$ROOT/usr/share/postgresql/"
log "building poverty_aid"
make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
make -s -C "$SRC" PG_CONFIG="$SYS_BIN/pg_config" install DESTDIR="$ROOT" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
chown -R postgres: "$WORK"
chmod 755 "$WORK"
cd "$WORK" || exit 1

free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$(( 20000 + RANDOM % 30000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$p" ] \
			&& [[ " ${PORTS[*]} " != *" $p "* ]]; then
			echo "$p"; return 0
		fi
	done
	echo "no free port" >&2; exit 1
}
for i in $(seq 0 "$N"); do
	port=$(free_port)
	data=$WORK/data$i
	sock=$WORK/sock$i
	runuser -u postgres -- mkdir -p "$sock"
	runuser -u postgres -- "$BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb$i.log" 2>&1 \
		|| { cat "$WORK/initdb$i.log" >&2; exit 1; }
	cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
work_mem = 64MB
log_min_messages = warning
CONF
	runuser -u postgres -- "$BIN/pg_ctl" -D "$data" -l "$WORK/server$i.log" -w -t 60 start >/dev/null \
		|| { cat "$WORK/server$i.log" >&2; exit 1; }
	HOSTS+=("$sock")
	PORTS+=("$port")
done
export PGUSER=postgres PGHOST=${HOSTS[0]} PGPORT=${PORTS[0]}
export POVERTY_AID_BIN=$BIN
log "$((N + 1)) throwaway clusters on ports ${PORTS[*]}"
