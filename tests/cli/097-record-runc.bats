#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Containers: record a busybox workload in a runc container through its cgroup
# (and through its init's pid), then run the same container with the recorded
# profile under runc, and the same command under scprof run: both succeed.  And
# a profile recorded outside a container starts under runc only with
# --for-runtime runc.  Needs root, runc and busybox-static.

load helpers

BUSYBOX=/bin/busybox
WORK='ls /bin > /dev/null; echo hello; wc -l < /etc/passwd'

setup_file() {
	if [ "$(id -u)" -ne 0 ] || ! command -v runc >/dev/null || [ ! -x "$BUSYBOX" ]; then
		return 0
	fi
	local root=$BATS_FILE_TMPDIR/rootfs
	mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev" "$root/sys"
	cp "$BUSYBOX" "$root/bin/"
	for a in sh ls echo wc cat; do ln -s busybox "$root/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
	(cd "$BATS_FILE_TMPDIR" && runc spec)
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: runc makes namespaces and mounts"
	command -v runc >/dev/null || skip "runc is not installed (Debian package runc)"
	[ -x "$BUSYBOX" ] || skip "no $BUSYBOX (Debian package busybox-static)"
	setup_tmp
	ID=scprof-rec-$$-$BATS_TEST_NUMBER
}

teardown() {
	runc delete -f "$ID" >/dev/null 2>&1 || true
	teardown_tmp
}

# bundle SECCOMP.json|- NNP: a fresh bundle in $TMP/bundle running $WORK
bundle() {
	rm -rf "$TMP/bundle"
	mkdir -p "$TMP/bundle"
	python3 - "$BATS_FILE_TMPDIR/config.json" "$1" "$BATS_FILE_TMPDIR/rootfs" \
		"$TMP/bundle/config.json" "$2" "$WORK" <<-'EOF'
		import json, sys
		spec, seccomp, rootfs, out, nnp, work = sys.argv[1:7]
		c = json.load(open(spec))
		c["root"] = {"path": rootfs, "readonly": True}
		p = c["process"]
		p["terminal"] = False
		p["args"] = ["/bin/sh", "-c", work]
		p["noNewPrivileges"] = nnp == "true"
		if seccomp != "-":
		    c["linux"]["seccomp"] = json.load(open(seccomp))
		json.dump(c, open(out, "w"), indent=1)
		EOF
}

# wait_stopped: until the container has exited
wait_stopped() {
	for _ in $(seq 1 100); do
		runc state "$ID" 2>/dev/null | grep -q '"status": "stopped"' && return 0
		sleep 0.05
	done
	return 1
}

# run_in_runc PROFILE NNP: the container under PROFILE must print what it prints unconfined
run_in_runc() {
	bundle "$1" "$2"
	run runc run --bundle "$TMP/bundle" "$ID-run" < /dev/null
	runc delete -f "$ID-run" >/dev/null 2>&1 || true
	if [ "$status" -ne 0 ] || [ "$output" != "$(printf 'hello\n1')" ]; then
		echo "# runc run (noNewPrivileges $2) under $1: exit $status" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

@test "record a runc container through its cgroup; it runs under the profile in runc and scprof run" {
	bundle - true
	runc create --bundle "$TMP/bundle" --pid-file "$TMP/pid" "$ID" < /dev/null > "$TMP/out" 2>&1
	local pid cg
	pid=$(cat "$TMP/pid")
	cg=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")
	[ -n "$cg" ] || cg=$(awk -F: '$1 == "0" { print "/unified" $3 }' "/proc/$pid/cgroup")
	# runc's init set up ids and capabilities during create, before the recording:
	# --for-runtime runc adds them, for containers that load the filter earlier
	# (noNewPrivileges false)
	"$SCPROF" record --for-runtime runc --cgroup "/sys/fs/cgroup/pids$cg" -o "$TMP/p.json" 2> "$TMP/rec.err" &
	local rec=$!
	wait_recording "$TMP/rec.err"
	runc start "$ID"
	wait_stopped
	# recording ends by itself when the cgroup goes away
	runc delete "$ID"
	wait "$rec"
	run_scprof validate "$TMP/p.json"
	grep -q '"execve"' "$TMP/p.json"
	run_in_runc "$TMP/p.json" true
	run_in_runc "$TMP/p.json" false
	run_scprof run -p "$TMP/p.json" -- "$BUSYBOX" sh -c "$WORK"
}

@test "record a runc container through its init's pid; it runs under the profile" {
	bundle - true
	runc create --bundle "$TMP/bundle" --pid-file "$TMP/pid" "$ID" < /dev/null > "$TMP/out" 2>&1
	"$SCPROF" record --pid "$(cat "$TMP/pid")" -o "$TMP/p.json" 2> "$TMP/rec.err" &
	local rec=$!
	wait_recording "$TMP/rec.err"
	runc start "$ID"
	# recording ends by itself once everything followed has exited
	wait "$rec"
	wait_stopped
	run_in_runc "$TMP/p.json" true
}

@test "a profile recorded outside a container starts under runc with --for-runtime runc only" {
	local root=$BATS_FILE_TMPDIR/rootfs
	# the same program, run from the rootfs without a container
	run_scprof record -o "$TMP/plain.json" -- chroot "$root" /bin/sh -c "$WORK"
	run_scprof record --for-runtime runc -o "$TMP/runc.json" -- chroot "$root" /bin/sh -c "$WORK"
	run_in_runc "$TMP/runc.json" true
	run_in_runc "$TMP/runc.json" false
	! run_in_runc "$TMP/plain.json" false 2> /dev/null || false
}
