#!/usr/bin/env bats
# Base profiles: scprof resolve, and baseProfileName in every command that reads a profile.

load helpers

setup() {
	setup_tmp
	mkdir -p "$TMP/profiles" "$TMP/sub" "$TMP/site"
	# app.json -> NAME mid (./profiles, SPO YAML) -> PATH ../sub/low.json -> built-in runc
	cat > "$TMP/app.json" <<'JSON'
{
	"defaultAction": "SCMP_ACT_KILL_PROCESS",
	"architectures": ["SCMP_ARCH_X86_64"],
	"baseProfileName": "mid",
	"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]
}
JSON
	cat > "$TMP/profiles/mid.yaml" <<'YAML'
apiVersion: security-profiles-operator.x-k8s.io/v1
kind: SeccompProfile
metadata:
  name: mid
spec:
  defaultAction: SCMP_ACT_LOG
  baseProfileName: ../sub/low.json
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [write]
  - action: SCMP_ACT_ERRNO
    errnoRet: 38
    names: [ptrace]
YAML
	cat > "$TMP/sub/low.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "runc",
 "syscalls": [{"names": ["openat"], "action": "SCMP_ACT_ALLOW"}]}
JSON
	cd "$TMP"
}

teardown() {
	teardown_tmp
}

# profile_with_base FILE BASE: a one-rule profile naming BASE
profile_with_base() {
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "baseProfileName": "%s",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' "$2" > "$1"
}

@test "resolve: a chain of names, paths and runc, flattened into the child" {
	run_scprof resolve app.json
	echo "$output" > flat.json
	assert_output_contains '"defaultAction": "SCMP_ACT_KILL_PROCESS"'
	assert_output_contains '"SCMP_ARCH_X86_64"'
	assert_output_not_contains baseProfileName
	for n in read write openat execve capset fchown futex; do
		grep -qx "$n" <(names flat.json) || { echo "# $n missing"; return 1; }
	done
	# ptrace keeps its ERRNO(38) from the middle level
	run_scprof emulate flat.json ptrace
	assert_output_contains "ERRNO(38)"
	# canonical form
	run_scprof fmt --check flat.json
	# the same as merging the levels by hand
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "runc"}' > runc-only.json
	"$SCPROF" resolve -o runc.json runc-only.json
	"$SCPROF" merge --no-resolve app.json profiles/mid.yaml sub/low.json runc.json |
		grep -v baseProfileName > merged.json
	run_scprof diff --no-resolve flat.json merged.json
	[ -z "$output" ]
}

@test "resolve: -o writes the file, the format is kept, --to converts, --annotate" {
	run_scprof resolve -o out.json app.json
	[ -z "$output" ]
	run_scprof validate out.json
	cp profiles/mid.yaml m.yaml
	sed -i 's|\.\./sub/low.json|sub/low.json|' m.yaml
	run_scprof resolve m.yaml
	assert_output_contains "kind: SeccompProfile"
	assert_output_contains "defaultAction: SCMP_ACT_LOG"
	assert_output_not_contains "annotations"
	run_scprof resolve --annotate m.yaml
	assert_output_contains '    syscalls: "[{\"names\":[\"capget\",'
	run_scprof resolve --annotate --to spo-json app.json
	assert_output_contains '"syscalls": "[{\"names\":['
	assert_output_contains '\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}'
	run_scprof resolve --to oci m.yaml
	assert_output_contains '"defaultAction": "SCMP_ACT_LOG"'
	run_scprof 2 resolve --annotate app.json
	assert_output_contains "--annotate writes a SeccompProfile annotation"
	run_scprof 2 resolve --to xml app.json
	run_scprof 2 resolve app.json m.yaml
	run_scprof 2 resolve --no-resolve app.json
}

@test "resolve: from stdin, bases relative to the current directory" {
	run_scprof resolve - < sub/low.json
	assert_output_contains '"execve"'
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "sub/low.json"}' > in.json
	run_scprof resolve - < in.json
	assert_output_contains '"openat"'
}

@test "resolve: --profile-dir replaces the defaults, in order, and comes before built-ins" {
	profile_with_base top.json runc
	run_scprof resolve top.json
	assert_output_contains '"execve"'
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]}' > site/runc.json
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["gettid"], "action": "SCMP_ACT_ALLOW"}]}' > profiles/runc.yml
	# ./profiles is a default directory, before the built-in runc
	run_scprof resolve top.json
	assert_output_contains '"gettid"'
	assert_output_not_contains '"execve"'
	run_scprof resolve --profile-dir site --profile-dir profiles top.json
	assert_output_contains '"getpid"'
	assert_output_not_contains '"gettid"'
	run_scprof resolve --profile-dir profiles --profile-dir site top.json
	assert_output_contains '"gettid"'
	# a directory without it: the built-in
	run_scprof resolve --profile-dir sub top.json
	assert_output_contains '"execve"'
	profile_with_base d.json runtime/default
	run_scprof resolve --profile-dir sub d.json
	assert_output_contains '"futex"'
}

@test "resolve --help names the built-ins and runc's measured version; scprof --help lists resolve" {
	run_scprof resolve --help
	assert_output_contains "--profile-dir DIR"
	assert_output_contains "--annotate"
	assert_output_contains "measured with runc 1.1.5"
	assert_output_contains "At most 15 levels"
	run_scprof --help
	assert_output_contains "resolve"
}

@test "bad base: a cycle, named, exit 2, nothing written" {
	profile_with_base a.json b
	profile_with_base profiles/b.json ../a.json
	run_scprof 2 resolve -o out.json a.json
	assert_line_count 1
	assert_output_contains "./profiles/b.json:2:21: base profiles form a cycle: a.json -> ./profiles/b.json -> ./profiles/../a.json"
	[ ! -e out.json ]
	profile_with_base self.json self.json
	run_scprof 2 resolve self.json
	assert_output_contains "self.json:2:21: base profiles form a cycle: self.json -> self.json"
}

@test "bad base: one that does not exist says where it was looked for" {
	profile_with_base m.json nope
	run_scprof 2 resolve -o out.json m.json
	assert_line_count 1
	assert_output_contains "m.json:2:21: base profile 'nope' not found in ./profiles, /etc/scprof/profiles, or the built-in bases"
	[ ! -e out.json ]
	run_scprof 2 resolve --profile-dir site m.json
	assert_output_contains "not found in site, or the built-in bases"
	profile_with_base p.json sub/none.json
	run_scprof 2 resolve p.json
	assert_output_contains "p.json:2:21: cannot read base profile 'sub/none.json': No such file or directory"
}

@test "bad base: 16 levels are one too many, 15 resolve" {
	mkdir deep
	for i in $(seq 1 16); do
		if [ "$i" -lt 16 ]; then
			profile_with_base "deep/l$i.json" "l$((i + 1))"
		else
			printf '{"defaultAction": "SCMP_ACT_ERRNO"}' > deep/l16.json
		fi
	done
	run_scprof resolve --profile-dir deep deep/l2.json
	run_scprof 2 resolve --profile-dir deep -o out.json deep/l1.json
	assert_line_count 1
	assert_output_contains "deep/l15.json:2:21: more than 15 levels of base profiles: deep/l1.json -> deep/l2.json"
	assert_output_contains "deep/l15.json -> deep/l16.json"
	[ ! -e out.json ]
}

@test "bad base: a base that does not parse, at its own file:line:column" {
	profile_with_base b.json broken
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}\n' > profiles/broken.json
	run_scprof 2 resolve -o out.json b.json
	assert_line_count 1
	assert_output_contains "./profiles/broken.json:2:45: unknown action 'SCMP_ACT_ALOW'; did you mean 'SCMP_ACT_ALLOW'? (base profile of 'b.json')"
	[ ! -e out.json ]
	printf 'spec: [\n' > profiles/broken.yaml
	rm profiles/broken.json
	run_scprof 2 resolve b.json
	assert_line_count 1
	assert_output_contains "./profiles/broken.yaml:"
}

@test "bad base: an oci:// reference that cannot be pulled" {
	profile_with_base o.json "oci://oci:$TMP/no-layout:v1"
	run_scprof 2 resolve -o out.json o.json
	assert_line_count 1
	assert_output_contains "o.json:2:21: cannot pull base profile 'oci://oci:$TMP/no-layout:v1': '$TMP/no-layout' is not an OCI image layout"
	[ ! -e out.json ]
}

@test "compile, emulate, diff, validate and merge resolve bases; --no-resolve opts out" {
	run_scprof emulate app.json execve
	assert_output_contains "ALLOW"
	assert_output_contains "decided by a rule of app.json or of its base profiles"
	run_scprof emulate --no-resolve --no-enosys-stub app.json execve
	assert_output_contains "KILL_PROCESS"
	run_scprof resolve -o flat.json app.json
	run_scprof diff app.json flat.json
	[ -z "$output" ]
	run_scprof 1 diff --no-resolve app.json flat.json
	"$SCPROF" compile -f c app.json > a.c
	"$SCPROF" compile -f c flat.json > f.c
	cmp a.c f.c
	run_scprof compile --no-resolve -f c app.json
	[ "$output" != "$(cat a.c)" ]
	echo '{"defaultAction": "SCMP_ACT_ERRNO"}' > empty.json
	run_scprof merge empty.json app.json
	assert_output_contains '"execve"'
	assert_output_not_contains baseProfileName
	run_scprof merge --no-resolve empty.json app.json
	assert_output_not_contains '"execve"'
	assert_output_contains '"baseProfileName": "mid"'
	profile_with_base bad.json nope
	for cmd in "compile -f c" "emulate" "diff empty.json" "validate" "merge empty.json"; do
		args=(bad.json)
		[ "$cmd" = emulate ] && args=(bad.json read)
		run_scprof 2 $cmd "${args[@]}"
		assert_line_count 1
		assert_output_contains "base profile 'nope' not found"
	done
	run_scprof validate --no-resolve bad.json
	run_scprof compile --no-resolve -f c bad.json
}

@test "run resolves bases too (exit 125 when it cannot)" {
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "baseProfileName": "no-mkdir"}' > allow.json
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}' > profiles/no-mkdir.json
	run_scprof 1 run -p allow.json -- mkdir d1
	assert_output_contains "Permission denied"
	[ ! -e d1 ]
	run_scprof run --no-resolve -p allow.json -- mkdir d2
	[ -d d2 ]
	profile_with_base bad.json nope
	run_scprof 125 run -p bad.json -- true
	assert_line_count 1
	assert_output_contains "base profile 'nope' not found"
}

@test "fmt and convert keep baseProfileName as written" {
	run_scprof fmt app.json
	assert_output_contains '"baseProfileName": "mid"'
	run_scprof convert --to spo app.json
	assert_output_contains "baseProfileName: mid"
	profile_with_base bad.json nope
	run_scprof fmt bad.json
}
