#!/usr/bin/env bats
# scprof audit and record --backend log on the kernel's own records: /dev/kmsg, the
# audit multicast group, and a real auditd writing audit.log.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	lift_printk_ratelimit
}

teardown_file() {
	restore_printk_ratelimit
}

setup() {
	require_root_to_record
	setup_tmp
	# a workload with a name of its own, so that its records are told from the rest
	NAME=aud$$x$BATS_TEST_NUMBER
	cp "$SCPROF_HELPERS/syscall-probe" "$TMP/$NAME"
	PROBE=$TMP/$NAME
	T0=$(($(date +%s) - 1))
}

teardown() {
	if [ -n "${AUDITD_PID:-}" ]; then
		kill -TERM "$AUDITD_PID" 2>/dev/null || true
		wait "$AUDITD_PID" 2>/dev/null || true
	fi
	if [ -n "${FOLLOW_PID:-}" ]; then
		kill -KILL "$FOLLOW_PID" 2>/dev/null || true
	fi
	teardown_tmp
}

# wait_lines FILE N: until FILE has N lines (20 s at most)
wait_lines() {
	for _ in $(seq 1 200); do
		[ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1 has $(wc -l < "$1") lines, not $2" >&2
	return 1
}

@test "genuine kernel records: LOG, ERRNO with the LOG flag, KILL_PROCESS and an i386 call" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["getppid","getpid"],"action":"SCMP_ACT_LOG"},{"names":["getuid"],"action":"SCMP_ACT_ERRNO","errnoRet":13},{"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$TMP/p.json"
	run_scprof run -p "$TMP/p.json" -- "$PROBE" getppid
	run_scprof run --log -p "$TMP/p.json" -- "$PROBE" getuid
	assert_output_contains "errno 13"
	run_scprof 159 run -p "$TMP/p.json" -- "$PROBE" personality 0xffffffff
	# int $0x80 from a 64-bit process: a compat call, named on i386
	run_scprof run -p "$TMP/p.json" -- "$PROBE" --x86 getpid
	# the kernel's kauditd thread prints the last records a moment after the runs
	for _ in $(seq 1 20); do
		"$SCPROF" audit --source kmsg --format json --comm "$NAME" --since "@$T0" > "$TMP/records" 2>/dev/null
		[ "$(grep -c '"type"' "$TMP/records")" -ge 5 ] && break
		sleep 0.1
	done
	python3 - "$TMP/records" <<-'EOF'
		import json, sys
		recs = [json.loads(l) for l in open(sys.argv[1])]
		seen = {(r["type"], r.get("arch"), r.get("syscall_name"), r.get("summary")) for r in recs}
		want = {
		    ("SECCOMP", "x86_64", "getppid", "LOG"),
		    ("SECCOMP", "x86_64", "getuid", "ERRNO"),
		    ("SECCOMP", "x86_64", "personality", "KILL_PROCESS"),
		    ("SECCOMP", "x86", "getpid", "LOG"),
		    ("ANOM_ABEND", None, None, None),
		}
		assert want <= seen, (want - seen, seen)
		i386 = [r for r in recs if r.get("arch") == "x86"][0]
		assert i386["compat"] == 1 and i386["arch_token"] == "40000003" and i386["syscall"] == 20
		kill = [r for r in recs if r["type"] == "ANOM_ABEND"][0]
		assert kill["sig"] == 31
	EOF
	run_scprof audit --source kmsg --comm "$NAME" --since "@$T0"
	assert_output_contains "1 process killed by seccomp (SIGSYS)"
	assert_output_contains "x86:getpid"
}

@test "the records make the patch that lets the workload run" {
	printf '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ALLOW"}]}' > "$TMP/p.json"
	# what the program needs beyond getpid: run in --audit mode, denials become LOG.
	# Until its execve the workload's name is scprof's: take every record of the run.
	t=$(date +%s)
	run_scprof run --audit -p "$TMP/p.json" -- "$PROBE" getppid
	assert_output_contains "ok "
	"$SCPROF" audit --source kmsg --action LOG --since "@$t" --into "$TMP/p.json" > "$TMP/diff"
	grep -q '+ getppid' "$TMP/diff"
	run_scprof run -p "$TMP/p.json" -- "$PROBE" getppid
	assert_output_contains "ok "
}

@test "--follow: a burst of 100000 records, none lost, and Ctrl-C prints the summary" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"}]}' > "$TMP/p.json"
	cp "$(readlink -f /usr/bin/perl)" "$TMP/$NAME"
	"$SCPROF" audit --follow --format json --comm "$NAME" --since "@$T0" > "$TMP/out" 2> "$TMP/err" &
	FOLLOW_PID=$!
	"$SCPROF" run -p "$TMP/p.json" -- "$TMP/$NAME" -e 'syscall(110) for 1..100000'
	wait_lines "$TMP/out" 100000
	sleep 0.5
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_PID=
	[ "$(wc -l < "$TMP/out")" -eq 100000 ]
	[ "$(sort -u "$TMP/out" | wc -l)" -eq 100000 ]
	! grep -q "possible loss" "$TMP/err" || false

	# the table: one line a record as they come, the summary on Ctrl-C
	"$SCPROF" audit --follow --comm "$NAME" > "$TMP/table" 2>&1 &
	FOLLOW_PID=$!
	sleep 1
	"$SCPROF" run -p "$TMP/p.json" -- "$TMP/$NAME" -e 'syscall(110) for 1..3'
	wait_lines "$TMP/table" 3
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_PID=
	[ "$(grep -c "LOG          x86_64 getppid $NAME\[" "$TMP/table")" -eq 3 ]
	grep -q "EXECUTABLE" "$TMP/table"
	# other processes' records on the host are read too, and filtered out
	grep -Eqx "3 (records|of [0-9]+ records match)" "$TMP/table"
}

@test "--follow --source kmsg reads new records, and puts the printk rate limit back" {
	echo 5 > /proc/sys/kernel/printk_ratelimit
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"}]}' > "$TMP/p.json"
	"$SCPROF" audit --follow --source kmsg --format json --comm "$NAME" > "$TMP/out" 2>&1 &
	FOLLOW_PID=$!
	sleep 1
	[ "$(cat /proc/sys/kernel/printk_ratelimit)" = 0 ]
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do "$SCPROF" run -p "$TMP/p.json" -- "$PROBE" getppid >/dev/null; done
	wait_lines "$TMP/out" 12
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_PID=
	[ "$(cat /proc/sys/kernel/printk_ratelimit)" = 5 ]
	echo 0 > /proc/sys/kernel/printk_ratelimit
	grep -q '"syscall_name":"getppid"' "$TMP/out"
}

@test "auditd writes audit.log; scprof reads it while it is written" {
	if ! [ -x /usr/sbin/auditd ]; then
		skip "auditd is not installed (Debian package auditd; scripts/install-deps.sh installs it)"
	fi
	if pgrep -x auditd >/dev/null; then
		skip "an auditd already runs on this host; this test starts its own"
	fi
	mkdir -p "$TMP/conf" "$TMP/plugins"
	sed -e "s|^log_file = .*|log_file = $TMP/audit.log|" -e "s|^plugin_dir = .*|plugin_dir = $TMP/plugins|" \
		-e "s|^flush = .*|flush = INCREMENTAL|" -e "s|^freq = .*|freq = 1|" \
		-e "s|^log_group = .*|log_group = root|" -e "s|^space_left = .*|space_left = 2|" \
		-e "s|^admin_space_left = .*|admin_space_left = 1|" /etc/audit/auditd.conf > "$TMP/conf/auditd.conf"
	chmod 640 "$TMP/conf/auditd.conf"
	# -n: no fork (-f would send the events to stderr, not to the log)
	timeout 60 /usr/sbin/auditd -n -c "$TMP/conf" > "$TMP/auditd.out" 2>&1 &
	AUDITD_PID=$!
	wait_file "$TMP/audit.log" || { cat "$TMP/auditd.out" >&2; false; }
	for _ in $(seq 1 50); do grep -q "DAEMON_START" "$TMP/audit.log" && break; sleep 0.1; done
	"$SCPROF" audit --follow --format json --comm "$NAME" "$TMP/audit.log" > "$TMP/out" 2>&1 &
	FOLLOW_PID=$!
	sleep 0.5
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"},{"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$TMP/p.json"
	"$SCPROF" run -p "$TMP/p.json" -- "$PROBE" getppid
	run "$SCPROF" run -p "$TMP/p.json" -- "$PROBE" personality 0xffffffff
	[ "$status" -eq 159 ]
	wait_lines "$TMP/out" 3
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_PID=
	kill -TERM "$AUDITD_PID"
	wait "$AUDITD_PID" || true
	AUDITD_PID=
	grep -q '"syscall_name":"getppid","compat":0' "$TMP/out"
	grep -q '"type":"ANOM_ABEND"' "$TMP/out"
	# auditd's ENRICHED format, read again from the file
	grep -q $'\x1d' "$TMP/audit.log"
	run_scprof audit --comm "$NAME" "$TMP/audit.log"
	assert_output_contains "KILL_PROCESS"
	assert_output_contains "1 process killed by seccomp"
}

@test "record --backend log: the profile from the kernel's records matches the eBPF recorder's" {
	run_scprof record --backend log -o "$TMP/log.json" -- ls /usr
	assert_output_contains "(log,"
	run_scprof record --backend ptrace -o "$TMP/ptrace.json" -- ls /usr
	diff <(names "$TMP/ptrace.json") <(names "$TMP/log.json")
	# and the command runs under it
	run_scprof run --no-enosys-stub -p "$TMP/log.json" -- ls /usr
	assert_output_contains "share"
	# the settings it changed for the run are back
	[ "$(cat /proc/sys/kernel/printk_ratelimit)" = 0 ] # lifted by this file's setup_file
}

@test "record --backend log sees calls another filter of the workload kills" {
	# the workload loads its own filter (try-syscall does) that kills on getppid:
	# the kernel logs kills whatever filter decided
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$TMP/deny.json"
	run_scprof compile -o "$TMP/deny.bpf" "$TMP/deny.json"
	run_scprof record --backend log -o "$TMP/log.json" -- "$SCPROF_HELPERS/try-syscall" "$TMP/deny.bpf" x86_64 getppid
	names "$TMP/log.json" | grep -qx getppid
}

@test "record --backend log: errors" {
	run_scprof 2 record --backend log --args -- true
	assert_output_contains "--args needs the ebpf or ptrace recorder"
	run_scprof 2 record --backend log -p 1
	assert_output_contains "records a command, not --pid or --cgroup"
	run_scprof 127 record --backend log -- /nonexistent/cmd
	assert_output_contains "No such file or directory"
}

@test "--follow tags a live process's records with its container id (from /proc/PID/cgroup)" {
	[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids to make a container cgroup in"
	ID=$(printf '%064x' $$)
	CG=/sys/fs/cgroup/pids/scprof-test-$$/docker-$ID.scope
	mkdir -p "$CG"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"}]}' > "$TMP/p.json"
	cp "$(readlink -f /usr/bin/perl)" "$TMP/$NAME"
	"$SCPROF" audit --follow --format json --comm "$NAME" > "$TMP/out" 2>&1 &
	FOLLOW_PID=$!
	sleep 1
	# the workload lives on a little after its calls, as a container's process does
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
		"$SCPROF" run -p "$TMP/p.json" -- "$TMP/$NAME" -e 'syscall(110) for 1..3; sleep 2'
	wait_lines "$TMP/out" 3
	kill -INT "$FOLLOW_PID"
	wait "$FOLLOW_PID"
	FOLLOW_PID=
	rmdir "$CG" "/sys/fs/cgroup/pids/scprof-test-$$"
	grep -q "\"container\":\"$ID\"" "$TMP/out"
}
