#!/bin/sh
test_description='run records survive a killed controller; concurrent runs are all recorded'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

q() {
	sqlite3 "$DB" "$1"
}
DB=$TRASH/runs.db

# host2 sleeps; host1 and host3 answer at once
SLOW2='case "$SSH_CONNECTION" in *" 127.0.'$FLEET_NET'.2 "*) sleep 4;; esac; echo done'

# wait_for SQL WANT: polls the records (up to 20 s) until SQL returns WANT.
wait_for() {
	_n=0
	# (the sqlite3 shell would create a missing file: drover must make it)
	while ! [ -f "$DB" ] || [ "$(q "$1" 2>/dev/null)" != "$2" ]; do
		_n=$((_n + 1))
		[ $_n -gt 200 ] && { echo "timed out waiting for $1 = $2"; return 1; }
		sleep 0.1
	done
}

test_expect_success 'kill -9 of the controller mid-run: finished results are in the records' '
	"$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" --records "$DB" \
		-m shell -a "$SLOW2" >out 2>&1 &
	pid=$! &&
	wait_for "SELECT COUNT(*) FROM results" 2 &&
	kill -9 $pid &&
	{ wait $pid || true; } &&
	test "$(stat -c %a "$DB")" = 600 &&
	test "$(stat -c %a "$DB-wal")" = 600 &&
	test "$(q "PRAGMA integrity_check")" = ok &&
	test "$(q "SELECT host, status FROM results ORDER BY host" | tr "\n" " ")" = \
		"host1|changed host3|changed " &&
	test "$(q "SELECT COUNT(*) FROM runs WHERE end_time IS NULL AND exit_code IS NULL")" = 1 &&
	test "$(q "SELECT COUNT(*) FROM recap")" = 0
'

test_expect_success 'the killed run reads back: runs show says it never ended' '
	"$DROVER" runs show last --records "$DB" >show &&
	test_grep "never ended (still running, or the controller was killed)" show &&
	test_grep -E "^  host1 +changed" show &&
	test_grep -v "^  host2" show &&
	"$DROVER" runs list --records "$DB" --failed >list &&
	test_grep -E "^ +1  20.* adhoc +- +2 +0  " list
'

test_expect_success 'its workers end with it (they stop the task they were running)' '
	n=0 &&
	while pgrep -f "^$DROVER adhoc all -i $FLEET_INV" >/dev/null; do
		n=$((n + 1)) && test $n -lt 100 && sleep 0.1 || exit 1
	done
'

test_expect_success 'the next run writes to the same file' '
	"$DROVER" adhoc host1 -i "$FLEET_INV" --known-hosts "$FLEET_KH" --records "$DB" -m ping >/dev/null &&
	test "$(q "SELECT exit_code FROM runs WHERE id = 2")" = 0
'

test_expect_success 'two runs at once are both recorded, every result of each' '
	slow="sleep 1; echo x"
	"$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" --records "$DB" \
		-m shell -a "$slow" >a.out 2>&1 &
	a=$!
	"$DROVER" adhoc all -i "$FLEET_INV" --known-hosts "$FLEET_KH" --records "$DB" \
		-m shell -a "$slow" >b.out 2>&1 &
	b=$!
	wait $a && wait $b &&
	test "$(q "SELECT COUNT(*) FROM runs WHERE id > 2 AND exit_code = 0")" = 2 &&
	test "$(q "SELECT COUNT(*) FROM results WHERE run_id > 2 AND status = '\''changed'\''")" = 6 &&
	test "$(q "SELECT COUNT(DISTINCT pid) FROM runs WHERE id > 2")" = 2
'

test_expect_success 'eight runs at once, one host each: none lost' '
	for i in 1 2 3 4 5 6 7 8; do
		"$DROVER" adhoc host$((i % 3 + 1)) -i "$FLEET_INV" --known-hosts "$FLEET_KH" \
			--records "$DB" -m ping >/dev/null 2>>errs &
	done
	wait
	test_grep -v "WARNING" errs &&
	test "$(q "SELECT COUNT(*) FROM runs WHERE id > 4 AND exit_code = 0")" = 8 &&
	test "$(q "SELECT COUNT(*) FROM results WHERE run_id > 4")" = 8
'

test_done
