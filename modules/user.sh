# drover module: user
# short: Add, change or remove a local user account
# description: Uses useradd, usermod and userdel (shadow-utils) on the host.
#   Only what differs from the request is changed, so a second run reports
#   no change. Supplementary groups are replaced by `groups` unless append is
#   set. The password must already be a crypt(3) hash (as Ansible's). Check
#   mode predicts the change and leaves the account alone. Not implemented:
#   ssh key generation, expiry, password locking, non-Linux hosts.
# option: name type=str required  The account's login name.
# option: state type=str default=present  present or absent.
# option: uid type=int  The numeric user id.
# option: group type=str  The primary group (name or gid); it must exist.
# option: groups type=list  Supplementary groups (names); each must exist.
#   An empty string removes every supplementary group.
# option: append type=bool default=false  Add to `groups` instead of
#   replacing the user's supplementary groups.
# option: shell type=str  The login shell.
# option: home type=path  The home folder.
# option: create_home type=bool default=true  Create the home folder of a new
#   user (useradd -m); createhome is the old name.
# option: createhome type=bool  Old name of create_home.
# option: move_home type=bool default=false  With a new home, move the old
#   one's contents there (usermod -m).
# option: password type=str  The password, as a crypt(3) hash.
# option: update_password type=str default=always  always: set the password
#   when it differs; on_create: only for a new user.
# option: comment type=str  The GECOS field (full name).
# option: system type=bool default=false  Create a system account (no effect
#   on an existing one).
# option: remove type=bool default=false  With state=absent, also remove the
#   home folder and mail spool (userdel -r).
# option: force type=bool default=false  With state=absent, remove even if
#   logged in (userdel -f).
# option: non_unique type=bool default=false  Allow a uid already in use (-o).
# example: drover adhoc all -i hosts -m user -a 'name=deploy groups=adm,sudo append=yes shell=/bin/bash'
# example: drover adhoc all -i hosts -m user -a 'name=olduser state=absent remove=yes'

check=${_ansible_check_mode:-false}
[ -n "$createhome" ] && create_home=$createhome

case $state in
present | absent) ;;
*) drover_fail "value of state must be one of: absent, present, got: $state" ;;
esac
case $update_password in
always | on_create) ;;
*) drover_fail "value of update_password must be one of: always, on_create, got: $update_password" ;;
esac
case $name in
'' | *:* | *' '* | */*) drover_fail "invalid user name '$name'" ;;
esac
for _t in useradd usermod userdel; do
	command -v $_t >/dev/null 2>&1 || drover_fail "$_t is not available on the host (shadow-utils)"
done

# run CMD...: runs a command unless in check mode, failing with its output.
run() {
	[ "$check" = true ] && return 0
	_out=$("$@" 2>&1) || drover_fail "$* failed (rc=$?): $_out"
	_stderr=$_out
}
_stderr=

field() { getent passwd "$name" | cut -d: -f"$1"; }

# wanted_groups: the requested supplementary groups, comma separated,
# accepting both a list and "a,b" items.
wanted_groups() {
	_i=0 _w=
	while [ "$_i" -lt "${groups_n:-0}" ]; do
		eval "_g=\$groups_$_i"
		_w="$_w,$_g"
		_i=$((_i + 1))
	done
	printf '%s' "$_w" | tr -d ' ' | tr -s ',' | sed 's/^,//; s/,$//'
}

check_groups() {
	if [ -n "$group" ] && ! getent group "$group" >/dev/null; then
		drover_fail "Group $group does not exist"
	fi
	_ifs=$IFS IFS=,
	for _g in $want; do
		getent group "$_g" >/dev/null || { IFS=$_ifs; drover_fail "Group $_g does not exist"; }
	done
	IFS=$_ifs
}

if [ "$state" = absent ]; then
	changed=false
	if getent passwd "$name" >/dev/null; then
		set -- userdel
		[ "$force" = true ] && set -- "$@" -f
		[ "$remove" = true ] && set -- "$@" -r
		run "$@" "$name"
		changed=true
	fi
	r="{\"changed\": $changed, \"force\": $force, \"name\": $(json_str "$name"), \"remove\": $remove, \"state\": \"absent\""
	[ -n "$_stderr" ] && r="$r, \"stderr\": $(json_str "$_stderr")"
	drover_exit "$r}"
fi

want=$(wanted_groups)
check_groups

# common_args: the options useradd and usermod share, for what differs.
create_user() {
	set -- useradd
	[ -n "$uid" ] && set -- "$@" -u "$uid"
	[ -n "$uid" ] && [ "$non_unique" = true ] && set -- "$@" -o
	[ -n "$group" ] && set -- "$@" -g "$group"
	[ -n "$want" ] && set -- "$@" -G "$want"
	[ -n "$shell" ] && set -- "$@" -s "$shell"
	[ -n "$home" ] && set -- "$@" -d "$home"
	[ -n "$comment" ] && set -- "$@" -c "$comment"
	[ -n "$password" ] && set -- "$@" -p "$password"
	[ "$system" = true ] && set -- "$@" -r
	if [ "$create_home" = true ]; then set -- "$@" -m; else set -- "$@" -M; fi
	run "$@" "$name"
	[ "$check" = true ] && drover_exit '{"changed": true}'
}

# The usermod options for whatever differs; sets $mod.
modify_user() {
	mod=
	set -- usermod
	if [ -n "$uid" ] && [ "$(field 3)" != "$uid" ]; then
		set -- "$@" -u "$uid"
		[ "$non_unique" = true ] && set -- "$@" -o
	fi
	if [ -n "$group" ]; then
		_gid=$(getent group "$group" | cut -d: -f3)
		[ "$(field 4)" != "$_gid" ] && set -- "$@" -g "$group"
	fi
	if [ -n "${groups_n:-}" ]; then
		_have=$(id -Gn "$name" | tr ' ' '\n' | grep -vxF "$(id -gn "$name")" | sort -u | tr '\n' ,)
		_need=$(printf '%s' "$want" | tr ',' '\n' | sort -u | tr '\n' ,)
		if [ "$append" = true ]; then
			_miss=$(printf '%s' "$_need" | tr ',' '\n' | grep -vxF -e "$(printf '%s' "$_have" | tr ',' '\n')" -e '' || true)
			[ -n "$_miss" ] && set -- "$@" -a -G "$want"
		elif [ "$_have" != "$_need" ]; then
			set -- "$@" -G "$want"
		fi
	fi
	[ -n "$shell" ] && [ "$(field 7)" != "$shell" ] && set -- "$@" -s "$shell"
	if [ -n "$home" ] && [ "$(field 6)" != "$home" ]; then
		set -- "$@" -d "$home"
		[ "$move_home" = true ] && set -- "$@" -m
	fi
	[ -n "${comment+set}" ] && [ -n "$comment" ] && [ "$(field 5)" != "$comment" ] && set -- "$@" -c "$comment"
	if [ -n "$password" ] && [ "$update_password" = always ] &&
		[ "$(getent shadow "$name" | cut -d: -f2)" != "$password" ]; then
		set -- "$@" -p "$password"
	fi
	[ $# -gt 1 ] || return 0
	mod=1
	run "$@" "$name"
}

if getent passwd "$name" >/dev/null; then
	modify_user
	changed=false
	[ -n "$mod" ] && changed=true
	r="{\"append\": $append, \"changed\": $changed"
	new=
else
	create_user
	r="{\"changed\": true"
	new=1
fi
r="$r, \"comment\": $(json_str "$(field 5)")"
[ -n "$new" ] && r="$r, \"create_home\": $create_home"
r="$r, \"group\": $(field 4)"
[ -n "${groups_n:-}" ] && r="$r, \"groups\": $(json_str "$want")"
r="$r, \"home\": $(json_str "$(field 6)")"
[ -z "$new" ] && r="$r, \"move_home\": $move_home"
r="$r, \"name\": $(json_str "$name")"
[ -n "$password" ] && r="$r, \"password\": \"NOT_LOGGING_PASSWORD\""
r="$r, \"shell\": $(json_str "$(field 7)"), \"state\": \"present\""
[ -n "$new" ] && r="$r, \"system\": $system"
drover_exit "$r, \"uid\": $(field 3)}"
