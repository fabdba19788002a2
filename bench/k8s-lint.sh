#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# scprof k8s lint of 10,000 pod manifests in one 30 MB multi-document file at the
# restricted level, in parallel parts (one per CPU) and in one piece (--jobs 1),
# against reading the same file with PyYAML's libyaml loader in the same run (and
# the pure-Python loader with PURE=1: about a minute).  Prints a Markdown table;
# best of RUNS.
set -euo pipefail
scprof=$(realpath "${1:-build/cli/scprof}")
N=${N:-10000}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pods and Deployments shaped like real ones: init containers, probes, env, resources,
# volumes; a third of them restricted-compliant, the rest with typical findings.
python3 - "$work/pods.yaml" "$N" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
env = "".join("        - name: SETTING_%d\n          value: \"value-%d-abcdefghijklmnopqrstuvwxyz\"\n" % (k, k)
              for k in range(20))
with open(out, "w") as f:
    for i in range(n):
        ok = i % 3 == 0
        sc = ("allowPrivilegeEscalation: false\n          capabilities: {drop: [ALL]}"
              if ok else "privileged: %s" % ("true" if i % 7 == 1 else "false"))
        f.write("""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%(i)d
  namespace: team-%(t)d
  labels: {app: app-%(i)d, tier: backend, version: "1.%(i)d"}
  annotations:
    deployment.kubernetes.io/revision: "%(i)d"
spec:
  replicas: 3
  selector:
    matchLabels: {app: app-%(i)d}
  template:
    metadata:
      labels: {app: app-%(i)d, tier: backend}
    spec:
      serviceAccountName: app-%(i)d
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      initContainers:
      - name: migrate
        image: registry.example/team-%(t)d/migrate:1.%(i)d
        args: ["--up", "--timeout=60s"]
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
      containers:
      - name: app
        image: registry.example/team-%(t)d/app:1.%(i)d
        ports:
        - {containerPort: 8080, name: http}
        - {containerPort: 9090, name: metrics}
        env:
%(env)s        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 512Mi}
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
          periodSeconds: 5
        livenessProbe:
          httpGet: {path: /healthz, port: 8080}
        securityContext:
          %(sc)s
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
        - {name: config, mountPath: /etc/app}
      volumes:
      - name: tmp
        emptyDir: {}
      - name: config
        configMap: {name: app-%(i)d}
""" % {"i": i, "t": i % 40, "env": env, "sc": sc})
PY
size=$(stat -c %s "$work/pods.yaml")

now() { date +%s%N; }
# best_ms COMMAND...: the fastest of RUNS runs, in milliseconds
best_ms() {
	local best=0 t0 t1 ms
	for ((r = 0; r < RUNS; r++)); do
		t0=$(now)
		"$@" >/dev/null 2>&1 || [ $? -eq 1 ]
		t1=$(now)
		ms=$(((t1 - t0) / 1000000))
		if [ "$best" -eq 0 ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

lint_ms=$(best_ms "$scprof" k8s lint --level restricted "$work/pods.yaml")
one_ms=$(best_ms "$scprof" k8s lint --level restricted --jobs 1 "$work/pods.yaml")
json_ms=$(best_ms "$scprof" k8s lint --level restricted --format json "$work/pods.yaml")
findings=$("$scprof" k8s lint -f json "$work/pods.yaml" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || true)
c_ms=n/a
py_ms=n/a
if python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
	c_ms=$(best_ms python3 -c 'import sys, yaml; list(yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))' "$work/pods.yaml")
fi
if [ "${PURE:-0}" = 1 ] && python3 -c 'import yaml' 2>/dev/null; then
	py_ms=$(RUNS=1 best_ms python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$work/pods.yaml")
fi

echo "| What ($N manifests, $((size / 1000000)) MB, $findings findings) | Time (ms, best of $RUNS) |"
echo "|---|---|"
echo "| scprof k8s lint --level restricted (text) | $lint_ms |"
echo "| scprof k8s lint --level restricted --jobs 1 (one thread) | $one_ms |"
echo "| scprof k8s lint --level restricted --format json | $json_ms |"
echo "| python3 yaml.load_all, CSafeLoader (libyaml), parse only | $c_ms |"
[ "$py_ms" = n/a ] || echo "| python3 yaml.safe_load_all (pure Python), parse only, 1 run | $py_ms |"
