// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * OCI image manifests and indexes (image-spec v1.1) as seccomp profile
 * artifacts carry them.
 *
 * KEP-6061 form, which scprof pushes by default:
 *   {"schemaVersion": 2,
 *    "mediaType": "application/vnd.oci.image.manifest.v1+json",
 *    "artifactType": "application/vnd.cncf.seccomp-profile.config.v1+json",
 *    "config": {"mediaType": "application/vnd.cncf.seccomp-profile.config.v1+json",
 *               "digest": <sha256 of "{}">, "size": 2},
 *    "layers": [{"mediaType": "application/json", "digest": ..., "size": ...,
 *                "annotations": {"org.opencontainers.image.title": "profile.json"}}],
 *    "annotations": {...}}
 * The one layer is the OCI runtime-spec profile (linux.seccomp) in JSON; the
 * layer media type and title are those the Security Profiles Operator writes
 * (internal/pkg/artifact, layerMediaTypeJSON and defaultProfileJSON).
 *
 * Security Profiles Operator legacy form (oras file store packing, manifest
 * version 1.1):
 *   artifactType "application/vnd.unknown.config.v1+json", config the empty
 *   descriptor ("application/vnd.oci.empty.v1+json", the 2 bytes "{}"), one
 *   layer of mediaType "application/vnd.oci.image.layer.v1.tar" per platform,
 *   whose content is the SeccompProfile YAML itself (oras does not tar a single
 *   file), titled "profile.yaml" (no platform) or "profile-<os>-<arch>[-<variant>].yaml",
 *   the platform also in the descriptor's "platform".
 *
 * Signatures (oci/sign.c) are image manifests too, whose one layer carries the
 * annotation "dev.cosignproject.cosign/signature".
 *
 * An index (OCI or Docker manifest list) names manifests with a "platform"
 * each; a pull picks the one for the requested platform first.
 */
#include <sys/utsname.h>

#include "format/node.h"
#include "oci/manifest.h"
#include "oci/ref.h"

void oci_platform_release(struct oci_platform *p)
{
	free(p->os);
	free(p->arch);
	free(p->variant);
	memset(p, 0, sizeof(*p));
}

static bool platform_part_valid(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int oci_platform_parse(const char *s, struct oci_platform *p, struct scprof_error **err)
{
	const char *a = strchr(s, '/');
	const char *v = a ? strchr(a + 1, '/') : NULL;

	memset(p, 0, sizeof(*p));
	if (!a || !platform_part_valid(s, (size_t)(a - s)) ||
	    !platform_part_valid(a + 1, v ? (size_t)(v - a - 1) : strlen(a + 1)) ||
	    (v && !platform_part_valid(v + 1, strlen(v + 1))))
		return error_set(
			err, -EINVAL,
			"invalid platform '%s': expected OS/ARCH[/VARIANT] such as linux/amd64", s);
	p->os = xstrndup(s, (size_t)(a - s));
	p->arch = v ? xstrndup(a + 1, (size_t)(v - a - 1)) : xstrdup(a + 1);
	p->variant = v ? xstrdup(v + 1) : NULL;
	return 0;
}

void oci_platform_host(struct oci_platform *p)
{
	static const struct {
		const char *uname, *arch, *variant;
	} map[] = {
		{ "x86_64", "amd64", NULL },
		{ "aarch64", "arm64", NULL },
		{ "armv7l", "arm", "v7" },
		{ "armv6l", "arm", "v6" },
		{ "i686", "386", NULL },
		{ "i386", "386", NULL },
		{ "ppc64le", "ppc64le", NULL },
		{ "s390x", "s390x", NULL },
		{ "riscv64", "riscv64", NULL },
		{ "mips64", "mips64", NULL },
		{ "loongarch64", "loong64", NULL },
	};
	struct utsname u;

	memset(p, 0, sizeof(*p));
	p->os = xstrdup("linux");
	if (uname(&u) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
			if (!strcmp(u.machine, map[i].uname)) {
				p->arch = xstrdup(map[i].arch);
				p->variant = map[i].variant ? xstrdup(map[i].variant) : NULL;
				return;
			}
		}
		p->arch = xstrdup(u.machine);
		return;
	}
	p->arch = xstrdup("amd64");
}

char *oci_platform_format(const struct oci_platform *p)
{
	if (p->variant)
		return xasprintf("%s/%s/%s", p->os, p->arch, p->variant);
	return xasprintf("%s/%s", p->os, p->arch);
}

char *oci_platform_title(const struct oci_platform *p)
{
	if (p->variant)
		return xasprintf("profile-%s-%s-%s.yaml", p->os, p->arch, p->variant);
	return xasprintf("profile-%s-%s.yaml", p->os, p->arch);
}

/* The variant with containerd's defaults filled in: arm64 is v8, arm v7, amd64 v1. */
static const char *norm_variant(const struct oci_platform *p)
{
	const char *v = p->variant ? p->variant : "";
	if (!strcmp(p->arch, "arm64") && !strcmp(v, "v8"))
		return "";
	if (!strcmp(p->arch, "arm") && !*v)
		return "v7";
	if (!strcmp(p->arch, "amd64") && !strcmp(v, "v1"))
		return "";
	return v;
}

bool oci_platform_match(const struct oci_platform *a, const struct oci_platform *b)
{
	return !strcmp(a->os, b->os) && !strcmp(a->arch, b->arch) &&
	       !strcmp(norm_variant(a), norm_variant(b));
}

static void descriptor_release(struct oci_descriptor *d)
{
	free(d->media_type);
	free(d->title);
	free(d->ref_name);
	free(d->signature);
	oci_platform_release(&d->platform);
	memset(d, 0, sizeof(*d));
}

void oci_manifest_release(struct oci_manifest *m)
{
	free(m->media_type);
	free(m->artifact_type);
	descriptor_release(&m->config);
	for (size_t i = 0; i < m->n; i++)
		descriptor_release(&m->items[i]);
	free(m->items);
	memset(m, 0, sizeof(*m));
}

/* The string under @key of @obj: *out borrowed, NULL when absent; error when not a string. */
static int get_string(const struct node *obj, const char *key, const char *what, const char **out,
		      struct scprof_error **err)
{
	const struct node *n = node_get(obj, key);
	*out = NULL;
	if (!n)
		return 0;
	if (n->kind != NODE_STRING)
		return error_set(err, -EINVAL, "%s: \"%s\" is %s %s, not a string", what, key,
				 n->kind == NODE_OBJECT || n->kind == NODE_ARRAY ? "an" : "a",
				 node_kind_name(n->kind));
	*out = n->text;
	return 0;
}

static bool title_safe(const char *t)
{
	return t[0] && !strchr(t, '/') && strcmp(t, ".") && strcmp(t, "..") && !strstr(t, "..");
}

static int parse_descriptor(const struct node *n, const char *what, struct oci_descriptor *d,
			    struct scprof_error **err)
{
	const char *mt, *digest, *s;
	const struct node *size, *ann, *plat;
	int r;

	if (!n || n->kind != NODE_OBJECT)
		return error_set(err, -EINVAL, "%s is not an object", what);
	r = get_string(n, "mediaType", what, &mt, err);
	if (r < 0)
		return r;
	r = get_string(n, "digest", what, &digest, err);
	if (r < 0)
		return r;
	if (!mt || !digest)
		return error_set(err, -EINVAL, "%s has no %s", what, mt ? "digest" : "mediaType");
	if (!oci_digest_valid(digest))
		return error_set(err, -EINVAL,
				 "%s: unsupported digest '%.80s' (scprof reads sha256 digests)",
				 what, digest);
	size = node_get(n, "size");
	if (!size || !node_get_u64(size, &d->size) || d->size > INT64_MAX)
		return error_set(err, -EINVAL, "%s has no valid size", what);
	d->media_type = xstrdup(mt);
	strcpy(d->digest, digest);

	ann = node_get(n, "annotations");
	if (ann && ann->kind != NODE_OBJECT && ann->kind != NODE_NULL)
		return error_set(err, -EINVAL, "%s: annotations is not an object", what);
	if (ann && ann->kind == NODE_OBJECT) {
		r = get_string(ann, OCI_ANNOTATION_TITLE, what, &s, err);
		if (r < 0)
			return r;
		if (s && !title_safe(s))
			return error_set(
				err, -EINVAL,
				"%s: unsafe title '%.80s' (a file name without '/' or '..')", what,
				s);
		d->title = s ? xstrdup(s) : NULL;
		r = get_string(ann, OCI_ANNOTATION_REF_NAME, what, &s, err);
		if (r < 0)
			return r;
		d->ref_name = s ? xstrdup(s) : NULL;
		r = get_string(ann, OCI_ANNOTATION_SIGNATURE, what, &s, err);
		if (r < 0)
			return r;
		d->signature = s ? xstrdup(s) : NULL;
	}

	plat = node_get(n, "platform");
	if (plat && plat->kind != NODE_NULL) {
		const char *os, *arch, *variant;
		if (plat->kind != NODE_OBJECT)
			return error_set(err, -EINVAL, "%s: platform is not an object", what);
		if ((r = get_string(plat, "os", what, &os, err)) < 0 ||
		    (r = get_string(plat, "architecture", what, &arch, err)) < 0 ||
		    (r = get_string(plat, "variant", what, &variant, err)) < 0)
			return r;
		if (!os || !arch)
			return error_set(err, -EINVAL, "%s: platform has no %s", what,
					 os ? "architecture" : "os");
		d->has_platform = true;
		d->platform.os = xstrdup(os);
		d->platform.arch = xstrdup(arch);
		d->platform.variant = variant && *variant ? xstrdup(variant) : NULL;
	}
	return 0;
}

static bool is_index_type(const char *mt)
{
	return !strcmp(mt, OCI_MT_INDEX) || !strcmp(mt, OCI_MT_DOCKER_LIST);
}

static bool is_manifest_type(const char *mt)
{
	return !strcmp(mt, OCI_MT_MANIFEST) || !strcmp(mt, OCI_MT_DOCKER_MANIFEST);
}

/* A Content-Type may carry parameters ("...; charset=utf-8"): compare the type only. */
static char *bare_type(const char *mt)
{
	size_t n = strcspn(mt, "; \t");
	return xstrndup(mt, n);
}

static int parse_tree(const struct node *doc, const char *media_type, struct oci_manifest *m,
		      struct scprof_error **err)
{
	const struct node *sv, *list;
	const char *own, *at;
	_cleanup_free_ char *given = media_type ? bare_type(media_type) : NULL;
	uint64_t v;
	int r;

	if (doc->kind != NODE_OBJECT)
		return error_set(err, -EINVAL, "manifest is not a JSON object");
	sv = node_get(doc, "schemaVersion");
	if (!sv || !node_get_u64(sv, &v) || v != 2)
		return error_set(err, -EINVAL, "manifest schemaVersion is not 2");
	if ((r = get_string(doc, "mediaType", "manifest", &own, err)) < 0 ||
	    (r = get_string(doc, "artifactType", "manifest", &at, err)) < 0)
		return r;
	if (own && given && strcmp(own, given))
		return error_set(err, -EINVAL,
				 "manifest says it is '%.100s' but was served as '%.100s'", own,
				 given);
	if (!own)
		own = given;
	if (!own) /* neither says: guess from the shape, as the image-spec allows */
		own = node_get(doc, "manifests") ? OCI_MT_INDEX : OCI_MT_MANIFEST;
	if (!is_index_type(own) && !is_manifest_type(own))
		return error_set(
			err, -EPROTO,
			"unsupported media type '%.100s' (want an OCI image manifest or index)",
			own);
	m->is_index = is_index_type(own);
	m->media_type = xstrdup(own);
	m->artifact_type = at ? xstrdup(at) : NULL;

	if (!m->is_index) {
		r = parse_descriptor(node_get(doc, "config"), "manifest config", &m->config, err);
		if (r < 0)
			return r;
	}
	list = node_get(doc, m->is_index ? "manifests" : "layers");
	if (!list || list->kind != NODE_ARRAY)
		return error_set(err, -EINVAL, "%s has no %s list",
				 m->is_index ? "index" : "manifest",
				 m->is_index ? "manifests" : "layers");
	if (list->len > OCI_MAX_ITEMS)
		return error_set(err, -E2BIG, "%s has %zu %s, more than %d",
				 m->is_index ? "index" : "manifest", list->len,
				 m->is_index ? "manifests" : "layers", OCI_MAX_ITEMS);
	m->items = xcalloc(list->len ? list->len : 1, sizeof(*m->items));
	for (size_t i = 0; i < list->len; i++) {
		_cleanup_free_ char *what =
			xasprintf("%s %zu", m->is_index ? "index manifest" : "layer", i + 1);
		m->n++;
		r = parse_descriptor(list->items[i], what, &m->items[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

int oci_manifest_parse(const char *buf, size_t len, const char *media_type, struct oci_manifest *m,
		       struct scprof_error **err)
{
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	int r;

	memset(m, 0, sizeof(*m));
	r = json_parse(buf, len, &doc, &e);
	if (r < 0)
		return error_set(err, r, "manifest is not valid JSON: %u:%u: %s", e->line, e->col,
				 e->msg);
	r = parse_tree(doc, media_type, m, err);
	if (r < 0)
		oci_manifest_release(m);
	return r;
}

static struct node *descriptor_node(const char *media_type, const char *digest, size_t size)
{
	struct node *d = node_new(NODE_OBJECT);
	node_object_add(d, "mediaType", node_new_string(media_type));
	node_object_add(d, "digest", node_new_string(digest));
	node_object_add(d, "size", node_new_u64(size));
	return d;
}

int oci_manifest_build(const char *artifact_type, const char *config_type, const char *config_data,
		       size_t config_len, const struct oci_layer_in *layers, size_t n_layers,
		       const struct scprof_oci_annotation *annotations, size_t n_annotations,
		       struct strbuf *out, struct scprof_error **err)
{
	_cleanup_node_ struct node *doc = node_new(NODE_OBJECT);
	struct node *list = node_new(NODE_ARRAY);
	char digest[OCI_DIGEST_LEN + 1];
	int r;

	node_object_add(doc, "schemaVersion", node_new_u64(2));
	node_object_add(doc, "mediaType", node_new_string(OCI_MT_MANIFEST));
	if (artifact_type)
		node_object_add(doc, "artifactType", node_new_string(artifact_type));
	r = oci_digest(config_data, config_len, digest, err);
	if (r < 0) {
		node_free(list);
		return r;
	}
	node_object_add(doc, "config", descriptor_node(config_type, digest, config_len));
	node_object_add(doc, "layers", list);
	for (size_t i = 0; i < n_layers; i++) {
		const struct oci_layer_in *l = &layers[i];
		struct node *d;
		r = oci_digest(l->data, l->len, digest, err);
		if (r < 0)
			return r;
		d = descriptor_node(l->media_type, digest, l->len);
		if (l->title || l->signature) {
			struct node *a = node_new(NODE_OBJECT);
			if (l->signature)
				node_object_add(a, OCI_ANNOTATION_SIGNATURE,
						node_new_string(l->signature));
			if (l->title)
				node_object_add(a, OCI_ANNOTATION_TITLE, node_new_string(l->title));
			node_object_add(d, "annotations", a);
		}
		if (l->platform) {
			struct node *p = node_new(NODE_OBJECT);
			node_object_add(p, "architecture", node_new_string(l->platform->arch));
			node_object_add(p, "os", node_new_string(l->platform->os));
			if (l->platform->variant)
				node_object_add(p, "variant",
						node_new_string(l->platform->variant));
			node_object_add(d, "platform", p);
		}
		node_array_add(list, d);
	}
	if (n_annotations) {
		struct node *a = node_new(NODE_OBJECT);
		for (size_t i = 0; i < n_annotations; i++)
			node_object_add(a, annotations[i].key,
					node_new_string(annotations[i].value));
		node_object_add(doc, "annotations", a);
	}
	json_write(doc, false, out);
	/* json_write ends with a newline; a manifest is the object alone, as registries store it */
	if (out->len && out->buf[out->len - 1] == '\n')
		out->buf[--out->len] = '\0';
	return 0;
}

/* "linux/amd64, linux/arm64" of the items of @m, for messages; caller frees. */
static char *platforms_of(const struct oci_manifest *m)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < m->n; i++) {
		if (sb.len)
			strbuf_adds(&sb, ", ");
		if (m->items[i].has_platform) {
			_cleanup_free_ char *p = oci_platform_format(&m->items[i].platform);
			strbuf_adds(&sb, p);
		} else if (m->items[i].title) {
			strbuf_adds(&sb, m->items[i].title);
		} else {
			strbuf_adds(&sb, "(no platform)");
		}
	}
	if (!sb.len)
		strbuf_adds(&sb, "none");
	return strbuf_detach(&sb);
}

const struct oci_descriptor *oci_index_select(const struct oci_manifest *m,
					      const struct oci_platform *want,
					      struct scprof_error **err)
{
	_cleanup_free_ char *w = oci_platform_format(want), *have = NULL;
	for (size_t i = 0; i < m->n; i++)
		if (m->items[i].has_platform && oci_platform_match(&m->items[i].platform, want))
			return &m->items[i];
	if (m->n == 1 && !m->items[0].has_platform)
		return &m->items[0];
	have = platforms_of(m);
	error_set(err, -ENOENT, "the index has no manifest for platform %s (it has: %s)", w, have);
	return NULL;
}

static bool platform_titled(const char *title)
{
	size_t n = title ? strlen(title) : 0;
	return n > 13 && !strncmp(title, "profile-", 8) && !strcmp(title + n - 5, ".yaml");
}

const struct oci_descriptor *oci_manifest_select(const struct oci_manifest *m,
						 const struct oci_platform *want, bool *kep,
						 struct scprof_error **err)
{
	static const char *const plain[] = { "profile.yaml", "profile.json" };
	_cleanup_free_ char *title = oci_platform_title(want), *w = NULL, *have = NULL;
	const struct oci_descriptor *only;

	*kep = (m->config.media_type && !strcmp(m->config.media_type, OCI_MT_SECCOMP)) ||
	       (m->artifact_type && !strcmp(m->artifact_type, OCI_MT_SECCOMP));
	if (*kep) {
		if (m->n != 1) {
			error_set(
				err, -ENOENT,
				"a KEP-6061 seccomp profile artifact must have exactly one layer, "
				"this one has %zu",
				m->n);
			return NULL;
		}
		return &m->items[0];
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct oci_descriptor *d = &m->items[i];
		if (d->has_platform && oci_platform_match(&d->platform, want))
			return d;
		if (!d->has_platform && d->title && !strcmp(d->title, title))
			return d;
	}
	for (size_t j = 0; j < ARRAY_SIZE(plain); j++)
		for (size_t i = 0; i < m->n; i++)
			if (!m->items[i].has_platform && m->items[i].title &&
			    !strcmp(m->items[i].title, plain[j]))
				return &m->items[i];
	only = m->n == 1 ? &m->items[0] : NULL;
	if (only && !only->has_platform && !platform_titled(only->title))
		return only;
	w = oci_platform_format(want);
	have = platforms_of(m);
	error_set(err, -ENOENT, "the artifact has no profile for platform %s (it has: %s)", w,
		  have);
	return NULL;
}
