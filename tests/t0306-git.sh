#!/bin/sh
test_description='git: clone, update, versions (branch, tag, commit), local changes, check mode'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# field FILE HOST KEY: one key of an --json result.
field() {
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['plays'][0]['tasks'][0]['hosts'][sys.argv[2]]
v = r.get(sys.argv[3])
print('null' if v is None else v if not isinstance(v, bool) else str(v).lower())
" "$1" "$2" "$3"
}

g() {
	git -c user.email=t@example.com -c user.name=t "$@"
}

test_expect_success 'a bare repository with two commits, a tag and a branch' '
	git init -q -b main work &&
	echo 1 >work/f && g -C work add f && g -C work commit -qm one &&
	g -C work tag v1 &&
	g -C work branch stable &&
	echo 2 >work/f && g -C work commit -qam two &&
	git clone -q --bare work repo.git &&
	git -C work rev-parse v1 >c1 &&
	git -C work rev-parse main >c2
'
R="repo=$TRASH/repo.git"

test_expect_success 'check mode on a fresh dest: changed, after = remote HEAD, nothing cloned' '
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1 _ansible_check_mode=true" >r.json &&
	test "$(field r.json host1 changed)" = true &&
	test "$(field r.json host1 after)" = "$(cat c2)" &&
	test_path_is_missing co1
'

test_expect_success 'clone on two hosts: before null, after the head' '
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1" >r.json &&
	adhoc host2 --json -m git -a "$R dest=$TRASH/co2" >r2.json &&
	test "$(field r.json host1 before)" = null &&
	test "$(field r.json host1 after)" = "$(cat c2)" &&
	test "$(field r2.json host2 changed)" = true &&
	test "$(git -C co1 rev-parse HEAD)" = "$(cat c2)" &&
	test "$(cat co2/f)" = 2
'

test_expect_success 'again: unchanged' '
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1" >r.json &&
	test "$(field r.json host1 changed)" = false &&
	test "$(field r.json host1 before)" = "$(cat c2)"
'

test_expect_success 'version=v1 (tag), then a commit id, then branch stable' '
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1 version=v1" >r.json &&
	test "$(field r.json host1 changed)" = true &&
	test "$(field r.json host1 after)" = "$(cat c1)" &&
	test "$(cat co1/f)" = 1 &&
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1 version=$(cat c2)" >r.json &&
	test "$(cat co1/f)" = 2 &&
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1 version=stable" >r.json &&
	test "$(field r.json host1 after)" = "$(cat c1)" &&
	test "$(git -C co1 rev-parse --abbrev-ref HEAD)" = stable
'

test_expect_success 'a new commit upstream: check mode predicts it, a run fetches it' '
	echo 3 >work/f && g -C work commit -qam three &&
	git -C work push -q "$TRASH/repo.git" main &&
	git -C work rev-parse main >c3 &&
	adhoc host2 --json -m git -a "$R dest=$TRASH/co2 _ansible_check_mode=true" >r.json &&
	test "$(field r.json host2 changed)" = true &&
	test "$(field r.json host2 after)" = "$(cat c3)" &&
	test "$(cat co2/f)" = 2 &&
	adhoc host2 --json -m git -a "$R dest=$TRASH/co2" >r.json &&
	test "$(field r.json host2 before)" = "$(cat c2)" &&
	test "$(field r.json host2 after)" = "$(cat c3)" &&
	test "$(cat co2/f)" = 3
'

test_expect_success 'update=no leaves the checkout alone' '
	adhoc host1 --json -m git -a "$R dest=$TRASH/co1 version=main update=no" >r.json &&
	test "$(field r.json host1 changed)" = false &&
	test "$(git -C co1 rev-parse HEAD)" = "$(cat c1)"
'

test_expect_success 'local changes fail unless force=yes' '
	echo local >>co2/f &&
	test_expect_code 2 adhoc host2 -o -m git -a "$R dest=$TRASH/co2" >out &&
	test_grep "Local modifications exist in the destination: $TRASH/co2 (force=no)." out &&
	grep -q local co2/f &&
	adhoc host2 -o -m git -a "$R dest=$TRASH/co2 force=yes" >out &&
	test "$(cat co2/f)" = 3
'

test_expect_success 'shallow clone with depth=1' '
	adhoc host1 -o -m git -a "repo=file://$TRASH/repo.git dest=$TRASH/co3 depth=1" >out &&
	test_grep "CHANGED" out &&
	test "$(git -C co3 rev-list --count HEAD)" = 1
'

test_expect_success 'a missing repository fails with git message' '
	test_expect_code 2 adhoc host1 -o -m git -a "repo=$TRASH/none.git dest=$TRASH/co4" >out &&
	test_grep "FAILED" out &&
	test_grep "does not exist" out
'

test_done
