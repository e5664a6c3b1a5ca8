#!/bin/sh
test_description='drover adhoc stops cleanly on SIGINT/SIGTERM: exit 99, no leftovers'
. "$(dirname "$0")/lib.sh"

# The remote sleeps are found by their length: each test pass gets its own.
S=$((60 + ${FLEET_PORT:-2222} - 2222))

fleet_up 5
. "$FLEET/fleet.env"

# alive PID: the process exists and is not a zombie.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	read -r _ _ _st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$_st" != Z ]
}

# tree PID: PID and all its descendants.
tree() {
	echo "$1"
	for _c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		tree "$_c"
	done
}

# remote TAG: pids of the running "sleep TAG" commands (our own tag: unique).
remote() {
	pgrep -f "^sleep $1\$" 2>/dev/null || true
}

# start NAME TAG INV [ADHOC ARGS...]: drover adhoc in its own session, with
# SIGINT at its default disposition (as from a terminal), in the background.
# Writes NAME.pid; waits until 5 remote "sleep TAG" run; writes NAME.tree.
start() {
	_name=$1 _tag=$2 _inv=$3
	shift 3
	setsid env --default-signal=INT,TERM "$DROVER" adhoc all -i "$_inv" \
		--known-hosts "$FLEET_KH" "$@" >"$_name.out" 2>"$_name.err" &
	echo $! >"$_name.pid"
	echo $! >>"$TRASH/all.pids"
	_want=${WANT:-5}
	_t=0
	while [ "$(remote "$_tag" | wc -l)" -lt "$_want" ]; do
		_t=$((_t + 1))
		if [ $_t -gt 100 ]; then
			echo "only $(remote "$_tag" | wc -l) of $_want 'sleep $_tag' started" >&2
			cat "$_name.out" "$_name.err" >&2
			return 1
		fi
		sleep 0.1
	done
	sleep 0.5
	tree "$(cat "$_name.pid")" >"$_name.tree"
	cat "$_name.tree" >>"$TRASH/all.pids"
	remote "$_tag" >"$_name.remote"
	test "$(cat "$_name.pid")" = "$(head -n 1 "$_name.tree")"
}

# stop_and_check NAME SIGNAL KILLARG: sends SIGNAL (to KILLARG: the pid, or
# -pgid), then asserts exit 99 within STOP_WITHIN tenths of a second
# (default 50: 5 s) and that no process of the captured drover tree is left.
stop_and_check() {
	_name=$1 _sig=$2 _target=$3
	_pid=$(cat "$_name.pid")
	_start=$(date +%s)
	/bin/kill -s "$_sig" -- $_target
	_t=0
	while alive "$_pid"; do
		_t=$((_t + 1))
		if [ $_t -gt "${STOP_WITHIN:-50}" ]; then
			echo "drover ($_pid) still running $((${STOP_WITHIN:-50} / 10)) s after SIG$_sig" >&2
			return 1
		fi
		sleep 0.1
	done
	_rc=0
	wait "$_pid" || _rc=$?
	echo "exit $_rc after $(($(date +%s) - _start)) s" >&2
	[ $_rc -eq 99 ] || { echo "want exit 99, got $_rc" >&2; cat "$_name.err" >&2; return 1; }
	sleep 0.2
	for _p in $(cat "$_name.tree"); do
		if alive "$_p"; then
			echo "drover process $_p left behind: $(cat /proc/$_p/cmdline | tr "\0" " ")" >&2
			return 1
		fi
	done
}

# remote_gone NAME: the remote commands recorded for NAME exit within 5 s.
remote_gone() {
	_t=0
	while :; do
		_left=
		for _p in $(cat "$1.remote"); do alive "$_p" && _left="$_left $_p"; done
		[ -z "$_left" ] && return 0
		_t=$((_t + 1))
		if [ $_t -gt 50 ]; then
			echo "remote commands still running 5 s later:$_left" >&2
			return 1
		fi
		sleep 0.1
	done
}

test_expect_success 'SIGINT: exit 99 within seconds, no drover process left' '
	start int $S.13011 "$FLEET_INV" -a "sleep $S.13011" &&
	test $(wc -l <int.remote) -eq 5 &&
	stop_and_check int INT "$(cat int.pid)" &&
	test_grep -i "interrupted" int.err
'

test_expect_success 'SIGINT: the remote commands are stopped' '
	remote_gone int
'

test_expect_success 'SIGINT to the whole process group (Ctrl-C): exit 99, nothing left' '
	start pgrp $S.13012 "$FLEET_INV" -a "sleep $S.13012" &&
	stop_and_check pgrp INT "-$(cat pgrp.pid)" &&
	remote_gone pgrp
'

test_expect_success 'SIGTERM: exit 99, nothing left' '
	start term $S.13013 "$FLEET_INV" -m shell -a "sleep $S.13013" &&
	stop_and_check term TERM "$(cat term.pid)" &&
	remote_gone term
'

test_expect_success 'with -f 2 (3 hosts still queued): exit 99, queued hosts never run' '
	WANT=2 start forks $S.13014 "$FLEET_INV" -f 2 -m shell -a "touch $TRASH/ran-\$\$; sleep $S.13014" &&
	stop_and_check forks INT "$(cat forks.pid)" &&
	remote_gone forks &&
	sleep 1 &&
	test -z "$(remote $S.13014)" &&
	test $(ls ran-* | wc -l) -eq 2
'

test_expect_success 'results that came before the interrupt are printed' '
	WANT=4 start mixed $S.13015 "$FLEET_INV" -o -m shell \
		-a "case \"\$SSH_CONNECTION\" in *\" 127.0.$FLEET_NET.1 \"*) echo quick;; *) sleep $S.13015;; esac" &&
	STOP_WITHIN=100 stop_and_check mixed INT "$(cat mixed.pid)" &&
	remote_gone mixed &&
	test_grep "^host1 | CHANGED | rc=0 | (stdout) quick\$" mixed.out &&
	test_grep -v "^host[2-5] | CHANGED" mixed.out
'

# With a worker idle (its host done), drover takes 5 s (STOP_GRACE_MS) to
# exit: the idle worker ignores the stop and is SIGKILLed at the deadline.
test_expect_success 'SIGINT with a host already done: exit 99 within 2 s' '
	WANT=4 start idle $S.13017 "$FLEET_INV" -o -m shell \
		-a "case \"\$SSH_CONNECTION\" in *\" 127.0.$FLEET_NET.1 \"*) echo quick;; *) sleep $S.13017;; esac" &&
	STOP_WITHIN=20 stop_and_check idle INT "$(cat idle.pid)"
'

test_expect_success 'local connection: interrupted, local commands stopped' '
	printf "[all]\n" >inv-local &&
	for i in 1 2 3; do echo "loc$i ansible_connection=local"; done >>inv-local &&
	mkdir -p home &&
	HOME=$TRASH/home WANT=3 start local $S.13016 inv-local -a "sleep $S.13016" &&
	stop_and_check local INT "$(cat local.pid)" &&
	remote_gone local
'

test_expect_success 'a run after the interrupts works normally' '
	"$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" -m ping -o >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 5
'

# Leftovers of failed tests: exactly the processes this file started.
if [ -f "$TRASH/all.pids" ]; then
	for p in $(cat "$TRASH/all.pids"); do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
fi
for tag in $S.13011 $S.13012 $S.13013 $S.13014 $S.13015 $S.13016 $S.13017; do
	for p in $(remote $tag); do kill -TERM "$p" 2>/dev/null; done
done

test_done
