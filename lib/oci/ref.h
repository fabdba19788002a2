/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Artifact references: a registry repository or an OCI image layout directory. */
#ifndef SCPROF_OCI_REF_H
#define SCPROF_OCI_REF_H

#include <stdbool.h>

#include "oci/dl.h"
#include "scprof/error.h"

enum oci_ref_kind {
	OCI_REF_REGISTRY, /* host[:port]/repo[:tag|@sha256:hex] */
	OCI_REF_LAYOUT, /* oci:DIR[:TAG] */
};

struct oci_ref {
	enum oci_ref_kind kind;
	char *host; /* REGISTRY: "host" or "host:port", as written */
	char *repo; /* REGISTRY: "a/b/c" */
	char *dir; /* LAYOUT: the directory */
	char *tag; /* or NULL: REGISTRY with a digest, LAYOUT without a tag */
	char digest[OCI_DIGEST_LEN + 1]; /* "" when not given */
};

/*
 * Parse @s.  A registry reference must start with a host: a first component
 * holding a '.' or a ':', or "localhost" (there is no default registry).  A
 * registry reference without tag nor digest gets the tag "latest".  Returns
 * 0, or -EINVAL with *err naming the part that is wrong.  Release with
 * oci_ref_release().
 */
int oci_ref_parse(const char *s, struct oci_ref *ref, struct scprof_error **err);
void oci_ref_release(struct oci_ref *ref);

/* Well-formed "sha256:" plus 64 lowercase hex digits. */
bool oci_digest_valid(const char *s);
/* A tag as the distribution spec allows: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
bool oci_tag_valid(const char *s);

#endif
