# drover module: reboot
# short: Reboot the host and wait until it is back
# description: The host's part records the boot id
#   (/proc/sys/kernel/random/boot_id, or boot_time_command), then starts the
#   reboot command in the background, after pre_reboot_delay seconds, and
#   answers at once. The controller then reconnects until the boot id
#   differs and test_command succeeds, within reboot_timeout, and waits
#   post_reboot_delay more (src/reboot.c). The result is Ansible's:
#   changed, rebooted, elapsed. Check mode reboots nothing. Needs root
#   (become) as shutdown does; not with connection=local.
# option: reboot_timeout type=int default=600  Seconds to wait for the host
#   to come back and pass test_command.
# option: connect_timeout type=int  Seconds per connection attempt while
#   waiting (default: the connection's own).
# option: test_command type=str default=whoami  Must succeed on the rebooted host.
# option: msg type=str  The message shutdown shows to logged-in users
#   (default "Reboot initiated by Ansible").
# option: pre_reboot_delay type=int default=0  Seconds to wait before the reboot.
# option: post_reboot_delay type=int default=0  Seconds to wait after the
#   host is back, before the task succeeds.
# option: reboot_command type=str  The command that reboots (default:
#   shutdown -r 0 MSG, found in search_paths).
# option: search_paths type=list  Where to look for shutdown (default
#   /sbin /bin /usr/sbin /usr/bin /usr/local/sbin).
# option: boot_time_command type=str  Prints something that changes with
#   every boot (default: cat /proc/sys/kernel/random/boot_id).
# example: drover adhoc db -i hosts -b -m reboot -a 'reboot_timeout=300'

check=${_ansible_check_mode:-false}
msg=${msg:-Reboot initiated by Ansible}
boot_time_command=${boot_time_command:-cat /proc/sys/kernel/random/boot_id}

for _v in "$reboot_timeout" "$pre_reboot_delay" "$post_reboot_delay" ${connect_timeout:+"$connect_timeout"}; do
	case $_v in '' | *[!0-9]*) drover_fail "reboot_timeout, connect_timeout, pre_reboot_delay and post_reboot_delay must be whole seconds" ;; esac
done
[ "$reboot_timeout" -gt 0 ] || drover_fail "reboot_timeout must be more than 0"

boot_id=$(sh -c "$boot_time_command" 2>/dev/null)
[ -n "$boot_id" ] || drover_fail "boot_time_command printed nothing: $boot_time_command"

if [ -z "$reboot_command" ]; then
	paths="/sbin /bin /usr/sbin /usr/bin /usr/local/sbin"
	if [ "${search_paths_n:-0}" -gt 0 ]; then
		paths=
		_i=0
		while [ "$_i" -lt "$search_paths_n" ]; do
			eval "paths=\"\$paths \$search_paths_$_i\""
			_i=$((_i + 1))
		done
	fi
	for _d in $paths; do
		[ -x "$_d/shutdown" ] && { shutdown_bin=$_d/shutdown; break; }
	done
	[ -n "$shutdown_bin" ] || drover_fail "Unable to find command \"shutdown\" in search paths: [$(echo $paths | sed 's/ /, /g')]"
	q=$(printf '%s' "$msg" | sed "s/'/'\\\\''/g")
	reboot_command="$shutdown_bin -r 0 '$q'"
fi
if [ "$(id -u)" != 0 ]; then
	drover_fail "Reboot command failed: only root may reboot the host (use become)"
fi

if [ "$check" = true ]; then
	drover_exit '{"changed": true, "elapsed": 0, "rebooted": true}'
fi

# In the background, detached: the reboot may end this session at once.
setsid sh -c 'sleep "$1"; eval "$2"' drover-reboot "$((pre_reboot_delay + 1))" "$reboot_command" \
	</dev/null >/dev/null 2>&1 &

drover_exit "{\"changed\": true, \"rebooted\": true, \"_drover_boot_id\": $(json_str "$boot_id"), \"_drover_wait\": {\"reboot_timeout\": $reboot_timeout, \"connect_timeout\": ${connect_timeout:-0}, \"post_reboot_delay\": $post_reboot_delay, \"test_command\": $(json_str "$test_command"), \"boot_time_command\": $(json_str "$boot_time_command")}}"
