#!/bin/sh
test_description='a host that hangs (stopped sshd) fails alone; the others finish'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

# freeze I / thaw I: stop or resume host I's sshd processes for live sessions.
sessions() {
	for _p in $(pgrep -P "$(cat "$FLEET/hosts/h$1/sshd.pid")"); do
		echo "$_p" $(pgrep -P "$_p")
	done
}
freeze() { kill -STOP $(sessions "$1") 2>/dev/null; }
thaw() { kill -CONT $(sessions "$1") 2>/dev/null; }
stop_listener() { kill -STOP "$(cat "$FLEET/hosts/h$1/sshd.pid")"; }
cont_listener() { kill -CONT "$(cat "$FLEET/hosts/h$1/sshd.pid")"; }

test_expect_success 'a host that never finishes its handshake: UNREACHABLE after -T, others ok' '
	stop_listener 2 &&
	test_expect_code 4 "$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" -m ping -o -T 2 >out;
	rc=$?;
	cont_listener 2;
	test $rc -eq 0 &&
	test_grep "^host2 | UNREACHABLE!: SSH handshake" out &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'a host that stops answering mid-task: UNREACHABLE after missed keepalives' '
	( sleep 2; freeze 2 ) &
	test_expect_code 4 "$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" -o \
		-m shell -a "sleep 8; echo done" --ssh-common-args "-o ServerAliveInterval=1" >out;
	rc=$?;
	wait;
	thaw 2;
	test $rc -eq 0 &&
	test_grep "^host2 | UNREACHABLE!: .*stopped answering" out &&
	test_grep "^host1 | CHANGED | rc=0 | (stdout) done" out &&
	test_grep "^host3 | CHANGED | rc=0 | (stdout) done" out
'

test_done
