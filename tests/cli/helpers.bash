# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared bats helpers for the CLI tests.  $SCPROF, $SCPROF_SRCDIR and $SCPROF_HELPERS
# come from tests/meson.build; running a file by hand works from the source tree too.

SCPROF_SRCDIR=${SCPROF_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
SCPROF=${SCPROF:-$SCPROF_SRCDIR/build/cli/scprof}
SCPROF_HELPERS=${SCPROF_HELPERS:-$SCPROF_SRCDIR/build/tests/helpers}
DATA=$SCPROF_SRCDIR/tests/data

# run_scprof [EXPECTED_RC] ARGS...: run scprof, keep $output and $status, and on an
# unexpected status print the command and its output (skopeo's run_podman).
run_scprof() {
	local expected=0
	if [[ $1 =~ ^[0-9]+$ ]]; then
		expected=$1
		shift
	fi
	if [ "$expected" -eq 127 ]; then
		run -127 "$SCPROF" "$@" # bats warns about 127 otherwise
	else
		run "$SCPROF" "$@"
	fi
	if [ "$status" -ne "$expected" ]; then
		echo "# \$ scprof $*" >&2
		echo "# exit $status, expected $expected" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

# assert_output_contains TEXT: $output has TEXT somewhere.
assert_output_contains() {
	if [[ "$output" != *"$1"* ]]; then
		echo "# expected output to contain: $1" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

# assert_output_not_contains TEXT
assert_output_not_contains() {
	if [[ "$output" == *"$1"* ]]; then
		echo "# expected output NOT to contain: $1" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

# assert_line_count N: exactly N lines of output.
assert_line_count() {
	if [ "${#lines[@]}" -ne "$1" ]; then
		echo "# expected $1 lines, got ${#lines[@]}" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

setup_tmp() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/scprof-test.XXXXXX")
}

teardown_tmp() {
	if [ -n "${TMP:-}" ]; then
		rm -rf "$TMP"
	fi
}

# The kernel prints at most printk_ratelimit_burst audit records per
# printk_ratelimit seconds to /dev/kmsg when no audit daemon reads them; tests
# that read the kernel's seccomp records lift the limit for their file (root only).
lift_printk_ratelimit() {
	if [ -w /proc/sys/kernel/printk_ratelimit ]; then
		cat /proc/sys/kernel/printk_ratelimit > "$BATS_FILE_TMPDIR/printk_ratelimit"
		echo 0 > /proc/sys/kernel/printk_ratelimit
	fi
}

restore_printk_ratelimit() {
	if [ -f "$BATS_FILE_TMPDIR/printk_ratelimit" ]; then
		cat "$BATS_FILE_TMPDIR/printk_ratelimit" > /proc/sys/kernel/printk_ratelimit
	fi
}

# wait_recording FILE: until scprof record, its stderr going to FILE, says it is attached
wait_recording() {
	for _ in $(seq 1 200); do
		grep -q 'Ctrl-C to stop' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$1" >&2
	return 1
}

# wait_file FILE: until FILE exists (10 s at most)
wait_file() {
	for _ in $(seq 1 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# require_root_to_record: skip, saying why, unless root (recording needs it; CI is root)
require_root_to_record() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "recording tests run as root (CI does); this is uid $(id -u)"
	fi
}

# names PROFILE: the syscall names a profile's ALLOW rules list, one per line
names() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
for r in p.get("syscalls", []):
    if r["action"] == "SCMP_ACT_ALLOW":
        for n in r.get("names", []):
            print(n)' "$1" | sort -u
}
