#!/bin/sh
test_description='drover adhoc: modules, output formats, exit codes, patterns, failures'
. "$(dirname "$0")/lib.sh"

# The remote sleep is found by its length: each test pass gets its own.
T=$((30 + ${FLEET_PORT:-2222} - 2222))

fleet_up 20
. "$FLEET/fleet.env"

# adhoc ARGS...: drover adhoc against the fleet, never the real ~/.ssh.
adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# ansible_ref ARGS...: real Ansible on the same fleet (reference behaviour).
ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible -i "$FLEET_INV" "$@"
}

have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1

test_expect_success 'ping one host' '
	adhoc host1 -m ping >out &&
	cat >expect <<-\EOF &&
	host1 | SUCCESS => {
	    "changed": false,
	    "ping": "pong"
	}
	EOF
	test_cmp expect out
'

test_expect_success 'ping 20 hosts: 20 SUCCESS lines, exit 0' '
	adhoc all -m ping -o >out &&
	for i in $(seq 20); do
		echo "host$i | SUCCESS => {\"changed\": false,\"ping\": \"pong\"}"
	done | sort >expect &&
	sort out >actual &&
	test_cmp expect actual
'

test_expect_success 'command: echo hi' '
	adhoc host2 -m command -a "echo hi" >out &&
	printf "host2 | CHANGED | rc=0 >>\nhi\n" >expect &&
	test_cmp expect out
'

test_expect_success 'command is the default module' '
	adhoc host2 -a "echo hi" >out &&
	printf "host2 | CHANGED | rc=0 >>\nhi\n" >expect &&
	test_cmp expect out
'

test_expect_success 'shell: pipes, ; and redirections' '
	adhoc host3 -m shell -a "echo abc | tr a-c x-z; echo two; echo err >&2" >out &&
	printf "host3 | CHANGED | rc=0 >>\nxyz\ntwoerr\n" >expect &&
	test_cmp expect out
'

test_expect_success 'command does not go through a shell' '
	adhoc host1 -a "echo a | tr a b; echo c" >out &&
	printf "host1 | CHANGED | rc=0 >>\na | tr a b; echo c\n" >expect &&
	test_cmp expect out
'

test_expect_success 'command creates= an existing file: not run' '
	touch existing &&
	adhoc host1 -a "creates=$TRASH/existing touch $TRASH/ran-creates" >out &&
	test_path_is_missing ran-creates &&
	test_grep "^host1 | SUCCESS | rc=0 >>" out &&
	test_grep "skipped, since $TRASH/existing exists" out
'

test_expect_success 'command creates= a missing file: run' '
	adhoc host1 -a "creates=$TRASH/ran-creates2 touch $TRASH/ran-creates2" >out &&
	test_path_is_file ran-creates2 &&
	test_grep "^host1 | CHANGED | rc=0 >>" out
'

test_expect_success 'command removes=: runs only when the file exists' '
	adhoc host1 -a "removes=$TRASH/nothing-here touch $TRASH/ran-removes" >out &&
	test_path_is_missing ran-removes &&
	test_grep "^host1 | SUCCESS | rc=0 >>" out &&
	test_grep "skipped, since $TRASH/nothing-here does not exist" out &&
	touch victim &&
	adhoc host1 -a "removes=$TRASH/victim rm $TRASH/victim" >out &&
	test_grep "^host1 | CHANGED | rc=0 >>" out &&
	test_path_is_missing victim
'

test_expect_success 'command chdir=' '
	mkdir -p sub/dir &&
	adhoc host1 -a "chdir=$TRASH/sub/dir pwd" >out &&
	printf "host1 | CHANGED | rc=0 >>\n%s\n" "$TRASH/sub/dir" >expect &&
	test_cmp expect out
'

test_expect_success 'command stdin=' '
	adhoc host1 -a "stdin=hello cat" >out &&
	printf "host1 | CHANGED | rc=0 >>\nhello\n" >expect &&
	test_cmp expect out
'

test_expect_success 'raw module' '
	adhoc host4 -m raw -a "echo raw-\$((6*7))" >out &&
	test_grep "^host4 | CHANGED | rc=0 >>" out &&
	test_grep "^raw-42" out
'

test_expect_success 'raw module non-zero exit: FAILED, exit 2' '
	test_expect_code 2 adhoc host4 -m raw -a "echo rawout; exit 3" >out &&
	test_grep "^host4 | FAILED | rc=3 >>" out &&
	test_grep "^rawout" out &&
	test_grep "non-zero return code" out
'

test_expect_success 'non-zero rc: FAILED with rc and output, exit 2' '
	test_expect_code 2 adhoc host1 -m shell -a "echo out1; echo err1 >&2; exit 7" >out &&
	printf "host1 | FAILED | rc=7 >>\nout1err1non-zero return code\n" >expect &&
	test_cmp expect out
'

test_expect_success 'one host failing among good ones: exit 2, others CHANGED' '
	test_expect_code 2 adhoc "host1:host2:host3" -o -m shell \
		-a "case \"\$SSH_CONNECTION\" in *\" 127.0.$FLEET_NET.2 \"*) exit 1;; esac; echo fine" >out &&
	test_grep "^host1 | CHANGED | rc=0 | (stdout) fine\$" out &&
	test_grep "^host3 | CHANGED | rc=0 | (stdout) fine\$" out &&
	test_grep "^host2 | FAILED" out &&
	test $(wc -l <out) -eq 3
'

test_expect_success 'ping with an unknown option: FAILED, Unsupported parameters, exit 2' '
	test_expect_code 2 adhoc host1 -m ping -a foo=1 >out &&
	test_grep "^host1 | FAILED! => {" out &&
	test_grep "Unsupported parameters for (ping) module: foo" out
'

test_expect_success 'unknown module: exit 2, was not found' '
	test_expect_code 2 adhoc host1 -m nosuchmodule >out &&
	test_grep "^host1 | FAILED! => {" out &&
	test_grep "The module nosuchmodule was not found" out
'

test_expect_success 'command without arguments: exit 5, nothing run' '
	test_expect_code 5 adhoc all -m command >out 2>err &&
	test_grep "No argument passed to command module" err &&
	test_grep -v "SUCCESS\|CHANGED\|FAILED" out
'

test_expect_success 'shell without arguments: exit 5' '
	test_expect_code 5 adhoc all -m shell >out 2>err &&
	test_grep "No argument passed to shell module" err
'

test_expect_success 'unreachable host next to live ones: live SUCCESS, dead UNREACHABLE, exit 4' '
	sed "s|^\[all\]\$|[all]\ndead ansible_host=127.0.$FLEET_NET.200 ansible_port=$FLEET_PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$FLEET_KEY|" \
		"$FLEET_INV" >inv-dead &&
	test_grep "^dead " inv-dead &&
	test_expect_code 4 "$DROVER" adhoc "dead:host1:host2:host3" -i inv-dead \
		--known-hosts "$FLEET_KH" -m ping -o >out &&
	for i in 1 2 3; do
		test_grep "^host$i | SUCCESS => " out || exit 1
	done &&
	test_grep "^dead | UNREACHABLE!" out &&
	test_grep "^dead | UNREACHABLE!.*127\.0\.$FLEET_NET\.200" out &&
	test $(wc -l <out) -eq 4
'

test_expect_success 'unreachable wins over failed: exit 4' '
	test_expect_code 4 "$DROVER" adhoc "dead:host1" -i inv-dead \
		--known-hosts "$FLEET_KH" -m command -a false -o >out &&
	test_grep "^host1 | FAILED" out &&
	test_grep "^dead | UNREACHABLE!" out
'

test_expect_success 'unreachable host: minimal format with msg and unreachable' '
	test_expect_code 4 "$DROVER" adhoc dead -i inv-dead \
		--known-hosts "$FLEET_KH" -m ping >out &&
	test_grep "^dead | UNREACHABLE! => {" out &&
	test_grep "\"unreachable\": true" out &&
	test_grep "\"msg\": \".*127\.0\.$FLEET_NET\.200" out
'

test_expect_success '-e ansible_user=nosuchuser: auth fails, UNREACHABLE, exit 4' '
	test_expect_code 4 adhoc host1 -m ping -e ansible_user=nosuchuser >out &&
	test_grep "^host1 | UNREACHABLE! => {" out &&
	test_grep "\"unreachable\": true" out
'

test_expect_success '1 MiB of stdout and 1 MiB of stderr arrive intact (--json)' '
	seq 1 200000 >want.out &&
	seq 1 200000 | sed "s/^/e/" >want.err &&
	test $(wc -c <want.out) -gt 1048576 &&
	test $(wc -c <want.err) -gt 1048576 &&
	adhoc host5 --json -m shell -a "seq 1 200000; seq 1 200000 | sed s/^/e/ >&2" >big.json &&
	python3 -c "
import json, sys
d = json.load(open(\"big.json\"))
r = d[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host5\"]
assert r[\"rc\"] == 0, r[\"rc\"]
open(\"got.out\", \"w\").write(r[\"stdout\"] + \"\n\")
open(\"got.err\", \"w\").write(r[\"stderr\"] + \"\n\")
assert r[\"stdout_lines\"] == r[\"stdout\"].split(\"\n\")
" &&
	cmp want.out got.out &&
	cmp want.err got.err
'

test_expect_success '1 MiB of output intact in the minimal format' '
	adhoc host5 -m shell -a "seq 1 200000; seq 1 200000 | sed s/^/e/ >&2" >big.txt &&
	{
		echo "host5 | CHANGED | rc=0 >>" &&
		seq 1 199999 && printf 200000 && seq 1 200000 | sed "s/^/e/"
	} >want.txt &&
	cmp want.txt big.txt
'

test_expect_success 'invalid UTF-8 in output: no crash, replacement characters' '
	adhoc host1 -m shell -a "printf \"a\\377\\376b\\n\"" >out &&
	test_grep "^host1 | CHANGED | rc=0 >>" out &&
	printf "a\357\277\275\357\277\275b\n" >expect &&
	tail -n 1 out >actual &&
	test_cmp expect actual
'

test_expect_success 'NUL bytes and random binary output: CHANGED like ansible (no broken result)' '
	adhoc host1 -m shell -a "printf \"a\\000b\\n\"" >out &&
	test_grep "^host1 | CHANGED | rc=0 >>" out &&
	test_grep -a "^a.b\$" out &&
	adhoc host1 -m shell -a "head -c 65536 /dev/urandom" >out2 &&
	test_grep -a "^host1 | CHANGED | rc=0 >>" out2
'

test_expect_success '--json parses and has stats for each host' '
	adhoc "host1:host2:host3" --json -m ping >out.json &&
	python3 -m json.tool out.json >/dev/null &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
s = d[\"stats\"]
assert sorted(s) == [\"host1\", \"host2\", \"host3\"], s
for h in s:
    assert s[h][\"ok\"] == 1 and s[h][\"failures\"] == 0 and s[h][\"unreachable\"] == 0, s
hosts = d[\"plays\"][0][\"tasks\"][0][\"hosts\"]
assert all(hosts[h][\"ping\"] == \"pong\" for h in s), hosts
"
'

test_expect_success '--json stats count failures and unreachables' '
	test_expect_code 4 "$DROVER" adhoc "dead:host1:host2" -i inv-dead \
		--known-hosts "$FLEET_KH" --json -m shell \
		-a "case \"\$SSH_CONNECTION\" in *\" 127.0.$FLEET_NET.2 \"*) exit 1;; esac" >out.json &&
	python3 -c "
import json
s = json.load(open(\"out.json\"))[\"stats\"]
assert s[\"dead\"][\"unreachable\"] == 1, s
assert s[\"host2\"][\"failures\"] == 1, s
assert s[\"host1\"][\"ok\"] == 1 and s[\"host1\"][\"failures\"] == 0, s
"
'

if [ -n "$have_ansible" ]; then
	test_expect_success '-o line for command equals ansible -o' '
		adhoc host1 -o -m command -a "echo hi" >out &&
		ansible_ref host1 -o -m command -a "echo hi" >ref &&
		test_cmp ref out
	'

	test_expect_success 'minimal output for command equals ansible' '
		adhoc host1 -m command -a "echo hi there" >out &&
		ansible_ref host1 -m command -a "echo hi there" >ref &&
		test_cmp ref out
	'

	test_expect_success '-o line for ping equals ansible -o' '
		adhoc host2 -o -m ping >out &&
		# (a fixed interpreter: no discovered_interpreter_python fact)
		ansible_ref host2 -o -m ping -e ansible_python_interpreter=/usr/bin/python3 >ref &&
		test_cmp ref out
	'

	test_expect_success '-o line for shell with stderr equals ansible -o' '
		adhoc host1 -o -m shell -a "echo a; echo b >&2" >out &&
		ansible_ref host1 -o -m shell -a "echo a; echo b >&2" >ref &&
		test_cmp ref out
	'

	# Ansible oneline prints "host | FAILED! => {json}" for a failed
	# command (the rc/stdout form only when the result has an exception).
	test_expect_success '-o line for a failed command has ansible'"'"'s FAILED! => form' '
		test_expect_code 2 adhoc host1 -o -m shell -a "echo a; echo b >&2; exit 1" >out &&
		test_expect_code 2 ansible_ref host1 -o -m shell -a "echo a; echo b >&2; exit 1" >ref &&
		for f in out ref; do
			sed -n "s/^host1 | FAILED! => //p" $f >$f.json &&
			python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for k in (\"delta\", \"start\", \"end\", \"ansible_facts\"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True))
" $f.json >$f.norm || exit 1
		done &&
		test_cmp ref.norm out.norm
	'

	test_expect_success 'debug with a template, as ansible prints it' '
		adhoc "host1:host2" -m debug -a "msg=\"{{ inventory_hostname }} in {{ group_names }}\"" >out &&
		ansible_ref "host1:host2" -m debug \
			-a "msg=\"{{ inventory_hostname }} in {{ group_names }}\"" >ref &&
		sort out >out.s && sort ref >ref.s &&
		test_cmp ref.s out.s &&
		test_grep "\"msg\": \"host2 in \[.even., .web.\]\"" out
	'

	test_expect_success 'set_fact and debug var= as ansible prints them' '
		adhoc host3 -m set_fact -a "a=1 b=x" >out &&
		ansible_ref host3 -m set_fact -a "a=1 b=x" >ref &&
		test_cmp ref out &&
		adhoc host3 -m debug -a var=ansible_port -e ansible_port=2222 >out &&
		ansible_ref host3 -m debug -a var=ansible_port -e ansible_port=2222 >ref &&
		test_cmp ref out
	'

	test_expect_success 'shell arguments are templated per host, -o as ansible' '
		adhoc "host1:host2" -o -m shell -a "echo {{ inventory_hostname }}-{{ x }}" -e x=7 >out &&
		ansible_ref "host1:host2" -o -m shell -a "echo {{ inventory_hostname }}-{{ x }}" \
			-e x=7 >ref &&
		sort out >out.s && sort ref >ref.s &&
		test_cmp ref.s out.s &&
		test_grep "^host2 | CHANGED | rc=0 | (stdout) host2-7\$" out
	'
else
	test_skip '-o line compared with ansible' 'ansible not installed'
fi

test_expect_success 'templated arguments reach each host rendered for it' '
	adhoc "host4:host5" -m copy -a "content={{ inventory_hostname }} dest=/tmp/drover-t0100-{{ inventory_hostname }}-$T" >out &&
	test "$(cat /tmp/drover-t0100-host4-$T)" = host4 &&
	test "$(cat /tmp/drover-t0100-host5-$T)" = host5 &&
	rm -f /tmp/drover-t0100-host4-$T /tmp/drover-t0100-host5-$T
'

test_expect_success 'controller actions: undefined variable fails the host, exit 2' '
	test_expect_code 2 adhoc host1 -m debug -a "msg={{ nope }}" >out &&
	test_grep "^host1 | FAILED! =>" out &&
	test_grep "nope. is undefined" out &&
	test_expect_code 2 adhoc host1 -m fail -a "msg=\"stop here\"" >out &&
	test_grep "\"msg\": \"stop here\"" out &&
	adhoc host1 -m assert -a "that=inventory_hostname==\"host1\"" >out &&
	test_grep "^host1 | SUCCESS" out
'

test_expect_success 'playbook-only actions are refused before anything runs: exit 5' '
	for a in include_tasks import_role meta; do
		test_expect_code 5 adhoc host1 -m $a -a x.yml >out 2>err &&
		test_grep "$a. is not a valid action for ad-hoc commands" err || return 1
	done
'

test_expect_success '--list-hosts: odd:&web' '
	adhoc "odd:&web" -m ping --list-hosts >out &&
	printf "  hosts (1):\n    host1\n" >expect &&
	test_cmp expect out
'

test_expect_success '--list-hosts: all:!host1 is the 19 others, in inventory order' '
	adhoc "all:!host1" -m ping --list-hosts >out &&
	{ echo "  hosts (19):"; for i in $(seq 2 20); do echo "    host$i"; done; } >expect &&
	test_cmp expect out
'

test_expect_success '-l limits the pattern' '
	adhoc all -m ping -l even --list-hosts >out &&
	{ echo "  hosts (10):"; for i in $(seq 2 2 20); do echo "    host$i"; done; } >expect &&
	test_cmp expect out &&
	adhoc web -m ping -l "host2:host3" --list-hosts >out &&
	printf "  hosts (1):\n    host2\n" >expect &&
	test_cmp expect out
'

test_expect_success '-l limit really limits what runs' '
	adhoc all -m ping -o -l "odd:&web" >out &&
	echo "host1 | SUCCESS => {\"changed\": false,\"ping\": \"pong\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'more patterns: union, exclusion with intersection, glob, regex' '
	adhoc "web:db" -m ping --list-hosts >out &&
	printf "  hosts (3):\n    host1\n    host2\n    host3\n" >expect &&
	test_cmp expect out &&
	adhoc "even:!host4:&all" -m ping --list-hosts >out &&
	{ echo "  hosts (9):"; for i in 2 6 8 10 12 14 16 18 20; do echo "    host$i"; done; } >expect &&
	test_cmp expect out &&
	adhoc "host1*" -m ping --list-hosts >out &&
	{ echo "  hosts (11):"; for i in 1 $(seq 10 19); do echo "    host$i"; done; } >expect &&
	test_cmp expect out &&
	adhoc "~host1[0-9]" -m ping --list-hosts >out &&
	{ echo "  hosts (10):"; for i in $(seq 10 19); do echo "    host$i"; done; } >expect &&
	test_cmp expect out
'

# ansible lists hosts before it checks the module's arguments.
test_expect_success '--list-hosts without -a (default command module) lists hosts' '
	adhoc "odd:&web" --list-hosts >out &&
	printf "  hosts (1):\n    host1\n" >expect &&
	test_cmp expect out
'

test_expect_success '--task-timeout 2 with sleep 30: FAILED with timeout, fast, others fine' '
	start=$(date +%s) &&
	test_expect_code 2 adhoc "host1:host2:host3" --task-timeout 2 -o -m shell \
		-a "case \"\$SSH_CONNECTION\" in *\" 127.0.$FLEET_NET.1 \"*) sleep $T.7311;; esac; echo fine" >out &&
	end=$(date +%s) &&
	test $((end - start)) -lt 10 &&
	test_grep "^host1 | FAILED" out &&
	test_grep "^host1 .*failed to execute in the expected time frame (2)" out &&
	test_grep "^host2 | CHANGED | rc=0 | (stdout) fine\$" out &&
	test_grep "^host3 | CHANGED | rc=0 | (stdout) fine\$" out &&
	# and the remote command itself is stopped
	for i in $(seq 50); do
		pgrep -f "sleep $T\.7311" >/dev/null || break
		sleep 0.1
	done &&
	! pgrep -f "sleep $T\.7311" >/dev/null
'

test_expect_success 'task timeout message names the module that timed out (shell)' '
	test_expect_code 2 adhoc host1 --task-timeout 1 -m shell -a "sleep 5.2468" >out &&
	test_grep "The shell action failed to execute in the expected time frame (1)" out
'

test_expect_success '-f 1 and -f 20 give the same results' '
	cmd="echo \$SSH_CONNECTION | cut -d\" \" -f3" &&
	adhoc all -f 1 -o -m shell -a "$cmd" | sort >f1 &&
	adhoc all -f 20 -o -m shell -a "$cmd" | sort >f20 &&
	test_cmp f1 f20 &&
	for i in $(seq 20); do
		echo "host$i | CHANGED | rc=0 | (stdout) 127.0.$FLEET_NET.$i"
	done | sort >expect &&
	test_cmp expect f20
'

test_expect_success 'ansible_connection=local runs on the controller, without ssh' '
	# 192.0.2.1 (TEST-NET-1) is unreachable: only a local run can succeed
	printf "[all]\nctl ansible_connection=local ansible_host=192.0.2.1\n" >inv-local &&
	mkdir -p home &&
	HOME=$TRASH/home "$DROVER" adhoc ctl -i inv-local --known-hosts "$FLEET_KH" \
		-a "touch $TRASH/local-ran" >out &&
	test_path_is_file local-ran &&
	test_grep "^ctl | CHANGED | rc=0 >>" out &&
	HOME=$TRASH/home "$DROVER" adhoc ctl -i inv-local --known-hosts "$FLEET_KH" \
		-m shell -a "echo \$PPID; echo hi" -o >out &&
	test_grep "^ctl | CHANGED | rc=0 | (stdout) [0-9]*\\\\nhi\$" out
'

test_expect_success 'ansible_connection=local via -c local' '
	HOME=$TRASH/home "$DROVER" adhoc ctl -i inv-local -c local -m ping -o >out &&
	echo "ctl | SUCCESS => {\"changed\": false,\"ping\": \"pong\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'implicit localhost: named, it runs locally; all and * leave it out' '
	adhoc "localhost:host1" -o -a "echo hi" >out &&
	test_grep "^localhost | CHANGED | rc=0 | (stdout) hi\$" out &&
	test_grep "^host1 | CHANGED | rc=0 | (stdout) hi\$" out &&
	adhoc all --list-hosts >out &&
	! grep -q localhost out &&
	adhoc "*" --list-hosts >out &&
	! grep -q localhost out
'

test_expect_success 'implicit localhost takes all'"'"'s group variables' '
	mkdir -p il/group_vars &&
	printf "[web]\nh1 ansible_host=127.0.0.9\n[all:vars]\nx=fromall\n" >il/inv &&
	echo "y: fromfile" >il/group_vars/all.yml &&
	"$DROVER" adhoc -i il/inv localhost -m debug -a "msg=\"{{ x }} {{ y }}\"" >out &&
	test_grep "\"msg\": \"fromall fromfile\"" out
'

if command -v sudo >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	test_expect_success 'become (-b) runs the module as root through sudo' '
		adhoc host1 -b -o -m shell -a "id -u" >out &&
		test_grep "^host1 | CHANGED | rc=0 | (stdout) 0\$" out
	'

	test_expect_success 'become to an unprivileged user runs as that user' '
		adhoc "host1:host2" -b --become-user nobody -o -a "id -un" >out &&
		test_grep "^host1 | CHANGED | rc=0 | (stdout) nobody\$" out &&
		test_grep "^host2 | CHANGED | rc=0 | (stdout) nobody\$" out &&
		adhoc host1 -b --become-user nobody -o -m raw -a "id -un" >out &&
		test_grep "(stdout) nobody" out
	'
else
	test_skip 'become through sudo' 'needs root and sudo'
fi

test_done
