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
 */
SCPROF_PUBLIC pid_t scprof_sandbox_spawn(const struct scprof_sandbox *sb, char *const argv[],
					 int *exec_errno, struct scprof_error **err);

#ifdef __cplusplus
}
#endif
#endif
