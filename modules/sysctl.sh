# drover module: sysctl
# short: Set a kernel parameter in a sysctl file, and optionally in the kernel
# description: Keeps one "NAME=VALUE" line for the key in sysctl_file
#   (replacing any line for it, spaces around "=" or not; appending when
#   missing) and, with reload, runs `sysctl -p FILE` when the file changed.
#   sysctl_set also compares the running value under /proc/sys and sets it
#   with `sysctl -w`. Check mode predicts without writing; with
#   _ansible_diff the result has the file before and after.
# option: name type=str required  The key, e.g. vm.swappiness (dots or slashes).
# option: value type=str  The value; required with state=present.
# option: state type=str default=present  present or absent (the key's
#   lines are removed from the file).
# option: sysctl_file type=path default=/etc/sysctl.conf  The file to edit.
# option: reload type=bool default=true  Run `sysctl -p FILE` after a change.
# option: sysctl_set type=bool default=false  Also check the running value
#   and set it with `sysctl -w` when it differs.
# option: ignoreerrors type=bool default=false  Ignore errors about unknown
#   keys when reloading (sysctl -e).
# example: drover adhoc all -i hosts -m sysctl -a 'name=vm.swappiness value=10'
# example: drover adhoc all -i hosts -m sysctl -a 'name=net.ipv4.ip_forward value=1 sysctl_set=yes reload=no'

check=${_ansible_check_mode:-false}

# json_str_nl TEXT: TEXT plus a final newline as a JSON string (json_str
# cannot end in a newline: it goes through $(...)).
json_str_nl() {
	_j=$(json_str "$1")
	printf '%s\\n"' "${_j%\"}"
}

# json_text FILE: the file's text as a JSON string ("" when empty).
json_text() {
	if [ -s "$1" ]; then json_str_nl "$(cat "$1")"; else printf '""'; fi
}
diff=${_ansible_diff:-false}

case $state in
present | absent) ;;
*) drover_fail "value of state must be one of: absent, present, got: $state" ;;
esac
case $name in
'' | *' '* | *=* | *'
'*) drover_fail "invalid sysctl name '$name'" ;;
esac
# value is trimmed as Ansible does; a key written with slashes is the same key
value=$(printf '%s' "$value" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
key=$(printf '%s' "$name" | tr / .)
if [ "$state" = present ] && [ -z "$value" ]; then
	drover_fail "value is required with state=present"
fi
command -v sysctl >/dev/null 2>&1 || drover_fail "sysctl is not available on the host (procps)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drover-sysctl.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
if [ -f "$sysctl_file" ]; then cat "$sysctl_file" >"$tmp/old"; else : >"$tmp/old"; fi

SC_KEY=$key SC_LINE="$key=$value" SC_ABSENT=$([ "$state" = absent ] && echo 1) awk '
	BEGIN { key = ENVIRON["SC_KEY"]; line = ENVIRON["SC_LINE"]; absent = ENVIRON["SC_ABSENT"] == "1" }
	{
		k = $0
		if (k !~ /^[ \t]*[#;]/ && index(k, "=")) {
			k = substr(k, 1, index(k, "=") - 1)
			gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/\//, ".", k)
			if (k == key) {
				if (!absent && !done) print line
				done = 1
				next
			}
		}
		print
	}
	END { if (!absent && !done) print line }
' "$tmp/old" >"$tmp/new"

changed=false
file_changed=
if ! cmp -s "$tmp/old" "$tmp/new"; then
	changed=true
	file_changed=1
fi

proc=/proc/sys/$(printf '%s' "$key" | tr . /)
set_running=
if [ "$sysctl_set" = true ] && [ "$state" = present ]; then
	[ -r "$proc" ] || drover_fail "sysctl key $key does not exist on this host ($proc)"
	cur=$(tr -s ' \t' '  ' <"$proc" | sed 's/ *$//')
	want=$(printf '%s' "$value" | tr -s ' \t' '  ')
	if [ "$cur" != "$want" ]; then
		changed=true
		set_running=1
	fi
fi

if [ "$check" != true ]; then
	if [ -n "$file_changed" ]; then
		cat "$tmp/new" >"$sysctl_file" || drover_fail "cannot write $sysctl_file"
	fi
	if [ -n "$set_running" ]; then
		_out=$(sysctl -w "$key=$value" 2>&1) || drover_fail "setting $key failed: $_out"
	fi
	if [ -n "$file_changed" ] && [ "$reload" = true ]; then
		e=
		[ "$ignoreerrors" = true ] && e=-e
		_out=$(sysctl $e -p "$sysctl_file" 2>&1) || drover_fail "Failed to reload sysctl: $_out"
	fi
fi

r="{\"changed\": $changed"
if [ "$diff" = true ]; then
	r="$r, \"diff\": {\"before\": $(json_text "$tmp/old"), \"after\": $(json_text "$tmp/new"), \"before_header\": $(json_str "$sysctl_file"), \"after_header\": $(json_str "$sysctl_file")}"
fi
drover_exit "$r}"
