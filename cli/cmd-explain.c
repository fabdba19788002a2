// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof explain: syscall names and numbers per architecture, seccomp return values, audit lines. */
#include <limits.h>
#include <time.h>

#include "audit/record.h"
#include "cli/cli.h"
#include "scprof/syscalls.h"

static const char help[] =
	"usage: scprof explain [--arch ARCH]... [--json] NAME|NUMBER\n"
	"       scprof explain [--json] --code VALUE\n"
	"       scprof explain [--json] --audit LINE\n"
	"\n"
	"Explain a syscall, a seccomp return value or a kernel seccomp audit record.\n"
	"\n"
	"  NAME           print the syscall's number on every architecture that has it\n"
	"  NUMBER         print the syscall of that number (decimal or 0x hex) on each architecture\n"
	"  -a, --arch A   only architecture A (x86_64, amd64, i386, arm64, SCMP_ARCH_ARM...);\n"
	"                 may be repeated\n"
	"  -c, --code V   decode a seccomp return value such as 0x50001 or 0x7ffc0000\n"
	"  -A, --audit L  decode one audit line (type=1326 from the kernel log or\n"
	"                 type=SECCOMP from audit.log)\n"
	"  -j, --json     print one JSON object\n"
	"  -h, --help     show this help\n"
	"\n"
	"Exit status: 0 ok, 2 usage error, unknown syscall or unparsable line.\n";

#define X32_SYSCALL_BIT 0x40000000

/* Print untrusted text (comm, exe) with control characters escaped. */
static void print_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

static void finish_json(struct strbuf *sb)
{
	strbuf_addc(sb, '\n');
	fwrite(sb->buf, 1, sb->len, stdout);
}

/* --- NAME and NUMBER --------------------------------------------------------------- */

struct arch_set {
	const struct scprof_arch **items;
	size_t n, alloc;
};

static void arch_set_release(struct arch_set *s)
{
	free(s->items);
}

static void suggest(const char *name, const char **best)
{
	size_t n;
	const char *const *all = scprof_syscall_all_names(&n);
	unsigned best_d = UINT_MAX;
	*best = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = edit_distance(name, all[i]);
		if (d < best_d) {
			best_d = d;
			*best = all[i];
		}
	}
	/* Only close guesses: two edits, or a third of the name for long ones. */
	if (best_d > 2 && best_d * 3 > strlen(name))
		*best = NULL;
}

static int explain_name(const char *name, const struct arch_set *sel, bool json)
{
	if (!scprof_syscall_known(name)) {
		const char *best;
		suggest(name, &best);
		if (best)
			cli_error("unknown syscall '%s'; did you mean '%s'?", name, best);
		else
			cli_error("unknown syscall '%s'", name);
		return EXIT_USAGE;
	}
	size_t n_all;
	const struct scprof_arch *all = scprof_arch_list(&n_all);
	size_t n = sel->n ? sel->n : n_all;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (json) {
		strbuf_adds(&sb, "{\"syscall\":");
		strbuf_add_json_str(&sb, name);
		strbuf_adds(&sb, ",\"numbers\":[");
	} else {
		printf("%-12s %10s %12s\n", "ARCH", "NR", "HEX");
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct scprof_arch *a = sel->n ? sel->items[i] : &all[i];
		int nr = scprof_syscall_nr(a, name);
		/* Without --arch, list only where it exists; asked-for arches always get a row. */
		if (nr < 0 && !sel->n)
			continue;
		if (json) {
			strbuf_addf(&sb, "%s{\"arch\":", first ? "" : ",");
			strbuf_add_json_str(&sb, a->name);
			if (nr >= 0)
				strbuf_addf(&sb, ",\"nr\":%d,\"hex\":\"0x%x\"}", nr, (unsigned)nr);
			else
				strbuf_addf(&sb, ",\"nr\":null,\"has_table\":%s}",
					    a->has_table ? "true" : "false");
		} else if (nr >= 0) {
			char hex[16];
			snprintf(hex, sizeof(hex), "0x%x", (unsigned)nr);
			printf("%-12s %10d %12s\n", a->name, nr, hex);
		} else {
			printf("%-12s %10s %12s%s\n", a->name, "-", "-",
			       a->has_table ? "" : "  (no table for this architecture)");
		}
		first = false;
	}
	if (json) {
		strbuf_adds(&sb, "]}");
		finish_json(&sb);
	}
	return EXIT_OK;
}

static int explain_number(int nr, const struct arch_set *sel, bool json)
{
	size_t n_all;
	const struct scprof_arch *all = scprof_arch_list(&n_all);
	size_t n = sel->n ? sel->n : n_all;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (json)
		strbuf_addf(&sb, "{\"nr\":%d,\"hex\":\"0x%x\",\"names\":[", nr, (unsigned)nr);
	else
		printf("%-12s %s\n", "ARCH", "NAME");
	for (size_t i = 0; i < n; i++) {
		const struct scprof_arch *a = sel->n ? sel->items[i] : &all[i];
		const char *name = scprof_syscall_name(a, nr);
		if (json) {
			strbuf_addf(&sb, "%s{\"arch\":", i ? "," : "");
			strbuf_add_json_str(&sb, a->name);
			strbuf_adds(&sb, ",\"name\":");
			strbuf_add_json_str(&sb, name);
			if (!a->has_table)
				strbuf_adds(&sb, ",\"has_table\":false");
			strbuf_addc(&sb, '}');
			continue;
		}
		if (name)
			printf("%-12s %s\n", a->name, name);
		else if (!a->has_table)
			printf("%-12s ?  (no table for this architecture)\n", a->name);
		else if (!strcmp(a->name, "x32") && !(nr & X32_SYSCALL_BIT) &&
			 scprof_syscall_name(a, nr | X32_SYSCALL_BIT))
			printf("%-12s -  (x32 numbers carry bit 30: %d is %s)\n", a->name,
			       nr | X32_SYSCALL_BIT, scprof_syscall_name(a, nr | X32_SYSCALL_BIT));
		else
			printf("%-12s -\n", a->name);
	}
	if (json) {
		strbuf_adds(&sb, "]}");
		finish_json(&sb);
	}
	return EXIT_OK;
}

/* --- --code --------------------------------------------------------------------------- */

/* One line of what the kernel does with @code (kernel/seccomp.c, __seccomp_filter()). */
static char *code_meaning(uint32_t code)
{
	unsigned data = code & 0xffffu;
	switch (audit_action_of(code)) {
	case AUDIT_ACTION_KILL_PROCESS:
		return xstrdup("the whole process is killed with SIGSYS (and dumps core)");
	case AUDIT_ACTION_KILL_THREAD:
		return xstrdup("the calling thread is killed with SIGSYS");
	case AUDIT_ACTION_TRAP:
		return xasprintf("the syscall is not run; the thread gets SIGSYS with si_errno %u",
				 data);
	case AUDIT_ACTION_ERRNO: {
		/* The kernel caps the data at MAX_ERRNO (4095). */
		unsigned e = data > 4095 ? 4095 : data;
		const char *name = scprof_errno_name((int)e);
		if (!e)
			return xstrdup("the syscall is not run and returns 0, as if it succeeded");
		if (name)
			return xasprintf("the syscall fails with %s (%s)", name,
					 scprof_errno_desc((int)e));
		return xasprintf("the syscall fails with errno %u%s", e,
				 data > 4095 ? " (the kernel caps the data at 4095)" : "");
	}
	case AUDIT_ACTION_USER_NOTIF:
		return xstrdup("the syscall waits for the user-space notifier of the filter to "
			       "decide; without a listener it fails with ENOSYS");
	case AUDIT_ACTION_TRACE:
		return xasprintf("a ptrace tracer gets PTRACE_EVENT_SECCOMP with message %u; "
				 "without a tracer the syscall fails with ENOSYS",
				 data);
	case AUDIT_ACTION_LOG:
		return xstrdup("the syscall runs and is logged");
	case AUDIT_ACTION_ALLOW:
		return xstrdup("the syscall runs");
	case AUDIT_ACTION_UNKNOWN:
	default:
		return xstrdup("unknown action: the kernel treats it as KILL_PROCESS, the whole "
			       "process is killed with SIGSYS");
	}
}

static int explain_code(const char *arg, bool json)
{
	uint64_t v;
	if (!parse_u64(arg, &v) || v > UINT32_MAX)
		return cli_usage_error("explain", "invalid return value '%s'", arg);
	uint32_t code = (uint32_t)v;
	enum audit_action a = audit_action_of(code);
	char summary[40];
	audit_action_format(code, summary, sizeof(summary));
	_cleanup_free_ char *meaning = code_meaning(code);
	bool has_data = a == AUDIT_ACTION_ERRNO || a == AUDIT_ACTION_TRAP ||
			a == AUDIT_ACTION_TRACE;
	if (json) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "{\"code\":\"0x%08x\",\"value\":%u,\"action\":", code, code);
		strbuf_add_json_str(&sb, audit_action_name(a));
		strbuf_addf(&sb, ",\"data\":%u", code & 0xffffu);
		if (a == AUDIT_ACTION_ERRNO) {
			strbuf_adds(&sb, ",\"errno\":");
			strbuf_add_json_str(&sb, scprof_errno_name((int)(code & 0xffffu)));
		}
		strbuf_adds(&sb, ",\"summary\":");
		strbuf_add_json_str(&sb, summary);
		strbuf_adds(&sb, ",\"meaning\":");
		strbuf_add_json_str(&sb, meaning);
		strbuf_addc(&sb, '}');
		finish_json(&sb);
		return EXIT_OK;
	}
	printf("code:     0x%08x\n", code);
	printf("action:   %s\n", audit_action_name(a));
	if (has_data)
		printf("data:     %u\n", code & 0xffffu);
	printf("meaning:  %s: %s\n", summary, meaning);
	return EXIT_OK;
}

/* --- --audit -------------------------------------------------------------------------- */

static void audit_json(const struct audit_record *r)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_addc(&sb, '{');
	audit_record_json(r, &sb);
	_cleanup_free_ char *meaning = code_meaning(r->code);
	strbuf_adds(&sb, ",\"meaning\":");
	strbuf_add_json_str(&sb, meaning);
	strbuf_addc(&sb, '}');
	finish_json(&sb);
}

static void audit_text(const struct audit_record *r)
{
	char action[40], tbuf[64];
	audit_record_action_format(r->code, action, sizeof(action));
	if (r->have & AUDIT_HAVE_TIME) {
		if (audit_format_time(r->sec, r->msec, ' ', tbuf))
			printf("time:     %s UTC (audit(%lld.%03u:%llu))\n", tbuf,
			       (long long)r->sec, r->msec, (unsigned long long)r->serial);
		else
			printf("time:     audit(%lld.%03u:%llu)\n", (long long)r->sec, r->msec,
			       (unsigned long long)r->serial);
	}
	if (r->have & AUDIT_HAVE_PID)
		printf("pid:      %lld\n", (long long)r->pid);
	if (r->have & AUDIT_HAVE_COMM) {
		fputs("comm:     ", stdout);
		print_safe(r->comm);
		putchar('\n');
	}
	if (r->have & AUDIT_HAVE_EXE) {
		fputs("exe:      ", stdout);
		print_safe(r->exe);
		putchar('\n');
	}
	if (r->have & AUDIT_HAVE_UID)
		printf("uid:      %u\n", r->uid);
	if (r->have & AUDIT_HAVE_GID)
		printf("gid:      %u\n", r->gid);
	if (r->have & AUDIT_HAVE_AUID)
		printf("auid:     %u%s\n", r->auid, r->auid == UINT32_MAX ? " (unset)" : "");
	if (r->have & AUDIT_HAVE_SES)
		printf("ses:      %u%s\n", r->ses, r->ses == UINT32_MAX ? " (unset)" : "");
	if (r->have & AUDIT_HAVE_SUBJ) {
		fputs("subj:     ", stdout);
		print_safe(r->subj);
		putchar('\n');
	}
	printf("arch:     %s (%08x)\n", r->arch_info ? r->arch_info->name : "unknown", r->arch);
	if (r->syscall >= X32_SYSCALL_BIT)
		printf("syscall:  %s (%lld = 0x%llx)\n",
		       r->syscall_name ? r->syscall_name : "unknown", (long long)r->syscall,
		       (unsigned long long)r->syscall);
	else
		printf("syscall:  %s (%lld)\n", r->syscall_name ? r->syscall_name : "unknown",
		       (long long)r->syscall);
	if (r->have & AUDIT_HAVE_COMPAT)
		printf("compat:   %d\n", r->compat);
	if (r->have & AUDIT_HAVE_IP)
		printf("ip:       0x%llx\n", (unsigned long long)r->ip);
	if (r->have & AUDIT_HAVE_SIG)
		printf("sig:      %lld\n", (long long)r->sig);
	_cleanup_free_ char *meaning = code_meaning(r->code);
	printf("action:   %s (code 0x%08x): %s\n", action, r->code, meaning);
}

static int explain_audit(const char *line, bool json)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct audit_record r = { 0 };
	if (audit_record_parse(line, strlen(line), &r, &err) < 0) {
		audit_record_release(&r);
		return cli_report(err);
	}
	if (json)
		audit_json(&r);
	else
		audit_text(&r);
	audit_record_release(&r);
	return EXIT_OK;
}

/* --- main ----------------------------------------------------------------------------- */

static bool parse_nr(const char *s, int *nr)
{
	uint64_t v;
	if (!(s[0] >= '0' && s[0] <= '9'))
		return false;
	if (!parse_u64(s, &v) || v > INT_MAX)
		return false;
	*nr = (int)v;
	return true;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },  { "code", required_argument, NULL, 'c' },
		{ "audit", required_argument, NULL, 'A' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },	   { NULL, 0, NULL, 0 },
	};
	_cleanup_(arch_set_release) struct arch_set sel = { 0 };
	const char *code = NULL, *audit = NULL;
	bool json = false;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:a:c:A:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': {
			const struct scprof_arch *a = scprof_arch_by_name(optarg);
			if (!a)
				return cli_usage_error("explain", "unknown architecture '%s'",
						       optarg);
			bool dup = false;
			for (size_t i = 0; i < sel.n; i++)
				dup |= sel.items[i] == a;
			if (!dup) {
				GROW(sel.items, sel.alloc, sel.n + 1);
				sel.items[sel.n++] = a;
			}
			break;
		}
		case 'c':
			code = optarg;
			break;
		case 'A':
			audit = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(help);
		case ':':
			return cli_usage_error("explain", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("explain", "unknown option '%s'", argv[optind - 1]);
		}
	}
	int rest = argc - optind;
	if (code || audit) {
		if (code && audit)
			return cli_usage_error("explain", "--code and --audit exclude each other");
		if (rest)
			return cli_usage_error("explain", "unexpected argument '%s'", argv[optind]);
		if (sel.n)
			return cli_usage_error("explain", "--arch only applies to NAME or NUMBER");
		return code ? explain_code(code, json) : explain_audit(audit, json);
	}
	if (rest != 1)
		return cli_usage_error("explain", rest ? "too many arguments" :
							 "expected a syscall NAME or NUMBER");
	const char *arg = argv[optind];
	int nr;
	if (parse_nr(arg, &nr))
		return explain_number(nr, &sel, json);
	if (arg[0] >= '0' && arg[0] <= '9')
		return cli_usage_error("explain", "invalid syscall number '%s'", arg);
	return explain_name(arg, &sel, json);
}
