// SPDX-License-Identifier: LGPL-2.1-or-later
/* Differences in meaning between two semantic views, syscall by syscall. */
#include "profile/profile.h"
#include "scprof/bpf.h"
#include "scprof/semantic.h"

static const char *op_text(enum scprof_op op)
{
	switch (op) {
	case SCPROF_OP_NE:
		return "!=";
	case SCPROF_OP_LT:
		return "<";
	case SCPROF_OP_LE:
		return "<=";
	case SCPROF_OP_EQ:
		return "==";
	case SCPROF_OP_GE:
		return ">=";
	case SCPROF_OP_GT:
		return ">";
	case SCPROF_OP_MASKED_EQ:
	case SCPROF_OP_INVALID:
		break;
	}
	return "?";
}

static char *rule_text(const struct scprof_sem_rule *r)
{
	char act[64];
	struct strbuf sb = STRBUF_INIT;
	scprof_action_format(r->action, act, sizeof(act));
	strbuf_adds(&sb, act);
	for (size_t i = 0; i < r->n_conds; i++) {
		const struct scprof_cond *c = &r->conds[i];
		strbuf_adds(&sb, i ? " && " : " if ");
		if (c->op == SCPROF_OP_MASKED_EQ)
			strbuf_addf(&sb, "arg%u & 0x%" PRIx64 " == 0x%" PRIx64, c->index, c->value,
				    c->value_two);
		else
			strbuf_addf(&sb, "arg%u %s 0x%" PRIx64, c->index, op_text(c->op), c->value);
	}
	return strbuf_detach(&sb);
}

static int str_qcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *scprof_semantic_describe(const struct scprof_semantic *s, const struct scprof_sem_arch *a,
			       const struct scprof_sem_syscall *sc)
{
	char dflt[64];
	scprof_action_format(s->default_action, dflt, sizeof(dflt));
	if (!a)
		return xstrdup("(architecture not in the filter)");
	if (!sc || !sc->n_rules)
		return xstrdup(dflt);
	/* an unconditional rule decides alone */
	for (size_t i = 0; i < sc->n_rules; i++)
		if (!sc->rules[i].n_conds)
			return rule_text(&sc->rules[i]);
	char **parts = xmalloc(sc->n_rules * sizeof(*parts));
	for (size_t i = 0; i < sc->n_rules; i++)
		parts[i] = rule_text(&sc->rules[i]);
	qsort(parts, sc->n_rules, sizeof(*parts), str_qcmp);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < sc->n_rules; i++)
		if (!i || strcmp(parts[i], parts[i - 1]))
			strbuf_addf(&sb, "%s; ", parts[i]);
	for (size_t i = 0; i < sc->n_rules; i++)
		free(parts[i]);
	free(parts);
	strbuf_addf(&sb, "else %s", dflt);
	return strbuf_detach(&sb);
}

static bool allows(uint32_t ret)
{
	uint32_t act = ret & SCPROF_RET_ACTION_FULL;
	return act == SCPROF_RET_ALLOW || act == SCPROF_RET_LOG;
}

/* How a syscall fares: 2 allowed unconditionally, 0 never allowed, 1 in between. */
static int allowedness(const struct scprof_semantic *s, const struct scprof_sem_arch *a,
		       const struct scprof_sem_syscall *sc)
{
	if (!a)
		return 0;
	if (!sc || !sc->n_rules)
		return allows(s->default_action) ? 2 : 0;
	bool any = allows(s->default_action), all = any;
	for (size_t i = 0; i < sc->n_rules; i++) {
		bool al = allows(sc->rules[i].action);
		if (!sc->rules[i].n_conds)
			return al ? 2 : 0;
		any |= al;
		all &= al;
	}
	return all ? 2 : any ? 1 : 0;
}

static void add(struct scprof_difference **out, size_t *n, size_t *alloc,
		struct scprof_difference d)
{
	GROW(*out, *alloc, *n + 1);
	(*out)[(*n)++] = d;
}

static void diff_arch(const struct scprof_semantic *a, const struct scprof_semantic *b,
		      const struct scprof_arch *arch, struct scprof_difference **out, size_t *n,
		      size_t *alloc)
{
	const struct scprof_sem_arch *aa = scprof_semantic_arch(a, arch);
	const struct scprof_sem_arch *ba = scprof_semantic_arch(b, arch);
	if (!aa || !ba) {
		add(out, n, alloc,
		    (struct scprof_difference){
			    arch, NULL, -1, xstrdup(aa ? "in the filter" : "not in the filter"),
			    xstrdup(ba ? "in the filter" : "not in the filter"),
			    aa ? SCPROF_CHANGE_DENIED : SCPROF_CHANGE_ALLOWED });
		return;
	}
	if (a->default_action != b->default_action) {
		char x[64], y[64];
		scprof_action_format(a->default_action, x, sizeof(x));
		scprof_action_format(b->default_action, y, sizeof(y));
		int ra = allows(a->default_action) ? 2 : 0, rb = allows(b->default_action) ? 2 : 0;
		add(out, n, alloc,
		    (struct scprof_difference){ arch, NULL, -1, xstrdup(x), xstrdup(y),
						rb > ra ? SCPROF_CHANGE_ALLOWED :
						rb < ra ? SCPROF_CHANGE_DENIED :
							  SCPROF_CHANGE_CHANGED });
	}
	/* walk both sorted syscall lists together */
	size_t i = 0, j = 0;
	while (i < aa->n_syscalls || j < ba->n_syscalls) {
		const struct scprof_sem_syscall *x = i < aa->n_syscalls ? &aa->syscalls[i] : NULL;
		const struct scprof_sem_syscall *y = j < ba->n_syscalls ? &ba->syscalls[j] : NULL;
		if (x && y && x->nr != y->nr) {
			if (x->nr < y->nr)
				y = NULL;
			else
				x = NULL;
		}
		const struct scprof_sem_syscall *one = x ? x : y;
		i += x != NULL;
		j += y != NULL;
		char *da = scprof_semantic_describe(a, aa, x);
		char *db = scprof_semantic_describe(b, ba, y);
		if (!strcmp(da, db)) {
			free(da);
			free(db);
			continue;
		}
		int ra = allowedness(a, aa, x), rb = allowedness(b, ba, y);
		add(out, n, alloc,
		    (struct scprof_difference){ arch, one->name, one->nr, da, db,
						rb == 2 && ra < 2 ? SCPROF_CHANGE_ALLOWED :
						rb == 0 && ra > 0 ? SCPROF_CHANGE_DENIED :
								    SCPROF_CHANGE_CHANGED });
	}
}

void scprof_semantic_diff(const struct scprof_semantic *a, const struct scprof_semantic *b,
			  struct scprof_difference **out, size_t *n)
{
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < a->n_arches; i++)
		diff_arch(a, b, a->arches[i].arch, out, n, &alloc);
	for (size_t i = 0; i < b->n_arches; i++)
		if (!scprof_semantic_arch(a, b->arches[i].arch))
			diff_arch(a, b, b->arches[i].arch, out, n, &alloc);
}

void scprof_differences_free(struct scprof_difference *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].a);
		free(d[i].b);
	}
	free(d);
}
