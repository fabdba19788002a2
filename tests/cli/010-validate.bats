#!/usr/bin/env bats
# scprof validate: every error and warning with its position, exit codes, bad input.

load helpers

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "the built-in profiles are valid without warnings" {
	run_scprof validate runtime/default unconfined
	[ -z "$output" ]
}

@test "every kind of mistake is reported at once with its position" {
	cat > "$TMP/bad.json" <<'JSON'
{
  "defaultAcion": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_FOO"],
  "flags": ["SECCOMP_FILTER_FLAG_TSYN"],
  "syscalls": [
    {"names": ["read", "wrte"], "action": "SCMP_ACT_ALOW"},
    {"names": ["read"], "action": "SCMP_ACT_KILL", "errnoRet": 5},
    {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 1, "op": "SCMP_CMP_MASKED_EQ", "valueTwo": 3}]},
    {"names": ["getpid"], "action": "SCMP_ACT_NOTIFY"},
    {"names": ["open"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_GE"}, {"index": 0, "value": 5, "op": "SCMP_CMP_LE"}]},
    {"names": ["close"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["close"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["dup"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQQ"}]}
  ],
  "listenerMetadata": "x"
}
JSON
	run_scprof 1 validate "$TMP/bad.json"
	f=$TMP/bad.json
	assert_output_contains "$f:1:1: error: profile has no 'defaultAction'"
	assert_output_contains "$f:2:3: warning: unknown key 'defaultAcion' in profile; did you mean 'defaultAction'?"
	assert_output_contains "$f:3:41: error: unknown architecture 'SCMP_ARCH_FOO'"
	assert_output_contains "$f:4:13: error: unknown seccomp flag 'SECCOMP_FILTER_FLAG_TSYN'; did you mean 'SECCOMP_FILTER_FLAG_TSYNC'?"
	assert_output_contains "$f:6:24: warning: unknown syscall 'wrte'; did you mean 'write'?"
	assert_output_contains "$f:6:43: error: unknown action 'SCMP_ACT_ALOW'; did you mean 'SCMP_ACT_ALLOW'?"
	assert_output_contains "$f:7:64: error: 'errnoRet' is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE"
	assert_output_contains "$f:8:73: error: argument index 7 out of range 0..5"
	assert_output_contains "warning: SCMP_CMP_MASKED_EQ: valueTwo 0x3 has bits outside the mask 0x1; libseccomp drops them and compares with 0x1"
	assert_output_contains "$f:9:5: error: SCMP_ACT_NOTIFY needs 'listenerPath'"
	assert_output_contains "warning: a second condition on argument 0: runc turns every condition"
	assert_output_contains "$f:12:16: error: syscall 'close' has conflicting actions for the same conditions: SCMP_ACT_ERRNO here, SCMP_ACT_ALLOW at line 11"
	assert_output_contains "error: unknown operator 'SCMP_CMP_EQQ'; did you mean 'SCMP_CMP_EQ'?"
	assert_output_contains "error: 'listenerMetadata' is set without 'listenerPath'"
}

@test "-q keeps errors only; --json reports counts and positions" {
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "bogus": 1, "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOPE"}]}' > "$TMP/p.json"
	run_scprof 1 validate -q "$TMP/p.json"
	assert_output_not_contains "warning"
	assert_output_contains "error: unknown action 'SCMP_ACT_NOPE'"
	run_scprof 1 validate --json "$TMP/p.json"
	assert_output_contains '"valid": false'
	assert_output_contains '"errors": 1'
	assert_output_contains '"warnings": 1'
	assert_output_contains '"column": 92'
}

@test "a valid SPO SeccompProfile in YAML, from stdin too" {
	cat > "$TMP/p.yaml" <<'YAML'
apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: demo
  annotations:
    description: test
spec:
  defaultAction: SCMP_ACT_ERRNO
  baseProfileName: runc
  state: Enabled
  architectures: [SCMP_ARCH_X86_64]
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [read, write]
  - action: SCMP_ACT_ALLOW
    names: [ioctl]
    args:
    - {index: 1, value: -1, op: SCMP_CMP_EQ}
YAML
	run_scprof validate "$TMP/p.yaml"
	[ -z "$output" ]
	run "$SCPROF" validate - < "$TMP/p.yaml"
	[ "$status" -eq 0 ]
}

@test "SPO mistakes: wrong kind, apiVersion, state, missing spec" {
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' > "$TMP/p.yaml"
	run_scprof 1 validate "$TMP/p.yaml"
	assert_output_contains "$TMP/p.yaml:1:13: error: unsupported apiVersion 'v1'"
	assert_output_contains "$TMP/p.yaml:2:7: error: kind 'ConfigMap' is not a SeccompProfile"
	assert_output_contains "error: SeccompProfile has no 'spec'"
	printf 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_LOG\n  state: Off\n  defaultErrnoRet: 1\n' > "$TMP/q.yaml"
	run_scprof 1 validate "$TMP/q.yaml"
	assert_output_contains "$TMP/q.yaml:7:10: error: 'state' must be 'Enabled' or 'Disabled', found 'Off'"
	assert_output_contains "$TMP/q.yaml:8:3: warning: 'defaultErrnoRet' is not a SeccompProfile field"
}

@test "wrong types and out-of-range numbers" {
	printf '{"defaultAction": 5, "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}]}]}' > "$TMP/p.json"
	run_scprof 1 validate "$TMP/p.json"
	assert_output_contains "$TMP/p.json:1:19: error: 'defaultAction' must be a string, found number"
	assert_output_contains "error: 'names' must be an array, found string"
	assert_output_contains "error: 'value' must be an unsigned 64-bit integer, found 18446744073709551616"
}

@test "syntax errors carry line and column" {
	printf '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [\n' > "$TMP/trunc.json"
	run_scprof 1 validate "$TMP/trunc.json"
	[[ "$output" =~ ^$TMP/trunc.json:4:1:\ error: ]]
	assert_line_count 1
	printf '{"defaultAction": "SCMP_ACT_ALLOW",, }' > "$TMP/comma.json"
	run_scprof 1 validate "$TMP/comma.json"
	assert_output_contains "$TMP/comma.json:1:36: error:"
	printf 'spec:\n  - a\n  b: [\n' > "$TMP/bad.yaml"
	run_scprof 1 validate "$TMP/bad.yaml"
	assert_output_contains "$TMP/bad.yaml:"
	assert_line_count 1
}

@test "empty file, binary garbage, deep nesting: one error line each, exit 1" {
	: > "$TMP/empty.json"
	run_scprof 1 validate "$TMP/empty.json"
	assert_line_count 1
	head -c 4096 /dev/urandom > "$TMP/garbage.json"
	printf '{' | cat - "$TMP/garbage.json" > "$TMP/garbage2.json"
	run_scprof 1 validate "$TMP/garbage2.json"
	assert_line_count 1
	head -c 4096 /dev/urandom > "$TMP/garbage.bin"
	run "$SCPROF" validate "$TMP/garbage.bin"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	python3 -c 'print("[" * 100000)' > "$TMP/deep.json"
	run_scprof 1 validate "$TMP/deep.json"
	assert_output_contains "nesting"
	assert_line_count 1
	python3 -c 'print("a:\n" + "".join("  " * i + "- \n" for i in range(1, 3000)))' > "$TMP/deep.yaml"
	run "$SCPROF" validate "$TMP/deep.yaml"
	[ "$status" -eq 1 ]
}

@test "missing file, directory and a 50 MB file are I/O errors: exit 2" {
	run_scprof 2 validate "$TMP/missing.json"
	assert_output_contains "cannot open '$TMP/missing.json': No such file or directory"
	run_scprof 2 validate "$TMP"
	assert_output_contains "Is a directory"
	truncate -s 50M "$TMP/big.json"
	run_scprof 2 validate "$TMP/big.json"
	assert_output_contains "larger than"
	assert_line_count 1
}

@test "several files: worst status wins, each file reported" {
	printf '{"defaultAction": "SCMP_ACT_ALLOW"}' > "$TMP/ok.json"
	printf '{"defaultAction": "SCMP_ACT_NOPE"}' > "$TMP/bad.json"
	run_scprof 1 validate "$TMP/ok.json" "$TMP/bad.json"
	assert_output_contains "$TMP/bad.json:1:19: error"
	run_scprof 2 validate "$TMP/ok.json" "$TMP/missing.json"
	run_scprof 2 validate
}

@test "--compile reports what libseccomp refuses, at the rule" {
	printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[\n{"names":["dup3"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":3,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]},\n  {"names":["dup3"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":3,"op":"SCMP_CMP_EQ"}]}]}' > "$TMP/p.json"
	run_scprof validate "$TMP/p.json"
	run_scprof 1 validate --compile "$TMP/p.json"
	assert_output_contains "$TMP/p.json:3:3: error: cannot add the rule for 'dup3' on x86_64 (rule at line 3): it conflicts with an earlier rule"
	run_scprof validate --compile runtime/default
}

@test "conditions on one argument that cannot hold together are ORed without a warning" {
	printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":21505,"op":"SCMP_CMP_EQ"},{"index":1,"value":21523,"op":"SCMP_CMP_EQ"}]},{"names":["mmap"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":4,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"},{"index":2,"value":6,"valueTwo":4,"op":"SCMP_CMP_MASKED_EQ"}]}]}' > "$TMP/or.json"
	run_scprof validate "$TMP/or.json"
	assert_output_not_contains "warning"
	# a range on one argument reads as AND but is ORed: that one is warned about
	printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":1,"op":"SCMP_CMP_GE"},{"index":1,"value":9,"op":"SCMP_CMP_LE"}]}]}' > "$TMP/range.json"
	run_scprof validate "$TMP/range.json"
	assert_output_contains "warning: a second condition on argument 1"
}
