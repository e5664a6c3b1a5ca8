#!/bin/sh
test_description='file: states, modes, links, check mode, diff, errors; against ansible'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible -i "$FLEET_INV" "$@"
}

have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1

changed_of() {
	sed -n 's/.*"changed": \([a-z]*\).*/\1/p' "$1" | sort
}

test_expect_success 'directory with parents and a mode; second run unchanged' '
	adhoc all -o -m file -a "path=$TRASH/d/e state=directory mode=0750" >out &&
	test -d d/e && test "$(stat -c %a d/e)" = 750 && test "$(stat -c %a d)" = 750 &&
	adhoc all -o -m file -a "path=$TRASH/d/e state=directory mode=0750" >out &&
	printf "false\nfalse\n" >expect && changed_of out >actual && test_cmp expect actual
'

test_expect_success 'touch creates; mode 644 and 0644 are octal, symbolic works' '
	adhoc host1 -o -m file -a "path=$TRASH/f state=touch mode=644" >out &&
	test_grep "\"mode\": \"0644\"" out && test "$(stat -c %a f)" = 644 &&
	adhoc host1 -o -m file -a "path=$TRASH/f mode=01755" >out &&
	test "$(stat -c %a f)" = 1755 &&
	adhoc host1 -o -m file -a "path=$TRASH/f mode=u=rw,g=r,o=r" >out &&
	test "$(stat -c %a f)" = 644
'

test_expect_success 'state=file with name= alias and owner/group' '
	adhoc host1 -o -m file -a "name=$TRASH/f owner=root group=root mode=0600" >out &&
	test_grep "CHANGED" out && test "$(stat -c %a:%U:%G f)" = 600:root:root &&
	adhoc host1 -o -m file -a "dest=$TRASH/f owner=root group=root mode=0600" >out &&
	test_grep "SUCCESS" out
'

test_expect_success 'check mode: nothing created, change predicted' '
	adhoc host1 -o -C -m file -a "path=$TRASH/nodir state=directory" >out &&
	test_grep "\"changed\": true" out && test_path_is_missing nodir &&
	adhoc host1 -o -C -m file -a "path=$TRASH/f mode=0644" >out &&
	test_grep "\"changed\": true" out && test "$(stat -c %a f)" = 600
'

test_expect_success 'diff shows the attributes that change, as ansible' '
	adhoc host1 -D -m file -a "path=$TRASH/f mode=0644" >out &&
	cat >expect <<-EOF &&
	--- before
	+++ after
	@@ -1,4 +1,4 @@
	 {
	-    "mode": "0600",
	+    "mode": "0644",
	     "path": "$TRASH/f"
	 }

	EOF
	head -n 9 out >actual && test_cmp expect actual
'

test_expect_success 'symbolic and hard links; force replaces a file' '
	adhoc host1 -o -m file -a "src=$TRASH/f path=$TRASH/l state=link" >out &&
	test "$(readlink l)" = "$TRASH/f" &&
	adhoc host1 -o -m file -a "src=$TRASH/f path=$TRASH/l state=link" >out &&
	test_grep "\"changed\": false" out &&
	adhoc host1 -o -m file -a "src=$TRASH/f path=$TRASH/h state=hard" >out &&
	test h -ef f &&
	echo x >g &&
	test_expect_code 2 adhoc host1 -o -m file -a "src=$TRASH/f path=$TRASH/g state=link" >out &&
	test_grep "refusing to convert from file to symlink for $TRASH/g" out &&
	adhoc host1 -o -m file -a "src=$TRASH/f path=$TRASH/g state=link force=yes" >out &&
	test -L g
'

test_expect_success 'absent removes a tree; second run unchanged' '
	mkdir -p gone/x && touch gone/x/y &&
	adhoc host1 -o -m file -a "path=$TRASH/gone state=absent" >out &&
	test_grep "CHANGED" out && test_path_is_missing gone &&
	adhoc host1 -o -m file -a "path=$TRASH/gone state=absent" >out &&
	test_grep "SUCCESS" out
'

test_expect_success 'recurse sets the mode on the whole tree' '
	mkdir -p r/s && touch r/s/t &&
	adhoc host1 -o -m file -a "path=$TRASH/r state=directory recurse=yes mode=u=rwX,g=rX,o=" >out &&
	test "$(stat -c %a r/s)" = 750 && test "$(stat -c %a r/s/t)" = 640
'

test_expect_success 'bad arguments fail with Ansible wording' '
	test_expect_code 2 adhoc host1 -o -m file -a "path=$TRASH/f state=bogus" >out &&
	test_grep "value of state must be one of: absent, directory, file, hard, link, touch, got: bogus" out &&
	test_expect_code 2 adhoc host1 -o -m file -a "mode=0644" >out &&
	test_grep "missing required arguments: path" out &&
	test_expect_code 2 adhoc host1 -o -m file -a "path=$TRASH/nosuch" >out &&
	test_grep "file ($TRASH/nosuch) is absent, cannot continue" out &&
	test_expect_code 2 adhoc host1 -o -m file -a "path=$TRASH/x src=$TRASH/f" >out &&
	test_grep "src option requires state to be .link. or .hard." out &&
	test_expect_code 2 adhoc host1 -o -m file -a "path=$TRASH/f mode=abc" >out &&
	test_grep "mode must be in octal or symbolic form" out &&
	test_expect_code 2 adhoc host1 -o -m file -a "path=$TRASH/f owner=nosuchuser" >out &&
	test_grep "chown failed: failed to look up user nosuchuser" out &&
	test_expect_code 2 adhoc host1 -o -m file -a "pth=$TRASH/f" >out &&
	test_grep "Unsupported parameters for (file) module: pth. Supported parameters include: .* (dest, name)" out
'

. "$TEST_DIR/helpers/vs-ansible.sh"

if test -n "$have_ansible"; then
	test_expect_success 'same outcome and changed flags as ansible' '
		vs_ansible file <<-\EOF
		:|path=@/x/y state=directory mode=0700
		touch f|path=@/f mode=u=rwx,go=rx
		touch f|path=@/f mode=0600 state=touch
		touch f|path=@/l src=f state=link
		touch f|path=@/h src=@/f state=hard
		mkdir -p t/u|path=@/t state=absent
		mkdir -p t/u; touch t/u/v|path=@/t recurse=yes mode=go-rwx
		touch f; echo x >g|path=@/g src=f state=link force=yes
		touch f|path=@/g src=nosuch state=link
		:|path=@/nothing
		EOF
	'
else
	test_skip 'same outcome and changed flags as ansible' 'no ansible'
fi

test_done
