// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the ptrace recorder: real commands and processes on the live kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "scprof/record.h"
#include "util/util.h"

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

static struct scprof_recorder *start(const struct scprof_record_target *t)
{
	struct scprof_recorder *r = NULL;
	struct scprof_error *err = NULL;
	int exec_errno = -1;
	int ret = scprof_recorder_start(SCPROF_BACKEND_PTRACE, t, &r, &exec_errno, &err);

	if (ret < 0)
		fail_msg("cannot start the recorder: %s", err ? err->msg : "?");
	assert_int_equal(exec_errno, 0);
	assert_int_equal(scprof_recorder_backend(r), SCPROF_BACKEND_PTRACE);
	return r;
}

/* Record @argv to its end; its wait status goes to *status. */
static struct scprof_obs *record(char *const argv[], bool args, int *status)
{
	struct scprof_record_target t = { .argv = argv, .args = args };
	struct scprof_recorder *r = start(&t);
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_error *err = NULL;
	int st;

	assert_true(scprof_recorder_child(r) > 0);
	/* no timeout: the way that blocks in waitpid(), as the command uses it */
	assert_int_equal(scprof_recorder_wait(r, -1, NULL, status, &err), 1);
	assert_int_not_equal(*status, -1);
	scprof_recorder_collect(r, o);
	scprof_recorder_free(r, &st);
	assert_int_equal(st, *status);
	return o;
}

/* Calls of @name on @arch. */
static uint64_t calls(const struct scprof_obs *o, const char *arch, const char *name)
{
	size_t n;
	struct scprof_obs_call *c = scprof_obs_calls(o, &n);
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (c[i].name && !strcmp(c[i].name, name) && !strcmp(c[i].arch->name, arch))
			sum += c[i].count;
	free(c);
	return sum;
}

static void test_true(void **state)
{
	char *argv[] = { "/bin/true", NULL };
	int st;
	struct scprof_obs *o = record(argv, false, &st);

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(calls(o, "x86_64", "execve") >= 1);
	assert_int_equal(calls(o, "x86_64", "exit_group"), 1);
	assert_true(scprof_obs_count(o) > 5);
	scprof_obs_free(o);
}

/* The shell forks for ls: only the child lists a directory. */
static void test_fork(void **state)
{
	char *argv[] = { "sh", "-c", "ls / >/dev/null; true", NULL };
	int st;
	struct scprof_obs *o = record(argv, false, &st);

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(calls(o, "x86_64", "getdents64") >= 1);
	assert_true(calls(o, "x86_64", "clone") + calls(o, "x86_64", "clone3") +
			    calls(o, "x86_64", "fork") + calls(o, "x86_64", "vfork") >=
		    1);
	assert_true(calls(o, "x86_64", "execve") >= 2);
	assert_true(calls(o, "x86_64", "wait4") >= 1);
	assert_int_equal(calls(o, "x86_64", "exit_group"), 2);
	scprof_obs_free(o);
}

/*
 * Only the second thread calls getppid.  (Whether it gets to its exit syscall is
 * a race: Python's join returns before the thread is gone, and exit_group may
 * end it first.)
 */
static void test_threads(void **state)
{
	char *argv[] = { "/usr/bin/python3",
			 "-I",
			 "-S",
			 "-c",
			 "import os, threading\n"
			 "t = threading.Thread(target=os.getppid)\n"
			 "t.start()\n"
			 "t.join()\n",
			 NULL };
	int st;

	if (access(argv[0], X_OK) < 0) {
		print_message("skipped: no %s for a threaded program\n", argv[0]);
		skip();
	}
	struct scprof_obs *o = record(argv, false, &st);

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(calls(o, "x86_64", "getppid"), 1);
	assert_true(calls(o, "x86_64", "clone3") + calls(o, "x86_64", "clone") >= 1);
	scprof_obs_free(o);
}

/*
 * Every tracee is accounted for: a thread that execs takes the leader's id and
 * its own vanishes, and children that exit before their parent's fork event
 * is read are not waited for.  An untraced child of ours keeps waitpid() from
 * failing with ECHILD, so a stale tracee would make wait() time out.
 */
static void test_accounting(void **state)
{
	char *thread_exec[] = {
		"/usr/bin/python3",
		"-I",
		"-S",
		"-c",
		"import os, threading, time\n"
		"threading.Thread(target=os.execv,\n"
		"                 args=('/bin/sh', ['sh', '-c', 'exit 6'])).start()\n"
		"time.sleep(10)\n",
		NULL
	};
	char *many[] = { "sh", "-c",
			 "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do true & done; wait",
			 NULL };
	struct scprof_error *err = NULL;
	pid_t guard = fork();
	int st;

	assert_true(guard >= 0);
	if (guard == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	for (int round = 0; round < 5; round++) {
		struct scprof_record_target t = { .argv = many };
		struct scprof_recorder *r = start(&t);

		assert_int_equal(scprof_recorder_wait(r, 10000, NULL, &st, &err), 1);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		scprof_recorder_free(r, NULL);
	}
	if (access(thread_exec[0], X_OK) == 0) {
		struct scprof_record_target t = { .argv = thread_exec };
		struct scprof_recorder *r = start(&t);

		assert_int_equal(scprof_recorder_wait(r, 8000, NULL, &st, &err), 1);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 6);
		scprof_recorder_free(r, NULL);
	} else {
		print_message("no %s: the exec from a thread is not tried\n", thread_exec[0]);
	}
	kill(guard, SIGKILL);
	assert_int_equal(waitpid(guard, &st, 0), guard);
}

/* An i386 program: its calls are on arch "x86", the execve that starts it on x86_64. */
static void test_i386(void **state)
{
	char dir[] = "/tmp/scprof-test-XXXXXX";
	_cleanup_free_ char *src = NULL, *bin = NULL, *cmd = NULL;
	int st;

	assert_non_null(mkdtemp(dir));
	src = xasprintf("%s/m32.c", dir);
	bin = xasprintf("%s/m32", dir);
	FILE *f = fopen(src, "w");

	assert_non_null(f);
	fputs("#include <unistd.h>\nint main(void) { return getppid() > 0 ? 5 : 6; }\n", f);
	fclose(f);
	cmd = xasprintf("cc -m32 -o %s %s >/dev/null 2>&1", bin, src);
	if (system(cmd) != 0) {
		unlink(src);
		rmdir(dir);
		print_message("skipped: 'cc -m32' cannot build an i386 program here\n");
		skip();
	}

	char *argv[] = { bin, NULL };
	struct scprof_obs *o = record(argv, false, &st);

	unlink(bin);
	unlink(src);
	rmdir(dir);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	assert_true(calls(o, "x86_64", "execve") >= 1);
	assert_int_equal(calls(o, "x86", "getppid"), 1);
	assert_int_equal(calls(o, "x86", "exit_group"), 1);
	assert_int_equal(calls(o, "x86_64", "exit_group"), 0);
	scprof_obs_free(o);
}

static void test_missing(void **state)
{
	char *paths[] = { "/no/such/program", "scprof-no-such-command" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *argv[] = { paths[i], NULL };
		struct scprof_record_target t = { .argv = argv };
		struct scprof_recorder *r = NULL;
		struct scprof_error *err = NULL;
		int exec_errno;
		_cleanup_free_ char *want =
			xasprintf("cannot run '%s': No such file or directory", paths[i]);

		assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_PTRACE, &t, &r, &exec_errno,
						       &err),
				 -ENOENT);
		assert_null(r);
		assert_int_equal(exec_errno, ENOENT);
		assert_string_equal(err->msg, want);
		scprof_error_free(err);
	}
}

static void test_status(void **state)
{
	char *exit3[] = { "sh", "-c", "exit 3", NULL };
	char *killed[] = { "sh", "-c", "kill -KILL $$", NULL };
	/* the signal reaches the shell only if the recorder passes it on */
	char *trapped[] = { "sh", "-c", "trap 'exit 7' USR1; kill -USR1 $$; sleep 5", NULL };
	int st;

	scprof_obs_free(record(exit3, false, &st));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	scprof_obs_free(record(killed, false, &st));
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	int64_t t0 = now_ms();

	scprof_obs_free(record(trapped, false, &st));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	assert_true(now_ms() - t0 < 4000);
}

/* A group-stop keeps the command stopped (wait times out) until SIGCONT; wait then goes on. */
static void test_group_stop(void **state)
{
	char *argv[] = { "sh", "-c", "kill -STOP $$; exit 4", NULL };
	struct scprof_record_target t = { .argv = argv };
	struct scprof_recorder *r = start(&t);
	struct scprof_error *err = NULL;
	int st;

	assert_int_equal(scprof_recorder_wait(r, 300, NULL, &st, &err), 0);
	assert_int_equal(st, -1);
	kill(scprof_recorder_child(r), SIGCONT);
	assert_int_equal(scprof_recorder_wait(r, 10000, NULL, &st, &err), 1);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	scprof_recorder_free(r, NULL);
}

static volatile int stop_flag;

static void on_alarm(int sig)
{
	stop_flag = 1;
}

/* A timeout, and a stop set by a signal handler while wait blocks; free kills the command. */
static void test_stop(void **state)
{
	char *argv[] = { "sleep", "10", NULL };
	struct scprof_record_target t = { .argv = argv };
	struct scprof_error *err = NULL;
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { 0, 200 * 1000 } };
	int64_t t0 = now_ms();
	int st;

	struct scprof_recorder *r = start(&t);

	assert_int_equal(scprof_recorder_wait(r, 200, &stop_flag, &st, &err), 0);
	assert_int_equal(st, -1);
	assert_true(now_ms() - t0 < 2000);

	/* no SA_RESTART, like the command's SIGINT handler */
	sigaction(SIGALRM, &sa, &old);
	stop_flag = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(scprof_recorder_wait(r, -1, &stop_flag, &st, &err), 0);
	assert_int_equal(stop_flag, 1);
	assert_true(now_ms() - t0 < 3000);
	sigaction(SIGALRM, &old, NULL);

	/* the same with a timeout, which takes the other way to sleep */
	stop_flag = 0;
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(scprof_recorder_wait(r, 5000, &stop_flag, &st, &err), 0);
	assert_true(now_ms() - t0 < 4000);
	sigaction(SIGALRM, &old, NULL);

	scprof_recorder_free(r, &st);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_true(now_ms() - t0 < 5000);
}

/* The wait status of @argv recorded to its end, -1 on failure; for a child process. */
static int record_status(char *const argv[])
{
	struct scprof_record_target t = { .argv = argv };
	struct scprof_recorder *r = NULL;
	int exec_errno, st = -1;

	if (scprof_recorder_start(SCPROF_BACKEND_PTRACE, &t, &r, &exec_errno, NULL) < 0)
		return -1;
	if (scprof_recorder_wait(r, 20000, NULL, &st, NULL) != 1)
		st = -1;
	scprof_recorder_free(r, NULL);
	return st;
}

static bool set_sys_admin(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	if (on)
		return d[0].effective & (1u << CAP_SYS_ADMIN);
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) == 0;
}

/* no_new_privs is set only when loading the filter needs it: without CAP_SYS_ADMIN. */
static void test_no_new_privs(void **state)
{
	char *nnp0[] = { "grep", "-q", "^NoNewPrivs:[[:space:]]*0", "/proc/self/status", NULL };
	char *nnp1[] = { "grep", "-q", "^NoNewPrivs:[[:space:]]*1", "/proc/self/status", NULL };
	int st;

	if (set_sys_admin(true)) {
		scprof_obs_free(record(nnp0, false, &st));
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (!set_sys_admin(false))
			_exit(98);
		st = record_status(nnp1);
		_exit(st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 99);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/*
 * The command's way on a first Ctrl-C: the command got the signal too, and
 * wait is called again, *stop still set, until it exits of it.
 */
static void test_stop_then_exit(void **state)
{
	char *argv[] = { "sleep", "10", NULL };
	struct scprof_record_target t = { .argv = argv };
	struct scprof_recorder *r = start(&t);
	struct scprof_error *err = NULL;
	volatile int stop = 1;
	int64_t t0 = now_ms();
	int ret = 0, st;

	kill(scprof_recorder_child(r), SIGTERM);
	while (ret == 0 && now_ms() - t0 < 5000)
		ret = scprof_recorder_wait(r, -1, &stop, &st, &err);
	assert_int_equal(ret, 1);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	scprof_recorder_free(r, NULL);
}

static bool have_argval(const struct scprof_obs *o, const char *name, uint64_t v1)
{
	size_t n;
	struct scprof_obs_argval *a = scprof_obs_argvals(o, &n);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		if (a[i].name && !strcmp(a[i].name, name) && a[i].v1 == v1)
			found = true;
	free(a);
	return found;
}

static void test_args(void **state)
{
	char *argv[] = { "/bin/true", NULL };
	int st;
	size_t n;
	struct scprof_obs *o = record(argv, true, &st);
	struct scprof_obs_argval *a = scprof_obs_argvals(o, &n);

	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(a[i].name);
		if (!strcmp(a[i].name, "mmap") || !strcmp(a[i].name, "mprotect"))
			assert_true(a[i].v1 <= (PROT_READ | PROT_WRITE | PROT_EXEC));
	}
	free(a);
	/* the dynamic loader maps libraries read-only and its data read-write */
	assert_true(have_argval(o, "mmap", PROT_READ));
	assert_true(have_argval(o, "mmap", PROT_READ | PROT_WRITE));
	scprof_obs_free(o);

	o = record(argv, false, &st);
	free(scprof_obs_argvals(o, &n));
	assert_int_equal(n, 0);
	scprof_obs_free(o);
}

static pid_t spawn_sleep(const char *secs)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sleep", "sleep", secs, (char *)NULL);
		_exit(127);
	}
	sleep_ms(150); /* let it reach its nanosleep */
	return pid;
}

/* Attached during its sleep, the process is followed to its exit. */
static void test_attach(void **state)
{
	pid_t pid = spawn_sleep("1");
	struct scprof_record_target t = { .pid = pid };
	struct scprof_recorder *r = start(&t);
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_error *err = NULL;
	int st;

	assert_int_equal(scprof_recorder_child(r), 0);
	assert_int_equal(scprof_recorder_wait(r, 10000, NULL, &st, &err), 1);
	assert_int_equal(st, -1); /* not a command of ours */
	scprof_recorder_collect(r, o);
	scprof_recorder_free(r, NULL);
	waitpid(pid, &st, WNOHANG); /* the recorder reaped it already */

	/* the interrupted nanosleep is resumed by restart_syscall */
	assert_true(calls(o, "x86_64", "restart_syscall") + calls(o, "x86_64", "clock_nanosleep") +
			    calls(o, "x86_64", "nanosleep") >=
		    1);
	assert_int_equal(calls(o, "x86_64", "exit_group"), 1);
	scprof_obs_free(o);
}

/* Stopping detaches: the process sleeps on undisturbed and exits normally. */
static void test_attach_detach(void **state)
{
	int64_t t0 = now_ms();
	pid_t pid = spawn_sleep("1");
	struct scprof_record_target t = { .pid = pid };
	struct scprof_recorder *r = start(&t);
	struct scprof_error *err = NULL;
	int st;

	assert_int_equal(scprof_recorder_wait(r, 200, NULL, &st, &err), 0);
	scprof_recorder_free(r, NULL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(now_ms() - t0 >= 950);
}

static void test_attach_errors(void **state)
{
	struct scprof_recorder *r = NULL;
	struct scprof_error *err = NULL;
	int exec_errno, st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);

	struct scprof_record_target gone = { .pid = pid };
	_cleanup_free_ char *want = xasprintf("no process %d", (int)pid);

	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_PTRACE, &gone, &r, &exec_errno, &err),
			 -ESRCH);
	assert_string_equal(err->msg, want);
	scprof_error_free(err);
	err = NULL;

	struct scprof_record_target self = { .pid = getpid() };

	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_PTRACE, &self, &r, &exec_errno, &err),
			 -EPERM);
	assert_non_null(strstr(err->msg, "cannot trace process"));
	scprof_error_free(err);
	err = NULL;

	struct scprof_record_target dir = { .cgroup = "/tmp" };

	assert_int_equal(scprof_recorder_start(SCPROF_BACKEND_PTRACE, &dir, &r, &exec_errno, &err),
			 -EINVAL);
	assert_string_equal(err->msg, "'/tmp' is not a cgroup");
	scprof_error_free(err);
	assert_null(r);
}

static bool traced_by_me(pid_t pid)
{
	char path[64], line[128];
	int tracer = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer == getpid();
}

/*
 * A cgroup: recording waits for its first process, picks up a newcomer by
 * the periodic scan, and ends when the cgroup has no process left.
 */
static void test_cgroup(void **state)
{
	const char *roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	_cleanup_free_ char *dir = NULL, *procs = NULL;
	int go[2], st, fd;

	for (size_t i = 0; i < ARRAY_SIZE(roots) && !dir; i++) {
		_cleanup_free_ char *probe = xasprintf("%s/cgroup.procs", roots[i]);

		if (access(probe, W_OK) < 0)
			continue;
		dir = xasprintf("%s/scprof-test-%d", roots[i], (int)getpid());
		if (mkdir(dir, 0755) < 0) {
			free(dir);
			dir = NULL;
		}
	}
	if (!dir) {
		print_message("skipped: cannot create a cgroup here (not root?)\n");
		skip();
	}
	procs = xasprintf("%s/cgroup.procs", dir);

	struct scprof_record_target t = { .cgroup = dir };
	struct scprof_recorder *r = start(&t);
	struct scprof_obs *o = scprof_obs_new();
	struct scprof_error *err = NULL;

	/* empty: nothing has run there yet, so this is not the end */
	assert_int_equal(scprof_recorder_wait(r, 100, NULL, &st, &err), 0);

	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		int null = open("/dev/null", O_WRONLY);

		close(go[1]);
		dup2(null, 1);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/ls", "ls", "/", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	fd = open(procs, O_WRONLY);
	assert_true(fd >= 0);
	dprintf(fd, "%d\n", (int)pid);
	close(fd);

	/* the scan every 200 ms finds it */
	assert_int_equal(scprof_recorder_wait(r, 600, NULL, &st, &err), 0);
	assert_true(traced_by_me(pid));
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	assert_int_equal(scprof_recorder_wait(r, 10000, NULL, &st, &err), 1);
	scprof_recorder_collect(r, o);
	scprof_recorder_free(r, NULL);
	waitpid(pid, &st, WNOHANG);
	rmdir(dir);

	assert_true(calls(o, "x86_64", "execve") >= 1);
	assert_true(calls(o, "x86_64", "getdents64") >= 1);
	assert_int_equal(calls(o, "x86_64", "exit_group"), 1);
	scprof_obs_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_true),	      cmocka_unit_test(test_fork),
		cmocka_unit_test(test_threads),	      cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_i386),	      cmocka_unit_test(test_missing),
		cmocka_unit_test(test_status),	      cmocka_unit_test(test_group_stop),
		cmocka_unit_test(test_stop),	      cmocka_unit_test(test_stop_then_exit),
		cmocka_unit_test(test_args),	      cmocka_unit_test(test_no_new_privs),
		cmocka_unit_test(test_attach),	      cmocka_unit_test(test_attach_detach),
		cmocka_unit_test(test_attach_errors), cmocka_unit_test(test_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
