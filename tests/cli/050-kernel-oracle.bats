#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Kernel oracle: every profile's compiled filter, loaded in the live kernel, classifies calls as our interpreter does.

load helpers
bats_require_minimum_version 1.5.0

ORACLE=$SCPROF_HELPERS/kernel-oracle
PROFILES=$SCPROF_SRCDIR/tests/data/profiles

setup() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "not root: the oracle takes a child's seccomp listener with pidfd_getfd (CI runs as root)"
	fi
	if ! grep -q '^Seccomp:' /proc/self/status; then
		skip "the kernel has no seccomp"
	fi
	[ -x "$ORACLE" ] || skip "kernel-oracle not built in $SCPROF_HELPERS"
	setup_tmp
}

teardown() {
	teardown_tmp
}

# emulate_class ARCH NR [ARG...]: the class `scprof emulate` gives a call under $TMP/f.bpf
emulate_class() {
	local arch=$1 nr=$2
	shift 2
	[ "$arch" = x32 ] && nr=$((nr | 0x40000000))
	# not run_scprof: bats' run costs more than the command here
	local out
	out=$("$SCPROF" emulate --arch "$arch" "$TMP/f.bpf" -- "$nr" "$@") || {
		echo "emulate failed: $out"
		return
	}
	out=${out%%$'\n'*}
	local action=${out##*-> }
	case $action in
	ALLOW | LOG | TRACE\(*\)) echo allow ;;
	ERRNO\(*\)) action=${action#ERRNO(}; echo "errno ${action%)}" ;;
	TRAP\(*\)) echo trap ;;
	KILL_THREAD | KILL_PROCESS) echo kill ;;
	*) echo "unexpected $action" ;;
	esac
}

# oracle PROFILE: compile it as the oracle's cases assume (kernel 6.1, native x86_64,
# Docker's capabilities), generate the cases, run them in the kernel and compare with
# the interpreter; then check a sample of them against `scprof emulate` itself.
oracle() {
	local profile=$1
	# called as `oracle P || ...`, where errexit is off: every step checks itself
	run_scprof compile --kernel 6.1 "$profile" -o "$TMP/f.bpf" || return 1
	"$ORACLE" --cases "$profile" >"$TMP/cases" || return 1
	local rc=0
	"$ORACLE" --compare -j 2 "$TMP/f.bpf" <"$TMP/cases" >"$TMP/classes" 2>"$TMP/err" || rc=$?
	if [ "$rc" -eq 77 ]; then
		skip "$(head -1 "$TMP/classes")"
	fi
	if [ "$rc" -ne 0 ]; then
		echo "# $profile: kernel-oracle exit $rc" >&2
		sed 's/^/# > /' "$TMP/err" >&2
		return 1
	fi
	if [ "$(wc -l <"$TMP/classes")" -ne "$(wc -l <"$TMP/cases")" ]; then
		echo "# $profile: $(wc -l <"$TMP/classes") classes for $(wc -l <"$TMP/cases") cases" >&2
		return 1
	fi
	echo "# $(basename "$profile"): $(wc -l <"$TMP/cases") cases" >&3

	# every 97th case through the command line, as a user would ask (picked by awk:
	# a bash loop over every case is slow under bats' debug trap)
	local arch nr args class want
	paste -d '|' "$TMP/cases" "$TMP/classes" | awk 'NR % 97 == 1' >"$TMP/sample"
	while IFS='|' read -r call class; do
		case $class in bypass | skip) continue ;; esac
		read -r arch nr args <<<"$call"
		# shellcheck disable=SC2086
		want=$(emulate_class "$arch" "$nr" $args)
		if [ "$class" != "$want" ]; then
			echo "# $profile: $call: kernel $class, scprof emulate $want" >&2
			return 1
		fi
	done <"$TMP/sample"
}

@test "kernel-oracle: usage, and the case generator" {
	run "$ORACLE"
	[ "$status" -eq 2 ]
	run "$ORACLE" --cases runtime/default
	[ "$status" -eq 0 ]
	# every number on the three ABIs, plus argument vectors for socket, personality, clone
	[[ "$output" == *$'\nx86_64 456\n'* ]]
	[[ "$output" == *$'\nx32 547\n'* ]]
	[[ "$output" == *$'\nx86 0\n'* ]]
	[[ "$output" == *"x86_64 135 0xffffffff"* ]]
	[[ "$output" == *"x86_64 41 0x26"* ]]
}

@test "kernel-oracle: a small filter, class by class" {
	# ERRNO(13) for getuid, TRAP for getppid, KILL for gettid, ALLOW otherwise (x86_64)
	cat >"$TMP/p.json" <<-'EOF'
	{
		"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [
			{ "names": ["getuid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 },
			{ "names": ["getppid"], "action": "SCMP_ACT_TRAP" },
			{ "names": ["gettid"], "action": "SCMP_ACT_KILL_PROCESS" }
		]
	}
	EOF
	run_scprof compile "$TMP/p.json" -o "$TMP/p.bpf"
	run --separate-stderr "$ORACLE" --compare "$TMP/p.bpf" <<-'EOF'
	x86_64 102
	x86_64 110
	x86_64 186
	x86_64 39
	x86_64 102
	x32 102
	EOF
	[ "$status" -ne 77 ] || skip "${lines[0]}"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[0]}" = "errno 13" ]
	[ "${lines[1]}" = "trap" ]
	[ "${lines[2]}" = "kill" ]
	[ "${lines[3]}" = "allow" ]
	[ "${lines[4]}" = "errno 13" ]
	# x32 is not in the filter: libseccomp's bad-arch action
	[ "${lines[5]}" = "kill" ]
}

@test "kernel-oracle: runtime/default" {
	oracle runtime/default
}

@test "kernel-oracle: every profile in tests/data/profiles" {
	local count=0 failed=0
	for p in "$PROFILES"/*.json "$PROFILES"/*.yaml; do
		count=$((count + 1))
		oracle "$p" || failed=$((failed + 1))
	done
	[ "$count" -ge 20 ]
	[ "$failed" -eq 0 ]
}
