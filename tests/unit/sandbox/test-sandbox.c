// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/sandbox: kernel feature probes and spawning under a filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/seccomp.h>
#include <sys/wait.h>

#include "scprof/sandbox.h"
#include "util/util.h"

static int wait_status(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void test_probes(void **state)
{
	unsigned missing;
	unsigned ok =
		scprof_seccomp_flags_supported(SECCOMP_FILTER_FLAG_LOG | (1U << 30), &missing);
	assert_int_equal(ok, SECCOMP_FILTER_FLAG_LOG);
	assert_int_equal(missing, 1U << 30);
	assert_true(scprof_seccomp_action_available(0x7fff0000));
	assert_true(scprof_seccomp_action_available(0x00050001));
	assert_false(scprof_seccomp_action_available(0x12340000));
}

static void test_spawn(void **state)
{
	struct scprof_sandbox sb = { .no_new_privs = true };
	struct scprof_error *err = NULL;
	int exec_errno;
	char *ok[] = { "true", NULL };
	pid_t pid = scprof_sandbox_spawn(&sb, ok, &exec_errno, &err);
	assert_true(pid > 0);
	int st = wait_status(pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	char *missing[] = { "/no/such/program", NULL };
	assert_int_equal(scprof_sandbox_spawn(&sb, missing, &exec_errno, &err), -ENOENT);
	assert_int_equal(exec_errno, ENOENT);
	assert_non_null(strstr(err->msg, "cannot run '/no/such/program'"));
	scprof_error_free(err);
	err = NULL;

	/* a filter that returns ERRNO(5) for execve: the command never runs, the error comes back */
	struct sock_filter deny[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 59 /* execve on x86_64 */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct scprof_bpf prog = { ARRAY_SIZE(deny), deny };
	sb.prog = &prog;
	assert_int_equal(scprof_sandbox_spawn(&sb, ok, &exec_errno, &err), -EIO);
	assert_non_null(strstr(err->msg, "cannot run 'true'"));
	scprof_error_free(err);
	err = NULL;

	/* an invalid program is refused by the kernel: the child never execs */
	struct sock_filter bad[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1) };
	struct scprof_bpf badprog = { 1, bad };
	sb.prog = &badprog;
	assert_int_equal(scprof_sandbox_spawn(&sb, ok, &exec_errno, &err), -EINVAL);
	assert_int_equal(exec_errno, 0);
	assert_non_null(strstr(err->msg, "cannot load the seccomp filter"));
	scprof_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_spawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
