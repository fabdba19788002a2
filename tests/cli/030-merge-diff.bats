#!/usr/bin/env bats
# scprof merge and diff.

load helpers

setup() {
	setup_tmp
	cat > "$TMP/a.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [
  {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"},
  {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}
 ]}
JSON
	cat > "$TMP/b.yaml" <<'YAML'
apiVersion: security-profiles-operator.x-k8s.io/v1
kind: SeccompProfile
metadata: {name: b}
spec:
  defaultAction: SCMP_ACT_LOG
  syscalls:
  - names: [ptrace, close]
    action: SCMP_ACT_ERRNO
  - names: [socket, openat]
    action: SCMP_ACT_ALLOW
YAML
}

teardown() {
	teardown_tmp
}

@test "merge: more permissive wins, unconditional beats conditional, first profile's default" {
	run_scprof merge "$TMP/a.json" "$TMP/b.yaml"
	echo "$output" > "$TMP/m.json"
	assert_output_contains '"defaultAction": "SCMP_ACT_ERRNO"'
	run_scprof emulate --arch x86_64 "$TMP/m.json" ptrace
	assert_output_contains "ERRNO(1)"
	run_scprof emulate "$TMP/m.json" socket 2
	assert_output_contains "ALLOW"
	run_scprof emulate "$TMP/m.json" openat
	assert_output_contains "ALLOW"
	run_scprof emulate "$TMP/m.json" close
	assert_output_contains "ERRNO(1)"
	run_scprof validate "$TMP/m.json"
}

@test "merge with options, to a file, in SPO form" {
	run_scprof merge --default-action SCMP_ACT_KILL_PROCESS --arch x86_64 --arch x86 --to spo -o "$TMP/m.yaml" "$TMP/a.json" "$TMP/b.yaml" runtime/default
	run_scprof validate "$TMP/m.yaml"
	run cat "$TMP/m.yaml"
	assert_output_contains "defaultAction: SCMP_ACT_KILL_PROCESS"
	assert_output_contains "- SCMP_ARCH_X86"
}

@test "merge is idempotent: A + A means A" {
	"$SCPROF" merge runtime/default runtime/default > "$TMP/rr.json"
	run_scprof diff runtime/default "$TMP/rr.json"
	[ -z "$output" ]
}

@test "merge errors" {
	run_scprof 2 merge "$TMP/a.json"
	run_scprof 2 merge "$TMP/a.json" "$TMP/missing.json"
	run_scprof 2 merge --default-action SCMP_ACT_NOPE "$TMP/a.json" "$TMP/b.yaml"
	run_scprof 2 merge --arch vax "$TMP/a.json" "$TMP/b.yaml"
}

@test "diff: same meaning is exit 0 across formats and order" {
	"$SCPROF" fmt "$TMP/a.json" > "$TMP/a2.json"
	run_scprof diff "$TMP/a.json" "$TMP/a2.json"
	[ -z "$output" ]
	run_scprof diff --json "$TMP/a.json" "$TMP/a2.json"
	assert_output_contains '"same": true'
}

@test "diff: allowed, denied and changed per arch and syscall" {
	run_scprof 1 diff "$TMP/a.json" "$TMP/b.yaml"
	assert_output_contains "x86_64:"
	assert_output_contains "+ (default): ERRNO(1) -> LOG"
	assert_output_contains "~ ptrace: KILL_PROCESS -> ERRNO(1)"
	assert_output_contains "+ socket: ALLOW if arg0 == 0x1; else ERRNO(1) -> ALLOW"
	assert_output_contains "~ read: ALLOW -> LOG"
	assert_output_contains "+ openat: ERRNO(1) -> ALLOW"
	# denied on both sides, by the default in A and by a rule in B: no difference
	assert_output_not_contains "close"
	run_scprof 1 diff --json "$TMP/a.json" "$TMP/b.yaml"
	assert_output_contains '"change": "allowed"'
	assert_output_contains '"syscall": "ptrace"'
}

@test "diff follows includes for capabilities and architectures" {
	run_scprof 1 diff runtime/default --caps ALL runtime/default || true
	run_scprof diff --caps CAP_SYS_ADMIN runtime/default runtime/default
	run_scprof 1 diff --arch x86_64 runtime/default unconfined
	assert_output_not_contains "x86:"
}

@test "diff errors" {
	run_scprof 2 diff "$TMP/a.json"
	run_scprof 2 diff "$TMP/a.json" "$TMP/missing.json"
	run_scprof 2 diff --caps CAP_NOPE "$TMP/a.json" "$TMP/a.json"
	run_scprof 2 diff --kernel five "$TMP/a.json" "$TMP/a.json"
}
