// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Registry authentication as the distribution spec and Docker's token
 * specification describe it.
 *
 * A request without credentials gets 401 and a challenge:
 *   WWW-Authenticate: Basic realm="Registry Realm"
 *   WWW-Authenticate: Bearer realm="https://auth.example.com/token",
 *                     service="registry.example.com",scope="repository:a/b:pull"
 * Basic: the request is sent again with "Authorization: Basic base64(user:pw)".
 * Bearer: GET REALM?service=SERVICE&scope=SCOPE (with Basic credentials if we
 * have some, anonymously otherwise) answers {"token": T} (or "access_token"),
 * and the request is sent again with "Authorization: Bearer T".
 * A token the registry no longer takes (it expired: distribution checks "exp"
 * with 60 s of leeway) gets 401 again, with error="invalid_token" in the
 * challenge (RFC 6750 section 3.1); the registry client then fetches a fresh
 * one, once per request.
 *
 * Credential files (containers-auth.json(5), docker config.json):
 *   {"auths": {"registry.example.com": {"auth": "<base64 user:password>"}}}
 */
#include <ctype.h>
#include <sys/stat.h>

#include "format/node.h"
#include "oci/auth.h"
#include "util/util.h"

void oci_challenge_release(struct oci_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

void oci_credentials_release(struct oci_credentials *c)
{
	if (c->password) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	free(c->username);
	memset(c, 0, sizeof(*c));
}

static bool is_token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* Skip spaces and tabs from @i; returns the new index. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

int oci_challenge_parse(const char *s, size_t len, struct oci_challenge *c)
{
	size_t i = 0;

	memset(c, 0, sizeof(*c));
	while (i < len) {
		size_t start;
		enum oci_auth_scheme scheme = OCI_AUTH_NONE;

		i = skip_ws(s, len, i);
		while (i < len && s[i] == ',')
			i = skip_ws(s, len, i + 1);
		start = i;
		while (i < len && is_token_char(s[i]))
			i++;
		if (i == start) {
			i++; /* not a scheme (a token68's '=', stray bytes): skip it */
			continue;
		}
		if (i - start == 5 && !strncasecmp(s + start, "basic", 5))
			scheme = OCI_AUTH_BASIC;
		else if (i - start == 6 && !strncasecmp(s + start, "bearer", 6))
			scheme = OCI_AUTH_BEARER;

		/* auth-params: name = token | quoted-string, separated by commas */
		for (;;) {
			size_t save = i, name, name_len;
			struct strbuf val = STRBUF_INIT;

			i = skip_ws(s, len, i);
			while (i < len && s[i] == ',')
				i = skip_ws(s, len, i + 1);
			name = i;
			while (i < len && is_token_char(s[i]))
				i++;
			name_len = i - name;
			i = skip_ws(s, len, i);
			if (name_len == 0 || i >= len || s[i] != '=') {
				/* not a parameter: the next challenge's scheme starts at save */
				i = name_len ? name : save;
				break;
			}
			i = skip_ws(s, len, i + 1);
			if (i < len && s[i] == '"') {
				i++;
				while (i < len && s[i] != '"') {
					if (s[i] == '\\' && i + 1 < len)
						i++;
					if (s[i] == '\0') {
						strbuf_release(&val);
						goto bad;
					}
					strbuf_addc(&val, s[i++]);
				}
				if (i >= len) {
					strbuf_release(&val);
					goto bad;
				}
				i++;
			} else {
				size_t v = i;
				while (i < len && is_token_char(s[i]))
					i++;
				strbuf_add(&val, s + v, i - v);
			}
			if (!val.buf)
				strbuf_adds(&val, "");
			char **slot = NULL;
			if (scheme != OCI_AUTH_NONE && c->scheme == OCI_AUTH_NONE) {
				if (name_len == 5 && !strncasecmp(s + name, "realm", 5))
					slot = &c->realm;
				else if (name_len == 7 && !strncasecmp(s + name, "service", 7))
					slot = &c->service;
				else if (name_len == 5 && !strncasecmp(s + name, "scope", 5))
					slot = &c->scope;
				else if (name_len == 5 && !strncasecmp(s + name, "error", 5))
					slot = &c->error;
			}
			if (slot) {
				free(*slot);
				*slot = strbuf_detach(&val);
			} else {
				strbuf_release(&val);
			}
		}
		if (scheme != OCI_AUTH_NONE && c->scheme == OCI_AUTH_NONE) {
			c->scheme = scheme;
			return 0;
		}
		/* a challenge of another scheme: whatever it filled in is not ours */
		oci_challenge_release(c);
	}
bad:
	oci_challenge_release(c);
	return -EINVAL;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *oci_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc(4 * ((len + 2) / 3) + 1), *o = out;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *oci_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	char *out = xmalloc(n / 4 * 3 + 4);
	unsigned v = 0, bits = 0;
	size_t o = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		const char *q;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		q = s[i] ? strchr(b64, s[i]) : NULL;
		if (!q || pad) {
			free(out);
			return NULL;
		}
		v = (v << 6) | (unsigned)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	if (pad > 2) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* "https://host:port/v1/" -> "host:port" */
static char *key_host(const char *key)
{
	const char *p = strstr(key, "://");
	p = p ? p + 3 : key;
	return xstrndup(p, strcspn(p, "/"));
}

static int from_file(const char *path, const char *host, struct oci_credentials *out,
		     struct scprof_error **err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	const struct node *auths;
	struct stat st;
	size_t len;
	int r;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	r = read_file(path, 1024 * 1024, &buf, &len, &e);
	if (r < 0)
		return error_set(err, r, "%s", e->msg);
	r = json_parse(buf, len, &doc, &e);
	if (r < 0)
		return error_set(err, r, "credentials file '%s' is not valid JSON (%u:%u)", path,
				 e->line, e->col);
	auths = node_get(doc, "auths");
	if (!auths || auths->kind != NODE_OBJECT)
		return 0;
	for (size_t i = 0; i < auths->len; i++) {
		_cleanup_free_ char *h = key_host(auths->keys[i].name);
		_cleanup_free_ char *plain = NULL;
		const struct node *a;
		char *colon;
		size_t n;

		if (strcmp(h, host))
			continue;
		a = node_get(auths->items[i], "auth");
		if (!a || a->kind != NODE_STRING || !a->text[0])
			continue;
		plain = oci_base64_decode(a->text, &n);
		colon = plain ? memchr(plain, ':', n) : NULL;
		if (!colon || strlen(plain) != n) {
			if (plain)
				explicit_bzero(plain, n);
			return error_set(err, -EINVAL,
					 "credentials file '%s': the entry for '%s' is not "
					 "base64 of user:password",
					 path, host);
		}
		*colon = '\0';
		out->username = xstrdup(plain);
		out->password = xstrdup(colon + 1);
		explicit_bzero(plain, n);
		return 1;
	}
	return 0;
}

int oci_credentials_find(const char *host, struct oci_credentials *out, struct scprof_error **err)
{
	const char *env;
	_cleanup_free_ char *containers = NULL, *docker = NULL;
	const char *paths[3] = { NULL, NULL, NULL };
	int r;

	memset(out, 0, sizeof(*out));
	paths[0] = getenv("REGISTRY_AUTH_FILE");
	env = getenv("XDG_RUNTIME_DIR");
	if (env && *env)
		paths[1] = containers = xasprintf("%s/containers/auth.json", env);
	env = getenv("DOCKER_CONFIG");
	if (env && *env)
		docker = xasprintf("%s/config.json", env);
	else if ((env = getenv("HOME")) && *env)
		docker = xasprintf("%s/.docker/config.json", env);
	paths[2] = docker;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!paths[i] || !*paths[i])
			continue;
		r = from_file(paths[i], host, out, err);
		if (r != 0)
			return r;
	}
	return 0;
}

int oci_token_parse(const char *buf, size_t len, char **token)
{
	_cleanup_node_ struct node *doc = NULL;
	const struct node *t;

	*token = NULL;
	if (json_parse(buf, len, &doc, NULL) < 0)
		return -EINVAL;
	t = node_get(doc, "token");
	if (!t || t->kind != NODE_STRING || !t->text[0])
		t = node_get(doc, "access_token");
	if (!t || t->kind != NODE_STRING || !t->text[0])
		return -EINVAL;
	*token = xstrdup(t->text);
	return 0;
}
