// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The semantic view: what Docker and runc make of a profile.
 *
 *   1. Target architectures: the context's, else `architectures` or the archMap
 *      entry of the native architecture (its architecture and subArchitectures);
 *      the native one is always in the filter, since libseccomp starts with it.
 *   2. A rule applies when its includes hold (all caps present, native arch
 *      listed, kernel >= minKernel) and no exclude does (moby's seccomp_linux.go).
 *   3. Its action becomes a kernel return value (SCMP_ACT_KILL is KILL_THREAD;
 *      ERRNO and TRACE default to EPERM as in runc); a rule equal to the default
 *      is dropped, as libseccomp refuses it.
 *   4. A name unknown on an architecture is skipped there.
 *   5. Two conditions on one argument index make runc add every condition of the
 *      rule as a rule of its own (libcontainer/seccomp), so they are ORed.
 */
#include <sys/utsname.h>

#include "profile/profile.h"
#include "scprof/semantic.h"

/* Docker's default capabilities (moby oci/caps/defaults.go). */
static const int docker_default_caps[] = {
	0 /* CHOWN */,
	1 /* DAC_OVERRIDE */,
	4 /* FSETID */,
	3 /* FOWNER */,
	27 /* MKNOD */,
	13 /* NET_RAW */,
	6 /* SETGID */,
	7 /* SETUID */,
	31 /* SETFCAP */,
	8 /* SETPCAP */,
	10 /* NET_BIND_SERVICE */,
	18 /* SYS_CHROOT */,
	5 /* KILL */,
	29 /* AUDIT_WRITE */,
};

int scprof_kernel_parse(const char *s, unsigned *major, unsigned *minor)
{
	unsigned a, b;
	int used = 0;
	if (sscanf(s, "%u.%u%n", &a, &b, &used) != 2)
		return -EINVAL;
	if (s[used] && s[used] != '.' && s[used] != '-' && s[used] != '+')
		return -EINVAL;
	*major = a;
	*minor = b;
	return 0;
}

void scprof_context_init(struct scprof_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->native = scprof_arch_native();
	for (size_t i = 0; i < ARRAY_SIZE(docker_default_caps); i++)
		ctx->caps |= 1ULL << docker_default_caps[i];
	struct utsname u;
	if (uname(&u) == 0)
		scprof_kernel_parse(u.release, &ctx->kernel_major, &ctx->kernel_minor);
}

int scprof_caps_parse(const char *list, uint64_t *caps, struct scprof_error **err)
{
	*caps = 0;
	if (!strcasecmp(list, "ALL")) {
		for (int i = 0; i <= scprof_cap_last(); i++)
			*caps |= 1ULL << i;
		return 0;
	}
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int c = scprof_cap_by_name(tok);
		if (c < 0)
			return error_set(err, -EINVAL, "unknown capability '%s'", tok);
		*caps |= 1ULL << c;
	}
	return 0;
}

static bool kernel_at_least(const struct scprof_context *ctx, const char *v)
{
	unsigned maj, min;
	if (scprof_kernel_parse(v, &maj, &min) < 0)
		return false;
	return ctx->kernel_major > maj || (ctx->kernel_major == maj && ctx->kernel_minor >= min);
}

static bool has_cap(const struct scprof_context *ctx, const char *name)
{
	int c = scprof_cap_by_name(name);
	return c >= 0 && c < 64 && (ctx->caps & (1ULL << c));
}

static bool arch_listed(char *const *arches, size_t n, const struct scprof_arch *native)
{
	for (size_t i = 0; i < n; i++)
		if (native && scprof_arch_by_name(arches[i]) == native)
			return true;
	return false;
}

/* moby profiles/seccomp: includes must all hold, any exclude drops the rule. */
static bool rule_applies(const struct scprof_rule *r, const struct scprof_context *ctx)
{
	const struct scprof_filter *ex = &r->excludes, *in = &r->includes;
	if (ex->n_arches && arch_listed(ex->arches, ex->n_arches, ctx->native))
		return false;
	for (size_t i = 0; i < ex->n_caps; i++)
		if (has_cap(ctx, ex->caps[i]))
			return false;
	if (ex->min_kernel && kernel_at_least(ctx, ex->min_kernel))
		return false;
	if (in->n_arches && !arch_listed(in->arches, in->n_arches, ctx->native))
		return false;
	for (size_t i = 0; i < in->n_caps; i++)
		if (!has_cap(ctx, in->caps[i]))
			return false;
	if (in->min_kernel && !kernel_at_least(ctx, in->min_kernel))
		return false;
	return true;
}

static uint32_t action_ret(enum scprof_action a, uint32_t data)
{
	switch (a) {
	case SCPROF_ACT_KILL_PROCESS:
		return SCPROF_RET_KILL_PROCESS;
	case SCPROF_ACT_KILL_THREAD:
	case SCPROF_ACT_KILL:
		return SCPROF_RET_KILL_THREAD;
	case SCPROF_ACT_TRAP:
		return SCPROF_RET_TRAP;
	case SCPROF_ACT_ERRNO:
		return SCPROF_RET_ERRNO | (data & SCPROF_RET_DATA);
	case SCPROF_ACT_NOTIFY:
		return SCPROF_RET_USER_NOTIF;
	case SCPROF_ACT_TRACE:
		return SCPROF_RET_TRACE | (data & SCPROF_RET_DATA);
	case SCPROF_ACT_LOG:
		return SCPROF_RET_LOG;
	case SCPROF_ACT_ALLOW:
	case SCPROF_ACT_INVALID:
		break;
	}
	return SCPROF_RET_ALLOW;
}

uint32_t scprof_rule_ret(const struct scprof_rule *r)
{
	return action_ret(r->action, rule_errno(r));
}

uint32_t scprof_default_ret(const struct scprof_profile *p)
{
	uint32_t data = EPERM;
	if (p->has_default_errno_ret)
		data = p->default_errno_ret;
	else if (p->default_errno && scprof_errno_by_name(p->default_errno) >= 0)
		data = (uint32_t)scprof_errno_by_name(p->default_errno);
	return action_ret(p->default_action, data);
}

static void add_arch(struct scprof_semantic *s, const struct scprof_arch *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < s->n_arches; i++)
		if (s->arches[i].arch == a)
			return;
	s->arches = xrealloc(s->arches, (s->n_arches + 1) * sizeof(*s->arches));
	s->arches[s->n_arches++] = (struct scprof_sem_arch){ .arch = a };
}

static void pick_arches(struct scprof_semantic *s, const struct scprof_profile *p,
			const struct scprof_context *ctx)
{
	if (ctx->n_arches) {
		for (size_t i = 0; i < ctx->n_arches; i++)
			add_arch(s, ctx->arches[i]);
		return;
	}
	add_arch(s, ctx->native);
	for (size_t i = 0; i < p->n_architectures; i++)
		add_arch(s, scprof_arch_by_name(p->architectures[i]));
	for (size_t i = 0; i < p->n_arch_map; i++) {
		if (scprof_arch_by_name(p->arch_map[i].arch) != ctx->native)
			continue;
		for (size_t j = 0; j < p->arch_map[i].n_sub; j++)
			add_arch(s, scprof_arch_by_name(p->arch_map[i].sub[j]));
	}
}

static struct scprof_sem_syscall *get_syscall(struct scprof_sem_arch *a, const char *name, int nr,
					      size_t *alloc)
{
	/* only for numbers outside the table's range, which no real name has */
	for (size_t i = 0; i < a->n_syscalls; i++)
		if (a->syscalls[i].nr == nr)
			return &a->syscalls[i];
	GROW(a->syscalls, *alloc, a->n_syscalls + 1);
	struct scprof_sem_syscall *sc = &a->syscalls[a->n_syscalls++];
	*sc = (struct scprof_sem_syscall){ .name = name, .nr = nr };
	return sc;
}

static void add_rule(struct scprof_sem_syscall *sc, uint32_t action, const struct scprof_arg *args,
		     size_t n, size_t origin)
{
	sc->rules = xrealloc(sc->rules, (sc->n_rules + 1) * sizeof(*sc->rules));
	struct scprof_sem_rule *r = &sc->rules[sc->n_rules++];
	r->action = action;
	r->rule = origin;
	r->n_conds = n;
	r->conds = n ? xmalloc(n * sizeof(*r->conds)) : NULL;
	for (size_t i = 0; i < n; i++)
		r->conds[i] = (struct scprof_cond){ args[i].index, args[i].op, args[i].value,
						    args[i].value_two };
}

/*
 * libseccomp does not try a syscall's rules in the order they were added: it
 * merges them into one decision tree.  A rule without conditions replaces all
 * rules with conditions; otherwise conditions on higher argument indexes are
 * tested first, and on one index EQ, NE and MASKED_EQ before LT and LE, before
 * GT and GE.  Ordering each rule's conditions that way and the rules by them
 * gives the order the program tests them in (the differential test checks this
 * against the generated programs and the live kernel).
 */
static int op_class(enum scprof_op op)
{
	switch (op) {
	case SCPROF_OP_EQ:
	case SCPROF_OP_NE:
	case SCPROF_OP_MASKED_EQ:
		return 0;
	case SCPROF_OP_LT:
	case SCPROF_OP_LE:
		return 1;
	default:
		return 2;
	}
}

static int cond_order(const void *a, const void *b)
{
	const struct scprof_cond *x = a, *y = b;
	if (x->index != y->index)
		return x->index > y->index ? -1 : 1;
	return op_class(x->op) - op_class(y->op);
}

static int rule_order(const struct scprof_sem_rule *x, const struct scprof_sem_rule *y)
{
	if (!x->n_conds || !y->n_conds)
		return (int)(x->n_conds != 0) - (int)(y->n_conds != 0);
	for (size_t i = 0; i < x->n_conds && i < y->n_conds; i++) {
		int c = cond_order(&x->conds[i], &y->conds[i]);
		if (c)
			return c;
	}
	return 0;
}

static void order_rules(struct scprof_sem_syscall *sc)
{
	for (size_t i = 0; i < sc->n_rules; i++)
		if (sc->rules[i].n_conds > 1)
			qsort(sc->rules[i].conds, sc->rules[i].n_conds, sizeof(struct scprof_cond),
			      cond_order);
	/* stable insertion sort: rules that compare equal keep the profile's order */
	for (size_t i = 1; i < sc->n_rules; i++) {
		struct scprof_sem_rule r = sc->rules[i];
		size_t j = i;
		while (j > 0 && rule_order(&sc->rules[j - 1], &r) > 0) {
			sc->rules[j] = sc->rules[j - 1];
			j--;
		}
		sc->rules[j] = r;
	}
	/* an unconditional rule replaces the conditional ones */
	if (sc->n_rules > 1 && !sc->rules[0].n_conds) {
		for (size_t i = 1; i < sc->n_rules; i++)
			free(sc->rules[i].conds);
		sc->n_rules = 1;
	}
}

static int syscall_cmp(const void *a, const void *b)
{
	const struct scprof_sem_syscall *x = a, *y = b;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static bool repeated_index(const struct scprof_rule *r)
{
	unsigned seen = 0;
	for (size_t i = 0; i < r->n_args; i++) {
		if (seen & (1U << r->args[i].index))
			return true;
		seen |= 1U << r->args[i].index;
	}
	return false;
}

/* Per-architecture index from syscall number to slot, for large profiles. */
struct slot_index {
	int *slot; /* nr - base -> syscall index + 1, 0 when none */
	int base, span;
};

static void build_arch(struct scprof_sem_arch *sa, const struct scprof_profile *p,
		       const struct scprof_context *ctx, uint32_t dflt, const bool *applies)
{
	const struct scprof_arch *arch = sa->arch;
	size_t alloc = 0;
	struct slot_index idx = { .base = arch->nr_min, .span = arch->nr_max - arch->nr_min + 1 };
	if (idx.span <= 0 || idx.span > (1 << 20))
		idx.span = 0;
	idx.slot = idx.span ? xcalloc((size_t)idx.span, sizeof(int)) : NULL;
	sa->max_named = -1;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct scprof_rule *r = &p->rules[i];
		if (!applies[i])
			continue;
		uint32_t ret = scprof_rule_ret(r);
		bool split = repeated_index(r);
		for (size_t j = 0; j < r->n_names; j++) {
			int nr = scprof_syscall_nr(arch, r->names[j].name);
			if (nr < 0)
				continue;
			if (nr > sa->max_named)
				sa->max_named = nr;
			if (ret == dflt)
				continue;
			struct scprof_sem_syscall *sc;
			long off = (long)nr - idx.base;
			if (idx.span && off >= 0 && off < idx.span) {
				if (!idx.slot[off]) {
					GROW(sa->syscalls, alloc, sa->n_syscalls + 1);
					sa->syscalls[sa->n_syscalls] = (struct scprof_sem_syscall){
						.name = scprof_syscall_name(arch, nr), .nr = nr
					};
					idx.slot[off] = (int)++sa->n_syscalls;
				}
				sc = &sa->syscalls[idx.slot[off] - 1];
			} else {
				sc = get_syscall(sa, scprof_syscall_name(arch, nr), nr, &alloc);
			}
			if (split)
				for (size_t k = 0; k < r->n_args; k++)
					add_rule(sc, ret, &r->args[k], 1, i);
			else
				add_rule(sc, ret, r->args, r->n_args, i);
		}
	}
	free(idx.slot);
	for (size_t i = 0; i < sa->n_syscalls; i++)
		order_rules(&sa->syscalls[i]);
	if (sa->n_syscalls > 1)
		qsort(sa->syscalls, sa->n_syscalls, sizeof(*sa->syscalls), syscall_cmp);
}

int scprof_semantic_build(const struct scprof_profile *p, const struct scprof_context *ctx,
			  struct scprof_semantic **out, struct scprof_diags *diags,
			  struct scprof_error **err)
{
	if (p->default_action == SCPROF_ACT_INVALID)
		return error_set(err, -EINVAL, "profile has no valid defaultAction");
	if (!ctx->native && !ctx->n_arches)
		return error_set(err, -EINVAL, "no architecture to build the filter for");

	struct scprof_semantic *s = xcalloc(1, sizeof(*s));
	s->default_action = scprof_default_ret(p);
	for (size_t i = 0; i < p->n_flags; i++) {
		const char *f = p->flags[i];
		if (!strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC"))
			s->flags |= SCPROF_FLAG_TSYNC;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_LOG"))
			s->flags |= SCPROF_FLAG_LOG;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			s->flags |= SCPROF_FLAG_SPEC_ALLOW;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			s->flags |= SCPROF_FLAG_WAIT_KILLABLE_RECV;
	}
	pick_arches(s, p, ctx);
	for (size_t i = 0; i < s->n_arches; i++)
		if (!s->arches[i].arch->has_table) {
			int r = error_set(
				err, -EOPNOTSUPP,
				"architecture '%s' is not known to the libseccomp scprof was built with",
				s->arches[i].arch->name);
			scprof_semantic_free(s);
			return r;
		}

	bool *applies = xcalloc(p->n_rules ? p->n_rules : 1, sizeof(bool));
	for (size_t i = 0; i < p->n_rules; i++)
		applies[i] = p->rules[i].action != SCPROF_ACT_INVALID &&
			     rule_applies(&p->rules[i], ctx);
	for (size_t i = 0; i < s->n_arches; i++)
		build_arch(&s->arches[i], p, ctx, s->default_action, applies);

	/* names no target architecture has are skipped by runtimes: say so once each */
	if (diags) {
		for (size_t i = 0; i < p->n_rules; i++) {
			if (!applies[i])
				continue;
			const struct scprof_rule *r = &p->rules[i];
			for (size_t j = 0; j < r->n_names; j++) {
				bool found = false;
				for (size_t k = 0; k < s->n_arches && !found; k++)
					found = scprof_syscall_nr(s->arches[k].arch,
								  r->names[j].name) >= 0;
				if (!found)
					scprof_diags_add(
						diags, SCPROF_SEV_WARNING, r->names[j].line,
						r->names[j].col,
						"syscall '%s' does not exist on the target architectures; skipped",
						r->names[j].name);
			}
		}
	}
	free(applies);
	*out = s;
	return 0;
}

void scprof_semantic_free(struct scprof_semantic *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_arches; i++) {
		struct scprof_sem_arch *a = &s->arches[i];
		for (size_t j = 0; j < a->n_syscalls; j++) {
			for (size_t k = 0; k < a->syscalls[j].n_rules; k++)
				free(a->syscalls[j].rules[k].conds);
			free(a->syscalls[j].rules);
		}
		free(a->syscalls);
	}
	free(s->arches);
	free(s);
}

const struct scprof_sem_arch *scprof_semantic_arch(const struct scprof_semantic *s,
						   const struct scprof_arch *arch)
{
	for (size_t i = 0; i < s->n_arches; i++)
		if (s->arches[i].arch == arch)
			return &s->arches[i];
	return NULL;
}

const struct scprof_sem_syscall *scprof_semantic_syscall(const struct scprof_sem_arch *a, int nr)
{
	size_t lo = 0, hi = a->n_syscalls;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->syscalls[mid].nr == nr)
			return &a->syscalls[mid];
		if (a->syscalls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool scprof_cond_match(const struct scprof_cond *c, uint64_t v, unsigned bits)
{
	uint64_t a = c->value, b = c->value_two;
	if (bits == 32) {
		/* libseccomp compares only the low word on 32-bit architectures */
		v &= 0xffffffffULL;
		a &= 0xffffffffULL;
		b &= 0xffffffffULL;
	}
	switch (c->op) {
	case SCPROF_OP_NE:
		return v != a;
	case SCPROF_OP_LT:
		return v < a;
	case SCPROF_OP_LE:
		return v <= a;
	case SCPROF_OP_EQ:
		return v == a;
	case SCPROF_OP_GE:
		return v >= a;
	case SCPROF_OP_GT:
		return v > a;
	case SCPROF_OP_MASKED_EQ:
		/* libseccomp masks valueTwo too */
		return (v & a) == (b & a);
	case SCPROF_OP_INVALID:
		break;
	}
	return false;
}

uint32_t scprof_semantic_eval(const struct scprof_semantic *s, const struct scprof_arch *arch,
			      int nr, const uint64_t args[6], const struct scprof_sem_rule **which)
{
	if (which)
		*which = NULL;
	const struct scprof_sem_arch *a = scprof_semantic_arch(s, arch);
	if (!a)
		return SCPROF_RET_KILL_THREAD;
	const struct scprof_sem_syscall *sc = scprof_semantic_syscall(a, nr);
	if (!sc)
		return s->default_action;
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct scprof_sem_rule *r = &sc->rules[i];
		bool ok = true;
		for (size_t j = 0; j < r->n_conds && ok; j++)
			ok = scprof_cond_match(&r->conds[j], args[r->conds[j].index], arch->bits);
		if (ok) {
			if (which)
				*which = r;
			return r->action;
		}
	}
	return s->default_action;
}

struct scprof_profile *scprof_profile_resolve(const struct scprof_profile *p,
					      const struct scprof_context *ctx)
{
	struct scprof_profile *r = scprof_profile_copy(p);
	struct scprof_semantic arches = { 0 };
	pick_arches(&arches, p, ctx);

	strv_free(r->architectures, r->n_architectures);
	r->architectures = NULL;
	r->n_architectures = 0;
	for (size_t i = 0; i < r->n_arch_map; i++) {
		free(r->arch_map[i].arch);
		strv_free(r->arch_map[i].sub, r->arch_map[i].n_sub);
	}
	free(r->arch_map);
	r->arch_map = NULL;
	r->n_arch_map = 0;
	for (size_t i = 0; i < arches.n_arches; i++)
		strv_add(&r->architectures, &r->n_architectures, arches.arches[i].arch->scmp_name);
	free(arches.arches);

	bool takes_data = r->default_action == SCPROF_ACT_ERRNO ||
			  r->default_action == SCPROF_ACT_TRACE;
	if (r->default_errno && takes_data && !r->has_default_errno_ret &&
	    scprof_errno_by_name(r->default_errno) >= 0) {
		r->has_default_errno_ret = true;
		r->default_errno_ret = (uint32_t)scprof_errno_by_name(r->default_errno);
	}
	free(r->default_errno);
	r->default_errno = NULL;

	size_t w = 0;
	for (size_t i = 0; i < r->n_rules; i++) {
		struct scprof_rule *rule = &r->rules[i];
		if (rule->action == SCPROF_ACT_INVALID || !rule_applies(rule, ctx)) {
			scprof_rule_release(rule);
			continue;
		}
		filter_release(&rule->includes);
		filter_release(&rule->excludes);
		if (rule->errno_name && !rule->has_errno_ret &&
		    (rule->action == SCPROF_ACT_ERRNO || rule->action == SCPROF_ACT_TRACE)) {
			rule->errno_ret = rule_errno(rule);
			rule->has_errno_ret = true;
		}
		free(rule->errno_name);
		rule->errno_name = NULL;
		r->rules[w++] = *rule;
	}
	r->n_rules = w;
	return r;
}
