/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cache of pulled manifests and layers, by digest, and of tags for a while. */
#ifndef SCPROF_OCI_CACHE_H
#define SCPROF_OCI_CACHE_H

#include <stddef.h>

#include "oci/dl.h"
#include "util/util.h"

/* At most this many blobs stay; tags live this long unless the caller says otherwise. */
#define OCI_CACHE_MAX_ENTRIES 1000
#define OCI_CACHE_TAG_TTL (24 * 3600)

/* $XDG_CACHE_HOME/scprof, else ~/.cache/scprof; NULL when neither is set.  Caller frees. */
char *oci_cache_dir(void);

/*
 * Blob @digest from the cache into @out (at most @max bytes): 0 when it is there
 * and its content has that digest (an entry that does not is removed), -ENOENT
 * otherwise.
 */
int oci_cache_get_blob(const char *dir, const char *digest, size_t max, struct strbuf *out);
/* Keep a blob whose digest the caller checked; best effort, atomic (rename). */
void oci_cache_put_blob(const char *dir, const char *digest, const void *data, size_t len);

/*
 * The digest and media type @key ("host/name:tag") resolved to less than @ttl
 * seconds ago: 0 with @digest and *media_type (caller frees) set, or -ENOENT.
 */
int oci_cache_get_tag(const char *dir, const char *key, unsigned ttl,
		      char digest[OCI_DIGEST_LEN + 1], char **media_type);
void oci_cache_put_tag(const char *dir, const char *key, const char *digest,
		       const char *media_type);

/* Remove the least recently written blobs beyond @max_entries, and tags older than @ttl. */
void oci_cache_trim(const char *dir, size_t max_entries, unsigned ttl);

#endif
