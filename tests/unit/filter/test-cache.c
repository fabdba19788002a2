// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/filter/cache.c: a cached program is the compiled one, or none. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "scprof/compile.h"
#include "scprof/profile.h"
#include "scprof/semantic.h"
#include "util/util.h"

static char dir[] = "/tmp/scprof-cache-XXXXXX";

static struct scprof_semantic *view(const char *json)
{
	struct scprof_profile *p = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_context ctx;
	scprof_context_init(&ctx);
	if (json[0] == '{')
		assert_int_equal(scprof_profile_parse(json, strlen(json), "t", &p, NULL, NULL), 0);
	else
		assert_int_equal(scprof_profile_load(json, &p, NULL, NULL), 0);
	assert_int_equal(scprof_semantic_build(p, &ctx, &s, NULL, NULL), 0);
	scprof_profile_free(p);
	return s;
}

static bool same(const struct scprof_bpf *a, const struct scprof_bpf *b)
{
	return a->len == b->len && !memcmp(a->insns, b->insns, a->len * sizeof(*a->insns));
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strstr(e->d_name, ".bpf") != NULL && e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_cache(void **state)
{
	(void)state;
	struct scprof_semantic *s = view("runtime/default");
	struct scprof_compile_opts o;
	scprof_compile_opts_init(&o);
	struct scprof_bpf *plain = NULL, *first = NULL, *again = NULL;
	assert_int_equal(scprof_compile(s, NULL, &o, &plain, NULL), 0);
	assert_int_equal(scprof_compile_cached(s, NULL, &o, dir, &first, NULL), 0);
	assert_int_equal(entries(), 1);
	assert_int_equal(scprof_compile_cached(s, NULL, &o, dir, &again, NULL), 0);
	assert_true(same(plain, first));
	assert_true(same(plain, again));

	/* other options, another entry and another program */
	struct scprof_bpf *nostub = NULL, *nostub_plain = NULL;
	o.enosys_stub = false;
	assert_int_equal(scprof_compile_cached(s, NULL, &o, dir, &nostub, NULL), 0);
	assert_int_equal(scprof_compile(s, NULL, &o, &nostub_plain, NULL), 0);
	assert_int_equal(entries(), 2);
	assert_true(same(nostub, nostub_plain));
	assert_false(same(nostub, plain));

	/* another view: its own program */
	struct scprof_semantic *s2 = view(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	struct scprof_bpf *small = NULL, *small_plain = NULL;
	o.enosys_stub = true;
	assert_int_equal(scprof_compile_cached(s2, NULL, &o, dir, &small, NULL), 0);
	assert_int_equal(scprof_compile(s2, NULL, &o, &small_plain, NULL), 0);
	assert_true(same(small, small_plain));
	assert_int_equal(entries(), 3);

	/* a damaged entry is compiled anew and rewritten */
	DIR *d = opendir(dir);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".bpf"))
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r+");
		assert_non_null(f);
		fseek(f, -3, SEEK_END);
		fputs("zzz", f);
		fclose(f);
	}
	closedir(d);
	struct scprof_bpf *fixed = NULL, *fixed2 = NULL;
	assert_int_equal(scprof_compile_cached(s, NULL, &o, dir, &fixed, NULL), 0);
	assert_true(same(fixed, plain));
	assert_int_equal(scprof_compile_cached(s, NULL, &o, dir, &fixed2, NULL), 0);
	assert_true(same(fixed2, plain));

	/* no directory: no cache, the same program */
	struct scprof_bpf *none = NULL;
	assert_int_equal(scprof_compile_cached(s, NULL, &o, NULL, &none, NULL), 0);
	assert_true(same(none, plain));

	struct scprof_bpf *all[] = { plain, first,	 again, nostub, nostub_plain,
				     small, small_plain, fixed, fixed2, none };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		scprof_bpf_free(all[i]);
	scprof_semantic_free(s);
	scprof_semantic_free(s2);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
