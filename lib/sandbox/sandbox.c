// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Run a command in a security context: ids, capabilities, no_new_privs, and a
 * seccomp filter loaded right before execve.  Between fork and exec only
 * async-signal-safe calls are made; a failure goes to the parent as a
 * (step, errno) pair over a close-on-exec pipe, whose EOF means exec succeeded.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scprof/sandbox.h"
#include "util/util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#define CAP_SYS_ADMIN_BIT 21
#define LAST_CAP 40

enum step {
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
};

static const char *const step_names[] = {
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
		errno = 0;
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT)
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

static void report(int fd, enum step step, int err)
{
	int msg[2] = { (int)step, err };
	/* nothing to do if this fails: the child exits anyway, and the parent sees no exec */
	if (write(fd, msg, sizeof(msg)) < 0) {
	}
	_exit(step == STEP_EXEC ? (err == ENOENT ? 127 : 126) : 125);
}

static int load_filter(const struct scprof_sandbox *sb)
{
	struct sock_fprog fprog = { (unsigned short)sb->prog->len, sb->prog->insns };
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, sb->flags, &fprog);
}

static void __attribute__((noreturn))
child(const struct scprof_sandbox *sb, char *const argv[], int fd)
{
	/* without no_new_privs, loading needs CAP_SYS_ADMIN: load while it is still there */
	bool loses_admin = sb->set_caps ? !(sb->caps & (1ULL << CAP_SYS_ADMIN_BIT)) :
					  sb->set_ids && sb->uid != 0;
	bool early = sb->prog && !sb->no_new_privs && loses_admin;
	if (early && load_filter(sb) < 0)
		report(fd, STEP_FILTER, errno);

	if (sb->set_caps) {
		for (int c = 0; c <= LAST_CAP; c++)
			if (!(sb->caps & (1ULL << c)) && prctl(PR_CAPBSET_READ, c) == 1 &&
			    prctl(PR_CAPBSET_DROP, c) < 0)
				report(fd, STEP_BOUNDING, errno);
		if (sb->set_ids && prctl(PR_SET_KEEPCAPS, 1) < 0)
			report(fd, STEP_KEEPCAPS, errno);
	}
	if (sb->set_ids) {
		if (setgroups(sb->n_groups, sb->groups) < 0)
			report(fd, STEP_GROUPS, errno);
		if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
			report(fd, STEP_GID, errno);
		if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
			report(fd, STEP_UID, errno);
	}
	if (sb->set_caps) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		uint32_t lo = (uint32_t)sb->caps, hi = (uint32_t)(sb->caps >> 32);
		d[0] = (struct __user_cap_data_struct){ lo, lo, lo };
		d[1] = (struct __user_cap_data_struct){ hi, hi, hi };
		if (syscall(SYS_capset, &h, d) < 0)
			report(fd, STEP_CAPSET, errno);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
			report(fd, STEP_AMBIENT, errno);
		for (int c = 0; c <= LAST_CAP; c++)
			if ((sb->caps & (1ULL << c)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
			    errno != EINVAL)
				report(fd, STEP_AMBIENT, errno);
	}
	if (sb->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		report(fd, STEP_NNP, errno);
	if (sb->prog && !early && load_filter(sb) < 0)
		report(fd, STEP_FILTER, errno);
	execvp(argv[0], argv);
	report(fd, STEP_EXEC, errno);
	_exit(127);
}

pid_t scprof_sandbox_spawn(const struct scprof_sandbox *sb, char *const argv[], int *exec_errno,
			   struct scprof_error **err)
{
	*exec_errno = 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return error_set(err, -errno, "cannot create a pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return error_set(err, -e, "cannot fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(p[0]);
		child(sb, argv, p[1]);
	}
	close(p[1]);
	int msg[2];
	ssize_t n;
	do
		n = read(p[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != (ssize_t)sizeof(msg))
		return pid; /* EOF: exec succeeded */

	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (msg[0] == STEP_EXEC) {
		*exec_errno = msg[1];
		return error_set(err, -msg[1], "cannot run '%s': %s", argv[0], strerror(msg[1]));
	}
	return error_set(err, -msg[1], "cannot %s: %s", step_names[msg[0]], strerror(msg[1]));
}
