#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fail when a tracked C file differs from what clang-format (kernel style) makes of it.
set -eu
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files '*.c' '*.h'); do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run 'make format')"
		bad=1
	fi
done
exit $bad
