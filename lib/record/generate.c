// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Observations -> profile: one ALLOW rule for what was seen, argument rules for
 * the few syscalls whose arguments were recorded, and the union of a recording
 * into an existing profile (record --merge).
 *
 * OCI rules cannot be limited to the architecture of a call (includes.arches
 * matches the runtime's native architecture), so every rule holds for every
 * listed architecture: names are the union over architectures, and an argument
 * rule is only written when the arguments mean the same on each of them.
 */
#include <strings.h>

#include "scprof/record.h"
#include "util/util.h"

/* CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME */
#define CLONE_NS_MASK 0x7e020080ull
/* socket(2): SOCK_CLOEXEC and SOCK_NONBLOCK live above the type */
#define SOCK_TYPE_MASK 0xfull
#define PROT_W 0x2ull
#define PROT_X 0x4ull
/*
 * Conditions per rule: crun reads at most 6 of a rule (the arg_cmp[6] of
 * libcrun_generate_seccomp) and silently drops the rest; runc has no limit.
 */
#define MAX_CONDS 6

#define COUNTS_ANNOTATION "scprof.io/syscall-counts"
#define SPO_API_VERSION "security-profiles-operator.x-k8s.io/v1beta1"

/* A set of borrowed syscall names. */
struct nameset {
	const char **v;
	size_t n, alloc;
	bool sorted;
};

static void nameset_add(struct nameset *s, const char *name)
{
	GROW(s->v, s->alloc, s->n + 1);
	s->v[s->n++] = name;
	s->sorted = false;
}

static int str_qcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void nameset_sort(struct nameset *s)
{
	size_t w = 0;

	if (s->sorted)
		return;
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), str_qcmp);
	for (size_t i = 0; i < s->n; i++)
		if (!w || strcmp(s->v[i], s->v[w - 1]))
			s->v[w++] = s->v[i];
	s->n = w;
	s->sorted = true;
}

static bool nameset_has(struct nameset *s, const char *name)
{
	nameset_sort(s);
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), str_qcmp);
}

static void nameset_release(struct nameset *s)
{
	free(s->v);
	*s = (struct nameset){ 0 };
}

struct gen {
	const struct scprof_arch *arches; /* scprof_arch_list() */
	size_t n_arches;
	bool *observed, *listed; /* per architecture; listed = observed or native */
	struct scprof_obs_call *calls;
	size_t n_calls;
	struct scprof_obs_argval *vals;
	size_t n_vals;
};

static void gen_release(struct gen *g)
{
	free(g->observed);
	free(g->listed);
	free(g->calls);
	free(g->vals);
}

/* True when @name is a syscall on some listed architecture (or one we have no table of). */
static bool on_listed(const struct gen *g, const char *name)
{
	for (size_t i = 0; i < g->n_arches; i++)
		if (g->listed[i] &&
		    (!g->arches[i].has_table || scprof_syscall_nr(&g->arches[i], name) >= 0))
			return true;
	return false;
}

static bool has_values(const struct gen *g, const struct scprof_arch *arch, const char *name)
{
	for (size_t i = 0; i < g->n_vals; i++)
		if (g->vals[i].arch == arch && g->vals[i].name && !strcmp(g->vals[i].name, name))
			return true;
	return false;
}

/*
 * Whether @name gets argument rules, and on which indexes: the recorder
 * captures its arguments on every listed architecture that has it, at the
 * same indexes (i386's old mmap takes a pointer, s390's clone its flags
 * second), and values were recorded wherever it was called, or calls would
 * be denied that the run made.
 */
static bool want_arg_rules(const struct gen *g, const char *name, int *a1, int *a2)
{
	bool any = false;

	for (size_t i = 0; i < g->n_arches; i++) {
		int x1, x2;

		if (!g->listed[i] || scprof_syscall_nr(&g->arches[i], name) < 0)
			continue;
		if (!scprof_obs_arg_spec(&g->arches[i], name, &x1, &x2) || x1 < 0)
			return false;
		if (any && (x1 != *a1 || x2 != *a2))
			return false;
		*a1 = x1;
		*a2 = x2;
		any = true;
	}
	if (!any)
		return false;
	for (size_t i = 0; i < g->n_calls; i++)
		if (g->calls[i].name && !strcmp(g->calls[i].name, name) &&
		    !has_values(g, g->calls[i].arch, name))
			return false;
	return true;
}

struct pair {
	uint64_t v1, v2;
};

static int pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;

	if (a->v1 != b->v1)
		return a->v1 < b->v1 ? -1 : 1;
	if (a->v2 != b->v2)
		return a->v2 < b->v2 ? -1 : 1;
	return 0;
}

static bool is_prot(const char *name)
{
	return !strcmp(name, "mmap") || !strcmp(name, "mmap2") || !strcmp(name, "mprotect");
}

/* The distinct values of @name over all architectures, reduced to what the rules compare. */
static struct pair *values_of(const struct gen *g, const char *name, bool two, size_t *n)
{
	struct pair *v = xcalloc(g->n_vals + 1, sizeof(*v));
	size_t k = 0, w = 0;

	for (size_t i = 0; i < g->n_vals; i++) {
		struct pair x = { g->vals[i].v1, two ? g->vals[i].v2 : 0 };

		if (!g->vals[i].name || strcmp(g->vals[i].name, name))
			continue;
		if (!strcmp(name, "clone"))
			x.v1 &= CLONE_NS_MASK;
		else if (!strcmp(name, "socket"))
			x.v2 &= SOCK_TYPE_MASK;
		v[k++] = x;
	}
	qsort(v, k, sizeof(*v), pair_cmp);
	for (size_t i = 0; i < k; i++)
		if (!w || pair_cmp(&v[i], &v[w - 1]))
			v[w++] = v[i];
	*n = w;
	return v;
}

/*
 * Add the argument rules of @name.  Conditions on one index in one rule are
 * ORed by runc and crun (see lib/profile/semantic.c), so a single-argument
 * syscall needs one rule per MAX_CONDS values; a repeated index is never mixed
 * with another index, which they would OR too.  False when the syscall is to
 * be allowed plainly: W^X cannot hold for a run that mapped memory writable
 * and executable at once.
 */
static bool add_arg_rules(const struct gen *g, struct scprof_profile *p, const char *name, int a1,
			  int a2)
{
	size_t n;
	_cleanup_free_ struct pair *v = values_of(g, name, a2 >= 0, &n);
	struct scprof_rule *r = NULL;

	if (!n)
		return false;
	if (is_prot(name)) {
		for (size_t i = 0; i < n; i++)
			if ((v[i].v1 & (PROT_W | PROT_X)) == (PROT_W | PROT_X))
				return false;
		/* not executable, or executable and not writable */
		r = scprof_profile_add_rule(p, SCPROF_ACT_ALLOW);
		scprof_rule_add_name(r, name);
		scprof_rule_add_arg(r, a1, SCPROF_OP_MASKED_EQ, PROT_X, 0);
		scprof_rule_add_arg(r, a1, SCPROF_OP_MASKED_EQ, PROT_W | PROT_X, PROT_X);
		return true;
	}
	if (a2 >= 0) {
		bool socket = !strcmp(name, "socket");

		for (size_t i = 0; i < n; i++) {
			r = scprof_profile_add_rule(p, SCPROF_ACT_ALLOW);
			scprof_rule_add_name(r, name);
			scprof_rule_add_arg(r, a1, SCPROF_OP_EQ, v[i].v1, 0);
			if (socket)
				scprof_rule_add_arg(r, a2, SCPROF_OP_MASKED_EQ, SOCK_TYPE_MASK,
						    v[i].v2);
			else
				scprof_rule_add_arg(r, a2, SCPROF_OP_EQ, v[i].v2, 0);
		}
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		if (i % MAX_CONDS == 0) {
			r = scprof_profile_add_rule(p, SCPROF_ACT_ALLOW);
			scprof_rule_add_name(r, name);
		}
		if (!strcmp(name, "clone"))
			scprof_rule_add_arg(r, a1, SCPROF_OP_MASKED_EQ, CLONE_NS_MASK, v[i].v1);
		else
			scprof_rule_add_arg(r, a1, SCPROF_OP_EQ, v[i].v1, 0);
	}
	return true;
}

struct count {
	const char *name;
	uint64_t n;
};

static int count_name_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct count *)pa)->name, ((const struct count *)pb)->name);
}

static int count_cmp(const void *pa, const void *pb)
{
	const struct count *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * The calls per syscall of each observed architecture, as compact JSON
 * {"x86_64":{"read":123,"write":120}} and as text "read 123, write 120"
 * ("x86_64: ...; x86: ..." for several architectures).  Busiest first.
 */
static void format_counts(const struct gen *g, struct strbuf *json, struct strbuf *text)
{
	_cleanup_free_ struct count *c = xcalloc(g->n_calls + 1, sizeof(*c));
	size_t n_arches = 0;

	for (size_t i = 0; i < g->n_arches; i++)
		for (size_t j = 0; j < g->n_calls; j++)
			if (g->calls[j].arch == &g->arches[i] && g->calls[j].name) {
				n_arches++;
				break;
			}
	strbuf_addc(json, '{');
	for (size_t i = 0, done = 0; i < g->n_arches; i++) {
		size_t n = 0, w = 0;

		for (size_t j = 0; j < g->n_calls; j++)
			if (g->calls[j].arch == &g->arches[i] && g->calls[j].name)
				c[n++] = (struct count){ g->calls[j].name, g->calls[j].count };
		if (!n)
			continue;
		/* one name may have several numbers (x32's compat entries) */
		qsort(c, n, sizeof(*c), count_name_cmp);
		for (size_t j = 0; j < n; j++) {
			if (w && !strcmp(c[j].name, c[w - 1].name))
				c[w - 1].n += c[j].n;
			else
				c[w++] = c[j];
		}
		qsort(c, w, sizeof(*c), count_cmp);

		strbuf_addf(json, "%s\"%s\":{", done ? "," : "", g->arches[i].name);
		if (done)
			strbuf_adds(text, "; ");
		if (n_arches > 1)
			strbuf_addf(text, "%s: ", g->arches[i].name);
		for (size_t j = 0; j < w; j++) {
			strbuf_addf(json, "%s\"%s\":%" PRIu64, j ? "," : "", c[j].name, c[j].n);
			strbuf_addf(text, "%s%s %" PRIu64, j ? ", " : "", c[j].name, c[j].n);
		}
		strbuf_addc(json, '}');
		done++;
	}
	strbuf_addc(json, '}');
}

static void add_architectures(struct scprof_profile *p, const struct gen *g)
{
	for (size_t i = 0; i < g->n_arches; i++) {
		if (!g->listed[i])
			continue;
		p->architectures =
			xrealloc(p->architectures, (p->n_architectures + 1) * sizeof(char *));
		p->architectures[p->n_architectures++] = xstrdup(g->arches[i].scmp_name);
	}
}

static void add_annotation(struct scprof_profile *p, const char *key, const char *value)
{
	p->annotations = xrealloc(p->annotations, (p->n_annotations + 1) * sizeof(*p->annotations));
	p->annotations[p->n_annotations++] =
		(struct scprof_annotation){ .key = xstrdup(key), .value = xstrdup(value) };
}

static int default_action(const struct scprof_generate_opts *opts, enum scprof_action *out,
			  struct scprof_error **err)
{
	if (opts->mode == SCPROF_RECORD_AUDIT) {
		*out = SCPROF_ACT_LOG;
		return 0;
	}
	switch (opts->default_action) {
	case SCPROF_ACT_INVALID:
	case SCPROF_ACT_ERRNO:
		*out = SCPROF_ACT_ERRNO;
		return 0;
	case SCPROF_ACT_KILL_PROCESS:
	case SCPROF_ACT_LOG:
		*out = opts->default_action;
		return 0;
	default:
		return error_set(
			err, -EINVAL,
			"unsupported default action '%s' for a recorded profile (use SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS or SCMP_ACT_LOG)",
			scprof_action_name(opts->default_action) ?: "?");
	}
}

/* The names every profile allows, and those of the runtime, that exist on a listed arch. */
static void add_forced(const struct gen *g, const char *const *runtime, struct nameset *forced)
{
	/* a signal handler returns, an interrupted call restarts, a process ends */
	static const char *const always[] = { "restart_syscall", "rt_sigreturn", "sigreturn",
					      "exit", "exit_group" };

	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		if (on_listed(g, always[i]))
			nameset_add(forced, always[i]);
	for (size_t i = 0; runtime && runtime[i]; i++)
		if (on_listed(g, runtime[i]))
			nameset_add(forced, runtime[i]);
}

/* --mode audit: deny the dangerous syscalls the run did not need. */
static void add_dangerous_rule(const struct gen *g, struct scprof_profile *p,
			       struct nameset *allowed)
{
	const char *const *dangerous = scprof_dangerous_syscalls();
	struct scprof_rule *r = NULL;

	for (size_t i = 0; dangerous[i]; i++) {
		if (!on_listed(g, dangerous[i]) || nameset_has(allowed, dangerous[i]))
			continue;
		if (!r) {
			r = scprof_profile_add_rule(p, SCPROF_ACT_ERRNO);
			r->has_errno_ret = true;
			r->errno_ret = EPERM;
		}
		scprof_rule_add_name(r, dangerous[i]);
	}
}

static void gen_init(struct gen *g, const struct scprof_obs *o, bool exact)
{
	const struct scprof_arch *native = scprof_arch_native();

	g->arches = scprof_arch_list(&g->n_arches);
	g->observed = xcalloc(g->n_arches + 1, sizeof(bool));
	g->listed = xcalloc(g->n_arches + 1, sizeof(bool));
	g->calls = scprof_obs_calls(o, &g->n_calls);
	g->vals = scprof_obs_argvals(o, &g->n_vals);
	for (size_t i = 0; i < g->n_calls; i++)
		g->observed[g->calls[i].arch - g->arches] = true;
	for (size_t i = 0; i < g->n_arches; i++)
		g->listed[i] = g->observed[i] || (!exact && &g->arches[i] == native);
}

int scprof_record_generate(const struct scprof_obs *o, const struct scprof_generate_opts *opts,
			   struct scprof_profile **out, struct scprof_error **err)
{
	static const struct scprof_generate_opts defaults;
	struct gen g = { 0 };
	struct nameset forced = { 0 }, plain = { 0 }, allowed = { 0 };
	const char *const *runtime = NULL;
	enum scprof_action dflt = SCPROF_ACT_ERRNO;
	struct scprof_profile *p;
	struct scprof_rule *r;
	int ret;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	ret = default_action(opts, &dflt, err);
	if (ret < 0)
		return ret;
	if (opts->for_runtime) {
		runtime = scprof_runtime_syscalls(opts->for_runtime, NULL);
		if (!runtime)
			return error_set(err, -EINVAL, "unknown runtime '%s' (known: runc)",
					 opts->for_runtime);
	}

	gen_init(&g, o, opts->exact);
	p = scprof_profile_new();
	p->default_action = dflt;
	add_architectures(p, &g);
	if (!opts->exact)
		add_forced(&g, runtime, &forced);

	for (size_t i = 0; i < g.n_calls; i++) {
		const char *name = g.calls[i].name;
		int a1 = -1, a2 = -1;

		/* a number without a name got ENOSYS anyway */
		if (!name || nameset_has(&allowed, name))
			continue;
		nameset_add(&allowed, name);
		/* what the runtime calls is allowed whatever the arguments */
		if (opts->args && !nameset_has(&forced, name) &&
		    want_arg_rules(&g, name, &a1, &a2) && add_arg_rules(&g, p, name, a1, a2))
			continue;
		nameset_add(&plain, name);
	}
	for (size_t i = 0; i < forced.n; i++) {
		nameset_add(&plain, forced.v[i]);
		nameset_add(&allowed, forced.v[i]);
	}
	nameset_sort(&plain);
	r = scprof_profile_add_rule(p, SCPROF_ACT_ALLOW);
	for (size_t i = 0; i < plain.n; i++)
		scprof_rule_add_name(r, plain.v[i]);

	if (opts->counts) {
		_cleanup_strbuf_ struct strbuf json = STRBUF_INIT, text = STRBUF_INIT;

		format_counts(&g, &json, &text);
		if (opts->kind == SCPROF_KIND_SPO)
			add_annotation(p, COUNTS_ANNOTATION, json.buf);
		else if (text.len)
			r->comment = xasprintf("calls observed: %s", text.buf);
	}
	if (opts->mode == SCPROF_RECORD_AUDIT)
		add_dangerous_rule(&g, p, &allowed);

	if (opts->kind == SCPROF_KIND_SPO) {
		/* SeccompProfile has no defaultErrnoRet: ERRNO means EPERM there */
		p->kind = SCPROF_KIND_SPO;
		p->syntax = SCPROF_SYNTAX_YAML;
		p->api_version = xstrdup(SPO_API_VERSION);
		p->spo_kind = xstrdup("SeccompProfile");
		p->name = xstrdup(opts->name ? opts->name : "recorded");
	} else if (dflt == SCPROF_ACT_ERRNO) {
		p->has_default_errno_ret = true;
		p->default_errno_ret = EPERM;
	}
	scprof_profile_canonicalize(p);

	nameset_release(&forced);
	nameset_release(&plain);
	nameset_release(&allowed);
	gen_release(&g);
	*out = p;
	return 0;
}

/* A name @base handles itself: an unconditional rule that neither allows nor logs. */
static void base_denied(const struct scprof_profile *base, struct nameset *deny)
{
	for (size_t i = 0; i < base->n_rules; i++) {
		const struct scprof_rule *r = &base->rules[i];

		if (r->action == SCPROF_ACT_ALLOW || r->action == SCPROF_ACT_LOG ||
		    r->action == SCPROF_ACT_INVALID || r->n_args)
			continue;
		for (size_t j = 0; j < r->n_names; j++)
			nameset_add(deny, r->names[j].name);
	}
}

/* Take the names of @deny out of @p's rules, moving them to @gone; drop emptied rules. */
static void remove_names(struct scprof_profile *p, struct nameset *deny, char ***gone,
			 size_t *n_gone)
{
	size_t w = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		struct scprof_rule *r = &p->rules[i];
		size_t k = 0;

		for (size_t j = 0; j < r->n_names; j++) {
			if (!nameset_has(deny, r->names[j].name)) {
				r->names[k++] = r->names[j];
				continue;
			}
			*gone = xrealloc(*gone, (*n_gone + 1) * sizeof(**gone));
			(*gone)[(*n_gone)++] = r->names[j].name;
		}
		r->n_names = k;
		if (!k) {
			scprof_rule_release(r);
			continue;
		}
		if (w != i)
			p->rules[w] = *r;
		w++;
	}
	p->n_rules = w;
}

static bool same_arch(const char *a, const char *b)
{
	const struct scprof_arch *x = scprof_arch_by_name(a), *y = scprof_arch_by_name(b);

	return x && y ? x == y : !strcasecmp(a, b);
}

static bool has_arch(const struct scprof_profile *p, const char *arch)
{
	for (size_t i = 0; i < p->n_architectures; i++)
		if (same_arch(p->architectures[i], arch))
			return true;
	for (size_t i = 0; i < p->n_arch_map; i++) {
		if (same_arch(p->arch_map[i].arch, arch))
			return true;
		for (size_t j = 0; j < p->arch_map[i].n_sub; j++)
			if (same_arch(p->arch_map[i].sub[j], arch))
				return true;
	}
	return false;
}

static void strv_append(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/*
 * Add @arch to @p.  With Docker's archMap, whose entry is picked by the
 * runtime's native architecture, it becomes a sub-architecture of the native
 * entry, which is where a recording made here needs it.
 */
static void add_arch(struct scprof_profile *p, const char *arch)
{
	const struct scprof_arch *native = scprof_arch_native();

	if (!p->n_arch_map || p->n_architectures) {
		strv_append(&p->architectures, &p->n_architectures, arch);
		return;
	}
	for (size_t i = 0; native && i < p->n_arch_map; i++) {
		struct scprof_arch_map *m = &p->arch_map[i];

		if (!same_arch(m->arch, native->scmp_name))
			continue;
		strv_append(&m->sub, &m->n_sub, arch);
		m->sub_null = false;
		return;
	}
	p->arch_map = xrealloc(p->arch_map, (p->n_arch_map + 1) * sizeof(*p->arch_map));
	p->arch_map[p->n_arch_map++] = (struct scprof_arch_map){ .arch = xstrdup(arch) };
}

void scprof_record_merge(struct scprof_profile *base, const struct scprof_profile *rec,
			 char ***denied)
{
	struct scprof_profile *copy = scprof_profile_copy(rec);
	struct nameset deny = { 0 };
	char **gone = NULL;
	size_t n_gone = 0, w = 0;

	base_denied(base, &deny);
	remove_names(copy, &deny, &gone, &n_gone);
	nameset_release(&deny);

	for (size_t i = 0; i < rec->n_architectures; i++)
		if (!has_arch(base, rec->architectures[i]))
			add_arch(base, rec->architectures[i]);
	scprof_profile_merge(base, copy);
	scprof_profile_free(copy);

	if (n_gone > 1)
		qsort(gone, n_gone, sizeof(*gone), str_qcmp);
	for (size_t i = 0; i < n_gone; i++) {
		if (denied && (!w || strcmp(gone[i], gone[w - 1])))
			gone[w++] = gone[i];
		else
			free(gone[i]);
	}
	if (!denied) {
		free(gone);
		return;
	}
	gone = xrealloc(gone, (w + 1) * sizeof(*gone));
	gone[w] = NULL;
	*denied = gone;
}
