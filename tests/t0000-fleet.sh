#!/bin/sh
test_description='the test fleet: distinct hosts, verified keys, clean teardown'
. "$(dirname "$0")/lib.sh"

FLEETSH=$TEST_DIR/fleet/fleet.sh

# gone PID: the process has exited (a zombie awaiting init counts as gone).
gone() {
	kill -0 "$1" 2>/dev/null || return 0
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null || return 0
	[ "$st" = Z ]
}

fleet_up 3
FLEET_PORT=${FLEET_PORT:-2222}

test_expect_success 'fleet writes its files' '
	for f in id_ed25519 id_ed25519.pub authorized_keys known_hosts inventory \
		ansible.cfg fleet.pids fleet.env; do
		test_path_is_file "$FLEET/$f"
	done &&
	test $(wc -l <"$FLEET/fleet.pids") -eq 3 &&
	test $(wc -l <"$FLEET_KH") -eq 3 &&
	test_grep "^\[127\.0\.$FLEET_NET\.2\]:$FLEET_PORT ssh-ed25519 " "$FLEET_KH" &&
	test_grep "^host3 ansible_host=127\.0\.$FLEET_NET\.3 ansible_port=$FLEET_PORT " "$FLEET_INV"
'

test_expect_success 'inventory groups' '
	sed -n "/^\[odd\]/,/^\$/p" "$FLEET_INV" | grep "^host" >odd &&
	printf "host1\nhost3\n" >expect &&
	test_cmp expect odd &&
	sed -n "/^\[even\]/,/^\$/p" "$FLEET_INV" | grep "^host" >even &&
	echo host2 >expect &&
	test_cmp expect even
'

test_expect_success 'every host answers over ssh with StrictHostKeyChecking=yes' '
	for i in 1 2 3; do
		fleet_ssh $i "echo \$SSH_CONNECTION" >out.$i &&
		test_grep " 127\.0\.$FLEET_NET\.$i $FLEET_PORT\$" out.$i || exit 1
	done
'

test_expect_success 'each host presents its own key, matching known_hosts' '
	for i in 1 2 3; do
		ssh-keyscan -t ed25519 -p $FLEET_PORT 127.0.$FLEET_NET.$i 2>/dev/null >scan.$i &&
		grep "^\[127\.0\.$FLEET_NET\.$i\]:$FLEET_PORT " "$FLEET_KH" >want.$i &&
		test_cmp want.$i scan.$i || exit 1
	done &&
	ssh-keygen -lf "$FLEET_KH" | awk "{ print \$2 }" | sort -u >fps &&
	test $(wc -l <fps) -eq 3
'

test_expect_success 'a wrong known_hosts entry is refused' '
	. "$FLEET/fleet.env" &&
	key2=$(grep "^\[127\.0\.$FLEET_NET\.2\]" "$FLEET_KH" | cut -d" " -f2-) &&
	echo "[127.0.$FLEET_NET.1]:$FLEET_PORT $key2" >bad_kh &&
	test_expect_code 255 ssh -q -i "$FLEET_KEY" -o UserKnownHostsFile=bad_kh \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -p $FLEET_PORT \
		"$FLEET_USER@127.0.$FLEET_NET.1" true
'

test_expect_success 'an unknown client key is refused' '
	ssh-keygen -q -t ed25519 -N "" -f stranger &&
	. "$FLEET/fleet.env" &&
	test_expect_code 255 ssh -q -i stranger -o IdentitiesOnly=yes \
		-o UserKnownHostsFile="$FLEET_KH" -o StrictHostKeyChecking=yes \
		-o BatchMode=yes -p $FLEET_PORT "$FLEET_USER@127.0.$FLEET_NET.1" true
'

test_expect_success '20 concurrent sessions on one daemon' '
	for j in $(seq 20); do
		fleet_ssh 2 "sleep 1; echo ok$j" >conc.$j 2>&1 &
	done
	wait &&
	cat conc.* | grep -c "^ok" >count &&
	echo 20 >expect &&
	test_cmp expect count
'

if command -v ansible >/dev/null 2>&1; then
	test_expect_success 'real ansible pings the fleet with its ansible.cfg' '
		ANSIBLE_CONFIG=$FLEET/ansible.cfg ansible all -m ping -o >ping.out 2>&1 &&
		test $(grep -c "SUCCESS" ping.out) -eq 3
	'
else
	test_skip 'real ansible pings the fleet' 'ansible not installed'
fi

test_expect_success 'scale inventory maps names onto daemons' '
	sh "$FLEETSH" scale "$FLEET" 9 &&
	test $(grep -c "^s[0-9]" "$FLEET/inventory-scale") -eq 9 &&
	test $(grep -c "ansible_host=127\.0\.$FLEET_NET\.3 " "$FLEET/inventory-scale") -eq 3 &&
	test_grep "^s4 ansible_host=127\.0\.$FLEET_NET\.1 " "$FLEET/inventory-scale"
'

test_expect_success 'up refuses a directory that is not a fleet' '
	mkdir notfleet && echo precious >notfleet/hosts &&
	test_must_fail sh "$FLEETSH" up 1 notfleet --net $FLEET_NET --port 2224 &&
	echo precious >expect &&
	test_cmp expect notfleet/hosts
'

test_expect_success 'down stops exactly its own daemons and sessions' '
	cp "$FLEET/fleet.pids" pids
	sh "$FLEETSH" up 1 other --net $FLEET_NET --port $((FLEET_PORT + 100))
	trap "sh \"$FLEETSH\" down other; kill \$sentinel 2>/dev/null" EXIT
	other=$(cat other/fleet.pids)
	sleep 300 &
	sentinel=$!
	fleet_ssh 1 "echo \$\$ >$TRASH/remote.pid; exec sleep 30" &
	session=$!
	for i in $(seq 50); do test -s remote.pid && break; sleep 0.1; done
	remote=$(cat remote.pid)

	sh "$FLEETSH" down "$FLEET"
	for p in $(cat pids); do gone $p || { echo "pid $p alive"; exit 1; }; done
	test_path_is_missing "$FLEET/fleet.pids"
	! ss -Hltn | grep "127\.0\.$FLEET_NET\.[0-9]*:$FLEET_PORT "
	r=0; wait $session || r=$?
	test $r -ne 0
	gone $remote

	kill -0 $sentinel
	! gone $other
	ssh -q -i other/id_ed25519 -o UserKnownHostsFile=other/known_hosts \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -p $((FLEET_PORT + 100)) \
		"$(id -un)@127.0.$FLEET_NET.1" true
	sh "$FLEETSH" down other
	gone $other
'

test_done
