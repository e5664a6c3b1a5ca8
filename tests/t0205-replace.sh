#!/bin/sh
test_description='replace: every match of a pattern; after/before; check, diff, errors; against ansible'
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

test_expect_success 'every match is replaced on every host; second run unchanged' '
	printf "a1\nb22\nc\n" >f &&
	adhoc all -o -m replace -a "path=$TRASH/f regexp=\d+ replace=N" >out &&
	test_grep "2 replacements made" out &&
	printf "aN\nbN\nc\n" >expect && test_cmp expect f &&
	adhoc all -o -m replace -a "path=$TRASH/f regexp=\d+ replace=N" >out &&
	printf "false\nfalse\n" >expect && changed_of out >actual && test_cmp expect actual
'

test_expect_success 'groups, & is literal, after/before limit the section' '
	printf "x=1\nSTART\nx=2\nEND\nx=3\n" >g &&
	adhoc host1 -o -m replace -a "path=$TRASH/g regexp=^x=(\d) replace=\"y=\1&\" after=START before=END" >out &&
	printf "x=1\nSTART\ny=2&\nEND\nx=3\n" >expect && test_cmp expect g
'

test_expect_success 'check mode changes nothing; diff shows the change' '
	printf "old\n" >h &&
	adhoc host1 -C -D -m replace -a "path=$TRASH/h regexp=old replace=new" >out &&
	printf "old\n" >expect && test_cmp expect h &&
	cat >expect <<-EOF &&
	--- before: $TRASH/h
	+++ after: $TRASH/h
	@@ -1 +1 @@
	-old
	+new

	host1 | CHANGED => {
	    "changed": true,
	    "msg": "1 replacements made"
	}
	EOF
	test_cmp expect out
'

test_expect_success 'backup, errors' '
	adhoc host1 -o -m replace -a "path=$TRASH/h regexp=old replace=new backup=yes" >out &&
	test_grep "\"backup_file\": \"$TRASH/h\." out && printf "new\n" >expect && test_cmp expect h &&
	test_expect_code 2 adhoc host1 -o -m replace -a "path=$TRASH/nothing regexp=x" >out &&
	test_grep "Path $TRASH/nothing does not exist !" out &&
	test_expect_code 2 adhoc host1 -o -m replace -a "path=$TRASH/h" >out &&
	test_grep "missing required arguments: regexp" out &&
	adhoc host1 -o -m replace -a "path=$TRASH/h regexp=x after=NOPE" >out &&
	test_grep "Pattern for before/after params did not match the given file: NOPE(?P<subsection>.\*)" out
'

. "$TEST_DIR/helpers/vs-ansible.sh"

if test -n "$have_ansible"; then
	test_expect_success 'same files and changed flags as ansible' '
		vs_ansible replace <<-\EOF
		printf "a1\nb22\nc\n" >f|path=@/f regexp=\d+ replace=N
		printf "a1\nb22\nc" >f|path=@/f regexp=^(\w)(\d) replace=\2\1
		printf "x=1\ny=2\nx=3\n" >f|path=@/f regexp=^x=(.*)$ replace="x=[\g<1>]&"
		printf "a\nSTART\na\nEND\na\n" >f|path=@/f regexp=a replace=b after=START before=END
		printf "a\nSTART\na\nEND\na\n" >f|path=@/f regexp=a replace=b after=START
		printf "a\nSTART\na\nEND\na\n" >f|path=@/f regexp=a replace=b before=END
		printf "a\nb\n" >f|path=@/f regexp=zz replace=b
		printf "a\nb\n" >f|path=@/f regexp=a
		printf "a\nb\n" >f|path=@/f regexp=a replace=a mode=0600
		EOF
	'
else
	test_skip 'same files and changed flags as ansible' 'no ansible'
fi

test_done
