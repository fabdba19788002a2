// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Base profiles: flatten a chain of baseProfileName references into one profile.
 *
 * What baseProfileName may hold, tried in this order:
 *   oci://REF   an OCI artifact, fetched by the caller's callback (without one:
 *               -EOPNOTSUPP); its own bases resolve as those of stdin do
 *   PATH        a value with a '/' or ending in .json, .yaml or .yml (but the
 *               built-in name runtime/default): a file, relative to the directory
 *               of the profile that names it (the current one for stdin)
 *   NAME        NAME.json, NAME.yaml, NAME.yml in each profile directory in order
 *               (default ./profiles, then /etc/scprof/profiles); then the built-in
 *               profiles (runtime/default, unconfined); then the caller's lookup
 *               (the runtimes' bases, such as runc)
 * Directories come before built-ins so that a site can replace a built-in base
 * with its own measurement under the same name.
 *
 * Only syscalls are inherited, by the union of scprof_profile_merge(); the
 * profile's own defaultAction, architectures, flags and listener stay.  As the
 * Security Profiles Operator (resolveSyscallsForProfile, maxLevel 15), a chain
 * holds at most 15 profiles, the first one included.  After resolving, the
 * operator records the flattened list in the annotation "syscalls":
 * json.Marshal of its []*Syscall, [{"names":[...],"action":"...","errnoRet":N,
 * "args":[{"index":N,"value":N,"valueTwo":N,"op":"..."}]}], zero values and empty
 * lists left out (omitempty).
 */
#include <limits.h>
#include <sys/stat.h>

#include "profile/profile.h"

static const char *const default_dirs[] = { "./profiles", "/etc/scprof/profiles" };
static const char *const extensions[] = { ".json", ".yaml", ".yml" };

/* One profile of the chain. */
struct link {
	char *id; /* the file's real path, "builtin:NAME", or NULL (stdin, memory) */
	char *shown; /* as messages name it */
	char *path; /* the file, for bases it names by relative path; or NULL */
	struct scprof_profile *profile; /* owned; NULL for the first (the caller's) */
};

struct chain {
	struct link links[SCPROF_BASE_MAX_LEVELS];
	size_t n;
};

static void chain_release(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->links[i].id);
		free(c->links[i].shown);
		free(c->links[i].path);
		scprof_profile_free(c->links[i].profile);
	}
	c->n = 0;
}

/* "a.json -> b.json -> ... -> @last" */
static char *chain_format(const struct chain *c, const char *last)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < c->n; i++)
		strbuf_addf(&sb, "%s -> ", c->links[i].shown);
	strbuf_adds(&sb, last);
	return strbuf_detach(&sb);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static bool is_path(const char *ref)
{
	if (scprof_profile_is_builtin(ref))
		return false;
	if (strchr(ref, '/'))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(extensions); i++)
		if (ends_with(ref, extensions[i]))
			return true;
	return false;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The identity of a file for cycle detection: its real path, else the path as given. */
static char *file_id(const char *path)
{
	char buf[PATH_MAX];
	return xstrdup(realpath(path, buf) ? buf : path);
}

/* @ref relative to the directory of @from (a path, or NULL for the current directory). */
static char *relative_to(const char *from, const char *ref)
{
	const char *slash = from ? strrchr(from, '/') : NULL;
	if (ref[0] == '/' || !slash)
		return xstrdup(ref);
	return xasprintf("%.*s/%s", (int)(slash - from), from, ref);
}

/* Where a base given by name was looked for, for the message that it was not found. */
static char *where_looked(const struct scprof_flatten_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < o->n_dirs; i++)
		strbuf_addf(&sb, "%s, ", o->dirs[i]);
	strbuf_adds(&sb, "or the built-in bases");
	return strbuf_detach(&sb);
}

/*
 * Read the base that @child, the last link of @c, names, and add it to @c.
 * Returns 0 or a negative errno with *err at @child's baseProfileName (or at the
 * base's own error, for a base that does not parse).
 */
static int load_base(struct chain *c, const struct scprof_profile *child,
		     const struct scprof_flatten_opts *o, struct scprof_error **err)
{
	const struct link *from = &c->links[c->n - 1];
	const char *ref = child->base_profile_name;
	unsigned line = child->base_line, col = child->base_col;
	_cleanup_free_ char *path = NULL, *id = NULL, *shown = NULL;
	struct scprof_profile *base = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	int r;

	bool oci = !strncmp(ref, "oci://", 6);

	if (oci && !o->fetch)
		return error_set_at(
			err, -EOPNOTSUPP, from->shown, line, col,
			"base profile '%s': OCI references are not supported by this build", ref);
	if (oci) {
		/* the reference as written is its identity: a tag is not resolved twice */
	} else if (is_path(ref)) {
		path = relative_to(from->path, ref);
		if (!is_file(path)) {
			struct stat st;
			int code = stat(path, &st) < 0 ? -errno : -EISDIR;
			return error_set_at(err, code, from->shown, line, col,
					    "cannot read base profile '%s': %s", path,
					    strerror(-code));
		}
	} else {
		for (size_t i = 0; i < o->n_dirs && !path; i++) {
			for (size_t j = 0; j < ARRAY_SIZE(extensions) && !path; j++) {
				char *p = xasprintf("%s/%s%s", o->dirs[i], ref, extensions[j]);
				if (is_file(p))
					path = p;
				else
					free(p);
			}
		}
	}

	if (oci) {
		id = xstrdup(ref);
		shown = xstrdup(ref);
	} else if (path) {
		id = file_id(path);
		shown = xstrdup(path);
	} else {
		id = xasprintf("builtin:%s", ref);
		shown = xstrdup(ref);
	}
	for (size_t i = 0; i < c->n; i++) {
		if (c->links[i].id && !strcmp(c->links[i].id, id)) {
			_cleanup_free_ char *cycle = chain_format(c, shown);
			return error_set_at(err, -ELOOP, from->shown, line, col,
					    "base profiles form a cycle: %s", cycle);
		}
	}
	if (c->n == SCPROF_BASE_MAX_LEVELS) {
		_cleanup_free_ char *all = chain_format(c, shown);
		return error_set_at(err, -ELOOP, from->shown, line, col,
				    "more than %d levels of base profiles: %s",
				    SCPROF_BASE_MAX_LEVELS, all);
	}

	if (oci) {
		r = o->fetch(ref + 6, &base, &e, o->fetch_data);
		if (r < 0)
			return error_set_at(err, r, from->shown, line, col,
					    "cannot pull base profile '%s': %s", ref,
					    e ? e->msg : strerror(-r));
	} else if (path) {
		r = scprof_profile_load(path, &base, NULL, &e);
	} else if (scprof_profile_is_builtin(ref)) {
		r = scprof_profile_load(ref, &base, NULL, &e);
	} else {
		r = o->lookup ? o->lookup(ref, &base, o->lookup_data) : -ENOENT;
		if (r == -ENOENT) {
			_cleanup_free_ char *looked = where_looked(o);
			return error_set_at(err, -ENOENT, from->shown, line, col,
					    "base profile '%s' not found in %s", ref, looked);
		}
		if (r < 0)
			return error_set_at(err, r, from->shown, line, col,
					    "cannot build the built-in base profile '%s': %s", ref,
					    strerror(-r));
	}
	if (r < 0) {
		/* the base's own position, and who asked for it */
		if (e)
			return error_set_at(err, r, e->file, e->line, e->col,
					    "%s (base profile of '%s')", e->msg, from->shown);
		return error_set_at(err, r, from->shown, line, col, "cannot read base profile '%s'",
				    shown);
	}

	struct link *l = &c->links[c->n++];
	l->id = steal_ptr(&id);
	l->shown = steal_ptr(&shown);
	l->path = steal_ptr(&path);
	l->profile = base;
	return 0;
}

void scprof_flatten_opts_init(struct scprof_flatten_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/*
 * The union merges rules of several files into one: a position would name the
 * wrong file, so none is kept (line 0 means "not from one place").
 */
static void forget_positions(struct scprof_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		struct scprof_rule *r = &p->rules[i];
		r->line = r->col = 0;
		for (size_t j = 0; j < r->n_names; j++)
			r->names[j].line = r->names[j].col = 0;
		for (size_t j = 0; j < r->n_args; j++)
			r->args[j].line = r->args[j].col = 0;
	}
}

/* The first link: the profile the caller loaded from @source. */
static void chain_start(struct chain *c, const char *source)
{
	struct link *top = &c->links[c->n++];
	if (!source || !strcmp(source, "-")) {
		top->shown = xstrdup(source ? "<stdin>" : "<memory>");
	} else if (scprof_profile_is_builtin(source)) {
		top->id = xasprintf("builtin:%s", source);
		top->shown = xstrdup(source);
	} else {
		top->id = file_id(source);
		top->shown = xstrdup(source);
		top->path = xstrdup(source);
	}
}

/* An empty name is no base, as with the operator's omitempty field. */
static bool has_base(const struct scprof_profile *p)
{
	return p->base_profile_name && *p->base_profile_name;
}

int scprof_profile_flatten(struct scprof_profile *p, const char *source,
			   const struct scprof_flatten_opts *opts, struct scprof_error **err)
{
	struct scprof_flatten_opts o;
	struct chain c = { 0 };
	int r = 0;

	if (opts)
		o = *opts;
	else
		scprof_flatten_opts_init(&o);
	if (!o.n_dirs) {
		o.dirs = default_dirs;
		o.n_dirs = ARRAY_SIZE(default_dirs);
	}

	/* read the whole chain first, so that a failure leaves @p as it was */
	if (has_base(p)) {
		const struct scprof_profile *cur = p;
		chain_start(&c, source);
		for (; has_base(cur); cur = c.links[c.n - 1].profile) {
			r = load_base(&c, cur, &o, err);
			if (r < 0)
				goto out;
		}
	}
	for (size_t i = 1; i < c.n; i++)
		scprof_profile_merge(p, c.links[i].profile);
	if (c.n > 1)
		forget_positions(p);
	free(p->base_profile_name);
	p->base_profile_name = NULL;
	p->base_line = p->base_col = 0;
out:
	chain_release(&c);
	return r;
}

/* One rule in the shape of the operator's v1beta1.Syscall. */
static struct node *spo_syscall_node(const struct scprof_rule *r)
{
	struct node *o = node_new(NODE_OBJECT);
	struct node *names = node_new(NODE_ARRAY);
	for (size_t i = 0; i < r->n_names; i++)
		node_array_add(names, node_new_string(r->names[i].name));
	node_object_add(o, "names", names);
	node_object_add(o, "action", node_new_string(scprof_action_name(r->action)));
	if (r->has_errno_ret && r->errno_ret)
		node_object_add(o, "errnoRet", node_new_u64(r->errno_ret));
	if (r->n_args) {
		struct node *args = node_new(NODE_ARRAY);
		for (size_t i = 0; i < r->n_args; i++) {
			const struct scprof_arg *a = &r->args[i];
			struct node *x = node_new(NODE_OBJECT);
			node_object_add(x, "index", node_new_u64(a->index));
			if (a->value)
				node_object_add(x, "value", node_new_u64(a->value));
			if (a->value_two)
				node_object_add(x, "valueTwo", node_new_u64(a->value_two));
			node_object_add(x, "op", node_new_string(scprof_op_name(a->op)));
			node_array_add(args, x);
		}
		node_object_add(o, "args", args);
	}
	return o;
}

void scprof_profile_annotate_syscalls(struct scprof_profile *p)
{
	_cleanup_node_ struct node *doc = node_new(NODE_ARRAY);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < p->n_rules; i++)
		node_array_add(doc, spo_syscall_node(&p->rules[i]));
	json_write(doc, false, &sb);
	/* json_write ends the document with a newline; an annotation is one line */
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	char *value = strbuf_detach(&sb);

	for (size_t i = 0; i < p->n_annotations; i++) {
		if (!strcmp(p->annotations[i].key, "syscalls")) {
			free(p->annotations[i].value);
			p->annotations[i].value = value;
			return;
		}
	}
	p->annotations = xrealloc(p->annotations, (p->n_annotations + 1) * sizeof(*p->annotations));
	p->annotations[p->n_annotations++] =
		(struct scprof_annotation){ .key = xstrdup("syscalls"), .value = value };
}
