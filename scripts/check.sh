#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check: format, build, every test, the ASan+UBSan build, a fuzz smoke run.
# Ends with a line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
passed=0
failed=0
skipped=0
failures=()

# Count a meson run's results from its test log.
count_meson() {
	local log=$1/meson-logs/testlog.json
	[ -f "$log" ] || return 0
	local p f s
	p=$(grep -c '"result": "OK"' "$log")
	f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
	s=$(grep -c '"result": "SKIP"' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		failures+=("$(grep -E '"result": "(FAIL|TIMEOUT|ERROR)"' "$log" | sed -E 's/.*"name": "([^"]*)".*/\1/' | sed "s|^|$1: |")")
	fi
}

step() {
	local name=$1
	shift
	echo "==> $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

step "clang-format (kernel style)" ./scripts/check-format.sh

# meson prints its errors on stdout: keep them, drop the rest
quiet_setup() {
	local log
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		tail -n 20 "$log"
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
}

[ -f "$BUILD/build.ninja" ] || quiet_setup meson setup "$BUILD"
step "build" ninja -C "$BUILD"
echo "==> tests ($BUILD)"
rm -f "$BUILD/meson-logs/testlog.json"
meson test -C "$BUILD" --print-errorlogs --num-processes 2
count_meson "$BUILD"

[ -f "$ASAN_BUILD/build.ninja" ] ||
	quiet_setup meson setup "$ASAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
step "build (ASan+UBSan)" ninja -C "$ASAN_BUILD"
echo "==> unit, fuzz-replay and CLI tests under ASan+UBSan ($ASAN_BUILD)"
rm -f "$ASAN_BUILD/meson-logs/testlog.json"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C "$ASAN_BUILD" --print-errorlogs --num-processes 2 --suite unit --suite fuzz --suite scprof \
	--timeout-multiplier 3
count_meson "$ASAN_BUILD"

if command -v clang >/dev/null; then
	[ -f "$FUZZ_BUILD/build.ninja" ] ||
		CC=clang quiet_setup meson setup "$FUZZ_BUILD" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	step "build (libFuzzer)" ninja -C "$FUZZ_BUILD"
	for f in "$FUZZ_BUILD"/tests/fuzz/fuzz-*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		step "fuzz smoke ${f##*/} (${FUZZ_SECONDS}s)" ./scripts/fuzz-smoke.sh "$f" "$FUZZ_SECONDS"
	done
else
	echo "==> skip: libFuzzer smoke run needs clang"
	skipped=$((skipped + 1))
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
