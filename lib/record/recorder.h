/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interface every recording backend implements (ebpf.c, ptrace.c, logrec.c). */
#ifndef SCPROF_LIB_RECORDER_H
#define SCPROF_LIB_RECORDER_H

#include "scprof/record.h"
#include "util/util.h"

struct recorder_ops {
	/* Set up and, for a command, start it (r->child); see scprof_recorder_start(). */
	int (*start)(struct scprof_recorder *r, const struct scprof_record_target *t,
		     int *exec_errno, struct scprof_error **err);
	/* See scprof_recorder_wait(); sets r->status and r->exited when the command is reaped. */
	int (*wait)(struct scprof_recorder *r, int timeout_ms, volatile int *stop,
		    struct scprof_error **err);
	void (*collect)(struct scprof_recorder *r, struct scprof_obs *o);
	/* Detach and release r->priv; the command, if any, is handled by the caller. */
	void (*release)(struct scprof_recorder *r);
};

struct scprof_recorder {
	enum scprof_backend backend;
	const struct recorder_ops *ops;
	pid_t child; /* the command we started, 0 when attaching */
	bool exited; /* child reaped; status valid */
	int status;
	char *fallback; /* why auto did not use eBPF, or NULL */
	uint64_t lost; /* records the log recorder knows it missed */
	void *priv;
};

extern const struct recorder_ops
	record_ebpf_ops; /* ebpf.c; its start gives -ENOSYS when built without */
extern const struct recorder_ops record_ptrace_ops; /* ptrace.c */
extern const struct recorder_ops record_log_ops; /* logrec.c */

/* Loading a filter without no_new_privs needs CAP_SYS_ADMIN in the effective set. */
bool record_has_sys_admin(void);

#endif
