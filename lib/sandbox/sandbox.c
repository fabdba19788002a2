// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Run a command in a security context: ids, capabilities, no_new_privs, and a
 * seccomp filter loaded right before execve.  Between fork and exec only
 * async-signal-safe calls are made.  A failure goes to the parent as a
 * (step, errno) pair in a shared page, which takes no syscall (once the filter
 * is loaded, the profile may deny write or kill on it), before the child exits;
 * the EOF of a close-on-exec pipe says that exec happened or the child is gone.
 * With a seccomp agent the pipe first carries the listener's number, and a
 * second pipe lets the child go on once the agent has the listener.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sandbox/listener.h"
#include "scprof/sandbox.h"
#include "util/util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#define CAP_SYS_ADMIN_BIT 21
#define LAST_CAP 40

enum step {
	STEP_UNSHARE,
	STEP_PRIVATE,
	STEP_READ_ONLY,
	STEP_SYSCTL,
	STEP_FILTER,
	STEP_GROUPS,
	STEP_GID,
	STEP_UID,
	STEP_KEEPCAPS,
	STEP_BOUNDING,
	STEP_CAPSET,
	STEP_AMBIENT,
	STEP_NNP,
	STEP_EXEC,
	STEP_LISTENER, /* not a failure: the filter is loaded, the listener is fd msg[1] */
};

static const char *const step_names[] = {
	[STEP_UNSHARE] = "create the new namespaces",
	[STEP_PRIVATE] = "make the mounts of the new mount namespace private",
	[STEP_READ_ONLY] = "remount / read-only",
	[STEP_SYSCTL] = "set a sysctl",
	[STEP_FILTER] = "load the seccomp filter",
	[STEP_GROUPS] = "set the supplementary groups",
	[STEP_GID] = "set the group id",
	[STEP_UID] = "set the user id",
	[STEP_KEEPCAPS] = "keep capabilities across setuid",
	[STEP_BOUNDING] = "drop from the capability bounding set",
	[STEP_CAPSET] = "set the capabilities",
	[STEP_AMBIENT] = "raise ambient capabilities",
	[STEP_NNP] = "set no_new_privs",
	[STEP_EXEC] = "run",
	[STEP_LISTENER] = "hand the seccomp listener over",
};

unsigned scprof_seccomp_flags_supported(unsigned flags, unsigned *missing)
{
	unsigned ok = 0;
	*missing = 0;
	for (unsigned bit = 0; bit < 32; bit++) {
		unsigned f = 1U << bit;
		if (!(flags & f))
			continue;
		/* a known flag with a NULL program fails with EFAULT, an unknown one with EINVAL */
		/* the kernel refuses WAIT_KILLABLE_RECV without NEW_LISTENER (5.19) */
		unsigned probe = f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ?
					 f | SECCOMP_FILTER_FLAG_NEW_LISTENER :
					 f;
		errno = 0;
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 &&
		    errno == EFAULT)
			ok |= f;
		else
			*missing |= f;
	}
	return ok;
}

bool scprof_seccomp_action_available(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

uint64_t scprof_caps_current(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return 0;
	return (uint64_t)d[0].permitted | ((uint64_t)d[1].permitted << 32);
}

/* The child's shared page: { set, step, errno, index }. */
static int *report_page;

static void report_at(enum step step, int err, int index)
{
	int msg[3] = { (int)step, err, index };
	memcpy(report_page + 1, msg, sizeof(msg));
	__atomic_store_n(&report_page[0], 1, __ATOMIC_RELEASE);
	int code = step == STEP_EXEC ? (err == ENOENT ? 127 : 126) : 125;
	/* the profile may deny exit_group and exit too: then end on a trap (SIGILL), not a loop */
	syscall(SYS_exit_group, code);
	syscall(SYS_exit, code);
	for (;;)
		__builtin_trap();
}

static void report(enum step step, int err)
{
	report_at(step, err, 0);
}

static int load_filter(const struct scprof_sandbox *sb)
{
	struct sock_fprog fprog = { (unsigned short)sb->prog->len, sb->prog->insns };
	unsigned flags = sb->flags;
	if (sb->listener) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC's failure would be ambiguous with the listener's fd: the kernel wants ESRCH */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
}

/*
 * The filter is on: tell the parent where the listener is, and wait until the
 * agent has it, so that CMD never runs with nobody to answer (runc's
 * procSeccomp / procSeccompDone).  Only write and read: the filter sees them.
 */
static void hand_over(int fd, int go, int listener)
{
	int msg[3] = { STEP_LISTENER, listener, 0 };
	char ok = 0;
	ssize_t n;
	if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		_exit(125);
	do
		n = read(go, &ok, 1);
	while (n < 0 && errno == EINTR);
	/* EOF: the parent gave up (agent unreachable) or died */
	if (n != 1 || ok != 1)
		_exit(125);
}

static void load(const struct scprof_sandbox *sb, int fd, int go)
{
	int l = load_filter(sb);
	if (l < 0)
		report(STEP_FILTER, errno);
	if (sb->listener)
		hand_over(fd, go, l);
}

/* What the parent prepares for the child, which may only make async-signal-safe calls. */
struct prepared {
	unsigned long root_flags; /* MS_NOSUID... of /, kept on the read-only remount */
	char **sysctl_paths; /* absolute */
};

static void write_sysctls(const struct scprof_sandbox *sb, const struct prepared *pre)
{
	for (size_t i = 0; i < sb->n_sysctls; i++) {
		int f = open(pre->sysctl_paths[i], O_WRONLY | O_CLOEXEC);
		size_t len = strlen(sb->sysctls[i].value);
		if (f < 0)
			report_at(STEP_SYSCTL, errno, (int)i);
		if (write(f, sb->sysctls[i].value, len) != (ssize_t)len)
			report_at(STEP_SYSCTL, errno ? errno : EIO, (int)i);
		close(f);
	}
}

/* Namespaces, the read-only root and sysctls: what needs privileges, so first. */
static void isolate(const struct scprof_sandbox *sb, const struct prepared *pre)
{
	int ns = sb->namespaces | (sb->read_only_root ? CLONE_NEWNS : 0);
	if (ns && unshare(ns) < 0)
		report(STEP_UNSHARE, errno);
	if (sb->read_only_root) {
		/* first private, or the remount would reach the host's / through shared propagation */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			report(STEP_PRIVATE, errno);
		if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | pre->root_flags,
			  NULL) < 0)
			report(STEP_READ_ONLY, errno);
	}
	write_sysctls(sb, pre);
}

static void __attribute__((noreturn))
child(const struct scprof_sandbox *sb, const struct prepared *pre, char *const argv[], int fd,
      int go)
{
	if (sb->loginuid) {
		int l = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
		if (l >= 0 && write(l, sb->loginuid, strlen(sb->loginuid)) < 0) {
			/* best effort: records are then told apart by pid */
		}
		if (l >= 0)
			close(l);
	}
	isolate(sb, pre);

	/* without no_new_privs, loading needs CAP_SYS_ADMIN: load while it is still there */
	bool loses_admin = sb->set_caps ? !(sb->caps & (1ULL << CAP_SYS_ADMIN_BIT)) :
					  sb->set_ids && sb->uid != 0;
	bool early = sb->prog && !sb->no_new_privs && loses_admin;
	if (early)
		load(sb, fd, go);

	if (sb->set_caps) {
		for (int c = 0; c <= LAST_CAP; c++)
			if (!(sb->caps & (1ULL << c)) && prctl(PR_CAPBSET_READ, c) == 1 &&
			    prctl(PR_CAPBSET_DROP, c) < 0)
				report(STEP_BOUNDING, errno);
		if (sb->set_ids && prctl(PR_SET_KEEPCAPS, 1) < 0)
			report(STEP_KEEPCAPS, errno);
	}
	if (sb->set_ids) {
		if (setgroups(sb->n_groups, sb->groups) < 0)
			report(STEP_GROUPS, errno);
		if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
			report(STEP_GID, errno);
		if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
			report(STEP_UID, errno);
	}
	if (sb->set_caps) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		uint32_t lo = (uint32_t)sb->caps, hi = (uint32_t)(sb->caps >> 32);
		/* containerd leaves inheritable empty since CVE-2022-24769, and ambient too */
		uint32_t ilo = sb->oci_caps ? 0 : lo, ihi = sb->oci_caps ? 0 : hi;
		d[0] = (struct __user_cap_data_struct){ lo, lo, ilo };
		d[1] = (struct __user_cap_data_struct){ hi, hi, ihi };
		if (syscall(SYS_capset, &h, d) < 0)
			report(STEP_CAPSET, errno);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
			report(STEP_AMBIENT, errno);
		for (int c = 0; c <= LAST_CAP && !sb->oci_caps; c++)
			if ((sb->caps & (1ULL << c)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
			    errno != EINVAL)
				report(STEP_AMBIENT, errno);
	}
	if (sb->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		report(STEP_NNP, errno);
	if (sb->prog && !early)
		load(sb, fd, go);
	execvp(argv[0], argv);
	report(STEP_EXEC, errno);
	_exit(127);
}

static void prepare(const struct scprof_sandbox *sb, struct prepared *pre)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	  { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs st;
	pre->root_flags = 0;
	/* a bind remount that drops one of these is refused where they are locked */
	if (sb->read_only_root && statvfs("/", &st) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
			if (st.f_flag & keep[i].st)
				pre->root_flags |= keep[i].ms;
	pre->sysctl_paths = xcalloc(sb->n_sysctls + 1, sizeof(char *));
	for (size_t i = 0; i < sb->n_sysctls; i++)
		pre->sysctl_paths[i] = xasprintf("/proc/sys/%s", sb->sysctls[i].path);
}

static void prepared_release(const struct scprof_sandbox *sb, struct prepared *pre)
{
	for (size_t i = 0; i < sb->n_sysctls; i++)
		free(pre->sysctl_paths[i]);
	free(pre->sysctl_paths);
}

/* The child's report of step @msg[0] failing with errno @msg[1] (@msg[2]: which sysctl). */
static int child_failed(const struct scprof_sandbox *sb, char *const argv[], const int msg[3],
			int *exec_errno, struct scprof_error **err)
{
	if (msg[0] == STEP_EXEC) {
		*exec_errno = msg[1];
		return error_set(err, -msg[1], "cannot run '%s': %s", argv[0], strerror(msg[1]));
	}
	if (msg[0] == STEP_SYSCTL && msg[2] >= 0 && (size_t)msg[2] < sb->n_sysctls)
		return error_set(err, -msg[1], "cannot set the sysctl '%s' to '%s': %s",
				 sb->sysctls[msg[2]].path, sb->sysctls[msg[2]].value,
				 strerror(msg[1]));
	if (msg[0] < 0 || (size_t)msg[0] >= ARRAY_SIZE(step_names))
		return error_set(err, -EIO, "the child reported an unknown step");
	return error_set(err, -msg[1], "cannot %s: %s", step_names[msg[0]], strerror(msg[1]));
}

/* Take the listener from the child and give it to the agent; then the child may go on. */
static int to_agent(const struct scprof_sandbox *sb, pid_t pid, int fd, int go,
		    struct scprof_error **err)
{
	_cleanup_close_ int l = listener_take(pid, fd, err);
	if (l < 0)
		return l;
	_cleanup_free_ char *json = scprof_listener_state_json(sb->listener, pid);
	int r = scprof_listener_send(sb->listener->path, json, l, err);
	if (r < 0)
		return r;
	if (write(go, "\1", 1) != 1)
		return error_set(err, -errno, "cannot let the child go on: %s", strerror(errno));
	return 0;
}

static void reap(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

pid_t scprof_sandbox_spawn(const struct scprof_sandbox *sb, char *const argv[], int *exec_errno,
			   struct scprof_error **err)
{
	struct prepared pre;
	bool agent = sb->prog && sb->listener;
	*exec_errno = 0;
	int p[2], go[2] = { -1, -1 };
	if (pipe2(p, O_CLOEXEC) < 0)
		return error_set(err, -errno, "cannot create a pipe: %s", strerror(errno));
	if (agent && pipe2(go, O_CLOEXEC) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return error_set(err, -e, "cannot create a pipe: %s", strerror(e));
	}
	int r = agent ? listener_check_handoff(sb->prog, p[1], go[0], err) : 0;
	if (r < 0) {
		close(p[0]);
		close(p[1]);
		close(go[0]);
		close(go[1]);
		return r;
	}
	int *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		if (agent) {
			close(go[0]);
			close(go[1]);
		}
		return error_set(err, -e, "cannot map a page: %s", strerror(e));
	}
	prepare(sb, &pre);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		munmap(page, 4096);
		close(p[0]);
		close(p[1]);
		if (agent) {
			close(go[0]);
			close(go[1]);
		}
		prepared_release(sb, &pre);
		return error_set(err, -e, "cannot fork: %s", strerror(e));
	}
	if (pid == 0) {
		report_page = page;
		close(p[0]);
		if (agent)
			close(go[1]);
		child(sb, &pre, argv, p[1], go[0]);
	}
	close(p[1]);
	if (agent)
		close(go[0]);
	prepared_release(sb, &pre);
	int msg[3];
	ssize_t n;
	bool handed = false;
	for (;;) {
		do
			n = read(p[0], msg, sizeof(msg));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(msg) || msg[0] != STEP_LISTENER || !agent || handed)
			break;
		r = to_agent(sb, pid, msg[1], go[1], err);
		if (r < 0) {
			/* fail closed: the child is waiting on go[0] and never reaches execve */
			kill(pid, SIGKILL);
			close(p[0]);
			close(go[1]);
			munmap(page, 4096);
			reap(pid);
			return r;
		}
		handed = true;
	}
	close(p[0]);
	if (agent)
		close(go[1]);
	/* EOF: exec succeeded, unless the child died with its report in the page */
	bool failed = __atomic_load_n(&page[0], __ATOMIC_ACQUIRE);
	if (failed)
		memcpy(msg, page + 1, sizeof(msg));
	munmap(page, 4096);
	if (!failed && n == 0 && (!agent || handed))
		return pid;
	reap(pid);
	if (failed)
		return child_failed(sb, argv, msg, exec_errno, err);
	return error_set(
		err, -EIO,
		agent && !handed ?
			"the command's setup ended before the seccomp listener was handed over" :
			"the command's setup sent an unexpected message");
}
