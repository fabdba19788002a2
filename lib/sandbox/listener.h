/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to lib/sandbox: taking a child's seccomp listener and the checks around it. */
#ifndef SCPROF_SANDBOX_LISTENER_H
#define SCPROF_SANDBOX_LISTENER_H

#include "scprof/sandbox.h"
#include "util/util.h"

/*
 * The child writes to @report_fd and reads from @go_fd after its filter is
 * loaded, to hand the listener over and wait for the agent to have it.  If
 * @prog does not let those calls through (a NOTIFY there would wait for the
 * very listener it holds), say so before forking.  0 or -EPERM with *err.
 */
int listener_check_handoff(const struct scprof_bpf *prog, int report_fd, int go_fd,
			   struct scprof_error **err);

/* Duplicate descriptor @fd of process @pid into ours (close-on-exec). The fd or a negative errno. */
int listener_take(pid_t pid, int fd, struct scprof_error **err);

#endif
