# drover shell-module prelude: prepended to every modules/NAME.sh before it
# is sent to a host. POSIX sh only (dash, busybox sh, bash).
#
# Protocol: stdin starts with a line holding a count N, then N lines of sh
# assignments (the module's arguments, quoted by the controller, plus
# _drover_marker). Whatever follows is the data for the module (command's
# stdin option). The module's result is one JSON object printed after a
# newline and the marker; anything a module prints before that is payload
# that the controller keeps as the command's stdout.

IFS= read -r _drover_n || exit 211
_drover_args=
while [ "$_drover_n" -gt 0 ]; do
	IFS= read -r _drover_line || exit 211
	_drover_args="$_drover_args$_drover_line
"
	_drover_n=$((_drover_n - 1))
done
eval "$_drover_args"
unset _drover_args _drover_line _drover_n

# A task's environment: keyword arrives as _drover_env_0.._drover_env_{n-1} ("K=V").
_drover_i=0
while [ "$_drover_i" -lt "${_drover_env_n:-0}" ]; do
	eval "_drover_kv=\$_drover_env_$_drover_i"
	export "$_drover_kv"
	_drover_i=$((_drover_i + 1))
done
unset _drover_i _drover_kv

# json_str VALUE: VALUE as a JSON string literal, quotes included.
json_str() {
	printf '%s' "$1" | awk 'BEGIN { ORS = ""; printf "\"" }
		{ if (NR > 1) printf "\\n"
		  gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r")
		  printf "%s", $0 }
		END { printf "\"" }'
}

# drover_exit JSON: hands the result to the controller and ends the module.
drover_exit() {
	printf '\n%s%s\n' "$_drover_marker" "$1"
	exit 0
}

# drover_fail MSG: a failed result with a message.
drover_fail() {
	drover_exit "{\"failed\": true, \"msg\": $(json_str "$1")}"
}
