# drover module: group
# short: Add, change or remove a local group
# description: Uses groupadd, groupmod and groupdel (shadow-utils) on the
#   host, or busybox's addgroup/delgroup where those are missing. Idempotent:
#   an existing group with the requested gid is left alone. In check mode it
#   reports what it would do and changes nothing.
# option: name type=str required  The group's name.
# option: gid type=int  The group's numeric id (changed with groupmod if the
#   group exists with another one).
# option: state type=str default=present  present or absent.
# option: system type=bool default=false  Create a system group (an id from
#   the system range); has no effect on an existing group.
# option: force type=bool default=false  With state=absent, remove the group
#   even if it is the primary group of a user (groupdel -f).
# option: local type=bool default=false  Accepted for compatibility; the
#   tools used always change the local files.
# option: non_unique type=bool default=false  Allow a gid already in use
#   (groupadd/groupmod -o); needs gid.
# example: drover adhoc web -i hosts -m group -a 'name=deploy gid=2000'
# example: drover adhoc web -i hosts -m group -a 'name=old state=absent'

check=${_ansible_check_mode:-false}

case $state in
present | absent) ;;
*) drover_fail "value of state must be one of: absent, present, got: $state" ;;
esac
case $name in
'' | *:* | *' '* | *'
'*) drover_fail "invalid group name '$name'" ;;
esac
if [ "$non_unique" = true ] && [ -z "$gid" ]; then
	drover_fail "non_unique requires gid"
fi

# run CMD...: runs a command unless in check mode; fails the module with its
# output when it fails.
run() {
	[ "$check" = true ] && return 0
	_out=$("$@" 2>&1) || drover_fail "$* failed: $_out"
}

have() { command -v "$1" >/dev/null 2>&1; }

current_gid() { getent group "$name" | cut -d: -f3; }

result_present() {
	_g=$(current_gid)
	[ -n "$_g" ] || _g=${gid:-null}
	drover_exit "{\"changed\": $1, \"gid\": $_g, \"name\": $(json_str "$name"), \"state\": \"present\", \"system\": $system}"
}

if [ "$state" = absent ]; then
	if ! getent group "$name" >/dev/null; then
		drover_exit "{\"changed\": false, \"name\": $(json_str "$name"), \"state\": \"absent\"}"
	fi
	if have groupdel; then
		if [ "$force" = true ]; then run groupdel -f "$name"; else run groupdel "$name"; fi
	else
		run delgroup "$name"
	fi
	drover_exit "{\"changed\": true, \"name\": $(json_str "$name"), \"state\": \"absent\"}"
fi

o=
[ "$non_unique" = true ] && o=-o
cur=$(current_gid)
if [ -z "$cur" ]; then
	if have groupadd; then
		set -- groupadd
		[ -n "$gid" ] && set -- "$@" -g "$gid" $o
		[ "$system" = true ] && set -- "$@" -r
		run "$@" "$name"
	else
		set -- addgroup
		[ -n "$gid" ] && set -- "$@" -g "$gid"
		[ "$system" = true ] && set -- "$@" -S
		run "$@" "$name"
	fi
	result_present true
fi
if [ -n "$gid" ] && [ "$cur" != "$gid" ]; then
	have groupmod || drover_fail "groupmod is needed to change the gid of '$name'"
	run groupmod -g "$gid" $o "$name"
	[ "$check" = true ] && drover_exit "{\"changed\": true, \"gid\": $gid, \"name\": $(json_str "$name"), \"state\": \"present\", \"system\": $system}"
	result_present true
fi
result_present false
