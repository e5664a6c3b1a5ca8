#!/bin/sh
test_description='apt module on an isolated host, from a local file repository'
. "$(dirname "$0")/lib.sh"

command -v dpkg-deb >/dev/null 2>&1 || skip_all "dpkg-deb missing"
fleet_up_isolated 1
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
# The repository lives in the fleet folder, which the host sees as it is.
REPO=$FLEET/repo
# ver PKG: the version installed on host1, or "none".
ver() {
	fleet_ssh 1 "dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' $1 2>/dev/null | sed -n 's/^ii *//p'" >.ver || true
	if [ -s .ver ]; then cat .ver; else echo none; fi
}

test_expect_success 'setup: a local repository, the only source of the host' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$REPO" drover-hello=1.0 drover-app=1.0,drover-hello &&
	test_path_is_file "$REPO/Packages" &&
	fleet_ssh 1 "rm -f /etc/apt/sources.list /etc/apt/sources.list.d/* &&
		echo \"deb [trusted=yes] file:$REPO ./\" >/etc/apt/sources.list.d/drover-test.list" &&
	test_path_is_missing /etc/apt/sources.list.d/drover-test.list
'

test_expect_success 'update_cache, then cache_valid_time skips it' '
	adhoc host1 -m apt -a "update_cache=yes" -o >out &&
	test_grep "^host1 | CHANGED => {\"cache_update_time\": [0-9]*,\"cache_updated\": true,\"changed\": true}" out &&
	adhoc host1 -m apt -a "update_cache=yes cache_valid_time=3600" -o >out &&
	test_grep "^host1 | SUCCESS => {\"cache_update_time\": [0-9]*,\"cache_updated\": false,\"changed\": false}" out
'

test_expect_success 'install, then no change' '
	adhoc host1 -m apt -a "name=drover-hello" -o >out &&
	test_grep "^host1 | CHANGED => {\"cache_update_time\": [0-9]*,\"cache_updated\": false,\"changed\": true,\"stderr\": .*\"stdout\": \"Reading package lists" out &&
	test "$(ver drover-hello)" = 1.0 &&
	fleet_ssh 1 drover-hello >hello && echo "drover-hello 1.0" >expect && test_cmp expect hello &&
	test_must_fail test -e /usr/bin/drover-hello &&
	adhoc host1 -m apt -a "name=drover-hello" -o >out &&
	test_grep "^host1 | SUCCESS => {\"cache_update_time\": [0-9]*,\"cache_updated\": false,\"changed\": false}" out
'

test_expect_success 'check mode reports apt-get -s and installs nothing' '
	adhoc host1 -m apt -a "name=drover-app _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	test_grep "Inst drover-app" out &&
	test "$(ver drover-app)" = none
'

test_expect_success 'latest upgrades to a new version in the repository' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$REPO" drover-hello=1.1 &&
	adhoc host1 -m apt -a "name=drover-hello state=latest update_cache=yes" -o >out &&
	test_grep "\"cache_updated\": true,\"changed\": true" out &&
	test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m apt -a "name=drover-hello state=latest" -o >out &&
	test_grep "SUCCESS" out
'

test_expect_success 'a pinned version: a downgrade needs allow_downgrade' '
	test_expect_code 2 adhoc host1 -m apt -a "name=drover-hello=1.0" -o >out &&
	test_grep "downgraded" out &&
	test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m apt -a "name=drover-hello=1.0 allow_downgrade=yes" -o >out &&
	test "$(ver drover-hello)" = 1.0 &&
	adhoc host1 -m apt -a "name=drover-hello=1.0" -o >out &&
	test_grep SUCCESS out
'

test_expect_success 'upgrade=dist, then nothing left to upgrade' '
	adhoc host1 -m apt -a "upgrade=dist _ansible_check_mode=true" -o >out &&
	test_grep CHANGED out && test "$(ver drover-hello)" = 1.0 &&
	adhoc host1 -m apt -a "upgrade=dist" -o >out &&
	test_grep CHANGED out && test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m apt -a "upgrade=dist" -o >out &&
	test_grep SUCCESS out
'

test_expect_success 'absent, then no change' '
	adhoc host1 -m apt -a "name=drover-hello state=absent" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true" out &&
	test "$(ver drover-hello)" = none &&
	adhoc host1 -m apt -a "name=drover-hello state=absent" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false}" out
'

test_expect_success 'deb= installs a file with its dependencies; autoremove' '
	adhoc host1 -m apt -a "deb=$REPO/drover-app_1.0_all.deb" -o >out &&
	test_grep CHANGED out &&
	test "$(ver drover-app)" = 1.0 && test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m apt -a "deb=$REPO/drover-app_1.0_all.deb" -o >out &&
	test_grep SUCCESS out &&
	adhoc host1 -m apt -a "name=drover-app state=absent" -o &&
	test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m apt -a "autoremove=yes" -o >out &&
	test_grep CHANGED out &&
	test "$(ver drover-hello)" = none
'

test_expect_success 'package dispatches to apt on a Debian host' '
	adhoc host1 -m package -a "name=drover-hello" -o >out &&
	test_grep "CHANGED" out &&
	test "$(ver drover-hello)" = 1.1 &&
	adhoc host1 -m package -a "name=drover-hello state=absent" -o >out &&
	test "$(ver drover-hello)" = none &&
	test_expect_code 2 adhoc host1 -m package -a "name=drover-hello use=dnf" -o >out &&
	test_grep "dnf" out
'

test_expect_success 'bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m apt -a "name=drover-hello state=bogus" -o >out &&
	test_grep "value of state must be one of: absent, latest, present, got: bogus" out &&
	test_expect_code 2 adhoc host1 -m apt -a "name=no-such-package" -o >out &&
	test_grep "No package matching .no-such-package. is available" out &&
	test_expect_code 2 adhoc host1 -m apt -a "upgrade=sideways" -o >out &&
	test_grep "value of upgrade must be one of" out &&
	test_expect_code 2 adhoc host1 -m apt -a "state=present" -o >out &&
	test_grep "one of the following is required" out
'

test_done
