// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof audit: read the kernel's seccomp decisions from logs, and live. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "audit/reader.h"
#include "audit/record.h"
#include "audit/scan.h"
#include "cli/cli.h"
#include "scprof/profile.h"
#include "scprof/record.h"
#include "scprof/semantic.h"

static const char help[] =
	"Usage: scprof audit [OPTIONS] [FILE...|-]\n"
	"\n"
	"Read the kernel's records of seccomp decisions (type=1326 / SECCOMP) and of\n"
	"processes seccomp killed (ANOM_ABEND, sig=31) from auditd's audit.log, kernel\n"
	"logs (syslog, kern.log, dmesg, journalctl) or /dev/kmsg; name each call on\n"
	"its own architecture.  Files may be gzip-compressed; '-' is stdin.  Without a\n"
	"FILE: auditd's log when auditd runs, else the kernel's buffer (/dev/kmsg).\n"
	"\n"
	"Options:\n"
	"  -f, --follow          keep reading new records until interrupted (Ctrl-C prints\n"
	"                        the summary): from the audit multicast group where\n"
	"                        permitted (no loss), else auditd's log or /dev/kmsg;\n"
	"                        lifts printk's rate limit while it reads /dev/kmsg\n"
	"      --keep-ratelimit  do not touch the printk rate limit\n"
	"      --source SRC      auto, kmsg, auditd, netlink (with --follow) or file\n"
	"      --since TIME      only records from TIME on: @EPOCH, YYYY-MM-DD[ HH:MM[:SS]]\n"
	"                        (local time; Z for UTC), today, yesterday, or N[smhd] ago\n"
	"      --pid PID         only records of process PID\n"
	"      --exe PATH        only records of the executable PATH\n"
	"      --comm NAME       only records of command name NAME\n"
	"      --action A        only these actions (repeatable, comma-separated): LOG,\n"
	"                        ERRNO, KILL_PROCESS, KILL_THREAD, KILL, TRAP, TRACE,\n"
	"                        USER_NOTIF, ALLOW\n"
	"      --format F        table (default): counts per executable and action;\n"
	"                        json: one object per record (JSON lines);\n"
	"                        profile: the profile that allows what was denied or logged\n"
	"  -o, --output FILE     write the output to FILE, atomically\n"
	"      --into PROFILE    add what was denied or logged to PROFILE (atomically) and\n"
	"                        print what changed; its explicit denials stay\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 ok, 2 usage error or unusable input.\n";

enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_PROFILE };
enum source { SOURCE_AUTO, SOURCE_KMSG, SOURCE_AUDITD, SOURCE_NETLINK, SOURCE_FILE };

#define AUDITD_CONF "/etc/audit/auditd.conf"
#define AUDITD_LOG "/var/log/audit/audit.log"
#define OUT_FLUSH (1u << 20)
#define SIGSYS_NR 31 /* SIGSYS on x86, arm, arm64, riscv, s390, powerpc (not mips, sparc) */

/* Bits of --action, by enum audit_action. */
#define ACTION_BIT(a) (1u << (a))

struct options {
	bool follow, keep_ratelimit, have_since, pid_set;
	enum source source;
	enum format format;
	int64_t since_sec;
	unsigned since_msec;
	int64_t pid;
	const char *exe, *comm, *output, *into;
	unsigned actions; /* 0: all */
};

/* (executable, return value, arch token, syscall) -> count */
struct entry {
	uint32_t exe;
	uint32_t code;
	uint32_t arch;
	int64_t nr;
	uint64_t count;
};

struct kill_entry {
	uint32_t exe;
	uint64_t count;
};

/* What is read, counted and printed; one per thread when a file is read on several. */
struct state {
	const struct options *o;
	struct strbuf out;
	bool live; /* following: records are printed as they come */
	struct audit_record rec;
	bool opened; /* some input could be read */

	/* interned executable names ("[comm]" when the record has none) */
	char **names;
	size_t n_names, names_alloc;
	uint32_t *name_slots; /* index + 1; 0 empty */
	uint32_t last_exe; /* the name of the record before */
	size_t name_cap;

	struct entry *entries;
	size_t n_entries, entries_cap; /* open addressing; cap a power of two */

	struct kill_entry *kills;
	size_t n_kills, kills_alloc;

	uint64_t records, kept, bad, suppressed, suppressed_lines, lost_lines, audit_lost;
	uint64_t kmsg_lost, netlink_lost, overlong;
	bool since_reached; /* a record from --since on was read: loss notices count */
	/* live after history: skip what the history had, up to its last record */
	bool dedupe, have_last;
	int64_t last_sec;
	unsigned last_msec;
	uint64_t last_serial;

	/* container ids of live pids */
	struct {
		int64_t pid;
		char id[65];
	} containers[256];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* --- small hash tables ---------------------------------------------------------------- */

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

static uint32_t intern(struct state *st, const char *s)
{
	if (st->n_names * 2 >= st->name_cap) {
		size_t cap = st->name_cap ? st->name_cap * 2 : 64;
		uint32_t *slots = xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < st->n_names; i++) {
			uint64_t h = hash_bytes(st->names[i], strlen(st->names[i]),
						0xcbf29ce484222325ull);
			size_t j = h & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = (uint32_t)i + 1;
		}
		free(st->name_slots);
		st->name_slots = slots;
		st->name_cap = cap;
	}
	uint64_t h = hash_bytes(s, strlen(s), 0xcbf29ce484222325ull);
	size_t j = h & (st->name_cap - 1);
	while (st->name_slots[j]) {
		uint32_t i = st->name_slots[j] - 1;
		if (!strcmp(st->names[i], s))
			return i;
		j = (j + 1) & (st->name_cap - 1);
	}
	GROW(st->names, st->names_alloc, st->n_names + 1);
	st->names[st->n_names] = xstrdup(s);
	st->name_slots[j] = (uint32_t)st->n_names + 1;
	return (uint32_t)st->n_names++;
}

static size_t entry_slot(const struct entry *tab, size_t cap, const struct entry *k)
{
	uint64_t h = hash_bytes(&k->exe, sizeof(k->exe), 0xcbf29ce484222325ull);
	h = hash_bytes(&k->code, sizeof(k->code), h);
	h = hash_bytes(&k->arch, sizeof(k->arch), h);
	h = hash_bytes(&k->nr, sizeof(k->nr), h);
	size_t j = h & (cap - 1);
	while (tab[j].count && (tab[j].exe != k->exe || tab[j].code != k->code ||
				tab[j].arch != k->arch || tab[j].nr != k->nr))
		j = (j + 1) & (cap - 1);
	return j;
}

static void count_calls(struct state *st, const struct entry *k, uint64_t count)
{
	if (st->n_entries * 2 >= st->entries_cap) {
		size_t cap = st->entries_cap ? st->entries_cap * 2 : 256;
		struct entry *tab = xcalloc(cap, sizeof(*tab));
		for (size_t i = 0; i < st->entries_cap; i++)
			if (st->entries[i].count)
				tab[entry_slot(tab, cap, &st->entries[i])] = st->entries[i];
		free(st->entries);
		st->entries = tab;
		st->entries_cap = cap;
	}
	struct entry *e = &st->entries[entry_slot(st->entries, st->entries_cap, k)];
	if (!e->count) {
		*e = *k;
		e->count = 0;
		st->n_entries++;
	}
	e->count += count;
}

/* --- records ------------------------------------------------------------------------- */

/* @s for a terminal: control bytes as \xNN (names come from the processes logged). */
static void add_safe(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addc(sb, (char)c);
	}
}

static uint32_t exe_of(struct state *st, const struct audit_record *r)
{
	/* records come in runs of the same program */
	if (st->n_names && r->exe && !strcmp(r->exe, st->names[st->last_exe]))
		return st->last_exe;
	_cleanup_strbuf_ struct strbuf name = STRBUF_INIT;
	if (r->exe && strcmp(r->exe, "(null)")) {
		add_safe(&name, r->exe);
		return st->last_exe = intern(st, name.buf);
	}
	strbuf_addc(&name, '[');
	add_safe(&name, r->comm ? r->comm : "?");
	strbuf_addc(&name, ']');
	return intern(st, name.buf);
}

static bool keep(const struct options *o, const struct audit_record *r)
{
	if (o->have_since && (r->have & AUDIT_HAVE_TIME) &&
	    (r->sec < o->since_sec || (r->sec == o->since_sec && r->msec < o->since_msec)))
		return false;
	if (o->pid_set && (!(r->have & AUDIT_HAVE_PID) || r->pid != o->pid))
		return false;
	if (o->exe && (!r->exe || strcmp(r->exe, o->exe)))
		return false;
	if (o->comm && (!r->comm || strcmp(r->comm, o->comm)))
		return false;
	if (!o->actions)
		return true;
	if (r->type == AUDIT_TYPE_ANOM_ABEND)
		return o->actions & (ACTION_BIT(AUDIT_ACTION_KILL_PROCESS) |
				     ACTION_BIT(AUDIT_ACTION_KILL_THREAD));
	return o->actions & ACTION_BIT(r->action);
}

/* The container of a live process: the last 64-hex-digit name in /proc/PID/cgroup. */
static const char *container_of(struct state *st, int64_t pid)
{
	size_t slot = (size_t)pid % ARRAY_SIZE(st->containers);
	if (st->containers[slot].pid == pid)
		return st->containers[slot].id[0] ? st->containers[slot].id : NULL;
	st->containers[slot].pid = pid;
	st->containers[slot].id[0] = '\0';
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%lld/cgroup", (long long)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	const char *best = NULL;
	size_t run = 0;
	for (ssize_t i = 0; i <= n; i++) {
		bool hex = (buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f');
		if (hex) {
			run++;
			continue;
		}
		if (run == 64)
			best = buf + i - 64;
		run = 0;
	}
	if (!best)
		return NULL;
	memcpy(st->containers[slot].id, best, 64);
	st->containers[slot].id[64] = '\0';
	return st->containers[slot].id;
}

static void flush_out(struct state *st)
{
	if (st->out.len) {
		fwrite(st->out.buf, 1, st->out.len, stdout);
		strbuf_reset(&st->out);
	}
}

/* One line per record while following, for people. */
static void live_line(struct strbuf *sb, const struct audit_record *r, const char *container)
{
	char tbuf[32], act[40];
	if ((r->have & AUDIT_HAVE_TIME) && audit_format_time(r->sec, r->msec, ' ', tbuf))
		strbuf_addf(sb, "%s  ", tbuf);
	if (r->type == AUDIT_TYPE_ANOM_ABEND) {
		strbuf_addf(sb, "killed (signal %lld)", (long long)r->sig);
	} else {
		audit_record_action_format(r->code, act, sizeof(act));
		strbuf_addf(sb, "%-12s %s %s", act, r->arch_info ? r->arch_info->name : "?",
			    r->syscall_name ? r->syscall_name : "?");
		if (!r->syscall_name)
			strbuf_addf(sb, "(%lld)", (long long)r->syscall);
	}
	strbuf_addc(sb, ' ');
	add_safe(sb, r->comm ? r->comm : "?");
	if (r->have & AUDIT_HAVE_PID)
		strbuf_addf(sb, "[%lld]", (long long)r->pid);
	if (r->exe) {
		strbuf_addc(sb, ' ');
		add_safe(sb, r->exe);
	}
	if (container)
		strbuf_addf(sb, " container %.12s", container);
	strbuf_addc(sb, '\n');
}

static void handle_record(struct state *st, const struct audit_record *r, struct strbuf *out)
{
	st->records++;
	if (!keep(st->o, r))
		return;
	st->kept++;
	const char *container = st->live && (r->have & AUDIT_HAVE_PID) && r->pid > 0 ?
					container_of(st, r->pid) :
					NULL;
	if (st->o->format == FORMAT_JSON) {
		/* one object a line, written in place: this is the hot path */
		size_t need = audit_record_json_max(r) + 100;
		if (out->alloc - out->len < need)
			strbuf_grow(out, need);
		char *p = out->buf + out->len;
		*p++ = '{';
		p = audit_record_json_put(r, p);
		if (container)
			p += sprintf(p, ",\"container\":\"%.64s\"", container);
		*p++ = '}';
		*p++ = '\n';
		*p = '\0';
		out->len = (size_t)(p - out->buf);
		return;
	}
	if (st->live && st->o->format == FORMAT_TABLE)
		live_line(out, r, container);
	if (r->type == AUDIT_TYPE_ANOM_ABEND) {
		if (r->sig != SIGSYS_NR)
			return;
		uint32_t exe = exe_of(st, r);
		size_t i;
		for (i = 0; i < st->n_kills && st->kills[i].exe != exe; i++)
			;
		if (i == st->n_kills) {
			GROW(st->kills, st->kills_alloc, st->n_kills + 1);
			st->kills[st->n_kills++] = (struct kill_entry){ exe, 0 };
		}
		st->kills[i].count++;
		return;
	}
	struct entry k = { exe_of(st, r), r->code, r->arch, r->syscall, 0 };
	count_calls(st, &k, 1);
}

/*
 * Remember where the history ended; once live, skip what it already had.  Also
 * notes when --since is reached, from which on loss notices count.
 */
static bool seen_before(struct state *st, const struct audit_record *r)
{
	if (!(r->have & AUDIT_HAVE_TIME))
		return false;
	if (st->o->have_since && !st->since_reached &&
	    (r->sec > st->o->since_sec ||
	     (r->sec == st->o->since_sec && r->msec >= st->o->since_msec)))
		st->since_reached = true;
	bool newer = !st->have_last || r->sec > st->last_sec ||
		     (r->sec == st->last_sec &&
		      (r->msec > st->last_msec ||
		       (r->msec == st->last_msec && r->serial > st->last_serial)));
	if (st->dedupe)
		return !newer;
	if (newer) {
		st->have_last = true;
		st->last_sec = r->sec;
		st->last_msec = r->msec;
		st->last_serial = r->serial;
	}
	return false;
}

static void handle_line(struct state *st, const char *line, size_t len, struct strbuf *out)
{
	uint64_t n;
	switch (audit_line_kind(line, len, &n)) {
	case AUDIT_LINE_SECCOMP:
	case AUDIT_LINE_ABEND:
		if (audit_record_parse(line, len, &st->rec, NULL) < 0) {
			st->bad++;
			break;
		}
		if (seen_before(st, &st->rec))
			break;
		handle_record(st, &st->rec, out);
		break;
	case AUDIT_LINE_SUPPRESSED:
		if (st->o->have_since && !st->since_reached)
			break;
		st->suppressed += n;
		st->suppressed_lines++;
		break;
	case AUDIT_LINE_LOST:
		if (st->o->have_since && !st->since_reached)
			break;
		st->lost_lines++;
		if (n > st->audit_lost)
			st->audit_lost = n;
		break;
	case AUDIT_LINE_OTHER:
		break;
	}
}

static void scan_line(void *ctx, const char *line, size_t len, struct strbuf *out)
{
	handle_line(ctx, line, len, out);
}

/* Read every line @rd has now; false when reading failed. */
static bool drain(struct state *st, struct audit_reader *rd)
{
	const char *line;
	size_t len;
	int ret = 0;
	_cleanup_error_ struct scprof_error *err = NULL;
	while (!stop && (ret = audit_reader_next(rd, &line, &len, &err)) > 0) {
		handle_line(st, line, len, &st->out);
		if (st->out.len >= OUT_FLUSH)
			flush_out(st);
	}
	if (stop)
		return true;
	if (ret < 0) {
		flush_out(st);
		fflush(stdout);
		cli_error("%s", err->msg);
		return false;
	}
	return true;
}

static void state_release(struct state *st)
{
	for (size_t i = 0; i < st->n_names; i++)
		free(st->names[i]);
	free(st->names);
	free(st->name_slots);
	free(st->entries);
	free(st->kills);
	audit_record_release(&st->rec);
	strbuf_release(&st->out);
}

/* Add what @w counted to @st. */
static void state_merge(struct state *st, const struct state *w)
{
	for (size_t i = 0; i < w->entries_cap; i++) {
		struct entry k = w->entries[i];
		if (!k.count)
			continue;
		k.exe = intern(st, w->names[k.exe]);
		count_calls(st, &k, w->entries[i].count);
	}
	for (size_t i = 0; i < w->n_kills; i++) {
		uint32_t exe = intern(st, w->names[w->kills[i].exe]);
		size_t j;
		for (j = 0; j < st->n_kills && st->kills[j].exe != exe; j++)
			;
		if (j == st->n_kills) {
			GROW(st->kills, st->kills_alloc, st->n_kills + 1);
			st->kills[st->n_kills++] = (struct kill_entry){ exe, 0 };
		}
		st->kills[j].count += w->kills[i].count;
	}
	st->records += w->records;
	st->kept += w->kept;
	st->bad += w->bad;
	st->suppressed += w->suppressed;
	st->suppressed_lines += w->suppressed_lines;
	st->lost_lines += w->lost_lines;
	if (w->audit_lost > st->audit_lost)
		st->audit_lost = w->audit_lost;
}

#define MAX_WORKERS 4
#define PARALLEL_MIN (16u << 20)

/*
 * A large plain file: on one thread a core, mapped chunk by chunk.  Returns 1
 * when done, 0 when the file is not for this (small, compressed, not regular).
 */
static int read_parallel(struct state *st, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	unsigned char magic[2];
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size < PARALLEL_MIN || pread(fd, magic, 2, 0) != 2 ||
	    (magic[0] == 0x1f && magic[1] == 0x8b))
		return 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (unsigned)cpus;
	struct state w[MAX_WORKERS];
	void *ctxs[MAX_WORKERS];
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct state){ .o = st->o, .out = STRBUF_INIT };
		ctxs[i] = &w[i];
	}
	_cleanup_error_ struct scprof_error *err = NULL;
	flush_out(st);
	int r = audit_scan_file(fd, (uint64_t)sb.st_size, n, ctxs, scan_line, stdout, &st->overlong,
				&err);
	for (unsigned i = 0; i < n; i++) {
		state_merge(st, &w[i]);
		state_release(&w[i]);
	}
	if (r < 0) {
		cli_error("%s: %s", path, err->msg);
		return -1;
	}
	return 1;
}

/* --- summary ------------------------------------------------------------------------- */

struct group {
	uint32_t exe;
	uint32_t code;
	uint64_t count;
	size_t first, n; /* entries, sorted */
};

static const struct state *sort_state;

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(sort_state->names[a->exe], sort_state->names[b->exe]);
	if (c)
		return c;
	if (a->code != b->code) {
		/* the harshest action first: the kernel's precedence */
		int ra = (int)audit_action_of(a->code), rb = (int)audit_action_of(b->code);
		if (ra != rb)
			return ra - rb;
		return a->code < b->code ? -1 : 1;
	}
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->arch != b->arch)
		return a->arch < b->arch ? -1 : 1;
	return a->nr < b->nr ? -1 : a->nr > b->nr;
}

static const char *action_color(uint32_t code)
{
	switch (audit_action_of(code)) {
	case AUDIT_ACTION_KILL_PROCESS:
	case AUDIT_ACTION_KILL_THREAD:
	case AUDIT_ACTION_TRAP:
	case AUDIT_ACTION_UNKNOWN:
		return "\033[31m";
	case AUDIT_ACTION_ERRNO:
		return "\033[33m";
	case AUDIT_ACTION_LOG:
		return "\033[36m";
	default:
		return "";
	}
}

/* The calls of a group: "openat x5, read x4, x86:socketcall" (other arches named). */
static void group_calls(const struct entry *e, size_t n, struct strbuf *sb)
{
	const struct scprof_arch *native = scprof_arch_native();
	for (size_t i = 0; i < n; i++) {
		int nr = e[i].nr >= INT32_MIN && e[i].nr <= INT32_MAX ? (int)e[i].nr : -1;
		const struct scprof_arch *a = scprof_arch_for_call(e[i].arch, nr);
		const char *name = a && nr >= 0 ? scprof_syscall_name(a, nr) : NULL;
		if (i)
			strbuf_add(sb, ", ", 2);
		if (!a)
			strbuf_addf(sb, "arch 0x%08x:", e[i].arch);
		else if (a != native)
			strbuf_addf(sb, "%s:", a->name);
		if (name)
			strbuf_adds(sb, name);
		else
			strbuf_addf(sb, "%lld", (long long)e[i].nr);
		if (e[i].count > 1)
			strbuf_addf(sb, " x%llu", (unsigned long long)e[i].count);
	}
}

/* Compact the hash table into a sorted array; returns the number of entries. */
static size_t sorted_entries(struct state *st)
{
	size_t n = 0;
	for (size_t i = 0; i < st->entries_cap; i++)
		if (st->entries[i].count)
			st->entries[n++] = st->entries[i];
	sort_state = st;
	if (n)
		qsort(st->entries, n, sizeof(*st->entries), entry_cmp);
	st->entries_cap = 0; /* no longer a hash table */
	return n;
}

static void print_table(struct state *st, FILE *f)
{
	size_t n = sorted_entries(st);
	bool color = f == stdout && cli_color(STDOUT_FILENO);
	size_t width = 10, awidth = 6;
	for (size_t i = 0; i < n; i++) {
		char act[40];
		size_t w = strlen(st->names[st->entries[i].exe]);
		if (w > width)
			width = w > 48 ? 48 : w;
		w = audit_record_action_format(st->entries[i].code, act, sizeof(act));
		if (w > awidth)
			awidth = w;
	}
	if (n)
		fprintf(f, "%-*s  %-*s %8s  %s\n", (int)width, "EXECUTABLE", (int)awidth, "ACTION",
			"COUNT", "SYSCALLS");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		uint64_t total = 0;
		while (j < n && st->entries[j].exe == st->entries[i].exe &&
		       st->entries[j].code == st->entries[i].code)
			total += st->entries[j++].count;
		char act[40];
		audit_record_action_format(st->entries[i].code, act, sizeof(act));
		_cleanup_strbuf_ struct strbuf calls = STRBUF_INIT;
		group_calls(st->entries + i, j - i, &calls);
		bool first = i == 0 || st->entries[i - 1].exe != st->entries[i].exe;
		fprintf(f, "%-*s  %s%-*s%s %8llu  %s\n", (int)width,
			first ? st->names[st->entries[i].exe] : "",
			color ? action_color(st->entries[i].code) : "", (int)awidth, act,
			color ? "\033[0m" : "", (unsigned long long)total, calls.buf);
		i = j;
	}
}

/* Kills and possible loss; to @f (stdout after a table, else stderr). */
static void print_notes(const struct state *st, FILE *f, bool table)
{
	const char *lead = f == stderr ? "scprof: " : "";
	if (st->n_kills) {
		uint64_t total = 0;
		_cleanup_strbuf_ struct strbuf who = STRBUF_INIT;
		for (size_t i = 0; i < st->n_kills; i++) {
			total += st->kills[i].count;
			strbuf_addf(&who, "%s%s", i ? ", " : "", st->names[st->kills[i].exe]);
			if (st->kills[i].count > 1)
				strbuf_addf(&who, " x%llu", (unsigned long long)st->kills[i].count);
		}
		fprintf(f, "%s%llu process%s killed by seccomp (SIGSYS): %s\n", lead,
			(unsigned long long)total, total == 1 ? "" : "es", who.buf);
	}
	if (st->suppressed_lines)
		fprintf(f,
			"%spossible loss: the kernel's printk rate limit suppressed %llu line%s "
			"(%llu notice%s)\n",
			lead, (unsigned long long)st->suppressed, st->suppressed == 1 ? "" : "s",
			(unsigned long long)st->suppressed_lines,
			st->suppressed_lines == 1 ? "" : "s");
	if (st->lost_lines) {
		fprintf(f, "%spossible loss: the audit subsystem reported dropped records", lead);
		if (st->audit_lost)
			fprintf(f, " (audit_lost=%llu)", (unsigned long long)st->audit_lost);
		fputc('\n', f);
	}
	if (st->kmsg_lost)
		fprintf(f, "%spossible loss: %llu kernel log record%s overwritten before read\n",
			lead, (unsigned long long)st->kmsg_lost, st->kmsg_lost == 1 ? "" : "s");
	if (st->netlink_lost)
		fprintf(f, "%spossible loss: the audit socket's buffer overflowed %llu time%s\n",
			lead, (unsigned long long)st->netlink_lost,
			st->netlink_lost == 1 ? "" : "s");
	if (st->overlong)
		fprintf(f, "%s%llu line%s longer than %u bytes skipped\n", lead,
			(unsigned long long)st->overlong, st->overlong == 1 ? "" : "s",
			AUDIT_LINE_MAX);
	if (st->bad)
		fprintf(f, "%s%llu malformed seccomp record%s skipped\n", lead,
			(unsigned long long)st->bad, st->bad == 1 ? "" : "s");
	if (table) {
		if (st->kept == st->records)
			fprintf(f, "%s%llu record%s\n", lead, (unsigned long long)st->records,
				st->records == 1 ? "" : "s");
		else
			fprintf(f, "%s%llu of %llu records match\n", lead,
				(unsigned long long)st->kept, (unsigned long long)st->records);
	}
}

/* --- profiles ------------------------------------------------------------------------ */

/* Whether a decision denied or logged the call: what a patch allows. */
static bool to_allow(uint32_t code)
{
	switch (audit_action_of(code)) {
	case AUDIT_ACTION_ALLOW:
	case AUDIT_ACTION_TRACE:
	case AUDIT_ACTION_USER_NOTIF:
		return false;
	default:
		return true;
	}
}

/* The patch: ALLOW what was denied or logged, on the architectures it happened on. */
static int build_patch(struct state *st, enum scprof_kind kind, bool counts,
		       struct scprof_profile **out)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_obs *obs = scprof_obs_new();
	size_t unnamed = 0;
	*out = NULL;
	for (size_t i = 0; i < st->entries_cap; i++) {
		const struct entry *e = &st->entries[i];
		if (!e->count || !to_allow(e->code))
			continue;
		int nr = e->nr >= 0 && e->nr <= INT32_MAX ? (int)e->nr : -1;
		const struct scprof_arch *a = scprof_arch_for_call(e->arch, nr);
		if (!a || nr < 0 || !scprof_syscall_name(a, nr)) {
			unnamed++;
			continue;
		}
		scprof_obs_add(obs, a, nr, e->count);
	}
	if (unnamed)
		cli_warning("%zu call%s on unknown architectures or without a name left out",
			    unnamed, unnamed == 1 ? "" : "s");
	if (!scprof_obs_count(obs)) {
		scprof_obs_free(obs);
		return EXIT_OK;
	}
	struct scprof_generate_opts g = {
		.mode = SCPROF_RECORD_ENFORCE,
		.default_action = SCPROF_ACT_ERRNO,
		.counts = counts,
		.kind = kind,
		.exact = true,
	};
	int r = scprof_record_generate(obs, &g, out, &err);
	scprof_obs_free(obs);
	if (r < 0)
		return cli_report(err);
	return EXIT_OK;
}

static int emit_profile(struct state *st)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_profile *p = NULL;
	int rc = build_patch(st, SCPROF_KIND_OCI, true, &p);
	if (rc != EXIT_OK)
		return rc;
	if (!p) {
		cli_warning("no call was denied or logged: nothing to allow");
		return EXIT_OK;
	}
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (scprof_profile_write(p, SCPROF_FORMAT_OCI_JSON, 0, &text, &len, &err) < 0) {
		scprof_profile_free(p);
		return cli_report(err);
	}
	scprof_profile_free(p);
	return cli_write_output(st->o->output, text, len);
}

static void profile_freep(struct scprof_profile **p)
{
	scprof_profile_free(*p);
}

static int into_profile(struct state *st, const char *path)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_(profile_freep) struct scprof_profile *base = NULL, *old = NULL, *patch = NULL;
	if (cli_load_profile_unresolved(path, &base) != EXIT_OK)
		return EXIT_USAGE;
	int rc = build_patch(st, base->kind, false, &patch);
	if (rc != EXIT_OK)
		return rc;
	if (!patch) {
		fprintf(stderr, "scprof: no call was denied or logged: %s stays as it is\n", path);
		return EXIT_OK;
	}
	old = scprof_profile_copy(base);
	char **denied = NULL;
	scprof_record_merge(base, patch, &denied);
	for (size_t k = 0; denied && denied[k]; k++) {
		cli_warning("'%s' denies '%s' explicitly: it stays denied", path, denied[k]);
		free(denied[k]);
	}
	free(denied);

	struct scprof_context ctx;
	scprof_context_init(&ctx);
	struct scprof_semantic *a = NULL, *b = NULL;
	if (scprof_semantic_build(old, &ctx, &a, NULL, &err) < 0 ||
	    scprof_semantic_build(base, &ctx, &b, NULL, &err) < 0) {
		scprof_semantic_free(a);
		return cli_report(err);
	}
	struct scprof_difference *d;
	size_t n;
	scprof_semantic_diff(a, b, &d, &n);
	scprof_semantic_free(a);
	scprof_semantic_free(b);

	_cleanup_free_ char *text = NULL;
	size_t len;
	if (n) {
		if (scprof_profile_write(base, SCPROF_FORMAT_AUTO, 0, &text, &len, &err) < 0) {
			scprof_differences_free(d, n);
			return cli_report(err);
		}
		rc = cli_write_output(path, text, len);
		if (rc == EXIT_OK)
			cli_print_differences(d, n);
	} else {
		fprintf(stderr, "scprof: %s already allows every call: unchanged\n", path);
	}
	scprof_differences_free(d, n);
	return rc;
}

/* --- options ------------------------------------------------------------------------- */

static int parse_actions(const char *arg, unsigned *mask)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strncasecmp(t, "SCMP_ACT_", 9))
			t += 9;
		static const struct {
			const char *name;
			unsigned bits;
		} names[] = {
			{ "LOG", ACTION_BIT(AUDIT_ACTION_LOG) },
			{ "ERRNO", ACTION_BIT(AUDIT_ACTION_ERRNO) },
			{ "KILL_PROCESS", ACTION_BIT(AUDIT_ACTION_KILL_PROCESS) },
			{ "KILL_THREAD", ACTION_BIT(AUDIT_ACTION_KILL_THREAD) },
			{ "KILL", ACTION_BIT(AUDIT_ACTION_KILL_PROCESS) |
					  ACTION_BIT(AUDIT_ACTION_KILL_THREAD) |
					  ACTION_BIT(AUDIT_ACTION_UNKNOWN) },
			{ "TRAP", ACTION_BIT(AUDIT_ACTION_TRAP) },
			{ "TRACE", ACTION_BIT(AUDIT_ACTION_TRACE) },
			{ "USER_NOTIF", ACTION_BIT(AUDIT_ACTION_USER_NOTIF) },
			{ "NOTIFY", ACTION_BIT(AUDIT_ACTION_USER_NOTIF) },
			{ "ALLOW", ACTION_BIT(AUDIT_ACTION_ALLOW) },
		};
		size_t i;
		for (i = 0; i < ARRAY_SIZE(names) && strcasecmp(t, names[i].name); i++)
			;
		if (i == ARRAY_SIZE(names))
			return cli_usage_error("audit", "unknown action '%s'", t);
		*mask |= names[i].bits;
	}
	return EXIT_OK;
}

/* --since: see the help text.  Local time unless it ends in Z. */
static int parse_since(const char *arg, struct options *o)
{
	time_t now = time(NULL);
	char *end;
	o->have_since = true;
	o->since_msec = 0;
	if (arg[0] == '@') {
		errno = 0;
		long long v = strtoll(arg + 1, &end, 10);
		if (!errno && end != arg + 1 && (!*end || *end == '.')) {
			o->since_sec = v;
			if (*end == '.') {
				unsigned ms = 0, scale = 100;
				for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
					ms += (unsigned)(*end - '0') * scale;
				if (*end)
					goto bad;
				o->since_msec = ms;
			}
			return EXIT_OK;
		}
		goto bad;
	}
	if (!strcmp(arg, "now")) {
		o->since_sec = now;
		return EXIT_OK;
	}
	if (!strcmp(arg, "today") || !strcmp(arg, "yesterday")) {
		struct tm tm;
		localtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (arg[0] == 'y')
			tm.tm_mday--;
		o->since_sec = mktime(&tm);
		return EXIT_OK;
	}
	if (arg[0] >= '0' && arg[0] <= '9' && !strchr(arg, '-')) {
		errno = 0;
		long long v = strtoll(arg, &end, 10);
		long long unit = !strcmp(end, "s") || !strcmp(end, "s ago") ? 1 :
				 !strcmp(end, "m") || !strcmp(end, "m ago") ? 60 :
				 !strcmp(end, "h") || !strcmp(end, "h ago") ? 3600 :
				 !strcmp(end, "d") || !strcmp(end, "d ago") ? 86400 :
									      0;
		if (errno || !unit || v > INT32_MAX)
			goto bad;
		o->since_sec = now - v * unit;
		return EXIT_OK;
	}
	struct tm tm = { 0 };
	const char *p = strptime(arg, "%Y-%m-%d", &tm);
	if (!p)
		goto bad;
	if (*p == ' ' || *p == 'T') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);
		if (!q)
			q = strptime(p + 1, "%H:%M", &tm);
		if (!q)
			goto bad;
		p = q;
	}
	if (!strcmp(p, "Z")) {
		o->since_sec = timegm(&tm);
		return EXIT_OK;
	}
	if (*p)
		goto bad;
	tm.tm_isdst = -1;
	o->since_sec = mktime(&tm);
	return EXIT_OK;
bad:
	return cli_usage_error("audit",
			       "--since wants @EPOCH, YYYY-MM-DD[ HH:MM[:SS]][Z], today, "
			       "yesterday or N[smhd], not '%s'",
			       arg);
}

/* auditd's log file: log_file in auditd.conf, else the default. */
static char *auditd_log_path(void)
{
	_cleanup_fclose_ FILE *f = fopen(AUDITD_CONF, "re");
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "log_file", 8))
			continue;
		p += 8 + strspn(p + 8, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		p[strcspn(p, " \t\r\n")] = '\0';
		if (*p == '/')
			return xstrdup(p);
	}
	return xstrdup(AUDITD_LOG);
}

/* Is auditd running (its pid file names a live auditd)? */
static bool auditd_running(void)
{
	static const char *const pidfiles[] = { "/run/auditd.pid", "/var/run/auditd.pid" };
	for (size_t i = 0; i < ARRAY_SIZE(pidfiles); i++) {
		_cleanup_fclose_ FILE *f = fopen(pidfiles[i], "re");
		long pid;
		if (!f || fscanf(f, "%ld", &pid) != 1 || pid <= 0)
			continue;
		char path[64], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		_cleanup_fclose_ FILE *c = fopen(path, "re");
		if (c && fgets(comm, sizeof(comm), c) && !strcmp(comm, "auditd\n"))
			return true;
	}
	return false;
}

/* --- the printk rate limit ----------------------------------------------------------- */

static struct audit_tune tune;

static void restore_tune(void)
{
	audit_tune_restore(&tune);
}

/* --- main ---------------------------------------------------------------------------- */

static int follow(struct state *st, struct audit_reader *rd, bool kmsg)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	st->live = true;
	while (!stop) {
		if (!drain(st, rd))
			return EXIT_USAGE;
		flush_out(st);
		fflush(stdout);
		if (stop)
			break;
		if (kmsg) {
			struct pollfd pfd = { .fd = audit_reader_fd(rd), .events = POLLIN };
			poll(&pfd, 1, 1000);
		} else {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	return EXIT_OK;
}

/* One file, to its end or, with --follow, until interrupted. */
static int read_log(struct state *st, const struct options *o, const char *path, bool follow_it)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct audit_reader *rd = NULL;
	int rc = EXIT_OK;
	if (!follow_it && strcmp(path, "-")) {
		int r = read_parallel(st, path);
		if (r)
			st->opened |= r > 0;
		if (r)
			return r < 0 ? EXIT_USAGE : EXIT_OK;
	}
	if (audit_reader_open(path, follow_it, &rd, &err) < 0) {
		cli_error("%s", err->msg);
		return EXIT_USAGE;
	}
	st->opened = true;
	if (follow_it) {
		/* without --since, only what is written from now on */
		if (!o->have_since)
			audit_reader_skip_to_end(rd);
		rc = follow(st, rd, false);
	} else if (!drain(st, rd)) {
		rc = EXIT_USAGE;
	}
	st->overlong += audit_reader_overlong(rd);
	audit_reader_free(rd);
	return rc;
}

/* The kernel's buffer: what is there, or with --follow what comes. */
static int read_kmsg(struct state *st, const struct options *o, bool follow_it)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct audit_reader *rd = NULL;
	if (audit_reader_open_kmsg(NULL, !follow_it || o->have_since, &rd, &err) < 0) {
		cli_error("%s", err->msg);
		return EXIT_USAGE;
	}
	st->opened = true;
	if (follow_it && !o->keep_ratelimit) {
		audit_tune_lift(&tune, true, false);
		atexit(restore_tune);
	}
	int rc = follow_it ? follow(st, rd, true) : (drain(st, rd) ? EXIT_OK : EXIT_USAGE);
	restore_tune();
	st->kmsg_lost += audit_reader_lost(rd);
	audit_reader_free(rd);
	return rc;
}

/* The netlink receive buffer: 100k records of a burst and more fit (kernel memory). */
#define NETLINK_RCVBUF (64u << 20)

static int read_all(struct state *st, struct options *o, char **files, int n_files)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	int rc = EXIT_OK;

	if (n_files) {
		if (o->follow && n_files > 1)
			return cli_usage_error("audit", "--follow reads one file");
		if (o->follow && !strcmp(files[0], "-"))
			return cli_usage_error("audit", "--follow reads a file, not stdin");
		for (int i = 0; i < n_files && !stop; i++)
			if (read_log(st, o, files[i], o->follow) != EXIT_OK)
				rc = EXIT_USAGE;
		return rc;
	}
	if (o->source == SOURCE_NETLINK && !o->follow)
		return cli_usage_error("audit", "--source netlink has no history: add --follow");
	bool auditd = o->source == SOURCE_AUDITD || (o->source == SOURCE_AUTO && auditd_running());
	_cleanup_free_ char *log = auditd ? auditd_log_path() : NULL;

	/* live, the audit multicast group loses nothing: auto takes it where permitted */
	struct audit_reader *live = NULL;
	if (o->follow && (o->source == SOURCE_NETLINK || o->source == SOURCE_AUTO) &&
	    audit_reader_open_netlink(NETLINK_RCVBUF, &live, &err) < 0) {
		if (o->source == SOURCE_NETLINK) {
			cli_error("%s", err->msg);
			return EXIT_USAGE;
		}
	}
	if (!live)
		return auditd ? read_log(st, o, log, o->follow) : read_kmsg(st, o, o->follow);

	st->opened = true;
	if (o->have_since) {
		/* what is there already, then what comes, once */
		rc = auditd ? read_log(st, o, log, false) : read_kmsg(st, o, false);
		st->dedupe = true;
	}
	if (rc == EXIT_OK)
		rc = follow(st, live, true);
	st->netlink_lost += audit_reader_lost(live);
	audit_reader_free(live);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "keep-ratelimit", no_argument, NULL, 0x100 },
		{ "source", required_argument, NULL, 0x101 },
		{ "since", required_argument, NULL, 0x102 },
		{ "pid", required_argument, NULL, 0x103 },
		{ "exe", required_argument, NULL, 0x104 },
		{ "comm", required_argument, NULL, 0x105 },
		{ "action", required_argument, NULL, 0x106 },
		{ "format", required_argument, NULL, 0x107 },
		{ "into", required_argument, NULL, 0x108 },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "fo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.follow = true;
			break;
		case 0x100:
			o.keep_ratelimit = true;
			break;
		case 0x101:
			if (!strcmp(optarg, "auto"))
				o.source = SOURCE_AUTO;
			else if (!strcmp(optarg, "kmsg"))
				o.source = SOURCE_KMSG;
			else if (!strcmp(optarg, "auditd"))
				o.source = SOURCE_AUDITD;
			else if (!strcmp(optarg, "netlink"))
				o.source = SOURCE_NETLINK;
			else if (!strcmp(optarg, "file"))
				o.source = SOURCE_FILE;
			else
				return cli_usage_error(
					"audit",
					"--source wants auto, kmsg, auditd, netlink or file");
			break;
		case 0x102:
			if (parse_since(optarg, &o) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 0x103: {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0)
				return cli_usage_error("audit", "--pid wants a number, not '%s'",
						       optarg);
			o.pid = v;
			o.pid_set = true;
			break;
		}
		case 0x104:
			o.exe = optarg;
			break;
		case 0x105:
			o.comm = optarg;
			break;
		case 0x106:
			if (parse_actions(optarg, &o.actions) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 0x107:
			if (!strcmp(optarg, "table"))
				o.format = FORMAT_TABLE;
			else if (!strcmp(optarg, "json"))
				o.format = FORMAT_JSON;
			else if (!strcmp(optarg, "profile"))
				o.format = FORMAT_PROFILE;
			else
				return cli_usage_error("audit",
						       "--format wants table, json or profile");
			break;
		case 0x108:
			o.into = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("audit", "unknown option");
		}
	}
	char **files = argv + optind;
	int n_files = argc - optind;
	if (n_files && o.source != SOURCE_AUTO && o.source != SOURCE_FILE)
		return cli_usage_error("audit", "--source %s reads no FILE",
				       o.source == SOURCE_KMSG	 ? "kmsg" :
				       o.source == SOURCE_AUDITD ? "auditd" :
								   "netlink");
	if (!n_files && o.source == SOURCE_FILE)
		return cli_usage_error("audit", "--source file wants a FILE");
	if (o.into && o.format != FORMAT_TABLE)
		return cli_usage_error("audit", "--into writes a profile; drop --format");
	if (o.into && o.output)
		return cli_usage_error("audit", "--into writes PROFILE itself; drop -o");
	if (o.output && o.format != FORMAT_PROFILE)
		return cli_usage_error("audit", "-o is for --format profile");
	if (o.follow && (o.into || o.format == FORMAT_PROFILE))
		return cli_usage_error("audit", "--follow prints records; a profile needs an end");

	struct state st = { .o = &o, .out = STRBUF_INIT };
	int rc = read_all(&st, &o, files, n_files);
	flush_out(&st);
	fflush(stdout);

	int rc2 = EXIT_OK;
	if (!st.opened) {
		/* nothing could be read: the errors said it all */
	} else if (o.format == FORMAT_TABLE && !o.into) {
		if (st.live && st.kept)
			putchar('\n');
		print_table(&st, stdout);
		print_notes(&st, stdout, true);
	} else {
		print_notes(&st, stderr, false);
		if (o.format == FORMAT_PROFILE)
			rc2 = emit_profile(&st);
		else if (o.into)
			rc2 = into_profile(&st, o.into);
	}
	state_release(&st);
	return rc != EXIT_OK ? rc : rc2;
}
