// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/sandbox: kernel feature probes and spawning under a filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "format/node.h"
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

	/* WAIT_KILLABLE_RECV (5.19) is refused without NEW_LISTENER: probed with it */
	struct utsname u;
	unsigned major = 0, minor = 0;
	assert_int_equal(uname(&u), 0);
	sscanf(u.release, "%u.%u", &major, &minor);
	if (major > 5 || (major == 5 && minor >= 19)) {
		ok = scprof_seccomp_flags_supported(1U << 5, &missing);
		assert_int_equal(ok, 1U << 5);
		assert_int_equal(missing, 0);
	}
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

static const char *str_at(const struct node *obj, const char *key)
{
	const struct node *n = node_get(obj, key);
	assert_non_null(n);
	assert_int_equal(n->kind, NODE_STRING);
	return n->text;
}

static void test_state_json(void **state)
{
	struct scprof_sandbox_listener l = { "/run/agent.sock", "a \"quoted\"\tvalue", "run-1",
					     "/srv/b" };
	char *json = scprof_listener_state_json(&l, 4321);
	struct node *n = NULL;
	int64_t pid;
	assert_int_equal(json_parse(json, strlen(json), &n, NULL), 0);
	assert_string_equal(str_at(n, "ociVersion"), "1.2.0");
	const struct node *fds = node_get(n, "fds");
	assert_non_null(fds);
	assert_int_equal(fds->len, 1);
	assert_string_equal(fds->items[0]->text, "seccompFd");
	assert_true(node_get_i64(node_get(n, "pid"), &pid) && pid == 4321);
	assert_string_equal(str_at(n, "metadata"), "a \"quoted\"\tvalue");
	const struct node *st = node_get(n, "state");
	assert_string_equal(str_at(st, "ociVersion"), "1.2.0");
	assert_string_equal(str_at(st, "id"), "run-1");
	assert_string_equal(str_at(st, "status"), "creating");
	assert_string_equal(str_at(st, "bundle"), "/srv/b");
	assert_true(node_get_i64(node_get(st, "pid"), &pid) && pid == 4321);
	node_free(n);
	free(json);

	/* metadata is omitempty in runtime-spec: no key when there is none */
	l.metadata = "";
	json = scprof_listener_state_json(&l, 1);
	assert_null(strstr(json, "metadata"));
	free(json);
}

/* A listening socket in a fresh directory; *path is freed by the caller. */
static int agent_socket(char **path)
{
	char dir[] = "/tmp/scprof-agent.XXXXXX";
	assert_non_null(mkdtemp(dir));
	*path = xasprintf("%s/a.sock", dir);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, *path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 4), 0);
	return s;
}

static void agent_socket_remove(int s, char *path)
{
	close(s);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

/* Accept one runtime: the text it sent into @buf, the fd it passed (or -1). */
static int agent_receive(int s, char *buf, size_t size)
{
	int c = accept(s, NULL, NULL), fd = -1;
	size_t len = 0;
	assert_true(c >= 0);
	for (;;) {
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { buf + len, size - 1 - len };
		struct msghdr m = { .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		ssize_t n = recvmsg(c, &m, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			break;
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		if (h && h->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(h), sizeof(int));
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(c);
	return fd;
}

static void test_listener_send(void **state)
{
	struct scprof_error *err = NULL;
	char *path;
	int s = agent_socket(&path);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(scprof_listener_send(path, "{\"x\":1}", p[0], &err), 0);
	char buf[256];
	int fd = agent_receive(s, buf, sizeof(buf));
	assert_string_equal(buf, "{\"x\":1}");
	/* the passed fd is the pipe's read end: what goes in one end comes out of it */
	assert_true(fd >= 0);
	assert_int_equal(write(p[1], "k", 1), 1);
	assert_int_equal(read(fd, buf, 1), 1);
	assert_int_equal(buf[0], 'k');
	close(fd);

	assert_int_equal(scprof_listener_send("/nonexistent/agent.sock", "{}", p[0], &err),
			 -ENOENT);
	assert_non_null(strstr(err->msg, "cannot connect to the seccomp agent at '/nonexistent"));
	scprof_error_free(err);
	err = NULL;
	char long_path[200];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(scprof_listener_send(long_path, "{}", p[0], &err), -ENAMETOOLONG);
	scprof_error_free(err);
	close(p[0]);
	close(p[1]);
	agent_socket_remove(s, path);
}

static void test_spawn_listener(void **state)
{
	/* getppid (110 on x86_64) goes to the agent, the rest is allowed */
	struct sock_filter notify[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 110, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct scprof_bpf prog = { ARRAY_SIZE(notify), notify };
	char *path;
	int s = agent_socket(&path);
	struct scprof_sandbox_listener l = { path, "m", "t", "/" };
	struct scprof_sandbox sb = { .no_new_privs = true, .prog = &prog, .listener = &l };
	struct scprof_error *err = NULL;
	int exec_errno;
	char *ok[] = { "true", NULL };
	/* the agent's backlog takes the connection; the state and the listener wait there */
	pid_t pid = scprof_sandbox_spawn(&sb, ok, &exec_errno, &err);
	assert_true(pid > 0);
	int st = wait_status(pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char buf[1024];
	int fd = agent_receive(s, buf, sizeof(buf));
	assert_true(fd >= 0);
	char want[64];
	snprintf(want, sizeof(want), "\"pid\":%d,\"metadata\":\"m\"", (int)pid);
	assert_non_null(strstr(buf, want));
	char proc[64], link[64] = "";
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	assert_true(readlink(proc, link, sizeof(link) - 1) > 0);
	assert_string_equal(link, "anon_inode:seccomp notify");
	close(fd);
	agent_socket_remove(s, path);

	/* nobody listens: the child is stopped before it execs */
	char marker[] = "/tmp/scprof-ran.XXXXXX";
	int m = mkstemp(marker);
	assert_true(m >= 0);
	close(m);
	unlink(marker);
	char *touch[] = { "touch", marker, NULL };
	l.path = "/nonexistent/agent.sock";
	assert_int_equal(scprof_sandbox_spawn(&sb, touch, &exec_errno, &err), -ENOENT);
	assert_int_equal(exec_errno, 0);
	assert_non_null(strstr(err->msg, "cannot connect to the seccomp agent"));
	assert_int_equal(access(marker, F_OK), -1);
	scprof_error_free(err);
	err = NULL;

	/* a filter that denies the read of the handover is refused before fork */
	struct sock_filter noread[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0 /* read */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct scprof_bpf noread_prog = { ARRAY_SIZE(noread), noread };
	sb.prog = &noread_prog;
	assert_int_equal(scprof_sandbox_spawn(&sb, touch, &exec_errno, &err), -EPERM);
	assert_non_null(strstr(err->msg, "the profile must allow read"));
	assert_int_equal(access(marker, F_OK), -1);
	scprof_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probes),	       cmocka_unit_test(test_spawn),
		cmocka_unit_test(test_state_json),     cmocka_unit_test(test_listener_send),
		cmocka_unit_test(test_spawn_listener),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
