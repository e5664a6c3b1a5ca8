#!/bin/sh
test_description='the host agent: one drover-remote serve per connection runs every module'
. "$(dirname "$0")/lib.sh"

# Isolated hosts: each has its own PID namespace (so pgrep counts only its
# own agents) and its own ~/.cache (so the first run finds no helper).
fleet_up_isolated 2
. "$FLEET/fleet.env"

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

adhoc() {
	"$DROVER" adhoc --known-hosts "$FLEET_KH" "$@"
}

# A task's view of its runner: the module is the parent of the user's
# command, and the agent (if any) the module's parent.
cat >runner.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - shell: 'ps -o args= -p $(ps -o ppid= -p $PPID); ps -o ppid= -p $PPID'
      register: first
    - file: { path: /tmp/agent-t, state: directory }
    - stat: { path: /tmp/agent-t }
    - shell: 'ps -o ppid= -p $PPID; pgrep -c -f "drover-remote [s]erve" || true'
      register: last
    - copy:
        dest: "{{ out }}/{{ inventory_hostname }}"
        content: "{{ first.stdout_lines[0] }}\n{{ first.stdout_lines[1] | trim }}\n{{ last.stdout_lines[0] | trim }}\n{{ last.stdout_lines[1] }}\n"
      delegate_to: localhost
EOF

test_expect_success 'a first run on empty caches: the helper goes up, then serves every task' '
	for i in 1 2; do fleet_ssh $i "rm -rf \$HOME/.cache/drover" || return 1; done &&
	mkdir -p agent && play runner.yml -e out="$TRASH/agent" >out 2>&1 &&
	test_grep -E "host1 +: ok=5 +changed=4 .*failed=0" out &&
	test_grep -E "host2 +: ok=5 +changed=4 .*failed=0" out &&
	for h in host1 host2; do
		sed -n 1p agent/$h | grep -q "drover-remote serve" &&
		# the same agent for the first and the fourth task, and only one
		test "$(sed -n 2p agent/$h)" = "$(sed -n 3p agent/$h)" &&
		test "$(sed -n 4p agent/$h)" = 1 || return 1
	done
'

test_expect_success 'the agent ends with the run: no agent left on the hosts' '
	for i in 1 2; do
		n=0
		while fleet_ssh $i "pgrep -f \"drover-remote [s]erve\"" >/dev/null; do
			n=$((n + 1)) && test $n -lt 50 && sleep 0.1 || return 1
		done
	done
'

test_expect_success 'DROVER_AGENT=0: each module on a channel of its own' '
	DROVER_AGENT=0 play runner.yml -e out="$TRASH/agent" >out 2>&1 &&
	test_grep -E "host1 +: ok=5 .*failed=0" out &&
	! sed -n 1p agent/host1 | grep -q "drover-remote serve" &&
	test "$(sed -n 4p agent/host1)" = 0
'

# Everything a command result carries, but its timings.
strip_times() {
	sed -e "s/\"\\(start\\|end\\|delta\\)\": \"[^\"]*\"/\\1/g" "$1"
}

test_expect_success 'results as without the agent: streams, binary and large output, stdin, rc, env' '
	for a in 1 0; do
		DROVER_AGENT=$a adhoc host1 -i "$FLEET_INV" -o -m shell \
			-a "printf \"a\\\\000b\\\\377\\\\n\"; echo to-err >&2; cat; echo \$AGENT_T; cd /tmp && pwd; exit 3 stdin=from-stdin" \
			-e "{\"ansible_shell_executable\": \"/bin/sh\"}" >small-$a 2>&1
		DROVER_AGENT=$a adhoc host1 -i "$FLEET_INV" -o -m shell \
			-a "head -c 3000000 /dev/zero | tr \"\\\\000\" x" >big-$a 2>&1 &&
		DROVER_AGENT=$a adhoc host1 -i "$FLEET_INV" -o -m stat -a "path=/etc/hostname" >stat-$a 2>&1 || return 1
	done &&
	test_grep "\"rc\": 3," small-1 &&
	strip_times small-1 >s1 && strip_times small-0 >s0 && test_cmp s0 s1 &&
	strip_times big-1 >b1 && strip_times big-0 >b0 && test_cmp b0 b1 &&
	test $(wc -c <big-1) -gt 3000000 &&
	test_cmp stat-0 stat-1
'

test_expect_success 'a module that writes before it has read its stdin: no deadlock' '
	cat >big.yml <<-EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - command: cat
	      args: { stdin: "{{ \"x\" * 2000000 }}" }
	      register: r
	      timeout: 60
	    - assert: { that: [r.stdout | length == 2000000] }
	EOF
	play big.yml >out 2>&1 &&
	test_grep -E "host1 +: ok=2 .*failed=0" out
'

test_expect_success 'a task past its timeout is killed on the host; the next task runs' '
	cat >timeout.yml <<-EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - shell: "sleep 30; touch /tmp/agent-late"
	      timeout: 2
	      ignore_errors: true
	    - shell: "echo after"
	      register: after
	    - assert: { that: [after.stdout == "after"] }
	EOF
	fleet_ssh 1 "rm -f /tmp/agent-late" &&
	play timeout.yml >out 2>&1 &&
	test_grep "failed to execute in the expected time frame (2)" out &&
	test_grep -E "host1 +: ok=3 .*failed=0 .*ignored=1" out &&
	! fleet_ssh 1 "pgrep -f \"[s]leep 30\"" &&
	sleep 1 && ! fleet_ssh 1 "test -e /tmp/agent-late"
'

test_expect_success 'an agent killed under a task fails that task alone; later tasks run' '
	cat >killed.yml <<-EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - shell: "kill -9 \$(ps -o ppid= -p \$PPID)"
	      ignore_errors: true
	    - stat: { path: /etc/hostname }
	      register: st
	    - assert: { that: [st.stat.exists] }
	EOF
	play killed.yml >out 2>&1 &&
	test_grep "agent on the host ended during the task" out &&
	test_grep -E "host1 +: ok=3 .*unreachable=0 .*failed=0 .*ignored=1" out
'

test_expect_success 'become without a password: one agent under sudo runs the tasks as root' '
	for i in 1 2; do
		# (a locked account, with no password at all, may not log in)
		fleet_exec $i "useradd -m -s /bin/sh deploy &&
			echo \"deploy ALL=(ALL) NOPASSWD: ALL\" >/etc/sudoers.d/deploy &&
			useradd -m -s /bin/sh nopw &&
			printf \"%s\\n\" deploy:dep-Pw-210 nopw:nopw-Pw-210 | chpasswd" || return 1
	done &&
	sed "s| ansible_user=[^ ]*| ansible_user=deploy|" "$FLEET_INV" >deploy.ini &&
	cat >become.yml <<-EOF &&
	- hosts: all
	  gather_facts: false
	  tasks:
	    - shell: "id -un; ps -o args= -p \$(ps -o ppid= -p \$PPID); ps -o ppid= -p \$PPID"
	      become: true
	      register: r1
	    - stat: { path: /root }
	      become: true
	      register: st
	    - shell: "id -un; ps -o ppid= -p \$PPID"
	      become: true
	      register: r2
	    - shell: "id -un"
	      register: me
	    - assert:
	        that:
	          - r1.stdout_lines[0] == "root"
	          - "\"drover-remote serve\" in r1.stdout_lines[1]"
	          - r1.stdout_lines[2] == r2.stdout_lines[1]
	          - r2.stdout_lines[0] == "root"
	          - st.stat.isdir
	          - me.stdout == "deploy"
	EOF
	"$DROVER" play -i deploy.ini --known-hosts "$FLEET_KH" become.yml >out 2>&1 &&
	test_grep -E "host1 +: ok=5 .*failed=0" out &&
	test_grep -E "host2 +: ok=5 .*failed=0" out
'

test_expect_success 'sudo that wants a password: the agent stays out, Missing sudo password as before' '
	sed "s| ansible_user=[^ ]*| ansible_user=nopw|" "$FLEET_INV" >nopw.ini &&
	for i in 1 2; do fleet_exec $i "echo \"nopw ALL=(ALL) ALL\" >/etc/sudoers.d/nopw" || return 1; done &&
	test_expect_code 2 adhoc all -i nopw.ini -b -m stat -a path=/ -o >out &&
	test_grep "^host1 | FAILED! => {\"msg\": \"Missing sudo password\"}" out &&
	adhoc all -i nopw.ini -m stat -a path=/ -o >out &&
	test_grep "^host1 | SUCCESS" out
'

test_done
