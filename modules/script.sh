# drover module: script
# short: Run a local script on the host after sending it there
# description: The controller reads the script once per task and sends it
#   with the arguments; the host writes it to a private temporary file, runs
#   it (its #! line picks the interpreter, or executable does) with the rest
#   of the line as arguments, interpreted by the host's sh as Ansible's
#   shell would, and removes it afterwards, even when it fails. The result
#   is rc, stdout, stderr and their _lines, with output kept whole (not
#   stripped); a non-zero rc fails the task. In check mode the script does
#   not run and the task is skipped.
# flags: free_form
# option: _raw_params type=str  The script's path on the controller, then its
#   arguments (free form).
# option: cmd type=str  The same, as an option.
# option: creates type=path  A path or glob on the host; if it exists, do not run.
# option: removes type=path  A path or glob on the host; if it does not exist, do not run.
# option: chdir type=path  Change into this folder on the host before running.
# option: executable type=str  Run the script with this program (e.g. python3).
# example: drover adhoc all -i hosts -m script -a './setup-disk.sh /dev/vdb'
# example: drover adhoc all -i hosts -m script -a 'report.py --quiet executable=python3 creates=/etc/report.done'

any_exists() {
	for _p in $1; do
		[ -e "$_p" ] || [ -L "$_p" ] && return 0
	done
	return 1
}

skip() {
	drover_exit "{\"changed\": false, \"skipped\": true, \"rc\": 0, \"msg\": $(json_str "skipped, since $1"), \"stdout\": \"\", \"stdout_lines\": [], \"stderr\": \"\", \"stderr_lines\": []}"
}

# The script arrives on stdin after the arguments; read it before anything
# may fail, so nothing is left in the pipe.
_d=$(mktemp -d "${TMPDIR:-/tmp}/drover-script.XXXXXX") ||
	drover_exit "{\"failed\": true, \"rc\": 1, \"msg\": \"cannot create a temporary folder on the host\"}"
trap 'rm -rf "$_d"' EXIT
_s="$_d/${_drover_script##*/}"
cat >"$_s"
chmod 700 "$_s"

if [ -n "$chdir" ]; then
	cd "$chdir" 2>/dev/null || drover_exit "{\"failed\": true, \"changed\": false, \"rc\": 1, \"msg\": $(json_str "Unable to change directory before execution: [Errno 2] No such file or directory: '$chdir'")}"
fi
if [ -n "$creates" ] && any_exists "$creates"; then
	skip "$creates exists"
fi
if [ -n "$removes" ] && ! any_exists "$removes"; then
	skip "$removes does not exist"
fi
if [ "$_ansible_check_mode" = true ]; then
	drover_exit '{"changed": false, "skipped": true, "msg": "Check mode is not supported for this task"}'
fi

# Not exec: the trap must still remove the script.
if [ -n "$executable" ]; then
	eval "$executable \"\$_s\" $_drover_script_args" >"$_d/.out" 2>"$_d/.err"
else
	eval "\"\$_s\" $_drover_script_args" >"$_d/.out" 2>"$_d/.err"
fi
_rc=$?
_res="\"changed\": true, \"rc\": $_rc, \"stdout\": $(json_file "$_d/.out"), \"stdout_lines\": $(json_lines "$_d/.out"), \"stderr\": $(json_file "$_d/.err"), \"stderr_lines\": $(json_lines "$_d/.err")"
[ "$_rc" = 0 ] || _res="$_res, \"failed\": true, \"msg\": \"non-zero return code\""
drover_exit "{$_res}"
