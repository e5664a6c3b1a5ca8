# drover module: service
# short: Start, stop, restart or reload a service; enable it at boot
# description: Serves the service and systemd modules. Where PID 1 is
#   systemd (/run/systemd/system exists) it uses systemctl; otherwise the
#   SysV script /etc/init.d/NAME (its status action, or `pattern` in the
#   process list, tells whether it runs) and update-rc.d (or chkconfig) for
#   enabled; with neither it fails and says so. started and stopped act
#   only when needed; restarted and reloaded always act (both start a
#   stopped service). With systemd, a unit that is activating (e.g. waiting
#   to be restarted after a crash) counts as running, reloaded runs
#   `systemctl reload` (a unit without ExecReload fails, as with Ansible),
#   a unit systemd does not know fails before anything (check mode too),
#   and the result's state for restarted and reloaded is started.
#   Check mode predicts.
# option: name type=str  The service (unit) name; required except for a
#   bare daemon_reload.
# option: state type=str  started, stopped, restarted or reloaded.
# option: enabled type=bool  Start at boot (or not).
# option: pattern type=str  With SysV, a text to look for in the process
#   list when the script has no status action.
# option: arguments type=str  Extra words for the SysV script (args is the old name).
# option: args type=str  Old name of arguments.
# option: sleep type=int  Seconds between stop and start when restarting a SysV service.
# option: runlevel type=str  Accepted for compatibility (update-rc.d picks the levels).
# option: use type=str default=auto  auto, systemd or sysv: which init to talk to.
# option: daemon_reload type=bool default=false  systemd: run daemon-reload
#   first (ignored without systemd).
# option: daemon_reexec type=bool default=false  systemd: run daemon-reexec first.
# option: masked type=bool  systemd: mask or unmask the unit.
# option: no_block type=bool default=false  systemd: do not wait for the job.
# option: scope type=str default=system  systemd: system or user.
# option: force type=bool  systemd: override existing symlinks when enabling.
# example: drover adhoc web -i hosts -b -m service -a 'name=nginx state=restarted'
# example: drover adhoc web -i hosts -b -m systemd -a 'name=nginx enabled=yes daemon_reload=yes'

check=${_ansible_check_mode:-false}
[ -n "$args" ] && [ -z "$arguments" ] && arguments=$args

case $state in
'' | started | stopped | restarted | reloaded) ;;
*) drover_fail "value of state must be one of: reloaded, restarted, started, stopped, got: $state" ;;
esac
case $use in
auto | systemd | sysv | service) ;;
*) drover_fail "value of use must be one of: auto, systemd, sysv, got: $use" ;;
esac
if [ -z "$name" ] && [ "$daemon_reload" != true ] && [ "$daemon_reexec" != true ]; then
	drover_fail "missing required arguments: name"
fi
if [ -n "$name" ] && [ -z "$state" ] && [ -z "$enabled" ] && [ -z "$masked" ]; then
	drover_fail "one of the following is required: state, enabled, masked"
fi
case $name in */* | *' '*) drover_fail "invalid service name '$name'" ;; esac

init=
if [ "$use" = systemd ] || { [ "$use" = auto ] && [ -d /run/systemd/system ] &&
	command -v systemctl >/dev/null 2>&1; }; then
	init=systemd
elif [ -z "$name" ] || [ -x "/etc/init.d/$name" ]; then
	init=sysv
else
	drover_fail "Could not find the requested service $name: no systemd as PID 1 and no /etc/init.d/$name"
fi
[ "$init" = systemd ] && ! command -v systemctl >/dev/null 2>&1 &&
	drover_fail "use=systemd, but the host has no systemctl"

changed=false
out=
# act CMD...: runs a command (unless in check mode); fails with its output.
act() {
	changed=true
	[ "$check" = true ] && return 0
	_c=$*
	case $_c in "sd "*) _c="systemctl --$scope ${_c#sd }" ;; esac
	_o=$("$@" 2>&1) || drover_fail "Unable to run '$_c': $_o"
	out="$out$_o"
}

# ---- systemd ----
sd() { systemctl ${scope:+--$scope} "$@"; }
# sd_show PROPERTY: one property of the unit, e.g. LoadState or ActiveState.
sd_show() { sd show -p "$1" --value "$name" 2>/dev/null; }
# Running also while it comes up (activating covers a unit waiting to be
# restarted after a crash) or reloads: stopping such a unit must act.
sd_running() {
	case $(sd_show ActiveState) in active | activating | reloading) return 0 ;; esac
	return 1
}
sd_deactivating() { [ "$(sd_show ActiveState)" = deactivating ]; }
# Enabled: is-enabled succeeds, except for units only reached through
# another (indirect, alias), which enabling would still install.
sd_enabled() {
	_e=$(sd is-enabled "$name" 2>/dev/null) || return 1
	[ "$_e" != indirect ] && [ "$_e" != alias ]
}
sd_masked() { [ "$(sd is-enabled "$name" 2>/dev/null)" = masked ]; }
# Known to systemd (a unit file, or a SysV script it wraps): checked before
# state and enabled act, so check mode fails for a missing unit too.
sd_found() {
	_l=$(sd_show LoadState)
	[ -n "$_l" ] && [ "$_l" != not-found ] && return 0
	[ -x "/etc/init.d/$name" ]
}

# ---- SysV ----
sv_running() {
	if [ -n "$pattern" ]; then
		ps -eo args= | grep -v grep | grep -qF -- "$pattern"
	else
		"/etc/init.d/$name" status >/dev/null 2>&1
	fi
}
sv_enabled() {
	for _l in /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d; do
		for _f in "$_l"/S[0-9][0-9]"$name"; do [ -e "$_f" ] && return 0; done
	done
	return 1
}
sv_enable() { # yes|no
	if command -v update-rc.d >/dev/null 2>&1; then
		if [ "$1" = yes ]; then
			act update-rc.d "$name" defaults
			act update-rc.d "$name" enable
		else
			act update-rc.d "$name" disable
		fi
	elif command -v chkconfig >/dev/null 2>&1; then
		if [ "$1" = yes ]; then act chkconfig "$name" on; else act chkconfig "$name" off; fi
	else
		drover_fail "cannot change whether $name starts at boot: no update-rc.d or chkconfig"
	fi
}
sv() { # action
	# shellcheck disable=SC2086
	act "/etc/init.d/$name" "$1" $arguments
}

if [ "$init" = systemd ]; then
	[ "$daemon_reexec" = true ] && { act sd daemon-reexec; changed=false; }
	[ "$daemon_reload" = true ] && { act sd daemon-reload; changed=false; }
	[ -z "$name" ] && drover_exit "{\"changed\": false, \"name\": null}"
	nb=
	[ "$no_block" = true ] && nb=--no-block
	if [ "$masked" = true ] && ! sd_masked; then act sd mask "$name"; fi
	if [ "$masked" = false ] && sd_masked; then act sd unmask "$name"; fi
	if [ -n "$enabled$state" ] && ! sd_found; then
		drover_fail "Could not find the requested service $name: host"
	fi
	f=
	[ "$force" = true ] && f=--force
	if [ "$enabled" = true ] && ! sd_enabled; then act sd enable $f "$name"; fi
	if [ "$enabled" = false ] && sd_enabled; then act sd disable $f "$name"; fi
	case $state in
	started) sd_running || act sd start $nb "$name" ;;
	stopped) if sd_running || sd_deactivating; then act sd stop $nb "$name"; fi ;;
	restarted) if sd_running; then act sd restart $nb "$name"; else act sd start $nb "$name"; fi ;;
	reloaded) if sd_running; then act sd reload $nb "$name"; else act sd start $nb "$name"; fi ;;
	esac
	# As systemd reports it: a restarted or reloaded unit is started.
	case $state in restarted | reloaded) state=started ;; esac
else
	[ -z "$name" ] && drover_exit "{\"changed\": false, \"name\": null}"
	if [ "$enabled" = true ] && ! sv_enabled; then sv_enable yes; fi
	if [ "$enabled" = false ] && sv_enabled; then sv_enable no; fi
	case $state in
	started) sv_running || sv start ;;
	stopped) ! sv_running || sv stop ;;
	restarted)
		if [ -n "$sleep" ]; then
			sv stop
			[ "$check" = true ] || sleep "$sleep"
			sv start
		else
			sv restart
		fi ;;
	reloaded) if sv_running; then sv reload; else sv start; fi ;;
	esac
fi

r="{\"changed\": $changed"
[ -n "$enabled" ] && r="$r, \"enabled\": $enabled"
r="$r, \"name\": $(json_str "$name")"
[ -n "$state" ] && r="$r, \"state\": \"$state\""
drover_exit "$r}"
