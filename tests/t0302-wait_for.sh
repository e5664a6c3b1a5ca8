#!/bin/sh
test_description='wait_for: ports opening and closing, banners, files appearing, vanishing, holding text'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

PORT=$((18000 + FLEET_NET * 10 + ${FLEET_PORT:-2222} - 2222))  # distinct per fleet net and per pass
SERVER_PID=
server_stop() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}
trap 'server_stop; test_cleanup_' EXIT

# after_start SECONDS PATTERN: returns SECONDS after a process matching
# PATTERN (the drover command about to run) appeared: a loaded machine may
# take seconds to start drover, and that must not count.
after_start() {
	n=0
	until pgrep -f "$2" >/dev/null || [ $n -ge 200 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	sleep "$1"
}

test_expect_success 'a port that opens two seconds later: ok, elapsed counted' '
	( after_start 2 "port=$PORT timeout=20"; exec python3 -m http.server "$PORT" --bind 127.0.0.1 ) >server.log 2>&1 &
	SERVER_PID=$! &&
	echo $SERVER_PID >server.pid &&
	adhoc host1 --json -m wait_for -a "port=$PORT timeout=20" >r.json &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
assert r[\"state\"] == \"started\" and r[\"port\"] == $PORT and r[\"changed\"] is False, r
assert 1 <= r[\"elapsed\"] < 20, r[\"elapsed\"]
"
'
SERVER_PID=$(cat "$TRASH/server.pid" 2>/dev/null)

test_expect_success 'a closed port times out with Ansible message' '
	test_expect_code 2 adhoc host1 -o -m wait_for -a "port=$((PORT + 1)) timeout=1" >out &&
	test_grep "\"msg\": \"Timeout when waiting for 127.0.0.1:$((PORT + 1))\"" out &&
	test_grep "FAILED" out
'

test_expect_success 'state=stopped: a closed port is ok at once, an open one times out' '
	adhoc host1 -o -m wait_for -a "port=$((PORT + 1)) state=stopped timeout=5" >out &&
	test_grep "SUCCESS" out &&
	test_expect_code 2 adhoc host1 -o -m wait_for -a "port=$PORT state=stopped timeout=1" >out &&
	test_grep "Timeout when waiting for 127.0.0.1:$PORT to stop." out
'

test_expect_success 'search_regex on a port reads its banner (sshd)' '
	adhoc host1 -o -m wait_for -a "host=127.0.$FLEET_NET.1 port=$FLEET_PORT search_regex=^SSH-2 timeout=5" >out &&
	test_grep "SUCCESS" out &&
	test_expect_code 2 adhoc host1 -o -m wait_for \
		-a "host=127.0.$FLEET_NET.1 port=$FLEET_PORT search_regex=NOPE timeout=1 connect_timeout=1" >out &&
	test_grep "Timeout when waiting for search string NOPE in 127.0.$FLEET_NET.1:$FLEET_PORT" out
'

test_expect_success 'a file that appears later, and one that must hold a text' '
	( after_start 2 "later search_regex=ready timeout"; echo "service ready now" >later ) &
	adhoc host2 --json -m wait_for -a "path=$TRASH/later search_regex=ready timeout=20" >r.json &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host2\"]
assert r[\"path\"].endswith(\"/later\") and r[\"search_regex\"] == \"ready\" and r[\"elapsed\"] >= 1, r
" &&
	test_expect_code 2 adhoc host2 -o -m wait_for -a "path=$TRASH/later search_regex=absent-text timeout=1" >out &&
	test_grep "Timeout when waiting for search string absent-text in $TRASH/later" out
'

test_expect_success 'state=absent waits for a file to go' '
	touch going &&
	( sleep 2; rm -f going ) &
	adhoc host1 -o -m wait_for -a "path=$TRASH/going state=absent timeout=20" >out &&
	test_grep "SUCCESS" out &&
	test_path_is_missing going &&
	touch stays &&
	test_expect_code 2 adhoc host1 -o -m wait_for -a "path=$TRASH/stays state=absent timeout=1" >out &&
	test_grep "Timeout when waiting for $TRASH/stays to be absent." out
'

test_expect_success 'msg replaces the message; bad arguments fail' '
	test_expect_code 2 adhoc host1 -o -m wait_for -a "path=$TRASH/none timeout=1 msg=custom-words" >out &&
	test_grep "\"msg\": \"custom-words\"" out &&
	test_expect_code 2 adhoc host1 -o -m wait_for -a "path=/x port=1" >out &&
	test_grep "port and path parameter can not both be passed" out &&
	test_expect_code 2 adhoc host1 -o -m wait_for -a "port=1 state=sideways" >out &&
	test_grep "value of state must be one of" out
'

server_stop
test_done
