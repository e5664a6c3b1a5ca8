# drover module: wait_for_connection
# short: Wait until drover can log in to the host and run a command
# description: Runs on the controller (src/reboot.c): after `delay`
#   seconds, tries to connect and run `true` on the host every `sleep`
#   seconds, each try limited to connect_timeout, until it works or
#   `timeout` seconds have passed. An unreachable host is therefore not a
#   failure until the timeout. The result has changed=false and elapsed.
#   This script only runs if the controller did not handle the module: it
#   then just answers (the connection evidently works).
# option: connect_timeout type=int default=5  Seconds per attempt.
# option: delay type=int default=0  Seconds to wait before the first attempt.
# option: sleep type=int default=1  Seconds between attempts.
# option: timeout type=int default=600  Give up after this many seconds.
# example: drover adhoc new -i hosts -m wait_for_connection -a 'timeout=300'

drover_exit '{"changed": false, "elapsed": 0}'
