# drover module: ping
# short: Check that drover can log in and run a module on the host
# description: Connects, runs the module with the host's POSIX sh and
#   answers "pong". It needs no Python on the host: unlike Ansible's ping
#   it does not test an interpreter, only the login and the shell.
# option: data type=str default=pong  Text to send back in the ping field; the
#   text "crash" makes the module fail, for testing error handling.
# example: drover adhoc all -i hosts -m ping

if [ "$data" = crash ]; then
	drover_fail "boom: the module was asked to crash (data=crash)"
fi
drover_exit "{\"changed\": false, \"ping\": $(json_str "$data")}"
