# drover module: command
# short: Run a command on the host, without a shell (shell: with /bin/sh)
# description: The command's stdout and stderr come back unchanged (the
#   controller adds stdout_lines, stderr_lines and timings). Serves both the
#   command and the shell modules; shell passes _uses_shell.
# option: _raw_params type=str  The command line (free form); for command it
#   is split into words as Python's shlex does, without a shell.
# option: cmd type=str  The command line, as an option instead of free form.
# option: argv type=list  The command as a list of words (command only).
# option: chdir type=path  Change into this folder before running.
# option: creates type=path  A path or glob; if it exists, do not run.
# option: removes type=path  A path or glob; if it does not exist, do not run.
# option: stdin type=str  Feed this text to the command's standard input.
# option: stdin_add_newline type=bool default=true  Add a newline after stdin.
# option: strip_empty_ends type=bool default=true  Strip trailing newlines
#   from stdout and stderr in the result.
# option: executable type=path  The shell for the shell module (default /bin/sh).
# option: _uses_shell type=bool default=false  Run through a shell (set by shell).
# example: drover adhoc web -i hosts -a 'uptime'
# example: drover adhoc web -i hosts -m shell -a 'cd /tmp && ls | wc -l'
# example: drover adhoc web -i hosts -a 'creates=/etc/done touch /etc/done'

# any_exists GLOB: true if the path or any match of the glob exists.
any_exists() {
	for _p in $1; do
		[ -e "$_p" ] || [ -L "$_p" ] && return 0
	done
	return 1
}

skip() {
	drover_exit "{\"changed\": false, \"rc\": 0, \"msg\": $(json_str "$1"), \"stdout\": $(json_str "skipped, since $2"), \"_drover_skipped_run\": true}"
}

if [ -n "$chdir" ]; then
	cd "$chdir" 2>/dev/null || drover_exit "{\"failed\": true, \"rc\": 1, \"msg\": $(json_str "Unable to change directory before execution: [Errno 2] No such file or directory: '$chdir'")}"
fi
if [ -n "$creates" ] && any_exists "$creates"; then
	skip "Did not run command since '$creates' exists" "$creates exists"
fi
if [ -n "$removes" ] && ! any_exists "$removes"; then
	skip "Did not run command since '$removes' does not exist" "$removes does not exist"
fi

# check mode (-C): a command cannot say what it would change, so it does not run
if [ "$_ansible_check_mode" = true ]; then
	drover_exit "{\"changed\": false, \"skipped\": true, \"rc\": 0, \"msg\": \"Command would have run if not in check mode\", \"_drover_skipped_run\": true}"
fi

if [ "$_uses_shell" = true ]; then
	"${executable:-/bin/sh}" -c "$_drover_cmd"
else
	# argv arrives as _drover_argv_0 .. _drover_argv_N-1
	set --
	_i=0
	while [ "$_i" -lt "$_drover_argv_n" ]; do
		eval "set -- \"\$@\" \"\$_drover_argv_$_i\""
		_i=$((_i + 1))
	done
	if ! command -v "$1" >/dev/null 2>&1; then
		drover_exit "{\"failed\": true, \"rc\": 2, \"msg\": $(json_str "[Errno 2] No such file or directory: b'$1'")}"
	fi
	"$@"
fi
_rc=$?
drover_exit "{\"rc\": $_rc}"
