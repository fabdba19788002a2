#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# refresh-runc-syscalls.sh: measure which syscalls the installed runc's init makes
# between loading the container's seccomp filter and the execve of the container
# process (DESIGN.md section 6), and write lib/record/runc-syscalls.h.
#
# Method: a busybox-static rootfs in a temporary bundle runs /bin/true under a
# seccomp profile whose defaultAction is SCMP_ACT_LOG and which has no rules, with
# the kernel's printk rate limiting lifted.  The kernel then prints one
# "audit: type=1326" record per syscall of the filtered task; those of the
# container's init pid whose comm is still "runc:[2:INIT]" are runc's (the
# execve included: it is logged before it runs), those after it (comm "true")
# are busybox's.  Variants: noNewPrivileges true and false (the filter is loaded
# right before execve, or before runc drops capabilities and changes user),
# process.user uid 0 and 1000, `runc run` and `runc create` + `runc start`, and
# process.terminal false and (for `runc run`, under script(1)) true.  Each one is
# run RUNS times; the header gets the union.
#
# Then it verifies: a profile with defaultAction SCMP_ACT_ERRNO that allows only
# runc's list and busybox true's list must let every variant exit 0, and the same
# profile without runc's list must make every variant fail.  The header is
# written only when both hold.
#
# Usage: sudo scripts/refresh-runc-syscalls.sh [-n RUNS] [-o OUT.h] [-k]
#   -n RUNS  runs per variant (default 5)
#   -o OUT   header to write (default lib/record/runc-syscalls.h in this tree)
#   -k       keep the temporary directory (its path is printed)
# Needs: root, runc, busybox-static (/bin/busybox), scmp_sys_resolver (Debian
# package seccomp), python3, script(1) (bsdutils), timeout(1), dmesg(1).

set -eu
export LC_ALL=C

RUNS=5
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OUT=$SRCDIR/lib/record/runc-syscalls.h
KEEP=0
BUSYBOX=${BUSYBOX:-/bin/busybox}
TIMEOUT=30

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^Needs:/p' "$0" | sed '$d' >&2
	exit 2
}

while getopts n:o:kh opt; do
	case $opt in
	n) RUNS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	k) KEEP=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $RUNS in '' | *[!0-9]* | 0) echo "$0: -n wants a positive number" >&2; exit 2 ;; esac

die() {
	echo "$0: $*" >&2
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	die "needs root: runc makes namespaces and mounts, and the kernel's printk rate limit must be lifted (run it with sudo)"
fi
for tool in runc scmp_sys_resolver python3 script timeout dmesg; do
	command -v "$tool" >/dev/null || die "$tool not found (Debian packages: runc, seccomp, python3, bsdutils, coreutils, util-linux)"
done
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (Debian package busybox-static)"
"$BUSYBOX" true || die "$BUSYBOX does not run"
[ -w /proc/sys/kernel/printk_ratelimit ] || die "cannot write /proc/sys/kernel/printk_ratelimit"
grep -q '^Seccomp:' /proc/self/status || die "the kernel has no seccomp"
grep -qw log /proc/sys/kernel/seccomp/actions_logged ||
	die "the kernel does not log SCMP_ACT_LOG (kernel.seccomp.actions_logged lacks 'log')"
if pgrep -x auditd >/dev/null 2>&1; then
	echo "$0: warning: auditd runs: seccomp records go to its log, not to the kernel log" >&2
fi

RUNC_VERSION=$(runc --version | sed -n 's/^runc version //p')
[ -n "$RUNC_VERSION" ] || die "cannot read the version from 'runc --version'"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/scprof-runc.XXXXXX")
RUNC=(runc --root "$TMP/state")
IDS=()
OLD_RATELIMIT=
OLD_BURST=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	local id
	for id in "${IDS[@]}"; do
		"${RUNC[@]}" delete -f "$id" >/dev/null 2>&1 || true
	done
	if [ -n "$OLD_RATELIMIT" ]; then
		echo "$OLD_RATELIMIT" >/proc/sys/kernel/printk_ratelimit || true
	fi
	if [ -n "$OLD_BURST" ]; then
		echo "$OLD_BURST" >/proc/sys/kernel/printk_ratelimit_burst || true
	fi
	if [ "$KEEP" = 1 ]; then
		echo "$0: kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The kernel prints at most printk_ratelimit_burst audit records per printk_ratelimit
# seconds when no audit daemon reads them.
OLD_RATELIMIT=$(cat /proc/sys/kernel/printk_ratelimit)
OLD_BURST=$(cat /proc/sys/kernel/printk_ratelimit_burst)
echo 0 >/proc/sys/kernel/printk_ratelimit
echo 1000000 >/proc/sys/kernel/printk_ratelimit_burst

# The rootfs: Debian's busybox-static and nothing else.
ROOTFS=$TMP/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys" "$ROOTFS/tmp"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
chmod 755 "$ROOTFS/bin/busybox"
ln -s busybox "$ROOTFS/bin/true"
ln -s busybox "$ROOTFS/bin/sh"
(cd "$TMP" && runc spec)

ARCHES='"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"'

# bundle DIR SECCOMP.json NNP UID TERMINAL: a bundle running /bin/true
bundle() {
	mkdir -p "$1"
	python3 - "$TMP/config.json" "$ROOTFS" "$2" "$3" "$4" "$5" "$1/config.json" <<-'EOF'
		import json, sys
		spec, rootfs, seccomp, nnp, uid, term, out = sys.argv[1:8]
		c = json.load(open(spec))
		c["root"] = {"path": rootfs, "readonly": True}
		p = c["process"]
		p["args"] = ["/bin/true"]
		p["cwd"] = "/"
		p["terminal"] = term == "1"
		p["noNewPrivileges"] = nnp == "1"
		p["user"] = {"uid": int(uid), "gid": int(uid)}
		p["rlimits"] = p.get("rlimits", []) + [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]
		c["linux"]["seccomp"] = json.load(open(seccomp))
		json.dump(c, open(out, "w"), indent=1)
		EOF
}

# profile OUT DEFAULT [NAME...]: a seccomp profile allowing NAMEs
profile() {
	local out=$1 def=$2
	shift 2
	python3 - "$out" "$def" "$@" <<-EOF
		import json, sys
		out, default, names = sys.argv[1], sys.argv[2], sys.argv[3:]
		p = {"defaultAction": default, "architectures": [$ARCHES]}
		if names:
		    p["syscalls"] = [{"names": names, "action": "SCMP_ACT_ALLOW"}]
		json.dump(p, open(out, "w"), indent=1)
		EOF
}

# The variants: FLOW NNP UID TERMINAL.  runc create with a terminal wants a console
# socket: only runc run gets one, through script(1).
VARIANTS="run:1:0:0 run:0:0:0 run:1:1000:0 run:0:1000:0
create:1:0:0 create:0:0:0 create:1:1000:0 create:0:1000:0
run:1:0:1 run:0:0:1 run:1:1000:1 run:0:1000:1"

N=0
# launch FLOW TERMINAL BUNDLE: run a container of BUNDLE to completion; sets ID,
# leaves the init pid in $BUNDLE/pid, returns the container's status.
launch() {
	local flow=$1 term=$2 b=$3 rc=0
	N=$((N + 1))
	ID=scprof-runc-$$-$N
	IDS+=("$ID")
	# a fresh stdio file each time: runc fchowns stdio to process.user only when it is not theirs
	rm -f "$b/pid" "$b/out"
	if [ "$flow" = run ] && [ "$term" = 1 ]; then
		# a pseudo terminal for runc's stdin; script(1) returns the child's status
		timeout "$TIMEOUT" script -qec "${RUNC[*]} run --pid-file $b/pid --bundle $b $ID" \
			/dev/null >"$b/out" 2>&1 </dev/null || rc=$?
	elif [ "$flow" = run ]; then
		timeout "$TIMEOUT" "${RUNC[@]}" run --pid-file "$b/pid" --bundle "$b" "$ID" \
			>"$b/out" 2>&1 </dev/null || rc=$?
	else
		timeout "$TIMEOUT" "${RUNC[@]}" create --pid-file "$b/pid" --bundle "$b" "$ID" \
			>"$b/out" 2>&1 </dev/null || rc=$?
		if [ $rc -eq 0 ]; then
			timeout "$TIMEOUT" "${RUNC[@]}" start "$ID" >>"$b/out" 2>&1 </dev/null || rc=$?
		fi
		if [ $rc -eq 0 ]; then
			# runc start does not wait: the container's exit status is not known to
			# runc, only that it stopped
			local _
			for _ in $(seq 1 $((TIMEOUT * 10))); do
				"${RUNC[@]}" state "$ID" 2>/dev/null | grep -q '"status": "stopped"' && break
				sleep 0.1
			done
			"${RUNC[@]}" state "$ID" 2>/dev/null | grep -q '"status": "stopped"' || rc=124
		fi
	fi
	"${RUNC[@]}" delete -f "$ID" >/dev/null 2>&1 || true
	return $rc
}

# records PID: the kernel's seccomp records of PID as "COMM ARCH NR" lines, in order,
# once busybox's exit_group (or a record after it) has been printed: kauditd prints
# them asynchronously.
records() {
	local pid=$1 _
	for _ in $(seq 1 50); do
		if dmesg | grep -q "type=1326 .* pid=$pid comm=\"true\" .* syscall=231 "; then
			break
		fi
		sleep 0.1
	done
	dmesg | sed -n "s/.*type=1326 .* pid=$pid comm=\"\\([^\"]*\\)\" .* arch=\\([0-9a-f]*\\) syscall=\\([0-9]*\\) .*/\\1 \\2 \\3/p"
}

# name NR: the x86_64 name of syscall NR
NAMES_CACHE=$TMP/names
: >"$NAMES_CACHE"
name() {
	local n
	n=$(sed -n "s/^$1 //p" "$NAMES_CACHE")
	if [ -z "$n" ]; then
		n=$(scmp_sys_resolver -a x86_64 "$1")
		echo "$1 $n" >>"$NAMES_CACHE"
	fi
	echo "$n"
}

echo "runc $RUNC_VERSION: $RUNS runs of each variant, under SCMP_ACT_LOG" >&2
LOG_PROFILE=$TMP/log.json
profile "$LOG_PROFILE" SCMP_ACT_LOG
mkdir -p "$TMP/sets"
MARK=0
for v in $VARIANTS; do
	IFS=: read -r flow nnp uid term <<<"$v"
	b=$TMP/b-$flow-$nnp-$uid-$term
	bundle "$b" "$LOG_PROFILE" "$nnp" "$uid" "$term"
	for r in $(seq 1 "$RUNS"); do
		MARK=$((MARK + 1))
		launch "$flow" "$term" "$b" || {
			cat "$b/out" >&2
			die "variant $v run $r: the container failed under SCMP_ACT_LOG"
		}
		[ -s "$b/pid" ] || die "variant $v run $r: runc wrote no pid file"
		pid=$(cat "$b/pid")
		records "$pid" >"$b/rec.$r"
		grep -q '^true ' "$b/rec.$r" ||
			die "variant $v run $r: no seccomp records of /bin/true (pid $pid) in the kernel log"
		if grep -v ' c000003e ' "$b/rec.$r" | grep -q .; then
			echo "$0: warning: variant $v run $r: records of another arch:" >&2
			grep -v ' c000003e ' "$b/rec.$r" >&2
		fi
		# runc's: comm runc:[2:INIT], up to and with the execve
		awk '$1 == "runc:[2:INIT]" && $2 == "c000003e" { print $3 }' "$b/rec.$r" |
			sort -un >"$b/runc-nr.$r"
		grep -qx 59 "$b/runc-nr.$r" ||
			die "variant $v run $r: no execve record of runc's init"
		# busybox true's: after the execve
		awk '$1 == "true" && $2 == "c000003e" { print $3 }' "$b/rec.$r" |
			sort -un >"$b/true-nr.$r"
		for kind in runc true; do
			while read -r nr; do name "$nr"; done <"$b/$kind-nr.$r" | sort -u >"$b/$kind.$r"
		done
	done
	cat "$b"/runc.[0-9]* | sort -u >"$TMP/sets/runc.$v"
	cat "$b"/true.[0-9]* | sort -u >"$TMP/sets/true.$v"
	# stability: names seen in some but not all runs
	all=$(cat "$b"/runc.[0-9]* | sort | uniq -c | awk -v n="$RUNS" '$1 == n { print $2 }' | tr '\n' ' ')
	some=$(cat "$b"/runc.[0-9]* | sort | uniq -c | awk -v n="$RUNS" '$1 < n { print $2 "(" $1 "/" n ")" }' | tr '\n' ' ')
	printf '%-20s runc: %s\n' "$v" "$all" >&2
	[ -z "$some" ] || printf '%-20s   in some runs only: %s\n' "" "$some" >&2
done

cat "$TMP"/sets/runc.* | sort -u >"$TMP/runc-list"
cat "$TMP"/sets/true.* | sort -u >"$TMP/true-list"
echo "runc's union ($(wc -l <"$TMP/runc-list")): $(tr '\n' ' ' <"$TMP/runc-list")" >&2
echo "busybox true ($(wc -l <"$TMP/true-list")): $(tr '\n' ' ' <"$TMP/true-list")" >&2

# Verify under SCMP_ACT_ERRNO: runc's list and true's must be enough, true's alone not.
mapfile -t BOTH < <(sort -u "$TMP/runc-list" "$TMP/true-list")
mapfile -t TRUE_ONLY < <(comm -13 "$TMP/runc-list" "$TMP/true-list")
profile "$TMP/allow.json" SCMP_ACT_ERRNO "${BOTH[@]}"
profile "$TMP/noruncs.json" SCMP_ACT_ERRNO "${TRUE_ONLY[@]}"
fail=0
for v in $VARIANTS; do
	IFS=: read -r flow nnp uid term <<<"$v"
	b=$TMP/v-$flow-$nnp-$uid-$term
	ok=0
	for r in $(seq 1 "$RUNS"); do
		bundle "$b" "$TMP/allow.json" "$nnp" "$uid" "$term"
		rc=0
		launch "$flow" "$term" "$b" || rc=$?
		if [ $rc -eq 0 ]; then
			ok=$((ok + 1))
		else
			echo "$0: verify: variant $v run $r: exit $rc with runc's and true's lists" >&2
			sed 's/^/  > /' "$b/out" >&2
			fail=1
		fi
	done
	bundle "$b" "$TMP/noruncs.json" "$nnp" "$uid" "$term"
	rc=0
	launch "$flow" "$term" "$b" || rc=$?
	if [ $rc -eq 0 ]; then
		echo "$0: verify: variant $v: exit 0 without runc's list" >&2
		fail=1
	fi
	printf '%-20s verify: allowed: %d/%d exit 0; without runc list: exit %d\n' "$v" "$ok" "$RUNS" "$rc" >&2
done
[ $fail -eq 0 ] || die "verification failed: $OUT not written"

mkdir -p "$(dirname "$OUT")"
{
	cat <<-EOF
		/* SPDX-License-Identifier: LGPL-2.1-or-later */
		/*
		 * Generated by scripts/refresh-runc-syscalls.sh: do not edit, run it again
		 * (as root) after a runc upgrade.
		 *
		 * Measured with runc $RUNC_VERSION on $(date -u +%Y-%m-%d), kernel $(uname -r), $(uname -m).
		 *
		 * The syscalls runc's init makes between loading the container's seccomp
		 * filter and the execve of the container process, the execve included: the
		 * union over noNewPrivileges true and false, process.user uid 0 and 1000,
		 * \`runc run\` and \`runc create\` + \`runc start\`, and process.terminal false
		 * and true, $RUNS runs each, as seen in the kernel's SCMP_ACT_LOG records
		 * (x86_64).  A recorded profile for a container must allow these or runc's
		 * init dies.
		 */
		#ifndef SCPROF_RECORD_RUNC_SYSCALLS_H
		#define SCPROF_RECORD_RUNC_SYSCALLS_H

		#include <stddef.h>

		#define RUNC_SYSCALLS_VERSION "$RUNC_VERSION"

		/* clang-format off */
		static const char *const runc_syscalls[] = {
	EOF
	sed 's/.*/\t"&",/' "$TMP/runc-list"
	printf '\tNULL\n'
	cat <<-EOF
		};
		/* clang-format on */

		#endif /* SCPROF_RECORD_RUNC_SYSCALLS_H */
	EOF
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT" >&2
