#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Live test: the kernel, loading what `scprof compile` wrote, does to harmless calls what `scprof emulate` says.

load helpers

TRY=$SCPROF_HELPERS/try-syscall
PROFILES=$SCPROF_SRCDIR/tests/data/profiles

setup() {
	# no root needed: try-syscall sets no_new_privs before loading the filter
	if ! grep -q '^Seccomp:' /proc/self/status; then
		skip "the kernel has no seccomp"
	fi
	[ -x "$TRY" ] || skip "try-syscall not built in $SCPROF_HELPERS"
	setup_tmp
}

teardown() {
	teardown_tmp
}

# expected_live ACTION ARCH: what try-syscall should print for emulate's ACTION
expected_live() {
	local action=$1 arch=$2
	case $action in
	ALLOW | LOG)
		# x86_64 kernels without CONFIG_X86_X32_ABI answer an allowed x32 call with ENOSYS
		if [ "$arch" = x32 ] && ! "$TRY" --probe x32 >/dev/null; then
			echo "errno 38"
		else
			echo "ok"
		fi
		;;
	ERRNO\(*\)) action=${action#ERRNO(}; echo "errno ${action%)}" ;;
	TRAP\(*\)) action=${action#TRAP(}; echo "trap ${action%)}" ;;
	# no tracer attached: seccomp(2) fails the call with ENOSYS
	TRACE\(*\)) echo "errno 38" ;;
	KILL_THREAD | KILL_PROCESS) echo "killed 31" ;;
	*) echo "unexpected action $action" ;;
	esac
}

# check_live PROFILE ARCH CALL [ARG...]: compile PROFILE (once), make the call under it,
# and compare the kernel's answer with `scprof emulate`.
check_live() {
	local profile=$1 arch=$2
	shift 2
	local bpf=$TMP/$(echo "$profile" | tr / _).bpf
	if [ ! -f "$bpf" ]; then
		run_scprof compile "$profile" -o "$bpf"
	fi
	local call=$1
	shift
	# emulate takes x32 numbers with bit 30, as the kernel reports them
	local ecall=$call
	if [ "$arch" = x32 ] && [[ $call =~ ^[0-9]+$ ]]; then
		ecall=$((call | 0x40000000))
	fi
	run_scprof emulate --arch "$arch" "$profile" -- "$ecall" "$@"
	local line=${lines[0]}
	local action=${line##*-> }
	local want
	want=$(expected_live "$action" "$arch")
	run "$TRY" "$bpf" "$arch" "$call" "$@"
	if [ "$status" -eq 77 ]; then
		echo "# $arch: $output" >&3
		return 0
	fi
	local got=$output
	# an allowed call prints its return value: getpid's varies
	[ "$want" = ok ] && got=${got%% *}
	if [ "$status" -ne 0 ] || [ "$got" != "$want" ]; then
		echo "# $profile: $arch $call${*:+ $*}: emulate says $action, expected '$want', the kernel gave '$output' (exit $status)" >&2
		return 1
	fi
}

# x86 calls need IA32 emulation; say so once instead of failing
arches() {
	echo x86_64 x32
	if "$TRY" --probe x86 >/dev/null; then
		echo x86
	else
		echo "# skipping x86: $("$TRY" --probe x86)" >&3
	fi
}

@test "try-syscall: refuses calls that are not harmless, and bad usage" {
	run_scprof compile runtime/default -o "$TMP/rd.bpf"
	run "$TRY" "$TMP/rd.bpf" x86_64 reboot
	[ "$status" -eq 2 ]
	[[ "$output" == *"not on the list of harmless calls"* ]]
	run "$TRY" "$TMP/rd.bpf" x86_64 personality 0
	[ "$status" -eq 2 ]
	run "$TRY" "$TMP/rd.bpf" aarch64 getpid
	[ "$status" -eq 2 ]
	run "$TRY" "$TMP/rd.bpf" x86_64
	[ "$status" -eq 2 ]
}

@test "try-syscall: a filter the kernel refuses exits 125" {
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f\x15\x00\x05\x00\x00\x00\x00\x00' >"$TMP/bad.bpf"
	run "$TRY" "$TMP/bad.bpf" x86_64 getpid
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot load the filter"* ]]
}

@test "runtime/default: allowed, denied by argument, and past the ENOSYS stub" {
	for arch in $(arches); do
		check_live runtime/default "$arch" getpid
		check_live runtime/default "$arch" getppid
		check_live runtime/default "$arch" uname
		check_live runtime/default "$arch" personality 0xffffffff
		# AF_UNIX allowed; AF_VSOCK (40) and 38 denied by the socket rules' LT/EQ/GT
		check_live runtime/default "$arch" socket 1 1 0
		check_live runtime/default "$arch" socket 40 1 0
		check_live runtime/default "$arch" socket 38 1 0
		# above every number the profile names: runc's stub answers ENOSYS
		check_live runtime/default "$arch" 1024
	done
}

@test "runc's ENOSYS stub: real calls above the highest name get ENOSYS, not the default" {
	for arch in $(arches); do
		for call in getpid getppid getuid sched_yield uname gettid; do
			check_live "$PROFILES/stub-low.json" "$arch" $call
		done
		check_live "$PROFILES/stub-low.json" "$arch" personality 0xffffffff
	done
	run_scprof emulate "$PROFILES/stub-low.json" gettid
	assert_output_contains "ERRNO(38)"
}

@test "every action: TRAP, LOG, KILL, KILL_PROCESS, KILL_THREAD, ERRNO" {
	for arch in $(arches); do
		for call in getpid getppid getuid geteuid getgid getegid gettid uname; do
			check_live "$PROFILES/actions-mixed.json" "$arch" $call
		done
		check_live "$PROFILES/actions-mixed.json" "$arch" personality 0xffffffff
	done
}

@test "errno codes, errno names and the default errno" {
	for arch in $(arches); do
		for call in getpid getppid getuid geteuid getgid getegid uname getpgrp sched_yield gettid; do
			check_live "$PROFILES/errno-codes.json" "$arch" $call
		done
		check_live "$PROFILES/errno-codes.json" "$arch" personality 0xffffffff
	done
	for call in getpid getuid uname sched_yield; do
		check_live "$PROFILES/errno-names.json" x86_64 $call
		check_live "$PROFILES/errno-names.json" x32 $call
	done
}

@test "TRACE without a tracer, TRAP and LOG defaults" {
	for arch in $(arches); do
		for call in getpid getppid getuid gettid; do
			check_live "$PROFILES/trace.json" "$arch" $call
			check_live "$PROFILES/default-trap.json" "$arch" $call
			check_live "$PROFILES/default-log.json" "$arch" $call
		done
		check_live "$PROFILES/trace.json" "$arch" personality 0xffffffff
	done
}

@test "KILL_PROCESS default, argument rules, and an architecture the filter does not list" {
	# default-kill-process.json lists x86_64 only: x86 and x32 calls hit libseccomp's
	# bad-arch action, KILL_THREAD
	for arch in $(arches); do
		for call in getpid getppid getuid getgid uname; do
			check_live "$PROFILES/default-kill-process.json" "$arch" $call
		done
		check_live "$PROFILES/default-kill-process.json" "$arch" socket 2 1 0
		check_live "$PROFILES/default-kill-process.json" "$arch" socket 1 1 0
		check_live "$PROFILES/default-kill.json" "$arch" getuid
		check_live "$PROFILES/default-kill.json" "$arch" gettid
	done
}

@test "deny list under an ALLOW default, an x86-only and an x32-only profile, SPO YAML" {
	for arch in $(arches); do
		for call in getpid getppid getuid; do
			check_live "$PROFILES/default-allow.json" "$arch" $call
			check_live "$PROFILES/x86-only.json" "$arch" $call
			check_live "$PROFILES/x32-only.json" "$arch" $call
			check_live "$PROFILES/spo-basic.yaml" "$arch" $call
		done
		check_live "$PROFILES/default-allow.json" "$arch" personality 0xffffffff
		check_live "$PROFILES/default-allow.json" "$arch" socket 16 3 0
		check_live "$PROFILES/x86-only.json" "$arch" personality 0xffffffff
		check_live "$PROFILES/spo-basic.yaml" "$arch" geteuid
	done
}
