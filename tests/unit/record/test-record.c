// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/record without a recorder: observations, profile generation and merge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scprof/compile.h"
#include "scprof/record.h"
#include "scprof/semantic.h"
#include "util/util.h"

#define ALLOW SCPROF_RET_ALLOW
#define EPERM_RET (SCPROF_RET_ERRNO | 1)

static const struct scprof_arch *arch(const char *name)
{
	const struct scprof_arch *a = scprof_arch_by_name(name);
	assert_non_null(a);
	return a;
}

static int nr(const char *a, const char *name)
{
	int n = scprof_syscall_nr(arch(a), name);
	assert_true(n >= 0);
	return n;
}

static void observe(struct scprof_obs *o, const char *a, const char *name, uint64_t count)
{
	scprof_obs_add(o, arch(a), nr(a, name), count);
}

static void observe_arg(struct scprof_obs *o, const char *a, const char *name, uint64_t v1,
			uint64_t v2)
{
	observe(o, a, name, 1);
	scprof_obs_add_arg(o, arch(a), nr(a, name), v1, v2, 1);
}

static size_t arch_pos(const struct scprof_arch *a)
{
	size_t n;
	return (size_t)(a - scprof_arch_list(&n));
}

static bool rule_has(const struct scprof_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i].name, name))
			return true;
	return false;
}

/* The rule naming @name with (@args) or without arguments; NULL when none. */
static const struct scprof_rule *rule_of(const struct scprof_profile *p, const char *name,
					 bool args)
{
	const struct scprof_rule *found = NULL;
	for (size_t i = 0; i < p->n_rules; i++)
		if (rule_has(&p->rules[i], name) && (p->rules[i].n_args > 0) == args) {
			assert_null(found);
			found = &p->rules[i];
		}
	return found;
}

static size_t rules_of(const struct scprof_profile *p, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		n += rule_has(&p->rules[i], name);
	return n;
}

static void assert_arg(const struct scprof_arg *a, unsigned index, enum scprof_op op,
		       uint64_t value, uint64_t value_two)
{
	assert_int_equal(a->index, index);
	assert_int_equal(a->op, op);
	assert_int_equal(a->value, value);
	assert_int_equal(a->value_two, value_two);
}

/* Generated profiles must pass the checks a reader runs: no errors. */
static void assert_clean(const struct scprof_profile *p)
{
	struct scprof_diags d = { 0 };
	scprof_profile_check(p, &d);
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].severity == SCPROF_SEV_ERROR)
			print_error("check: %s\n", d.items[i].msg);
	assert_int_equal(scprof_diags_count(&d, SCPROF_SEV_ERROR), 0);
	scprof_diags_release(&d);
}

/* The SCMP_ARCH_ names of @names plus the native one, in scprof_arch_list() order. */
static void assert_arches(const struct scprof_profile *p, const char *const *names)
{
	size_t n_list, n = 0;
	const struct scprof_arch *list = scprof_arch_list(&n_list);
	for (size_t i = 0; i < n_list; i++) {
		bool want = &list[i] == scprof_arch_native();
		for (size_t j = 0; names[j]; j++)
			want |= arch(names[j]) == &list[i];
		if (!want)
			continue;
		assert_true(n < p->n_architectures);
		assert_string_equal(p->architectures[n], list[i].scmp_name);
		n++;
	}
	assert_int_equal(n, p->n_architectures);
}

static struct scprof_profile *generate(const struct scprof_obs *o,
				       const struct scprof_generate_opts *opts)
{
	struct scprof_profile *p = NULL;
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_record_generate(o, opts, &p, &err), 0);
	assert_null(err);
	assert_non_null(p);
	assert_clean(p);
	return p;
}

/*
 * What runc's filter returns for a call, through both the semantic view and
 * the compiled program run by our interpreter; they must agree.
 */
static uint32_t verdict(const struct scprof_profile *p, const char *a, const char *name,
			uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct scprof_context ctx;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	struct scprof_compile_opts copts;
	uint64_t args[6] = { a0, a1, a2 };
	struct scprof_seccomp_data data = { .nr = nr(a, name), .arch = arch(a)->token };
	uint32_t sem, bpf;

	scprof_context_init(&ctx);
	ctx.native = arch("x86_64");
	assert_int_equal(scprof_semantic_build(p, &ctx, &s, NULL, NULL), 0);
	sem = scprof_semantic_eval(s, arch(a), data.nr, args, NULL);
	scprof_compile_opts_init(&copts);
	assert_int_equal(scprof_compile(s, p, &copts, &prog, NULL), 0);
	memcpy(data.args, args, sizeof(args));
	assert_int_equal(scprof_bpf_run(prog, &data, &bpf, NULL), 0);
	assert_int_equal(sem, bpf);
	scprof_bpf_free(prog);
	scprof_semantic_free(s);
	return sem;
}

static void test_obs_calls(void **state)
{
	struct scprof_obs *o = scprof_obs_new(), *o2 = scprof_obs_new();
	const struct scprof_arch *x64 = arch("x86_64"), *x86 = arch("x86");
	size_t n;

	scprof_obs_add(o, x86, nr("x86", "read"), 2);
	scprof_obs_add(o, x64, nr("x86_64", "write"), 3);
	scprof_obs_add(o, x64, nr("x86_64", "read"), 1);
	scprof_obs_add(o, x64, nr("x86_64", "read"), 4);
	scprof_obs_add(o, x64, 4000, 1); /* no such syscall */
	assert_int_equal(scprof_obs_count(o), 4);

	struct scprof_obs_call *c = scprof_obs_calls(o, &n);
	assert_int_equal(n, 4);
	for (size_t i = 1; i < n; i++)
		assert_true(arch_pos(c[i - 1].arch) < arch_pos(c[i].arch) ||
			    (c[i - 1].arch == c[i].arch && c[i - 1].nr < c[i].nr));
	for (size_t i = 0; i < n; i++) {
		if (c[i].arch == x64 && c[i].nr == nr("x86_64", "read")) {
			assert_string_equal(c[i].name, "read");
			assert_int_equal(c[i].count, 5);
		} else if (c[i].arch == x64 && c[i].nr == 4000) {
			assert_null(c[i].name);
		} else if (c[i].arch == x86) {
			assert_string_equal(c[i].name, "read");
			assert_int_equal(c[i].count, 2);
		} else {
			assert_string_equal(c[i].name, "write");
			assert_int_equal(c[i].count, 3);
		}
	}
	free(c);

	/* many distinct entries: the table grows */
	for (int i = 0; i < 300; i++)
		scprof_obs_add(o2, x64, i, (uint64_t)i + 1);
	scprof_obs_add(o2, x64, nr("x86_64", "read"), 10);
	scprof_obs_merge(o2, o);
	assert_int_equal(scprof_obs_count(o2), 302);
	c = scprof_obs_calls(o2, &n);
	assert_int_equal(n, 302);
	for (size_t i = 0; i < n; i++) {
		if (c[i].arch == x64 && c[i].nr == nr("x86_64", "read"))
			assert_int_equal(c[i].count, (uint64_t)nr("x86_64", "read") + 1 + 10 + 5);
		if (c[i].arch == x64 && c[i].nr == 299)
			assert_int_equal(c[i].count, 300);
	}
	free(c);
	scprof_obs_free(o);
	scprof_obs_free(o2);
	scprof_obs_free(NULL);
}

static void test_obs_argvals(void **state)
{
	struct scprof_obs *o = scprof_obs_new(), *o2 = scprof_obs_new();
	const struct scprof_arch *x64 = arch("x86_64");
	int ioctl = nr("x86_64", "ioctl"), socket = nr("x86_64", "socket");
	size_t n;

	scprof_obs_add_arg(o, x64, socket, 2, 1, 1);
	scprof_obs_add_arg(o, x64, ioctl, 0x5421, 0, 2);
	scprof_obs_add_arg(o, x64, ioctl, 0x5401, 0, 1);
	scprof_obs_add_arg(o, x64, socket, 1, 2, 1);
	scprof_obs_add_arg(o, x64, socket, 2, 1, 3);
	scprof_obs_add_arg(o2, x64, ioctl, 0x5401, 0, 5);
	scprof_obs_merge(o2, o);
	/* argument values are not calls */
	assert_int_equal(scprof_obs_count(o2), 0);

	struct scprof_obs_argval *v = scprof_obs_argvals(o2, &n);
	assert_int_equal(n, 4);
	/* sorted by number, then values */
	int first = ioctl < socket ? 0 : 2, second = ioctl < socket ? 2 : 0;
	assert_string_equal(v[first].name, "ioctl");
	assert_int_equal(v[first].v1, 0x5401);
	assert_int_equal(v[first].count, 6);
	assert_int_equal(v[first + 1].v1, 0x5421);
	assert_int_equal(v[first + 1].count, 2);
	assert_string_equal(v[second].name, "socket");
	assert_int_equal(v[second].v1, 1);
	assert_int_equal(v[second].v2, 2);
	assert_int_equal(v[second + 1].v1, 2);
	assert_int_equal(v[second + 1].v2, 1);
	assert_int_equal(v[second + 1].count, 4);
	assert_ptr_equal(v[0].arch, x64);
	free(v);
	scprof_obs_free(o);
	scprof_obs_free(o2);
}

static void test_obs_arg_spec(void **state)
{
	int a1 = 9, a2 = 9;

	assert_true(scprof_obs_arg_spec(arch("x86_64"), "ioctl", &a1, &a2));
	assert_int_equal(a1, 1);
	assert_int_equal(a2, -1);
	assert_true(scprof_obs_arg_spec(arch("x86_64"), "socket", &a1, &a2));
	assert_int_equal(a1, 0);
	assert_int_equal(a2, 1);
	assert_true(scprof_obs_arg_spec(arch("x86_64"), "clone", &a1, &a2));
	assert_int_equal(a1, 0);
	assert_true(scprof_obs_arg_spec(arch("s390x"), "clone", &a1, &a2));
	assert_int_equal(a1, 1);
	assert_true(scprof_obs_arg_spec(arch("x86_64"), "mprotect", &a1, &a2));
	assert_int_equal(a1, 2);
	assert_true(scprof_obs_arg_spec(arch("x86"), "mmap2", &a1, &a2));
	assert_int_equal(a1, 2);
	/* i386's old mmap passes a pointer to its arguments */
	assert_false(scprof_obs_arg_spec(arch("x86"), "mmap", &a1, &a2));
	assert_false(scprof_obs_arg_spec(arch("x86_64"), "clone3", &a1, &a2));
	assert_false(scprof_obs_arg_spec(arch("x86_64"), "read", &a1, &a2));
	assert_false(scprof_obs_arg_spec(arch("x86_64"), NULL, &a1, &a2));
}

static void test_generate_plain(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	const char *const x64[] = { "x86_64", NULL };

	observe(o, "x86_64", "read", 10);
	observe(o, "x86_64", "write", 3);
	observe(o, "x86_64", "openat", 1);
	scprof_obs_add(o, arch("x86_64"), 4000, 2); /* ENOSYS anyway */

	struct scprof_profile *p = generate(o, NULL);
	assert_int_equal(p->kind, SCPROF_KIND_OCI);
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	assert_true(p->has_default_errno_ret);
	assert_int_equal(p->default_errno_ret, 1);
	assert_arches(p, x64);
	assert_int_equal(p->n_rules, 1);
	const struct scprof_rule *r = &p->rules[0];
	assert_int_equal(r->action, SCPROF_ACT_ALLOW);
	assert_null(r->comment);
	const char *want[] = { "exit",	       "exit_group", "openat", "read", "restart_syscall",
			       "rt_sigreturn", "write" };
	assert_int_equal(r->n_names, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(r->names[i].name, want[i]);
	assert_int_equal(verdict(p, "x86_64", "read", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "mount", 0, 0, 0), EPERM_RET);

	/* the result is canonical and writes and reads back the same */
	struct scprof_profile *copy = scprof_profile_copy(p);
	scprof_profile_canonicalize(copy);
	assert_true(scprof_profile_equal(p, copy));
	scprof_profile_free(copy);
	char *text;
	size_t len;
	assert_int_equal(scprof_profile_write(p, SCPROF_FORMAT_AUTO, 0, &text, &len, NULL), 0);
	assert_int_equal(scprof_profile_parse(text, len, "generated", &copy, NULL, NULL), 0);
	assert_true(scprof_profile_equal(p, copy));
	scprof_profile_free(copy);
	free(text);
	scprof_profile_free(p);

	/* nothing observed: still the calls every process makes, for the native arch */
	scprof_obs_free(o);
	o = scprof_obs_new();
	p = generate(o, NULL);
	const char *const none[] = { NULL };
	assert_arches(p, none);
	assert_int_equal(p->n_rules, 1);
	assert_true(rule_has(&p->rules[0], "exit_group"));
	assert_false(rule_has(&p->rules[0], "read"));
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_arches(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	const char *const both[] = { "x86", "x86_64", NULL };

	observe(o, "x86", "read", 1);
	observe(o, "x86", "socketcall", 1);
	observe(o, "x86_64", "write", 1);
	struct scprof_profile *p = generate(o, NULL);
	assert_arches(p, both);
	const struct scprof_rule *r = rule_of(p, "read", false);
	assert_non_null(r);
	/* names are the union over the architectures */
	assert_true(rule_has(r, "write"));
	assert_true(rule_has(r, "socketcall"));
	/* i386 has the old sigreturn */
	assert_true(rule_has(r, "sigreturn"));
	assert_int_equal(verdict(p, "x86", "sigreturn", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86", "read", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "read", 0, 0, 0), ALLOW);
	scprof_profile_free(p);
	scprof_obs_free(o);

	/* x86_64 alone has no sigreturn */
	o = scprof_obs_new();
	observe(o, "x86_64", "read", 1);
	p = generate(o, NULL);
	if (scprof_arch_native() == arch("x86_64"))
		assert_false(rule_has(rule_of(p, "read", false), "sigreturn"));
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_default_action(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .default_action = SCPROF_ACT_KILL_PROCESS };
	struct scprof_profile *p;
	struct scprof_error *err = NULL;

	observe(o, "x86_64", "read", 1);
	p = generate(o, &opts);
	assert_int_equal(p->default_action, SCPROF_ACT_KILL_PROCESS);
	assert_false(p->has_default_errno_ret);
	assert_int_equal(verdict(p, "x86_64", "mount", 0, 0, 0), SCPROF_RET_KILL_PROCESS);
	scprof_profile_free(p);

	opts.default_action = SCPROF_ACT_LOG;
	p = generate(o, &opts);
	assert_int_equal(p->default_action, SCPROF_ACT_LOG);
	assert_false(p->has_default_errno_ret);
	scprof_profile_free(p);

	opts.default_action = SCPROF_ACT_ERRNO;
	p = generate(o, &opts);
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	assert_int_equal(p->default_errno_ret, 1);
	scprof_profile_free(p);

	opts.default_action = SCPROF_ACT_TRAP;
	p = (struct scprof_profile *)1;
	assert_int_equal(scprof_record_generate(o, &opts, &p, &err), -EINVAL);
	assert_null(p);
	assert_non_null(strstr(err->msg, "unsupported default action 'SCMP_ACT_TRAP'"));
	scprof_error_free(err);
	scprof_obs_free(o);
}

static void test_generate_runtime(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .for_runtime = "runc" };
	struct scprof_profile *p;
	struct scprof_error *err = NULL;
	const char *version = NULL;
	const char *const *runc = scprof_runtime_syscalls("runc", &version);

	assert_non_null(runc);
	assert_non_null(version);
	assert_true(version[0] != '\0');
	assert_null(scprof_runtime_syscalls("crun", &version));
	assert_null(version);
	assert_ptr_equal(scprof_runtime_syscalls("runc", NULL), runc);

	observe(o, "x86_64", "read", 1);
	p = generate(o, &opts);
	const struct scprof_rule *r = rule_of(p, "read", false);
	assert_non_null(r);
	for (size_t i = 0; runc[i]; i++)
		if (scprof_syscall_nr(arch("x86_64"), runc[i]) >= 0 &&
		    scprof_arch_native() == arch("x86_64"))
			assert_true(rule_has(r, runc[i]));
	scprof_profile_free(p);

	opts.for_runtime = "podman";
	p = (struct scprof_profile *)1;
	assert_int_equal(scprof_record_generate(o, &opts, &p, &err), -EINVAL);
	assert_null(p);
	assert_int_equal(err->code, -EINVAL);
	assert_string_equal(err->msg, "unknown runtime 'podman' (known: runc)");
	scprof_error_free(err);
	/* no *err asked for */
	assert_int_equal(scprof_record_generate(o, &opts, &p, NULL), -EINVAL);
	scprof_obs_free(o);
}

/* Observations with argument values for every syscall --args knows, on x86_64. */
static struct scprof_obs *observe_args(void)
{
	struct scprof_obs *o = scprof_obs_new();

	observe(o, "x86_64", "read", 5);
	observe_arg(o, "x86_64", "ioctl", 0x5401, 0); /* TCGETS */
	observe_arg(o, "x86_64", "ioctl", 0x5421, 0); /* FIONBIO */
	observe_arg(o, "x86_64", "ioctl", 0x5401, 0);
	observe_arg(o, "x86_64", "prctl", 15, 0); /* PR_SET_NAME */
	/* a thread: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID */
	observe_arg(o, "x86_64", "clone", 0x3d0f00, 0);
	/* a process in new mount and pid namespaces, SIGCHLD */
	observe_arg(o, "x86_64", "clone", 0x20020000 | 17, 0);
	observe_arg(o, "x86_64", "socket", 2, 1 | 0x80000); /* AF_INET, SOCK_STREAM|SOCK_CLOEXEC */
	observe_arg(o, "x86_64", "socket", 2, 1); /* AF_INET, SOCK_STREAM */
	observe_arg(o, "x86_64", "socket", 1, 2 | 0x800); /* AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK */
	observe_arg(o, "x86_64", "mmap", 3, 0); /* PROT_READ|PROT_WRITE */
	observe_arg(o, "x86_64", "mmap", 5, 0); /* PROT_READ|PROT_EXEC */
	observe_arg(o, "x86_64", "mprotect", 7, 0); /* a JIT: RWX */
	observe(o, "x86_64", "clone3", 1);
	observe(o, "x86_64", "personality", 1); /* values not recorded */
	return o;
}

static void test_generate_args(void **state)
{
	struct scprof_obs *o = observe_args();
	struct scprof_generate_opts opts = { .args = true };
	struct scprof_profile *p = generate(o, &opts);
	const struct scprof_rule *plain = rule_of(p, "read", false), *r;

	assert_non_null(plain);
	/* clone3 cannot be filtered, RWX forbids W^X, personality has no values */
	assert_true(rule_has(plain, "clone3"));
	assert_true(rule_has(plain, "mprotect"));
	assert_true(rule_has(plain, "personality"));
	assert_int_equal(rules_of(p, "mprotect"), 1);
	assert_int_equal(rules_of(p, "personality"), 1);

	/* one rule, the request codes ORed on index 1 */
	assert_int_equal(rules_of(p, "ioctl"), 1);
	r = rule_of(p, "ioctl", true);
	assert_non_null(r);
	assert_int_equal(r->n_names, 1);
	assert_int_equal(r->n_args, 2);
	assert_arg(&r->args[0], 1, SCPROF_OP_EQ, 0x5401, 0);
	assert_arg(&r->args[1], 1, SCPROF_OP_EQ, 0x5421, 0);
	assert_int_equal(verdict(p, "x86_64", "ioctl", 0, 0x5401, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "ioctl", 0, 0x5421, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "ioctl", 0, 0x5402, 0), EPERM_RET);

	r = rule_of(p, "prctl", true);
	assert_non_null(r);
	assert_int_equal(r->n_args, 1);
	assert_arg(&r->args[0], 0, SCPROF_OP_EQ, 15, 0);
	assert_int_equal(verdict(p, "x86_64", "prctl", 15, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "prctl", 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0),
			 EPERM_RET);

	/* clone: only the namespace bits count */
	r = rule_of(p, "clone", true);
	assert_non_null(r);
	assert_int_equal(rules_of(p, "clone"), 1);
	assert_int_equal(r->n_args, 2);
	assert_arg(&r->args[0], 0, SCPROF_OP_MASKED_EQ, 0x7e020080, 0);
	assert_arg(&r->args[1], 0, SCPROF_OP_MASKED_EQ, 0x7e020080, 0x20020000);
	assert_int_equal(verdict(p, "x86_64", "clone", 0x11, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "clone", 0x3d0f00, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "clone", 0x20020011, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "clone", 0x10000011 /* NEWUSER */, 0, 0), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "clone", 0x00020011 /* NEWNS alone */, 0, 0),
			 EPERM_RET);

	/* socket: a rule per (domain, type), the type without its flags */
	assert_int_equal(rules_of(p, "socket"), 2);
	assert_null(rule_of(p, "socket", false));
	for (size_t i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (!rule_has(r, "socket"))
			continue;
		assert_int_equal(r->n_names, 1);
		assert_int_equal(r->n_args, 2);
		assert_int_equal(r->args[0].index, 0);
		assert_int_equal(r->args[0].op, SCPROF_OP_EQ);
		if (r->args[0].value == 1)
			assert_arg(&r->args[1], 1, SCPROF_OP_MASKED_EQ, 0xf, 2);
		else
			assert_arg(&r->args[1], 1, SCPROF_OP_MASKED_EQ, 0xf, 1);
	}
	assert_int_equal(verdict(p, "x86_64", "socket", 2, 1, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "socket", 2, 1 | 0x800, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "socket", 1, 2 | 0x80000, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "socket", 2, 2, 0), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "socket", 1, 1, 0), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "socket", 16 /* AF_NETLINK */, 3, 0), EPERM_RET);

	/* mmap: W^X */
	r = rule_of(p, "mmap", true);
	assert_non_null(r);
	assert_int_equal(rules_of(p, "mmap"), 1);
	assert_int_equal(r->n_args, 2);
	assert_arg(&r->args[0], 2, SCPROF_OP_MASKED_EQ, 4, 0);
	assert_arg(&r->args[1], 2, SCPROF_OP_MASKED_EQ, 6, 4);
	assert_int_equal(verdict(p, "x86_64", "mmap", 0, 4096, 3), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "mmap", 0, 4096, 5), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "mmap", 0, 4096, 1), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "mmap", 0, 4096, 7), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "mmap", 0, 4096, 6), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "mprotect", 0, 4096, 7), ALLOW);
	scprof_profile_free(p);

	/* without --args every syscall is allowed plainly */
	opts.args = false;
	p = generate(o, &opts);
	assert_int_equal(p->n_rules, 1);
	assert_true(rule_has(&p->rules[0], "ioctl"));
	assert_true(rule_has(&p->rules[0], "socket"));
	scprof_profile_free(p);

	/* what runc calls after loading the filter is allowed whatever the arguments */
	opts.args = true;
	opts.for_runtime = "runc";
	p = generate(o, &opts);
	const char *const filtered[] = { "ioctl", "prctl", "clone", "socket", "mmap" };
	const char *const *runc = scprof_runtime_syscalls("runc", NULL);
	for (size_t i = 0; i < ARRAY_SIZE(filtered); i++) {
		bool by_runc = false;
		for (size_t j = 0; runc[j]; j++)
			by_runc |= !strcmp(runc[j], filtered[i]);
		assert_int_equal(rule_of(p, filtered[i], false) != NULL, by_runc);
		assert_int_equal(rules_of(p, filtered[i]) > 0, true);
		if (by_runc)
			assert_int_equal(rules_of(p, filtered[i]), 1);
	}
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_args_arches(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .args = true };
	struct scprof_profile *p;

	/* mmap means old_mmap on i386, whose arguments are behind a pointer: no rule */
	observe_arg(o, "x86_64", "mmap", 3, 0);
	observe(o, "x86", "read", 1);
	/* mmap2 is i386's only: its rule is fine */
	observe_arg(o, "x86", "mmap2", 3, 0);
	/* ioctl on both, with values on both: one rule for the union */
	observe_arg(o, "x86_64", "ioctl", 0x5401, 0);
	observe_arg(o, "x86", "ioctl", 0x5413, 0);
	/* prctl called on i386 without values: allowed plainly */
	observe_arg(o, "x86_64", "prctl", 15, 0);
	observe(o, "x86", "prctl", 1);
	p = generate(o, &opts);
	assert_non_null(rule_of(p, "mmap", false));
	assert_null(rule_of(p, "mmap", true));
	assert_non_null(rule_of(p, "mmap2", true));
	assert_non_null(rule_of(p, "prctl", false));
	assert_null(rule_of(p, "prctl", true));
	const struct scprof_rule *r = rule_of(p, "ioctl", true);
	assert_non_null(r);
	assert_int_equal(r->n_args, 2);
	assert_arg(&r->args[0], 1, SCPROF_OP_EQ, 0x5401, 0);
	assert_arg(&r->args[1], 1, SCPROF_OP_EQ, 0x5413, 0);
	assert_int_equal(verdict(p, "x86", "ioctl", 0, 0x5413, 0), ALLOW);
	assert_int_equal(verdict(p, "x86", "ioctl", 0, 0x5402, 0), EPERM_RET);
	scprof_profile_free(p);
	scprof_obs_free(o);

	/* crun reads at most 6 conditions of a rule: 8 values take two rules */
	o = scprof_obs_new();
	for (uint64_t v = 0x5401; v < 0x5409; v++)
		observe_arg(o, "x86_64", "ioctl", v, 0);
	p = generate(o, &opts);
	assert_int_equal(rules_of(p, "ioctl"), 2);
	size_t conds = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!rule_has(&p->rules[i], "ioctl"))
			continue;
		assert_true(p->rules[i].n_args <= 6);
		for (size_t j = 0; j < p->rules[i].n_args; j++)
			assert_int_equal(p->rules[i].args[j].index, 1);
		conds += p->rules[i].n_args;
	}
	assert_int_equal(conds, 8);
	for (uint64_t v = 0x5401; v < 0x5409; v++)
		assert_int_equal(verdict(p, "x86_64", "ioctl", 0, v, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "ioctl", 0, 0x5409, 0), EPERM_RET);
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_audit(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .mode = SCPROF_RECORD_AUDIT,
					     .default_action = SCPROF_ACT_KILL_PROCESS };
	const char *const *dangerous = scprof_dangerous_syscalls();
	size_t n = 0;

	for (; dangerous[n]; n++) {
		assert_true(strcmp(dangerous[n], "personality"));
		for (size_t j = 0; j < n; j++)
			assert_true(strcmp(dangerous[j], dangerous[n]));
	}
	assert_true(n > 50);

	observe(o, "x86_64", "read", 1);
	observe(o, "x86_64", "ptrace", 1);
	struct scprof_profile *p = generate(o, &opts);
	assert_int_equal(p->default_action, SCPROF_ACT_LOG);
	assert_false(p->has_default_errno_ret);
	assert_int_equal(p->n_rules, 2);
	const struct scprof_rule *allow = rule_of(p, "read", false);
	assert_non_null(allow);
	assert_int_equal(allow->action, SCPROF_ACT_ALLOW);
	/* the workload needs ptrace: it stays allowed */
	assert_true(rule_has(allow, "ptrace"));
	const struct scprof_rule *deny = rule_of(p, "mount", false);
	assert_non_null(deny);
	assert_int_equal(deny->action, SCPROF_ACT_ERRNO);
	assert_true(deny->has_errno_ret);
	assert_int_equal(deny->errno_ret, 1);
	assert_false(rule_has(deny, "ptrace"));
	assert_false(rule_has(deny, "personality"));
	for (size_t i = 0; i < deny->n_names; i++)
		assert_true(scprof_syscall_known(deny->names[i].name));
	/* every dangerous name x86_64 has, and only those: no warnings on the profile */
	const struct scprof_arch *x86_64 = scprof_arch_by_name("x86_64");
	for (size_t i = 0; dangerous[i]; i++)
		if (strcmp(dangerous[i], "ptrace"))
			assert_int_equal(rule_has(deny, dangerous[i]),
					 scprof_syscall_nr(x86_64, dangerous[i]) >= 0);
	assert_int_equal(verdict(p, "x86_64", "mount", 0, 0, 0), EPERM_RET);
	assert_int_equal(verdict(p, "x86_64", "ptrace", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(p, "x86_64", "chroot", 0, 0, 0), SCPROF_RET_LOG);
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_counts(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .counts = true };
	struct scprof_profile *p;

	observe(o, "x86_64", "write", 120);
	observe(o, "x86_64", "read", 123);
	observe(o, "x86_64", "close", 120);
	scprof_obs_add(o, arch("x86_64"), 4000, 7);
	p = generate(o, &opts);
	assert_int_equal(p->n_annotations, 0);
	assert_string_equal(rule_of(p, "read", false)->comment,
			    "calls observed: read 123, close 120, write 120");
	scprof_profile_free(p);

	observe(o, "x86", "read", 2);
	observe(o, "x86", "open", 2);
	observe(o, "x86", "brk", 3);
	p = generate(o, &opts);
	assert_string_equal(rule_of(p, "read", false)->comment,
			    "calls observed: x86_64: read 123, close 120, write 120; "
			    "x86: brk 3, open 2, read 2");
	scprof_profile_free(p);

	opts.kind = SCPROF_KIND_SPO;
	p = generate(o, &opts);
	assert_null(rule_of(p, "read", false)->comment);
	assert_int_equal(p->n_annotations, 1);
	assert_string_equal(p->annotations[0].key, "scprof.io/syscall-counts");
	assert_string_equal(p->annotations[0].value,
			    "{\"x86_64\":{\"read\":123,\"close\":120,\"write\":120},"
			    "\"x86\":{\"brk\":3,\"open\":2,\"read\":2}}");
	scprof_profile_free(p);

	/* the comment also survives canonicalization next to argument rules */
	opts.kind = SCPROF_KIND_OCI;
	opts.args = true;
	observe_arg(o, "x86_64", "ioctl", 0x5401, 0);
	p = generate(o, &opts);
	assert_non_null(rule_of(p, "ioctl", true));
	assert_null(rule_of(p, "ioctl", true)->comment);
	assert_non_null(strstr(rule_of(p, "read", false)->comment, "ioctl 1"));
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static void test_generate_spo(void **state)
{
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_generate_opts opts = { .kind = SCPROF_KIND_SPO,
					     .counts = true,
					     .args = true };
	struct scprof_profile *p, *back;
	char *text;
	size_t len;

	observe(o, "x86_64", "read", 4);
	observe_arg(o, "x86_64", "socket", 10, 2); /* AF_INET6, SOCK_DGRAM */
	p = generate(o, &opts);
	assert_int_equal(p->kind, SCPROF_KIND_SPO);
	assert_string_equal(p->api_version, "security-profiles-operator.x-k8s.io/v1beta1");
	assert_string_equal(p->spo_kind, "SeccompProfile");
	assert_string_equal(p->name, "recorded");
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	/* SeccompProfile has no defaultErrnoRet */
	assert_false(p->has_default_errno_ret);

	assert_int_equal(scprof_profile_write(p, SCPROF_FORMAT_AUTO, 0, &text, &len, NULL), 0);
	assert_non_null(strstr(text, "kind: SeccompProfile"));
	assert_non_null(strstr(text, "scprof.io/syscall-counts"));
	assert_int_equal(scprof_profile_parse(text, len, "generated.yaml", &back, NULL, NULL), 0);
	assert_true(scprof_profile_equal(p, back));
	scprof_profile_free(back);
	free(text);
	scprof_profile_free(p);

	opts.name = "my-app";
	p = generate(o, &opts);
	assert_string_equal(p->name, "my-app");
	scprof_profile_free(p);
	scprof_obs_free(o);
}

static struct scprof_profile *parse(const char *json)
{
	struct scprof_profile *p = NULL;
	assert_int_equal(scprof_profile_parse(json, strlen(json), "test", &p, NULL, NULL), 0);
	return p;
}

static void test_merge(void **state)
{
	struct scprof_profile *base = parse(
		"{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
		"{\"names\":[\"read\",\"close\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"ptrace\",\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
		"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"syslog\"],\"action\":\"SCMP_ACT_LOG\"}]}");
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_profile *rec;
	char **denied = NULL;

	observe(o, "x86_64", "read", 1);
	observe(o, "x86_64", "write", 1);
	observe(o, "x86_64", "ptrace", 1);
	observe(o, "x86_64", "clone3", 1);
	observe(o, "x86_64", "personality", 1);
	observe(o, "x86_64", "syslog", 1);
	observe(o, "x86", "read", 1);
	observe_arg(o, "x86_64", "ioctl", 0x5401, 0);
	rec = generate(o, &(struct scprof_generate_opts){ .args = true });

	scprof_record_merge(base, rec, &denied);
	assert_non_null(denied);
	assert_string_equal(denied[0], "clone3");
	assert_string_equal(denied[1], "ptrace");
	assert_null(denied[2]);
	for (size_t i = 0; denied[i]; i++)
		free(denied[i]);
	free(denied);

	assert_int_equal(base->default_action, SCPROF_ACT_KILL_PROCESS);
	assert_int_equal(base->n_flags, 1);
	assert_string_equal(base->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	assert_int_equal(base->n_architectures, 2);
	assert_string_equal(base->architectures[0], "SCMP_ARCH_X86_64");
	assert_string_equal(base->architectures[1], "SCMP_ARCH_X86");
	assert_clean(base);

	const struct scprof_rule *allow = rule_of(base, "write", false);
	assert_non_null(allow);
	assert_int_equal(allow->action, SCPROF_ACT_ALLOW);
	assert_int_equal(rule_of(base, "read", false)->action, SCPROF_ACT_ALLOW);
	assert_int_equal(rule_of(base, "close", false)->action, SCPROF_ACT_ALLOW);
	assert_int_equal(rule_of(base, "exit_group", false)->action, SCPROF_ACT_ALLOW);
	/* explicitly denied in the base: stays so */
	assert_int_equal(rules_of(base, "ptrace"), 1);
	assert_int_equal(rule_of(base, "ptrace", false)->action, SCPROF_ACT_ERRNO);
	assert_int_equal(rule_of(base, "mount", false)->action, SCPROF_ACT_ERRNO);
	assert_int_equal(rules_of(base, "clone3"), 1);
	assert_int_equal(rule_of(base, "clone3", false)->errno_ret, 38);
	/* a conditional deny and a LOG do not stop the recording's allow */
	assert_int_equal(rule_of(base, "personality", false)->action, SCPROF_ACT_ALLOW);
	assert_int_equal(rule_of(base, "syslog", false)->action, SCPROF_ACT_ALLOW);
	assert_non_null(rule_of(base, "ioctl", true));
	assert_int_equal(verdict(base, "x86_64", "ptrace", 0, 0, 0), EPERM_RET);
	assert_int_equal(verdict(base, "x86_64", "write", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(base, "x86", "read", 0, 0, 0), ALLOW);
	assert_int_equal(verdict(base, "x86_64", "chroot", 0, 0, 0), SCPROF_RET_KILL_PROCESS);

	/* merging again changes nothing, and @denied may be NULL */
	struct scprof_profile *again = scprof_profile_copy(base);
	scprof_record_merge(again, rec, NULL);
	assert_true(scprof_profile_equal(base, again));
	scprof_profile_free(again);
	scprof_profile_free(rec);
	scprof_profile_free(base);
	scprof_obs_free(o);
}

static void test_merge_arch_map(void **state)
{
	struct scprof_profile *base = parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":["
		"{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X32\"]},"
		"{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
		"\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_profile *rec;
	char **denied = NULL;

	if (scprof_arch_native() != arch("x86_64")) {
		print_message("skip: the archMap case assumes an x86_64 host\n");
		scprof_profile_free(base);
		scprof_obs_free(o);
		return;
	}
	observe(o, "x86", "write", 1);
	observe(o, "x86_64", "write", 1);
	rec = generate(o, NULL);
	scprof_record_merge(base, rec, &denied);
	assert_null(denied[0]);
	free(denied);
	assert_int_equal(base->n_architectures, 0);
	assert_int_equal(base->n_arch_map, 2);
	assert_int_equal(base->arch_map[0].n_sub, 2);
	assert_string_equal(base->arch_map[0].sub[1], "SCMP_ARCH_X86");
	assert_int_equal(base->arch_map[1].n_sub, 1);
	assert_non_null(rule_of(base, "write", false));
	assert_clean(base);
	scprof_profile_free(rec);
	scprof_profile_free(base);
	scprof_obs_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_obs_calls),
		cmocka_unit_test(test_obs_argvals),
		cmocka_unit_test(test_obs_arg_spec),
		cmocka_unit_test(test_generate_plain),
		cmocka_unit_test(test_generate_arches),
		cmocka_unit_test(test_generate_default_action),
		cmocka_unit_test(test_generate_runtime),
		cmocka_unit_test(test_generate_args),
		cmocka_unit_test(test_generate_args_arches),
		cmocka_unit_test(test_generate_audit),
		cmocka_unit_test(test_generate_counts),
		cmocka_unit_test(test_generate_spo),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_arch_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
