// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/audit/record.c: seccomp audit lines from printk, auditd and journald. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/record.h"
#include "util/util.h"

struct good {
	const char *line;
	const char *arch; /* NULL: unknown token */
	int64_t nr;
	const char *syscall; /* NULL: unknown */
	const char *action;
	int64_t pid; /* -1: absent */
	const char *comm, *exe;
	int64_t sec; /* -1: no time stamp */
	unsigned msec;
	uint64_t serial;
};

static const struct good good[] = {
	{ "audit: type=1326 audit(1700000000.123:456): auid=4294967295 uid=0 gid=0 "
	  "ses=4294967295 subj=unconfined pid=1234 comm=\"ls\" exe=\"/usr/bin/ls\" sig=0 "
	  "arch=c000003e syscall=59 compat=0 ip=0x7f3a2c1e4b2d code=0x7ffc0000",
	  "x86_64", 59, "execve", "LOG", 1234, "ls", "/usr/bin/ls", 1700000000, 123, 456 },
	/* dmesg */
	{ "[ 4711.031337] audit: type=1326 audit(1700000001.007:9): auid=1000 uid=1000 gid=1000 "
	  "ses=2 pid=42 comm=\"curl\" exe=\"/usr/bin/curl\" sig=31 arch=c000003e syscall=41 "
	  "compat=0 ip=0x7f0000001234 code=0x80000000\n",
	  "x86_64", 41, "socket", "KILL_PROCESS", 42, "curl", "/usr/bin/curl", 1700000001, 7, 9 },
	/* syslog / journalctl -k */
	{ "Nov 14 22:13:20 host kernel: audit: type=1326 audit(1700000000.500:77): auid=1000 "
	  "uid=1000 gid=1000 ses=3 subj=unconfined pid=5 comm=\"a\" exe=\"/a\" sig=0 "
	  "arch=c00000b7 syscall=56 compat=0 ip=0xffff8a0b1c2d code=0x50001",
	  "aarch64", 56, "openat", "ERRNO(1)", 5, "a", "/a", 1700000000, 500, 77 },
	/* /dev/kmsg */
	{ "5,1234,567890123,-;audit: type=1326 audit(1700000000.000:1): auid=0 uid=0 gid=0 ses=1 "
	  "pid=9 comm=\"b\" exe=\"/b\" sig=0 arch=40000028 syscall=322 compat=0 ip=0xb6f1e2d3 "
	  "code=0x30000",
	  "arm", 322, "openat", "TRAP(0)", 9, "b", "/b", 1700000000, 0, 1 },
	/* i386 process on an x86_64 kernel */
	{ "audit: type=1326 audit(1700000002.250:10): auid=0 uid=0 gid=0 ses=1 pid=77 "
	  "comm=\"wget\" exe=\"/bin/busybox\" sig=31 arch=40000003 syscall=102 compat=1 "
	  "ip=0xf7f1b549 code=0x0",
	  "x86", 102, "socketcall", "KILL_THREAD", 77, "wget", "/bin/busybox", 1700000002, 250,
	  10 },
	/* x32: AUDIT_ARCH_X86_64 with bit 30 in the number */
	{ "audit: type=1326 audit(1700000003.001:11): auid=0 uid=0 gid=0 ses=1 pid=78 "
	  "comm=\"x\" exe=\"/x\" sig=0 arch=c000003e syscall=1073741824 compat=0 "
	  "ip=0x4000abcd code=0x50026",
	  "x32", 0x40000000, "read", "ERRNO(38)", 78, "x", "/x", 1700000003, 1, 11 },
	/* auditd's audit.log, ENRICHED format */
	{ "type=SECCOMP msg=audit(1700000004.456:1001): auid=1000 uid=1000 gid=1000 ses=4 "
	  "subj=unconfined pid=3141 comm=\"python3\" exe=\"/usr/bin/python3.11\" sig=0 "
	  "arch=c000003e syscall=257 compat=0 ip=0x7f11 code=0x7ff00007"
	  "\x1d"
	  "AUID=\"alice\" UID=\"alice\" GID=\"alice\" ARCH=x86_64 SYSCALL=openat",
	  "x86_64", 257, "openat", "TRACE(7)", 3141, "python3", "/usr/bin/python3.11", 1700000004,
	  456, 1001 },
	/* auditd with node= */
	{ "node=web1 type=SECCOMP msg=audit(1700000005.999:2): auid=0 uid=0 gid=0 ses=1 pid=1 "
	  "comm=\"init\" exe=\"/sbin/init\" sig=0 arch=c000003e syscall=435 compat=0 ip=0x1 "
	  "code=0x7fc00000",
	  "x86_64", 435, "clone3", "USER_NOTIF", 1, "init", "/sbin/init", 1700000005, 999, 2 },
	/* hex-encoded comm and exe (they contain a space) */
	{ "audit: type=1326 audit(1700000006.010:3): auid=1000 uid=1000 gid=1000 ses=2 pid=99 "
	  "comm=6D7920617070 exe=2F6F70742F6D79206170702F62696E sig=0 arch=c000003e syscall=2 "
	  "compat=0 ip=0x7f code=0x7fff0000",
	  "x86_64", 2, "open", "ALLOW", 99, "my app", "/opt/my app/bin", 1700000006, 10, 3 },
	/* journald's own rendering: no time stamp */
	{ "Nov 14 22:13:20 host audit[4242]: SECCOMP auid=1000 uid=1000 gid=1000 ses=2 "
	  "subj=snap.foo.foo (enforce) pid=4242 comm=\"foo\" exe=\"/snap/foo/1/foo\" sig=0 "
	  "arch=c000003e syscall=165 compat=0 ip=0x7f code=0x50000",
	  "x86_64", 165, "mount", "ERRNO(0)", 4242, "foo", "/snap/foo/1/foo", -1, 0, 0 },
	/* kernel thread, unknown arch token, unknown action */
	{ "audit: type=1326 audit(1700000007.100:4): auid=4294967295 uid=0 gid=0 "
	  "ses=4294967295 pid=2 comm=\"kthreadd\" exe=(null) sig=0 arch=deadbeef syscall=1 "
	  "compat=0 ip=0x0 code=0x12340000",
	  NULL, 1, NULL, "UNKNOWN(0x12340000)", 2, "kthreadd", "(null)", 1700000007, 100, 4 },
	/* older kernel: no auid/uid/ses, minimal fields */
	{ "audit: type=1326 audit(1400000000.1:5): pid=3 comm=\"c\" sig=31 syscall=1 compat=0 "
	  "ip=0x1 code=0x0 arch=c000003e\r\n",
	  "x86_64", 1, "write", "KILL_THREAD", 3, "c", NULL, 1400000000, 1, 5 },
};

static void test_good(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const struct good *g = &good[i];
		struct audit_record r = { 0 };
		struct scprof_error *err = NULL;
		int ret = audit_record_parse(g->line, strlen(g->line), &r, &err);
		if (ret < 0)
			fail_msg("line %zu: %s", i, err->msg);
		if (g->arch) {
			assert_non_null(r.arch_info);
			assert_string_equal(r.arch_info->name, g->arch);
		} else {
			assert_null(r.arch_info);
		}
		assert_int_equal(r.syscall, g->nr);
		if (g->syscall) {
			assert_non_null(r.syscall_name);
			assert_string_equal(r.syscall_name, g->syscall);
		} else {
			assert_null(r.syscall_name);
		}
		char action[40];
		audit_action_format(r.code, action, sizeof(action));
		assert_string_equal(action, g->action);
		if (g->pid >= 0) {
			assert_true(r.have & AUDIT_HAVE_PID);
			assert_int_equal(r.pid, g->pid);
		}
		if (g->comm)
			assert_string_equal(r.comm, g->comm);
		if (g->exe)
			assert_string_equal(r.exe, g->exe);
		else
			assert_null(r.exe);
		if (g->sec >= 0) {
			assert_true(r.have & AUDIT_HAVE_TIME);
			assert_int_equal(r.sec, g->sec);
			assert_int_equal(r.msec, g->msec);
			assert_int_equal(r.serial, g->serial);
		} else {
			assert_false(r.have & AUDIT_HAVE_TIME);
		}
		audit_record_release(&r);
		assert_null(err);
	}
}

static void test_fields(void **state)
{
	const char *l = good[0].line;
	struct audit_record r = { 0 };
	assert_int_equal(audit_record_parse(l, strlen(l), &r, NULL), 0);
	assert_int_equal(r.auid, 4294967295u);
	assert_int_equal(r.uid, 0);
	assert_int_equal(r.ses, 4294967295u);
	assert_string_equal(r.subj, "unconfined");
	assert_int_equal(r.arch, 0xc000003e);
	assert_int_equal(r.ip, 0x7f3a2c1e4b2d);
	assert_int_equal(r.code, 0x7ffc0000);
	assert_int_equal(r.action, AUDIT_ACTION_LOG);
	assert_true(r.have & AUDIT_HAVE_COMPAT);
	audit_record_release(&r);

	/* AppArmor label with its mode keeps the space. */
	l = good[9].line;
	assert_int_equal(audit_record_parse(l, strlen(l), &r, NULL), 0);
	assert_string_equal(r.subj, "snap.foo.foo (enforce)");
	audit_record_release(&r);

	/* Not NUL-terminated: only @len bytes are read. */
	char buf[512];
	l = good[2].line;
	size_t n = strlen(l);
	memcpy(buf, l, n);
	memset(buf + n, 'Z', sizeof(buf) - n);
	assert_int_equal(audit_record_parse(buf, n, &r, NULL), 0);
	assert_int_equal(r.code, 0x50001);
	audit_record_release(&r);
}

static void test_bad(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "", "no audit record in line" },
		{ "hello world", "no audit record in line" },
		{ "type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes",
		  "not a seccomp audit record (type=SYSCALL)" },
		{ "audit: type=1300 audit(1700000000.123:456): arch=c000003e syscall=59",
		  "not a seccomp audit record (type=1300)" },
		/* truncated */
		{ "audit: type=1326 audit(1700000000.123:456): auid=0 uid=0 gid=0 ses=1 pid=1 "
		  "comm=\"ls\" exe=\"/usr/bin/ls\" sig=0 arch=c000003e syscall=59 compat=0 ip=0x7f",
		  "missing 'code' in seccomp audit record" },
		{ "audit: type=1326 audit(1700000000.123:456): auid=0 uid=0 gid=0 ses=1 pid=1 "
		  "comm=\"ls\" exe=\"/usr/b",
		  "unterminated quoted value of 'exe'" },
		{ "audit: type=1326 audit(1700000000.12", "malformed time stamp in audit record" },
		{ "audit: type=1326", "missing 'audit(' time stamp in audit record" },
		{ "audit: type=1326 audit(1700000000.123:456): arch=c000003e syscall=59 code=",
		  "invalid value '' of 'code' in audit record" },
		{ "audit: type=1326 audit(1700000000.123:456): arch=c000003e syscall=5x9 code=0x0",
		  "invalid value '5x9' of 'syscall' in audit record" },
		{ "audit: type=1326 audit(1700000000.123:456): arch=1c000003e syscall=1 code=0x0",
		  "invalid value '1c000003e' of 'arch' in audit record" },
		{ "audit: type=1326 audit(1700000000.123:456): syscall=1 code=0x0",
		  "missing 'arch' in seccomp audit record" },
		{ "audit: type=1326 audit(1700000000.123:456) arch=c000003e syscall=1 code=0",
		  "missing ':' after time stamp in audit record" },
		{ "audit: type=1326 audit(1700000000.1234:456): arch=c000003e syscall=1 code=0",
		  "malformed time stamp in audit record" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct audit_record r = { 0 };
		struct scprof_error *err = NULL;
		assert_int_equal(audit_record_parse(bad[i].line, strlen(bad[i].line), &r, &err),
				 -EINVAL);
		assert_non_null(err);
		assert_string_equal(err->msg, bad[i].msg);
		scprof_error_free(err);
		/* Nothing to release after a failure, and release is harmless anyway. */
		assert_null(r.comm);
		audit_record_release(&r);
	}
	struct audit_record r = { 0 };
	assert_int_equal(audit_record_parse(NULL, 0, &r, NULL), -EINVAL);
	audit_record_release(&r);
}

static void test_actions(void **state)
{
	static const struct {
		uint32_t code;
		const char *fmt;
		enum audit_action a;
	} cases[] = {
		{ 0x80000000, "KILL_PROCESS", AUDIT_ACTION_KILL_PROCESS },
		{ 0x80000005, "KILL_PROCESS", AUDIT_ACTION_KILL_PROCESS },
		{ 0x00000000, "KILL_THREAD", AUDIT_ACTION_KILL_THREAD },
		{ 0x00030002, "TRAP(2)", AUDIT_ACTION_TRAP },
		{ 0x00050001, "ERRNO(1)", AUDIT_ACTION_ERRNO },
		{ 0x0005ffff, "ERRNO(65535)", AUDIT_ACTION_ERRNO },
		{ 0x7fc00000, "USER_NOTIF", AUDIT_ACTION_USER_NOTIF },
		{ 0x7ff00001, "TRACE(1)", AUDIT_ACTION_TRACE },
		{ 0x7ffc0000, "LOG", AUDIT_ACTION_LOG },
		{ 0x7fff0000, "ALLOW", AUDIT_ACTION_ALLOW },
		{ 0x00010000, "UNKNOWN(0x00010000)", AUDIT_ACTION_UNKNOWN },
		{ 0xffff0000, "UNKNOWN(0xffff0000)", AUDIT_ACTION_UNKNOWN },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[40];
		assert_int_equal(audit_action_of(cases[i].code), cases[i].a);
		audit_action_format(cases[i].code, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].fmt);
	}
	assert_string_equal(audit_action_name(AUDIT_ACTION_USER_NOTIF), "USER_NOTIF");
	/* records: the kernel leaves the data out, so zero data is not shown */
	char buf[40];
	audit_record_action_format(0x00050000, buf, sizeof(buf));
	assert_string_equal(buf, "ERRNO");
	audit_record_action_format(0x00050001, buf, sizeof(buf));
	assert_string_equal(buf, "ERRNO(1)");
	audit_record_action_format(0x00030000, buf, sizeof(buf));
	assert_string_equal(buf, "TRAP");
	audit_record_action_format(0x00010000, buf, sizeof(buf));
	assert_string_equal(buf, "UNKNOWN(0x00010000)");
}

/* The fast path for the kernel's field order and the general parser agree. */
static void test_fast_general(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const char *l = good[i].line;
		struct audit_record a = { 0 }, b = { 0 };
		assert_int_equal(audit_record_parse(l, strlen(l), &a, NULL), 0);
		assert_int_equal(audit_record_parse_general(l, strlen(l), &b, NULL), 0);
		assert_int_equal(a.have, b.have);
		assert_int_equal(a.code, b.code);
		assert_int_equal(a.syscall, b.syscall);
		assert_int_equal(a.ip, b.ip);
		assert_int_equal(a.ses, b.ses);
		const char *sa[] = { a.subj, a.comm, a.exe }, *sb[] = { b.subj, b.comm, b.exe };
		for (size_t k = 0; k < ARRAY_SIZE(sa); k++) {
			assert_int_equal(!sa[k], !sb[k]);
			if (sa[k])
				assert_string_equal(sa[k], sb[k]);
		}
		audit_record_release(&a);
		audit_record_release(&b);
	}
}

static void test_line_kinds(void **state)
{
	static const struct {
		const char *line;
		enum audit_line_kind kind;
		uint64_t n;
	} cases[] = {
		{ "type=SECCOMP msg=audit(1.0:1): arch=c000003e syscall=1 code=0",
		  AUDIT_LINE_SECCOMP, 0 },
		{ "node=h1 type=SECCOMP msg=audit(1.0:1): x", AUDIT_LINE_SECCOMP, 0 },
		{ "type=SYSCALL msg=audit(1.0:1): arch=c000003e syscall=59 success=yes",
		  AUDIT_LINE_OTHER, 0 },
		{ "[ 1.2] audit: type=1326 audit(1.0:1): arch=c000003e", AUDIT_LINE_SECCOMP, 0 },
		{ "6,99,1,-;audit: type=1701 audit(1.0:2): pid=1 sig=31 res=1", AUDIT_LINE_ABEND,
		  0 },
		{ "type=ANOM_ABEND msg=audit(1.0:2): pid=1 sig=31 res=1", AUDIT_LINE_ABEND, 0 },
		{ "Nov 14 22:13:20 h audit[42]: SECCOMP auid=1", AUDIT_LINE_SECCOMP, 0 },
		{ "Nov 14 22:13:20 h audit[42]: ANOM_ABEND auid=1", AUDIT_LINE_ABEND, 0 },
		{ "[ 12.1] kauditd_printk_skb: 42 callbacks suppressed", AUDIT_LINE_SUPPRESSED,
		  42 },
		{ "audit: audit_lost=7 audit_rate_limit=0 audit_backlog_limit=64", AUDIT_LINE_LOST,
		  7 },
		{ "audit: backlog limit exceeded", AUDIT_LINE_LOST, 0 },
		{ "type=SECCOMPX msg=audit(1.0:1):", AUDIT_LINE_OTHER, 0 },
		{ "Nov 14 host sshd[1]: Accepted publickey for root", AUDIT_LINE_OTHER, 0 },
		{ "", AUDIT_LINE_OTHER, 0 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t n = 99;
		assert_int_equal(audit_line_kind(cases[i].line, strlen(cases[i].line), &n),
				 cases[i].kind);
		assert_int_equal(n, cases[i].n);
	}
}

static void test_abend(void **state)
{
	const char *l =
		"type=ANOM_ABEND msg=audit(1700000000.250:77): auid=1000 uid=1000 "
		"gid=1000 ses=3 subj=unconfined pid=4242 comm=\"curl\" exe=\"/usr/bin/curl\" "
		"sig=31 res=1";
	struct audit_record r = { 0 };
	(void)state;
	assert_int_equal(audit_record_parse(l, strlen(l), &r, NULL), 0);
	assert_int_equal(r.type, AUDIT_TYPE_ANOM_ABEND);
	assert_int_equal(r.sig, 31);
	assert_int_equal(r.res, 1);
	assert_int_equal(r.pid, 4242);
	assert_string_equal(r.exe, "/usr/bin/curl");
	assert_null(r.syscall_name);
	struct strbuf sb = STRBUF_INIT;
	audit_record_json(&r, &sb);
	assert_non_null(strstr(sb.buf, "\"type\":\"ANOM_ABEND\""));
	assert_non_null(strstr(sb.buf, "\"res\":1"));
	assert_null(strstr(sb.buf, "syscall"));
	strbuf_release(&sb);
	/* sig is required */
	const char *bad = "type=ANOM_ABEND msg=audit(1.0:7): pid=1 comm=\"x\"";
	assert_int_equal(audit_record_parse(bad, strlen(bad), &r, NULL), -EINVAL);
	audit_record_release(&r);
}

static void test_json_time(void **state)
{
	static const struct {
		int64_t sec;
		unsigned msec;
		const char *want;
	} cases[] = {
		{ 0, 0, "1970-01-01T00:00:00.000" },
		{ 1700000000, 123, "2023-11-14T22:13:20.123" },
		{ 951782400, 5, "2000-02-29T00:00:00.005" },
		{ -1, 999, "1969-12-31T23:59:59.999" },
		{ 253402300799LL, 0, "9999-12-31T23:59:59.000" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[32];
		assert_true(audit_format_time(cases[i].sec, cases[i].msec, 'T', buf));
		assert_string_equal(buf, cases[i].want);
	}
	char buf[32];
	assert_false(audit_format_time(253402300800LL, 0, 'T', buf));
}

static void test_json_strings(void **state)
{
	/* hex-encoded: a quote, a newline, a byte that is not UTF-8, and UTF-8 */
	const char *l = "audit: type=1326 audit(1.0:1): pid=1 comm=22410AFF exe=2FC3A9 sig=0 "
			"arch=c000003e syscall=1 code=0x7ffc0000";
	struct audit_record r = { 0 };
	(void)state;
	assert_int_equal(audit_record_parse(l, strlen(l), &r, NULL), 0);
	struct strbuf sb = STRBUF_INIT;
	audit_record_json(&r, &sb);
	assert_non_null(strstr(sb.buf, "\"comm\":\"\\\"A\\n\\ufffd\""));
	assert_non_null(strstr(sb.buf, "\"exe\":\"/\xc3\xa9\""));
	assert_non_null(strstr(sb.buf, "\"summary\":\"LOG\""));
	assert_true(sb.len <= audit_record_json_max(&r));
	strbuf_release(&sb);
	audit_record_release(&r);
}

/* Numbers at every change of digit count, and the summary with and without data. */
static void test_json_numbers(void **state)
{
	struct audit_record r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char want[64];
	(void)state;
	uint64_t v = 1;
	for (int digits = 1; digits <= 20; digits++) {
		uint64_t probes[] = { v - 1, v, v * 9 + (v - 1) };
		for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
			if (digits == 20 && i == 2)
				probes[i] = UINT64_MAX;
			char line[200];
			snprintf(line, sizeof(line),
				 "type=SECCOMP msg=audit(1.0:%" PRIu64
				 "): pid=1 comm=\"x\" exe=\"/x\" "
				 "sig=0 arch=c000003e syscall=1 code=0x50001",
				 probes[i]);
			assert_int_equal(audit_record_parse(line, strlen(line), &r, NULL), 0);
			strbuf_reset(&sb);
			audit_record_json(&r, &sb);
			snprintf(want, sizeof(want), "\"serial\":%" PRIu64 ",", probes[i]);
			assert_non_null(strstr(sb.buf, want));
			assert_non_null(strstr(sb.buf, "\"summary\":\"ERRNO(1)\""));
		}
		if (digits < 20)
			v *= 10;
	}
	const char *l = "type=SECCOMP msg=audit(1.0:1): pid=-7 comm=\"x\" exe=\"/x\" sig=0 "
			"arch=c000003e syscall=1 code=0x12340000";
	assert_int_equal(audit_record_parse(l, strlen(l), &r, NULL), 0);
	strbuf_reset(&sb);
	audit_record_json(&r, &sb);
	assert_non_null(strstr(sb.buf, "\"pid\":-7,"));
	assert_non_null(strstr(sb.buf, "\"summary\":\"UNKNOWN(0x12340000)\""));
	strbuf_release(&sb);
	audit_record_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),	   cmocka_unit_test(test_fast_general),
		cmocka_unit_test(test_line_kinds), cmocka_unit_test(test_abend),
		cmocka_unit_test(test_json_time),  cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_fields),	   cmocka_unit_test(test_bad),
		cmocka_unit_test(test_actions),	   cmocka_unit_test(test_json_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
