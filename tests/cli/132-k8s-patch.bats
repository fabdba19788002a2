#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof k8s patch: seccompProfile (and --harden) set in every workload kind, YAML and
# JSON, by editing the text: goldens in tests/data/k8s/patch, the rest of the file byte
# for byte, idempotence, -w in place, the round trip through k8s lint, and bad input.

load helpers
bats_require_minimum_version 1.5.0

P=$SCPROF_SRCDIR/tests/data/k8s/patch

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

# patch_ok ARGS...: run k8s patch, expect 0 and nothing on stderr
patch_ok() {
	run --separate-stderr "$SCPROF" k8s patch "$@"
	if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
		echo "# \$ scprof k8s patch $*: exit $status" >&2
		printf '# ! %s\n' "$stderr" >&2
		return 1
	fi
}

# patch_fails ARGS...: expect exit 2, nothing on stdout, one line on stderr in $stderr
patch_fails() {
	run --separate-stderr "$SCPROF" k8s patch "$@"
	if [ "$status" -ne 2 ] || [ -n "$output" ]; then
		echo "# \$ scprof k8s patch $*: exit $status, expected 2 and no output" >&2
		printf '# > %s\n' "$output" >&2
		printf '# ! %s\n' "$stderr" >&2
		return 1
	fi
}

# doc N FILE: the Nth document of a YAML stream, as written
doc() {
	awk -v n="$1" 'BEGIN { d = 1 } /^---$/ { d++; next } d == n' "$2"
}

@test "k8s patch: listed in k8s --help, with its own --help" {
	run_scprof 0 k8s --help
	assert_output_contains "patch      set a container's or the pod's seccomp profile"
	run_scprof 0 k8s patch --help
	assert_output_contains "usage: scprof k8s patch [OPTIONS] FILE|-"
	assert_output_contains "--harden"
	assert_output_contains "NET_BIND_SERVICE"
}

@test "k8s patch: a restricted-failing Deployment with an init container passes restricted after --harden per container" {
	cp "$P/shop.yaml" "$TMP/shop.yaml"
	run_scprof 1 k8s lint --level restricted "$TMP/shop.yaml"
	assert_output_contains "13 findings in 1 object"
	for c in migrate web log-shipper; do
		patch_ok -w "$TMP/shop.yaml" --container "$c" --runtime-default --harden
		[ -z "$output" ]
	done
	diff -u "$P/shop.patched.yaml" "$TMP/shop.yaml"
	run_scprof 0 k8s lint --level restricted "$TMP/shop.yaml"
	assert_output_contains "0 findings in 0 objects; 1 pod spec checked at restricted v1.37"
	# before 1.19 the container's annotation is what counts: it was set to match
	run_scprof 0 k8s lint --level restricted --version v1.18 "$TMP/shop.yaml"
	run_scprof 0 k8s lint --level baseline --version v1.18 "$TMP/shop.yaml"
	# the other documents are byte for byte what they were
	cmp <(doc 1 "$P/shop.yaml") <(doc 1 "$TMP/shop.yaml")
	cmp <(doc 3 "$P/shop.yaml") <(doc 3 "$TMP/shop.yaml")
	# and in the Deployment only these lines changed; everything else was added
	diff "$P/shop.yaml" "$TMP/shop.yaml" | grep '^<' >"$TMP/removed" || true
	diff -u - "$TMP/removed" <<'EOF'
<         container.seccomp.security.alpha.kubernetes.io/web: 'unconfined'
<             add: ["NET_ADMIN", NET_BIND_SERVICE]
<             type: Unconfined
<         securityContext: {}
EOF
}

@test "k8s patch: patching again changes nothing, and -w leaves an unchanged file alone" {
	for f in shop.patched.yaml kinds.patched.yaml styles.patched.yaml pod.patched.json; do
		cp "$P/$f" "$TMP/$f"
	done
	patch_ok "$TMP/shop.patched.yaml" -c web --runtime-default --harden
	[ "$output" = "$(cat "$P/shop.patched.yaml")" ]
	patch_ok "$TMP/kinds.patched.yaml" -c app --localhost profiles/app.json
	[ "$output" = "$(cat "$P/kinds.patched.yaml")" ]
	patch_ok "$TMP/styles.patched.yaml" -c c --runtime-default
	[ "$output" = "$(cat "$P/styles.patched.yaml")" ]
	touch -d '2001-01-01' "$TMP/pod.patched.json"
	ino=$(stat -c %i "$TMP/pod.patched.json")
	for c in api sidecar plain; do
		patch_ok -w "$TMP/pod.patched.json" -c "$c" --runtime-default --harden
	done
	[ "$(stat -c %i "$TMP/pod.patched.json")" = "$ino" ]
	[ "$(stat -c %Y "$TMP/pod.patched.json")" = "$(date -d 2001-01-01 +%s)" ]
	cmp "$P/pod.patched.json" "$TMP/pod.patched.json"
}

@test "k8s patch: Pod, every workload template kind, List items; documents without the container untouched" {
	patch_ok "$P/kinds.yaml" --container app --localhost profiles/app.json
	diff -u "$P/kinds.patched.yaml" <(printf '%s\n' "$output")
	# ten pod specs have app: in containers, initContainers or ephemeralContainers
	[ "$(grep -c 'localhostProfile: profiles/app.json' "$P/kinds.patched.yaml")" -eq 10 ]
	n=$(grep -c '^---$' "$P/kinds.yaml")
	cmp <(doc $((n + 1)) "$P/kinds.yaml") <(doc $((n + 1)) "$P/kinds.patched.yaml")
	# the List's Service and its other container are left alone
	grep -q 'metadata: {name: not-a-workload}' "$P/kinds.patched.yaml"
	# restricted finds no seccomp control for app; it does for the containers not patched
	"$SCPROF" k8s lint --format json "$P/kinds.patched.yaml" 2>/dev/null |
		jq -r '.findings[] | select(.id == "seccompProfile_restricted") | .container' >"$TMP/ids"
	printf 'main\nother\n' | diff -u - "$TMP/ids"
}

@test "k8s patch: securityContext absent, {}, flow, empty, null, another type; indentation and quotes kept" {
	patch_ok "$P/styles.yaml" --container c --runtime-default
	diff -u "$P/styles.patched.yaml" <(printf '%s\n' "$output")
	# four-space indentation with indented lists: new keys follow it
	doc 1 "$P/styles.patched.yaml" | grep -qx '            securityContext:'
	doc 1 "$P/styles.patched.yaml" | grep -qx '                seccompProfile:'
	doc 1 "$P/styles.patched.yaml" | grep -qx '                    type: RuntimeDefault'
	# a quoted type stays quoted, the localhostProfile of the old type goes
	doc 6 "$P/styles.patched.yaml" | grep -qx '        type: "RuntimeDefault"'
	! doc 6 "$P/styles.patched.yaml" | grep -q localhostProfile || false
	# comments stay where they were
	grep -qx '    securityContext: {runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}   # as generated' \
		"$P/styles.patched.yaml"
	[ "$(tail -n 1 "$P/styles.patched.yaml")" = "    }" ]
	run_scprof 0 k8s lint --level baseline "$P/styles.patched.yaml"
}

@test "k8s patch: RuntimeDefault to Localhost and back" {
	patch_ok "$P/styles.patched.yaml" -c c --localhost profiles/c.json
	printf '%s\n' "$output" >"$TMP/localhost.yaml"
	doc 6 "$TMP/localhost.yaml" | grep -qx '        type: "Localhost"'
	doc 6 "$TMP/localhost.yaml" | grep -qx '        localhostProfile: profiles/c.json'
	doc 3 "$TMP/localhost.yaml" | grep -q '{type: Localhost, localhostProfile: profiles/c.json}'
	patch_ok "$TMP/localhost.yaml" -c c --runtime-default
	diff -u "$P/styles.patched.yaml" <(printf '%s\n' "$output")
}

@test "k8s patch: JSON stays valid JSON, in the file's indentation and separators" {
	cp "$P/pod.json" "$TMP/pod.json"
	for c in api sidecar plain; do
		patch_ok -w "$TMP/pod.json" -c "$c" --runtime-default --harden
	done
	diff -u "$P/pod.patched.json" "$TMP/pod.json"
	python3 -m json.tool "$TMP/pod.json" >/dev/null
	# restricted passes; the pod's own annotation (not patched) is still advised against
	run -1 "$SCPROF" k8s lint -f json "$TMP/pod.json"
	printf '%s\n' "$output" | jq -e '[.findings[].id] == ["seccomp-annotation"]'
	# tab indentation and List items (tests/data/k8s/real/list.json)
	patch_ok "$SCPROF_SRCDIR/tests/data/k8s/real/list.json" -c api --localhost p/api.json --harden
	python3 -m json.tool <<<"$output" >/dev/null
	[ "$(grep -c '"seccompProfile": {"type": "Localhost", "localhostProfile": "p/api.json"}' <<<"$output")" -eq 2 ]
	# compact JSON stays compact, without a final newline as it came
	printf '{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}' >"$TMP/c.json"
	patch_ok "$TMP/c.json" -c c --runtime-default
	[ "$output" = '{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}}]}}' ]
	"$SCPROF" k8s patch "$TMP/c.json" -c c --runtime-default | cmp - <(printf '%s' "$output")
}

@test "k8s patch: --pod-level, with and without a container; the pod's annotation follows" {
	patch_ok "$P/pod.json" --pod-level --localhost profiles/pod.json
	python3 -m json.tool <<<"$output" >/dev/null
	grep -q '"seccomp.security.alpha.kubernetes.io/pod": "localhost/profiles/pod.json"' <<<"$output"
	grep -q '^        "securityContext": {$' <<<"$output"
	[ "$(diff "$P/pod.json" <(printf '%s\n' "$output") | grep -c '^<')" -eq 2 ]
	# every pod spec of the file; a container's own profile that overrides it is said
	run --separate-stderr "$SCPROF" k8s patch "$P/styles.yaml" --pod-level --runtime-default
	[ "$status" -eq 0 ]
	[ "$(grep -c '^  securityContext:$' <<<"$output")" -eq 7 ]
	[[ $stderr == *"styles.yaml:23:56: warning: document 3: container 'c' sets its own seccompProfile (Unconfined), which overrides the pod's"* ]]
	[[ $stderr == *"styles.yaml:48:9: warning: document 6: container 'c' sets its own seccompProfile (Localhost), which overrides the pod's"* ]]
	# with a container: only the pods that have it, and --harden hardens that container
	patch_ok "$P/kinds.yaml" --pod-level -c main --runtime-default --harden
	[ "$(diff "$P/kinds.yaml" <(printf '%s\n' "$output") | grep -c '^>')" -eq 9 ]
	grep -q 'allowPrivilegeEscalation: false' <<<"$output"
}

@test "k8s patch: a pre-1.19 container annotation is set to match; docker/default already does" {
	cat >"$TMP/ann.yaml" <<'EOF'
kind: Pod
metadata:
  name: p
  annotations:
    container.seccomp.security.alpha.kubernetes.io/a: docker/default
    container.seccomp.security.alpha.kubernetes.io/b: "unconfined"
spec:
  containers:
  - {name: a, image: i}
  - {name: b, image: i}
EOF
	patch_ok "$TMP/ann.yaml" -c a --runtime-default
	grep -q 'alpha.kubernetes.io/a: docker/default$' <<<"$output"
	patch_ok "$TMP/ann.yaml" -c b --localhost x/b.json
	grep -q 'alpha.kubernetes.io/b: "localhost/x/b.json"$' <<<"$output"
	grep -q '{name: b, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: x/b.json}}}' <<<"$output"
}

@test "k8s patch: -w replaces the file atomically, keeps its mode, writes through a symlink" {
	cp "$P/styles.yaml" "$TMP/m.yaml"
	chmod 640 "$TMP/m.yaml"
	ln -s m.yaml "$TMP/link.yaml"
	patch_ok -w "$TMP/link.yaml" -c c --runtime-default
	[ -z "$output" ]
	[ -L "$TMP/link.yaml" ]
	[ "$(stat -c %a "$TMP/m.yaml")" = 640 ]
	cmp "$P/styles.patched.yaml" "$TMP/m.yaml"
	[ "$(ls -A "$TMP" | wc -l)" -eq 2 ]
}

@test "k8s patch: stdin, CRLF line breaks and a missing final line break" {
	run --separate-stderr "$SCPROF" k8s patch - -c c --runtime-default <"$P/styles.yaml"
	[ "$status" -eq 0 ]
	diff -u "$P/styles.patched.yaml" <(printf '%s\n' "$output")
	printf 'kind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: i' >"$TMP/crlf.yaml"
	"$SCPROF" k8s patch "$TMP/crlf.yaml" -c c --runtime-default >"$TMP/out"
	printf 'kind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: i\r\n    securityContext:\r\n      seccompProfile:\r\n        type: RuntimeDefault' |
		cmp - "$TMP/out"
}

@test "k8s patch: warnings name what restricted or the kubelet may still refuse" {
	cat >"$TMP/w.yaml" <<'EOF'
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: false
    runAsUser: 0
    seccompProfile: {type: Unconfined}
  containers:
  - {name: c, image: i}
EOF
	run --separate-stderr "$SCPROF" k8s patch "$TMP/w.yaml" -c c --runtime-default --harden
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "$TMP/w.yaml:7:28: warning: document 1: spec.securityContext.seccompProfile is Unconfined, which the restricted level refuses whatever the containers set" ]
	[ "${stderr_lines[1]}" = "$TMP/w.yaml:5:19: warning: document 1: spec.securityContext.runAsNonRoot is false, which the restricted level refuses" ]
	[ "${stderr_lines[2]}" = "$TMP/w.yaml:6:16: warning: document 1: container 'c' runs as uid 0 (runAsUser: 0): with runAsNonRoot: true the kubelet will not start it" ]
}

@test "k8s patch: unusable input is one line and exit 2, and nothing is written" {
	cp "$P/shop.yaml" "$TMP/shop.yaml"
	patch_fails -w "$TMP/shop.yaml" -c nope --runtime-default
	[ "$stderr" = "$TMP/shop.yaml: error: no container 'nope'; containers: Deployment/web: web, log-shipper, migrate (init)" ]
	cmp "$P/shop.yaml" "$TMP/shop.yaml"

	printf 'kind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c}]\n---\nkind: Pod\nspec:\n  containers: [c\n' >"$TMP/bad.yaml"
	patch_fails -w "$TMP/bad.yaml" -c c --runtime-default
	[ "$stderr" = "$TMP/bad.yaml:9:1: error: document 2: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence that starts at 8:15)" ]
	[ "$(wc -l <"$TMP/bad.yaml")" -eq 8 ]

	printf '{"kind": "Pod", "spec": {"containers": [}}' >"$TMP/bad.json"
	patch_fails "$TMP/bad.json" -c c --runtime-default
	[ "$stderr" = "$TMP/bad.json:1:41: error: document 1: invalid JSON: expected a value, found '}'" ]

	printf 'kind: Service\nmetadata: {name: s}\nspec: {}\n---\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n' >"$TMP/notmpl.yaml"
	patch_fails "$TMP/notmpl.yaml" -c c --runtime-default
	[ "$stderr" = "$TMP/notmpl.yaml:5:7: error: document 2: Deployment/d has no pod template: spec.template is missing" ]
	doc 1 "$TMP/notmpl.yaml" >"$TMP/svc.yaml"
	patch_fails "$TMP/svc.yaml" --pod-level --runtime-default
	[ "$stderr" = "$TMP/svc.yaml: error: no Pod nor workload with a pod template (found: Service/s)" ]

	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: i}\n  initContainers:\n  - {name: c, image: i}\n' >"$TMP/dup.yaml"
	patch_fails "$TMP/dup.yaml" -c c --runtime-default
	[ "$stderr" = "$TMP/dup.yaml:7:12: error: document 1: duplicate container name 'c' (spec.containers[0] and spec.initContainers[0])" ]

	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: true\n' >"$TMP/priv.yaml"
	patch_fails "$TMP/priv.yaml" -c c --runtime-default --harden
	[[ $stderr == "$TMP/priv.yaml:7:19: error: document 1: container 'c' is privileged: Kubernetes refuses allowPrivilegeEscalation: false with privileged: true"* ]]
	# without --harden a privileged container may get a profile (containerd ignores it)
	patch_ok "$TMP/priv.yaml" -c c --runtime-default

	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext: "none"\n' >"$TMP/str.yaml"
	patch_fails "$TMP/str.yaml" -c c --runtime-default
	[ "$stderr" = "$TMP/str.yaml:6:22: error: document 1: spec.containers[0].securityContext must be an object, not a string" ]

	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext: &sc {runAsNonRoot: true}\n  - name: b\n    securityContext: *sc\n' >"$TMP/alias.yaml"
	patch_fails "$TMP/alias.yaml" -c b --runtime-default
	[ "$stderr" = "$TMP/alias.yaml:8:22: error: document 1: spec.containers[1].securityContext is a YAML alias: the change would apply wherever its anchor is used; patch it by hand" ]
	patch_fails "$TMP/alias.yaml" -c a --runtime-default
	[[ $stderr == *"spec.containers[0].securityContext carries a YAML anchor"* ]]
	# a byte order mark inside the text (one at the start is fine)
	printf '\xef\xbb\xbfkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n\xef\xbb\xbf    image: i\n' >"$TMP/bom.yaml"
	patch_fails "$TMP/bom.yaml" -c c --runtime-default
	[ "$stderr" = "$TMP/bom.yaml:7:1: error: a byte order mark inside the text: remove it to patch the file" ]
	sed -i '7s/^\xef\xbb\xbf//' "$TMP/bom.yaml"
	patch_ok "$TMP/bom.yaml" -c c --runtime-default
}

@test "k8s patch: bad usage is exit 2 with the usage hint" {
	for bad in /abs/p.json ../up.json a/../../b.json ""; do
		patch_fails "$P/shop.yaml" -c web --localhost "$bad"
		[[ $stderr == *"must be a relative path without '..'"* || $stderr == *"needs"* ]]
	done
	patch_fails "$P/shop.yaml" -c web
	[[ $stderr == *"give --runtime-default or --localhost PATH"* ]]
	patch_fails "$P/shop.yaml" -c web --runtime-default --localhost a.json
	[[ $stderr == *"give one of --runtime-default and --localhost PATH"* ]]
	patch_fails "$P/shop.yaml" --runtime-default
	[[ $stderr == *"give --container NAME, or --pod-level for the pod's profile"* ]]
	patch_fails "$P/shop.yaml" --pod-level --harden --runtime-default
	[[ $stderr == *"--harden needs --container NAME"* ]]
	patch_fails - -w -c web --runtime-default <"$P/shop.yaml"
	[[ $stderr == *"--write needs a file, not stdin"* ]]
	patch_fails "$P/shop.yaml" "$P/kinds.yaml" -c web --runtime-default
	[[ $stderr == *"give one manifest"* ]]
	patch_fails -c web --runtime-default
	[[ $stderr == *"no manifest given"* ]]
	patch_fails "$TMP/missing.yaml" -c web --runtime-default
	[[ $stderr == *"missing.yaml"* ]]
	[[ $stderr == *"Try 'scprof k8s patch --help'."* || $stderr == *"No such file"* ]]
}
