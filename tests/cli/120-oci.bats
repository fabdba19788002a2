#!/usr/bin/env bats
# OCI artifacts: scprof push and pull against Debian's docker-registry (plain, and
# with htpasswd basic auth over TLS from a CA made here), checked with skopeo, and
# through OCI image layout directories.

load helpers

# start_aide NAME ARGS...: tests/helpers/registry-aide.py ARGS in the background, its
# port (the first of ARGS after the mode) reachable before it returns
start_aide() {
	local dir=$BATS_FILE_TMPDIR/$1 port=$3
	shift
	mkdir -p "$dir"
	timeout 600 python3 "$SCPROF_SRCDIR/tests/helpers/registry-aide.py" "$@" > "$dir/log" 2>&1 3>&- &
	echo $! > "$dir/pid"
	echo "$port" > "$dir/port"
	wait_http "http://127.0.0.1:$port/" "$dir/log"
}

setup_file() {
	[ -x "$REGISTRY_BIN" ] && command -v htpasswd > /dev/null || return 0
	start_registry plain

	# a CA, a server certificate for 127.0.0.1 and an htpasswd file, made now
	local t=$BATS_FILE_TMPDIR/tls
	mkdir -p "$t"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-keyout "$t/ca.key" -out "$t/ca.crt" -subj /CN=scprof-test-ca 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$t/server.key" -out "$t/server.csr" -subj /CN=127.0.0.1 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > "$t/ext"
	openssl x509 -req -in "$t/server.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial \
		-days 1 -extfile "$t/ext" -out "$t/server.crt" 2>/dev/null
	mkdir -p "$t/skopeo-certs"
	cp "$t/ca.crt" "$t/skopeo-certs/"
	htpasswd -Bbn alice s3cret-pw > "$t/htpasswd"
	start_registry tls "  tls:
    certificate: $t/server.crt
    key: $t/server.key
auth:
  htpasswd:
    realm: scprof-test
    path: $t/htpasswd"

	# token authentication: docker-registry trusts tokens signed by a key made now
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-keyout "$t/token.key" -out "$t/token.crt" -subj /CN=scprof-test-token 2>/dev/null
	local token_port
	token_port=$(free_port)
	start_aide token-server token "$token_port" "$t/token.key" "$t/token.crt" scprof-test-issuer alice:t0ken-pw
	start_registry token "auth:
  token:
    realm: http://127.0.0.1:$token_port/token
    service: scprof-test
    issuer: scprof-test-issuer
    rootcertbundle: $t/token.crt"
	# the same over TLS: its realm is plain HTTP, where no password may go
	start_registry tls-token "  tls:
    certificate: $t/server.crt
    key: $t/server.key
auth:
  token:
    realm: http://127.0.0.1:$token_port/token
    service: scprof-test
    issuer: scprof-test-issuer
    rootcertbundle: $t/token.crt"
	# and a proxy failing each request twice (503, then 429) in front of the plain one
	start_aide flaky flaky "$(free_port)" "127.0.0.1:$(cat "$BATS_FILE_TMPDIR/plain/port")"

	# tokens that expire: a token server the tests steer through token-control
	token_port=$(free_port)
	start_aide expiring-token-server token "$token_port" "$t/token.key" "$t/token.crt" \
		scprof-test-issuer alice:t0ken-pw "$BATS_FILE_TMPDIR/token-control"
	start_registry expiring "auth:
  token:
    realm: http://127.0.0.1:$token_port/token
    service: scprof-test
    issuer: scprof-test-issuer
    rootcertbundle: $t/token.crt"
}

teardown_file() {
	stop_registry plain
	stop_registry tls
	stop_registry token
	stop_registry tls-token
	stop_registry token-server
	stop_registry flaky
	stop_registry expiring
	stop_registry expiring-token-server
}

setup() {
	[ -x "$REGISTRY_BIN" ] || skip "docker-registry is not installed (Debian package docker-registry)"
	command -v skopeo > /dev/null || skip "skopeo is not installed (Debian package skopeo)"
	command -v htpasswd > /dev/null || skip "htpasswd is not installed (Debian package apache2-utils)"
	setup_tmp
	PLAIN=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/plain/port")
	TLS=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/tls/port")
	CA=$BATS_FILE_TMPDIR/tls/ca.crt
	TOKEN=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/token/port")
	TLS_TOKEN=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/tls-token/port")
	FLAKY=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/flaky/port")
	EXPIRING=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/expiring/port")
	echo 300 > "$BATS_FILE_TMPDIR/token-control"
	# no credential file of the machine's user may leak in
	export HOME=$TMP XDG_RUNTIME_DIR=$TMP/run DOCKER_CONFIG=$TMP/docker
	unset REGISTRY_AUTH_FILE
	mkdir -p "$XDG_RUNTIME_DIR"
	cat > "$TMP/app.json" <<'JSON'
{
	"defaultAction": "SCMP_ACT_ERRNO",
	"architectures": ["SCMP_ARCH_X86_64"],
	"syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]
}
JSON
	# Docker's default profile: a typical large one (about 13 KB as OCI JSON)
	"$SCPROF" convert --to oci runtime/default > "$TMP/moby.json"
}

teardown() {
	local d
	for d in "$BATS_FILE_TMPDIR"/hold-*; do
		[ -d "$d" ] && stop_registry "${d##*/}"
	done
	teardown_tmp
}

# start_hold NAME SECONDS METHOD REGEX N: a proxy in front of the registry whose tokens
# expire, holding the Nth METHOD request whose path matches REGEX for SECONDS; its
# address in $HOLD, its log in $BATS_FILE_TMPDIR/NAME/log
start_hold() {
	local port
	port=$(free_port)
	start_aide "$1" hold "$port" "$EXPIRING" "$2" "$3" "$4" "$5"
	HOLD=127.0.0.1:$port
}

# login_expiring: alice's credentials for the expiring registry and for $HOLD
login_expiring() {
	local auth
	auth=$(printf alice:t0ken-pw | base64)
	mkdir -p "$XDG_RUNTIME_DIR/containers"
	printf '{"auths": {"%s": {"auth": "%s"}, "%s": {"auth": "%s"}}}\n' \
		"$EXPIRING" "$auth" "${HOLD:-unused}" "$auth" > "$XDG_RUNTIME_DIR/containers/auth.json"
}

# statuses LOG METHOD PATH-PREFIX: the statuses a hold proxy logged for those requests, on one line
statuses() {
	grep "^$2 $3" "$1" | awk '{print $NF}' | tr '\n' ' '
}

# layout_set DIR TAG PYTHON: rewrite the manifest DIR:TAG points at with PYTHON acting on
# the dict m (and on blobs through put(bytes) -> descriptor dict), and retag it
layout_set() {
	python3 - "$1" "$2" "$3" <<'PY'
import hashlib, json, os, sys
d, tag, code = sys.argv[1:4]
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(d, "blobs", "sha256", h), "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
idx = json.load(open(os.path.join(d, "index.json")))
entry = [e for e in idx["manifests"] if e.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag][0]
m = json.load(open(os.path.join(d, "blobs", "sha256", entry["digest"][7:])))
exec(code)
data = json.dumps(m).encode()
entry.update(put(data))
if "manifests" in m:
    entry["mediaType"] = m["mediaType"]
json.dump(idx, open(os.path.join(d, "index.json"), "w"))
PY
}

@test "push: the KEP-6061 form, as skopeo sees it" {
	run_scprof push --plain-http "$TMP/app.json" "$PLAIN/profiles/app:v1"
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
	digest=$output
	skopeo inspect --raw --tls-verify=false "docker://$PLAIN/profiles/app:v1" > "$TMP/manifest.json"
	python3 - "$TMP/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
t = "application/vnd.cncf.seccomp-profile.config.v1+json"
assert m["mediaType"] == "application/vnd.oci.image.manifest.v1+json", m
assert m["artifactType"] == t and m["config"]["mediaType"] == t, m
assert m["config"]["size"] == 2, m
assert len(m["layers"]) == 1 and m["layers"][0]["mediaType"] == "application/json", m
assert m["layers"][0]["annotations"]["org.opencontainers.image.title"] == "profile.json", m
PY
	# the digest printed is the one of the manifest the registry serves
	run skopeo manifest-digest "$TMP/manifest.json"
	[ "$output" = "$digest" ]
}

@test "pull: the profile comes back identical from the registry and from skopeo's copy" {
	run_scprof push --plain-http "$TMP/moby.json" "$PLAIN/profiles/moby:1.0"
	"$SCPROF" convert --to oci "$TMP/moby.json" > "$TMP/expected.json"
	run_scprof pull --plain-http -o "$TMP/from-registry.json" "$PLAIN/profiles/moby:1.0"
	cmp "$TMP/expected.json" "$TMP/from-registry.json"

	run skopeo copy --all --src-tls-verify=false "docker://$PLAIN/profiles/moby:1.0" "oci:$TMP/layout:1.0"
	[ "$status" -eq 0 ]
	run_scprof pull -o "$TMP/from-layout.json" "oci:$TMP/layout:1.0"
	cmp "$TMP/expected.json" "$TMP/from-layout.json"

	# and by digest
	skopeo inspect --raw --tls-verify=false "docker://$PLAIN/profiles/moby:1.0" > "$TMP/manifest.json"
	digest=$(skopeo manifest-digest "$TMP/manifest.json")
	run_scprof pull --plain-http "$PLAIN/profiles/moby@$digest"
	[ "$output" = "$(cat "$TMP/expected.json")" ]
	run_scprof validate "$TMP/from-registry.json"
}

@test "push to a layout, skopeo copies it to the registry, pull gets it back" {
	run_scprof push --annotation org.example.team=platform "$TMP/app.json" "oci:$TMP/out:v2"
	[ -f "$TMP/out/oci-layout" ]
	run skopeo copy --all "oci:$TMP/out:v2" --dest-tls-verify=false "docker://$PLAIN/profiles/copied:v2"
	[ "$status" -eq 0 ]
	run_scprof pull --plain-http "$PLAIN/profiles/copied:v2"
	[ "$output" = "$("$SCPROF" convert --to oci "$TMP/app.json")" ]
	run skopeo inspect --raw --tls-verify=false "docker://$PLAIN/profiles/copied:v2"
	assert_output_contains '"org.example.team":"platform"'
	# pushing again to the same tag replaces the entry
	run_scprof push "$TMP/moby.json" "oci:$TMP/out:v2"
	run python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["manifests"]))' "$TMP/out/index.json"
	[ "$output" = 1 ]
}

@test "push --format spo: one layer per platform, pull picks the platform" {
	run_scprof push --plain-http --format spo --platform linux/amd64 --platform linux/arm64 \
		"$TMP/app.json" "$TMP/moby.json" "$PLAIN/profiles/spo:v1"
	run skopeo inspect --raw --tls-verify=false "docker://$PLAIN/profiles/spo:v1"
	echo "$output" > "$TMP/manifest.json"
	python3 - "$TMP/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["artifactType"] == "application/vnd.unknown.config.v1+json", m
assert m["config"]["mediaType"] == "application/vnd.oci.empty.v1+json", m
assert [l["mediaType"] for l in m["layers"]] == ["application/vnd.oci.image.layer.v1.tar"] * 2, m
assert [l["annotations"]["org.opencontainers.image.title"] for l in m["layers"]] == \
    ["profile-linux-amd64.yaml", "profile-linux-arm64.yaml"], m
PY
	run_scprof pull --plain-http --platform linux/amd64 -o "$TMP/amd64.yaml" "$PLAIN/profiles/spo:v1"
	cmp "$TMP/amd64.yaml" <("$SCPROF" convert --to spo "$TMP/app.json")
	run_scprof pull --plain-http --platform linux/arm64/v8 -o "$TMP/arm64.yaml" "$PLAIN/profiles/spo:v1"
	cmp "$TMP/arm64.yaml" <("$SCPROF" convert --to spo "$TMP/moby.json")
	XDG_CACHE_HOME=$TMP/empty-cache run_scprof 2 pull --plain-http --platform linux/s390x \
		-o "$TMP/none.yaml" "$PLAIN/profiles/spo:v1"
	assert_output_contains "no profile for platform linux/s390x (it has: linux/amd64, linux/arm64)"
	assert_line_count 1
	[ ! -e "$TMP/none.yaml" ]
	# the manifest it read was checked, but the pull failed: the cache keeps nothing
	[ ! -e "$TMP/empty-cache" ]

	# one profile without a platform is profile.yaml, good for every platform
	run_scprof push --format spo "$TMP/app.json" "oci:$TMP/spo:any"
	run_scprof pull --platform linux/riscv64 "oci:$TMP/spo:any"
	assert_output_contains "kind: SeccompProfile"
}

@test "pull: an index is followed to the platform's manifest, or says which it has" {
	run_scprof push "$TMP/app.json" "oci:$TMP/idx:v1"
	layout_set "$TMP/idx" v1 '
e = put(json.dumps(m).encode())
e.update({"mediaType": m["mediaType"], "platform": {"os": "linux", "architecture": "arm64"}})
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [e]}'
	run_scprof pull --platform linux/arm64 "oci:$TMP/idx:v1"
	assert_output_contains SCMP_ACT_ERRNO
	run_scprof 2 pull --platform linux/amd64 -o "$TMP/out.json" "oci:$TMP/idx:v1"
	assert_output_contains "the index has no manifest for platform linux/amd64 (it has: linux/arm64)"
	assert_line_count 1
	[ ! -e "$TMP/out.json" ]
}

@test "pull: a corrupted blob is a digest mismatch, and nothing is written" {
	run_scprof push "$TMP/app.json" "oci:$TMP/bad:v1"
	layer=$(python3 -c 'import json, sys; d = sys.argv[1]; i = json.load(open(d + "/index.json")); m = json.load(open(d + "/blobs/sha256/" + i["manifests"][0]["digest"][7:])); print(m["layers"][0]["digest"][7:])' "$TMP/bad")
	sed -i 's/read/kill/' "$TMP/bad/blobs/sha256/$layer"
	run_scprof 2 pull -o "$TMP/out.json" "oci:$TMP/bad:v1"
	assert_output_contains "digest mismatch: layer 'sha256:$layer'"
	assert_line_count 1
	[ ! -e "$TMP/out.json" ]
	[ -z "$(find "$TMP" -maxdepth 1 -name '.out.json*')" ]
}

@test "pull: wrong media types, unsafe titles, oversized blobs and bad JSON are refused" {
	run_scprof push --format spo "$TMP/app.json" "oci:$TMP/l:v1"
	cp -r "$TMP/l" "$TMP/l2"
	cp -r "$TMP/l" "$TMP/l3"
	cp -r "$TMP/l" "$TMP/l4"
	cp -r "$TMP/l" "$TMP/l5"
	cp -r "$TMP/l" "$TMP/l6"
	cp -r "$TMP/l" "$TMP/l7"
	layout_set "$TMP/l" v1 'm["config"]["mediaType"] = "application/vnd.oci.image.config.v1+json"; m.pop("artifactType")'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l:v1"
	assert_output_contains "is not a seccomp profile artifact (config media type 'application/vnd.oci.image.config.v1+json')"
	assert_line_count 1

	layout_set "$TMP/l2" v1 'm["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l2:v1"
	assert_output_contains "unsupported layer media type 'application/vnd.oci.image.layer.v1.tar+gzip'"

	layout_set "$TMP/l3" v1 'm["layers"][0]["annotations"]["org.opencontainers.image.title"] = "../../etc/profile.yaml"'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l3:v1"
	assert_output_contains "unsafe title '../../etc/profile.yaml'"
	assert_line_count 1
	layout_set "$TMP/l6" v1 'm["layers"][0]["annotations"]["org.opencontainers.image.title"] = "sub/profile.yaml"'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l6:v1"
	assert_output_contains "unsafe title 'sub/profile.yaml'"
	assert_line_count 1

	# a manifest of another kind (a Docker schema 1 image)
	layout_set "$TMP/l7" v1 'm["mediaType"] = entry["mediaType"] = "application/vnd.docker.distribution.manifest.v1+prettyjws"'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l7:v1"
	assert_output_contains "unsupported media type 'application/vnd.docker.distribution.manifest.v1+prettyjws' (want an OCI image manifest or index)"
	assert_line_count 1

	run_scprof 2 pull --max-size 100 -o "$TMP/o" "oci:$TMP/l4:v1"
	assert_output_contains "larger than the limit of 100 bytes (--max-size)"

	layout_set "$TMP/l5" v1 'm = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": 7, "layers": []}'
	run_scprof 2 pull -o "$TMP/o" "oci:$TMP/l5:v1"
	assert_output_contains "manifest config is not an object"
	[ ! -e "$TMP/o" ]
}

@test "pull: 404, unreachable registry and bad references: one line each" {
	run_scprof 2 pull --plain-http -o "$TMP/o" "$PLAIN/profiles/nothing:here"
	assert_output_contains "tag 'here' not found in '$PLAIN/profiles/nothing' (404: MANIFEST_UNKNOWN"
	assert_line_count 1
	port=$(free_port)
	run_scprof 2 pull --plain-http --retries 0 -o "$TMP/o" "127.0.0.1:$port/profiles/app:v1"
	assert_output_contains "cannot reach registry '127.0.0.1:$port'"
	assert_line_count 1
	run_scprof 2 pull "profiles/app:v1"
	assert_output_contains "'profiles' is not a registry host"
	run_scprof 2 pull "$PLAIN/Profiles/App"
	assert_output_contains "invalid repository name 'Profiles/App'"
	run_scprof 2 pull "$PLAIN/app@sha256:1234"
	assert_output_contains "invalid digest 'sha256:1234'"
	run_scprof 2 pull "oci:$TMP/missing:v1"
	assert_output_contains "is not an OCI image layout"
	[ ! -e "$TMP/o" ]
}

@test "push: usage errors" {
	run_scprof 2 push "$TMP/app.json" "$TMP/moby.json" "oci:$TMP/x"
	assert_output_contains "a KEP-6061 artifact holds one profile"
	run_scprof 2 push --platform linux/amd64 "$TMP/app.json" "oci:$TMP/x"
	assert_output_contains "--platform is for --format spo"
	run_scprof 2 push --format spo --platform linux "$TMP/app.json" "oci:$TMP/x"
	assert_output_contains "invalid platform 'linux'"
	run_scprof 2 push --format spo --platform linux/amd64 --platform linux/amd64 "$TMP/app.json" "$TMP/app.json" "oci:$TMP/x"
	assert_output_contains "two profiles for linux/amd64"
	run_scprof 2 push --annotation novalue "$TMP/app.json" "oci:$TMP/x"
	assert_output_contains "--annotation wants KEY=VALUE"
	[ ! -e "$TMP/x" ]
}

@test "TLS and basic auth: 401 without or with wrong credentials, the password never shown" {
	run_scprof 2 push --ca-file "$CA" "$TMP/app.json" "$TLS/team/app:v1"
	assert_output_contains "registry '$TLS' wants credentials"
	assert_line_count 1

	run bash -c "echo wrong-pw | '$SCPROF' push --ca-file '$CA' --username alice '$TMP/app.json' '$TLS/team/app:v1'"
	[ "$status" -eq 2 ]
	assert_output_contains "refused the credentials"
	assert_output_not_contains wrong-pw

	run bash -c "echo s3cret-pw | '$SCPROF' push --ca-file '$CA' --username alice '$TMP/app.json' '$TLS/team/app:v1'"
	[ "$status" -eq 0 ]
	assert_output_not_contains s3cret-pw

	# without the test CA, TLS fails
	run_scprof 2 pull "$TLS/team/app:v1"
	assert_output_contains "TLS with registry '$TLS' failed"

	# credentials from containers' auth.json, then from docker's config.json
	mkdir -p "$XDG_RUNTIME_DIR/containers" "$DOCKER_CONFIG"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$TLS" "$(printf alice:s3cret-pw | base64)" \
		> "$XDG_RUNTIME_DIR/containers/auth.json"
	run_scprof pull --ca-file "$CA" -o "$TMP/a.json" "$TLS/team/app:v1"
	cmp "$TMP/a.json" <("$SCPROF" convert --to oci "$TMP/app.json")
	mv "$XDG_RUNTIME_DIR/containers/auth.json" "$DOCKER_CONFIG/config.json"
	run_scprof pull --ca-file "$CA" "$TLS/team/app:v1"
	assert_output_not_contains s3cret-pw

	# skopeo reads what scprof pushed, over TLS with the same credentials
	run skopeo inspect --raw --cert-dir "$BATS_FILE_TMPDIR/tls/skopeo-certs" --creds alice:s3cret-pw "docker://$TLS/team/app:v1"
	[ "$status" -eq 0 ]
	[[ $output == *seccomp-profile.config.v1+json* ]]
}

@test "Bearer tokens from a token server, for docker-registry's token authentication" {
	run_scprof 2 push --plain-http "$TMP/app.json" "$TOKEN/team/app:v1"
	assert_output_contains "registry '$TOKEN' wants credentials"
	assert_line_count 1
	run bash -c "echo t0ken-pw | '$SCPROF' push --plain-http --username alice '$TMP/app.json' '$TOKEN/team/app:v1'"
	[ "$status" -eq 0 ]
	assert_output_not_contains t0ken-pw
	# one token for pull and push, asked for on the first challenge
	[ "$(grep -c 'access$' "$BATS_FILE_TMPDIR/token-server/log")" -eq 1 ]
	run bash -c "echo t0ken-pw | '$SCPROF' pull --plain-http --username alice '$TOKEN/team/app:v1'"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$SCPROF" convert --to oci "$TMP/app.json")" ]
	# a token without access is a 401 again: one line, no retry loop
	run_scprof 2 pull --plain-http "$TOKEN/team/app:v1"
	assert_output_contains "registry '$TOKEN' wants credentials for tag 'v1' (401)"
	assert_line_count 1

	# an HTTPS registry whose token server is plain HTTP gets no password
	run bash -c "echo t0ken-pw | '$SCPROF' push --ca-file '$CA' --username alice '$TMP/app.json' '$TLS_TOKEN/team/app:v1'"
	[ "$status" -eq 2 ]
	assert_output_contains "not sending credentials over plain HTTP"
	assert_line_count 1
}

@test "503, 429 and truncated answers are retried with backoff, then reported; 403 is not retried" {
	run_scprof push --plain-http "$TMP/app.json" "$FLAKY/profiles/flaky:v1"
	grep -q 'failing 2 PUT /v2/profiles/flaky/manifests/v1' "$BATS_FILE_TMPDIR/flaky/log"
	run_scprof pull --plain-http -o "$TMP/out.json" "$FLAKY/profiles/flaky:v1"
	cmp "$TMP/out.json" <("$SCPROF" convert --to oci "$TMP/app.json")
	grep -q 'failing 2 GET /v2/profiles/flaky/blobs/sha256:' "$BATS_FILE_TMPDIR/flaky/log"
	run_scprof 2 pull --plain-http --retries 0 -o "$TMP/none.json" "$FLAKY/profiles/flaky:v2"
	assert_output_contains "registry '$FLAKY' answered 503 for tag 'v2'"
	assert_line_count 1
	[ ! -e "$TMP/none.json" ]

	# a layer cut short, every time: retried, then one line
	run_scprof push --plain-http "$TMP/moby.json" "$PLAIN/profiles/truncated:v1"
	XDG_CACHE_HOME=$TMP/empty-cache run_scprof 2 pull --plain-http --retries 2 -o "$TMP/none.json" \
		"$FLAKY/profiles/truncated:v1"
	assert_output_contains "registry '$FLAKY' cut its answer for blob 'sha256:"
	assert_line_count 1
	[ ! -e "$TMP/none.json" ]
	[ ! -e "$TMP/empty-cache" ]
	[ "$(grep -c '^truncating' "$BATS_FILE_TMPDIR/flaky/log")" -eq 3 ]

	# 403: one line with the registry's reason, no retry
	run_scprof 2 pull --plain-http -o "$TMP/none.json" "$FLAKY/forbidden/app:v1"
	assert_output_contains "registry '$FLAKY' denied access to tag 'v1' (403 Forbidden: DENIED: requested access to the resource is denied)"
	assert_line_count 1
	[ ! -e "$TMP/none.json" ]
}

@test "baseProfileName: oci://REF bases are pulled (here from a layout)" {
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["openat", "close"], "action": "SCMP_ACT_ALLOW"}]}\n' > "$TMP/base.json"
	run_scprof push "$TMP/base.json" "oci:$TMP/bases:v1"
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "oci://oci:%s/bases:v1",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' "$TMP" > "$TMP/app.json"
	run_scprof resolve "$TMP/app.json"
	assert_output_contains '"close",'
	assert_output_contains '"read"'
	assert_output_not_contains baseProfileName

	# a base that names itself is a cycle, named in full
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "oci://oci:%s/bases:loop", "syscalls": []}\n' "$TMP" > "$TMP/loop.json"
	run_scprof push --no-resolve "$TMP/loop.json" "oci:$TMP/bases:loop"
	run_scprof 2 resolve "$TMP/loop.json"
	assert_output_contains "base profiles form a cycle: $TMP/loop.json -> oci://oci:$TMP/bases:loop -> oci://oci:$TMP/bases:loop"
	assert_line_count 1
}

@test "keygen, push --sign-key, pull --verify-key: cosign's key-based layout, checked with openssl" {
	cd "$TMP"
	run_scprof keygen signer
	[ "$(stat -c %a signer.key)" = 600 ]
	grep -q 'BEGIN PUBLIC KEY' signer.pub
	run_scprof 2 keygen signer
	assert_output_contains "exists already"
	run_scprof keygen other

	run_scprof push --plain-http --sign-key signer.key app.json "$PLAIN/signed/app:v1"
	digest=$output
	run_scprof pull --plain-http --verify-key signer.pub -o ok.json "$PLAIN/signed/app:v1"
	cmp ok.json <("$SCPROF" convert --to oci app.json)
	run_scprof 2 pull --plain-http --verify-key other.pub -o bad.json "$PLAIN/signed/app:v1"
	assert_output_contains "no signature of '$PLAIN/signed/app:v1' (1 at tag 'sha256-${digest#sha256:}.sig') is about $digest and verifies with the key"
	assert_line_count 1
	[ ! -e bad.json ]

	# the signature is cosign's: simple signing payload, ECDSA over it, in the annotation
	skopeo inspect --raw --tls-verify=false "docker://$PLAIN/signed/app:sha256-${digest#sha256:}.sig" > sig.json
	python3 - sig.json "$digest" <<'PY'
import base64, json, sys
m = json.load(open(sys.argv[1]))
[layer] = m["layers"]
assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json", layer
open("sig.der", "wb").write(base64.b64decode(layer["annotations"]["dev.cosignproject.cosign/signature"]))
open("payload.digest", "w").write(layer["digest"])
PY
	curl -s "http://$PLAIN/v2/signed/app/blobs/$(cat payload.digest)" > payload.json
	python3 - payload.json "$digest" "$PLAIN/signed/app" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["critical"]["type"] == "cosign container image signature", p
assert p["critical"]["image"]["docker-manifest-digest"] == sys.argv[2], p
assert p["critical"]["identity"]["docker-reference"] == sys.argv[3], p
assert p["optional"] is None, p
PY
	openssl dgst -sha256 -verify signer.pub -signature sig.der payload.json

	# unsigned artifacts are refused
	run_scprof push --plain-http app.json "$PLAIN/signed/unsigned:v1"
	run_scprof 2 pull --plain-http --verify-key signer.pub -o bad.json "$PLAIN/signed/unsigned:v1"
	assert_output_contains "is not signed: no signature at tag 'sha256-"
	[ ! -e bad.json ]

	# keys in ~/.config/scprof/keys are checked by default, by pull and for oci:// bases
	mkdir -p .config/scprof/keys
	cp other.pub .config/scprof/keys/a.pub
	cp signer.pub .config/scprof/keys/b.pub
	run_scprof pull --plain-http -o ok2.json "$PLAIN/signed/app:v1"
	cmp ok.json ok2.json
	run_scprof 2 pull --plain-http -o bad.json "$PLAIN/signed/unsigned:v1"
	assert_output_contains "is not signed"
	run_scprof pull --plain-http --insecure-skip-verify -o ok3.json "$PLAIN/signed/unsigned:v1"
	run_scprof 2 pull --plain-http --insecure-skip-verify --verify-key signer.pub "$PLAIN/signed/app:v1"
	assert_output_contains "exclude each other"
	rm .config/scprof/keys/b.pub
	run_scprof 2 pull --plain-http -o bad.json "$PLAIN/signed/app:v1"
	assert_output_contains "verifies with the key"
	XDG_CONFIG_HOME=$TMP/elsewhere run_scprof pull --plain-http -o ok4.json "$PLAIN/signed/unsigned:v1"
	# layouts are local files: default keys do not apply to them
	run_scprof push app.json "oci:$TMP/local:v1"
	run_scprof pull -o ok5.json "oci:$TMP/local:v1"
	[ ! -e bad.json ]
}

@test "signing keys: openssl's P-256 keys work; others, encrypted ones and layouts are refused" {
	cd "$TMP"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key 2>/dev/null
	openssl pkey -in p256.key -pubout -out p256.pub
	run_scprof push --plain-http --sign-key p256.key app.json "$PLAIN/signed/openssl:v1"
	run_scprof pull --plain-http --verify-key p256.pub "$PLAIN/signed/openssl:v1"

	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.key 2>/dev/null
	run_scprof 2 push --plain-http --sign-key p384.key app.json "$PLAIN/signed/p384:v1"
	assert_output_contains "cannot sign: the key is not an ECDSA P-256 key"
	assert_output_not_contains pushed
	run skopeo inspect --raw --tls-verify=false "docker://$PLAIN/signed/p384:v1"
	[ "$status" -ne 0 ]
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-128-cbc -pass pass:x -out enc.key 2>/dev/null
	run_scprof 2 push --plain-http --sign-key enc.key app.json "$PLAIN/signed/enc:v1" < /dev/null
	assert_output_contains "not an unencrypted PEM private key"
	run_scprof 2 pull --plain-http --verify-key p256.key "$PLAIN/signed/openssl:v1"
	assert_output_contains "the public key is not a PEM public key"
	run_scprof 2 push --sign-key p256.key app.json "oci:$TMP/l:v1"
	assert_output_contains "signatures go to registries"
	[ ! -e "$TMP/l" ]
}

@test "pull cache: verified blobs by digest, offline by digest, damaged entries fetched anew, parallel pulls" {
	cd "$TMP"
	run_scprof push --plain-http app.json "$PLAIN/cache/app:v1"
	digest=$output
	run_scprof pull --plain-http -o a.json "$PLAIN/cache/app:v1"
	cache=$TMP/.cache/scprof/blobs/sha256
	[ -f "$cache/${digest#sha256:}" ]
	[ "$(ls "$cache" | wc -l)" -eq 2 ]
	for f in "$cache"/*; do
		[ "$(sha256sum < "$f" | cut -c1-64)" = "${f##*/}" ]
	done

	# by digest, the cache answers: the registry is not even asked
	port=$(free_port)
	run_scprof pull --plain-http -o b.json "127.0.0.1:$port/cache/app@$digest"
	cmp a.json b.json
	# a tag is always resolved by the registry
	run_scprof 2 pull --plain-http --retries 0 "127.0.0.1:$port/cache/app:v1"
	assert_output_contains "cannot reach registry"

	# a damaged entry is dropped and fetched again
	layer=$(ls "$cache" | grep -v "${digest#sha256:}")
	echo damaged > "$cache/$layer"
	run_scprof pull --plain-http -o c.json "$PLAIN/cache/app:v1"
	cmp a.json c.json
	[ "$(sha256sum < "$cache/$layer" | cut -c1-64)" = "$layer" ]

	# --no-cache and XDG_CACHE_HOME
	XDG_CACHE_HOME=$TMP/xdg run_scprof pull --plain-http --no-cache -o d.json "$PLAIN/cache/app:v1"
	[ ! -e "$TMP/xdg" ]
	XDG_CACHE_HOME=$TMP/xdg run_scprof pull --plain-http -o d.json "$PLAIN/cache/app:v1"
	[ "$(ls "$TMP/xdg/scprof/blobs/sha256" | wc -l)" -eq 2 ]

	# eight pulls at once into one empty cache
	rm -rf "$TMP/.cache"
	for i in 1 2 3 4 5 6 7 8; do
		"$SCPROF" pull --plain-http -o "p$i.json" "$PLAIN/cache/app:v1" &
	done
	wait
	for i in 1 2 3 4 5 6 7 8; do cmp a.json "p$i.json"; done
	[ "$(ls -A "$cache" | wc -l)" -eq 2 ]
}

@test "push --chunk-size: blobs in PATCHed chunks, each retried behind the failing proxy" {
	size=$(stat -c %s "$TMP/moby.json")
	run_scprof push --plain-http --chunk-size 4000 "$TMP/moby.json" "$FLAKY/chunked/moby:v1"
	chunks=$(((size + 3999) / 4000))
	[ "$(grep -c '^failing 1 PATCH /v2/chunked/moby/blobs/uploads/' "$BATS_FILE_TMPDIR/flaky/log")" -eq "$chunks" ]
	run_scprof pull --plain-http --no-cache -o "$TMP/out.json" "$PLAIN/chunked/moby:v1"
	cmp "$TMP/out.json" <("$SCPROF" convert --to oci "$TMP/moby.json")
	run_scprof 2 push --chunk-size 0 "$TMP/app.json" "oci:$TMP/x"
	assert_output_contains "--chunk-size wants a number of bytes"
}

@test "an expired token is fetched anew, once: between the tag and the blob, between two chunks" {
	login_expiring
	run_scprof push --plain-http "$TMP/moby.json" "$EXPIRING/team/moby:v1"
	"$SCPROF" convert --to oci "$TMP/moby.json" > "$TMP/expected.json"

	# tokens live 3 s; the layer's GET is held 4 s after the tag was resolved
	echo 3 > "$BATS_FILE_TMPDIR/token-control"
	start_hold hold-blob 4 GET /blobs/sha256: 1
	login_expiring
	run_scprof pull --plain-http -o "$TMP/out.json" "$HOLD/team/moby:v1"
	cmp "$TMP/expected.json" "$TMP/out.json"
	log=$BATS_FILE_TMPDIR/hold-blob/log
	grep -q '^holding GET /v2/team/moby/blobs/sha256:' "$log"
	[ "$(statuses "$log" GET /v2/team/moby/blobs/)" = "401 200 " ]
	[ "$(ls "$TMP/.cache/scprof/blobs/sha256" | wc -l)" -eq 2 ]

	# a chunked push whose token expires after the first chunk
	start_hold hold-patch 4 PATCH /v2/team/chunked/blobs/uploads/ 2
	login_expiring
	run_scprof push --plain-http --chunk-size 4000 "$TMP/moby.json" "$HOLD/team/chunked:v1"
	log=$BATS_FILE_TMPDIR/hold-patch/log
	grep -q '^holding PATCH /v2/team/chunked/blobs/uploads/' "$log"
	[ "$(statuses "$log" PATCH /v2/team/chunked/blobs/uploads/)" = "202 401 202 202 202 " ]
	echo 300 > "$BATS_FILE_TMPDIR/token-control"
	run_scprof pull --plain-http --no-cache -o "$TMP/chunked.json" "$EXPIRING/team/chunked:v1"
	cmp "$TMP/expected.json" "$TMP/chunked.json"
}

@test "a token server that gives expired tokens or fails: one line, nothing written or cached" {
	login_expiring
	run_scprof push --plain-http "$TMP/moby.json" "$EXPIRING/team/fail:v1"

	# tokens that have expired when they are issued
	echo -1 > "$BATS_FILE_TMPDIR/token-control"
	run_scprof 2 pull --plain-http -o "$TMP/out.json" "$EXPIRING/team/fail:v1"
	assert_output_contains "registry '$EXPIRING' refused a fresh token from its token server for tag 'v1' (401 invalid_token: expired"
	assert_line_count 1
	[ "$(grep -c '^token ' "$BATS_FILE_TMPDIR/expiring-token-server/log")" -ge 1 ]
	[ ! -e "$TMP/out.json" ]
	[ -z "$(find "$TMP/.cache" -type f 2>/dev/null)" ]

	# a token server that fails after one token, which expires before the layer is fetched
	echo "3 1" > "$BATS_FILE_TMPDIR/token-control"
	start_hold hold-fail 4 GET /blobs/sha256: 1
	login_expiring
	run_scprof 2 pull --plain-http -o "$TMP/out.json" "$HOLD/team/fail:v1"
	assert_output_contains "the token server of registry '$HOLD' answered 503"
	assert_line_count 1
	[ "$(statuses "$BATS_FILE_TMPDIR/hold-fail/log" GET /v2/team/fail/blobs/)" = "401 " ]
	[ ! -e "$TMP/out.json" ]
	[ -z "$(find "$TMP" -maxdepth 1 -name '.out.json*')" ]
	# the manifest was fetched and checked, but the pull failed: the cache is untouched
	[ -z "$(find "$TMP/.cache" -type f 2>/dev/null)" ]

	# the same in the middle of a chunked push: no manifest is pushed
	echo "3 1" > "$BATS_FILE_TMPDIR/token-control"
	start_hold hold-fail-push 4 PATCH /v2/team/half/blobs/uploads/ 2
	login_expiring
	run_scprof 2 push --plain-http --chunk-size 4000 "$TMP/moby.json" "$HOLD/team/half:v1"
	assert_output_contains "the token server of registry '$HOLD' answered 503"
	assert_line_count 1
	echo 300 > "$BATS_FILE_TMPDIR/token-control"
	run_scprof 2 pull --plain-http "$EXPIRING/team/half:v1"
	assert_output_contains "tag 'v1' not found"
}

@test "oci:// bases in a TLS registry: --ca-file and credentials for every command that resolves" {
	cd "$TMP"
	# app.json -> NAME mid (./profiles) -> oci://TLS/bases/tls:v1 (alice's, over TLS)
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}\n' > tls-base.json
	run bash -c "echo s3cret-pw | '$SCPROF' push --ca-file '$CA' --username alice tls-base.json '$TLS/bases/tls:v1'"
	[ "$status" -eq 0 ]
	mkdir profiles
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "oci://%s/bases/tls:v1",\n "syscalls": [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}\n' "$TLS" > profiles/mid.json
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "mid",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' > app.json

	# --username: the password from stdin, for the registry of the first oci:// base
	run bash -c "echo s3cret-pw | '$SCPROF' resolve --ca-file '$CA' --username alice -o flat.json app.json"
	[ "$status" -eq 0 ]
	assert_output_not_contains s3cret-pw
	grep -q '"mkdirat"' flat.json
	grep -q '"rmdir"' flat.json

	# without the CA, or without credentials: one line, at the profile naming the base
	# (with an empty cache: a base's tag is trusted for 24 hours once resolved)
	rm -r "$TMP/.cache/scprof"
	run_scprof 2 resolve -o out.json app.json
	assert_line_count 1
	assert_output_contains "./profiles/mid.json:1:56: cannot pull base profile 'oci://$TLS/bases/tls:v1': TLS with registry '$TLS' failed:"
	assert_output_contains "(see --ca-file, --plain-http)"
	run_scprof 2 resolve --ca-file "$CA" -o out.json app.json
	assert_line_count 1
	assert_output_contains "registry '$TLS' wants credentials for tag 'v1' (401)"
	[ ! -e out.json ]
	run bash -c "'$SCPROF' resolve --ca-file '$CA' --username alice app.json < /dev/null"
	[ "$status" -eq 2 ]
	assert_output_contains "--username reads the password from stdin, which gave none"
	run bash -c "'$SCPROF' resolve --ca-file '$CA' --username alice - < app.json"
	[ "$status" -eq 2 ]
	assert_output_contains "which held a profile"

	# the credential files, for every command that resolves bases
	mkdir -p "$XDG_RUNTIME_DIR/containers"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$TLS" "$(printf alice:s3cret-pw | base64)" \
		> "$XDG_RUNTIME_DIR/containers/auth.json"
	run_scprof emulate --ca-file "$CA" app.json mkdir
	assert_output_contains "ERRNO(13)"
	run_scprof diff --ca-file "$CA" app.json flat.json
	[ -z "$output" ]
	"$SCPROF" compile --ca-file "$CA" -f c app.json > a.c
	"$SCPROF" compile -f c flat.json > f.c
	cmp a.c f.c
	run_scprof validate --ca-file "$CA" app.json
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' > empty.json
	run_scprof merge --ca-file "$CA" empty.json app.json
	assert_output_contains '"mkdirat"'
	run_scprof k8s install --ca-file "$CA" --root "$TMP/seccomp" app.json
	grep -q '"mkdirat"' "$TMP/seccomp/app.json"
	run_scprof k8s crd --ca-file "$CA" app.json
	assert_output_contains mkdirat
	run_scprof 1 run --ca-file "$CA" -p app.json -- mkdir d1
	assert_output_contains "Permission denied"
	# without --ca-file each says so in one line, and writes nothing
	rm -r "$TMP/.cache/scprof"
	for cmd in "resolve" "emulate" "diff flat.json" "compile -f c" "validate" "merge empty.json" \
		"k8s install --root $TMP/seccomp2" "k8s crd"; do
		args=(app.json)
		[ "$cmd" = emulate ] && args=(app.json mkdir)
		run_scprof 2 $cmd "${args[@]}"
		assert_line_count 1
		assert_output_contains "TLS with registry '$TLS' failed"
	done
	[ ! -e "$TMP/seccomp2" ]
	run_scprof 125 run -p app.json -- mkdir d2
	assert_line_count 1
	assert_output_contains "TLS with registry '$TLS' failed"
	[ ! -e d2 ]

	# run reads the password's line only: CMD gets the rest of stdin
	rm "$XDG_RUNTIME_DIR/containers/auth.json"
	run bash -c "printf 's3cret-pw\nfor CMD\n' | '$SCPROF' run --ca-file '$CA' --username alice -p app.json -- sh -c 'cat; mkdir d3'"
	[ "$status" -eq 1 ]
	assert_output_contains "for CMD"
	assert_output_contains "Permission denied"
	assert_output_not_contains s3cret-pw

	# the password goes to that registry only: a base on another one gets none
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "oci://%s/team/nothing:v1"}\n' "$TLS_TOKEN" > next.json
	run bash -c "echo s3cret-pw | '$SCPROF' push --ca-file '$CA' --username alice --no-resolve next.json '$TLS/bases/next:v1'"
	[ "$status" -eq 0 ]
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "oci://%s/bases/next:v1"}\n' "$TLS" > two.json
	run bash -c "echo s3cret-pw | '$SCPROF' resolve --ca-file '$CA' --username alice two.json"
	[ "$status" -eq 2 ]
	assert_line_count 1
	assert_output_contains "registry '$TLS_TOKEN' wants credentials for tag 'v1' (401)"
	assert_output_not_contains "not sending credentials"
}

@test "oci:// bases in a plain HTTP registry: --plain-http, --verify-key, --no-cache" {
	cd "$TMP"
	# app.json -> oci://PLAIN/bases/top:v1 -> oci://PLAIN/bases/low:v1
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}\n' > low.json
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "oci://%s/bases/low:v1",\n "syscalls": [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}\n' "$PLAIN" > top.json
	run_scprof keygen signer
	run_scprof keygen other
	run_scprof push --plain-http --sign-key signer.key low.json "$PLAIN/bases/low:v1"
	run_scprof push --plain-http --sign-key signer.key --no-resolve top.json "$PLAIN/bases/top:v1"
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "oci://%s/bases/top:v1"}\n' "$PLAIN" > app.json

	run_scprof resolve --plain-http --no-cache app.json
	assert_output_contains '"mkdirat"'
	assert_output_contains '"rmdir"'
	[ ! -e "$TMP/.cache/scprof" ]
	run_scprof 2 resolve -o out.json app.json
	assert_line_count 1
	assert_output_contains "app.json:1:56: cannot pull base profile 'oci://$PLAIN/bases/top:v1': TLS with registry '$PLAIN' failed"
	[ ! -e out.json ]
	run_scprof emulate --plain-http app.json mkdirat
	assert_output_contains "ERRNO(13)"

	# signatures: --verify-key, the default keys, --insecure-skip-verify
	run_scprof resolve --plain-http --verify-key signer.pub app.json
	run_scprof 2 resolve --plain-http --verify-key other.pub app.json
	assert_line_count 1
	assert_output_contains "cannot pull base profile 'oci://$PLAIN/bases/top:v1': no signature of '$PLAIN/bases/top:v1'"
	mkdir -p .config/scprof/keys
	cp other.pub .config/scprof/keys/
	run_scprof 2 compile --plain-http -f c app.json
	assert_output_contains "verifies with the key"
	run_scprof compile --plain-http --insecure-skip-verify -f c app.json
	run_scprof 2 compile --plain-http --insecure-skip-verify --verify-key signer.pub app.json
	assert_output_contains "exclude each other"
	rm -r .config/scprof/keys

	# a tag of a base is trusted for 24 hours once resolved, unless --no-cache
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat", "unlink"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}\n' > low.json
	run_scprof push --plain-http --sign-key signer.key low.json "$PLAIN/bases/low:v1"
	run_scprof resolve --plain-http app.json
	assert_output_not_contains '"unlink"'
	run_scprof resolve --plain-http --no-cache app.json
	assert_output_contains '"unlink"'

	# push resolves with its own registry options
	run_scprof push --plain-http app.json "$PLAIN/apps/app:v1"
	run_scprof pull --plain-http "$PLAIN/apps/app:v1"
	assert_output_contains '"rmdir"'
	rm -r "$TMP/.cache/scprof"
	run_scprof 2 push app.json "oci:$TMP/layout:v1"
	assert_output_contains "TLS with registry '$PLAIN' failed"
}

@test "registry: a tampered layer is a digest mismatch; a layer over 1 MiB is refused unless --max-size; nothing written or cached" {
	cd "$TMP"
	run_scprof push --plain-http moby.json "$PLAIN/profiles/tampered:v1"
	run_scprof 2 pull --plain-http -o out.json "$FLAKY/profiles/tampered:v1"
	assert_output_contains "digest mismatch: layer 'sha256:"
	assert_output_contains "of '$FLAKY/profiles/tampered:v1' has digest sha256:"
	assert_line_count 1
	grep -q '^tampering /v2/profiles/tampered/blobs/' "$BATS_FILE_TMPDIR/flaky/log"
	[ ! -e out.json ]
	[ -z "$(find "$TMP" -maxdepth 1 -name '.out.json*')" ]
	[ ! -e "$TMP/.cache/scprof" ]

	# a valid profile of 1.2 MiB (JSON with room to spare), as a layout, then in the registry
	run_scprof push app.json "oci:$TMP/big:v1"
	layout_set "$TMP/big" v1 '
data = b"{\"defaultAction\": \"SCMP_ACT_ERRNO\"" + b" " * (1200 * 1024) + b"}\n"
m["layers"][0].update(put(data))'
	run_scprof 2 pull -o out.json "oci:$TMP/big:v1"
	assert_output_contains "layer 'sha256:"
	assert_output_contains "is 1228836 bytes, larger than the limit of 1048576 bytes (--max-size)"
	assert_line_count 1
	run skopeo copy --all "oci:$TMP/big:v1" --dest-tls-verify=false "docker://$PLAIN/profiles/big:v1"
	[ "$status" -eq 0 ]
	run_scprof 2 pull --plain-http -o out.json "$PLAIN/profiles/big:v1"
	assert_output_contains "is 1228836 bytes, larger than the limit of 1048576 bytes (--max-size)"
	assert_line_count 1
	[ ! -e out.json ]
	[ ! -e "$TMP/.cache/scprof" ]
	run_scprof pull --plain-http --max-size 2000000 -o out.json "$PLAIN/profiles/big:v1"
	[ "$(stat -c %s out.json)" -eq 1228836 ]
}

@test "oci:// bases in a registry: missing, and a cycle, one line each" {
	cd "$TMP"
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "oci://%s/bases/nothing:v1"}\n' "$PLAIN" > missing.json
	run_scprof 2 resolve --plain-http -o out.json missing.json
	assert_line_count 1
	assert_output_contains "missing.json:1:56: cannot pull base profile 'oci://$PLAIN/bases/nothing:v1': tag 'v1' not found in '$PLAIN/bases/nothing' (404: MANIFEST_UNKNOWN"
	[ ! -e out.json ]

	printf '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "oci://%s/bases/loop:v1"}\n' "$PLAIN" > loop.json
	run_scprof push --plain-http --no-resolve loop.json "$PLAIN/bases/loop:v1"
	run_scprof 2 compile --plain-http -o out.bpf loop.json
	assert_line_count 1
	assert_output_contains "base profiles form a cycle: loop.json -> oci://$PLAIN/bases/loop:v1 -> oci://$PLAIN/bases/loop:v1"
	[ ! -e out.bpf ]
}
