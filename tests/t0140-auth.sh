#!/bin/sh
test_description='drover adhoc authenticates with encrypted keys and ssh-agent'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

# An inventory that names no key file: only the agent or defaults can help.
test_expect_success 'setup: a passphrase-protected key the fleet accepts' '
	ssh-keygen -q -t ed25519 -N "s3cret pass" -C drover-test -f "$TRASH/enc" &&
	cat "$TRASH/enc.pub" >>"$FLEET/authorized_keys" &&
	sed "s| ansible_ssh_private_key_file=[^ ]*||" "$FLEET_INV" >"$TRASH/nokey.ini" &&
	! grep -q private_key_file "$TRASH/nokey.ini" &&
	mkdir -p "$TRASH/home/.ssh"
'

run_enc() {
	HOME=$TRASH/home "$DROVER" adhoc host1 -i "$FLEET_INV" --known-hosts "$FLEET_KH" -m ping -o \
		-e "ansible_ssh_private_key_file=$TRASH/enc" "$@"
}

test_expect_success 'encrypted key with DROVER_KEY_PASSPHRASE logs in' '
	DROVER_KEY_PASSPHRASE="s3cret pass" run_enc </dev/null >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'encrypted key without a passphrase or terminal: UNREACHABLE naming the key' '
	test_expect_code 4 setsid -w env HOME="$TRASH/home" "$DROVER" adhoc host1 -i "$FLEET_INV" \
		--known-hosts "$FLEET_KH" -m ping -o -e "ansible_ssh_private_key_file=$TRASH/enc" \
		</dev/null >out 2>&1 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "$TRASH/enc" out
'

test_expect_success 'wrong passphrase: UNREACHABLE' '
	DROVER_KEY_PASSPHRASE=wrong test_expect_code 4 run_enc </dev/null >out &&
	test_grep "^host1 | UNREACHABLE" out
'

test_expect_success 'the passphrase is asked once on the terminal' '
	printf "s3cret pass\n" | script -qec "env HOME=$TRASH/home $DROVER adhoc all -i $FLEET_INV --known-hosts $FLEET_KH -m ping -o -e ansible_ssh_private_key_file=$TRASH/enc" /dev/null >out &&
	test $(grep -c "Enter passphrase for key" out) -eq 1 &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'ssh-agent: a key only the agent holds logs in' '
	eval "$(ssh-agent -s)" >/dev/null &&
	echo "$SSH_AGENT_PID" >agent.pid &&
	ssh-add -q "$FLEET/id_ed25519" 2>/dev/null &&
	HOME=$TRASH/home "$DROVER" adhoc all -i "$TRASH/nokey.ini" --known-hosts "$FLEET_KH" \
		-m ping -o >out;
	rc=$?;
	kill "$(cat agent.pid)";
	test $rc -eq 0 &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'no agent and no key: UNREACHABLE saying what was tried' '
	HOME=$TRASH/home SSH_AUTH_SOCK= test_expect_code 4 "$DROVER" adhoc host1 -i "$TRASH/nokey.ini" \
		--known-hosts "$FLEET_KH" -m ping >out &&
	test_grep "authentication failed for root@" out
'

test_done
