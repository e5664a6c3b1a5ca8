#!/bin/sh
test_description='playbooks/patch.yml: rolling upgrades, reboot when required, rollback, lock, records'
. "$(dirname "$0")/lib.sh"

command -v dpkg-deb >/dev/null 2>&1 || skip_all "dpkg-deb missing"
fleet_up_isolated 4
. "$FLEET/fleet.env"

PLAYBOOK=$TEST_DIR/../playbooks/patch.yml
adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
patch() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$PLAYBOOK" "$@"
}
# The repositories live in the fleet folder, which the hosts see as it is.
GOOD=$FLEET/repo-good
BAD=$FLEET/repo-bad
# ver I: the version of drover-web installed on host I, or "none".
ver() {
	fleet_exec "$1" "dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' drover-web 2>/dev/null |
		sed -n 's/^ii *//p'" >.ver || true
	if [ -s .ver ]; then cat .ver; else echo none; fi
}
versions() {
	echo "$(ver 1) $(ver 2) $(ver 3) $(ver 4)"
}
# use_repo DIR: every host's only apt source is DIR.
use_repo() {
	for i in 1 2 3 4; do
		fleet_exec $i "rm -f /etc/apt/sources.list /etc/apt/sources.list.d/* &&
			echo \"deb [trusted=yes] file:$1 ./\" >/etc/apt/sources.list.d/drover-test.list" ||
			return 1
	done
}
boot_id() {
	fleet_exec "$1" "cat /proc/sys/kernel/random/boot_id"
}

test_expect_success 'setup: drover-web 1.0 on four hosts, from a local repository' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$GOOD" drover-web=1.0 &&
	use_repo "$GOOD" &&
	adhoc all -m apt -a "name=drover-web update_cache=yes" -o >out &&
	test "$(grep -c CHANGED out)" = 4 &&
	test "$(versions)" = "1.0 1.0 1.0 1.0"
'

test_expect_success 'a good 1.1 goes through every batch; a host that needs it reboots' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$GOOD" drover-web=1.1 &&
	fleet_exec 3 "touch /var/run/reboot-required" &&
	boot_id 3 >boot3.before && boot_id 1 >boot1.before &&
	patch -e patch_serial=2 -e patch_min_free_mb=1 \
		-e patch_health_command=drover-web >good.out &&
	test "$(versions)" = "1.1 1.1 1.1 1.1" &&
	test "$(grep -c "^PLAY \[Patch hosts in rolling batches\]" good.out)" = 2 &&
	test_grep "^changed: \[host3\]" good.out &&
	sed -n "/^TASK \[Reboot and wait for the host\]/,/^TASK/p" good.out >reboot.out &&
	test_grep "^changed: \[host3\]" reboot.out &&
	test "$(grep -c "^skipping:" reboot.out)" = 3 &&
	boot_id 3 >boot3.after && boot_id 1 >boot1.after &&
	! cmp -s boot3.before boot3.after &&
	cmp boot1.before boot1.after &&
	for h in host1 host2 host3 host4; do
		test_grep "^$h *: ok=[0-9]* *changed=[1-9][0-9]* *unreachable=0 *failed=0" good.out || return 1
	done
'

test_expect_success 'the recorded versions are kept as a fact (the run'\''s records)' '
	fleet_exec 3 "rm -f /var/run/reboot-required" &&
	"$DROVER" runs export last --format json >good.json &&
	jq -r "[.plays[].tasks[] | select(.task.name == \"Keep the recorded versions as a fact\")
		| .hosts | to_entries[]
		| \"\(.key) \(.value.ansible_facts.patch_previous_versions | join(\",\"))\"]
		| sort | .[]" good.json >facts &&
	printf "host%s drover-web=1.0\n" 1 2 3 4 >expect &&
	test_cmp expect facts
'

test_expect_success 'setup: a bad 1.1 (drover-web fails) and every host back on 1.0' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$BAD" drover-web=1.0 drover-web=1.1 &&
	rm -rf deb && dpkg-deb -R "$BAD/drover-web_1.1_all.deb" deb &&
	printf "#!/bin/sh\necho \"drover-web 1.1: broken\" >&2\nexit 1\n" >deb/usr/bin/drover-web &&
	dpkg-deb --root-owner-group -Zgzip -b deb "$BAD/drover-web_1.1_all.deb" >/dev/null &&
	sh "$TEST_DIR/fleet/mkrepo.sh" "$BAD" drover-web=1.0 &&
	use_repo "$BAD" &&
	adhoc all -m apt -a "name=drover-web=1.0 allow_downgrade=yes update_cache=yes" -o >out &&
	test "$(versions)" = "1.0 1.0 1.0 1.0"
'

test_expect_success 'a bad 1.1: the first batch is rolled back and failed, the second untouched' '
	test_expect_code 2 patch -e patch_serial=2 -e patch_min_free_mb=1 \
		-e patch_health_command=drover-web >bad.out &&
	test "$(versions)" = "1.0 1.0 1.0 1.0" &&
	test "$(grep -c "^PLAY \[Patch hosts in rolling batches\]" bad.out)" = 1 &&
	sed -n "/^TASK \[Health check (command)\]/,/^TASK/p" bad.out >health.out &&
	test_grep "^fatal: \[host1\]: FAILED!.*drover-web 1.1: broken" health.out &&
	test_grep "^fatal: \[host2\]: FAILED!.*drover-web 1.1: broken" health.out &&
	sed -n "/^TASK \[Roll back to the recorded versions (apt)\]/,/^TASK/p" bad.out >rollback.out &&
	test_grep "^changed: \[host1\]" rollback.out &&
	test_grep "^changed: \[host2\]" rollback.out &&
	test_grep "^fatal: \[host1\]: FAILED! => {\"changed\": false, \"msg\": \"patching failed at .Health check (command).: non-zero return code; rolled back to drover-web=1.0; removed nothing; no reboot needed; health check after the rollback passed\"}" bad.out &&
	test_grep "^host1 *: .*failed=1 .*rescued=1" bad.out &&
	test_grep "^host2 *: .*failed=1 .*rescued=1" bad.out &&
	test_grep -v "host3" bad.out &&
	test_grep -v "host4" bad.out
'

test_expect_success 'the records show every step of the failed run' '
	"$DROVER" runs show last >show &&
	for t in "Pre-check - free space on /" "Record the versions apt will upgrade" \
		"Upgrade every package (apt dist-upgrade)" "Health check (command)" \
		"Roll back to the recorded versions (apt)" "Mark the host failed"; do
		test_grep -F "$t" show || return 1
	done &&
	"$DROVER" runs show last --host host1 >h1 &&
	grep -A1 "^TASK [0-9]* \[Health check (command)\]" h1 >step &&
	test_grep "^  host1 *rescued *rc=1 [0-9.]*s non-zero return code$" step &&
	grep -A1 "^TASK [0-9]* \[Roll back to the recorded versions (apt)\]" h1 >step &&
	test_grep "^  host1 *changed " step &&
	grep -A1 "^TASK [0-9]* \[Mark the host failed\]" h1 >step &&
	test_grep "^  host1 *failed *[0-9.]*s patching failed at .Health check (command).: non-zero return code; rolled back to drover-web=1.0; removed nothing; no reboot needed; health check after the rollback passed$" step &&
	"$DROVER" runs show last --failed >failed &&
	test_grep "Mark the host failed" failed &&
	test_must_fail grep -q host3 failed &&
	"$DROVER" runs show last --host host3 >h3 &&
	test_must_fail grep -q "Upgrade" h3 &&
	"$DROVER" runs list --limit 1 >list &&
	test_grep " 2 " list
'

test_expect_success 'an overlapping run is refused by the lock (exit 75), touching nothing' '
	(flock 9 && exec sleep 30) 9>run.lock &
	holder=$!
	n=0
	while flock -n run.lock true; do
		n=$((n + 1)); [ $n -lt 100 ] || break; sleep 0.1
	done
	test_expect_code 75 patch --lock=run.lock -e patch_serial=2 >out 2>err
	rc=$?
	kill $holder
	test $rc = 0 &&
	test_grep "^ERROR! another drover run holds the lock run.lock; not starting$" err &&
	test ! -s out &&
	test "$(versions)" = "1.0 1.0 1.0 1.0"
'

test_expect_success 'too little free space on /: the first batch fails its pre-check, nothing changes' '
	test_expect_code 2 patch -e patch_serial=2 -e patch_min_free_mb=999999999 >disk.out &&
	test "$(grep -c "^PLAY \[Patch hosts in rolling batches\]" disk.out)" = 1 &&
	test_grep "^fatal: \[host1\]: FAILED! => {\"assertion\": .*\"msg\": \"only [0-9]* MiB free on /, 999999999 needed\"" disk.out &&
	test_grep -v "TASK \[Upgrade" disk.out &&
	test_grep "^host1 *: .*changed=0 .*failed=1 " disk.out &&
	test_grep -v "host3" disk.out &&
	test "$(versions)" = "1.0 1.0 1.0 1.0"
'

# The same playbook under real Ansible: the rescue rolls the first batch
# back and max_fail_percentage stops the second, as with drover.
if command -v ansible-playbook >/dev/null 2>&1; then
	test_expect_success 'ansible-playbook runs patch.yml the same way (bad 1.1, rollback)' '
		test_expect_code 2 env ANSIBLE_CONFIG="$FLEET/ansible.cfg" ANSIBLE_NOCOLOR=1 \
			ansible-playbook "$PLAYBOOK" -e patch_serial=2 -e patch_min_free_mb=1 \
			-e patch_health_command=drover-web >ansible.out 2>&1 &&
		test "$(versions)" = "1.0 1.0 1.0 1.0" &&
		sed -n "/^TASK \[Roll back to the recorded versions (apt)\]/,/^TASK/p" ansible.out >rollback.out &&
		test_grep "^changed: \[host1\]" rollback.out &&
		test_grep "^changed: \[host2\]" rollback.out &&
		test_grep "^fatal: \[host1\]: FAILED! => {\"changed\": false, \"msg\": \"patching failed at .Health check (command).: non-zero return code; rolled back to drover-web=1.0; removed nothing; no reboot needed; health check after the rollback passed\"}" ansible.out &&
		test_grep "^host1 *: .*failed=1 .*rescued=1" ansible.out &&
		test_grep -v "host3" ansible.out
	'
else
	test_skip 'ansible-playbook runs patch.yml the same way (bad 1.1, rollback)' \
		'ansible-playbook missing'
fi

test_done
