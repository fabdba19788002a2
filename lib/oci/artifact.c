// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Push and pull of seccomp profile artifacts (the forms are described in
 * oci/manifest.c), against a registry (oci/registry.c) or an image layout
 * directory (oci/layout.c).
 *
 * Pull trusts nothing it has not checked: a tag is resolved to a digest once,
 * then the index (if any), the manifest and the layer are fetched by digest,
 * and each one's sha256 and size must equal what its parent said before it is
 * parsed.  Media types are checked at each step, sizes are bounded by
 * max_size before and while downloading, and the profile must parse.
 * Nothing reaches the cache before all of that has passed: what was fetched
 * and checked is kept in memory until the pull succeeds, so a pull that fails
 * half-way (a token that expires, a layer cut short) leaves the cache as it was.
 */
#include <dirent.h>

#include "oci/cache.h"
#include "oci/layout.h"
#include "oci/manifest.h"
#include "oci/ref.h"
#include "oci/registry.h"
#include "oci/sign.h"
#include "scprof/oci.h"
#include "scprof/profile.h"

void scprof_oci_opts_init(struct scprof_oci_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_size = SCPROF_OCI_MAX_SIZE;
	o->retries = 3;
	o->timeout_s = 60;
}

void scprof_oci_pulled_release(struct scprof_oci_pulled *p)
{
	free(p->data);
	free(p->title);
	memset(p, 0, sizeof(*p));
}

/* A checked blob for the cache, written once the pull has succeeded. */
struct cache_entry {
	char digest[OCI_DIGEST_LEN + 1];
	char *data;
	size_t len;
};

/* Where artifacts go and come from: one of the two. */
struct target {
	struct oci_ref ref;
	struct oci_registry *reg;
	char *shown; /* the reference as given, for messages */
	char *cache; /* the cache directory for a registry's blobs, or NULL */
	struct cache_entry *to_cache; /* blobs fetched and checked, not in the cache yet */
	size_t n_to_cache, alloc_to_cache;
	char *tag_key; /* "host/name:tag" resolved to tag_digest, not in the cache yet */
	char tag_digest[OCI_DIGEST_LEN + 1];
	char *tag_media_type;
};

static void target_release(struct target *t)
{
	oci_registry_free(t->reg);
	oci_ref_release(&t->ref);
	free(t->shown);
	free(t->cache);
	for (size_t i = 0; i < t->n_to_cache; i++)
		free(t->to_cache[i].data);
	free(t->to_cache);
	free(t->tag_key);
	free(t->tag_media_type);
}

/* The pull succeeded: what it fetched goes to the cache, which is trimmed if it grew. */
static void target_fill_cache(struct target *t)
{
	if (!t->cache)
		return;
	for (size_t i = 0; i < t->n_to_cache; i++)
		oci_cache_put_blob(t->cache, t->to_cache[i].digest, t->to_cache[i].data,
				   t->to_cache[i].len);
	if (t->tag_key)
		oci_cache_put_tag(t->cache, t->tag_key, t->tag_digest, t->tag_media_type);
	if (t->n_to_cache)
		oci_cache_trim(t->cache, OCI_CACHE_MAX_ENTRIES, OCI_CACHE_TAG_TTL);
}

static int target_open(const char *ref, const struct scprof_oci_opts *o, bool push,
		       struct target *t, struct scprof_error **err)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = oci_ref_parse(ref, &t->ref, err);
	if (r < 0)
		return r;
	t->shown = xstrdup(ref);
	if (t->ref.kind != OCI_REF_REGISTRY)
		return 0;
	if (!push && !o->no_cache)
		t->cache = oci_cache_dir();
	return oci_registry_new(&t->ref, o, push, &t->reg, err);
}

static int put_blob(struct target *t, const void *data, size_t len, const struct scprof_oci_opts *o,
		    struct scprof_error **err)
{
	char digest[OCI_DIGEST_LEN + 1];
	bool uploaded;
	int r;

	if (len > o->max_size)
		return error_set(
			err, -EFBIG,
			"a profile of %zu bytes is larger than the limit of %zu bytes (--max-size)",
			len, o->max_size);
	r = oci_digest(data, len, digest, err);
	if (r < 0)
		return r;
	if (t->reg)
		return oci_registry_put_blob(t->reg, digest, data, len, &uploaded, err);
	return oci_layout_put_blob(t->ref.dir, digest, data, len, err);
}

/* "sha256-<hex>.sig": where cosign keeps the signatures of @digest. */
static char *signature_tag(const char *digest)
{
	return xasprintf("sha256-%s.sig", digest + 7);
}

/* Sign manifest @digest of @t's repository with opts->sign_key, in cosign's layout. */
static int sign_digest(struct target *t, const char *digest, const struct scprof_oci_opts *o,
		       struct scprof_error **err)
{
	_cleanup_free_ char *identity = xasprintf("%s/%s", t->ref.host, t->ref.repo);
	_cleanup_free_ char *payload = oci_simple_signing_payload(identity, digest);
	_cleanup_free_ char *sig = NULL, *config = NULL, *tag = signature_tag(digest);
	_cleanup_error_ struct scprof_error *e = NULL;
	char payload_digest[OCI_DIGEST_LEN + 1], manifest_digest[OCI_DIGEST_LEN + 1];
	struct strbuf manifest = STRBUF_INIT;
	struct oci_layer_in layer = { .media_type = OCI_MT_SIMPLESIGNING };
	int r;

	r = oci_sign(o->sign_key, strlen(o->sign_key), payload, strlen(payload), &sig, &e);
	if (r < 0)
		return error_set(err, r, "cannot sign: the key is %s", e->msg);
	r = oci_digest(payload, strlen(payload), payload_digest, err);
	if (r < 0)
		return r;
	/* the image config cosign writes: the payload is its one "layer" */
	config = xasprintf(
		"{\"architecture\":\"\",\"config\":{},\"created\":\"0001-01-01T00:00:00Z\","
		"\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\","
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
		payload_digest);
	layer.data = payload;
	layer.len = strlen(payload);
	layer.signature = sig;
	r = put_blob(t, config, strlen(config), o, err);
	if (r == 0)
		r = put_blob(t, payload, strlen(payload), o, err);
	if (r == 0)
		r = oci_manifest_build(NULL, OCI_MT_IMAGE_CONFIG, config, strlen(config), &layer, 1,
				       NULL, 0, &manifest, err);
	if (r == 0)
		r = oci_digest(manifest.buf, manifest.len, manifest_digest, err);
	if (r == 0)
		r = oci_registry_put_manifest(t->reg, tag, OCI_MT_MANIFEST, manifest.buf,
					      manifest.len, manifest_digest, err);
	strbuf_release(&manifest);
	return r;
}

int scprof_oci_push(const char *ref, enum scprof_oci_format format,
		    const struct scprof_oci_layer *layers, size_t n_layers,
		    const struct scprof_oci_annotation *annotations, size_t n_annotations,
		    const struct scprof_oci_opts *opts, char **digest_out,
		    struct scprof_error **err)
{
	static const char config[] = "{}";
	struct scprof_oci_opts defaults;
	struct target t;
	struct oci_layer_in in[OCI_MAX_ITEMS];
	struct oci_platform plats[OCI_MAX_ITEMS];
	char *titles[OCI_MAX_ITEMS];
	struct strbuf manifest = STRBUF_INIT;
	char digest[OCI_DIGEST_LEN + 1];
	size_t n;
	int r;

	*digest_out = NULL;
	if (!opts) {
		scprof_oci_opts_init(&defaults);
		opts = &defaults;
	}
	if (n_layers == 0 || n_layers > OCI_MAX_ITEMS)
		return error_set(err, -EINVAL, "an artifact holds 1 to %d profiles, not %zu",
				 OCI_MAX_ITEMS, n_layers);
	if (format == SCPROF_OCI_KEP && n_layers != 1)
		return error_set(
			err, -EINVAL,
			"a KEP-6061 artifact holds exactly one profile, for every platform "
			"(push several platforms with --format spo)");
	memset(plats, 0, sizeof(plats));
	memset(titles, 0, sizeof(titles));
	r = target_open(ref, opts, true, &t, err);
	if (r < 0)
		goto out;
	if (opts->sign_key && !t.reg) {
		r = error_set(err, -EINVAL, "signatures go to registries: '%s' is an image layout",
			      ref);
		goto out;
	}
	if (opts->sign_key) {
		/* a key that cannot sign must fail before anything is pushed */
		_cleanup_free_ char *sig = NULL;
		_cleanup_error_ struct scprof_error *e = NULL;
		r = oci_sign(opts->sign_key, strlen(opts->sign_key), "", 0, &sig, &e);
		if (r < 0) {
			r = error_set(err, r, "cannot sign: the key is %s", e->msg);
			goto out;
		}
	}

	for (n = 0; n < n_layers; n++) {
		const struct scprof_oci_layer *l = &layers[n];
		in[n] = (struct oci_layer_in){ .data = l->data, .len = l->len };
		if (format == SCPROF_OCI_KEP) {
			in[n].media_type = OCI_MT_JSON;
			in[n].title = "profile.json";
			continue;
		}
		in[n].media_type = OCI_MT_LAYER_TAR;
		if (l->platform) {
			r = oci_platform_parse(l->platform, &plats[n], err);
			if (r < 0)
				goto out;
			titles[n] = oci_platform_title(&plats[n]);
			in[n].platform = &plats[n];
		} else {
			titles[n] = xstrdup("profile.yaml");
		}
		in[n].title = titles[n];
		for (size_t j = 0; j < n; j++) {
			if (!strcmp(titles[j], titles[n])) {
				r = error_set(err, -EINVAL, "two profiles for %s",
					      l->platform ? l->platform : "every platform");
				goto out;
			}
		}
	}

	r = put_blob(&t, config, 2, opts, err);
	for (size_t i = 0; r == 0 && i < n_layers; i++)
		r = put_blob(&t, layers[i].data, layers[i].len, opts, err);
	if (r < 0)
		goto out;
	r = oci_manifest_build(format == SCPROF_OCI_KEP ? OCI_MT_SECCOMP : OCI_MT_UNKNOWN_CONFIG,
			       format == SCPROF_OCI_KEP ? OCI_MT_SECCOMP : OCI_MT_EMPTY, config, 2,
			       in, n_layers, annotations, n_annotations, &manifest, err);
	if (r == 0)
		r = oci_digest(manifest.buf, manifest.len, digest, err);
	if (r < 0)
		goto out;
	if (t.ref.digest[0] && strcmp(t.ref.digest, digest)) {
		r = error_set(err, -EINVAL,
			      "the artifact's digest is %s, not %s as the reference says", digest,
			      t.ref.digest);
		goto out;
	}
	if (t.reg) {
		r = oci_registry_put_manifest(t.reg, t.ref.tag ? t.ref.tag : digest,
					      OCI_MT_MANIFEST, manifest.buf, manifest.len, digest,
					      err);
	} else {
		r = oci_layout_put_blob(t.ref.dir, digest, manifest.buf, manifest.len, err);
		if (r == 0)
			r = oci_layout_tag(t.ref.dir, t.ref.tag, OCI_MT_MANIFEST, digest,
					   manifest.len,
					   SCPROF_OCI_MAX_SIZE > opts->max_size ?
						   SCPROF_OCI_MAX_SIZE :
						   opts->max_size,
					   err);
	}
	if (r == 0 && opts->sign_key) {
		r = sign_digest(&t, digest, opts, err);
		if (r < 0 && err && *err) {
			_cleanup_free_ char *why = steal_ptr(&(*err)->msg);
			(*err)->msg = xasprintf("pushed %s/%s@%s, but %s", t.ref.host, t.ref.repo,
						digest, why);
		}
	}
	if (r == 0)
		*digest_out = xstrdup(digest);
out:
	for (size_t i = 0; i < n_layers; i++) {
		oci_platform_release(&plats[i]);
		free(titles[i]);
	}
	strbuf_release(&manifest);
	target_release(&t);
	return r;
}

/* Fetch @d (a manifest when @manifest) by digest and check its bytes against @d. */
static int fetch_verified(struct target *t, const struct oci_descriptor *d, bool manifest,
			  const struct scprof_oci_opts *o, struct strbuf *out,
			  struct scprof_error **err)
{
	char got[OCI_DIGEST_LEN + 1];
	_cleanup_free_ char *served = NULL;
	bool served_from_cache;
	int r;

	if (d->size != UINT64_MAX && d->size > o->max_size)
		return error_set(err, -EFBIG,
				 "%s '%s' is %" PRIu64
				 " bytes, larger than the limit of %zu bytes (--max-size)",
				 manifest ? "manifest" : "layer", d->digest, d->size, o->max_size);
	served_from_cache = t->cache &&
			    oci_cache_get_blob(t->cache, d->digest, o->max_size, out) == 0;
	if (served_from_cache)
		r = 0;
	else if (!t->reg)
		r = oci_layout_get_blob(t->ref.dir, d->digest, o->max_size, out, err);
	else if (manifest)
		r = oci_registry_get_manifest(t->reg, d->digest, o->max_size, out, &served, err);
	else
		r = oci_registry_get_blob(t->reg, d->digest, o->max_size, out, err);
	if (r < 0)
		return r;
	r = oci_digest(out->buf, out->len, got, err);
	if (r < 0)
		return r;
	if (strcmp(got, d->digest))
		return error_set(err, -EBADMSG,
				 "digest mismatch: %s '%s' of '%s' has digest %s; refusing it",
				 manifest ? "manifest" : "layer", d->digest, t->shown, got);
	if (d->size != UINT64_MAX && out->len != d->size)
		return error_set(err, -EBADMSG,
				 "size mismatch: %s '%s' of '%s' is %zu bytes, not %" PRIu64,
				 manifest ? "manifest" : "layer", d->digest, t->shown, out->len,
				 d->size);
	if (t->cache && !served_from_cache) {
		struct cache_entry *c;
		GROW(t->to_cache, t->alloc_to_cache, t->n_to_cache + 1);
		c = &t->to_cache[t->n_to_cache++];
		strcpy(c->digest, d->digest);
		c->data = xmalloc(out->len + 1);
		memcpy(c->data, out->buf, out->len);
		c->len = out->len;
	}
	return 0;
}

static bool layer_type_ok(const char *mt, bool kep)
{
	if (!strcmp(mt, OCI_MT_JSON) || !strcmp(mt, OCI_MT_LAYER_TAR))
		return true;
	return !kep && (!strcmp(mt, "application/yaml") || !strcmp(mt, "application/x-yaml"));
}

/*
 * One of the signatures cosign's layout keeps for @digest must be about it and
 * verify with one of opts->verify_keys.  The signature manifest is read by tag, as
 * cosign does; its payloads are fetched by digest and checked.
 */
static int verify_signature(struct target *t, const char *digest, const struct scprof_oci_opts *o,
			    struct scprof_error **err)
{
	_cleanup_free_ char *tag = signature_tag(digest), *media_type = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	struct oci_descriptor d = { .size = UINT64_MAX };
	struct strbuf body = STRBUF_INIT, payload = STRBUF_INIT;
	struct oci_manifest m = { 0 };
	size_t tried = 0;
	int r;

	if (!t->reg)
		return error_set(err, -EINVAL,
				 "signatures are read from registries: '%s' is an image layout",
				 t->shown);
	r = oci_registry_resolve(t->reg, tag, d.digest, &media_type, &body, &e);
	if (r == -ENOENT)
		return error_set(err, -EBADMSG, "'%s' is not signed: no signature at tag '%s'",
				 t->shown, tag);
	if (r < 0)
		return error_set(err, r, "%s", e->msg);
	d.media_type = media_type;
	if (!body.len)
		r = fetch_verified(t, &d, true, o, &body, err);
	if (r == 0 && oci_manifest_parse(body.buf, body.len, media_type, &m, &e) < 0)
		r = error_set(err, -EBADMSG, "the signature manifest of '%s': %s", t->shown,
			      e->msg);
	for (size_t i = 0; r == 0 && i < m.n; i++) {
		const struct oci_descriptor *l = &m.items[i];
		_cleanup_free_ char *about = NULL;
		if (strcmp(l->media_type, OCI_MT_SIMPLESIGNING) || !l->signature)
			continue;
		tried++;
		r = fetch_verified(t, l, false, o, &payload, err);
		if (r < 0)
			break;
		about = oci_simple_signing_digest(payload.buf, payload.len);
		if (!about || strcmp(about, digest))
			continue;
		for (size_t k = 0; k < o->n_verify_keys; k++) {
			const char *key = o->verify_keys[k];
			r = oci_verify(key, strlen(key), payload.buf, payload.len, l->signature,
				       &e);
			if (r == 0)
				goto out;
			if (r != -EBADMSG) {
				r = error_set(err, r, "cannot verify: the public key is %s",
					      e->msg);
				goto out;
			}
			r = 0;
		}
	}
	if (r == 0)
		r = error_set(err, -EBADMSG,
			      "no signature of '%s' (%zu at tag '%s') is about %s and verifies "
			      "with %s",
			      t->shown, tried, tag, digest,
			      o->n_verify_keys == 1 ? "the key" : "any of the keys");
out:
	oci_manifest_release(&m);
	strbuf_release(&body);
	strbuf_release(&payload);
	return r;
}

static int pull(struct target *t, const struct oci_platform *want, const struct scprof_oci_opts *o,
		struct scprof_oci_pulled *out, struct scprof_error **err)
{
	struct oci_descriptor d = { 0 };
	struct strbuf body = STRBUF_INIT, layer = STRBUF_INIT;
	struct oci_manifest m = { 0 };
	const struct oci_descriptor *pick;
	_cleanup_error_ struct scprof_error *e = NULL;
	struct scprof_profile *p = NULL;
	char *media_type = NULL;
	int r;

	/* 1. the reference to a digest */
	if (t->ref.digest[0]) {
		strcpy(d.digest, t->ref.digest);
	} else if (t->reg) {
		_cleanup_free_ char *key =
			xasprintf("%s/%s:%s", t->ref.host, t->ref.repo, t->ref.tag);
		if (!o->tag_ttl_s ||
		    oci_cache_get_tag(t->cache, key, o->tag_ttl_s, d.digest, &media_type) < 0) {
			r = oci_registry_resolve(t->reg, t->ref.tag, d.digest, &media_type, &body,
						 err);
			if (r < 0)
				goto out;
			t->tag_key = steal_ptr(&key);
			strcpy(t->tag_digest, d.digest);
			t->tag_media_type = media_type ? xstrdup(media_type) : NULL;
		}
	} else {
		/* index.json lists every tag of the layout: --max-size is about artifacts */
		r = oci_layout_resolve(t->ref.dir, t->ref.tag,
				       o->max_size > SCPROF_OCI_MAX_SIZE ? o->max_size :
									   SCPROF_OCI_MAX_SIZE,
				       d.digest, &media_type, err);
		if (r < 0)
			goto out;
	}
	d.size = UINT64_MAX; /* not known from a tag or a digest alone */
	d.media_type = media_type;
	if (o->n_verify_keys) {
		r = verify_signature(t, d.digest, o, err);
		if (r < 0)
			goto out;
	}

	/* 2. the manifest, or an index and then its manifest for the platform */
	for (int level = 0;; level++) {
		if (body.len == 0) {
			r = fetch_verified(t, &d, true, o, &body, err);
			if (r < 0)
				goto out;
		}
		strcpy(out->digest, d.digest);
		r = oci_manifest_parse(body.buf, body.len, d.media_type, &m, &e);
		if (r < 0) {
			r = error_set(err, r, "'%s': %s", t->shown, e->msg);
			goto out;
		}
		strbuf_reset(&body);
		body.len = 0;
		if (!m.is_index)
			break;
		if (level > 0) {
			r = error_set(err, -EPROTO, "'%s': an index inside an index", t->shown);
			goto out;
		}
		pick = oci_index_select(&m, want, &e);
		if (!pick) {
			r = error_set(err, -ENOENT, "'%s': %s", t->shown, e->msg);
			goto out;
		}
		free(media_type);
		media_type = xstrdup(pick->media_type);
		strcpy(d.digest, pick->digest);
		d.size = pick->size;
		d.media_type = media_type;
		oci_manifest_release(&m);
	}

	/* 3. the layer */
	pick = oci_manifest_select(&m, want, &out->kep, &e);
	if (!pick) {
		r = error_set(err, -ENOENT, "'%s': %s", t->shown, e->msg);
		goto out;
	}
	if (!out->kep && (!m.artifact_type || strcmp(m.artifact_type, OCI_MT_UNKNOWN_CONFIG)) &&
	    strcmp(m.config.media_type, OCI_MT_EMPTY) &&
	    strcmp(m.config.media_type, OCI_MT_UNKNOWN_CONFIG)) {
		r = error_set(err, -EPROTO,
			      "'%s' is not a seccomp profile artifact (config media type '%.100s')",
			      t->shown, m.config.media_type);
		goto out;
	}
	if (!layer_type_ok(pick->media_type, out->kep)) {
		r = error_set(err, -EPROTO, "'%s': unsupported layer media type '%.100s'", t->shown,
			      pick->media_type);
		goto out;
	}
	r = fetch_verified(t, pick, false, o, &layer, err);
	if (r < 0)
		goto out;

	/* 4. it must be a profile of the form the manifest says */
	r = scprof_profile_parse(layer.buf, layer.len, pick->title ? pick->title : "layer", &p,
				 NULL, &e);
	if (r < 0) {
		_cleanup_free_ char *s = scprof_error_format(e);
		r = error_set(err, r, "'%s': the layer is not a valid profile: %s", t->shown, s);
		goto out;
	}
	if (out->kep && (p->kind != SCPROF_KIND_OCI || p->syntax != SCPROF_SYNTAX_JSON)) {
		r = error_set(
			err, -EPROTO,
			"'%s': the layer of a KEP-6061 artifact must be an OCI profile in JSON",
			t->shown);
		goto out;
	}
	out->title = pick->title ? xstrdup(pick->title) : NULL;
	out->len = layer.len;
	out->data = strbuf_detach(&layer);
	target_fill_cache(t);
out:
	scprof_profile_free(p);
	oci_manifest_release(&m);
	strbuf_release(&body);
	strbuf_release(&layer);
	free(media_type);
	return r;
}

/* Pull @ref, or with @digest the artifact of that digest in @ref's repository. */
static int pull_ref(const char *ref, const char *digest, const char *platform,
		    const struct scprof_oci_opts *opts, struct scprof_oci_pulled *out,
		    struct scprof_error **err)
{
	struct scprof_oci_opts defaults;
	struct oci_platform want;
	struct target t;
	int r;

	memset(out, 0, sizeof(*out));
	if (!opts) {
		scprof_oci_opts_init(&defaults);
		opts = &defaults;
	}
	if (platform) {
		r = oci_platform_parse(platform, &want, err);
		if (r < 0)
			return r;
	} else {
		oci_platform_host(&want);
	}
	r = target_open(ref, opts, false, &t, err);
	if (r == 0) {
		/* the digest decides, as it does for a reference that holds both */
		if (digest)
			strcpy(t.ref.digest, digest);
		r = pull(&t, &want, opts, out, err);
	}
	if (r < 0)
		scprof_oci_pulled_release(out);
	target_release(&t);
	oci_platform_release(&want);
	return r;
}

int scprof_oci_pull(const char *ref, const char *platform, const struct scprof_oci_opts *opts,
		    struct scprof_oci_pulled *out, struct scprof_error **err)
{
	return pull_ref(ref, NULL, platform, opts, out, err);
}

int scprof_oci_fetch_base(const char *ref, struct scprof_profile **out, struct scprof_error **err,
			  void *data)
{
	const struct scprof_oci_opts *o = data;
	struct scprof_oci_opts defaults;
	struct scprof_oci_pulled pulled;
	char **keys = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	int r;

	*out = NULL;
	if (!o) {
		/* bases are looked up often and change seldom: the operator's 24 hours */
		scprof_oci_opts_init(&defaults);
		defaults.tag_ttl_s = SCPROF_OCI_BASE_TAG_TTL;
		if (strncmp(ref, "oci:", 4)) /* layouts are trusted as profile files are */
			scprof_oci_default_keys(&keys, &defaults.n_verify_keys);
		defaults.verify_keys = (const char *const *)keys;
		o = &defaults;
	}
	r = scprof_oci_pull(ref, NULL, o, &pulled, err);
	if (keys)
		scprof_oci_keys_free(keys, defaults.n_verify_keys);
	if (r < 0)
		return r;
	/* pull checked that it parses; this is the copy the caller keeps */
	r = scprof_profile_parse(pulled.data, pulled.len, ref, out, NULL, &e);
	scprof_oci_pulled_release(&pulled);
	if (r < 0) {
		_cleanup_free_ char *msg = scprof_error_format(e);
		return error_set(err, r, "%s", msg);
	}
	return 0;
}

int scprof_oci_keygen(char **private_pem, char **public_pem, struct scprof_error **err)
{
	return oci_keygen(private_pem, public_pem, err);
}

/* Append the *.pub files of @dir, in name order, to *keys. */
static void keys_from(const char *dir, char ***keys, size_t *n, size_t *alloc)
{
	struct dirent **names = NULL;
	int count = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
		char *text = NULL;
		size_t tlen;

		if (name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".pub") &&
		    read_file(path, 64 * 1024, &text, &tlen, NULL) == 0) {
			GROW(*keys, *alloc, *n + 1);
			(*keys)[(*n)++] = text;
		}
		free(names[i]);
	}
	free(names);
}

void scprof_oci_default_keys(char ***keys, size_t *n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL;
	size_t alloc = 0;

	*keys = NULL;
	*n = 0;
	if (xdg && xdg[0] == '/')
		user = xasprintf("%s/scprof/keys", xdg);
	else if (home && home[0] == '/')
		user = xasprintf("%s/.config/scprof/keys", home);
	if (user)
		keys_from(user, keys, n, &alloc);
	keys_from(SCPROF_OCI_SYSTEM_KEYS, keys, n, &alloc);
}

void scprof_oci_keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/*
 * Resolve and pull-by-digest apart, for callers that pull only when a tag moved
 * (scprof k8s sync): what they compare, record and install is then the same
 * digest, even when the tag moves again in between.
 */
int scprof_oci_resolve(const char *ref, const struct scprof_oci_opts *opts,
		       char digest[OCI_DIGEST_LEN + 1], struct scprof_error **err)
{
	struct scprof_oci_opts defaults;
	struct strbuf body = STRBUF_INIT;
	_cleanup_free_ char *media_type = NULL;
	struct target t;
	int r;

	digest[0] = '\0';
	if (!opts) {
		scprof_oci_opts_init(&defaults);
		opts = &defaults;
	}
	r = target_open(ref, opts, false, &t, err);
	if (r < 0)
		goto out;
	if (t.ref.digest[0])
		strcpy(digest, t.ref.digest);
	else if (t.reg)
		r = oci_registry_resolve(t.reg, t.ref.tag, digest, &media_type, &body, err);
	else
		r = oci_layout_resolve(t.ref.dir, t.ref.tag,
				       opts->max_size > SCPROF_OCI_MAX_SIZE ? opts->max_size :
									      SCPROF_OCI_MAX_SIZE,
				       digest, &media_type, err);
out:
	if (r < 0)
		digest[0] = '\0';
	strbuf_release(&body);
	target_release(&t);
	return r;
}

int scprof_oci_pull_digest(const char *ref, const char *digest, const char *platform,
			   const struct scprof_oci_opts *opts, struct scprof_oci_pulled *out,
			   struct scprof_error **err)
{
	if (!oci_digest_valid(digest)) {
		memset(out, 0, sizeof(*out));
		return error_set(err, -EINVAL, "invalid digest '%.80s' (sha256:<64 hex digits>)",
				 digest);
	}
	return pull_ref(ref, digest, platform, opts, out, err);
}
