#!/bin/sh
test_description='fetch: files from the hosts to the controller'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

changed_of() {
	sed -n 's/.*"changed": \([a-z]*\).*/\1/p' "$1" | sort
}

test_expect_success 'each host file lands in dest/HOST/PATH, intact' '
	printf "a\000b\377\n" >src &&
	adhoc all -o -m fetch -a "src=$TRASH/src dest=got" >out &&
	cmp src "got/host1$TRASH/src" && cmp src "got/host2$TRASH/src" &&
	test_grep -F "host1 | CHANGED => {\"changed\": true,\"checksum\": \"$(sha1sum <src | cut -d" " -f1)\",\"dest\": \"$TRASH/got/host1$TRASH/src\",\"md5sum\": \"$(md5sum <src | cut -d" " -f1)\",\"remote_checksum\": \"$(sha1sum <src | cut -d" " -f1)\",\"remote_md5sum\": null}" out
'

test_expect_success 'second run: unchanged' '
	adhoc all -o -m fetch -a "src=$TRASH/src dest=got" >out &&
	printf "false\nfalse\n" >expect && changed_of out >actual && test_cmp expect actual &&
	test_grep -F "\"file\": \"$TRASH/src\"" out
'

test_expect_success 'flat=yes writes dest itself; check mode writes nothing' '
	adhoc host1 -o -C -m fetch -a "src=$TRASH/src dest=$TRASH/flat flat=yes" >out &&
	test_grep "CHANGED" out && test_path_is_missing flat &&
	adhoc host1 -o -m fetch -a "src=$TRASH/src dest=$TRASH/flat flat=yes" >out &&
	cmp src flat &&
	adhoc host1 -o -m fetch -a "src=$TRASH/src dest=$TRASH/dir/ flat=yes" >out &&
	cmp src dir/src
'

test_expect_success 'missing file, folder, missing arguments' '
	test_expect_code 2 adhoc host1 -o -m fetch -a "src=$TRASH/nothing dest=got" >out &&
	test_grep "the remote file does not exist, not transferring, ignored" out &&
	adhoc host1 -o -m fetch -a "src=$TRASH/nothing dest=got fail_on_missing=no" >out &&
	test_grep "SUCCESS" out &&
	test_expect_code 2 adhoc host1 -o -m fetch -a "src=$TRASH dest=got" >out &&
	test_grep "remote file is a directory, fetch cannot work on directories" out &&
	test_expect_code 2 adhoc host1 -o -m fetch -a "src=$TRASH/src" >out &&
	test_grep "missing required arguments: dest" out
'

test_expect_success 'check mode: command, shell and raw are skipped, not run' '
	adhoc host1 -C -a "touch $TRASH/ran1" >out &&
	echo "host1 | SKIPPED" >expect && test_cmp expect out &&
	adhoc host1 -C -m shell -a "touch $TRASH/ran2" >out && test_cmp expect out &&
	adhoc host1 -C -m raw -a "touch $TRASH/ran3" >out && test_cmp expect out &&
	test_path_is_missing ran1 && test_path_is_missing ran2 && test_path_is_missing ran3
'

test_done
