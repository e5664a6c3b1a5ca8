#!/bin/sh
test_description='service and systemd modules: SysV scripts on isolated hosts (no systemd as PID 1)'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 1
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
# events: what the demo service's script did, one word per action
events() {
	fleet_ssh 1 "cat /var/log/drover-demo.log 2>/dev/null" | tr "\n" " " | sed "s/ $//"
}
running() {
	fleet_ssh 1 "/etc/init.d/drover-demo status"
}

test_expect_success 'setup: a SysV service in the host' '
	cat >drover-demo <<-\EOF &&
	#!/bin/sh
	### BEGIN INIT INFO
	# Provides:          drover-demo
	# Required-Start:    $local_fs
	# Required-Stop:     $local_fs
	# Default-Start:     2 3 4 5
	# Default-Stop:      0 1 6
	# Short-Description: drover test service
	### END INIT INFO
	PIDF=/run/drover-demo.pid
	alive() { [ -f $PIDF ] && kill -0 "$(cat $PIDF)" 2>/dev/null; }
	case $1 in
	start) alive && exit 0
		setsid sleep 100000 </dev/null >/dev/null 2>&1 &
		echo $! >$PIDF; echo start >>/var/log/drover-demo.log ;;
	stop) alive && kill "$(cat $PIDF)"; rm -f $PIDF; echo stop >>/var/log/drover-demo.log ;;
	restart) "$0" stop; "$0" start ;;
	reload | force-reload) echo reload >>/var/log/drover-demo.log ;;
	status) alive || exit 3 ;;
	*) echo "usage: $0 start|stop|restart|reload|status" >&2; exit 2 ;;
	esac
	EOF
	cp drover-demo "$FLEET/drover-demo" &&
	fleet_ssh 1 "install -m 755 $FLEET/drover-demo /etc/init.d/drover-demo" &&
	test_must_fail test -e /etc/init.d/drover-demo &&
	test_must_fail running
'

test_expect_success 'started, then no change' '
	adhoc host1 -m service -a "name=drover-demo state=started" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-demo\",\"state\": \"started\"}" out &&
	running &&
	adhoc host1 -m service -a "name=drover-demo state=started" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"name\": \"drover-demo\",\"state\": \"started\"}" out &&
	test "$(events)" = "start"
'

test_expect_success 'restarted and reloaded always act' '
	adhoc host1 -m service -a "name=drover-demo state=restarted" -o >out &&
	test_grep CHANGED out &&
	adhoc host1 -m service -a "name=drover-demo state=reloaded" -o >out &&
	test_grep CHANGED out &&
	test "$(events)" = "start stop start reload" &&
	running
'

test_expect_success 'check mode changes nothing' '
	adhoc host1 -m service -a "name=drover-demo state=stopped enabled=yes _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	running &&
	test "$(events)" = "start stop start reload" &&
	test_must_fail fleet_ssh 1 "ls /etc/rc2.d/S*drover-demo"
'

test_expect_success 'enabled=yes links the script into the runlevels, then no change' '
	adhoc host1 -m service -a "name=drover-demo enabled=yes" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"enabled\": true,\"name\": \"drover-demo\"}" out &&
	fleet_ssh 1 "ls /etc/rc2.d/S*drover-demo" &&
	adhoc host1 -m service -a "name=drover-demo enabled=yes" -o >out &&
	test_grep "SUCCESS" out &&
	adhoc host1 -m systemd -a "name=drover-demo enabled=no" -o >out &&
	test_grep "CHANGED" out &&
	test_must_fail fleet_ssh 1 "ls /etc/rc2.d/S*drover-demo"
'

test_expect_success 'stopped (through the systemd module, which falls back to SysV)' '
	adhoc host1 -m systemd -a "name=drover-demo state=stopped" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-demo\",\"state\": \"stopped\"}" out &&
	test_must_fail running &&
	adhoc host1 -m systemd -a "name=drover-demo state=stopped daemon_reload=yes" -o >out &&
	test_grep SUCCESS out
'

test_expect_success 'pattern finds a service without a status action' '
	fleet_ssh 1 "setsid sleep 99999 </dev/null >/dev/null 2>&1 &" &&
	adhoc host1 -m service -a "name=drover-demo state=started pattern=\"sleep 99999\"" -o >out &&
	test_grep SUCCESS out &&
	test_must_fail running
'

test_expect_success 'bad arguments and unknown services fail clearly' '
	test_expect_code 2 adhoc host1 -m service -a "name=drover-demo state=running" -o >out &&
	test_grep "value of state must be one of: reloaded, restarted, started, stopped, got: running" out &&
	test_expect_code 2 adhoc host1 -m service -a "name=no-such-service state=started" -o >out &&
	test_grep "Could not find the requested service no-such-service: no systemd as PID 1 and no /etc/init.d/no-such-service" out &&
	test_expect_code 2 adhoc host1 -m service -a "name=drover-demo" -o >out &&
	test_grep "one of the following is required: state, enabled, masked" out &&
	test_expect_code 2 adhoc host1 -m service -a "name=drover-demo state=started use=systemd" -o >out &&
	test_grep "Unable to run .systemctl --system start drover-demo.: System has not been booted with systemd" out
'

test_done
