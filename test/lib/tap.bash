# test/lib/tap.bash — TAP output for the shell tests (test/*.sh), sourced by
# them.  The runner counts the `ok N` / `not ok N` lines.
TAP_N=0
TAP_FAILED=0
PSQL_T=("${POVERTY_AID_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -At -v ON_ERROR_STOP=1)

ok() {	# ok CONDITION_EXIT_STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {	# is HAVE WANT DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" == "$2" ]; then
		echo "ok $TAP_N - $3"
	else
		echo "not ok $TAP_N - $3"
		echo "#   have: $1"
		echo "#   want: $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

sql() {	# sql DB QUERY — the query's output, unaligned, tuples only
	local db=$1
	shift
	"${PSQL_T[@]}" -d "$db" -c "$*"
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
