#!/bin/sh
test_description='unarchive: controller archives streamed to hosts, remote_src, zip, idempotence'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

test_expect_success 'archives on the controller' '
	mkdir -p src/sub &&
	echo one >src/f1 &&
	echo two >src/sub/f2 &&
	printf "bin\001\377" >src/sub/bin &&
	tar -czf a.tgz -C src . &&
	tar -cJf a.txz -C src . &&
	tar -cf a.tar -C src f1 &&
	mkdir d1 d2 d3 d4 dz
'

test_expect_success 'a .tgz unpacks on two hosts: CHANGED, files identical' '
	adhoc host1 -o -m unarchive -a "src=a.tgz dest=$TRASH/d1" >out &&
	adhoc host2 -o -m unarchive -a "src=$TRASH/a.tgz dest=$TRASH/d2" >>out &&
	test $(grep -c "CHANGED" out) = 2 &&
	diff -r src d1 &&
	diff -r src d2
'

test_expect_success 'a second run is unchanged; a changed file is restored' '
	adhoc host1 -o -m unarchive -a "src=a.tgz dest=$TRASH/d1" >out &&
	test_grep "SUCCESS" out &&
	echo edited >d1/sub/f2 &&
	adhoc host1 -o -m unarchive -a "src=a.tgz dest=$TRASH/d1" >out &&
	test_grep "CHANGED" out &&
	diff -r src d1
'

test_expect_success 'check mode predicts the change and writes nothing' '
	adhoc host1 -o -m unarchive -a "src=a.txz dest=$TRASH/d3 _ansible_check_mode=true" >out &&
	test_grep "CHANGED" out &&
	test -z "$(ls -A d3)"
'

test_expect_success 'list_files, handler, extract_results' '
	adhoc host1 --json -m unarchive -a "src=a.txz dest=$TRASH/d3 list_files=yes" >r.json &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
assert r[\"changed\"] is True and r[\"handler\"] == \"TarXzArchive\", r
assert sorted(r[\"files\"]) == [\"./\", \"./f1\", \"./sub/\", \"./sub/bin\", \"./sub/f2\"], r[\"files\"]
assert r[\"extract_results\"][\"rc\"] == 0 and r[\"state\"] == \"directory\"
" &&
	diff -r src d3
'

test_expect_success 'remote_src, creates, exclude' '
	adhoc host2 -o -m unarchive -a "src=$TRASH/a.tgz remote_src=yes dest=$TRASH/d4 exclude=./sub/bin" >out &&
	test_grep "CHANGED" out &&
	test -f d4/sub/f2 && test_path_is_missing d4/sub/bin &&
	adhoc host2 -o -m unarchive -a "src=$TRASH/a.tar remote_src=yes dest=$TRASH/d4 creates=$TRASH/d4/f1" >out &&
	test_grep "^host2 | SKIPPED" out
'

if command -v zip >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1; then
test_expect_success 'a zip archive, then unchanged' '
	(cd src && zip -qr ../a.zip .) &&
	adhoc host1 -o -m unarchive -a "src=a.zip dest=$TRASH/dz" >out &&
	test_grep "CHANGED" out &&
	diff -r src dz &&
	adhoc host1 -o -m unarchive -a "src=a.zip dest=$TRASH/dz" >out &&
	test_grep "SUCCESS" out
'
else
test_skip 'a zip archive' 'zip or unzip is not installed'
fi

test_expect_success 'errors: missing src on the controller, dest not a folder' '
	test_expect_code 2 adhoc host1 -o -m unarchive -a "src=none.tgz dest=$TRASH/d1" >out &&
	test_grep "Could not find or access .none.tgz. on the Ansible Controller" out &&
	test_expect_code 2 adhoc host1 -o -m unarchive -a "src=a.tgz dest=$TRASH/nothere" >out &&
	test_grep "dest .$TRASH/nothere. must be an existing dir" out &&
	test_expect_code 2 adhoc host1 -o -m unarchive -a "dest=$TRASH/d1" >out &&
	test_grep "missing required arguments: src" out
'

test_expect_success 'nothing left behind in the host temp folder' '
	test -z "$(ls -d ${TMPDIR:-/tmp}/drover-unarchive.* 2>/dev/null)"
'

test_done
