// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/profile/resolve.c: base profile chains, lookup order, cycles, depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>

#include "profile/profile.h"
#include "scprof/record.h"

/* Each test works in a fresh directory, which is also the current one. */
static char dir[] = "/tmp/scprof-resolve-XXXXXX";
static char old_cwd[4096];

static void put(const char *name, const char *text)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A small OCI profile: default ERRNO, ALLOW for @names, and @base if not NULL. */
static void put_profile(const char *name, const char *names, const char *base)
{
	_cleanup_free_ char *b = base ? xasprintf("\"baseProfileName\": \"%s\", ", base) : NULL;
	_cleanup_free_ char *text = xasprintf(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", %s\"syscalls\": [{\"names\": [%s], \"action\": \"SCMP_ACT_ALLOW\"}]}\n",
		b ? b : "", names);
	put(name, text);
}

static int rm_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
		    struct FTW *ftw UNUSED)
{
	return remove(path);
}

static int setup(void **state UNUSED)
{
	strcpy(dir, "/tmp/scprof-resolve-XXXXXX");
	if (!mkdtemp(dir) || !getcwd(old_cwd, sizeof(old_cwd)) || chdir(dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state UNUSED)
{
	if (chdir(old_cwd) < 0)
		return -1;
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct scprof_profile *load(const char *path)
{
	struct scprof_profile *p = NULL;
	struct scprof_error *err = NULL;
	if (scprof_profile_load(path, &p, NULL, &err) < 0) {
		fprintf(stderr, "load failed: %s\n", err->msg);
		scprof_error_free(err);
	}
	assert_non_null(p);
	return p;
}

static bool allows(const struct scprof_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (p->rules[i].action == SCPROF_ACT_ALLOW &&
			    !strcmp(p->rules[i].names[j].name, name))
				return true;
	return false;
}

static struct scprof_flatten_opts opts_with(const char *const *dirs, size_t n)
{
	struct scprof_flatten_opts o;
	scprof_flatten_opts_init(&o);
	o.dirs = dirs;
	o.n_dirs = n;
	o.lookup = scprof_runtime_base;
	return o;
}

/* Flatten @path; on failure return the error (caller frees) and check @p is untouched. */
static struct scprof_error *flatten_fails(const char *path, const struct scprof_flatten_opts *o,
					  int code)
{
	struct scprof_profile *p = load(path);
	struct scprof_profile *before = scprof_profile_copy(p);
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_profile_flatten(p, path, o, &err), code);
	assert_non_null(err);
	assert_true(scprof_profile_equal(p, before));
	assert_string_equal(p->base_profile_name, before->base_profile_name);
	scprof_profile_free(before);
	scprof_profile_free(p);
	return err;
}

static void test_no_base(void **state UNUSED)
{
	put_profile("a.json", "\"read\"", NULL);
	struct scprof_profile *p = load("a.json");
	struct scprof_profile *before = scprof_profile_copy(p);
	assert_int_equal(scprof_profile_flatten(p, "a.json", NULL, NULL), 0);
	assert_true(scprof_profile_equal(p, before));
	scprof_profile_free(p);
	/* an empty name is no base, as the operator's omitempty field */
	put("e.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": \"\"}");
	p = load("e.json");
	assert_int_equal(scprof_profile_flatten(p, "e.json", NULL, NULL), 0);
	assert_null(p->base_profile_name);
	scprof_profile_free(p);
	scprof_profile_free(before);
}

/* a.json -> NAME b (default ./profiles, YAML) -> path ../sub/c.json -> built-in runc */
static void test_chain(void **state UNUSED)
{
	put("a.json",
	    "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n"
	    " \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
	    " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
	    " \"baseProfileName\": \"b\",\n"
	    " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n");
	put("profiles/b.yaml",
	    "apiVersion: security-profiles-operator.x-k8s.io/v1\n"
	    "kind: SeccompProfile\n"
	    "metadata:\n  name: b\n"
	    "spec:\n"
	    "  defaultAction: SCMP_ACT_LOG\n"
	    "  architectures: [SCMP_ARCH_AARCH64]\n"
	    "  baseProfileName: ../sub/c.json\n"
	    "  syscalls:\n"
	    "  - action: SCMP_ACT_ALLOW\n    names: [write]\n"
	    "  - action: SCMP_ACT_ERRNO\n    errnoRet: 38\n    names: [ptrace]\n");
	put_profile("sub/c.json", "\"openat\"", "runc");

	struct scprof_flatten_opts o = opts_with(NULL, 0);
	struct scprof_profile *p = load("a.json");
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_profile_flatten(p, "a.json", &o, &err), 0);
	assert_null(err);
	assert_null(p->base_profile_name);
	/* the syscalls of every level, and the built-in runc list */
	assert_true(allows(p, "read"));
	assert_true(allows(p, "write"));
	assert_true(allows(p, "openat"));
	assert_true(allows(p, "execve"));
	assert_true(allows(p, "capset"));
	assert_false(allows(p, "ptrace"));
	bool ptrace_enosys = false;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].action == SCPROF_ACT_ERRNO && p->rules[i].errno_ret == 38 &&
		    !strcmp(p->rules[i].names[0].name, "ptrace"))
			ptrace_enosys = true;
	assert_true(ptrace_enosys);
	/* everything else is the child's */
	assert_int_equal(p->default_action, SCPROF_ACT_KILL_PROCESS);
	assert_int_equal(p->n_architectures, 1);
	assert_string_equal(p->architectures[0], "SCMP_ARCH_X86_64");
	assert_int_equal(p->n_flags, 1);
	assert_int_equal(p->kind, SCPROF_KIND_OCI);
	/* rules of several files: no position */
	for (size_t i = 0; i < p->n_rules; i++)
		assert_int_equal(p->rules[i].line, 0);
	scprof_profile_free(p);
}

/* The same as 'scprof merge' of the levels. */
static void test_union_is_merge(void **state UNUSED)
{
	put("a.json",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": \"b.json\", \"syscalls\": ["
	    "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 21505, \"op\": \"SCMP_CMP_EQ\"}]},"
	    "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	put("b.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		      "{\"names\": [\"ioctl\", \"kill\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	struct scprof_profile *p = load("a.json");
	struct scprof_profile *m = load("a.json");
	struct scprof_profile *b = load("b.json");
	assert_int_equal(scprof_profile_flatten(p, "a.json", NULL, NULL), 0);
	scprof_profile_merge(m, b);
	free(m->base_profile_name);
	m->base_profile_name = NULL;
	assert_true(scprof_profile_equal(p, m));
	/* the plain ALLOW of the base covers the child's conditional one */
	assert_true(allows(p, "ioctl"));
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	scprof_profile_free(p);
	scprof_profile_free(m);
	scprof_profile_free(b);
}

/* Directories in order, extensions in order, then built-ins; paths skip the lookup. */
static void test_lookup_order(void **state UNUSED)
{
	const char *const dirs[] = { "one", "two" };
	struct scprof_flatten_opts o = opts_with(dirs, 2);
	put_profile("top.json", "\"read\"", "x");
	put_profile("two/x.json", "\"from_two\"", NULL);
	put_profile("one/x.yml", "\"from_one_yml\"", NULL);
	put_profile("one/x.yaml", "\"from_one_yaml\"", NULL);
	struct scprof_profile *p = load("top.json");
	assert_int_equal(scprof_profile_flatten(p, "top.json", &o, NULL), 0);
	assert_true(allows(p, "from_one_yaml"));
	assert_false(allows(p, "from_one_yml"));
	assert_false(allows(p, "from_two"));
	scprof_profile_free(p);

	put_profile("one/x.json", "\"from_one_json\"", NULL);
	p = load("top.json");
	assert_int_equal(scprof_profile_flatten(p, "top.json", &o, NULL), 0);
	assert_true(allows(p, "from_one_json"));
	assert_false(allows(p, "from_one_yaml"));
	scprof_profile_free(p);

	/* a profile directory holding runc.json replaces the built-in runc */
	put_profile("r.json", "\"read\"", "runc");
	p = load("r.json");
	assert_int_equal(scprof_profile_flatten(p, "r.json", &o, NULL), 0);
	assert_true(allows(p, "execve"));
	scprof_profile_free(p);
	/* without a lookup there is no runc */
	o.lookup = NULL;
	struct scprof_error *err = flatten_fails("r.json", &o, -ENOENT);
	scprof_error_free(err);
	o.lookup = scprof_runtime_base;
	put_profile("two/runc.json", "\"site_runc\"", NULL);
	p = load("r.json");
	assert_int_equal(scprof_profile_flatten(p, "r.json", &o, NULL), 0);
	assert_true(allows(p, "site_runc"));
	assert_false(allows(p, "execve"));
	scprof_profile_free(p);

	/* built-in profiles by name, runtime/default despite its '/' */
	put_profile("d.json", "\"read\"", "runtime/default");
	p = load("d.json");
	assert_int_equal(scprof_profile_flatten(p, "d.json", &o, NULL), 0);
	assert_true(allows(p, "futex"));
	scprof_profile_free(p);

	/* a file path is relative to the profile naming it, not to the directories */
	put_profile("sub/p.json", "\"read\"", "q.json");
	put_profile("sub/q.json", "\"from_sub_q\"", NULL);
	put_profile("q.json", "\"from_top_q\"", NULL);
	p = load("sub/p.json");
	assert_int_equal(scprof_profile_flatten(p, "sub/p.json", &o, NULL), 0);
	assert_true(allows(p, "from_sub_q"));
	assert_false(allows(p, "from_top_q"));
	scprof_profile_free(p);
	/* absolute paths are taken as they are */
	_cleanup_free_ char *abs = xasprintf("%s/q.json", dir);
	put_profile("abs.json", "\"read\"", abs);
	p = load("sub/../abs.json");
	assert_int_equal(scprof_profile_flatten(p, "sub/../abs.json", &o, NULL), 0);
	assert_true(allows(p, "from_top_q"));
	scprof_profile_free(p);
}

static void test_cycles(void **state UNUSED)
{
	/* a -> b -> c -> a, with names and paths mixed */
	const char *const dirs[] = { "d" };
	struct scprof_flatten_opts o = opts_with(dirs, 1);
	put_profile("a.json", "\"read\"", "b");
	put_profile("d/b.json", "\"write\"", "c.yaml");
	put("d/c.yaml", "defaultAction: SCMP_ACT_ERRNO\nbaseProfileName: ../a.json\n");
	struct scprof_error *err = flatten_fails("a.json", &o, -ELOOP);
	assert_string_equal(
		err->msg,
		"base profiles form a cycle: a.json -> d/b.json -> d/c.yaml -> d/../a.json");
	assert_string_equal(err->file, "d/c.yaml");
	assert_int_equal(err->line, 2);
	assert_int_equal(err->col, 18);
	scprof_error_free(err);

	/* a profile that is its own base */
	put_profile("self.json", "\"read\"", "self.json");
	err = flatten_fails("self.json", &o, -ELOOP);
	assert_string_equal(err->msg, "base profiles form a cycle: self.json -> self.json");
	scprof_error_free(err);

	/* the same base twice in a chain is a cycle too, whatever the spelling */
	put_profile("x.json", "\"read\"", "./y.json");
	mkdir("z", 0755);
	put_profile("y.json", "\"read\"", "z/../x.json");
	err = flatten_fails("x.json", &o, -ELOOP);
	assert_non_null(strstr(err->msg, "x.json -> ./y.json -> ./z/../x.json"));
	scprof_error_free(err);
}

/* 15 profiles in a chain resolve; a 16th is refused, as in the operator. */
static void test_depth(void **state UNUSED)
{
	const char *const dirs[] = { "." };
	struct scprof_flatten_opts o = opts_with(dirs, 1);
	for (int i = 1; i <= 16; i++) {
		_cleanup_free_ char *name = xasprintf("l%d.json", i);
		_cleanup_free_ char *base = i < 16 ? xasprintf("l%d", i + 1) : NULL;
		put_profile(name, "\"read\"", base);
	}
	struct scprof_profile *p = load("l2.json");
	assert_int_equal(scprof_profile_flatten(p, "l2.json", &o, NULL), 0);
	scprof_profile_free(p);

	struct scprof_error *err = flatten_fails("l1.json", &o, -ELOOP);
	assert_non_null(strstr(err->msg, "more than 15 levels of base profiles: l1.json -> "));
	assert_non_null(strstr(err->msg, "./l15.json -> ./l16.json"));
	assert_string_equal(err->file, "./l15.json");
	scprof_error_free(err);
}

static void test_errors(void **state UNUSED)
{
	/* not found: where it was looked for, at the child's baseProfileName */
	put("m.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"baseProfileName\": \"nope\"}");
	struct scprof_error *err = flatten_fails("m.json", NULL, -ENOENT);
	assert_string_equal(
		err->msg,
		"base profile 'nope' not found in ./profiles, /etc/scprof/profiles, or the built-in bases");
	assert_string_equal(err->file, "m.json");
	assert_int_equal(err->line, 2);
	assert_int_equal(err->col, 22);
	scprof_error_free(err);

	put_profile("mp.json", "\"read\"", "sub/none.json");
	err = flatten_fails("mp.json", NULL, -ENOENT);
	assert_string_equal(err->msg,
			    "cannot read base profile 'sub/none.json': No such file or directory");
	scprof_error_free(err);

	/* a directory is not a profile */
	mkdir("dir.json", 0755);
	put_profile("md.json", "\"read\"", "dir.json");
	err = flatten_fails("md.json", NULL, -EISDIR);
	scprof_error_free(err);

	/* OCI references: not in this build */
	put_profile("o.json", "\"read\"", "oci://registry.example/base:1");
	err = flatten_fails("o.json", NULL, -EOPNOTSUPP);
	assert_string_equal(
		err->msg,
		"base profile 'oci://registry.example/base:1': OCI references are not supported by this build");
	scprof_error_free(err);

	/* a base that does not parse: its own position, and who named it */
	put_profile("pb.json", "\"read\"", "bad");
	put("profiles/bad.json",
	    "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
	    " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALOW\"}]}");
	err = flatten_fails("pb.json", NULL, -EINVAL);
	assert_string_equal(err->file, "./profiles/bad.json");
	assert_int_equal(err->line, 2);
	assert_int_equal(err->col, 45);
	assert_non_null(strstr(err->msg, "unknown action 'SCMP_ACT_ALOW'"));
	assert_non_null(strstr(err->msg, "(base profile of 'pb.json')"));
	scprof_error_free(err);

	put("profiles/bad.json", "{\"defaultAction\": ");
	err = flatten_fails("pb.json", NULL, -EINVAL);
	assert_string_equal(err->file, "./profiles/bad.json");
	assert_int_equal(err->line, 1);
	scprof_error_free(err);
}

/* From stdin and memory: relative paths from the current directory. */
static void test_sources(void **state UNUSED)
{
	put_profile("b.json", "\"write\"", NULL);
	const char text[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": \"b.json\"}";
	struct scprof_profile *p = NULL;
	assert_int_equal(scprof_profile_parse(text, strlen(text), "mem", &p, NULL, NULL), 0);
	assert_int_equal(scprof_profile_flatten(p, NULL, NULL, NULL), 0);
	assert_true(allows(p, "write"));
	scprof_profile_free(p);
}

static void test_runtime_base(void **state UNUSED)
{
	struct scprof_profile *p = NULL;
	const char *version = NULL;
	assert_int_equal(scprof_runtime_base("runc", &p, NULL), 0);
	assert_int_equal(p->default_action, SCPROF_ACT_ERRNO);
	assert_int_equal(p->n_rules, 1);
	assert_int_equal(p->rules[0].action, SCPROF_ACT_ALLOW);
	const char *const *names = scprof_runtime_syscalls("runc", &version);
	size_t n = 0;
	while (names[n])
		n++;
	assert_int_equal(p->rules[0].n_names, n);
	assert_non_null(version);
	scprof_profile_free(p);
	assert_int_equal(scprof_runtime_base("crun", &p, NULL), -ENOENT);
	assert_null(p);
}

static void test_annotation(void **state UNUSED)
{
	const char text[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
		"{\"names\": [\"write\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
		"{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	struct scprof_profile *p = NULL;
	assert_int_equal(scprof_profile_parse(text, strlen(text), "t", &p, NULL, NULL), 0);
	scprof_profile_canonicalize(p);
	scprof_profile_annotate_syscalls(p);
	assert_int_equal(p->n_annotations, 1);
	assert_string_equal(p->annotations[0].key, "syscalls");
	assert_string_equal(
		p->annotations[0].value,
		"[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]");
	/* a second time replaces it */
	scprof_profile_annotate_syscalls(p);
	assert_int_equal(p->n_annotations, 1);
	scprof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_union_is_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test(test_runtime_base),
		cmocka_unit_test(test_annotation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
