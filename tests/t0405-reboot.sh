#!/bin/sh
test_description='reboot and wait_for_connection on isolated hosts'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
boot_id() {
	fleet_ssh "$1" "cat /proc/sys/kernel/random/boot_id"
}
reboots() {
	cat "$FLEET/hosts/h$1/reboots" 2>/dev/null | wc -l | tr -d " "
}

test_expect_success 'reboot: the host comes back with a new boot id' '
	boot_id 1 >before &&
	adhoc host1 -m reboot -a "reboot_timeout=60" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"elapsed\": [0-9]*,\"rebooted\": true}" out &&
	test "$(reboots 1)" = 1 &&
	boot_id 1 >after &&
	! cmp -s before after
'

test_expect_success 'reboot: two hosts at once, then a command on both' '
	adhoc all -m reboot -o >out &&
	test "$(grep -c "CHANGED => {\"changed\": true,\"elapsed\": [0-9]*,\"rebooted\": true}" out)" = 2 &&
	test "$(reboots 1)" = 2 && test "$(reboots 2)" = 1 &&
	adhoc all -m command -a "hostname" -o >out &&
	test "$(grep -c "CHANGED | rc=0" out)" = 2
'

test_expect_success 'reboot: check mode reboots nothing' '
	adhoc host1 -m reboot -a "_ansible_check_mode=true" -o >out &&
	test_grep "CHANGED => {\"changed\": true,\"elapsed\": 0,\"rebooted\": true}" out &&
	sleep 2 &&
	test "$(reboots 1)" = 2
'

test_expect_success 'reboot: a host that does not reboot times out' '
	test_expect_code 2 adhoc host1 -m reboot -a "reboot_command=true reboot_timeout=3" -o >out &&
	test_grep "FAILED! => {\"changed\": false,\"elapsed\": [0-9]*,\"msg\": \"Timed out waiting for last boot time check (timeout=3): boot id unchanged" out &&
	test "$(reboots 1)" = 2
'

test_expect_success 'reboot: a failing test_command times out after the reboot' '
	test_expect_code 2 adhoc host2 -m reboot -a "test_command=false reboot_timeout=6" -o >out &&
	test_grep "Timed out waiting for last boot time check (timeout=6): .false. exited 1" out &&
	test "$(reboots 2)" = 2
'

test_expect_success 'reboot: bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m reboot -a "reboot_timeout=soon" -o >out &&
	test_grep "argument .reboot_timeout. is of type str and we were unable to convert to int" out &&
	test_expect_code 2 adhoc host1 -m reboot -a "reboot_timeout=0" -o >out &&
	test_grep "reboot_timeout must be more than 0" out &&
	test_expect_code 2 adhoc host1 -m reboot -a "search_paths=/nowhere" -o >out &&
	test_grep "Unable to find command \\\\\"shutdown\\\\\" in search paths: \[/nowhere\]" out &&
	test "$(reboots 1)" = 2
'

test_expect_success 'wait_for_connection: a host that is up' '
	adhoc all -m wait_for_connection -o >out &&
	test "$(grep -c "SUCCESS => {\"changed\": false,\"elapsed\": [0-9]*}" out)" = 2
'

test_expect_success 'wait_for_connection: waits through a reboot' '
	fleet_exec 2 "kill -USR1 1" &&
	adhoc host2 -m wait_for_connection -a "connect_timeout=2 timeout=30" -o >out &&
	test_grep "^host2 | SUCCESS => {\"changed\": false,\"elapsed\": [0-9]*}" out &&
	test "$(reboots 2)" = 3 &&
	fleet_ssh 2 true
'

test_expect_success 'wait_for_connection: times out on a host that never answers' '
	printf "[all]\nghost ansible_host=127.0.$FLEET_NET.77 ansible_port=$FLEET_PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$FLEET_KEY\n" >ghost.ini &&
	test_expect_code 2 "$DROVER" adhoc ghost -i ghost.ini --known-hosts "$FLEET_KH" -m wait_for_connection -a "timeout=2 connect_timeout=1" -o >out &&
	test_grep "^ghost | FAILED! => {\"changed\": false,\"elapsed\": [23],\"msg\": \"timed out waiting for ping module test: " out
'

test_done
