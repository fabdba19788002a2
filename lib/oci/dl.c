// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcurl and libcrypto, loaded with dlopen() the first time push or pull needs
 * them.  Linking them would cost every scprof command its start-up: libcurl
 * brings about 30 shared libraries (3 ms more per run of /bin/true-sized
 * programs on the machines of docs/benchmarks.md), libcrypto 0.5 ms, while
 * the commands that never talk to a registry are meant to start in about 1 ms.
 * The headers still come from the -dev packages, so the types and constants are
 * checked at build time; the sonames are the ABI those packages promise.
 */
#include <dlfcn.h>
#include <pthread.h>

#include "oci/dl.h"
#include "util/util.h"

#define CURL_SONAME "libcurl.so.4"
#define CRYPTO_SONAME "libcrypto.so.3"

static struct oci_curl curl_api;
static char *curl_failure;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

/* Look up @name in @h (@soname) into *fn; false (with the reason in *why) when it is missing. */
static bool sym(void *h, const char *soname, const char *name, void *fn, char **why)
{
	void *p = dlsym(h, name);
	if (!p) {
		if (!*why)
			*why = xasprintf("%s lacks %s", soname, name);
		return false;
	}
	memcpy(fn, &p, sizeof(p));
	return true;
}

static void curl_load_once(void)
{
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	char *why = NULL;
	bool ok;

	if (!h) {
		const char *e = dlerror();
		curl_failure = xasprintf("cannot load %s (Debian package libcurl4): %s",
					 CURL_SONAME, e ? e : "unknown error");
		return;
	}
	ok = sym(h, CURL_SONAME, "curl_global_init", &curl_api.global_init, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_init", &curl_api.easy_init, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_setopt", &curl_api.easy_setopt, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_perform", &curl_api.easy_perform, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_getinfo", &curl_api.easy_getinfo, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_reset", &curl_api.easy_reset, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_cleanup", &curl_api.easy_cleanup, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_strerror", &curl_api.easy_strerror, &why);
	ok &= sym(h, CURL_SONAME, "curl_slist_append", &curl_api.slist_append, &why);
	ok &= sym(h, CURL_SONAME, "curl_slist_free_all", &curl_api.slist_free_all, &why);
	ok &= sym(h, CURL_SONAME, "curl_easy_escape", &curl_api.easy_escape, &why);
	ok &= sym(h, CURL_SONAME, "curl_free", &curl_api.free, &why);
	if (!ok) {
		curl_failure = why;
		return;
	}
	if (curl_api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		curl_failure = xstrdup("cannot initialise libcurl");
}

int oci_curl_load(const struct oci_curl **api, struct scprof_error **err)
{
	pthread_once(&curl_once, curl_load_once);
	if (curl_failure)
		return error_set(err, -ENOENT, "%s", curl_failure);
	*api = &curl_api;
	return 0;
}

/* SHA256() is the one-shot digest of OpenSSL; it is not deprecated in 3.0. */
typedef unsigned char *(*sha256_fn)(const unsigned char *d, size_t n, unsigned char *md);
static sha256_fn sha256;
static struct oci_crypto crypto_api;
static char *crypto_failure;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void crypto_load_once(void)
{
	void *h = dlopen(CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
	struct oci_crypto *c = &crypto_api;
	char *why = NULL;
	bool ok;

	if (!h) {
		const char *e = dlerror();
		crypto_failure = xasprintf("cannot load %s (Debian package libssl3): %s",
					   CRYPTO_SONAME, e ? e : "unknown error");
		return;
	}
	ok = sym(h, CRYPTO_SONAME, "SHA256", &sha256, &why);
	ok &= sym(h, CRYPTO_SONAME, "BIO_new_mem_buf", &c->bio_new_mem_buf, &why);
	ok &= sym(h, CRYPTO_SONAME, "BIO_new", &c->bio_new, &why);
	ok &= sym(h, CRYPTO_SONAME, "BIO_s_mem", &c->bio_s_mem, &why);
	ok &= sym(h, CRYPTO_SONAME, "BIO_ctrl", &c->bio_ctrl, &why);
	ok &= sym(h, CRYPTO_SONAME, "BIO_free", &c->bio_free, &why);
	ok &= sym(h, CRYPTO_SONAME, "PEM_read_bio_PrivateKey", &c->pem_read_private, &why);
	ok &= sym(h, CRYPTO_SONAME, "PEM_read_bio_PUBKEY", &c->pem_read_public, &why);
	ok &= sym(h, CRYPTO_SONAME, "PEM_write_bio_PrivateKey", &c->pem_write_private, &why);
	ok &= sym(h, CRYPTO_SONAME, "PEM_write_bio_PUBKEY", &c->pem_write_public, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_PKEY_Q_keygen", &c->pkey_keygen, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_PKEY_is_a", &c->pkey_is_a, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_PKEY_get_bits", &c->pkey_bits, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_PKEY_free", &c->pkey_free, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_MD_CTX_new", &c->md_new, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_MD_CTX_free", &c->md_free, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_sha256", &c->sha256, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_DigestSignInit", &c->sign_init, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_DigestSign", &c->sign, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_DigestVerifyInit", &c->verify_init, &why);
	ok &= sym(h, CRYPTO_SONAME, "EVP_DigestVerify", &c->verify, &why);
	if (!ok)
		crypto_failure = why;
}

int oci_crypto_load(const struct oci_crypto **api, struct scprof_error **err)
{
	pthread_once(&crypto_once, crypto_load_once);
	if (crypto_failure)
		return error_set(err, -ENOENT, "%s", crypto_failure);
	*api = &crypto_api;
	return 0;
}

int oci_digest(const void *buf, size_t len, char out[OCI_DIGEST_LEN + 1], struct scprof_error **err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];

	pthread_once(&crypto_once, crypto_load_once);
	if (crypto_failure)
		return error_set(err, -ENOENT, "%s", crypto_failure);
	sha256(buf, len, md);
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < sizeof(md); i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[OCI_DIGEST_LEN] = '\0';
	return 0;
}
