#!/bin/sh
test_description='drover doc: module documentation from the script headers'
. "$(dirname "$0")/lib.sh"

test_expect_success '--list names every module with its short line, sorted' '
	"$DROVER" doc --list >out &&
	for m in command find get_url git ping raw script setup shell tempfile unarchive uri wait_for; do
		grep -q "^$m  *[A-Z]" out || { echo "missing $m" >&2; exit 1; }
	done &&
	test_grep "^ping  *Check that drover can log in and run a module on the host\$" out &&
	cut -d" " -f1 out >names &&
	sort names >sorted &&
	test_cmp sorted names &&
	test_grep -v "^_" names
'

test_expect_success 'doc MODULE: title, description, options with type/default, examples' '
	"$DROVER" doc ping >out &&
	cat >expect <<-\EOF &&
	> PING

	  Check that drover can log in and run a module on the host

	  Connects, runs the module with the host'"'"'s POSIX sh and answers "pong". It
	  needs no Python on the host: unlike Ansible'"'"'s ping it does not test an
	  interpreter, only the login and the shell.

	OPTIONS (= is mandatory):

	- data
	        Text to send back in the ping field; the text "crash" makes the module
	        fail, for testing error handling.
	        default: pong
	        type: str

	EXAMPLES:

	  drover adhoc all -i hosts -m ping
	EOF
	test_cmp expect out
'

test_expect_success 'required options are marked =, continuation lines joined' '
	"$DROVER" doc uri >out &&
	test_grep "^= url\$" out &&
	test_grep "^- method\$" out &&
	test_grep "^        default: GET\$" out &&
	test_grep "^        type: dict\$" out &&
	test_grep "dict with form-urlencoded as a form\.\$" out &&
	"$DROVER" doc ansible.builtin.get_url >out2 &&
	test_grep "^> GET_URL\$" out2 &&
	test_grep "^= dest\$" out2
'

test_expect_success 'internal options stay hidden, free-form shows' '
	"$DROVER" doc script >out &&
	test_grep "^- _raw_params\$" out &&
	"$DROVER" doc command >out &&
	test_grep -v "^- _uses_shell" out
'

test_expect_success 'an unknown module fails (exit 1); no module is a usage error (exit 5)' '
	test_expect_code 1 "$DROVER" doc nosuch 2>err &&
	test_grep "module nosuch missing documentation (or could not be found)" err &&
	test_expect_code 5 "$DROVER" doc 2>err &&
	test_grep "usage: drover doc" err
'

test_done
