# drover module: wait_for
# short: Wait for a port to open or close, or a file to appear, disappear or hold a text
# description: Hosts have no Python, so a port is tried with bash's
#   /dev/tcp when bash exists (bounded by timeout(1) when present), else
#   with nc -z; with neither, only listeners on this host count, read from
#   /proc/net/tcp and tcp6 (the host option is then ignored). search_regex
#   on a port reads the lines the service sends first (a banner); it is an
#   extended regular expression (bash's or grep -E's, not Python's), and
#   match_groups stays empty. drained counts connections in
#   /proc/net/tcp{,6} (Linux). Returns elapsed (seconds), as Ansible does.
# option: host type=str default=127.0.0.1  Host to connect to for port checks.
# option: port type=int  TCP port to wait for.
# option: path type=path  File to wait for (state present/absent, search_regex).
# option: state type=str default=started  started (port open / file present),
#   stopped (port closed), present, absent (file gone), drained (no
#   connections on the port).
# option: timeout type=int default=300  Give up after this many seconds.
# option: delay type=int default=0  Seconds to wait before the first check.
# option: sleep type=int default=1  Seconds between checks.
# option: connect_timeout type=int default=5  Seconds to wait for a connection.
# option: search_regex type=str  Text (ERE) the file or the port's first
#   output must contain.
# option: exclude_hosts type=list  With drained: remote addresses not counted.
# option: active_connection_states type=list  With drained: TCP states that
#   count (default ESTABLISHED, FIN_WAIT1, FIN_WAIT2, SYN_RECV, SYN_SENT, TIME_WAIT).
# option: msg type=str  Message on failure instead of the default.
# example: drover adhoc web -i hosts -m wait_for -a 'port=8080 timeout=30'
# example: drover adhoc web -i hosts -m wait_for -a 'path=/var/log/app.log search_regex=ready'
# example: drover adhoc web -i hosts -m wait_for -a 'port=80 state=drained'

case $state in started | stopped | present | absent | drained) ;; *)
	drover_fail "value of state must be one of: absent, drained, present, started, stopped, got: $state" ;;
esac
if [ -n "$port" ] && [ -n "$path" ]; then
	drover_fail "port and path parameter can not both be passed to wait_for"
fi
if [ -n "$path" ] && [ "$state" = stopped ]; then
	drover_fail "state=stopped should only be used for checking a port in the wait_for module"
fi
if [ -n "$path" ] && [ "$state" = drained ]; then
	drover_fail "state=drained should only be used for checking a port in the wait_for module"
fi
case $search_regex:$state in
?*:absent | ?*:stopped) drover_fail "state=$state should not be used with search_regex" ;;
esac

_timeout_cmd=
command -v timeout >/dev/null 2>&1 && _timeout_cmd="timeout $connect_timeout"

# port_open: 0 if host:port accepts a connection (and shows search_regex).
port_open() {
	if command -v bash >/dev/null 2>&1; then
		# shellcheck disable=SC2016
		$_timeout_cmd bash -c '
			exec 3<>"/dev/tcp/$1/$2" || exit 1
			[ -z "$3" ] && exit 0
			while :; do
				l=
				IFS= read -r -t "$4" l <&3; r=$?
				[[ $l =~ $3 ]] && exit 0
				[ $r -eq 0 ] || exit 1
			done' drover-wait "$host" "$port" "$search_regex" "$connect_timeout" 2>/dev/null
	elif command -v nc >/dev/null 2>&1; then
		if [ -z "$search_regex" ]; then
			nc -z -w "$connect_timeout" "$host" "$port" 2>/dev/null
		else
			nc -w "$connect_timeout" "$host" "$port" </dev/null 2>/dev/null | grep -Eq -e "$search_regex"
		fi
	else
		local_listener
	fi
}

# local_listener: 0 if a socket on this host listens on port (Linux /proc).
local_listener() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$(printf '%04X' "$port")" '
		$4 == "0A" { split($2, a, ":"); if (a[2] == p) { found = 1; exit } }
		END { exit !found }'
}

# connections: how many connections to port are in the active states.
connections() {
	_states=
	_i=0
	while [ "$_i" -lt "${active_connection_states_n:-0}" ]; do
		eval "_states=\"\$_states \$active_connection_states_$_i\""
		_i=$((_i + 1))
	done
	_ex=
	_i=0
	while [ "$_i" -lt "${exclude_hosts_n:-0}" ]; do
		eval "_ex=\"\$_ex \$exclude_hosts_$_i\""
		_i=$((_i + 1))
	done
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$(printf '%04X' "$port")" \
		-v states="${_states:- ESTABLISHED FIN_WAIT1 FIN_WAIT2 SYN_RECV SYN_SENT TIME_WAIT}" -v ex="$_ex" '
		function hex(h,   n, i) { n = 0; for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1; return n }
		function addr4(h) { return hex(substr(h, 7, 2)) "." hex(substr(h, 5, 2)) "." hex(substr(h, 3, 2)) "." hex(substr(h, 1, 2)) }
		BEGIN {
			split("ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING", names, " ")
			n = split(states, s, " "); for (i = 1; i <= n; i++) want[s[i]] = 1
			n = split(ex, s, " "); for (i = 1; i <= n; i++) skip[s[i]] = 1
		}
		NR > 0 && $1 ~ /^[0-9]+:$/ {
			split($2, l, ":"); split($3, r, ":")
			if (l[2] != p || !(names[hex($4)] in want)) next
			if (length(r[1]) == 8 && (addr4(r[1]) in skip)) next
			c++
		}
		END { print c + 0 }'
}

file_ok() {
	case $state in
	absent) [ ! -e "$path" ] ;;
	*)
		[ -e "$path" ] || return 1
		[ -z "$search_regex" ] && return 0
		grep -Eq -e "$search_regex" "$path" 2>/dev/null
		;;
	esac
}

done_yet() {
	if [ -n "$path" ]; then
		file_ok
	elif [ -n "$port" ]; then
		case $state in
		started | present) port_open ;;
		stopped | absent) ! port_open ;;
		drained) [ "$(connections)" -eq 0 ] ;;
		esac
	else
		case $state in
		started | present) return 0 ;; # nothing to wait for: the delay only
		*) drover_fail "wait_for needs a port or a path for state=$state" ;;
		esac
	fi
}

_start=$(date +%s)
[ "$delay" -gt 0 ] && sleep "$delay"
while :; do
	if done_yet; then
		_elapsed=$(($(date +%s) - _start))
		_p=null _o=null
		[ -n "$path" ] && _p=$(json_str "$path")
		[ -n "$port" ] && _o=$port
		_re=null
		[ -n "$search_regex" ] && _re=$(json_str "$search_regex")
		drover_exit "{\"changed\": false, \"elapsed\": $_elapsed, \"state\": \"$state\", \"path\": $_p, \"port\": $_o, \"search_regex\": $_re, \"match_groups\": [], \"match_groupdict\": {}}"
	fi
	_elapsed=$(($(date +%s) - _start))
	[ "$_elapsed" -ge "$timeout" ] && break
	sleep "$sleep"
done

if [ -z "$msg" ]; then
	if [ -n "$path" ]; then
		case $state in
		absent) msg="Timeout when waiting for $path to be absent." ;;
		*) msg="Timeout when waiting for file $path"
			[ -n "$search_regex" ] && [ -e "$path" ] && msg="Timeout when waiting for search string $search_regex in $path" ;;
		esac
	else
		case $state in
		stopped | absent) msg="Timeout when waiting for $host:$port to stop." ;;
		drained) msg="Timeout when waiting for $host:$port to drain" ;;
		*) msg="Timeout when waiting for $host:$port"
			[ -n "$search_regex" ] && msg="Timeout when waiting for search string $search_regex in $host:$port" ;;
		esac
	fi
fi
drover_exit "{\"failed\": true, \"changed\": false, \"elapsed\": $_elapsed, \"msg\": $(json_str "$msg")}"
