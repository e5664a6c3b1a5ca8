#!/bin/sh
test_description='isolated fleet hosts: private root, /proc/sys, hostname, reboot'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

# alive PID: running (a zombie is not: it waits for this machine's init to reap it)
alive() {
	st=$(awk "{ print \$3 }" "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

test_expect_success 'a file written inside a host stays inside it' '
	name=/etc/drover-t0400-$$ &&
	fleet_ssh 1 "echo inside >$name && cat $name" >out &&
	echo inside >expect &&
	test_cmp expect out &&
	test_path_is_missing $name &&
	test_must_fail fleet_ssh 2 "test -e $name" &&
	test_path_is_file "$FLEET/hosts/h1/upper$name"
'

test_expect_success 'each host has its own hostname and PID 1' '
	fleet_ssh 1 hostname >out1 && fleet_ssh 2 hostname >out2 &&
	echo host1 >expect1 && echo host2 >expect2 &&
	test_cmp expect1 out1 && test_cmp expect2 out2 &&
	fleet_ssh 1 "cat /proc/1/cmdline | tr \"\\0\" \" \"" >init &&
	test_grep "hosts/h1/init.sh" init
'

test_expect_success 'the fleet directory is shared with the host' '
	echo from-outside >"$FLEET/shared-file" &&
	fleet_ssh 1 "cat $FLEET/shared-file" >out &&
	echo from-outside >expect &&
	test_cmp expect out
'

test_expect_success "the machine's kernel settings are read-only, the UTS keys are not" '
	test_must_fail fleet_ssh 1 "echo 1 >/proc/sys/vm/swappiness" &&
	fleet_ssh 1 "echo t0400 >/proc/sys/kernel/domainname && cat /proc/sys/kernel/domainname" >out &&
	echo t0400 >expect &&
	test_cmp expect out &&
	test "$(cat /proc/sys/kernel/domainname)" != t0400
'

test_expect_success 'fleet_exec looks inside a host without ssh' '
	fleet_exec 2 "hostname; tr \"\\0\" \" \" </proc/1/cmdline" >out &&
	test "$(sed -n 1p out)" = host2 &&
	test_grep "hosts/h2/init.sh" out
'

test_expect_success 'reboot: sshd comes back with a new boot id' '
	fleet_ssh 1 "cat /proc/sys/kernel/random/boot_id" >before &&
	fleet_ssh 1 "reboot" &&
	sleep 2 &&
	i=0 &&
	while ! fleet_ssh 1 "cat /proc/sys/kernel/random/boot_id" >after 2>/dev/null; do
		i=$((i + 1)); test $i -lt 50; sleep 0.2
	done &&
	! cmp -s before after &&
	test "$(wc -l <"$FLEET/hosts/h1/reboots")" = 1 &&
	test_must_fail fleet_ssh 1 "shutdown -h now"
'

test_expect_success 'down stops every process of the hosts' '
	u1=$(cat "$FLEET/hosts/h1/unshare.pid") &&
	init1=$(ps -o pid= --ppid "$u1" | tr -d " ") &&
	test -n "$init1" &&
	sh "$TEST_DIR/fleet/fleet.sh" down "$FLEET" &&
	! alive "$u1" &&
	! alive "$init1" &&
	test -z "$(ps -e -o args= | grep -F "$FLEET/hosts/" | grep -v grep)"
'

test_done
