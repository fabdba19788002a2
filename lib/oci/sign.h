/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ECDSA P-256 keys and signatures, and cosign's simple signing payload. */
#ifndef SCPROF_OCI_SIGN_H
#define SCPROF_OCI_SIGN_H

#include <stddef.h>

#include "oci/dl.h"
#include "scprof/error.h"

#define OCI_MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define OCI_MT_IMAGE_CONFIG "application/vnd.oci.image.config.v1+json"

/* A new key pair as PEM: PKCS#8 private key, SubjectPublicKeyInfo public key; caller frees. */
int oci_keygen(char **private_pem, char **public_pem, struct scprof_error **err);

/* The base64 DER ECDSA signature over sha256(@data) with the PEM private key @key; caller frees. */
int oci_sign(const char *key, size_t key_len, const void *data, size_t len, char **signature,
	     struct scprof_error **err);

/*
 * Check the base64 DER signature @signature over @data with the PEM public key
 * @key: 0 when it verifies, -EBADMSG when not, another negative errno (with
 * *err) when the key does not load.
 */
int oci_verify(const char *key, size_t key_len, const void *data, size_t len, const char *signature,
	       struct scprof_error **err);

/* cosign's payload for @digest in repository @identity ("host/name"); caller frees. */
char *oci_simple_signing_payload(const char *identity, const char *digest);

/*
 * The manifest digest a payload is about, if it is a cosign container image
 * signature; caller frees.  NULL when it is not one.
 */
char *oci_simple_signing_digest(const char *payload, size_t len);

#endif
