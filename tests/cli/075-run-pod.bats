#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof run --pod: a container's Kubernetes securityContext without a cluster, field by
# field, checked in /proc/self/status of the command; and every way it fails closed.

load helpers
bats_require_minimum_version 1.5.0

PODS=$SCPROF_SRCDIR/tests/data/pods
# Docker's 14 default capabilities, which containerd starts from
DOCKER_CAPS_HEX=00000000a80425fb
STATUS=(grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status)

setup() {
	grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
	setup_tmp
	mkdir -p "$TMP/seccomp/profiles"
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' >"$TMP/seccomp/profiles/deny-mkdir.json"
	printf '{"defaultAction":"SCMP_ACT_NOPE"}' >"$TMP/seccomp/invalid.json"
	ln -s /etc/passwd "$TMP/seccomp/escape.json"
}

teardown() {
	teardown_tmp
}

needs_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $1"
}

# field NAME: the value of NAME in the status lines in $output ("Groups" -> "3000 3500")
field() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$output" | sed 's/[[:space:]]*$//'
}

assert_field() {
	local got
	got=$(field "$1")
	if [ "$got" != "$2" ]; then
		echo "# $1: expected '$2', got '$got'" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		return 1
	fi
}

assert_not_ran() {
	if [ -e "$TMP/ran" ]; then
		echo "# CMD ran although scprof exited $status" >&2
		return 1
	fi
}

# pod FILE: write a manifest read from stdin to $TMP/FILE
pod() {
	cat >"$TMP/$1"
}

@test "run --help documents --pod and its options" {
	run_scprof run --help
	assert_output_contains "--pod FILE"
	assert_output_contains "--container NAME"
	assert_output_contains "--seccomp-root DIR"
	assert_output_contains "--seccomp-default"
	assert_output_contains "--best-effort"
}

@test "runAsUser, runAsGroup (container over pod), fsGroup and supplementalGroups" {
	needs_root "to change ids"
	! getent passwd 4242 >/dev/null || skip "uid 4242 has a passwd entry here"
	run_scprof run --pod "$PODS/basic.yaml" -- "${STATUS[@]}"
	assert_field Uid $'4242\t4242\t4242\t4242'
	assert_field Gid $'3500\t3500\t3500\t3500'
	# the primary group, fsGroup, then supplementalGroups (the kernel sorts them)
	assert_field Groups "3000 3500 4000 5000"
}

@test "runAsUser without runAsGroup: the group of /etc/passwd, else 0, as containerd" {
	needs_root "to change ids"
	! getent passwd 4321 >/dev/null || skip "uid 4321 has a passwd entry here"
	run_scprof run --pod "$PODS/cronjob.yaml" -- "${STATUS[@]}"
	assert_field Uid $'4321\t4321\t4321\t4321'
	assert_field Gid $'0\t0\t0\t0'
	local entry
	entry=$(getent passwd 65534) || skip "no passwd entry for 65534"
	pod nobody.yaml <<-EOF
		apiVersion: v1
		kind: Pod
		metadata: {name: nobody}
		spec:
		  securityContext: {runAsUser: 65534, supplementalGroupsPolicy: Strict}
		  containers: [{name: app, image: busybox}]
	EOF
	run_scprof run --pod "$TMP/nobody.yaml" -- "${STATUS[@]}"
	local gid
	gid=$(cut -d: -f4 <<<"$entry")
	assert_field Gid "$gid"$'\t'"$gid"$'\t'"$gid"$'\t'"$gid"
	assert_field Groups "$gid"
}

@test "no securityContext: the identity is kept, Docker's capabilities, no no_new_privs, Unconfined" {
	needs_root "to hold capabilities"
	run_scprof run --pod "$PODS/default.yaml" -- "${STATUS[@]}"
	assert_field Uid $'0\t0\t0\t0'
	assert_field CapBnd "$DOCKER_CAPS_HEX"
	assert_field CapEff "$DOCKER_CAPS_HEX"
	assert_field CapInh 0000000000000000
	assert_field CapAmb 0000000000000000
	assert_field NoNewPrivs 0
	assert_field Seccomp 0
	# the kubelet's --seccomp-default makes RuntimeDefault the default
	run_scprof run --pod "$PODS/default.yaml" --seccomp-default -- "${STATUS[@]}"
	assert_field Seccomp 2
}

@test "capabilities: drop ALL then add; a non-root user keeps them only in the bounding set" {
	needs_root "to hold capabilities"
	# basic.yaml: drop [ALL], add [NET_BIND_SERVICE], runAsUser 4242
	run_scprof run --pod "$PODS/basic.yaml" -- "${STATUS[@]}"
	assert_field CapBnd 0000000000000400
	assert_field CapEff 0000000000000000
	assert_field CapPrm 0000000000000000
	assert_field CapAmb 0000000000000000
	pod caps.yaml <<-EOF
		apiVersion: v1
		kind: Pod
		metadata: {name: caps}
		spec:
		  containers:
		  - name: add
		    image: busybox
		    securityContext: {capabilities: {add: [SYS_PTRACE, CAP_SYS_TIME], drop: [NET_RAW, KILL]}}
		  - name: all
		    image: busybox
		    securityContext: {capabilities: {add: [ALL], drop: [CHOWN]}}
		  - name: both
		    image: busybox
		    securityContext: {capabilities: {add: [NET_ADMIN], drop: [ALL, NET_ADMIN]}}
	EOF
	run_scprof run --pod "$TMP/caps.yaml" --container add -- "${STATUS[@]}"
	# Docker's set + SYS_PTRACE (19) + SYS_TIME (25) - NET_RAW (13) - KILL (5)
	assert_field CapEff 00000000aa0c05db
	assert_field CapBnd 00000000aa0c05db
	run_scprof run --pod "$TMP/caps.yaml" --container all -- "${STATUS[@]}"
	local all
	all=$(sed -n 's/^CapPrm:[[:space:]]*//p' /proc/self/status)
	[ "$(field CapEff)" = "$(printf '%016x' $((0x$all & ~1)))" ]
	# an explicit drop wins over an add
	run_scprof run --pod "$TMP/caps.yaml" --container both -- "${STATUS[@]}"
	assert_field CapEff 0000000000000000
}

@test "allowPrivilegeEscalation: false sets no_new_privs; true and unset do not" {
	needs_root "a filter without no_new_privs needs CAP_SYS_ADMIN"
	for v in false true unset; do
		local sc="{allowPrivilegeEscalation: $v, seccompProfile: {type: RuntimeDefault}}"
		[ "$v" != unset ] || sc="{seccompProfile: {type: RuntimeDefault}}"
		pod "ape-$v.yaml" <<-EOF
			apiVersion: v1
			kind: Pod
			metadata: {name: ape}
			spec:
			  containers: [{name: app, image: busybox, securityContext: $sc}]
		EOF
		run_scprof run --pod "$TMP/ape-$v.yaml" -- "${STATUS[@]}"
		assert_field NoNewPrivs "$([ "$v" = false ] && echo 1 || echo 0)"
		assert_field Seccomp 2
	done
	# without no_new_privs and with a non-root user, the filter is loaded while root
	run_scprof run --pod "$PODS/deployment.yaml" -- "${STATUS[@]}"
	assert_field NoNewPrivs 0
	assert_field Seccomp 2
	assert_field Uid $'1234\t1234\t1234\t1234'
}

@test "privileged: every capability and no filter, even with RuntimeDefault" {
	needs_root "to hold capabilities"
	run_scprof run --pod "$PODS/privileged.yaml" --container app -- "${STATUS[@]}"
	assert_field CapEff "$(sed -n 's/^CapPrm:[[:space:]]*//p' /proc/self/status)"
	assert_field Seccomp 0
	assert_field NoNewPrivs 0
	# the API server refuses privileged with allowPrivilegeEscalation: false
	run_scprof 125 run --pod "$PODS/privileged.yaml" --container no-escalation -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "privileged.yaml:21:"
	assert_output_contains "cannot set allowPrivilegeEscalation to false and privileged to true"
	pod sysadmin.yaml <<-EOF
		apiVersion: v1
		kind: Pod
		metadata: {name: sysadmin}
		spec:
		  containers:
		  - name: app
		    image: busybox
		    securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}
	EOF
	run_scprof 125 run --pod "$TMP/sysadmin.yaml" -- touch "$TMP/ran"
	assert_output_contains "capabilities.add CAP_SYS_ADMIN"
	assert_not_ran
}

@test "runAsNonRoot: the kubelet's messages for root, and a non-root user runs" {
	needs_root "the image user is the one running scprof, and must be root here"
	run_scprof 125 run --pod "$PODS/run-as-non-root.yaml" --container app -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "run-as-non-root.yaml:10:19: container has runAsNonRoot and image will run as root (pod: \"non-root_prod(5d3c2b1a-0000-4000-8000-000000000001)\", container: app)"
	run_scprof 125 run --pod "$PODS/run-as-non-root.yaml" --container explicit-root -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "container's runAsUser breaks non-root policy (pod: \"non-root_prod(5d3c2b1a-0000-4000-8000-000000000001)\", container: explicit-root)"
	assert_not_ran
	run_scprof run --pod "$PODS/run-as-non-root.yaml" --container user -- id -u
	[ "$output" = 1000 ]
}

@test "seccompProfile: container over pod, field over annotation, pre-1.19 annotations" {
	needs_root "without allowPrivilegeEscalation: false the filter needs CAP_SYS_ADMIN"
	run_scprof run --pod "$PODS/multi.yaml" --container app -- "${STATUS[@]}"
	assert_field Seccomp 2 # the pod annotation runtime/default
	run_scprof run --pod "$PODS/multi.yaml" --container legacy -- "${STATUS[@]}"
	assert_field Seccomp 0 # its container annotation: unconfined
	run_scprof run --pod "$PODS/multi.yaml" --container fielded -- "${STATUS[@]}"
	assert_field Seccomp 2 # its field beats its annotation
	pod field-over-annotation.yaml <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: p
		  annotations: {seccomp.security.alpha.kubernetes.io/pod: docker/default}
		spec:
		  securityContext: {seccompProfile: {type: Unconfined}}
		  containers: [{name: app, image: busybox}]
	EOF
	run_scprof run --pod "$TMP/field-over-annotation.yaml" -- "${STATUS[@]}"
	assert_field Seccomp 0
	sed -i 's/type: Unconfined/type: RuntimeDefault/; s|docker/default|unconfined|' "$TMP/field-over-annotation.yaml"
	run_scprof run --pod "$TMP/field-over-annotation.yaml" -- "${STATUS[@]}"
	assert_field Seccomp 2
}

@test "Localhost profiles come from --seccomp-root and are applied" {
	needs_root "to hand out Docker's capabilities"
	run_scprof 1 run --pod "$PODS/localhost.yaml" --seccomp-root "$TMP/seccomp" -- mkdir "$TMP/d"
	assert_output_contains "Permission denied"
	[ ! -e "$TMP/d" ]
	run_scprof run --pod "$PODS/localhost.yaml" --seccomp-root "$TMP/seccomp" -- "${STATUS[@]}"
	assert_field NoNewPrivs 1
	assert_field Seccomp 2
	# a symlink inside the root that stays inside is fine
	ln -s profiles/deny-mkdir.json "$TMP/seccomp/inside.json"
	sed 's|profiles/deny-mkdir.json|inside.json|' "$PODS/localhost.yaml" >"$TMP/inside.yaml"
	run_scprof 1 run --pod "$TMP/inside.yaml" --seccomp-root "$TMP/seccomp" -- mkdir "$TMP/d"
}

@test "Localhost profiles that escape the root, are missing or invalid: 125, CMD not run" {
	run_scprof 125 run --pod "$PODS/localhost-dotdot.yaml" --seccomp-root "$TMP/seccomp" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "localhost-dotdot.yaml:9:25: localhost profile '../../../etc/profile.json' must be a relative path without '..'"
	run_scprof 125 run --pod "$PODS/localhost-escape.yaml" --seccomp-root "$TMP/seccomp" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "localhost-escape.yaml:7:47: localhost profile 'escape.json' leads outside the seccomp root"
	run_scprof 125 run --pod "$PODS/localhost-invalid.yaml" --seccomp-root "$TMP/seccomp" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "$TMP/seccomp/invalid.json:1:18: unknown action"
	rm "$TMP/seccomp/profiles/deny-mkdir.json"
	run_scprof 125 run --pod "$PODS/localhost.yaml" --seccomp-root "$TMP/seccomp" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "localhost.yaml:10:25: cannot open localhost profile"
	run_scprof 125 run --pod "$PODS/localhost.yaml" --seccomp-root "$TMP/none" -- touch "$TMP/ran"
	assert_output_contains "cannot open the seccomp root '$TMP/none'"
	assert_not_ran
}

@test "readOnlyRootFilesystem: / is read-only for CMD only" {
	needs_root "to make a mount namespace"
	run_scprof 1 run --pod "$PODS/read-only-root.yaml" -- touch /scprof-read-only-test
	assert_output_contains "Read-only file system"
	[ ! -e /scprof-read-only-test ]
	run_scprof run --pod "$PODS/read-only-root.yaml" -- sh -c 'grep -E "^[^ ]+ [^ ]+ [^ ]+ / / " /proc/self/mountinfo'
	[[ "$output" == *" / / ro"* ]]
	# the host's / is as it was
	grep -E '^[^ ]+ [^ ]+ [^ ]+ / / ' /proc/self/mountinfo | grep -q ' / / rw'
}

@test "sysctls: namespaced ones are set in new namespaces, the host's stay" {
	needs_root "to make namespaces"
	local port shm
	port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	shm=$(cat /proc/sys/kernel/shmmni)
	run_scprof run --pod "$PODS/sysctls.yaml" -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni
	[ "${lines[0]}" = 80 ]
	[ "${lines[1]}" = 1234 ]
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$port" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$shm" ]
}

@test "sysctls: not namespaced, or with the host's namespace: 125, CMD not run" {
	run_scprof 125 run --pod "$PODS/sysctl-host.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "sysctl-host.yaml:9:13: sysctl 'vm.swappiness' is not namespaced"
	run_scprof 125 run --pod "$PODS/sysctl-host-network.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "sysctl \"net.ipv4.ip_unprivileged_port_start\" not allowed with host net enabled"
	pod bad-sysctl.yaml <<-EOF
		apiVersion: v1
		kind: Pod
		metadata: {name: p}
		spec:
		  securityContext: {sysctls: [{name: net.ipv4.., value: "1"}]}
		  containers: [{name: app, image: busybox}]
	EOF
	run_scprof 125 run --pod "$TMP/bad-sysctl.yaml" -- touch "$TMP/ran"
	assert_output_contains "is not a valid sysctl name"
	needs_root "to make a network namespace"
	sed 's/"80"/"not-a-number"/' "$PODS/sysctls.yaml" >"$TMP/bad-value.yaml"
	run_scprof 125 run --pod "$TMP/bad-value.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "cannot set the sysctl 'net/ipv4/ip_unprivileged_port_start' to 'not-a-number'"
	assert_not_ran
}

@test "fields scprof cannot apply: each reported, 125, unless --best-effort" {
	run_scprof 125 run --pod "$PODS/unsupported.yaml" --container app -- touch "$TMP/ran"
	assert_output_contains "unsupported.yaml:9:14: spec.hostUsers cannot be applied"
	assert_output_contains "spec.securityContext.seLinuxOptions cannot be applied"
	assert_output_contains "spec.securityContext.windowsOptions cannot be applied"
	assert_output_contains "container.apparmor.security.beta.kubernetes.io/app'] cannot be applied"
	assert_output_contains "spec.containers[0].securityContext.procMount cannot be applied"
	assert_output_contains "--best-effort"
	assert_not_ran
	run_scprof 125 run --pod "$PODS/unsupported.yaml" --container armored -- touch "$TMP/ran"
	assert_output_contains "spec.containers[1].securityContext.appArmorProfile cannot be applied"
	# appArmorProfile Unconfined is what scprof does anyway; the pod-level ones remain
	run_scprof 125 run --pod "$PODS/unsupported.yaml" --container unconfined -- touch "$TMP/ran"
	assert_output_not_contains "appArmorProfile"
	assert_not_ran
	needs_root "runAsUser 1000"
	run_scprof run --best-effort --pod "$PODS/unsupported.yaml" --container app -- id -u
	assert_output_contains "warning: spec.hostUsers is not applied"
	assert_output_contains "warning: spec.containers[0].securityContext.procMount is not applied"
	[ "${lines[-1]}" = 1000 ]
}

@test "containers: the only one by default, else --container, init and ephemeral too" {
	run_scprof 125 run --pod "$PODS/multi.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "pod 'multi' has 3 containers; choose one with --container: app, legacy, fielded, setup (init), debug (ephemeral)"
	run_scprof 125 run --pod "$PODS/multi.yaml" --container nope -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "no container 'nope' in pod 'multi'"
	assert_not_ran
	needs_root "to change ids"
	run_scprof run --pod "$PODS/multi.yaml" --container setup -- id -u
	[ "$output" = 1001 ]
	run_scprof run --pod "$PODS/multi.yaml" --container debug -- "${STATUS[@]}"
	assert_field Uid $'1002\t1002\t1002\t1002'
	assert_field CapBnd 00000000a80c25fb # Docker's + SYS_PTRACE
}

@test "workloads: the pod template of a Deployment and a CronJob" {
	needs_root "to change ids"
	run_scprof run --pod "$PODS/deployment.yaml" -- "${STATUS[@]}"
	assert_field Uid $'1234\t1234\t1234\t1234'
	assert_field Seccomp 2
	run_scprof run --pod "$PODS/cronjob.yaml" -- "${STATUS[@]}"
	assert_field Uid $'4321\t4321\t4321\t4321'
	assert_field CapBnd 0000000000000000
	assert_field Seccomp 0
}

@test "bad input: one line with file:line:column, 125, CMD not run" {
	run_scprof 125 run --pod "$PODS/not-a-pod.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "not-a-pod.yaml:2:7: 'Service' is not a Pod"
	run_scprof 125 run --pod "$PODS/user-name.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "user-name.yaml:10:18: spec.containers[0].securityContext.runAsUser must be a numeric user id, not 'nobody'"
	run_scprof 125 run --pod "$PODS/unknown-cap.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "unknown-cap.yaml:11:26: unknown capability 'CAP_NOPE'"
	printf 'kind: Pod\nspec: [\n' >"$TMP/syntax.yaml"
	run_scprof 125 run --pod "$TMP/syntax.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	assert_output_contains "$TMP/syntax.yaml:"
	run_scprof 125 run --pod "$TMP/missing.yaml" -- touch "$TMP/ran"
	assert_line_count 1
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  securityContext: {runAsUser: -1}\n  containers: [{name: a}]\n' >"$TMP/negative.yaml"
	run_scprof 125 run --pod "$TMP/negative.yaml" -- touch "$TMP/ran"
	assert_output_contains "negative.yaml:5:32: spec.securityContext.runAsUser must be a user id from 0 to 2147483647, not -1"
	assert_not_ran
}

@test "--pod with options that say the same thing is a usage error; so are pod options alone" {
	for opt in "-p runtime/default" "--user 1000" "--groups 1" "--cap-add KILL" "--cap-drop ALL" --no-new-privs --allow-privilege-escalation; do
		# shellcheck disable=SC2086
		run_scprof 125 run --pod "$PODS/default.yaml" $opt -- touch "$TMP/ran"
		assert_output_contains "--pod sets the profile, ids, capabilities and no_new_privs"
	done
	run_scprof 125 run --container app -- touch "$TMP/ran"
	assert_output_contains "go with --pod"
	run_scprof 125 run --seccomp-default -- touch "$TMP/ran"
	assert_not_ran
}
