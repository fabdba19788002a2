#!/usr/bin/env bats
# scprof explain and disasm.

load helpers

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "explain a name on every architecture, and on chosen ones" {
	run_scprof explain openat
	assert_output_contains "x86_64              257        0x101"
	assert_output_contains "x32          1073742081   0x40000101"
	assert_output_contains "aarch64"
	run_scprof explain --arch i386 --arch arm64 socketcall
	assert_output_contains "x86"
	assert_output_not_contains "x86_64"
	run_scprof explain --json openat
	assert_output_contains '"arch":"x86_64","nr":257'
}

@test "explain a number names the syscall per architecture" {
	run_scprof explain 59
	assert_output_contains "x86_64       execve"
	assert_output_contains "aarch64      pipe2"
	run_scprof explain --arch x86 0x66
	assert_output_contains "socketcall"
}

@test "explain --code decodes every action" {
	run_scprof explain --code 0x50001
	assert_output_contains "EPERM"
	run_scprof explain --code 0x7ffc0000
	assert_output_contains "LOG"
	run_scprof explain --code 0x80000000
	assert_output_contains "KILL_PROCESS"
	run_scprof explain --code 0
	assert_output_contains "KILL_THREAD"
	run_scprof explain --code 0x7ff00005
	assert_output_contains "TRACE"
	run_scprof explain --json --code 0x30002
	assert_output_contains "TRAP"
}

@test "explain --audit decodes kernel and auditd records, on the record's architecture" {
	run_scprof explain --audit 'Nov 23 10:00:00 host kernel: [ 12.3] audit: type=1326 audit(1700000002.250:10): auid=0 uid=0 gid=0 ses=1 pid=77 comm="wget" exe="/bin/busybox" sig=31 arch=40000003 syscall=102 compat=1 ip=0xf7f1b549 code=0x80000000'
	assert_output_contains "x86 (40000003)"
	assert_output_contains "socketcall (102)"
	assert_output_contains "KILL_PROCESS"
	run_scprof explain --audit 'type=SECCOMP msg=audit(1700000000.123:456): auid=1000 uid=1000 gid=1000 ses=2 subj=unconfined pid=1234 comm="ls" exe=2F7573722F62696E2F6C73 sig=0 arch=c000003e syscall=257 compat=0 ip=0x7f0000001234 code=0x7ffc0000'
	assert_output_contains "/usr/bin/ls"
	assert_output_contains "openat (257)"
	assert_output_contains "LOG"
	run_scprof explain --json --audit 'audit: type=1326 audit(1.0:1): pid=1 comm="x" exe="/x" sig=0 arch=c00000b7 syscall=56 compat=0 ip=0x1 code=0x50001'
	assert_output_contains '"syscall_name":"openat"'
}

@test "explain errors" {
	run_scprof 2 explain nosuch
	assert_output_contains "unknown syscall 'nosuch'"
	run_scprof 2 explain opnat
	assert_output_contains "did you mean 'openat'?"
	run_scprof 2 explain --code zz
	run_scprof 2 explain --audit 'not an audit line'
	run_scprof 2 explain --arch vax read
	run_scprof 2 explain
}

@test "disasm a compiled program, as text and JSON" {
	"$SCPROF" compile runtime/default -o "$TMP/rd.bpf"
	run_scprof disasm "$TMP/rd.bpf"
	[[ "${lines[0]}" == *"ld  [4]"*"arch"* ]]
	assert_output_contains "ret #0x7fff0000"
	run_scprof disasm --json "$TMP/rd.bpf"
	assert_output_contains '"pc":0,"code":32'
	run "$SCPROF" disasm - < "$TMP/rd.bpf"
	[ "$status" -eq 0 ]
}

@test "disasm refuses what the kernel refuses" {
	printf 'abc' > "$TMP/short.bpf"
	run_scprof 2 disasm "$TMP/short.bpf"
	assert_output_contains "not a multiple of 8"
	# ld [64]: outside struct seccomp_data; then ret
	printf '\x20\x00\x00\x00\x40\x00\x00\x00\x06\x00\x00\x00\x00\x00\xff\x7f' > "$TMP/oob.bpf"
	run_scprof 2 disasm "$TMP/oob.bpf"
	assert_output_contains "instruction 0"
	# no final return
	printf '\x20\x00\x00\x00\x00\x00\x00\x00' > "$TMP/noret.bpf"
	run_scprof 2 disasm "$TMP/noret.bpf"
	: > "$TMP/empty.bpf"
	run_scprof 2 disasm "$TMP/empty.bpf"
	run_scprof 2 disasm "$TMP/missing.bpf"
	run_scprof 2 disasm
}
