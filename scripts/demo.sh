#!/bin/sh
# scripts/demo.sh — show drover driving a throwaway 5-host fleet of loopback
# sshd daemons. Builds nothing (`make demo` builds ./drover first). Run from
# anywhere; DROVER overrides the binary (default ./drover at the top of the
# repository), DEMO_NET the fleet's net 127.0.X.0 (default 7).
#
# It runs the ping module and a shell command ad hoc, and the demo playbook
# when playbooks/demo.yml and `drover play` both exist. The fleet is stopped
# on exit, including Ctrl-C.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DROVER=${DROVER:-$ROOT/drover}
NET=${DEMO_NET:-7}
N=5

if [ ! -x "$DROVER" ]; then
	echo "demo: no drover binary at $DROVER (run: make demo)" >&2
	exit 1
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/drover-demo.XXXXXX")
cleanup() {
	[ -f "$DIR/fleet.pids" ] && sh "$ROOT/tests/fleet/fleet.sh" down "$DIR"
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# step ARGS...: show a command as one could paste it.
step() {
	line=
	for a in "$@"; do
		case $a in
		"$ROOT"/*) a=./${a#"$ROOT"/} ;;
		esac
		case $a in
		*[!A-Za-z0-9_./:=,@+-]* | '') a="'$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		line="$line $a"
	done
	printf '\n\033[1m$%s\033[0m\n' "$line"
}

status=0
run() {
	step "$@"
	"$@"
	r=$?
	[ $r -eq 0 ] || { echo "demo: exit status $r" >&2; status=1; }
}

echo "demo: starting $N sshd daemons on 127.0.$NET.1-$N:2222 in $DIR"
t0=$(date +%s.%N)
sh "$ROOT/tests/fleet/fleet.sh" up $N "$DIR" --net "$NET" || exit 1
t1=$(date +%s.%N)
echo "demo: fleet up in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")s"

cd "$ROOT" || exit 1
inv=$DIR/inventory
kh=$DIR/known_hosts
step cat "$inv"
sed -n '/^\[all\]/,/^$/p' "$inv" | sed 's/ ansible_ssh_private_key_file=.*//'

run "$DROVER" adhoc all -i "$inv" --known-hosts "$kh" -m ping
run "$DROVER" adhoc all -i "$inv" --known-hosts "$kh" -m shell -a 'uname -n; uptime'
run "$DROVER" adhoc odd -i "$inv" --known-hosts "$kh" -m command -a 'id -un' -o

if [ -f "$ROOT/playbooks/demo.yml" ]; then
	if "$DROVER" play --help >/dev/null 2>&1; then
		if "$DROVER" play --help 2>&1 | grep -q -e --known-hosts; then
			run "$DROVER" play "$ROOT/playbooks/demo.yml" -i "$inv" --known-hosts "$kh"
		else
			run "$DROVER" play "$ROOT/playbooks/demo.yml" -i "$inv"
		fi
	else
		echo
		echo "demo: playbooks/demo.yml exists but this drover has no 'play' yet"
	fi
fi

echo
if [ $status -eq 0 ]; then
	echo "demo: done; stopping the fleet"
else
	echo "demo: some steps failed (above); stopping the fleet"
fi
exit $status
