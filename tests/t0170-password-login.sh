#!/bin/sh
test_description='SSH password login: ansible_password, -k on a terminal, --connection-password-file'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2 --password-auth
. "$FLEET/fleet.env"

PW='Dr0ver pw-170!'
# Inside each host: a user whose only way in is its password (HOME below
# has no keys, and no agent is asked).
test_expect_success 'setup: a user with a password on each host' '
	for i in 1 2; do
		fleet_exec $i "useradd -m -s /bin/sh pwuser && echo \"pwuser:$PW\" | chpasswd" || exit 1
	done &&
	mkdir -p home/.ssh &&
	sed -e "s| ansible_ssh_private_key_file=[^ ]*||" -e "s| ansible_user=[^ ]*| ansible_user=pwuser|" \
		"$FLEET_INV" >pw.ini &&
	! grep -q private_key_file pw.ini &&
	printf "[all:vars]\nansible_password=\"%s\"\n" "$PW" >>pw.ini &&
	sed "s|ansible_password=.*|ansible_password=not-the-password|" pw.ini >bad.ini
'

run() {
	env -u SSH_AUTH_SOCK HOME="$TRASH/home" "$DROVER" adhoc --known-hosts "$FLEET_KH" "$@"
}

test_expect_success 'ansible_password in the inventory logs in' '
	run all -i pw.ini -m command -a "id -un" -o >out ; cat out;
	test_grep "^host1 | CHANGED | rc=0 | (stdout) pwuser" out &&
	test_grep "^host2 | CHANGED | rc=0 | (stdout) pwuser" out
'

test_expect_success 'a wrong password: UNREACHABLE naming the host, exit 4' '
	test_expect_code 4 run host1 -i bad.ini -m ping -o >out &&
	test_grep "^host1 | UNREACHABLE!" out &&
	test_grep "authentication failed for pwuser@\[127.0.$FLEET_NET.1\]" out
'

test_expect_success '-k asks once on the terminal and logs in everywhere' '
	sed "/ansible_password/d" pw.ini >nopw.ini &&
	TYPEIN_ANSWER=$PW python3 "$TEST_DIR/helpers/typein.py" "SSH password:" env -u SSH_AUTH_SOCK \
		HOME="$TRASH/home" "$DROVER" adhoc all -i nopw.ini --known-hosts "$FLEET_KH" -k \
		-m ping -o >out &&
	test $(grep -c "SSH password:" out) -eq 1 &&
	test $(grep -c "| SUCCESS" out) -eq 2 &&
	! grep -F "$PW" out
'

test_expect_success '-k without a terminal fails before anything runs' '
	test_expect_code 1 setsid -w env -u SSH_AUTH_SOCK HOME="$TRASH/home" "$DROVER" adhoc all \
		-i nopw.ini --known-hosts "$FLEET_KH" -k -m ping -o </dev/null >out 2>&1 &&
	test_grep "ERROR! -k/--ask-pass needs a terminal to ask on" out &&
	! grep -q SUCCESS out
'

test_expect_success '--connection-password-file logs in (adhoc and play)' '
	printf "%s\n" "$PW" >pw.txt &&
	run all -i nopw.ini --connection-password-file pw.txt -m ping -o >out &&
	test $(grep -c "| SUCCESS" out) -eq 2 &&
	cat >who.yml <<-\EOF &&
	- hosts: all
	  gather_facts: false
	  tasks:
	    - command: id -un
	      register: who
	    - assert:
	        that: who.stdout == "pwuser"
	EOF
	env -u SSH_AUTH_SOCK HOME="$TRASH/home" "$DROVER" play who.yml -i nopw.ini \
		--known-hosts "$FLEET_KH" --conn-pass-file pw.txt >out &&
	test_grep "host1 *: ok=2 " out &&
	test_grep "host2 *: ok=2 " out &&
	test_expect_code 1 run all -i nopw.ini --connection-password-file missing.txt -m ping >out 2>&1 &&
	test_grep "ERROR! The password file missing.txt was not found" out
'

test_expect_success 'a password file may be a script (its output) or - (stdin), as in Ansible' '
	printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"%s\"\n" "$PW" >pw-script &&
	chmod +x pw-script &&
	run all -i nopw.ini --connection-password-file ./pw-script -m ping -o >out &&
	test $(grep -c "| SUCCESS" out) -eq 2 &&
	printf "%s\n" "$PW" | run all -i nopw.ini --connection-password-file - -m ping -o >out &&
	test $(grep -c "| SUCCESS" out) -eq 2 &&
	printf "#!/bin/sh\nexit 3\n" >fails.sh && chmod +x fails.sh &&
	test_expect_code 1 run all -i nopw.ini --connection-password-file ./fails.sh -m ping >out 2>&1 &&
	test_grep "ERROR! Password script ./fails.sh returned non-zero (3)" out &&
	: >empty.txt &&
	test_expect_code 1 run all -i nopw.ini --connection-password-file empty.txt -m ping >out 2>&1 &&
	test_grep "ERROR! Empty password was provided from file (empty.txt)" out &&
	! grep -q SUCCESS out
'

# Every process's command line and environment here, until "stop" exists.
sample() {
	while [ ! -f stop ]; do
		{ ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr "\0" "\n"; } >>ps.txt
		sleep 0.2
	done
}

test_expect_success 'the password shows nowhere: -vvv, records, JSON, JUnit, log, ps' '
	sample & echo $! >sampler.pid &&
	run all -i nopw.ini --connection-password-file pw.txt -m command -a "sleep 2" >/dev/null &&
	touch stop && wait $(cat sampler.pid) &&
	test_grep "drover adhoc" ps.txt &&
	run all -i pw.ini -m command -a "id -un" -vvv --junit j.xml --log run.log >out 2>&1 &&
	run all -i pw.ini -m ping --output json >out.json &&
	sqlite3 "$XDG_STATE_HOME/drover/records.db" .dump >db.txt &&
	test_grep "pwuser" out &&
	for f in out out.json j.xml run.log db.txt ps.txt; do
		! grep -F "$PW" $f || { echo "password in $f"; exit 1; }
	done
'

if command -v ansible >/dev/null 2>&1 && command -v sshpass >/dev/null 2>&1; then
	test_expect_success 'Ansible logs in the same way (reference)' '
		ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 HOME="$TRASH/home" \
			ansible all -i pw.ini -m ping -o >ref 2>&1 &&
		test $(grep -c "| SUCCESS" ref) -eq 2
	'
fi

test_done
