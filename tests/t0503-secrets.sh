#!/bin/sh
test_description='planted secrets never reach any output, log, report or record'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

S1=Plant3dS3cretX
S2=Inv3ntoryS3cretY
S3=N0LogValueZ
DB=$TRASH/state/drover/records.db

# A host variable with a secret-looking name, as group_vars or a vault would give.
sed "s|^\(host1 .*\)$|\1 db_password=$S2|" "$FLEET_INV" >inv
grep -q "db_password=$S2" inv || echo "Bail out! inventory not edited"

run() {
	_name=$1
	shift
	"$DROVER" adhoc all -i "$TRASH/inv" --known-hosts "$FLEET_KH" --log "$TRASH/all.log" \
		--junit "$TRASH/$_name.xml" "$@" -e "password=$S1" -e "{\"api\": {\"token\": \"$S1\"}}"
}

# no_secret FILE...: none of the planted secrets in any of them (binary files too).
no_secret() {
	for f in "$@"; do
		test -e "$f" || continue
		if grep -a -l -e "$S1" -e "$S2" -e "$S3" "$f"; then
			grep -a -o -e ".\{0,40\}$S1.\{0,20\}" -e ".\{0,40\}$S2.\{0,20\}" \
				-e ".\{0,40\}$S3.\{0,20\}" "$f" | head -5
			return 1
		fi
	done
}

test_expect_success 'extra-vars secrets echoed by a command are masked in the output' '
	run a -m shell -a "echo $S1; echo $S2 >&2" >a.out 2>a.err &&
	test_grep "^host1 | CHANGED | rc=0 >>$" a.out &&
	test_grep -F "********" a.out &&
	no_secret a.out a.err
'

test_expect_success '--output json: masked' '
	run b -m shell -a "echo $S1 $S2" --output json >b.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.stdout == \"******** ********\"" b.json &&
	no_secret b.json
'

test_expect_success 'a no_log result (ANSIBLE_NO_LOG) is censored everywhere' '
	ANSIBLE_NO_LOG=1 run c -m shell -a "echo $S3" >c.out &&
	test_grep "^host1 | CHANGED | rc=-1 >>$" c.out &&
	ANSIBLE_NO_LOG=1 run d -m shell -a "echo $S3" --output json >d.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.censored == \"the output has been hidden due to the fact that '\''no_log: true'\'' was specified for this result\"" d.json &&
	jq -e ".plays[0].tasks[0].hosts.host1.changed == true" d.json &&
	jq -e ".plays[0].tasks[0].hosts.host1 | has(\"stdout\") | not" d.json &&
	no_secret c.out d.json
'

test_expect_success 'the records hold masked command lines and results' '
	sqlite3 "$DB" "SELECT command FROM runs WHERE id = 1" >cmd &&
	test_grep -F -- "-e '\''{\"password\":\"********\"}'\''" cmd &&
	test_grep -F -- "-e '\''{\"api\":{\"token\":\"********\"}}'\''" cmd &&
	test_grep -F -- "-a '\''echo ********; echo ******** >&2'\''" cmd &&
	test "$(sqlite3 "$DB" "SELECT json_extract(result, '\''$.stdout'\'') FROM results WHERE run_id = 1 AND host = '\''host1'\''")" = "********" &&
	test "$(sqlite3 "$DB" "SELECT json_extract(result, '\''$.censored'\'') FROM results WHERE run_id = 3 AND host = '\''host1'\''" | cut -c1-22)" = "the output has been hi"
'

test_expect_success 'no secret in the database file, its WAL, the log, the JUnit files, show and export' '
	for id in 1 2 3 4; do
		"$DROVER" runs show $id >>shows &&
		"$DROVER" runs export $id --format json >>exports &&
		"$DROVER" runs export $id --format junit >>exports || exit 1
	done &&
	test -s all.log && test -s shows && test -s exports &&
	ls "$DB"* >dbfiles &&
	no_secret "$DB" "$DB-wal" all.log a.xml b.xml c.xml d.xml shows exports
'

test_expect_success 'a secret option value never reaches the records' '
	"$DROVER" adhoc -i inv --known-hosts "$FLEET_KH" host1 -m ping --extra-vars "db_token=$S1" >/dev/null &&
	"$DROVER" runs last >last &&
	test_grep -F "db_token" last &&
	no_secret last "$DB" "$DB-wal"
'

test_done
