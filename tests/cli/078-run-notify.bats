#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof run with SCMP_ACT_NOTIFY: the listener and the OCI container process state go to the
# agent at listenerPath before CMD runs, as with runc; no agent, no CMD (exit 125).

load helpers
bats_require_minimum_version 1.5.0

PROBE=$SCPROF_HELPERS/syscall-probe
AGENT=$SCPROF_HELPERS/notify-agent

setup_file() {
	lift_printk_ratelimit
}

teardown_file() {
	restore_printk_ratelimit
}

setup() {
	grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
	[ -x "$AGENT" ] && [ -x "$PROBE" ] || skip "notify-agent or syscall-probe not built in $SCPROF_HELPERS"
	setup_tmp
	AGENT_PID=
	SOCK=$TMP/agent.sock
	# getppid, getuid and gettid go to the agent; everything else is allowed
	profile "$SOCK" '' >"$TMP/notify.json"
}

teardown() {
	stop_bg "${AGENT_PID:-}"
	teardown_tmp
}

# profile SOCKET METADATA [FLAGS]: a NOTIFY profile for the agent at SOCKET
profile() {
	local meta=
	[ -z "$2" ] || meta=",\"listenerMetadata\":$2"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"%s"%s,"flags":[%s],"syscalls":[{"names":["getppid","getuid","gettid"],"action":"SCMP_ACT_NOTIFY"}]}' \
		"$1" "$meta" "${3:-}"
}

# start_agent [NAME=ANSWER...]: run the test agent on $SOCK, bounded to 20 s, logging to
# $TMP/agent.log, and wait until it listens
start_agent() {
	"$AGENT" -t 20 "$SOCK" "$TMP/agent.log" "$@" 3>&- &
	AGENT_PID=$!
	for _ in $(seq 100); do
		grep -qx listening "$TMP/agent.log" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "# the agent did not start" >&2
	return 1
}

# wait_agent: the agent has seen the filter go unused and ended
wait_agent() {
	local rc=0
	wait "$AGENT_PID" || rc=$?
	AGENT_PID=
	sed 's/^/# agent: /' "$TMP/agent.log" >&2
	[ "$rc" -eq 0 ]
	grep -qx done "$TMP/agent.log"
}

assert_not_ran() {
	if [ -e "$TMP/ran" ]; then
		echo "# CMD ran although scprof exited $status" >&2
		return 1
	fi
}

@test "the agent gets the listener and the state, and answers: errno, a value, continue" {
	start_agent getppid=value:4242 getuid=errno:13 gettid=continue
	cd "$TMP"
	run_scprof run -p "$TMP/notify.json" -- sh -c "'$PROBE' getppid; '$PROBE' getuid; exec '$PROBE' gettid"
	[ "${lines[0]}" = "ok 4242" ]
	[ "${lines[1]}" = "errno 13" ]
	[[ "${lines[2]}" =~ ^ok\ [0-9]+$ ]]
	[ "${lines[2]}" != "ok 4242" ]
	wait_agent
	# the state as runc sends it: the process scprof started, status creating, the cwd as bundle
	run grep '^state ' "$TMP/agent.log"
	[[ "$output" =~ ^state\ pid=([0-9]+)\ status=creating\ id=scprof-run-[0-9]+\ bundle=$TMP\ metadata=-$ ]]
	grep -q '"fds":\["seccompFd"\]' "$TMP/agent.log"
	grep -q '^json {"ociVersion":"1.2.0",' "$TMP/agent.log"
	# the last probe was exec'd by the process the state names
	grep -qx 'notify gettid pid=self -> continue' "$TMP/agent.log"
	grep -q '^notify getppid pid=other -> value 4242$' "$TMP/agent.log"
	grep -q '^notify getuid pid=other -> errno 13$' "$TMP/agent.log"
}

@test "listenerMetadata goes to the agent as it is in the profile" {
	profile "$SOCK" '"pod=web; quote=\" tab=\t é"' >"$TMP/meta.json"
	start_agent getppid=value:7
	run_scprof run -p "$TMP/meta.json" -- "$PROBE" getppid
	[ "$output" = "ok 7" ]
	wait_agent
	grep -qF '"metadata":"pod=web; quote=\" tab=\t é"' "$TMP/agent.log"
	grep -qF "metadata=pod=web; quote=\" tab=$(printf '\t') é" "$TMP/agent.log"
}

@test "fail closed: no agent at listenerPath is one line and 125, CMD not run" {
	run_scprof 125 run -p "$TMP/notify.json" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "cannot connect to the seccomp agent at '$SOCK': No such file or directory"
	assert_not_ran
	# a socket nobody listens on any more (the agent was stopped by its time limit)
	"$AGENT" -t 1 "$SOCK" "$TMP/agent.log" 3>&- || true
	[ -S "$SOCK" ]
	run_scprof 125 run -p "$TMP/notify.json" -- touch "$TMP/ran"
	assert_output_contains "Connection refused"
	assert_not_ran
	# a path that is no socket
	: >"$TMP/file"
	profile "$TMP/file" '' >"$TMP/file.json"
	run_scprof 125 run -p "$TMP/file.json" -- touch "$TMP/ran"
	assert_output_contains "seccomp agent at '$TMP/file'"
	assert_not_ran
}

@test "fail closed: SCMP_ACT_NOTIFY without listenerPath is refused, CMD not run" {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_NOTIFY"}]}' >"$TMP/nopath.json"
	run_scprof 125 run -p "$TMP/nopath.json" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "SCMP_ACT_NOTIFY needs 'listenerPath'"
	assert_not_ran
}

@test "fail closed: a profile that denies the write or read of the handover is refused before fork" {
	# validation already refuses NOTIFY on write (it would deadlock runc too)
	for deny in read:SCMP_ACT_NOTIFY:USER_NOTIF 'write:SCMP_ACT_ERRNO:ERRNO(1)'; do
		IFS=: read -r call action shown <<<"$deny"
		printf '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"%s","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_NOTIFY"},{"names":["%s"],"action":"%s"}]}' \
			"$SOCK" "$call" "$action" >"$TMP/deny.json"
		start_agent
		run_scprof 125 run -p "$TMP/deny.json" -- touch "$TMP/ran"
		assert_line_count 1
		assert_output_contains "the profile must allow $call (it gives $shown)"
		assert_not_ran
		# nothing connected to the agent
		kill "$AGENT_PID"
		wait "$AGENT_PID" || true
		AGENT_PID=
		! grep -q '^json' "$TMP/agent.log" || false
		rm -f "$TMP/agent.log"
	done
}

@test "WAIT_KILLABLE_RECV and TSYNC go with the listener" {
	profile "$SOCK" '' '"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV","SECCOMP_FILTER_FLAG_TSYNC"' >"$TMP/flags.json"
	start_agent getppid=value:9
	run_scprof run -p "$TMP/flags.json" -- "$PROBE" getppid
	[ "$output" = "ok 9" ]
	wait_agent
}

@test "without no_new_privs the listener is handed over before the ids change" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: --user and a filter without no_new_privs"
	start_agent getppid=value:11 getuid=continue
	run_scprof run --allow-privilege-escalation --user 1000 -p "$TMP/notify.json" -- sh -c "'$PROBE' getppid; '$PROBE' getuid"
	[ "${lines[0]}" = "ok 11" ]
	[ "${lines[1]}" = "ok 1000" ]
	wait_agent
	# setresuid itself is not notified, but the agent is in place before it
	grep -q '^state pid=' "$TMP/agent.log"
}

@test "--audit turns NOTIFY into LOG: no agent is needed" {
	run_scprof run --audit -p "$TMP/notify.json" -- "$PROBE" getppid
	[[ "${lines[0]}" =~ ^ok\ [0-9]+$ ]]
}

@test "a TRAP that kills CMD is named from the kernel's record, which needs --log" {
	[ -r /dev/kmsg ] || skip "cannot read /dev/kmsg (CI runs as root)"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_TRAP"}]}' >"$TMP/trap.json"
	# the siginfo of the SIGSYS dies with CMD: the kernel logs TRAP only with the LOG flag
	run_scprof 159 run -p "$TMP/trap.json" -- "$PROBE" getppid
	assert_line_count 1
	assert_output_contains "the kernel log has no record of it (it records TRAP decisions only with --log)"
	run_scprof 159 run --log -p "$TMP/trap.json" -- "$PROBE" getppid
	assert_output_contains "was killed by seccomp: getppid ("
	assert_output_contains "-> TRAP, decided by the rule at $TMP/trap.json:1:"
	assert_output_not_contains "only with --log"
}

# keys JSON: the structure of a JSON document, its keys and value types without the values
keys() {
	python3 -c 'import json, sys
def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__
print(json.dumps(shape(json.loads(sys.argv[1])), sort_keys=True))' "$1"
}

@test "runc and scprof run give the agent the same state, and its answers the same way" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: runc makes namespaces and mounts"
	command -v runc >/dev/null || skip "runc is not installed (Debian package runc)"
	[ -x "$SCPROF_HELPERS/probe" ] || skip "probe not built in $SCPROF_HELPERS"
	local probe=$SCPROF_HELPERS/probe id=scprof-notify-$$
	mkdir -p "$TMP/bundle/rootfs/bin" "$TMP/bundle/rootfs/proc" "$TMP/bundle/rootfs/dev"
	cp "$probe" "$TMP/bundle/rootfs/bin/"
	(cd "$TMP/bundle" && runc spec)
	profile "$SOCK" '"m1"' >"$TMP/meta.json"
	python3 - "$TMP/bundle/config.json" "$TMP/meta.json" <<-'PY'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["root"] = {"path": "rootfs", "readonly": True}
		c["process"].update(terminal=False, cwd="/", args=["/bin/probe", "getppid", "getuid"])
		c["linux"]["seccomp"] = json.load(open(sys.argv[2]))
		json.dump(c, open(sys.argv[1], "w"))
	PY
	start_agent getppid=value:4242 getuid=errno:13
	run runc run --bundle "$TMP/bundle" "$id" </dev/null
	runc delete -f "$id" >/dev/null 2>&1 || true
	echo "# runc: $output" >&2
	[ "$status" -eq 0 ]
	local runc_out=$output
	wait_agent
	local runc_json
	runc_json=$(sed -n 's/^json //p' "$TMP/agent.log")
	grep -q '^state pid=[0-9]* status=creating id=scprof-notify-[0-9]* bundle=/.* metadata=m1$' "$TMP/agent.log"
	grep -qx 'notify getuid pid=self -> errno 13' "$TMP/agent.log"

	rm -f "$TMP/agent.log"
	start_agent getppid=value:4242 getuid=errno:13
	run_scprof run -p "$TMP/meta.json" -- "$probe" getppid getuid
	[ "$output" = "$runc_out" ]
	wait_agent
	grep -q '^state pid=[0-9]* status=creating id=scprof-run-[0-9]* bundle=/.* metadata=m1$' "$TMP/agent.log"
	grep -qx 'notify getuid pid=self -> errno 13' "$TMP/agent.log"
	[ "$(keys "$(sed -n 's/^json //p' "$TMP/agent.log")")" = "$(keys "$runc_json")" ]
}
