#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run one libFuzzer binary for a few seconds on a copy of its seed corpus.
set -euo pipefail
fuzzer=$1
seconds=${2:-15}
name=${fuzzer##*/fuzz-}
seeds=$(dirname "$0")/../tests/fuzz/corpus/$name
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
ASAN_OPTIONS=detect_leaks=1 "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" "$work" 2>"$work.log" || {
	tail -n 40 "$work.log"
	# keep the input that failed, and show it, since the work directory goes away
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
		[ -f "$a" ] || continue
		mkdir -p "${FUZZ_ARTIFACTS:-fuzz-artifacts}"
		cp "$a" "${FUZZ_ARTIFACTS:-fuzz-artifacts}/${name}-${a##*/}"
		echo "input (base64) kept in ${FUZZ_ARTIFACTS:-fuzz-artifacts}/${name}-${a##*/}:"
		base64 -w 0 "$a" | head -c 4096
		echo
	done
	rm -f "$work.log"
	exit 1
}
grep -E '^Done|stat::number_of_executed_units' "$work.log" | tail -n 1 || true
rm -f "$work.log"
