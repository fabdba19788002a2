// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The log recorder: the command runs under a filter whose only action is LOG,
 * and what it called is read back from the kernel's own records: from the
 * audit multicast group where permitted (CAP_AUDIT_READ), else /dev/kmsg.
 * It needs neither BPF nor ptrace, and it sees calls that another filter of
 * the workload denies.
 *
 * The records of the workload are told from the rest by their audit session:
 * the child writes its login uid back before exec, which gives it (and all it
 * starts) a session id of its own.  That needs an unset login uid or
 * CAP_AUDIT_CONTROL.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/reader.h"
#include "audit/record.h"
#include "record/recorder.h"

/* The netlink receive buffer: kernel memory, enough for a million records. */
#define RCVBUF (256u << 20)

/* How long the kernel's kauditd thread may lag behind: records still come after exit. */
#define GRACE_QUIET_MS 200
#define GRACE_MAX_MS 2000

struct log_priv {
	struct audit_reader *kmsg;
	struct audit_tune tune;
	struct audit_record rec;
	struct scprof_obs *obs;
	uint32_t ses;
	uint64_t suppressed;
	void (*on_record)(void *ctx, const struct audit_record *rec);
	void *on_record_ctx;
};

enum step { STEP_SESSION, STEP_LOGINUID, STEP_NNP, STEP_FILTER, STEP_EXEC };

static void send_msg(int fd, enum step step, int v)
{
	int msg[2] = { (int)step, v };
	/* nothing to do if this fails: the parent sees an exit without exec */
	if (write(fd, msg, sizeof(msg)) < 0) {
	}
}

static void __attribute__((noreturn)) fail(int fd, enum step step, int e)
{
	send_msg(fd, step, e);
	_exit(step == STEP_EXEC ? (e == ENOENT ? 127 : 126) : 125);
}

/* Between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn))
child(char *const argv[], const struct scprof_bpf *filter, const char *loginuid, bool nnp, int fd)
{
	struct sock_filter log_all[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG) };
	struct sock_fprog prog = { ARRAY_SIZE(log_all), log_all };
	if (filter) {
		prog.len = (unsigned short)filter->len;
		prog.filter = filter->insns;
	}
	char buf[16];
	unsigned ses = 0;

	int lfd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (lfd < 0 || write(lfd, loginuid, strlen(loginuid)) < 0)
		fail(fd, STEP_LOGINUID, errno);
	close(lfd);
	int sfd = open("/proc/self/sessionid", O_RDONLY | O_CLOEXEC);
	ssize_t n = sfd >= 0 ? read(sfd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		fail(fd, STEP_LOGINUID, n < 0 ? errno : EIO);
	close(sfd);
	for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		ses = ses * 10 + (unsigned)(buf[i] - '0');
	send_msg(fd, STEP_SESSION, (int)ses);

	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(fd, STEP_NNP, errno);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		fail(fd, STEP_FILTER, errno);
	execvp(argv[0], argv);
	fail(fd, STEP_EXEC, errno);
}

/* Take in what the kernel logged so far. */
static int drain(struct log_priv *p)
{
	const char *line;
	size_t len;
	uint64_t nl;
	int got = 0;
	while (audit_reader_next(p->kmsg, &line, &len, NULL) > 0) {
		enum audit_line_kind kind = audit_line_kind(line, len, &nl);
		if (kind == AUDIT_LINE_SUPPRESSED)
			p->suppressed += nl ? nl : 1;
		if (kind != AUDIT_LINE_SECCOMP || audit_record_parse(line, len, &p->rec, NULL) < 0)
			continue;
		if (!(p->rec.have & AUDIT_HAVE_SES) || p->rec.ses != p->ses)
			continue;
		int nr = p->rec.syscall >= 0 && p->rec.syscall <= INT32_MAX ? (int)p->rec.syscall :
									      -1;
		if (p->rec.arch_info && nr >= 0)
			scprof_obs_add(p->obs, p->rec.arch_info, nr, 1);
		if (p->on_record)
			p->on_record(p->on_record_ctx, &p->rec);
		got++;
	}
	return got;
}

static int log_start(struct scprof_recorder *r, const struct scprof_record_target *t,
		     int *exec_errno, struct scprof_error **err)
{
	_cleanup_error_ struct scprof_error *e = NULL;
	char loginuid[16];
	int fds[2], msg[2];

	if (!t->argv)
		return error_set(err, -EINVAL,
				 "the log recorder records a command, not --pid or --cgroup");
	if (t->args)
		return error_set(err, -EINVAL,
				 "the kernel's records have no arguments: --args needs the ebpf "
				 "or ptrace recorder");
	struct log_priv *p = xcalloc(1, sizeof(*p));
	r->priv = p;
	p->obs = scprof_obs_new();
	p->on_record = t->on_record;
	p->on_record_ctx = t->on_record_ctx;
	/* the audit multicast group loses nothing; else /dev/kmsg, without printk's rate limit */
	bool netlink = audit_reader_open_netlink(RCVBUF, &p->kmsg, NULL) == 0;
	if (!netlink && audit_reader_open_kmsg(NULL, false, &p->kmsg, &e) < 0)
		return error_set(err, e->code, "the log recorder reads the kernel log: %s", e->msg);
	if (!audit_tune_lift(&p->tune, !netlink, true))
		return error_set(err, -EPERM,
				 "the kernel does not log the LOG action "
				 "(kernel.seccomp.actions_logged) and it cannot be changed here");
	/* orphans of the command become ours, so that waiting covers them too */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	audit_session_loginuid(loginuid, sizeof(loginuid));
	bool nnp = !record_has_sys_admin();

	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_set(err, -errno, "cannot create a pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(t->argv, t->log_filter, loginuid, nnp, fds[1]);
	}
	int fork_errno = errno;
	close(fds[1]);
	_cleanup_close_ int rfd = fds[0];
	if (pid < 0)
		return error_set(err, -fork_errno, "cannot fork: %s", strerror(fork_errno));
	r->child = pid;

	bool have_session = false;
	for (;;) {
		ssize_t n = read(rfd, msg, sizeof(msg));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			break; /* execve closed the pipe: running */
		if (n != (ssize_t)sizeof(msg))
			return error_set(err, -EIO, "cannot start '%s'", t->argv[0]);
		if (msg[0] == STEP_SESSION) {
			p->ses = (uint32_t)msg[1];
			have_session = true;
			continue;
		}
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		r->exited = true;
		r->status = st;
		switch (msg[0]) {
		case STEP_EXEC:
			*exec_errno = msg[1];
			return error_set(err, -msg[1], "cannot run '%s': %s", t->argv[0],
					 strerror(msg[1]));
		case STEP_LOGINUID:
			return error_set(err, -msg[1],
					 "cannot give '%s' an audit session of its own (writing "
					 "/proc/self/loginuid: %s): the log recorder needs "
					 "CAP_AUDIT_CONTROL or an unset login uid",
					 t->argv[0], strerror(msg[1]));
		case STEP_NNP:
			return error_set(err, -msg[1], "cannot set no_new_privs: %s",
					 strerror(msg[1]));
		default:
			return error_set(err, -msg[1], "cannot load the logging seccomp filter: %s",
					 strerror(msg[1]));
		}
	}
	if (!have_session || p->ses == UINT32_MAX)
		return error_set(err, -EPERM,
				 "'%s' did not get an audit session of its own: the log recorder "
				 "cannot tell its records from others",
				 t->argv[0]);
	return 0;
}

static int log_wait(struct scprof_recorder *r, int timeout_ms, volatile int *stop,
		    struct scprof_error **err)
{
	struct log_priv *p = r->priv;
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : now_ms() + timeout_ms;
	for (;;) {
		drain(p);
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid == r->child) {
				r->exited = true;
				r->status = st;
			}
		}
		if (pid < 0 && errno == ECHILD)
			break;
		if ((stop && *stop) || now_ms() >= deadline)
			return 0;
		struct pollfd pfd = { .fd = audit_reader_fd(p->kmsg), .events = POLLIN };
		poll(&pfd, 1, 50);
	}
	/* everything exited: the last records may still be on their way */
	int64_t end = now_ms() + GRACE_MAX_MS, quiet_since = now_ms();
	while (now_ms() < end && now_ms() - quiet_since < GRACE_QUIET_MS) {
		struct pollfd pfd = { .fd = audit_reader_fd(p->kmsg), .events = POLLIN };
		poll(&pfd, 1, 20);
		if (drain(p))
			quiet_since = now_ms();
	}
	(void)err;
	return 1;
}

static void log_collect(struct scprof_recorder *r, struct scprof_obs *o)
{
	struct log_priv *p = r->priv;
	drain(p);
	scprof_obs_merge(o, p->obs);
	r->lost = p->suppressed + audit_reader_lost(p->kmsg);
}

static void log_release(struct scprof_recorder *r)
{
	struct log_priv *p = r->priv;
	if (!p)
		return;
	audit_tune_restore(&p->tune);
	audit_reader_free(p->kmsg);
	audit_record_release(&p->rec);
	scprof_obs_free(p->obs);
	free(p);
	r->priv = NULL;
}

const struct recorder_ops record_log_ops = {
	.start = log_start,
	.wait = log_wait,
	.collect = log_collect,
	.release = log_release,
};
