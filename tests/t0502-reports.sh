#!/bin/sh
test_description='--output json, --junit, --log and --quiet for adhoc runs'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
FAIL2='case "$SSH_CONNECTION" in *" 127.0.'$FLEET_NET'.2 "*) echo bad; exit 3;; esac; echo fine'

test_expect_success '--output json: one document shaped like the json callback, matching the recap' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --output json >out.json &&
	python3 -m json.tool out.json >/dev/null &&
	jq -e "(.plays | length) == 1 and (.plays[0].tasks | length) == 1" out.json &&
	jq -e ".custom_stats == {} and .global_custom_stats == {}" out.json &&
	jq -e ".plays[0].play.duration.start <= .plays[0].play.duration.end" out.json &&
	jq -e ".plays[0].tasks[0].task.name == \"shell\"" out.json &&
	jq -e ".plays[0].tasks[0].hosts | keys == [\"host1\", \"host2\", \"host3\"]" out.json &&
	jq -e ".plays[0].tasks[0].hosts.host2 | .rc == 3 and .failed == true and .stdout == \"bad\"" out.json &&
	jq -e ".plays[0].tasks[0].hosts.host1 | .rc == 0 and .changed == true and .stdout == \"fine\"" out.json &&
	jq -e ".stats.host1 == {\"ok\":1,\"changed\":1,\"failures\":0,\"unreachable\":0,\"skipped\":0,\"rescued\":0,\"ignored\":0}" out.json &&
	jq -e ".stats.host2.failures == 1 and .stats.host2.ok == 0" out.json &&
	"$DROVER" runs last >show &&
	for h in host1 host2 host3; do
		ok=$(jq ".stats.$h.ok" out.json) && failed=$(jq ".stats.$h.failures" out.json) &&
		test_grep -E "^  $h +: ok=$ok +changed=[01] +unreachable=0 +failed=$failed " show || exit 1
	done
'

test_expect_success '--json still works, same document' '
	adhoc host1 -m ping --json >j &&
	jq -e ".plays[0].tasks[0].hosts.host1.ping == \"pong\" and .stats.host1.ok == 1" j
'

test_expect_success '--output takes json or text only' '
	test_expect_code 5 adhoc host1 -m ping --output yaml 2>err &&
	test_grep "output takes json or text" err
'

test_expect_success '--junit FILE: well-formed, a testcase per host, failure and counts' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" -o --junit report.xml >out &&
	test_grep "^host1 | CHANGED" out &&
	xmllint --noout report.xml &&
	xmllint --noout --schema "$TEST_DIR/fixtures/junit.xsd" report.xml &&
	test "$(xmllint --xpath "name(/*)" report.xml)" = testsuites &&
	test "$(xmllint --xpath "count(/testsuites/testsuite)" report.xml)" = 1 &&
	test "$(xmllint --xpath "count(//testsuite/testcase)" report.xml)" = 3 &&
	test "$(xmllint --xpath "string(/testsuites/@tests)" report.xml)" = 3 &&
	test "$(xmllint --xpath "string(/testsuites/@failures)" report.xml)" = 1 &&
	test "$(xmllint --xpath "string(//testsuite/@failures)" report.xml)" = 1 &&
	test "$(xmllint --xpath "count(//testcase/failure)" report.xml)" = 1 &&
	test "$(xmllint --xpath "string(//testcase[failure]/@classname)" report.xml)" = host2 &&
	test "$(xmllint --xpath "string(//testcase[@classname=\"host1\"]/@name)" report.xml)" = shell &&
	test "$(xmllint --xpath "string(//failure/@message)" report.xml)" = "non-zero return code" &&
	test "$(xmllint --xpath "string(//failure/@type)" report.xml)" = failed &&
	xmllint --xpath "string(//testcase[@classname=\"host1\"]/@time)" report.xml | grep -E "^[0-9]+\.[0-9]{3}$"
'

test_expect_success '--junit: unreachable is a failure; markup in output is escaped' '
	sed "s|^\[all\]\$|[all]\ndead ansible_host=127.0.$FLEET_NET.200 ansible_port=$FLEET_PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$FLEET_KEY|" \
		"$FLEET_INV" >inv-dead &&
	test_expect_code 4 "$DROVER" adhoc "dead:host1" -i inv-dead --known-hosts "$FLEET_KH" -T 2 \
		-m shell -a "echo \"<a & b>\"" --junit u.xml >/dev/null &&
	xmllint --noout --schema "$TEST_DIR/fixtures/junit.xsd" u.xml &&
	test "$(xmllint --xpath "string(//testcase[@classname=\"dead\"]/failure/@type)" u.xml)" = unreachable &&
	xmllint --xpath "string(//testcase[@classname=\"host1\"]/system-out)" u.xml | grep -F "<a & b>"
'

test_expect_success '--log FILE: Ansible log_path lines, appended run after run, mode 0600' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" -o --log run.log >/dev/null &&
	adhoc host1 -m ping --log run.log >/dev/null &&
	test "$(stat -c %a run.log)" = 600 &&
	pat="^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} p=[0-9]+ u=$(id -un) n=drover \| " &&
	grep -E "${pat}host1 \| CHANGED \| rc=0 >>$" run.log &&
	grep -A1 -E "${pat}host1 \| CHANGED \| rc=0 >>$" run.log | tail -n 1 | grep -x fine &&
	grep -E "${pat}host2 \| FAILED \| rc=3 >>$" run.log &&
	grep -E "${pat}host1 \| SUCCESS => \{$" run.log &&
	test $(grep -cE "${pat}PLAY RECAP \*+$" run.log) -eq 2 &&
	grep -E "${pat}host2 +: ok=0 +changed=0 +unreachable=0 +failed=1 +skipped=0 +rescued=0 +ignored=0 *$" run.log
'

test_expect_success '--quiet: only one recap line per host, at the end' '
	test_expect_code 2 adhoc all -m shell -a "$FAIL2" --quiet >q &&
	test $(wc -l <q) -eq 3 &&
	sed -n 1p q | grep -E "^host1 +: ok=1 +changed=1 +unreachable=0 +failed=0 " &&
	sed -n 2p q | grep -E "^host2 +: ok=0 +changed=0 +unreachable=0 +failed=1 " &&
	sed -n 3p q | grep -E "^host3 +: ok=1 "
'

test_expect_success 'no terminal: no colour codes in any output' '
	adhoc all -m ping >plain &&
	test_grep -v "$(printf "\033")" plain
'

test_done
