// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parser of one kernel seccomp audit record line, as printk, auditd or journald wrote it. */

/*
 * The kernel writes the record in kernel/auditsc.c:audit_seccomp() (Linux 4.14+
 * field order; older kernels lack some fields, which are optional here):
 *
 *   line      = [prefix] record [CR] [LF]
 *   prefix    = *OCTET          ; ignored: syslog "Nov 14 22:13:20 host kernel: ",
 *                               ; dmesg "[  123.456789] ", /dev/kmsg "6,1234,5678,-;",
 *                               ; the "audit: " of printk, auditd's "node=HOST "
 *   record    = kernel / auditd / journald
 *   kernel    = "type=1326" SP "audit(" stamp "):" fields      ; printk, no auditd running
 *   auditd    = "type=SECCOMP" SP "msg=audit(" stamp "):" fields ; /var/log/audit/audit.log
 *   journald  = "audit[" 1*DIGIT "]:" SP "SECCOMP" fields       ; journalctl; no stamp
 *   stamp     = 1*DIGIT "." 1*3DIGIT ":" 1*DIGIT                ; seconds.millis:serial
 *   fields    = *(1*WS field)
 *   WS        = SP / HTAB / %x1D        ; auditd's ENRICHED format appends %x1D and
 *                                       ; upper-case fields (AUID="root" ARCH=x86_64)
 *   field     = key "=" value
 *   value     = DQUOTE *(%x21 / %x23-7E) DQUOTE    ; untrusted string, printable
 *             / 1*(HEXDIG HEXDIG)                  ; untrusted string, hex-encoded
 *             / word                               ; numbers, "(null)", "?"
 *   subj-value = word *(1*WS word)                 ; an LSM label: "foo (enforce)"
 *   word      = 1*(any octet but WS and "=")
 *
 * Fields, in the kernel's order (%u = decimal, %x = hex without "0x"):
 *   auid=%u uid=%u gid=%u ses=%u [subj=LABEL] pid=%d comm=STR exe=STR
 *   sig=%ld arch=%x syscall=%ld compat=%d ip=0x%lx code=0x%x
 *
 * arch, syscall and code are required; the rest are optional, unknown keys are
 * ignored and a repeated key keeps its last value.
 */
#include "audit/record.h"
#include "util/util.h"

#define AUDIT_TYPE_SECCOMP "1326"

struct span {
	const char *p;
	size_t n;
};

/* Up to 32 bytes of @s for an error message, non-printable bytes as '?'. */
static const char *shown(struct span s, char buf[static 33])
{
	size_t n = s.n > 32 ? 32 : s.n;
	for (size_t i = 0; i < n; i++)
		buf[i] = s.p[i] > 0x20 && s.p[i] < 0x7f ? s.p[i] : '?';
	buf[n] = '\0';
	return buf;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\x1d';
}

static bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && !memcmp(s.p, lit, n);
}

/* Find @lit in [p, end) where it starts a token: at @start or after WS, ':', ';' or ']'. */
static const char *find_token(const char *start, const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	for (; (size_t)(end - p) >= n; p++) {
		if (memcmp(p, lit, n))
			continue;
		if (p == start || is_ws(p[-1]) || p[-1] == ':' || p[-1] == ';' || p[-1] == ']')
			return p;
	}
	return NULL;
}

static bool starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_dec(struct span s, uint64_t max, uint64_t *out)
{
	if (!s.n)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		unsigned d = (unsigned)(s.p[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* A signed decimal %ld / %d as the kernel prints it. */
static bool parse_signed(struct span s, int64_t *out)
{
	bool neg = s.n && s.p[0] == '-';
	uint64_t v;
	if (neg) {
		s.p++;
		s.n--;
	}
	if (!parse_dec(s, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Hex with or without "0x", at most @max. */
static bool parse_hex(struct span s, uint64_t max, uint64_t *out)
{
	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		s.p += 2;
		s.n -= 2;
	}
	if (!s.n)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		int d = hexval(s.p[i]);
		if (d < 0 || v > (max - (unsigned)d) / 16)
			return false;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return true;
}

/*
 * audit_log_untrustedstring(): quoted when printable, else hex-encoded without
 * quotes.  Bare values that are not hex ("(null)", "?") are kept as they are.
 */
static char *decode_string(struct span s, bool quoted)
{
	if (quoted || s.n % 2 || !s.n)
		return xstrndup(s.p, s.n);
	for (size_t i = 0; i < s.n; i++)
		if (hexval(s.p[i]) < 0)
			return xstrndup(s.p, s.n);
	char *r = xmalloc(s.n / 2 + 1);
	for (size_t i = 0; i < s.n / 2; i++)
		r[i] = (char)(hexval(s.p[2 * i]) << 4 | hexval(s.p[2 * i + 1]));
	r[s.n / 2] = '\0';
	return r;
}

/* "SEC.MSEC:SERIAL)" after "audit("; advances *pp past the ')'. */
static int parse_stamp(const char **pp, const char *end, struct audit_record *r,
		       struct scprof_error **err)
{
	const char *p = *pp;
	struct span part[3];
	const char seps[3] = { '.', ':', ')' };
	uint64_t sec, msec, serial;
	for (int i = 0; i < 3; i++) {
		part[i].p = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		part[i].n = (size_t)(p - part[i].p);
		if (p == end || *p != seps[i])
			return error_set(err, -EINVAL, "malformed time stamp in audit record");
		p++;
	}
	if (!parse_dec(part[0], INT64_MAX, &sec) || !parse_dec(part[1], 999, &msec) ||
	    !parse_dec(part[2], UINT64_MAX, &serial))
		return error_set(err, -EINVAL, "malformed time stamp in audit record");
	r->sec = (int64_t)sec;
	r->msec = (unsigned)msec;
	r->serial = serial;
	r->have |= AUDIT_HAVE_TIME;
	*pp = p;
	return 0;
}

/* Move past the header to the first field; fills the time stamp when there is one. */
static int parse_header(const char *line, const char *end, const char **fields,
			struct audit_record *r, struct scprof_error **err)
{
	const char *p = find_token(line, line, end, "type=");
	if (!p) {
		const char *j = find_token(line, line, end, "audit[");
		const char *s = j ? find_token(line, j, end, "SECCOMP") : NULL;
		if (!s || s - j < 9 || !starts_with(s - 3, end, "]: ") ||
		    (s + 7 < end && !is_ws(s[7])))
			return error_set(err, -EINVAL, "no audit record in line");
		*fields = s + 7;
		return 0;
	}
	p += 5;
	struct span type = { p, 0 };
	char buf[33];
	while (p < end && !is_ws(*p))
		p++;
	type.n = (size_t)(p - type.p);
	if (!span_eq(type, AUDIT_TYPE_SECCOMP) && !span_eq(type, "SECCOMP"))
		return error_set(err, -EINVAL, "not a seccomp audit record (type=%s)",
				 shown(type, buf));
	while (p < end && is_ws(*p))
		p++;
	if (starts_with(p, end, "msg="))
		p += 4;
	if (!starts_with(p, end, "audit("))
		return error_set(err, -EINVAL, "missing 'audit(' time stamp in audit record");
	p += 6;
	int ret = parse_stamp(&p, end, r, err);
	if (ret < 0)
		return ret;
	if (p == end || *p != ':')
		return error_set(err, -EINVAL, "missing ':' after time stamp in audit record");
	*fields = p + 1;
	return 0;
}

/*
 * Reads "key=value" at *pp: 1, 0 at the end of the line, or a negative errno.
 * Stray words without '=' are skipped.
 */
static int next_field(const char **pp, const char *end, struct span *key, struct span *val,
		      bool *quoted, struct scprof_error **err)
{
	const char *p = *pp;
	*key = (struct span){ p, 0 };
	for (;;) {
		while (p < end && is_ws(*p))
			p++;
		if (p == end)
			return 0;
		key->p = p;
		while (p < end && !is_ws(*p) && *p != '=')
			p++;
		if (p < end && *p == '=')
			break;
	}
	key->n = (size_t)(p - key->p);
	p++;
	*quoted = p < end && *p == '"';
	if (*quoted) {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
		char buf[33];
		if (!q)
			return error_set(err, -EINVAL, "unterminated quoted value of '%s'",
					 shown(*key, buf));
		val->p = p + 1;
		val->n = (size_t)(q - p - 1);
		*pp = q + 1;
		return 1;
	}
	val->p = p;
	while (p < end && !is_ws(*p))
		p++;
	/* Words without '=' after subj belong to it: an AppArmor "label (enforce)". */
	while (span_eq(*key, "subj")) {
		const char *q = p;
		while (q < end && is_ws(*q))
			q++;
		const char *w = q;
		while (w < end && !is_ws(*w) && *w != '=')
			w++;
		if (q == end || w == q || (w < end && *w == '=') || *q == '"')
			break;
		p = w;
	}
	val->n = (size_t)(p - val->p);
	*pp = p;
	return 1;
}

/* Bits for the required fields, kept apart from AUDIT_HAVE_*. */
enum { SEEN_ARCH = 1, SEEN_SYSCALL = 2, SEEN_CODE = 4 };

struct num_field {
	const char *key;
	unsigned have; /* AUDIT_HAVE_* */
	unsigned seen; /* SEEN_* */
	enum { U32_DEC, I64_DEC, U32_HEX, U64_HEX } kind;
	size_t offset;
};

static const struct num_field num_fields[] = {
	{ "auid", AUDIT_HAVE_AUID, 0, U32_DEC, offsetof(struct audit_record, auid) },
	{ "uid", AUDIT_HAVE_UID, 0, U32_DEC, offsetof(struct audit_record, uid) },
	{ "gid", AUDIT_HAVE_GID, 0, U32_DEC, offsetof(struct audit_record, gid) },
	{ "ses", AUDIT_HAVE_SES, 0, U32_DEC, offsetof(struct audit_record, ses) },
	{ "pid", AUDIT_HAVE_PID, 0, I64_DEC, offsetof(struct audit_record, pid) },
	{ "sig", AUDIT_HAVE_SIG, 0, I64_DEC, offsetof(struct audit_record, sig) },
	{ "arch", 0, SEEN_ARCH, U32_HEX, offsetof(struct audit_record, arch) },
	{ "syscall", 0, SEEN_SYSCALL, I64_DEC, offsetof(struct audit_record, syscall) },
	{ "ip", AUDIT_HAVE_IP, 0, U64_HEX, offsetof(struct audit_record, ip) },
	{ "code", 0, SEEN_CODE, U32_HEX, offsetof(struct audit_record, code) },
};

static int set_number(struct audit_record *r, const struct num_field *f, struct span val,
		      struct scprof_error **err)
{
	char *dst = (char *)r + f->offset;
	char buf[33];
	uint64_t u;
	int64_t i;
	bool ok;
	switch (f->kind) {
	case U32_DEC:
		ok = parse_dec(val, UINT32_MAX, &u);
		if (ok)
			*(uint32_t *)(void *)dst = (uint32_t)u;
		break;
	case I64_DEC:
		ok = parse_signed(val, &i);
		if (ok)
			*(int64_t *)(void *)dst = i;
		break;
	case U32_HEX:
		ok = parse_hex(val, UINT32_MAX, &u);
		if (ok)
			*(uint32_t *)(void *)dst = (uint32_t)u;
		break;
	case U64_HEX:
	default:
		ok = parse_hex(val, UINT64_MAX, &u);
		if (ok)
			*(uint64_t *)(void *)dst = u;
		break;
	}
	if (!ok)
		return error_set(err, -EINVAL, "invalid value '%s' of '%s' in audit record",
				 shown(val, buf), f->key);
	r->have |= f->have;
	return 0;
}

static void set_string(char **dst, struct span val, bool quoted)
{
	free(*dst);
	*dst = decode_string(val, quoted);
}

static int parse_fields(const char *p, const char *end, struct audit_record *r,
			struct scprof_error **err)
{
	struct span key, val;
	bool quoted;
	unsigned seen = 0;
	int ret;
	while ((ret = next_field(&p, end, &key, &val, &quoted, err)) > 0) {
		if (span_eq(key, "subj")) {
			set_string(&r->subj, val, true);
			r->have |= AUDIT_HAVE_SUBJ;
		} else if (span_eq(key, "comm")) {
			set_string(&r->comm, val, quoted);
			r->have |= AUDIT_HAVE_COMM;
		} else if (span_eq(key, "exe")) {
			set_string(&r->exe, val, quoted);
			r->have |= AUDIT_HAVE_EXE;
		} else if (span_eq(key, "compat")) {
			uint64_t c;
			char buf[33];
			if (!parse_dec(val, 1, &c))
				return error_set(err, -EINVAL,
						 "invalid value '%s' of 'compat' in audit record",
						 shown(val, buf));
			r->compat = (int)c;
			r->have |= AUDIT_HAVE_COMPAT;
		} else {
			for (size_t i = 0; i < ARRAY_SIZE(num_fields); i++) {
				if (!span_eq(key, num_fields[i].key))
					continue;
				ret = set_number(r, &num_fields[i], val, err);
				if (ret < 0)
					return ret;
				seen |= num_fields[i].seen;
				break;
			}
		}
	}
	if (ret < 0)
		return ret;
	if (!(seen & SEEN_ARCH))
		return error_set(err, -EINVAL, "missing 'arch' in seccomp audit record");
	if (!(seen & SEEN_SYSCALL))
		return error_set(err, -EINVAL, "missing 'syscall' in seccomp audit record");
	if (!(seen & SEEN_CODE))
		return error_set(err, -EINVAL, "missing 'code' in seccomp audit record");
	return 0;
}

static void decode(struct audit_record *r)
{
	int nr = r->syscall >= INT32_MIN && r->syscall <= INT32_MAX ? (int)r->syscall : -1;
	r->arch_info = scprof_arch_for_call(r->arch, nr);
	r->syscall_name = r->arch_info && nr >= 0 ? scprof_syscall_name(r->arch_info, nr) : NULL;
	r->action = audit_action_of(r->code);
	r->data = (uint16_t)(r->code & 0xffffu);
}

int audit_record_parse(const char *line, size_t len, struct audit_record *out,
		       struct scprof_error **err)
{
	memset(out, 0, sizeof(*out));
	if (!line)
		return error_set(err, -EINVAL, "no audit record in line");
	const char *end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	const char *fields = NULL;
	int ret = parse_header(line, end, &fields, out, err);
	if (ret >= 0)
		ret = parse_fields(fields, end, out, err);
	if (ret < 0) {
		audit_record_release(out);
		return ret;
	}
	decode(out);
	return 0;
}

void audit_record_release(struct audit_record *r)
{
	if (!r)
		return;
	free(r->subj);
	free(r->comm);
	free(r->exe);
	memset(r, 0, sizeof(*r));
}

/* SECCOMP_RET_* of include/uapi/linux/seccomp.h. */
#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u
#define RET_ACTION_FULL 0xffff0000u

enum audit_action audit_action_of(uint32_t code)
{
	switch (code & RET_ACTION_FULL) {
	case RET_KILL_PROCESS:
		return AUDIT_ACTION_KILL_PROCESS;
	case RET_KILL_THREAD:
		return AUDIT_ACTION_KILL_THREAD;
	case RET_TRAP:
		return AUDIT_ACTION_TRAP;
	case RET_ERRNO:
		return AUDIT_ACTION_ERRNO;
	case RET_USER_NOTIF:
		return AUDIT_ACTION_USER_NOTIF;
	case RET_TRACE:
		return AUDIT_ACTION_TRACE;
	case RET_LOG:
		return AUDIT_ACTION_LOG;
	case RET_ALLOW:
		return AUDIT_ACTION_ALLOW;
	default:
		return AUDIT_ACTION_UNKNOWN;
	}
}

const char *audit_action_name(enum audit_action a)
{
	static const char *const names[] = {
		[AUDIT_ACTION_KILL_PROCESS] = "KILL_PROCESS",
		[AUDIT_ACTION_KILL_THREAD] = "KILL_THREAD",
		[AUDIT_ACTION_TRAP] = "TRAP",
		[AUDIT_ACTION_ERRNO] = "ERRNO",
		[AUDIT_ACTION_USER_NOTIF] = "USER_NOTIF",
		[AUDIT_ACTION_TRACE] = "TRACE",
		[AUDIT_ACTION_LOG] = "LOG",
		[AUDIT_ACTION_ALLOW] = "ALLOW",
		[AUDIT_ACTION_UNKNOWN] = "UNKNOWN",
	};
	return (size_t)a < ARRAY_SIZE(names) ? names[a] : "UNKNOWN";
}

void audit_action_format(uint32_t code, char *buf, size_t n)
{
	enum audit_action a = audit_action_of(code);
	switch (a) {
	case AUDIT_ACTION_TRAP:
	case AUDIT_ACTION_ERRNO:
	case AUDIT_ACTION_TRACE:
		snprintf(buf, n, "%s(%u)", audit_action_name(a), code & 0xffffu);
		break;
	case AUDIT_ACTION_UNKNOWN:
		snprintf(buf, n, "UNKNOWN(0x%08x)", code);
		break;
	default:
		snprintf(buf, n, "%s", audit_action_name(a));
		break;
	}
}
