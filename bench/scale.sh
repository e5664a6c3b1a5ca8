#!/bin/bash
# bench/scale.sh [NAMES [DAEMONS [RUNS]]] — how drover and Ansible scale
# from DAEMONS hosts (default 50) to NAMES inventory hosts (default 1,000)
# on the same DAEMONS loopback sshd, NAMES/DAEMONS names per address (see
# bench/README.md).
#
# For each tool it runs `all -m command -a true -f 50` once as a warm-up
# (on the small inventory: it also warms Ansible's ControlPersist masters,
# which the NAMES aliases of the same addresses share), then RUNS times
# (default 1: Ansible needs minutes for 1,000 hosts) per inventory under
# /usr/bin/time -v, and prints a table: median wall time, wall time per
# host, peak RSS (GNU time's "Maximum resident set size": the largest
# single process, not the sum over Ansible's forks). Appends the table to
# bench/out/scale.log.
#
# Options go before the pattern, which any getopt accepts.
# Environment: DROVER (default ./drover of this repository), BENCH_NET
# (fleet net 127.0.X.0, default 8), ANSIBLE (default ansible).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAMES=${1:-1000}
DAEMONS=${2:-50}
RUNS=${3:-1}
DROVER=${DROVER:-$ROOT/drover}
ANSIBLE=${ANSIBLE:-ansible}
NET=${BENCH_NET:-8}
F=50

for v in "$NAMES" "$DAEMONS" "$RUNS"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [NAMES [DAEMONS [RUNS]]]" >&2; exit 2; }
done
((DAEMONS <= 250)) || { echo "$0: at most 250 daemons" >&2; exit 2; }

if [[ ! -x /usr/bin/time ]]; then
	if [[ $(id -u) == 0 ]]; then
		echo "installing GNU time" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || exit 1
	else
		echo "$0: needs /usr/bin/time (apt-get install time)" >&2
		exit 1
	fi
fi

. "$ROOT/bench/lib.sh"
bench_dir drover-scale

t0=$(now)
sh "$ROOT/tests/fleet/fleet.sh" up "$DAEMONS" "$DIR" --net "$NET" --scale "$NAMES" || exit 1
echo "fleet: $DAEMONS sshd up in $(elapsed "$t0" "$(now)")s; inventories of $DAEMONS and $NAMES hosts; forks $F; $RUNS runs after a warm-up"
KH=$DIR/known_hosts
export ANSIBLE_CONFIG=$DIR/ansible.cfg

# measure TOOL INVENTORY HOSTS: prints "median-wall max-rss-kB", or returns
# 1 after showing the output of the failed run.
# WARMUP=0 skips the warm-up run.
measure() {
	local tool=$1 inv=$2 hosts=$3 i s e r ok rss out=$DIR/out tf=$DIR/time
	local walls=() maxrss=0
	for ((i = 1 - ${WARMUP:-1}; i <= RUNS; i++)); do
		s=$(now)
		case $tool in
		drover) /usr/bin/time -v -o "$tf" "$DROVER" adhoc -i "$inv" \
			--known-hosts "$KH" -m command -a true -f $F all >"$out" 2>&1 ;;
		ansible) /usr/bin/time -v -o "$tf" "$ANSIBLE" all -i "$inv" \
			-m command -a true -f $F >"$out" 2>&1 ;;
		esac
		r=$?
		e=$(now)
		ok=$(grep -cE '\| (CHANGED|SUCCESS)' "$out")
		if ((r != 0)) || ((ok != hosts)); then
			echo "$tool, $hosts hosts: run $i failed (exit $r, $ok of $hosts hosts ok); output:" >&2
			tail -n 20 "$out" | sed 's/^/    /' >&2
			return 1
		fi
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tf")
		if ((i == 0)); then
			echo "$tool, $hosts hosts: warm-up $(elapsed "$s" "$e")s, $rss kB" >&2
			continue
		fi
		echo "$tool, $hosts hosts: run $i $(elapsed "$s" "$e")s, $rss kB" >&2
		walls+=("$(elapsed "$s" "$e")")
		((rss > maxrss)) && maxrss=$rss
	done
	echo "$(printf '%s\n' "${walls[@]}" | median) $maxrss"
}

declare -A res
status=0
for tool in drover ansible; do
	if [[ $tool == drover && ! -x $DROVER ]]; then
		echo "drover: no binary at $DROVER (make), skipped" >&2
		status=1
		continue
	fi
	if [[ $tool == ansible ]] && ! command -v "$ANSIBLE" >/dev/null; then
		echo "ansible: not installed, skipped" >&2
		status=1
		continue
	fi
	for hosts in "$DAEMONS" "$NAMES"; do
		inv=$DIR/inventory
		((hosts == DAEMONS)) || inv=$DIR/inventory-scale
		warm=1
		((hosts == DAEMONS)) || warm=0
		if r=$(WARMUP=$warm measure "$tool" "$inv" "$hosts"); then
			res[$tool,$hosts]=$r
		else
			status=1
		fi
	done
done

table() {
	printf '%-8s %6s %10s %14s %14s\n' tool hosts "wall (s)" "per host (ms)" "peak RSS (MB)"
	for tool in drover ansible; do
		for hosts in "$DAEMONS" "$NAMES"; do
			local r=${res[$tool,$hosts]:-}
			if [[ -z $r ]]; then
				printf '%-8s %6s %10s %14s %14s\n' "$tool" "$hosts" FAILED - -
				continue
			fi
			read -r wall rss <<<"$r"
			awk -v t="$tool" -v h="$hosts" -v w="$wall" -v m="$rss" 'BEGIN {
				printf "%-8s %6d %10.2f %14.1f %14.1f\n", t, h, w, w * 1000 / h, m / 1024 }'
		done
	done
}

echo
echo "median of $RUNS runs, forks $F, $NAMES names on $DAEMONS sshd:"
table
mkdir -p "$ROOT/bench/out"
{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) runs=$RUNS drover_bin=$DROVER"
	table
} >>"$ROOT/bench/out/scale.log"
exit $status
