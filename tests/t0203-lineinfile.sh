#!/bin/sh
test_description='lineinfile: add, replace, remove lines; check mode, diff, errors; against ansible'
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

test_expect_success 'a line is added once on every host' '
	printf "a\nb\n" >f &&
	adhoc all -o -m lineinfile -a "path=$TRASH/f line=c" >out &&
	test_grep "\"msg\": \"line added\"" out &&
	printf "a\nb\nc\n" >expect && test_cmp expect f &&
	adhoc all -o -m lineinfile -a "path=$TRASH/f line=c" >out &&
	printf "false\nfalse\n" >expect && changed_of out >actual && test_cmp expect actual
'

test_expect_success 'regexp replaces the last match; \d is translated' '
	printf "port=1\nx\nport=2\n" >f &&
	adhoc host1 -o -m lineinfile -a "path=$TRASH/f regexp=^port=\d line=port=80" >out &&
	test_grep "line replaced" out &&
	printf "port=1\nx\nport=80\n" >expect && test_cmp expect f
'

test_expect_success 'backrefs, state=absent, backup' '
	printf "user=bob\n" >f &&
	adhoc host1 -o -m lineinfile -a "path=$TRASH/f regexp=^user=(\w+) line=name=\1 backrefs=yes" >out &&
	printf "name=bob\n" >expect && test_cmp expect f &&
	adhoc host1 -o -m lineinfile -a "path=$TRASH/f regexp=^name state=absent backup=yes" >out &&
	test_grep "1 line(s) removed" out && test_grep "\"backup\": \"$TRASH/f\." out &&
	test_must_fail test -s f && cat f.*~ >old && test_cmp expect old
'

test_expect_success 'check mode changes nothing; diff shows the change' '
	printf "a\n" >f &&
	adhoc host1 -C -D -m lineinfile -a "path=$TRASH/f line=b mode=0600" >out &&
	printf "a\n" >expect && test_cmp expect f && test "$(stat -c %a f)" = 644 &&
	cat >expect <<-EOF &&
	--- before: $TRASH/f (content)
	+++ after: $TRASH/f (content)
	@@ -1 +1,2 @@
	 a
	+b

	--- before: $TRASH/f (file attributes)
	+++ after: $TRASH/f (file attributes)
	@@ -1,3 +1,3 @@
	 {
	-    "mode": "0644"
	+    "mode": "0600"
	 }

	host1 | CHANGED => {
	    "backup": "",
	    "changed": true,
	    "msg": "line added and ownership, perms or SE linux context changed"
	}
	EOF
	test_cmp expect out
'

test_expect_success 'create, and errors in Ansible words' '
	adhoc host1 -o -m lineinfile -a "path=$TRASH/new/f line=x create=yes" >out &&
	printf "x\n" >expect && test_cmp expect new/f &&
	test_expect_code 2 adhoc host1 -o -m lineinfile -a "path=$TRASH/nothing line=x" >out &&
	test_grep "Destination $TRASH/nothing does not exist !" out &&
	test_expect_code 2 adhoc host1 -o -m lineinfile -a "path=$TRASH/f line=x insertafter=a insertbefore=b" >out &&
	test_grep "parameters are mutually exclusive: insertbefore|insertafter" out &&
	test_expect_code 2 adhoc host1 -o -m lineinfile -a "path=$TRASH/f" >out &&
	test_grep "line is required with state=present" out &&
	test_expect_code 2 adhoc host1 -o -m lineinfile -a "path=$TRASH/f state=gone" >out &&
	test_grep "value of state must be one of: absent, present, got: gone" out &&
	test_expect_code 2 adhoc host1 -o -m lineinfile -a "path=$TRASH line=x" >out &&
	test_grep "is a directory !" out
'

. "$TEST_DIR/helpers/vs-ansible.sh"

if test -n "$have_ansible"; then
	test_expect_success 'same files and changed flags as ansible' '
		vs_ansible lineinfile <<-\EOF
		printf "a\nb\nc" >f|path=@/f line=x
		printf "a\nb1\nb2\nc\n" >f|path=@/f line=x regexp=^b
		printf "a\nb1\nb2\nc\n" >f|path=@/f line=x regexp=^b firstmatch=yes
		printf "a\nb\nc\n" >f|path=@/f line=x insertafter=^a
		printf "a\nb\nc\n" >f|path=@/f line=x insertbefore=^c
		printf "a\nb\nc\n" >f|path=@/f line=x insertbefore=BOF
		printf "a\nb\nc\n" >f|path=@/f line=x insertafter=^zz
		printf "a\nx1\nb\nx2\n" >f|path=@/f line=new insertafter=^x firstmatch=yes
		printf "a\nc\nb\n" >f|path=@/f line=b insertafter=^a
		printf "a\nb\nbb\nc\n" >f|path=@/f regexp=^b state=absent
		printf "a\nb\nbb\nc\n" >f|path=@/f search_string=b state=absent
		printf "a\nb\n" >f|path=@/f line=q search_string=b
		printf "port=80\n" >f|path=@/f regexp=^port=(\d+) line=listen=\1 backrefs=yes
		printf "x\n" >f|path=@/f regexp=^port=(\d+) line=listen=\1 backrefs=yes
		printf "a\r\nb\r\n" >f|path=@/f line=a
		printf "k = 1\nk2 = 2\n" >f|path=@/f regexp="^k\s*=" line="k = 3"
		printf "a\nb" >f|path=@/f line=z insertafter=^b
		:|path=@/f line=new create=yes mode=0640
		printf "a\n" >f|path=@/f line=b mode=u=rw,go=
		:|path=@/f line=b
		EOF
	'
else
	test_skip 'same files and changed flags as ansible' 'no ansible'
fi

test_done
