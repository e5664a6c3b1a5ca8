#!/bin/sh
test_description='script: a controller script runs on hosts with its arguments, nothing left behind'
. "$(dirname "$0")/lib.sh"

fleet_up 3
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

cat >hello.sh <<'SH'
#!/bin/sh
echo "args=$# 1=[$1] 2=[$2]"
echo "to stderr" >&2
pwd
touch "$HOME/.drover-t0305-ran-$$"
exit "${3:-0}"
SH
printf 'import sys\nprint("py", sys.argv[1:])\n' >tool.py

test_expect_success 'runs on every host: rc, stdout, stderr and lines; arguments through the shell' '
	adhoc "host1:host2:host3" --json -m script -a "./hello.sh \"a b\" c" >r.json &&
	python3 -c "
import json
hs = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"]
assert sorted(hs) == [\"host1\", \"host2\", \"host3\"]
for h, r in hs.items():
    assert r[\"changed\"] is True and r[\"rc\"] == 0, r
    assert r[\"stdout_lines\"][0] == \"args=2 1=[a b] 2=[c]\", r
    assert r[\"stdout\"].endswith(\"\\n\"), repr(r[\"stdout\"])
    assert r[\"stderr\"] == \"to stderr\\n\" and r[\"stderr_lines\"] == [\"to stderr\"], r
"
'

test_expect_success 'a failing script: FAILED, rc, non-zero return code' '
	test_expect_code 2 adhoc host1 -o -m script -a "hello.sh x y 3" >out &&
	test_grep "FAILED" out &&
	test_grep "\"rc\": 3" out &&
	test_grep "non-zero return code" out
'

test_expect_success 'chdir, executable' '
	adhoc host1 --json -m script -a "hello.sh chdir=/tmp" >r.json &&
	grep -q "\"/tmp\"" r.json &&
	adhoc host1 --json -m script -a "tool.py 1 2 executable=python3" >r.json &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
assert r[\"stdout\"] == \"py [\x271\x27, \x272\x27]\\n\", repr(r[\"stdout\"])
"
'

test_expect_success 'creates and removes skip the run' '
	rm -f "$HOME"/.drover-t0305-ran-* &&
	adhoc host1 -o -m script -a "hello.sh creates=$TRASH" >out &&
	test_grep "^host1 | SKIPPED" out &&
	adhoc host1 -o -m script -a "hello.sh removes=$TRASH/none" >out &&
	test_grep "^host1 | SKIPPED" out &&
	test -z "$(ls -A "$HOME" | grep drover-t0305-ran)"
'

test_expect_success 'a missing script fails on the controller, nothing runs' '
	test_expect_code 2 adhoc host1 -o -m script -a "./nope.sh" >out &&
	test_grep "Could not find or access .\./nope\.sh. on the Ansible Controller" out &&
	test_expect_code 5 adhoc host1 -m script 2>err &&
	test_grep "No argument passed to script module" err
'

test_expect_success 'the script does not stay on the host' '
	rm -f "$HOME"/.drover-t0305-ran-* &&
	test -z "$(ls -d ${TMPDIR:-/tmp}/drover-script.* 2>/dev/null)"
'

test_done
