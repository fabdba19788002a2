// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Profile -> BPF through libseccomp, the way runc builds a container's filter,
 * plus runc's ENOSYS stub in front of it.
 *
 * Each architecture gets its own libseccomp context with its own rules (so the
 * semantic view's per-architecture decisions hold exactly) and the contexts are
 * merged before export.  Rules go in with seccomp_rule_add_array(), not the
 * _exact variant, as runc does, so libseccomp also writes the socketcall/ipc
 * multiplexed forms on the architectures that have them.
 *
 * The stub (runc libcontainer/seccomp/patchbpf): for each architecture of the
 * filter, a syscall number above the highest one the profile names returns
 * ERRNO(ENOSYS), so that a libc probing a syscall newer than the profile (clone3,
 * faccessat2, openat2...) falls back instead of failing with the default errno.
 *
 *	ld [4]                          ; arch
 *	jeq TOKEN, 0, <next arch>       ; one block per AUDIT_ARCH token
 *	ld [0]                          ; nr
 *	jset 0x40000000, <x32>, 0       ; x86_64 token only: x32 numbers carry bit 30
 *	jgt LAST, <enosys>, 0
 *	ja <filter>
 *	...
 *	ja <filter>                     ; an architecture we do not list
 *	ret ERRNO(ENOSYS)
 *	<libseccomp's program>
 */
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

static void bpf_freep(struct scprof_bpf **p)
{
	scprof_bpf_free(*p);
}

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
				return error_set(err, r, "cannot add the rule for '%s' on %s%s: %s",
						 sc->name, a->arch->name,
						 rule_where(p, sr->rule, where, sizeof(where)),
						 r == -EEXIST ?
							 "it conflicts with an earlier rule" :
							 strerror(-r));
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
	if (size < 0 || size % sizeof(struct sock_filter))
		return error_set(err, -EIO, "libseccomp produced a program of %lld bytes",
				 (long long)size);
	struct scprof_bpf *prog = xcalloc(1, sizeof(*prog));
	prog->len = (size_t)size / sizeof(struct sock_filter);
	prog->insns = xmalloc((size_t)size ? (size_t)size : 1);
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

/* The stub's checks for one audit token, jumping to @enosys or on to the filter. */
struct stub_arch {
	uint32_t token;
	int last; /* highest named number, or -1 */
	bool has_x32; /* x86_64 token: x32 part present */
	int last_x32;
	bool has_main;
};

/*
 * Build the stub.  Jumps to ENOSYS are short (the stub is a few instructions per
 * architecture); jumps to the filter are `ja`, whose offset is 32 bits.
 */
static void build_stub(const struct stub_arch *arches, size_t n, struct prog_buf *b)
{
	size_t *fixup_filter = xcalloc(4 * n + 1, sizeof(size_t));
	size_t *fixup_enosys = xcalloc(3 * n + 1, sizeof(size_t));
	size_t nff = 0, nfe = 0;

	emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, 4);
	for (size_t i = 0; i < n; i++) {
		const struct stub_arch *a = &arches[i];
		size_t jeq = emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, a->token);
		emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
		/* s390: unknown multiplexed calls end up as number 0, the old setup slot */
		if (a->token == AUDIT_ARCH_S390_TOKEN || a->token == AUDIT_ARCH_S390X_TOKEN)
			fixup_enosys[nfe++] = emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0);
		/* x86_64 and x32 share a token: split on bit 30 even when only one of them is
		 * listed, so the other one's calls reach libseccomp's bad-arch check untouched */
		bool split = a->token == AUDIT_ARCH_X86_64_TOKEN;
		size_t jset = 0;
		if (split)
			jset = emit(b, BPF_JMP | BPF_JSET | BPF_K, 0, 0, X32_SYSCALL_BIT);
		if (a->has_main && a->last >= 0) {
			fixup_enosys[nfe++] =
				emit(b, BPF_JMP | BPF_JGT | BPF_K, 0, 0, (uint32_t)a->last);
		}
		fixup_filter[nff++] = emit(b, BPF_JMP | BPF_JA, 0, 0, 0);
		if (split) {
			b->ins[jset].jt = (uint8_t)(b->n - jset - 1);
			if (a->has_x32 && a->last_x32 >= 0)
				fixup_enosys[nfe++] = emit(b, BPF_JMP | BPF_JGT | BPF_K, 0, 0,
							   (uint32_t)a->last_x32);
			fixup_filter[nff++] = emit(b, BPF_JMP | BPF_JA, 0, 0, 0);
		}
		b->ins[jeq].jf = (uint8_t)(b->n - jeq - 1);
	}
	fixup_filter[nff++] = emit(b, BPF_JMP | BPF_JA, 0, 0, 0);
	size_t enosys = emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
	size_t filter = b->n;
	for (size_t i = 0; i < nfe; i++)
		b->ins[fixup_enosys[i]].jt = (uint8_t)(enosys - fixup_enosys[i] - 1);
	for (size_t i = 0; i < nff; i++)
		b->ins[fixup_filter[i]].k = (uint32_t)(filter - fixup_filter[i] - 1);
	free(fixup_filter);
	free(fixup_enosys);
}

static bool stub_useful(uint32_t dflt)
{
	/* runc skips it when the default lets calls through (ALLOW, LOG) or hands them to
	 * a tracer (TRACE), which is then in charge of syscalls newer than the profile */
	uint32_t act = dflt & SCPROF_RET_ACTION_FULL;
	return act != SCPROF_RET_ALLOW && act != SCPROF_RET_LOG && act != SCPROF_RET_TRACE;
}

int scprof_compile(const struct scprof_semantic *s, const struct scprof_profile *p,
		   const struct scprof_compile_opts *opts, struct scprof_bpf **out,
		   struct scprof_error **err)
{
	struct scprof_compile_opts defaults;
	int r;
	if (!opts) {
		scprof_compile_opts_init(&defaults);
		opts = &defaults;
	}
	if (!s->n_arches)
		return error_set(err, -EINVAL, "the filter has no architecture");

	/* the same attributes on every context, or seccomp_merge() refuses */
	size_t max_rules = 0;
	for (size_t i = 0; i < s->n_arches; i++) {
		size_t n = 0;
		for (size_t j = 0; j < s->arches[i].n_syscalls; j++)
			n += s->arches[i].syscalls[j].n_rules;
		if (n > max_rules)
			max_rules = n;
	}
	bool tree = max_rules > TREE_THRESHOLD;

	_cleanup_ctx_ scmp_filter_ctx all = NULL;
	for (size_t i = 0; i < s->n_arches; i++) {
		const struct scprof_sem_arch *a = &s->arches[i];
		uint32_t token = scprof_arch_scmp_token(a->arch);
		if (!token)
			return error_set(err, -EOPNOTSUPP, "libseccomp does not support %s",
					 a->arch->name);
		_cleanup_ctx_ scmp_filter_ctx c = NULL;
		r = new_ctx(s, opts, token, tree, &c, err);
		if (r < 0)
			return r;
		r = add_arch_rules(c, a, p, err);
		if (r < 0)
			return r;
		if (!all) {
			all = steal_ptr(&c);
		} else {
			r = seccomp_merge(all, c);
			if (r < 0)
				return error_set(err, r,
						 "libseccomp cannot merge the %s filter: %s",
						 a->arch->name, strerror(-r));
			c = NULL; /* seccomp_merge() released it */
		}
	}

	_cleanup_(bpf_freep) struct scprof_bpf *prog = NULL;
	r = export_bpf(all, &prog, err);
	if (r < 0)
		return r;

	if (opts->enosys_stub && stub_useful(s->default_action)) {
		struct stub_arch st[32];
		size_t n = 0;
		for (size_t i = 0; i < s->n_arches && n < ARRAY_SIZE(st); i++) {
			const struct scprof_sem_arch *a = &s->arches[i];
			bool x32 = !strcmp(a->arch->name, "x32");
			size_t j;
			for (j = 0; j < n; j++)
				if (st[j].token == a->arch->token)
					break;
			if (j == n)
				st[n++] = (struct stub_arch){ .token = a->arch->token,
							      .last = -1,
							      .last_x32 = -1 };
			if (x32) {
				st[j].has_x32 = true;
				st[j].last_x32 = a->max_named;
			} else {
				st[j].has_main = true;
				st[j].last = a->max_named;
			}
		}
		struct prog_buf b = { 0 };
		build_stub(st, n, &b);
		b.ins = xrealloc(b.ins, (b.n + prog->len) * sizeof(*b.ins));
		memcpy(b.ins + b.n, prog->insns, prog->len * sizeof(*b.ins));
		free(prog->insns);
		prog->insns = b.ins;
		prog->len += b.n;
	}

	if (prog->len > SCPROF_BPF_MAXINSNS)
		return error_set(err, -E2BIG,
				 "the filter has %zu instructions; the kernel takes at most %d",
				 prog->len, SCPROF_BPF_MAXINSNS);
	*out = steal_ptr(&prog);
	return 0;
}
