#!/bin/sh
test_description='drover logs in with RSA keys (rsa-sha2-512/256), and stops raw commands on timeout'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

# Agent tests end their agent whatever drover did: a failing last command of
# an && list would end the body (set -e) before the kill.

# The fleet's sshd keeps OpenSSH's default algorithms: ssh-rsa (SHA-1) is refused.
run_key() { # key [drover args...]
	_k=$1
	shift
	HOME=$TRASH/home SSH_AUTH_SOCK= "$DROVER" adhoc host1 -i "$FLEET_INV" \
		--known-hosts "$FLEET_KH" -m ping -o --private-key "$_k" \
		-e "ansible_ssh_private_key_file=$_k" "$@" </dev/null
}

test_expect_success 'setup: RSA keys in OpenSSH and PEM formats, clear and encrypted' '
	mkdir -p "$TRASH/home/.ssh" &&
	! grep -qi "^PubkeyAcceptedAlgorithms.*ssh-rsa" "$FLEET"/hosts/h1/sshd_config &&
	ssh-keygen -q -t rsa -b 2048 -N "" -f "$TRASH/rsa_openssh" &&
	ssh-keygen -q -t rsa -b 2048 -N "" -m PEM -f "$TRASH/rsa_pem" &&
	ssh-keygen -q -t rsa -b 3072 -N "pem pass" -m PEM -f "$TRASH/rsa_pem_enc" &&
	ssh-keygen -q -t rsa -b 2048 -N "new pass" -f "$TRASH/rsa_openssh_enc" &&
	ssh-keygen -q -t rsa -b 2048 -N "" -f "$TRASH/rsa_stranger" &&
	grep -q "BEGIN OPENSSH PRIVATE KEY" "$TRASH/rsa_openssh" &&
	grep -q "BEGIN RSA PRIVATE KEY" "$TRASH/rsa_pem" &&
	grep -q "ENCRYPTED" "$TRASH/rsa_pem_enc" &&
	for k in rsa_openssh rsa_pem rsa_pem_enc rsa_openssh_enc; do
		cat "$TRASH/$k.pub" >>"$FLEET/authorized_keys" || return 1
	done
'

test_expect_success 'OpenSSH-format RSA key logs in' '
	run_key "$TRASH/rsa_openssh" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'sshd logged the RSA key as accepted' '
	sleep 0.2 &&
	test_grep "Accepted publickey for .* RSA SHA256:" "$FLEET/hosts/h1/sshd.log"
'

test_expect_success 'PEM RSA key logs in' '
	run_key "$TRASH/rsa_pem" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'encrypted PEM RSA key with DROVER_KEY_PASSPHRASE logs in' '
	DROVER_KEY_PASSPHRASE="pem pass" run_key "$TRASH/rsa_pem_enc" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'encrypted PEM RSA key, wrong passphrase: UNREACHABLE' '
	DROVER_KEY_PASSPHRASE=wrong test_expect_code 4 run_key "$TRASH/rsa_pem_enc" >out 2>&1 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "rsa_pem_enc: cannot load the RSA key" out
'

test_expect_success 'encrypted OpenSSH-format RSA key with DROVER_KEY_PASSPHRASE logs in' '
	DROVER_KEY_PASSPHRASE="new pass" run_key "$TRASH/rsa_openssh_enc" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'an RSA key the host does not know: UNREACHABLE' '
	test_expect_code 4 run_key "$TRASH/rsa_stranger" >out 2>&1 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "authentication failed for .*rsa_stranger" out
'

test_expect_success 'ed25519 keys still log in (the fleet key)' '
	HOME=$TRASH/home SSH_AUTH_SOCK= "$DROVER" adhoc all -i "$FLEET_INV" \
		--known-hosts "$FLEET_KH" -m ping -o >out &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'ssh-agent: an RSA key only the agent holds logs in' '
	sed "s| ansible_ssh_private_key_file=[^ ]*||" "$FLEET_INV" >"$TRASH/nokey.ini" &&
	eval "$(ssh-agent -s)" >/dev/null &&
	echo "$SSH_AGENT_PID" >agent.pid &&
	rc=0 &&
	{ ssh-add -q "$TRASH/rsa_pem" 2>/dev/null &&
	  HOME=$TRASH/home "$DROVER" adhoc all -i "$TRASH/nokey.ini" --known-hosts "$FLEET_KH" \
		-m ping -o >out 2>&1 || rc=$?; };
	kill "$(cat agent.pid)";
	test $rc -eq 0 &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'ssh-agent: an RSA key the host does not know: UNREACHABLE' '
	eval "$(ssh-agent -s)" >/dev/null &&
	echo "$SSH_AGENT_PID" >agent.pid &&
	rc=0 &&
	{ ssh-add -q "$TRASH/rsa_stranger" 2>/dev/null &&
	  HOME=$TRASH/home "$DROVER" adhoc host1 -i "$TRASH/nokey.ini" --known-hosts "$FLEET_KH" \
		-m ping >out 2>&1 || rc=$?; };
	kill "$(cat agent.pid)";
	test $rc -eq 4 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "tried: agent (1 keys)" out
'

# A sleep length no other test uses, so only ours is looked for.
S=61.$((FLEET_NET * 10 + 7))

test_expect_success 'raw past --task-timeout: FAILED, and the remote command is killed' '
	test_expect_code 2 "$DROVER" adhoc host1 -i "$FLEET_INV" --known-hosts "$FLEET_KH" \
		-m raw -a "sleep $S" --task-timeout 2 >out 2>&1 &&
	test_grep "^host1 | FAILED" out &&
	sleep 0.5 &&
	! pgrep -f "^sleep $S\$"
'

test_expect_success 'raw output keeps its bytes: no pid line in stdout or stderr' '
	"$DROVER" adhoc host1 -i "$FLEET_INV" --known-hosts "$FLEET_KH" -m raw \
		-a "printf \"a\\n\"; printf \"e1\\ne2\\n\" >&2" >out 2>&1 &&
	printf "host1 | CHANGED | rc=0 >>\na\ne1\ne2\n\n" >expect &&
	sed "/^RECAP/,\$d" out | head -5 >actual &&
	test_cmp expect actual &&
	! grep -E "^[0-9]+\$" out
'

test_done
