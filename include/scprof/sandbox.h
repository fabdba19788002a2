/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run a command under a seccomp filter and a container-style security context. */
#ifndef SCPROF_SANDBOX_H
#define SCPROF_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "scprof/bpf.h"
#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A sysctl to write in the new namespaces: /proc/sys/@path gets @value. */
struct scprof_sandbox_sysctl {
	const char *path; /* borrowed; relative to /proc/sys */
	const char *value; /* borrowed */
};

/*
 * A seccomp agent, as runc's linux.seccomp.listenerPath: the filter is loaded
 * with SECCOMP_FILTER_FLAG_NEW_LISTENER and, before the command may exec, its
 * listener goes to the agent with the OCI container process state.
 */
struct scprof_sandbox_listener {
	const char *path; /* borrowed; the agent's AF_UNIX stream socket */
	const char *metadata; /* borrowed; listenerMetadata; NULL or "" for none */
	const char *id; /* borrowed; state.id */
	const char *bundle; /* borrowed; state.bundle, an absolute directory */
};

/* How long connecting to the agent and sending it the listener may block. */
#define SCPROF_LISTENER_TIMEOUT_MS 5000

struct scprof_sandbox {
	bool set_ids; /* setgroups, setresgid, setresuid */
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	size_t n_groups;
	bool set_caps; /* apply @caps to the bounding, permitted, effective, inheritable and ambient sets */
	uint64_t caps;
	bool oci_caps; /* only bounding, permitted and effective, as containerd and CRI-O set them */
	bool no_new_privs;
	int namespaces; /* CLONE_NEWNET, CLONE_NEWIPC...: new namespaces, made first */
	bool read_only_root; /* in a new mount namespace, mounts private, then / read-only */
	const struct scprof_sandbox_sysctl *sysctls; /* borrowed; written after the namespaces */
	size_t n_sysctls;
	const struct scprof_bpf *prog; /* borrowed; NULL: no filter */
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	const struct scprof_sandbox_listener *listener; /* borrowed; NULL: no agent */
	/*
	 * Written to /proc/self/loginuid first, which gives CMD and all it starts
	 * an audit session of their own (to tell their records from the rest);
	 * NULL: not.  Best effort: it needs an unset login uid or CAP_AUDIT_CONTROL.
	 */
	const char *loginuid;
};

/*
 * Which of @flags the running kernel accepts with SECCOMP_SET_MODE_FILTER; the
 * others are returned in *missing.
 */
SCPROF_PUBLIC unsigned scprof_seccomp_flags_supported(unsigned flags, unsigned *missing);
/* Does the kernel know the action of return value @ret (SECCOMP_GET_ACTION_AVAIL)? */
SCPROF_PUBLIC bool scprof_seccomp_action_available(uint32_t ret);
/* The capability set this process would keep: its permitted set. */
SCPROF_PUBLIC uint64_t scprof_caps_current(void);

/*
 * Fork and exec @argv (PATH searched) in the context @sb: new namespaces, a
 * read-only root and sysctls first, while the privileges they need are there;
 * then groups and ids, then capabilities, then no_new_privs, then the filter, right before execve, as an
 * OCI runtime does.  When no_new_privs is off and CAP_SYS_ADMIN is dropped, the
 * filter is loaded first, while the privilege to load it is still there, so it
 * must allow the calls that follow.  Nothing runs unconfined: a failure at any
 * step is reported over a pipe and the child exits before exec.  Returns the
 * child's pid, or a negative errno with *err saying which step failed;
 * *exec_errno is set to the errno of execve when that was the step (command not
 * found, not executable), else to 0.
 *
 * With @sb->listener and a program, the child writes to the parent once the
 * filter is loaded and waits; the parent takes the listener with pidfd_getfd
 * and sends it to the agent, and only then lets the child go on.  If the agent
 * cannot be reached the child is killed before it execs, and the error says why.
 * The program must therefore allow write and read, as with runc.
 */
SCPROF_PUBLIC pid_t scprof_sandbox_spawn(const struct scprof_sandbox *sb, char *const argv[],
					 int *exec_errno, struct scprof_error **err);

/*
 * The OCI container process state runc sends a seccomp agent with the listener
 * (runtime-spec ContainerProcessState), for process @pid, status "creating",
 * compact JSON.  Caller frees.
 */
SCPROF_PUBLIC char *scprof_listener_state_json(const struct scprof_sandbox_listener *l, pid_t pid);

/*
 * Connect to the agent at @path and send @json with @fd (SCM_RIGHTS) in one
 * message, as runc does; both bounded by SCPROF_LISTENER_TIMEOUT_MS.  @fd stays
 * the caller's.  0, or a negative errno with *err.
 */
SCPROF_PUBLIC int scprof_listener_send(const char *path, const char *json, int fd,
				       struct scprof_error **err);

#ifdef __cplusplus
}
#endif
#endif
