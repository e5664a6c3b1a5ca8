#!/bin/bash
# bench/helper.sh [N [RUNS]] — the C helper drover-remote against the sh
# modules, on an N-host fleet (default 5) of loopback sshd daemons.
#
# Times, RUNS times each (default 5, after one warm-up that also fills the
# hosts' caches), with the helper and with DROVER_REMOTE_HELPER=0:
#   drover adhoc all -m stat -a path=/etc/passwd
#   drover play on a 20-task playbook: 10 stat, 5 slurp, 5 file (the file
#   tasks run the sh module either way)
# and prints the medians in seconds. Environment: DROVER (default ./drover
# of this repository), BENCH_NET (fleet net 127.0.X.0, default 219).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5}
RUNS=${2:-5}
DROVER=${DROVER:-$ROOT/drover}
NET=${BENCH_NET:-219}
. "$ROOT/bench/lib.sh"

bench_dir drover-bench-helper
sh "$ROOT/tests/fleet/fleet.sh" up "$N" "$DIR" --net "$NET" >/dev/null || exit 1
INV=$DIR/inventory KH=$DIR/known_hosts

{
	echo "- hosts: all"
	echo "  gather_facts: false"
	echo "  tasks:"
	for i in $(seq 10); do echo "    - stat: path=/etc/passwd"; done
	for i in $(seq 5); do echo "    - slurp: src=/etc/hostname"; done
	for i in $(seq 5); do echo "    - file: path=$DIR/d$i state=directory mode=0755"; done
} >"$DIR/site.yml"

# one_run adhoc|play: runs it once; prints its wall time, or fails
one_run() {
	local t0 t1
	t0=$(now)
	case $1 in
	adhoc) "$DROVER" adhoc all -i "$INV" --known-hosts "$KH" -m stat -a path=/etc/passwd ;;
	play) "$DROVER" play -i "$INV" --known-hosts "$KH" "$DIR/site.yml" ;;
	esac >"$DIR/out" 2>&1 || { cat "$DIR/out" >&2; return 1; }
	t1=$(now)
	elapsed "$t0" "$t1"
}

# measure adhoc|play: the median of RUNS runs after a warm-up
measure() {
	local i
	one_run "$1" >/dev/null || return 1
	for ((i = 0; i < RUNS; i++)); do
		one_run "$1" || return 1
		echo
	done | median
}

for what in adhoc play; do
	c=$(measure "$what") || exit 1
	sh=$(DROVER_REMOTE_HELPER=0 measure "$what") || exit 1
	printf '%-6s hosts=%d runs=%d helper=%ss sh=%ss load=%s\n' "$what" "$N" "$RUNS" "$c" "$sh" \
		"$(cut -d' ' -f1 /proc/loadavg)"
done
