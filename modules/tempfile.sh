# drover module: tempfile
# short: Create a temporary file or folder with a unique name
# description: Uses the host's mktemp (a file 0600 or a folder 0700, owned by
#   the login or become user). Returns its path with its owner, mode and
#   size. Nothing removes it afterwards: use the file module with
#   state=absent. In check mode nothing is created and the task is skipped,
#   as Ansible does.
# option: state type=str default=file  file or directory.
# option: path type=path  The folder to create it in (default: $TMPDIR or /tmp).
# option: prefix type=str default=ansible.  Start of the name.
# option: suffix type=str default=  End of the name.
# example: drover adhoc all -i hosts -m tempfile -a 'state=directory suffix=.build'

case $state in file | directory) ;; *)
	drover_fail "value of state must be one of: directory, file, got: $state" ;;
esac
if [ "$_ansible_check_mode" = true ]; then
	drover_exit '{"changed": false, "skipped": true, "msg": "remote module (tempfile) does not support check mode"}'
fi
_dir=${path:-${TMPDIR:-/tmp}}
[ -d "$_dir" ] || drover_fail "[Errno 2] No such file or directory: '$_dir/${prefix}XXXXXXXX$suffix'"
_d=
[ "$state" = directory ] && _d=-d

# GNU mktemp takes a suffix; elsewhere (busybox) try names by hand.
if [ -z "$suffix" ]; then
	_p=$(mktemp $_d "$_dir/${prefix}XXXXXXXX" 2>&1) || drover_fail "$_p"
elif ! _p=$(mktemp $_d --suffix="$suffix" "$_dir/${prefix}XXXXXXXX" 2>/dev/null); then
	umask 077
	_try=0
	while :; do
		_r=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
		_p="$_dir/$prefix$_r$suffix"
		if [ -n "$_d" ]; then
			mkdir "$_p" 2>/dev/null && break
		else
			(set -C && : >"$_p") 2>/dev/null && break
		fi
		_try=$((_try + 1))
		[ "$_try" -lt 100 ] || drover_fail "could not create a temporary name in $_dir"
	done
fi
_st=$(stat -c '%u|%g|%U|%G|%a|%s' "$_p")
IFS='|' read -r _uid _gid _user _group _mode _size <<EOF
$_st
EOF
drover_exit "{\"changed\": true, \"path\": $(json_str "$_p"), \"state\": \"$state\", \"uid\": $_uid, \"gid\": $_gid, \"owner\": $(json_str "$_user"), \"group\": $(json_str "$_group"), \"mode\": \"$(printf '%04o' "0$_mode")\", \"size\": $_size}"
