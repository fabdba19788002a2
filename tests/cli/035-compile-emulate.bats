#!/usr/bin/env bats
# scprof compile and emulate: runc's semantics, the ENOSYS stub, outputs and errors.

load helpers

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "compile runtime/default: raw program the kernel checker accepts, C and text forms" {
	run_scprof compile -v runtime/default -o "$TMP/rd.bpf"
	assert_output_contains "instructions"
	size=$(stat -c %s "$TMP/rd.bpf")
	[ $((size % 8)) -eq 0 ]
	[ "$size" -gt 800 ]
	run_scprof disasm "$TMP/rd.bpf"
	assert_output_contains "AUDIT_ARCH_X86_64"
	run_scprof compile --format c runtime/default
	assert_output_contains "struct sock_filter scprof_filter[] = {"
	run_scprof compile --format text runtime/default
	assert_output_contains "ret #0x50026"
}

@test "compile writes the raw program to a pipe" {
	run bash -c "'$SCPROF' compile runtime/default | wc -c"
	[ "$status" -eq 0 ]
	[ "$output" -gt 800 ]
}

@test "--no-enosys-stub drops the stub; an allowing default never gets one" {
	# the stub compares the number with the highest the profile names (456 on x86_64)
	run_scprof compile --format text runtime/default
	assert_output_contains "jgt #0x1c8"
	with=${#lines[@]}
	run_scprof compile --format text --no-enosys-stub runtime/default
	assert_output_not_contains "jgt #0x1c8"
	[ "${#lines[@]}" -lt "$with" ]
	run_scprof compile --format text unconfined
	assert_output_not_contains "ret #0x50026"
}

@test "emulate decides like runc: arguments, capabilities, kernel, archMap" {
	run_scprof emulate runtime/default socket 1
	assert_output_contains "-> ALLOW"
	assert_output_contains "decided by the rule at runtime/default:"
	run_scprof emulate runtime/default socket 40
	assert_output_contains "-> ERRNO(1)"
	run_scprof emulate runtime/default clone3
	assert_output_contains "-> ERRNO(38)"
	run_scprof emulate --caps CAP_SYS_ADMIN runtime/default clone3
	assert_output_contains "-> ALLOW"
	run_scprof emulate runtime/default ptrace
	assert_output_contains "-> ALLOW"
	run_scprof emulate --kernel 4.4 runtime/default ptrace
	assert_output_contains "-> ERRNO(1)"
	run_scprof emulate --arch x86 runtime/default socketcall 1
	assert_output_contains "x86 socketcall(0x1) = 102 -> ALLOW"
	run_scprof emulate --arch aarch64 runtime/default openat
	assert_output_contains "-> KILL_THREAD"
	assert_output_contains "not in the filter"
	run_scprof emulate --native aarch64 --arch aarch64 runtime/default openat
	assert_output_contains "-> ALLOW"
}

@test "emulate: the ENOSYS stub answers numbers newer than the profile" {
	run_scprof emulate runtime/default 1000
	assert_output_contains "-> ERRNO(38)"
	assert_output_contains "ENOSYS stub"
	run_scprof emulate --no-enosys-stub runtime/default 1000
	assert_output_contains "-> ERRNO(1)"
}

@test "emulate: every action kind, -v path and --json" {
	cat > "$TMP/p.json" <<'JSON'
{"defaultAction": "SCMP_ACT_KILL_PROCESS", "architectures": ["SCMP_ARCH_X86_64"],
 "listenerPath": "/run/agent.sock",
 "syscalls": [
  {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
  {"names": ["close"], "action": "SCMP_ACT_TRAP"},
  {"names": ["getpid"], "action": "SCMP_ACT_LOG"},
  {"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
  {"names": ["mount"], "action": "SCMP_ACT_NOTIFY"},
  {"names": ["kill"], "action": "SCMP_ACT_KILL"},
  {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 21505, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 3, "op": "SCMP_CMP_LE"}]},
  {"names": ["mmap"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 6, "valueTwo": 6, "op": "SCMP_CMP_MASKED_EQ"}]}
 ]}
JSON
	run_scprof emulate "$TMP/p.json" read
	assert_output_contains "-> ALLOW"
	run_scprof emulate "$TMP/p.json" write
	assert_output_contains "-> ERRNO(13)"
	run_scprof emulate "$TMP/p.json" close
	assert_output_contains "-> TRAP(0)"
	run_scprof emulate "$TMP/p.json" getpid
	assert_output_contains "-> LOG"
	run_scprof emulate "$TMP/p.json" getppid
	assert_output_contains "-> TRACE(7)"
	run_scprof emulate "$TMP/p.json" mount
	assert_output_contains "-> USER_NOTIF"
	run_scprof emulate "$TMP/p.json" kill
	assert_output_contains "-> KILL_THREAD"
	run_scprof emulate "$TMP/p.json" open
	assert_output_contains "-> KILL_PROCESS"
	assert_output_contains "no rule matched: the default action"
	# above mount (165), the highest number named, runc's stub answers ENOSYS
	run_scprof emulate "$TMP/p.json" openat
	assert_output_contains "-> ERRNO(38)"
	run_scprof emulate "$TMP/p.json" ioctl 3 0x5401
	assert_output_contains "-> ALLOW"
	run_scprof emulate "$TMP/p.json" ioctl 4 0x5401
	assert_output_contains "-> KILL_PROCESS"
	run_scprof emulate "$TMP/p.json" mmap 0 4096 5
	assert_output_contains "-> KILL_PROCESS"
	run_scprof emulate "$TMP/p.json" mmap 0 4096 6
	assert_output_contains "-> ALLOW"
	run_scprof emulate -v "$TMP/p.json" read
	assert_output_contains "ld  [4]"
	run_scprof emulate --json "$TMP/p.json" ioctl 3 0x5401
	assert_output_contains '"action": "ALLOW"'
	assert_output_contains '"path": ['
}

@test "emulate a raw .bpf program and a negative argument" {
	"$SCPROF" compile runtime/default -o "$TMP/rd.bpf"
	run_scprof emulate "$TMP/rd.bpf" openat
	assert_output_contains "-> ALLOW"
	cp "$TMP/rd.bpf" "$TMP/prog"
	run_scprof emulate --bpf "$TMP/prog" --arch x86 personality -- -1
	assert_output_contains "-> ALLOW"
	run_scprof emulate --bpf "$TMP/prog" personality -- -1
	assert_output_contains "-> ERRNO(1)"
}

@test "compile and emulate errors" {
	run_scprof 2 compile
	run_scprof 2 compile --format elf runtime/default
	run_scprof 2 compile "$TMP/missing.json"
	run_scprof 2 compile --arch vax runtime/default
	run_scprof 2 emulate runtime/default
	run_scprof 2 emulate runtime/default no_such_call
	assert_output_contains "no syscall 'no_such_call' on x86_64"
	run_scprof 2 emulate runtime/default read notanumber
	run_scprof 2 emulate runtime/default read 1 2 3 4 5 6 7
	head -c 13 /dev/zero > "$TMP/odd.bpf"
	run_scprof 2 emulate "$TMP/odd.bpf" read
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}, {"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' > "$TMP/conflict.json"
	run_scprof 2 compile "$TMP/conflict.json" -o "$TMP/c.bpf"
	assert_output_contains "conflicting actions"
	[ ! -e "$TMP/c.bpf" ]
}

@test "a profile too large for the kernel is refused with the count" {
	python3 - "$TMP/big.json" <<'PY'
import json, sys
rules = [{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW",
          "args": [{"index": 1, "value": v, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": v, "op": "SCMP_CMP_EQ"}]}
         for v in range(3000)]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": rules}, open(sys.argv[1], "w"))
PY
	run_scprof 2 compile "$TMP/big.json" -o "$TMP/big.bpf"
	assert_output_contains "the kernel takes at most 4096"
	[ ! -e "$TMP/big.bpf" ]
}
