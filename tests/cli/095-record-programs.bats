#!/usr/bin/env bats
# Real programs from Debian packages: record a run, then enforce the recorded
# profile on the same run with scprof run: same status, same output.  And the
# profile is minimal: denying any one recorded call kills the run.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	require_root_to_record
	W=$TMP/work
	mkdir -p "$W"
	printf '#include <stdio.h>\nint main(void) { FILE *f = fopen("/etc/os-release", "r"); char b[64]; int n = 0; while (fgets(b, sizeof(b), f)) n++; printf("%%d lines\\n", n); return fclose(f); }\n' > "$TMP/lines.c"
	seq 1 200000 > "$TMP/numbers"
}

teardown() {
	teardown_tmp
}

# same_run BACKEND NAME CMD...: record CMD, then run it natively and under the
# profile with scprof run; status and output must match.  Each run starts from
# a fresh work directory, so state left by one run cannot change the next.
same_run() {
	local backend=$1 name=$2
	shift 2
	rm -rf "$W" && mkdir -p "$W"
	run_scprof record -q --backend "$backend" -o "$TMP/$name.json" -- "$@"
	rm -rf "$W" && mkdir -p "$W"
	run "$@"
	local want_status=$status want_output=$output
	rm -rf "$W" && mkdir -p "$W"
	run "$SCPROF" run -p "$TMP/$name.json" -- "$@"
	if [ "$status" -ne "$want_status" ] || [ "$output" != "$want_output" ]; then
		echo "# $name ($backend): under the profile: exit $status, natively: exit $want_status" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		echo "# natively:" >&2
		printf '# > %s\n' "$want_output" >&2
		return 1
	fi
}

@test "python3, sqlite3, busybox, tar with gzip, git, perl, gcc, xz threads, an i386 binary: same run under the recorded profile" {
	gcc -m32 -O2 -o "$TMP/lines32" "$TMP/lines.c" || skip "gcc -m32 cannot build (gcc-multilib missing)"
	for b in ebpf ptrace; do
		same_run "$b" python3 python3 -c 'import json, hashlib; print(json.dumps({"sum": sum(range(100)), "h": hashlib.sha1(b"x").hexdigest()}))'
		same_run "$b" sqlite3 sqlite3 "$W/db" 'create table t(x); insert into t values (1), (2), (39); select sum(x) from t;'
		same_run "$b" busybox busybox sh -c 'busybox ls /etc | busybox wc -l; busybox sort -r /etc/passwd | busybox head -n 1'
		same_run "$b" tar sh -c "tar czf $W/a.tgz -C $DATA profiles && tar tzf $W/a.tgz | sort | head -n 3"
		same_run "$b" git sh -c "cd $W && git init -q r && cd r && echo hi > f && git add f && git -c user.name=t -c user.email=t@e commit -q -m one && git log --format=%s"
		same_run "$b" perl perl -MPOSIX -e 'print join(",", map { $_ * 2 } 1 .. 5), " ", POSIX::floor(2.5), "\n"'
		same_run "$b" gcc sh -c "gcc -O2 -o $W/lines $TMP/lines.c && $W/lines"
		same_run "$b" xz sh -c "xz -T2 --block-size=65536 -c $TMP/numbers | xz -d | tail -n 1"
		same_run "$b" i386 "$TMP/lines32"
		grep -q SCMP_ARCH_X86 "$TMP/i386.json"
	done
}

# Minimal means every recorded call is really made by the run: with the default
# action KILL_PROCESS, a profile without any one of them kills the run.  The
# calls every profile gets whether seen or not (restart_syscall, rt_sigreturn,
# exit) are left out, and runc's ENOSYS stub too (without it, a number above
# the highest the profile names gets ENOSYS, not the default).  With ERRNO
# instead many calls would fail harmlessly (getuid for tar's listing, say).
@test "minimal: denying any one recorded call changes the run" {
	local cmd="tar czf $W/a.tgz -C $DATA profiles && tar tzf $W/a.tgz | wc -l"
	run_scprof record -q --default-action kill -o "$TMP/p.json" -- sh -c "$cmd"
	local want
	want=$(sh -c "$cmd" 2>&1)
	python3 - "$TMP/p.json" "$TMP/drop" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
names = sorted({n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]})
for n in names:
    if n in ("restart_syscall", "rt_sigreturn", "exit"):
        continue
    q = json.loads(json.dumps(p))
    for r in q["syscalls"]:
        r["names"] = [x for x in r["names"] if x != n]
    q["syscalls"] = [r for r in q["syscalls"] if r["names"]]
    json.dump(q, open("%s-%s.json" % (sys.argv[2], n), "w"))
EOF
	local f n total=0 unchanged=""
	for f in "$TMP"/drop-*.json; do
		n=${f##*/drop-}
		n=${n%.json}
		total=$((total + 1))
		local got st=0
		got=$(timeout 20 "$SCPROF" run --no-enosys-stub -p "$f" -- sh -c "$cmd" 2>&1 < /dev/null) || st=$?
		if [ "$st" -eq 0 ] && [ "$got" = "$want" ]; then
			unchanged="$unchanged $n"
		fi
	done
	echo "# $total recorded calls: without any one of them the run is killed" >&3
	if [ -n "$unchanged" ]; then
		echo "# recorded but not needed:$unchanged" >&2
		return 1
	fi
	[ "$total" -gt 20 ]
}
