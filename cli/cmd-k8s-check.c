// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * scprof k8s check-default: is a workload ready for RuntimeDefault (the
 * kubelet's SeccompDefault)?  It runs under the default profile in audit mode,
 * and the kernel's records say what the profile would have denied.
 */
#include <signal.h>

#include "audit/record.h"
#include "cli/cli.h"
#include "scprof/compile.h"
#include "scprof/record.h"
#include "scprof/semantic.h"

static const char help[] =
	"Usage: scprof k8s check-default [OPTIONS] -- CMD [ARG...]\n"
	"\n"
	"Run CMD under a container runtime's default seccomp profile with every denial\n"
	"turned into a log entry (nothing is denied), read the kernel's records of the\n"
	"run, and report each syscall the profile would have blocked: name,\n"
	"architecture, count and the executables that made it.  Then the verdict: safe\n"
	"to enable RuntimeDefault, or the Localhost profile to use instead (the default\n"
	"profile plus what the workload needs).  Needs root (or CAP_AUDIT_CONTROL and\n"
	"CAP_AUDIT_READ): see scprof record --backend log.\n"
	"\n"
	"Options:\n"
	"  -p, --profile PROFILE  the default profile (default: runtime/default, Docker's\n"
	"                         and containerd's)\n"
	"  -o, --output FILE      write the Localhost profile to FILE when one is needed\n"
	"  -a, --arch ARCH        build for ARCH (repeatable; default: the profile's, plus\n"
	"                         native)\n"
	"      --caps LIST        the container's capabilities, for the profile's\n"
	"                         includes/excludes (default: the container runtime's set,\n"
	"                         Docker's; ALL for privileged)\n"
	"      --kernel X.Y       kernel version for minKernel (default: the running one)\n" CLI_RESOLVE_HELP
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 safe, 1 not safe (the profile would deny calls the workload\n"
	"makes), 2 usage or input error, 125 when the run cannot be set up, 126/127 when\n"
	"CMD cannot run.\n";

#define MAX_EXES 3 /* named per call; more are counted */

struct call {
	const struct scprof_arch *arch;
	int nr;
	uint64_t count;
	char *exes[MAX_EXES];
	size_t n_exes, more;
};

struct tally {
	struct call *calls;
	size_t n, alloc;
};

static void on_record(void *ctx, const struct audit_record *r)
{
	struct tally *t = ctx;
	int nr = r->syscall >= 0 && r->syscall <= INT32_MAX ? (int)r->syscall : -1;
	if (!r->arch_info || nr < 0 || r->action != AUDIT_ACTION_LOG)
		return;
	size_t i;
	for (i = 0; i < t->n && (t->calls[i].arch != r->arch_info || t->calls[i].nr != nr); i++)
		;
	if (i == t->n) {
		GROW(t->calls, t->alloc, t->n + 1);
		t->calls[t->n++] = (struct call){ .arch = r->arch_info, .nr = nr };
	}
	struct call *c = &t->calls[i];
	c->count++;
	const char *exe = r->exe ? r->exe : r->comm ? r->comm : "?";
	for (size_t k = 0; k < c->n_exes; k++)
		if (!strcmp(c->exes[k], exe))
			return;
	if (c->n_exes < MAX_EXES)
		c->exes[c->n_exes++] = xstrdup(exe);
	else
		c->more++;
}

static void profile_freep(struct scprof_profile **p)
{
	scprof_profile_free(*p);
}

static void semantic_freep(struct scprof_semantic **s)
{
	scprof_semantic_free(*s);
}

static void bpf_freep(struct scprof_bpf **b)
{
	scprof_bpf_free(*b);
}

enum why {
	WHY_DEFAULT, /* no rule names it: the default action */
	WHY_ARGS, /* rules allow it for some arguments only */
	WHY_RULE, /* a rule denies it on purpose (clone3 with ENOSYS...) */
};

/* Why @s denies @nr of @arch; *ret gets the denial (the default's, or the rule's). */
static enum why why_denied(const struct scprof_semantic *s, const struct scprof_arch *arch, int nr,
			   uint32_t *ret)
{
	const struct scprof_sem_arch *sa = scprof_semantic_arch(s, arch);
	const struct scprof_sem_syscall *sc = sa ? scprof_semantic_syscall(sa, nr) : NULL;
	*ret = s->default_action;
	if (!sc || !sc->n_rules)
		return WHY_DEFAULT;
	for (size_t i = 0; i < sc->n_rules; i++) {
		if (sc->rules[i].n_conds)
			continue;
		if ((sc->rules[i].action & SCPROF_RET_ACTION_FULL) != SCPROF_RET_ALLOW) {
			*ret = sc->rules[i].action;
			return WHY_RULE;
		}
	}
	return WHY_ARGS;
}

static int write_localhost(const struct scprof_profile *p, const struct tally *t,
			   const struct scprof_semantic *s, const char *out)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_obs *obs = scprof_obs_new();
	for (size_t i = 0; i < t->n; i++) {
		uint32_t ret;
		if (why_denied(s, t->calls[i].arch, t->calls[i].nr, &ret) != WHY_RULE)
			scprof_obs_add(obs, t->calls[i].arch, t->calls[i].nr, t->calls[i].count);
	}
	struct scprof_generate_opts g = {
		.default_action = SCPROF_ACT_ERRNO,
		.kind = p->kind,
		.exact = true,
	};
	_cleanup_(profile_freep) struct scprof_profile *patch = NULL, *local = NULL;
	int r = scprof_record_generate(obs, &g, &patch, &err);
	scprof_obs_free(obs);
	if (r < 0)
		return cli_report(err);
	local = scprof_profile_copy(p);
	scprof_record_merge(local, patch, NULL);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (scprof_profile_write(local, SCPROF_FORMAT_AUTO, 0, &text, &len, &err) < 0)
		return cli_report(err);
	return cli_write_output(out, text, len);
}

int cmd_k8s_check_default(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_CONTEXT_OPTIONS,
		{ "profile", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		CLI_RESOLVE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *src = "runtime/default", *out = NULL;
	struct scprof_context ctx;
	int c, r;
	scprof_context_init(&ctx);
	while ((c = getopt_long(argc, argv, "+a:p:o:h", opts, NULL)) != -1) {
		r = cli_context_option("k8s check-default", &ctx, c, optarg);
		if (r == 0)
			r = cli_resolve_option("k8s check-default", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'p':
			src = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("k8s check-default", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("k8s check-default", "no command to run (-- CMD)");

	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_(profile_freep) struct scprof_profile *p = NULL, *audit = NULL;
	if (cli_load_profile(src, &p) != EXIT_OK)
		return EXIT_USAGE;
	audit = scprof_profile_copy(p);
	scprof_profile_to_log_mode(audit);

	/* the profile as a container gets it: the runtime's capabilities, this machine */
	struct scprof_compile_opts copts;
	scprof_compile_opts_init(&copts);
	_cleanup_(semantic_freep) struct scprof_semantic *s = NULL, *as = NULL;
	_cleanup_(bpf_freep) struct scprof_bpf *prog = NULL;
	if (scprof_semantic_build(p, &ctx, &s, NULL, &err) < 0 ||
	    scprof_semantic_build(audit, &ctx, &as, NULL, &err) < 0 ||
	    scprof_compile(as, audit, &copts, &prog, &err) < 0) {
		cli_report(err);
		return EXIT_SETUP;
	}

	struct tally t = { 0 };
	struct scprof_record_target target = {
		.argv = argv + optind,
		.log_filter = prog,
		.on_record = on_record,
		.on_record_ctx = &t,
	};
	struct scprof_recorder *rec = NULL;
	int exec_errno = 0, status = -1;
	if (scprof_recorder_start(SCPROF_BACKEND_LOG, &target, &rec, &exec_errno, &err) < 0) {
		cli_report(err);
		return exec_errno ? (exec_errno == ENOENT ? 127 : 126) : EXIT_SETUP;
	}
	int ret;
	while ((ret = scprof_recorder_wait(rec, -1, NULL, &status, &err)) == 0)
		;
	struct scprof_obs *obs = scprof_obs_new();
	scprof_recorder_collect(rec, obs);
	scprof_obs_free(obs);
	uint64_t lost = scprof_recorder_lost(rec);
	scprof_recorder_free(rec, &status);
	if (ret < 0) {
		cli_report(err);
		return EXIT_SETUP;
	}

	size_t needed = 0;
	printf("%s under %s (in audit mode): ", argv[optind], src);
	if (!t.n)
		printf("no call the profile would deny\n");
	else
		printf("%zu call%s the profile would deny\n", t.n, t.n == 1 ? "" : "s");
	for (size_t i = 0; i < t.n; i++) {
		const struct call *k = &t.calls[i];
		const char *name = scprof_syscall_name(k->arch, k->nr);
		char act[64];
		uint32_t dec;
		enum why why = why_denied(s, k->arch, k->nr, &dec);
		audit_action_format(dec, act, sizeof(act));
		needed += why != WHY_RULE;
		printf("  %-8s %-20s %6llu  %s%s  ", k->arch->name, name ? name : "?",
		       (unsigned long long)k->count,
		       why == WHY_ARGS ? "denied for these arguments" : act,
		       why == WHY_RULE ? " (a rule of the profile)" : "");
		for (size_t e = 0; e < k->n_exes; e++)
			printf("%s%s", e ? ", " : "", k->exes[e]);
		if (k->more)
			printf(" and %zu more", k->more);
		putchar('\n');
	}
	if (lost)
		cli_warning("the kernel dropped %llu record%s of the run: run it again",
			    (unsigned long long)lost, lost == 1 ? "" : "s");
	if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		cli_warning("'%s' did not succeed (%s %d): its calls on other paths are not known",
			    argv[optind], WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));

	int rc = EXIT_OK;
	if (!needed) {
		printf("verdict: safe to enable RuntimeDefault%s\n",
		       t.n ? " (the calls above are denied on purpose by a rule of the profile, "
			     "as in a container: the program must cope)" :
			     "");
	} else {
		rc = EXIT_FINDINGS;
		printf("verdict: not safe: RuntimeDefault would deny %zu call%s the workload "
		       "makes;\n",
		       needed, needed == 1 ? "" : "s");
		if (out) {
			int w = write_localhost(p, &t, s, out);
			if (w != EXIT_OK)
				rc = w;
			else
				printf("use the Localhost profile %s instead (the default profile "
				       "plus those calls)\n",
				       out);
		} else {
			printf("use a Localhost profile instead: -o FILE writes it (the default "
			       "profile plus those calls)\n");
		}
	}
	for (size_t i = 0; i < t.n; i++)
		for (size_t e = 0; e < t.calls[i].n_exes; e++)
			free(t.calls[i].exes[e]);
	free(t.calls);
	return rc;
}
