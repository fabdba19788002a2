// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole-profile checks: what a runtime would reject, skip or read differently than written. */
#include "profile/profile.h"
#include "scprof/semantic.h"

#define ERR_RULE(d, x, ...) \
	scprof_diags_add((d), SCPROF_SEV_ERROR, (x)->line, (x)->col, __VA_ARGS__)
#define WARN_RULE(d, x, ...) \
	scprof_diags_add((d), SCPROF_SEV_WARNING, (x)->line, (x)->col, __VA_ARGS__)

/* The architectures the profile lists (architectures, or every archMap entry), else native. */
static size_t listed_arches(const struct scprof_profile *p, const struct scprof_arch **out,
			    size_t max)
{
	size_t n = 0;
#define ADD_ARCH(name)                                                    \
	do {                                                              \
		const struct scprof_arch *a_ = scprof_arch_by_name(name); \
		bool dup_ = false;                                        \
		for (size_t k_ = 0; k_ < n; k_++)                         \
			dup_ |= out[k_] == a_;                            \
		if (a_ && !dup_ && n < max)                               \
			out[n++] = a_;                                    \
	} while (0)
	for (size_t i = 0; i < p->n_architectures; i++)
		ADD_ARCH(p->architectures[i]);
	for (size_t i = 0; i < p->n_arch_map; i++) {
		ADD_ARCH(p->arch_map[i].arch);
		for (size_t j = 0; j < p->arch_map[i].n_sub; j++)
			ADD_ARCH(p->arch_map[i].sub[j]);
	}
#undef ADD_ARCH
	if (!n && max)
		out[n++] = scprof_arch_native();
	return n;
}

static const char *suggest_syscall(const char *name)
{
	size_t n;
	const char *const *all = scprof_syscall_all_names(&n);
	const char *best = NULL;
	unsigned best_d = 3;
	for (size_t i = 0; i < n; i++) {
		unsigned d = edit_distance(name, all[i]);
		if (d < best_d) {
			best_d = d;
			best = all[i];
		}
	}
	return best;
}

static void check_names(const struct scprof_profile *p, struct scprof_diags *d)
{
	const struct scprof_arch *arches[64];
	size_t na = listed_arches(p, arches, ARRAY_SIZE(arches));
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct scprof_rule *r = &p->rules[i];
		for (size_t j = 0; j < r->n_names; j++) {
			const struct scprof_name *nm = &r->names[j];
			if (!nm->name[0])
				continue;
			bool somewhere = false;
			for (size_t k = 0; k < na && !somewhere; k++)
				somewhere = !arches[k]->has_table ||
					    scprof_syscall_nr(arches[k], nm->name) >= 0;
			if (somewhere)
				continue;
			if (!scprof_syscall_known(nm->name)) {
				const char *s = suggest_syscall(nm->name);
				if (s)
					WARN_RULE(d, nm, "unknown syscall '%s'; did you mean '%s'?",
						  nm->name, s);
				else
					WARN_RULE(d, nm, "unknown syscall '%s'; runtimes skip it",
						  nm->name);
				continue;
			}
			struct strbuf sb = STRBUF_INIT;
			for (size_t k = 0; k < na; k++)
				strbuf_addf(&sb, "%s%s", k ? ", " : "", arches[k]->name);
			WARN_RULE(d, nm, "syscall '%s' does not exist on %s; runtimes skip it",
				  nm->name, sb.buf);
			strbuf_release(&sb);
		}
	}
}

/* An EQ or MASKED_EQ condition as (mask, value); false for the other operators. */
static bool as_masked(const struct scprof_arg *a, uint64_t *mask, uint64_t *value)
{
	if (a->op == SCPROF_OP_EQ) {
		*mask = ~0ull;
		*value = a->value;
		return true;
	}
	if (a->op == SCPROF_OP_MASKED_EQ) {
		*mask = a->value;
		*value = a->value_two & a->value;
		return true;
	}
	return false;
}

/*
 * The second condition on an argument index, when reading the rule's
 * conditions as ORed (what runc does) may surprise its author; NULL when not.
 * A rule whose conditions are all on one index and include two EQ/MASKED_EQ
 * that no value satisfies together (ioctl request A or B, prot without write
 * or without exec) can only mean OR: no warning then.
 */
static const struct scprof_arg *or_surprise(const struct scprof_rule *r)
{
	const struct scprof_arg *second = NULL;
	bool one_index = true, contradiction = false;

	for (size_t a = 0; a < r->n_args; a++) {
		one_index &= r->args[a].index == r->args[0].index;
		for (size_t b = 0; b < a; b++) {
			uint64_t ma, va, mb, vb;

			if (r->args[a].index != r->args[b].index)
				continue;
			if (!second)
				second = &r->args[a];
			if (as_masked(&r->args[a], &ma, &va) && as_masked(&r->args[b], &mb, &vb) &&
			    ((va ^ vb) & ma & mb))
				contradiction = true;
		}
	}
	return one_index && contradiction ? NULL : second;
}

static void check_rules(const struct scprof_profile *p, struct scprof_diags *d)
{
	bool notify = false;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct scprof_rule *r = &p->rules[i];
		if (r->action == SCPROF_ACT_NOTIFY && !p->listener_path && !notify) {
			ERR_RULE(d, r,
				 "SCMP_ACT_NOTIFY needs 'listenerPath' to name the agent's socket");
			notify = true;
		}
		if (r->action != SCPROF_ACT_INVALID && p->default_action != SCPROF_ACT_INVALID &&
		    scprof_rule_ret(r) == scprof_default_ret(p))
			WARN_RULE(d, r, "rule has no effect: %s is also the default action",
				  scprof_action_name(r->action));
		const struct scprof_arg *second = or_surprise(r);

		if (second)
			WARN_RULE(
				d, second,
				"a second condition on argument %u: runc turns every condition of this rule into a separate rule, so they are ORed, not ANDed",
				second->index);
	}
	/* runc refuses both: the agent itself could not run, nor could the runtime report */
	if (p->default_action == SCPROF_ACT_NOTIFY)
		scprof_diags_add(
			d, SCPROF_SEV_ERROR, p->line, p->col,
			"SCMP_ACT_NOTIFY cannot be the default action; runtimes refuse it");
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (p->rules[i].action == SCPROF_ACT_NOTIFY &&
			    !strcmp(p->rules[i].names[j].name, "write"))
				ERR_RULE(
					d, &p->rules[i].names[j],
					"SCMP_ACT_NOTIFY on 'write' can deadlock the runtime; runc refuses it");
	if (p->listener_metadata && !p->listener_path)
		scprof_diags_add(d, SCPROF_SEV_ERROR, p->line, p->col,
				 "'listenerMetadata' is set without 'listenerPath'");
}

struct name_ref {
	const char *name;
	size_t rule;
	const struct scprof_name *pos;
};

static int name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Order of the references to one syscall: by conditions and context, then by rule. */
static const struct scprof_profile *sort_profile;

static int cond_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	const struct scprof_rule *rx = &sort_profile->rules[x->rule];
	const struct scprof_rule *ry = &sort_profile->rules[y->rule];
	int c = args_cmp(rx->args, rx->n_args, ry->args, ry->n_args);
	if (!c)
		c = filter_cmp(&rx->includes, &ry->includes);
	if (!c)
		c = filter_cmp(&rx->excludes, &ry->excludes);
	if (!c)
		c = x->rule < y->rule ? -1 : x->rule > y->rule;
	if (!c)
		c = x->pos < y->pos ? -1 : x->pos > y->pos;
	return c;
}

static bool same_conditions(const struct scprof_rule *a, const struct scprof_rule *b)
{
	return !args_cmp(a->args, a->n_args, b->args, b->n_args) &&
	       filter_equal(&a->includes, &b->includes) && filter_equal(&a->excludes, &b->excludes);
}

/*
 * Two rules that apply in the same context to the same syscall with the same
 * conditions: sorted by name, then by conditions, such rules are neighbours.
 */
static void check_conflicts(const struct scprof_profile *p, struct scprof_diags *d)
{
	size_t total = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		total += p->rules[i].n_names;
	if (total < 2)
		return;
	struct name_ref *refs = xmalloc(total * sizeof(*refs));
	size_t n = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].action != SCPROF_ACT_INVALID)
			for (size_t j = 0; j < p->rules[i].n_names; j++)
				refs[n++] = (struct name_ref){ p->rules[i].names[j].name, i,
							       &p->rules[i].names[j] };
	qsort(refs, n, sizeof(*refs), name_ref_cmp);
	sort_profile = p;
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		while (end < n && !strcmp(refs[end].name, refs[i].name))
			end++;
		if (end - i > 1)
			qsort(refs + i, end - i, sizeof(*refs), cond_ref_cmp);
		size_t run = i; /* first reference of the current run of equal conditions */
		for (size_t a = i + 1; a < end; a++) {
			const struct scprof_rule *ra = &p->rules[refs[a].rule];
			if (!same_conditions(ra, &p->rules[refs[a - 1].rule])) {
				run = a;
				continue;
			}
			const struct scprof_rule *rb = &p->rules[refs[run].rule];
			bool same = scprof_action_rank(ra->action) ==
					    scprof_action_rank(rb->action) &&
				    (ra->action != SCPROF_ACT_ERRNO ||
				     rule_errno(ra) == rule_errno(rb));
			if (same && refs[a].rule == refs[run].rule)
				WARN_RULE(d, refs[a].pos,
					  "syscall '%s' is listed twice in this rule",
					  refs[a].name);
			else if (same)
				WARN_RULE(
					d, refs[a].pos,
					"syscall '%s' is listed again with the same action and conditions (first at line %u)",
					refs[a].name, refs[run].pos->line);
			else
				ERR_RULE(
					d, refs[a].pos,
					"syscall '%s' has conflicting actions for the same conditions: %s here, %s at line %u",
					refs[a].name, scprof_action_name(ra->action),
					scprof_action_name(rb->action), refs[run].pos->line);
		}
		i = end;
	}
	sort_profile = NULL;
	free(refs);
}

void scprof_profile_check(const struct scprof_profile *p, struct scprof_diags *d)
{
	check_rules(p, d);
	check_names(p, d);
	check_conflicts(p, d);
}
