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
 *   fields    = *(1*WS field) [%x1D enriched]
 *   WS        = SP / HTAB
 *   enriched  = *OCTET                  ; auditd's ENRICHED format appends %x1D and
 *                                       ; upper-case fields (AUID="root" ARCH=x86_64):
 *                                       ; not the kernel's, ignored
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

/* Ends a word: white space, or the %x1D before auditd's enrichment. */
static inline bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\x1d';
}

static bool starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

/* Find @lit in [p, end) where it starts a token: at @start or after WS, ':', ';' or ']'. */
static const char *find_token(const char *start, const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	while (p < end) {
		const char *q = memmem(p, (size_t)(end - p), lit, n);
		if (!q)
			return NULL;
		if (q == start || is_ws(q[-1]) || q[-1] == ':' || q[-1] == ';' || q[-1] == ']')
			return q;
		p = q + 1;
	}
	return NULL;
}

static inline int hexval(char c)
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

/* The decimal number that ends right before @p (after optional spaces); 0 when none. */
static uint64_t number_before(const char *start, const char *p)
{
	while (p > start && p[-1] == ' ')
		p--;
	const char *e = p;
	while (p > start && p[-1] >= '0' && p[-1] <= '9')
		p--;
	uint64_t v = 0;
	if (!parse_dec((struct span){ p, (size_t)(e - p) }, UINT64_MAX, &v))
		return 0;
	return v;
}

/* --- the fast path: the fields in the order Linux 4.14 and later write them ---------- */

static inline __attribute__((always_inline)) bool at_ws_or_end(const char *p, const char *end)
{
	return p == end || is_ws(*p);
}

/* The first and the last @w bytes (at most 8, and @n at least @w) of @p are @lit's. */
static inline __attribute__((always_inline)) bool same_ends(const char *p, const char *lit,
							    size_t n, size_t w)
{
	uint64_t a = 0, b = 0, c = 0, d = 0;
	memcpy(&a, p, w);
	memcpy(&b, lit, w);
	memcpy(&c, p + n - w, w);
	memcpy(&d, lit + n - w, w);
	return a == b && c == d;
}

/* The @n bytes (at most 3) at @p are @lit's. */
static inline __attribute__((always_inline)) bool same_few(const char *p, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != lit[i])
			return false;
	return true;
}

/*
 * The bytes at @p are those of the string literal @lit: for up to 16, two
 * loads each that may overlap, which the compiler folds to compares with
 * constants (GCC calls memcmp() for most lengths).  Chosen at compile time, so
 * that no code reads more of @lit than it has, even unoptimized.
 */
#define SAME_BYTES(p, lit)                                                               \
	__builtin_choose_expr(                                                           \
		sizeof(lit) - 1 > 16, !memcmp((p), (lit), sizeof(lit) - 1),              \
		__builtin_choose_expr(                                                   \
			sizeof(lit) - 1 >= 8, same_ends((p), (lit), sizeof(lit) - 1, 8), \
			__builtin_choose_expr(sizeof(lit) - 1 >= 4,                      \
					      same_ends((p), (lit), sizeof(lit) - 1, 4), \
					      same_few((p), (lit), sizeof(lit) - 1))))

/* The literal @lit at *pp (" key=" with one space, as the kernel writes); advances past it. */
#define EXPECT(pp, end, lit)                                                                   \
	({                                                                                     \
		const char **pp_ = (pp);                                                       \
		bool ok_ = (size_t)((end) - *pp_) >= sizeof(lit) - 1 && SAME_BYTES(*pp_, lit); \
		if (ok_)                                                                       \
			*pp_ += sizeof(lit) - 1;                                               \
		ok_;                                                                           \
	})

/* The type word at @p ("SECCOMP", "1326", "ANOM_ABEND", "1701", or another). */
static enum audit_line_kind kind_of_type(const char *p, const char *end)
{
	const char *w = p;
	while (p < end && !is_ws(*p))
		p++;
	const char *q = w;
	switch (p - w) {
	case 4:
		return EXPECT(&q, p, "1326") ? AUDIT_LINE_SECCOMP :
		       EXPECT(&q, p, "1701") ? AUDIT_LINE_ABEND :
					       AUDIT_LINE_OTHER;
	case 7:
		return EXPECT(&q, p, "SECCOMP") ? AUDIT_LINE_SECCOMP : AUDIT_LINE_OTHER;
	case 10:
		return EXPECT(&q, p, "ANOM_ABEND") ? AUDIT_LINE_ABEND : AUDIT_LINE_OTHER;
	default:
		return AUDIT_LINE_OTHER;
	}
}

enum audit_line_kind audit_line_kind(const char *line, size_t len, uint64_t *n)
{
	const char *end = line + len, *p = line;
	*n = 0;
	/* auditd's audit.log: "[node=NAME ]type=WORD msg=audit(...)" */
	if (starts_with(p, end, "node=")) {
		while (p < end && *p != ' ')
			p++;
		while (p < end && *p == ' ')
			p++;
	}
	if (starts_with(p, end, "type="))
		return kind_of_type(p + 5, end);
	/* Kernel log lines, with whatever prefix syslog, dmesg or /dev/kmsg put there. */
	const char *q = find_token(line, line, end, "type=");
	if (q)
		return kind_of_type(q + 5, end);
	q = find_token(line, line, end, "audit[");
	if (q) {
		const char *r = memchr(q, ']', (size_t)(end - q));
		if (r && starts_with(r, end, "]: SECCOMP") && (r + 10 == end || is_ws(r[10])))
			return AUDIT_LINE_SECCOMP;
		if (r && starts_with(r, end, "]: ANOM_ABEND") && (r + 13 == end || is_ws(r[13])))
			return AUDIT_LINE_ABEND;
	}
	/* Loss: printk's rate limit, and the audit subsystem's own messages. */
	q = memmem(line, len, " callbacks suppressed", 21);
	if (q) {
		*n = number_before(line, q + 1);
		return AUDIT_LINE_SUPPRESSED;
	}
	q = find_token(line, line, end, "audit_lost=");
	if (q) {
		struct span v = { q + 11, 0 };
		while (v.p + v.n < end && v.p[v.n] >= '0' && v.p[v.n] <= '9')
			v.n++;
		if (!parse_dec(v, UINT64_MAX, n))
			*n = 0;
		return AUDIT_LINE_LOST;
	}
	if (memmem(line, len, "audit: backlog limit exceeded", 29) ||
	    memmem(line, len, "audit: rate limit exceeded", 26))
		return AUDIT_LINE_LOST;
	return AUDIT_LINE_OTHER;
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

/* Move past the header to the first field; fills the type and the time stamp. */
static int parse_header(const char *line, const char *end, const char **fields,
			struct audit_record *r, struct scprof_error **err)
{
	const char *p = line;
	if (starts_with(p, end, "node=")) {
		while (p < end && *p != ' ')
			p++;
		while (p < end && *p == ' ')
			p++;
	}
	if (!starts_with(p, end, "type="))
		p = find_token(line, line, end, "type=");
	if (!p) {
		const char *j = find_token(line, line, end, "audit[");
		const char *b = j ? memchr(j, ']', (size_t)(end - j)) : NULL;
		if (b && starts_with(b, end, "]: SECCOMP") && (b + 10 == end || is_ws(b[10]))) {
			r->type = AUDIT_TYPE_SECCOMP;
			*fields = b + 10;
			return 0;
		}
		if (b && starts_with(b, end, "]: ANOM_ABEND") && (b + 13 == end || is_ws(b[13]))) {
			r->type = AUDIT_TYPE_ANOM_ABEND;
			*fields = b + 13;
			return 0;
		}
		return error_set(err, -EINVAL, "no audit record in line");
	}
	p += 5;
	struct span type = { p, 0 };
	char buf[33];
	switch (kind_of_type(p, end)) {
	case AUDIT_LINE_SECCOMP:
		r->type = AUDIT_TYPE_SECCOMP;
		break;
	case AUDIT_LINE_ABEND:
		r->type = AUDIT_TYPE_ANOM_ABEND;
		break;
	default:
		while (p < end && !is_ws(*p))
			p++;
		type.n = (size_t)(p - type.p);
		return error_set(err, -EINVAL, "not a seccomp audit record (type=%s)",
				 shown(type, buf));
	}
	while (p < end && !is_ws(*p))
		p++;
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
		while (p < end && is_ws(*p) && *p != '\x1d')
			p++;
		if (p == end || *p == '\x1d')
			return 0; /* what auditd appends after %x1D is not the kernel's */
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
	while (key->n == 4 && !memcmp(key->p, "subj", 4)) {
		const char *q = p;
		while (q < end && is_ws(*q) && *q != '\x1d')
			q++;
		if (q < end && *q == '\x1d')
			break;
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

enum num_kind { U32_DEC, I64_DEC, U32_HEX, U64_HEX };

static int set_number(struct audit_record *r, struct span key, enum num_kind kind, void *dst,
		      unsigned have, struct span val, struct scprof_error **err)
{
	char buf[33], kbuf[33];
	uint64_t u;
	int64_t i;
	bool ok;
	switch (kind) {
	case U32_DEC:
		ok = parse_dec(val, UINT32_MAX, &u);
		if (ok)
			*(uint32_t *)dst = (uint32_t)u;
		break;
	case I64_DEC:
		ok = parse_signed(val, &i);
		if (ok)
			*(int64_t *)dst = i;
		break;
	case U32_HEX:
		ok = parse_hex(val, UINT32_MAX, &u);
		if (ok)
			*(uint32_t *)dst = (uint32_t)u;
		break;
	case U64_HEX:
	default:
		ok = parse_hex(val, UINT64_MAX, &u);
		if (ok)
			*(uint64_t *)dst = u;
		break;
	}
	if (!ok)
		return error_set(err, -EINVAL, "invalid value '%s' of '%s' in audit record",
				 shown(val, buf), shown(key, kbuf));
	r->have |= have;
	return 0;
}

/*
 * Append the decoded value to r->strs and return its offset.
 * audit_log_untrustedstring(): quoted when printable, else hex-encoded without
 * quotes.  Bare values that are not hex ("(null)", "?") are kept as they are.
 */
static size_t add_string(struct audit_record *r, struct span s, bool quoted)
{
	bool hex = !quoted && s.n && !(s.n % 2);
	for (size_t i = 0; hex && i < s.n; i++)
		hex = hexval(s.p[i]) >= 0;
	size_t need = (hex ? s.n / 2 : s.n) + 1;
	/* 8 bytes to spare past the last string, for the JSON writer's word reads */
	if (r->strs_len + need + 8 > r->strs_cap) {
		r->strs_cap = (r->strs_len + need + 8) * 2;
		r->strs = xrealloc(r->strs, r->strs_cap);
	}
	size_t off = r->strs_len;
	char *d = r->strs + off;
	if (hex) {
		for (size_t i = 0; i < s.n / 2; i++)
			d[i] = (char)(hexval(s.p[2 * i]) << 4 | hexval(s.p[2 * i + 1]));
	} else {
		memcpy(d, s.p, s.n);
	}
	d[need - 1] = '\0';
	r->strs_len += need;
	return off;
}

#define NO_STRING SIZE_MAX

static inline __attribute__((always_inline)) bool fast_dec(const char **pp, const char *end,
							   uint64_t max, uint64_t *out)
{
	const char *p = *pp, *first = p;
	/* 19 digits cannot overflow; a 20th is not a space, and the general parser decides */
	const char *lim = end - p > 19 ? p + 19 : end;
	uint64_t v = 0;
	for (; p < lim && (unsigned)(*p - '0') < 10; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (p == first || v > max || !at_ws_or_end(p, end))
		return false;
	*out = v;
	*pp = p;
	return true;
}

static inline __attribute__((always_inline)) bool fast_u32(const char **pp, const char *end,
							   uint32_t *out)
{
	uint64_t v;
	if (!fast_dec(pp, end, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static inline __attribute__((always_inline)) bool fast_i64(const char **pp, const char *end,
							   int64_t *out)
{
	bool neg = *pp < end && **pp == '-';
	uint64_t v;
	if (neg)
		(*pp)++;
	if (!fast_dec(pp, end, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v))
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Hex digit values plus one, 0 for other bytes. */
static const unsigned char hex_digit1[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline __attribute__((always_inline)) bool fast_hex(const char **pp, const char *end,
							   uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	/* 16 digits cannot overflow; a 17th is not a space, and the general parser decides */
	const char *first = p, *lim = end - p > 16 ? p + 16 : end;
	uint64_t v = 0;
	unsigned d;
	for (; p < lim && (d = hex_digit1[(unsigned char)*p]); p++)
		v = v << 4 | (d - 1);
	if (p == first || v > max || !at_ws_or_end(p, end))
		return false;
	*out = v;
	*pp = p;
	return true;
}

/* A comm= or exe= value: quoted, or hex or a bare word up to the next space. */
static inline bool fast_string(const char **pp, const char *end, struct audit_record *r,
			       size_t *off)
{
	const char *p = *pp;
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (!q || !at_ws_or_end(q + 1, end))
			return false;
		*off = add_string(r, (struct span){ p + 1, (size_t)(q - p - 1) }, true);
		*pp = q + 1;
		return true;
	}
	const char *q = p;
	while (q < end && !is_ws(*q) && *q != '=')
		q++;
	if (q == p || !at_ws_or_end(q, end))
		return false;
	*off = add_string(r, (struct span){ p, (size_t)(q - p) }, false);
	*pp = q;
	return true;
}

/*
 * A SECCOMP record exactly as the kernel writes it:
 *   auid=%u uid=%u gid=%u ses=%u [subj=LABEL] pid=%d comm=STR exe=STR sig=%ld
 *   arch=%x syscall=%ld compat=%d ip=0x%lx code=0x%x
 * optionally followed by auditd's %x1D-separated ENRICHED fields (upper case).
 * False when the line is anything else: the general parser then decides.
 */
static bool parse_fast(const char *p, const char *end, struct audit_record *r)
{
	uint64_t v;
	size_t subj = NO_STRING, comm, exe;
	if (!EXPECT(&p, end, " auid=") || !fast_u32(&p, end, &r->auid) ||
	    !EXPECT(&p, end, " uid=") || !fast_u32(&p, end, &r->uid) || !EXPECT(&p, end, " gid=") ||
	    !fast_u32(&p, end, &r->gid) || !EXPECT(&p, end, " ses=") || !fast_u32(&p, end, &r->ses))
		return false;
	if (EXPECT(&p, end, " subj=")) {
		/*
		 * Up to " pid=": an AppArmor label may hold spaces, but no '='; words
		 * apart by single spaces, none quoted, as the general parser takes them.
		 */
		const char *q = p;
		if (q < end && *q == '"')
			return false;
		for (; q < end && *q != '='; q++)
			if (*q == '\t' || *q == '\x1d' || (*q == '"' && q[-1] == ' '))
				return false;
		if (q == end || q - p < 5 || !SAME_BYTES(q - 4, " pid"))
			return false;
		q -= 4;
		if (is_ws(q[-1]))
			return false;
		subj = add_string(r, (struct span){ p, (size_t)(q - p) }, true);
		p = q;
	}
	if (!EXPECT(&p, end, " pid=") || !fast_i64(&p, end, &r->pid) ||
	    !EXPECT(&p, end, " comm=") || !fast_string(&p, end, r, &comm) ||
	    !EXPECT(&p, end, " exe=") || !fast_string(&p, end, r, &exe) ||
	    !EXPECT(&p, end, " sig=") || !fast_i64(&p, end, &r->sig) ||
	    !EXPECT(&p, end, " arch=") || !fast_hex(&p, end, UINT32_MAX, &v))
		return false;
	r->arch = (uint32_t)v;
	if (!EXPECT(&p, end, " syscall=") || !fast_i64(&p, end, &r->syscall) ||
	    !EXPECT(&p, end, " compat=") || !fast_dec(&p, end, 1, &v))
		return false;
	r->compat = (int)v;
	if (!EXPECT(&p, end, " ip=") || !fast_hex(&p, end, UINT64_MAX, &r->ip) ||
	    !EXPECT(&p, end, " code=") || !fast_hex(&p, end, UINT32_MAX, &v))
		return false;
	r->code = (uint32_t)v;
	/* only auditd's enrichment may follow, after the record's end */
	if (p < end && *p != '\x1d')
		return false;
	r->have |= AUDIT_HAVE_AUID | AUDIT_HAVE_UID | AUDIT_HAVE_GID | AUDIT_HAVE_SES |
		   AUDIT_HAVE_PID | AUDIT_HAVE_COMM | AUDIT_HAVE_EXE | AUDIT_HAVE_SIG |
		   AUDIT_HAVE_COMPAT | AUDIT_HAVE_IP | (subj == NO_STRING ? 0 : AUDIT_HAVE_SUBJ);
	r->subj = subj == NO_STRING ? NULL : r->strs + subj;
	r->comm = r->strs + comm;
	r->exe = r->strs + exe;
	return true;
}

static int parse_fields(const char *p, const char *end, struct audit_record *r,
			struct scprof_error **err)
{
	struct span key, val;
	bool quoted;
	unsigned seen = 0;
	size_t subj = NO_STRING, comm = NO_STRING, exe = NO_STRING;
	int ret;
	while ((ret = next_field(&p, end, &key, &val, &quoted, err)) > 0) {
		const char *k = key.p;
		ret = 0;
		switch (key.n) {
		case 2:
			if (!memcmp(k, "ip", 2))
				ret = set_number(r, key, U64_HEX, &r->ip, AUDIT_HAVE_IP, val, err);
			break;
		case 3:
			if (!memcmp(k, "uid", 3))
				ret = set_number(r, key, U32_DEC, &r->uid, AUDIT_HAVE_UID, val,
						 err);
			else if (!memcmp(k, "gid", 3))
				ret = set_number(r, key, U32_DEC, &r->gid, AUDIT_HAVE_GID, val,
						 err);
			else if (!memcmp(k, "ses", 3))
				ret = set_number(r, key, U32_DEC, &r->ses, AUDIT_HAVE_SES, val,
						 err);
			else if (!memcmp(k, "pid", 3))
				ret = set_number(r, key, I64_DEC, &r->pid, AUDIT_HAVE_PID, val,
						 err);
			else if (!memcmp(k, "sig", 3))
				ret = set_number(r, key, I64_DEC, &r->sig, AUDIT_HAVE_SIG, val,
						 err);
			else if (!memcmp(k, "exe", 3)) {
				exe = add_string(r, val, quoted);
				r->have |= AUDIT_HAVE_EXE;
			} else if (!memcmp(k, "res", 3)) {
				ret = set_number(r, key, I64_DEC, &r->res, AUDIT_HAVE_RES, val,
						 err);
			}
			break;
		case 4:
			if (!memcmp(k, "auid", 4)) {
				ret = set_number(r, key, U32_DEC, &r->auid, AUDIT_HAVE_AUID, val,
						 err);
			} else if (!memcmp(k, "arch", 4)) {
				ret = set_number(r, key, U32_HEX, &r->arch, 0, val, err);
				seen |= SEEN_ARCH;
			} else if (!memcmp(k, "code", 4)) {
				ret = set_number(r, key, U32_HEX, &r->code, 0, val, err);
				seen |= SEEN_CODE;
			} else if (!memcmp(k, "comm", 4)) {
				comm = add_string(r, val, quoted);
				r->have |= AUDIT_HAVE_COMM;
			} else if (!memcmp(k, "subj", 4)) {
				subj = add_string(r, val, true);
				r->have |= AUDIT_HAVE_SUBJ;
			}
			break;
		case 6:
			if (!memcmp(k, "compat", 6)) {
				uint64_t c;
				char buf[33];
				if (!parse_dec(val, 1, &c))
					return error_set(
						err, -EINVAL,
						"invalid value '%s' of 'compat' in audit record",
						shown(val, buf));
				r->compat = (int)c;
				r->have |= AUDIT_HAVE_COMPAT;
			}
			break;
		case 7:
			if (!memcmp(k, "syscall", 7)) {
				ret = set_number(r, key, I64_DEC, &r->syscall, 0, val, err);
				seen |= SEEN_SYSCALL;
			}
			break;
		}
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (r->type == AUDIT_TYPE_SECCOMP) {
		if (!(seen & SEEN_ARCH))
			return error_set(err, -EINVAL, "missing 'arch' in seccomp audit record");
		if (!(seen & SEEN_SYSCALL))
			return error_set(err, -EINVAL, "missing 'syscall' in seccomp audit record");
		if (!(seen & SEEN_CODE))
			return error_set(err, -EINVAL, "missing 'code' in seccomp audit record");
	} else if (!(r->have & AUDIT_HAVE_SIG)) {
		return error_set(err, -EINVAL, "missing 'sig' in ANOM_ABEND audit record");
	}
	r->subj = subj == NO_STRING ? NULL : r->strs + subj;
	r->comm = comm == NO_STRING ? NULL : r->strs + comm;
	r->exe = exe == NO_STRING ? NULL : r->strs + exe;
	return 0;
}

static void decode(struct audit_record *r)
{
	/* logs repeat the same calls: remember the last names looked up */
	static __thread struct {
		uint32_t arch;
		int64_t nr;
		const struct scprof_arch *info;
		const char *name;
	} cache[512];
	if (r->type != AUDIT_TYPE_SECCOMP)
		return;
	size_t slot = ((size_t)r->syscall * 31 + r->arch) % ARRAY_SIZE(cache);
	if (cache[slot].info && cache[slot].arch == r->arch && cache[slot].nr == r->syscall) {
		r->arch_info = cache[slot].info;
		r->syscall_name = cache[slot].name;
	} else {
		int nr = r->syscall >= INT32_MIN && r->syscall <= INT32_MAX ? (int)r->syscall : -1;
		r->arch_info = scprof_arch_for_call(r->arch, nr);
		r->syscall_name = r->arch_info && nr >= 0 ? scprof_syscall_name(r->arch_info, nr) :
							    NULL;
		if (r->arch_info)
			cache[slot] = (typeof(cache[0])){ r->arch, r->syscall, r->arch_info,
							  r->syscall_name };
	}
	r->action = audit_action_of(r->code);
	r->data = (uint16_t)(r->code & 0xffffu);
}

static int parse(const char *line, size_t len, struct audit_record *out, bool fast,
		 struct scprof_error **err)
{
	/*
	 * The header's fields only: the fast path sets all the others, and the
	 * general one starts from zeros (a memset of the whole record here was 4%
	 * of reading a large log).
	 */
	out->type = 0;
	out->have = 0;
	out->sec = 0;
	out->msec = 0;
	out->serial = 0;
	out->strs_len = 0;
	if (!line) {
		memset(out, 0, offsetof(struct audit_record, strs));
		return error_set(err, -EINVAL, "no audit record in line");
	}
	const char *end = line + len, *fields = NULL;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	int ret = parse_header(line, end, &fields, out, err);
	if (ret >= 0 && fast && out->type == AUDIT_TYPE_SECCOMP && parse_fast(fields, end, out)) {
		out->res = 0;
		decode(out);
		return 0;
	}
	memset(&out->auid, 0,
	       offsetof(struct audit_record, strs) - offsetof(struct audit_record, auid));
	out->strs_len = 0;
	if (ret >= 0)
		ret = parse_fields(fields, end, out, err);
	if (ret < 0) {
		memset(out, 0, offsetof(struct audit_record, strs));
		return ret;
	}
	decode(out);
	return 0;
}

int audit_record_parse(const char *line, size_t len, struct audit_record *out,
		       struct scprof_error **err)
{
	return parse(line, len, out, true, err);
}

int audit_record_parse_general(const char *line, size_t len, struct audit_record *out,
			       struct scprof_error **err)
{
	return parse(line, len, out, false, err);
}

void audit_record_release(struct audit_record *r)
{
	if (!r)
		return;
	free(r->strs);
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

size_t audit_action_name_len(enum audit_action a)
{
	static const unsigned char lens[] = {
		[AUDIT_ACTION_KILL_PROCESS] = 12, [AUDIT_ACTION_KILL_THREAD] = 11,
		[AUDIT_ACTION_TRAP] = 4,	  [AUDIT_ACTION_ERRNO] = 5,
		[AUDIT_ACTION_USER_NOTIF] = 10,	  [AUDIT_ACTION_TRACE] = 5,
		[AUDIT_ACTION_LOG] = 3,		  [AUDIT_ACTION_ALLOW] = 5,
		[AUDIT_ACTION_UNKNOWN] = 7,
	};
	return (size_t)a < ARRAY_SIZE(lens) ? lens[a] : 7;
}

size_t audit_record_action_format(uint32_t code, char *buf, size_t n)
{
	if (code & 0xffffu || audit_action_of(code) == AUDIT_ACTION_UNKNOWN)
		return audit_action_format(code, buf, n);
	enum audit_action a = audit_action_of(code);
	size_t len = audit_action_name_len(a);
	if (!n)
		return len;
	size_t w = len < n - 1 ? len : n - 1;
	memcpy(buf, audit_action_name(a), w);
	buf[w] = '\0';
	return w;
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

size_t audit_action_format(uint32_t code, char *buf, size_t n)
{
	enum audit_action a = audit_action_of(code);
	const char *name = audit_action_name(a);
	size_t len = audit_action_name_len(a);
	char tmp[40];
	memcpy(tmp, name, len);
	switch (a) {
	case AUDIT_ACTION_TRAP:
	case AUDIT_ACTION_ERRNO:
	case AUDIT_ACTION_TRACE: {
		/* (DATA) */
		unsigned v = code & 0xffffu;
		char d[6];
		size_t k = 0;
		do {
			d[k++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		tmp[len++] = '(';
		while (k)
			tmp[len++] = d[--k];
		tmp[len++] = ')';
		break;
	}
	case AUDIT_ACTION_UNKNOWN:
		len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "(0x%08x)", code);
		break;
	default:
		break;
	}
	if (!n)
		return len;
	size_t w = len < n - 1 ? len : n - 1;
	memcpy(buf, tmp, w);
	buf[w] = '\0';
	return w;
}
