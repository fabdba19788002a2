#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks, each next to its baseline in the same run; prints a Markdown table.
#   compile:  scprof compile runtime/default (x86_64+x86+x32), per run, against
#             libseccomp alone building the same unconditional rules (no profile
#             reading) in one process, and against process start-up (/bin/true).
#   run:      scprof run -p runtime/default -- /bin/true against /bin/true alone.
#   validate: scprof validate of a 1 MB profile against Python's json.load of it.
#   filter-cost: ns per syscall under no filter, libseccomp's linear and tree output
#             and scprof's filter, for runtime/default and a recorded-style allow
#             list (bench/filter-cost.c; one table each).
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
build=$(dirname "$(dirname "$scprof")")
baseline=$build/bench/baseline-libseccomp
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

# the unconditional rules of runtime/default as "ACTION NAME" for the baseline
"$scprof" fmt runtime/default | python3 -c '
import json, sys
p = json.load(sys.stdin)
for r in p["syscalls"]:
    if r.get("args") or r.get("includes") or r.get("excludes") or r["action"] != "SCMP_ACT_ALLOW":
        continue
    for n in r["names"]:
        print("7fff0000", n)' > "$work/rules.txt"

python3 - "$work/big.json" <<'PY'
import json, sys
rules = []
i = 0
while True:
    rules.append({"names": ["read", "write", "openat", "close", "mmap"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": i, "op": "SCMP_CMP_EQ"},
                           {"index": 1, "value": i * 7, "valueTwo": i * 7, "op": "SCMP_CMP_MASKED_EQ"}],
                  "comment": "rule %d" % i})
    i += 1
    if i % 500 == 0 and len(json.dumps(rules)) > 1_000_000:
        break
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": rules}, open(sys.argv[1], "w"), indent=1)
PY
size=$(stat -c %s "$work/big.json")

compile_ms=$(per_run_ms "$scprof" compile runtime/default -o /dev/null)
run_ms=$(per_run_ms "$scprof" run -p runtime/default -- /bin/true)
true_ms=$(per_run_ms /bin/true)
t0=$(now)
"$baseline" "$work/rules.txt" "$N"
t1=$(now)
lib_ms=$(echo "scale=3; ($t1 - $t0) / $N / 1000000" | bc)

N=$((N / 10))
validate_ms=$(per_run_ms "$scprof" validate "$work/big.json")
python_ms=$(per_run_ms python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/big.json")

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "| benchmark | scprof | baseline | ratio |"
echo "|---|---|---|---|"
echo "| compile runtime/default, x86_64+x86+x32 (ms/run) | $compile_ms | libseccomp alone, same $(wc -l < "$work/rules.txt") rules, in-process: $lib_ms | $(ratio "$compile_ms" "$lib_ms") |"
echo "| compile runtime/default (ms/run) | $compile_ms | process start-up (/bin/true): $true_ms | $(ratio "$compile_ms" "$true_ms") |"
echo "| run -p runtime/default -- /bin/true (ms/run) | $run_ms | /bin/true: $true_ms | added $(echo "scale=3; $run_ms - $true_ms" | bc) ms |"
echo "| validate, $((size / 1024)) KiB profile (ms/run) | $validate_ms | python3 json.load: $python_ms | $(ratio "$validate_ms" "$python_ms") |"

echo
for profile in runtime/default "$(dirname "$0")/recorded-allow.json"; do
	"$build/bench/filter-cost" "$profile" "${ROUNDS:-15}" 200000
	echo
done
