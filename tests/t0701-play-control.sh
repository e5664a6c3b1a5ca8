#!/bin/sh
test_description='drover play: batches, retries, delegation, includes, tags, failure limits'
. "$(dirname "$0")/lib.sh"

fleet_up 4
. "$FLEET/fleet.env"
PB=$TEST_DIR/fixtures/play

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

files() {
	(cd "$1" && for f in $(find . -type f | sort); do echo "== $f"; sort "$f"; done)
}

test_expect_success 'control flow as ansible-playbook: recap and files' '
	mkdir d a &&
	play "$PB/control.yml" -e out_dir="$TRASH/d" -e level=extra >d.out 2>&1 &&
	echo "host1,host2" >expect &&
	test_cmp expect d/host1.batch &&
	echo "host3,host4" >expect &&
	test_cmp expect d/host4.batch &&
	echo "hi host2" >expect &&
	test_cmp expect d/host2.env &&
	test "$(wc -l <d/host3.tries)" -eq 3 &&
	printf "host1\nhost3\n" >expect &&
	test_cmp expect d/once &&
	printf "one\ntwo\n" >expect &&
	test_cmp expect d/host4.items &&
	echo extra >expect &&
	test_cmp expect d/host1.level &&
	test_path_is_missing d/host1.never &&
	echo 3 >expect &&
	test_cmp expect d/host3.hostvars &&
	test_grep "^FAILED - RETRYING: \[host1\]: retried until the third try (5 retries left)\." d.out &&
	test_grep "^included: .*looped.yml for host1, host2 => (item=two)" d.out &&
	if command -v ansible-playbook >/dev/null; then
		ref_play "$PB/control.yml" -e out_dir="$TRASH/a" -e level=extra >a.out 2>&1 &&
		recap a.out >expect && recap d.out >actual && test_cmp expect actual &&
		files a >expect && files d >actual && test_cmp expect actual
	fi
'

test_expect_success 'tags never run when asked for' '
	mkdir t &&
	play "$PB/control.yml" -e out_dir="$TRASH/t" --tags never >out 2>&1 &&
	test_path_is_file t/host2.never &&
	test_path_is_missing t/host2.env
'

test_expect_success 'max_fail_percentage: past it the play ends for every host, exit 2' '
	mkdir f &&
	test_expect_code 2 play "$PB/failures.yml" -e out_dir="$TRASH/f" >fail.out 2>&1 &&
	test_path_is_missing f/host2.ran &&
	test_path_is_missing f/host1.ran &&
	test_path_is_missing f/host3.ran &&
	if command -v ansible-playbook >/dev/null; then
		mkdir fa &&
		test_expect_code 2 ref_play "$PB/failures.yml" -e out_dir="$TRASH/fa" >a.out 2>&1 &&
		recap a.out >expect && recap fail.out >actual && test_cmp expect actual
	fi
'

test_expect_success '--start-at-task skips what comes before' '
	mkdir s &&
	play "$PB/control.yml" -e out_dir="$TRASH/s" --start-at-task "extra vars win" >start.out 2>&1 &&
	test_path_is_file s/host1.level &&
	test_path_is_missing s/host1.env
'

test_expect_success 'role parameters outrank set_fact, set_fact outranks include_vars' '
	mkdir -p rp/roles/r/tasks &&
	cat >rp/roles/r/tasks/main.yml <<-\EOF &&
	- set_fact: {x: fact}
	- include_vars: {file: "{{ playbook_dir }}/iv.yml"}
	- debug: msg="x={{ x }}"
	EOF
	echo "x: incvars" >rp/iv.yml &&
	cat >rp/pb.yml <<-\EOF &&
	- hosts: host1
	  gather_facts: false
	  roles:
	    - role: r
	      x: param
	    - role: r
	      vars: {x: entryvars}
	EOF
	play rp/pb.yml >rp.out 2>&1 &&
	grep "\"msg\"" rp.out >actual &&
	printf "    \"msg\": \"x=param\"\n    \"msg\": \"x=fact\"\n" >expect &&
	test_cmp expect actual &&
	if command -v ansible-playbook >/dev/null; then
		ref_play rp/pb.yml >rp.ref 2>&1 &&
		grep "\"msg\"" rp.ref >ref &&
		test_cmp ref actual
	fi
'

test_expect_success 'vars_prompt: -e wins, a terminal is asked, no terminal takes the default or stops' '
	cat >vp.yml <<-\EOF &&
	- hosts: host1
	  gather_facts: false
	  vars_prompt:
	    - name: who
	      prompt: Who are you
	      private: false
	    - name: secret
	      prompt: Secret
	      default: dflt
	  tasks:
	    - debug: msg="{{ who }} {{ secret }}"
	EOF
	play vp.yml -e who=me </dev/null >vp.out 2>&1 &&
	test_grep "\"msg\": \"me dflt\"" vp.out &&
	if command -v ansible-playbook >/dev/null; then
		ref_play vp.yml -e who=me </dev/null >vp.ref 2>&1 &&
		test_grep "\"msg\": \"me dflt\"" vp.ref
	fi &&
	test_expect_code 1 play vp.yml </dev/null >vp2.out 2>&1 &&
	test_grep "vars_prompt .who. needs a terminal to ask on: pass it with -e who=VALUE" vp2.out &&
	test_grep -v "ok: \[host1\]" vp2.out &&
	TYPEIN_ANSWER=zed python3 "$TEST_DIR/helpers/typein.py" "Who are you: " \
		"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" -e secret=s vp.yml >vp3.out 2>&1 &&
	test_grep "\"msg\": \"zed s\"" vp3.out
'

test_expect_success 'hostvars of another host render in that host'"'"'s context' '
	cat >hv.yml <<-\EOF &&
	- hosts: host2
	  gather_facts: false
	  vars:
	    mine: "{{ inventory_hostname }}-play"
	  tasks:
	    - debug: msg="{{ hostvars[\"host1\"].tagged }} {{ hostvars.host3.tagged }} {{ tagged }}"
	EOF
	play hv.yml -e "{\"tagged\": \"{{ inventory_hostname }}-x\"}" >hv.out 2>&1 &&
	test_grep "\"msg\": \"host1-x host3-x host2-x\"" hv.out &&
	if command -v ansible-playbook >/dev/null; then
		ref_play hv.yml -e "{\"tagged\": \"{{ inventory_hostname }}-x\"}" >hv.ref 2>&1 &&
		test_grep "\"msg\": \"host1-x host3-x host2-x\"" hv.ref
	fi
'

test_done
