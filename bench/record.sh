#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Recording benchmarks, each against its baselines in the same run (needs root
# for eBPF); prints a Markdown table.  Runs are interleaved and the median of R
# runs is taken, so drift of the machine hits every column alike.
#   syscall-bound: dd if=/dev/zero of=/dev/null bs=1 count=3000000 natively,
#     under an empty program on the same syscall-entry hook (the floor of any
#     entry-hook recorder), and under scprof record (start-up included)
#   ptrace: scprof record --backend ptrace against strace -f -c -o /dev/null
#     and against the least a RET_TRACE recorder does (bench/trace-floor), all
#     on one CPU: across two, each stop costs a wake-up of the other CPU (20 to
#     30 us in this VM), and runs of the same command vary fourfold
#   build-like: a gcc build of 49 files with make -j2 (about 0.6 s); interpreter:
#     a python3 script writing, reading and hashing 1,500 files (about 0.5 s)
#   start-up: record -- true against the empty hook's loader and true alone
#   memory: the recorder's peak RSS
# ONLY=dd runs the syscall-bound rows alone, for more rounds in less time.
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
build=$(dirname "$(dirname "$scprof")")
floor=$build/bench/hook-floor
trace_floor=$build/bench/trace-floor
cpu=$(($(nproc) - 1))
R=${R:-7}
COUNT=${COUNT:-3000000}
PCOUNT=${PCOUNT:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" -ne 0 ] || [ ! -x "$floor" ]; then
	echo "record benchmarks need root and the eBPF build (bench/hook-floor); skipped" >&2
	exit 0
fi

now() { date +%s%N; }
# time_ms COMMAND...: wall time of one run in milliseconds
time_ms() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}
# dd_ms WALL SELF COMMAND...: wall time to WALL, and dd's own reported time (no
# start-up of the recorder or the hook in it) to SELF, in microseconds
dd_ms() {
	local wall=$1 self=$2 t0 t1
	shift 2
	t0=$(now)
	"$@" >/dev/null 2> "$work/dd.err"
	t1=$(now)
	echo $(((t1 - t0) / 1000)) >> "$wall"
	grep -o '[0-9.]* s,' "$work/dd.err" | tr -d ' s,' | awk '{ printf "%d\n", $1 * 1000000 }' >> "$self"
}
# Attaching to a tracepoint in the grace period after the last program left it
# waits for that period to end (the kernel's tp_rcu_cond_sync(), 5 to 15 ms
# here); and the programs of a run stay loaded about 0.3 s after it, until a
# later grace period frees them, in which a run is up to 1.5% slower (a getppid
# loop under the empty hook: 0.296 s with none left, 0.300 to 0.311 s with one).
# So each run waits until no program of an earlier one is left (at most 2 s).
settle() {
	local i
	for ((i = 0; i < 100; i++)); do
		bpftool prog show 2>/dev/null | grep -q ' name on_' || break
		sleep 0.02
	done
	sleep 0.05
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] / 1000 }'; }
ratio() { echo "scale=3; $1 / $2" | bc; }

# a small C project for the build-like workload: many short gcc processes
mkdir -p "$work/proj"
for i in $(seq 1 48); do
	printf '#include <stdio.h>\nint f%d(int x) { return x * %d; }\n' "$i" "$i" > "$work/proj/f$i.c"
done
printf 'int main(void) { return 0; }\n' > "$work/proj/main.c"
cat > "$work/proj/Makefile" <<'EOF'
SRC := $(wildcard *.c)
prog: $(SRC:.c=.o)
	$(CC) -o $@ $^
clean:
	rm -f *.o prog
EOF
cat > "$work/script.py" <<'EOF'
import json, os, tempfile, hashlib
d = tempfile.mkdtemp()
for i in range(1500):
    p = os.path.join(d, "f%d.json" % i)
    with open(p, "w") as f:
        json.dump({"i": i, "v": list(range(50))}, f)
    with open(p) as f:
        hashlib.sha256(f.read().encode()).hexdigest()
    os.unlink(p)
os.rmdir(d)
EOF
build_it() { make -s -C "$work/proj" clean >/dev/null && "$@" make -s -j2 -C "$work/proj" >/dev/null; }

dd_cmd=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")
pdd_cmd=(dd if=/dev/zero of=/dev/null bs=1 count="$PCOUNT")
rec=("$scprof" record -q -o "$work/out.json" --)
: > "$work/native"
: > "$work/floor"
: > "$work/ebpf"
: > "$work/sfloor"
: > "$work/sebpf"
: > "$work/strace"
: > "$work/ptrace"
: > "$work/trfloor"
: > "$work/bnative"
: > "$work/bebpf"
: > "$work/pnative"
: > "$work/pebpf"
: > "$work/tnative"
: > "$work/tfloor"
: > "$work/tebpf"
# in_turn A B: run A then B in even rounds, B then A in odd ones
in_turn() { if ((r % 2)); then "$2" && "$1"; else "$1" && "$2"; fi; }
dd_floor() { settle && dd_ms "$work/floor" "$work/sfloor" "$floor" "${dd_cmd[@]}"; }
dd_rec() { settle && dd_ms "$work/ebpf" "$work/sebpf" "${rec[@]}" "${dd_cmd[@]}"; }
build_native() { settle && time_ms build_it >> "$work/bnative"; }
build_rec() { settle && time_ms build_it "${rec[@]}" >> "$work/bebpf"; }
py_native() { settle && time_ms python3 "$work/script.py" >> "$work/pnative"; }
py_rec() { settle && time_ms "${rec[@]}" python3 "$work/script.py" >> "$work/pebpf"; }
for ((r = 0; r < R; r++)); do
	# the last round's build and script leave dirty files on the disk (/tmp
	# here): written back now, not by flusher threads during the dd runs, nor
	# by the journal commit of the recorder's fsync
	sync
	settle
	time_ms "${dd_cmd[@]}" >> "$work/native"
	# which of each pair goes first alternates: a dd run right after others
	# can run slower here, and a build or script run leaves caches (dentries,
	# inodes, the freed files' slabs) that make the next one faster
	in_turn dd_floor dd_rec
	[ "${ONLY:-}" != dd ] || continue
	settle
	time_ms taskset -c "$cpu" strace -f -c -o /dev/null "${pdd_cmd[@]}" >> "$work/strace"
	time_ms taskset -c "$cpu" "$trace_floor" "${pdd_cmd[@]}" >> "$work/trfloor"
	time_ms taskset -c "$cpu" "$scprof" record -q --backend ptrace -o "$work/p.json" -- \
		"${pdd_cmd[@]}" >> "$work/ptrace"
	build_it
	in_turn build_native build_rec
	in_turn py_native py_rec
	time_ms true >> "$work/tnative"
	settle
	time_ms "$floor" true >> "$work/tfloor"
	settle
	time_ms "${rec[@]}" true >> "$work/tebpf"
done
native=$(median < "$work/native")
floor_ms=$(median < "$work/floor")
ebpf=$(median < "$work/ebpf")
sfloor=$(median < "$work/sfloor")
sebpf=$(median < "$work/sebpf")
echo "| benchmark (median of $R, ms) | scprof | baseline | ratio |"
echo "|---|---|---|---|"
echo "| dd bs=1 count=$COUNT, record (ebpf) vs empty hook | $ebpf | empty hook: $floor_ms | $(ratio "$ebpf" "$floor_ms") |"
echo "| same, dd's own reported time (no start-up) | $sebpf | empty hook: $sfloor | $(ratio "$sebpf" "$sfloor") |"
echo "| dd bs=1 count=$COUNT, record (ebpf) vs native | $ebpf | native: $native | $(ratio "$ebpf" "$native") |"
echo "| dd bs=1 count=$COUNT, empty hook vs native | $floor_ms | native: $native | $(ratio "$floor_ms" "$native") |"
[ "${ONLY:-}" != dd ] || exit 0
strace_ms=$(median < "$work/strace")
ptrace_ms=$(median < "$work/ptrace")
trfloor=$(median < "$work/trfloor")
bnative=$(median < "$work/bnative")
bebpf=$(median < "$work/bebpf")
pnative=$(median < "$work/pnative")
pebpf=$(median < "$work/pebpf")
tnative=$(median < "$work/tnative")
tfloor=$(median < "$work/tfloor")
tebpf=$(median < "$work/tebpf")
rss=$( { /usr/bin/time -f %M "${rec[@]}" "${dd_cmd[@]}" >/dev/null; } 2>&1 | tail -1)
prss=$( { /usr/bin/time -f %M "$scprof" record -q --backend ptrace -o "$work/p.json" -- "${pdd_cmd[@]}" >/dev/null; } 2>&1 | tail -1)

echo "| dd bs=1 count=$PCOUNT, strace -f -c vs record (ptrace), one CPU | $ptrace_ms | strace: $strace_ms | $(ratio "$strace_ms" "$ptrace_ms")x faster |"
echo "| same, record (ptrace) vs the least RET_TRACE tracer | $ptrace_ms | trace-floor: $trfloor | $(ratio "$ptrace_ms" "$trfloor") |"
echo "| make -j2 of 49 C files, record (ebpf) vs native | $bebpf | native: $bnative | $(ratio "$bebpf" "$bnative") |"
echo "| python3 script, record (ebpf) vs native | $pebpf | native: $pnative | $(ratio "$pebpf" "$pnative") |"
echo "| start-up: record -- true vs the empty hook's loader | $tebpf | hook-floor true: $tfloor; true: $tnative | added $(echo "scale=3; $tebpf - $tfloor" | bc) ms |"
echo "| peak RSS (KiB), record (ebpf) / (ptrace) of dd | $rss / $prss | limit 20480 | |"
