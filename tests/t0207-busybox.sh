#!/bin/sh
test_description='the file modules under busybox sh (ansible_shell_executable)'
. "$(dirname "$0")/lib.sh"

# Hosts may have nothing but busybox. The fleet's hosts run modules with
# ansible_shell_executable, here a link named sh to busybox (busybox picks
# its applet by that name), so every module script runs in busybox's shell
# through the normal path: upload, cache, arguments on stdin.
command -v busybox >/dev/null 2>&1 || skip_all 'no busybox (apt-get install busybox)'

fleet_up 2
. "$FLEET/fleet.env"
mkdir -p bb && ln -s "$(command -v busybox)" bb/sh

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" \
		-e "ansible_shell_executable=$TRASH/bb/sh" "$@"
}

test_expect_success 'modules really run in busybox sh' '
	adhoc host1 -m shell -a "readlink /proc/\$PPID/exe" >out &&
	test_grep "busybox" out
'

test_expect_success 'copy, twice' '
	printf "one\ntwo\n" >src &&
	adhoc all -o -m copy -a "src=src dest=$TRASH/dst mode=0600" >out &&
	test_grep "CHANGED" out && test_cmp src dst && test "$(stat -c %a dst)" = 600 &&
	adhoc all -o -m copy -a "src=src dest=$TRASH/dst mode=0600" >out &&
	test_grep -v "CHANGED" out
'

test_expect_success 'file: directory, link, absent; symbolic mode' '
	adhoc host1 -o -m file -a "path=$TRASH/d/e state=directory mode=u=rwx,go=" >out &&
	test "$(stat -c %a d/e)" = 700 &&
	adhoc host1 -o -m file -a "path=$TRASH/l src=$TRASH/dst state=link" >out &&
	test "$(readlink l)" = "$TRASH/dst" &&
	adhoc host1 -o -m file -a "path=$TRASH/d state=absent" >out &&
	test_path_is_missing d
'

test_expect_success 'stat, slurp, fetch' '
	adhoc host1 -o -m stat -a "path=$TRASH/dst" >out &&
	test_grep -F "\"checksum\": \"$(sha1sum <src | cut -d" " -f1)\"" out &&
	adhoc host1 -o -m slurp -a "src=$TRASH/dst" >out &&
	test_grep -F "$(base64 <src)" out &&
	adhoc host1 -o -m fetch -a "src=$TRASH/dst dest=got" >out &&
	cmp src "got/host1$TRASH/dst"
'

test_expect_success 'lineinfile, blockinfile, replace with check and diff' '
	adhoc host1 -o -m lineinfile -a "path=$TRASH/dst regexp=^one line=uno" >out &&
	adhoc host1 -o -m blockinfile -a "path=$TRASH/dst block=blk" >out &&
	adhoc host1 -o -m replace -a "path=$TRASH/dst regexp=(t)wo replace=\1WO" >out &&
	printf "uno\ntWO\n# BEGIN ANSIBLE MANAGED BLOCK\nblk\n# END ANSIBLE MANAGED BLOCK\n" >expect &&
	test_cmp expect dst &&
	adhoc host1 -C -D -m lineinfile -a "path=$TRASH/dst line=last" >out &&
	test_grep "^+last" out && test_cmp expect dst
'

test_done
