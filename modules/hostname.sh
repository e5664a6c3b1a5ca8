# drover module: hostname
# short: Set the host's name, now and across reboots
# description: Writes /etc/hostname (the permanent name) and sets the
#   running name with `hostname` (or with hostnamectl for use=systemd).
#   Changes nothing when both already match. Check mode predicts; with
#   _ansible_diff the result has "hostname = OLD" / "hostname = NEW".
# option: name type=str required  The new host name.
# option: use type=str  Strategy: debian, generic, alpine or file (write
#   /etc/hostname and run hostname: the default), or systemd (hostnamectl,
#   only where PID 1 is systemd).
# example: drover adhoc web1 -i hosts -m hostname -a 'name=web1.example.com'

check=${_ansible_check_mode:-false}

# json_str_nl TEXT: TEXT plus a final newline as a JSON string (json_str
# cannot end in a newline: it goes through $(...)).
json_str_nl() {
	_j=$(json_str "$1")
	printf '%s\\n"' "${_j%\"}"
}
diff=${_ansible_diff:-false}

case $name in
'' | *' '* | *'
'* | -*) drover_fail "invalid host name '$name'" ;;
esac
case ${use:-file} in
debian | generic | alpine | file | systemd) ;;
*) drover_fail "use must be one of: alpine, debian, file, generic, systemd (drover has no '$use' strategy)" ;;
esac
if [ "$use" = systemd ] && ! command -v hostnamectl >/dev/null 2>&1; then
	drover_fail "use=systemd needs hostnamectl, which the host lacks"
fi

running() { hostname 2>/dev/null || cat /proc/sys/kernel/hostname; }
permanent=
[ -r /etc/hostname ] && permanent=$(sed -n '1{s/[[:space:]]*$//;p;}' /etc/hostname)
before=$(running)

changed=false
if [ "$before" != "$name" ] || [ "$permanent" != "$name" ]; then
	changed=true
fi
if [ "$changed" = true ] && [ "$check" != true ]; then
	if [ "$use" = systemd ]; then
		_out=$(hostnamectl set-hostname "$name" 2>&1) || drover_fail "hostnamectl failed: $_out"
	else
		printf '%s\n' "$name" >/etc/hostname.drover-tmp &&
			chmod 644 /etc/hostname.drover-tmp &&
			mv -f /etc/hostname.drover-tmp /etc/hostname ||
			{ rm -f /etc/hostname.drover-tmp; drover_fail "cannot write /etc/hostname"; }
		_out=$(hostname "$name" 2>&1) || drover_fail "hostname $name failed: $_out"
	fi
fi

short=${name%%.*}
fqdn=$name
case $name in
*.*) ;;
*) fqdn=$( (hostname -f) 2>/dev/null) || fqdn=$name; [ -n "$fqdn" ] || fqdn=$name ;;
esac
domain=
case $fqdn in *.*) domain=${fqdn#*.} ;; esac
[ "$check" = true ] && [ "$changed" = true ] && short=${name%%.*}
r="{\"ansible_facts\": {\"ansible_domain\": $(json_str "$domain"), \"ansible_fqdn\": $(json_str "$fqdn"), \"ansible_hostname\": $(json_str "$short"), \"ansible_nodename\": $(json_str "$name")}, \"changed\": $changed, \"name\": $(json_str "$name")"
if [ "$diff" = true ]; then
	old=$permanent
	[ "$before" != "$name" ] && old=$before
	r="$r, \"diff\": {\"before\": $(json_str_nl "hostname = $old"), \"after\": $(json_str_nl "hostname = $name")}"
fi
drover_exit "$r}"
