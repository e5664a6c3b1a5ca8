#!/bin/sh
test_description='drover play: looped include_role runs each role and item once for all its hosts, as ansible-playbook'
. "$(dirname "$0")/lib.sh"

fleet_up 4
. "$FLEET/fleet.env"

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" -f 4 "$@"
}

have_ansible=
command -v ansible-playbook >/dev/null 2>&1 && have_ansible=1

# shape FILE: what a linear run printed, in a form two runs can be
# compared by: each result on one line, the results under each banner or
# "included:" line sorted and the hosts of an "included:" line sorted
# (Ansible shows them as its workers report, in any order).
shape() {
	awk '
	function sorted_hosts(line,    head, rest, tail, n, h, i, j, t, out) {
		head = substr(line, 1, index(line, " for ") + 4)
		rest = substr(line, length(head) + 1)
		tail = ""
		if ((i = index(rest, " => ")) > 0) {
			tail = substr(rest, i)
			rest = substr(rest, 1, i - 1)
		}
		n = split(rest, h, ", ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && h[j - 1] > h[j]; j--) {
				t = h[j]; h[j] = h[j - 1]; h[j - 1] = t
			}
		out = h[1]
		for (i = 2; i <= n; i++)
			out = out ", " h[i]
		return head out tail
	}
	open { cur = cur " " $0; if ($0 == "}") { print sec "\t1\t" cur; open = 0 }; next }
	/^(PLAY|TASK|RUNNING HANDLER) \[/ || /^PLAY RECAP/ { sec++; print sec "\t0\t" $0; next }
	/^included: / { sec++; print sec "\t0\t" sorted_hosts($0); next }
	/^(ok|changed|skipping|fatal|failed): \[.*{$/ { open = 1; cur = $0; next }
	/^(ok|changed|skipping|fatal|failed): \[/ { print sec "\t1\t" $0; next }
	/ : ok=/ { gsub(/ +/, " "); print sec "\t1\t" $0 }
	' "$1" | sort -t "	" -k1,1n -k2,2n -k3 | cut -f3
}

# both NAME PLAYBOOK [ARGS]: drover, then Ansible on a fresh out_dir; same
# recaps, and with SAME_SHAPE=1 the same output in the sense of shape().
both() {
	name=$1 pb=$2
	shift 2
	mkdir -p "$TRASH/$name-drover" "$TRASH/$name-ansible"
	play "$pb" -e out_dir="$TRASH/$name-drover" "$@" >"$name.drover" 2>&1 ||
		{ cat "$name.drover"; return 1; }
	test -z "$have_ansible" && return 0
	ref_play "$pb" -e out_dir="$TRASH/$name-ansible" "$@" >"$name.ansible" 2>&1 || true
	recap "$name.drover" >"$name.recap.drover"
	recap "$name.ansible" >"$name.recap.ansible"
	test_cmp "$name.recap.ansible" "$name.recap.drover" || return 1
	test -z "${SAME_SHAPE:-}" && return 0
	shape "$name.drover" >"$name.shape.drover"
	shape "$name.ansible" >"$name.shape.ansible"
	test_cmp "$name.shape.ansible" "$name.shape.drover"
}

# Role r: its hosts meet at each item (each waits until every host of
# `meet` has reached the item), so it gets through only if the role runs
# for one item on all its hosts together, and only then for the next.
mkdir -p roles/r/tasks roles/r/defaults roles/r/handlers roles/s/tasks roles/s/vars \
	roles/outer/tasks
cat >roles/r/tasks/main.yml <<\EOF
- name: meet the other hosts
  shell: |
    touch {{ out_dir }}/{{ inventory_hostname }}.{{ item }}
    for i in $(seq 300); do
      ok=1
      for h in {{ meet | join(' ') }}; do
        [ -f {{ out_dir }}/$h.{{ item }} ] || ok=
      done
      [ -n "$ok" ] && exit 0
      sleep 0.1
    done
    exit 1
- name: note the item
  shell: echo "{{ item }} {{ rv }} {{ x | default('-') }}" >> {{ out_dir }}/{{ inventory_hostname }}.log
  notify: r handler
EOF
cat >roles/r/defaults/main.yml <<\EOF
rv: rdefault
meet: [host1, host2, host3]
EOF
cat >roles/r/handlers/main.yml <<\EOF
- name: r handler
  shell: echo handled >> {{ out_dir }}/{{ inventory_hostname }}.handled
EOF
cat >roles/s/tasks/main.yml <<\EOF
- name: s main
  shell: echo "main {{ item }} {{ i | default('-') }} {{ sv }}" >> {{ out_dir }}/{{ inventory_hostname }}.s
EOF
cat >roles/s/tasks/other.yml <<\EOF
- name: s other
  shell: echo "other {{ item }} {{ i | default('-') }}" >> {{ out_dir }}/{{ inventory_hostname }}.s
EOF
echo "sv: svar" >roles/s/vars/main.yml
cat >roles/outer/tasks/main.yml <<\EOF
- include_role: name=s
- name: named inner
  include_role: name=s tasks_from=other
- include_tasks: inner.yml
- ansible.builtin.include_role: name=s
EOF
echo "- debug: msg=inner" >roles/outer/tasks/inner.yml

cat >loop.yml <<\EOF
- hosts: all
  gather_facts: false
  tasks:
    - include_role: name=r
      loop: [a, b]
      vars:
        x: "{{ inventory_hostname }}-x"
      when: inventory_hostname != 'host4'
    - debug: msg=done
EOF

test_expect_success 'looped include_role: each item on all its hosts, then the next, as ansible-playbook' '
	SAME_SHAPE=1 both loop "$TRASH/loop.yml" &&
	d=$TRASH/loop-drover &&
	for h in host1 host2 host3; do
		printf "a rdefault $h-x\nb rdefault $h-x\n" >expect &&
		test_cmp expect $d/$h.log &&
		echo handled >expect &&
		test_cmp expect $d/$h.handled || return 1
	done &&
	test_path_is_missing $d/host4.log &&
	test_grep "^TASK \[include_role : r\]" loop.drover &&
	test_grep "^skipping: \[host4\] => (item=a)" loop.drover &&
	test_grep "^host4 *: ok=1 .* skipped=1 " loop.drover &&
	test "$(grep -c "^TASK \[r : meet the other hosts\]" loop.drover)" = 2
'

cat >items.yml <<\EOF
- hosts: all
  gather_facts: false
  tasks:
    - name: a role per item
      include_role:
        name: "{{ item }}"
      loop: "{{ ['r', 's'] if inventory_hostname in ['host1', 'host2'] else ['s'] }}"
      vars:
        meet: [host1, host2]
    - name: per item
      include_role:
        name: s
        tasks_from: "{{ 'other' if item == 'b' else 'main' }}"
      loop: [a, b, c]
      loop_control:
        index_var: i
        label: "L{{ item }}"
      when: item != 'c' and (item != 'a' or inventory_hostname != 'host3')
    - include_role: name=outer
      vars:
        item: o
      when: inventory_hostname == 'host1'
    - name: "templated {{ inventory_hostname }}"
      include_role: name=s tasks_from=other
      vars:
        item: t
      when: inventory_hostname == 'host1'
EOF

test_expect_success 'include_role: grouped by role, arguments and item; banners as ansible-playbook' '
	SAME_SHAPE=1 both items "$TRASH/items.yml" &&
	d=$TRASH/items-drover &&
	for h in host1 host2; do
		printf "r rdefault -\n" >expect &&
		test_cmp expect $d/$h.log || return 1
	done &&
	test_path_is_missing $d/host3.log &&
	cat >expect <<-\EOF &&
	main s - svar
	main a 0 svar
	other b 1
	main o - svar
	other o -
	main o - svar
	other t -
	EOF
	test_cmp expect $d/host1.s &&
	cat >expect <<-\EOF &&
	main s - svar
	other b 1
	EOF
	test_cmp expect $d/host3.s &&
	test_grep "^skipping: \[host3\] => (item=La)" items.drover &&
	test_grep "^TASK \[outer : include_tasks\]" items.drover &&
	test_grep "^TASK \[ansible.builtin.include_role : s\]" items.drover &&
	test_grep "^TASK \[named inner\]" items.drover &&
	test_grep "^TASK \[templated host1\]" items.drover
'

cat >inc.yml <<\EOF
- name: note the include
  shell: echo "{{ item }}" >> {{ out_dir }}/{{ inventory_hostname }}.inc
EOF
cat >free.yml <<\EOF
- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - include_role: name=s
      loop: [a, b]
    - include_tasks: inc.yml
      loop: [x, y]
      when: inventory_hostname != 'host3'
EOF

# Under free, Ansible groups in one "included:" line the hosts whose
# include results its strategy loop happened to collect in one pass: that
# varies from run to run. What does not vary: each host is named once per
# file and item, after its include banner, before the included tasks' results.
test_expect_success 'free: looped includes per host, each host named once per file and item' '
	both free "$TRASH/free.yml" &&
	d=$TRASH/free-drover &&
	for h in host1 host2 host3 host4; do
		printf "main a - svar\nmain b - svar\n" >expect &&
		test_cmp expect $d/$h.s || return 1
	done &&
	for h in host1 host2 host4; do
		printf "x\ny\n" >expect &&
		test_cmp expect $d/$h.inc &&
		for i in x y; do
			test "$(grep "^included: .*inc.yml for .*\\b$h\\b.*(item=$i)" free.drover | wc -l)" = 1 ||
				return 1
		done || return 1
	done &&
	test_path_is_missing $d/host3.inc &&
	test_grep "^TASK \[include_role : s\]" free.drover
'

test_done
