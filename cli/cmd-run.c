// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof run: a command under a profile and a container-style security context, failing closed. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "audit/reader.h"
#include "audit/record.h"
#include "cli/cli.h"
#include "scprof/compile.h"
#include "scprof/pod.h"
#include "scprof/sandbox.h"

static const char help[] =
	"usage: scprof run [OPTIONS] -- CMD [ARG...]\n"
	"\n"
	"Run CMD under a seccomp profile and a security context the way runc would,\n"
	"without a container: groups and ids, then capabilities, then no_new_privs,\n"
	"then the filter, right before execve.  If anything asked for cannot be\n"
	"applied, scprof says why and exits 125 without running CMD.\n"
	"\n"
	"A profile with SCMP_ACT_NOTIFY rules gets its agent as with runc: the filter's\n"
	"listener and the OCI container process state (with listenerMetadata) go to the\n"
	"AF_UNIX socket at listenerPath before CMD may exec; if the agent cannot be\n"
	"reached, CMD does not run (125).  The profile must allow write and read, which\n"
	"hand the listener over after the filter is loaded.\n"
	"\n"
	"  -p, --profile PROFILE      the profile (default: runtime/default)\n"
	"  -a, --arch ARCH            build the filter for ARCH (repeatable)\n"
	"      --caps-for-profile L   capabilities for includes/excludes (default: the\n"
	"                             ones CMD will have)\n"
	"      --kernel X.Y           kernel version for minKernel (default: running)\n"
	"      --native ARCH          host architecture that picks archMap entries\n"
	"  -u, --user UID[:GID]       run as UID and GID (numbers)\n"
	"      --groups GID,...       supplementary groups (with --user; default none)\n"
	"      --cap-add LIST         add capabilities (names or ALL) to the current set\n"
	"      --cap-drop LIST        drop capabilities (names or ALL); the result goes to\n"
	"                             the bounding, permitted, effective, inheritable and\n"
	"                             ambient sets\n"
	"      --no-new-privs         set no_new_privs (the default)\n"
	"      --allow-privilege-escalation\n"
	"                             do not set no_new_privs; the filter then needs\n"
	"                             CAP_SYS_ADMIN, and if that is dropped it is loaded\n"
	"                             before ids and capabilities change, so the profile\n"
	"                             must allow setgroups, setresgid, setresuid, capset,\n"
	"                             prctl and execve\n"
	"      --audit                turn every action but ALLOW into LOG: see in the\n"
	"                             kernel log what would be denied, without denying\n"
	"      --log                  set SECCOMP_FILTER_FLAG_LOG: denials are logged too\n"
	"      --pod FILE             apply the securityContext of a container of a Pod\n"
	"                             manifest (or of a workload's pod template), as the\n"
	"                             kubelet and containerd would; not with -p, --user,\n"
	"                             --groups, --cap-add, --cap-drop, --no-new-privs or\n"
	"                             --allow-privilege-escalation\n"
	"      --container NAME       the container (default: the only one); init and\n"
	"                             ephemeral containers too\n"
	"      --seccomp-root DIR     where Localhost profiles are (default:\n"
	"                             /var/lib/kubelet/seccomp)\n"
	"      --seccomp-default      RuntimeDefault when the pod sets no profile, as the\n"
	"                             kubelet's --seccomp-default (default: Unconfined)\n"
	"      --best-effort          drop filter flags the kernel lacks, and go on past\n"
	"                             pod fields scprof cannot apply, with a warning each\n"
	"      --no-enosys-stub       leave runc's ENOSYS stub out of the filter\n"
	"      --profile-dir DIR      look base profiles up in DIR (repeatable; default:\n"
	"                             ./profiles, then /etc/scprof/profiles)\n"
	"      --no-resolve           do not resolve the profile's baseProfileName\n"
	"  oci://REF bases are pulled as 'scprof pull' pulls, with --plain-http,\n"
	"  --ca-file FILE, --max-size BYTES, --retries N, --no-cache, --verify-key PUB |\n"
	"  --insecure-skip-verify, and --username USER (the password on stdin's first\n"
	"  line, read before CMD starts; sent only to the first oci:// base's registry)\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Exit status: CMD's own; 128+N when CMD is killed by signal N (159 for SIGSYS:\n"
	"scprof then names the syscall from the kernel's audit record, which the kernel\n"
	"writes for TRAP only with --log); 125 when the context cannot be set up (also\n"
	"usage errors); 126 CMD not executable; 127 not found.\n";

/* How long to wait for the kernel to send the record of a seccomp kill. */
#define KILL_RECORD_WAIT_MS 500
/* --log, --audit: the records of a run are there once none has come for this long. */
#define RECORDS_QUIET_MS 150

static pid_t child_pid;
static volatile sig_atomic_t pending; /* a signal that came before CMD was there */

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
	else
		pending = sig;
}

static int parse_caps(const char *list, uint64_t *caps)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	if (scprof_caps_parse(list, caps, &err) < 0) {
		cli_error("%s", err->msg);
		return -1;
	}
	return 0;
}

static int parse_user(const char *s, struct scprof_sandbox *sb)
{
	unsigned long uid, gid;
	char *end;
	errno = 0;
	uid = strtoul(s, &end, 10);
	if (errno || end == s || uid > UINT32_MAX - 1 || (*end && *end != ':'))
		goto bad;
	gid = uid;
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (errno || end == g || *end || gid > UINT32_MAX - 1)
			goto bad;
	}
	sb->set_ids = true;
	sb->uid = (uid_t)uid;
	sb->gid = (gid_t)gid;
	return 0;
bad:
	cli_error("--user wants UID[:GID] as numbers, not '%s'", s);
	return -1;
}

static int parse_groups(const char *s, struct scprof_sandbox *sb)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		errno = 0;
		unsigned long g = strtoul(t, &end, 10);
		if (errno || *end || end == t || g > UINT32_MAX - 1 ||
		    sb->n_groups == ARRAY_SIZE(sb->groups)) {
			cli_error("--groups wants group numbers separated by commas, not '%s'", s);
			return -1;
		}
		sb->groups[sb->n_groups++] = (gid_t)g;
	}
	return 0;
}

/* Sets *notify when the filter can return USER_NOTIF, which needs the profile's agent. */
static int check_actions(const struct scprof_semantic *s, bool *notify)
{
	uint32_t seen[16];
	size_t n = 0;
	seen[n++] = s->default_action;
	for (size_t i = 0; i < s->n_arches; i++)
		for (size_t j = 0; j < s->arches[i].n_syscalls; j++)
			for (size_t k = 0; k < s->arches[i].syscalls[j].n_rules; k++) {
				uint32_t a = s->arches[i].syscalls[j].rules[k].action &
					     SCPROF_RET_ACTION_FULL;
				bool dup = false;
				for (size_t m = 0; m < n; m++)
					dup |= (seen[m] & SCPROF_RET_ACTION_FULL) == a;
				if (!dup && n < ARRAY_SIZE(seen))
					seen[n++] = a;
			}
	for (size_t i = 0; i < n; i++) {
		char name[64];
		scprof_action_format(seen[i], name, sizeof(name));
		if ((seen[i] & SCPROF_RET_ACTION_FULL) == SCPROF_RET_USER_NOTIF)
			*notify = true;
		if (!scprof_seccomp_action_available(seen[i])) {
			cli_error("the kernel does not support the action %s the profile uses",
				  name);
			return -1;
		}
	}
	return 0;
}

/* What decided a call, from the semantic view (the record has no arguments). */
static void decided_by(const struct scprof_profile *p, const struct scprof_semantic *s,
		       const struct audit_record *rec, const char *src, struct strbuf *why)
{
	const struct scprof_sem_arch *sa =
		rec->arch_info ? scprof_semantic_arch(s, rec->arch_info) : NULL;
	const struct scprof_sem_syscall *sc = sa ? scprof_semantic_syscall(sa, (int)rec->syscall) :
						   NULL;
	if (!sa)
		strbuf_adds(
			why,
			"the filter's bad-architecture action (the architecture is not listed)");
	else if (sc && sc->n_rules && !p->rules[sc->rules[0].rule].line)
		/* flattened with its base profiles: rules have no single position */
		strbuf_addf(why, "a rule%s of %s or of its base profiles%s",
			    sc->rules[0].n_conds ? " with argument conditions" : "", src,
			    sc->rules[0].n_conds ? ", or the default" : "");
	else if (sc && sc->n_rules && !sc->rules[0].n_conds)
		strbuf_addf(why, "the rule at %s:%u:%u", src, p->rules[sc->rules[0].rule].line,
			    p->rules[sc->rules[0].rule].col);
	else if (sc && sc->n_rules)
		strbuf_addf(why, "a rule with argument conditions at %s:%u, or the default", src,
			    p->rules[sc->rules[0].rule].line);
	else
		strbuf_adds(why, "the default action");
}

struct seen_call {
	uint32_t arch, code;
	int64_t nr;
	unsigned long count;
	char *line;
};

/*
 * Read what the kernel logged since @fd was opened.  @kill: the one record of the
 * call that killed @pid.  Otherwise: every seccomp record of the audit session
 * @ses (CMD's own), or without one (UINT32_MAX) of @pid and of the processes
 * started after it (pids are handed out in order), one line per distinct call
 * with its count.  @every_record: @rd has every record the
 * kernel made (the audit multicast group), so a kill without one was not
 * seccomp's.  @trap_unlogged: the filter has TRAP rules but
 * not the LOG flag, so a missing record is explained.
 *
 * Why the kernel's record and not the signal's siginfo (si_syscall, si_arch,
 * si_call_addr): the SIGSYS of a TRAP or a KILL is delivered to CMD, whose
 * handlers execve reset; when it dies of it, the parent only learns the signal
 * number (waitid's si_status, pidfd's exit code).  The siginfo reaches only a
 * ptracer or a core dump (NT_SIGINFO, through the system-wide core_pattern), and
 * neither is for scprof run to take over.  The kernel logs KILL always, TRAP
 * only with SECCOMP_FILTER_FLAG_LOG (kernel/seccomp.c seccomp_log()).
 */
/* Room for the records of a run in the netlink socket (kernel memory). */
#define RECORDS_RCVBUF (16u << 20)

static void report_records(struct audit_reader *rd, pid_t pid, uint32_t ses, const char *cmd,
			   const char *src, const struct scprof_profile *p,
			   const struct scprof_semantic *s, bool kill, bool trap_unlogged,
			   bool every_record)
{
	struct seen_call *seen = NULL;
	size_t n_seen = 0, alloc = 0;
	unsigned long lost = 0;
	int waited_ms = 0, last_ms = 0;
	struct audit_record rec = { 0 };
	for (;;) {
		const char *text;
		size_t len;
		uint64_t nl;
		int n = audit_reader_next(rd, &text, &len, NULL);
		/*
		 * The kernel's kauditd thread sends the records, which can come after
		 * the process is gone: wait a little for the kill's, and for the others
		 * until none has come for a while.
		 */
		if (!n && waited_ms < KILL_RECORD_WAIT_MS &&
		    (kill ? !n_seen : waited_ms - last_ms < RECORDS_QUIET_MS)) {
			struct pollfd pfd = { .fd = audit_reader_fd(rd), .events = POLLIN };
			poll(&pfd, 1, 10);
			waited_ms += 10;
			continue;
		}
		if (n <= 0)
			break;
		last_ms = waited_ms;
		enum audit_line_kind kind = audit_line_kind(text, len, &nl);
		if (kind == AUDIT_LINE_SUPPRESSED || kind == AUDIT_LINE_LOST)
			lost++;
		if (kind != AUDIT_LINE_SECCOMP || audit_record_parse(text, len, &rec, NULL) < 0)
			continue;
		/* CMD's own audit session when it got one, else the pids from CMD's on */
		bool mine = ses != UINT32_MAX && !kill ?
				    (rec.have & AUDIT_HAVE_SES) && rec.ses == ses :
				    (rec.have & AUDIT_HAVE_PID) &&
					    (kill ? rec.pid == pid : rec.pid >= pid);
		bool fatal = rec.action == AUDIT_ACTION_KILL_PROCESS ||
			     rec.action == AUDIT_ACTION_KILL_THREAD ||
			     rec.action == AUDIT_ACTION_TRAP;
		if (!mine || (kill && !fatal)) {
			continue;
		}
		size_t i;
		for (i = 0; i < n_seen; i++)
			if (seen[i].arch == rec.arch && seen[i].nr == rec.syscall &&
			    seen[i].code == rec.code)
				break;
		if (i < n_seen) {
			seen[i].count++;
			continue;
		}
		/* the kernel logs the action without its data (kernel/seccomp.c seccomp_log) */
		const char *act = audit_action_name(rec.action);
		struct strbuf line = STRBUF_INIT;
		strbuf_addf(&line, "%s (%lld) on %s -> %s, decided by ",
			    rec.syscall_name ? rec.syscall_name : "?", (long long)rec.syscall,
			    rec.arch_info ? rec.arch_info->name : "an unknown architecture", act);
		decided_by(p, s, &rec, src, &line);
		GROW(seen, alloc, n_seen + 1);
		seen[n_seen++] = (struct seen_call){ rec.arch, rec.code, rec.syscall, 1,
						     strbuf_detach(&line) };
		if (kill)
			break;
	}
	audit_record_release(&rec);
	for (size_t i = 0; i < n_seen; i++) {
		if (kill)
			cli_error("'%s' (pid %d) was killed by seccomp: %s", cmd, (int)pid,
				  seen[i].line);
		else
			cli_error("seccomp: %s (%lu time%s)", seen[i].line, seen[i].count,
				  seen[i].count > 1 ? "s" : "");
		free(seen[i].line);
	}
	free(seen);
	if (kill && !n_seen && every_record && !trap_unlogged)
		cli_error(
			"'%s' (pid %d) was killed by SIGSYS, but not by seccomp: the kernel made no record of a seccomp kill (did another process send it?)",
			cmd, (int)pid);
	else if (kill && !n_seen)
		cli_error(
			"'%s' (pid %d) was killed by SIGSYS, by seccomp; the kernel log has no record of it%s",
			cmd, (int)pid,
			trap_unlogged ? " (it records TRAP decisions only with --log)" : "");
	if ((lost || audit_reader_lost(rd)) && !(kill && n_seen))
		cli_warning(
			"the kernel dropped or rate-limited some records; the list may be incomplete");
}

/* Does the filter return @action (SCPROF_RET_*) for any call? */
static bool uses_action(const struct scprof_semantic *s, uint32_t action)
{
	if ((s->default_action & SCPROF_RET_ACTION_FULL) == action)
		return true;
	for (size_t i = 0; i < s->n_arches; i++)
		for (size_t j = 0; j < s->arches[i].n_syscalls; j++)
			for (size_t k = 0; k < s->arches[i].syscalls[j].n_rules; k++)
				if ((s->arches[i].syscalls[j].rules[k].action &
				     SCPROF_RET_ACTION_FULL) == action)
					return true;
	return false;
}

/* What --pod decides, kept for the child's setup (the sysctl strings are borrowed). */
struct pod_run {
	struct scprof_pod_context *pc;
	struct scprof_sandbox_sysctl *sysctls;
};

/* Options that say what the pod manifest says too: refused together with --pod. */
enum {
	OPT_PROFILE = 1 << 0,
	OPT_USER = 1 << 1,
	OPT_GROUPS = 1 << 2,
	OPT_CAPS = 1 << 3,
	OPT_NNP = 1 << 4,
};

static const char *pod_conflict(unsigned given)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ OPT_PROFILE, "--profile" },
		{ OPT_USER, "--user" },
		{ OPT_GROUPS, "--groups" },
		{ OPT_CAPS, "--cap-add/--cap-drop" },
		{ OPT_NNP, "--no-new-privs/--allow-privilege-escalation" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (given & names[i].bit)
			return names[i].name;
	return NULL;
}

/*
 * Read the manifest and turn the container's context into @sb, @src and the
 * capabilities for the profile's includes/excludes.  Returns an exit code.
 */
static int pod_setup(const char *file, const char *cmd, const struct scprof_pod_opts *o,
		     bool best_effort, struct scprof_sandbox *sb, const char **src, uint64_t *caps,
		     struct pod_run *pr)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	if (scprof_pod_load(file, o, &pr->pc, &err) < 0) {
		cli_report(err);
		return EXIT_SETUP;
	}
	const struct scprof_pod_context *pc = pr->pc;
	for (size_t i = 0; i < pc->n_unsupported; i++) {
		const struct scprof_pod_unsupported *u = &pc->unsupported[i];
		if (best_effort)
			fprintf(stderr, "%s:%u:%u: warning: %s is not applied: %s\n", pc->file,
				u->line, u->col, u->field, u->why);
		else
			fprintf(stderr, "%s:%u:%u: %s cannot be applied: %s\n", pc->file, u->line,
				u->col, u->field, u->why);
	}
	if (pc->n_unsupported && !best_effort) {
		cli_error("not running '%s' without what the pod asks; --best-effort would", cmd);
		return EXIT_SETUP;
	}

	if (pc->set_ids) {
		sb->set_ids = true;
		sb->uid = pc->uid;
		sb->gid = pc->gid;
		sb->n_groups = pc->n_groups;
		memcpy(sb->groups, pc->groups, pc->n_groups * sizeof(*pc->groups));
	}
	sb->set_caps = true;
	sb->oci_caps = true;
	sb->caps = pc->caps;
	*caps = pc->caps;
	sb->no_new_privs = pc->no_new_privs;
	sb->read_only_root = pc->read_only_root;
	pr->sysctls = xcalloc(pc->n_sysctls + 1, sizeof(*pr->sysctls));
	for (size_t i = 0; i < pc->n_sysctls; i++) {
		pr->sysctls[i] =
			(struct scprof_sandbox_sysctl){ pc->sysctls[i].path, pc->sysctls[i].value };
		sb->namespaces |= pc->sysctls[i].ns == SCPROF_POD_SYSCTL_NET ? CLONE_NEWNET :
									       CLONE_NEWIPC;
	}
	sb->sysctls = pr->sysctls;
	sb->n_sysctls = pc->n_sysctls;
	/* containerd loads no filter for a privileged container, whatever the pod says */
	if (pc->privileged || pc->seccomp == SCPROF_POD_SECCOMP_UNCONFINED)
		*src = "unconfined";
	else if (pc->seccomp == SCPROF_POD_SECCOMP_RUNTIME_DEFAULT)
		*src = "runtime/default";
	else
		*src = pc->seccomp_path;
	return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "arch", required_argument, NULL, 'a' },
		{ "caps-for-profile", required_argument, NULL, 0x100 },
		{ "kernel", required_argument, NULL, 0x101 },
		{ "native", required_argument, NULL, 0x102 },
		{ "user", required_argument, NULL, 'u' },
		{ "groups", required_argument, NULL, 'g' },
		{ "cap-add", required_argument, NULL, 'A' },
		{ "cap-drop", required_argument, NULL, 'D' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "allow-privilege-escalation", no_argument, NULL, 'e' },
		{ "audit", no_argument, NULL, 'U' },
		{ "log", no_argument, NULL, 'l' },
		{ "best-effort", no_argument, NULL, 'b' },
		{ "no-enosys-stub", no_argument, NULL, 's' },
		{ "pod", required_argument, NULL, 0x110 },
		{ "container", required_argument, NULL, 0x111 },
		{ "seccomp-root", required_argument, NULL, 0x112 },
		{ "seccomp-default", no_argument, NULL, 0x113 },
		CLI_RESOLVE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_context ctx;
	struct scprof_compile_opts copts;
	struct scprof_sandbox sb = { .no_new_privs = true };
	const char *src = "runtime/default";
	bool audit = false, log = false, best_effort = false, caps_for_profile = false;
	uint64_t add = 0, drop = 0;
	bool cap_opts = false;
	int c, r;
	struct audit_reader *kmsg = NULL;
	const char *pod = NULL;
	struct scprof_pod_opts popts = { .seccomp_root = NULL };
	struct pod_run pr = { NULL, NULL };
	unsigned given = 0;
	char *run_id = NULL, *cwd = NULL;

	scprof_context_init(&ctx);
	scprof_compile_opts_init(&copts);
	while ((c = getopt_long(argc, argv, "+p:a:u:h", opts, NULL)) != -1) {
		if (c == 0x100) {
			if (parse_caps(optarg, &ctx.caps) < 0)
				return EXIT_SETUP;
			caps_for_profile = true;
			continue;
		}
		r = cli_context_option("run", &ctx, c, optarg);
		if (r == 0)
			r = cli_resolve_option("run", c, optarg);
		if (r < 0)
			return EXIT_SETUP;
		if (r > 0)
			continue;
		switch (c) {
		case 'p':
			src = optarg;
			given |= OPT_PROFILE;
			break;
		case 'u':
			if (parse_user(optarg, &sb) < 0)
				return EXIT_SETUP;
			given |= OPT_USER;
			break;
		case 'g':
			if (parse_groups(optarg, &sb) < 0)
				return EXIT_SETUP;
			given |= OPT_GROUPS;
			break;
		case 0x110:
			pod = optarg;
			break;
		case 0x111:
			popts.container = optarg;
			break;
		case 0x112:
			popts.seccomp_root = optarg;
			break;
		case 0x113:
			popts.seccomp_default = true;
			break;
		case 'A':
		case 'D': {
			uint64_t v;
			if (parse_caps(optarg, &v) < 0)
				return EXIT_SETUP;
			if (c == 'A')
				add |= v;
			else
				drop |= v;
			cap_opts = true;
			given |= OPT_CAPS;
			break;
		}
		case 'n':
			sb.no_new_privs = true;
			given |= OPT_NNP;
			break;
		case 'e':
			sb.no_new_privs = false;
			given |= OPT_NNP;
			break;
		case 'U':
			audit = true;
			break;
		case 'l':
			log = true;
			break;
		case 'b':
			best_effort = true;
			break;
		case 's':
			copts.enosys_stub = false;
			break;
		case 'h':
			return cli_help(help);
		default:
			cli_usage_error("run", "unknown option");
			return EXIT_SETUP;
		}
	}
	if (optind >= argc) {
		cli_usage_error("run", "no command given; write it after '--'");
		return EXIT_SETUP;
	}
	if (pod && pod_conflict(given)) {
		cli_usage_error(
			"run",
			"--pod sets the profile, ids, capabilities and no_new_privs; drop %s or edit the manifest",
			pod_conflict(given));
		return EXIT_SETUP;
	}
	if (!pod && (popts.container || popts.seccomp_root || popts.seccomp_default)) {
		cli_usage_error("run",
				"--container, --seccomp-root and --seccomp-default go with --pod");
		return EXIT_SETUP;
	}
	if (sb.n_groups && !sb.set_ids) {
		cli_usage_error("run", "--groups needs --user");
		return EXIT_SETUP;
	}
	char **cmd = argv + optind;
	if (ctx.native && ctx.native != scprof_arch_native()) {
		cli_error("--native %s: CMD runs on this machine, which is %s", ctx.native->name,
			  scprof_arch_native()->name);
		return EXIT_SETUP;
	}

	/* the capabilities CMD will have decide the profile's includes/excludes */
	/* a non-root uid starts with no capabilities; --cap-add gives them back */
	uint64_t final = sb.set_ids && sb.uid != 0 ? 0 : scprof_caps_current();
	if (cap_opts) {
		final = (final & ~drop) | add;
		sb.set_caps = true;
		sb.caps = final;
	}
	if (pod) {
		popts.image_uid = getuid();
		popts.image_gid = getgid();
		popts.privileged_caps = scprof_caps_current();
		sb.no_new_privs = false;
		if (pod_setup(pod, cmd[0], &popts, best_effort, &sb, &src, &final, &pr) !=
		    EXIT_OK) {
			scprof_pod_context_free(pr.pc);
			free(pr.sysctls);
			return EXIT_SETUP;
		}
	}
	if (!caps_for_profile)
		ctx.caps = final;

	struct scprof_profile *p = NULL;
	if (cli_load_profile(src, &p) != EXIT_OK) {
		scprof_pod_context_free(pr.pc);
		free(pr.sysctls);
		return EXIT_SETUP;
	}
	if (audit)
		scprof_profile_to_log_mode(p);
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	int status = EXIT_SETUP;
	r = scprof_semantic_build(p, &ctx, &s, NULL, &err);
	if (r == 0) {
		/* most of run's start-up is libseccomp: a profile compiled before is read back */
		_cleanup_free_ char *cache = cache_dir("bpf");
		r = scprof_compile_cached(s, p, &copts, cache, &prog, &err);
	}
	if (r < 0) {
		cli_report(err);
		goto out;
	}
	bool notify = false;
	if (check_actions(s, &notify) < 0)
		goto out;
	if (notify && !p->listener_path) {
		cli_error(
			"the profile uses SCMP_ACT_NOTIFY but names no agent: set 'listenerPath' to the agent's socket");
		goto out;
	}

	/*
	 * WAIT_KILLABLE_RECV only means something with a listener, and the kernel refuses
	 * it without one; libseccomp likewise passes it only with NEW_LISTENER.
	 */
	unsigned flags = s->flags | (log ? SCPROF_FLAG_LOG : 0);
	if (!notify)
		flags &= ~SCPROF_FLAG_WAIT_KILLABLE_RECV;
	unsigned missing;
	/* TSYNC synchronises threads CMD does not have yet: harmless, and kept as asked */
	scprof_seccomp_flags_supported(flags, &missing);
	if (missing && !best_effort) {
		cli_error(
			"the kernel does not accept the seccomp flags 0x%x the profile asks for; --best-effort drops them",
			missing);
		goto out;
	}
	if (missing)
		cli_warning("dropping seccomp flags 0x%x the kernel does not accept", missing);
	sb.flags = flags & ~missing;
	/* "unconfined" means no filter at all, as with runc and Docker */
	sb.prog = strcmp(src, "unconfined") ? prog : NULL;
	/* no container here: the id names this run, the bundle is where it runs */
	struct scprof_sandbox_listener listener = { p->listener_path, p->listener_metadata };
	if (notify) {
		listener.id = run_id = xasprintf("scprof-run-%d", (int)getpid());
		cwd = getcwd(NULL, 0);
		listener.bundle = cwd ? cwd : "/";
		sb.listener = &listener;
	}

	/* the kernel's own record names what seccomp stopped; read only what comes after now */
	/* the audit multicast group has every record; /dev/kmsg what printk's rate limit let by */
	struct audit_tune tune = { 0 };
	/* --log and --audit report CMD's records: an audit session of its own tells them apart */
	char loginuid[16];
	if (log || audit) {
		audit_session_loginuid(loginuid, sizeof(loginuid));
		sb.loginuid = loginuid;
	}
	bool every_record = audit_reader_open_netlink(RECORDS_RCVBUF, &kmsg, NULL) == 0;
	if (!every_record) {
		if (audit_reader_open_kmsg(NULL, false, &kmsg, NULL) < 0)
			kmsg = NULL;
		/* with --log and --audit every record counts: no rate limit for the run */
		if (kmsg && (log || audit))
			audit_tune_lift(&tune, true, false);
	}

	struct sigaction sa = { .sa_handler = forward }, old[4];
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	int exec_errno;
	pid_t pid = scprof_sandbox_spawn(&sb, cmd, &exec_errno, &err);
	child_pid = pid;
	/* CMD's own session, if writing the login uid gave it one */
	uint32_t ses = UINT32_MAX;
	if (pid > 0 && sb.loginuid && (ses = audit_session_of(pid)) == audit_session_of(getpid()))
		ses = UINT32_MAX;
	/* a signal in the meantime is CMD's too */
	if (pid > 0 && pending)
		kill(pid, pending);
	if (child_pid < 0) {
		cli_report(err);
		status = !exec_errno ? EXIT_SETUP : exec_errno == ENOENT ? 127 : 126;
		goto restore;
	}
	int ws;
	while (waitpid(child_pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(ws)) {
		status = WEXITSTATUS(ws);
	} else {
		status = 128 + WTERMSIG(ws);
		if (WTERMSIG(ws) == SIGSYS && kmsg)
			report_records(kmsg, child_pid, ses, cmd[0], src, p, s, true,
				       !(sb.flags & SCPROF_FLAG_LOG) &&
					       uses_action(s, SCPROF_RET_TRAP),
				       every_record);
		else if (WTERMSIG(ws) == SIGSYS)
			cli_error(
				"'%s' was killed by SIGSYS, by seccomp (no access to /dev/kmsg to say which call)",
				cmd[0]);
	}
	if ((log || audit) && kmsg)
		report_records(kmsg, child_pid, ses, cmd[0], src, p, s, false, false, every_record);
restore:
	audit_tune_restore(&tune);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
out:
	free(run_id);
	free(cwd);
	audit_reader_free(kmsg);
	scprof_bpf_free(prog);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	scprof_pod_context_free(pr.pc);
	free(pr.sysctls);
	return status;
}
