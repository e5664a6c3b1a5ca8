#!/bin/sh
test_description='playbooks/patch.yml on dnf hosts: a good upgrade stays, a bad one is rolled back (downgrade, new packages removed)'
. "$(dirname "$0")/lib.sh"

for c in dnf rpm rpmbuild createrepo_c; do
	command -v $c >/dev/null 2>&1 || skip_all "$c missing (scripts/deps.sh)"
done
fleet_up_isolated 2
. "$FLEET/fleet.env"

PLAYBOOK=$TEST_DIR/../playbooks/patch.yml
adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
# The isolated hosts are Debian (setup says apt): the dnf branch is forced.
patch() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$PLAYBOOK" \
		-e patch_serial=2 -e patch_min_free_mb=1 -e ansible_pkg_mgr=dnf "$@"
}
# ver I PKG: rpm -q PKG on host I, or "none".
ver() {
	fleet_exec "$1" "rpm -q --qf '%{VERSION}-%{RELEASE}' $2" >.ver 2>/dev/null || echo none >.ver
	cat .ver
}
REPO=$FLEET/repo

test_expect_success 'setup: one RPM repository (built once), drover-web 1.0 on both hosts' '
	sh "$TEST_DIR/fleet/mkrpmrepo.sh" "$REPO" drover-web=1.0 \
		drover-web=1.1,drover-newdep drover-newdep=1.0 &&
	for i in 1 2; do
		fleet_exec $i "mkdir -p /etc/yum.repos.d && rm -f /etc/yum.repos.d/* &&
			printf \"[drover-test]\nname=drover test\nbaseurl=file://$REPO\ngpgcheck=0\n\" \
			>/etc/yum.repos.d/drover-test.repo" || return 1
	done &&
	adhoc all -m dnf -a "name=drover-web-1.0" -o >out &&
	test "$(grep -c CHANGED out)" = 2 &&
	test "$(ver 1 drover-web) $(ver 2 drover-web) $(ver 1 drover-newdep)" = "1.0-1 1.0-1 none"
'

# host1's health check passes with 1.1; host2's fails with 1.1 (a "bad"
# 1.1 for it) and passes once it is back on 1.0.
test_expect_success 'host1 keeps a good 1.1; host2 is rolled back to 1.0 without drover-newdep' '
	cat >health.yml <<-\EOF &&
	patch_health_command: "{{ \"true\" if inventory_hostname == \"host1\" else \"! rpm -q drover-web-1.1\" }}"
	EOF
	fleet_exec 1 "! command -v needs-restarting" &&
	test_expect_code 2 patch -e @health.yml -v >run.out &&
	test "$(ver 1 drover-web) $(ver 1 drover-newdep)" = "1.1-1 1.0-1" &&
	test "$(ver 2 drover-web) $(ver 2 drover-newdep)" = "1.0-1 none" &&
	fleet_exec 2 "cat /usr/share/drover-test/drover-web" >web2 &&
	echo "drover-web 1.0" >expect && test_cmp expect web2 &&
	sed -n "/^TASK \[Upgrade packages (dnf\/yum)\]/,/^TASK/p" run.out >up.out &&
	test_grep "^changed: \[host1\]" up.out && test_grep "^changed: \[host2\]" up.out &&
	sed -n "/^TASK \[Does the host need a reboot? (needs-restarting -r)\]/,/^TASK/p" run.out >nr.out &&
	test_grep "^ok: \[host1\] => .*needs-restarting is not installed: no reboot needed" nr.out &&
	test_grep "^ok: \[host2\] => .*needs-restarting is not installed: no reboot needed" nr.out &&
	sed -n "/^TASK \[Reboot and wait for the host\]/,/^TASK/p" run.out >rb.out &&
	test_grep "^skipping: \[host1\]" rb.out &&
	sed -n "/^TASK \[Roll back to the recorded versions (dnf\/yum)\]/,/^TASK/p" run.out >rb.out &&
	test_grep "^changed: \[host2\]" rb.out && test_grep -v host1 rb.out &&
	sed -n "/^TASK \[Remove the packages the upgrade installed (dnf\/yum)\]/,/^TASK/p" run.out >rm.out &&
	test_grep "^changed: \[host2\]" rm.out &&
	test_grep "^fatal: \[host2\]: FAILED! => {\"changed\": false, \"msg\": \"patching failed at .Health check (command).: non-zero return code; rolled back to drover-web-1.0-1; removed drover-newdep; no reboot needed; health check after the rollback passed\"}" run.out &&
	test_grep "^host1 *: .*failed=0 .*rescued=0" run.out &&
	test_grep "^host2 *: .*failed=1 .*rescued=1" run.out
'

test_done
