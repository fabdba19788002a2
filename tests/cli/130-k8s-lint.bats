#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof k8s lint: every Pod Security Standards control per policy version against
# tests/data/k8s/controls (expected findings in tests/data/k8s/expected), real-world
# manifests, the seccomp advice, the output formats, and bad input.

load helpers
bats_require_minimum_version 1.5.0

K8S=$SCPROF_SRCDIR/tests/data/k8s

setup() {
	command -v jq >/dev/null || skip "needs jq"
	setup_tmp
	# goldens name files relative to tests/data/k8s
	cd "$K8S"
}

teardown() {
	teardown_tmp
}

# findings of FILE at LEVEL and VERSION as "doc name id container path value" lines, without
# advice (fixtures of one control share images, which the advice would compare)
findings() {
	"$SCPROF" k8s lint -l "$2" -V "$3" -f json "$1" |
		jq -r '.findings[] | select(.type != "advice") | "\(.document) \(.name) \(.id) \(.container // "-") \(.path) \(.value // "unset")"'
}

@test "k8s lint: every control, per level and policy version, finds exactly what is expected" {
	local n=0 bad=0
	while read -r name level version; do
		[[ -z $name || $name == \#* ]] && continue
		n=$((n + 1))
		findings "controls/$name.yaml" "$level" "$version" >"$TMP/got"
		if ! diff -u "expected/$name.$level-$version.txt" "$TMP/got" >&2; then
			echo "# ^ controls/$name.yaml at $level $version" >&2
			bad=1
		fi
	done <matrix
	[ "$n" -ge 40 ]
	[ "$bad" -eq 0 ]
}

@test "k8s lint: pods named pass-* pass everywhere, and every fixture has a failing pod" {
	! grep -h ' pass-' expected/*.txt || false
	for f in controls/*.yaml; do
		local name=${f#controls/}
		name=${name%.yaml}
		grep -q "^$name " matrix
		cat "expected/$name".*.txt | grep -q .
	done
}

@test "k8s lint: a restricted-compliant pod at every version and level is clean" {
	for v in v1.0 v1.18 v1.19 v1.22 v1.25 v1.35 latest v1.99; do
		for l in baseline restricted; do
			run_scprof 0 k8s lint -l $l -V $v real/clean.yaml
			assert_output_contains "0 findings in 0 objects; 2 pod specs checked"
		done
	done
}

@test "k8s lint: real-world manifests, JSON output checked exactly" {
	run -1 --separate-stderr "$SCPROF" k8s lint -f json real/shop.yaml
	diff -u expected/shop.restricted.json <(printf '%s\n' "$output")
	[[ $stderr == *"document 1: kind: skipped: Namespace"* ]]
}

@test "k8s lint: text output grouped per object, baseline" {
	NO_COLOR=1 run -1 "$SCPROF" k8s lint -l baseline real/shop.yaml
	diff -u expected/shop.baseline.txt <(printf '%s\n' "$output")
}

@test "k8s lint: a JSON List (kubectl get -o json) with ephemeral containers, as SARIF" {
	run -1 "$SCPROF" k8s lint -f sarif real/list.json
	diff -u expected/list.sarif <(printf '%s\n' "$output" | jq 'del(.runs[0].tool.driver.version)')
	# every result names its rule by id and index, and has a position
	printf '%s\n' "$output" | jq -e '.version == "2.1.0" and (.runs[0] as $r | all($r.results[];
		.locations[0].physicalLocation.region.startLine > 0 and
		$r.tool.driver.rules[.ruleIndex].id == .ruleId))'
}

@test "k8s lint: seccomp advice with Localhost profiles under --seccomp-root" {
	run -1 "$SCPROF" k8s lint -f json --seccomp-root seccomp advice/pods.yaml
	diff -u expected/advice.json <(printf '%s\n' "$output")
	# without --seccomp-root the files are not looked at
	run -1 "$SCPROF" k8s lint -f json advice/pods.yaml
	[[ $output != *seccomp-localhost* ]]
	[[ $output == *seccomp-privilege-escalation* ]]
}

@test "k8s lint: RuntimeDefault for an image with a Localhost profile elsewhere, and ProfileBindings" {
	run -1 --separate-stderr "$SCPROF" k8s lint -l baseline -f json --seccomp-root seccomp advice/images.yaml
	diff -u expected/images.json <(printf '%s\n' "$output")
	# the ProfileBinding is read, not skipped
	[[ $stderr != *ProfileBinding* ]]
	# without --seccomp-root the missing profile is not known to be missing: it is advised
	run -1 "$SCPROF" k8s lint -l baseline -f json advice/images.yaml
	printf '%s\n' "$output" | jq -e '[.findings[] | select(.id == "seccomp-runtime-default-localhost") | .name] ==
		["web-canary", "warm-cache", "api", "annotated"]'
	# across files too, whatever their order
	run -1 "$SCPROF" k8s lint -l baseline -f json real/clean.yaml advice/images.yaml
	local n
	n=$(printf '%s\n' "$output" | jq '[.findings[] | select(.id == "seccomp-runtime-default-localhost")] | length')
	[ "$n" -eq 4 ]
	sed -n '/^kind: ProfileBinding/,/^---/p' advice/images.yaml >"$TMP/binding.yaml"
	sed -i '1i apiVersion: security-profiles-operator.x-k8s.io/v1alpha1' "$TMP/binding.yaml"
	sed -n '/name: api, namespace: shop/,/^---/p' advice/images.yaml | sed '1i apiVersion: v1\nkind: Pod' >"$TMP/api.yaml"
	run -1 "$SCPROF" k8s lint -l baseline "$TMP/api.yaml" "$TMP/binding.yaml"
	assert_output_contains "ProfileBinding/shop/api-binding"
	run -0 "$SCPROF" k8s lint -l baseline "$TMP/api.yaml"
}

@test "k8s lint: stdin, a directory, several files" {
	run_scprof 1 k8s lint - <real/shop.yaml
	assert_output_contains "<stdin>: Deployment/shop/web (document 3)"
	run_scprof 1 k8s lint real
	assert_output_contains "real/list.json: Pod/default/api-7d9f"
	assert_output_contains "real/shop.yaml: Job/shop/debug"
	assert_output_contains "9 pod specs checked"
	run_scprof 0 k8s lint real/clean.yaml real/clean.yaml
	assert_output_contains "4 pod specs checked"
}

@test "k8s lint: invalid YAML is exit 2 with the document index, after the documents before it" {
	run -2 --separate-stderr "$SCPROF" k8s lint bad/invalid.yaml
	[ "$stderr" = "bad/invalid.yaml:15:5: document 2: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence that starts at 14:17)" ]
	[[ $output == *"Pod/before-the-error (document 1)"* ]]
	printf '{"kind": "Pod",\n "spec": }' >"$TMP/bad.json"
	run -2 --separate-stderr "$SCPROF" k8s lint "$TMP/bad.json"
	[[ $stderr == *"bad.json:2:10: document 1: invalid JSON: "* ]]
	run -2 --separate-stderr "$SCPROF" k8s lint "$TMP/none.yaml"
	[[ $stderr == *"none.yaml"* ]]
}

@test "k8s lint: problems one line each with document and path; unknown kinds skipped" {
	run -1 --separate-stderr "$SCPROF" k8s lint -f json bad/problems.yaml
	diff -u expected/problems.json <(printf '%s\n' "$output")
	diff -u - <(printf '%s\n' "$stderr") <<'OUT'
bad/problems.yaml:6:3: error: document 1: spec.template: Deployment has no pod template: missing
bad/problems.yaml:16:11: error: document 2: spec.containers[0].name: duplicate container name 'app' (also spec.initContainers[0])
bad/problems.yaml:23:16: error: document 3: spec.hostNetwork: must be a boolean, not a string
bad/problems.yaml:29:5: error: document 3: spec.containers[1]: must be an object, not a string
bad/problems.yaml:32:7: note: document 4: kind: skipped: Ingress is not a Pod nor a workload with a pod template
bad/problems.yaml:35:1: error: document 5: (document): not a Kubernetes object but a list
bad/problems.yaml:38:1: error: document 6: kind: missing: not a Kubernetes object
OUT
	# only kinds without pods: nothing to do, exit 0
	printf 'kind: Service\nmetadata: {name: a}\n---\nkind: ConfigMap\n---\n' >"$TMP/svc.yaml"
	run -0 --separate-stderr "$SCPROF" k8s lint "$TMP/svc.yaml"
	[[ $stderr == *"document 2: kind: skipped: ConfigMap"* ]]
	[[ $output == "0 findings in 0 objects; 0 pod specs checked at restricted v1.37" ]]
}

@test "k8s lint: YAML 1.1 scalars read as Kubernetes reads them (privileged: yes is true)" {
	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: on\n  containers:\n  - name: a\n    image: a\n    securityContext: {privileged: Yes, runAsUser: 0_0}\n' >"$TMP/p.yaml"
	run -1 "$SCPROF" k8s lint -l baseline -f json "$TMP/p.yaml"
	printf '%s\n' "$output" | jq -e '[.findings[].id] == ["hostNamespaces", "privileged"]'
	# quoted, it is a string: not a boolean
	sed -i 's/hostPID: on/hostPID: "on"/' "$TMP/p.yaml"
	run -1 --separate-stderr "$SCPROF" k8s lint -l baseline "$TMP/p.yaml"
	[[ $stderr == *"p.yaml:4:12: error: document 1: spec.hostPID: must be a boolean, not a string"* ]]
}

@test "k8s lint: usage" {
	run_scprof 2 k8s lint -l strict real/clean.yaml
	assert_output_contains "--level must be baseline or restricted, not 'strict'"
	run_scprof 2 k8s lint -V 1.25 real/clean.yaml
	assert_output_contains "--version must be v1.N or latest, not '1.25'"
	run_scprof 2 k8s lint -f yaml real/clean.yaml
	run_scprof 2 k8s lint
	run_scprof 2 k8s frobnicate
	run_scprof 0 k8s --help
	assert_output_contains "lint"
	run_scprof 0 k8s lint --help
	assert_output_contains "--seccomp-root DIR"
	run_scprof 0 --help
	assert_output_contains "k8s"
}

@test "k8s lint: a large stream read in parallel parts gives what one piece gives" {
	for i in $(seq 1100); do cat real/shop.yaml; echo '---'; done >"$TMP/big.yaml"
	[ "$(stat -c %s "$TMP/big.yaml")" -gt 4200000 ] || skip "fixture too small to be split"
	run -1 --separate-stderr "$SCPROF" k8s lint -j 1 -f json "$TMP/big.yaml"
	printf '%s\n' "$output" >"$TMP/one.json"
	for j in 2 3 8; do
		run -1 --separate-stderr "$SCPROF" k8s lint -j $j -f json "$TMP/big.yaml"
		diff -u "$TMP/one.json" <(printf '%s\n' "$output")
	done
	jq -e '.objects == 5500 and (.findings | last | .document == 8800 and .line == 189 + 1099 * 190)' "$TMP/one.json"
	# a syntax error in a late part: the same message and findings as in one piece
	cat bad/invalid.yaml >>"$TMP/big.yaml"
	run -2 --separate-stderr "$SCPROF" k8s lint -j 1 "$TMP/big.yaml"
	local one=$stderr one_out=$output
	run -2 --separate-stderr "$SCPROF" k8s lint -j 2 "$TMP/big.yaml"
	[ "$stderr" = "$one" ]
	[ "$output" = "$one_out" ]
	[[ $stderr == *"document 8802: invalid YAML"* ]]
}
