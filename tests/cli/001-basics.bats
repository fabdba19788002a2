#!/usr/bin/env bats
# The command table, --help and --version.

load helpers

@test "no arguments prints usage and exits 2" {
	run_scprof 2
	assert_output_contains "usage: scprof"
}

@test "--help lists every command" {
	run_scprof --help
	for c in validate fmt convert merge diff explain compile disasm emulate run; do
		assert_output_contains "  $c "
	done
}

@test "--version" {
	run_scprof --version
	[[ "$output" =~ ^scprof\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "an unknown command suggests the closest one" {
	run_scprof 2 valdate x.json
	assert_output_contains "'valdate' is not a command; did you mean 'validate'?"
}

@test "every command has --help and rejects unknown options with exit 2" {
	for c in validate fmt convert merge diff explain compile disasm emulate; do
		run_scprof $c --help
		assert_output_contains "usage: scprof $c"
		run_scprof 2 $c --no-such-option
	done
	# run's own failures, usage included, are 125, as with runc and podman
	run_scprof run --help
	assert_output_contains "usage: scprof run"
	run_scprof 125 run --no-such-option
}

@test "an output that is not a file (/dev/null, a FIFO) is written to, not replaced" {
	setup_tmp
	run_scprof compile -o /dev/null runtime/default
	[ -c /dev/null ]
	mkfifo "$TMP/fifo"
	cat "$TMP/fifo" > "$TMP/got" &
	run_scprof convert --to oci -o "$TMP/fifo" "$SCPROF_SRCDIR/tests/data/profiles/default-only.json"
	wait
	[ -p "$TMP/fifo" ]
	grep -q defaultAction "$TMP/got"
	teardown_tmp
}
