#!/bin/sh
test_description='encrypted OpenSSH-format keys: RSA through bcrypt_pbkdf, ed25519 through libssh2'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

run_key() { # hosts key [drover args...]
	_h=$1 _k=$2
	shift 2
	HOME=$TRASH/home SSH_AUTH_SOCK= "$DROVER" adhoc "$_h" -i "$FLEET_INV" \
		--known-hosts "$FLEET_KH" -m ping -o --private-key "$_k" \
		-e "ansible_ssh_private_key_file=$_k" "$@" </dev/null
}

# The cipher name in the key's header (second field of the openssh-key-v1 blob).
key_cipher() {
	sed '1d;$d' "$1" | base64 -d | od -An -c -j 19 -N 40 | tr -d ' \n'
}

test_expect_success 'setup: encrypted OpenSSH-format keys as ssh-keygen writes them' '
	mkdir -p "$TRASH/home/.ssh" &&
	ssh-keygen -q -t rsa -b 2048 -N secret -f "$TRASH/rsa_ctr" &&
	ssh-keygen -q -t rsa -b 2048 -N "cbc secret" -Z aes256-cbc -f "$TRASH/rsa_cbc" &&
	ssh-keygen -q -t rsa -b 2048 -N secret -Z chacha20-poly1305@openssh.com \
		-f "$TRASH/rsa_chacha" &&
	ssh-keygen -q -t ed25519 -N "ed secret" -f "$TRASH/ed_enc" &&
	key_cipher "$TRASH/rsa_ctr" | grep -q "aes256-ctr.*bcrypt" &&
	key_cipher "$TRASH/rsa_cbc" | grep -q "aes256-cbc.*bcrypt" &&
	ssh-keygen -y -P secret -f "$TRASH/rsa_ctr" >pub &&
	test "$(cut -d" " -f1-2 pub)" = "$(cut -d" " -f1-2 "$TRASH/rsa_ctr.pub")" &&
	for k in rsa_ctr rsa_cbc rsa_chacha ed_enc; do
		cat "$TRASH/$k.pub" >>"$FLEET/authorized_keys" || return 1
	done
'

test_expect_success 'encrypted RSA key (aes256-ctr) with DROVER_KEY_PASSPHRASE: both hosts log in' '
	DROVER_KEY_PASSPHRASE=secret run_key all "$TRASH/rsa_ctr" >out &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'sshd accepted that RSA key by its fingerprint on both hosts' '
	fp=$(ssh-keygen -lf "$TRASH/rsa_ctr.pub" | cut -d" " -f2) &&
	sleep 0.2 &&
	test_grep "Accepted publickey for .* RSA $fp" "$FLEET/hosts/h1/sshd.log" &&
	test_grep "Accepted publickey for .* RSA $fp" "$FLEET/hosts/h2/sshd.log"
'

test_expect_success 'a playbook of several tasks runs with the encrypted RSA key' '
	cat >play.yml <<-\EOF_PLAY &&
	- hosts: all
	  gather_facts: false
	  tasks:
	    - command: echo one
	    - copy:
	        content: two
	        dest: "{{ drover_test_dir }}/enc-rsa-{{ inventory_hostname }}"
	EOF_PLAY
	DROVER_KEY_PASSPHRASE=secret HOME=$TRASH/home SSH_AUTH_SOCK= "$DROVER" play play.yml \
		-i "$FLEET_INV" --known-hosts "$FLEET_KH" --private-key "$TRASH/rsa_ctr" \
		-e "ansible_ssh_private_key_file=$TRASH/rsa_ctr" -e "drover_test_dir=$TRASH" \
		</dev/null >out 2>&1 &&
	test_grep "host1 .*ok=2 .*changed=2" out &&
	test_grep "host2 .*ok=2 .*changed=2" out &&
	test "$(cat "$TRASH/enc-rsa-host1")" = two
'

test_expect_success 'on a terminal the passphrase is asked once for both hosts' '
	command -v script >/dev/null || { echo "# no script(1): skipped"; return 0; }
	{ sleep 1; printf "secret\n"; } |
	HOME=$TRASH/home SSH_AUTH_SOCK= script -qec "env -u DROVER_KEY_PASSPHRASE \
		$DROVER adhoc all -i $FLEET_INV --known-hosts $FLEET_KH -m ping -o \
		--private-key $TRASH/rsa_ctr -e ansible_ssh_private_key_file=$TRASH/rsa_ctr" \
		/dev/null >out 2>&1 &&
	test $(grep -c "Enter passphrase for key .*rsa_ctr" out) -eq 1 &&
	test $(grep -c "| SUCCESS" out) -eq 2
'

test_expect_success 'drover play asks for the passphrase once on a terminal too' '
	rm -f "$TRASH/enc-rsa-host1" "$TRASH/enc-rsa-host2" &&
	HOME=$TRASH/home SSH_AUTH_SOCK= TYPEIN_ANSWER=secret python3 "$TEST_DIR/helpers/typein.py" \
		"Enter passphrase for key" env -u DROVER_KEY_PASSPHRASE "$DROVER" play play.yml \
		-i "$FLEET_INV" --known-hosts "$FLEET_KH" --private-key "$TRASH/rsa_ctr" \
		-e "ansible_ssh_private_key_file=$TRASH/rsa_ctr" -e "drover_test_dir=$TRASH" \
		>out 2>&1 &&
	test $(grep -c "Enter passphrase for key .*rsa_ctr" out) -eq 1 &&
	test_grep "host2 .*ok=2 .*changed=2" out &&
	test_grep -v secret out &&
	test "$(cat "$TRASH/enc-rsa-host2")" = two
'

test_expect_success 'wrong passphrase: UNREACHABLE naming the key, exit 4' '
	DROVER_KEY_PASSPHRASE=not-it test_expect_code 4 run_key all "$TRASH/rsa_ctr" >out 2>&1 &&
	test $(grep -c "| UNREACHABLE" out) -eq 2 &&
	test_grep "$TRASH/rsa_ctr: cannot load the RSA key (wrong passphrase)" out &&
	! grep "| SUCCESS" out
'

test_expect_success 'encrypted RSA key (aes256-cbc) logs in' '
	DROVER_KEY_PASSPHRASE="cbc secret" run_key host1 "$TRASH/rsa_cbc" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'another cipher: UNREACHABLE naming it' '
	DROVER_KEY_PASSPHRASE=secret test_expect_code 4 run_key host1 "$TRASH/rsa_chacha" \
		>out 2>&1 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "rsa_chacha: an RSA key in OpenSSH format encrypted with chacha20-poly1305@openssh.com" out
'

test_expect_success 'encrypted ed25519 key still logs in through libssh2' '
	DROVER_KEY_PASSPHRASE="ed secret" run_key all "$TRASH/ed_enc" >out &&
	test $(grep -c "| SUCCESS" out) -eq 2 &&
	fp=$(ssh-keygen -lf "$TRASH/ed_enc.pub" | cut -d" " -f2) &&
	sleep 0.2 &&
	test_grep "Accepted publickey for .* ED25519 $fp" "$FLEET/hosts/h2/sshd.log"
'

test_expect_success 'encrypted ed25519 key, wrong passphrase: UNREACHABLE, exit 4' '
	DROVER_KEY_PASSPHRASE=not-it test_expect_code 4 run_key host1 "$TRASH/ed_enc" >out 2>&1 &&
	test_grep "^host1 | UNREACHABLE" out &&
	test_grep "ed_enc (cannot load" out
'

test_done
