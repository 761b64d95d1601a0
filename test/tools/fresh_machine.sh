#!/usr/bin/env bash
# test/tools/fresh_machine.sh — run the README's two commands on a fresh
# machine: a minimal Debian 12 (debootstrap --variant=minbase) chroot, as
# root, from a root-owned clone of this repository.
#
#   bash test/tools/fresh_machine.sh [REF]
#
# REF (default HEAD) is the commit of this repository to clone.
# FRESH_MODES="demo" (or "test") runs only that command; default both.  Run it as
# root on a Debian host, before each merge to main: it catches a test that
# calls a program test/run does not install, and anything else a newcomer's
# first run would hit.  It takes about half an hour (building the chroot,
# installing PostgreSQL, then the whole test suite); test/run does not run it.
#
# The Debian mirror is the one this host's apt already uses (read from
# /etc/apt/sources.list and /etc/apt/sources.list.d/), or $MIRROR if set.
# The chroot lives under /var/tmp (or $FRESH_DIR) and is removed at the end
# unless FRESH_KEEP=1; the outputs stay next to it in *.logs/.  Its mounts (/proc, /dev, /dev/pts, /dev/shm, /sys) are
# made in a private mount namespace, so they vanish with the run.  A
# policy-rc.d keeps the postgresql package from starting the chroot's system
# cluster (it would share the host's network); test/run starts its own.
#
# Prints the demo's output, the tests' closing line and a verdict; exits
# non-zero when either command fails, when the demo writes anything on
# stderr other than the runner's own "==" progress lines, or when the tests
# do not end with "N passed, 0 failed".
set -euo pipefail

REF=${1:-HEAD}
SUITE=bookworm
SRC=$(cd "$(dirname "$0")/../.." && pwd)

log() { printf '## %s\n' "$*" >&2; }
die() { printf 'fresh_machine: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
command -v git >/dev/null || die "git is needed on the host to clone the repository"
COMMIT=$(git -C "$SRC" rev-parse --verify "$REF^{commit}") || die "no commit $REF in $SRC"

# The mirror: the first apt source of the host that serves $SUITE itself.
find_mirror() {
	local f
	# deb822 files: stanzas of "Field: value" lines separated by blank lines.
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk -v suite="$SUITE" '
			BEGIN { RS = ""; FS = "\n" }
			{
				uri = ""; ok = 0; deb = 0
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/)   { split(substr($i, 6), u, " "); uri = u[1] }
					if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
					if ($i ~ /^Suites:/) { n = split(substr($i, 8), s, " "); for (j = 1; j <= n; j++) if (s[j] == suite) ok = 1 }
				}
				if (uri != "" && ok && deb) { print uri; exit }
			}' "$f"
	done
	# One-line format: deb [options] URI SUITE COMPONENTS...
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk -v suite="$SUITE" '
			$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == suite) { print $i; exit }
			}' "$f"
	done
}
MIRROR=${MIRROR:-$(find_mirror | head -1)}
[ -n "$MIRROR" ] || die "no apt source for $SUITE found on this host; set MIRROR"

if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap on the host"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

BASE=$(mktemp -d "${FRESH_DIR:-/var/tmp}/poverty_aid_fresh.XXXXXX")
CHROOT=$BASE/root
OUT=$BASE.logs		# kept: the outputs of both commands
mkdir -p "$CHROOT" "$OUT"

# Processes still running inside the chroot (there should be none).
chroot_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$CHROOT" ] && echo "${p#/proc/}"
	done
	return 0
}
cleanup() {
	local rc=$? pids
	pids=$(chroot_pids)
	if [ -n "$pids" ]; then
		log "stopping processes left in the chroot: $pids"
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
		sleep 1
	fi
	if [ "${FRESH_KEEP:-0}" = 1 ]; then
		log "chroot kept in $CHROOT (logs in $OUT)"
	elif grep -q " $BASE/" /proc/mounts; then
		log "something is still mounted under $BASE; not removing it"
	else
		rm -rf --one-file-system "$BASE"
	fi
	return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "debootstrap --variant=minbase $SUITE from $MIRROR into $CHROOT"
debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 \
	|| { tail -30 "$OUT/debootstrap.log" >&2; die "debootstrap failed"; }

# Name resolution and apt's network settings as on the host (a proxy, say).
cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
for f in /etc/apt/apt.conf.d/*; do
	grep -qi 'proxy' "$f" 2>/dev/null && cp "$f" "$CHROOT/etc/apt/apt.conf.d/"
done
# No service starts in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
chmod 755 "$CHROOT/usr/sbin/policy-rc.d"

log "cloning $COMMIT into /root/poverty_aid"
git clone -q --no-checkout "$SRC" "$CHROOT/root/poverty_aid"
git -C "$CHROOT/root/poverty_aid" checkout -q --detach "$COMMIT"
chown -R root:root "$CHROOT/root"
chmod 700 "$CHROOT/root"

# Run COMMAND inside the chroot, in a private mount namespace.
in_chroot() {	# in_chroot STDOUT_FILE STDERR_FILE COMMAND
	unshare --mount --propagation private -- bash -c '
		set -e
		c=$1; shift
		mount -t proc proc "$c/proc"
		mount -t sysfs sysfs "$c/sys"
		mount --bind /dev "$c/dev"
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$c/dev/pts"
		mount -t tmpfs -o mode=1777 tmpfs "$c/dev/shm"
		exec chroot "$c" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			/bin/bash -c "$1"' _ "$CHROOT" "$3" >"$1" 2>"$2"
}

MODES=${FRESH_MODES:-demo test}
status=0
demo_rc=skipped
closing=skipped
if [[ " $MODES " == *" demo "* ]]; then
	log "bash test/run demo (in the chroot)"
	set +e
	in_chroot "$OUT/demo.out" "$OUT/demo.err" 'cd /root/poverty_aid && bash test/run demo'
	demo_rc=$?
	set -e
	cat "$OUT/demo.out"
	# The runner's own progress lines start with "== "; anything else on stderr
	# is noise a newcomer would see (a warning, a permission error...).
	grep -v '^== ' "$OUT/demo.err" >"$OUT/demo.noise" || true
	if [ $demo_rc -ne 0 ]; then
		log "demo FAILED with status $demo_rc"; tail -40 "$OUT/demo.err" >&2; status=1
	elif [ -s "$OUT/demo.noise" ]; then
		log "demo succeeded but wrote this on stderr:"; cat "$OUT/demo.noise" >&2; status=1
	else
		log "demo ok"
	fi
fi

if [[ " $MODES " == *" test "* ]]; then
	log "bash test/run test (in the chroot)"
	set +e
	in_chroot "$OUT/test.out" "$OUT/test.err" 'cd /root/poverty_aid && bash test/run test'
	test_rc=$?
	set -e
	closing=$(tail -1 "$OUT/test.out")
	grep -E '^not ok|^# ' "$OUT/test.out" | grep -B1 -A3 '^not ok' | head -60 >&2 || true
	if [ $test_rc -ne 0 ] || ! [[ $closing =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
		log "tests FAILED (status $test_rc): $closing"
		grep -v '^== ' "$OUT/test.err" | tail -20 >&2 || true
		status=1
	else
		log "tests ok: $closing"
	fi
fi

log "fresh Debian 12 minbase, commit $COMMIT: demo status $demo_rc, tests \"$closing\"; $((SECONDS / 60)) min in all; logs in $OUT"
exit $status
