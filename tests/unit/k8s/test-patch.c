// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/k8s/patch.c: text in, text out, for each shape a manifest takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scprof/patch.h"
#include "util/util.h"

static const struct scprof_patch_opts rd = { .container = "c",
					     .type = SCPROF_PATCH_RUNTIME_DEFAULT };
static const struct scprof_patch_opts rd_harden = { .container = "c",
						    .type = SCPROF_PATCH_RUNTIME_DEFAULT,
						    .harden = true };
static const struct scprof_patch_opts lh = { .container = "c",
					     .type = SCPROF_PATCH_LOCALHOST,
					     .localhost = "p/c.json" };
static const struct scprof_patch_opts pod_lh = { .type = SCPROF_PATCH_LOCALHOST,
						 .localhost = "p/pod.json",
						 .pod_level = true };

/* @in patched with @o must give @want, and @want patched again itself. */
static void expect(const char *in, const struct scprof_patch_opts *o, const char *want)
{
	struct scprof_patch_result *r = NULL;
	struct scprof_error *err = NULL;
	if (scprof_patch_buf(in, strlen(in), "m.yaml", o, &r, &err) < 0)
		fail_msg("patching\n%s\nfailed: %s", in, err->msg);
	if (r->len != strlen(want) || memcmp(r->text, want, r->len))
		fail_msg("patching\n%s\ngave\n%.*s\nexpected\n%s", in, (int)r->len, r->text, want);
	assert_int_equal(r->changed, strcmp(in, want) != 0);
	scprof_patch_result_free(r);
	assert_int_equal(scprof_patch_buf(want, strlen(want), "m.yaml", o, &r, NULL), 0);
	assert_false(r->changed);
	scprof_patch_result_free(r);
}

/* @in must be refused with a message that contains @msg, at @line:@col. */
static void refused(const char *in, const struct scprof_patch_opts *o, unsigned line, unsigned col,
		    const char *msg)
{
	struct scprof_patch_result *r = NULL;
	struct scprof_error *err = NULL;
	int e = scprof_patch_buf(in, strlen(in), "m.yaml", o, &r, &err);
	if (e != -EINVAL || !err)
		fail_msg("patching\n%s\ngave %d, expected -EINVAL with '%s'", in, e, msg);
	assert_null(r);
	if (!strstr(err->msg, msg) || err->line != line || err->col != col)
		fail_msg("got %u:%u: %s; expected %u:%u: ...%s...", err->line, err->col, err->msg,
			 line, col, msg);
	scprof_error_free(err);
}

#define POD "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"

static void test_yaml_block(void **state)
{
	/* absent: after the container's last entry, at its column, the file's steps */
	expect(POD "    image: i\n", &rd,
	       POD "    image: i\n    securityContext:\n      seccompProfile:\n"
		   "        type: RuntimeDefault\n");
	expect("kind: Pod\nspec:\n    containers:\n        - name: c\n          image: i\n", &lh,
	       "kind: Pod\nspec:\n    containers:\n        - name: c\n          image: i\n"
	       "          securityContext:\n              seccompProfile:\n"
	       "                  type: Localhost\n                  localhostProfile: p/c.json\n");
	/* lists under a key are indented as the file does it */
	expect("kind: Pod\nspec:\n  containers:\n    - name: c\n", &rd_harden,
	       "kind: Pod\nspec:\n  containers:\n    - name: c\n      securityContext:\n"
	       "        allowPrivilegeEscalation: false\n        capabilities:\n"
	       "          drop:\n            - ALL\n        runAsNonRoot: true\n"
	       "        seccompProfile:\n          type: RuntimeDefault\n");
	/* an existing value is replaced in place; comments and quotes stay */
	expect(POD "    securityContext:\n      seccompProfile:\n        type: 'Unconfined' # was\n"
		   "    image: i\n",
	       &rd,
	       POD
	       "    securityContext:\n      seccompProfile:\n        type: 'RuntimeDefault' # was\n"
	       "    image: i\n");
	/* another type's localhostProfile goes, on either side */
	expect(POD "    securityContext:\n      seccompProfile:\n        localhostProfile: a.json\n"
		   "        type: Localhost\n      runAsUser: 1\n",
	       &rd,
	       POD "    securityContext:\n      seccompProfile:\n        type: RuntimeDefault\n"
		   "      runAsUser: 1\n");
	/* empty and null values take a block */
	expect(POD "    securityContext:\n    image: i\n", &rd,
	       POD "    securityContext:\n      seccompProfile:\n        type: RuntimeDefault\n"
		   "    image: i\n");
	expect(POD "    securityContext: null\n", &rd,
	       POD "    securityContext:\n      seccompProfile:\n        type: RuntimeDefault\n");
	/* a block list loses only the items restricted refuses */
	expect(POD "    securityContext:\n      capabilities:\n        add:\n        - SYS_ADMIN\n"
		   "        # keep me\n        - NET_BIND_SERVICE\n        drop: [ALL, NET_RAW]\n",
	       &rd_harden,
	       POD "    securityContext:\n      capabilities:\n        add:\n"
		   "        # keep me\n        - NET_BIND_SERVICE\n        drop: [ALL, NET_RAW]\n"
		   "      allowPrivilegeEscalation: false\n      runAsNonRoot: true\n"
		   "      seccompProfile:\n        type: RuntimeDefault\n");
	/* nothing left to add: the key goes */
	expect(POD "    securityContext:\n      capabilities:\n        add:\n        - SYS_ADMIN\n"
		   "        drop:\n        - NET_RAW\n      allowPrivilegeEscalation: true\n"
		   "      runAsNonRoot: true\n      seccompProfile: {type: RuntimeDefault}\n",
	       &rd_harden,
	       POD "    securityContext:\n      capabilities:\n        drop:\n        - ALL\n"
		   "      allowPrivilegeEscalation: false\n      runAsNonRoot: true\n"
		   "      seccompProfile: {type: RuntimeDefault}\n");
}

static void test_yaml_flow(void **state)
{
	expect("kind: Pod\nspec: {containers: [{name: c}]}\n", &rd,
	       "kind: Pod\nspec: {containers: [{name: c, securityContext: "
	       "{seccompProfile: {type: RuntimeDefault}}}]}\n");
	expect(POD "    securityContext: {}\n", &lh,
	       POD "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: "
		   "p/c.json}}\n");
	expect(POD
	       "    securityContext: {seccompProfile: {localhostProfile: a, type: Localhost}}\n",
	       &rd, POD "    securityContext: {seccompProfile: {type: RuntimeDefault}}\n");
	expect(POD
	       "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: a}}\n",
	       &rd, POD "    securityContext: {seccompProfile: {type: RuntimeDefault}}\n");
	/* the only entry goes and another comes */
	expect(POD "    securityContext: {capabilities: {add: [SYS_ADMIN, NET_RAW]}}\n", &rd_harden,
	       POD "    securityContext: {capabilities: {drop: [ALL]}, allowPrivilegeEscalation: "
		   "false, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n");
	expect(POD "    securityContext: {capabilities: {add: [A, NET_BIND_SERVICE, B, C], drop: "
		   "[ALL]}, allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: "
		   "{type: RuntimeDefault}}\n",
	       &rd_harden,
	       POD "    securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: "
		   "[ALL]}, allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: "
		   "{type: RuntimeDefault}}\n");
	/* flow indicators in a path are quoted in flow context, not in block context */
	struct scprof_patch_opts odd = lh;
	odd.localhost = "a,b/{c}.json";
	expect(POD "    securityContext: {}\n", &odd,
	       POD "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: "
		   "\"a,b/{c}.json\"}}\n");
	expect(POD "    image: i\n", &odd,
	       POD "    image: i\n    securityContext:\n      seccompProfile:\n"
		   "        type: Localhost\n        localhostProfile: a,b/{c}.json\n");
}

static void test_line_breaks(void **state)
{
	/* CRLF, a lone CR, NEL: new lines end as the file's first line does */
	expect("kind: Pod\r\nspec:\r\n  containers:\r\n  - name: c\r\n", &rd,
	       "kind: Pod\r\nspec:\r\n  containers:\r\n  - name: c\r\n    securityContext:\r\n"
	       "      seccompProfile:\r\n        type: RuntimeDefault\r\n");
	expect("kind: Pod\rspec:\r  containers:\r  - name: c\r  - name: d\r", &rd,
	       "kind: Pod\rspec:\r  containers:\r  - name: c\r    securityContext:\r"
	       "      seccompProfile:\r        type: RuntimeDefault\r  - name: d\r");
	expect("kind: Pod\nspec:\n  containers:\n  - name: c\xc2\x85  - name: d\n", &rd,
	       "kind: Pod\nspec:\n  containers:\n  - name: c\xc2\x85    securityContext:\n"
	       "      seccompProfile:\n        type: RuntimeDefault\n  - name: d\n");
	/* no final line break: none added */
	expect(POD "    image: i", &rd,
	       POD "    image: i\n    securityContext:\n      seccompProfile:\n"
		   "        type: RuntimeDefault");
	/* a BOM stays */
	expect("\xef\xbb\xbf" POD, &rd,
	       "\xef\xbb\xbf" POD "    securityContext:\n      seccompProfile:\n"
	       "        type: RuntimeDefault\n");
}

static void test_json(void **state)
{
	expect("{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\n\t\t\"containers\": [{\"name\": \"c\"}]\n"
	       "\t}\n}\n",
	       &rd,
	       "{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\n\t\t\"containers\": [{\"name\": \"c\", "
	       "\"securityContext\": {\"seccompProfile\": {\"type\": \"RuntimeDefault\"}}}]\n"
	       "\t}\n}\n");
	expect("{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"containers\": [\n      {\n"
	       "        \"name\": \"c\",\n        \"securityContext\": {}\n      }\n    ]\n  }\n}\n",
	       &lh,
	       "{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"containers\": [\n      {\n"
	       "        \"name\": \"c\",\n        \"securityContext\": {\n"
	       "          \"seccompProfile\": {\n            \"type\": \"Localhost\",\n"
	       "            \"localhostProfile\": \"p/c.json\"\n          }\n        }\n"
	       "      }\n    ]\n  }\n}\n");
	expect("{\"kind\":\"Pod\",\"spec\":{\"securityContext\":null,\"containers\":[]}}", &pod_lh,
	       "{\"kind\":\"Pod\",\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":"
	       "\"Localhost\",\"localhostProfile\":\"p/pod.json\"}},\"containers\":[]}}");
	/* a List of JSON objects, with a member removed in the middle */
	expect("{\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\", \"spec\": {\"containers\": "
	       "[{\"name\": \"c\", \"securityContext\": {\"seccompProfile\": {\"type\": "
	       "\"Localhost\", \"localhostProfile\": \"x\", \"z\": 1}}}]}}]}",
	       &rd,
	       "{\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\", \"spec\": {\"containers\": "
	       "[{\"name\": \"c\", \"securityContext\": {\"seccompProfile\": {\"type\": "
	       "\"RuntimeDefault\", \"z\": 1}}}]}}]}");
}

static void test_pod_level_and_annotations(void **state)
{
	const char *in = "kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n"
			 "        seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
			 "        container.seccomp.security.alpha.kubernetes.io/c: unconfined\n"
			 "    spec:\n      containers:\n      - name: c\n";
	expect(in, &pod_lh,
	       "kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n"
	       "        seccomp.security.alpha.kubernetes.io/pod: localhost/p/pod.json\n"
	       "        container.seccomp.security.alpha.kubernetes.io/c: unconfined\n"
	       "    spec:\n      containers:\n      - name: c\n"
	       "      securityContext:\n        seccompProfile:\n          type: Localhost\n"
	       "          localhostProfile: p/pod.json\n");
	expect(in, &rd,
	       "kind: Deployment\nspec:\n  template:\n    metadata:\n      annotations:\n"
	       "        seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
	       "        container.seccomp.security.alpha.kubernetes.io/c: runtime/default\n"
	       "    spec:\n      containers:\n      - name: c\n        securityContext:\n"
	       "          seccompProfile:\n            type: RuntimeDefault\n");
	/* notes: what restricted still refuses */
	const char *uc = POD "  securityContext:\n    seccompProfile: {type: Unconfined}\n";
	struct scprof_patch_result *r = NULL;
	assert_int_equal(scprof_patch_buf(uc, strlen(uc), "m.yaml", &rd, &r, NULL), 0);
	assert_int_equal(r->notes.n, 1);
	assert_int_equal(r->notes.items[0].line, 7);
	assert_non_null(strstr(r->notes.items[0].msg, "Unconfined"));
	assert_int_equal(r->objects, 1);
	scprof_patch_result_free(r);
}

static void test_refused(void **state)
{
	refused("kind: Pod\nspec: [\n", &rd, 3, 1, "document 1: invalid YAML");
	refused(POD "---\nkind: Pod\nspec: {containers: [{name: c}, {name: c}]}\n", &rd, 8, 39,
		"document 2: duplicate container name 'c'");
	refused("kind: Job\nspec: {}\n", &rd, 1, 7, "Job/(no name) has no pod template");
	refused("kind: Pod\nspec: 1\n", &rd, 2, 7, "Pod/(no name) has no pod spec");
	refused("kind: Pod\nspec:\n  containers: {}\n", &pod_lh, 3, 15,
		"spec.containers must be a list, not an object");
	refused(POD "    securityContext: [1]\n", &rd, 6, 22,
		"spec.containers[0].securityContext must be an object, not a list");
	refused(POD "    securityContext: {seccompProfile: 1}\n", &rd, 6, 39,
		"securityContext.seccompProfile must be an object, not a number");
	refused(POD "    securityContext: {privileged: true}\n", &rd_harden, 6, 35,
		"is privileged");
	refused("kind: Pod\nspec: &s\n  containers:\n  - name: c\n", &rd, 2, 7,
		"spec carries a YAML anchor");
	refused(POD "    securityContext: {seccompProfile: {type: &t Unconfined}}\n"
		    "  - name: d\n    securityContext: {seccompProfile: {type: *t}}\n",
		&rd, 6, 46, "YAML anchor");
	refused(POD "    securityContext:\n      capabilities: {add: [A]}\n"
		    "      capabilities: {add: [B]}\n",
		&rd_harden, 8, 7,
		"spec.containers[0].securityContext has 'capabilities' twice (also at 7:7)");
	refused("x: 1\n", &rd, 0, 0, "no Pod nor workload with a pod template");
	struct scprof_patch_opts o = rd;
	o.container = "d";
	refused(POD "  initContainers: [{name: i}]\n", &o, 0, 0,
		"no container 'd'; containers: Pod/p: c, i (init)");

	struct scprof_patch_result *r = NULL;
	struct scprof_error *err = NULL;
	static const struct scprof_patch_opts bad[] = {
		{ .type = SCPROF_PATCH_RUNTIME_DEFAULT },
		{ .container = "", .type = SCPROF_PATCH_RUNTIME_DEFAULT },
		{ .pod_level = true, .harden = true },
		{ .container = "c", .type = SCPROF_PATCH_LOCALHOST, .localhost = "/abs" },
		{ .container = "c", .type = SCPROF_PATCH_LOCALHOST, .localhost = "a/../b" },
		{ .container = "c", .type = SCPROF_PATCH_LOCALHOST },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(scprof_patch_buf(POD, strlen(POD), "m", &bad[i], &r, &err),
				 -EINVAL);
		assert_null(r);
		assert_null(err->file);
		scprof_error_free(steal_ptr(&err));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_block),
		cmocka_unit_test(test_yaml_flow),
		cmocka_unit_test(test_line_breaks),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_pod_level_and_annotations),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
