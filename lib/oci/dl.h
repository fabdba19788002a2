/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcurl and libcrypto, loaded on first use. */
#ifndef SCPROF_OCI_DL_H
#define SCPROF_OCI_DL_H

#include <stddef.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "scprof/error.h"

/* The libcurl functions the registry client calls; borrowed, static. */
struct oci_curl {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_reset)(CURL *c);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	char *(*easy_escape)(CURL *c, const char *s, int len);
	void (*free)(void *p);
};

/* Load libcurl (once per process); 0 with *api set, or -ENOENT with *err saying why. */
int oci_curl_load(const struct oci_curl **api, struct scprof_error **err);

/* "sha256:" and 64 lowercase hex digits, and the NUL. */
#define OCI_DIGEST_LEN (7 + 64)

/* The sha256 digest of @len bytes at @buf, as "sha256:<hex>", into @out. */
int oci_digest(const void *buf, size_t len, char out[OCI_DIGEST_LEN + 1],
	       struct scprof_error **err);

#endif
