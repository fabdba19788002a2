// SPDX-License-Identifier: LGPL-2.1-or-later
/* The profile model: construction, copying, comparison and the action and operator names. */
#include <strings.h>

#include "profile/profile.h"

static const struct {
	enum scprof_action action;
	const char *name;
} action_names[] = {
	{ SCPROF_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS" },
	{ SCPROF_ACT_KILL_THREAD, "SCMP_ACT_KILL_THREAD" },
	{ SCPROF_ACT_KILL, "SCMP_ACT_KILL" },
	{ SCPROF_ACT_TRAP, "SCMP_ACT_TRAP" },
	{ SCPROF_ACT_ERRNO, "SCMP_ACT_ERRNO" },
	{ SCPROF_ACT_NOTIFY, "SCMP_ACT_NOTIFY" },
	{ SCPROF_ACT_TRACE, "SCMP_ACT_TRACE" },
	{ SCPROF_ACT_LOG, "SCMP_ACT_LOG" },
	{ SCPROF_ACT_ALLOW, "SCMP_ACT_ALLOW" },
};

static const char *const op_names[] = {
	[SCPROF_OP_NE] = "SCMP_CMP_NE",
	[SCPROF_OP_LT] = "SCMP_CMP_LT",
	[SCPROF_OP_LE] = "SCMP_CMP_LE",
	[SCPROF_OP_EQ] = "SCMP_CMP_EQ",
	[SCPROF_OP_GE] = "SCMP_CMP_GE",
	[SCPROF_OP_GT] = "SCMP_CMP_GT",
	[SCPROF_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *const profile_flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

enum scprof_action scprof_action_from_name(const char *name)
{
	const char *bare = strncasecmp(name, "SCMP_ACT_", 9) == 0 ? name + 9 : name;
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (!strcasecmp(bare, action_names[i].name + 9))
			return action_names[i].action;
	if (!strcasecmp(bare, "USER_NOTIF"))
		return SCPROF_ACT_NOTIFY;
	return SCPROF_ACT_INVALID;
}

const char *scprof_action_name(enum scprof_action a)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (action_names[i].action == a)
			return action_names[i].name;
	return "SCMP_ACT_INVALID";
}

int scprof_action_rank(enum scprof_action a)
{
	switch (a) {
	case SCPROF_ACT_KILL_PROCESS:
		return 0;
	case SCPROF_ACT_KILL_THREAD:
	case SCPROF_ACT_KILL:
		return 1;
	case SCPROF_ACT_TRAP:
		return 2;
	case SCPROF_ACT_ERRNO:
		return 3;
	case SCPROF_ACT_NOTIFY:
		return 4;
	case SCPROF_ACT_TRACE:
		return 5;
	case SCPROF_ACT_LOG:
		return 6;
	case SCPROF_ACT_ALLOW:
		return 7;
	case SCPROF_ACT_INVALID:
		break;
	}
	return -1;
}

enum scprof_op scprof_op_from_name(const char *name)
{
	const char *bare = strncasecmp(name, "SCMP_CMP_", 9) == 0 ? name + 9 : name;
	for (size_t i = 1; i < ARRAY_SIZE(op_names); i++)
		if (!strcasecmp(bare, op_names[i] + 9))
			return (enum scprof_op)i;
	return SCPROF_OP_INVALID;
}

const char *scprof_op_name(enum scprof_op op)
{
	if (op > SCPROF_OP_INVALID && op < ARRAY_SIZE(op_names))
		return op_names[op];
	return "SCMP_CMP_INVALID";
}

void strv_add(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char **strv_copy(char *const *v, size_t n)
{
	if (!n)
		return NULL;
	char **r = xmalloc(n * sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

int strv_cmp(char *const *a, size_t na, char *const *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++) {
		int c = strcmp(a[i], b[i]);
		if (c)
			return c;
	}
	return na < nb ? -1 : na > nb;
}

bool strv_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	return strv_cmp(a, na, b, nb) == 0;
}

bool strv_contains(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int str_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

void filter_release(struct scprof_filter *f)
{
	strv_free(f->caps, f->n_caps);
	strv_free(f->arches, f->n_arches);
	free(f->min_kernel);
	memset(f, 0, sizeof(*f));
}

void filter_copy(struct scprof_filter *dst, const struct scprof_filter *src)
{
	dst->caps = strv_copy(src->caps, src->n_caps);
	dst->n_caps = src->n_caps;
	dst->arches = strv_copy(src->arches, src->n_arches);
	dst->n_arches = src->n_arches;
	dst->min_kernel = src->min_kernel ? xstrdup(src->min_kernel) : NULL;
}

int filter_cmp(const struct scprof_filter *a, const struct scprof_filter *b)
{
	int c = strv_cmp(a->caps, a->n_caps, b->caps, b->n_caps);
	if (!c)
		c = strv_cmp(a->arches, a->n_arches, b->arches, b->n_arches);
	if (!c)
		c = str_cmp(a->min_kernel, b->min_kernel);
	return c;
}

bool filter_equal(const struct scprof_filter *a, const struct scprof_filter *b)
{
	return filter_cmp(a, b) == 0;
}

bool filter_empty(const struct scprof_filter *f)
{
	return !f->n_caps && !f->n_arches && !f->min_kernel;
}

int args_cmp(const struct scprof_arg *a, size_t na, const struct scprof_arg *b, size_t nb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	for (size_t i = 0; i < na; i++) {
		const struct scprof_arg *x = &a[i], *y = &b[i];
		if (x->index != y->index)
			return x->index < y->index ? -1 : 1;
		if (x->op != y->op)
			return x->op < y->op ? -1 : 1;
		if (x->value != y->value)
			return x->value < y->value ? -1 : 1;
		if (x->value_two != y->value_two)
			return x->value_two < y->value_two ? -1 : 1;
		if (x->has_value_two != y->has_value_two)
			return x->has_value_two ? 1 : -1;
	}
	return 0;
}

uint32_t rule_errno(const struct scprof_rule *r)
{
	if (r->has_errno_ret)
		return r->errno_ret;
	if (r->errno_name) {
		int e = scprof_errno_by_name(r->errno_name);
		if (e >= 0)
			return (uint32_t)e;
	}
	return EPERM;
}

struct scprof_profile *scprof_profile_new(void)
{
	struct scprof_profile *p = xcalloc(1, sizeof(*p));
	p->disabled = -1;
	p->default_action = SCPROF_ACT_INVALID;
	return p;
}

void scprof_rule_release(struct scprof_rule *r)
{
	for (size_t i = 0; i < r->n_names; i++)
		free(r->names[i].name);
	free(r->names);
	free(r->errno_name);
	free(r->args);
	free(r->comment);
	filter_release(&r->includes);
	filter_release(&r->excludes);
	node_free(r->extra);
	memset(r, 0, sizeof(*r));
}

void scprof_profile_free(struct scprof_profile *p)
{
	if (!p)
		return;
	free(p->api_version);
	free(p->spo_kind);
	free(p->name);
	for (size_t i = 0; i < p->n_annotations; i++) {
		free(p->annotations[i].key);
		free(p->annotations[i].value);
	}
	free(p->annotations);
	node_free(p->metadata_extra);
	free(p->base_profile_name);
	free(p->state);
	node_free(p->top_extra);
	free(p->default_errno);
	strv_free(p->architectures, p->n_architectures);
	for (size_t i = 0; i < p->n_arch_map; i++) {
		free(p->arch_map[i].arch);
		strv_free(p->arch_map[i].sub, p->arch_map[i].n_sub);
	}
	free(p->arch_map);
	strv_free(p->flags, p->n_flags);
	free(p->listener_path);
	free(p->listener_metadata);
	for (size_t i = 0; i < p->n_rules; i++)
		scprof_rule_release(&p->rules[i]);
	free(p->rules);
	node_free(p->extra);
	free(p);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct node *node_copy_or_null(const struct node *n)
{
	return n ? node_copy(n) : NULL;
}

void scprof_rule_copy(struct scprof_rule *dst, const struct scprof_rule *src)
{
	*dst = *src;
	dst->names = src->n_names ? xmalloc(src->n_names * sizeof(*dst->names)) : NULL;
	for (size_t i = 0; i < src->n_names; i++) {
		dst->names[i] = src->names[i];
		dst->names[i].name = xstrdup(src->names[i].name);
	}
	dst->errno_name = dup_or_null(src->errno_name);
	dst->args = src->n_args ? xmalloc(src->n_args * sizeof(*dst->args)) : NULL;
	if (src->n_args)
		memcpy(dst->args, src->args, src->n_args * sizeof(*dst->args));
	dst->comment = dup_or_null(src->comment);
	filter_copy(&dst->includes, &src->includes);
	filter_copy(&dst->excludes, &src->excludes);
	dst->extra = node_copy_or_null(src->extra);
}

struct scprof_profile *scprof_profile_copy(const struct scprof_profile *src)
{
	struct scprof_profile *p = xmalloc(sizeof(*p));
	*p = *src;
	p->api_version = dup_or_null(src->api_version);
	p->spo_kind = dup_or_null(src->spo_kind);
	p->name = dup_or_null(src->name);
	p->annotations =
		src->n_annotations ? xmalloc(src->n_annotations * sizeof(*p->annotations)) : NULL;
	for (size_t i = 0; i < src->n_annotations; i++) {
		p->annotations[i].key = xstrdup(src->annotations[i].key);
		p->annotations[i].value = xstrdup(src->annotations[i].value);
	}
	p->metadata_extra = node_copy_or_null(src->metadata_extra);
	p->base_profile_name = dup_or_null(src->base_profile_name);
	p->state = dup_or_null(src->state);
	p->top_extra = node_copy_or_null(src->top_extra);
	p->default_errno = dup_or_null(src->default_errno);
	p->architectures = strv_copy(src->architectures, src->n_architectures);
	p->arch_map = src->n_arch_map ? xmalloc(src->n_arch_map * sizeof(*p->arch_map)) : NULL;
	for (size_t i = 0; i < src->n_arch_map; i++) {
		p->arch_map[i] = src->arch_map[i];
		p->arch_map[i].arch = xstrdup(src->arch_map[i].arch);
		p->arch_map[i].sub = strv_copy(src->arch_map[i].sub, src->arch_map[i].n_sub);
	}
	p->flags = strv_copy(src->flags, src->n_flags);
	p->listener_path = dup_or_null(src->listener_path);
	p->listener_metadata = dup_or_null(src->listener_metadata);
	p->rules = src->n_rules ? xmalloc(src->n_rules * sizeof(*p->rules)) : NULL;
	for (size_t i = 0; i < src->n_rules; i++)
		scprof_rule_copy(&p->rules[i], &src->rules[i]);
	p->extra = node_copy_or_null(src->extra);
	return p;
}

static bool node_equal_or_null(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return a == b;
	return node_equal(a, b);
}

static bool rule_equal(const struct scprof_rule *a, const struct scprof_rule *b)
{
	if (a->n_names != b->n_names || a->singular_name != b->singular_name ||
	    a->action != b->action || a->has_errno_ret != b->has_errno_ret ||
	    (a->has_errno_ret && a->errno_ret != b->errno_ret) ||
	    !str_equal(a->errno_name, b->errno_name) || !str_equal(a->comment, b->comment) ||
	    args_cmp(a->args, a->n_args, b->args, b->n_args) ||
	    !filter_equal(&a->includes, &b->includes) ||
	    !filter_equal(&a->excludes, &b->excludes) || !node_equal_or_null(a->extra, b->extra))
		return false;
	for (size_t i = 0; i < a->n_names; i++)
		if (strcmp(a->names[i].name, b->names[i].name))
			return false;
	return true;
}

bool scprof_profile_equal(const struct scprof_profile *a, const struct scprof_profile *b)
{
	if (a->kind != b->kind || !str_equal(a->api_version, b->api_version) ||
	    !str_equal(a->spo_kind, b->spo_kind) || !str_equal(a->name, b->name) ||
	    a->n_annotations != b->n_annotations ||
	    !node_equal_or_null(a->metadata_extra, b->metadata_extra) ||
	    !str_equal(a->base_profile_name, b->base_profile_name) ||
	    !str_equal(a->state, b->state) || a->disabled != b->disabled ||
	    !node_equal_or_null(a->top_extra, b->top_extra) ||
	    a->default_action != b->default_action ||
	    a->has_default_errno_ret != b->has_default_errno_ret ||
	    (a->has_default_errno_ret && a->default_errno_ret != b->default_errno_ret) ||
	    !str_equal(a->default_errno, b->default_errno) ||
	    !strv_equal(a->architectures, a->n_architectures, b->architectures,
			b->n_architectures) ||
	    a->n_arch_map != b->n_arch_map ||
	    !strv_equal(a->flags, a->n_flags, b->flags, b->n_flags) ||
	    !str_equal(a->listener_path, b->listener_path) ||
	    !str_equal(a->listener_metadata, b->listener_metadata) || a->n_rules != b->n_rules ||
	    !node_equal_or_null(a->extra, b->extra))
		return false;
	for (size_t i = 0; i < a->n_annotations; i++)
		if (strcmp(a->annotations[i].key, b->annotations[i].key) ||
		    strcmp(a->annotations[i].value, b->annotations[i].value))
			return false;
	for (size_t i = 0; i < a->n_arch_map; i++)
		if (strcmp(a->arch_map[i].arch, b->arch_map[i].arch) ||
		    a->arch_map[i].sub_null != b->arch_map[i].sub_null ||
		    !strv_equal(a->arch_map[i].sub, a->arch_map[i].n_sub, b->arch_map[i].sub,
				b->arch_map[i].n_sub))
			return false;
	for (size_t i = 0; i < a->n_rules; i++)
		if (!rule_equal(&a->rules[i], &b->rules[i]))
			return false;
	return true;
}

struct scprof_rule *scprof_profile_add_rule(struct scprof_profile *p, enum scprof_action action)
{
	p->rules = xrealloc(p->rules, (p->n_rules + 1) * sizeof(*p->rules));
	struct scprof_rule *r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof(*r));
	r->action = action;
	return r;
}

void scprof_rule_add_name(struct scprof_rule *r, const char *name)
{
	r->names = xrealloc(r->names, (r->n_names + 1) * sizeof(*r->names));
	r->names[r->n_names++] = (struct scprof_name){ .name = xstrdup(name) };
}

void scprof_rule_add_arg(struct scprof_rule *r, unsigned index, enum scprof_op op, uint64_t value,
			 uint64_t value_two)
{
	r->args = xrealloc(r->args, (r->n_args + 1) * sizeof(*r->args));
	r->args[r->n_args++] = (struct scprof_arg){
		.index = index,
		.op = op,
		.value = value,
		.value_two = value_two,
		.has_value_two = op == SCPROF_OP_MASKED_EQ || value_two != 0,
	};
}
