#!/bin/bash
# bench/files.sh [N [RUNS]] — the file modules (file, copy, lineinfile) in
# the C helper against the sh modules, on an N-host fleet (default 5) of
# loopback sshd daemons.
#
# Plays a 15-task playbook (5 file, 5 copy of content, 5 lineinfile, each
# host on its own paths), RUNS times (default 5) after a warm-up that fills
# the caches and makes the files, so the timed runs change nothing (the
# common case of a playbook run again), with the helper and with
# DROVER_REMOTE_HELPER=0, and prints the medians in seconds and the time
# per task and host. Environment: DROVER (default ./drover of this
# repository), BENCH_NET (fleet net 127.0.X.0, default 218).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5}
RUNS=${2:-5}
DROVER=${DROVER:-$ROOT/drover}
NET=${BENCH_NET:-218}
. "$ROOT/bench/lib.sh"

bench_dir drover-bench-files
sh "$ROOT/tests/fleet/fleet.sh" up "$N" "$DIR" --net "$NET" >/dev/null || exit 1
INV=$DIR/inventory KH=$DIR/known_hosts

{
	echo "- hosts: all"
	echo "  gather_facts: false"
	echo "  tasks:"
	for i in $(seq 5); do
		echo "    - file: path=$DIR/{{ inventory_hostname }}.d$i state=directory mode=0755"
	done
	for i in $(seq 5); do
		echo "    - copy: content='line $i' dest=$DIR/{{ inventory_hostname }}.c$i mode=u=rw,go=r"
	done
	for i in $(seq 5); do
		echo "    - lineinfile: path=$DIR/{{ inventory_hostname }}.c1 regexp='^k$i=' line='k$i=v$i'"
	done
} >"$DIR/site.yml"

# one_run: plays it once; prints its wall time, or fails
one_run() {
	local t0 t1
	t0=$(now)
	"$DROVER" play -i "$INV" --known-hosts "$KH" "$DIR/site.yml" >"$DIR/out" 2>&1 ||
		{ cat "$DIR/out" >&2; return 1; }
	t1=$(now)
	elapsed "$t0" "$t1"
}

# measure: the median of RUNS runs after a warm-up
measure() {
	local i
	one_run >/dev/null || return 1
	for ((i = 0; i < RUNS; i++)); do
		one_run || return 1
		echo
	done | median
}

c=$(measure) || exit 1
sh=$(DROVER_REMOTE_HELPER=0 measure) || exit 1
per() { awk -v t="$1" -v n="$N" 'BEGIN { printf "%.0f", t * 1000 / (15 * n) }'; }
printf 'play(15 file/copy/lineinfile) hosts=%d runs=%d helper=%ss (%s ms/task/host) sh=%ss (%s ms/task/host) load=%s\n' \
	"$N" "$RUNS" "$c" "$(per "$c")" "$sh" "$(per "$sh")" "$(cut -d' ' -f1 /proc/loadavg)"
