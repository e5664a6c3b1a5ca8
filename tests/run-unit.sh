#!/bin/sh
# tests/run-unit.sh DIR [DIR2 ...] — run every executable test_* in each DIR
# (cmocka binaries, built by `make unit` into build/tests, and by
# `make SANITIZE=... unit` into build-san/tests), count tests from cmocka's
# "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)" lines, print one
# line per binary and the total "N passed, N failed". A binary that exits
# non-zero without reporting a failed test (a crash, a sanitizer report)
# counts as one failure. Exit 1 if anything failed. A DIR without test
# binaries is reported and is not an error. -v shows every binary's output.
set -u

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 [-v] DIR [DIR2 ...]" >&2
	exit 2
fi

# cmocka's plain format is the one parsed here, whatever the environment.
CMOCKA_MESSAGE_OUTPUT=STDOUT
export CMOCKA_MESSAGE_OUTPUT
unset CMOCKA_TEST_ABORT 2>/dev/null || true

total_pass=0 total_fail=0
out=$(mktemp "${TMPDIR:-/tmp}/run-unit.XXXXXX")
trap 'rm -f "$out"' EXIT
trap 'rm -f "$out"; exit 130' INT TERM

for dir in "$@"; do
	found=0
	for t in "$dir"/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		case $t in *.d | *.o | *.c) continue ;; esac
		found=1
		"$t" >"$out" 2>&1
		rc=$?
		[ $verbose = 1 ] && cat "$out"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" |
			awk '{ s += $1 } END { print s + 0 }')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" |
			awk '{ s += $1 } END { print s + 0 }')
		# A crash leaves no summary; count the tests that got through.
		grep -q '^\[  PASSED  \]' "$out" ||
			p=$(grep -c '^\[       OK \]' "$out")
		note=
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			if [ $rc -gt 128 ]; then
				note=" (killed by signal $((rc - 128)))"
			else
				note=" (exit $rc, no failed test reported)"
			fi
		fi
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$f" -gt 0 ]; then
			echo "FAIL  $t: $p passed, $f failed$note"
			if [ $verbose = 0 ]; then
				grep -E '^\[  (FAILED|  ERROR) \]|^\[  ERROR   \]|error:|ERROR:|runtime error|Sanitizer|Assertion' "$out" |
					head -n 20 | sed 's/^/    /'
				[ -n "$note" ] && tail -n 15 "$out" | sed 's/^/    | /'
			fi
		else
			echo "ok    $t: $p passed"
		fi
	done
	[ $found = 1 ] || echo "no test binaries in $dir (not built? make unit)"
done

echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ]
