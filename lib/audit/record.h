/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One kernel seccomp audit record (type=1326 / SECCOMP), parsed and decoded. */
#ifndef SCPROF_AUDIT_RECORD_H
#define SCPROF_AUDIT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"
#include "scprof/syscalls.h"

/* Which optional fields a record carried (struct audit_record.have). */
enum {
	AUDIT_HAVE_TIME = 1u << 0, /* sec, msec, serial */
	AUDIT_HAVE_AUID = 1u << 1,
	AUDIT_HAVE_UID = 1u << 2,
	AUDIT_HAVE_GID = 1u << 3,
	AUDIT_HAVE_SES = 1u << 4,
	AUDIT_HAVE_SUBJ = 1u << 5,
	AUDIT_HAVE_PID = 1u << 6,
	AUDIT_HAVE_COMM = 1u << 7,
	AUDIT_HAVE_EXE = 1u << 8,
	AUDIT_HAVE_SIG = 1u << 9,
	AUDIT_HAVE_COMPAT = 1u << 10,
	AUDIT_HAVE_IP = 1u << 11,
	/* arch, syscall and code are required, so always there after a successful parse. */
};

/* seccomp return actions (include/uapi/linux/seccomp.h, SECCOMP_RET_*). */
enum audit_action {
	AUDIT_ACTION_KILL_PROCESS,
	AUDIT_ACTION_KILL_THREAD,
	AUDIT_ACTION_TRAP,
	AUDIT_ACTION_ERRNO,
	AUDIT_ACTION_USER_NOTIF,
	AUDIT_ACTION_TRACE,
	AUDIT_ACTION_LOG,
	AUDIT_ACTION_ALLOW,
	AUDIT_ACTION_UNKNOWN, /* the kernel treats it as KILL_PROCESS */
};

struct audit_record {
	unsigned have; /* AUDIT_HAVE_* */
	int64_t sec; /* audit(SEC.MSEC:SERIAL) */
	unsigned msec;
	uint64_t serial;
	uint32_t auid, uid, gid, ses; /* 4294967295 is "unset" */
	char *subj; /* owned; NULL when absent */
	int64_t pid;
	char *comm; /* owned, decoded from hex when the kernel hex-encoded it */
	char *exe; /* owned, likewise; "(null)" for kernel threads */
	int64_t sig;
	uint32_t arch; /* AUDIT_ARCH_* token */
	int64_t syscall; /* as the kernel reported it: x32 numbers include bit 30 */
	int compat;
	uint64_t ip;
	uint32_t code; /* the filter's return value */

	/* Decoded. */
	const struct scprof_arch *arch_info; /* borrowed, static; NULL when the token is unknown */
	const char *syscall_name; /* borrowed, static; NULL when unknown */
	enum audit_action action;
	uint16_t data; /* SECCOMP_RET_DATA */
};

/*
 * Parse one record line of @len bytes (need not be NUL-terminated; a trailing
 * newline is fine).  On success fills @out, which the caller releases with
 * audit_record_release(); on failure @out holds nothing to release.
 * Returns 0, or -EINVAL when the line is not a well-formed seccomp record.
 */
int audit_record_parse(const char *line, size_t len, struct audit_record *out,
		       struct scprof_error **err);
void audit_record_release(struct audit_record *r);

/* The action of a seccomp return value; unknown actions are AUDIT_ACTION_UNKNOWN. */
enum audit_action audit_action_of(uint32_t code);
/* "KILL_PROCESS", "ERRNO"...; "UNKNOWN" for AUDIT_ACTION_UNKNOWN.  Static. */
const char *audit_action_name(enum audit_action a);
/* "ERRNO(1)", "TRAP(0)", "LOG", "KILL_PROCESS"; "UNKNOWN(0x12340000)".  Writes at most @n bytes. */
void audit_action_format(uint32_t code, char *buf, size_t n);

#endif
