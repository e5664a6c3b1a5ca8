#!/bin/sh
test_description='drover inventory agrees with ansible-inventory; bad inventories stop adhoc'
. "$(dirname "$0")/lib.sh"

FIX=$TEST_DIR/fixtures
fleet_up 2
. "$FLEET/fleet.env"

have_ai=
command -v ansible-inventory >/dev/null 2>&1 && have_ai=1

# same_json A B: A and B hold equal JSON documents (list order counts).
same_json() {
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
if a != b:
    sys.stderr.write("JSON differs\n")
    sys.exit(1)
' "$1" "$2" || {
		python3 -m json.tool --sort-keys "$1" >"$1.pretty" 2>&1
		python3 -m json.tool --sort-keys "$2" >"$2.pretty" 2>&1
		diff -u "$1.pretty" "$2.pretty" >&2
		return 1
	}
}

# compare_list INV...: --list of drover and ansible-inventory equal.
compare_list() {
	_args=
	for _i in "$@"; do _args="$_args -i $_i"; done
	# shellcheck disable=SC2086
	"$DROVER" inventory $_args --list >drover.json &&
	ansible-inventory $_args --list >ansible.json 2>ansible.err &&
	same_json ansible.json drover.json
}

# compare_text ARGS...: drover inventory ARGS and ansible-inventory ARGS
# print the same text.
compare_text() {
	"$DROVER" inventory "$@" >drover.txt &&
	ansible-inventory "$@" >ansible.txt 2>ansible.err &&
	test_cmp ansible.txt drover.txt
}

if [ -z "$have_ai" ]; then
	skip_all 'ansible-inventory not installed'
fi

test_expect_success 'setup: copies of the fixtures' '
	cp "$FIX/inventory-rich.ini" rich.ini &&
	cp "$FIX/inventory-tree.yml" tree.yml
'

test_expect_success '--list: fleet inventory as ansible-inventory' '
	compare_list "$FLEET_INV"
'

test_expect_success '--graph: fleet inventory as ansible-inventory' '
	compare_text -i "$FLEET_INV" --graph
'

test_expect_success '--host: fleet inventory as ansible-inventory' '
	for h in host1 host2; do
		"$DROVER" inventory -i "$FLEET_INV" --host $h >d.json &&
		ansible-inventory -i "$FLEET_INV" --host $h >a.json &&
		same_json a.json d.json || exit 1
	done
'

test_expect_success '--list: INI with ranges, children, vars as ansible-inventory' '
	compare_list rich.ini &&
	# the fixture really has what it claims
	python3 -c "
import json
d = json.load(open(\"drover.json\"))
assert d[\"web\"][\"hosts\"][:3] == [\"web01.example.com\", \"web02.example.com\", \"web03.example.com\"], d[\"web\"]
assert \"app5\" in d[\"web\"][\"hosts\"] and \"app3\" not in d[\"web\"][\"hosts\"]
assert \"backend\" in d[\"dc\"][\"children\"]
assert d[\"_meta\"][\"hostvars\"][\"db1\"][\"region\"] == \"eu\"
"
'

test_expect_success '--graph: INI with ranges, children, vars' '
	compare_text -i rich.ini --graph
'

test_expect_success '--graph --vars: INI with ranges, children, vars' '
	compare_text -i rich.ini --graph --vars
'

test_expect_success '--graph GROUP' '
	compare_text -i rich.ini --graph dc &&
	compare_text -i rich.ini --graph backend
'

test_expect_success '--host: typed values, group vars, range hosts' '
	for h in solo1 solo2 web02.example.com web-b app5 db1 redis1; do
		"$DROVER" inventory -i rich.ini --host "$h" >d.json &&
		ansible-inventory -i rich.ini --host "$h" >a.json &&
		same_json a.json d.json || { echo "host $h differs"; exit 1; }
	done
'

test_expect_success '--list and --graph: YAML inventory' '
	compare_list tree.yml &&
	compare_text -i tree.yml --graph
'

# ansible: groups that a YAML source puts under "all" explicitly come before
# the groups reconcile_inventory adds to "all" at the end (INI groups).
test_expect_success '--list and --graph: INI plus YAML sources, order as ansible' '
	compare_list rich.ini tree.yml &&
	compare_text -i rich.ini -i tree.yml --graph
'

test_expect_success '--host for an unknown host: exit 5 like ansible-inventory' '
	test_expect_code 5 "$DROVER" inventory -i rich.ini --host nosuchhost 2>err &&
	test_grep "You must pass a single valid host to --host parameter" err
'

# A malformed inventory must stop adhoc before it runs anything: the
# command would create a file.
test_expect_success 'setup: malformed inventories built on the fleet' '
	grep -v "^#" "$FLEET_INV" >good &&
	lines=$(wc -l <good) &&
	{ cat good; echo "[broken"; echo host1; } >bad-section &&
	echo $((lines + 1)) >bad-section.line &&
	{ cat good; echo "[odd:vars]"; echo "fine=1"; echo "noequalsign"; } >bad-vars &&
	echo $((lines + 3)) >bad-vars.line &&
	{ echo "[web]"; echo "host1"; echo "[web:children"; cat good; } >bad-early &&
	echo 3 >bad-early.line
'

for bad in bad-section bad-vars bad-early; do
	test_expect_success "adhoc with malformed inventory ($bad): exit 4, file:line, nothing run" '
		rm -f ran-'$bad' &&
		test_expect_code 4 "$DROVER" adhoc all -i '$bad' --known-hosts "$FLEET_KH" \
			-m command -a "touch $TRASH/ran-'$bad'" >out 2>err &&
		test_grep "'$bad'" err &&
		test_grep "'$bad':$(cat '$bad'.line)\\b" err &&
		test_grep -v "SUCCESS\|CHANGED\|FAILED" out &&
		test_path_is_missing ran-'$bad' &&
		test_path_is_missing "$FLEET/ran-'$bad'"
	'
done

test_expect_success 'malformed inventory named by absolute path: message names it' '
	rm -f ran-abs &&
	test_expect_code 4 "$DROVER" adhoc all -i "$TRASH/bad-vars" --known-hosts "$FLEET_KH" \
		-m shell -a "touch $TRASH/ran-abs" 2>err &&
	test_grep "$TRASH/bad-vars:$(cat bad-vars.line)\\b" err &&
	test_path_is_missing ran-abs
'

test_expect_success 'one malformed source among good ones: nothing runs on any host' '
	rm -f ran-mixed &&
	test_expect_code 4 "$DROVER" adhoc all -i "$FLEET_INV" -i bad-vars \
		--known-hosts "$FLEET_KH" -m shell -a "touch $TRASH/ran-mixed" >out 2>err &&
	test_grep "bad-vars:$(cat bad-vars.line)\\b" err &&
	test_path_is_missing ran-mixed
'

test_expect_success 'malformed inventory: drover inventory exits 4 with file:line' '
	test_expect_code 4 "$DROVER" inventory -i bad-vars --list >out 2>err &&
	test_grep "bad-vars:$(cat bad-vars.line)\\b" err
'

test_expect_success 'sanity: the good part alone runs' '
	"$DROVER" adhoc all -i good --known-hosts "$FLEET_KH" -m shell -a "touch $TRASH/ran-good" -o >out &&
	test $(grep -c "| CHANGED |" out) -eq 2 &&
	test_path_is_file ran-good
'

test_expect_success 'drover inventory has no --limit, like ansible-inventory 2.14: exit 5' '
	test_expect_code 5 "$DROVER" inventory -i good --list --limit host1 >out 2>err &&
	test_grep "unrecognized option .--limit" err &&
	test ! -s out
'

test_done
