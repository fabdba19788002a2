#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof run against its specification: exit statuses, the profile's actions on the live
# kernel, the kill report, the security context, and failing closed with exit 125.

load helpers
bats_require_minimum_version 1.5.0

PROBE=$SCPROF_HELPERS/syscall-probe
TRY=$SCPROF_HELPERS/try-syscall
# Docker's default capabilities (moby oci/caps/defaults.go)
DOCKER_CAPS=CHOWN,DAC_OVERRIDE,FSETID,FOWNER,MKNOD,NET_RAW,SETGID,SETUID,SETFCAP,SETPCAP,NET_BIND_SERVICE,SYS_CHROOT,KILL,AUDIT_WRITE

setup_file() {
	lift_printk_ratelimit
}

teardown_file() {
	restore_printk_ratelimit
}

setup() {
	grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
	setup_tmp
	# ALLOW defaults with one rule: mkdir fails with EACCES (13); uname kills
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' >"$TMP/mkdir.json"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$TMP/kill-uname.json"
}

teardown() {
	teardown_tmp
}

needs_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $1"
}

needs_probe() {
	[ -x "$PROBE" ] || skip "syscall-probe not built in $SCPROF_HELPERS"
}

# the setup must not have run CMD: every fail-closed case runs `touch $TMP/ran`
assert_not_ran() {
	if [ -e "$TMP/ran" ]; then
		echo "# CMD ran although scprof exited $status" >&2
		return 1
	fi
}

# kernel_logged PID: the kernel log holds a seccomp record (audit type 1326) of PID
kernel_logged() {
	dmesg 2>/dev/null | grep 'type=1326' | grep -q " pid=$1 "
}

# run_reported RC TEXT ARGS...: run scprof, expect RC and a report line containing TEXT
# drawn from the kernel's audit record.  Without an audit daemon the kernel prints at
# most printk_ratelimit_burst (10) records per printk_ratelimit (5) seconds, and the
# rest of this suite makes many: a missing record is retried once after that interval,
# and a record the kernel never printed (auditd took it, or it was rate-limited again)
# is a skip with the reason; a record the kernel printed but scprof missed fails.
run_reported() {
	local rc=$1 text=$2
	shift 2
	[ -r /dev/kmsg ] || skip "no /dev/kmsg to read the kernel's records from"
	local try
	for try in 1 2; do
		run_scprof "$rc" "$@" || return 1
		[[ "$output" == *"$text"* ]] && return 0
		local pid
		pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' <<<"$output" | head -n 1)
		if [ -n "$pid" ] && kernel_logged "$pid"; then
			echo "# the kernel logged pid $pid's call, but scprof did not report it" >&2
			break
		fi
		[ "$try" = 1 ] && sleep "$(($(cat /proc/sys/kernel/printk_ratelimit 2>/dev/null || echo 5) + 1))"
	done
	if [[ "$output" != *"$text"* ]] && ! { [ -n "${pid:-}" ] && kernel_logged "$pid"; }; then
		skip "the kernel log has no seccomp record (an audit daemon takes them, or printk rate-limits them)"
	fi
	assert_output_contains "$text"
}

# emulated ARGS...: the action `scprof emulate ARGS` decides, e.g. ERRNO(1) or ALLOW
emulated() {
	"$SCPROF" emulate "$@" | head -n 1 | sed 's/.*-> //'
}

@test "run --help documents the exit statuses" {
	run_scprof run --help
	assert_output_contains "usage: scprof run [OPTIONS] -- CMD [ARG...]"
	assert_output_contains "125"
	assert_output_contains "126"
	assert_output_contains "127"
}

@test "exit status: CMD's own, 128+N for signal N; stdin and stdout pass through" {
	run_scprof run -- true
	[ -z "$output" ]
	run_scprof 3 run -- sh -c 'exit 3'
	run_scprof 137 run -- sh -c 'kill -KILL $$'
	run bash -c "echo hello | '$SCPROF' run -- cat"
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
}

@test "CMD not found is 127, not executable 126, with one line naming it" {
	run -127 "$SCPROF" run -- "$TMP/no-such-command"
	assert_line_count 1
	assert_output_contains "'$TMP/no-such-command'"
	run -127 "$SCPROF" run -- no-such-command-anywhere
	printf '#!/bin/sh\ntouch %s/ran\n' "$TMP" >"$TMP/script"
	chmod 0644 "$TMP/script"
	run -126 "$SCPROF" run -- "$TMP/script"
	assert_line_count 1
	run -126 "$SCPROF" run -- "$TMP"
	assert_not_ran
}

@test "CMD not found is still one line when the profile denies or kills write and exit_group" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["write","writev","exit_group","exit"],"action":"SCMP_ACT_ERRNO"}]}' >"$TMP/deny.json"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["write"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$TMP/kill.json"
	for p in deny kill; do
		run -127 "$SCPROF" run -p "$TMP/$p.json" -- "$TMP/no-such-command"
		assert_line_count 1
		assert_output_contains "cannot run '$TMP/no-such-command': No such file or directory"
		run -126 "$SCPROF" run -p "$TMP/$p.json" -- "$TMP"
		assert_output_contains "Permission denied"
	done
	# once it runs, CMD itself cannot exit: glibc's _exit ends on a fault
	run -139 "$SCPROF" run -p "$TMP/deny.json" -- true
}

@test "SIGTERM sent to scprof reaches CMD: 143" {
	"$SCPROF" run -- sleep 5 &
	local pid=$!
	sleep 0.2
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
}

@test "ERRNO with errnoRet: mkdir fails with EACCES and creates nothing; --audit lets it" {
	run_scprof 1 run -p "$TMP/mkdir.json" -- mkdir "$TMP/x"
	assert_output_contains "Permission denied"
	[ ! -e "$TMP/x" ]
	run_scprof run -p "$TMP/mkdir.json" --audit -- mkdir "$TMP/x"
	[ -d "$TMP/x" ]
	# and says what it let through (mkdir -p: a retry finds the directory there)
	run_reported 0 "on x86_64 -> LOG, decided by the rule at $TMP/mkdir.json:1:" \
		run -p "$TMP/mkdir.json" --audit -- mkdir -p "$TMP/x"
	assert_output_contains "mkdir"
	# the rule is for mkdir only
	run_scprof run -p "$TMP/mkdir.json" -- touch "$TMP/y"
	[ -f "$TMP/y" ]
}

@test "KILL_PROCESS on uname: exit 159 and one line naming the call, the arch and the action" {
	run_reported 159 "KILL_PROCESS" run -p "$TMP/kill-uname.json" -- uname
	assert_line_count 1
	[[ "${lines[0]}" == "scprof: "* ]]
	assert_output_contains "uname"
	assert_output_contains "x86_64"
	assert_output_contains "$TMP/kill-uname.json:1:"
	# --audit turns the kill into LOG: uname runs
	run_scprof run -p "$TMP/kill-uname.json" --audit -- uname
	assert_output_contains "Linux"
}

@test "SCMP_ACT_KILL on ptrace made by CMD itself: the report says ptrace, x86_64, KILL" {
	needs_probe
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_KILL"}]}' >"$TMP/p.json"
	run_reported 159 "ptrace" run -p "$TMP/p.json" -- "$PROBE" ptrace 0xffffffff
	assert_line_count 1
	[[ "${lines[0]}" == "scprof: "* ]]
	assert_output_contains "x86_64"
	assert_output_contains "KILL"
	# without the rule the call is made and fails on its own (no such request)
	run_scprof run -- "$PROBE" ptrace 0xffffffff
	[ "$output" = "errno 3" ]
}

@test "an x86 call: the report names x86; -a x86_64 leaves x86 out of runtime/default" {
	needs_probe
	[ -x "$TRY" ] && "$TRY" --probe x86 >/dev/null || skip "the kernel cannot run 32-bit calls"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$TMP/p.json"
	run_reported 159 "ptrace (26) on x86 -> KILL_PROCESS" run -p "$TMP/p.json" -- "$PROBE" --x86 ptrace 0xffffffff
	run_scprof run -- "$PROBE" --x86 getpid
	[[ "$output" == "ok "* ]]
	run_reported 159 "getpid (20) on x86 -> KILL_THREAD" run -a x86_64 -- "$PROBE" --x86 getpid
	assert_output_contains "the architecture is not listed"
	run_scprof run -a x86_64 -a x86 -- "$PROBE" --x86 getpid
	[[ "$output" == "ok "* ]]
}

@test "TRAP without a handler: 159 and one line; with --log the record names the call" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_TRAP"}]}' >"$TMP/p.json"
	run_scprof 159 run -p "$TMP/p.json" -- uname
	assert_line_count 1
	[[ "${lines[0]}" == "scprof: "* ]]
	run_reported 159 "uname (63) on x86_64 -> TRAP" run --log -p "$TMP/p.json" -- uname
}

@test "the ENOSYS stub as emulate says; --no-enosys-stub leaves the default" {
	needs_probe
	[ "$(emulated runtime/default 1024)" = "ERRNO(38)" ]
	run_scprof run -- "$PROBE" 1024
	[ "$output" = "errno 38" ]
	[ "$(emulated --no-enosys-stub runtime/default 1024)" = "ERRNO(1)" ]
	run_scprof run --no-enosys-stub -- "$PROBE" 1024
	[ "$output" = "errno 1" ]
}

@test "--kernel picks runtime/default's minKernel rules, as emulate says" {
	needs_probe
	# without CAP_SYS_PTRACE (emulate's default: no capabilities) ptrace is allowed
	# from 4.8 on; request -1 then fails with ESRCH by itself
	local nocaps=()
	[ "$(id -u)" -ne 0 ] || nocaps=(--cap-drop ALL)
	[ "$(emulated --kernel 4.4 runtime/default ptrace)" = "ERRNO(1)" ]
	run_scprof run --kernel 4.4 "${nocaps[@]}" -- "$PROBE" ptrace 0xffffffff
	[ "$output" = "errno 1" ]
	[ "$(emulated --kernel 5.10 runtime/default ptrace)" = "ALLOW" ]
	run_scprof run --kernel 5.10 "${nocaps[@]}" -- "$PROBE" ptrace 0xffffffff
	[ "$output" = "errno 3" ]
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":5,"includes":{"minKernel":"99.0"}}]}' >"$TMP/p.json"
	run_scprof run -p "$TMP/p.json" -- "$PROBE" getppid
	[[ "$output" == "ok "* ]]
	run_scprof run -p "$TMP/p.json" --kernel 99.0 -- "$PROBE" getppid
	[ "$output" = "errno 5" ]
}

@test "includes/excludes follow the capabilities CMD gets, or --caps-for-profile" {
	needs_probe
	needs_root "CMD must hold CAP_SYS_TIME"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getuid"],"action":"SCMP_ACT_ERRNO","errnoRet":6,"includes":{"caps":["CAP_SYS_TIME"]}},{"names":["gettid"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"excludes":{"caps":["CAP_SYS_TIME"]}}]}' >"$TMP/p.json"
	# root keeps CAP_SYS_TIME: the include applies, the exclude does not
	run_scprof run -p "$TMP/p.json" -- sh -c "'$PROBE' getuid; '$PROBE' gettid"
	[ "${lines[0]}" = "errno 6" ]
	[[ "${lines[1]}" == "ok "* ]]
	run_scprof run -p "$TMP/p.json" --cap-drop SYS_TIME -- sh -c "'$PROBE' getuid; '$PROBE' gettid"
	[ "${lines[0]}" = "ok 0" ]
	[ "${lines[1]}" = "errno 7" ]
	# --user drops every capability
	run_scprof run -p "$TMP/p.json" --user 1000 -- "$PROBE" gettid
	[ "$output" = "errno 7" ]
	run_scprof run -p "$TMP/p.json" --caps-for-profile CAP_SYS_TIME --cap-drop ALL -- "$PROBE" getuid
	[ "$output" = "errno 6" ]
	run_scprof run -p "$TMP/p.json" --caps-for-profile CAP_CHOWN -- "$PROBE" getuid
	[ "$output" = "ok 0" ]
}

@test "runtime/default denies unshare with Docker's capabilities, allows it with CAP_SYS_ADMIN" {
	needs_root "to hand out CAP_SYS_ADMIN"
	# the kernel itself lets anyone make a user namespace here, else this tells nothing
	"$SCPROF" run -p unconfined --cap-drop ALL --cap-add "$DOCKER_CAPS" -- unshare -U true ||
		skip "the kernel refuses unprivileged user namespaces"
	[ "$(emulated --caps "$DOCKER_CAPS" runtime/default unshare)" = "ERRNO(1)" ]
	run_scprof 1 run --cap-drop ALL --cap-add "$DOCKER_CAPS" -- unshare -U true
	assert_output_contains "Operation not permitted"
	[ "$(emulated --caps CAP_SYS_ADMIN runtime/default unshare)" = "ALLOW" ]
	run_scprof run --cap-drop ALL --cap-add "$DOCKER_CAPS,SYS_ADMIN" -- unshare -U true
	# root with every capability: the profile allows it
	run_scprof run -- unshare -U true
	run_scprof run --audit --cap-drop ALL --cap-add "$DOCKER_CAPS" -- unshare -U true
}

@test "--user and --groups" {
	needs_root "to change ids"
	run_scprof run --user 65534:65534 -- id -u
	[ "$output" = 65534 ]
	run_scprof run --user 65534:65534 -- id -g
	[ "$output" = 65534 ]
	run_scprof run --groups 10,20 --user 1000:1000 -- id -G
	[ "$output" = "1000 10 20" ]
	# GID defaults to UID, and no supplementary groups are kept
	run_scprof run --user 1000 -- id -G
	[ "$output" = 1000 ]
}

@test "capabilities: --cap-drop ALL, then --cap-add NET_RAW" {
	needs_root "to hold capabilities"
	run_scprof run --cap-drop ALL -- grep CapEff /proc/self/status
	assert_output_contains "0000000000000000"
	run_scprof run --cap-drop ALL --cap-add NET_RAW -- grep CapEff /proc/self/status
	assert_output_contains "0000000000002000"
	run_scprof run --cap-drop ALL --cap-add CAP_NET_RAW,kill -- grep CapEff /proc/self/status
	assert_output_contains "0000000000002020"
}

@test "--user with --cap-add grants that capability, not all of root's" {
	needs_root "to hold capabilities"
	# --user alone drops every capability (see above); adding one must add just that one
	run_scprof run --user 1000 -- grep CapEff /proc/self/status
	assert_output_contains "0000000000000000"
	run_scprof run --user 1000 --cap-add NET_RAW -- grep -E 'Cap(Eff|Prm)' /proc/self/status
	[ "$(grep -c 0000000000002000 <<<"$output")" -eq 2 ]
}

@test "no_new_privs: 1 by default, 0 with --allow-privilege-escalation" {
	run_scprof run -- grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t1' ]
	needs_root "a filter without no_new_privs needs CAP_SYS_ADMIN"
	run_scprof run --allow-privilege-escalation -- grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0' ]
	run_scprof run --allow-privilege-escalation --no-new-privs -- grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t1' ]
	# CAP_SYS_ADMIN dropped: the filter is loaded while scprof still has it
	run_scprof run --allow-privilege-escalation --cap-drop ALL -- grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0' ]
}

@test "--allow-privilege-escalation --user: the filter is loaded before the ids change" {
	needs_root "a filter without no_new_privs needs CAP_SYS_ADMIN"
	run_scprof run --allow-privilege-escalation --user 1000 -- grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0' ]
}

@test "unconfined loads no filter, like runc" {
	run_scprof run -- grep '^Seccomp:' /proc/self/status
	[ "$output" = $'Seccomp:\t2' ]
	run_scprof run -p unconfined -- grep '^Seccomp:' /proc/self/status
	[ "$output" = $'Seccomp:\t0' ]
}

@test "profile flags the kernel has are applied; --best-effort then warns of nothing" {
	for flag in TSYNC LOG SPEC_ALLOW; do
		printf '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_%s"],"syscalls":[]}' "$flag" >"$TMP/p.json"
		run_scprof run -p "$TMP/p.json" -- true
		[ -z "$output" ]
		run_scprof run --best-effort -p "$TMP/p.json" -- true
		[ -z "$output" ]
	done
}

@test "WAIT_KILLABLE_RECV without a NOTIFY rule is not a flag the kernel lacks" {
	# Linux 5.19 has it, but refuses it without NEW_LISTENER (kernel/seccomp.c
	# seccomp_set_mode_filter), as libseccomp only passes it with a listener
	printf '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],"syscalls":[]}' >"$TMP/p.json"
	run_scprof run -p "$TMP/p.json" -- true
	assert_output_not_contains "does not accept"
}

@test "fail closed: a profile that cannot be applied is one line and 125, CMD not run" {
	run_scprof 125 run -p "$TMP/missing.json" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "$TMP/missing.json"
	printf '{"defaultAction":' >"$TMP/bad.json"
	run_scprof 125 run -p "$TMP/bad.json" -- touch "$TMP/ran"
	assert_line_count 1
	printf '{"defaultAction":"SCMP_ACT_NOPE"}' >"$TMP/bad.json"
	run_scprof 125 run -p "$TMP/bad.json" -- touch "$TMP/ran"
	assert_line_count 1
	printf '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}' >"$TMP/notify.json"
	run_scprof 125 run -p "$TMP/notify.json" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "cannot connect to the seccomp agent at '/run/agent.sock'"
	# 1000 rules with two argument conditions: more than the kernel's 4096 instructions
	{
		printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":['
		seq 0 999 | sed 's/.*/{"names":["ioctl"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":&,"op":"SCMP_CMP_EQ"},{"index":2,"value":&,"op":"SCMP_CMP_EQ"}]}/' | paste -sd,
		printf ']}'
	} >"$TMP/big.json"
	run_scprof 125 run -p "$TMP/big.json" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "4096"
	assert_not_ran
}

@test "fail closed: capabilities and ids that cannot be applied are 125, CMD not run" {
	run_scprof 125 run --cap-drop CAP_NOPE -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "CAP_NOPE"
	run_scprof 125 run --cap-add NOPE -- touch "$TMP/ran"
	assert_line_count 1
	run_scprof 125 run --caps-for-profile CAP_NOPE -- touch "$TMP/ran"
	assert_line_count 1
	for user in nobody 1000: :1000 -1 1000:staff; do
		run_scprof 125 run --user "$user" -- touch "$TMP/ran"
		assert_line_count 1
		assert_output_contains "'$user'"
	done
	run_scprof 125 run --user 1000 --groups wheel -- touch "$TMP/ran"
	assert_not_ran
}

@test "fail closed: a setup step refused with EACCES is 125, not 'not executable' (126)" {
	command -v setpriv >/dev/null || skip "no setpriv to run scprof without privileges"
	needs_root "to drop to another user with setpriv"
	chmod 0777 "$TMP"
	# no no_new_privs and no CAP_SYS_ADMIN: seccomp(2) answers EACCES
	run setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
		"$SCPROF" run --allow-privilege-escalation -- touch "$TMP/ran"
	echo "# exit $status: $output" >&2
	[ "$status" -eq 125 ]
	assert_not_ran
}

@test "usage errors exit 125, as --help says, and run nothing" {
	run_scprof 125 run --bogus -- touch "$TMP/ran"
	assert_output_contains "unknown option"
	run_scprof 125 run
	assert_output_contains "no command given"
	run_scprof 125 run --
	run_scprof 125 run -p "$TMP/mkdir.json"
	run_scprof 125 run -a vax -- touch "$TMP/ran"
	run_scprof 125 run --native vax -- touch "$TMP/ran"
	run_scprof 125 run --kernel five -- touch "$TMP/ran"
	run_scprof 125 run --groups 10 -- touch "$TMP/ran"
	assert_not_ran
}

@test "--native naming another architecture is refused before anything runs" {
	run_scprof 125 run --native aarch64 -- touch "$BATS_TEST_TMPDIR/ran"
	assert_output_contains "--native aarch64: CMD runs on this machine"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}
