// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A client of the distribution spec's HTTP API v2, for one repository NAME:
 *
 *   HEAD /v2/NAME/manifests/REF   -> 200, Docker-Content-Digest, Content-Type
 *   GET  /v2/NAME/manifests/REF   -> 200, the manifest (Accept: the types we read)
 *   GET  /v2/NAME/blobs/DIGEST    -> 200 (possibly after a redirect)
 *   HEAD /v2/NAME/blobs/DIGEST    -> 200 when the repository has it, else 404
 *   POST /v2/NAME/blobs/uploads/  -> 202, Location: the upload session
 *   PUT  LOCATION?digest=DIGEST   -> 201 (monolithic upload: the whole blob)
 *   PATCH LOCATION, Content-Range: START-END (inclusive), a chunk
 *                                 -> 202, Location: where the next chunk goes;
 *                                    then PUT LOCATION?digest=DIGEST, no body
 *   PUT  /v2/NAME/manifests/REF   -> 201, Docker-Content-Digest
 * Errors come as {"errors": [{"code": "MANIFEST_UNKNOWN", "message": ...}]}.
 *
 * Authentication (oci/auth.c) happens on a 401 and is kept for the next
 * requests.  A token can expire between two requests (between resolving a tag
 * and fetching the blob, or between two chunks of an upload): a request that
 * gets 401 fetches a fresh token and is sent again, once; a second 401 is the
 * answer.  A 429, a 5xx, a dropped connection or a timeout, from the registry
 * or its token server, are retried with exponential backoff (100 ms, doubling,
 * or the server's Retry-After up to 5 s).
 * Secrets never reach a message: errors name the host, the status and the
 * registry's error code only.
 */
#include <time.h>

#include "format/node.h"
#include "oci/manifest.h"
#include "oci/registry.h"

static const char accept_manifests[] = "Accept: " OCI_MT_MANIFEST ", " OCI_MT_INDEX
				       ", " OCI_MT_DOCKER_MANIFEST ", " OCI_MT_DOCKER_LIST;

struct oci_registry {
	const struct oci_curl *api;
	CURL *curl;
	char *host;
	char *repo;
	char *base; /* "https://host:port" */
	const struct scprof_oci_opts *opts; /* borrowed */
	struct oci_credentials creds;
	bool have_creds;
	bool push;
	char *authorization; /* "Authorization: ..." once authenticated; secret */
	bool bearer; /* authorization holds a token from the token server */
	char errbuf[CURL_ERROR_SIZE];
};

struct response {
	long status;
	struct strbuf body;
	size_t max;
	bool too_big;
	char *content_type, *digest, *location, *challenge, *retry_after;
};

static void response_release(struct response *resp)
{
	strbuf_release(&resp->body);
	free(resp->content_type);
	free(resp->digest);
	free(resp->location);
	free(resp->challenge);
	free(resp->retry_after);
	memset(resp, 0, sizeof(*resp));
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct response *resp = user;
	if (resp->body.len + n > resp->max) {
		resp->too_big = true;
		return 0;
	}
	strbuf_add(&resp->body, data, n);
	return size * n;
}

/* Keep @line's value in *slot when it is header @name. */
static void header_value(const char *line, size_t len, const char *name, char **slot)
{
	size_t n = strlen(name);
	if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
		return;
	line += n + 1;
	len -= n + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	/* the first challenge is the one we answer; other headers: the last one counts */
	if (*slot && !strcmp(name, "WWW-Authenticate"))
		return;
	free(*slot);
	*slot = xstrndup(line, len);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	struct response *resp = user;
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* a new response (after a redirect or a 100 Continue): forget the last one's */
		free(resp->content_type);
		free(resp->digest);
		free(resp->location);
		free(resp->challenge);
		free(resp->retry_after);
		resp->content_type = resp->digest = resp->location = resp->challenge =
			resp->retry_after = NULL;
		return size * n;
	}
	header_value(data, n, "Content-Type", &resp->content_type);
	header_value(data, n, "Docker-Content-Digest", &resp->digest);
	header_value(data, n, "Location", &resp->location);
	header_value(data, n, "WWW-Authenticate", &resp->challenge);
	header_value(data, n, "Retry-After", &resp->retry_after);
	return size * n;
}

void oci_registry_free(struct oci_registry *r)
{
	if (!r)
		return;
	if (r->curl)
		r->api->easy_cleanup(r->curl);
	free(r->host);
	free(r->repo);
	free(r->base);
	oci_credentials_release(&r->creds);
	if (r->authorization) {
		explicit_bzero(r->authorization, strlen(r->authorization));
		free(r->authorization);
	}
	free(r);
}

int oci_registry_new(const struct oci_ref *ref, const struct scprof_oci_opts *o, bool push,
		     struct oci_registry **out, struct scprof_error **err)
{
	struct oci_registry *r = xcalloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	rc = oci_curl_load(&r->api, err);
	if (rc < 0) {
		free(r);
		return rc;
	}
	r->curl = r->api->easy_init();
	if (!r->curl) {
		free(r);
		return error_set(err, -ENOMEM, "cannot set up libcurl");
	}
	r->host = xstrdup(ref->host);
	r->repo = xstrdup(ref->repo);
	r->base = xasprintf("%s://%s", o->plain_http ? "http" : "https", ref->host);
	r->opts = o;
	r->push = push;
	if (o->username) {
		r->creds.username = xstrdup(o->username);
		r->creds.password = xstrdup(o->password ? o->password : "");
		r->have_creds = true;
	} else {
		rc = oci_credentials_find(ref->host, &r->creds, err);
		if (rc < 0) {
			oci_registry_free(r);
			return rc;
		}
		r->have_creds = rc > 0;
	}
	*out = r;
	return 0;
}

struct request {
	const char *method; /* GET HEAD POST PUT PATCH */
	const char *url;
	const char *accept; /* a whole "Accept: ..." header, or NULL */
	const char *content_type; /* or NULL */
	const void *body;
	size_t body_len;
	size_t max; /* of the response body */
	const char *header; /* one more whole header, or NULL */
};

/* One HTTP exchange, no retries.  Returns 0 with resp filled in, or the curl failure. */
static int perform(struct oci_registry *r, const struct request *q, const char *authorization,
		   struct response *resp, CURLcode *code)
{
	const struct oci_curl *c = r->api;
	struct curl_slist *headers = NULL;
	_cleanup_free_ char *ctype = NULL;
	long timeout = r->opts->timeout_s ? (long)r->opts->timeout_s : 60;

	response_release(resp);
	resp->max = q->max;
	c->easy_reset(r->curl);
	r->errbuf[0] = '\0';
	c->easy_setopt(r->curl, CURLOPT_URL, q->url);
	c->easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(r->curl, CURLOPT_ERRORBUFFER, r->errbuf);
	c->easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT, timeout < 10 ? timeout : 10L);
	c->easy_setopt(r->curl, CURLOPT_TIMEOUT, timeout);
	c->easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	c->easy_setopt(r->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	c->easy_setopt(r->curl, CURLOPT_USERAGENT, "scprof");
	c->easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
	c->easy_setopt(r->curl, CURLOPT_WRITEDATA, resp);
	c->easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
	c->easy_setopt(r->curl, CURLOPT_HEADERDATA, resp);
	if (r->opts->ca_file)
		c->easy_setopt(r->curl, CURLOPT_CAINFO, r->opts->ca_file);
	/* blobs may live behind a redirect (S3, a CDN); curl drops Authorization there */
	if (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD")) {
		c->easy_setopt(r->curl, CURLOPT_FOLLOWLOCATION, 1L);
		c->easy_setopt(r->curl, CURLOPT_MAXREDIRS, 5L);
	}
	if (!strcmp(q->method, "HEAD")) {
		c->easy_setopt(r->curl, CURLOPT_NOBODY, 1L);
	} else if (strcmp(q->method, "GET")) {
		c->easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, q->method);
		c->easy_setopt(r->curl, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		c->easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
	}
	if (q->accept)
		headers = c->slist_append(headers, q->accept);
	if (q->header)
		headers = c->slist_append(headers, q->header);
	if (q->content_type) {
		ctype = xasprintf("Content-Type: %s", q->content_type);
		headers = c->slist_append(headers, ctype);
	} else if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD")) {
		headers = c->slist_append(headers, "Content-Type: application/octet-stream");
	}
	/* no "Expect: 100-continue" round trip for small bodies */
	headers = c->slist_append(headers, "Expect:");
	if (authorization)
		headers = c->slist_append(headers, authorization);
	c->easy_setopt(r->curl, CURLOPT_HTTPHEADER, headers);
	*code = c->easy_perform(r->curl);
	c->slist_free_all(headers);
	c->easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	return *code == CURLE_OK ? 0 : -1;
}

/*
 * A retried PATCH is safe for the failures we retry: a 429 or 5xx answer, or a
 * connection lost, means the registry did not take the chunk (distribution
 * answers 416 to a Content-Range that does not follow what it has, which is
 * reported, not retried).
 */
static bool transient(CURLcode code)
{
	return code == CURLE_OPERATION_TIMEDOUT || code == CURLE_GOT_NOTHING ||
	       code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_PARTIAL_FILE;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Whether the outcome of perform() (@rc, @code, @resp) is worth another try. */
static bool retryable(int rc, CURLcode code, const struct response *resp)
{
	if (rc < 0)
		return transient(code) && !resp->too_big;
	return resp->status == 429 || resp->status >= 500;
}

/* Wait before the next try: the server's Retry-After, else *delay; then double *delay. */
static void back_off(const struct response *resp, long *delay)
{
	uint64_t s;

	if (resp->retry_after && parse_u64(resp->retry_after, &s))
		*delay = s >= 5 ? 5000 : (long)s * 1000;
	sleep_ms(*delay);
	*delay = *delay ? (*delay >= 2500 ? 5000 : *delay * 2) : 100;
}

/* "MANIFEST_UNKNOWN: manifest unknown" of an error body, or NULL; caller frees. */
static char *registry_error(const struct response *resp)
{
	_cleanup_node_ struct node *doc = NULL;
	const struct node *errors, *e, *code, *msg;

	if (!resp->body.len || json_parse(resp->body.buf, resp->body.len, &doc, NULL) < 0)
		return NULL;
	errors = node_get(doc, "errors");
	if (!errors || errors->kind != NODE_ARRAY || !errors->len)
		return NULL;
	e = errors->items[0];
	code = node_get(e, "code");
	msg = node_get(e, "message");
	if (!code || code->kind != NODE_STRING)
		return NULL;
	if (msg && msg->kind == NODE_STRING && msg->text[0])
		return xasprintf("%.60s: %.160s", code->text, msg->text);
	return xasprintf("%.60s", code->text);
}

/* The challenge's error parameter of @resp (RFC 6750: "invalid_token"...), or NULL; caller frees. */
static char *challenge_error(const struct response *resp)
{
	struct oci_challenge ch;
	char *e;

	if (!resp->challenge ||
	    oci_challenge_parse(resp->challenge, strlen(resp->challenge), &ch) < 0)
		return NULL;
	e = steal_ptr(&ch.error);
	oci_challenge_release(&ch);
	return e;
}

/* A 401 to a request that carried a token fetched just before (send_request() refreshes once). */
static int token_refused(struct oci_registry *r, const char *what, const struct response *resp,
			 struct scprof_error **err)
{
	_cleanup_free_ char *why = challenge_error(resp);

	if (why && !strcmp(why, "invalid_token"))
		return error_set(err, -EACCES,
				 "registry '%s' refused a fresh token from its token server for "
				 "%s (401 invalid_token: expired, or from an issuer it does not "
				 "trust)",
				 r->host, what);
	if (!r->have_creds)
		return error_set(err, -EACCES,
				 "registry '%s' wants credentials for %s (401): log in with "
				 "docker or podman, or give --username",
				 r->host, what);
	return error_set(err, -EACCES,
			 "registry '%s' refused the token its token server gave these "
			 "credentials for %s (401%s%.40s)",
			 r->host, what, why ? " " : "", why ? why : "");
}

/* Why a request failed, in one line, about @what ("manifest 'x'"). */
static int request_error(struct oci_registry *r, const char *what, CURLcode code,
			 const struct response *resp, struct scprof_error **err)
{
	_cleanup_free_ char *detail = NULL;

	if (code != CURLE_OK) {
		const char *why = r->errbuf[0] ? r->errbuf : r->api->easy_strerror(code);
		if (resp->too_big)
			return error_set(err, -EFBIG,
					 "%s from '%s' is larger than the limit of %zu bytes "
					 "(--max-size)",
					 what, r->host, resp->max);
		if (code == CURLE_PARTIAL_FILE || code == CURLE_GOT_NOTHING)
			return error_set(err, -EPROTO,
					 "registry '%s' cut its answer for %s short (%s)", r->host,
					 what, why);
		if (code == CURLE_OPERATION_TIMEDOUT)
			return error_set(err, -ETIMEDOUT,
					 "registry '%s' did not answer in time (%s)", r->host, why);
		if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
		    code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM)
			return error_set(err, -EPROTO,
					 "TLS with registry '%s' failed: %s (see --ca-file, "
					 "--plain-http)",
					 r->host, why);
		return error_set(err, -EHOSTUNREACH, "cannot reach registry '%s': %s", r->host,
				 why);
	}
	detail = registry_error(resp);
	switch (resp->status) {
	case 401:
		if (r->bearer)
			return token_refused(r, what, resp, err);
		if (!r->have_creds)
			return error_set(
				err, -EACCES,
				"registry '%s' wants credentials for %s (401): log in with "
				"docker or podman, or give --username",
				r->host, what);
		return error_set(err, -EACCES,
				 "registry '%s' refused the credentials for %s (401 Unauthorized)",
				 r->host, what);
	case 403:
		return error_set(err, -EACCES,
				 "registry '%s' denied access to %s (403 Forbidden%s%s)", r->host,
				 what, detail ? ": " : "", detail ? detail : "");
	case 404:
		return error_set(err, -ENOENT, "%s not found in '%s/%s' (404%s%s)", what, r->host,
				 r->repo, detail ? ": " : "", detail ? detail : "");
	}
	return error_set(err, -EPROTO, "registry '%s' answered %ld for %s%s%s", r->host,
			 resp->status, what, detail ? ": " : "", detail ? detail : "");
}

/* Why the token server (its answer in @resp, after perform() gave @rc and @code) gave no token. */
static int token_server_error(struct oci_registry *r, int rc, CURLcode code,
			      const struct response *resp, struct scprof_error **err)
{
	if (rc < 0 && resp->too_big)
		return error_set(err, -EFBIG,
				 "the token server of registry '%s' sent more than %zu bytes",
				 r->host, resp->max);
	if (rc < 0)
		return error_set(err, code == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH,
				 "cannot get a token for registry '%s' from its token server: %s",
				 r->host, r->errbuf[0] ? r->errbuf : r->api->easy_strerror(code));
	if (resp->status == 401 || resp->status == 403)
		return error_set(err, -EACCES, "the token server of registry '%s' refused %s (%ld)",
				 r->host, r->have_creds ? "the credentials" : "anonymous access",
				 resp->status);
	return error_set(err, -EPROTO, "the token server of registry '%s' answered %ld", r->host,
			 resp->status);
}

/* Answer a Bearer challenge: fetch a token from its realm into r->authorization. */
static int fetch_token(struct oci_registry *r, const struct oci_challenge *ch,
		       struct scprof_error **err)
{
	const struct oci_curl *c = r->api;
	struct strbuf url = STRBUF_INIT;
	_cleanup_free_ char *basic = NULL, *token = NULL, *scope = NULL;
	struct response resp = { 0 };
	struct request q = { .method = "GET", .max = 64 * 1024 };
	CURLcode code;
	long delay = 100;
	int rc;

	if (!ch->realm || strncmp(ch->realm, "http", 4))
		return error_set(err, -EPROTO,
				 "registry '%s' sent a Bearer challenge without realm", r->host);
	/* an HTTPS registry must not make us send a password in the clear */
	if (r->have_creds && !r->opts->plain_http && strncmp(ch->realm, "https://", 8))
		return error_set(
			err, -EPROTO,
			"registry '%s' sends for tokens to '%.100s': not sending credentials "
			"over plain HTTP",
			r->host, ch->realm);
	/* a push asks for both at once: the first challenge (a HEAD) only names pull */
	if (ch->scope && r->push) {
		size_t n = strlen(ch->scope);
		scope = n > 5 && !strcmp(ch->scope + n - 5, ":pull") ?
				xasprintf("%s,push", ch->scope) :
				xstrdup(ch->scope);
	} else {
		scope = ch->scope ? xstrdup(ch->scope) :
				    xasprintf("repository:%s:%s", r->repo,
					      r->push ? "pull,push" : "pull");
	}
	strbuf_adds(&url, ch->realm);
	strbuf_addc(&url, strchr(ch->realm, '?') ? '&' : '?');
	if (ch->service) {
		char *e = c->easy_escape(r->curl, ch->service, 0);
		strbuf_addf(&url, "service=%s&", e ? e : "");
		c->free(e);
	}
	char *e = c->easy_escape(r->curl, scope, 0);
	strbuf_addf(&url, "scope=%s", e ? e : "");
	c->free(e);
	q.url = url.buf;
	if (r->have_creds) {
		_cleanup_free_ char *pair =
			xasprintf("%s:%s", r->creds.username, r->creds.password);
		_cleanup_free_ char *b64 = oci_base64_encode(pair, strlen(pair));
		basic = xasprintf("Authorization: Basic %s", b64);
		explicit_bzero(pair, strlen(pair));
		explicit_bzero(b64, strlen(b64));
	}
	/* a token server has bad days too */
	for (unsigned failures = 0;; failures++) {
		rc = perform(r, &q, basic, &resp, &code);
		if (!retryable(rc, code, &resp) || failures >= r->opts->retries)
			break;
		back_off(&resp, &delay);
	}
	if (basic)
		explicit_bzero(basic, strlen(basic));
	strbuf_release(&url);
	if (rc < 0 || resp.status != 200) {
		rc = token_server_error(r, rc, code, &resp, err);
		response_release(&resp);
		return rc;
	}
	rc = oci_token_parse(resp.body.buf, resp.body.len, &token);
	response_release(&resp);
	if (rc < 0)
		return error_set(err, -EPROTO, "the token server of registry '%s' sent no token",
				 r->host);
	free(r->authorization);
	r->authorization = xasprintf("Authorization: Bearer %s", token);
	r->bearer = true;
	explicit_bzero(token, strlen(token));
	return 0;
}

/* Answer the challenge of @resp; -EACCES when there is nothing to answer with. */
static int authenticate(struct oci_registry *r, const struct response *resp, const char *what,
			struct scprof_error **err)
{
	struct oci_challenge ch;
	int rc;

	if (!resp->challenge ||
	    oci_challenge_parse(resp->challenge, strlen(resp->challenge), &ch) < 0)
		return request_error(r, what, CURLE_OK, resp, err);
	if (ch.scheme == OCI_AUTH_BEARER) {
		rc = fetch_token(r, &ch, err);
	} else if (!r->have_creds) {
		rc = request_error(r, what, CURLE_OK, resp, err);
	} else {
		_cleanup_free_ char *pair =
			xasprintf("%s:%s", r->creds.username, r->creds.password);
		_cleanup_free_ char *b64 = oci_base64_encode(pair, strlen(pair));
		free(r->authorization);
		r->authorization = xasprintf("Authorization: Basic %s", b64);
		r->bearer = false;
		explicit_bzero(pair, strlen(pair));
		explicit_bzero(b64, strlen(b64));
		rc = 0;
	}
	oci_challenge_release(&ch);
	return rc;
}

/*
 * Send @q, authenticating on a 401 (once: a second 401 is final) and retrying
 * transient failures.  Returns 0 with any HTTP status in @resp, or the error of
 * a request that could not complete.
 */
static int send_request(struct oci_registry *r, const struct request *q, const char *what,
			struct response *resp, struct scprof_error **err)
{
	bool authenticated = false;
	unsigned failures = 0;
	long delay = 100;
	CURLcode code;

	for (;;) {
		int rc = perform(r, q, r->authorization, resp, &code);

		/* no credentials yet, or a token that has expired since: (re)authenticate once */
		if (rc == 0 && resp->status == 401 && !authenticated) {
			authenticated = true;
			rc = authenticate(r, resp, what, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!retryable(rc, code, resp) || failures++ >= r->opts->retries) {
			if (rc < 0)
				return request_error(r, what, code, resp, err);
			return 0;
		}
		back_off(resp, &delay);
	}
}

int oci_registry_get_manifest(struct oci_registry *r, const char *digest, size_t max,
			      struct strbuf *out, char **media_type, struct scprof_error **err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/manifests/%s", r->base, r->repo, digest);
	_cleanup_free_ char *what = xasprintf("manifest '%s'", digest);
	struct request q = { .method = "GET", .url = url, .accept = accept_manifests, .max = max };
	struct response resp = { 0 };
	int rc = send_request(r, &q, what, &resp, err);

	if (rc == 0 && resp.status != 200)
		rc = request_error(r, what, CURLE_OK, &resp, err);
	if (rc == 0) {
		*out = resp.body;
		memset(&resp.body, 0, sizeof(resp.body));
		*media_type = steal_ptr(&resp.content_type);
	}
	response_release(&resp);
	return rc;
}

int oci_registry_resolve(struct oci_registry *r, const char *tag, char digest[OCI_DIGEST_LEN + 1],
			 char **media_type, struct strbuf *body, struct scprof_error **err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/manifests/%s", r->base, r->repo, tag);
	_cleanup_free_ char *what = xasprintf("tag '%s'", tag);
	struct request q = { .method = "HEAD", .url = url, .accept = accept_manifests };
	struct response resp = { 0 };
	int rc = send_request(r, &q, what, &resp, err);

	if (rc == 0 && resp.status != 200 && resp.status != 401) {
		/* a HEAD has no body to explain itself: GET for the registry's message */
		q.method = "GET";
		q.max = r->opts->max_size;
		rc = send_request(r, &q, what, &resp, err);
		if (rc == 0 && resp.status != 200)
			rc = request_error(r, what, CURLE_OK, &resp, err);
		if (rc < 0) {
			response_release(&resp);
			return rc;
		}
	}
	if (rc == 0 && resp.status == 401)
		rc = request_error(r, what, CURLE_OK, &resp, err);
	if (rc == 0 && resp.digest && oci_digest_valid(resp.digest)) {
		strcpy(digest, resp.digest);
		*media_type = steal_ptr(&resp.content_type);
		strbuf_reset(body);
	} else if (rc == 0) {
		/* no digest header: the manifest's own bytes tell it */
		if (strcmp(q.method, "GET")) {
			q.method = "GET";
			q.max = r->opts->max_size;
			rc = send_request(r, &q, what, &resp, err);
			if (rc == 0 && resp.status != 200)
				rc = request_error(r, what, CURLE_OK, &resp, err);
		}
		if (rc == 0)
			rc = oci_digest(resp.body.buf, resp.body.len, digest, err);
		if (rc == 0) {
			*media_type = steal_ptr(&resp.content_type);
			strbuf_release(body);
			*body = resp.body;
			memset(&resp.body, 0, sizeof(resp.body));
		}
	}
	response_release(&resp);
	return rc;
}

int oci_registry_get_blob(struct oci_registry *r, const char *digest, size_t max,
			  struct strbuf *out, struct scprof_error **err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/blobs/%s", r->base, r->repo, digest);
	_cleanup_free_ char *what = xasprintf("blob '%s'", digest);
	struct request q = { .method = "GET", .url = url, .max = max };
	struct response resp = { 0 };
	int rc = send_request(r, &q, what, &resp, err);

	if (rc == 0 && resp.status != 200)
		rc = request_error(r, what, CURLE_OK, &resp, err);
	if (rc == 0) {
		*out = resp.body;
		memset(&resp.body, 0, sizeof(resp.body));
	}
	response_release(&resp);
	return rc;
}

/* A Location as a URL: registries may answer with a path. */
static char *absolute(const struct oci_registry *r, const char *location)
{
	return location[0] == '/' ? xasprintf("%s%s", r->base, location) : xstrdup(location);
}

int oci_registry_put_blob(struct oci_registry *r, const char *digest, const void *data, size_t len,
			  bool *uploaded, struct scprof_error **err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/blobs/%s", r->base, r->repo, digest);
	_cleanup_free_ char *start = xasprintf("%s/v2/%s/blobs/uploads/", r->base, r->repo);
	_cleanup_free_ char *what = xasprintf("blob '%s'", digest);
	_cleanup_free_ char *put = NULL, *location = NULL;
	struct request q = { .method = "HEAD", .url = url };
	struct response resp = { 0 };
	size_t chunk = r->opts->chunk_size && len > r->opts->chunk_size ? r->opts->chunk_size : 0;
	int rc;

	*uploaded = false;
	rc = send_request(r, &q, what, &resp, err);
	if (rc == 0 && resp.status == 200) {
		response_release(&resp);
		return 0;
	}
	if (rc < 0) {
		response_release(&resp);
		return rc;
	}

	q = (struct request){ .method = "POST", .url = start, .max = 64 * 1024 };
	rc = send_request(r, &q, "an upload", &resp, err);
	if (rc == 0 && (resp.status != 202 || !resp.location)) {
		rc = resp.status == 202 ?
			     error_set(err, -EPROTO,
				       "registry '%s' started an upload without a Location",
				       r->host) :
			     request_error(r, "an upload", CURLE_OK, &resp, err);
	}
	if (rc < 0) {
		response_release(&resp);
		return rc;
	}
	location = steal_ptr(&resp.location);
	/* chunked: PATCH each piece with its Content-Range; each answer says where to go on */
	for (size_t off = 0; chunk && off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		_cleanup_free_ char *at = absolute(r, location);
		_cleanup_free_ char *range = xasprintf("Content-Range: %zu-%zu", off, off + n - 1);
		q = (struct request){ .method = "PATCH",
				      .url = at,
				      .body = (const char *)data + off,
				      .body_len = n,
				      .max = 64 * 1024,
				      .header = range };
		rc = send_request(r, &q, what, &resp, err);
		if (rc == 0 && (resp.status != 202 || !resp.location))
			rc = resp.status == 202 ? error_set(err, -EPROTO,
							    "registry '%s' took a chunk of blob "
							    "'%s' without a Location",
							    r->host, digest) :
						  request_error(r, what, CURLE_OK, &resp, err);
		if (rc < 0) {
			response_release(&resp);
			return rc;
		}
		free(location);
		location = steal_ptr(&resp.location);
	}
	{
		const struct oci_curl *c = r->api;
		char *e = c->easy_escape(r->curl, digest, 0);
		_cleanup_free_ char *loc = absolute(r, location);
		put = xasprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?", e ? e : "");
		c->free(e);
	}
	/* monolithic: the whole blob with the PUT; chunked: the PUT only closes the upload */
	q = (struct request){ .method = "PUT",
			      .url = put,
			      .body = chunk ? NULL : data,
			      .body_len = chunk ? 0 : len,
			      .max = 64 * 1024 };
	rc = send_request(r, &q, what, &resp, err);
	if (rc == 0 && resp.status != 201)
		rc = request_error(r, what, CURLE_OK, &resp, err);
	if (rc == 0 && resp.digest && strcmp(resp.digest, digest))
		rc = error_set(err, -EPROTO, "registry '%s' stored blob '%s' as '%.80s'", r->host,
			       digest, resp.digest);
	response_release(&resp);
	if (rc == 0)
		*uploaded = true;
	return rc;
}

int oci_registry_put_manifest(struct oci_registry *r, const char *reference, const char *media_type,
			      const void *data, size_t len, const char *digest,
			      struct scprof_error **err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/manifests/%s", r->base, r->repo, reference);
	_cleanup_free_ char *what = xasprintf("manifest '%s'", reference);
	struct request q = { .method = "PUT",
			     .url = url,
			     .content_type = media_type,
			     .body = data,
			     .body_len = len,
			     .max = 64 * 1024 };
	struct response resp = { 0 };
	int rc = send_request(r, &q, what, &resp, err);

	if (rc == 0 && resp.status != 201 && resp.status != 200)
		rc = request_error(r, what, CURLE_OK, &resp, err);
	if (rc == 0 && resp.digest && strcmp(resp.digest, digest))
		rc = error_set(err, -EPROTO,
			       "registry '%s' stored the manifest as '%.80s', not '%s' as sent",
			       r->host, resp.digest, digest);
	response_release(&resp);
	return rc;
}
