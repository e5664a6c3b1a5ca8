#!/bin/sh
test_description='stat and slurp: facts and bytes of a path'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

test_expect_success 'stat of a file: kind, mode, owner, size, checksum' '
	printf "hello\n" >f && chmod 640 f &&
	adhoc all -o -m stat -a "path=$TRASH/f" >out &&
	for h in host1 host2; do
		test_grep "^$h | SUCCESS => {\"changed\": false,\"stat\": {" out || return 1
	done &&
	for kv in "\"exists\": true" "\"isreg\": true" "\"isdir\": false" "\"islnk\": false" \
		"\"mode\": \"0640\"" "\"size\": 6" "\"pw_name\": \"root\"" "\"gr_name\": \"root\"" \
		"\"uid\": 0" "\"checksum\": \"f572d396fae9206628714fb2ce00f72e94f2258f\"" \
		"\"path\": \"$TRASH/f\"" "\"rgrp\": true" "\"woth\": false" \
		"\"mtime\": $(stat -c %Y f)"; do
		test_grep -F "$kv" out || return 1
	done
'

test_expect_success 'stat of a link: lnk_source, and follow' '
	ln -s f l &&
	adhoc host1 -o -m stat -a "path=$TRASH/l" >out &&
	test_grep -F "\"islnk\": true" out &&
	test_grep -F "\"lnk_source\": \"$TRASH/f\"" out &&
	test_grep -F "\"lnk_target\": \"f\"" out &&
	adhoc host1 -o -m stat -a "path=$TRASH/l follow=yes" >out &&
	test_grep -F "\"islnk\": false" out && test_grep -F "\"isreg\": true" out
'

test_expect_success 'stat of a folder and of nothing' '
	adhoc host1 -o -m stat -a "path=$TRASH" >out &&
	test_grep -F "\"isdir\": true" out && test_grep -v -F "checksum" out &&
	adhoc host1 -o -m stat -a "path=$TRASH/nothing" >out &&
	echo "host1 | SUCCESS => {\"changed\": false,\"stat\": {\"exists\": false}}" >expect &&
	test_cmp expect out
'

test_expect_success 'stat: get_checksum=no, other algorithms, bad choice' '
	adhoc host1 -o -m stat -a "path=$TRASH/f get_checksum=no" >out &&
	test_grep -v -F "checksum" out &&
	adhoc host1 -o -m stat -a "path=$TRASH/f checksum_algorithm=sha256" >out &&
	test_grep -F "\"checksum\": \"$(sha256sum <f | cut -d" " -f1)\"" out &&
	test_expect_code 2 adhoc host1 -o -m stat -a "path=$TRASH/f checksum_algorithm=crc" >out &&
	test_grep "value of checksum_algorithm must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: crc" out &&
	test_expect_code 2 adhoc host1 -o -m stat -a "follow=yes" >out &&
	test_grep "missing required arguments: path" out
'

test_expect_success 'slurp returns the bytes in base64' '
	printf "a\000b\377\n" >bin &&
	adhoc host1 -o -m slurp -a "src=$TRASH/bin" >out &&
	echo "host1 | SUCCESS => {\"changed\": false,\"content\": \"$(base64 <bin)\",\"encoding\": \"base64\",\"source\": \"$TRASH/bin\"}" >expect &&
	test_cmp expect out &&
	adhoc host1 -o -m slurp -a "path=$TRASH/f" >out &&
	test_grep -F "$(base64 <f)" out
'

test_expect_success 'slurp: missing file, folder' '
	test_expect_code 2 adhoc host1 -o -m slurp -a "src=$TRASH/nothing" >out &&
	test_grep -F "\"msg\": \"file not found: $TRASH/nothing\"" out &&
	test_expect_code 2 adhoc host1 -o -m slurp -a "src=$TRASH" >out &&
	test_grep -F "source is a directory and must be a file" out
'

test_done
