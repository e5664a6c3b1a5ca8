#!/bin/sh
test_description='find (names, regex, age, size, contains, depth, hidden, types) and tempfile'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# paths FILE: the sorted paths (relative to $TRASH/t) of a --json find result on host1.
paths() {
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['plays'][0]['tasks'][0]['hosts']['host1']
assert r['matched'] == len(r['files']), r
for p in sorted(f['path'] for f in r['files']):
    print(p.replace(sys.argv[2] + '/', ''))
" "$1" "$TRASH/t"
}

T=$TRASH/t
test_must_be_empty_() {
	[ ! -s "$1" ] || { echo "not empty: $1" >&2; cat "$1" >&2; return 1; }
}
test_expect_success 'a tree to search' '
	mkdir -p t/sub/deep t/.hid &&
	echo hello >t/a.txt &&
	echo "#!/bin/sh" >t/run.sh &&
	head -c 20000 /dev/zero >t/big.bin &&
	echo "key=1" >t/sub/b.conf &&
	echo "x" >t/sub/deep/c.txt &&
	echo "secret" >t/.hidden.txt &&
	touch -d "10 days ago" t/sub/b.conf &&
	ln -s a.txt t/link
'

test_expect_success 'default: files at the top, no hidden ones' '
	adhoc host1 --json -m find -a "paths=$T" >r.json &&
	paths r.json >got &&
	printf "a.txt\nbig.bin\nrun.sh\n" >want &&
	test_cmp want got
'

test_expect_success 'patterns (globs) with recurse, excludes' '
	adhoc host1 --json -m find -a "paths=$T patterns=*.txt,*.conf recurse=yes excludes=c.*" >r.json &&
	paths r.json >got &&
	printf "a.txt\nsub/b.conf\n" >want &&
	test_cmp want got
'

test_expect_success 'use_regex matches from the start of the name' '
	adhoc host1 --json -m find -a "paths=$T patterns=[ab]\\. use_regex=yes recurse=yes" >r.json &&
	paths r.json >got &&
	printf "a.txt\nsub/b.conf\n" >want &&
	test_cmp want got
'

test_expect_success 'age: older than 5 days, and newer than 5 days' '
	adhoc host1 --json -m find -a "paths=$T recurse=yes age=5d" >r.json &&
	paths r.json >got &&
	echo sub/b.conf >want &&
	test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T/sub recurse=yes age=-5d" >r.json &&
	paths r.json >got &&
	echo sub/deep/c.txt >want &&
	test_cmp want got
'

test_expect_success 'size: at least 10k, and at most 3 bytes' '
	adhoc host1 --json -m find -a "paths=$T recurse=yes size=10k" >r.json &&
	paths r.json >got &&
	echo big.bin >want &&
	test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T recurse=yes size=-3" >r.json &&
	paths r.json >got &&
	echo sub/deep/c.txt >want &&
	test_cmp want got
'

test_expect_success 'contains, hidden, file_type, depth' '
	adhoc host1 --json -m find -a "paths=$T recurse=yes contains=key=" >r.json &&
	paths r.json >got && echo sub/b.conf >want && test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T hidden=yes patterns=.h*" >r.json &&
	paths r.json >got && echo .hidden.txt >want && test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T recurse=yes file_type=directory" >r.json &&
	paths r.json >got && printf "sub\nsub/deep\n" >want && test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T file_type=link" >r.json &&
	paths r.json >got && echo link >want && test_cmp want got &&
	adhoc host1 --json -m find -a "paths=$T recurse=yes depth=2 patterns=*.txt,*.conf" >r.json &&
	paths r.json >got && printf "a.txt\nsub/b.conf\n" >want && test_cmp want got
'

test_expect_success 'stat fields of a match, as Ansible names and types them' '
	adhoc host1 --json -m find -a "paths=$T patterns=run.sh" >r.json &&
	python3 -c "
import json, os
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
f = r[\"files\"][0]
st = os.stat(\"t/run.sh\")
assert f[\"size\"] == st.st_size and f[\"inode\"] == st.st_ino and f[\"uid\"] == st.st_uid, f
assert f[\"mode\"] == \"%04o\" % (st.st_mode & 0o7777), f
assert f[\"isreg\"] is True and f[\"isdir\"] is False and f[\"islnk\"] is False
assert isinstance(f[\"mtime\"], float) and abs(f[\"mtime\"] - st.st_mtime) < 1
assert r[\"changed\"] is False and r[\"msg\"] == \"All paths examined\" and r[\"examined\"] >= 5
"
'

test_expect_success 'a missing path is skipped with a message; bad age fails' '
	adhoc host1 --json -m find -a "paths=$T,/nonexistent" >r.json &&
	python3 -c "
import json
r = json.load(open(\"r.json\"))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
assert r[\"msg\"] == \"Not all paths examined, check warnings for details\", r[\"msg\"]
assert \"/nonexistent\" in r[\"skipped_paths\"]
" &&
	test_expect_code 2 adhoc host1 -m find -a "paths=$T age=3x" >out &&
	test_grep "failed to process age" out
'

test_expect_success 'tempfile creates a 0600 file and a 0700 folder with prefix and suffix' '
	adhoc host1 --json -m tempfile -a "path=$TRASH prefix=pre. suffix=.suf" >f.json &&
	adhoc host1 --json -m tempfile -a "path=$TRASH state=directory" >d.json &&
	python3 -c "
import json, os, stat
for f, kind, mode in ((\"f.json\", \"file\", 0o600), (\"d.json\", \"directory\", 0o700)):
    r = json.load(open(f))[\"plays\"][0][\"tasks\"][0][\"hosts\"][\"host1\"]
    assert r[\"changed\"] is True and r[\"state\"] == kind, r
    p = r[\"path\"]
    st = os.stat(p)
    assert stat.S_IMODE(st.st_mode) == mode and r[\"mode\"] == \"%04o\" % mode, (p, oct(st.st_mode))
    assert (stat.S_ISDIR if kind == \"directory\" else stat.S_ISREG)(st.st_mode)
    if kind == \"file\":
        b = os.path.basename(p)
        assert b.startswith(\"pre.\") and b.endswith(\".suf\"), b
    else:
        assert os.path.basename(p).startswith(\"ansible.\")
"
'

test_expect_success 'tempfile: missing folder fails; check mode creates nothing' '
	test_expect_code 2 adhoc host1 -m tempfile -a "path=$TRASH/none" >out &&
	test_grep "No such file or directory" out &&
	mkdir empty &&
	adhoc host1 -m tempfile -a "path=$TRASH/empty _ansible_check_mode=true" >out &&
	test_grep "^host1 | SKIPPED" out &&
	ls -A empty >after &&
	test_must_be_empty_ after
'

test_done
