#!/bin/sh
test_description='become with a password: sudo -S and su, from every source, on isolated hosts'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

OPS_PW='ops-Pw 611'
TGT_PW='tgt-Pw 611'
# ops logs in with the fleet's key (its authorized_keys serve every user)
# and may sudo only with its password; target is reached with su.
test_expect_success 'setup: users with passwords and a sudo rule that asks' '
	for i in 1 2; do
		fleet_exec $i "useradd -m -s /bin/sh ops && useradd -m -s /bin/sh target &&
			printf \"%s\n\" \"ops:$OPS_PW\" \"target:$TGT_PW\" | chpasswd &&
			echo \"ops ALL=(ALL) ALL\" >/etc/sudoers.d/ops &&
			echo \"127.0.1.1 host$i\" >>/etc/hosts" || exit 1
	done &&
	sed "s| ansible_user=[^ ]*| ansible_user=ops|" "$FLEET_INV" >ops.ini &&
	printf "[all:vars]\nansible_become_password=\"%s\"\n" "$OPS_PW" >pw.ini &&
	cat ops.ini pw.ini >good.ini &&
	sed "s|^host2 .*|& ansible_become_password=wrong-pw|" good.ini >bad2.ini &&
	printf "%s\n" "$OPS_PW" >ops-pw.txt && printf "%s\n" "$TGT_PW" >tgt-pw.txt
'

adhoc() {
	"$DROVER" adhoc --known-hosts "$FLEET_KH" "$@"
}
have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1
ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 "$@"
}

test_expect_success 'sudo with ansible_become_password: root on every host' '
	adhoc all -i good.ini -b -m command -a "id -un" -o >out &&
	test_grep "^host1 | CHANGED | rc=0 | (stdout) root" out &&
	test_grep "^host2 | CHANGED | rc=0 | (stdout) root" out
'

test_expect_success 'sudo without a password where one is needed: Missing sudo password' '
	test_expect_code 2 adhoc all -i ops.ini -b -m ping -o >out &&
	test_grep "^host1 | FAILED! => {\"msg\": \"Missing sudo password\"}" out &&
	test_expect_code 2 adhoc host1 -i ops.ini -b -m command -a true >out &&
	test_grep "^Missing sudo password" out
'

test_expect_success 'a wrong sudo password fails that host only, exit 2' '
	test_expect_code 2 adhoc all -i bad2.ini -b -m ping -o >out &&
	test_grep "^host2 | FAILED! => {\"msg\": \"Incorrect sudo password\"}" out &&
	test_grep "^host1 | SUCCESS" out
'

if [ -n "$have_ansible" ]; then
	test_expect_success 'Ansible words the sudo failures the same (reference)' '
		test_expect_code 2 ansible_ref ansible all -i bad2.ini -b -m ping -o >ref &&
		test_grep "^host2 | FAILED! => {\"msg\": \"Incorrect sudo password\"}" ref &&
		test_expect_code 2 ansible_ref ansible host1 -i ops.ini -b -m ping -o >ref &&
		test_grep "^host1 | FAILED! => {\"msg\": \"Missing sudo password\"}" ref
	'
fi

test_expect_success '-K asks once on the terminal; --become-password-file reads a file' '
	TYPEIN_ANSWER=$OPS_PW python3 "$TEST_DIR/helpers/typein.py" "BECOME password:" \
		"$DROVER" adhoc all -i ops.ini --known-hosts "$FLEET_KH" -b -K -m command -a "id -un" -o >out &&
	test $(grep -c "BECOME password:" out) -eq 1 &&
	test $(grep -c "(stdout) root" out) -eq 2 &&
	! grep -F "$OPS_PW" out &&
	adhoc all -i ops.ini -b --become-password-file ops-pw.txt -m command -a "id -un" -o >out &&
	test $(grep -c "(stdout) root" out) -eq 2 &&
	test_expect_code 1 setsid -w "$DROVER" adhoc all -i ops.ini --known-hosts "$FLEET_KH" -b -K \
		-m ping </dev/null >out 2>&1 &&
	test_grep "ERROR! -K/--ask-become-pass needs a terminal to ask on" out &&
	! grep -q SUCCESS out
'

test_expect_success 'su to another user with its password; a wrong one fails clearly' '
	adhoc all -i ops.ini -b --become-method su --become-user target --become-pass-file tgt-pw.txt \
		-m command -a "id -un" -o >out &&
	test $(grep -c "(stdout) target" out) -eq 2 &&
	test_expect_code 2 adhoc host1 -i ops.ini -b --become-method su --become-user target \
		-e ansible_become_password=nope -m ping -o >out &&
	test_grep "^host1 | FAILED! => {\"msg\": \"Incorrect su password\"}" out &&
	test_expect_code 2 adhoc host1 -i ops.ini -e ansible_become=yes -e ansible_become_method=su \
		-m ping -o >out &&
	test_grep "^host1 | FAILED! => {\"msg\": \"Missing su password\"}" out &&
	test_expect_code 5 adhoc host1 -i ops.ini -b --become-method doas -m ping >out 2>&1 &&
	test_grep "become method .doas. is not supported by drover (it has sudo and su)" out
'

test_expect_success 'every kind of module under sudo with a password: raw, script, copy, fetch' '
	adhoc host1 -i good.ini -b -m raw -a "id -un >/root/raw-ran" >out &&
	fleet_exec 1 "cat /root/raw-ran" >got && echo root >expect && test_cmp expect got &&
	printf "#!/bin/sh\nid -un >/root/script-ran\n" >s.sh &&
	adhoc host1 -i good.ini -b -m script -a s.sh >out &&
	fleet_exec 1 "cat /root/script-ran" >got && test_cmp expect got &&
	echo "copied as root" >c.txt &&
	adhoc host1 -i good.ini -b -m copy -a "src=c.txt dest=/root/c.txt mode=0600" -o >out &&
	test_grep "CHANGED" out &&
	fleet_exec 1 "stat -c %U:%a /root/c.txt; cat /root/c.txt" >got &&
	printf "root:600\ncopied as root\n" >expect && test_cmp expect got &&
	adhoc host1 -i good.ini -b -m fetch -a "src=/root/c.txt dest=fetched" -o >out &&
	test_cmp c.txt fetched/host1/root/c.txt
'

test_expect_success 'play: become_method su and sudo keywords; a wrong password fails one host' '
	cat >site.yml <<-\EOF &&
	- hosts: all
	  gather_facts: false
	  tasks:
	    - name: as root
	      command: id -un
	      become: true
	      register: r
	    - name: as target
	      command: id -un
	      become: true
	      become_method: su
	      become_user: target
	      vars:
	        ansible_become_password: "{{ tgt_pw }}"
	      register: t
	    - name: a template, written as root
	      template:
	        src: t.j2
	        dest: /root/t.txt
	        mode: "0600"
	      become: true
	    - assert:
	        that: r.stdout == "root" and t.stdout == "target"
	EOF
	echo "made for {{ inventory_hostname }}" >t.j2 &&
	"$DROVER" play site.yml -i good.ini --known-hosts "$FLEET_KH" -e "tgt_pw=\"$TGT_PW\"" >out &&
	test_grep "host1 *: ok=4 " out && test_grep "host2 *: ok=4 " out &&
	fleet_exec 2 "stat -c %U:%a /root/t.txt; cat /root/t.txt" >got &&
	printf "root:600\nmade for host2\n" >expect && test_cmp expect got &&
	cat >root.yml <<-\EOF &&
	- hosts: all
	  gather_facts: false
	  tasks:
	    - command: id -un
	      become: true
	EOF
	test_expect_code 2 "$DROVER" play root.yml -i bad2.ini --known-hosts "$FLEET_KH" >out &&
	test_grep "^fatal: \[host2\]: FAILED! => {\"msg\": \"Incorrect sudo password\"}" out &&
	test_grep "host1 *: ok=1 *changed=1 " out &&
	test_grep "host2 *: ok=0 .*failed=1 " out
'

if [ -n "$have_ansible" ]; then
	test_expect_success 'ansible-playbook: the same fatal line and recap (reference)' '
		test_expect_code 2 ansible_ref ansible-playbook root.yml -i bad2.ini >ref &&
		grep -e "^fatal" -e "^host" ref >ref.lines &&
		grep -e "^fatal" -e "^host" out >out.lines &&
		test_cmp ref.lines out.lines
	'
fi

test_done
