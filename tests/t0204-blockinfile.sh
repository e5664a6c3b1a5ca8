#!/bin/sh
test_description='blockinfile: insert, update, remove a marked block; check, diff, errors; against ansible'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

have_ansible=
command -v ansible-playbook >/dev/null 2>&1 && have_ansible=1

changed_of() {
	sed -n 's/.*"changed": \([a-z]*\).*/\1/p' "$1" | sort
}

test_expect_success 'a block is inserted once on every host, then updated in place' '
	printf "a\nb\n" >f &&
	adhoc all -o -m blockinfile -a "path=$TRASH/f block=x" >out &&
	test_grep "Block inserted" out &&
	printf "a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n" >expect &&
	test_cmp expect f &&
	adhoc all -o -m blockinfile -a "path=$TRASH/f block=x" >out &&
	printf "false\nfalse\n" >expect && changed_of out >actual && test_cmp expect actual &&
	adhoc host1 -o -m blockinfile -a "path=$TRASH/f block=y" >out &&
	printf "a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n# END ANSIBLE MANAGED BLOCK\n" >expect &&
	test_cmp expect f
'

test_expect_success 'custom markers, insertbefore, state=absent' '
	printf "a\nb\n" >g &&
	adhoc host1 -o -m blockinfile -a "path=$TRASH/g block=x marker=\";{mark}\" marker_begin=S marker_end=E insertbefore=^b" >out &&
	printf "a\n;S\nx\n;E\nb\n" >expect && test_cmp expect g &&
	adhoc host1 -o -m blockinfile -a "path=$TRASH/g marker=\";{mark}\" marker_begin=S marker_end=E state=absent" >out &&
	test_grep "Block removed" out &&
	printf "a\nb\n" >expect && test_cmp expect g
'

test_expect_success 'check mode changes nothing; diff shows the block' '
	printf "a\n" >h &&
	adhoc host1 -C -D -m blockinfile -a "path=$TRASH/h block=x" >out &&
	printf "a\n" >expect && test_cmp expect h &&
	cat >expect <<-EOF &&
	--- before: $TRASH/h (content)
	+++ after: $TRASH/h (content)
	@@ -1 +1,4 @@
	 a
	+# BEGIN ANSIBLE MANAGED BLOCK
	+x
	+# END ANSIBLE MANAGED BLOCK

	host1 | CHANGED => {
	    "changed": true,
	    "msg": "Block inserted"
	}
	EOF
	test_cmp expect out
'

test_expect_success 'create, backup, errors' '
	adhoc host1 -o -m blockinfile -a "path=$TRASH/sub/new block=x create=yes" >out &&
	test_grep "File created" out && test_path_is_file sub/new &&
	adhoc host1 -o -m blockinfile -a "path=$TRASH/sub/new block=y backup=yes" >out &&
	test_grep "\"backup_file\": \"$TRASH/sub/new\." out &&
	test_expect_code 2 adhoc host1 -o -m blockinfile -a "path=$TRASH/nothing block=x" >out &&
	test_grep "Path $TRASH/nothing does not exist !" out &&
	test_expect_code 2 adhoc host1 -o -m blockinfile -a "path=$TRASH/f block=x insertafter=a insertbefore=b" >out &&
	test_grep "parameters are mutually exclusive: insertbefore|insertafter" out &&
	test_expect_code 2 adhoc host1 -o -m blockinfile -a "block=x" >out &&
	test_grep "missing required arguments: path" out
'

. "$TEST_DIR/helpers/vs-ansible.sh"

if test -n "$have_ansible"; then
	test_expect_success 'same files and changed flags as ansible' '
		vs_ansible blockinfile <<-\EOF
		printf "a\nb\nc\n" >f|path=@/f block=x
		printf "a\nb\nc" >f|path=@/f block=x
		printf "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nc\n" >f|path=@/f block=new
		printf "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nc\n" >f|path=@/f state=absent
		printf "a\nb\nc\n" >f|path=@/f block=x insertafter=^a
		printf "a\nb\nc\n" >f|path=@/f block=x insertbefore=^c
		printf "a\nb\nc\n" >f|path=@/f block=x insertbefore=BOF
		printf "a\nb\nc\n" >f|path=@/f block=x marker=";{mark}" marker_begin=S marker_end=E
		:|path=@/f block=x create=yes
		printf "a\nb\n" >f|path=@/f block="" mode=0600
		EOF
	'
else
	test_skip 'same files and changed flags as ansible' 'no ansible'
fi

test_done
