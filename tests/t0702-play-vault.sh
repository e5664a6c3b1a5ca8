#!/bin/sh
test_description='drover play: vaulted vars files and !vault values; secrets never shown or recorded'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"
V=$TEST_DIR/fixtures/play/vault

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

test_expect_success 'vaulted values reach the hosts' '
	mkdir d &&
	play "$V/site.yml" --vault-password-file "$V/pass" -e out_dir="$TRASH/d" -v \
		--log "$TRASH/run.log" --junit "$TRASH/junit.xml" >out 2>&1 &&
	echo "s3cret-Vault-Value inline-Hidden-Token" >expect &&
	test_cmp expect d/host1.secret &&
	test_cmp expect d/host2.secret
'

test_expect_success 'the secrets appear in no output, log, report or record' '
	! grep -r -e s3cret-Vault-Value -e inline-Hidden-Token out run.log junit.xml state &&
	test_grep "the token is \*\*\*\*\*\*\*\*" out
'

test_expect_success 'without the password: a clear error, nothing runs, exit 1' '
	mkdir n &&
	test_expect_code 1 play "$V/site.yml" -e out_dir="$TRASH/n" >out 2>err &&
	test_grep -i "vault" err &&
	test_path_is_missing n/host1.secret
'

test_expect_success 'a wrong password fails the same way' '
	echo wrong >wrong &&
	test_expect_code 1 play "$V/site.yml" --vault-password-file wrong -e out_dir="$TRASH/n" 2>err &&
	test_grep "Decryption failed" err &&
	test_path_is_missing n/host1.secret
'

test_expect_success 'copy src= of a vaulted file sends its plaintext (decrypt=no: as is)' '
	printf "vaulted file body\n" >plain.txt &&
	"$DROVER" vault encrypt --vault-password-file "$V/pass" --output secret.txt plain.txt &&
	head -c 15 secret.txt | grep -q "^\$ANSIBLE_VAULT;" &&
	cat >copy.yml <<-EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - copy: {src: "$TRASH/secret.txt", dest: "$TRASH/c1.txt"}
	    - copy: {src: "$TRASH/secret.txt", dest: "$TRASH/c2.txt", decrypt: false}
	EOF
	play copy.yml --vault-password-file "$V/pass" >out 2>&1 &&
	test_cmp plain.txt c1.txt &&
	test_cmp secret.txt c2.txt &&
	"$DROVER" adhoc host1 -i "$FLEET_INV" --known-hosts "$FLEET_KH" --vault-password-file "$V/pass" \
		-m copy -a "src=$TRASH/secret.txt dest=$TRASH/c3.txt" >out 2>&1 &&
	test_cmp plain.txt c3.txt &&
	test_expect_code 2 play copy.yml >out 2>&1 &&
	test_grep "secret.txt" out &&
	if command -v ansible-playbook >/dev/null; then
		rm -f c1.txt c2.txt &&
		ANSIBLE_CONFIG=$FLEET/ansible.cfg ansible-playbook -i "$FLEET_INV" copy.yml \
			--vault-password-file "$V/pass" >ref 2>&1 &&
		test_cmp plain.txt c1.txt &&
		test_cmp secret.txt c2.txt
	fi
'

test_done
