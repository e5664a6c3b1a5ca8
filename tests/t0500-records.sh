#!/bin/sh
test_description='run records: what adhoc prints is what the records hold; runs list/show/last/export/prune'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
q() {
	sqlite3 "$DB" "$1"
}
DB=$TRASH/state/drover/records.db

# host2 fails with rc 3, the others print their name
FAIL2='case "$SSH_CONNECTION" in *" 127.0.'$FLEET_NET'.2 "*) echo bad; exit 3;; esac; echo fine'

test_expect_success 'a run is recorded in the state directory, mode 0600, WAL' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" -o >out &&
	test_path_is_file "$DB" &&
	test "$(stat -c %a "$DB")" = 600 &&
	test "$(stat -c %a "$TRASH/state/drover")" = 700 &&
	test "$(q "PRAGMA journal_mode")" = wal &&
	test "$(q "SELECT COUNT(*) FROM runs")" = 1
'

test_expect_success 'the records match the printed results' '
	for h in host1 host2 host3; do
		line=$(grep "^$h | " out) &&
		case $line in
		*"| CHANGED | rc=0 | (stdout) fine") want="changed|0|" ;;
		*"| FAILED! => {"*"\"rc\": 3,"*"\"stdout\": \"bad\""*) want="failed|3|non-zero return code" ;;
		*) echo "unexpected: $line"; exit 1 ;;
		esac &&
		got=$(q "SELECT status, rc, msg FROM results WHERE run_id = 1 AND host = '\''$h'\''") &&
		test "$got" = "$want" || { echo "$h: got $got, want $want"; exit 1; }
	done &&
	test "$(q "SELECT kind, exit_code, task_name FROM runs JOIN results ON run_id = runs.id WHERE host = '\''host1'\''")" = "adhoc|2|shell" &&
	test "$(q "SELECT host, ok, changed, failed, unreachable FROM recap ORDER BY host" | tr "\n" " ")" = \
		"host1|1|1|0|0 host2|0|0|1|0 host3|1|1|0|0 " &&
	q "SELECT recap FROM runs WHERE id = 1" | jq -e ".host2.failures == 1 and .host1.changed == 1" &&
	test "$(q "SELECT json_extract(result, '\''$.stdout'\'') FROM results WHERE host = '\''host2'\''")" = bad
'

test_expect_success 'the run row: times, user, controller, command line, inventory checksum' '
	q "SELECT start_time, end_time, user, controller, command, inventory, inventory_sha256 FROM runs WHERE id = 1" >row &&
	IFS="|" read -r start end user ctl cmd inv sum <row &&
	case $start in 20[0-9][0-9]-*T*Z) ;; *) exit 1 ;; esac &&
	case $end in 20[0-9][0-9]-*T*Z) ;; *) exit 1 ;; esac &&
	test "$user" = "$(id -un)" &&
	test "$ctl" = "$(hostname)" &&
	case $cmd in "drover adhoc -i $FLEET_INV --known-hosts $FLEET_KH all -m shell -a "*) ;; *) echo "$cmd"; exit 1 ;; esac &&
	test "$inv" = "$FLEET_INV" &&
	test "$sum" = "$(sha256sum <"$FLEET_INV" | cut -d" " -f1)"
'

test_expect_success 'runs list: newest first, exit code, hosts and failed hosts' '
	adhoc host1 -m ping >/dev/null &&
	"$DROVER" runs list >list &&
	sed -n 2p list | grep -E "^ +2  20.* adhoc +0 +1 +0  drover adhoc .* host1 -m ping$" &&
	sed -n 3p list | grep -E "^ +1  20.* adhoc +2 +3 +1  drover adhoc " &&
	test $(wc -l <list) -eq 3 &&
	"$DROVER" runs list --failed >failed &&
	test $(wc -l <failed) -eq 2 &&
	sed -n 2p failed | grep -E "^ +1 " &&
	"$DROVER" runs list --limit 1 >one &&
	test $(wc -l <one) -eq 2
'

test_expect_success 'runs show: every host, filters, recap' '
	"$DROVER" runs show 1 >show &&
	test_grep "^run 1: adhoc, started .*, exit 2$" show &&
	test_grep "^TASK 0 \[shell\] in play drover adhoc$" show &&
	test_grep -E "^  host1 +changed +rc=0 [0-9.]+s$" show &&
	test_grep -E "^  host2 +failed +rc=3 [0-9.]+s non-zero return code$" show &&
	test_grep -E "^  host2 +: ok=0 +changed=0 +unreachable=0 +failed=1 " show &&
	"$DROVER" runs show 1 --failed >f &&
	test $(grep -c "^  host" f) -eq 1 && test_grep "^  host2 " f &&
	"$DROVER" runs show 1 --host host3 >h &&
	test $(grep -c "^  host" h) -eq 1 && test_grep "^  host3 " h &&
	"$DROVER" runs show 1 --changed --task shell >c &&
	test $(grep -c "^  host" c) -eq 2 &&
	"$DROVER" runs show 1 --task nope >n &&
	test_grep -v "^TASK" n
'

test_expect_success 'runs last is the newest run' '
	"$DROVER" runs last >last &&
	test_grep "^run 2: adhoc" last &&
	test_grep -E "^  host1 +ok +[0-9.]+s$" last
'

test_expect_success 'runs show: a run that does not exist, a bad id' '
	test_expect_code 1 "$DROVER" runs show 99 2>err &&
	test_grep "no run 99 in the records" err &&
	test_expect_code 1 "$DROVER" runs show abc 2>err &&
	test_grep "not a run id" err
'

test_expect_success 'runs export --format json: the json callback shape, as recorded' '
	"$DROVER" runs export 1 --format json >e.json &&
	jq -e ".plays[0].play.name == \"drover adhoc\"" e.json &&
	jq -e ".plays[0].tasks[0].task.name == \"shell\"" e.json &&
	jq -e ".plays[0].tasks[0].hosts.host2.rc == 3 and .plays[0].tasks[0].hosts.host2.stdout == \"bad\"" e.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.action == \"shell\"" e.json &&
	jq -e ".plays[0].tasks[0].hosts.host2.stdout_lines == [\"bad\"]" e.json &&
	test "$(q "SELECT json_type(result, '\''$.stdout_lines'\'') FROM results WHERE host = '\''host2'\''")" = "" &&
	jq -e ".stats.host2.failures == 1 and .stats.host1.ok == 1 and .stats.host3.changed == 1" e.json
'

test_expect_success 'runs export --format junit: well-formed, one testcase per host' '
	"$DROVER" runs export 1 --format junit >e.xml &&
	xmllint --noout --schema "$TEST_DIR/fixtures/junit.xsd" e.xml &&
	test "$(xmllint --xpath "count(//testsuite/testcase)" e.xml)" = 3 &&
	test "$(xmllint --xpath "string(/testsuites/@failures)" e.xml)" = 1 &&
	test "$(xmllint --xpath "string(//testcase[failure]/@classname)" e.xml)" = host2
'

test_expect_success '--records PATH and DROVER_RECORDS choose the file; --no-records writes none' '
	adhoc host1 -m ping --records "$TRASH/other.db" >/dev/null &&
	test "$(sqlite3 other.db "SELECT COUNT(*) FROM results")" = 1 &&
	DROVER_RECORDS=$TRASH/env.db adhoc host1 -m ping >/dev/null &&
	test "$(sqlite3 env.db "SELECT COUNT(*) FROM runs")" = 1 &&
	DROVER_RECORDS=$TRASH/env.db "$DROVER" runs list | grep -c "^ *1 " &&
	adhoc host1 -m ping --no-records --records "$TRASH/none.db" >/dev/null &&
	test_path_is_missing none.db &&
	test "$(q "SELECT COUNT(*) FROM runs")" = 2
'

test_expect_success 'an unusable records file stops the run before it starts' '
	mkdir notafile.db &&
	test_expect_code 1 adhoc host1 -a "touch $TRASH/ran" --records "$TRASH/notafile.db" 2>err &&
	test_grep "records" err &&
	test_path_is_missing ran
'

test_expect_success 'runs prune --keep and --older-than' '
	adhoc host1 -m ping >/dev/null &&
	test "$(q "SELECT COUNT(*) FROM runs")" = 3 &&
	"$DROVER" runs prune --keep 2 >p &&
	test_grep "^pruned 1 run$" p &&
	test "$(q "SELECT MIN(id) FROM runs")" = 2 &&
	test "$(q "SELECT COUNT(*) FROM results WHERE run_id = 1")" = 0 &&
	"$DROVER" runs prune --older-than 1d >p &&
	test_grep "^pruned 0 runs$" p &&
	q "UPDATE runs SET start_time = '\''2020-01-01T00:00:00.000000Z'\'' WHERE id = 2" &&
	"$DROVER" runs prune --older-than 30d >p &&
	test_grep "^pruned 1 run$" p &&
	test "$(q "SELECT id FROM runs")" = 3 &&
	test_expect_code 5 "$DROVER" runs prune 2>err &&
	test_grep "one of --keep N or --older-than" err &&
	test_expect_code 5 "$DROVER" runs prune --older-than 3x 2>err
'

test_expect_success 'drift: the changed host x tasks of a run' '
	adhoc all -m shell -a "$FAIL2" >/dev/null || true &&
	id=$(q "SELECT MAX(id) FROM runs") &&
	"$DROVER" drift $id >d &&
	test_grep "was not a --check run" d &&
	test_grep -E "^host1 +TASK 0 \[shell\]$" d &&
	test_grep -E "^host3 +TASK 0 \[shell\]$" d &&
	test_grep -v "^host2" d &&
	test_grep "^2 changes$" d
'

test_done
