#!/bin/sh
test_description='copy: files, content, folders, modes, backup, check mode, diff; against ansible'
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

# changed_of FILE: the "changed" values of -o output, one per line, sorted
changed_of() {
	sed -n 's/.*"changed": \([a-z]*\).*/\1/p' "$1" | sort
}

# The fleet's hosts share this machine's files: one host creates dest (two
# at once would race for it), then every host finds it in place.
test_expect_success 'copy a file: created, checksum, mode' '
	printf "hello\n" >src1 &&
	adhoc host1 -o -m copy -a "src=src1 dest=$TRASH/out1 mode=0640" >out &&
	test_grep "^host1 | CHANGED" out &&
	test_grep "\"checksum\": \"f572d396fae9206628714fb2ce00f72e94f2258f\"" out &&
	test_cmp src1 out1 &&
	test "$(stat -c %a out1)" = 640
'

test_expect_success 'second run: changed false on every host' '
	adhoc all -o -m copy -a "src=src1 dest=$TRASH/out1 mode=0640" >out &&
	printf "false\nfalse\n" >expect &&
	changed_of out >actual &&
	test_cmp expect actual
'

test_expect_success 'check mode changes nothing and predicts a change' '
	printf "new\n" >src1 &&
	adhoc host1 -o -C -m copy -a "src=src1 dest=$TRASH/out1" >out &&
	test_grep "^host1 | CHANGED" out &&
	printf "hello\n" >expect &&
	test_cmp expect out1
'

test_expect_success 'diff shows the change as ansible prints it' '
	adhoc host1 -D -C -m copy -a "src=src1 dest=$TRASH/out1" >out &&
	cat >expect <<-EOF &&
	--- before: $TRASH/out1
	+++ after: $TRASH/src1
	@@ -1 +1 @@
	-hello
	+new

	host1 | CHANGED => {
	    "changed": true
	}
	EOF
	test_cmp expect out
'

test_expect_success 'backup keeps the old file as NAME.PID.DATE~' '
	adhoc host1 -o -m copy -a "src=src1 dest=$TRASH/out1 backup=yes" >out &&
	test_grep "\"backup_file\": \"$TRASH/out1\.[0-9]*\.[0-9-]*@[0-9:]*~\"" out &&
	cat out1.*~ >old && printf "hello\n" >expect && test_cmp expect old &&
	test_cmp src1 out1 &&
	test "$(stat -c %a out1)" = 640
'

test_expect_success 'content=, symbolic mode, owner and group by name' '
	adhoc host2 -o -m copy -a "content=abc dest=$TRASH/c1 mode=u=rw,g=r,o= owner=root group=root" >out &&
	test_grep "^host2 | CHANGED" out &&
	printf abc >expect && test_cmp expect c1 &&
	test "$(stat -c %a:%U:%G c1)" = 640:root:root
'

test_expect_success 'binary file arrives intact' '
	head -c 3000 /dev/urandom >bin &&
	printf "\000\377\n" >>bin &&
	adhoc host1 -o -m copy -a "src=bin dest=$TRASH/bin.out" >out &&
	cmp bin bin.out
'

test_expect_success 'folder without trailing slash: copied into dest; with: its contents' '
	mkdir -p tree/sub tree/empty && echo a >tree/a && echo b >tree/sub/b &&
	adhoc host1 -o -m copy -a "src=tree dest=$TRASH/t1" >out &&
	test_grep "\"changed\": true" out &&
	cmp tree/a t1/tree/a && cmp tree/sub/b t1/tree/sub/b && test -d t1/tree/empty &&
	adhoc host1 -o -m copy -a "src=tree/ dest=$TRASH/t2/" >out &&
	cmp tree/a t2/a && cmp tree/sub/b t2/sub/b &&
	adhoc host1 -o -m copy -a "src=tree dest=$TRASH/t1" >out &&
	test_grep "\"changed\": false" out
'

test_expect_success 'force=no leaves a differing file alone' '
	echo keep >kept &&
	adhoc host1 -o -m copy -a "content=other dest=$TRASH/kept force=no" >out &&
	test_grep "\"changed\": false" out &&
	echo keep >expect && test_cmp expect kept
'

test_expect_success 'validate: a failing command leaves dest untouched' '
	echo orig >val &&
	test_expect_code 2 adhoc host1 -o -m copy -a "content=bad dest=$TRASH/val validate=\"grep -q good %s\"" >out &&
	test_grep "failed to validate" out &&
	echo orig >expect && test_cmp expect val &&
	adhoc host1 -o -m copy -a "content=good dest=$TRASH/val validate=\"grep -q good %s\"" >out &&
	printf good >expect && test_cmp expect val
'

test_expect_success 'remote_src copies a file on the host' '
	adhoc host1 -o -m copy -a "src=$TRASH/src1 dest=$TRASH/rs remote_src=yes" >out &&
	test_grep "CHANGED" out && test_cmp src1 rs
'

test_expect_success 'bad arguments fail with Ansible wording' '
	test_expect_code 2 adhoc host1 -o -m copy -a "src=src1 content=x dest=$TRASH/x" >out &&
	test_grep "src and content are mutually exclusive" out &&
	test_expect_code 2 adhoc host1 -o -m copy -a "content=x" >out &&
	test_grep "\"msg\": \"dest is required\"" out &&
	test_expect_code 2 adhoc host1 -o -m copy -a "src=nosuch dest=$TRASH/x" >out &&
	test_grep "Could not find or access .nosuch. on the Ansible Controller" out &&
	test_expect_code 2 adhoc host1 -o -m copy -a "content=x dest=$TRASH/x bogus=1" >out &&
	test_grep "Unsupported parameters for (copy) module: bogus" out &&
	test_expect_code 2 adhoc host1 -o -m copy -a "content=x dest=$TRASH/nodir/x" >out &&
	test_grep "Destination directory $TRASH/nodir does not exist" out &&
	test_expect_code 2 adhoc host1 -o -m copy -a "content=x dest=$TRASH/x mode=rwx" >out &&
	test_grep "mode must be in octal or symbolic form" out &&
	test_path_is_missing nodir
'

. "$TEST_DIR/helpers/vs-ansible.sh"

if test -n "$have_ansible"; then
	test_expect_success 'same files and changed flags as ansible' "
		vs_ansible copy <<-EOF
		echo old >f|src=$TRASH/src1 dest=@/f
		echo new >f|src=$TRASH/src1 dest=@/f
		:|content=abc dest=@/f mode=0600
		:|content=abc dest=@/f mode=u=rw,g=,o=r
		echo x >f|content=abc dest=@/f force=no
		:|src=$TRASH/bin dest=@/f mode=644
		:|src=$TRASH/tree dest=@/
		:|src=$TRASH/tree/ dest=@/sub/
		mkdir d|src=$TRASH/src1 dest=@/d
		EOF
	"
else
	test_skip 'same files and changed flags as ansible' 'no ansible'
fi

test_done
