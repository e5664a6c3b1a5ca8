#!/bin/bash
# bench/play.sh N [RUNS] — playbook wall time, drover against
# ansible-playbook, on an N-host fleet of loopback sshd daemons.
#
# bench/play/site.yml (20 everyday tasks: command, shell, file, copy,
# lineinfile, template, stat with when, a loop, set_fact, debug) runs with
# forks F = min(N, 50): a first apply on empty folders, then idempotent
# re-runs. Each tool runs RUNS times (default 3) from scratch, each time
# apply then re-run; the script prints the medians and the ratios
# ansible/drover and appends them to bench/out/play.log. Ansible uses the
# fleet's ansible.cfg (pipelining on, ControlPersist).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-}
RUNS=${2:-3}
DROVER=${DROVER:-$ROOT/drover}
NET=${BENCH_NET:-8}

if [[ ! $N =~ ^[0-9]+$ ]] || [[ ! $RUNS =~ ^[0-9]+$ ]] || ((N < 1 || N > 250 || RUNS < 1)); then
	echo "usage: $0 N [RUNS]   (1 <= N <= 250)" >&2
	exit 2
fi
F=$((N < 50 ? N : 50))

. "$ROOT/bench/lib.sh"
bench_dir drover-bench-play

sh "$ROOT/tests/fleet/fleet.sh" up "$N" "$DIR" --net "$NET" || exit 1
INV=$DIR/inventory
KH=$DIR/known_hosts
export ANSIBLE_CONFIG=$DIR/ansible.cfg ANSIBLE_NOCOLOR=1

# one TOOL ROOT OUT: one playbook run; prints its wall time; fails unless the recap shows no failure.
one() {
	local s e r
	s=$(now)
	case $1 in
	drover) "$DROVER" play -i "$INV" --known-hosts "$KH" -f "$F" "$ROOT/bench/play/site.yml" -e root="$2" >"$3" 2>&1 ;;
	ansible) ansible-playbook -i "$INV" -f "$F" "$ROOT/bench/play/site.yml" -e root="$2" >"$3" 2>&1 ;;
	esac
	r=$?
	e=$(now)
	elapsed "$s" "$e"
	if ((r != 0)) || ! grep -q 'PLAY RECAP' "$3" || grep -qE 'failed=[1-9]|unreachable=[1-9]' "$3"; then
		echo "$1: run failed (exit $r); output:" >&2
		tail -n 20 "$3" | sed 's/^/    /' >&2
		return 1
	fi
}

# bench TOOL: RUNS × (apply, re-run); prints "APPLY_MEDIAN RERUN_MEDIAN".
bench() {
	local tool=$1 i a b applies=() reruns=()
	for ((i = 1; i <= RUNS; i++)); do
		rm -rf "$DIR/root-$tool"
		mkdir -p "$DIR/root-$tool"
		a=$(one "$tool" "$DIR/root-$tool" "$DIR/$tool.apply") || return 1
		b=$(one "$tool" "$DIR/root-$tool" "$DIR/$tool.rerun") || return 1
		echo "$tool: run $i apply ${a}s, re-run ${b}s" >&2
		applies+=("$a")
		reruns+=("$b")
	done
	echo "$(printf '%s\n' "${applies[@]}" | median) $(printf '%s\n' "${reruns[@]}" | median)"
}

d=$(bench drover) || exit 1
a=$(bench ansible) || exit 1
read -r da dr <<<"$d"
read -r aa ar <<<"$a"
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", x / y }'; }
line="$(date -u +%F) N=$N forks=$F apply: drover ${da}s ansible ${aa}s ($(ratio "$aa" "$da")x); re-run: drover ${dr}s ansible ${ar}s ($(ratio "$ar" "$dr")x)"
echo "$line"
mkdir -p "$ROOT/bench/out"
echo "$line" >>"$ROOT/bench/out/play.log"
