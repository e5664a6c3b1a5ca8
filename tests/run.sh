#!/bin/sh
# tests/run.sh DROVER [DROVER2 ...] — run every integration test
# tests/t[0-9]*.sh once per drover binary given (exported as $DROVER, an
# absolute path), print one result line per file and binary, then the
# total "N passed, N failed" (", N skipped" when any). Exit 1 if anything
# failed. A test file that dies without its summary line counts as one
# failure. Each file's output is kept in tests/trash/run-<binary>-<file>.log
# when it failed; -v shows every file's output as it runs.
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

total_pass=0 total_fail=0 total_skip=0
failed_files=

for bin in "$@"; do
	case $bin in
	/*) abs=$bin ;;
	*) abs=$(cd "$(dirname "$bin")" 2>/dev/null && pwd)/$(basename "$bin") ;;
	esac
	if [ ! -x "$abs" ]; then
		echo "$bin: not an executable drover binary" >&2
		total_fail=$((total_fail + 1))
		failed_files="$failed_files $bin"
		continue
	fi
	tag=$(echo "$bin" | sed 's|^\./||; s|[/ ]|_|g')
	for t in $TEST_DIR/${TESTS:-t[0-9]*.sh}; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		mkdir -p "$TEST_DIR/trash"
		log=$TEST_DIR/trash/run-$tag-$name.log
		start=$(date +%s)
		if [ $verbose = 1 ]; then
			{ DROVER=$abs sh "$t" 2>&1; echo $? >"$log.rc"; } | tee "$log"
			rc=$(cat "$log.rc")
			rm -f "$log.rc"
		else
			DROVER=$abs sh "$t" >"$log" 2>&1
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
	done
done

rmdir "$TEST_DIR/trash" 2>/dev/null
[ -n "$failed_files" ] && echo "failed:$failed_files"
if [ $total_skip -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ $total_fail -eq 0 ]
