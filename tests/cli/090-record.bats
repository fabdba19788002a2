#!/usr/bin/env bats
# scprof record: options, both backends, what the profile says, and every error path.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	require_root_to_record
}

# The recorders: the eBPF one as on the kernel of the build (the minimal BTF
# and the kfunc it carries), as on any other (the kernel's whole BTF and a
# helper call), and ptrace.
RECORDERS="ebpf ebpf-whole-btf ptrace"

# record_with RECORDER [EXPECTED_RC] ARGS...: scprof record with one of $RECORDERS
record_with() {
	local b=$1
	shift
	if [ "$b" = ebpf-whole-btf ]; then
		SCPROF_TEST_WHOLE_BTF=1 run_scprof record --backend ebpf "$@"
	else
		run_scprof record --backend "$b" "$@"
	fi
}

teardown() {
	stop_bg "${BG:-}"
	if [ -n "${CG:-}" ] && [ -d "$CG" ]; then
		# move anything left back to the root cgroup, then remove ours
		while read -r p; do echo "$p" > "$(dirname "$CG")/cgroup.procs" || true; done < "$CG/cgroup.procs"
		rmdir "$CG" || true
	fi
	teardown_tmp
}

@test "record --help and usage errors" {
	run_scprof record --help
	assert_output_contains "--backend"
	run_scprof 2 record
	assert_output_contains "nothing to record"
	run_scprof 2 record --pid 1 -- true
	assert_output_contains "only one of"
	run_scprof 2 record --format xml -- true
	assert_output_contains "unknown format 'xml'"
	run_scprof 2 record --backend magic -- true
	run_scprof 2 record --default-action allow -- true
	run_scprof 2 record --mode strict -- true
	run_scprof 2 record --for-runtime crun-x -- true
	assert_output_contains "unknown runtime 'crun-x'"
	run_scprof 2 record --duration -1 -- true
	run_scprof 2 record --pid abc
	assert_output_contains "invalid pid 'abc'"
}

@test "record writes a profile that allows exactly what ran, and the run passes under it" {
	for b in ebpf ptrace; do
		run_scprof record --backend "$b" -o "$TMP/$b.json" -- ls /
		assert_output_contains "syscalls on x86_64 ($b,"
		run_scprof validate "$TMP/$b.json"
		names "$TMP/$b.json" > "$TMP/$b.names"
		grep -qx execve "$TMP/$b.names"
		grep -qx exit_group "$TMP/$b.names"
		grep -qx getdents64 "$TMP/$b.names"
		grep -qx rt_sigreturn "$TMP/$b.names"
		! grep -qx mount "$TMP/$b.names" || false
		run_scprof run -p "$TMP/$b.json" -- ls /
		assert_output_contains "proc"
	done
	# both backends see the same calls
	diff "$TMP/ebpf.names" "$TMP/ptrace.names"
	grep -q '"defaultAction": "SCMP_ACT_ERRNO"' "$TMP/ebpf.json"
	grep -q '"defaultErrnoRet": 1' "$TMP/ebpf.json"
}

@test "a call the recording did not see is denied under the profile" {
	run_scprof record -o "$TMP/p.json" -- true
	run "$SCPROF" run -p "$TMP/p.json" -- ls /
	[ "$status" -ne 0 ]
	run_scprof record -o "$TMP/p.json" -- ls /
	run_scprof run -p "$TMP/p.json" -- ls /
}

@test "the command's status passes through and the profile is written anyway" {
	for b in ebpf ptrace; do
		run_scprof 3 record --backend "$b" -o "$TMP/a.json" -- sh -c 'exit 3'
		[ -s "$TMP/a.json" ]
		run_scprof 143 record --backend "$b" -o "$TMP/b.json" -- sh -c 'kill -TERM $$'
		names "$TMP/b.json" | grep -qx kill
		rm "$TMP/a.json" "$TMP/b.json"
	done
}

@test "record follows children, threads and 32-bit calls" {
	printf '#include <unistd.h>\nint main(void) { return getppid() > 0 ? 0 : 1; }\n' > "$TMP/t32.c"
	gcc -m32 -o "$TMP/t32" "$TMP/t32.c" || skip "gcc -m32 cannot build (gcc-multilib missing)"
	for b in $RECORDERS; do
		record_with "$b" -o "$TMP/p.json" -- sh -c "$TMP/t32; python3 -c 'import threading; t = threading.Thread(target=lambda: open(\"/dev/null\").close()); t.start(); t.join()'"
		assert_output_contains "on x86_64"
		assert_output_contains "on x86 "
		grep -q SCMP_ARCH_X86 "$TMP/p.json"
		names "$TMP/p.json" > "$TMP/n"
		grep -qx getppid "$TMP/n"
		grep -qx clone3 "$TMP/n" || grep -qx clone "$TMP/n"
		grep -qx mmap2 "$TMP/n"
		run_scprof run -p "$TMP/p.json" -- "$TMP/t32"
	done
}

@test "an i386 call that 64-bit code makes with int 0x80 is named on x86, not taken for the x86_64 call of that number" {
	[ "$(uname -m)" = x86_64 ] || skip "int 0x80 from 64-bit code is x86_64's"
	# i386's getuid32 is 199; x86_64's 199 is fremovexattr
	printf '#include <stdio.h>\n#include <unistd.h>\nint main(void) { long r; __asm__ volatile("int $0x80" : "=a"(r) : "a"(199L) : "memory"); printf("%%ld %%d\\n", r, (int)getuid()); return 0; }\n' > "$TMP/int80.c"
	gcc -O2 -o "$TMP/int80" "$TMP/int80.c"
	for b in $RECORDERS; do
		record_with "$b" -q -o "$TMP/p.json" -- "$TMP/int80"
		local want=$output
		grep -q SCMP_ARCH_X86 "$TMP/p.json"
		names "$TMP/p.json" > "$TMP/n"
		grep -qx getuid32 "$TMP/n"
		grep -qx getuid "$TMP/n"
		! grep -qx fremovexattr "$TMP/n" || false
		run_scprof run -p "$TMP/p.json" -- "$TMP/int80"
		[ "$output" = "$want" ]
	done
}

@test "--format spo writes a SeccompProfile with the counts annotation" {
	run_scprof record -f spo --name demo -o "$TMP/p.yaml" -- true
	grep -q '^kind: SeccompProfile' "$TMP/p.yaml"
	grep -q 'name: demo' "$TMP/p.yaml"
	grep -q 'scprof.io/syscall-counts' "$TMP/p.yaml"
	run_scprof validate "$TMP/p.yaml"
	run_scprof record -o "$TMP/p.json" -- true
	grep -q 'calls observed: ' "$TMP/p.json"
}

@test "--default-action and --mode audit" {
	run_scprof record --default-action kill -o "$TMP/k.json" -- true
	grep -q '"defaultAction": "SCMP_ACT_KILL_PROCESS"' "$TMP/k.json"
	run_scprof record --mode audit -o "$TMP/a.json" -- true
	grep -q '"defaultAction": "SCMP_ACT_LOG"' "$TMP/a.json"
	grep -q '"kexec_load"' "$TMP/a.json"
	# audit mode lets what was not seen run (logged), but denies the dangerous list
	run_scprof run -p "$TMP/a.json" -- ls /
}

@test "--args writes argument rules: socket domain and type, W^X for mmap and mprotect" {
	for b in $RECORDERS; do
		record_with "$b" --args -o "$TMP/p.json" -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()'
		python3 - "$TMP/p.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
rules = p["syscalls"]
def argrules(name):
    return [r for r in rules if name in r["names"] and r.get("args")]
sock = argrules("socket")
assert any({"index": 0, "value": 2, "op": "SCMP_CMP_EQ"} in r["args"] for r in sock), sock
assert any(a["index"] == 1 and a["op"] == "SCMP_CMP_MASKED_EQ" and a.get("valueTwo") == 2
           for r in sock for a in r["args"]), sock
for n in ("mmap", "mprotect"):
    assert argrules(n), n
    plain = [r for r in rules if n in r["names"] and not r.get("args") and r["action"] == "SCMP_ACT_ALLOW"]
    assert not plain, (n, plain)
EOF
		run_scprof run -p "$TMP/p.json" -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()'
		# a TCP socket was not seen: denied
		run_scprof 1 run -p "$TMP/p.json" -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()'
	done
}

@test "--merge adds the run to a profile and keeps its denials" {
	printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":38},{"names":["getcwd"],"action":"SCMP_ACT_ALLOW"}]}' > "$TMP/base.json"
	run_scprof record --merge "$TMP/base.json" -o "$TMP/p.json" -- uname
	assert_output_contains "'uname'"
	assert_output_contains "stays denied"
	names "$TMP/p.json" > "$TMP/n"
	grep -qx getcwd "$TMP/n"
	grep -qx execve "$TMP/n"
	! grep -qx uname "$TMP/n" || false
	grep -q '"errnoRet": 38' "$TMP/p.json"
}

@test "--pid follows a running process and what it starts; SIGINT ends the recording" {
	for b in ebpf ptrace; do
		rm -f "$TMP/go" "$TMP/done"
		sh -c "while [ ! -e $TMP/go ]; do sleep 0.05; done; ls / > /dev/null; touch $TMP/done; exec sleep 30" &
		BG=$!
		"$SCPROF" record --backend "$b" --pid "$BG" -o "$TMP/p.json" 2> "$TMP/err" &
		local rec=$!
		wait_recording "$TMP/err"
		touch "$TMP/go"
		wait_file "$TMP/done"
		kill -INT "$rec"
		wait "$rec"
		kill "$BG"
		wait "$BG" || true
		BG=
		names "$TMP/p.json" > "$TMP/n"
		grep -qx getdents64 "$TMP/n"
		grep -qx execve "$TMP/n"
	done
}

@test "--cgroup follows every process of a cgroup; --duration ends it" {
	local root=/sys/fs/cgroup/pids
	[ -d "$root" ] || root=/sys/fs/cgroup/unified
	[ -w "$root" ] || skip "no writable cgroup hierarchy"
	CG=$root/scprof-test-$$
	mkdir "$CG"
	sh -c 'echo $$ > '"$CG"'/cgroup.procs; while :; do ls / > /dev/null; sleep 0.1; done' &
	BG=$!
	while ! grep -qx "$BG" "$CG/cgroup.procs"; do sleep 0.05; done
	run_scprof record --cgroup "$CG" --duration 1 -o "$TMP/p.json"
	names "$TMP/p.json" > "$TMP/n"
	grep -qx getdents64 "$TMP/n"
	grep -qx execve "$TMP/n"
}

@test "--cgroup of the unified hierarchy follows a process that joins it later, also from another pid namespace" {
	command -v unshare >/dev/null || skip "unshare missing (util-linux)"
	local root
	root=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
	[ -n "$root" ] && [ -w "$root" ] || skip "no writable cgroup2 hierarchy"
	CG=$root/scprof-test-$$
	mkdir "$CG"
	# a member from the start keeps the cgroup from emptying
	sh -c 'echo $$ > '"$CG"'/cgroup.procs; exec sleep 30' &
	BG=$!
	while ! grep -qx "$BG" "$CG/cgroup.procs"; do sleep 0.05; done
	# joins during the recording and makes a call nothing else here makes
	(sleep 0.7; sh -c 'echo $$ > '"$CG"'/cgroup.procs; exec python3 -c "import os; os.getpriority(os.PRIO_PROCESS, 0)"') &
	local joiner=$!
	# scprof is not the namespace's pid 1 (see the pid namespace test below)
	run unshare --pid --fork --mount-proc sh -c '"$0" record --backend ebpf --cgroup "$1" --duration 2 -o "$2"' "$SCPROF" "$CG" "$TMP/p.json"
	wait "$joiner"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	names "$TMP/p.json" > "$TMP/n"
	grep -qx getpriority "$TMP/n"
	grep -qx execve "$TMP/n"
}

@test "--duration stops a command that runs on" {
	run_scprof 143 record --duration 0.5 -o "$TMP/p.json" -- sleep 30
	names "$TMP/p.json" | grep -qx clock_nanosleep
}

@test "bad input: one line, non-zero, no profile, the command not run" {
	run_scprof 127 record -o "$TMP/p.json" -- /nonexistent/cmd
	assert_output_contains "cannot run '/nonexistent/cmd'"
	[ ! -e "$TMP/p.json" ]
	run_scprof 2 record -o /nonexistent/dir/p.json -- touch "$TMP/ran"
	assert_output_contains "cannot write '/nonexistent/dir/p.json'"
	[ ! -e "$TMP/ran" ]
	printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [{"names": ["x"], "action": "BOGUS"}]}' > "$TMP/bad.json"
	run_scprof 2 record --merge "$TMP/bad.json" -o "$TMP/p.json" -- touch "$TMP/ran"
	assert_output_contains "bad.json:2:"
	[ ! -e "$TMP/ran" ]
	[ ! -e "$TMP/p.json" ]
	run_scprof 2 record --pid 999999999
	run_scprof 2 record --pid 4194000
	assert_output_contains "no process 4194000"
	run_scprof 2 record --cgroup "$TMP"
	assert_output_contains "is not a cgroup"
	run_scprof 2 record --cgroup "$TMP/none"
	[ ! -e "$TMP/p.json" ]
	# nothing half written left behind
	[ -z "$(ls -A "$TMP" | grep -vx bad.json)" ]
}

@test "without BPF privileges auto falls back to ptrace and says so" {
	command -v setpriv >/dev/null || skip "setpriv missing"
	chmod 1777 "$TMP"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SCPROF" record -o "$TMP/p.json" -- true
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_contains "recording with ptrace instead"
	assert_output_contains "(ptrace,"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SCPROF" record --backend ebpf -o "$TMP/q.json" -- true
	[ "$status" -eq 125 ]
	assert_output_contains "cannot load the eBPF recorder"
	[ ! -e "$TMP/q.json" ]
}

@test "a signal sent to scprof reaches the command; the profile is written and its status passed on" {
	"$SCPROF" record -o "$TMP/p.json" -- sleep 30 2> "$TMP/err" &
	local rec=$!
	# until sleep runs under the recorder
	for _ in $(seq 1 200); do
		pgrep -P "$rec" -x sleep > /dev/null && break
		sleep 0.05
	done
	kill -TERM "$rec"
	local st=0
	wait "$rec" || st=$?
	[ "$st" -eq 143 ]
	names "$TMP/p.json" | grep -qx clock_nanosleep
}

@test "several runs into one profile with --merge and -o the same file" {
	run_scprof record -q -o "$TMP/p.json" -- uname
	run_scprof record -q --merge "$TMP/p.json" -o "$TMP/p.json" -- ls /
	names "$TMP/p.json" > "$TMP/n"
	grep -qx uname "$TMP/n"
	grep -qx getdents64 "$TMP/n"
	run_scprof validate "$TMP/p.json"
	run_scprof run -p "$TMP/p.json" -- uname
	run_scprof run -p "$TMP/p.json" -- ls /
}

@test "in a pid namespace the eBPF recorder records a command, and a running process by its pid there" {
	command -v unshare >/dev/null || skip "unshare missing (util-linux)"
	require_root_to_record
	# scprof is not the namespace's pid 1 (sh is): LeakSanitizer cannot stop the
	# world from pid 1, and no user runs it that way.  The command forks (ls
	# from sh): its child is followed by the pid the kernel knows.
	run unshare --pid --fork --mount-proc sh -c '"$0" record --backend ebpf -o "$1" -- sh -c "ls / > /dev/null; exit 3"' "$SCPROF" "$TMP/e.json"
	[ "$status" -eq 3 ] || { echo "$output"; false; }
	names "$TMP/e.json" | grep -qx getdents64
	names "$TMP/e.json" | grep -qx wait4
	# the command's announcement to the recorder is not one of its calls
	! names "$TMP/e.json" | grep -qx prctl || false
	# a running process by its pid there, and what it starts
	run unshare --pid --fork --mount-proc sh -c 'sh -c "while :; do ls / > /dev/null; sleep 0.1; done" & "$0" record --backend ebpf --duration 1 -o "$1" --pid $!' "$SCPROF" "$TMP/p.json"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	names "$TMP/p.json" | grep -qx getdents64
	# one that is killed before it makes a call: the recording ends with it
	run timeout 20 unshare --pid --fork --mount-proc sh -c 'sleep 30 & p=$!; (sleep 0.5; kill -9 $p) & "$0" record --backend ebpf -o "$1" --pid $p' "$SCPROF" "$TMP/q.json"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_contains "no calls were seen"
	[ -s "$TMP/q.json" ]
	# a process of a pid namespace below scprof's: auto records it with ptrace
	cat > "$TMP/nested.sh" <<'EOF'
unshare --pid --fork sh -c 'while :; do ls / > /dev/null; sleep 0.1; done' &
sleep 0.5
p=$(ps -eo pid,args | awk '$2 == "sh" && $3 == "-c" && /while/ { print $1 }' | tail -n 1)
"$1" record --backend ebpf --duration 1 -o "$2.ebpf" --pid "$p"
echo "ebpf: $?"
exec "$1" record --duration 1 -o "$2" --pid "$p"
EOF
	run timeout 20 unshare --pid --fork --mount-proc sh "$TMP/nested.sh" "$SCPROF" "$TMP/r.json"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_contains "ebpf: 125"
	assert_output_contains "in a pid namespace below scprof's"
	assert_output_contains "recording with ptrace instead"
	[ ! -e "$TMP/r.json.ebpf" ]
	names "$TMP/r.json" | grep -qx getdents64
}
