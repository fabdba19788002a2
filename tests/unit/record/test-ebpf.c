// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the eBPF recorder on the live kernel (root, or CAP_BPF and CAP_PERFMON). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scprof/record.h"
#include "util/util.h"

static bool seen(const struct scprof_obs *o, const char *arch, const char *name)
{
	size_t n;
	struct scprof_obs_call *c = scprof_obs_calls(o, &n);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		if (c[i].name && !strcmp(c[i].name, name) && !strcmp(c[i].arch->name, arch))
			found = true;
	free(c);
	return found;
}

/* Record @argv to its end; the wait status goes to *status. */
static struct scprof_obs *record(char *const argv[], bool args, int *status)
{
	struct scprof_record_target t = { .argv = argv, .args = args };
	struct scprof_recorder *r = NULL;
	struct scprof_error *err = NULL;
	struct scprof_obs *o = scprof_obs_new();
	int exec_errno;

	if (scprof_recorder_start(SCPROF_BACKEND_EBPF, &t, &r, &exec_errno, &err) < 0)
		fail_msg("cannot start the eBPF recorder: %s", err->msg);
	assert_int_equal(scprof_recorder_backend(r), SCPROF_BACKEND_EBPF);
	assert_true(scprof_recorder_child(r) > 0);
	assert_int_equal(scprof_recorder_wait(r, -1, NULL, status, &err), 1);
	scprof_recorder_collect(r, o);
	scprof_recorder_free(r, NULL);
	return o;
}

static void test_command(void **state)
{
	char *argv[] = { "sh", "-c", "ls / > /dev/null; exit 3", NULL };
	int st;
	struct scprof_obs *o = record(argv, false, &st);

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	/* the first call seen is the command's execve; the child's ls too */
	assert_true(seen(o, "x86_64", "execve"));
	assert_true(seen(o, "x86_64", "getdents64"));
	assert_true(seen(o, "x86_64", "exit_group"));
	assert_true(seen(o, "x86_64", "wait4"));
	/* the kill that stopped the child before it was followed is not */
	assert_false(seen(o, "x86_64", "kill"));
	scprof_obs_free(o);
}

static void test_args(void **state)
{
	char *argv[] = { "true", NULL };
	int st;
	struct scprof_obs *o = record(argv, true, &st);
	size_t n;
	struct scprof_obs_argval *v = scprof_obs_argvals(o, &n);
	bool prot_read = false;

	for (size_t i = 0; i < n; i++)
		if (v[i].name && !strcmp(v[i].name, "mmap") && v[i].v1 == 1 /* PROT_READ */)
			prot_read = true;
	assert_true(prot_read);
	free(v);
	scprof_obs_free(o);
}

static void test_errors(void **state)
{
	struct scprof_recorder *r = NULL;
	struct scprof_error *err = NULL;
	int exec_errno;
	char *missing[] = { "/nonexistent/cmd", NULL };
	struct scprof_record_target t = { .argv = missing };

	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_EBPF, &t, &r, &exec_errno, &err),
			 -ENOENT);
	assert_int_equal(exec_errno, ENOENT);
	assert_null(r);
	scprof_error_free(err);
	err = NULL;

	t = (struct scprof_record_target){ .cgroup = "/tmp" };
	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_EBPF, &t, &r, &exec_errno, &err),
			 -EINVAL);
	assert_non_null(strstr(err->msg, "is not a cgroup"));
	scprof_error_free(err);
	err = NULL;

	t = (struct scprof_record_target){ .pid = 4194000 };
	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_EBPF, &t, &r, &exec_errno, &err),
			 -ESRCH);
	scprof_error_free(err);
}

static void on_usr1(int sig)
{
}

/* --pid: a running process is followed from then on, until it exits. */
static void test_pid(void **state)
{
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0) {
		signal(SIGUSR1, on_usr1);
		for (;;) {
			pause();
			getppid();
		}
	}
	struct scprof_record_target t = { .pid = child };
	struct scprof_recorder *r = NULL;
	struct scprof_error *err = NULL;
	int exec_errno, st;

	usleep(100 * 1000);
	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_EBPF, &t, &r, &exec_errno, &err), 0);
	kill(child, SIGUSR1);
	usleep(100 * 1000);
	kill(child, SIGTERM);
	assert_int_equal(scprof_recorder_wait(r, 5000, NULL, &st, &err), 1);
	struct scprof_obs *o = scprof_obs_new();

	scprof_recorder_collect(r, o);
	scprof_recorder_free(r, NULL);
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(seen(o, "x86_64", "rt_sigreturn"));
	assert_true(seen(o, "x86_64", "getppid"));
	assert_true(seen(o, "x86_64", "pause"));
	assert_false(seen(o, "x86_64", "rt_sigaction"));
	scprof_obs_free(o);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP the eBPF recorder needs root (CI runs as root)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
