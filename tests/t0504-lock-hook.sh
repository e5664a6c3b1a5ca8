#!/bin/sh
test_description='cron safety: --lock refuses an overlapping run (exit 75); --on-failure hooks'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
LOCK=$TRASH/state/drover/run.lock
FAIL2='case "$SSH_CONNECTION" in *" 127.0.'$FLEET_NET'.2 "*) exit 3;; esac; echo fine'

# wait_locked FILE: until some process holds an flock on FILE (10 s at most).
wait_locked() {
	_n=0
	while [ ! -f "$1" ] || flock -n "$1" true; do
		_n=$((_n + 1))
		[ $_n -gt 100 ] && { echo "never locked: $1"; return 1; }
		sleep 0.1
	done
}

test_expect_success '--lock: a second run while the first holds the lock exits 75 at once' '
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" all --lock \
		-m shell -a "sleep 5; echo first" >first.out 2>&1 &
	first=$!
	wait_locked "$LOCK" &&
	test_expect_code 75 adhoc all --lock -a "touch $TRASH/second-ran" >second.out 2>second.err &&
	# refused at once: the first run (5 s of sleep) is still going
	kill -0 $first &&
	test_grep "^ERROR! another drover run holds the lock $LOCK (pid $first); not starting$" second.err &&
	test ! -s second.out &&
	test_path_is_missing second-ran
	rc=$?
	wait $first &&
	test $rc = 0 &&
	test $(grep -c "^first$" first.out) -eq 2 &&
	test "$(sqlite3 state/drover/records.db "SELECT COUNT(*) FROM runs")" = 1 &&
	test "$(sqlite3 state/drover/records.db "SELECT exit_code FROM runs")" = 0
'

test_expect_success 'the lock goes with the run: the next run gets it' '
	adhoc all --lock -m ping >out &&
	test $(grep -c SUCCESS out) -eq 2
'

test_expect_success 'a stale lock file (its holder dead) never blocks' '
	echo 999999 >"$LOCK" &&
	adhoc host1 --lock -m ping >out &&
	test_grep SUCCESS out
'

test_expect_success '--lock=FILE: its own lock; other lock files do not block each other' '
	adhoc host1 --lock=a.lock -m shell -a "sleep 3" >/dev/null 2>&1 &
	first=$!
	wait_locked a.lock &&
	test_expect_code 75 adhoc host1 --lock=a.lock -m ping 2>err &&
	test_grep "holds the lock a.lock" err &&
	adhoc host1 --lock=b.lock -m ping >out &&
	adhoc host1 --lock-file b.lock -m ping >>out &&
	adhoc host1 --lock -m ping >>out &&
	test $(grep -c SUCCESS out) -eq 3 &&
	wait $first
'

test_expect_success '--lock: the run does not start when the lock cannot be made' '
	test_expect_code 1 adhoc host1 --lock="$TRASH/no/such/dir/x.lock" -a "touch $TRASH/ran" 2>err &&
	test_grep "cannot open lock $TRASH/no/such/dir/x.lock" err &&
	test_path_is_missing no &&
	test_path_is_missing ran
'

test_expect_success '--on-failure: runs with the JSON summary on stdin when a host failed' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --on-failure "cat >$TRASH/hook.json; echo hook-ran" >out &&
	test_grep "^hook-ran$" out &&
	jq -e ".failed_hosts == [\"host2\"] and .unreachable_hosts == [] and .exit_code == 2" hook.json &&
	jq -e ".kind == \"adhoc\" and .stats.host2.failures == 1 and .stats.host1.ok == 1" hook.json &&
	jq -e ".failures[0].host == \"host2\" and .failures[0].msg == \"non-zero return code\" and .failures[0].task == \"shell\"" hook.json &&
	id=$(sqlite3 state/drover/records.db "SELECT MAX(id) FROM runs") &&
	jq -e ".run_id == $id" hook.json
'

test_expect_success '--on-failure: not run when every host is fine' '
	adhoc all -m ping --on-failure "touch $TRASH/hook-ran" >/dev/null &&
	test_path_is_missing hook-ran
'

test_expect_success '--on-failure: an unreachable host calls it too' '
	sed "s|^\[all\]\$|[all]\ndead ansible_host=127.0.$FLEET_NET.200 ansible_port=$FLEET_PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$FLEET_KEY|" \
		"$FLEET_INV" >inv-dead &&
	test_expect_code 4 "$DROVER" adhoc "dead:host1" -i inv-dead --known-hosts "$FLEET_KH" -T 2 \
		-m ping --on-failure "cat >$TRASH/hook2.json" >/dev/null &&
	jq -e ".unreachable_hosts == [\"dead\"] and .failed_hosts == [] and .exit_code == 4" hook2.json
'

test_expect_success '--on-failure: its own failure is a warning; the exit status stays the run'"'"'s' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --on-failure "exit 7" >out 2>err &&
	test_grep "^\[WARNING\]: --on-failure command '"'"'exit 7'"'"' exited with 7$" err &&
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --on-failure "no-such-command-xyz" >out 2>err &&
	test_grep "exited with 127 (not found?)" err &&
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --on-failure "kill -9 \$\$" >out 2>err &&
	test_grep "died of signal 9" err
'

test_expect_success '--on-failure: a hook that ignores its stdin is fine' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --on-failure "true" >out 2>err &&
	test_grep -v WARNING err
'

test_done
