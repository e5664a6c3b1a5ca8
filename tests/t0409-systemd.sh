#!/bin/sh
test_description='service and systemd modules on hosts whose PID 1 is a real systemd, against Ansible'
. "$(dirname "$0")/lib.sh"

fleet_up_systemd 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
play() {
	"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible -i "$FLEET_INV" "$@"
}
have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1

# sd I ARGS...: systemctl inside host I (through nsenter, not drover).
sd() {
	_i=$1
	shift
	fleet_exec "$_i" "systemctl $*"
}
main_pid() {
	sd 1 show -p MainPID --value drover-sd
}
reloads() {
	fleet_exec 1 "cat /var/log/drover-sd.log 2>/dev/null" | wc -l | tr -d " "
}
# The unit file lies under /usr/lib, so that `mask` can put its /dev/null
# link in /etc/systemd/system.
UNIT=/usr/lib/systemd/system/drover-sd.service
WANTS=/etc/systemd/system/multi-user.target.wants/drover-sd.service

# A service: sleeps, and counts its reloads.
cat >"$FLEET/drover-sd.service" <<\EOF
[Unit]
Description=drover t0409 service

[Service]
Type=simple
ExecStart=/bin/sleep 100000
ExecReload=/bin/sh -c 'echo reload >>/var/log/drover-sd.log'

[Install]
WantedBy=multi-user.target
EOF
# A service that fails at once and waits a minute to be restarted: it
# stays "activating (auto-restart)", neither active nor inactive.
cat >"$FLEET/drover-flap.service" <<\EOF
[Unit]
Description=drover t0409 crashing service

[Service]
ExecStart=/bin/false
Restart=always
RestartSec=60
EOF

test_expect_success 'the hosts boot systemd as PID 1, which drover sees' '
	test "$(fleet_exec 1 "cat /proc/1/comm")" = systemd &&
	test "$(fleet_exec 2 "cat /proc/1/comm")" = systemd &&
	sd 1 is-system-running --wait >booted || true &&
	echo running >expect && test_cmp expect booted &&
	fleet_ssh 1 "test -d /run/systemd/system && hostname" >name &&
	echo host1 >expect && test_cmp expect name &&
	for i in 1 2; do
		fleet_exec $i "install -m 644 $FLEET/drover-sd.service $UNIT &&
			install -m 644 $FLEET/drover-flap.service /usr/lib/systemd/system/" || return 1
	done &&
	test "$(sd 1 is-active drover-sd)" = inactive
'

test_expect_success 'started, then no change' '
	adhoc host1 -m systemd -a "name=drover-sd state=started" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"started\"}" out &&
	test "$(sd 1 is-active drover-sd)" = active &&
	pid=$(main_pid) && test "$pid" -gt 1 &&
	adhoc host1 -m service -a "name=drover-sd state=started" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"name\": \"drover-sd\",\"state\": \"started\"}" out &&
	test "$(main_pid)" = "$pid"
'

test_expect_success 'restarted starts a new process; reloaded runs ExecReload' '
	pid=$(main_pid) &&
	adhoc host1 -m systemd -a "name=drover-sd state=restarted" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"started\"}" out &&
	new=$(main_pid) && test "$new" -gt 1 && test "$new" != "$pid" &&
	adhoc host1 -m systemd -a "name=drover-sd state=reloaded" -o >out &&
	test_grep "CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"started\"}" out &&
	test "$(reloads)" = 1 &&
	test "$(main_pid)" = "$new"
'

test_expect_success 'stopped, then no change; reloaded starts a stopped unit' '
	adhoc host1 -m systemd -a "name=drover-sd state=stopped" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"stopped\"}" out &&
	test "$(sd 1 is-active drover-sd)" = inactive &&
	adhoc host1 -m systemd -a "name=drover-sd state=stopped" -o >out &&
	test_grep "SUCCESS => {\"changed\": false" out &&
	adhoc host1 -m systemd -a "name=drover-sd state=reloaded" -o >out &&
	test_grep CHANGED out &&
	test "$(sd 1 is-active drover-sd)" = active &&
	test "$(reloads)" = 1
'

test_expect_success 'enabled=yes links the unit into multi-user.target.wants, then no change' '
	test_must_fail fleet_exec 1 "test -L $WANTS" &&
	adhoc host1 -m systemd -a "name=drover-sd enabled=yes" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"enabled\": true,\"name\": \"drover-sd\"}" out &&
	fleet_exec 1 "readlink -f $WANTS" >target &&
	echo "$UNIT" >expect && test_cmp expect target &&
	test "$(sd 1 is-enabled drover-sd)" = enabled &&
	adhoc host1 -m service -a "name=drover-sd enabled=yes" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"enabled\": true" out
'

test_expect_success 'enabled=no removes the link, then no change' '
	adhoc host1 -m systemd -a "name=drover-sd enabled=no" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"enabled\": false,\"name\": \"drover-sd\"}" out &&
	test_must_fail fleet_exec 1 "test -e $WANTS" &&
	test "$(sd 1 is-enabled drover-sd)" = disabled &&
	adhoc host1 -m systemd -a "name=drover-sd enabled=no" -o >out &&
	test_grep "SUCCESS => {\"changed\": false" out
'

test_expect_success 'an alias of an enabled unit does not count as enabled' '
	adhoc host1 -m systemd -a "name=drover-sd enabled=yes" -o &&
	fleet_exec 1 "ln -s $UNIT /etc/systemd/system/drover-alias.service" &&
	adhoc host1 -m systemd -a "name=drover-alias enabled=no daemon_reload=yes" -o >out &&
	test_grep "SUCCESS => {\"changed\": false,\"enabled\": false" out &&
	test "$(sd 1 is-enabled drover-sd)" = enabled &&
	fleet_exec 1 "rm /etc/systemd/system/drover-alias.service"
'

test_expect_success 'daemon_reload loads a changed unit file (and changes nothing itself)' '
	fleet_exec 1 "sed -i s/100000/200000/ $UNIT" &&
	test "$(sd 1 show -p NeedDaemonReload --value drover-sd)" = yes &&
	adhoc host1 -m systemd -a "daemon_reload=yes" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false,\"name\": null}" out &&
	test "$(sd 1 show -p NeedDaemonReload --value drover-sd)" = no &&
	adhoc host1 -m systemd -a "name=drover-sd state=restarted daemon_reload=yes" -o >out &&
	test_grep CHANGED out &&
	fleet_exec 1 "ps -o args= -p $(main_pid)" >args &&
	echo "/bin/sleep 200000" >expect && test_cmp expect args
'

test_expect_success 'check mode changes nothing' '
	pid=$(main_pid) &&
	adhoc host1 -m systemd -a "name=drover-sd state=stopped enabled=no masked=yes daemon_reload=yes _ansible_check_mode=true" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"enabled\": false" out &&
	test "$(sd 1 is-active drover-sd)" = active &&
	test "$(sd 1 is-enabled drover-sd)" = enabled &&
	test "$(main_pid)" = "$pid" &&
	adhoc host1 -m systemd -a "name=drover-sd state=restarted _ansible_check_mode=true" -o >out &&
	test_grep CHANGED out &&
	test "$(main_pid)" = "$pid"
'

test_expect_success 'masked=yes links the unit to /dev/null and stops starts; masked=no undoes it' '
	adhoc host1 -m systemd -a "name=drover-sd state=stopped masked=yes" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"stopped\"}" out &&
	test "$(sd 1 is-enabled drover-sd)" = masked &&
	test "$(fleet_exec 1 "readlink /etc/systemd/system/drover-sd.service")" = /dev/null &&
	adhoc host1 -m systemd -a "name=drover-sd masked=yes" -o >out &&
	test_grep "SUCCESS => {\"changed\": false" out &&
	test_expect_code 2 adhoc host1 -m systemd -a "name=drover-sd state=started" -o >out &&
	test_grep "Unable to run .systemctl --system start drover-sd.: .*masked" out &&
	test "$(sd 1 is-active drover-sd)" = inactive &&
	adhoc host1 -m systemd -a "name=drover-sd masked=no state=started" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-sd\",\"state\": \"started\"}" out &&
	test_must_fail fleet_exec 1 "test -e /etc/systemd/system/drover-sd.service" &&
	test "$(sd 1 is-active drover-sd)" = active
'

# is-active says "activating" for it: drover took that for stopped.
test_expect_success 'stopped stops a unit waiting to be restarted after a crash' '
	sd 1 start drover-flap &&
	until test "$(sd 1 show -p SubState --value drover-flap)" = auto-restart; do sleep 0.1; done &&
	adhoc host1 -m systemd -a "name=drover-flap state=stopped" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"name\": \"drover-flap\",\"state\": \"stopped\"}" out &&
	test "$(sd 1 show -p ActiveState --value drover-flap)" = inactive
'

test_expect_success 'a playbook: first run changes, second changes nothing, --check changes nothing' '
	cat >site.yml <<-\EOF &&
	- hosts: host1
	  gather_facts: false
	  tasks:
	    - systemd:
	        name: drover-sd
	        state: started
	        enabled: true
	        daemon_reload: true
	    - service:
	        name: drover-flap
	        state: stopped
	EOF
	sd 1 stop drover-sd && sd 1 disable drover-sd &&
	play site.yml >out &&
	test_grep "host1 *: ok=2 *changed=1 " out &&
	test "$(sd 1 is-active drover-sd)" = active &&
	test "$(sd 1 is-enabled drover-sd)" = enabled &&
	play site.yml >out &&
	test_grep "host1 *: ok=2 *changed=0 " out &&
	sd 1 stop drover-sd && sd 1 disable drover-sd &&
	play -C site.yml >out &&
	test_grep "host1 *: ok=2 *changed=1 " out &&
	test "$(sd 1 is-active drover-sd)" = inactive &&
	test "$(sd 1 is-enabled drover-sd)" = disabled
'

test_expect_success 'unknown units fail clearly, in check mode too' '
	test_expect_code 2 adhoc host1 -m systemd -a "name=no-such-unit state=started" -o >out &&
	test_grep "Could not find the requested service no-such-unit: host" out &&
	test_expect_code 2 adhoc host1 -m systemd -a "name=no-such-unit enabled=no _ansible_check_mode=true" -o >out &&
	test_grep "Could not find the requested service no-such-unit: host" out &&
	test_expect_code 2 adhoc host1 -m systemd -a "name=drover-flap state=started use=sysv" -o >out &&
	test_grep "Could not find the requested service drover-flap" out
'

# outcome I: one line per step: the result's status word, changed,
# state, enabled; then what systemctl says of the unit.
outcome() {
	sed -e "s/\"status\": {.*}//" -e "s/\"ansible_facts\": {[^}]*},//" "$2" |
		sed -n "s/^host$1 | \([A-Z]*\)!* => .*/\1/p" | tr "\n" " "
	for k in changed state enabled; do
		sed -e "s/\"status\": {.*}//" "$2" | grep -o "\"$k\": [^,}]*" | head -n 1 | tr "\n" " "
	done
	fleet_exec "$1" "echo \$(systemctl is-active drover-sd) \$(systemctl is-enabled drover-sd)"
}

if [ -n "$have_ansible" ]; then
	test_expect_success 'Ansible: the same steps give the same results and the same unit states' '
		for i in 1 2; do
			sd $i stop drover-sd && sd $i disable drover-sd && sd $i daemon-reload || return 1
		done &&
		: >drover.steps && : >ansible.steps &&
		for a in "state=started" "state=started" "state=stopped" "state=stopped" \
			"state=restarted" "state=restarted" "state=reloaded" "enabled=yes" \
			"enabled=yes" "enabled=no" "masked=yes" "masked=yes" "state=started" \
			"masked=no" "state=stopped" "state=reloaded"; do
			{ adhoc host1 -m systemd -a "name=drover-sd $a" -o >d.out 2>/dev/null || true; } &&
			{ ansible_ref host2 -m systemd -a "name=drover-sd $a" -o >a.out 2>&1 || true; } &&
			echo "$a: $(outcome 1 d.out)" >>drover.steps &&
			echo "$a: $(outcome 2 a.out)" >>ansible.steps || return 1
		done &&
		test_cmp ansible.steps drover.steps &&
		test_grep "^state=reloaded: CHANGED \"changed\": true \"state\": \"started\" active disabled" drover.steps
	'
	test_expect_success 'Ansible: a crashed unit waiting for its restart is stopped, an unknown one fails' '
		for i in 1 2; do
			sd $i start drover-flap || return 1
			until test "$(sd $i show -p SubState --value drover-flap)" = auto-restart; do sleep 0.1; done
		done &&
		adhoc host1 -m systemd -a "name=drover-flap state=stopped" -o >d.out &&
		ansible_ref host2 -m systemd -a "name=drover-flap state=stopped" -o >a.out &&
		test_grep "host2 | CHANGED" a.out && test_grep "host1 | CHANGED" d.out &&
		test "$(sd 2 is-active drover-flap)" = inactive &&
		test "$(sd 1 is-active drover-flap)" = inactive &&
		test_must_fail ansible_ref host2 -m systemd -a "name=no-such-unit state=started" -o >a.out &&
		test_grep "Could not find the requested service no-such-unit: host" a.out
	'
else
	test_skip 'Ansible: the same steps give the same results' 'ansible is not installed'
fi

test_expect_success 'fleet down ends every process of the hosts, their cgroups and mounts' '
	procs= &&
	for i in 1 2; do
		cg=$(cat "$FLEET/hosts/h$i/cgroup") &&
		test -d "$cg" &&
		procs="$procs $(find "$cg" -name cgroup.procs -exec cat {} + | tr "\n" " ")" || return 1
		echo "$cg" >>cgroups
	done &&
	test $(echo $procs | wc -w) -ge 8 &&
	grep -F "$FLEET" /proc/mounts >mounts-before || true &&
	fleet_down &&
	for p in $procs; do
		if [ -r /proc/$p/stat ] && ! grep -q "^$p ([^)]*) Z" /proc/$p/stat; then
			echo "process $p is still alive: $(cat /proc/$p/cmdline | tr "\0" " ")"
			return 1
		fi
	done &&
	while read -r cg; do test_path_is_missing "$cg" || return 1; done <cgroups &&
	test_must_fail grep -F "$FLEET" /proc/mounts
'

test_done
