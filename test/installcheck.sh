#!/usr/bin/env bash
# `make installcheck` works as the README says: run by an ordinary user (here
# postgres, not root), without apt, against a running server into which the
# extension is installed, it runs every pg_regress test (sql/*.sql) and they
# pass.  The source is copied to a directory that user owns, as a user's own
# clone would be.
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

SRC=${POVERTY_AID_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
DIR=$(mktemp -d "${POVERTY_AID_WORK:-/tmp}/installcheck.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
# What installcheck reads: the Makefile, the tests, their outputs and the
# fixtures they include (the C sources, for the Makefile's variables).
cp -r "$SRC/Makefile" "$SRC/poverty_aid.control" "$SRC/sql" "$SRC/expected" "$SRC/src" "$DIR/"
mkdir -p "$DIR/test" && cp -r "$SRC/test/fixtures" "$DIR/test/"
chown -R postgres: "$DIR"
chmod 755 "$DIR"

out=$(cd "$DIR" && runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER=postgres \
	make -s installcheck PG_CONFIG="$POVERTY_AID_BIN/pg_config" 2>&1)
rc=$?
is "$rc" "0" "make installcheck as the postgres user exits 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out" | tail -30
n=$(ls "$SRC"/sql/*.sql | wc -l)
is "$(grep -c '\.\.\. ok' <<<"$out")" "$n" "it runs the $n pg_regress tests of sql/ and each passes"
ok $(grep -q "All $n tests passed" <<<"$out"; echo $?) "pg_regress reports all $n tests passed"
is "$(sql postgres "SELECT count(*) FROM pg_database WHERE datname = 'contrib_regression'")" "1" \
	"it ran in its own database, contrib_regression"
sql postgres "DROP DATABASE IF EXISTS contrib_regression" >/dev/null 2>&1
done_testing
