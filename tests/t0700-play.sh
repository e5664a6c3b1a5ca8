#!/bin/sh
test_description='drover play: plays, tasks, blocks, handlers, roles, against ansible-playbook'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"
PB=$TEST_DIR/fixtures/play

# play ARGS...: drover play against the fleet.
play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

have_ansible=
command -v ansible-playbook >/dev/null 2>&1 && have_ansible=1

# files DIR: every file under DIR with its content, for comparing runs.
files() {
	(cd "$1" && for f in $(find . -type f | sort); do echo "== $f"; cat "$f"; done)
}

# both NAME PLAYBOOK [ARGS]: runs drover and Ansible on fresh folders; compares recaps and files.
both() {
	name=$1 pb=$2
	shift 2
	mkdir -p "$TRASH/$name-drover" "$TRASH/$name-ansible"
	test_expect_code "${EXPECT_CODE:-0}" play "$PB/$pb" -e out_dir="$TRASH/$name-drover" "$@" >"$name.drover" 2>&1 || {
		cat "$name.drover"; return 1; }
	test -z "$have_ansible" && return 0
	ref_play "$PB/$pb" -e out_dir="$TRASH/$name-ansible" "$@" >"$name.ansible" 2>&1 || true
	recap "$name.drover" >"$name.recap.drover"
	recap "$name.ansible" >"$name.recap.ansible"
	test_cmp "$name.recap.ansible" "$name.recap.drover" &&
	files "$TRASH/$name-ansible" >"$name.files.ansible" &&
	files "$TRASH/$name-drover" >"$name.files.drover" &&
	test_cmp "$name.files.ansible" "$name.files.drover"
}

test_expect_success 'basics: same recap and files as ansible-playbook, exit 2' '
	EXPECT_CODE=2 both basics basics.yml &&
	test_grep "^TASK \[say hello\] \*\*\*" basics.drover &&
	test_grep "\"msg\": \"hello from host1\"" basics.drover &&
	test_grep "^fatal: \[host3\]: FAILED! => {\"changed\": false, \"msg\": \"host3 stops here\"}" basics.drover &&
	test_grep "^\.\.\.ignoring" basics.drover &&
	test_grep "host3 *: ok=.* failed=1 " basics.drover &&
	test_path_is_file "$TRASH/basics-drover/host1.only" &&
	test_path_is_missing "$TRASH/basics-drover/host2.only" &&
	test_path_is_missing "$TRASH/basics-drover/host3.after" &&
	echo "hello-hello True" >expect &&
	test_cmp expect "$TRASH/basics-drover/host1.fact"
'

test_expect_success 'blocks, rescue, always and handlers as ansible-playbook' '
	both blocks blocks.yml &&
	test_path_is_file "$TRASH/blocks-drover/host1.rescue" &&
	test_path_is_missing "$TRASH/blocks-drover/host1.block" &&
	test_path_is_file "$TRASH/blocks-drover/host2.block" &&
	test_path_is_missing "$TRASH/blocks-drover/host2.rescue" &&
	test_path_is_file "$TRASH/blocks-drover/host3.h2" &&
	test_path_is_file "$TRASH/blocks-drover/host3.ordered" &&
	test_grep "^RUNNING HANDLER \[first handler\]" blocks.drover &&
	test_grep "host1 *: .*rescued=1 " blocks.drover
'

test_expect_success 'roles, templates, imports and includes as ansible-playbook' '
	both roles roles.yml &&
	cat >expect <<-\EOF &&
	# Ansible managed
	server default.example:8080
	location /a
	location /b
	base=from-base
	EOF
	test_cmp expect "$TRASH/roles-drover/host2.web.conf" &&
	test_path_is_file "$TRASH/roles-drover/host1.reloaded" &&
	echo included >expect &&
	test_cmp expect "$TRASH/roles-drover/host3.included" &&
	test_grep "^TASK \[web : render the config\]" roles.drover
'

test_expect_success 'tags: only the tagged task runs' '
	both tags roles.yml --tags special &&
	test_path_is_file "$TRASH/tags-drover/host1.tagged" &&
	test_path_is_missing "$TRASH/tags-drover/host1.base"
'

test_expect_success 'a second run of the roles play changes nothing in the templates' '
	play "$PB/roles.yml" -e out_dir="$TRASH/roles-drover" >again 2>&1 &&
	test_grep "^ok: \[host1\]" again
'

test_expect_success 'malformed YAML: exit 4, file:line:col, nothing runs' '
	test_expect_code 4 play "$PB/bad-yaml.yml" >out 2>err &&
	test_grep "bad-yaml.yml:5:" err &&
	test_must_fail test -s out
'

test_expect_success 'unknown keyword: exit 4 with a suggestion' '
	test_expect_code 4 play "$PB/bad-keyword.yml" 2>err &&
	test_grep "bad-keyword.yml:4:7: .becom. is not a valid attribute for a Task (did you mean .become.?)" err
'

test_expect_success 'unknown module: exit 4 with a suggestion' '
	test_expect_code 4 play "$PB/bad-module.yml" 2>err &&
	test_grep "bad-module.yml:4:7: couldn.t resolve module/action .comand. (did you mean .command.?)" err
'

test_expect_success 'undefined variable: the hosts fail naming it, exit 2' '
	test_expect_code 2 play "$PB/undefined.yml" >out 2>&1 &&
	test_grep "fatal: \[host1\]: FAILED!.*nosuchvar.* is undefined" out &&
	test_grep -v "never reached" out
'

test_expect_success 'syntax check and list-tasks' '
	play --syntax-check "$PB/roles.yml" >out &&
	test_grep "^playbook: " out &&
	play --list-tasks "$PB/roles.yml" >out &&
	test_grep "web : render the config" out &&
	test_grep "tagged	TAGS: \[special\]" out
'

test_expect_success 'unnamed tasks show the action as written; item results name index_var' '
	cat >written.yml <<-\EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - ansible.builtin.command: "true"
	      changed_when: false
	    - ansible.builtin.debug: var=item
	      loop: [a, b]
	      loop_control: {index_var: i}
	EOF
	play written.yml >out &&
	test_grep "^TASK \[ansible.builtin.command\]" out &&
	test_grep "^TASK \[ansible.builtin.debug\]" out &&
	test_grep "\"ansible_index_var\": \"i\"" out &&
	test_grep "\"i\": 1" out &&
	play --list-tasks written.yml >list &&
	test_grep "ansible.builtin.command	TAGS" list &&
	if test -n "$have_ansible"; then
		ref_play written.yml >ref &&
		grep -v "^PLAY RECAP\|: ok=" ref >ref.body &&
		grep -v "^PLAY RECAP\|: ok=" out >out.body &&
		test_cmp ref.body out.body
	fi
'

test_expect_success 'the diff keyword shows one task diff without -D; check_mode keeps the host' '
	cat >diffkw.yml <<-EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - copy: content="shown" dest=$TRASH/diffkw-1.txt
	      check_mode: true
	      diff: true
	    - copy: content="not shown" dest=$TRASH/diffkw-2.txt
	      check_mode: true
	EOF
	play diffkw.yml >out &&
	test_grep "^+shown" out &&
	test_grep -v "not shown" out &&
	test_path_is_missing diffkw-1.txt
'

test_done
