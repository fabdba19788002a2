/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcurl and libcrypto, loaded on first use. */
#ifndef SCPROF_OCI_DL_H
#define SCPROF_OCI_DL_H

#include <stddef.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

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

/* The libcrypto functions signatures use; borrowed, static. */
struct oci_crypto {
	__typeof__(&BIO_new_mem_buf) bio_new_mem_buf;
	__typeof__(&BIO_new) bio_new;
	__typeof__(&BIO_s_mem) bio_s_mem;
	__typeof__(&BIO_ctrl) bio_ctrl;
	__typeof__(&BIO_free) bio_free;
	__typeof__(&PEM_read_bio_PrivateKey) pem_read_private;
	__typeof__(&PEM_read_bio_PUBKEY) pem_read_public;
	__typeof__(&PEM_write_bio_PrivateKey) pem_write_private;
	__typeof__(&PEM_write_bio_PUBKEY) pem_write_public;
	__typeof__(&EVP_PKEY_Q_keygen) pkey_keygen;
	__typeof__(&EVP_PKEY_is_a) pkey_is_a;
	__typeof__(&EVP_PKEY_get_bits) pkey_bits;
	__typeof__(&EVP_PKEY_free) pkey_free;
	__typeof__(&EVP_MD_CTX_new) md_new;
	__typeof__(&EVP_MD_CTX_free) md_free;
	__typeof__(&EVP_sha256) sha256;
	__typeof__(&EVP_DigestSignInit) sign_init;
	__typeof__(&EVP_DigestSign) sign;
	__typeof__(&EVP_DigestVerifyInit) verify_init;
	__typeof__(&EVP_DigestVerify) verify;
};

/* Load libcrypto (once per process); 0 with *api set, or -ENOENT with *err saying why. */
int oci_crypto_load(const struct oci_crypto **api, struct scprof_error **err);

/* "sha256:" and 64 lowercase hex digits, and the NUL. */
#define OCI_DIGEST_LEN (7 + 64)

/* The sha256 digest of @len bytes at @buf, as "sha256:<hex>", into @out. */
int oci_digest(const void *buf, size_t len, char out[OCI_DIGEST_LEN + 1],
	       struct scprof_error **err);

#endif
