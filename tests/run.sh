#!/bin/sh
# tests/run.sh DROVER [DROVER2 ...] — run every integration test
# tests/t[0-9]*.sh once per drover binary given (exported as $DROVER, an
# absolute path), print one result line per file and binary, then the
# total "N passed, N failed" (", N skipped" when any). Exit 1 if anything
# failed. A test file that dies without its summary line counts as one
# failure. Each file's output is kept in tests/trash/run-<binary>-<file>.log
# when it failed; -v shows every file's output as it runs.
#
# With several binaries their passes run at the same time (2 cores: the
# tests mostly wait on sshd and timers), each with its own sshd port
# (FLEET_PORT 2222, 2223, ...) and trash folder; -v runs them in turn.
# Each file compares with real Ansible in one pass only (TEST_NO_REFERENCE=1
# in the others), the passes taking turns file by file so that they last
# about as long: the comparisons are about behaviour, which every binary
# shares. TEST_SHARDS=N splits each binary's pass into N streams
# (every Nth file), all run at the same time, each with its own port.
#
#   sh tests/run.sh ./drover build-san/drover
#   TESTS='t0000-fleet.sh t0100-*.sh' sh tests/run.sh ./drover
set -u

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 [-v] DROVER [DROVER2 ...]" >&2
	exit 2
fi

# run_pass INDEX BIN [SHARD]: every test file with BIN, binary $binidx of
# $nbins (with SHARD, only every $TEST_SHARDS-th file from that one);
# result lines on stdout, and
# "PASS FAIL SKIP failed-files" in $TEST_DIR/trash/pass-INDEX.totals.
run_pass() {
	idx=$1 bin=$2 shard=${3:-0} nth=0
	total_pass=0 total_fail=0 total_skip=0
	failed_files=
	case $bin in
	/*) abs=$bin ;;
	*) abs=$(cd "$(dirname "$bin")" 2>/dev/null && pwd)/$(basename "$bin") ;;
	esac
	if [ ! -x "$abs" ]; then
		echo "$bin: not an executable drover binary" >&2
		echo "0 1 0 $bin" >"$TEST_DIR/trash/pass-$idx.totals"
		return
	fi
	tag=$(echo "$bin" | sed 's|^\./||; s|[/ ]|_|g')
	for t in $TEST_DIR/${TESTS:-t[0-9]*.sh}; do
		[ -f "$t" ] || continue
		nth=$((nth + 1))
		[ $(((nth - 1) % shards)) -eq "$shard" ] || continue
		if [ $(((nth - 1) % nbins)) -eq "$binidx" ]; then
			TEST_NO_REFERENCE=${TEST_NO_REFERENCE_ALL:-0}
		else
			TEST_NO_REFERENCE=1
		fi
		export TEST_NO_REFERENCE
		run_file "$t"
	done
	echo "$total_pass $total_fail $total_skip$failed_files" >"$TEST_DIR/trash/pass-$idx.totals"
}

# run_file TEST: one test file with $abs; adds to the pass's totals.
run_file() {
	name=$(basename "$1" .sh)
	log=$TEST_DIR/trash/run-$idx-$tag-$name.log
	start=$(date +%s)
	if [ $verbose = 1 ]; then
		{ DROVER=$abs sh "$1" 2>&1; echo $? >"$log.rc"; } | tee "$log"
		rc=$(cat "$log.rc")
		rm -f "$log.rc"
	else
		DROVER=$abs sh "$1" >"$log" 2>&1
		rc=$?
	fi
	secs=$(($(date +%s) - start))
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	if [ -z "$sum" ]; then
		p=0 f=1 s=0
		sum="died without a summary line (exit $rc)"
	else
		p=$(echo "$sum" | cut -d' ' -f1)
		f=$(echo "$sum" | cut -d' ' -f3)
		s=$(echo "$sum" | sed -n 's/.*, \([0-9]*\) skipped$/\1/p')
		s=${s:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			sum="$sum, but exit $rc"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	if [ "$f" -gt 0 ]; then
		printf '%-8s %-32s %s (%ss)  log: %s\n' FAIL "$name [$bin]" "$sum" "$secs" "$log"
		[ $verbose = 1 ] || grep -A 40 '^not ok' "$log" | head -n 60 | sed 's/^/    /'
		failed_files="$failed_files $name[$bin]"
	else
		printf '%-8s %-32s %s (%ss)\n' ok "$name [$bin]" "$sum" "$secs"
		rm -f "$log"
	fi
}

mkdir -p "$TEST_DIR/trash"
TEST_NO_REFERENCE_ALL=${TEST_NO_REFERENCE:-}
shards=${TEST_SHARDS:-1}
nbins=$#
binidx=0
[ $verbose = 1 ] && shards=1
idx=0 nbin=0
pids=
for bin in "$@"; do
	if [ $verbose = 1 ] || { [ $# -eq 1 ] && [ "$shards" -eq 1 ]; }; then
		binidx=$nbin
		run_pass $idx "$bin"
		idx=$((idx + 1)) nbin=$((nbin + 1))
		continue
	fi
	k=0
	while [ $k -lt "$shards" ]; do
		( export FLEET_PORT=$((2222 + idx))
		  [ $idx -gt 0 ] && export TEST_TRASH_TAG=$idx
		  binidx=$nbin
		  run_pass $idx "$bin" $k >"$TEST_DIR/trash/pass-$idx.out" ) &
		pids="$pids $!"
		idx=$((idx + 1)) k=$((k + 1))
	done
	nbin=$((nbin + 1))
done
for pid in $pids; do
	wait "$pid"
done

total_pass=0 total_fail=0 total_skip=0
failed_files=
i=0
while [ $i -lt $idx ]; do
	[ -f "$TEST_DIR/trash/pass-$i.out" ] && cat "$TEST_DIR/trash/pass-$i.out"
	read -r p f s files <"$TEST_DIR/trash/pass-$i.totals"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	failed_files="$failed_files${files:+ $files}"
	rm -f "$TEST_DIR/trash/pass-$i.out" "$TEST_DIR/trash/pass-$i.totals"
	i=$((i + 1))
done
rmdir "$TEST_DIR"/trash-* 2>/dev/null
rmdir "$TEST_DIR/trash" 2>/dev/null
[ -n "$failed_files" ] && echo "failed:$failed_files"
if [ $total_skip -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ $total_fail -eq 0 ]
