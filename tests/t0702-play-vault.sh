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

test_done
