#!/bin/sh
test_description='become_flags and become_exe; a su that insists on a terminal gets one, and its password shows nowhere'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

OPS_PW='ops-Pw 613'
TGT_PW='Tgt-Pw-613-qv' # planted: must show up nowhere

# On both hosts su refuses a stdin that is not a terminal, as shadow's su
# (and busybox's) do: the real one becomes su.real behind a wrapper. The
# log* wrappers record the words sudo and su get before the command.
test_expect_success 'setup: users with passwords, a su that wants a terminal, logging wrappers' '
	cat >su.sh <<-\EOF &&
	#!/bin/sh
	[ -t 0 ] || { echo "su: must be run from a terminal" >&2; exit 1; }
	exec /usr/bin/su.real "$@"
	EOF
	cat >logwrap.sh <<-\EOF &&
	#!/bin/sh
	real=$1; shift
	for a; do
		case $a in --|-c|/bin/sh) break ;; esac
		printf "%s " "$a"
	done >>/tmp/become-args
	echo >>/tmp/become-args
	exec "$real" "$@"
	EOF
	printf "#!/bin/sh\nexec /usr/local/lib/logwrap sudo \"\$@\"\n" >logsudo.sh &&
	printf "#!/bin/sh\nexec /usr/local/lib/logwrap su \"\$@\"\n" >logsu.sh &&
	for i in 1 2; do
		fleet_exec $i "useradd -m -s /bin/sh ops && useradd -m -s /bin/sh target &&
			printf \"%s\n\" \"ops:$OPS_PW\" \"target:$TGT_PW\" | chpasswd &&
			echo \"ops ALL=(ALL) ALL\" >/etc/sudoers.d/ops &&
			echo \"127.0.1.1 host$i\" >>/etc/hosts &&
			mv /usr/bin/su /usr/bin/su.real &&
			: >/tmp/become-args && chmod 666 /tmp/become-args" &&
		fleet_exec $i "cat >/usr/bin/su" <su.sh &&
		fleet_exec $i "cat >/usr/local/lib/logwrap" <logwrap.sh &&
		fleet_exec $i "cat >/usr/local/bin/logsudo" <logsudo.sh &&
		fleet_exec $i "cat >/usr/local/bin/logsu" <logsu.sh &&
		fleet_exec $i "chmod 755 /usr/bin/su /usr/local/lib/logwrap /usr/local/bin/log*" ||
		exit 1
	done &&
	sed "s| ansible_user=[^ ]*| ansible_user=ops|" "$FLEET_INV" >ops.ini &&
	printf "[all:vars]\nansible_become_password=\"%s\"\n" "$OPS_PW" >pw.ini &&
	cat ops.ini pw.ini >good.ini &&
	printf "%s\n" "$TGT_PW" >tgt-pw.txt
'

adhoc() {
	"$DROVER" adhoc --known-hosts "$FLEET_KH" "$@"
}
su_adhoc() {
	adhoc "$@" -b --become-method su --become-user target --become-pass-file tgt-pw.txt
}
# The words host I's sudo or su got last, the sudo prompts made alike.
args_of() {
	fleet_exec $1 "tail -n 1 /tmp/become-args" |
		sed -e "s/-p \[[^]]*\] password:/-p PROMPT/" -e "s/ *$//"
}
have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1
ansible_ref() {
	ANSIBLE_CONFIG=${REF_CONFIG:-$FLEET/ansible.cfg} ANSIBLE_NOCOLOR=1 \
		ANSIBLE_SHELL_ALLOW_WORLD_READABLE_TEMP=1 "$@"
}

test_expect_success 'the condition is real: this su refuses a stdin that is not a terminal' '
	test_must_fail fleet_exec 1 "su target -c true </dev/null" 2>err &&
	test_grep "su: must be run from a terminal" err
'

test_expect_success 'su with a password runs on a terminal: command, shell, raw' '
	su_adhoc all -i ops.ini -m command -a "id -un" -o >out &&
	test $(grep -c "(stdout) target$" out) -eq 2 &&
	su_adhoc host1 -i ops.ini -m shell \
		-a "[ -t 1 ] && echo on-a-tty; echo to-stderr >&2; printf \"a\\r\\nb\\n\"" -o >out &&
	test_grep -F "| CHANGED | rc=0 | (stdout) on-a-tty\nto-stderr\na\r\nb" out &&
	su_adhoc host2 -i ops.ini -m raw -a "id -un; [ -t 1 ] && echo tty" -o >out &&
	test_grep -F "| CHANGED | rc=0 | (stdout) target\ntty\n" out
'

test_expect_success 'sudo with a password gets no terminal; stderr stays apart' '
	adhoc host1 -i good.ini -b -m shell -a "[ -t 1 ] || echo no-tty; echo to-stderr >&2" -o >out &&
	test_grep -F "(stdout) no-tty (stderr) to-stderr" out
'

test_expect_success 'binary data through the terminal, byte for byte: copy up, fetch back' '
	python3 -c "import random,sys; r = random.Random(613); \
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(200000)) + bytes(range(32)) + b\"\\x7f\\r\\n\")" >blob &&
	su_adhoc host1 -i ops.ini -m copy -a "src=blob dest=/home/target/blob" -o >out &&
	test_grep "CHANGED" out &&
	fleet_exec 1 "stat -c %U /home/target/blob; sha256sum </home/target/blob" >got &&
	{ echo target && sha256sum <blob; } >expect && test_cmp expect got &&
	su_adhoc host1 -i ops.ini -m fetch -a "src=/home/target/blob dest=fetched" -o >out &&
	cmp blob fetched/host1/home/target/blob
'

test_expect_success 'a wrong su password on the terminal: Incorrect su password, that host only' '
	sed -e "s|^host1 .*|& ansible_become_password=$TGT_PW|" \
		-e "s|^host2 .*|& ansible_become_password=wrong-pw|" ops.ini >bad2.ini &&
	test_expect_code 2 adhoc all -i bad2.ini -b --become-method su --become-user target \
		-m ping -o >out &&
	test_grep "^host1 | SUCCESS" out &&
	test_grep "^host2 | FAILED! => {\"msg\": \"Incorrect su password\"}" out
'

test_expect_success 'sudo: become_flags replace the defaults; with a password -n goes, -S comes' '
	adhoc host1 -i "$FLEET_INV" -b --become-user ops -e ansible_become_exe=/usr/local/bin/logsudo \
		-m command -a "id -un" -o >out &&
	test_grep "(stdout) ops" out &&
	echo "-H -S -n -u ops" >expect && args_of 1 >got && test_cmp expect got &&
	adhoc host1 -i "$FLEET_INV" -b --become-user ops -e ansible_become_exe=/usr/local/bin/logsudo \
		-e "ansible_become_flags=\"-n -E\"" -m command -a "id -un" -o >out &&
	echo "-n -E -u ops" >expect && args_of 1 >got && test_cmp expect got &&
	adhoc host1 -i good.ini -b -e ansible_become_exe=/usr/local/bin/logsudo \
		-e "ansible_become_flags=\"-Hn -E\"" -m command -a "id -un" -o >out &&
	test_grep "(stdout) root" out &&
	echo "-H -E -S -p PROMPT -u root" >expect && args_of 1 >got && test_cmp expect got
'

test_expect_success 'ansible.cfg [privilege_escalation], ANSIBLE_BECOME_EXE, keywords, variables' '
	{ cat "$FLEET/ansible.cfg" && printf "[privilege_escalation]\nbecome_flags = -H -S -n -E\n" &&
		echo "become_exe = /usr/local/bin/logsudo"; } >pe.cfg &&
	ANSIBLE_CONFIG=$PWD/pe.cfg adhoc host2 -i good.ini -b -m command -a "id -un" -o >out &&
	test_grep "(stdout) root" out &&
	echo "-H -S -E -p PROMPT -u root" >expect && args_of 2 >got && test_cmp expect got &&
	ANSIBLE_BECOME_EXE=/usr/local/bin/logsudo ANSIBLE_BECOME_FLAGS="-S" \
		adhoc host2 -i good.ini -b -m command -a "id -un" -o >out &&
	echo "-S -p PROMPT -u root" >expect && args_of 2 >got && test_cmp expect got &&
	cat >site.yml <<-\EOF &&
	- hosts: host2
	  gather_facts: false
	  become: true
	  become_exe: /usr/local/bin/logsudo
	  become_flags: -H -S -E
	  tasks:
	    - command: id -un
	    - command: id -un
	      vars:
	        ansible_become_flags: -S
	    - name: su with a login shell, through a logging su
	      command: pwd
	      become_method: su
	      become_user: target
	      become_exe: /usr/local/bin/logsu
	      become_flags: -l
	      vars:
	        ansible_become_password: "{{ tgt_pw }}"
	      register: r
	    - assert:
	        that: r.stdout == "/home/target"
	EOF
	printf "tgt_pw: %s\n" "$TGT_PW" >tgt.yml &&
	"$DROVER" play site.yml -i good.ini --known-hosts "$FLEET_KH" -e @tgt.yml >out &&
	test_grep "host2 *: ok=4 " out &&
	fleet_exec 2 "tail -n 3 /tmp/become-args" |
		sed -e "s/-p \[[^]]*\] password:/-p PROMPT/" -e "s/ *$//" >got &&
	printf "%s\n" "-H -S -E -p PROMPT -u root" "-S -p PROMPT -u root" "-l target" >expect &&
	test_cmp expect got
'

if [ -n "$have_ansible" ]; then
	test_expect_success 'ansible-playbook: the same words to sudo and su, the same results (reference)' '
		fleet_exec 2 ": >/tmp/become-args" &&
		ansible_ref ansible-playbook site.yml -i good.ini -e @tgt.yml >ref &&
		test_grep "host2 *: ok=4 " ref &&
		fleet_exec 2 "tail -n 3 /tmp/become-args" |
			sed -e "s/-p \[[^]]*\] password:/-p PROMPT/" -e "s/ *$//" >ref.args &&
		test_cmp expect ref.args
	'
fi

# Samples every process's command line and environment on isolated host 1
# until the file "stop" exists.
sample() {
	while [ ! -f stop ]; do
		fleet_exec 1 "ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr \"\\0\" \"\\n\"" \
			>>host-ps.txt 2>/dev/null
		sleep 0.2
	done
}

test_expect_success 'the su password on the terminal shows nowhere: -vvv, records, JUnit, log, ps' '
	cat >secret.yml <<-\EOF &&
	- hosts: all
	  gather_facts: false
	  become: true
	  become_method: su
	  become_user: target
	  tasks:
	    - name: slow, under su on a terminal
	      command: sleep 3
	    - name: what the terminal shows
	      shell: "[ -t 1 ] && echo on-a-tty; id -un"
	      register: r
	    - assert:
	        that: r.stdout_lines == ["on-a-tty", "target"]
	EOF
	sample & echo $! >sampler.pid &&
	"$DROVER" play secret.yml -i ops.ini --known-hosts "$FLEET_KH" --become-pass-file tgt-pw.txt \
		-vvv --junit j.xml --log run.log >out 2>&1 &&
	touch stop && wait $(cat sampler.pid) &&
	test_grep "host1 *: ok=3 " out && test_grep "host2 *: ok=3 " out &&
	test_grep "sleep 3" host-ps.txt &&
	sqlite3 "$XDG_STATE_HOME/drover/records.db" .dump >db.txt &&
	test_grep "on-a-tty" db.txt &&
	for f in out j.xml run.log db.txt host-ps.txt; do
		! grep -F -e "$TGT_PW" $f || { echo "found the su password in $f"; exit 1; }
	done &&
	! grep -rlF -e "$TGT_PW" "$FLEET/hosts/h1/upper" "$FLEET/hosts/h2/upper" &&
	! fleet_exec 1 "grep -rlF -e \"$TGT_PW\" /run /tmp"
'

test_done
