// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/k8s: a container's effective security context from a manifest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "scprof/pod.h"
#include "scprof/syscalls.h"
#include "util/util.h"

#define ALL_CAPS 0x1ffffffffffULL

static const struct scprof_pod_opts defaults = {
	.image_uid = 0,
	.image_gid = 0,
	.privileged_caps = ALL_CAPS,
};

static struct scprof_pod_context *parse_with(const char *yaml, const struct scprof_pod_opts *o)
{
	struct scprof_pod_context *c = NULL;
	struct scprof_error *err = NULL;
	int r = scprof_pod_parse(yaml, strlen(yaml), "pod.yaml", o, &c, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	return c;
}

static struct scprof_pod_context *parse(const char *yaml)
{
	return parse_with(yaml, &defaults);
}

/* The error message of a manifest that must be refused, with its position. */
static char *refused_with(const char *yaml, const struct scprof_pod_opts *o, unsigned *line,
			  unsigned *col)
{
	struct scprof_pod_context *c = NULL;
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_pod_parse(yaml, strlen(yaml), "pod.yaml", o, &c, &err), -EINVAL);
	assert_null(c);
	char *msg = xstrdup(err->msg);
	*line = err->line;
	*col = err->col;
	scprof_error_free(err);
	return msg;
}

static char *refused(const char *yaml, unsigned *line, unsigned *col)
{
	return refused_with(yaml, &defaults, line, col);
}

static uint64_t cap(const char *name)
{
	return 1ULL << scprof_cap_by_name(name);
}

static void test_defaults(void **state)
{
	assert_int_equal(scprof_pod_default_caps(), 0xa80425fbULL);
	struct scprof_pod_context *c = parse("kind: Pod\n"
					     "metadata: {name: web}\n"
					     "spec:\n"
					     "  containers: [{name: app}]\n");
	assert_string_equal(c->container, "app");
	assert_string_equal(c->pod, "web_default()");
	assert_false(c->set_ids);
	assert_int_equal(c->caps, 0xa80425fbULL);
	assert_false(c->no_new_privs);
	assert_false(c->privileged);
	assert_int_equal(c->seccomp, SCPROF_POD_SECCOMP_UNCONFINED);
	assert_int_equal(c->n_unsupported, 0);
	scprof_pod_context_free(c);

	struct scprof_pod_opts o = defaults;
	o.seccomp_default = true;
	c = parse_with("kind: Pod\nspec:\n  containers: [{name: app}]\n", &o);
	assert_int_equal(c->seccomp, SCPROF_POD_SECCOMP_RUNTIME_DEFAULT);
	scprof_pod_context_free(c);
}

static void test_identity(void **state)
{
	struct scprof_pod_context *c = parse("kind: Pod\n"
					     "spec:\n"
					     "  securityContext:\n"
					     "    runAsUser: 4242\n"
					     "    runAsGroup: 2000\n"
					     "    fsGroup: 3000\n"
					     "    supplementalGroups: [4000, 3000]\n"
					     "    supplementalGroupsPolicy: Strict\n"
					     "  containers:\n"
					     "  - name: app\n"
					     "    securityContext: {runAsUser: 4343}\n");
	assert_true(c->set_ids);
	assert_int_equal(c->uid, 4343);
	assert_int_equal(c->gid, 2000);
	/* primary group, fsGroup, supplementalGroups, without repeats */
	assert_int_equal(c->n_groups, 3);
	assert_int_equal(c->groups[0], 2000);
	assert_int_equal(c->groups[1], 3000);
	assert_int_equal(c->groups[2], 4000);
	scprof_pod_context_free(c);

	/* fsGroup alone: the image's user and group stay, fsGroup joins them */
	struct scprof_pod_opts o = defaults;
	o.image_uid = 4444;
	o.image_gid = 55;
	c = parse_with("kind: Pod\n"
		       "spec:\n"
		       "  securityContext: {fsGroup: 777, supplementalGroupsPolicy: Strict}\n"
		       "  containers: [{name: app}]\n",
		       &o);
	assert_true(c->set_ids);
	assert_int_equal(c->uid, 4444);
	assert_int_equal(c->gid, 55);
	assert_int_equal(c->n_groups, 2);
	assert_int_equal(c->groups[1], 777);
	scprof_pod_context_free(c);
}

static void test_capabilities(void **state)
{
	struct scprof_pod_context *c;
	struct scprof_pod_opts o = defaults;
	const char *yaml =
		"kind: Pod\n"
		"spec:\n"
		"  containers:\n"
		"  - name: a\n"
		"    securityContext: {capabilities: {add: [sys_admin, CAP_BPF], drop: [KILL]}}\n"
		"  - name: b\n"
		"    securityContext: {capabilities: {add: [ALL], drop: [CHOWN]}}\n"
		"  - name: c\n"
		"    securityContext: {capabilities: {add: [KILL], drop: [all, KILL]}}\n"
		"  - name: d\n"
		"    securityContext:\n"
		"      privileged: true\n"
		"      capabilities: {drop: [ALL]}\n";
	static const struct {
		const char *name;
		uint64_t want;
	} cases[] = {
		{ "a", 0 },
		{ "b", ALL_CAPS },
		{ "c", 0 },
		{ "d", ALL_CAPS },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		o.container = cases[i].name;
		c = parse_with(yaml, &o);
		uint64_t want = cases[i].want;
		if (i == 0)
			want = (0xa80425fbULL | cap("SYS_ADMIN") | cap("BPF")) & ~cap("KILL");
		if (i == 1)
			want = ALL_CAPS & ~cap("CHOWN");
		assert_int_equal(c->caps, want);
		assert_int_equal(c->privileged, i == 3);
		scprof_pod_context_free(c);
	}
}

static void test_seccomp(void **state)
{
	const char *yaml =
		"kind: Pod\n"
		"metadata:\n"
		"  annotations:\n"
		"    seccomp.security.alpha.kubernetes.io/pod: localhost/pod.json\n"
		"    container.seccomp.security.alpha.kubernetes.io/ann: docker/default\n"
		"    container.seccomp.security.alpha.kubernetes.io/field: unconfined\n"
		"spec:\n"
		"  securityContext: {seccompProfile: {type: Unconfined}}\n"
		"  containers:\n"
		"  - {name: plain}\n"
		"  - {name: ann}\n"
		"  - name: field\n"
		"    securityContext: {seccompProfile: {type: Localhost, localhostProfile: a/b.json}}\n";
	struct scprof_pod_opts o = defaults;
	char root[] = "/tmp/scprof-k8s-XXXXXX";
	assert_non_null(mkdtemp(root));
	_cleanup_free_ char *dir = xasprintf("%s/a", root);
	_cleanup_free_ char *file = xasprintf("%s/a/b.json", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	o.seccomp_root = root;

	/* the pod field beats the pod annotation */
	o.container = "plain";
	struct scprof_pod_context *c = parse_with(yaml, &o);
	assert_int_equal(c->seccomp, SCPROF_POD_SECCOMP_UNCONFINED);
	assert_string_equal(c->seccomp_from, "spec.securityContext.seccompProfile.type");
	scprof_pod_context_free(c);
	/* the container annotation beats the pod field */
	o.container = "ann";
	c = parse_with(yaml, &o);
	assert_int_equal(c->seccomp, SCPROF_POD_SECCOMP_RUNTIME_DEFAULT);
	scprof_pod_context_free(c);
	/* the container field beats everything; its path is resolved under the root */
	o.container = "field";
	c = parse_with(yaml, &o);
	assert_int_equal(c->seccomp, SCPROF_POD_SECCOMP_LOCALHOST);
	char *real = realpath(file, NULL);
	assert_string_equal(c->seccomp_path, real);
	free(real);
	scprof_pod_context_free(c);

	char *out;
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_pod_resolve_localhost(root, "a/../a/b.json", &out, &err), -EINVAL);
	scprof_error_free(err);
	err = NULL;
	assert_int_equal(scprof_pod_resolve_localhost(root, "/etc/passwd", &out, &err), -EINVAL);
	scprof_error_free(err);
	err = NULL;
	_cleanup_free_ char *link = xasprintf("%s/out.json", root);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	assert_int_equal(scprof_pod_resolve_localhost(root, "out.json", &out, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "leads outside the seccomp root"));
	scprof_error_free(err);
	err = NULL;
	/* "..." and "a..b" are names, not parent directories */
	assert_int_equal(scprof_pod_resolve_localhost(root, "a..b", &out, &err), -ENOENT);
	scprof_error_free(err);
	unlink(link);
	unlink(file);
	rmdir(dir);
	rmdir(root);
}

static void test_sysctls(void **state)
{
	assert_int_equal(scprof_pod_sysctl_namespace("net.ipv4.tcp_syncookies"),
			 SCPROF_POD_SYSCTL_NET);
	assert_int_equal(scprof_pod_sysctl_namespace("kernel.shm_rmid_forced"),
			 SCPROF_POD_SYSCTL_IPC);
	assert_int_equal(scprof_pod_sysctl_namespace("kernel.msgmax"), SCPROF_POD_SYSCTL_IPC);
	assert_int_equal(scprof_pod_sysctl_namespace("kernel.sem"), SCPROF_POD_SYSCTL_IPC);
	assert_int_equal(scprof_pod_sysctl_namespace("fs.mqueue.msg_max"), SCPROF_POD_SYSCTL_IPC);
	assert_int_equal(scprof_pod_sysctl_namespace("kernel.semx"), SCPROF_POD_SYSCTL_NONE);
	assert_int_equal(scprof_pod_sysctl_namespace("kernel.hostname"), SCPROF_POD_SYSCTL_NONE);
	assert_int_equal(scprof_pod_sysctl_namespace("vm.swappiness"), SCPROF_POD_SYSCTL_NONE);

	struct scprof_pod_context *c =
		parse("kind: Pod\n"
		      "spec:\n"
		      "  securityContext:\n"
		      "    sysctls:\n"
		      "    - {name: net/ipv4/conf/eth0.100/rp_filter, value: \"1\"}\n"
		      "    - {name: kernel.shmmax, value: 65536}\n"
		      "  containers: [{name: app}]\n");
	assert_int_equal(c->n_sysctls, 2);
	assert_string_equal(c->sysctls[0].name, "net.ipv4.conf.eth0/100.rp_filter");
	assert_string_equal(c->sysctls[0].path, "net/ipv4/conf/eth0.100/rp_filter");
	assert_int_equal(c->sysctls[0].ns, SCPROF_POD_SYSCTL_NET);
	assert_string_equal(c->sysctls[1].path, "kernel/shmmax");
	assert_string_equal(c->sysctls[1].value, "65536");
	scprof_pod_context_free(c);
}

static void test_errors(void **state)
{
	static const struct {
		const char *yaml;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "kind: Service\n", 1, 7, "'Service' is not a Pod" },
		{ "apiVersion: v1\n", 1, 1, "not a Pod: the manifest has no kind" },
		{ "- kind: Pod\n", 1, 1, "not a Kubernetes manifest" },
		{ "kind: Deployment\nspec: {}\n", 1, 7, "Deployment has no pod template" },
		{ "kind: Pod\nspec:\n  containers: [{name: a}, {name: b}]\n", 0, 0,
		  "has 2 containers; choose one with --container: a, b" },
		{ "kind: Pod\nspec:\n  securityContext: {runAsUser: root}\n  containers: [{name: a}]\n",
		  3, 32, "runAsUser must be a numeric user id, not 'root'" },
		{ "kind: Pod\nspec:\n  securityContext: {runAsGroup: 2147483648}\n  containers: [{name: a}]\n",
		  3, 33, "must be a group id from 0 to 2147483647" },
		{ "kind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext: {capabilities: {add: [NOPE]}}\n",
		  5, 44, "unknown capability 'NOPE'" },
		{ "kind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext: {privileged: \"yes\"}\n",
		  5, 35, "privileged must be true or false" },
		{ "kind: Pod\nspec:\n  securityContext: {seccompProfile: {type: Localhost}}\n  containers: [{name: a}]\n",
		  3, 44, "localhostProfile must be set with type Localhost" },
		{ "kind: Pod\nspec:\n  securityContext: {seccompProfile: {type: Bogus}}\n  containers: [{name: a}]\n",
		  3, 44, "must be RuntimeDefault, Localhost or Unconfined, not 'Bogus'" },
		{ "kind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: localhost/../x}\nspec:\n  containers: [{name: a}]\n",
		  3, 59, "must be a relative path without '..'" },
		{ "kind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: nope}\nspec:\n  containers: [{name: a}]\n",
		  3, 59, "must be runtime/default, docker/default, unconfined or localhost/PATH" },
		{ "kind: Pod\nspec:\n  securityContext: {sysctls: [{name: kernel.hostname, value: x}]}\n  containers: [{name: a}]\n",
		  3, 38, "sysctl 'kernel.hostname' is not namespaced" },
		{ "kind: Pod\nspec:\n  hostIPC: true\n  securityContext: {sysctls: [{name: kernel.sem, value: x}]}\n  containers: [{name: a}]\n",
		  4, 38, "not allowed with host ipc enabled" },
		{ "kind: Pod\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a}]\n",
		  3, 35,
		  "container has runAsNonRoot and image will run as root (pod: \"_default()\", container: a)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned line, col;
		_cleanup_free_ char *msg = refused(cases[i].yaml, &line, &col);
		if (!strstr(msg, cases[i].msg) || line != cases[i].line || col != cases[i].col)
			fail_msg("case %zu: got %u:%u: %s", i, line, col, msg);
	}
	/* a non-root image user passes runAsNonRoot */
	struct scprof_pod_opts o = defaults;
	o.image_uid = 1000;
	struct scprof_pod_context *c = parse_with(
		"kind: Pod\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a}]\n",
		&o);
	assert_int_equal(c->uid, 1000);
	scprof_pod_context_free(c);
}

static void test_unsupported(void **state)
{
	struct scprof_pod_context *c =
		parse("kind: Pod\n"
		      "spec:\n"
		      "  securityContext: {futureField: 1, fsGroupChangePolicy: Always}\n"
		      "  containers:\n"
		      "  - name: a\n"
		      "    securityContext:\n"
		      "      appArmorProfile: {type: Localhost, localhostProfile: x}\n"
		      "      procMount: Default\n");
	assert_int_equal(c->n_unsupported, 2);
	assert_string_equal(c->unsupported[0].field, "spec.securityContext.futureField");
	assert_int_equal(c->unsupported[0].line, 3);
	assert_int_equal(c->unsupported[0].col, 21);
	assert_string_equal(c->unsupported[1].field,
			    "spec.containers[0].securityContext.appArmorProfile");
	scprof_pod_context_free(c);
}

static void test_workloads(void **state)
{
	static const char *const yamls[] = {
		"kind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n    spec:\n"
		"      containers: [{name: a, securityContext: {runAsUser: 7}}]\n",
		"kind: CronJob\nmetadata: {name: s}\nspec:\n  jobTemplate:\n    spec:\n      template:\n"
		"        spec:\n          containers: [{name: a, securityContext: {runAsUser: 7}}]\n",
		"kind: PodTemplate\nmetadata: {name: s}\ntemplate:\n  spec:\n"
		"    containers: [{name: a, securityContext: {runAsUser: 7}}]\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(yamls); i++) {
		struct scprof_pod_context *c = parse(yamls[i]);
		assert_int_equal(c->uid, 7);
		assert_string_equal(c->name, "s");
		scprof_pod_context_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_identity),
		cmocka_unit_test(test_capabilities), cmocka_unit_test(test_seccomp),
		cmocka_unit_test(test_sysctls),	     cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unsupported),  cmocka_unit_test(test_workloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
