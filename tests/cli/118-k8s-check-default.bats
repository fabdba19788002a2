#!/usr/bin/env bats
# scprof k8s check-default: a workload under the default profile in audit mode, the
# calls it would have been denied, and the Localhost profile it needs instead.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	require_root_to_record
	setup_tmp
}

teardown() {
	teardown_tmp
}

# Docker's and containerd's default capabilities (CAP_SYS_ADMIN is not in them)
DOCKER_CAPS=CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,CAP_SETUID,CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,CAP_AUDIT_WRITE

@test "a workload the default profile allows: safe" {
	run_scprof k8s check-default -- ls /usr
	assert_output_contains "share"
	assert_output_contains "no call the profile would deny"
	assert_output_contains "verdict: safe to enable RuntimeDefault"
}

@test "a workload the default profile would break: the calls, who made them, and the Localhost profile" {
	# unshare(2) needs CAP_SYS_ADMIN in Docker's profile; the workload goes on, nothing is denied
	run_scprof 1 k8s check-default -o "$TMP/local.json" -- unshare -U true
	assert_output_contains "x86_64   unshare"
	assert_output_contains "ERRNO(1)  /usr/bin/unshare"
	assert_output_contains "verdict: not safe"
	assert_output_contains "use the Localhost profile $TMP/local.json instead"
	run_scprof validate "$TMP/local.json"
	# as a container gets it: under the default profile it fails, under the Localhost one it runs
	run_scprof 1 run --caps-for-profile "$DOCKER_CAPS" -p runtime/default -- unshare -U true
	run_scprof run --caps-for-profile "$DOCKER_CAPS" -p "$TMP/local.json" -- unshare -U true
	# and the new profile is the default one plus that call
	run_scprof 1 diff runtime/default "$TMP/local.json"
	assert_output_contains "+ unshare: ERRNO(1) -> ALLOW"
	[ "$(grep -c '^  ' <<<"$output")" -eq "$(grep -c '^  + unshare' <<<"$output")" ]
	# with the capabilities of a privileged container the call is allowed
	run_scprof k8s check-default --caps ALL -- unshare -U true
	assert_output_contains "verdict: safe"
}

@test "a call denied on purpose by a rule of the profile does not make it unsafe" {
	# glibc's pthread_create tries clone3 first; Docker's profile answers ENOSYS and glibc falls back
	run_scprof k8s check-default -- python3 -c 'import threading; t = threading.Thread(target=print, args=("ran",)); t.start(); t.join()'
	assert_output_contains "ran"
	assert_output_contains "clone3"
	assert_output_contains "ERRNO(38) (a rule of the profile)"
	assert_output_contains "verdict: safe to enable RuntimeDefault"
}

@test "check-default: errors" {
	run_scprof 2 k8s check-default
	assert_output_contains "no command to run"
	run_scprof 2 k8s check-default -p "$TMP/none.json" -- true
	assert_output_contains "none.json"
	run_scprof 127 k8s check-default -- /nonexistent/cmd
	run_scprof 2 k8s nosuch
	assert_output_contains "unknown subcommand 'nosuch'"
	run_scprof 2 k8s
	run_scprof k8s --help
	assert_output_contains "check-default"
	run_scprof k8s check-default --help
	assert_output_contains "Usage: scprof k8s check-default"
}
