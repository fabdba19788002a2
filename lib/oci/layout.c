// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * OCI image layout directories:
 *
 *   DIR/oci-layout          {"imageLayoutVersion": "1.0.0"}
 *   DIR/index.json          an image index; each entry names a manifest (or an
 *                           index), tagged by the annotation
 *                           "org.opencontainers.image.ref.name": TAG
 *   DIR/blobs/sha256/HEX    every manifest, config and layer by digest
 *
 * Writes go through write_file_atomic() (a temporary file, fsync, rename), so
 * a reader never sees half a blob or half an index.json.  Two writers tagging
 * the same layout at once may lose one of the tags: as with skopeo, a layout
 * has one writer at a time.
 */
#include <sys/stat.h>

#include "format/node.h"
#include "oci/layout.h"
#include "oci/ref.h"

static char *blob_path(const char *dir, const char *digest)
{
	return xasprintf("%s/blobs/sha256/%s", dir, digest + 7);
}

int oci_layout_get_blob(const char *dir, const char *digest, size_t max, struct strbuf *out,
			struct scprof_error **err)
{
	_cleanup_free_ char *path = blob_path(dir, digest);
	_cleanup_error_ struct scprof_error *e = NULL;
	struct stat st;
	char *buf;
	size_t len;
	int r;

	if (stat(path, &st) < 0)
		return error_set(err, -errno, "blob '%s' not found in layout '%s': %s", digest, dir,
				 strerror(errno));
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return error_set(err, -EFBIG,
				 "blob '%s' of layout '%s' is larger than the limit of %zu bytes "
				 "(--max-size)",
				 digest, dir, max);
	r = read_file(path, max, &buf, &len, &e);
	if (r < 0)
		return error_set(err, r, "%s", e->msg);
	strbuf_release(out);
	out->buf = buf;
	out->len = len;
	out->alloc = len + 1;
	return 0;
}

int oci_layout_resolve(const char *dir, const char *tag, size_t max,
		       char digest[OCI_DIGEST_LEN + 1], char **media_type,
		       struct scprof_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/index.json", dir), *buf = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	struct oci_manifest idx;
	const struct oci_descriptor *found = NULL;
	size_t len;
	int r;

	r = read_file(path, max, &buf, &len, &e);
	if (r < 0)
		return error_set(err, r, "'%s' is not an OCI image layout: %s", dir, e->msg);
	r = oci_manifest_parse(buf, len, OCI_MT_INDEX, &idx, &e);
	if (r < 0)
		return error_set(err, r, "%s: %s", path, e->msg);
	for (size_t i = 0; i < idx.n; i++) {
		if (tag ? idx.items[i].ref_name && !strcmp(idx.items[i].ref_name, tag) : idx.n == 1)
			found = &idx.items[i];
	}
	if (!found) {
		r = tag ? error_set(err, -ENOENT, "tag '%s' not found in layout '%s'", tag, dir) :
			  error_set(err, -ENOENT,
				    "layout '%s' holds %zu manifests: name one with oci:%s:TAG",
				    dir, idx.n, dir);
	} else {
		strcpy(digest, found->digest);
		*media_type = xstrdup(found->media_type);
	}
	oci_manifest_release(&idx);
	return r;
}

static int mkdirs(const char *dir, struct scprof_error **err)
{
	static const char *const parts[] = { "", "/blobs", "/blobs/sha256" };
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		_cleanup_free_ char *p = xasprintf("%s%s", dir, parts[i]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return error_set(err, -errno, "cannot create '%s': %s", p, strerror(errno));
	}
	return 0;
}

int oci_layout_put_blob(const char *dir, const char *digest, const void *data, size_t len,
			struct scprof_error **err)
{
	_cleanup_free_ char *path = blob_path(dir, digest);
	_cleanup_free_ char *marker = xasprintf("%s/oci-layout", dir);
	struct stat st;
	int r;

	r = mkdirs(dir, err);
	if (r < 0)
		return r;
	if (stat(marker, &st) < 0) {
		static const char text[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
		r = write_file_atomic(marker, text, sizeof(text) - 1, 0644, err);
		if (r < 0)
			return r;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len)
		return 0;
	return write_file_atomic(path, data, len, 0644, err);
}

int oci_layout_tag(const char *dir, const char *tag, const char *media_type, const char *digest,
		   size_t size, size_t max, struct scprof_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/index.json", dir), *buf = NULL;
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	struct strbuf out = STRBUF_INIT;
	struct node *list, *entry;
	struct stat st;
	size_t len;
	int r;

	if (stat(path, &st) == 0) {
		r = read_file(path, max, &buf, &len, &e);
		if (r == 0)
			r = json_parse(buf, len, &doc, &e);
		if (r < 0)
			return error_set(err, r, "%s: %s", path, e->msg);
	}
	if (!doc || doc->kind != NODE_OBJECT) {
		node_free(doc);
		doc = node_new(NODE_OBJECT);
		node_object_add(doc, "schemaVersion", node_new_u64(2));
		node_object_add(doc, "mediaType", node_new_string(OCI_MT_INDEX));
	}
	list = node_get(doc, "manifests");
	if (!list || list->kind != NODE_ARRAY) {
		list = node_new(NODE_ARRAY);
		node_object_add(doc, "manifests", list);
	}
	/* drop the entries of that name: a tag names one manifest */
	for (size_t i = 0; tag && i < list->len;) {
		const struct node *a = node_get(list->items[i], "annotations");
		const struct node *n = a ? node_get(a, OCI_ANNOTATION_REF_NAME) : NULL;
		if (n && n->kind == NODE_STRING && !strcmp(n->text, tag)) {
			node_free(list->items[i]);
			memmove(&list->items[i], &list->items[i + 1],
				(list->len - i - 1) * sizeof(*list->items));
			list->len--;
			continue;
		}
		i++;
	}
	entry = node_new(NODE_OBJECT);
	node_object_add(entry, "mediaType", node_new_string(media_type));
	node_object_add(entry, "digest", node_new_string(digest));
	node_object_add(entry, "size", node_new_u64(size));
	if (tag) {
		struct node *a = node_new(NODE_OBJECT);
		node_object_add(a, OCI_ANNOTATION_REF_NAME, node_new_string(tag));
		node_object_add(entry, "annotations", a);
	}
	node_array_add(list, entry);
	json_write(doc, false, &out);
	r = write_file_atomic(path, out.buf, out.len, 0644, err);
	strbuf_release(&out);
	return r;
}
