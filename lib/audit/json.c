// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Audit records as JSON members, fast: scprof audit writes millions of them.
 * Everything is written through a raw pointer into room reserved up front
 * (audit_record_json_max()), without a call per member.
 */
#include "audit/record.h"
#include "util/util.h"

#define LIT(p, s)                                \
	do {                                     \
		memcpy((p), (s), sizeof(s) - 1); \
		(p) += sizeof(s) - 1;            \
	} while (0)

static const char digits2[201] = "00010203040506070809101112131415161718192021222324252627282930"
				 "31323334353637383940414243444546474849505152535455565758596061"
				 "62636465666768697071727374757677787980818283848586878889909192"
				 "93949596979899";

static const uint64_t powers_of_10[20] = {
	1ull,
	10ull,
	100ull,
	1000ull,
	10000ull,
	100000ull,
	1000000ull,
	10000000ull,
	100000000ull,
	1000000000ull,
	10000000000ull,
	100000000000ull,
	1000000000000ull,
	10000000000000ull,
	100000000000000ull,
	1000000000000000ull,
	10000000000000000ull,
	100000000000000000ull,
	1000000000000000000ull,
	10000000000000000000ull,
};

static char *put_u64(char *p, uint64_t v)
{
	/* the number of digits, without a division a digit: log10 from log2 */
	unsigned t = (unsigned)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	unsigned n = t + 1 - ((v | 1) < powers_of_10[t]);
	char *e = p + n;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		*--e = digits2[d + 1];
		*--e = digits2[d];
	}
	if (v >= 10) {
		*--e = digits2[v * 2 + 1];
		*--e = digits2[v * 2];
	} else {
		*--e = (char)('0' + v);
	}
	return p + n;
}

static char *put_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u64(p, 0 - (uint64_t)v);
	}
	return put_u64(p, (uint64_t)v);
}

/* At least @min hex digits of @v, lower case, without "0x". */
static char *put_hex(char *p, uint64_t v, int min)
{
	static const char hex[] = "0123456789abcdef";
	int n = 1;
	for (uint64_t t = v >> 4; t; t >>= 4)
		n++;
	if (n < min)
		n = min;
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		p[i] = hex[v & 15];
	return p + n;
}

static char *put_2(char *p, unsigned v)
{
	p[0] = digits2[v * 2];
	p[1] = digits2[v * 2 + 1];
	return p + 2;
}

/* The proleptic Gregorian date of a day number (days since 1970-01-01). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool audit_format_time(int64_t sec, unsigned msec, char sep, char buf[static 32])
{
	/* years 0..9999 */
	if (sec < -62167219200LL || sec > 253402300799LL)
		return false;
	/* records come in order: most are of the day of the one before */
	static __thread int64_t cached_day = INT64_MIN;
	static __thread char date[10];
	int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
	unsigned s = (unsigned)(sec - days * 86400);
	if (days != cached_day) {
		int64_t y;
		unsigned m, d;
		civil_from_days(days, &y, &m, &d);
		char *q = date;
		q = put_2(q, (unsigned)(y / 100));
		q = put_2(q, (unsigned)(y % 100));
		*q++ = '-';
		q = put_2(q, m);
		*q++ = '-';
		put_2(q, d);
		cached_day = days;
	}
	char *p = buf;
	memcpy(p, date, 10);
	p += 10;
	*p++ = sep;
	p = put_2(p, s / 3600);
	*p++ = ':';
	p = put_2(p, s / 60 % 60);
	*p++ = ':';
	p = put_2(p, s % 60);
	*p++ = '.';
	*p++ = (char)('0' + msec / 100 % 10);
	p = put_2(p, msec % 100);
	*p = '\0';
	return true;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The bytes of @w that put_str() cannot copy as they are (below 0x20, '"',
 * '\\', 0x7f and above), each as its top bit; exact up to the first one, which
 * is all that is used.
 */
static inline uint64_t special_bytes(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\'), d = w ^ (ones * 0x7f);
	return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		((d - ones) & ~d) | w) &
	       high;
}
#define WORDS 1
#else
#define WORDS 0
#endif

/*
 * @s as a JSON string, at most 6 bytes a byte plus 2; bytes that are not UTF-8
 * become U+FFFD.  With @words, @s may be read 8 bytes at a time up to 7 bytes
 * past its end (a record's own strings), and up to 7 bytes more than the
 * string's are written.
 */
static char *put_str_words(char *p, const char *str, bool words)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	if (!s) {
		LIT(p, "null");
		return p;
	}
	/* bytes written as they are: printable ASCII but the quote and the backslash */
	static const bool plain[256] = {
		[0x20 ... 0x21] = true,
		[0x23 ... 0x5b] = true, /* not '"' (0x22) */
		[0x5d ... 0x7e] = true, /* not '\\' (0x5c) */
	};
	*p++ = '"';
	for (;;) {
		unsigned char c = *s;
#if WORDS
		if (words) {
			uint64_t w, m;
			memcpy(&w, s, 8);
			memcpy(p, s, 8);
			if (!(m = special_bytes(w))) {
				p += 8;
				s += 8;
				continue;
			}
			unsigned i = (unsigned)__builtin_ctzll(m) / 8;
			p += i;
			s += i;
			c = *s;
		}
#endif
		if (plain[c]) {
			*p++ = (char)c;
			s++;
			continue;
		}
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
			s++;
		} else if (c == '\n') {
			LIT(p, "\\n");
			s++;
		} else if (c == '\t') {
			LIT(p, "\\t");
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			LIT(p, "\\u00");
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
			s++;
		} else {
			size_t n = utf8_seq_len(s);
			if (n) {
				memcpy(p, s, n);
				p += n;
				s += n;
			} else {
				LIT(p, "\\ufffd");
				s++;
			}
		}
	}
	*p++ = '"';
	return p;
}

/* A string of the record @r: its own (in r->strs, with room to read past) go by words. */
static char *put_str(char *p, const struct audit_record *r, const char *str)
{
	bool own = str && r->strs && str >= r->strs && str < r->strs + r->strs_len;
	return put_str_words(p, str, own);
}

/* A name from scprof's own tables (plain ASCII identifiers), or null. */
static char *put_name(char *p, const char *name)
{
	if (!name) {
		LIT(p, "null");
		return p;
	}
	size_t n = strlen(name);
	*p++ = '"';
	memcpy(p, name, n);
	p += n;
	*p++ = '"';
	return p;
}

size_t audit_record_json_max(const struct audit_record *r)
{
	/* the fixed members take under 600 bytes; a string byte takes at most 6 */
	return 608 + 6 * r->strs_len;
}

char *audit_record_json_put(const struct audit_record *r, char *p)
{
	char tbuf[32];
	if (r->type == AUDIT_TYPE_SECCOMP)
		LIT(p, "\"type\":\"SECCOMP\"");
	else
		LIT(p, "\"type\":\"ANOM_ABEND\"");
	if (r->have & AUDIT_HAVE_TIME) {
		if (audit_format_time(r->sec, r->msec, 'T', tbuf)) {
			LIT(p, ",\"time\":\"");
			memcpy(p, tbuf, 23);
			p += 23;
			LIT(p, "Z\"");
		}
		LIT(p, ",\"sec\":");
		p = put_i64(p, r->sec);
		LIT(p, ",\"msec\":");
		p = put_u64(p, r->msec);
		LIT(p, ",\"serial\":");
		p = put_u64(p, r->serial);
	}
	if (r->have & AUDIT_HAVE_AUID) {
		LIT(p, ",\"auid\":");
		p = put_u64(p, r->auid);
	}
	if (r->have & AUDIT_HAVE_UID) {
		LIT(p, ",\"uid\":");
		p = put_u64(p, r->uid);
	}
	if (r->have & AUDIT_HAVE_GID) {
		LIT(p, ",\"gid\":");
		p = put_u64(p, r->gid);
	}
	if (r->have & AUDIT_HAVE_SES) {
		LIT(p, ",\"ses\":");
		p = put_u64(p, r->ses);
	}
	if (r->have & AUDIT_HAVE_SUBJ) {
		LIT(p, ",\"subj\":");
		p = put_str(p, r, r->subj);
	}
	if (r->have & AUDIT_HAVE_PID) {
		LIT(p, ",\"pid\":");
		p = put_i64(p, r->pid);
	}
	if (r->have & AUDIT_HAVE_COMM) {
		LIT(p, ",\"comm\":");
		p = put_str(p, r, r->comm);
	}
	if (r->have & AUDIT_HAVE_EXE) {
		LIT(p, ",\"exe\":");
		p = put_str(p, r, r->exe);
	}
	if (r->have & AUDIT_HAVE_SIG) {
		LIT(p, ",\"sig\":");
		p = put_i64(p, r->sig);
	}
	if (r->type != AUDIT_TYPE_SECCOMP) {
		if (r->have & AUDIT_HAVE_RES) {
			LIT(p, ",\"res\":");
			p = put_i64(p, r->res);
		}
		return p;
	}
	LIT(p, ",\"arch_token\":\"");
	p = put_hex(p, r->arch, 8);
	LIT(p, "\",\"arch\":");
	p = put_name(p, r->arch_info ? r->arch_info->name : NULL);
	LIT(p, ",\"syscall\":");
	p = put_i64(p, r->syscall);
	LIT(p, ",\"syscall_name\":");
	p = put_name(p, r->syscall_name);
	if (r->have & AUDIT_HAVE_COMPAT) {
		LIT(p, ",\"compat\":");
		p = put_u64(p, (uint64_t)r->compat);
	}
	if (r->have & AUDIT_HAVE_IP) {
		LIT(p, ",\"ip\":\"0x");
		p = put_hex(p, r->ip, 1);
		*p++ = '"';
	}
	LIT(p, ",\"code\":\"0x");
	p = put_hex(p, r->code, 8);
	LIT(p, "\",\"action\":\"");
	size_t n = audit_action_name_len(r->action);
	memcpy(p, audit_action_name(r->action), n);
	p += n;
	LIT(p, "\",\"data\":");
	p = put_u64(p, r->data);
	LIT(p, ",\"summary\":\"");
	if (!r->data && r->action != AUDIT_ACTION_UNKNOWN) {
		/* what audit_record_action_format() gives, without the call */
		memcpy(p, audit_action_name(r->action), n);
		p += n;
	} else {
		p += audit_record_action_format(r->code, p, 40);
	}
	*p++ = '"';
	return p;
}

void audit_record_json(const struct audit_record *r, struct strbuf *sb)
{
	strbuf_grow(sb, audit_record_json_max(r));
	char *end = audit_record_json_put(r, sb->buf + sb->len);
	sb->len = (size_t)(end - sb->buf);
	sb->buf[sb->len] = '\0';
}
