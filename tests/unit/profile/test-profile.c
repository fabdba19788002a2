// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/profile: reading, writing, round trips, canonical form, merge, semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "profile/profile.h"
#include "scprof/semantic.h"

static struct scprof_profile *parse(const char *text, struct scprof_diags *d)
{
	struct scprof_profile *p = NULL;
	struct scprof_error *err = NULL;
	int r = scprof_profile_parse(text, strlen(text), "t", &p, d, &err);
	if (r < 0) {
		fprintf(stderr, "parse failed: %s\n", err->msg);
		scprof_error_free(err);
		return NULL;
	}
	return p;
}

/* read -> write -> read must give the same model, in every format. */
static void assert_round_trip(const struct scprof_profile *p, enum scprof_format f)
{
	char *out;
	size_t len;
	assert_int_equal(scprof_profile_write(p, f, 0, &out, &len, NULL), 0);
	struct scprof_profile *q = parse(out, NULL);
	assert_non_null(q);
	if (f == SCPROF_FORMAT_AUTO)
		assert_true(scprof_profile_equal(p, q));
	/* writing the reread model gives the same text */
	char *out2;
	size_t len2;
	assert_int_equal(scprof_profile_write(q, f, 0, &out2, &len2, NULL), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(out, out2, len);
	free(out);
	free(out2);
	scprof_profile_free(q);
}

static const char full_oci[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"defaultErrno\": \"ENOSYS\",\n"
	" \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]},\n"
	"             {\"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null}],\n"
	" \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"listenerPath\": \"/run/a.sock\",\n"
	" \"listenerMetadata\": \"meta\", \"baseProfileName\": \"runc\", \"x-top\": [1, 2],\n"
	" \"syscalls\": [\n"
	"  {\"name\": \"read\", \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"c\"},\n"
	"  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"},\n"
	"  {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EACCES\", \"x-rule\": true},\n"
	"  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
	"18446744073709551615, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}],\n"
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"amd64\"], \"minKernel\": \"5.4\"},\n"
	"   \"excludes\": {\"caps\": [\"CAP_BPF\"]}}]}\n";

static const char full_spo[] = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
			       "kind: SeccompProfile\n"
			       "metadata:\n"
			       "  name: web\n"
			       "  namespace: prod\n"
			       "  annotations:\n"
			       "    a: \"1\"\n"
			       "spec:\n"
			       "  defaultAction: SCMP_ACT_LOG\n"
			       "  baseProfileName: oci://example.com/base:1\n"
			       "  disabled: false\n"
			       "  architectures: [SCMP_ARCH_X86_64]\n"
			       "  syscalls:\n"
			       "  - names: [ioctl]\n"
			       "    action: SCMP_ACT_ALLOW\n"
			       "    args: [{index: 1, value: -2, op: SCMP_CMP_NE}]\n"
			       "status:\n"
			       "  status: Installed\n";

static void test_oci_round_trip(void **state)
{
	struct scprof_diags d = { 0 };
	struct scprof_profile *p = parse(full_oci, &d);
	assert_non_null(p);
	assert_int_equal(p->kind, SCPROF_KIND_OCI);
	assert_int_equal(p->default_errno_ret, 38);
	assert_string_equal(p->default_errno, "ENOSYS");
	assert_int_equal(p->n_arch_map, 2);
	assert_true(p->arch_map[1].sub_null);
	assert_true(p->rules[0].singular_name);
	assert_string_equal(p->rules[2].errno_name, "EACCES");
	assert_non_null(p->rules[2].extra);
	assert_non_null(p->extra);
	assert_true(p->rules[3].args[0].value == UINT64_MAX);
	assert_string_equal(p->rules[3].includes.min_kernel, "5.4");
	/* unknown keys are warnings, not errors */
	assert_int_equal(scprof_diags_count(&d, SCPROF_SEV_ERROR), 0);
	assert_int_equal(scprof_diags_count(&d, SCPROF_SEV_WARNING),
			 3); /* x-top, x-rule, defaultErrno with defaultErrnoRet */
	assert_round_trip(p, SCPROF_FORMAT_AUTO);
	assert_round_trip(p, SCPROF_FORMAT_SPO_YAML);
	assert_round_trip(p, SCPROF_FORMAT_SPO_JSON);
	scprof_diags_release(&d);
	scprof_profile_free(p);
}

static void test_spo_round_trip(void **state)
{
	struct scprof_profile *p = parse(full_spo, NULL);
	assert_non_null(p);
	assert_int_equal(p->kind, SCPROF_KIND_SPO);
	assert_int_equal(p->syntax, SCPROF_SYNTAX_YAML);
	assert_string_equal(p->name, "web");
	assert_int_equal(p->disabled, 0);
	assert_non_null(p->metadata_extra);
	assert_non_null(p->top_extra);
	assert_true(p->rules[0].args[0].value == (uint64_t)-2);
	assert_round_trip(p, SCPROF_FORMAT_AUTO);
	assert_round_trip(p, SCPROF_FORMAT_SPO_JSON);
	assert_round_trip(p, SCPROF_FORMAT_OCI_JSON);
	/* the same resource in JSON keeps its syntax */
	char *json;
	size_t len;
	assert_int_equal(scprof_profile_write(p, SCPROF_FORMAT_SPO_JSON, 0, &json, &len, NULL), 0);
	struct scprof_profile *q = parse(json, NULL);
	assert_int_equal(q->syntax, SCPROF_SYNTAX_JSON);
	q->syntax = SCPROF_SYNTAX_YAML;
	assert_true(scprof_profile_equal(p, q));
	free(json);
	scprof_profile_free(q);
	scprof_profile_free(p);
}

static void test_builtins(void **state)
{
	struct scprof_profile *p = NULL;
	struct scprof_diags d = { 0 };
	assert_int_equal(scprof_profile_load("runtime/default", &p, &d, NULL), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	assert_true(p->n_rules > 30);
	assert_round_trip(p, SCPROF_FORMAT_AUTO);
	scprof_profile_free(p);
	assert_int_equal(scprof_profile_load("unconfined", &p, NULL, NULL), 0);
	assert_int_equal(p->default_action, SCPROF_ACT_ALLOW);
	scprof_profile_free(p);
	assert_true(scprof_profile_is_builtin("runtime/default"));
	assert_false(scprof_profile_is_builtin("runtime/other"));
	scprof_diags_release(&d);
}

static void test_errors_have_positions(void **state)
{
	struct scprof_profile *p = NULL;
	struct scprof_error *err = NULL;
	const char *text =
		"{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [{\"names\": [\"read\"], \"action\": \"NOPE\"}]\n}";
	assert_int_equal(scprof_profile_parse(text, strlen(text), "f.json", &p, NULL, &err),
			 -EINVAL);
	assert_null(p);
	assert_string_equal(err->file, "f.json");
	assert_int_equal(err->line, 3);
	assert_int_equal(err->col, 46);
	assert_non_null(strstr(err->msg, "unknown action 'NOPE'"));
	scprof_error_free(err);
	err = NULL;
	assert_int_equal(scprof_profile_parse("{\"defaultAction\": ", 18, "g", &p, NULL, &err),
			 -EINVAL);
	assert_int_equal(err->line, 1);
	scprof_error_free(err);
}

static void test_canonical(void **state)
{
	const char *text =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\"],"
		" \"syscalls\": [{\"name\": \"write\", \"action\": \"SCMP_ACT_ALLOW\"},"
		" {\"names\": [\"b\", \"a\", \"b\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		" {\"names\": [\"c\"], \"action\": \"SCMP_ACT_KILL\"},"
		" {\"names\": [\"d\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	struct scprof_profile *p = parse(text, NULL);
	scprof_profile_canonicalize(p);
	assert_int_equal(p->n_rules, 3);
	assert_int_equal(p->rules[0].n_names, 3);
	assert_string_equal(p->rules[0].names[0].name, "a");
	assert_string_equal(p->rules[0].names[2].name, "write");
	assert_false(p->rules[0].singular_name);
	assert_string_equal(p->rules[1].names[0].name, "d");
	assert_int_equal(p->rules[1].args[0].index, 0);
	assert_int_equal(p->rules[2].action, SCPROF_ACT_KILL);
	assert_int_equal(p->n_flags, 2);
	/* canonical twice is canonical */
	struct scprof_profile *q = scprof_profile_copy(p);
	scprof_profile_canonicalize(q);
	assert_true(scprof_profile_equal(p, q));
	scprof_profile_free(q);
	scprof_profile_free(p);
}

static uint32_t eval(const char *text, const char *arch, const char *call, uint64_t a0)
{
	struct scprof_profile *p = parse(text, NULL);
	struct scprof_context ctx;
	scprof_context_init(&ctx);
	ctx.native = scprof_arch_by_name("x86_64");
	ctx.kernel_major = 6;
	ctx.kernel_minor = 1;
	struct scprof_semantic *s = NULL;
	assert_int_equal(scprof_semantic_build(p, &ctx, &s, NULL, NULL), 0);
	const struct scprof_arch *a = scprof_arch_by_name(arch);
	uint64_t args[6] = { a0 };
	uint32_t r = scprof_semantic_eval(s, a, scprof_syscall_nr(a, call), args, NULL);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	return r;
}

static void test_merge(void **state)
{
	struct scprof_profile *a = parse(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
		"{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_KILL\"},"
		"{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]},"
		"{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		NULL);
	struct scprof_profile *b =
		parse("{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": ["
		      "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},"
		      "{\"names\": [\"socket\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		      "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_TRAP\"}]}",
		      NULL);
	scprof_profile_merge(a, b);
	assert_int_equal(a->default_action, SCPROF_ACT_ERRNO);
	char *out;
	size_t len;
	assert_int_equal(scprof_profile_write(a, SCPROF_FORMAT_OCI_JSON, SCPROF_WRITE_COMPACT, &out,
					      &len, NULL),
			 0);
	assert_int_equal(eval(out, "x86_64", "ptrace", 0), SCPROF_RET_ERRNO | 13);
	assert_int_equal(eval(out, "x86_64", "socket", 2), SCPROF_RET_ALLOW);
	assert_int_equal(eval(out, "x86_64", "read", 0), SCPROF_RET_ALLOW);
	assert_int_equal(eval(out, "x86_64", "write", 0), SCPROF_RET_ALLOW);
	assert_int_equal(eval(out, "x86_64", "close", 0), SCPROF_RET_ERRNO | 1);
	/* no rule of socket with arguments is left */
	assert_null(strstr(out, "SCMP_CMP_EQ"));
	free(out);
	scprof_profile_free(a);
	scprof_profile_free(b);
}

static void test_semantics(void **state)
{
	const char *rd = NULL;
	size_t len;
	rd = profile_builtin_text("runtime/default", &len);
	/* includes.caps, excludes.caps, minKernel, archMap sub-architectures */
	assert_int_equal(eval(rd, "x86_64", "bpf", 0), SCPROF_RET_ERRNO | 1);
	assert_int_equal(eval(rd, "x86_64", "clone3", 0), SCPROF_RET_ERRNO | 38);
	assert_int_equal(eval(rd, "x86", "socketcall", 0), SCPROF_RET_ALLOW);
	assert_int_equal(eval(rd, "x32", "read", 0), SCPROF_RET_ALLOW);
	assert_int_equal(eval(rd, "aarch64", "read", 0), SCPROF_RET_KILL_THREAD);
	assert_int_equal(eval(rd, "x86_64", "socket", 40), SCPROF_RET_ERRNO | 1);
	assert_int_equal(eval(rd, "x86_64", "socket", 41), SCPROF_RET_ALLOW);
	/* MASKED_EQ: clone without namespace flags */
	assert_int_equal(eval(rd, "x86_64", "clone", 0x11), SCPROF_RET_ALLOW);
	assert_int_equal(eval(rd, "x86_64", "clone", 0x10000000), SCPROF_RET_ERRNO | 1);
	/* a repeated argument index turns conditions into alternatives (runc) */
	const char *rep =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		"{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	assert_int_equal(eval(rep, "x86_64", "personality", 1), SCPROF_RET_ALLOW);
	assert_int_equal(eval(rep, "x86_64", "personality", 2), SCPROF_RET_ALLOW);
	assert_int_equal(eval(rep, "x86_64", "personality", 3), SCPROF_RET_ERRNO | 1);
	/* 32-bit architectures compare the low word only */
	const char *hi =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"], \"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		"{\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	assert_int_equal(eval(hi, "x86", "personality", 0xffffffffffffffffULL), SCPROF_RET_ALLOW);
	assert_int_equal(eval(hi, "x86_64", "personality", 0xffffffffffffffffULL),
			 SCPROF_RET_ERRNO | 1);
	/* a rule equal to the default action is dropped; errnoRet makes it different */
	const char *same =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5}]}";
	assert_int_equal(eval(same, "x86_64", "read", 0), SCPROF_RET_ERRNO | 5);
}

static void test_context_parsing(void **state)
{
	uint64_t caps;
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_caps_parse("CAP_SYS_ADMIN,net_raw", &caps, NULL), 0);
	assert_true(caps == ((1ULL << 21) | (1ULL << 13)));
	assert_int_equal(scprof_caps_parse("CAP_NOPE", &caps, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "CAP_NOPE"));
	scprof_error_free(err);
	unsigned a, b;
	assert_int_equal(scprof_kernel_parse("6.1.0-18-amd64", &a, &b), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 1);
	assert_int_equal(scprof_kernel_parse("six", &a, &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_round_trip), cmocka_unit_test(test_spo_round_trip),
		cmocka_unit_test(test_builtins),       cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_canonical),      cmocka_unit_test(test_merge),
		cmocka_unit_test(test_semantics),      cmocka_unit_test(test_context_parsing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
