/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lines of kernel and audit logs, from a file (plain or gzip), stdin, or
 * /dev/kmsg, in constant memory.
 */
#ifndef SCPROF_AUDIT_READER_H
#define SCPROF_AUDIT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"

/* Longest line kept; longer lines are skipped and counted. */
#define AUDIT_LINE_MAX (1u << 20)

struct audit_reader;

/*
 * Open @path ("-" for stdin).  A gzip stream (audit.log.2.gz) is recognised by
 * its magic number and inflated.  With @follow, the end of the file is not the
 * end: audit_reader_next() returns 0 and can be called again for what is
 * appended later, and a file replaced by log rotation is reopened.
 */
int audit_reader_open(const char *path, bool follow, struct audit_reader **out,
		      struct scprof_error **err);

/*
 * Open /dev/kmsg (or @path, for tests), non-blocking.  @from_start: the
 * records already in the kernel's buffer first; else only new ones.
 */
int audit_reader_open_kmsg(const char *path, bool from_start, struct audit_reader **out,
			   struct scprof_error **err);

/*
 * Subscribe to the audit subsystem's multicast group (AUDIT_NLGRP_READLOG, as
 * journald does; needs CAP_AUDIT_READ), non-blocking, with a receive buffer of
 * @rcvbuf bytes where permitted: every record from now on, whether or not
 * auditd runs, and none lost to printk's rate limit.  Lines come as
 * "type=NNNN msg=audit(...): ...".
 */
int audit_reader_open_netlink(size_t rcvbuf, struct audit_reader **out, struct scprof_error **err);

/*
 * The next line, without its newline, in *line / *len (valid until the next
 * call).  For /dev/kmsg, the message of the next record.  Returns 1, 0 at the
 * end (for now, when following or reading /dev/kmsg: poll audit_reader_fd()
 * or wait and call again), or a negative errno with *err.
 */
int audit_reader_next(struct audit_reader *r, const char **line, size_t *len,
		      struct scprof_error **err);

/* Following a file: start at its end, with what is written from now on. */
void audit_reader_skip_to_end(struct audit_reader *r);

/* The descriptor to poll for more input. */
int audit_reader_fd(const struct audit_reader *r);
/*
 * Records the kernel overwrote before they were read (/dev/kmsg), or times the
 * netlink receive buffer overflowed.
 */
uint64_t audit_reader_lost(const struct audit_reader *r);
/* Lines longer than AUDIT_LINE_MAX, skipped. */
uint64_t audit_reader_overlong(const struct audit_reader *r);
/* The name used in messages: the path, "stdin" or "/dev/kmsg". */
const char *audit_reader_name(const struct audit_reader *r);

void audit_reader_free(struct audit_reader *r);

/*
 * Kernel settings that decide whether records reach the log, saved so that
 * they can be put back.  audit_tune_lift(): no printk rate limit
 * (kernel.printk_ratelimit = 0), and the LOG action in
 * kernel/seccomp/actions_logged (with @log_action); each only where
 * permitted and needed.  Returns false when LOG decisions cannot be logged.
 */
struct audit_tune {
	bool ratelimit_set, actions_set; /* changed: to restore */
	char ratelimit[32];
	char actions_logged[256];
};
bool audit_tune_lift(struct audit_tune *t, bool ratelimit, bool log_action);
void audit_tune_restore(struct audit_tune *t);

/*
 * An audit session of its own for a process: writing this login uid (the
 * current one, or the real uid when it is unset) to /proc/self/loginuid gives
 * it, and all it starts, a new session id to find its records by.
 */
void audit_session_loginuid(char *buf, size_t n);
/* The audit session of process @pid, or UINT32_MAX (unset, or unknown). */
uint32_t audit_session_of(pid_t pid);

#endif
