/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel audit records about seccomp: the decision of a filter (type=1326 /
 * SECCOMP) and the end of a process killed by a signal (type=1701 /
 * ANOM_ABEND), parsed and decoded; and the kernel's own lines about records
 * it dropped.
 */
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
	AUDIT_HAVE_RES = 1u << 12, /* ANOM_ABEND only */
	/*
	 * SECCOMP records require arch, syscall and code, ANOM_ABEND records
	 * require sig: always there after a successful parse.
	 */
};

enum audit_type {
	AUDIT_TYPE_SECCOMP = 1326,
	AUDIT_TYPE_ANOM_ABEND = 1701,
};

/* What a log line is, cheaply, before parsing it (audit_line_kind()). */
enum audit_line_kind {
	AUDIT_LINE_OTHER,
	AUDIT_LINE_SECCOMP, /* a seccomp decision */
	AUDIT_LINE_ABEND, /* a process ended by a signal (seccomp's kills are sig=31) */
	AUDIT_LINE_SUPPRESSED, /* printk's "N callbacks suppressed": N lines lost */
	AUDIT_LINE_LOST, /* the audit subsystem dropped records (audit_lost=N, backlog, rate) */
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
	enum audit_type type;
	unsigned have; /* AUDIT_HAVE_* */
	int64_t sec; /* audit(SEC.MSEC:SERIAL) */
	unsigned msec;
	uint64_t serial;
	uint32_t auid, uid, gid, ses; /* 4294967295 is "unset" */
	const char *subj; /* in strs; NULL when absent */
	int64_t pid;
	const char *comm; /* in strs, decoded from hex when the kernel hex-encoded it */
	const char *exe; /* in strs, likewise; "(null)" for kernel threads */
	int64_t sig;
	int64_t res; /* ANOM_ABEND */
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

	/* The decoded strings; kept from one parse to the next. */
	char *strs;
	size_t strs_len, strs_cap;
};

/*
 * What the line of @len bytes is; for SUPPRESSED and LOST, *n gets the number
 * the kernel gave (lines suppressed; audit_lost so far) or 0.  Fast for the
 * lines of other types that fill an audit.log.
 */
enum audit_line_kind audit_line_kind(const char *line, size_t len, uint64_t *n);

/*
 * Parse one SECCOMP or ANOM_ABEND record line of @len bytes (need not be
 * NUL-terminated; a trailing newline is fine) into @out, which starts zeroed
 * and can be parsed into again and again; the caller releases it once with
 * audit_record_release().  Returns 0, or -EINVAL when the line is not a
 * well-formed record.
 */
int audit_record_parse(const char *line, size_t len, struct audit_record *out,
		       struct scprof_error **err);
void audit_record_release(struct audit_record *r);
/*
 * The same without the fast path for the kernel's own field order: for tests,
 * which check that both read every line alike.
 */
int audit_record_parse_general(const char *line, size_t len, struct audit_record *out,
			       struct scprof_error **err);

/* The action of a seccomp return value; unknown actions are AUDIT_ACTION_UNKNOWN. */
enum audit_action audit_action_of(uint32_t code);
/* "KILL_PROCESS", "ERRNO"...; "UNKNOWN" for AUDIT_ACTION_UNKNOWN.  Static. */
const char *audit_action_name(enum audit_action a);
size_t audit_action_name_len(enum audit_action a); /* strlen(audit_action_name(a)) */
/*
 * "ERRNO(1)", "TRAP(0)", "LOG", "KILL_PROCESS"; "UNKNOWN(0x12340000)".  Writes
 * at most @n bytes (40 is always enough), NUL-terminated; returns the length.
 */
size_t audit_action_format(uint32_t code, char *buf, size_t n);
/*
 * The same for the code= of a record: the kernel logs the action without its
 * data (kernel/seccomp.c), so a zero data is left out: "ERRNO", not "ERRNO(0)".
 */
size_t audit_record_action_format(uint32_t code, char *buf, size_t n);

/*
 * The record as JSON members, without the braces: "type":"SECCOMP","time":...
 * (lib/audit/json.c).
 */
struct strbuf;
void audit_record_json(const struct audit_record *r, struct strbuf *sb);
/* The same, written at @p, which has room for audit_record_json_max() bytes; returns the end. */
size_t audit_record_json_max(const struct audit_record *r);
char *audit_record_json_put(const struct audit_record *r, char *p);
/* "2023-11-14T22:13:20.123" (with @sep between date and time), UTC; false when out of range. */
bool audit_format_time(int64_t sec, unsigned msec, char sep, char buf[static 32]);

#endif
