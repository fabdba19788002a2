#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# End to end: a static probe makes the same harmless calls in a runc container (busybox
# rootfs, `runc spec` defaults, linux.seccomp from `scprof convert --to oci --resolve`) and under
# `scprof run` with the container's capabilities; each call's answer and the exit status
# must be the same.  Needs root, runc and busybox-static.

load helpers

PROBE=$SCPROF_HELPERS/probe
TRY=$SCPROF_HELPERS/try-syscall
PROFILES=$SCPROF_SRCDIR/tests/data/profiles
BUSYBOX=/bin/busybox

# Every call the probe knows but arch_prctl, which a static binary needs to start; x86
# ones last: a kill there masks nothing else.
CALLS="getpid getppid getuid gettid sched_yield getcwd uname personality ptrace
socket_unix socket_inet socket_38 socket_vsock clone3 mkdirat unshare setns io_uring_setup
bpf syslog 1024"
X86_CALLS="x86:getpid x86:personality"

setup_file() {
	# skip here too, or building the rootfs fails first; setup() prints the reason
	if [ "$(id -u)" -ne 0 ] || ! command -v runc >/dev/null || [ ! -x "$BUSYBOX" ] ||
		[ ! -x "$PROBE" ]; then
		return 0
	fi
	local root=$BATS_FILE_TMPDIR/rootfs
	mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/dev" "$root/sys"
	# Debian's busybox-static: nothing else goes into the rootfs
	cp "$BUSYBOX" "$PROBE" "$root/bin/"
	ln -s busybox "$root/bin/sh"
	# runc's default: the bundle's capabilities, which scprof run must match
	(cd "$BATS_FILE_TMPDIR" && runc spec)
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: runc makes namespaces and mounts"
	command -v runc >/dev/null || skip "runc is not installed (Debian package runc)"
	[ -x "$BUSYBOX" ] || skip "no $BUSYBOX (Debian package busybox-static)"
	[ -x "$PROBE" ] || skip "probe not built in $SCPROF_HELPERS"
	grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
	setup_tmp
	# a seccomp kill dumps core: not one per comparison
	ulimit -c 0
	CAPS=$(python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
print(",".join(x.removeprefix("CAP_") for x in c["process"]["capabilities"]["effective"]))' \
		"$BATS_FILE_TMPDIR/config.json")
	ALL_CALLS=$CALLS
	# without IA32 emulation int $0x80 faults whatever the filter says
	if [ -x "$TRY" ] && "$TRY" --probe x86 >/dev/null; then
		ALL_CALLS="$CALLS $X86_CALLS"
	elif [ "$BATS_TEST_NUMBER" -eq 1 ]; then
		echo "# leaving out $X86_CALLS: no IA32 emulation, or try-syscall not built" >&3
	fi
	N=0
}

teardown() {
	[ -n "${ID:-}" ] && runc delete -f "$ID" >/dev/null 2>&1
	teardown_tmp
}

# bundle PROFILE.json CALL...: a fresh bundle in $TMP/bundle running the probe with CALLs
bundle() {
	local seccomp=$1
	shift
	mkdir -p "$TMP/bundle"
	python3 - "$BATS_FILE_TMPDIR/config.json" "$seccomp" "$BATS_FILE_TMPDIR/rootfs" \
		"$TMP/bundle/config.json" "$@" <<-'EOF'
		import json, sys
		spec, seccomp, rootfs, out, calls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
		c = json.load(open(spec))
		c["root"] = {"path": rootfs, "readonly": True}
		p = c["process"]
		p["terminal"] = False
		p["args"] = ["/bin/probe"] + calls
		p["cwd"] = "/tmp"
		p["rlimits"] = p.get("rlimits", []) + [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]
		c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
				    "options": ["nosuid", "nodev", "mode=1777"]})
		c["linux"]["seccomp"] = json.load(open(seccomp))
		json.dump(c, open(out, "w"), indent=1)
		EOF
}

# harness PROFILE OUT: write to OUT the OCI JSON of PROFILE plus one ALLOW rule for what
# runc's init calls between loading the filter and execve (runc 1.1: the exec fifo, its
# log pipe, the Go runtime) and what the static probe needs to start, print and exit,
# for the names PROFILE says nothing about and the probe does not probe.  Most test
# profiles are a few rules under an ERRNO or KILL default: without this neither runc
# nor the probe would get to the first call.  Prints "same" when nothing was added.
harness() {
	# runc ignores Docker's and containers/common's extensions: resolve them first, for the
	# capabilities the container gets, as Docker does before it hands the profile to runc
	run_scprof convert --to oci --resolve --caps "$CAPS" --compact -o "$2.in" "$1" || return 1
	python3 - "$2.in" "$2" $ALL_CALLS <<-'EOF'
		import json, sys
		src, out, probed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
		c = json.load(open(src))
		need = ["execve", "futex", "nanosleep", "rt_sigreturn", "rt_sigprocmask",
			"rt_sigaction", "sigaltstack", "sched_yield", "epoll_pwait", "epoll_ctl",
			"tgkill", "getpid", "openat", "read", "fcntl", "fstat", "newfstatat",
			"fstatfs", "getdents64", "madvise", "brk", "arch_prctl", "set_tid_address",
			"set_robust_list", "rseq", "prlimit64", "readlink", "readlinkat", "mprotect",
			"getrandom", "write", "close", "exit_group", "exit", "mmap", "munmap",
			"rmdir"]
		named = {n for r in c.get("syscalls") or [] for n in r.get("names") or []}
		add = [n for n in need if n not in named and n not in probed]
		if c.get("defaultAction") != "SCMP_ACT_ALLOW" and add:
		    c["syscalls"] = (c.get("syscalls") or []) + [{"names": add, "action": "SCMP_ACT_ALLOW"}]
		    print("changed")
		else:
		    print("same")
		json.dump(c, open(out, "w"))
		EOF
}

# compare PROFILE [CALL...]: the probe's lines and exit status under runc and under
# scprof run must be the same.  After a kill both stop early: the calls after the one
# that killed are made again in a fresh pair of runs, until every call has answered.
compare() {
	local profile=$1
	shift
	local calls=("$@")
	[ ${#calls[@]} -gt 0 ] || read -r -a calls <<<"$(echo $ALL_CALLS)"
	local changed
	changed=$(harness "$profile" "$TMP/oci.json") || return 1
	# scprof reads the profile itself unless the harness had to add to it
	local sprofile=$profile
	[ "$changed" = same ] || sprofile=$TMP/oci.json
	local fails=0 first=$((N + 1))
	while [ ${#calls[@]} -gt 0 ]; do
		N=$((N + 1))
		ID=scprof-e2e-$$-$BATS_TEST_NUMBER-$N
		bundle "$TMP/oci.json" "${calls[@]}"
		local rrc=0 src=0
		runc run --bundle "$TMP/bundle" "$ID" >"$TMP/runc.out" 2>"$TMP/runc.err" </dev/null ||
			rrc=$?
		runc delete -f "$ID" >/dev/null 2>&1
		ID=
		rm -rf "$TMP/cwd" && mkdir "$TMP/cwd"
		(cd "$TMP/cwd" && "$SCPROF" run -p "$sprofile" --cap-drop ALL --cap-add "$CAPS" -- \
			"$PROBE" "${calls[@]}") >"$TMP/scprof.out" 2>"$TMP/scprof.err" </dev/null ||
			src=$?
		if [ $rrc -ne $src ] || ! cmp -s "$TMP/runc.out" "$TMP/scprof.out"; then
			echo "# $(basename "$profile")$([ "$changed" = same ] || echo " + harness rule"): runc and scprof run disagree on: ${calls[*]}" >&2
			echo "# runc exit $rrc, scprof run exit $src" >&2
			diff -u --label runc --label "scprof run" "$TMP/runc.out" "$TMP/scprof.out" |
				sed 's/^/#   /' >&2
			sed 's/^/# runc stderr: /' "$TMP/runc.err" >&2
			sed 's/^/# scprof stderr: /' "$TMP/scprof.err" >&2
			fails=$((fails + 1))
		fi
		if [ ! -s "$TMP/runc.out" ] && [ ! -s "$TMP/scprof.out" ] && [ "$N" -eq "$first" ]; then
			echo "# $(basename "$profile"): the probe made no call under either (runc exit $rrc, scprof run exit $src): nothing compared" >&2
			fails=$((fails + 1))
		fi
		# only a kill leaves calls unanswered; runc failing to start ends it too
		[ $rrc -ge 128 ] || [ $src -ge 128 ] || break
		local done r
		done=$(wc -l <"$TMP/scprof.out")
		r=$(wc -l <"$TMP/runc.out")
		[ "$r" -gt "$done" ] && done=$r
		# killed before the first call: running fewer calls changes nothing
		[ "$done" -gt 0 ] || break
		# skip what answered and the call that killed
		calls=("${calls[@]:done+1}")
	done
	[ $fails -eq 0 ]
}

@test "runc and scprof run: runtime/default" {
	compare runtime/default
}

@test "runc and scprof run: a minimal allow-list, everything else EPERM" {
	# what runc's init needs between loading the filter and execve (found by trial with
	# runc 1.1.5), a static glibc binary's startup, and the probe's getpid, sched_yield,
	# uname, arch_prctl and AF_UNIX socket
	cat >"$TMP/allow.json" <<-'EOF'
	{
		"defaultAction": "SCMP_ACT_ERRNO",
		"defaultErrnoRet": 1,
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [
			{ "names": ["execve", "futex", "nanosleep", "rt_sigreturn", "rt_sigprocmask",
				    "rt_sigaction", "sigaltstack", "sched_yield", "epoll_pwait",
				    "epoll_ctl", "tgkill", "getpid", "openat", "read", "fcntl", "fstat",
				    "newfstatat", "fstatfs", "getdents64", "madvise", "brk",
				    "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
				    "prlimit64", "readlinkat", "mprotect", "getrandom", "uname", "write",
				    "close", "exit_group", "exit", "mmap", "munmap"],
			  "action": "SCMP_ACT_ALLOW" },
			{ "names": ["socket"], "action": "SCMP_ACT_ALLOW",
			  "args": [{ "index": 0, "value": 1, "op": "SCMP_CMP_EQ" }] }
		]
	}
	EOF
	compare "$TMP/allow.json"
}

@test "runc and scprof run: ALLOW, ERRNO, LOG, TRACE and mixed actions" {
	local p rc=0
	for p in default-allow default-log errno-codes errno-names actions-mixed trace default-only; do
		compare "$PROFILES/$p.json" || rc=1
	done
	[ $rc -eq 0 ]
}

@test "runc and scprof run: KILL, KILL_PROCESS and TRAP defaults" {
	local p rc=0
	# every call not listed kills: fewer calls, or one pair of runs per call.  Not
	# spo-args.yaml: it kills close(2), which runc's init makes after loading the filter
	for p in default-kill.json default-kill-process.json default-trap.json; do
		compare "$PROFILES/$p" getpid getppid getuid uname socket_unix socket_inet \
			personality 1024 x86:getpid || rc=1
	done
	[ $rc -eq 0 ]
}

@test "runc and scprof run: argument rules and overlapping rules" {
	local p rc=0
	# not ops-basic (close), large (execve) or one-arch-names (execve): their rules for
	# what runc's init or the probe's startup needs stop both before the first call
	for p in and-conditions ops-64bit overlap-catchall overlap-conditions repeated-index \
		socket-family-x86 new-syscalls; do
		compare "$PROFILES/$p.json" || rc=1
	done
	[ $rc -eq 0 ]
}

@test "runc and scprof run: architectures, runc's ENOSYS stub, SPO YAML" {
	local p rc=0
	for p in x86-only.json x32-only.json stub-low.json spo-basic.yaml; do
		compare "$PROFILES/$p" || rc=1
	done
	[ $rc -eq 0 ]
}

@test "runc and scprof run: includes, excludes and archMap" {
	local p rc=0
	for p in includes-caps includes-arches archmap; do
		compare "$PROFILES/$p.json" || rc=1
	done
	[ $rc -eq 0 ]
}
