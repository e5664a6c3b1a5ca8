#!/bin/sh
test_description='dnf module on an isolated host, from a local RPM repository'
. "$(dirname "$0")/lib.sh"

for c in dnf rpm rpmbuild createrepo_c; do
	command -v $c >/dev/null 2>&1 || skip_all "$c missing (scripts/deps.sh)"
done
fleet_up_isolated 1
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
# The repository lives in the fleet folder, which the host sees as it is.
REPO=$FLEET/repo
# rpmq PKG...: rpm -q inside host1 (exit status kept, stdout only).
rpmq() {
	fleet_exec 1 "rpm -q $*"
}

test_expect_success 'setup: an RPM repository (built once), the only one of the host' '
	sh "$TEST_DIR/fleet/mkrpmrepo.sh" "$REPO" drover-web=1.0 \
		drover-web=1.1,drover-newdep drover-newdep=1.0 &&
	test_path_is_file "$REPO/drover-web-1.1-1.noarch.rpm" &&
	test -d "$REPO/repodata" &&
	fleet_exec 1 "mkdir -p /etc/yum.repos.d && rm -f /etc/yum.repos.d/* &&
		printf \"[drover-test]\nname=drover test\nbaseurl=file://$REPO\ngpgcheck=0\n\" \
		>/etc/yum.repos.d/drover-test.repo" &&
	test_path_is_missing /etc/yum.repos.d/drover-test.repo
'

test_expect_success 'check mode predicts an install and installs nothing' '
	adhoc host1 -m dnf -a "name=drover-web-1.0 _ansible_check_mode=true" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"msg\": \"\",\"rc\": 0,\"results\": \[\"drover-web-1.0\"\]" out &&
	test_must_fail rpmq drover-web
'

test_expect_success 'present installs, then no change' '
	adhoc host1 -m dnf -a "name=drover-web-1.0 update_cache=yes" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"msg\": \"\",\"rc\": 0,\"results\": \[\"drover-web-1.0\"\]" out &&
	test_grep "Installed:.*drover-web-1.0-1.noarch" out &&
	echo drover-web-1.0-1.noarch >expect && rpmq drover-web >actual && test_cmp expect actual &&
	fleet_exec 1 "cat /usr/share/drover-test/drover-web" >web && echo "drover-web 1.0" >expect &&
	test_cmp expect web &&
	adhoc host1 -m dnf -a "name=drover-web-1.0" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"msg\": \"\",\"rc\": 0,\"results\": \[\]" out &&
	adhoc host1 -m dnf -a "name=drover-web" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false" out
'

test_expect_success 'latest: check mode predicts, then 1.0 -> 1.1 with its new dependency' '
	adhoc host1 -m dnf -a "name=drover-web state=latest _ansible_check_mode=true" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true" out &&
	echo drover-web-1.0-1.noarch >expect && rpmq drover-web >actual && test_cmp expect actual &&
	adhoc host1 -m dnf -a "name=drover-web state=latest" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true" out &&
	printf "drover-web-1.1-1.noarch\ndrover-newdep-1.0-1.noarch\n" >expect &&
	rpmq drover-web drover-newdep >actual && test_cmp expect actual &&
	adhoc host1 -m dnf -a "name=drover-web state=latest" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false" out
'

test_expect_success 'absent removes, then no change; check mode removes nothing' '
	adhoc host1 -m dnf -a "name=drover-web,drover-newdep state=absent _ansible_check_mode=true" -o >out &&
	test_grep "^host1 | CHANGED" out &&
	rpmq drover-web drover-newdep >/dev/null &&
	adhoc host1 -m dnf -a "name=drover-web,drover-newdep state=absent" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"msg\": \"\",\"rc\": 0,\"results\": \[\"drover-web drover-newdep\"\]" out &&
	test_must_fail rpmq drover-web && test_must_fail rpmq drover-newdep &&
	adhoc host1 -m dnf -a "name=drover-web state=absent" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false" out
'

# Ansible's dnf module runs on the host with python3-dnf (Debian's dnf is
# built on it): the same changed/failed answers. (Few calls: each is slow.)
test_expect_success 'Ansible agrees on changed and on the missing package' '
	if ! command -v ansible >/dev/null ||
	   ! fleet_exec 1 "/usr/bin/python3 -c \"import dnf\"" 2>/dev/null; then
		echo "# ansible or python3-dnf missing: comparison skipped"
		adhoc host1 -m dnf -a "name=drover-web-1.0" -o >/dev/null
		return 0
	fi &&
	ansible() {
		ANSIBLE_CONFIG=$FLEET/ansible.cfg command ansible "$@"
	} &&
	ansible host1 -m dnf -a "name=drover-web-1.0" -o >a1 &&
	test_grep "^host1 | CHANGED" a1 &&
	echo drover-web-1.0-1.noarch >expect && rpmq drover-web >actual && test_cmp expect actual &&
	adhoc host1 -m dnf -a "name=drover-web-1.0" -o >d2 &&
	test_grep "^host1 | SUCCESS" d2 &&
	test_must_fail ansible host1 -m dnf -a "name=no-such-package" -o >a5 &&
	test_grep "No package no-such-package available." a5
'

test_expect_success "name='*' state=latest upgrades every package" '
	echo drover-web-1.0-1.noarch >expect && rpmq drover-web >actual && test_cmp expect actual &&
	adhoc host1 -m dnf -a "name=* state=latest" -o >out &&
	test_grep "^host1 | CHANGED" out &&
	echo drover-web-1.1-1.noarch >expect && rpmq drover-web >actual && test_cmp expect actual &&
	adhoc host1 -m dnf -a "name=* state=latest" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false" out
'

test_expect_success 'a missing package and bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m dnf -a "name=no-such-package" -o >out &&
	test_grep "^host1 | FAILED! => {\"changed\": false,\"msg\": \"dnf -y install no-such-package failed: No package no-such-package available.\"}" out &&
	test_expect_code 2 adhoc host1 -m dnf -a "name=drover-web state=bogus" -o >out &&
	test_grep "value of state must be one of: absent, installed, latest, present, removed, got: bogus" out &&
	test_expect_code 2 adhoc host1 -m dnf -a "state=present" -o >out &&
	test_grep "one of the following is required: name, pkg, update_cache, autoremove" out &&
	test_expect_code 2 adhoc host1 -m dnf -a "name=drover-web use_backend=zypper" -o >out &&
	test_grep "value of use_backend must be one of: auto, dnf, yum, got: zypper" out &&
	test_must_fail rpmq no-such-package
'

test_done
