// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Decode a document tree (JSON or YAML) into the profile model, reporting every
 * problem with its position.
 *
 * Accepted shapes:
 *   OCI / Docker / containers-common: { "defaultAction": ACTION, "defaultErrnoRet": uint,
 *     "defaultErrno": "EPERM", "architectures": [ARCH...] | "archMap": [{ "architecture":
 *     ARCH, "subArchitectures": [ARCH...] | null }...], "flags": [FLAG...], "listenerPath":
 *     str, "listenerMetadata": str, "baseProfileName": str, "syscalls": [RULE...] }
 *   RULE: { "names": [str...] | "name": str, "action": ACTION, "errnoRet": uint,
 *     "errno": "ENOSYS", "args": [{ "index": 0..5, "value": u64, "valueTwo": u64, "op": OP }],
 *     "comment": str, "includes": FILTER, "excludes": FILTER }
 *   FILTER: { "caps": [CAP...], "arches": [GOARCH...], "minKernel": "X.Y" }
 *   Security Profiles Operator: { "apiVersion": "security-profiles-operator.x-k8s.io/v1" |
 *     ".../v1beta1", "kind": "SeccompProfile", "metadata": { "name", "annotations", ... },
 *     "spec": { the OCI keys but defaultErrnoRet, "baseProfileName", "disabled": bool,
 *     "state": "Enabled" | "Disabled" }, "status": ... }  (argument values are int64 there)
 */
#include <strings.h>

#include "profile/profile.h"
#include "scprof/syscalls.h"

struct reader {
	struct scprof_diags *d;
	bool spo;
};

#define ERR_AT(r, n, ...) \
	scprof_diags_add((r)->d, SCPROF_SEV_ERROR, (n)->line, (n)->col, __VA_ARGS__)
#define WARN_AT(r, n, ...) \
	scprof_diags_add((r)->d, SCPROF_SEV_WARNING, (n)->line, (n)->col, __VA_ARGS__)

static const char *const seccomp_keys[] = {
	"defaultAction", "defaultErrnoRet",  "defaultErrno", "architectures",	"archMap", "flags",
	"listenerPath",	 "listenerMetadata", "syscalls",     "baseProfileName", NULL,
};
static const char *const spo_spec_keys[] = {
	"defaultAction",    "defaultErrno", "architectures",   "archMap",  "flags", "listenerPath",
	"listenerMetadata", "syscalls",	    "baseProfileName", "disabled", "state", NULL,
};
static const char *const spo_top_keys[] = {
	"apiVersion", "kind", "metadata", "spec", "status", NULL
};
static const char *const rule_keys[] = { "names", "name",    "action",	 "errnoRet", "errno",
					 "args",  "comment", "includes", "excludes", NULL };
static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
static const char *const filter_keys[] = { "caps", "arches", "minKernel", NULL };
static const char *const archmap_keys[] = { "architecture", "subArchitectures", NULL };

static const char *suggest(const char *word, const char *const *known)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (size_t i = 0; known[i]; i++) {
		unsigned d = strcasecmp(word, known[i]) == 0 ? 0 : edit_distance(word, known[i]);
		if (d < best_d) {
			best_d = d;
			best = known[i];
		}
	}
	return best;
}

static void unknown_key(struct reader *r, const struct node_key *k, const char *where,
			const char *const *known)
{
	const char *s = suggest(k->name, known);
	if (s)
		scprof_diags_add(r->d, SCPROF_SEV_WARNING, k->line, k->col,
				 "unknown key '%s' in %s; did you mean '%s'?", k->name, where, s);
	else
		scprof_diags_add(r->d, SCPROF_SEV_WARNING, k->line, k->col,
				 "unknown key '%s' in %s (kept as is)", k->name, where);
}

static void keep_extra(struct node **extra, const struct node_key *k, const struct node *v)
{
	if (!*extra)
		*extra = node_new(NODE_OBJECT);
	node_object_add(*extra, k->name, node_copy(v));
}

/* Warn about a key repeated in one object: JSON decoders keep the last one, and so do we. */
static void check_duplicate(struct reader *r, const struct node *obj, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(obj->keys[j].name, obj->keys[i].name)) {
			scprof_diags_add(r->d, SCPROF_SEV_WARNING, obj->keys[i].line,
					 obj->keys[i].col,
					 "duplicate key '%s' (first at line %u); the last one wins",
					 obj->keys[i].name, obj->keys[j].line);
			return;
		}
}

static bool want_kind(struct reader *r, const struct node *n, enum node_kind kind, const char *what)
{
	if (n->kind == kind)
		return true;
	ERR_AT(r, n, "'%s' must be %s %s, found %s", what,
	       kind == NODE_ARRAY || kind == NODE_OBJECT ? "an" : "a", node_kind_name(kind),
	       node_kind_name(n->kind));
	return false;
}

/* A string value, or NULL (error reported). */
static char *take_string(struct reader *r, const struct node *n, const char *what)
{
	if (!want_kind(r, n, NODE_STRING, what))
		return NULL;
	return xstrdup(n->text);
}

static void set_string(struct reader *r, char **dst, const struct node *n, const char *what)
{
	if (n->kind == NODE_NULL)
		return;
	char *s = take_string(r, n, what);
	if (s) {
		free(*dst);
		*dst = s;
	}
}

static bool take_u32(struct reader *r, const struct node *n, const char *what, uint32_t *out)
{
	uint64_t v;
	if (!want_kind(r, n, NODE_NUMBER, what))
		return false;
	if (!node_get_u64(n, &v) || v > UINT32_MAX) {
		ERR_AT(r, n, "'%s' must be an unsigned 32-bit integer, found %s", what, n->text);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool take_value(struct reader *r, const struct node *n, const char *what, uint64_t *out)
{
	int64_t s;
	if (!want_kind(r, n, NODE_NUMBER, what))
		return false;
	if (node_get_u64(n, out))
		return true;
	/* SeccompProfile declares argument values as int64: -1 is 0xffffffffffffffff */
	if (r->spo && node_get_i64(n, &s)) {
		*out = (uint64_t)s;
		return true;
	}
	ERR_AT(r, n, "'%s' must be an unsigned 64-bit integer, found %s", what, n->text);
	return false;
}

/* An array of strings (null means empty).  Each element is checked by @check when given. */
static void take_strv(struct reader *r, const struct node *n, const char *what, char ***v,
		      size_t *nv, bool (*check)(struct reader *, const struct node *, const char *))
{
	strv_free(*v, *nv);
	*v = NULL;
	*nv = 0;
	if (n->kind == NODE_NULL)
		return;
	if (!want_kind(r, n, NODE_ARRAY, what))
		return;
	for (size_t i = 0; i < n->len; i++) {
		const struct node *e = n->items[i];
		if (!want_kind(r, e, NODE_STRING, what))
			continue;
		if (check && !check(r, e, what))
			continue;
		strv_add(v, nv, e->text);
	}
}

static bool check_arch(struct reader *r, const struct node *n, const char *what)
{
	const struct scprof_arch *a = scprof_arch_by_name(n->text);
	if (!a || strncmp(n->text, "SCMP_ARCH_", 10) != 0) {
		if (a)
			ERR_AT(r, n, "unknown architecture '%s'; did you mean '%s'?", n->text,
			       a->scmp_name);
		else
			ERR_AT(r, n, "unknown architecture '%s'", n->text);
		return false;
	}
	return true;
}

static bool check_flag(struct reader *r, const struct node *n, const char *what)
{
	for (size_t i = 0; profile_flag_names[i]; i++)
		if (!strcmp(n->text, profile_flag_names[i]))
			return true;
	const char *s = suggest(n->text, profile_flag_names);
	if (s)
		ERR_AT(r, n, "unknown seccomp flag '%s'; did you mean '%s'?", n->text, s);
	else
		ERR_AT(r, n, "unknown seccomp flag '%s'", n->text);
	return false;
}

static bool check_cap(struct reader *r, const struct node *n, const char *what)
{
	if (scprof_cap_by_name(n->text) < 0)
		WARN_AT(r, n, "unknown capability '%s'; a rule that includes it never applies",
			n->text);
	return true;
}

static bool check_goarch(struct reader *r, const struct node *n, const char *what)
{
	if (!scprof_arch_by_name(n->text))
		WARN_AT(r, n, "unknown architecture '%s' in '%s'", n->text, what);
	return true;
}

static bool check_kernel_version(const char *s)
{
	unsigned a, b, c;
	int used = 0;
	if (sscanf(s, "%u.%u%n", &a, &b, &used) == 2 && s[used] == '\0')
		return true;
	return sscanf(s, "%u.%u.%u%n", &a, &b, &c, &used) == 3 && s[used] == '\0';
}

static enum scprof_action take_action(struct reader *r, const struct node *n, const char *what)
{
	if (!want_kind(r, n, NODE_STRING, what))
		return SCPROF_ACT_INVALID;
	enum scprof_action a = scprof_action_from_name(n->text);
	if (a != SCPROF_ACT_INVALID && !strncmp(n->text, "SCMP_ACT_", 9) &&
	    strcmp(n->text, "SCMP_ACT_USER_NOTIF") != 0)
		return a;
	static const char *const names[] = { "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
					     "SCMP_ACT_KILL",	      "SCMP_ACT_TRAP",
					     "SCMP_ACT_ERRNO",	      "SCMP_ACT_NOTIFY",
					     "SCMP_ACT_TRACE",	      "SCMP_ACT_LOG",
					     "SCMP_ACT_ALLOW",	      NULL };
	const char *s = a != SCPROF_ACT_INVALID ? scprof_action_name(a) : suggest(n->text, names);
	if (s)
		ERR_AT(r, n, "unknown action '%s'; did you mean '%s'?", n->text, s);
	else
		ERR_AT(r, n, "unknown action '%s'", n->text);
	return SCPROF_ACT_INVALID;
}

static void decode_filter(struct reader *r, const struct node *n, const char *what,
			  struct scprof_filter *f)
{
	filter_release(f);
	if (n->kind == NODE_NULL || !want_kind(r, n, NODE_OBJECT, what))
		return;
	for (size_t i = 0; i < n->len; i++) {
		const struct node_key *k = &n->keys[i];
		const struct node *v = n->items[i];
		check_duplicate(r, n, i);
		if (!strcmp(k->name, "caps")) {
			take_strv(r, v, "caps", &f->caps, &f->n_caps, check_cap);
		} else if (!strcmp(k->name, "arches")) {
			take_strv(r, v, "arches", &f->arches, &f->n_arches, check_goarch);
		} else if (!strcmp(k->name, "minKernel")) {
			if (v->kind == NODE_NULL)
				continue;
			char *s = take_string(r, v, "minKernel");
			if (s && !check_kernel_version(s)) {
				ERR_AT(r, v, "'minKernel' must look like '5.10', found '%s'", s);
				free(s);
				s = NULL;
			}
			if (s) {
				free(f->min_kernel);
				f->min_kernel = s;
			}
		} else {
			/* moby rejects unknown keys here: a typo would silently widen the rule */
			const char *s = suggest(k->name, filter_keys);
			if (s)
				scprof_diags_add(r->d, SCPROF_SEV_ERROR, k->line, k->col,
						 "unknown key '%s' in '%s'; did you mean '%s'?",
						 k->name, what, s);
			else
				scprof_diags_add(r->d, SCPROF_SEV_ERROR, k->line, k->col,
						 "unknown key '%s' in '%s'", k->name, what);
		}
	}
}

static void decode_arg(struct reader *r, const struct node *n, struct scprof_rule *rule)
{
	if (!want_kind(r, n, NODE_OBJECT, "args"))
		return;
	struct scprof_arg a = { .line = n->line, .col = n->col };
	bool have_index = false, have_op = false, ok = true;
	const struct node *two = NULL;
	for (size_t i = 0; i < n->len; i++) {
		const struct node_key *k = &n->keys[i];
		const struct node *v = n->items[i];
		check_duplicate(r, n, i);
		if (!strcmp(k->name, "index")) {
			uint32_t idx;
			if (!take_u32(r, v, "index", &idx)) {
				ok = false;
			} else if (idx > 5) {
				ERR_AT(r, v, "argument index %u out of range 0..5", idx);
				ok = false;
			} else {
				a.index = idx;
				have_index = true;
			}
		} else if (!strcmp(k->name, "value")) {
			ok &= take_value(r, v, "value", &a.value);
		} else if (!strcmp(k->name, "valueTwo")) {
			ok &= take_value(r, v, "valueTwo", &a.value_two);
			a.has_value_two = true;
			two = v;
		} else if (!strcmp(k->name, "op")) {
			if (!want_kind(r, v, NODE_STRING, "op")) {
				ok = false;
				continue;
			}
			a.op = scprof_op_from_name(v->text);
			if (a.op == SCPROF_OP_INVALID || strncmp(v->text, "SCMP_CMP_", 9)) {
				static const char *const ops[] = {
					"SCMP_CMP_NE",	      "SCMP_CMP_LT", "SCMP_CMP_LE",
					"SCMP_CMP_EQ",	      "SCMP_CMP_GE", "SCMP_CMP_GT",
					"SCMP_CMP_MASKED_EQ", NULL
				};
				const char *s = a.op ? scprof_op_name(a.op) : suggest(v->text, ops);
				if (s)
					ERR_AT(r, v, "unknown operator '%s'; did you mean '%s'?",
					       v->text, s);
				else
					ERR_AT(r, v, "unknown operator '%s'", v->text);
				ok = false;
			} else {
				have_op = true;
			}
		} else {
			const char *s = suggest(k->name, arg_keys);
			if (s)
				scprof_diags_add(r->d, SCPROF_SEV_ERROR, k->line, k->col,
						 "unknown key '%s' in argument; did you mean '%s'?",
						 k->name, s);
			else
				scprof_diags_add(r->d, SCPROF_SEV_ERROR, k->line, k->col,
						 "unknown key '%s' in argument", k->name);
			ok = false;
		}
	}
	if (!have_index && ok) {
		ERR_AT(r, n, "argument has no 'index'");
		ok = false;
	}
	if (!have_op && ok) {
		ERR_AT(r, n, "argument has no 'op'");
		ok = false;
	}
	if (!ok)
		return;
	if (a.op == SCPROF_OP_MASKED_EQ && (a.value_two & ~a.value))
		WARN_AT(r, two ? two : n,
			"SCMP_CMP_MASKED_EQ: valueTwo 0x%" PRIx64
			" has bits outside the mask 0x%" PRIx64
			"; libseccomp drops them and compares with 0x%" PRIx64,
			a.value_two, a.value, a.value_two & a.value);
	if (a.op != SCPROF_OP_MASKED_EQ && a.has_value_two && a.value_two != 0)
		WARN_AT(r, two, "'valueTwo' is ignored by %s; only SCMP_CMP_MASKED_EQ uses it",
			scprof_op_name(a.op));
	rule->args = xrealloc(rule->args, (rule->n_args + 1) * sizeof(*rule->args));
	rule->args[rule->n_args++] = a;
}

static void add_name(struct scprof_rule *rule, const struct node *v)
{
	rule->names = xrealloc(rule->names, (rule->n_names + 1) * sizeof(*rule->names));
	rule->names[rule->n_names++] =
		(struct scprof_name){ .name = xstrdup(v->text), .line = v->line, .col = v->col };
}

static bool decode_rule(struct reader *r, const struct node *n, struct scprof_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->line = n->line;
	rule->col = n->col;
	if (!want_kind(r, n, NODE_OBJECT, "syscalls[]"))
		return false;
	const struct node *names = NULL, *name = NULL, *errno_ret = NULL, *action = NULL;
	for (size_t i = 0; i < n->len; i++) {
		const struct node_key *k = &n->keys[i];
		const struct node *v = n->items[i];
		check_duplicate(r, n, i);
		if (!strcmp(k->name, "names")) {
			names = v;
		} else if (!strcmp(k->name, "name")) {
			name = v;
		} else if (!strcmp(k->name, "action")) {
			action = v;
			rule->action = take_action(r, v, "action");
		} else if (!strcmp(k->name, "errnoRet")) {
			if (v->kind == NODE_NULL)
				continue;
			errno_ret = v;
			rule->has_errno_ret = take_u32(r, v, "errnoRet", &rule->errno_ret);
		} else if (!strcmp(k->name, "errno")) {
			set_string(r, &rule->errno_name, v, "errno");
			if (rule->errno_name && scprof_errno_by_name(rule->errno_name) < 0)
				ERR_AT(r, v, "unknown errno name '%s'", rule->errno_name);
		} else if (!strcmp(k->name, "args")) {
			free(rule->args);
			rule->args = NULL;
			rule->n_args = 0;
			if (v->kind == NODE_NULL || !want_kind(r, v, NODE_ARRAY, "args"))
				continue;
			for (size_t j = 0; j < v->len; j++)
				decode_arg(r, v->items[j], rule);
		} else if (!strcmp(k->name, "comment")) {
			set_string(r, &rule->comment, v, "comment");
		} else if (!strcmp(k->name, "includes")) {
			decode_filter(r, v, "includes", &rule->includes);
		} else if (!strcmp(k->name, "excludes")) {
			decode_filter(r, v, "excludes", &rule->excludes);
		} else {
			unknown_key(r, k, "syscall rule", rule_keys);
			keep_extra(&rule->extra, k, v);
		}
	}

	if (names && names->kind != NODE_NULL && name && name->kind != NODE_NULL) {
		ERR_AT(r, name, "rule has both 'name' and 'names'; use 'names'");
	} else if (names && names->kind != NODE_NULL) {
		if (want_kind(r, names, NODE_ARRAY, "names")) {
			for (size_t j = 0; j < names->len; j++)
				if (want_kind(r, names->items[j], NODE_STRING, "names"))
					add_name(rule, names->items[j]);
			if (names->len == 0)
				ERR_AT(r, names, "'names' must not be empty");
		}
	} else if (name && name->kind != NODE_NULL) {
		if (want_kind(r, name, NODE_STRING, "name")) {
			add_name(rule, name);
			rule->singular_name = true;
		}
	} else {
		ERR_AT(r, n, "rule has no 'names'");
	}
	for (size_t j = 0; j < rule->n_names; j++)
		if (!rule->names[j].name[0])
			scprof_diags_add(r->d, SCPROF_SEV_ERROR, rule->names[j].line,
					 rule->names[j].col, "empty syscall name");

	if (!action)
		ERR_AT(r, n, "rule has no 'action'");
	if (errno_ret && rule->action != SCPROF_ACT_INVALID && rule->action != SCPROF_ACT_ERRNO &&
	    rule->action != SCPROF_ACT_TRACE)
		ERR_AT(r, errno_ret,
		       "'errnoRet' is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
		       scprof_action_name(rule->action));
	else if (errno_ret && rule->has_errno_ret && rule->errno_ret > 0xffff)
		ERR_AT(r, errno_ret,
		       "'errnoRet' %u does not fit in the 16 bits of SECCOMP_RET_DATA",
		       rule->errno_ret);
	else if (errno_ret && rule->action == SCPROF_ACT_ERRNO && rule->errno_ret > 4095)
		WARN_AT(r, errno_ret,
			"'errnoRet' %u is above MAX_ERRNO (4095); callers will not see an error",
			rule->errno_ret);
	if (errno_ret && rule->errno_name)
		WARN_AT(r, errno_ret, "both 'errnoRet' and 'errno' are set; 'errnoRet' wins");
	return true;
}

static void decode_arch_map(struct reader *r, const struct node *n, struct scprof_profile *p)
{
	for (size_t i = 0; i < p->n_arch_map; i++) {
		free(p->arch_map[i].arch);
		strv_free(p->arch_map[i].sub, p->arch_map[i].n_sub);
	}
	free(p->arch_map);
	p->arch_map = NULL;
	p->n_arch_map = 0;
	if (n->kind == NODE_NULL || !want_kind(r, n, NODE_ARRAY, "archMap"))
		return;
	for (size_t i = 0; i < n->len; i++) {
		const struct node *e = n->items[i];
		if (!want_kind(r, e, NODE_OBJECT, "archMap[]"))
			continue;
		struct scprof_arch_map m = { 0 };
		for (size_t j = 0; j < e->len; j++) {
			const struct node_key *k = &e->keys[j];
			const struct node *v = e->items[j];
			check_duplicate(r, e, j);
			if (!strcmp(k->name, "architecture")) {
				if (want_kind(r, v, NODE_STRING, "architecture") &&
				    check_arch(r, v, "architecture")) {
					free(m.arch);
					m.arch = xstrdup(v->text);
				}
			} else if (!strcmp(k->name, "subArchitectures")) {
				take_strv(r, v, "subArchitectures", &m.sub, &m.n_sub, check_arch);
				m.sub_null = v->kind == NODE_NULL;
			} else {
				unknown_key(r, k, "archMap entry", archmap_keys);
			}
		}
		if (!m.arch) {
			if (!node_get(e, "architecture"))
				ERR_AT(r, e, "archMap entry has no 'architecture'");
			strv_free(m.sub, m.n_sub);
			continue;
		}
		p->arch_map = xrealloc(p->arch_map, (p->n_arch_map + 1) * sizeof(*p->arch_map));
		p->arch_map[p->n_arch_map++] = m;
	}
}

static void decode_seccomp(struct reader *r, const struct node *n, struct scprof_profile *p)
{
	const char *const *known = r->spo ? spo_spec_keys : seccomp_keys;
	const char *where = r->spo ? "spec" : "profile";
	const struct node *archs = NULL, *archmap = NULL, *dflt = NULL, *derrno = NULL,
			  *dret = NULL;
	p->line = n->line;
	p->col = n->col;
	for (size_t i = 0; i < n->len; i++) {
		const struct node_key *k = &n->keys[i];
		const struct node *v = n->items[i];
		bool known_key = false;
		for (size_t j = 0; known[j]; j++)
			known_key |= !strcmp(known[j], k->name);
		check_duplicate(r, n, i);
		if (!known_key) {
			if (r->spo && !strcmp(k->name, "defaultErrnoRet"))
				scprof_diags_add(
					r->d, SCPROF_SEV_WARNING, k->line, k->col,
					"'defaultErrnoRet' is not a SeccompProfile field; the operator drops it (kept as is)");
			else
				unknown_key(r, k, where, known);
			keep_extra(&p->extra, k, v);
		} else if (!strcmp(k->name, "defaultAction")) {
			dflt = v;
			p->default_action = take_action(r, v, "defaultAction");
		} else if (!strcmp(k->name, "defaultErrnoRet")) {
			if (v->kind == NODE_NULL)
				continue;
			dret = v;
			p->has_default_errno_ret =
				take_u32(r, v, "defaultErrnoRet", &p->default_errno_ret);
		} else if (!strcmp(k->name, "defaultErrno")) {
			derrno = v;
			set_string(r, &p->default_errno, v, "defaultErrno");
			if (p->default_errno && scprof_errno_by_name(p->default_errno) < 0)
				ERR_AT(r, v, "unknown errno name '%s'", p->default_errno);
		} else if (!strcmp(k->name, "architectures")) {
			archs = v;
			take_strv(r, v, "architectures", &p->architectures, &p->n_architectures,
				  check_arch);
		} else if (!strcmp(k->name, "archMap")) {
			archmap = v;
			decode_arch_map(r, v, p);
		} else if (!strcmp(k->name, "flags")) {
			take_strv(r, v, "flags", &p->flags, &p->n_flags, check_flag);
		} else if (!strcmp(k->name, "listenerPath")) {
			set_string(r, &p->listener_path, v, "listenerPath");
		} else if (!strcmp(k->name, "listenerMetadata")) {
			set_string(r, &p->listener_metadata, v, "listenerMetadata");
		} else if (!strcmp(k->name, "baseProfileName")) {
			set_string(r, &p->base_profile_name, v, "baseProfileName");
			p->base_line = v->line;
			p->base_col = v->col;
		} else if (!strcmp(k->name, "disabled")) {
			if (want_kind(r, v, NODE_BOOL, "disabled"))
				p->disabled = v->boolean;
		} else if (!strcmp(k->name, "state")) {
			set_string(r, &p->state, v, "state");
			if (p->state && strcmp(p->state, "Enabled") && strcmp(p->state, "Disabled"))
				ERR_AT(r, v, "'state' must be 'Enabled' or 'Disabled', found '%s'",
				       p->state);
		} else if (!strcmp(k->name, "syscalls")) {
			for (size_t j = 0; j < p->n_rules; j++)
				scprof_rule_release(&p->rules[j]);
			free(p->rules);
			p->rules = NULL;
			p->n_rules = 0;
			if (v->kind == NODE_NULL || !want_kind(r, v, NODE_ARRAY, "syscalls"))
				continue;
			p->rules = xcalloc(v->len, sizeof(*p->rules));
			for (size_t j = 0; j < v->len; j++)
				if (decode_rule(r, v->items[j], &p->rules[p->n_rules]))
					p->n_rules++;
				else
					scprof_rule_release(&p->rules[p->n_rules]);
		}
	}
	if (!dflt)
		ERR_AT(r, n, "%s has no 'defaultAction'", where);
	if (archs && archmap && archs->kind != NODE_NULL && archmap->kind != NODE_NULL)
		ERR_AT(r, archmap, "both 'architectures' and 'archMap' are set; use one of them");
	if (dret && p->default_action != SCPROF_ACT_INVALID &&
	    p->default_action != SCPROF_ACT_ERRNO && p->default_action != SCPROF_ACT_TRACE)
		ERR_AT(r, dret,
		       "'defaultErrnoRet' is only allowed when defaultAction is SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	if (derrno && dret)
		WARN_AT(r, derrno,
			"both 'defaultErrnoRet' and 'defaultErrno' are set; 'defaultErrnoRet' wins");
	if (p->state && p->disabled >= 0)
		ERR_AT(r, n, "both 'state' and the older 'disabled' are set; use 'state'");
}

static void decode_metadata(struct reader *r, const struct node *n, struct scprof_profile *p)
{
	if (!want_kind(r, n, NODE_OBJECT, "metadata"))
		return;
	for (size_t i = 0; i < n->len; i++) {
		const struct node_key *k = &n->keys[i];
		const struct node *v = n->items[i];
		check_duplicate(r, n, i);
		if (!strcmp(k->name, "name")) {
			set_string(r, &p->name, v, "metadata.name");
		} else if (!strcmp(k->name, "annotations")) {
			if (v->kind == NODE_NULL || !want_kind(r, v, NODE_OBJECT, "annotations"))
				continue;
			for (size_t j = 0; j < v->len; j++) {
				if (!want_kind(r, v->items[j], NODE_STRING, "annotations"))
					continue;
				p->annotations =
					xrealloc(p->annotations,
						 (p->n_annotations + 1) * sizeof(*p->annotations));
				p->annotations[p->n_annotations++] = (struct scprof_annotation){
					.key = xstrdup(v->keys[j].name),
					.value = xstrdup(v->items[j]->text),
				};
			}
		} else {
			keep_extra(&p->metadata_extra, k, v);
		}
	}
	if (!p->name)
		ERR_AT(r, n, "metadata has no 'name'");
}

static void decode_spo(struct reader *r, const struct node *doc, struct scprof_profile *p)
{
	const struct node *spec = NULL, *kind = NULL, *api = NULL;
	for (size_t i = 0; i < doc->len; i++) {
		const struct node_key *k = &doc->keys[i];
		const struct node *v = doc->items[i];
		check_duplicate(r, doc, i);
		if (!strcmp(k->name, "apiVersion")) {
			api = v;
			free(p->api_version);
			p->api_version = take_string(r, v, "apiVersion");
		} else if (!strcmp(k->name, "kind")) {
			kind = v;
			free(p->spo_kind);
			p->spo_kind = take_string(r, v, "kind");
		} else if (!strcmp(k->name, "metadata")) {
			decode_metadata(r, v, p);
		} else if (!strcmp(k->name, "spec")) {
			spec = v;
		} else {
			if (strcmp(k->name, "status"))
				unknown_key(r, k, "SeccompProfile", spo_top_keys);
			keep_extra(&p->top_extra, k, v);
		}
	}
	if (!api)
		ERR_AT(r, doc, "SeccompProfile has no 'apiVersion'");
	else if (p->api_version &&
		 strcmp(p->api_version, "security-profiles-operator.x-k8s.io/v1") &&
		 strcmp(p->api_version, "security-profiles-operator.x-k8s.io/v1beta1"))
		ERR_AT(r, api,
		       "unsupported apiVersion '%s'; expected 'security-profiles-operator.x-k8s.io/v1' or '.../v1beta1'",
		       p->api_version);
	if (!kind)
		ERR_AT(r, doc, "SeccompProfile has no 'kind'");
	else if (p->spo_kind && strcmp(p->spo_kind, "SeccompProfile"))
		ERR_AT(r, kind, "kind '%s' is not a SeccompProfile", p->spo_kind);
	if (!node_get(doc, "metadata"))
		ERR_AT(r, doc, "SeccompProfile has no 'metadata'");
	if (!spec)
		ERR_AT(r, doc, "SeccompProfile has no 'spec'");
	else if (want_kind(r, spec, NODE_OBJECT, "spec"))
		decode_seccomp(r, spec, p);
}

int profile_decode(const struct node *doc, enum scprof_syntax syntax, struct scprof_profile **out,
		   struct scprof_diags *diags)
{
	struct reader r = { .d = diags };
	size_t errors_before = scprof_diags_count(diags, SCPROF_SEV_ERROR);
	struct scprof_profile *p = scprof_profile_new();
	p->syntax = syntax;
	if (doc->kind != NODE_OBJECT) {
		ERR_AT(&r, doc, "a profile must be an object, found %s", node_kind_name(doc->kind));
	} else if (node_get(doc, "apiVersion") || node_get(doc, "kind") || node_get(doc, "spec")) {
		r.spo = true;
		p->kind = SCPROF_KIND_SPO;
		decode_spo(&r, doc, p);
	} else if (node_get(doc, "ociVersion") && !node_get(doc, "defaultAction")) {
		ERR_AT(&r, doc,
		       "this is an OCI runtime config, not a profile; its profile is under linux.seccomp");
	} else {
		p->kind = SCPROF_KIND_OCI;
		decode_seccomp(&r, doc, p);
	}
	*out = p;
	return scprof_diags_count(diags, SCPROF_SEV_ERROR) > errors_before ? -EINVAL : 0;
}
