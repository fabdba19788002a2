#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Base profile resolution, against its baselines in the same run; prints a Markdown table.
#   resolve: scprof resolve of a 15-level local chain (the most the Security
#            Profiles Operator allows): 14 profiles of 20 syscalls each (one
#            with argument conditions), named by NAME through --profile-dir,
#            over runtime/default as a file at the bottom; against scprof fmt of
#            the flattened result (one file of the same content: reading,
#            canonical form and writing without following bases), and process
#            start-up (/bin/true).
#   one level: scprof resolve of a profile over the built-in runc base.
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
N=${N:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }
# per_run_ms COMMAND...: average wall time of N runs in milliseconds
per_run_ms() {
	local t0 t1
	t0=$(now)
	for ((i = 0; i < N; i++)); do "$@" >/dev/null; done
	t1=$(now)
	echo "scale=3; ($t1 - $t0) / $N / 1000000" | bc
}

mkdir "$work/profiles"
"$scprof" fmt runtime/default > "$work/profiles/l15.json"
python3 - "$work/profiles" <<'PY'
import json, sys
names = ["accept", "access", "bind", "brk", "chmod", "chown", "connect", "dup", "dup2",
         "dup3", "epoll_create1", "epoll_wait", "eventfd2", "fadvise64", "fallocate",
         "fchdir", "fchmod", "fdatasync", "flock", "fsync", "ftruncate", "getegid",
         "geteuid", "getgid", "getpgrp", "getpriority", "getrandom", "getrlimit",
         "getsockname", "getsockopt", "gettid", "getuid", "inotify_init1", "kill",
         "link", "listen", "lseek", "mkdir", "mprotect", "mremap", "msync", "nanosleep",
         "pipe2", "poll", "pread64", "pwrite64", "readlink", "readv", "recvfrom",
         "recvmsg", "rename", "rmdir", "sendmsg", "sendto", "setsockopt", "shutdown",
         "socketpair", "statfs", "symlink", "sync", "tgkill", "umask", "unlink",
         "utimensat", "wait4", "writev"]
for level in range(1, 15):
    own = [names[(level * 7 + k) % len(names)] for k in range(20)]
    p = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
         "baseProfileName": "l%d" % (level + 1),
         "syscalls": [{"names": own[:19], "action": "SCMP_ACT_ALLOW"},
                      {"names": [own[19]], "action": "SCMP_ACT_ALLOW",
                       "args": [{"index": 0, "value": level, "op": "SCMP_CMP_EQ"}]}]}
    json.dump(p, open("%s/l%d.json" % (sys.argv[1], level), "w"), indent="\t")
PY
mv "$work/profiles/l1.json" "$work/app.json"
"$scprof" resolve --profile-dir "$work/profiles" -o "$work/flat.json" "$work/app.json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "runc",\n "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}\n' > "$work/runc-app.json"
"$scprof" resolve -o "$work/runc-flat.json" "$work/runc-app.json"

resolve_ms=$(per_run_ms "$scprof" resolve --profile-dir "$work/profiles" "$work/app.json")
fmt_ms=$(per_run_ms "$scprof" fmt "$work/flat.json")
true_ms=$(per_run_ms /bin/true)
runc_ms=$(per_run_ms "$scprof" resolve "$work/runc-app.json")
runc_fmt_ms=$(per_run_ms "$scprof" fmt "$work/runc-flat.json")

ratio() { echo "scale=2; $1 / $2" | bc; }
rules=$(python3 -c 'import json, sys; print(sum(len(r["names"]) for r in json.load(open(sys.argv[1]))["syscalls"]))' "$work/flat.json")
echo "| benchmark | scprof | baseline | ratio |"
echo "|---|---|---|---|"
echo "| resolve, 15-level chain, $rules names flattened (ms/run) | $resolve_ms | fmt of the flattened profile: $fmt_ms | $(ratio "$resolve_ms" "$fmt_ms") |"
echo "| resolve, 15-level chain (ms/run) | $resolve_ms | process start-up (/bin/true): $true_ms | $(ratio "$resolve_ms" "$true_ms") |"
echo "| resolve, one level over built-in runc (ms/run) | $runc_ms | fmt of the flattened profile: $runc_fmt_ms | $(ratio "$runc_ms" "$runc_fmt_ms") |"
