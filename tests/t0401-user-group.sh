#!/bin/sh
test_description='user and group modules on isolated hosts, against Ansible'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible -i "$FLEET_INV" "$@"
}
have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1

test_expect_success 'group: create, then no change' '
	adhoc host1 -m group -a "name=dgrp gid=2345" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"gid\": 2345,\"name\": \"dgrp\",\"state\": \"present\",\"system\": false}" out &&
	fleet_ssh 1 "getent group dgrp" >g &&
	echo "dgrp:x:2345:" >expect && test_cmp expect g &&
	adhoc host1 -m group -a "name=dgrp gid=2345" -o >out2 &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"gid\": 2345" out2
'

test_expect_success 'group: check mode changes nothing' '
	adhoc host1 -m group -a "name=dgrp gid=2400 _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "getent group dgrp" >g && test_cmp expect g &&
	adhoc host1 -m group -a "name=dgrp state=absent _ansible_check_mode=true" -o &&
	fleet_ssh 1 "getent group dgrp"
'

test_expect_success 'group: gid change, then removal' '
	adhoc host1 -m group -a "name=dgrp gid=2400" -o >out &&
	fleet_ssh 1 "getent group dgrp" >g && echo "dgrp:x:2400:" >expect && test_cmp expect g &&
	adhoc host1 -m group -a "name=dgrp state=absent" -o >out &&
	test_grep "CHANGED => {\"changed\": true,\"name\": \"dgrp\",\"state\": \"absent\"}" out &&
	test_must_fail fleet_ssh 1 "getent group dgrp" &&
	adhoc host1 -m group -a "name=dgrp state=absent" -o >out &&
	test_grep "SUCCESS => {\"changed\": false" out
'

test_expect_success 'group: bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m group -a "name=x state=gone" -o >out &&
	test_grep "value of state must be one of: absent, present, got: gone" out &&
	test_expect_code 2 adhoc host1 -m group -a "state=absent" -o >out &&
	test_grep "missing required arguments: name" out &&
	test_expect_code 2 adhoc host1 -m group -a "name=x gid=abc" -o >out &&
	test_grep "argument .gid. is of type str and we were unable to convert to int" out
'

test_expect_success 'user: create with groups, shell, comment, password' '
	adhoc host1 -m group -a "name=ops" -o &&
	adhoc host1 -m user -a "name=alice uid=2501 groups=ops shell=/bin/sh comment=Alice password=\$6\$salt\$hash" -o >out &&
	test_grep "\"changed\": true" out &&
	test_grep "\"password\": \"NOT_LOGGING_PASSWORD\"" out &&
	fleet_ssh 1 "getent passwd alice; id -Gn alice; getent shadow alice | cut -d: -f2; test -d /home/alice && echo home" >got &&
	cat >expect <<-\EOF &&
	alice:x:2501:2501:Alice:/home/alice:/bin/sh
	alice ops
	$6$salt$hash
	home
	EOF
	test_cmp expect got &&
	test_must_fail test -e /home/alice/.profile.t0401
'

test_expect_success 'user: second run reports no change' '
	adhoc host1 -m user -a "name=alice uid=2501 groups=ops shell=/bin/sh comment=Alice password=\$6\$salt\$hash" -o >out &&
	test_grep "SUCCESS => {\"append\": false,\"changed\": false" out
'

test_expect_success 'user: check mode changes nothing' '
	adhoc host1 -m user -a "name=alice shell=/bin/bash _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	adhoc host1 -m user -a "name=bob _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED => {\"changed\": true}" out &&
	fleet_ssh 1 "getent passwd alice | cut -d: -f7" >sh && echo /bin/sh >expect && test_cmp expect sh &&
	test_must_fail fleet_ssh 1 "getent passwd bob"
'

test_expect_success 'user: append adds a group, without append groups are replaced' '
	adhoc host1 -m group -a "name=dev" -o &&
	adhoc host1 -m user -a "name=alice groups=dev append=yes" -o >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "id -Gn alice" >g && echo "alice ops dev" >expect && test_cmp expect g &&
	adhoc host1 -m user -a "name=alice groups=dev" -o >out &&
	fleet_ssh 1 "id -Gn alice" >g && echo "alice dev" >expect && test_cmp expect g
'

test_expect_success 'user: missing group and bad state fail clearly' '
	test_expect_code 2 adhoc host1 -m user -a "name=carol group=nosuch" -o >out &&
	test_grep "Group nosuch does not exist" out &&
	test_expect_code 2 adhoc host1 -m user -a "name=carol state=maybe" -o >out &&
	test_grep "value of state must be one of: absent, present, got: maybe" out &&
	test_must_fail fleet_ssh 1 "getent passwd carol"
'

test_expect_success 'user: remove with its home' '
	adhoc host1 -m user -a "name=alice state=absent remove=yes" -o >out &&
	test_grep "\"changed\": true,\"force\": false,\"name\": \"alice\",\"remove\": true,\"state\": \"absent\"" out &&
	test_must_fail fleet_ssh 1 "getent passwd alice" &&
	test_must_fail fleet_ssh 1 "test -d /home/alice" &&
	adhoc host1 -m user -a "name=alice state=absent" -o >out &&
	test_grep "SUCCESS" out
'

# strip_ansible: an ad-hoc result line without the interpreter discovery.
strip_ansible() {
	sed -e "s/\"ansible_facts\": {\"discovered_interpreter_python\": \"[^\"]*\"},//" \
	    -e "s/\"stderr_lines\": \[[^]]*\],\{0,1\}//" -e "s/,\"stderr\": \"[^\"]*\"//" \
	    -e "s/,}/}/" "$1"
}

if [ -n "$have_ansible" ]; then
	test_expect_success 'same results and same accounts as Ansible' '
		for step in "group|name=web gid=3100" "user|name=dave uid=3101 group=web comment=Dave shell=/bin/sh" \
			"user|name=dave uid=3101 group=web comment=Dave shell=/bin/sh" "user|name=dave shell=/bin/bash" \
			"group|name=web gid=3100" "user|name=dave state=absent remove=yes" "group|name=web state=absent"; do
			m=${step%%|*} a=${step#*|}
			adhoc host1 -m "$m" -a "$a" -o | strip_ansible /dev/stdin >>drover.out || true
			ansible_ref host2 -m "$m" -a "$a" -o | sed "s/^host2/host1/" | strip_ansible /dev/stdin >>ansible.out || true
			fleet_ssh 1 "getent passwd dave; getent group web" >>drover.state || true
			fleet_ssh 2 "getent passwd dave; getent group web" >>ansible.state || true
		done &&
		test_cmp ansible.out drover.out &&
		test_cmp ansible.state drover.state
	'
else
	test_skip 'same results and same accounts as Ansible' 'ansible not installed'
fi

test_done
