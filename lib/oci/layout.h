/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI image layout directories (image-spec image-layout.md). */
#ifndef SCPROF_OCI_LAYOUT_H
#define SCPROF_OCI_LAYOUT_H

#include <stddef.h>

#include "oci/manifest.h"
#include "scprof/error.h"
#include "util/util.h"

/*
 * The index.json entry of @dir for @tag (org.opencontainers.image.ref.name),
 * or the only entry when @tag is NULL: its digest, and its media type
 * (*media_type, caller frees).  -ENOENT with *err when there is none.
 */
int oci_layout_resolve(const char *dir, const char *tag, size_t max,
		       char digest[OCI_DIGEST_LEN + 1], char **media_type,
		       struct scprof_error **err);
/* Read blob @digest of @dir, at most @max bytes (not verified here). */
int oci_layout_get_blob(const char *dir, const char *digest, size_t max, struct strbuf *out,
			struct scprof_error **err);
/* Store a blob (skipped when present with the right size); creates the layout when needed. */
int oci_layout_put_blob(const char *dir, const char *digest, const void *data, size_t len,
			struct scprof_error **err);
/* Point @tag (NULL: no name) of index.json at the manifest, replacing an entry of that name. */
int oci_layout_tag(const char *dir, const char *tag, const char *media_type, const char *digest,
		   size_t size, size_t max, struct scprof_error **err);

#endif
