#!/usr/bin/env bats
# scprof fmt and convert: canonical form, round trips, atomic writes.

load helpers

setup() {
	setup_tmp
	cat > "$TMP/messy.json" <<'JSON'
{"syscalls": [
  {"name": "write", "action": "SCMP_ACT_ALLOW"},
  {"names": ["read", "close", "read"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "comment": "no"},
  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "comment": "no"},
  {"names": ["mount"], "action": "SCMP_ACT_LOG", "x-origin": {"tool": "hand"}}
 ],
 "defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_LOG"]}
JSON
}

teardown() {
	teardown_tmp
}

@test "fmt sorts and merges rules, keeps unknown keys, and is idempotent" {
	run_scprof fmt "$TMP/messy.json"
	echo "$output" > "$TMP/once.json"
	# one rule for read, write and close, names sorted; kill and ptrace merged
	[ "$(tr -d ' \t\n' < "$TMP/once.json" | grep -o '"names":\["close","read","write"\],"action":"SCMP_ACT_ALLOW"' | wc -l)" -eq 1 ]
	[ "$(tr -d ' \t\n' < "$TMP/once.json" | grep -o '"names":\["kill","ptrace"\],"action":"SCMP_ACT_ERRNO","errnoRet":38,"comment":"no"' | wc -l)" -eq 1 ]
	assert_output_contains '"x-origin": {'
	[ "$(grep -c SECCOMP_FILTER_FLAG_LOG "$TMP/once.json")" -eq 1 ]
	[ "$(head -c 1 "$TMP/once.json")" = "{" ]
	run_scprof fmt "$TMP/once.json"
	[ "$output" = "$(cat "$TMP/once.json")" ]
}

@test "fmt --check lists files that are not canonical; -w rewrites them atomically" {
	run_scprof 1 fmt --check "$TMP/messy.json"
	[ "$output" = "$TMP/messy.json" ]
	run_scprof fmt -w "$TMP/messy.json"
	[ -z "$output" ]
	run_scprof fmt --check "$TMP/messy.json"
	[ "$(ls -A "$TMP" | wc -l)" -eq 1 ]
	run_scprof 2 fmt -w runtime/default
	run_scprof 2 fmt -w --check "$TMP/messy.json"
}

@test "fmt of an invalid file leaves it untouched" {
	printf '{"defaultAction": "SCMP_ACT_NOPE"}' > "$TMP/bad.json"
	cp "$TMP/bad.json" "$TMP/orig.json"
	run_scprof 2 fmt -w "$TMP/bad.json"
	assert_output_contains "$TMP/bad.json:1:19: unknown action 'SCMP_ACT_NOPE'"
	cmp "$TMP/bad.json" "$TMP/orig.json"
}

@test "fmt keeps SPO YAML as YAML" {
	"$SCPROF" convert --to spo --name web "$TMP/messy.json" > "$TMP/p.yaml"
	run_scprof fmt "$TMP/p.yaml"
	assert_output_contains "apiVersion: security-profiles-operator.x-k8s.io/v1beta1"
	assert_output_contains "  name: web"
}

@test "OCI -> SPO YAML -> OCI keeps the meaning and the canonical text" {
	run_scprof convert --to spo runtime/default
	assert_output_contains "kind: SeccompProfile"
	assert_output_contains "  name: default"
	echo "$output" > "$TMP/rd.yaml"
	run_scprof diff runtime/default "$TMP/rd.yaml"
	[ -z "$output" ]
	"$SCPROF" convert --to oci "$TMP/rd.yaml" -o "$TMP/back.json"
	run_scprof fmt "$TMP/back.json"
	[ "$output" = "$("$SCPROF" fmt runtime/default | grep -v defaultErrnoRet)" ]
}

@test "SPO JSON, compact JSON and name derivation" {
	run_scprof convert --to spo-json "$TMP/messy.json"
	assert_output_contains '"kind": "SeccompProfile"'
	assert_output_contains '"name": "messy"'
	run_scprof convert --to oci --compact "$TMP/messy.json"
	assert_line_count 1
	[[ "$output" == '{"defaultAction":"SCMP_ACT_ERRNO",'* ]]
}

@test "converting to SPO warns when defaultErrnoRet would be lost" {
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38}' > "$TMP/p.json"
	run_scprof convert --to spo "$TMP/p.json"
	assert_output_contains "warning: a SeccompProfile has no defaultErrnoRet"
}

@test "negative SPO argument values are the same 64-bit pattern in OCI" {
	printf 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: a}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n  - names: [ioctl]\n    action: SCMP_ACT_ALLOW\n    args: [{index: 1, value: -1, op: SCMP_CMP_EQ}]\n' > "$TMP/a.yaml"
	run_scprof convert --to oci "$TMP/a.yaml"
	assert_output_contains '"value": 18446744073709551615'
	echo "$output" > "$TMP/a.json"
	run_scprof convert --to spo "$TMP/a.json"
	assert_output_contains "value: -1"
}

@test "convert usage errors" {
	run_scprof 2 convert "$TMP/messy.json"
	assert_output_contains "--to is required"
	run_scprof 2 convert --to xml "$TMP/messy.json"
	run_scprof 2 convert --to oci
	run_scprof 2 convert --to oci "$TMP/missing.json"
	run_scprof 2 convert --to oci -o "$TMP/no/such/dir/out.json" "$TMP/messy.json"
	assert_output_contains "cannot"
}

@test "convert --resolve: what Docker resolves before runc sees the profile" {
	run_scprof convert --to oci --resolve runtime/default
	echo "$output" > "$TMP/r.json"
	assert_output_not_contains "archMap"
	assert_output_not_contains "includes"
	assert_output_contains '"SCMP_ARCH_X86",'
	# the same meaning in the context it was resolved for, not in another
	run_scprof diff runtime/default "$TMP/r.json"
	run_scprof 1 diff --caps ALL runtime/default "$TMP/r.json"
	run_scprof convert --to oci --resolve --caps ALL runtime/default
	assert_output_contains '"bpf",'
	printf '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","errno":"EACCES"}]}' > "$TMP/e.json"
	run_scprof convert --to oci --resolve "$TMP/e.json"
	assert_output_contains '"defaultErrnoRet": 38'
	assert_output_contains '"errnoRet": 13'
	assert_output_not_contains '"errno"'
	run_scprof 2 convert --to oci --resolve --caps CAP_NOPE "$TMP/e.json"
}
