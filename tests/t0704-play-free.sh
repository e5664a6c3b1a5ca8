#!/bin/sh
test_description='drover play: strategy free (hosts do not wait for each other), looped include_tasks across hosts'
. "$(dirname "$0")/lib.sh"

fleet_up 4
. "$FLEET/fleet.env"

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" -f 4 "$@"
}

have_ansible=
command -v ansible-playbook >/dev/null 2>&1 && have_ansible=1

# both NAME PLAYBOOK [ARGS]: drover, then Ansible on a fresh out_dir; same recaps.
both() {
	name=$1 pb=$2
	shift 2
	mkdir -p "$TRASH/$name-drover" "$TRASH/$name-ansible"
	test_expect_code "${EXPECT_CODE:-0}" play "$pb" -e out_dir="$TRASH/$name-drover" "$@" \
		>"$name.drover" 2>&1 || { cat "$name.drover"; return 1; }
	test -z "$have_ansible" && return 0
	ref_play "$pb" -e out_dir="$TRASH/$name-ansible" "$@" >"$name.ansible" 2>&1 || true
	recap "$name.drover" >"$name.recap.drover"
	recap "$name.ansible" >"$name.recap.ansible"
	test_cmp "$name.recap.ansible" "$name.recap.drover"
}

# A host that waits in its first task until every other host has passed
# the play's later tasks: under the linear strategy it would time out
# (the others wait for it at task 1) and fail; under free it goes on.
cat >free.yml <<\EOF
- hosts: all
  strategy: free
  gather_facts: false
  tasks:
    - name: host1 waits for the others to get ahead
      shell: |
        if [ {{ inventory_hostname }} = host1 ]; then
          for i in $(seq 300); do
            [ -f {{ out_dir }}/host2.ahead ] && [ -f {{ out_dir }}/host4.ahead ] && exit 0
            sleep 0.1
          done
          exit 1
        fi
    - name: host3 fails alone
      fail: msg="host3 stops here"
      when: inventory_hostname == 'host3'
    - name: the others get ahead
      shell: echo "{{ inventory_hostname }}" > {{ out_dir }}/{{ inventory_hostname }}.ahead
      notify: note
    - name: after the flush, the handler has run for this host
      meta: flush_handlers
    - name: handler ran before this
      shell: test -f {{ out_dir }}/{{ inventory_hostname }}.handled && touch {{ out_dir }}/{{ inventory_hostname }}.checked
    - name: a loop
      shell: echo {{ item }} >> {{ out_dir }}/{{ inventory_hostname }}.items
      loop: [a, b]
  handlers:
    - name: note
      shell: echo handled > {{ out_dir }}/{{ inventory_hostname }}.handled
EOF

test_expect_success 'free: a slow host holds back no other; recap as ansible-playbook' '
	EXPECT_CODE=2 both free "$TRASH/free.yml" &&
	d=$TRASH/free-drover &&
	for h in host1 host2 host4; do
		test_path_is_file $d/$h.ahead &&
		test_path_is_file $d/$h.checked &&
		printf "a\nb\n" >expect && test_cmp expect $d/$h.items || return 1
	done &&
	test_path_is_missing $d/host3.ahead &&
	test_path_is_missing $d/host3.handled &&
	test_grep "^fatal: \[host3\]: FAILED! => {\"changed\": false, \"msg\": \"host3 stops here\"}" free.drover &&
	test_grep "^host3 *: ok=1 .* failed=1 " free.drover &&
	test_grep "^host1 *: ok=5 *changed=5 .* failed=0 " free.drover &&
	test_grep -v "as linear" free.drover
'

test_expect_success 'free: results show as they come, a banner before each change of task' '
	# host1 ends its first task only after host4 passed its second, whose
	# result came first under its own banner: the first task shows its
	# banner again for host1
	grep -n "^skipping: \[host4\]" free.drover | head -1 | cut -d: -f1 >host4.skip &&
	grep -n "\[host1\]" free.drover | head -1 | cut -d: -f1 >host1.first &&
	test "$(cat host4.skip)" -lt "$(cat host1.first)" &&
	test "$(grep -c "^TASK \[host1 waits for the others to get ahead\]" free.drover)" -ge 2 &&
	test_grep "^RUNNING HANDLER \[note\]" free.drover
'

cat >limits.yml <<\EOF
- hosts: all
  strategy: free
  gather_facts: false
  any_errors_fatal: true
  max_fail_percentage: 0
  tasks:
    - name: host2 fails
      fail: msg=boom
      when: inventory_hostname == 'host2'
    - name: once
      shell: echo {{ inventory_hostname }} >> {{ out_dir }}/once
      run_once: true
EOF

test_expect_success 'free: any_errors_fatal, max_fail_percentage and run_once as Ansible (warned, per host)' '
	EXPECT_CODE=2 both limits "$TRASH/limits.yml" &&
	test_grep "Using any_errors_fatal with the free strategy is not supported" limits.drover &&
	test_grep "Using max_fail_percentage with the free strategy is not supported" limits.drover &&
	test_grep "Using run_once with the free strategy is not currently supported" limits.drover &&
	sort "$TRASH/limits-drover/once" >actual &&
	printf "host1\nhost3\nhost4\n" >expect &&
	test_cmp expect actual
'

cat >serial.yml <<\EOF
- hosts: all
  strategy: free
  serial: 2
  gather_facts: false
  tasks:
    - name: the first batch fails whole
      fail: msg=boom
      when: inventory_hostname in ['host1', 'host2']
    - name: never reached
      shell: touch {{ out_dir }}/{{ inventory_hostname }}.ran
EOF

test_expect_success 'free with serial: a batch that failed whole ends the play' '
	EXPECT_CODE=2 both serial "$TRASH/serial.yml" &&
	test_grep -v "host3" serial.drover &&
	test_path_is_missing "$TRASH/serial-drover/host3.ran"
'

# Both hosts of an include wait for each other inside it: only hosts
# that run the included tasks together get through.
cat >inc.yml <<\EOF
- name: meet the other host
  shell: |
    [ {{ item }} = z ] && exit 0
    touch {{ out_dir }}/{{ inventory_hostname }}.{{ item }}
    for i in $(seq 300); do
      [ -f {{ out_dir }}/host1.{{ item }} ] && [ -f {{ out_dir }}/host2.{{ item }} ] && exit 0
      sleep 0.1
    done
    exit 1
- debug: msg="{{ item }} on {{ inventory_hostname }}"
EOF
cat >loopinc.yml <<\EOF
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      loop: "{{ ['x', 'y'] if inventory_hostname in ['host1', 'host2'] else ['z'] }}"
      when: inventory_hostname != 'host4'
    - debug: msg=done
EOF

test_expect_success 'looped include_tasks: one include per file and item, its tasks across hosts' '
	both loopinc "$TRASH/loopinc.yml" &&
	grep "^included:" loopinc.drover >actual &&
	cat >expect <<-EOF &&
	included: $TRASH/inc.yml for host1, host2 => (item=x)
	included: $TRASH/inc.yml for host1, host2 => (item=y)
	included: $TRASH/inc.yml for host3 => (item=z)
	EOF
	test_cmp expect actual &&
	test_path_is_file "$TRASH/loopinc-drover/host1.y" &&
	test_path_is_file "$TRASH/loopinc-drover/host2.y" &&
	test_grep "\"msg\": \"y on host2\"" loopinc.drover &&
	if test -n "$have_ansible"; then
		grep "^included:" loopinc.ansible >ref &&
		test_cmp ref actual
	fi
'

# free: the same playbook as free, with -f 2 (fewer forks than hosts)
as_free() {
	sed "s/^  hosts: all\$/  hosts: all\n  strategy: free/" "$TEST_DIR/fixtures/play/$1" >"$1" &&
	test "$(grep -c "^  strategy: free" "$1")" -ge 1
}

test_expect_success 'free: blocks, rescue, always, handlers and failure limits as ansible-playbook' '
	as_free blocks.yml &&
	both fblocks "$TRASH/blocks.yml" -f 2 &&
	test_path_is_file "$TRASH/fblocks-drover/host1.rescue" &&
	test_path_is_file "$TRASH/fblocks-drover/host2.block" &&
	as_free failures.yml &&
	EXPECT_CODE=2 both ffailures "$TRASH/failures.yml" -f 2
'

test_done
