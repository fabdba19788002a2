// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/syscalls: architectures, syscall tables, errno and capability names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <strings.h>
#include <time.h>

#include "scprof/syscalls.h"
#include "util/util.h"

static void test_arch_list(void **state)
{
	size_t n;
	const struct scprof_arch *a = scprof_arch_list(&n);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(a[i].name);
		assert_non_null(a[i].scmp_name);
		assert_non_null(a[i].go_name);
		assert_true(a[i].bits == 32 || a[i].bits == 64);
		assert_true(!strncmp(a[i].scmp_name, "SCMP_ARCH_", 10));
		assert_true(!strcasecmp(a[i].scmp_name + 10, a[i].name));
		/* Every name we give out finds its own entry again. */
		assert_ptr_equal(scprof_arch_by_name(a[i].name), &a[i]);
		assert_ptr_equal(scprof_arch_by_name(a[i].scmp_name), &a[i]);
		assert_ptr_equal(scprof_arch_by_name(a[i].go_name), &a[i]);
		if (!strcmp(a[i].name, "loongarch64")) {
			assert_false(a[i].has_table);
			assert_int_equal(a[i].token, 0xc0000102);
			assert_string_equal(a[i].go_name, "loong64");
		} else {
			assert_true(a[i].has_table);
			assert_true(a[i].nr_min <= a[i].nr_max);
		}
	}
}

static void test_arch_names(void **state)
{
	static const struct {
		const char *spelling, *name;
	} cases[] = {
		{ "x86_64", "x86_64" },
		{ "SCMP_ARCH_X86_64", "x86_64" },
		{ "scmp_arch_x86_64", "x86_64" },
		{ "amd64", "x86_64" },
		{ "AMD64", "x86_64" },
		{ "x86-64", "x86_64" },
		{ "x86", "x86" },
		{ "386", "x86" },
		{ "i386", "x86" },
		{ "i686", "x86" },
		{ "SCMP_ARCH_X86", "x86" },
		{ "x32", "x32" },
		{ "arm64", "aarch64" },
		{ "aarch64", "aarch64" },
		{ "arm", "arm" },
		{ "armv7l", "arm" },
		{ "ppc64le", "ppc64le" },
		{ "ppc64", "ppc64" },
		{ "s390x", "s390x" },
		{ "s390", "s390" },
		{ "riscv64", "riscv64" },
		{ "mips", "mips" },
		{ "mipsle", "mipsel" },
		{ "mips64le", "mipsel64" },
		{ "mips64n32", "mips64n32" },
		{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
		{ "loong64", "loongarch64" },
		{ "SCMP_ARCH_LOONGARCH64", "loongarch64" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct scprof_arch *a = scprof_arch_by_name(cases[i].spelling);
		assert_non_null(a);
		assert_string_equal(a->name, cases[i].name);
	}
	assert_null(scprof_arch_by_name("vax"));
	assert_null(scprof_arch_by_name(""));
	assert_null(scprof_arch_by_name(NULL));

	/* Every arch spelling in moby's default profile (includes.arches). */
	static const char *const moby[] = { "amd64",   "x32",	"x86",	"arm64",  "arm",
					    "ppc64le", "s390x", "s390", "riscv64" };
	for (size_t i = 0; i < ARRAY_SIZE(moby); i++)
		assert_non_null(scprof_arch_by_name(moby[i]));
}

static void test_arch_tokens(void **state)
{
	assert_string_equal(scprof_arch_by_token(0xc000003e)->name, "x86_64");
	assert_string_equal(scprof_arch_by_token(0x40000003)->name, "x86");
	assert_string_equal(scprof_arch_by_token(0xc00000b7)->name, "aarch64");
	assert_string_equal(scprof_arch_by_token(0x40000028)->name, "arm");
	assert_string_equal(scprof_arch_by_token(0xc0000102)->name, "loongarch64");
	/* libseccomp's own x32 token. */
	assert_string_equal(scprof_arch_by_token(SCMP_ARCH_X32)->name, "x32");
	assert_null(scprof_arch_by_token(0xdeadbeef));

	assert_string_equal(scprof_arch_for_call(0xc000003e, 59)->name, "x86_64");
	assert_string_equal(scprof_arch_for_call(0xc000003e, 0x40000000 + 59)->name, "x32");
	assert_string_equal(scprof_arch_for_call(0x40000003, 102)->name, "x86");
	assert_null(scprof_arch_for_call(0x1234, 1));

	size_t n;
	const struct scprof_arch *a = scprof_arch_list(&n);
	for (size_t i = 0; i < n; i++) {
		uint32_t t = scprof_arch_scmp_token(&a[i]);
		if (!a[i].has_table)
			assert_int_equal(t, 0);
		else if (!strcmp(a[i].name, "x32"))
			assert_int_equal(t, SCMP_ARCH_X32);
		else
			assert_int_equal(t, a[i].token);
		if (a[i].has_table)
			assert_int_equal(seccomp_arch_resolve_name(a[i].name), t);
	}
}

static void test_arch_native(void **state)
{
	const struct scprof_arch *a = scprof_arch_native();
#if defined(__x86_64__) && !defined(__ILP32__)
	assert_string_equal(a->name, "x86_64");
#elif defined(__aarch64__)
	assert_string_equal(a->name, "aarch64");
#endif
	assert_non_null(a);
	assert_int_equal(scprof_arch_scmp_token(a), seccomp_arch_native());
}

static void test_syscall_lookup(void **state)
{
	static const struct {
		const char *arch, *name;
		int nr;
	} cases[] = {
		{ "x86_64", "read", 0 },
		{ "x86_64", "openat", 257 },
		{ "x86_64", "execve", 59 },
		{ "x86_64", "clone3", 435 },
		{ "x86", "socketcall", 102 },
		{ "x86", "socket", 359 }, /* real since 4.3; libseccomp names it -101 */
		{ "x86", "openat", 295 },
		{ "x32", "read", 0x40000000 },
		{ "x32", "openat", 0x40000000 + 257 },
		{ "x32", "execve", 0x40000000 + 520 },
		{ "aarch64", "openat", 56 },
		{ "arm", "openat", 322 },
		{ "arm", "cacheflush", 0x0f0002 },
		{ "arm", "set_tls", 0x0f0005 },
		{ "riscv64", "openat", 56 },
		{ "ppc64le", "openat", 286 },
		{ "s390x", "openat", 288 },
		{ "mips", "read", 4003 },
		{ "mips64", "read", 5000 },
		{ "mips64n32", "read", 6000 },
		{ "x86_64", "open", 2 },
		{ "aarch64", "open", -1 },
		{ "x86_64", "socketcall", -1 },
		{ "x86_64", "no_such_call", -1 },
		{ "loongarch64", "read", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct scprof_arch *a = scprof_arch_by_name(cases[i].arch);
		assert_non_null(a);
		assert_int_equal(scprof_syscall_nr(a, cases[i].name), cases[i].nr);
		if (cases[i].nr >= 0)
			assert_string_equal(scprof_syscall_name(a, cases[i].nr), cases[i].name);
	}
	const struct scprof_arch *x86_64 = scprof_arch_by_name("x86_64");
	assert_null(scprof_syscall_name(x86_64, -1));
	assert_null(scprof_syscall_name(x86_64, 100000));
	assert_null(scprof_syscall_name(x86_64, 0x40000000));
	assert_null(scprof_syscall_name(scprof_arch_by_name("x32"), 0));
	assert_int_equal(scprof_syscall_nr(NULL, "read"), -1);
	assert_int_equal(scprof_syscall_nr(x86_64, NULL), -1);
	assert_null(scprof_syscall_name(NULL, 0));

	/* A copy of an entry still finds its table. */
	struct scprof_arch copy = *x86_64;
	assert_int_equal(scprof_syscall_nr(&copy, "openat"), 257);

	assert_true(scprof_syscall_known("openat"));
	assert_true(scprof_syscall_known("socketcall"));
	assert_true(scprof_syscall_known("cacheflush"));
	assert_false(scprof_syscall_known("opnat"));
	assert_false(scprof_syscall_known(""));
	assert_false(scprof_syscall_known(NULL));

	size_t n;
	assert_null(scprof_syscall_table(scprof_arch_by_name("loongarch64"), &n));
	assert_int_equal(n, 0);
}

/* The tables agree with libseccomp, number by number, and are sorted the way bsearch needs. */
static void test_tables_consistent(void **state)
{
	size_t na, nn;
	const struct scprof_arch *arches = scprof_arch_list(&na);
	const char *const *names = scprof_syscall_all_names(&nn);
	assert_true(nn > 400);
	for (size_t i = 1; i < nn; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	for (size_t i = 0; i < na; i++) {
		const struct scprof_arch *a = &arches[i];
		if (!a->has_table)
			continue;
		size_t n;
		const struct scprof_syscall_entry *e = scprof_syscall_table(a, &n);
		assert_non_null(e);
		assert_true(n > 250);
		assert_int_equal(e[0].nr, a->nr_min);
		assert_int_equal(e[n - 1].nr, a->nr_max);
		uint32_t tok = scprof_arch_scmp_token(a);
		for (size_t j = 0; j < n; j++) {
			assert_true(e[j].nr >= 0);
			if (j)
				assert_true(e[j - 1].nr < e[j].nr);
			assert_int_equal(scprof_syscall_nr(a, e[j].name), e[j].nr);
			assert_ptr_equal(scprof_syscall_name(a, e[j].nr), e[j].name);
			assert_true(scprof_syscall_known(e[j].name));
			char *s = seccomp_syscall_resolve_num_arch(tok, e[j].nr);
			assert_non_null(s);
			assert_string_equal(s, e[j].name);
			free(s);
		}
	}
}

static void test_lookup_speed(void **state)
{
	/* O(log n): a million lookups take milliseconds; a linear scan or libseccomp would not. */
	const struct scprof_arch *a = scprof_arch_by_name("x86_64");
	size_t nn;
	const char *const *names = scprof_syscall_all_names(&nn);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long found = 0;
	for (int i = 0; i < 1000000; i++)
		found += scprof_syscall_nr(a, names[i % nn]) >= 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(found > 0);
	print_message("1e6 name lookups: %.3f s\n", s);
	assert_true(s < 2.0);
}

static void test_errno(void **state)
{
	assert_int_equal(scprof_errno_by_name("EPERM"), 1);
	assert_int_equal(scprof_errno_by_name("eperm"), 1);
	assert_int_equal(scprof_errno_by_name("ENOSYS"), 38);
	assert_int_equal(scprof_errno_by_name("EAGAIN"), 11);
	assert_int_equal(scprof_errno_by_name("EWOULDBLOCK"), 11);
	assert_int_equal(scprof_errno_by_name("EDEADLK"), 35);
	assert_int_equal(scprof_errno_by_name("EDEADLOCK"), 35);
	assert_int_equal(scprof_errno_by_name("EOPNOTSUPP"), 95);
	assert_int_equal(scprof_errno_by_name("ENOTSUP"), 95);
	assert_int_equal(scprof_errno_by_name("EHWPOISON"), 133);
	assert_int_equal(scprof_errno_by_name("ENOPE"), -1);
	assert_int_equal(scprof_errno_by_name(""), -1);
	assert_int_equal(scprof_errno_by_name(NULL), -1);
	assert_string_equal(scprof_errno_name(1), "EPERM");
	assert_string_equal(scprof_errno_name(11), "EAGAIN");
	assert_string_equal(scprof_errno_name(35), "EDEADLK");
	assert_string_equal(scprof_errno_name(95), "EOPNOTSUPP");
	assert_string_equal(scprof_errno_desc(1), "Operation not permitted");
	assert_null(scprof_errno_name(0));
	assert_null(scprof_errno_name(41));
	assert_null(scprof_errno_name(58));
	assert_null(scprof_errno_name(134));
	assert_null(scprof_errno_name(-1));
	int count = 0;
	for (int e = 1; e <= 133; e++) {
		const char *n = scprof_errno_name(e);
		if (!n)
			continue;
		count++;
		assert_int_equal(scprof_errno_by_name(n), e);
		assert_non_null(scprof_errno_desc(e));
	}
	assert_int_equal(count, 131);
#if defined(__x86_64__) || defined(__aarch64__) || defined(__i386__)
	/* The host's <errno.h> uses the same numbering here. */
	assert_int_equal(scprof_errno_by_name("ENOTRECOVERABLE"), ENOTRECOVERABLE);
	assert_int_equal(scprof_errno_by_name("ECANCELED"), ECANCELED);
	assert_int_equal(scprof_errno_by_name("ENOMEDIUM"), ENOMEDIUM);
	assert_string_equal(scprof_errno_desc(ENOENT), strerror(ENOENT));
#endif
}

static void test_caps(void **state)
{
	assert_int_equal(scprof_cap_last(), 40);
	assert_int_equal(scprof_cap_by_name("CAP_CHOWN"), 0);
	assert_int_equal(scprof_cap_by_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(scprof_cap_by_name("sys_admin"), 21);
	assert_int_equal(scprof_cap_by_name("Cap_Sys_Admin"), 21);
	assert_int_equal(scprof_cap_by_name("SYS_ADMIN"), 21);
	assert_int_equal(scprof_cap_by_name("CAP_BPF"), 39);
	assert_int_equal(scprof_cap_by_name("CAP_PERFMON"), 38);
	assert_int_equal(scprof_cap_by_name("checkpoint_restore"), 40);
	assert_int_equal(scprof_cap_by_name("CAP_"), -1);
	assert_int_equal(scprof_cap_by_name("CAP_NOPE"), -1);
	assert_int_equal(scprof_cap_by_name(""), -1);
	assert_int_equal(scprof_cap_by_name(NULL), -1);
	assert_string_equal(scprof_cap_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(scprof_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_null(scprof_cap_name(41));
	assert_null(scprof_cap_name(-1));
	for (int c = 0; c <= scprof_cap_last(); c++)
		assert_int_equal(scprof_cap_by_name(scprof_cap_name(c)), c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_list),      cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_arch_tokens),    cmocka_unit_test(test_arch_native),
		cmocka_unit_test(test_syscall_lookup), cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_lookup_speed),   cmocka_unit_test(test_errno),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
