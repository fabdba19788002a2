// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Profile -> BPF through libseccomp, the way runc builds a container's filter,
 * plus runc's ENOSYS stub in front of it.
 *
 * Each architecture gets its own libseccomp context with its own rules, so the
 * semantic view's per-architecture decisions hold exactly.  Rules go in with
 * seccomp_rule_add_array(), not the _exact variant, as runc does, so libseccomp
 * also writes the socketcall/ipc multiplexed forms where they exist.  Each
 * context is exported on its own and the programs are laid out one after the
 * other behind a dispatcher on the architecture; libseccomp's cost grows faster
 * than linearly with the architectures of one context, so this is about three
 * times quicker than one merged context for x86_64+x86+x32, for the same checks.
 *
 * The dispatcher carries runc's stub (libcontainer/seccomp/patchbpf): a syscall
 * number above the highest one the profile names on that architecture returns
 * ERRNO(ENOSYS), so that a libc probing a syscall newer than the profile (clone3,
 * faccessat2, openat2...) falls back instead of failing with the default errno.
 *
 *	ld [4]                          ; arch
 *	jeq TOKEN, 0, 1                 ; one pair per AUDIT_ARCH token
 *	ja <block TOKEN>
 *	ret BADARCH                     ; an architecture the filter does not list
 *	<block TOKEN>: ld [0]           ; nr
 *	jeq 0, <enosys>                 ; s390 and s390x: unknown multiplexed calls
 *	jset 0x40000000, <x32>          ; x86_64 token: x32 numbers carry bit 30
 *	jgt LAST, <enosys>              ; the stub, when it applies
 *	ja <program of the arch>
 *	...
 *	ret ERRNO(ENOSYS)
 *	<libseccomp's program for each architecture>
 */
#include <pthread.h>
#include <seccomp.h>
#include <sys/mman.h>

#include "scprof/compile.h"
#include "util/util.h"

#define X32_SYSCALL_BIT 0x40000000U
#define AUDIT_ARCH_X86_64_TOKEN 0xc000003eU
#define AUDIT_ARCH_S390_TOKEN 0x00000016U
#define AUDIT_ARCH_S390X_TOKEN 0x80000016U
/* runc turns libseccomp's binary tree on above this many rules */
#define TREE_THRESHOLD 32

static void ctx_release(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define _cleanup_ctx_ _cleanup_(ctx_release)

void scprof_compile_opts_init(struct scprof_compile_opts *o)
{
	o->enosys_stub = true;
	o->binary_tree = true;
}

static const char *rule_where(const struct scprof_profile *p, size_t rule, char *buf, size_t size)
{
	if (p && rule < p->n_rules && p->rules[rule].line)
		snprintf(buf, size, " (rule at line %u)", p->rules[rule].line);
	else
		snprintf(buf, size, " (rule %zu)", rule + 1);
	return buf;
}

static int new_ctx(const struct scprof_semantic *s, const struct scprof_compile_opts *o,
		   uint32_t token, bool tree, scmp_filter_ctx *out, struct scprof_error **err)
{
	_cleanup_ctx_ scmp_filter_ctx c = seccomp_init(s->default_action);
	int r;
	if (!c)
		return error_set(err, -EINVAL, "libseccomp refused the default action 0x%08x",
				 s->default_action);
	/* no_new_privs is the runner's business, not the filter's */
	r = seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0 && o->binary_tree && tree)
		r = seccomp_attr_set(c, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r == 0 && token != seccomp_arch_native()) {
		r = seccomp_arch_add(c, token);
		if (r == 0)
			r = seccomp_arch_remove(c, SCMP_ARCH_NATIVE);
	}
	if (r < 0)
		return error_set(err, r, "libseccomp: cannot set up a filter: %s", strerror(-r));
	*out = steal_ptr(&c);
	return 0;
}

static int add_arch_rules(scmp_filter_ctx c, const struct scprof_sem_arch *a,
			  const struct scprof_profile *p, struct scprof_error **err)
{
	for (size_t i = 0; i < a->n_syscalls; i++) {
		const struct scprof_sem_syscall *sc = &a->syscalls[i];
		/* libseccomp takes native numbers (or its pseudo numbers) and maps them by name */
		int nr = seccomp_syscall_resolve_name(sc->name);
		if (nr == __NR_SCMP_ERROR)
			return error_set(err, -EINVAL, "libseccomp does not know syscall '%s'",
					 sc->name);
		for (size_t j = 0; j < sc->n_rules; j++) {
			const struct scprof_sem_rule *sr = &sc->rules[j];
			struct scmp_arg_cmp cmp[6];
			if (sr->n_conds > ARRAY_SIZE(cmp))
				return error_set(err, -E2BIG, "too many conditions for '%s'",
						 sc->name);
			for (size_t k = 0; k < sr->n_conds; k++)
				cmp[k] = (struct scmp_arg_cmp){
					.arg = sr->conds[k].index,
					.op = (enum scmp_compare)sr->conds[k].op,
					.datum_a = sr->conds[k].value,
					.datum_b = sr->conds[k].value_two,
				};
			int r = seccomp_rule_add_array(c, sr->action, nr, (unsigned)sr->n_conds,
						       cmp);
			if (r < 0) {
				char where[64];
				error_set(err, r, "cannot add the rule for '%s' on %s%s: %s",
					  sc->name, a->arch->name,
					  rule_where(p, sr->rule, where, sizeof(where)),
					  r == -EEXIST ? "it conflicts with an earlier rule" :
							 strerror(-r));
				/* the position of the rule, for validate */
				if (err && *err && p && sr->rule < p->n_rules) {
					(*err)->line = p->rules[sr->rule].line;
					(*err)->col = p->rules[sr->rule].col;
				}
				return r;
			}
		}
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx c, struct scprof_bpf **out, struct scprof_error **err)
{
	_cleanup_close_ int fd = memfd_create("scprof-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return error_set(err, -errno, "memfd_create: %s", strerror(errno));
	int r = seccomp_export_bpf(c, fd);
	if (r < 0)
		return error_set(err, r, "libseccomp cannot generate the program: %s",
				 strerror(-r));
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter))
		return error_set(err, -EIO, "libseccomp produced a program of %lld bytes",
				 (long long)size);
	struct scprof_bpf *prog = xcalloc(1, sizeof(*prog));
	prog->len = (size_t)size / sizeof(struct sock_filter);
	prog->insns = xmalloc((size_t)size);
	if (pread(fd, prog->insns, (size_t)size, 0) != size) {
		scprof_bpf_free(prog);
		return error_set(err, -EIO, "cannot read back the program: %s", strerror(errno));
	}
	*out = prog;
	return 0;
}

struct prog_buf {
	struct sock_filter *ins;
	size_t n, alloc;
};

static size_t emit(struct prog_buf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	GROW(b->ins, b->alloc, b->n + 1);
	b->ins[b->n] = (struct sock_filter){ code, jt, jf, k };
	return b->n++;
}

/* One architecture's part: its program and where the stub sends numbers above @last. */
struct arch_part {
	const struct scprof_arch *arch;
	struct scprof_bpf *prog;
	int last; /* -1: no stub check */
};

/* The architectures of one AUDIT_ARCH token: x86_64 and x32 share one. */
struct token_block {
	uint32_t token;
	struct arch_part *main, *x32;
};

/* A jump to fix once the layout is known: to a program, or to the ENOSYS return. */
struct fixup {
	size_t at;
	struct arch_part *to; /* NULL: the ENOSYS return */
};

static void jump_to(struct prog_buf *b, struct fixup *f, size_t *nf, struct arch_part *to)
{
	f[(*nf)++] = (struct fixup){ emit(b, BPF_JMP | BPF_JA, 0, 0, 0), to };
}

/* Range check for one architecture, then on to its program. */
static void emit_arch(struct prog_buf *b, struct arch_part *a, uint32_t badarch, bool *enosys,
		      struct fixup *f, size_t *nf)
{
	if (!a) {
		emit(b, BPF_RET | BPF_K, 0, 0, badarch);
		return;
	}
	if (a->last >= 0) {
		f[(*nf)++] =
			(struct fixup){ emit(b, BPF_JMP | BPF_JGT | BPF_K, 0, 0, (uint32_t)a->last),
					NULL };
		*enosys = true;
	}
	jump_to(b, f, nf, a);
}

/* One architecture's libseccomp run, possibly on a thread of its own. */
struct arch_job {
	const struct scprof_semantic *s;
	const struct scprof_sem_arch *a;
	const struct scprof_profile *p;
	const struct scprof_compile_opts *opts;
	bool tree;
	struct arch_part *part;
	pthread_t thread;
	bool started;
	int r;
	uint32_t badarch;
	struct scprof_error *err;
};

static void *arch_job_run(void *arg)
{
	struct arch_job *j = arg;
	uint32_t token = scprof_arch_scmp_token(j->a->arch);
	_cleanup_ctx_ scmp_filter_ctx c = NULL;
	if (!token) {
		j->r = error_set(&j->err, -EOPNOTSUPP, "libseccomp does not support %s",
				 j->a->arch->name);
		return NULL;
	}
	j->r = new_ctx(j->s, j->opts, token, j->tree, &c, &j->err);
	if (j->r == 0)
		j->r = add_arch_rules(c, j->a, j->p, &j->err);
	if (j->r == 0)
		j->r = seccomp_attr_get(c, SCMP_FLTATR_ACT_BADARCH, &j->badarch);
	if (j->r == 0)
		j->r = export_bpf(c, &j->part->prog, &j->err);
	return NULL;
}

static bool stub_useful(uint32_t dflt)
{
	/* runc skips it when the default lets calls through (ALLOW, LOG) or hands them to
	 * a tracer (TRACE), which is then in charge of syscalls newer than the profile */
	uint32_t act = dflt & SCPROF_RET_ACTION_FULL;
	return act != SCPROF_RET_ALLOW && act != SCPROF_RET_LOG && act != SCPROF_RET_TRACE;
}

static void lay_out(struct token_block *blocks, size_t nb, struct arch_part *parts, size_t np,
		    uint32_t badarch, struct prog_buf *b)
{
	struct fixup *f = xcalloc(6 * nb + 2, sizeof(*f));
	size_t nf = 0, *block_at = xcalloc(nb, sizeof(size_t));
	size_t *block_jump = xcalloc(nb, sizeof(size_t));
	bool enosys = false;

	emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, 4);
	for (size_t i = 0; i < nb; i++) {
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, blocks[i].token);
		block_jump[i] = emit(b, BPF_JMP | BPF_JA, 0, 0, 0);
	}
	emit(b, BPF_RET | BPF_K, 0, 0, badarch);
	for (size_t i = 0; i < nb; i++) {
		struct token_block *t = &blocks[i];
		block_at[i] = b->n;
		emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
		if ((t->token == AUDIT_ARCH_S390_TOKEN || t->token == AUDIT_ARCH_S390X_TOKEN) &&
		    t->main && t->main->last >= 0) {
			f[nf++] =
				(struct fixup){ emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), NULL };
			enosys = true;
		}
		if (t->token == AUDIT_ARCH_X86_64_TOKEN) {
			size_t jset = emit(b, BPF_JMP | BPF_JSET | BPF_K, 0, 0, X32_SYSCALL_BIT);
			emit_arch(b, t->main, badarch, &enosys, f, &nf);
			b->ins[jset].jt = (uint8_t)(b->n - jset - 1);
			emit_arch(b, t->x32, badarch, &enosys, f, &nf);
		} else {
			emit_arch(b, t->main, badarch, &enosys, f, &nf);
		}
	}
	size_t enosys_at = enosys ? emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS) : 0;
	size_t *part_at = xcalloc(np, sizeof(size_t));
	for (size_t i = 0; i < np; i++) {
		part_at[i] = b->n;
		GROW(b->ins, b->alloc, b->n + parts[i].prog->len);
		memcpy(b->ins + b->n, parts[i].prog->insns, parts[i].prog->len * sizeof(*b->ins));
		b->n += parts[i].prog->len;
	}
	for (size_t i = 0; i < nb; i++)
		b->ins[block_jump[i]].k = (uint32_t)(block_at[i] - block_jump[i] - 1);
	for (size_t i = 0; i < nf; i++) {
		struct sock_filter *ins = &b->ins[f[i].at];
		if (!f[i].to) /* conditional, within the dispatcher: short */
			ins->jt = (uint8_t)(enosys_at - f[i].at - 1);
		else
			ins->k = (uint32_t)(part_at[f[i].to - parts] - f[i].at - 1);
	}
	free(part_at);
	free(block_at);
	free(block_jump);
	free(f);
}

int scprof_compile(const struct scprof_semantic *s, const struct scprof_profile *p,
		   const struct scprof_compile_opts *opts, struct scprof_bpf **out,
		   struct scprof_error **err)
{
	struct scprof_compile_opts defaults;
	int r = 0;
	if (!opts) {
		scprof_compile_opts_init(&defaults);
		opts = &defaults;
	}
	if (!s->n_arches)
		return error_set(err, -EINVAL, "the filter has no architecture");
	if (s->n_arches > 32)
		return error_set(err, -E2BIG, "too many architectures");

	/*
	 * runc: len(config.Syscalls) > 32, the rules Docker passed on after
	 * includes/excludes.  That counts rules, not syscalls: runtime/default has
	 * about 20 rules for some 360 syscalls, a recorded profile one rule for all,
	 * and the linear program then compares a denied or argument-checked call
	 * with every number before it (bench/filter-cost.c: 25-35% slower than the
	 * tree).  The tree decides the same, so the architecture scprof runs on,
	 * whose calls are the ones `scprof run` filters, takes it for many syscalls
	 * too; compat ones keep runc's choice, as a tree costs about 0.2 ms more to
	 * build.
	 */
	bool tree = s->n_profile_rules > TREE_THRESHOLD;
	bool stub = opts->enosys_stub && stub_useful(s->default_action);

	struct arch_part parts[32] = { 0 };
	struct token_block blocks[32] = { 0 };
	struct arch_job jobs[32];
	size_t np = s->n_arches, nb = 0;
	uint32_t badarch = SCPROF_RET_KILL_THREAD;

	/*
	 * libseccomp's generation is most of the time spent here and its contexts are
	 * independent: build the architectures in parallel, one thread each.
	 */
	for (size_t i = 0; i < np; i++) {
		jobs[i] = (struct arch_job){ .s = s,
					     .a = &s->arches[i],
					     .p = p,
					     .opts = opts,
					     .tree = tree ||
						     (s->arches[i].arch == scprof_arch_native() &&
						      s->arches[i].n_syscalls > TREE_THRESHOLD),
					     .part = &parts[i] };
		jobs[i].started =
			i > 0 && pthread_create(&jobs[i].thread, NULL, arch_job_run, &jobs[i]) == 0;
	}
	arch_job_run(&jobs[0]);
	for (size_t i = 1; i < np; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		else
			arch_job_run(&jobs[i]);
	}
	for (size_t i = 0; i < np; i++) {
		if (jobs[i].r < 0 && r == 0) {
			r = jobs[i].r;
			if (err) {
				*err = jobs[i].err;
				jobs[i].err = NULL;
			}
		}
		scprof_error_free(jobs[i].err);
	}
	for (size_t i = 0; i < np && r == 0; i++) {
		const struct scprof_sem_arch *a = &s->arches[i];
		badarch = jobs[i].badarch;
		parts[i].arch = a->arch;
		parts[i].last = stub ? a->max_named : -1;
		size_t j;
		for (j = 0; j < nb && blocks[j].token != a->arch->token; j++)
			;
		if (j == nb)
			blocks[nb++].token = a->arch->token;
		if (!strcmp(a->arch->name, "x32"))
			blocks[j].x32 = &parts[i];
		else
			blocks[j].main = &parts[i];
	}

	if (r == 0) {
		struct prog_buf b = { 0 };
		lay_out(blocks, nb, parts, np, badarch, &b);
		if (b.n > SCPROF_BPF_MAXINSNS) {
			r = error_set(
				err, -E2BIG,
				"the filter has %zu instructions; the kernel takes at most %d", b.n,
				SCPROF_BPF_MAXINSNS);
			free(b.ins);
		} else {
			struct scprof_bpf *prog = xcalloc(1, sizeof(*prog));
			prog->insns = b.ins;
			prog->len = b.n;
			*out = prog;
		}
	}
	for (size_t i = 0; i < np; i++)
		scprof_bpf_free(parts[i].prog);
	return r;
}
