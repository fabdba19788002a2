#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Push and pull of a typical profile (Docker's default, 13 KB as OCI JSON) to a
# docker-registry on the loopback, against skopeo doing the same in the same run;
# prints a Markdown table.
#   push: scprof push PROFILE REG/REPO:TAG to a new repository each run (config
#         and layer uploaded), and to a new tag of one repository (the registry
#         has the blobs: HEAD only, as when a profile is pushed again); against
#         skopeo copy of the same artifact from an OCI layout, the same two ways.
#   pull: scprof pull --no-cache REG/REPO:TAG (HEAD by tag, then manifest and
#         layer by digest, verified) to a file; against skopeo copy of it to an
#         OCI layout, and skopeo inspect --raw (one manifest GET, no layer).
#         And scprof pull with its cache warm (HEAD by tag; manifest and layer
#         read from the cache and verified).
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
N=${N:-50}
work=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s%N; }
# per_run_ms COMMAND...: average wall time of N runs in milliseconds; the run
# number is in $i, for commands that want a new tag each time
per_run_ms() {
	local t0 t1
	t0=$(now)
	for ((i = 0; i < N; i++)); do eval "$@" >/dev/null 2>&1; done
	t1=$(now)
	echo "scale=3; ($t1 - $t0) / $N / 1000000" | bc
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/data
http:
  addr: 127.0.0.1:$port
YAML
timeout 900 /usr/bin/docker-registry serve "$work/config.yml" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
	sleep 0.05
done
reg=127.0.0.1:$port
"$scprof" convert --to oci runtime/default > "$work/profile.json"
"$scprof" push --plain-http "$work/profile.json" "$reg/bench/profile:seed" >/dev/null
"$scprof" push "$work/profile.json" "oci:$work/layout:seed" >/dev/null
export XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR"

new_ms=$(per_run_ms '"$scprof" push --plain-http "$work/profile.json" "$reg/bench/s$i:v1"')
skopeo_new_ms=$(per_run_ms 'skopeo copy --dest-tls-verify=false "oci:$work/layout:seed" "docker://$reg/bench/k$i:v1"')
push_ms=$(per_run_ms '"$scprof" push --plain-http "$work/profile.json" "$reg/bench/profile:s$i"')
skopeo_push_ms=$(per_run_ms 'skopeo copy --dest-tls-verify=false "oci:$work/layout:seed" "docker://$reg/bench/profile:k$i"')
export XDG_CACHE_HOME=$work/cache
pull_ms=$(per_run_ms '"$scprof" pull --plain-http --no-cache -o "$work/pulled.json" "$reg/bench/profile:seed"')
cached_ms=$(per_run_ms '"$scprof" pull --plain-http -o "$work/cached.json" "$reg/bench/profile:seed"')
skopeo_pull_ms=$(per_run_ms 'rm -rf "$work/copy"; skopeo copy --src-tls-verify=false "docker://$reg/bench/profile:seed" "oci:$work/copy:x"')
skopeo_raw_ms=$(per_run_ms 'skopeo inspect --raw --tls-verify=false "docker://$reg/bench/profile:seed"')
version_ms=$(per_run_ms '"$scprof" --version')
cmp "$work/pulled.json" "$work/profile.json"
cmp "$work/cached.json" "$work/profile.json"

ratio() { echo "scale=2; $1 / $2" | bc; }
size=$(stat -c %s "$work/profile.json")
echo "| benchmark | scprof | baseline | ratio |"
echo "|---|---|---|---|"
echo "| push, $size-byte profile, new repository (ms/run) | $new_ms | skopeo copy oci: -> docker://: $skopeo_new_ms | $(ratio "$new_ms" "$skopeo_new_ms") |"
echo "| push, $size-byte profile, new tag, blobs there (ms/run) | $push_ms | skopeo copy oci: -> docker://: $skopeo_push_ms | $(ratio "$push_ms" "$skopeo_push_ms") |"
echo "| pull --no-cache, verified, to a file (ms/run) | $pull_ms | skopeo copy docker:// -> oci:: $skopeo_pull_ms | $(ratio "$pull_ms" "$skopeo_pull_ms") |"
echo "| pull --no-cache (ms/run) | $pull_ms | skopeo inspect --raw (manifest only): $skopeo_raw_ms | $(ratio "$pull_ms" "$skopeo_raw_ms") |"
echo "| pull, cache warm (ms/run) | $cached_ms | skopeo inspect --raw (manifest only): $skopeo_raw_ms | $(ratio "$cached_ms" "$skopeo_raw_ms") |"
echo "| start-up: scprof --version (ms/run) | $version_ms | | |"
