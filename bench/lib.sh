# bench/lib.sh — sourced by the bench scripts (bash): a throwaway fleet
# directory stopped on exit, and timing helpers.
# bench_dir NAME: sets DIR to a fresh temp dir whose fleet is stopped on exit.
bench_dir() {
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap bench_cleanup EXIT
	trap 'echo "interrupted" >&2; exit 130' INT
	trap 'exit 143' TERM
}
bench_cleanup() {
	[[ -f $DIR/fleet.pids ]] && sh "$ROOT/tests/fleet/fleet.sh" down "$DIR"
	rm -rf "$DIR"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "n/a"; exit }
	if (NR % 2) printf "%.3f", v[(NR + 1) / 2]
	else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
