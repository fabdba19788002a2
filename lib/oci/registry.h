/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A client of one repository of a registry (distribution spec v2 HTTP API). */
#ifndef SCPROF_OCI_REGISTRY_H
#define SCPROF_OCI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/auth.h"
#include "oci/dl.h"
#include "oci/ref.h"
#include "scprof/oci.h"
#include "util/util.h"

struct oci_registry;

/* Connect nothing yet: set up for @ref's repository.  Free with oci_registry_free(). */
int oci_registry_new(const struct oci_ref *ref, const struct scprof_oci_opts *o, bool push,
		     struct oci_registry **out, struct scprof_error **err);
void oci_registry_free(struct oci_registry *r);

/*
 * The digest and media type of manifest @tag (HEAD, else GET): *media_type
 * caller frees.  When only a GET told the digest, its body is left in @body
 * (verified by construction); otherwise @body stays empty.
 */
int oci_registry_resolve(struct oci_registry *r, const char *tag, char digest[OCI_DIGEST_LEN + 1],
			 char **media_type, struct strbuf *body, struct scprof_error **err);
/* GET manifest or blob @digest into @out, at most @max bytes (not verified here). */
int oci_registry_get_manifest(struct oci_registry *r, const char *digest, size_t max,
			      struct strbuf *out, char **media_type, struct scprof_error **err);
int oci_registry_get_blob(struct oci_registry *r, const char *digest, size_t max,
			  struct strbuf *out, struct scprof_error **err);
/* Upload blob @digest unless the repository has it already; *uploaded tells which. */
int oci_registry_put_blob(struct oci_registry *r, const char *digest, const void *data, size_t len,
			  bool *uploaded, struct scprof_error **err);
/* PUT the manifest under @reference (a tag or its digest); checks the digest the registry reports. */
int oci_registry_put_manifest(struct oci_registry *r, const char *reference, const char *media_type,
			      const void *data, size_t len, const char *digest,
			      struct scprof_error **err);

#endif
