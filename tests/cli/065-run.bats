#!/usr/bin/env bats
# scprof run: a command under a profile and a security context, failing closed.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	lift_printk_ratelimit
}

teardown_file() {
	restore_printk_ratelimit
}

setup() {
	setup_tmp
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13},{"names":["uname"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$TMP/p.json"
}

teardown() {
	teardown_tmp
}

@test "run passes the command's status through" {
	run_scprof run -- true
	run_scprof 3 run -- sh -c 'exit 3'
	run_scprof 143 run -- sh -c 'kill -TERM $$'
}

@test "run applies the profile: ERRNO with errnoRet, and --audit logs instead" {
	run_scprof 1 run -p "$TMP/p.json" -- mkdir "$TMP/d"
	assert_output_contains "Permission denied"
	[ ! -e "$TMP/d" ]
	run_scprof run -p "$TMP/p.json" --audit -- mkdir "$TMP/d"
	[ -d "$TMP/d" ]
}

@test "a seccomp kill is exit 159 and one line naming the call and the rule" {
	[ -r /dev/kmsg ] || skip "no /dev/kmsg to read the kernel's record from"
	run_scprof 159 run -p "$TMP/p.json" -- uname
	assert_output_contains "'uname' (pid "
	assert_output_contains "was killed by seccomp: uname (63) on x86_64 -> KILL_PROCESS, decided by the rule at $TMP/p.json:1:"
}

@test "runtime/default follows the capabilities the command gets" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to hold CAP_SYS_ADMIN"
	# without CAP_SYS_ADMIN Docker's profile denies unshare; with it, it allows it
	run_scprof emulate --caps CAP_CHOWN runtime/default unshare
	assert_output_contains "ERRNO(1)"
	run_scprof 1 run --cap-drop ALL -- unshare -U true
	assert_output_contains "Operation not permitted"
	run_scprof run --caps-for-profile CAP_SYS_ADMIN --cap-drop ALL -- sh -c 'unshare -U true; echo $?'
	[ "${lines[-1]}" = 0 ]
}

@test "identity: --user and --groups" {
	run_scprof run --user 65534:65534 -- id -u
	[ "$output" = 65534 ]
	run_scprof run --user 1000:1000 --groups 10,20 -- id -G
	[ "$output" = "1000 10 20" ]
}

@test "capabilities: --cap-drop ALL, --cap-add into every set" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to hold capabilities"
	run_scprof run --cap-drop ALL -- grep CapEff /proc/self/status
	assert_output_contains "0000000000000000"
	run_scprof run --cap-drop ALL --cap-add NET_RAW -- grep -E 'Cap(Eff|Bnd|Amb)' /proc/self/status
	[ "$(grep -c 0000000000002000 <<< "$output")" -eq 3 ]
	run_scprof run --user 1000:1000 --cap-drop ALL --cap-add NET_BIND_SERVICE -- grep CapEff /proc/self/status
	assert_output_contains "0000000000000400"
}

@test "no_new_privs by default, off with --allow-privilege-escalation" {
	run_scprof run -- grep NoNewPrivs /proc/self/status
	assert_output_contains "1"
	[ "$(id -u)" -eq 0 ] || skip "loading a filter without no_new_privs needs CAP_SYS_ADMIN"
	run_scprof run --allow-privilege-escalation -- grep NoNewPrivs /proc/self/status
	assert_output_contains "0"
}

@test "--log reports the denied calls from the kernel's records" {
	[ -r /dev/kmsg ] || skip "no /dev/kmsg"
	run_scprof 1 run --log -p "$TMP/p.json" -- mkdir "$TMP/d"
	assert_output_contains "seccomp: mkdir (83) on x86_64 -> ERRNO, decided by the rule at $TMP/p.json:1:"
}

@test "fail closed: nothing runs when the context cannot be set up (exit 125)" {
	run_scprof 125 run -p "$TMP/missing.json" -- touch "$TMP/ran"
	assert_output_contains "cannot open"
	printf '{"defaultAction":"SCMP_ACT_NOPE"}' > "$TMP/bad.json"
	run_scprof 125 run -p "$TMP/bad.json" -- touch "$TMP/ran"
	assert_output_contains "$TMP/bad.json:1:18: unknown action"
	run_scprof 125 run --cap-drop CAP_NOPE -- touch "$TMP/ran"
	assert_output_contains "unknown capability 'CAP_NOPE'"
	run_scprof 125 run --user nobody -- touch "$TMP/ran"
	assert_output_contains "--user wants UID[:GID] as numbers"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/x","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}' > "$TMP/notify.json"
	run_scprof 125 run -p "$TMP/notify.json" -- touch "$TMP/ran"
	assert_output_contains "seccomp agent at '/x'"
	run_scprof 125 run --groups 1 -- touch "$TMP/ran"
	run_scprof 125 run --bogus -- touch "$TMP/ran"
	run_scprof 125 run
	[ ! -e "$TMP/ran" ]
}

@test "a command that is not found is 127, not executable 126" {
	run -127 "$SCPROF" run -- "$TMP/no-such-command"
	assert_output_contains "cannot run"
	printf '#!/bin/sh\n' > "$TMP/script"
	chmod 0644 "$TMP/script"
	run -126 "$SCPROF" run -- "$TMP/script"
}

@test "run keeps compiled programs in its cache and reads them back; a damaged entry is compiled anew" {
	export XDG_CACHE_HOME=$TMP/cache
	run_scprof 1 run -p "$TMP/p.json" -- mkdir "$TMP/d"
	[ "$(ls "$TMP/cache/scprof/bpf" | wc -l)" -eq 1 ]
	[ "$(stat -c %a "$TMP/cache/scprof/bpf")" = 700 ]
	run_scprof 1 run -p "$TMP/p.json" -- mkdir "$TMP/d"
	assert_output_contains "Permission denied"
	[ "$(ls "$TMP/cache/scprof/bpf" | wc -l)" -eq 1 ]
	# garbage in the entry: the filter still denies what the profile denies
	f=$(ls "$TMP/cache/scprof/bpf"/*.bpf)
	printf 'garbage' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
	run_scprof 1 run -p "$TMP/p.json" -- mkdir "$TMP/d"
	assert_output_contains "Permission denied"
	[ ! -d "$TMP/d" ]
	# another profile, another entry
	run_scprof run -p runtime/default -- true
	[ "$(ls "$TMP/cache/scprof/bpf" | wc -l)" -eq 2 ]
}

@test "a SIGSYS that seccomp did not send is not blamed on the filter" {
	if [ "$(id -u)" -ne 0 ]; then
		skip "the audit multicast group needs CAP_AUDIT_READ (root; CI is root)"
	fi
	run_scprof 159 run -p runtime/default -- sh -c 'kill -SYS $$'
	assert_output_contains "was killed by SIGSYS, but not by seccomp"
}

@test "--log reports the calls of CMD's grandchildren, and not those of a process started meanwhile" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' > "$TMP/g.json"
	run_scprof run --log -p "$TMP/g.json" -- sh -c 'sh -c "perl -e \"syscall(110)\""; true'
	assert_output_contains "getppid (110) on x86_64 -> ERRNO"
	# a run that makes no such call, while another process (a later pid) does
	"$SCPROF" run --log -p "$TMP/g.json" -- sleep 1 > "$TMP/quiet.out" 2>&1 &
	sleep 0.3
	run_scprof run --log -p "$TMP/g.json" -- perl -e 'syscall(110)'
	assert_output_contains "getppid (110)"
	wait
	! grep -q getppid "$TMP/quiet.out" || false
}
