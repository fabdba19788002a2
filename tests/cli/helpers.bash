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

# ---- a registry on 127.0.0.1 (120-oci, 133-k8s-sync) ----
REGISTRY_BIN=${REGISTRY_BIN:-/usr/bin/docker-registry}

# free_port: a TCP port on 127.0.0.1 nobody listens on right now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL LOG: return once URL answers (5 s at most); else LOG on stderr and 1
wait_http() {
	for _ in $(seq 1 100); do
		if curl -s -o /dev/null -k "$1"; then
			return 0
		fi
		sleep 0.05
	done
	cat "$2" >&2
	return 1
}

# start_registry NAME [EXTRA_YAML]: Debian's docker-registry on 127.0.0.1 in
# $BATS_FILE_TMPDIR/NAME, answering before it returns; its port in NAME/port, kept when
# it is started again (after an outage); killed after 10 minutes whatever happens
start_registry() {
	local dir=$BATS_FILE_TMPDIR/$1 port scheme=http
	mkdir -p "$dir/data"
	[ -f "$dir/port" ] || free_port > "$dir/port"
	port=$(cat "$dir/port")
	cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
${2:-}
EOF
	[[ ${2:-} == *tls:* ]] && scheme=https
	timeout 600 "$REGISTRY_BIN" serve "$dir/config.yml" >> "$dir/log" 2>&1 3>&- &
	echo $! > "$dir/pid"
	wait_http "$scheme://127.0.0.1:$port/v2/" "$dir/log"
}

# stop_bg [PID]: stop a process the test started in the background and reap it;
# nothing when PID is empty
stop_bg() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# stop_registry NAME: stop what start_registry NAME (or another server with NAME/pid) started
stop_registry() {
	local pidfile=$BATS_FILE_TMPDIR/$1/pid
	if [ -f "$pidfile" ]; then
		stop_bg "$(cat "$pidfile")"
		rm -f "$pidfile"
	fi
}
