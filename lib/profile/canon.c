// SPDX-License-Identifier: LGPL-2.1-or-later
/* Canonical form and the union of profiles (fmt and merge). */
#include "profile/profile.h"

static int str_cmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int extra_cmp(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (node_equal(a, b))
		return 0;
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	json_write(a, false, &x);
	json_write(b, false, &y);
	int c = strcmp(x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
	return c;
}

/* Everything that makes two rules different but their names; most permissive first. */
static int rule_key_cmp(const struct scprof_rule *a, const struct scprof_rule *b)
{
	int c = scprof_action_rank(b->action) - scprof_action_rank(a->action);
	if (!c)
		c = (int)a->action - (int)b->action;
	if (!c)
		c = (int)a->has_errno_ret - (int)b->has_errno_ret;
	if (!c && a->errno_ret != b->errno_ret)
		c = a->errno_ret < b->errno_ret ? -1 : 1;
	if (!c)
		c = str_cmp0(a->errno_name, b->errno_name);
	if (!c)
		c = args_cmp(a->args, a->n_args, b->args, b->n_args);
	if (!c)
		c = filter_cmp(&a->includes, &b->includes);
	if (!c)
		c = filter_cmp(&a->excludes, &b->excludes);
	if (!c)
		c = str_cmp0(a->comment, b->comment);
	if (!c)
		c = extra_cmp(a->extra, b->extra);
	return c;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct scprof_name *)a)->name, ((const struct scprof_name *)b)->name);
}

static int arg_cmp(const void *a, const void *b)
{
	return args_cmp(a, 1, b, 1);
}

static int rule_cmp(const void *a, const void *b)
{
	const struct scprof_rule *x = a, *y = b;
	int c = rule_key_cmp(x, y);
	if (!c && x->n_names && y->n_names)
		c = strcmp(x->names[0].name, y->names[0].name);
	return c;
}

static int str_qcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique_strv(char **v, size_t *n)
{
	if (*n < 2)
		return;
	qsort(v, *n, sizeof(*v), str_qcmp);
	size_t w = 1;
	for (size_t i = 1; i < *n; i++) {
		if (!strcmp(v[i], v[w - 1]))
			free(v[i]);
		else
			v[w++] = v[i];
	}
	*n = w;
}

static void sort_unique_names(struct scprof_rule *r)
{
	if (r->n_names < 2)
		return;
	qsort(r->names, r->n_names, sizeof(*r->names), name_cmp);
	size_t w = 1;
	for (size_t i = 1; i < r->n_names; i++) {
		if (!strcmp(r->names[i].name, r->names[w - 1].name))
			free(r->names[i].name);
		else
			r->names[w++] = r->names[i];
	}
	r->n_names = w;
}

static void canon_rule(struct scprof_rule *r)
{
	r->singular_name = false;
	if (r->action != SCPROF_ACT_ERRNO && r->action != SCPROF_ACT_TRACE)
		r->has_errno_ret = false;
	if (r->n_args > 1)
		qsort(r->args, r->n_args, sizeof(*r->args), arg_cmp);
	for (size_t i = 0; i < r->n_args; i++) {
		r->args[i].line = r->args[i].col = 0;
		/* valueTwo is only meaningful for MASKED_EQ; keep it there so the mask test reads fully */
		if (r->args[i].op == SCPROF_OP_MASKED_EQ)
			r->args[i].has_value_two = true;
		else if (!r->args[i].value_two)
			r->args[i].has_value_two = false;
	}
	sort_unique_strv(r->includes.caps, &r->includes.n_caps);
	sort_unique_strv(r->includes.arches, &r->includes.n_arches);
	sort_unique_strv(r->excludes.caps, &r->excludes.n_caps);
	sort_unique_strv(r->excludes.arches, &r->excludes.n_arches);
	sort_unique_names(r);
}

void scprof_profile_canonicalize(struct scprof_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		canon_rule(&p->rules[i]);
	if (p->n_rules > 1)
		qsort(p->rules, p->n_rules, sizeof(*p->rules), rule_cmp);

	/* merge neighbours with the same key */
	size_t w = 0;
	for (size_t i = 0; i < p->n_rules;) {
		struct scprof_rule *into = &p->rules[i];
		size_t end = i + 1, total = into->n_names;
		while (end < p->n_rules && rule_key_cmp(into, &p->rules[end]) == 0)
			total += p->rules[end++].n_names;
		if (end > i + 1) {
			into->names =
				xrealloc(into->names, (total ? total : 1) * sizeof(*into->names));
			for (size_t j = i + 1; j < end; j++) {
				struct scprof_rule *r = &p->rules[j];
				memcpy(into->names + into->n_names, r->names,
				       r->n_names * sizeof(*r->names));
				into->n_names += r->n_names;
				r->n_names = 0;
				scprof_rule_release(r);
			}
			/* once per group: sorting after each merged rule made a big merge quadratic */
			sort_unique_names(into);
		}
		if (w != i)
			p->rules[w] = *into;
		w++;
		i = end;
	}
	p->n_rules = w;
	sort_unique_strv(p->flags, &p->n_flags);
}

/* One (syscall, rule) pair during a merge. */
struct entry {
	const char *name;
	const struct scprof_rule *rule;
	size_t order;
	bool dead;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = x->order < y->order ? -1 : x->order > y->order;
	return c;
}

static bool same_context(const struct scprof_rule *a, const struct scprof_rule *b)
{
	return filter_equal(&a->includes, &b->includes) && filter_equal(&a->excludes, &b->excludes);
}

/* Decide, for the entries of one syscall, which survive the union. */
static void resolve_group(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (i == j || e[i].dead || e[j].dead || !same_context(e[i].rule, e[j].rule))
				continue;
			const struct scprof_rule *a = e[i].rule, *b = e[j].rule;
			int ra = scprof_action_rank(a->action), rb = scprof_action_rank(b->action);
			bool a_plain = a->n_args == 0, b_plain = b->n_args == 0;
			if (args_cmp(a->args, a->n_args, b->args, b->n_args) == 0) {
				/* same conditions: the more permissive wins, the first on a tie */
				if (rb > ra || (rb == ra && j < i))
					e[i].dead = true;
			} else if (b_plain && !a_plain && rb >= ra) {
				/* an unconditional rule covers a conditional one it is as permissive as */
				e[i].dead = true;
			}
		}
	}
}

void scprof_profile_merge(struct scprof_profile *a, const struct scprof_profile *b)
{
	size_t total = 0;
	for (size_t i = 0; i < a->n_rules; i++)
		total += a->rules[i].n_names;
	for (size_t i = 0; i < b->n_rules; i++)
		total += b->rules[i].n_names;
	struct entry *e = xcalloc(total ? total : 1, sizeof(*e));
	size_t n = 0;
	for (size_t side = 0; side < 2; side++) {
		const struct scprof_profile *p = side ? b : a;
		for (size_t i = 0; i < p->n_rules; i++)
			for (size_t j = 0; j < p->rules[i].n_names; j++, n++)
				e[n] = (struct entry){ p->rules[i].names[j].name, &p->rules[i], n,
						       false };
	}
	qsort(e, n, sizeof(*e), entry_cmp);
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		while (end < n && !strcmp(e[end].name, e[i].name))
			end++;
		resolve_group(e + i, end - i);
		i = end;
	}

	struct scprof_rule *rules = xcalloc(n ? n : 1, sizeof(*rules));
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].dead)
			continue;
		struct scprof_rule *r = &rules[nr++];
		/* copy all but the names: copying them for each name made a big merge quadratic */
		struct scprof_rule shell = *e[i].rule;
		shell.names = NULL;
		shell.n_names = 0;
		scprof_rule_copy(r, &shell);
		r->names = xmalloc(sizeof(*r->names));
		r->names[0] = (struct scprof_name){ .name = xstrdup(e[i].name) };
		r->n_names = 1;
	}
	free(e);
	for (size_t i = 0; i < a->n_rules; i++)
		scprof_rule_release(&a->rules[i]);
	free(a->rules);
	a->rules = rules;
	a->n_rules = nr;
	if (!a->base_profile_name && b->base_profile_name)
		a->base_profile_name = xstrdup(b->base_profile_name);
	scprof_profile_canonicalize(a);
}

void scprof_profile_to_log_mode(struct scprof_profile *p)
{
	if (p->default_action != SCPROF_ACT_ALLOW) {
		p->default_action = SCPROF_ACT_LOG;
		p->has_default_errno_ret = false;
		free(p->default_errno);
		p->default_errno = NULL;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		struct scprof_rule *r = &p->rules[i];
		if (r->action == SCPROF_ACT_ALLOW)
			continue;
		r->action = SCPROF_ACT_LOG;
		r->has_errno_ret = false;
		free(r->errno_name);
		r->errno_name = NULL;
	}
}
