/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry authentication: challenges, credentials, tokens. */
#ifndef SCPROF_OCI_AUTH_H
#define SCPROF_OCI_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "scprof/error.h"

enum oci_auth_scheme {
	OCI_AUTH_NONE,
	OCI_AUTH_BASIC,
	OCI_AUTH_BEARER,
};

/* One WWW-Authenticate challenge. */
struct oci_challenge {
	enum oci_auth_scheme scheme;
	char *realm, *service, *scope; /* each may be NULL */
	char *error; /* why a token was refused (RFC 6750 3.1: "invalid_token"...), or NULL */
};

/*
 * Parse a WWW-Authenticate header value (RFC 7235: a scheme, then
 * auth-params name=value or name="quoted value" separated by commas).  The
 * first Basic or Bearer challenge wins; other schemes are skipped.  Returns 0,
 * or -EINVAL when the value does not parse or names neither scheme.  Release
 * with oci_challenge_release().
 */
int oci_challenge_parse(const char *value, size_t len, struct oci_challenge *c);
void oci_challenge_release(struct oci_challenge *c);

/* A user name and password; the password is wiped on release. */
struct oci_credentials {
	char *username, *password;
};
void oci_credentials_release(struct oci_credentials *c);

/*
 * The credentials for @host ("host" or "host:port") from the first of
 * $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json and
 * $DOCKER_CONFIG/config.json (default ~/.docker/config.json) that has an
 * entry for it ("auths": {"HOST": {"auth": base64("user:password")}}, the key
 * possibly with https:// and a path).  Returns 1 when found, 0 when not, or a
 * negative errno with *err for a file that exists but does not parse.  Never
 * puts a secret in *err.
 */
int oci_credentials_find(const char *host, struct oci_credentials *out, struct scprof_error **err);

/* Standard base64 with padding; caller frees. */
char *oci_base64_encode(const void *data, size_t len);
/* Decode standard base64 (padding optional); NULL on junk.  Caller frees; *len set. */
char *oci_base64_decode(const char *s, size_t *len);

/*
 * The token of a token server's JSON answer ({"token": ...} or
 * {"access_token": ...}); caller frees.  -EINVAL when there is none.
 */
int oci_token_parse(const char *buf, size_t len, char **token);

#endif
