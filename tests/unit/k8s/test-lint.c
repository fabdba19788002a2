// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/k8s/lint.c: each Pod Security Standards control and its versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "format/node.h"
#include "scprof/lint.h"
#include "util/util.h"

/* The ids of the findings of @yaml at @level and @version, space-separated ("" for none). */
static char *lint(const char *yaml, enum scprof_lint_level level, unsigned version)
{
	struct scprof_lint_opts o = { .level = level, .version = version };
	struct scprof_lint *l = scprof_lint_new(&o);
	struct scprof_error *err = NULL;
	if (scprof_lint_buf(l, yaml, strlen(yaml), "pod.yaml", &err) < 0)
		fail_msg("%s", err->msg);
	size_t n;
	scprof_lint_finish(l);
	const struct scprof_lint_finding *f = scprof_lint_findings(l, &n);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", sb.len ? " " : "", f[i].id);
	scprof_lint_free(l);
	return strbuf_detach(&sb);
}

#define B SCPROF_LINT_BASELINE
#define R SCPROF_LINT_RESTRICTED
#define LATEST SCPROF_LINT_LATEST

static void expect(const char *yaml, enum scprof_lint_level level, unsigned version,
		   const char *ids)
{
	char *got = lint(yaml, level, version);
	if (strcmp(got, ids))
		fail_msg("at %s v1.%u: expected '%s', got '%s' for\n%s",
			 level == B ? "baseline" : "restricted", version, ids, got, yaml);
	free(got);
}

/* A restricted-compliant pod with %s spliced into the container's securityContext. */
#define OK_POD                                                                              \
	"kind: Pod\nmetadata: {name: p}\nspec:\n"                                           \
	"  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n" \
	"  containers:\n  - name: c\n    image: i\n"                                        \
	"    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n"

static void test_clean(void **state)
{
	for (unsigned v = 0; v <= LATEST + 1; v++) {
		expect(OK_POD, B, v, "");
		expect(OK_POD, R, v, "");
	}
	expect("kind: Pod\nspec:\n  containers: [{name: c, image: i}]\n", B, LATEST, "");
}

static void test_baseline_pod_level(void **state)
{
	expect("kind: Pod\nspec: {hostNetwork: true, hostPID: false, hostIPC: true}\n", B, 0,
	       "hostNamespaces hostNamespaces");
	expect("kind: Pod\nspec: {securityContext: {windowsOptions: {hostProcess: true}}}\n", B, 0,
	       "windowsHostProcess");
	expect("kind: Pod\nspec: {volumes: [{name: v, hostPath: {path: /}}]}\n", B, 0,
	       "hostPathVolumes");
	expect("kind: Pod\nspec: {securityContext: {seLinuxOptions: {type: spc_t, role: r}}}\n", B,
	       0, "seLinuxOptions seLinuxOptions");
	expect("kind: Pod\nspec: {securityContext: {appArmorProfile: {type: Unconfined}}}\n", B, 0,
	       "appArmorProfile");
	expect("kind: Pod\nspec: {securityContext: {appArmorProfile: {}}}\n", B, 0,
	       "appArmorProfile");
}

static void test_baseline_containers(void **state)
{
	const char *p =
		"kind: Pod\nspec:\n  initContainers: [{name: i, securityContext: {privileged: true}}]\n"
		"  containers: [{name: c, ports: [{hostPort: 0}, {hostPort: 80}]}]\n"
		"  ephemeralContainers: [{name: e, securityContext: {capabilities: {add: [CHOWN, NET_RAW]}}}]\n";
	expect(p, B, LATEST, "privileged hostPorts capabilities_baseline");
	p = "kind: Pod\nspec:\n  containers: [{name: c, securityContext: {procMount: Unmasked}}]\n";
	expect(p, B, LATEST, "procMount");
	p = "kind: Pod\nspec:\n  hostUsers: false\n  containers: [{name: c, securityContext: {procMount: Unmasked}}]\n";
	expect(p, B, 34, "procMount");
	expect(p, B, 35, "");
	p = "kind: Pod\nspec:\n  containers: [{name: c, startupProbe: {httpGet: {host: h, port: 1}}}]\n";
	expect(p, B, 33, "");
	expect(p, B, 34, "hostProbesAndHostLifecycle");
	p = "kind: Pod\nspec:\n  containers: [{name: c, securityContext: {seLinuxOptions: {type: container_engine_t}}}]\n";
	expect(p, B, 30, "seLinuxOptions");
	expect(p, B, 31, "");
}

static void test_seccomp(void **state)
{
	const char *ann = "kind: Pod\nmetadata:\n  annotations:\n"
			  "    seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
			  "    container.seccomp.security.alpha.kubernetes.io/c: localhost/x\n"
			  "spec:\n  containers: [{name: c}]\n";
	expect(ann, B, 18, "seccompProfile_baseline");
	expect(ann, B, 19, "");
	const char *field =
		"kind: Pod\nspec:\n  securityContext: {seccompProfile: {type: Unconfined}}\n"
		"  containers: [{name: c}]\n";
	expect(field, B, 18, "");
	expect(field, B, 19, "seccompProfile_baseline");
	/* restricted: explicit and implicit, pod-level unset when every container sets it */
	const char *per_ctr =
		"kind: Pod\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n"
		"  - {name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Localhost, localhostProfile: x.json}}}\n"
		"  - {name: b, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}\n";
	expect(per_ctr, R, 18, "");
	expect(per_ctr, R, 19, "seccompProfile_restricted");
	const char *win =
		"kind: Pod\nspec:\n  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n"
		"  containers: [{name: c}]\n";
	expect(win, R, 24,
	       "seccompProfile_restricted capabilities_restricted allowPrivilegeEscalation");
	expect(win, R, 25, "");
}

static void test_restricted(void **state)
{
	const char *p = "kind: Pod\nspec:\n  containers: [{name: c}]\n";
	expect(p, R, 7, "runAsNonRoot");
	expect(p, R, 8, "runAsNonRoot allowPrivilegeEscalation");
	expect(p, R, 19, "seccompProfile_restricted runAsNonRoot allowPrivilegeEscalation");
	expect(p, R, 22,
	       "seccompProfile_restricted runAsNonRoot capabilities_restricted allowPrivilegeEscalation");
	p = "kind: Pod\nspec:\n  hostUsers: false\n"
	    "  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n"
	    "  containers: [{name: c, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}}]\n";
	expect(p, R, 22, "runAsNonRoot procMount");
	expect(p, R, 34, "runAsUser runAsNonRoot procMount");
	expect(p, R, 35, "procMount_restricted");
	p = "kind: Pod\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
	    "  volumes: [{name: a, emptyDir: {}}, {name: b}, {name: c, gitRepo: {repository: r}}, {name: d, image: {reference: r}}]\n"
	    "  containers: [{name: c, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CHOWN]}}}]\n";
	expect(p, R, LATEST, "restrictedVolumes capabilities_restricted");
	expect(p, B, LATEST, "");
}

static void test_sysctls(void **state)
{
	const char *p = "kind: Pod\nspec:\n  securityContext:\n    sysctls:\n"
			"    - {name: net.ipv4.tcp_wmem, value: x}\n"
			"    - {name: net.ipv4.tcp_slow_start_after_idle, value: '0'}\n";
	expect(p, B, 31, "sysctls sysctls");
	expect(p, B, 32, "sysctls");
	expect(p, B, 36, "sysctls");
	expect(p, B, 37, "");
}

static void test_workloads_and_problems(void **state)
{
	expect("kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
	       "          containers: [{name: c, securityContext: {privileged: true}}]\n",
	       B, LATEST, "privileged");
	expect("kind: List\nitems:\n- kind: Service\n- kind: DaemonSet\n  spec: {template: {spec: {hostPID: true}}}\n",
	       B, LATEST, "unknown-kind hostNamespaces");
	expect("kind: Deployment\nspec: {}\n", B, LATEST, "invalid");
	expect("kind: Pod\nspec:\n  containers: [{name: a}, {name: a}]\n", B, LATEST, "invalid");
	expect("---\n---\nkind: Pod\nspec: {hostIPC: true}\n---\n", B, LATEST, "hostNamespaces");
	/* a user name is no uid: the API server refuses it, we report it */
	expect(OK_POD "  - {name: d, securityContext: {runAsUser: root}}\n", R, LATEST,
	       "capabilities_restricted allowPrivilegeEscalation invalid");
}

static void test_positions(void **state)
{
	const char *yaml = "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n"
			   "  - name: c\n    securityContext:\n      privileged: true\n---\n"
			   "kind: Pod\nspec:\n  hostPID: true\n";
	struct scprof_lint_opts o = { .level = B, .version = LATEST };
	struct scprof_lint *l = scprof_lint_new(&o);
	assert_int_equal(scprof_lint_buf(l, yaml, strlen(yaml), "f.yaml", NULL), 0);
	scprof_lint_finish(l);
	size_t n;
	const struct scprof_lint_finding *f = scprof_lint_findings(l, &n);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].path, "spec.containers[0].securityContext.privileged");
	assert_string_equal(f[0].container, "c");
	assert_string_equal(f[0].value, "true");
	assert_string_equal(f[0].namespace, "ns");
	assert_int_equal(f[0].doc, 1);
	assert_int_equal(f[0].line, 7);
	assert_int_equal(f[0].col, 19);
	assert_int_equal(f[1].doc, 2);
	assert_null(f[1].name);
	assert_null(f[1].container);
	assert_int_equal(f[1].line, 11);
	assert_int_equal(scprof_lint_objects(l), 2);
	scprof_lint_free(l);
}

static void test_versions(void **state)
{
	unsigned v;
	assert_int_equal(scprof_lint_parse_version("latest", &v), 0);
	assert_int_equal(v, LATEST);
	assert_int_equal(scprof_lint_parse_version("v1.25", &v), 0);
	assert_int_equal(v, 25);
	assert_int_equal(scprof_lint_parse_version("v1.0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(scprof_lint_parse_version("1.25", &v), -EINVAL);
	assert_int_equal(scprof_lint_parse_version("v1.", &v), -EINVAL);
	assert_int_equal(scprof_lint_parse_version("v1.025", &v), -EINVAL);
	assert_int_equal(scprof_lint_parse_version("v2.0", &v), -EINVAL);
}

static int count_doc(struct node *doc, size_t index, void *data)
{
	size_t *n = data;
	assert_int_equal(index, *n);
	(*n)++;
	node_free(doc);
	return 0;
}

static void test_yaml_stream(void **state)
{
	/* anchors are per document: the alias in the second one is unknown */
	const char *s = "a: &x 1\nb: *x\n---\n[1, 2]\n---\n---\nc: *x\n";
	struct scprof_error *err = NULL;
	size_t n = 0;
	assert_int_equal(yaml_parse_stream(s, strlen(s), count_doc, &n, &err), -EINVAL);
	assert_int_equal(n, 3);
	assert_int_equal(err->line, 7);
	scprof_error_free(err);
	n = 0;
	assert_int_equal(yaml_parse_stream("", 0, count_doc, &n, NULL), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_baseline_pod_level),
		cmocka_unit_test(test_baseline_containers),
		cmocka_unit_test(test_seccomp),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_workloads_and_problems),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_yaml_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
