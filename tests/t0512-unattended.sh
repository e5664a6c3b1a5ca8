#!/bin/sh
test_description='runs without a terminal (recap, --quiet, no prompts), rescued results in the records, --lock after a killed controller'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
ESC=$(printf '\033')
RECAP1='^host1 *: ok=1 *changed=1 *unreachable=0 *failed=0 *skipped=0 *rescued=0 *ignored=0 *$'
RECAP2='^host2 *: ok=1 *changed=1 *unreachable=0 *failed=0 *skipped=0 *rescued=0 *ignored=0 *$'

# in_pty FILE CMD...: runs CMD on a pseudo-terminal (its stdin, stdout and
# stderr), everything it writes into FILE.
in_pty() {
	_f=$1
	shift
	python3 -c '
import os, pty, sys
out = open(sys.argv[1], "wb")
def read(fd):
    data = os.read(fd, 65536)
    out.write(data)
    return data
status = pty.spawn(sys.argv[2:], read)
sys.exit(os.waitstatus_to_exitcode(status))
' "$_f" "$@"
}

test_expect_success 'adhoc without a terminal: output as Ansible'\''s, then a recap line per host on stderr' '
	adhoc all -m command -a "echo hi" -f 1 >out 2>err &&
	printf "host1 | CHANGED | rc=0 >>\nhi\nhost2 | CHANGED | rc=0 >>\nhi\n" >expect &&
	test_cmp expect out &&
	test "$(sed -n 2p err)" = "RECAP **************************************************************************" &&
	test "$(wc -l <err)" = 4 &&
	test_grep "$RECAP1" err &&
	test_grep "$RECAP2" err &&
	test_must_fail grep -q "$ESC" out err
'

test_expect_success 'adhoc on a terminal: unchanged, no recap' '
	command -v python3 >/dev/null &&
	in_pty tty.out "$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" all \
		-m command -a "echo hi" &&
	test_grep "host1 | CHANGED | rc=0 >>" tty.out &&
	test_grep "$ESC\\[" tty.out &&
	test_must_fail grep -q "RECAP" tty.out &&
	test_must_fail grep -q "ok=1" tty.out
'

test_expect_success 'adhoc --quiet: only the recap, on stdout' '
	adhoc all --quiet -m command -a "echo hi" >out 2>err &&
	test "$(wc -l <out)" = 2 &&
	test_grep "$RECAP1" out &&
	test_grep "$RECAP2" out &&
	test ! -s err
'

cat >play.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: echo hi
EOF

test_expect_success 'play without a terminal: no colours, one PLAY RECAP line per host at the end' '
	play play.yml >out 2>err &&
	test_must_fail grep -q "$ESC" out &&
	sed -n "/^PLAY RECAP /,\$p" out >recap &&
	test "$(grep -c . recap)" = 3 &&
	test_grep "$RECAP1" recap &&
	test_grep "$RECAP2" recap &&
	test "$(tail -n 3 out | grep -c "^host")" = 2 &&
	play play.yml --quiet >q.out &&
	test "$(wc -l <q.out)" = 2 &&
	test_grep "$RECAP1" q.out && test_grep "$RECAP2" q.out
'

test_expect_success 'no terminal: a password to ask for is an error before anything runs' '
	test_expect_code 1 setsid -w "$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" all -k \
		-m command -a "touch $TRASH/ran" </dev/null >out 2>err &&
	test_grep "^ERROR! -k/--ask-pass needs a terminal to ask on$" err &&
	test_path_is_missing ran &&
	test_expect_code 1 setsid -w "$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" -k \
		play.yml </dev/null >out 2>err &&
	test_grep "^ERROR! -k/--ask-pass needs a terminal to ask on$" err
'

cat >rescue.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: may fail
          command: "sh -c 'test {{ inventory_hostname }} = host2'"
      rescue:
        - name: caught
          debug:
            msg: "rescued {{ ansible_failed_task.name }}"
    - name: after
      command: "true"
EOF

test_expect_success 'a rescued failure is "rescued" in the records, as in the recap' '
	play rescue.yml --junit j.xml --on-failure "touch $TRASH/hook-ran" >out &&
	test_grep "^fatal: \\[host1\\]: FAILED!" out &&
	test_grep "^host1 *: ok=2 *changed=1 *unreachable=0 *failed=0 *skipped=0 *rescued=1 " out &&
	"$DROVER" runs show last >show &&
	grep -F -A2 "[may fail]" show >step &&
	test_grep "^  host1 *rescued *rc=1 " step &&
	test_grep "^  host2 *changed " step &&
	"$DROVER" runs show last --failed >failed &&
	test_must_fail grep -q "may fail" failed &&
	test "$(sqlite3 state/drover/records.db "SELECT status FROM results WHERE host = '\''host1'\'' AND run_id = (SELECT MAX(id) FROM runs) ORDER BY id" | tr "\n" " ")" = "rescued ok changed " &&
	test "$(sqlite3 state/drover/records.db "SELECT rescued || failed FROM recap WHERE host = '\''host1'\'' AND run_id = (SELECT MAX(id) FROM runs)")" = 10 &&
	test_path_is_missing hook-ran &&
	test_grep "<testsuites name=\"drover\" tests=\"5\" failures=\"0\" " j.xml &&
	test_grep "<system-out>rescued: " j.xml &&
	"$DROVER" runs export last --format junit >e.xml &&
	test_grep "<testsuites name=\"drover\" tests=\"5\" failures=\"0\" " e.xml &&
	"$DROVER" runs export last --format json >e.json &&
	test "$(jq -c "[.stats.host1.failures, .stats.host1.rescued]" e.json)" = "[0,1]" &&
	test "$(jq -c ".plays[0].tasks[0].hosts.host1.failed" e.json)" = true
'

test_expect_success 'a rescue that fails too: still failed, and the hook runs' '
	sed "s/debug:/fail:/" rescue.yml >rescue-fails.yml &&
	test_expect_code 2 play rescue-fails.yml --on-failure "cat >$TRASH/hook.json" >out &&
	test_grep "^host1 *: .*failed=1 *skipped=0 *rescued=1 " out &&
	jq -r ".failures[] | \"\(.host) \(.task)\"" hook.json >got &&
	echo "host1 caught" >want &&
	test_cmp want got &&
	"$DROVER" runs show last --host host1 >h1 &&
	grep -F -A1 "[may fail]" h1 >step && test_grep "^  host1 *rescued " step &&
	grep -F -A1 "[caught]" h1 >step && test_grep "^  host1 *failed " step
'

# The remote sleep is distinct per test pass: the check for leftovers
# must not see the other pass's.
SLEEP=$((40 + ${FLEET_PORT:-2222} - 2222)).5$FLEET_NET
cat >slow.yml <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - shell: touch $TRASH/started-{{ inventory_hostname }}; exec sleep $SLEEP
EOF

# alive PID: running (a zombie is not: it waits for this machine's init)
alive() {
	_st=$(awk "{ print \$3 }" "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$_st" ] && [ "$_st" != Z ]
}
# leftovers: the killed run's workers and remote sleeps still there.
leftovers() {
	pgrep -f "sleep $SLEEP"
	for _w in $workers; do alive $_w && echo "worker $_w"; done
	return 0
}

test_expect_success 'a controller killed with -9: its workers do not hold --lock, and end' '
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" slow.yml --lock=run.lock \
		>slow.out 2>&1 &
	ctl=$!
	n=0
	while [ ! -f started-host1 ] || [ ! -f started-host2 ]; do
		n=$((n + 1)); [ $n -lt 300 ] || break; sleep 0.1
	done
	workers=$(ps -o pid= --ppid $ctl | tr -d " " | tr "\n" " ")
	echo "controller $ctl, workers $workers"
	kill -9 $ctl
	wait $ctl || :
	test -n "$workers" &&
	test -f started-host1 && test -f started-host2 &&
	adhoc all --lock=run.lock -m ping >second.out 2>second.err &&
	test "$(grep -c SUCCESS second.out)" = 2 &&
	n=0 &&
	while [ -n "$(leftovers)" ]; do
		n=$((n + 1)); test $n -lt 100; sleep 0.1
	done &&
	echo "gone after $n tenths of a second"
'

test_done
