#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof k8s install and crd: profiles into a kubelet seccomp directory (a temporary root),
# atomically, mode 0644, bases resolved, names that would escape refused; and as SPO objects.

load helpers
bats_require_minimum_version 1.5.0

K8S=$SCPROF_SRCDIR/tests/data/k8s

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "k8s install: OCI JSON with mode 0644, the localhostProfile values printed" {
	umask 077
	run_scprof 0 k8s install --root "$TMP/seccomp" --subdir scprof/v1 \
		"$K8S/seccomp/profiles/good.json" runtime/default
	[ "${lines[0]}" = "scprof/v1/good.json" ]
	[ "${lines[1]}" = "scprof/v1/runtime-default.json" ]
	[ "$(stat -c %a "$TMP/seccomp/scprof/v1/good.json")" = 644 ]
	[ "$(stat -c %a "$TMP/seccomp/scprof/v1/runtime-default.json")" = 644 ]
	# what was written is the profile, in canonical OCI JSON
	run_scprof 0 diff "$K8S/seccomp/profiles/good.json" "$TMP/seccomp/scprof/v1/good.json"
	run_scprof 0 validate "$TMP/seccomp/scprof/v1/runtime-default.json"
	# no temporary files left
	[ "$(ls -A "$TMP/seccomp/scprof/v1" | wc -l)" -eq 2 ]
	# and k8s lint finds it where the pod says
	cat >"$TMP/pod.yaml" <<'POD'
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: Localhost, localhostProfile: scprof/v1/good.json}
  containers:
  - name: c
    image: i
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
POD
	run_scprof 0 k8s lint --seccomp-root "$TMP/seccomp" "$TMP/pod.yaml"
}

@test "k8s install: bases resolved, SPO name used, a second install replaces the file" {
	mkdir -p "$TMP/profiles"
	cp "$K8S/spo/web-app.yaml" "$TMP/profiles/app.yaml"
	run_scprof 0 k8s install --root "$TMP/seccomp" "$TMP/profiles/app.yaml"
	[ "$output" = "web-app.json" ]
	grep -q '"accept4"' "$TMP/seccomp/web-app.json"
	! grep -q baseProfileName "$TMP/seccomp/web-app.json" || false
	# the runc base brought the runtime's own syscalls
	grep -q '"capset"' "$TMP/seccomp/web-app.json"
	ino=$(stat -c %i "$TMP/seccomp/web-app.json")
	run_scprof 0 k8s install --root "$TMP/seccomp" "$TMP/profiles/app.yaml"
	[ "$(stat -c %i "$TMP/seccomp/web-app.json")" != "$ino" ]
}

@test "k8s install: names and directories that would escape the root are refused, nothing written" {
	mkdir -p "$TMP/seccomp"
	for bad in ../up /abs a/../b a//b . .hidden 'a b'; do
		run_scprof 2 k8s install --root "$TMP/seccomp" --subdir "$bad" runtime/default
		assert_output_contains "must be a relative path of plain names"
	done
	ln -s "$TMP" "$TMP/seccomp/link"
	run_scprof 2 k8s install --root "$TMP/seccomp" --subdir link runtime/default
	assert_output_contains "leads outside the seccomp root"
	[ ! -e "$TMP/runtime-default.json" ]
	# a name from the file that is not plain
	cp "$K8S/seccomp/profiles/good.json" "$TMP/..json"
	run_scprof 2 k8s install --root "$TMP/seccomp" "$TMP/..json"
	assert_output_contains "must be a plain name"
	# stdin has no name unless it is a SeccompProfile
	run_scprof 2 k8s install --root "$TMP/seccomp" - <"$K8S/seccomp/profiles/good.json"
	assert_output_contains "stdin has no name"
	# one invalid profile: none is installed
	run_scprof 2 k8s install --root "$TMP/seccomp" "$K8S/seccomp/profiles/good.json" \
		"$K8S/seccomp/profiles/invalid.json"
	[ ! -e "$TMP/seccomp/good.json" ]
	# two profiles with one name
	run_scprof 2 k8s install --root "$TMP/seccomp" "$K8S/seccomp/profiles/good.json" \
		"$K8S/seccomp/profiles/good.json"
	assert_output_contains "would both be installed as 'good.json'"
	[ "$(ls -A "$TMP/seccomp")" = link ]
	# the root's parent must exist
	run_scprof 2 k8s install --root "$TMP/no/such/root" runtime/default
	assert_output_contains "cannot create the seccomp root"
}

@test "k8s install: usage" {
	run_scprof 2 k8s install --root "$TMP"
	assert_output_contains "no profile given"
	run_scprof 0 k8s install --help
	assert_output_contains "/var/lib/kubelet/seccomp"
	run_scprof 0 k8s --help
	assert_output_contains "install"
}

@test "k8s crd: a SeccompProfile (v1beta1) that reads back as the same profile, and a ProfileBinding" {
	run_scprof 0 k8s crd "$K8S/seccomp/profiles/good.json"
	printf '%s\n' "$output" >"$TMP/good.yaml"
	assert_output_contains "apiVersion: security-profiles-operator.x-k8s.io/v1beta1"
	assert_output_contains "  name: good"
	run_scprof 0 validate "$TMP/good.yaml"
	run_scprof 0 diff "$K8S/seccomp/profiles/good.json" "$TMP/good.yaml"
	run_scprof 0 k8s crd --name web-app --binding 'registry.example/web:1.2' "$K8S/seccomp/profiles/good.json"
	diff -u - <(printf '%s\n' "$output" | sed -n '/^---$/,$p') <<'OUT'
---
apiVersion: security-profiles-operator.x-k8s.io/v1alpha1
kind: ProfileBinding
metadata:
  name: web-app-binding
spec:
  profileRef:
    kind: SeccompProfile
    name: web-app
  image: registry.example/web:1.2
OUT
	[ "${lines[3]}" = "  name: web-app" ]
	# a built-in, resolved, named from its name
	run_scprof 0 k8s crd runtime/default
	assert_output_contains "  name: runtime-default"
	run_scprof 2 k8s crd --name Web_App runtime/default
	assert_output_contains "not a Kubernetes object name"
	run_scprof 2 k8s crd "$K8S/seccomp/profiles/invalid.json"
	run_scprof 2 k8s crd runtime/default runtime/default
	run_scprof 0 k8s crd --help
	assert_output_contains "--binding IMAGE"
}

@test "k8s kind-config: DIR mounted read-only at the kubelet's seccomp directory of every node" {
	mkdir "$TMP/profiles"
	run_scprof 0 k8s kind-config --profiles "$TMP/profiles" --workers 1 -o "$TMP/kind.yaml"
	diff -u - "$TMP/kind.yaml" <<OUT
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  extraMounts:
  - hostPath: $(realpath "$TMP/profiles")
    containerPath: /var/lib/kubelet/seccomp
    readOnly: true
- role: worker
  extraMounts:
  - hostPath: $(realpath "$TMP/profiles")
    containerPath: /var/lib/kubelet/seccomp
    readOnly: true
OUT
	# a relative DIR becomes absolute, as kind needs
	cd "$TMP"
	run_scprof 0 k8s kind-config --profiles profiles
	assert_output_contains "  - hostPath: $(realpath "$TMP/profiles")"
	[ "$(grep -c 'role:' <<<"$output")" -eq 1 ]
	run_scprof 2 k8s kind-config --profiles "$TMP/none"
	assert_output_contains "cannot use '$TMP/none' as the profiles directory"
	run_scprof 2 k8s kind-config --profiles "$TMP/kind.yaml"
	assert_output_contains "not a directory"
	run_scprof 2 k8s kind-config
	run_scprof 2 k8s kind-config --profiles profiles --workers many
	run_scprof 0 k8s --help
	assert_output_contains "kind-config"
}
