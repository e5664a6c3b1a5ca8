#!/bin/sh
test_description='planted secrets (become password, vault value, no_log result) show up nowhere'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

BPW='Become-Pw-612-zq'
VAL='Vault-Val-612-kx'
NOLOG='NoLog-612-wm-12' # made on the host only: the task says $((6*2))

test_expect_success 'setup: sudo asks ops for its password; a vaulted inventory' '
	for i in 1 2; do
		fleet_exec $i "useradd -m -s /bin/sh ops && echo \"ops:$BPW\" | chpasswd &&
			echo \"ops ALL=(ALL) ALL\" >/etc/sudoers.d/ops &&
			echo \"127.0.1.1 host$i\" >>/etc/hosts" || exit 1
	done &&
	echo "vault-pass-612" >vpass &&
	{
		echo "all:" && echo "  hosts:" &&
		for i in 1 2; do
			echo "    host$i: {ansible_host: 127.0.$FLEET_NET.$i, ansible_port: $FLEET_PORT, ansible_user: ops, ansible_ssh_private_key_file: $FLEET_KEY}"
		done &&
		echo "  vars:" &&
		"$DROVER" vault encrypt_string --vault-password-file vpass -n ansible_become_password "$BPW" |
			sed "s/^/    /" &&
		"$DROVER" vault encrypt_string --vault-password-file vpass -n db_secret "$VAL" |
			sed "s/^/    /"
	} >inv.yml &&
	cat >site.yml <<-\EOF
	- hosts: all
	  gather_facts: false
	  become: true
	  tasks:
	    - name: slow, under sudo with a password
	      command: sleep 3
	    - name: the vault value travels to a file
	      copy:
	        content: "{{ db_secret }}"
	        dest: /root/db.txt
	        mode: "0600"
	    - name: a no_log result
	      shell: echo "NoLog-612-wm-$((6*2))"
	      no_log: true
	    - name: the vault value in a result
	      command: cat /root/db.txt
	EOF
'

# Samples every process's command line and environment, on isolated host
# 1 and on this machine, until the file "stop" exists. Here, the setup of
# this test run by the other build's stream (`make test` runs one per
# binary at once) shows the password to chpasswd: not drover's, left out.
sample() {
	while [ ! -f stop ]; do
		fleet_exec 1 "ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr \"\\0\" \"\\n\"" \
			>>host-ps.txt 2>/dev/null
		{ ps -eo args | grep -v -e "fleet\.sh exec" -e "nsenter -t" -e chpasswd
			cat /proc/[0-9]*/environ 2>/dev/null | tr "\0" "\n"; } >>ctl-ps.txt
		sleep 0.2
	done
}

test_expect_success 'the play runs: at -vvv, with records, JUnit and a log' '
	sample & echo $! >sampler.pid &&
	"$DROVER" play site.yml -i inv.yml --known-hosts "$FLEET_KH" --vault-password-file vpass \
		-vvv --junit j.xml --log run.log >out 2>&1 &&
	touch stop && wait $(cat sampler.pid) &&
	test_grep "host1 *: ok=4 " out && test_grep "host2 *: ok=4 " out &&
	fleet_exec 1 "cat /root/db.txt" >got && printf "%s" "$VAL" >expect && test_cmp expect got &&
	test_grep "sleep 3" host-ps.txt &&
	test $(wc -l <host-ps.txt) -gt 100
'

test_expect_success 'and again with --output json, and an adhoc run with --become-password-file' '
	"$DROVER" play site.yml -i inv.yml --known-hosts "$FLEET_KH" --vault-password-file vpass \
		--output json >out.json 2>&1 &&
	jq -e ".stats.host1.ok == 4" out.json >/dev/null &&
	printf "%s\n" "$BPW" >bpw.txt &&
	"$DROVER" adhoc all -i inv.yml --known-hosts "$FLEET_KH" --vault-password-file vpass -b \
		--become-password-file bpw.txt -m command -a "cat /root/db.txt" -vvv >adhoc.out 2>&1 &&
	test_grep "(stdout) \*\*\*\*\*\*\*\*\|\*\*\*\*\*\*\*\*" adhoc.out &&
	rm bpw.txt
'

test_expect_success 'no secret anywhere: terminal, JSON, JUnit, log, records' '
	sqlite3 "$XDG_STATE_HOME/drover/records.db" .dump >db.txt &&
	test_grep "db.txt" db.txt &&
	for f in out out.json j.xml run.log db.txt adhoc.out; do
		for s in "$BPW" "$VAL" "$NOLOG"; do
			! grep -F -e "$s" $f || { echo "found a secret in $f"; exit 1; }
		done
	done &&
	test_grep "the output has been hidden" out
'

test_expect_success 'no secret in any process list or environment, on the host or here' '
	for f in host-ps.txt ctl-ps.txt; do
		for s in "$BPW" "$VAL"; do
			! grep -F -e "$s" $f || { echo "found a secret in $f"; exit 1; }
		done
	done
'

# Whatever an isolated host writes lands in its overlay's upper layer, but
# for its /run (a tmpfs of its own).
test_expect_success 'no host file holds the become password' '
	! grep -rlF -e "$BPW" "$FLEET/hosts/h1/upper" "$FLEET/hosts/h2/upper" &&
	! fleet_exec 1 "grep -rlF -e \"$BPW\" /run"
'

test_done
