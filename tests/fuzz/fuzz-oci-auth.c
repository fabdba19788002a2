// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz what a registry or its token server sends before we trust it: the
 * WWW-Authenticate challenge (not NUL-terminated: the length bounds it), the
 * token answer, and base64, whose decoding must invert the encoding.
 */
#include <stdint.h>

#include "oci/auth.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_challenge c;
	char *token = NULL, *copy, *enc, *dec;
	size_t n;

	if (oci_challenge_parse((const char *)data, size, &c) == 0) {
		if (c.scheme != OCI_AUTH_BASIC && c.scheme != OCI_AUTH_BEARER)
			abort();
		oci_challenge_release(&c);
	}
	if (oci_token_parse((const char *)data, size, &token) == 0 && (!token || !token[0]))
		abort();
	free(token);

	copy = xstrndup((const char *)data, size);
	dec = oci_base64_decode(copy, &n);
	free(dec);
	enc = oci_base64_encode(data, size);
	dec = oci_base64_decode(enc, &n);
	if (!dec || n != size || memcmp(dec, data, size))
		abort();
	free(dec);
	free(enc);
	free(copy);
	return 0;
}
