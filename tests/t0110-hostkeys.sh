#!/bin/sh
test_description='drover adhoc verifies host keys against known_hosts'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

# fp I: the SHA256 fingerprint of host I's key, as ssh-keygen prints it.
fp() {
	ssh-keygen -lf "$FLEET/hosts/h$1/ssh_host_ed25519_key.pub" | awk '{ print $2 }'
}

# kh_line I: host I's line in the fleet's known_hosts.
kh_line() {
	grep "^\[127\.0\.$FLEET_NET\.$1\]:$FLEET_PORT " "$FLEET_KH"
}

# ping KNOWN_HOSTS PATTERN [ARGS...]
ping_with() {
	_kh=$1 _pat=$2
	shift 2
	"$DROVER" adhoc "$_pat" -i "$FLEET_INV" --known-hosts "$_kh" -m ping "$@"
}

test_expect_success 'sanity: the fleet known_hosts works strictly' '
	ping_with "$FLEET_KH" all -o >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3
'

test_expect_success 'unknown key: UNREACHABLE naming host and fingerprint, exit 4' '
	: >empty_kh &&
	test_expect_code 4 ping_with empty_kh host1 >out &&
	test_grep "^host1 | UNREACHABLE! => {" out &&
	test_grep -F "$(fp 1)" out &&
	test_grep -F "127.0.$FLEET_NET.1" out &&
	test ! -s empty_kh
'

test_expect_success 'unknown key on every host: all UNREACHABLE, exit 4' '
	: >empty_kh &&
	test_expect_code 4 ping_with empty_kh all -o >out &&
	for i in 1 2 3; do
		test_grep "^host$i | UNREACHABLE!.*$(fp $i)" out || exit 1
	done &&
	test $(wc -l <out) -eq 3 &&
	test ! -s empty_kh
'

test_expect_success 'unknown key with a missing known_hosts file: refused, file not created' '
	test_expect_code 4 ping_with no_such_kh host1 -o >out &&
	test_grep "^host1 | UNREACHABLE!" out &&
	test_path_is_missing no_such_kh
'

test_expect_success 'accept-new adds exactly one line per host' '
	: >new_kh &&
	ping_with new_kh all -o --host-key-checking accept-new >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	test $(wc -l <new_kh) -eq 3 &&
	sort "$FLEET_KH" >expect &&
	sed "s/ *\$//" new_kh | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'after accept-new, a strict run passes' '
	ping_with new_kh all -o --host-key-checking strict >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	ping_with new_kh all -o >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3
'

test_expect_success 'accept-new again adds nothing' '
	cp new_kh before &&
	ping_with new_kh all -o --host-key-checking accept-new >out &&
	test_cmp before new_kh
'

test_expect_success 'accept-new keeps the lines already there' '
	echo "# a comment" >kept_kh &&
	kh_line 2 >>kept_kh &&
	cp kept_kh before &&
	ping_with kept_kh all -o --host-key-checking accept-new >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	head -n 2 kept_kh >head2 &&
	test_cmp before head2 &&
	test $(wc -l <kept_kh) -eq 4 &&
	test $(grep -c "127\.0\.$FLEET_NET\.2\]" kept_kh) -eq 1
'

test_expect_success 'accept-new writes a missing known_hosts file' '
	ping_with created_kh host2 -o --host-key-checking accept-new >out &&
	test_grep "^host2 | SUCCESS" out &&
	kh_line 2 >expect &&
	sed "s/ *\$//" created_kh >actual &&
	test_cmp expect actual
'

# host1's name with host2's key.
test_expect_success 'setup: a known_hosts with a changed key for host1' '
	key2=$(kh_line 2 | cut -d" " -f2-) &&
	sed "s|^\[127\.0\.$FLEET_NET\.1\]:$FLEET_PORT .*|[127.0.$FLEET_NET.1]:$FLEET_PORT $key2|" \
		"$FLEET_KH" >changed_kh &&
	! cmp -s "$FLEET_KH" changed_kh &&
	test $(wc -l <changed_kh) -eq 3 &&
	cp changed_kh changed_kh.orig
'

for policy in strict accept-new no; do
	test_expect_success "changed key refused loudly with --host-key-checking $policy" '
		test_expect_code 4 ping_with changed_kh host1 --host-key-checking '$policy' >out &&
		test_grep "^host1 | UNREACHABLE! => {" out &&
		test_grep -i "CHANGED" out &&
		test_grep -F "$(fp 1)" out &&
		test_grep -F "127.0.$FLEET_NET.1" out &&
		test_cmp changed_kh.orig changed_kh
	'
done

test_expect_success 'changed key on one host does not stop the others' '
	test_expect_code 4 ping_with changed_kh all -o >out &&
	test_grep "^host1 | UNREACHABLE!" out &&
	test_grep "^host2 | SUCCESS" out &&
	test_grep "^host3 | SUCCESS" out &&
	test_cmp changed_kh.orig changed_kh
'

test_expect_success 'host key checking no: unknown key accepted, known_hosts not written' '
	: >no_kh &&
	ping_with no_kh all -o --host-key-checking no >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	test ! -s no_kh &&
	ping_with absent_kh host1 -o --host-key-checking no >out &&
	test_grep "^host1 | SUCCESS" out &&
	test_path_is_missing absent_kh
'

test_expect_success 'hashed known_hosts entries are honoured' '
	cp "$FLEET_KH" hashed_kh &&
	ssh-keygen -q -H -f hashed_kh 2>/dev/null &&
	rm -f hashed_kh.old &&
	! grep -q "127\.0\." hashed_kh &&
	ping_with hashed_kh all -o >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3
'

# OpenSSH: "WARNING: REVOKED HOST KEY DETECTED!", refused even when another
# line lists the same key as valid.
test_expect_success '@revoked host key is refused' '
	echo "@revoked [127.0.$FLEET_NET.1]:$FLEET_PORT $(cat "$FLEET/hosts/h1/ssh_host_ed25519_key.pub")" >revoked_kh &&
	cat "$FLEET_KH" >>revoked_kh &&
	test_expect_code 4 ping_with revoked_kh host1 >out &&
	test_grep "^host1 | UNREACHABLE!" out &&
	test_grep -i "revoked" out
'

test_expect_success 'wrong client key: UNREACHABLE, exit 4' '
	ssh-keygen -q -t ed25519 -N "" -C stranger -f stranger &&
	test_expect_code 4 ping_with "$FLEET_KH" host1 -e "ansible_ssh_private_key_file=$TRASH/stranger" >out &&
	test_grep "^host1 | UNREACHABLE! => {" out &&
	test_grep "\"unreachable\": true" out
'

test_expect_success '--private-key loses to the inventory'"'"'s ansible_ssh_private_key_file, as in ansible' '
	# the inventory sets ansible_ssh_private_key_file; -e overrides it, a
	# command-line --private-key does not (ansible: host vars win)
	ping_with "$FLEET_KH" host1 -o --private-key "$TRASH/stranger" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'default known_hosts is ~/.ssh/known_hosts (HOME in the trash)' '
	mkdir -p home-empty home-full/.ssh &&
	cp "$FLEET_KH" home-full/.ssh/known_hosts &&
	HOME=$TRASH/home-full "$DROVER" adhoc host1 -i "$FLEET_INV" -m ping -o >out &&
	test_grep "^host1 | SUCCESS" out &&
	test_expect_code 4 env HOME=$TRASH/home-empty "$DROVER" adhoc host1 -i "$FLEET_INV" -m ping -o >out &&
	test_grep "^host1 | UNREACHABLE!.*$(fp 1)" out &&
	test_path_is_missing home-empty/.ssh/known_hosts
'

test_expect_success 'accept-new with the default path writes ~/.ssh/known_hosts' '
	mkdir -p home-new &&
	HOME=$TRASH/home-new "$DROVER" adhoc host3 -i "$FLEET_INV" -m ping -o \
		--host-key-checking accept-new >out &&
	test_grep "^host3 | SUCCESS" out &&
	kh_line 3 >expect &&
	sed "s/ *\$//" home-new/.ssh/known_hosts >actual &&
	test_cmp expect actual
'

test_expect_success 'ansible_ssh_common_args -o UserKnownHostsFile=FILE is honoured' '
	mkdir -p home-ca &&
	cp "$FLEET_KH" custom_kh &&
	sed "/^host[0-9]* ansible_host/s|\$| ansible_ssh_common_args=\"-o UserKnownHostsFile=$TRASH/custom_kh\"|" \
		"$FLEET_INV" >inv-common &&
	test_grep "UserKnownHostsFile=$TRASH/custom_kh" inv-common &&
	HOME=$TRASH/home-ca "$DROVER" adhoc all -i inv-common -m ping -o >out &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	# and it is that file that counts: emptied, the hosts are unknown
	: >custom_kh &&
	test_expect_code 4 env HOME=$TRASH/home-ca "$DROVER" adhoc host1 -i inv-common -m ping -o >out &&
	test_grep "^host1 | UNREACHABLE!.*$(fp 1)" out &&
	test_path_is_missing home-ca/.ssh/known_hosts
'

test_expect_success 'ansible_ssh_common_args from -e is honoured too' '
	mkdir -p home-e &&
	HOME=$TRASH/home-e "$DROVER" adhoc host2 -i "$FLEET_INV" -m ping -o \
		-e "ansible_ssh_common_args=\"-o UserKnownHostsFile=$FLEET_KH\"" >out &&
	test_grep "^host2 | SUCCESS" out
'

# Ansible (host_key_checking=True, the default) passes no StrictHostKeyChecking
# of its own, so the user's -o StrictHostKeyChecking=no decides.
test_expect_success 'StrictHostKeyChecking=no in ansible_ssh_common_args accepts an unknown key' '
	mkdir -p home-shkc &&
	HOME=$TRASH/home-shkc "$DROVER" adhoc host2 -i "$FLEET_INV" -m ping -o \
		-e "ansible_ssh_common_args=\"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\"" >out &&
	test_grep "^host2 | SUCCESS" out
'

test_expect_success 'an unsupported -o option gets a warning naming it' '
	ping_with "$FLEET_KH" host1 -o \
		-e "ansible_ssh_common_args=\"-o FooBarOption=yes\"" >out 2>err &&
	test_grep "^host1 | SUCCESS" out &&
	test_grep "WARNING" err &&
	test_grep "FooBarOption" err
'

test_expect_success 'the warning comes once per run, not once per host' '
	ping_with "$FLEET_KH" all -o \
		-e "ansible_ssh_common_args=\"-o FooBarOption=yes\"" >out 2>err &&
	test $(grep -c "| SUCCESS =>" out) -eq 3 &&
	test $(grep -c "FooBarOption" err) -eq 1
'

test_done
