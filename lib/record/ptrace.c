// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ptrace recorder.
 *
 * A command runs under a one-instruction seccomp filter that returns
 * SECCOMP_RET_TRACE for every syscall, so each call costs one ptrace stop
 * (PTRACE_EVENT_SECCOMP) instead of strace's two (entry and exit).  A running
 * process cannot be given a filter from outside, so attaching to a pid or a
 * cgroup uses syscall stops (PTRACE_SYSCALL) and records at entry.
 *
 * Tracees are threads: waitpid() and ptrace() speak thread ids.  The set of
 * live tracees decides when recording ends; new ones come from fork, vfork and
 * clone events (PTRACE_O_TRACE*), and from an unknown thread's first stop,
 * which may arrive before its parent's event (see ptrace(2), "Attaching and
 * detaching").
 *
 * ptrace requests are per thread: wait() and release() must run on the thread
 * that called start().  waitpid(-1, __WALL) reaps any child of the calling
 * process, not only tracees.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "record/recorder.h"

#define X32_SYSCALL_BIT 0x40000000
#define NR_DIRECT 1024 /* syscall numbers counted in a plain array; larger ones go to the obs */
#define MAX_ARCHES 8
#define GONE_RING 32
#define RESCAN_MS 200 /* how often a cgroup is read again for newcomers */
#define IDLE_MS 100 /* longest sleep before looking at the clock and *stop again */
#define RELEASE_MS 2000 /* how long release() waits for tracees to die or stop to detach */
#define CAP_SYS_ADMIN_BIT 21

#define COMMAND_OPTS                                                                              \
	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
	 PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)
#define ATTACH_OPTS                                                                               \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
	 PTRACE_O_TRACEEXEC)

/* Per architecture seen: direct counters, and which arguments --args wants. */
struct arch_slot {
	uint32_t token; /* AUDIT_ARCH_* */
	uint32_t x32; /* X32_SYSCALL_BIT when the calls counted here carry it */
	const struct scprof_arch *arch;
	int base; /* number of counts[0] */
	uint64_t counts[NR_DIRECT];
	int8_t a1[NR_DIRECT], a2[NR_DIRECT]; /* argument indexes, -1: none */
};

/* A set of thread ids: open addressing, 0 empty, -1 deleted. */
struct pidset {
	pid_t *v;
	size_t cap, used, live;
};

struct ptrace_priv {
	bool attach; /* syscall stops instead of seccomp stops */
	bool args;
	enum __ptrace_request resume; /* PTRACE_CONT or PTRACE_SYSCALL */
	struct pidset tracees;
	pid_t gone[GONE_RING]; /* recently exited or detached, so a late fork event does not revive them */
	unsigned gone_next;
	bool execed; /* the command's execve succeeded */
	struct arch_slot *last;
	struct arch_slot *slots[MAX_ARCHES];
	size_t n_slots;
	struct scprof_obs *obs; /* argument values, numbers beyond NR_DIRECT */
	char *cgroup; /* cgroup mode: the directory, and its cgroup.procs */
	char *procs;
	bool cgroup_seen; /* a process of the cgroup was followed */
	bool scan_now; /* the last tracee exited: look for newcomers before calling it the end */
	int64_t next_scan;
};

/* ---- the set of tracees ---- */

static size_t pidset_find(const struct pidset *s, pid_t pid)
{
	size_t i = ((uint32_t)pid * 2654435761u) & (s->cap - 1);

	while (s->v[i] && s->v[i] != pid)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool pidset_has(const struct pidset *s, pid_t pid)
{
	return s->cap && s->v[pidset_find(s, pid)] == pid;
}

static void pidset_rehash(struct pidset *s, size_t cap)
{
	struct pidset n = { .v = xcalloc(cap, sizeof(pid_t)), .cap = cap };

	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i] > 0)
			n.v[pidset_find(&n, s->v[i])] = s->v[i];
	n.used = n.live = s->live;
	free(s->v);
	*s = n;
}

static bool pidset_add(struct pidset *s, pid_t pid)
{
	if (pid <= 0 || pidset_has(s, pid))
		return false;
	if ((s->used + 1) * 2 > s->cap)
		pidset_rehash(s, s->live * 4 > s->cap ? s->cap * 2 : s->cap ? s->cap : 64);
	s->v[pidset_find(s, pid)] = pid;
	s->used++;
	s->live++;
	return true;
}

static void pidset_clear(struct pidset *s)
{
	free(s->v);
	*s = (struct pidset){ 0 };
}

static bool pidset_del(struct pidset *s, pid_t pid)
{
	if (!pidset_has(s, pid))
		return false;
	s->v[pidset_find(s, pid)] = -1;
	s->live--;
	return true;
}

/* ---- observations ---- */

static struct arch_slot *slot_new(struct ptrace_priv *p, uint32_t token, int nr)
{
	const struct scprof_arch *arch = scprof_arch_for_call(token, nr);
	uint32_t x32 = (uint32_t)nr & X32_SYSCALL_BIT;

	for (size_t i = 0; i < p->n_slots; i++)
		if (p->slots[i]->token == token && p->slots[i]->x32 == x32)
			return p->slots[i];
	if (!arch || p->n_slots == MAX_ARCHES)
		return NULL;

	struct arch_slot *s = xcalloc(1, sizeof(*s));

	s->token = token;
	s->x32 = x32;
	s->arch = arch;
	s->base = strcmp(arch->name, "x32") ? 0 : X32_SYSCALL_BIT;
	memset(s->a1, -1, sizeof(s->a1));
	memset(s->a2, -1, sizeof(s->a2));
	if (p->args) {
		size_t n;
		const struct scprof_syscall_entry *tab = scprof_syscall_table(arch, &n);

		for (size_t i = 0; tab && i < n; i++) {
			unsigned idx = (unsigned)(tab[i].nr - s->base);
			int a1, a2;

			if (idx < NR_DIRECT && scprof_obs_arg_spec(arch, tab[i].name, &a1, &a2)) {
				s->a1[idx] = (int8_t)a1;
				s->a2[idx] = (int8_t)a2;
			}
		}
	}
	p->slots[p->n_slots++] = s;
	return s;
}

/* The hot path: one array increment for a known (arch, nr), no string compares. */
static void record_call(struct ptrace_priv *p, uint32_t token, int nr, const uint64_t *args)
{
	struct arch_slot *s = p->last;

	if (!s || s->token != token || s->x32 != ((uint32_t)nr & X32_SYSCALL_BIT)) {
		s = slot_new(p, token, nr);
		if (!s)
			return; /* an architecture we do not know: nothing to name it with */
		p->last = s;
	}

	unsigned idx = (unsigned)(nr - s->base);

	if (idx >= NR_DIRECT) {
		scprof_obs_add(p->obs, s->arch, nr, 1);
		return;
	}
	s->counts[idx]++;
	if (s->a1[idx] >= 0)
		scprof_obs_add_arg(p->obs, s->arch, nr, args[s->a1[idx]],
				   s->a2[idx] >= 0 ? args[s->a2[idx]] : 0, 1);
}

/*
 * A seccomp stop (command mode) or a syscall stop (attach mode): record at
 * entry.  The tracee runs on before the bookkeeping.
 */
static void record_stop(struct ptrace_priv *p, pid_t pid)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);

	ptrace(p->resume, pid, NULL, NULL);
	/* entry and seccomp share the layout of nr and args */
	if (n > 0 &&
	    (info.op == PTRACE_SYSCALL_INFO_SECCOMP || info.op == PTRACE_SYSCALL_INFO_ENTRY))
		record_call(p, info.arch, (int)info.entry.nr, info.entry.args);
}

/* ---- events ---- */

static void forget(struct ptrace_priv *p, pid_t pid)
{
	pidset_del(&p->tracees, pid);
	p->gone[p->gone_next++ % GONE_RING] = pid;
}

/*
 * A fork, vfork or clone event names the new thread.  Its own first stop (or
 * its death) may have been reported already: then it is known, or gone.
 */
static void add_child(struct ptrace_priv *p, pid_t child)
{
	for (unsigned i = 0; i < GONE_RING; i++) {
		if (p->gone[i] == child) {
			p->gone[i] = 0;
			return;
		}
	}
	pidset_add(&p->tracees, child);
}

static void on_exit_status(struct scprof_recorder *r, struct ptrace_priv *p, pid_t pid, int st)
{
	forget(p, pid);
	if (pid == r->child) {
		r->exited = true;
		r->status = st;
	}
	if (p->procs && !p->tracees.live)
		p->scan_now = true;
}

static bool is_fork_event(int st)
{
	unsigned event = (unsigned)st >> 16;

	return event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
	       event == PTRACE_EVENT_CLONE;
}

static bool is_syscall_stop(int st)
{
	return WIFSTOPPED(st) &&
	       ((unsigned)st >> 16 == PTRACE_EVENT_SECCOMP || WSTOPSIG(st) == (SIGTRAP | 0x80));
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_stop(struct scprof_recorder *r, struct ptrace_priv *p, pid_t pid, int st)
{
	int sig = WSTOPSIG(st), inject = 0;
	unsigned long msg;

	switch ((unsigned)st >> 16) {
	case PTRACE_EVENT_SECCOMP:
		record_stop(p, pid);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			record_stop(p, pid);
			return;
		}
		inject = sig; /* signal-delivery-stop: deliver it */
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0)
			add_child(p, (pid_t)msg);
		break;
	case PTRACE_EVENT_EXEC:
		/* a non-leader thread that execs takes the leader's id; its old one vanishes */
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0 && (pid_t)msg != pid)
			forget(p, (pid_t)msg);
		if (pid == r->child)
			p->execed = true;
		break;
	case PTRACE_EVENT_STOP:
		/* a new thread's first stop, an interrupt, or a group-stop */
		pidset_add(&p->tracees, pid);
		if (is_stop_signal(sig)) {
			/* stay stopped, but report the SIGCONT (ptrace(2) "Group-stop") */
			ptrace(PTRACE_LISTEN, pid, NULL, NULL);
			return;
		}
		break;
	default:
		break;
	}
	/* fails with ESRCH when the tracee was killed meanwhile: its exit comes next */
	ptrace(p->resume, pid, NULL, (void *)(long)inject);
}

static void dispatch(struct scprof_recorder *r, struct ptrace_priv *p, pid_t pid, int st)
{
	if (WIFSTOPPED(st))
		on_stop(r, p, pid, st);
	else if (WIFEXITED(st) || WIFSIGNALED(st))
		on_exit_status(r, p, pid, st);
}

/*
 * Sleep until a tracee changes state (SIGCHLD, blocked by the caller), a
 * handled signal arrives, or @ms milliseconds passed.
 */
static void sleep_for_child(const sigset_t *chld, int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	if (ms > 0)
		sigtimedwait(chld, NULL, &ts);
}

/* ---- command mode ---- */

enum step { STEP_NNP, STEP_FILTER, STEP_EXEC };

static void __attribute__((noreturn)) report(int fd, enum step step, int e)
{
	int msg[2] = { (int)step, e };

	/* nothing to do if this fails: the parent sees an exit without exec */
	if (write(fd, msg, sizeof(msg)) < 0) {
	}
	_exit(step == STEP_EXEC ? (e == ENOENT ? 127 : 126) : 125);
}

/* Between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn)) child(char *const argv[], bool nnp, int sync_fd, int err_fd)
{
	struct sock_filter trace_all[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE) };
	struct sock_fprog prog = { ARRAY_SIZE(trace_all), trace_all };
	ssize_t n;
	char c;

	/* wait until the parent is attached, so that nothing after the filter goes unseen */
	do
		n = read(sync_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(125);
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		report(err_fd, STEP_NNP, errno);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		report(err_fd, STEP_FILTER, errno);
	/* from here every call stops in the tracer: keep it to execvp */
	execvp(argv[0], argv);
	report(err_fd, STEP_EXEC, errno);
}

bool record_has_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[0].effective & (1u << CAP_SYS_ADMIN_BIT);
}

static void reap(struct scprof_recorder *r)
{
	int st;

	while (waitpid(r->child, &st, __WALL) < 0 && errno == EINTR)
		;
	r->exited = true;
	r->status = st;
}

/* Run the command's stops until its execve succeeds or it exits. */
static int run_to_exec(struct scprof_recorder *r, struct ptrace_priv *p, char *const *argv,
		       int err_fd, int *exec_errno, struct scprof_error **err)
{
	int st, msg[2];
	ssize_t n;

	while (!p->execed && !r->exited) {
		/* before execve the command is one thread that does not fork */
		pid_t pid = waitpid(r->child, &st, __WALL);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return error_set(err, -errno, "cannot wait for '%s': %s", argv[0],
					 strerror(errno));
		dispatch(r, p, pid, st);
	}
	if (p->execed)
		return 0;

	do
		n = read(err_fd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return error_set(err, -ECHILD, "cannot run '%s': it exited before execve", argv[0]);
	if (msg[0] == STEP_EXEC) {
		*exec_errno = msg[1];
		return error_set(err, -msg[1], "cannot run '%s': %s", argv[0], strerror(msg[1]));
	}
	return error_set(err, -msg[1], "cannot %s: %s",
			 msg[0] == STEP_NNP ? "set no_new_privs" :
					      "load the tracing seccomp filter",
			 strerror(msg[1]));
}

static int start_command(struct scprof_recorder *r, struct ptrace_priv *p, char *const *argv,
			 int *exec_errno, struct scprof_error **err)
{
	_cleanup_close_ int sync_w = -1, err_r = -1;
	bool nnp = !record_has_sys_admin();
	int sync[2], errp[2], fork_errno;
	pid_t pid;

	if (!argv[0])
		return error_set(err, -EINVAL, "no command to record");
	if (pipe2(sync, O_CLOEXEC) < 0)
		return error_set(err, -errno, "cannot create a pipe: %s", strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		int e = errno;

		close(sync[0]);
		close(sync[1]);
		return error_set(err, -e, "cannot create a pipe: %s", strerror(e));
	}
	pid = fork();
	fork_errno = errno;
	if (pid == 0) {
		close(sync[1]);
		close(errp[0]);
		child(argv, nnp, sync[0], errp[1]);
	}
	close(sync[0]);
	close(errp[1]);
	sync_w = sync[1];
	err_r = errp[0];
	if (pid < 0)
		return error_set(err, -fork_errno, "cannot fork: %s", strerror(fork_errno));
	r->child = pid;

	/* PTRACE_SEIZE, not TRACEME: group-stops then show as PTRACE_EVENT_STOP, and LISTEN works */
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)COMMAND_OPTS) < 0) {
		int e = errno;

		close(steal_fd(&sync_w)); /* the child reads EOF and exits */
		reap(r);
		return error_set(err, -e, "cannot trace '%s': %s", argv[0], strerror(e));
	}
	pidset_add(&p->tracees, pid);
	if (write(sync_w, "", 1) != 1) {
		int e = errno;

		kill(pid, SIGKILL);
		reap(r);
		forget(p, pid);
		return error_set(err, -e, "cannot start '%s': %s", argv[0], strerror(e));
	}
	close(steal_fd(&sync_w));
	return run_to_exec(r, p, argv, err_r, exec_errno, err);
}

/* ---- attach mode ---- */

static bool traced_by_us(pid_t tid)
{
	char path[64], line[128];
	_cleanup_fclose_ FILE *f = NULL;
	int tracer = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	return tracer == getpid();
}

static int seize(struct ptrace_priv *p, pid_t tid)
{
	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)ATTACH_OPTS) < 0)
		return -errno;
	pidset_add(&p->tracees, tid);
	/* into a stop, from which PTRACE_SYSCALL starts the syscall stops */
	ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	return 0;
}

/*
 * Seize @pid and its threads.  Threads started by a thread we had not seized
 * yet escape the first reading of /proc/PID/task: read it until a pass finds
 * none new.  Threads started by seized ones are attached by the kernel.
 */
static int attach_process(struct ptrace_priv *p, pid_t pid, struct scprof_error **err)
{
	char path[64];
	bool again = true;
	int ret;

	if (!pidset_has(&p->tracees, pid)) {
		ret = seize(p, pid);
		if (ret == -ESRCH)
			return error_set(err, ret, "no process %d", (int)pid);
		if (ret == -EPERM)
			return error_set(
				err, ret,
				"cannot trace process %d: %s (already traced, or not allowed)",
				(int)pid, strerror(-ret));
		if (ret < 0)
			return error_set(err, ret, "cannot trace process %d: %s", (int)pid,
					 strerror(-ret));
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	while (again) {
		DIR *d = opendir(path);
		struct dirent *de;

		again = false;
		if (!d)
			return 0; /* it exited meanwhile: its exit is reported */
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)atoi(de->d_name);

			if (tid <= 0 || pidset_has(&p->tracees, tid))
				continue;
			ret = seize(p, tid);
			/* EPERM: attached already by the kernel, its clone event not read yet */
			if (ret == 0)
				again = true;
			else if (ret != -ESRCH && !traced_by_us(tid)) {
				closedir(d);
				return error_set(err, ret,
						 "cannot trace thread %d of process %d: %s",
						 (int)tid, (int)pid, strerror(-ret));
			}
		}
		closedir(d);
	}
	return 0;
}

/*
 * Attach to the processes of the cgroup not followed yet.  On the first scan a
 * process we may not trace is an error; later scans skip it, and a zombie.
 */
static int scan_cgroup(struct ptrace_priv *p, bool first, struct scprof_error **err)
{
	_cleanup_fclose_ FILE *f = fopen(p->procs, "re");
	pid_t self = getpid();
	int pid, ret;

	if (!f) {
		if (!first)
			return 0; /* removed: its processes are gone */
		if (errno == ENOENT || errno == ENOTDIR)
			return error_set(err, -EINVAL, "'%s' is not a cgroup", p->cgroup);
		return error_set(err, -errno, "cannot read '%s': %s", p->procs, strerror(errno));
	}
	while (fscanf(f, "%d", &pid) == 1) {
		/* a process cannot trace itself */
		if (pid == self || pidset_has(&p->tracees, pid))
			continue;
		ret = attach_process(p, pid, NULL);
		if (ret < 0 && ret != -ESRCH && first)
			return error_set(err, ret, "cannot trace process %d of '%s': %s", pid,
					 p->cgroup, strerror(-ret));
	}
	if (p->tracees.live)
		p->cgroup_seen = true;
	return 0;
}

/* ---- the recorder ---- */

static int ptrace_start(struct scprof_recorder *r, const struct scprof_record_target *t,
			int *exec_errno, struct scprof_error **err)
{
	struct ptrace_priv *p = xcalloc(1, sizeof(*p));

	r->priv = p;
	p->args = t->args;
	p->obs = scprof_obs_new();
	p->attach = !t->argv;
	p->resume = p->attach ? PTRACE_SYSCALL : PTRACE_CONT;
	if (t->argv)
		return start_command(r, p, t->argv, exec_errno, err);
	if (t->pid)
		return attach_process(p, t->pid, err);
	p->cgroup = xstrdup(t->cgroup);
	p->procs = xasprintf("%s/cgroup.procs", t->cgroup);
	p->next_scan = now_ms() + RESCAN_MS;
	return scan_cgroup(p, true, err);
}

/*
 * The end: every tracee exited.  A cgroup ends once it had processes and a
 * scan after the last exit finds no newcomer; until it has any, we wait.
 */
static bool all_gone(const struct ptrace_priv *p)
{
	return !p->tracees.live && (!p->procs || (p->cgroup_seen && !p->scan_now));
}

static int ptrace_wait(struct scprof_recorder *r, int timeout_ms, volatile int *stop,
		       struct scprof_error **err)
{
	struct ptrace_priv *p = r->priv;
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : INT64_MAX;
	bool timed = timeout_ms >= 0 || p->procs;
	int64_t idle_ms = IDLE_MS;
	sigset_t chld, old;
	struct sigaction sa;
	int ret, st, drain = -1;
	bool running = false; /* the only tracee was just resumed: nothing can be pending */

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (timed) {
		/*
		 * There is no waitpid with a timeout: with SIGCHLD blocked, a
		 * tracee's stop leaves it pending and sigtimedwait() sleeps until
		 * then; a handled signal (the caller's SIGINT) interrupts it too.
		 * Without a deadline, waitpid() blocks, which is cheaper per stop
		 * (one syscall instead of two); a signal that lands between the
		 * check of *stop and waitpid() is then seen at the next stop.
		 */
		pthread_sigmask(SIG_BLOCK, &chld, &old);
		/* no SIGCHLD for stops under SA_NOCLDSTOP or SIG_IGN: poll then */
		if (sigaction(SIGCHLD, NULL, &sa) == 0 &&
		    (sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDSTOP)))
			idle_ms = 1;
	}
	for (;;) {
		int64_t now = timed ? now_ms() : 0;

		if (p->procs && (now >= p->next_scan || p->scan_now)) {
			scan_cgroup(p, false, NULL);
			p->next_scan = now + RESCAN_MS;
			p->scan_now = false;
		}
		if (all_gone(p)) {
			ret = 1;
			break;
		}
		/*
		 * Stopping (or at the deadline), the stops already pending are
		 * still handled, a bounded number: a caller that calls again
		 * while *stop is set, to let the command die of the signal it
		 * got too, sees it progress instead of a tracee left stopped.
		 */
		if (drain < 0 && ((stop && *stop) || now >= deadline))
			drain = (int)p->tracees.live + 8;
		if (drain == 0) {
			ret = 0;
			break;
		}

		pid_t pid = 0;

		/* after resuming the only tracee, a poll would find nothing: sleep at once */
		if (!running || drain >= 0)
			pid = waitpid(-1, &st, __WALL | (timed || drain > 0 ? WNOHANG : 0));
		running = false;
		if (pid > 0) {
			dispatch(r, p, pid, st);
			if (drain > 0)
				drain--;
			running = timed && idle_ms == IDLE_MS && p->tracees.live == 1 &&
				  is_syscall_stop(st);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 && errno != ECHILD) {
			ret = error_set(err, -errno, "cannot wait for the traced processes: %s",
					strerror(errno));
			break;
		}
		if (pid < 0 && !p->procs) {
			pidset_clear(&p->tracees); /* nothing left to wait for: the set was stale */
			continue;
		}
		if (drain > 0) {
			ret = 0;
			break;
		}
		/* nothing pending (or a cgroup without processes yet) */
		int64_t until = p->procs && p->next_scan < deadline ? p->next_scan : deadline;

		sleep_for_child(&chld, until - now < idle_ms ? until - now : idle_ms);
	}
	if (timed)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void ptrace_collect(struct scprof_recorder *r, struct scprof_obs *o)
{
	struct ptrace_priv *p = r->priv;

	if (!p)
		return;
	for (size_t i = 0; i < p->n_slots; i++) {
		struct arch_slot *s = p->slots[i];

		for (int nr = 0; nr < NR_DIRECT; nr++)
			if (s->counts[nr])
				scprof_obs_add(o, s->arch, s->base + nr, s->counts[nr]);
	}
	scprof_obs_merge(o, p->obs);
}

/*
 * For release(): the next state change of a tracee, 0 at @deadline, -1 when
 * none is left to wait for.  SIGCHLD is blocked by the caller.
 */
static pid_t reap_next(int *st, int64_t deadline, const sigset_t *chld)
{
	for (;;) {
		pid_t pid = waitpid(-1, st, __WALL | WNOHANG);
		int64_t now = now_ms();

		if (pid > 0)
			return pid;
		if (pid < 0 && errno != EINTR)
			return -1;
		if (now >= deadline)
			return 0; /* what is left goes when we exit (EXITKILL), or detaches */
		if (pid == 0)
			sleep_for_child(chld, deadline - now < 10 ? deadline - now : 10);
	}
}

/*
 * Command mode: the tracees run under a TRACE filter and would get ENOSYS for
 * every call without us, so they are killed, as PTRACE_O_EXITKILL would when
 * we exit, and reaped.
 */
static void kill_all(struct scprof_recorder *r, struct ptrace_priv *p, const sigset_t *chld)
{
	int64_t deadline = now_ms() + RELEASE_MS;
	unsigned long msg;
	pid_t pid;
	int st;

	for (size_t i = 0; i < p->tracees.cap; i++)
		if (p->tracees.v[i] > 0)
			kill(p->tracees.v[i], SIGKILL);
	while (p->tracees.live && (pid = reap_next(&st, deadline, chld)) > 0) {
		if (!WIFSTOPPED(st)) {
			on_exit_status(r, p, pid, st);
			continue;
		}
		/* a thread whose fork event we had not read yet */
		if (pidset_add(&p->tracees, pid))
			kill(pid, SIGKILL);
		if (is_fork_event(st) && ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0) {
			add_child(p, (pid_t)msg);
			kill((pid_t)msg, SIGKILL);
		}
	}
}

/*
 * Attach mode: a tracee can only be detached in a stop, so interrupt them all
 * and detach each as it stops, passing on a signal it was about to get.  A
 * group-stopped one stays stopped, as it would have without us.
 */
static void detach_all(struct scprof_recorder *r, struct ptrace_priv *p, const sigset_t *chld)
{
	int64_t deadline = now_ms() + RELEASE_MS;
	unsigned long msg;
	pid_t pid;
	int st;

	for (size_t i = 0; i < p->tracees.cap; i++)
		if (p->tracees.v[i] > 0)
			ptrace(PTRACE_INTERRUPT, p->tracees.v[i], NULL, NULL);
	while (p->tracees.live && (pid = reap_next(&st, deadline, chld)) > 0) {
		if (!WIFSTOPPED(st)) {
			on_exit_status(r, p, pid, st);
			continue;
		}

		unsigned event = (unsigned)st >> 16;
		int sig = WSTOPSIG(st);

		if (is_fork_event(st) && ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0)
			add_child(p, (pid_t)msg);
		ptrace(PTRACE_DETACH, pid, NULL,
		       (void *)(long)(event == 0 && sig != (SIGTRAP | 0x80) ? sig : 0));
		forget(p, pid);
	}
}

static void ptrace_release(struct scprof_recorder *r)
{
	struct ptrace_priv *p = r->priv;
	sigset_t chld, old;

	if (!p)
		return;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &old);
	if (p->attach)
		detach_all(r, p, &chld);
	else
		kill_all(r, p, &chld);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (size_t i = 0; i < p->n_slots; i++)
		free(p->slots[i]);
	free(p->tracees.v);
	scprof_obs_free(p->obs);
	free(p->cgroup);
	free(p->procs);
	free(p);
	r->priv = NULL;
}

const struct recorder_ops record_ptrace_ops = {
	.start = ptrace_start,
	.wait = ptrace_wait,
	.collect = ptrace_collect,
	.release = ptrace_release,
};
