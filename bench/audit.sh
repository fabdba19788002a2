#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof audit against grep and ausearch on a synthetic audit.log of SIZE_MB
# (default 1024): half SECCOMP records, half SYSCALL records, RATE (default 1000)
# records a second, as auditd writes
# them (ENRICHED).  Prints a Markdown table; runs are interleaved and the median
# of R runs is taken.  The file is read from the page cache (one read first).
#   scprof audit --format json FILE > /dev/null, and the default table
#   grep -c type=SECCOMP FILE (piped: GNU grep stops at the first match when its
#     output is /dev/null)
#   ausearch -m SECCOMP -if FILE, bytes per second compared with scprof's on the
#     whole file: ausearch's speed depends on how many records share a second
#     (it keeps every event of its time window open), so it reads files of
#     AUSEARCH_MB (default 16) at each of AUSEARCH_RATES records a second; the
#     whole file would take minutes
#   peak RSS of scprof on the whole file and on a quarter of it
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
SIZE_MB=${SIZE_MB:-1024}
AUSEARCH_MB=${AUSEARCH_MB:-16}
AUSEARCH_RATES=${AUSEARCH_RATES:-100 1000 7000}
R=${R:-5}
RATE=${RATE:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/gen.py" <<'GEN'
import sys
path, size, RATE = sys.argv[1], int(sys.argv[2]) << 20, int(sys.argv[3])
comms = [("nginx", "/usr/sbin/nginx"), ("python3", "/usr/bin/python3.11"),
         ("curl", "/usr/bin/curl"), ("postgres", "/usr/lib/postgresql/15/bin/postgres")]
codes = ["0x7ffc0000", "0x50000", "0x80000000"]
out, n, serial, sec = [], 0, 1000, 1700000000
with open(path, "w") as f:
    while n < size:
        serial += 1
        if serial % RATE == 0:
            sec += 1
        c, e = comms[serial % 4]
        pid = 1000 + serial % 977
        nr = (serial * 7) % 330
        ms = (serial % RATE) * 1000 // RATE  # in order, as the kernel stamps them
        if serial % 2:
            l = (f'type=SECCOMP msg=audit({sec}.{ms:03d}:{serial}): auid=1000 uid=1000 gid=1000 '
                 f'ses=3 subj=unconfined pid={pid} comm="{c}" exe="{e}" sig=0 arch=c000003e '
                 f'syscall={nr} compat=0 ip=0x7f3a5c1d{serial % 65536:04x} code={codes[serial % 3]}'
                 f'\x1dAUID="alice" UID="alice" GID="alice" ARCH=x86_64 SYSCALL=unknown\n')
        else:
            l = (f'type=SYSCALL msg=audit({sec}.{ms:03d}:{serial}): arch=c000003e syscall={nr} '
                 f'success=yes exit=0 a0=3 a1=7ffd8a2c a2=0 a3=0 items=0 ppid=1 pid={pid} '
                 f'auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 '
                 f'fsgid=1000 tty=(none) ses=3 comm="{c}" exe="{e}" subj=unconfined key=(null)'
                 f'\x1dARCH=x86_64 SYSCALL=unknown AUID="alice" UID="alice"\n')
        out.append(l)
        n += len(l)
        if len(out) >= 10000:
            f.write("".join(out))
            out = []
    f.write("".join(out))
GEN
# gen PATH MIB RATE
gen() { python3 "$work/gen.py" "$1" "$2" "$3"; }
gen "$work/audit.log" "$SIZE_MB" "$RATE"
log=$work/audit.log
bytes=$(stat -c %s "$log")
head -c $((bytes / 4)) "$log" | sed '$d' > "$work/quarter.log"
cat "$log" "$work/quarter.log" > /dev/null

now() { date +%s%N; }
# run_ms OUT COMMAND...: append one run's wall time (microseconds) to OUT
run_us() {
	local out=$1 t0 t1
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	echo $(((t1 - t0) / 1000)) >> "$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
json() { "$scprof" audit --format json "$log" > /dev/null 2>&1; }
table() { "$scprof" audit "$log" > /dev/null 2>&1; }
grepc() { grep -c type=SECCOMP "$log" | cat > /dev/null; }

have_ausearch=0
command -v ausearch > /dev/null && have_ausearch=1
for _ in $(seq 1 "$R"); do
	run_us "$work/json" json
	run_us "$work/table" table
	run_us "$work/grep" grepc
done
j=$(median < "$work/json")
t=$(median < "$work/table")
g=$(median < "$work/grep")
rss=$(/usr/bin/time -f %M "$scprof" audit --format json "$log" 2>&1 >/dev/null | tail -n 1)
rssq=$(/usr/bin/time -f %M "$scprof" audit --format json "$work/quarter.log" 2>&1 >/dev/null | tail -n 1)
records=$(grep -c type=SECCOMP "$log" | cat)

gbs() { echo "scale=2; $bytes / ($1 * 1000)" | bc; } # bytes per microsecond / 1000 = GB/s
echo "| run | time | speed | ratio |"
echo "|---|---|---|---|"
echo "| grep -c type=SECCOMP ($((bytes >> 20)) MiB, $records records) | $((g / 1000)) ms | $(gbs "$g") GB/s | 1.00 |"
echo "| scprof audit --format json | $((j / 1000)) ms | $(gbs "$j") GB/s | $(echo "scale=2; $j / $g" | bc) x grep's time |"
echo "| scprof audit (table) | $((t / 1000)) ms | $(gbs "$t") GB/s | $(echo "scale=2; $t / $g" | bc) x grep's time |"
if [ "$have_ausearch" = 1 ]; then
	for rate in $AUSEARCH_RATES; do
		gen "$work/aus.log" "$AUSEARCH_MB" "$rate"
		sbytes=$(stat -c %s "$work/aus.log")
		cat "$work/aus.log" > /dev/null
		rm -f "$work/aus"
		for _ in 1 2 3; do
			run_us "$work/aus" sh -c 'ausearch -m SECCOMP -if "$1" > /dev/null 2>&1 || true' sh "$work/aus.log"
		done
		a=$(median < "$work/aus")
		arate=$(echo "scale=4; $sbytes / $a" | bc) # bytes per microsecond = MB/s
		echo "| ausearch -m SECCOMP -if ($((sbytes >> 20)) MiB, $rate records/s) | $((a / 1000)) ms | $arate MB/s | scprof json is $(echo "scale=0; ($bytes / $j) / $arate" | bc)x faster |"
	done
fi
echo
echo "scprof peak RSS: $rss KiB on $((bytes >> 20)) MiB, $rssq KiB on $((bytes >> 22)) MiB"
