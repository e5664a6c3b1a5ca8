#!/bin/sh
test_description='hostname and sysctl modules on isolated hosts'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
real_hostname=$(hostname)
real_domain=$(cat /proc/sys/kernel/domainname)

test_expect_success 'hostname: sets the running and the permanent name' '
	adhoc host1 -m hostname -a "name=web7.example.com" -o >out &&
	test_grep "^host1 | CHANGED => {\"ansible_facts\": {\"ansible_domain\": \"example.com\",\"ansible_fqdn\": \"web7.example.com\",\"ansible_hostname\": \"web7\",\"ansible_nodename\": \"web7.example.com\"},\"changed\": true,\"name\": \"web7.example.com\"}" out &&
	fleet_ssh 1 "hostname; cat /etc/hostname" >got &&
	printf "web7.example.com\nweb7.example.com\n" >expect &&
	test_cmp expect got &&
	test "$(hostname)" = "$real_hostname" &&
	adhoc host1 -m hostname -a "name=web7.example.com" -o >out &&
	test_grep "SUCCESS => .*\"changed\": false" out
'

test_expect_success 'hostname: check mode and diff' '
	adhoc host1 -m hostname -a "name=other _ansible_check_mode=true _ansible_diff=true" --json >out.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.changed == true" out.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.diff.before == \"hostname = web7.example.com\n\"" out.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.diff.after == \"hostname = other\n\"" out.json &&
	fleet_ssh 1 "hostname" >got && echo web7.example.com >expect && test_cmp expect got
'

test_expect_success 'hostname: bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m hostname -a "name=\"a b\"" -o >out &&
	test_grep "invalid host name .a b." out &&
	test_expect_code 2 adhoc host1 -m hostname -a "name=x use=bsd" -o >out &&
	test_grep "use must be one of" out
'

test_expect_success 'sysctl: a line in the file, no reload, then no change' '
	adhoc host1 -m sysctl -a "name=vm.swappiness value=13 reload=no" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true}" out &&
	fleet_ssh 1 "grep swappiness /etc/sysctl.conf" >got &&
	echo vm.swappiness=13 >expect && test_cmp expect got &&
	adhoc host1 -m sysctl -a "name=vm.swappiness value=13 reload=no" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false}" out &&
	adhoc host1 -m sysctl -a "name=vm/swappiness value=\" 14 \" reload=no" -o >out &&
	fleet_ssh 1 "grep swappiness /etc/sysctl.conf" >got &&
	echo vm.swappiness=14 >expect && test_cmp expect got
'

test_expect_success 'sysctl: sysctl_set and reload of a namespaced key' '
	adhoc host1 -m sysctl -a "name=kernel.domainname value=t0403 sysctl_set=yes sysctl_file=/etc/sysctl.d/90-t0403.conf" -o >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "cat /proc/sys/kernel/domainname /etc/sysctl.d/90-t0403.conf" >got &&
	printf "t0403\nkernel.domainname=t0403\n" >expect && test_cmp expect got &&
	test "$(cat /proc/sys/kernel/domainname)" = "$real_domain" &&
	adhoc host1 -m sysctl -a "name=kernel.domainname value=t0403 sysctl_set=yes sysctl_file=/etc/sysctl.d/90-t0403.conf" -o >out &&
	test_grep "SUCCESS => {\"changed\": false}" out &&
	fleet_ssh 1 "echo drift >/proc/sys/kernel/domainname" &&
	adhoc host1 -m sysctl -a "name=kernel.domainname value=t0403 sysctl_set=yes sysctl_file=/etc/sysctl.d/90-t0403.conf" -o >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "cat /proc/sys/kernel/domainname" >got && echo t0403 >expect && test_cmp expect got
'

test_expect_success 'sysctl: check mode changes nothing; diff shows the file' '
	adhoc host1 -m sysctl -a "name=vm.swappiness state=absent reload=no _ansible_check_mode=true _ansible_diff=true" --json >out.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.changed == true" out.json &&
	jq -r ".plays[0].tasks[0].hosts.host1.diff.before" out.json | grep -x vm.swappiness=14 &&
	! jq -r ".plays[0].tasks[0].hosts.host1.diff.after" out.json | grep swappiness &&
	fleet_ssh 1 "grep -c swappiness /etc/sysctl.conf" >n && echo 1 >expect && test_cmp expect n
'

test_expect_success 'sysctl: absent removes the line' '
	adhoc host1 -m sysctl -a "name=vm.swappiness state=absent reload=no" -o >out &&
	test_grep CHANGED out &&
	test_must_fail fleet_ssh 1 "grep swappiness /etc/sysctl.conf"
'

test_expect_success 'sysctl: bad arguments fail clearly, a failed reload too' '
	test_expect_code 2 adhoc host1 -m sysctl -a "name=vm.swappiness" -o >out &&
	test_grep "value is required with state=present" out &&
	test_expect_code 2 adhoc host1 -m sysctl -a "name=no.such.key value=1 sysctl_set=yes reload=no" -o >out &&
	test_grep "sysctl key no.such.key does not exist" out &&
	test_expect_code 2 adhoc host1 -m sysctl -a "name=vm.swappiness value=5 sysctl_file=/etc/sysctl.d/91-t0403.conf" -o >out &&
	test_grep "Failed to reload sysctl: .*permission denied on key" out
'

test_done
