// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Serialise the model: build a document tree with a stable key order (the order
 * of read.c's grammar), then hand it to the JSON or YAML writer.  Unknown keys
 * read from the input follow the known ones, in their original order.
 */
#include "profile/profile.h"

static void add_str(struct node *obj, const char *key, const char *s)
{
	if (s)
		node_object_add(obj, key, node_new_string(s));
}

static void add_strv(struct node *obj, const char *key, char *const *v, size_t n)
{
	struct node *arr = node_new(NODE_ARRAY);
	for (size_t i = 0; i < n; i++)
		node_array_add(arr, node_new_string(v[i]));
	node_object_add(obj, key, arr);
}

static void add_extra(struct node *obj, const struct node *extra)
{
	if (!extra)
		return;
	for (size_t i = 0; i < extra->len; i++)
		node_object_add(obj, extra->keys[i].name, node_copy(extra->items[i]));
}

static struct node *value_node(uint64_t v, bool spo)
{
	/* SeccompProfile's argument values are int64: write the same bits */
	if (spo && v > INT64_MAX)
		return node_new_i64((int64_t)v);
	return node_new_u64(v);
}

static struct node *filter_node(const struct scprof_filter *f)
{
	struct node *o = node_new(NODE_OBJECT);
	if (f->n_caps)
		add_strv(o, "caps", f->caps, f->n_caps);
	if (f->n_arches)
		add_strv(o, "arches", f->arches, f->n_arches);
	add_str(o, "minKernel", f->min_kernel);
	return o;
}

static struct node *rule_node(const struct scprof_rule *r, bool spo)
{
	struct node *o = node_new(NODE_OBJECT);
	if (r->singular_name && r->n_names == 1) {
		node_object_add(o, "name", node_new_string(r->names[0].name));
	} else {
		struct node *names = node_new(NODE_ARRAY);
		for (size_t i = 0; i < r->n_names; i++)
			node_array_add(names, node_new_string(r->names[i].name));
		node_object_add(o, "names", names);
	}
	node_object_add(o, "action", node_new_string(scprof_action_name(r->action)));
	if (r->has_errno_ret)
		node_object_add(o, "errnoRet", node_new_u64(r->errno_ret));
	add_str(o, "errno", r->errno_name);
	if (r->n_args) {
		struct node *args = node_new(NODE_ARRAY);
		for (size_t i = 0; i < r->n_args; i++) {
			const struct scprof_arg *a = &r->args[i];
			struct node *x = node_new(NODE_OBJECT);
			node_object_add(x, "index", node_new_u64(a->index));
			node_object_add(x, "value", value_node(a->value, spo));
			if (a->has_value_two)
				node_object_add(x, "valueTwo", value_node(a->value_two, spo));
			node_object_add(x, "op", node_new_string(scprof_op_name(a->op)));
			node_array_add(args, x);
		}
		node_object_add(o, "args", args);
	}
	add_str(o, "comment", r->comment);
	if (!filter_empty(&r->includes))
		node_object_add(o, "includes", filter_node(&r->includes));
	if (!filter_empty(&r->excludes))
		node_object_add(o, "excludes", filter_node(&r->excludes));
	add_extra(o, r->extra);
	return o;
}

static struct node *seccomp_node(const struct scprof_profile *p, bool spo)
{
	struct node *o = node_new(NODE_OBJECT);
	node_object_add(o, "defaultAction", node_new_string(scprof_action_name(p->default_action)));
	/* not a SeccompProfile field; an SPO profile that had it keeps it among its extras */
	if (p->has_default_errno_ret && !spo)
		node_object_add(o, "defaultErrnoRet", node_new_u64(p->default_errno_ret));
	add_str(o, "defaultErrno", p->default_errno);
	if (p->n_architectures)
		add_strv(o, "architectures", p->architectures, p->n_architectures);
	if (p->n_arch_map) {
		struct node *arr = node_new(NODE_ARRAY);
		for (size_t i = 0; i < p->n_arch_map; i++) {
			const struct scprof_arch_map *m = &p->arch_map[i];
			struct node *x = node_new(NODE_OBJECT);
			node_object_add(x, "architecture", node_new_string(m->arch));
			if (m->sub_null)
				node_object_add(x, "subArchitectures", node_new(NODE_NULL));
			else
				add_strv(x, "subArchitectures", m->sub, m->n_sub);
			node_array_add(arr, x);
		}
		node_object_add(o, "archMap", arr);
	}
	if (p->n_flags)
		add_strv(o, "flags", p->flags, p->n_flags);
	add_str(o, "listenerPath", p->listener_path);
	add_str(o, "listenerMetadata", p->listener_metadata);
	add_str(o, "baseProfileName", p->base_profile_name);
	if (spo) {
		if (p->disabled >= 0)
			node_object_add(o, "disabled", node_new_bool(p->disabled));
		add_str(o, "state", p->state);
	}
	struct node *rules = node_new(NODE_ARRAY);
	for (size_t i = 0; i < p->n_rules; i++)
		node_array_add(rules, rule_node(&p->rules[i], spo));
	node_object_add(o, "syscalls", rules);
	add_extra(o, p->extra);
	return o;
}

static struct node *spo_node(const struct scprof_profile *p)
{
	struct node *o = node_new(NODE_OBJECT);
	node_object_add(o, "apiVersion",
			node_new_string(p->api_version ?
						p->api_version :
						"security-profiles-operator.x-k8s.io/v1beta1"));
	node_object_add(o, "kind", node_new_string(p->spo_kind ? p->spo_kind : "SeccompProfile"));
	struct node *md = node_new(NODE_OBJECT);
	node_object_add(md, "name", node_new_string(p->name ? p->name : "profile"));
	if (p->n_annotations) {
		struct node *an = node_new(NODE_OBJECT);
		for (size_t i = 0; i < p->n_annotations; i++)
			node_object_add(an, p->annotations[i].key,
					node_new_string(p->annotations[i].value));
		node_object_add(md, "annotations", an);
	}
	add_extra(md, p->metadata_extra);
	node_object_add(o, "metadata", md);
	node_object_add(o, "spec", seccomp_node(p, true));
	add_extra(o, p->top_extra);
	return o;
}

int scprof_profile_write(const struct scprof_profile *p, enum scprof_format format, unsigned flags,
			 char **out, size_t *len, struct scprof_error **err)
{
	if (format == SCPROF_FORMAT_AUTO) {
		if (p->kind == SCPROF_KIND_SPO)
			format = p->syntax == SCPROF_SYNTAX_JSON ? SCPROF_FORMAT_SPO_JSON :
								   SCPROF_FORMAT_SPO_YAML;
		else
			format = SCPROF_FORMAT_OCI_JSON;
	}
	if (p->default_action == SCPROF_ACT_INVALID)
		return error_set(err, -EINVAL, "profile has no valid defaultAction");

	_cleanup_node_ struct node *doc = NULL;
	if (format == SCPROF_FORMAT_OCI_JSON)
		doc = seccomp_node(p, false);
	else
		doc = spo_node(p);

	struct strbuf sb = STRBUF_INIT;
	if (format == SCPROF_FORMAT_SPO_YAML)
		yaml_write(doc, &sb);
	else
		json_write(doc, !(flags & SCPROF_WRITE_COMPACT), &sb);
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}
