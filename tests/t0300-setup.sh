#!/bin/sh
test_description='setup: facts with the names and types of Ansible setup, subsets, filter'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# facts FILE HOST: the ansible_facts of HOST from an --json run, as JSON.
facts() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d['plays'][0]['tasks'][0]['hosts'][sys.argv[2]].get('ansible_facts')))
" "$1" "$2"
}

test_expect_success 'setup runs on every host, changed false' '
	adhoc all --json -m setup >all.json &&
	facts all.json host1 >host1.json &&
	facts all.json host2 >host2.json &&
	python3 -c "
import json
for h in (\"host1\", \"host2\"):
    f = json.load(open(h + \".json\"))
    assert f[\"module_setup\"] is True and f[\"gather_subset\"] == [\"all\"], h
d = json.load(open(\"all.json\"))
for h in (\"host1\", \"host2\"):
    assert d[\"plays\"][0][\"tasks\"][0][\"hosts\"][h][\"changed\"] is False
"
'

if command -v ansible >/dev/null 2>&1; then
test_expect_success 'the listed facts match ansible -m setup in names, types and values' '
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_LOAD_CALLBACK_PLUGINS=1 \
		ANSIBLE_STDOUT_CALLBACK=json ansible -i "$FLEET_INV" host1 -m setup >ansible.json 2>/dev/null &&
	facts ansible.json host1 >ref.json &&
	python3 - <<-\PY
	import json
	ref = json.load(open("ref.json")); got = json.load(open("host1.json"))
	same_value = """hostname nodename fqdn domain os_family distribution distribution_version
	  distribution_major_version distribution_release architecture machine kernel kernel_version
	  system processor_vcpus processor_cores processor_count processor_nproc
	  processor_threads_per_core memtotal_mb swaptotal_mb all_ipv4_addresses
	  all_ipv6_addresses pkg_mgr service_mgr user_id user_uid user_gid user_dir user_shell
	  user_gecos real_user_id effective_user_id lsb selinux apparmor fips machine_id dns
	  interfaces userspace_bits system_vendor product_name form_factor
	  distribution_file_variety virtualization_type virtualization_role is_chroot
	  virtualization_tech_guest""".split()
	same_type = """memfree_mb swapfree_mb env date_time uptime_seconds mounts default_ipv4
	  default_ipv6 memory_mb loadavg cmdline proc_cmdline processor local""".split()
	bad = []
	for k in same_value + same_type:
	    k = "ansible_" + k
	    if k not in got:
	        bad.append("missing " + k); continue
	    if type(ref[k]) is not type(got[k]):
	        bad.append("type %s: %s vs %s" % (k, type(ref[k]).__name__, type(got[k]).__name__))
	for k in same_value:
	    k = "ansible_" + k
	    r, g = ref[k], got.get(k)
	    if k in ("ansible_interfaces", "ansible_virtualization_tech_guest"):
	        r, g = sorted(r), sorted(g)
	    if r != g:
	        bad.append("value %s: %r vs %r" % (k, r, g))
	dt = got["ansible_date_time"]
	if sorted(dt) != sorted(ref["ansible_date_time"]): bad.append("date_time keys")
	if not all(isinstance(v, str) for v in dt.values()): bad.append("date_time types")
	for k in ("address", "interface", "gateway", "netmask", "network", "broadcast", "prefix", "mtu", "type", "macaddress"):
	    if ref["ansible_default_ipv4"].get(k) != got["ansible_default_ipv4"].get(k):
	        bad.append("default_ipv4." + k)
	rm = {m["mount"]: m for m in ref["ansible_mounts"]}; gm = {m["mount"]: m for m in got["ansible_mounts"]}
	if sorted(rm) != sorted(gm): bad.append("mount points %s vs %s" % (sorted(rm), sorted(gm)))
	for p in rm:
	    for k, v in rm[p].items():
	        if type(v) is not type(gm.get(p, {}).get(k)): bad.append("mount %s %s type" % (p, k))
	    for k in ("device", "fstype", "options", "block_size", "block_total", "size_total", "inode_total"):
	        if rm[p][k] != gm[p][k]: bad.append("mount %s %s" % (p, k))
	for k in ("HOME", "PATH", "USER", "LOGNAME", "SHELL"):
	    if ref["ansible_env"].get(k) != got["ansible_env"].get(k): bad.append("env " + k)
	assert not bad, "\n".join(bad)
	PY
'
else
test_skip 'facts match ansible -m setup' 'ansible is not installed'
fi

test_expect_success 'gather_subset=!all keeps the minimal facts only' '
	adhoc host1 --json -m setup -a "gather_subset=!all" >min.json &&
	facts min.json host1 >min &&
	python3 -c "
import json
f = json.load(open(\"min\"))
for k in (\"ansible_distribution\", \"ansible_env\", \"ansible_date_time\", \"ansible_user_id\", \"ansible_pkg_mgr\"):
    assert k in f, k
for k in (\"ansible_mounts\", \"ansible_memtotal_mb\", \"ansible_default_ipv4\", \"ansible_interfaces\"):
    assert k not in f, k
assert f[\"gather_subset\"] == [\"!all\"]
"
'

test_expect_success 'gather_subset=!all,network adds the network facts only' '
	adhoc host1 --json -m setup -a "gather_subset=!all,network" >net.json &&
	facts net.json host1 >net &&
	python3 -c "
import json
f = json.load(open(\"net\"))
assert \"ansible_default_ipv4\" in f and \"ansible_all_ipv4_addresses\" in f
assert \"ansible_mounts\" not in f and \"ansible_processor_vcpus\" not in f
"
'

test_expect_success 'filter keeps the facts matching the globs' '
	adhoc host1 --json -m setup -a "filter=ansible_*_mb,ansible_distribution" >flt.json &&
	facts flt.json host1 >flt &&
	python3 -c "
import json
f = json.load(open(\"flt\"))
assert sorted(f) == [\"ansible_distribution\", \"ansible_memfree_mb\", \"ansible_memory_mb\", \"ansible_memtotal_mb\", \"ansible_swapfree_mb\", \"ansible_swaptotal_mb\"], sorted(f)
"
'

test_expect_success 'an unknown subset fails with its name' '
	test_expect_code 2 adhoc host1 -m setup -a "gather_subset=bogus" >out &&
	test_grep "Bad subset .bogus. given" out
'

test_expect_success 'json_str keeps any text valid JSON (control bytes, quotes, backslashes)' '
	printf "data=\"a\tb\\\\\"c\\\\\\\\d\001e\"" >args &&
	adhoc host1 --json -m ping -a "$(cat args)" >p.json &&
	python3 - <<-\PY
	import json
	d = json.load(open("p.json"))
	v = d["plays"][0]["tasks"][0]["hosts"]["host1"]["ping"]
	assert v == "a\tb" + "\"c" + chr(92) + "d\x01e", repr(v)  # escapes decoded as in parse_kv
	PY
'

test_expect_success 'setup takes well under a second per host' '
	start=$(date +%s%N) &&
	adhoc all -m setup >/dev/null &&
	adhoc all -m setup >/dev/null &&
	adhoc all -m setup >/dev/null &&
	end=$(date +%s%N) &&
	ms=$(( (end - start) / 1000000 / 3 )) &&
	echo "# setup on 2 hosts: $ms ms per run (connect included)" &&
	test "$ms" -lt 10000
'

test_done
