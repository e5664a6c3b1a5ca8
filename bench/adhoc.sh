#!/bin/bash
# bench/adhoc.sh N [RUNS] — ad-hoc wall time, drover against Ansible, on an
# N-host fleet of loopback sshd daemons (see bench/README.md).
#
# Both run `all -m command -a true` with forks F = min(N, 50) on the same
# inventory, each once as a warm-up and then RUNS times (default 5); the
# script prints both medians in seconds and the ratio ansible/drover, and
# appends a dated line to bench/out/adhoc.log. Ansible uses the fleet's
# ansible.cfg (pipelining, ControlPersist with a ControlPath directory in
# the fleet's temp dir, so its timed runs reuse the warm-up's connections).
#
# Options go before the pattern, which any getopt accepts.
# Environment: DROVER (default ./drover of this repository), BENCH_NET
# (fleet net 127.0.X.0, default 9), ANSIBLE (default ansible).
# `make bench` runs it with sh: hand over to bash first.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-}
RUNS=${2:-5}
DROVER=${DROVER:-$ROOT/drover}
ANSIBLE=${ANSIBLE:-ansible}
NET=${BENCH_NET:-9}

if [[ ! $N =~ ^[0-9]+$ ]] || [[ ! $RUNS =~ ^[0-9]+$ ]] || ((N < 1 || N > 250 || RUNS < 1)); then
	echo "usage: $0 N [RUNS]   (1 <= N <= 250)" >&2
	exit 2
fi
F=$((N < 50 ? N : 50))

. "$ROOT/bench/lib.sh"
bench_dir drover-bench

t0=$(now)
sh "$ROOT/tests/fleet/fleet.sh" up "$N" "$DIR" --net "$NET" || exit 1
echo "fleet: $N sshd up in $(elapsed "$t0" "$(now)")s; forks $F; $RUNS runs each after a warm-up"

INV=$DIR/inventory
KH=$DIR/known_hosts
export ANSIBLE_CONFIG=$DIR/ansible.cfg

# run_once TOOL OUTFILE: one invocation; prints its wall time, returns its
# status. Both must report every host as done (CHANGED/SUCCESS) to count.
run_once() {
	local s e r
	s=$(now)
	case $1 in
	drover) "$DROVER" adhoc -i "$INV" --known-hosts "$KH" -m command -a true -f "$F" all >"$2" 2>&1 ;;
	ansible) "$ANSIBLE" all -i "$INV" -m command -a true -f "$F" >"$2" 2>&1 ;;
	esac
	r=$?
	e=$(now)
	elapsed "$s" "$e"
	return $r
}

# bench TOOL: warm-up plus RUNS timed runs; the median on stdout, or
# nothing when any run failed (its output goes to stderr).
bench() {
	local tool=$1 i t r ok out=$DIR/$1.out times=()
	for ((i = 0; i <= RUNS; i++)); do
		t=$(run_once "$tool" "$out")
		r=$?
		ok=$(grep -cE '\| (CHANGED|SUCCESS)' "$out")
		if ((r != 0)) || ((ok != N)); then
			echo "$tool: run $i failed (exit $r, $ok of $N hosts ok); output:" >&2
			tail -n 20 "$out" | sed 's/^/    /' >&2
			return 1
		fi
		((i == 0)) && { echo "$tool: warm-up ${t}s" >&2; continue; }
		times+=("$t")
		echo "$tool: run $i ${t}s" >&2
	done
	printf '%s\n' "${times[@]}" | median
}

status=0
if [[ -x $DROVER ]]; then
	d=$(bench drover) || { d=; status=1; }
else
	echo "drover: no binary at $DROVER (make), skipped" >&2
	d=
	status=1
fi
if command -v "$ANSIBLE" >/dev/null; then
	a=$(bench ansible) || { a=; status=1; }
else
	echo "ansible: not installed, skipped" >&2
	a=
	status=1
fi

ratio=n/a
[[ -n $d && -n $a ]] && ratio=$(awk -v a="$a" -v d="$d" 'BEGIN { printf "%.2f", a / d }')
echo
printf 'hosts %d, forks %d, median of %d runs:\n' "$N" "$F" "$RUNS"
printf '  drover   %s\n' "$( [[ -n $d ]] && echo "${d}s" || echo FAILED)"
printf '  ansible  %s\n' "$( [[ -n $a ]] && echo "${a}s" || echo FAILED)"
printf '  ratio ansible/drover  %s\n' "$ratio"

mkdir -p "$ROOT/bench/out"
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
printf '%s hosts=%d forks=%d runs=%d drover=%s ansible=%s ratio=%s rev=%s drover_bin=%s\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$N" "$F" "$RUNS" "${d:-FAILED}" "${a:-FAILED}" \
	"$ratio" "$rev" "$DROVER" >>"$ROOT/bench/out/adhoc.log"
exit $status
