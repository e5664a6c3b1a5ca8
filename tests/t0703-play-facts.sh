#!/bin/sh
test_description='drover play: gathered facts, --check changes nothing, --diff shows changes'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"
PB=$TEST_DIR/fixtures/play

play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

test_expect_success '--check --diff: predicts the changes, shows them, writes nothing' '
	mkdir c &&
	play "$PB/facts.yml" -e out_dir="$TRASH/c" --check --diff >check.out 2>&1 &&
	test_grep "^TASK \[Gathering Facts\]" check.out &&
	test_grep "^+++ after" check.out &&
	test_grep "changed: \[host1\]" check.out &&
	test_path_is_missing c/host1.facts &&
	if command -v ansible-playbook >/dev/null; then
		ref_play "$PB/facts.yml" -e out_dir="$TRASH/c" --check --diff >check.ref 2>&1 &&
		recap check.ref >expect && recap check.out >actual && test_cmp expect actual
	fi
'

test_expect_success 'facts reach templates as Ansible gives them' '
	mkdir d a &&
	play "$PB/facts.yml" -e out_dir="$TRASH/d" >run.out 2>&1 &&
	. /etc/os-release &&
	test_grep "^Debian $VERSION_ID Debian x86_64$" d/host1.facts &&
	test_grep "^host=True$" d/host2.line &&
	if command -v ansible-playbook >/dev/null; then
		ref_play "$PB/facts.yml" -e out_dir="$TRASH/a" >run.ref 2>&1 &&
		recap run.ref >expect && recap run.out >actual && test_cmp expect actual &&
		test_cmp a/host1.facts d/host1.facts
	fi
'

test_expect_success 'a second run changes nothing' '
	play "$PB/facts.yml" -e out_dir="$TRASH/d" >again.out 2>&1 &&
	test_grep "host1 *: ok=5 *changed=0 " again.out
'

# Two plays, neither says gather_facts: how often facts are gathered
# depends on ansible.cfg's gathering (implicit, explicit, smart).
cat >gathering.yml <<\EOF
- hosts: all
  tasks:
    - debug: msg="{{ ansible_hostname | default('none') }}"
- hosts: host1
  tasks:
    - debug: msg=second
EOF

test_expect_success 'gathering = explicit / smart / implicit from ansible.cfg and ANSIBLE_GATHERING' '
	for mode in explicit smart implicit; do
		printf "[defaults]\ngathering = %s\n" $mode >cfg-$mode &&
		ANSIBLE_CONFIG=$TRASH/cfg-$mode play gathering.yml >g-$mode.out 2>&1 &&
		{ grep -c "^TASK \[Gathering Facts\]" g-$mode.out >g-$mode.n || :; }
	done &&
	test "$(cat g-explicit.n)" = 0 &&
	test_grep "\"msg\": \"none\"" g-explicit.out &&
	test "$(cat g-smart.n)" = 1 &&
	test "$(cat g-implicit.n)" = 2 &&
	ANSIBLE_GATHERING=explicit play gathering.yml >g-env.out 2>&1 &&
	test_grep -v "Gathering Facts" g-env.out &&
	if command -v ansible-playbook >/dev/null; then
		for mode in explicit smart; do
			ANSIBLE_GATHERING=$mode ref_play gathering.yml >r-$mode.out 2>&1 &&
			recap r-$mode.out >expect && recap g-$mode.out >actual &&
			test_cmp expect actual || return 1
		done
	fi
'

test_done
