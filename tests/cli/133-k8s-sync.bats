#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof k8s sync: a temporary seccomp root kept in step with profiles in Debian's
# docker-registry on 127.0.0.1 and in OCI image layouts; outages, files sync did not
# write, names that would escape, two syncs at once, and the loop stopped by SIGTERM.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	[ -x "$REGISTRY_BIN" ] || return 0
	start_registry registry
}

teardown_file() {
	stop_registry registry
}

setup() {
	[ -x "$REGISTRY_BIN" ] || skip "docker-registry is not installed (Debian package docker-registry)"
	command -v skopeo > /dev/null || skip "skopeo is not installed (Debian package skopeo)"
	setup_tmp
	# the registry may have been stopped by a test that failed halfway
	[ -f "$BATS_FILE_TMPDIR/registry/pid" ] || start_registry registry
	REG=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/registry/port")
	# each test its own repositories
	NS=t$BATS_TEST_NUMBER
	ROOT=$TMP/seccomp
	DIR=$ROOT/scprof
	# no key nor credential of the machine's user may leak in
	export HOME=$TMP XDG_RUNTIME_DIR=$TMP/run DOCKER_CONFIG=$TMP/docker XDG_CONFIG_HOME=$TMP/config
	unset REGISTRY_AUTH_FILE
	mkdir -p "$XDG_RUNTIME_DIR" "$TMP/lay"
	cat > "$TMP/app.json" <<'JSON'
{
	"defaultAction": "SCMP_ACT_ERRNO",
	"architectures": ["SCMP_ARCH_X86_64"],
	"syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]
}
JSON
	sed 's/"exit_group"/"exit_group", "openat"/' "$TMP/app.json" > "$TMP/app2.json"
	sed 's/"read", //' "$TMP/app.json" > "$TMP/web.json"
}

teardown() {
	stop_bg "${SYNC_PID:-}"
	teardown_tmp
}

# sync RC ARGS...: scprof k8s sync --once into $ROOT/scprof over plain HTTP; stdout in
# $output, stderr in $stderr
sync() {
	local expected=$1
	shift
	run --separate-stderr "$SCPROF" k8s sync --once --root "$ROOT" --subdir scprof --plain-http --retries 0 "$@"
	if [ "$status" -ne "$expected" ]; then
		echo "# \$ scprof k8s sync --once ... $*" >&2
		echo "# exit $status, expected $expected" >&2
		printf '# > %s\n' "${lines[@]}" >&2
		printf '# 2> %s\n' "${stderr_lines[@]}" >&2
		return 1
	fi
}

# stamp FILE: its inode and modification time to the nanosecond
stamp() {
	stat -c '%i %y' "$1"
}

# state: the state file's entries as "file ref digest", one a line
state() {
	python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["profiles"]:
    assert "pending" not in e, e
    print(e["file"], e["ref"], e["digest"])' "$DIR/.scprof-sync.json"
}

@test "k8s sync: installs, then changes nothing while the digests stay, updates a new push, removes a dropped ref" {
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	d1=$output
	run_scprof push --plain-http "$TMP/web.json" "$REG/$NS/web:v1"
	dweb=$output

	umask 077
	sync 0 --from "$REG/$NS/app:v1" --from "$REG/$NS/web:v1"
	[ "${lines[0]}" = "installed scprof/app.json from $REG/$NS/app:v1 ($d1)" ]
	[ "${lines[1]}" = "installed scprof/web.json from $REG/$NS/web:v1 ($dweb)" ]
	assert_line_count 2
	[ -z "$stderr" ]
	cmp "$DIR/app.json" <("$SCPROF" convert --to oci "$TMP/app.json")
	cmp "$DIR/web.json" <("$SCPROF" convert --to oci "$TMP/web.json")
	[ "$(stat -c %a "$DIR/app.json")" = 644 ]
	[ "$(stat -c %a "$DIR/web.json")" = 644 ]
	[ "$(state)" = "app.json $REG/$NS/app:v1 $d1
web.json $REG/$NS/web:v1 $dweb" ]
	# only the profiles and sync's two dot files: no temporary file left
	[ "$(ls -A "$DIR" | tr '\n' ' ')" = ".scprof-sync.json .scprof-sync.lock app.json web.json " ]

	# the same digests: nothing written, nothing printed
	before_app=$(stamp "$DIR/app.json") before_web=$(stamp "$DIR/web.json")
	before_state=$(stamp "$DIR/.scprof-sync.json")
	sleep 0.01
	sync 0 --from "$REG/$NS/app:v1" --from "$REG/$NS/web:v1"
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(stamp "$DIR/app.json")" = "$before_app" ]
	[ "$(stamp "$DIR/web.json")" = "$before_web" ]
	[ "$(stamp "$DIR/.scprof-sync.json")" = "$before_state" ]

	# a new version under the tag: updated, atomically (a new inode)
	run_scprof push --plain-http "$TMP/app2.json" "$REG/$NS/app:v1"
	d2=$output
	sync 0 --from "$REG/$NS/app:v1" --from "$REG/$NS/web:v1"
	[ "$output" = "updated scprof/app.json from $REG/$NS/app:v1 ($d2)" ]
	cmp "$DIR/app.json" <("$SCPROF" convert --to oci "$TMP/app2.json")
	[ "$(stamp "$DIR/app.json")" != "$before_app" ]
	[ "$(stamp "$DIR/web.json")" = "$before_web" ]
	[ "$(stat -c %a "$DIR/app.json")" = 644 ]

	# web dropped: removed; app stays
	sync 0 --from "$REG/$NS/app:v1"
	[ "$output" = "removed scprof/web.json ($REG/$NS/web:v1 is no longer listed)" ]
	[ ! -e "$DIR/web.json" ]
	[ "$(state)" = "app.json $REG/$NS/app:v1 $d2" ]

	# by digest, and from a layout skopeo copied out of the registry, named explicitly
	run skopeo copy --all --src-tls-verify=false "docker://$REG/$NS/web:v1" "oci:$TMP/lay/copied:v1"
	[ "$status" -eq 0 ]
	sync 0 --from "$REG/$NS/app@$d1" --from "site-web=oci:$TMP/lay/copied:v1"
	[ "${lines[0]}" = "updated scprof/app.json from $REG/$NS/app@$d1 ($d1)" ]
	[ "${lines[1]}" = "installed scprof/site-web.json from oci:$TMP/lay/copied:v1 ($dweb)" ]
	cmp "$DIR/app.json" <("$SCPROF" convert --to oci "$TMP/app.json")
	cmp "$DIR/site-web.json" <("$SCPROF" convert --to oci "$TMP/web.json")
	# and k8s lint finds the profile where a pod says
	cat > "$TMP/pod.yaml" <<'POD'
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: Localhost, localhostProfile: scprof/site-web.json}
  containers:
  - name: c
    image: i
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
POD
	run_scprof 0 k8s lint --seccomp-root "$ROOT" "$TMP/pod.yaml"
}

@test "k8s sync: base profiles are resolved, the SPO form and platforms are read" {
	local spo=$SCPROF_SRCDIR/tests/data/k8s/spo/web-app.yaml
	run_scprof push --plain-http --format spo --platform linux/amd64 --platform linux/arm64 \
		"$spo" "$TMP/app.json" "$REG/$NS/multi:v1"
	sync 0 --from "$REG/$NS/multi:v1" --platform linux/amd64
	assert_output_contains "installed scprof/multi.json"
	grep -q '"accept4"' "$DIR/multi.json"
	# the runc base brought the runtime's own syscalls, and is gone from the file
	grep -q '"capset"' "$DIR/multi.json"
	run ! grep -q baseProfileName "$DIR/multi.json"
	# another platform of the same digest is pulled again
	sync 0 --from "$REG/$NS/multi:v1" --platform linux/arm64
	assert_output_contains "updated scprof/multi.json"
	cmp "$DIR/multi.json" <("$SCPROF" convert --to oci "$TMP/app.json")
	sync 2 --from "$REG/$NS/multi:v1" --platform linux
	[[ $stderr == *"invalid platform 'linux'"* ]]

	# a base it cannot find fails that reference alone; --profile-dir finds it
	cd "$TMP"
	sed 's/baseProfileName: runc/baseProfileName: team-base/' "$spo" > nobase.yaml
	run_scprof push --plain-http --no-resolve --format spo nobase.yaml "$REG/$NS/nobase:v1"
	sync 1 --platform linux/arm64 --from "$REG/$NS/nobase:v1" --from "$REG/$NS/multi:v1"
	[ "$stderr" = "scprof: k8s sync: failed scprof/nobase.json from $REG/$NS/nobase:v1: base profile 'team-base' not found in ./profiles, /etc/scprof/profiles, or the built-in bases" ]
	[ -z "$output" ]
	[ ! -e "$DIR/nobase.json" ]
	mkdir bases
	cp app2.json bases/team-base.json
	sync 0 --platform linux/arm64 --profile-dir bases --from "$REG/$NS/nobase:v1" --from "$REG/$NS/multi:v1"
	[ "$output" = "installed scprof/nobase.json from $REG/$NS/nobase:v1 ($(state | awk '/^nobase/ {print $3}'))" ]
	grep -q '"openat"' "$DIR/nobase.json"
	grep -q '"accept4"' "$DIR/nobase.json"
}

@test "k8s sync: files it did not install, or that were changed since, are left alone" {
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	run_scprof push --plain-http "$TMP/web.json" "$REG/$NS/web:v1"
	mkdir -p "$DIR"
	echo '{"placed": "by hand"}' > "$DIR/hand.json"
	echo '{"placed": "by hand"}' > "$DIR/web.json"
	cp "$DIR/hand.json" "$TMP/hand.json"
	ln -s /etc/passwd "$DIR/link.json"

	# web.json is someone else's: left alone, the others installed, exit 1
	sync 1 --from "$REG/$NS/app:v1" --from "$REG/$NS/web:v1" --from "link=$REG/$NS/web:v1"
	[ "$output" = "installed scprof/app.json from $REG/$NS/app:v1 ($(state | awk '/^app/ {print $3}'))" ]
	[ "${stderr_lines[0]}" = "scprof: warning: k8s sync: left scprof/web.json alone: it exists and scprof k8s sync did not install it (remove it, or give the profile another NAME=)" ]
	[ "${stderr_lines[1]}" = "scprof: warning: k8s sync: left scprof/link.json alone: it exists and scprof k8s sync did not install it" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	cmp "$DIR/web.json" "$TMP/hand.json"
	[ "$(readlink "$DIR/link.json")" = /etc/passwd ]
	[ "$(state | cut -d' ' -f1)" = app.json ]

	# an installed file edited by hand: not updated, a warning, exit 1
	echo '{"edited": true}' > "$DIR/app.json"
	run_scprof push --plain-http "$TMP/app2.json" "$REG/$NS/app:v1"
	sync 1 --from "$REG/$NS/app:v1"
	[ -z "$output" ]
	[ "$stderr" = "scprof: warning: k8s sync: left scprof/app.json alone: it was changed since scprof k8s sync installed it (remove it to have it installed again)" ]
	[ "$(cat "$DIR/app.json")" = '{"edited": true}' ]
	# nor removed when its ref is dropped: forgotten, with a warning
	run_scprof push --plain-http "$TMP/web.json" "$REG/$NS/other:v1"
	sync 0 --from "$REG/$NS/other:v1"
	[ "$output" = "installed scprof/other.json from $REG/$NS/other:v1 ($(state | awk '/^other/ {print $3}'))" ]
	[ "$stderr" = "scprof: warning: k8s sync: left scprof/app.json alone: it was changed since scprof k8s sync installed it from $REG/$NS/app:v1, which is no longer listed; sync forgets it" ]
	[ "$(cat "$DIR/app.json")" = '{"edited": true}' ]
	[ "$(state | cut -d' ' -f1)" = other.json ]
	# a file deleted by hand is installed again
	rm "$DIR/other.json"
	sync 0 --from "$REG/$NS/other:v1"
	assert_output_contains "installed scprof/other.json"
	# what was never sync's is still there, untouched
	cmp "$DIR/hand.json" "$TMP/hand.json"
	cmp "$DIR/web.json" "$TMP/hand.json"
	[ -L "$DIR/link.json" ]
}

@test "k8s sync: a registry outage changes and removes nothing; the round after it does" {
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	run_scprof push --plain-http "$TMP/web.json" "$REG/$NS/web:v1"
	sync 0 --from "$REG/$NS/app:v1" --from "$REG/$NS/web:v1"
	run_scprof push --plain-http "$TMP/app2.json" "$REG/$NS/app:v1"
	d2=$output
	cp "$DIR/.scprof-sync.json" "$TMP/state-before"
	before_app=$(stamp "$DIR/app.json") before_web=$(stamp "$DIR/web.json")

	stop_registry registry
	# web is dropped while the registry is away: kept, as app's old version is
	sync 1 --from "$REG/$NS/app:v1"
	[ -z "$output" ]
	[[ ${stderr_lines[0]} == "scprof: k8s sync: failed scprof/app.json from $REG/$NS/app:v1: cannot reach registry '$REG': "* ]]
	[ "${stderr_lines[1]}" = "scprof: warning: k8s sync: not removing scprof/web.json (no longer listed) in a round that failed; the next one will" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "$(stamp "$DIR/app.json")" = "$before_app" ]
	[ "$(stamp "$DIR/web.json")" = "$before_web" ]
	cmp "$DIR/.scprof-sync.json" "$TMP/state-before"

	start_registry registry
	sync 0 --from "$REG/$NS/app:v1"
	[ "${lines[0]}" = "updated scprof/app.json from $REG/$NS/app:v1 ($d2)" ]
	[ "${lines[1]}" = "removed scprof/web.json ($REG/$NS/web:v1 is no longer listed)" ]
	[ -z "$stderr" ]
	[ ! -e "$DIR/web.json" ]

	# one ref that fails (a tag that is not there) fails alone, and blocks removals
	run_scprof push --plain-http "$TMP/web.json" "$REG/$NS/web:v1"
	dweb=$output
	sync 1 --from "$REG/$NS/web:v1" --from "$REG/$NS/app:nothing"
	[ "$output" = "installed scprof/web.json from $REG/$NS/web:v1 ($dweb)" ]
	[[ ${stderr_lines[0]} == "scprof: k8s sync: failed scprof/app.json from $REG/$NS/app:nothing: tag 'nothing' not found in '$REG/$NS/app' (404"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# app.json is listed (by another tag), so it is not removed either way
	[ -e "$DIR/app.json" ]
}

@test "k8s sync: signatures are checked as pull checks them" {
	cd "$TMP"
	run_scprof keygen signer
	run_scprof keygen other
	run_scprof push --plain-http --sign-key signer.key app.json "$REG/$NS/signed:v1"
	run_scprof push --plain-http app.json "$REG/$NS/unsigned:v1"
	sync 1 --verify-key other.pub --from "$REG/$NS/signed:v1" --from "$REG/$NS/unsigned:v1"
	[ -z "$output" ]
	[[ ${stderr_lines[0]} == "scprof: k8s sync: failed scprof/signed.json from $REG/$NS/signed:v1: no signature of "*" verifies with the key" ]]
	[[ ${stderr_lines[1]} == "scprof: k8s sync: failed scprof/unsigned.json from $REG/$NS/unsigned:v1: '$REG/$NS/unsigned:v1' is not signed: no signature at tag 'sha256-"* ]]
	[ ! -e "$DIR/signed.json" ]
	[ ! -e "$DIR/unsigned.json" ]
	# the default keys, as for pull
	mkdir -p config/scprof/keys
	cp signer.pub config/scprof/keys/
	sync 1 --from "$REG/$NS/signed:v1" --from "$REG/$NS/unsigned:v1"
	assert_output_contains "installed scprof/signed.json"
	[[ $stderr == *"is not signed"* ]]
	sync 0 --insecure-skip-verify --from "$REG/$NS/signed:v1" --from "$REG/$NS/unsigned:v1"
	assert_output_contains "installed scprof/unsigned.json"
	sync 2 --insecure-skip-verify --verify-key signer.pub --from "$REG/$NS/signed:v1"
	[[ $stderr == *"exclude each other"* ]]
}

@test "k8s sync: a reference that is not a profile artifact is one clear line" {
	# an ordinary container image (an OCI image config and a tar layer), made here
	python3 - "$TMP/lay/image" <<'PY'
import hashlib, io, json, os, sys, tarfile
d = sys.argv[1]
os.makedirs(os.path.join(d, "blobs", "sha256"))
def put(data, mt):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(d, "blobs", "sha256", h), "wb").write(data)
    return {"mediaType": mt, "digest": "sha256:" + h, "size": len(data)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    info = tarfile.TarInfo("hello.txt")
    info.size = 3
    t.addfile(info, io.BytesIO(b"hi\n"))
layer = put(buf.getvalue(), "application/vnd.oci.image.layer.v1.tar")
config = put(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}).encode(), "application/vnd.oci.image.config.v1+json")
m = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config, "layers": [layer]}).encode(), "application/vnd.oci.image.manifest.v1+json")
m["annotations"] = {"org.opencontainers.image.ref.name": "v1"}
json.dump({"schemaVersion": 2, "manifests": [m]}, open(os.path.join(d, "index.json"), "w"))
open(os.path.join(d, "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
	run skopeo copy "oci:$TMP/lay/image:v1" --dest-tls-verify=false "docker://$REG/$NS/image:v1"
	[ "$status" -eq 0 ]
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	sync 1 --from "$REG/$NS/image:v1" --from "local=oci:$TMP/lay/image:v1" --from "$REG/$NS/app:v1"
	[ "${stderr_lines[0]}" = "scprof: k8s sync: failed scprof/image.json from $REG/$NS/image:v1: '$REG/$NS/image:v1' is not a seccomp profile artifact (config media type 'application/vnd.oci.image.config.v1+json')" ]
	[ "${stderr_lines[1]}" = "scprof: k8s sync: failed scprof/local.json from oci:$TMP/lay/image:v1: 'oci:$TMP/lay/image:v1' is not a seccomp profile artifact (config media type 'application/vnd.oci.image.config.v1+json')" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# the profile among them is installed all the same
	assert_output_contains "installed scprof/app.json"
	assert_line_count 1
	[ ! -e "$DIR/image.json" ]
	[ ! -e "$DIR/local.json" ]
}

@test "k8s sync: names and directories that would escape are refused, a bad state file stops the round" {
	run_scprof push "$TMP/app.json" "oci:$TMP/lay/app:v1"
	for bad in '..=' '.hidden=' 'a b=' '=' '..json='; do
		sync 2 --from "${bad}oci:$TMP/lay/app:v1"
		[[ $stderr == *"a profile's file name must be a plain name"* ]]
	done
	# a layout whose directory gives no name
	sync 2 --from "oci:/"
	[[ $stderr == *"cannot keep 'oci:/' as '.json'"*"give one as NAME=REF"* ]]
	# a name with a '/' is a reference, and not a valid one
	sync 2 --from "../up=oci:$TMP/lay/app:v1"
	[[ $stderr == *"invalid repository name 'up=oci:$TMP/lay/app' in reference '../up=oci:"* ]]
	sync 2 --from "oci:$TMP/lay/app:v1" --from "app.json=oci:$TMP/lay/app:v1"
	[[ $stderr == *"would both be kept as 'app.json'"* ]]
	for bad in ../up /abs a/../b . .hidden; do
		run --separate-stderr "$SCPROF" k8s sync --once --root "$ROOT" --subdir "$bad" --from "oci:$TMP/lay/app:v1"
		[ "$status" -eq 2 ]
		[[ $stderr == *"must be a relative path of plain names"* ]]
	done
	mkdir -p "$ROOT"
	ln -s "$TMP" "$ROOT/link"
	run --separate-stderr "$SCPROF" k8s sync --once --root "$ROOT" --subdir link --from "oci:$TMP/lay/app:v1"
	[ "$status" -eq 2 ]
	[[ $stderr == *"leads outside the seccomp root"* ]]
	[ ! -e "$TMP/.scprof-sync.json" ]
	[ "$(ls -A "$ROOT")" = link ]

	# a state file that names a file outside: refused whole, nothing changed nor removed
	sync 0 --from "oci:$TMP/lay/app:v1"
	echo victim > "$TMP/victim.json"
	python3 - "$DIR/.scprof-sync.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["profiles"].append(dict(s["profiles"][0], file="../../victim.json"))
json.dump(s, open(sys.argv[1], "w"))
PY
	sync 2 --from "oci:$TMP/lay/app:v1"
	[[ $stderr == *"the state file '$DIR/.scprof-sync.json': entry 2 is not a plain file name"*"nothing was changed"* ]]
	[ "$(cat "$TMP/victim.json")" = victim ]
	[ -e "$DIR/app.json" ]
	echo '{"version": 2, "profiles": []}' > "$DIR/.scprof-sync.json"
	sync 2
	[[ $stderr == *"no --from given"* ]]
	sync 2 --from "oci:$TMP/lay/app:v1"
	[[ $stderr == *"is not one of version 1"* ]]
}

@test "k8s sync: a write cut short is finished by the next round; two syncs at once take turns" {
	for n in a b c d; do
		run_scprof push "$TMP/app.json" "oci:$TMP/lay/$n:v1"
	done
	sync 0 --from "oci:$TMP/lay/a:v1"
	# as if killed between recording a write and renaming the file: the file has the new
	# bytes, the state has them only as pending
	python3 - "$DIR/.scprof-sync.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = s["profiles"][0]
e["pending"] = {"digest": e["digest"], "content": e["content"]}
e["content"] = ""
json.dump(s, open(sys.argv[1], "w"))
PY
	before=$(stamp "$DIR/a.json")
	sync 0 --from "oci:$TMP/lay/a:v1"
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(stamp "$DIR/a.json")" = "$before" ]
	[ "$(state | cut -d' ' -f1)" = a.json ]

	# four syncs at once: each profile installed once, the state whole
	rm -rf "$ROOT"
	pids=()
	for i in 1 2 3 4; do
		timeout 60 "$SCPROF" k8s sync --once --root "$ROOT" --subdir scprof 			--from "oci:$TMP/lay/a:v1" --from "oci:$TMP/lay/b:v1" 			--from "oci:$TMP/lay/c:v1" --from "oci:$TMP/lay/d:v1" > "$TMP/out.$i" 2>&1 &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	cat "$TMP"/out.* > "$TMP/all"
	[ "$(grep -c '^installed' "$TMP/all")" -eq 4 ]
	[ "$(wc -l < "$TMP/all")" -eq 4 ]
	[ "$(state | cut -d' ' -f1 | tr '
' ' ')" = "a.json b.json c.json d.json " ]
}

@test "k8s sync: without --once, a new push is picked up, an outage survived, SIGTERM stops it" {
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	timeout 60 "$SCPROF" k8s sync --root "$ROOT" --subdir scprof --plain-http --retries 0 		--interval 1 --from "$REG/$NS/app:v1" > "$TMP/out" 2> "$TMP/err" &
	SYNC_PID=$!
	# wait_for TEXT FILE: until FILE has a line with TEXT (20 s at most)
	wait_for() {
		for _ in $(seq 1 200); do
			grep -q "$1" "$2" && return 0
			sleep 0.1
		done
		echo "# no '$1' in $2:" >&2
		sed 's/^/# > /' "$2" >&2
		return 1
	}
	wait_for "installed scprof/app.json" "$TMP/out"
	grep -q "keeping 1 profile in $ROOT/scprof, every 1 s" "$TMP/err"

	run_scprof push --plain-http "$TMP/app2.json" "$REG/$NS/app:v1"
	wait_for "updated scprof/app.json" "$TMP/out"
	cmp "$DIR/app.json" <("$SCPROF" convert --to oci "$TMP/app2.json")

	stop_registry registry
	wait_for "failed scprof/app.json" "$TMP/err"
	[ -e "$DIR/app.json" ]
	run_scprof push "$TMP/app.json" "oci:$TMP/lay/x:v1"
	start_registry registry
	run_scprof push --plain-http "$TMP/app.json" "$REG/$NS/app:v1"
	wait_for "updated scprof/app.json from $REG/$NS/app:v1 ($output)" "$TMP/out"

	kill -TERM "$SYNC_PID"
	status=0
	wait "$SYNC_PID" || status=$?
	SYNC_PID=
	[ "$status" -eq 0 ]
	grep -q "stopped by SIGTERM" "$TMP/err"
	# one line per change, nothing else on stdout; no temporary file left
	[ "$(wc -l < "$TMP/out")" -eq 3 ]
	[ "$(ls -A "$DIR" | tr '
' ' ')" = ".scprof-sync.json .scprof-sync.lock app.json " ]
}

@test "k8s sync: usage" {
	run_scprof 0 k8s sync --help
	assert_output_contains "--from [NAME=]REF"
	assert_output_contains "/var/lib/kubelet/seccomp"
	assert_output_contains "Exit status with --once"
	run_scprof 0 k8s --help
	assert_output_contains "sync"
	sync 2 --from "oci:$TMP/lay/x:v1" --interval 0
	[[ $stderr == *"--interval must be from 1 to 86400 seconds, not '0'"* ]]
	sync 2 --from "oci:$TMP/lay/x:v1" extra
	[[ $stderr == *"unexpected argument 'extra'"* ]]
	sync 2 --from "registry.example/Bad"
	[[ $stderr == *"invalid repository name"* ]]
	[ ! -e "$ROOT" ]
}

@test "deploy/k8s/daemonset.yaml: baseline finds only the hostPath, restricted adds only the root user" {
	m=$SCPROF_SRCDIR/deploy/k8s/daemonset.yaml
	ids() {
		python3 -c 'import json, sys; print(" ".join(f["id"] for f in json.load(sys.stdin)["findings"]))'
	}
	# the Namespace in front is skipped, with a note on stderr
	run --separate-stderr -1 "$SCPROF" k8s lint --level baseline --format json "$m"
	[ "$(ids <<<"$output")" = hostPathVolumes ]
	[[ $stderr == *"skipped: Namespace is not a Pod"* ]]
	run --separate-stderr -1 "$SCPROF" k8s lint --level restricted --format json "$m"
	[ "$(ids <<<"$output")" = "runAsNonRoot runAsUser restrictedVolumes" ]
}
