#!/usr/bin/env bats
# scprof audit on files: every source format and architecture, filters, outputs, bad input.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	CORPUS=$DATA/audit/corpus.log
}

teardown() {
	teardown_tmp
}

@test "the corpus decodes to the expected records (JSON lines)" {
	run_scprof audit --format json "$CORPUS"
	# stderr (the notes) is part of $output: compare stdout alone
	"$SCPROF" audit --format json "$CORPUS" 2>/dev/null > "$TMP/got.jsonl"
	diff -u "$DATA/audit/corpus.jsonl" "$TMP/got.jsonl"
	# every line is a JSON object
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/got.jsonl"
}

@test "calls are named on their own architecture" {
	"$SCPROF" audit --format json "$CORPUS" 2>/dev/null > "$TMP/got.jsonl"
	python3 - "$TMP/got.jsonl" <<-'EOF'
		import json, sys
		got = {}
		for l in open(sys.argv[1]):
		    r = json.loads(l)
		    if r["type"] == "SECCOMP":
		        got[(r["arch_token"], r["syscall"])] = (r["arch"], r["syscall_name"])
		want = {
		    ("c000003e", 257): ("x86_64", "openat"),
		    ("40000003", 102): ("x86", "socketcall"),
		    ("c000003e", 1073741824): ("x32", "read"),
		    ("c00000b7", 56): ("aarch64", "openat"),
		    ("40000028", 322): ("arm", "openat"),
		    ("c00000f3", 56): ("riscv64", "openat"),
		    ("80000016", 288): ("s390x", "openat"),
		    ("c0000015", 286): ("ppc64le", "openat"),
		    ("deadbeef", 1): (None, None),
		}
		for k, v in want.items():
		    assert got[k] == v, (k, got.get(k), v)
	EOF
}

@test "the table groups by executable and action, and notes kills, loss and malformed lines" {
	run_scprof audit "$CORPUS"
	assert_output_contains "EXECUTABLE"
	assert_output_contains "/bin/busybox     KILL_PROCESS"
	assert_output_contains "x86:socketcall"
	assert_output_contains "arch 0xdeadbeef:1"
	assert_output_contains "UNKNOWN(0x12340000)"
	assert_output_contains "2 processes killed by seccomp (SIGSYS): /bin/busybox, /usr/bin/bar"
	assert_output_contains "suppressed 42 lines"
	assert_output_contains "audit_lost=5"
	assert_output_contains "2 malformed seccomp records skipped"
	assert_output_contains "14 records"
}

@test "filters: --pid, --exe, --comm, --action, --since" {
	run_scprof audit --format json --pid 4242 "$CORPUS"
	[ "$(grep -c '"pid":4242' <<<"$output")" -eq 2 ]
	run_scprof audit --format json --exe /usr/bin/a "$CORPUS"
	assert_output_contains '"arch":"aarch64"'
	[ "$(grep -c '^{' <<<"$output")" -eq 1 ]
	run_scprof audit --format json --comm "my app" "$CORPUS"
	assert_output_contains '"exe":"/opt/my app/bin"'
	run_scprof audit --format json --action errno,trap "$CORPUS"
	[ "$(grep -c '^{' <<<"$output")" -eq 5 ]
	assert_output_not_contains '"action":"LOG"'
	# KILL covers the kill records and the processes they ended
	run_scprof audit --format json --action KILL "$CORPUS"
	assert_output_contains '"type":"ANOM_ABEND"'
	assert_output_contains '"action":"KILL_PROCESS"'
	# --since: records with a time stamp before it go; journald's lines have none and stay
	run_scprof audit --format json --since @1700000001.3 "$CORPUS"
	assert_output_not_contains '"serial":17'
	assert_output_contains '"serial":18'
	assert_output_contains '"pid":4243'
	run_scprof audit --format json --since "2023-11-14 22:13:21Z" "$CORPUS"
	assert_output_not_contains '"serial":14'
	assert_output_contains '"serial":15'
	run_scprof audit --since 10m "$CORPUS"
	assert_output_contains "2 of 14 records match"
}

@test "gzip-compressed, rotated and stdin input read the same" {
	"$SCPROF" audit --format json "$CORPUS" 2>/dev/null > "$TMP/plain"
	cp "$CORPUS" "$TMP/audit.log.1"
	gzip -c "$CORPUS" > "$TMP/audit.log.2.gz"
	"$SCPROF" audit --format json "$TMP/audit.log.2.gz" 2>/dev/null > "$TMP/gz"
	cmp "$TMP/plain" "$TMP/gz"
	"$SCPROF" audit --format json - < "$CORPUS" 2>/dev/null > "$TMP/stdin"
	cmp "$TMP/plain" "$TMP/stdin"
	gzip -dc "$TMP/audit.log.2.gz" | "$SCPROF" audit --format json - 2>/dev/null > "$TMP/pipe"
	cmp "$TMP/plain" "$TMP/pipe"
	run_scprof audit "$TMP/audit.log.2.gz" "$TMP/audit.log.1"
	assert_output_contains "28 records"
}

@test "a large file is read on several threads with the same result, in order" {
	for i in $(seq 1 6000); do cat "$CORPUS"; done > "$TMP/big.log"
	[ "$(stat -c %s "$TMP/big.log")" -gt $((16 * 1024 * 1024)) ]
	"$SCPROF" audit --format json "$TMP/big.log" 2>/dev/null > "$TMP/threads"
	"$SCPROF" audit --format json - < "$TMP/big.log" 2>/dev/null > "$TMP/one"
	cmp "$TMP/threads" "$TMP/one"
	run_scprof audit "$TMP/big.log"
	assert_output_contains "84000 records"
	assert_output_contains "12000 processes killed"
}

@test "--format profile allows what was denied or logged, per architecture" {
	run_scprof audit --format profile -o "$TMP/patch.json" "$CORPUS"
	run_scprof validate "$TMP/patch.json"
	python3 - "$TMP/patch.json" <<-'EOF'
		import json, sys
		p = json.load(open(sys.argv[1]))
		assert p["defaultAction"] == "SCMP_ACT_ERRNO"
		archs = set(p["architectures"])
		assert {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
		        "SCMP_ARCH_ARM"} <= archs, archs
		names = {n for r in p["syscalls"] for n in r["names"]}
		# denied or logged: allowed now
		assert {"openat", "ptrace", "socketcall", "read", "mount", "open"} <= names, names
		# TRACE, USER_NOTIF and ALLOW decisions are not denials
		assert "SCMP_ARCH_RISCV64" not in archs and "SCMP_ARCH_S390X" not in archs
	EOF
}

@test "--into adds the denied calls to a profile, prints what changed, keeps explicit denials" {
	cat > "$TMP/p.json" <<-'EOF'
		{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
		 "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
		             {"names":["ptrace"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
	EOF
	# "my app" is hex-encoded in the record
	grep -aE 'nginx|6D7920617070' "$CORPUS" > "$TMP/nginx.log"
	run_scprof audit --into "$TMP/p.json" "$TMP/nginx.log"
	assert_output_contains "+ openat"
	assert_output_contains "+ open"
	assert_output_contains "'$TMP/p.json' denies 'ptrace' explicitly: it stays denied"
	run_scprof validate "$TMP/p.json"
	run python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(sorted(n for r in p["syscalls"] if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"]))' "$TMP/p.json"
	[ "$output" = "['open', 'openat', 'read', 'write']" ]
	# again: nothing more to add
	run_scprof audit --into "$TMP/p.json" "$TMP/nginx.log"
	assert_output_contains "already allows every call: unchanged"
}

@test "--into leaves the profile alone when it cannot be read" {
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [\n' > "$TMP/bad.json"
	cp "$TMP/bad.json" "$TMP/bad.orig"
	run_scprof 2 audit --into "$TMP/bad.json" "$CORPUS"
	assert_output_contains "bad.json:"
	cmp "$TMP/bad.json" "$TMP/bad.orig"
}

@test "bad input: missing file, directory, corrupt gzip, huge line, binary file" {
	run_scprof 2 audit "$TMP/none.log"
	assert_output_contains "$TMP/none.log: No such file or directory"
	run_scprof 2 audit "$TMP"
	assert_output_contains "Is a directory"
	# one bad file does not stop the others
	run_scprof 2 audit "$TMP/none.log" "$CORPUS"
	assert_output_contains "14 records"
	gzip -c "$CORPUS" | head -c 200 > "$TMP/cut.gz"
	run_scprof 2 audit "$TMP/cut.gz"
	assert_output_contains "cut.gz: the gzip data ends early"
	printf '\x1f\x8bnot really gzip at all\n' > "$TMP/fake.gz"
	run_scprof 2 audit "$TMP/fake.gz"
	assert_output_contains "fake.gz: corrupt gzip data"
	# a 10 MB line is skipped and reported; the records around it count
	{ head -n 2 "$CORPUS"; head -c 10000000 /dev/zero | tr '\0' 'x'; echo; tail -n 8 "$CORPUS"; } > "$TMP/huge.log"
	run_scprof audit "$TMP/huge.log"
	assert_output_contains "1 line longer than 1048576 bytes skipped"
	assert_output_contains "3 records"
	# not a log at all: no records, and that is not an error
	run_scprof audit "$SCPROF"
	assert_output_not_contains "EXECUTABLE"
}

@test "usage errors" {
	run_scprof 2 audit --format yaml "$CORPUS"
	assert_output_contains "--format wants table, json or profile"
	run_scprof 2 audit --since yesterdayish "$CORPUS"
	assert_output_contains "--since wants"
	run_scprof 2 audit --action MAYBE "$CORPUS"
	assert_output_contains "unknown action 'MAYBE'"
	run_scprof 2 audit --pid abc "$CORPUS"
	run_scprof 2 audit --follow "$CORPUS" "$CORPUS"
	assert_output_contains "--follow reads one file"
	run_scprof 2 audit --follow -
	run_scprof 2 audit --source kmsg "$CORPUS"
	run_scprof 2 audit --source file
	run_scprof 2 audit --follow --format profile "$CORPUS"
	run_scprof 2 audit -o "$TMP/x" "$CORPUS"
	assert_output_contains "-o is for --format profile"
	[ ! -e "$TMP/x" ]
	run_scprof audit --help
	assert_output_contains "Usage: scprof audit"
}

@test "no /dev/kmsg: one clear line, exit 2" {
	if [ "$(id -u)" -ne 0 ]; then
		skip "hiding /dev/kmsg needs a mount namespace (root; CI is root)"
	fi
	run unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" audit --source kmsg' "$SCPROF"
	[ "$status" -eq 2 ]
	[[ "$output" == *"/dev/kmsg: No such file or directory"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "names from the log cannot drive the terminal: control bytes are escaped in the table" {
	# comm ESC[31mevil, exe /tmp/ESC[2j, hex-encoded as the kernel writes them
	printf 'audit: type=1326 audit(1700000002.000:20): auid=1 uid=1 gid=1 ses=2 pid=99 comm=1B5B33316D6576696C exe=2F746D702F1B5B326A sig=0 arch=c000003e syscall=2 compat=0 ip=0x7f code=0x7ffc0000\n' > "$TMP/esc.log"
	run_scprof audit "$TMP/esc.log"
	assert_output_contains '/tmp/\x1b[2j'
	[[ "$output" != *$'\x1b'* ]]
	# JSON escapes them its own way
	run_scprof audit --format json "$TMP/esc.log"
	assert_output_contains '"comm":"\u001b[31mevil"'
}
