#!/bin/sh
test_description='playbooks/patch.yml: a full rollback (downgrade, new packages removed, reboot again, health again); health checks by URL'
. "$(dirname "$0")/lib.sh"

command -v dpkg-deb >/dev/null 2>&1 || skip_all "dpkg-deb missing"
command -v python3 >/dev/null 2>&1 || skip_all "python3 missing"
fleet_up_isolated 2
. "$FLEET/fleet.env"

PLAYBOOK=$TEST_DIR/../playbooks/patch.yml
adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
patch() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$PLAYBOOK" \
		-e patch_serial=2 -e patch_min_free_mb=1 "$@"
}
# ver I [PKG]: the installed version of PKG (drover-web) on host I, or "none".
ver() {
	fleet_exec "$1" "dpkg-query -W -f='\${db:Status-Status} \${Version}' ${2:-drover-web} \
		2>/dev/null | sed -n 's/^installed //p'" >.ver || true
	if [ -s .ver ]; then cat .ver; else echo none; fi
}
boot_id() {
	fleet_exec "$1" "cat /proc/sys/kernel/random/boot_id"
}
reboots() {
	if [ -f "$FLEET/hosts/h$1/reboots" ]; then wc -l <"$FLEET/hosts/h$1/reboots" | tr -d " "
	else echo 0; fi
}
# use_repo I DIR: host I's only apt source is DIR.
use_repo() {
	fleet_exec "$1" "rm -f /etc/apt/sources.list /etc/apt/sources.list.d/* &&
		echo \"deb [trusted=yes] file:$2 ./\" >/etc/apt/sources.list.d/drover-test.list"
}
# rebuild DEB BIN POSTINST: DEB's /usr/bin/drover-web becomes BIN, and
# POSTINST (if not empty) its postinst script.
rebuild() {
	rm -rf deb && dpkg-deb -R "$1" deb &&
	printf "#!/bin/sh\n%s\n" "$2" >deb/usr/bin/drover-web &&
	if [ -n "$3" ]; then
		printf "#!/bin/sh\n%s\n" "$3" >deb/DEBIAN/postinst && chmod 755 deb/DEBIAN/postinst
	fi &&
	dpkg-deb --root-owner-group -Zgzip -b deb "$1" >/dev/null
}
BROKEN='echo "drover-web 1.1: broken" >&2; exit 1'
ASK_REBOOT='touch /var/run/reboot-required'

# Host 1's repository: a broken 1.1 that pulls in a brand-new package and
# asks for a reboot. Host 2's: a broken 1.1 and a 1.0 whose own
# installation asks for a reboot (so the rollback does, not the upgrade).
REPO1=$FLEET/repo1
REPO2=$FLEET/repo2
# reindex DIR: the index again after rebuild (mkrepo.sh rebuilds the
# packages it is given, so it gets one nobody installs).
reindex() {
	sh "$TEST_DIR/fleet/mkrepo.sh" "$1" drover-unused=1.0
}
test_expect_success 'setup: drover-web 1.0 on both hosts, each from its own repository' '
	sh "$TEST_DIR/fleet/mkrepo.sh" "$REPO1" drover-web=1.0 drover-web=1.1,drover-newdep \
		drover-newdep=1.0 &&
	rebuild "$REPO1/drover-web_1.1_all.deb" "$BROKEN" "$ASK_REBOOT" &&
	reindex "$REPO1" &&
	sh "$TEST_DIR/fleet/mkrepo.sh" "$REPO2" drover-web=1.0 drover-web=1.1 &&
	rebuild "$REPO2/drover-web_1.1_all.deb" "$BROKEN" "" &&
	rebuild "$REPO2/drover-web_1.0_all.deb" "echo drover-web 1.0" "$ASK_REBOOT" &&
	reindex "$REPO2" &&
	use_repo 1 "$REPO1" && use_repo 2 "$REPO2" &&
	adhoc all -m apt -a "name=drover-web=1.0 update_cache=yes" -o >out &&
	test "$(grep -c CHANGED out)" = 2 &&
	fleet_exec 2 "test -e /var/run/reboot-required && rm /var/run/reboot-required" &&
	test "$(ver 1) $(ver 2) $(ver 1 drover-newdep)" = "1.0 1.0 none"
'

test_expect_success 'a broken 1.1: each host is restored fully and fails' '
	boot_id 1 >boot1.before && boot_id 2 >boot2.before &&
	test_expect_code 2 patch -e patch_health_command=drover-web >bad.out &&
	test "$(ver 1) $(ver 2)" = "1.0 1.0" &&
	test "$(ver 1 drover-newdep) $(ver 2 drover-newdep)" = "none none" &&
	test "$(reboots 1) $(reboots 2)" = "2 1" &&
	boot_id 1 >boot1.after && boot_id 2 >boot2.after &&
	! cmp -s boot1.before boot1.after && ! cmp -s boot2.before boot2.after &&
	fleet_exec 1 /usr/bin/drover-web >web1 && echo "drover-web 1.0" >expect && test_cmp expect web1 &&
	sed -n "/^TASK \[Reboot and wait for the host\]/,/^TASK/p" bad.out >reboot.out &&
	test_grep "^changed: \[host1\]" reboot.out &&
	test_grep "^skipping: \[host2\]" reboot.out &&
	sed -n "/^TASK \[Remove the packages the upgrade installed (apt)\]/,/^TASK/p" bad.out >rm.out &&
	test_grep "^changed: \[host1\]" rm.out &&
	test_grep "^skipping: \[host2\]" rm.out &&
	sed -n "/^TASK \[Reboot after the rollback and wait for the host\]/,/^TASK/p" bad.out >reboot2.out &&
	test_grep "^changed: \[host1\]" reboot2.out &&
	test_grep "^changed: \[host2\]" reboot2.out &&
	test_grep "^fatal: \[host1\]: FAILED! => {\"changed\": false, \"msg\": \"patching failed at .Health check (command).: non-zero return code; rolled back to drover-web=1.0; removed drover-newdep; rebooted again; health check after the rollback passed\"}" bad.out &&
	test_grep "^fatal: \[host2\]: FAILED! => {\"changed\": false, \"msg\": \"patching failed at .Health check (command).: non-zero return code; rolled back to drover-web=1.0; removed nothing; rebooted again; health check after the rollback passed\"}" bad.out &&
	test_grep "^host1 *: .*failed=1 .*rescued=1" bad.out &&
	test_grep "^host2 *: .*failed=1 .*rescued=1" bad.out
'

test_expect_success 'the records: the failed health check is "rescued", the rollback steps and outcome are there' '
	"$DROVER" runs show last --host host1 >h1 &&
	grep -A1 "^TASK [0-9]* \[Health check (command)\]" h1 >step &&
	test_grep "^  host1 *rescued *rc=1 [0-9.]*s non-zero return code$" step &&
	for t in "Remove the packages the upgrade installed (apt)" \
		"Reboot after the rollback and wait for the host"; do
		grep -F -A1 "[$t]" h1 >step &&
		test_grep "^  host1 *changed " step || return 1
	done &&
	grep -A1 "^TASK [0-9]* \[Mark the host failed\]" h1 >step &&
	test_grep "^  host1 *failed .*removed drover-newdep; rebooted again; health check after the rollback passed$" step &&
	"$DROVER" runs show last --failed >failed &&
	test_must_fail grep -q "^TASK .*\[Health check (command)\]" failed &&
	test_grep "Mark the host failed" failed &&
	"$DROVER" runs export last --format junit >j.xml &&
	test_grep "<testsuites name=\"drover\" tests=\"[0-9]*\" failures=\"2\" " j.xml &&
	"$DROVER" runs export last --format json >j.json &&
	test "$(jq -c "[.stats.host1.failures, .stats.host1.rescued]" j.json)" = "[1,1]"
'

# A health check by URL, served from this machine (the hosts share its
# network), on a port of its own (lib.sh's http_port).
PORT=$(http_port)
URL=http://127.0.0.1:$PORT
cat >server.py <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/ok" else 500
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"healthy\n" if code == 200 else b"sick\n")
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY

test_expect_success 'setup: a health server, a good 1.1 on both hosts' '
	python3 server.py "$PORT" >server.log 2>&1 &
	echo $! >server.pid &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		curl -s "$URL/ok" >/dev/null && break
		sleep 0.3
	done &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/ok")" = 200 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/bad")" = 500 &&
	rm -rf "$REPO1" "$REPO2" &&
	sh "$TEST_DIR/fleet/mkrepo.sh" "$REPO1" drover-web=1.0 drover-web=1.1 &&
	use_repo 1 "$REPO1" && use_repo 2 "$REPO1" &&
	fleet_exec 1 "rm -f /var/run/reboot-required" &&
	fleet_exec 2 "rm -f /var/run/reboot-required"
'
SERVER_PID=$(cat "$TRASH/server.pid" 2>/dev/null)

test_expect_success 'a URL that answers 200: the upgrade stays' '
	patch -e patch_health_url=$URL/ok >ok.out &&
	test "$(ver 1) $(ver 2)" = "1.1 1.1" &&
	sed -n "/^TASK \[Health check (URL)\]/,/^TASK/p" ok.out >health.out &&
	test_grep "^ok: \[host1\]" health.out &&
	test_grep "^ok: \[host2\]" health.out &&
	test_grep -v "Roll back" ok.out &&
	test_grep "^host1 *: .*failed=0 .*rescued=0" ok.out
'

test_expect_success 'a URL that answers 500, or nothing at all: rolled back' '
	adhoc all -m apt -a "name=drover-web=1.0 allow_downgrade=yes" -o >out &&
	test "$(ver 1) $(ver 2)" = "1.0 1.0" &&
	cat >urls.yml <<-EOF &&
	patch_health_url: "{{ \"$URL/bad\" if inventory_hostname == \"host1\" else \"http://127.0.0.1:1/\" }}"
	EOF
	test_expect_code 2 patch -e @urls.yml >bad.out &&
	test "$(ver 1) $(ver 2)" = "1.0 1.0" &&
	sed -n "/^TASK \[Health check (URL)\]/,/^TASK/p" bad.out >health.out &&
	test_grep "^fatal: \[host1\]: FAILED!.*500" health.out &&
	test_grep "^fatal: \[host2\]: FAILED!" health.out &&
	sed -n "/^TASK \[Roll back to the recorded versions (apt)\]/,/^TASK/p" bad.out >rb.out &&
	test_grep "^changed: \[host1\]" rb.out &&
	test_grep "^changed: \[host2\]" rb.out &&
	test_grep "^fatal: \[host1\]: FAILED! => .*patching failed at .Health check (URL).: .*; rolled back to drover-web=1.0; removed nothing; no reboot needed; health check after the rollback FAILED\"}" bad.out &&
	test_grep "^fatal: \[host2\]: FAILED! => .*patching failed at .Health check (URL).: .*; rolled back to drover-web=1.0; removed nothing; no reboot needed; health check after the rollback FAILED\"}" bad.out
'

test_expect_success 'the health server stopped is exactly the one started' '
	pid=$(cat server.pid) &&
	tr "\0" " " </proc/$pid/cmdline >cmd &&
	test_grep "python3 server.py $PORT" cmd &&
	kill "$pid" &&
	i=0 && while kill -0 "$pid" 2>/dev/null; do i=$((i + 1)); test $i -lt 50; sleep 0.1; done
'
SERVER_PID=

test_done
