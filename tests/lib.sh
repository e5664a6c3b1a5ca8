# tests/lib.sh — a small test library in the manner of git's t/test-lib.sh.
# Source it from tests/tNNNN-name.sh after setting test_description:
#
#	#!/bin/sh
#	test_description='adhoc runs a command on every host'
#	. "$(dirname "$0")/lib.sh"
#	fleet_up 3
#	test_expect_success 'command module' '
#		"$DROVER" adhoc all -i "$FLEET/inventory" -m command -a "touch /tmp/x" &&
#		fleet_ssh 1 "test -f /tmp/x"
#	'
#	test_done
#
# Each test body runs with `set -e` in a subshell inside the trash
# directory tests/trash/<tNNNN-name>/ (so tests share state only through
# files there). The trash directory is removed when every test passed and
# kept for inspection otherwise (or always with TEST_KEEP=1).
#
# Options (arguments of the test script, or the environment):
#   -v, --verbose, TEST_VERBOSE=1   show each test's commands and output
#   -k, --keep, TEST_KEEP=1         keep the trash directory
#
# Provides:
#   $DROVER        absolute path of the drover binary under test, from the
#                  environment; default ../drover relative to tests/
#   $TEST_DIR      absolute path of tests/;  $TRASH  the trash directory
#   $FLEET_NET     loopback net 127.0.X.0 of this file's fleet: FLEET_NET
#                  from the environment, else 10 + (NNNN mod 240), so test
#                  files with different numbers can run concurrently
#   fleet_up N [fleet.sh options]  start an N-host fleet in $TRASH/fleet and
#                  set $FLEET (its directory), $FLEET_INV (inventory),
#                  $FLEET_KH (known_hosts), $FLEET_KEY (client key); it is
#                  stopped by fleet_down, called automatically on exit,
#                  interrupt or termination
#   fleet_ssh I CMD  run CMD on host I with plain OpenSSH (for assertions)
#   fleet_up_isolated N [fleet.sh options]  fleet_up N --isolated (hosts in
#                  their own mount, PID and UTS namespaces over an overlay
#                  of /; see fleet.sh), or skip_all where this machine
#                  cannot do it
#   fleet_up_systemd N  the same, each host booting a real systemd as its
#                  PID 1, or skip_all (saying why) where it cannot boot
#   fleet_exec I CMD  run CMD inside isolated host I without ssh (nsenter)
#   test_expect_success TITLE BODY, test_expect_failure TITLE BODY (a known
#   breakage), test_skip TITLE REASON, skip_all REASON, test_done
#   test_must_fail CMD..., test_expect_code N CMD..., test_cmp EXP ACT,
#   test_grep [-v] [GREP-OPTS] PATTERN FILE, test_path_is_file F,
#   test_path_is_missing F
#
# Output: "ok N - title" / "not ok N - title" per test, then one line
# "N passed, N failed" (", N skipped" when any); exit status 1 on failure.

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
TEST_NAME=$(basename "$0" .sh)
test_verbose=${TEST_VERBOSE:-0}
test_keep=${TEST_KEEP:-0}
for test_arg in "$@"; do
	case $test_arg in
	-v | --verbose) test_verbose=1 ;;
	-k | --keep) test_keep=1 ;;
	-h | --help)
		echo "usage: $0 [-v|--verbose] [-k|--keep]"
		exit 0 ;;
	*)
		echo "$0: unknown option '$test_arg'" >&2
		exit 2 ;;
	esac
done
unset test_arg

: "${DROVER:=$(cd "$TEST_DIR/.." && pwd)/drover}"
case $DROVER in /*) ;; *) DROVER=$(cd "$(dirname "$DROVER")" && pwd)/$(basename "$DROVER") ;; esac
export DROVER

if [ -z "${FLEET_NET:-}" ]; then
	test_num=$(echo "$TEST_NAME" | sed -n 's/^t0*\([0-9][0-9]*\)-.*/\1/p')
	case $TEST_NAME in t0000-*) test_num=0 ;; esac
	FLEET_NET=$((10 + ${test_num:-0} % 240))
fi

# tests/run.sh runs each binary's pass at the same time: every pass has its
# own trash folder (TEST_TRASH_TAG) and sshd port (FLEET_PORT).
TRASH=$TEST_DIR/trash${TEST_TRASH_TAG:+-$TEST_TRASH_TAG}/$TEST_NAME
FLEET=
FLEET_INV= FLEET_KH= FLEET_KEY=
test_count=0 test_passed=0 test_failed=0 test_skipped=0 test_known_broken=0

# A test's own HTTP server on this machine (the hosts share its network):
# http_port prints a port distinct per fleet net and per test stream; the
# test puts the server's pid in SERVER_PID, and the cleanup stops it.
SERVER_PID=
http_port() {
	echo $((18000 + FLEET_NET * 10 + ${FLEET_PORT:-2222} - 2222))
}
server_stop() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# Run by the EXIT trap and by test_done: stop the fleet, tidy up.
test_cleanup_() {
	server_stop
	fleet_down
}
trap 'test_cleanup_' EXIT
trap 'test_cleanup_; trap - EXIT; echo "interrupted" >&2; exit 130' INT
trap 'test_cleanup_; trap - EXIT; exit 143' TERM

rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1

# The comparisons with real Ansible belong to one pass: tests/run.sh sets
# TEST_NO_REFERENCE=1 in the others (each file picks one), and the tests'
# `command -v ansible...` guards then find no Ansible on this PATH.
if [ "${TEST_NO_REFERENCE:-0}" = 1 ]; then
	mkdir -p "$TRASH/.bin-noref" &&
		ln -s /usr/bin/* "$TRASH/.bin-noref/" 2>/dev/null
	rm -f "$TRASH/.bin-noref"/ansible*
	PATH=$TRASH/.bin-noref:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin
	export PATH
fi
# ref_play ARGS...: ansible-playbook on this file's fleet (reference behaviour).
ref_play() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible-playbook -i "$FLEET_INV" "$@"
}

# recap FILE: a play's recap lines in FILE, spaces squeezed, for comparing runs.
recap() {
	sed -n '/^PLAY RECAP/,$p' "$1" | grep ' : ' | tr -s ' '
}

# drover's state (run records, the default --lock) stays in the trash, never in ~.
XDG_STATE_HOME=$TRASH/state
export XDG_STATE_HOME
unset DROVER_RECORDS
cd "$TRASH" || exit 1

if [ "$test_verbose" = 1 ]; then
	echo "# $TEST_NAME: ${test_description:-}"
	echo "# DROVER=$DROVER FLEET_NET=$FLEET_NET"
fi

# --- the fleet ---------------------------------------------------------

fleet_up() {
	fleet_down
	FLEET=$TRASH/fleet
	_n=$1
	shift
	_r=0
	sh "$TEST_DIR/fleet/fleet.sh" up "$_n" "$FLEET" --net "$FLEET_NET" \
		${FLEET_PORT:+--port "$FLEET_PORT"} "$@" >"$TRASH/fleet-up.log" 2>&1 || _r=$?
	if [ $_r -eq 3 ]; then
		# fleet.sh: this machine cannot do it (e.g. boot systemd in a namespace)
		FLEET=
		skip_all "$(tail -n 1 "$TRASH/fleet-up.log")"
	fi
	if [ $_r -ne 0 ]; then
		cat "$TRASH/fleet-up.log" >&2
		echo "Bail out! fleet_up $_n failed" >&2
		FLEET=
		test_failed=$((test_failed + 1))
		test_done
	fi
	FLEET_INV=$FLEET/inventory
	FLEET_KH=$FLEET/known_hosts
	FLEET_KEY=$FLEET/id_ed25519
	export FLEET FLEET_INV FLEET_KH FLEET_KEY FLEET_NET
}

fleet_down() {
	[ -n "$FLEET" ] && [ -f "$FLEET/fleet.pids" ] &&
		sh "$TEST_DIR/fleet/fleet.sh" down "$FLEET"
	return 0
}

# fleet_ssh I CMD...: runs CMD on host I of the fleet with OpenSSH.
fleet_ssh() {
	_i=$1
	shift
	. "$FLEET/fleet.env"
	ssh -q -i "$FLEET_KEY" -o UserKnownHostsFile="$FLEET_KH" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes \
		-p "$FLEET_PORT" "$FLEET_USER@127.0.$FLEET_NET.$_i" "$@"
}

# fleet_up_isolated N: a fleet of isolated hosts, for modules that change
# the system; skips the whole file where namespaces are not permitted.
fleet_up_isolated() {
	[ "$(id -u)" = 0 ] || skip_all "isolated hosts need root"
	unshare --mount --pid --uts --fork true 2>/dev/null ||
		skip_all "unshare --mount --pid --uts is not permitted here"
	fleet_up "$@" --isolated
}

# fleet_up_systemd N: a fleet of isolated hosts whose PID 1 is a real
# systemd; skips the whole file, saying why, where this machine cannot
# boot systemd in a namespace.
fleet_up_systemd() {
	[ "$(id -u)" = 0 ] || skip_all "systemd hosts need root"
	unshare --mount --pid --uts --cgroup --fork true 2>/dev/null ||
		skip_all "unshare --mount --pid --uts --cgroup is not permitted here"
	fleet_up "$@" --systemd
}

# fleet_exec I CMD: runs CMD (sh -c) inside isolated host I, without ssh.
fleet_exec() {
	sh "$TEST_DIR/fleet/fleet.sh" exec "$FLEET" "$@"
}

# --- assertions --------------------------------------------------------

# (Both capture the status with `|| _r=$?`, so test bodies' set -e lets
# the command fail.)
# test_must_fail CMD...: CMD must fail in an orderly way: exit 1..125, not
# 126/127 (not runnable) nor death by a signal (>128, e.g. a sanitizer's
# abort or a segfault).
test_must_fail() {
	_r=0
	"$@" || _r=$?
	if [ $_r -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $_r -gt 125 ]; then
		echo "test_must_fail: command died or did not run (exit $_r): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N CMD...: CMD must exit with status N.
test_expect_code() {
	_want=$1
	shift
	_r=0
	"$@" || _r=$?
	[ $_r -eq "$_want" ] && return 0
	echo "test_expect_code: want exit $_want, got $_r: $*" >&2
	return 1
}

test_cmp() {
	diff -u "$1" "$2" >&2
}

# test_grep [-v] [GREP-OPTS] PATTERN FILE: like grep, but shows the file
# when the expectation fails.
test_grep() {
	_neg=
	if [ "$1" = -v ]; then
		_neg=1
		shift
	fi
	_file=
	for _a in "$@"; do _file=$_a; done
	if [ -z "$_neg" ]; then
		grep "$@" >/dev/null && return 0
		echo "test_grep: no match for '$(echo "$@" | sed 's/ [^ ]*$//')' in $_file:" >&2
	else
		grep "$@" >/dev/null || return 0
		echo "test_grep: unexpected match for '$(echo "$@" | sed 's/ [^ ]*$//')' in $_file:" >&2
	fi
	sed 's/^/| /' "$_file" >&2
	return 1
}

test_path_is_file() {
	[ -f "$1" ] && return 0
	echo "test_path_is_file: no file $1" >&2
	return 1
}

test_path_is_missing() {
	[ -e "$1" ] || return 0
	echo "test_path_is_missing: $1 exists" >&2
	return 1
}

# --- running tests -----------------------------------------------------

# Runs BODY in a subshell with set -e; output to a log unless verbose.
test_run_() {
	if [ "$test_verbose" = 1 ]; then
		echo "$1" | sed -e '/^[[:space:]]*$/d' -e 's/^/# > /'
		( set -e; eval "$1" ) 2>&1
	else
		( set -e; eval "$1" ) >"$TRASH/.test-$test_count.out" 2>&1
	fi
}

test_show_failure_() {
	echo "#	failed commands:"
	echo "$1" | sed 's/^/#	/'
	if [ "$test_verbose" != 1 ] && [ -s "$TRASH/.test-$test_count.out" ]; then
		echo "#	output (last 30 lines):"
		tail -n 30 "$TRASH/.test-$test_count.out" | sed 's/^/#	/'
	fi
}

test_expect_success() {
	[ $# -eq 2 ] || { echo "BUG: test_expect_success TITLE BODY" >&2; exit 2; }
	test_count=$((test_count + 1))
	# Not `if test_run_`: set -e is void anywhere inside an if condition.
	test_run_ "$2"
	if [ $? -eq 0 ]; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		test_show_failure_ "$2"
	fi
}

# A known breakage: reported, not counted as a failure while it fails.
test_expect_failure() {
	[ $# -eq 2 ] || { echo "BUG: test_expect_failure TITLE BODY" >&2; exit 2; }
	test_count=$((test_count + 1))
	test_run_ "$2"
	if [ $? -eq 0 ]; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		test_known_broken=$((test_known_broken + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# skip_all REASON: nothing in this file can run here.
skip_all() {
	echo "# skipping $TEST_NAME: $1"
	test_skipped=$((test_skipped + 1))
	test_done
}

test_done() {
	fleet_down
	FLEET=
	echo "1..$test_count"
	_sum="$test_passed passed, $test_failed failed"
	[ $test_skipped -gt 0 ] && _sum="$_sum, $test_skipped skipped"
	[ $test_known_broken -gt 0 ] && echo "# $test_known_broken known breakage(s)"
	echo "$_sum"
	cd "$TEST_DIR" || exit 1
	if [ $test_failed -gt 0 ]; then
		echo "# trash kept: $TRASH"
		exit 1
	fi
	if [ "$test_keep" = 1 ]; then
		echo "# trash kept: $TRASH"
	else
		rm -rf "$TRASH"
		rmdir "$TEST_DIR/trash" 2>/dev/null
	fi
	exit 0
}
