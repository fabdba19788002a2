#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make demo: the main job on built-in defaults, with nothing to prepare.
set -euo pipefail
scprof=${1:-build/cli/scprof}
run() {
	printf '\n\033[1m$ scprof %s\033[0m\n' "$*"
	"$scprof" "$@"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "scprof demo: record what a command calls, run it under the profile it got, then Docker's default profile"
run record -o "$work/ls.json" -- ls /usr
run validate "$work/ls.json" && echo "(valid: no errors, no warnings)"
run run -p "$work/ls.json" -- ls /usr
set +e
run run -p "$work/ls.json" -- uname -sr
echo "(exit $?: uname was not in the recording, so the profile denies it with EPERM)"
set -e
# the kernel's own record of what happens next, read live as it comes (needs root)
follow=
if [ "$(id -u)" = 0 ]; then
	"$scprof" audit --follow --comm uname > "$work/follow.txt" 2>&1 &
	follow=$!
	sleep 0.5
fi
run record --default-action kill -q -o "$work/ls-kill.json" -- ls /usr
set +e
run run -p "$work/ls-kill.json" -- uname -sr
echo "(exit $?: 128 + SIGSYS: the same, with the default action KILL_PROCESS)"
set -e
if [ -n "$follow" ]; then
	sleep 0.5
	kill -INT "$follow"
	wait "$follow" || true
	printf '\n\033[1m$ scprof audit --follow --comm uname\033[0m   (meanwhile, in another terminal; then Ctrl-C)\n'
	cat "$work/follow.txt"
fi
run validate runtime/default && echo "(valid: no errors, no warnings)"
run explain clone3
run explain --code 0x50026
run explain --audit 'audit: type=1326 audit(1700000000.123:42): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=4242 comm="curl" exe="/usr/bin/curl" sig=0 arch=c000003e syscall=321 compat=0 ip=0x7f5a1c2e3f4d code=0x50000'
run emulate runtime/default openat
run emulate runtime/default socket 40
run emulate runtime/default --arch x86 socketcall 1
run emulate runtime/default 460
run emulate --caps ALL runtime/default bpf
run compile -v runtime/default -o /dev/null
run run -p runtime/default -- uname -sr
set +e
run diff runtime/default unconfined
echo "(exit $? = the two profiles differ)"
