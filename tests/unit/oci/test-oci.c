// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/oci: references, manifests and their selection, challenges, credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "oci/auth.h"
#include "oci/cache.h"
#include "oci/manifest.h"
#include "oci/ref.h"
#include "oci/sign.h"
#include "scprof/profile.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* sha256 of the two bytes "{}" (the empty descriptor of the image-spec) */
#define EMPTY_DIGEST "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

static void ref_ok(const char *s, enum oci_ref_kind kind, const char *host, const char *repo,
		   const char *dir, const char *tag, const char *digest)
{
	struct oci_ref ref;
	struct scprof_error *e = NULL;
	if (oci_ref_parse(s, &ref, &e) < 0)
		fail_msg("oci_ref_parse(%s): %s", s, e->msg);
	assert_int_equal(ref.kind, kind);
	if (host)
		assert_string_equal(ref.host, host);
	if (repo)
		assert_string_equal(ref.repo, repo);
	if (dir)
		assert_string_equal(ref.dir, dir);
	if (tag)
		assert_string_equal(ref.tag, tag);
	else
		assert_null(ref.tag);
	assert_string_equal(ref.digest, digest ? digest : "");
	oci_ref_release(&ref);
}

static void ref_bad(const char *s, const char *msg)
{
	struct oci_ref ref;
	_cleanup_error_ struct scprof_error *e = NULL;
	assert_int_equal(oci_ref_parse(s, &ref, &e), -EINVAL);
	assert_non_null(e);
	if (!strstr(e->msg, msg))
		fail_msg("oci_ref_parse(%s): '%s' lacks '%s'", s, e->msg, msg);
}

static void test_ref(void **state UNUSED)
{
	ref_ok("127.0.0.1:5000/profiles/app:v1", OCI_REF_REGISTRY, "127.0.0.1:5000", "profiles/app",
	       NULL, "v1", NULL);
	ref_ok("registry.example.com/a/b/c", OCI_REF_REGISTRY, "registry.example.com", "a/b/c",
	       NULL, "latest", NULL);
	ref_ok("localhost/app", OCI_REF_REGISTRY, "localhost", "app", NULL, "latest", NULL);
	ref_ok("[::1]:5000/app-x_y.z__w", OCI_REF_REGISTRY, "[::1]:5000", "app-x_y.z__w", NULL,
	       "latest", NULL);
	ref_ok("ghcr.io/org/app@sha256:" HEX64, OCI_REF_REGISTRY, "ghcr.io", "org/app", NULL, NULL,
	       "sha256:" HEX64);
	ref_ok("ghcr.io/org/app:v2@sha256:" HEX64, OCI_REF_REGISTRY, "ghcr.io", "org/app", NULL,
	       "v2", "sha256:" HEX64);
	ref_ok("oci:/tmp/layout", OCI_REF_LAYOUT, NULL, NULL, "/tmp/layout", NULL, NULL);
	ref_ok("oci:/tmp/layout:v1.0", OCI_REF_LAYOUT, NULL, NULL, "/tmp/layout", "v1.0", NULL);
	ref_ok("oci:./a:b/c", OCI_REF_LAYOUT, NULL, NULL, "./a:b/c", NULL, NULL);

	ref_bad("app:v1", "expected HOST[:PORT]/NAME");
	ref_bad("profiles/app", "'profiles' is not a registry host");
	ref_bad("example.com/App", "invalid repository name 'App'");
	ref_bad("example.com/a//b", "invalid repository name");
	ref_bad("example.com/a-", "invalid repository name");
	ref_bad("example.com/a___b", "invalid repository name");
	ref_bad("example.com/", "invalid repository name");
	ref_bad("example.com/a:-x", "invalid tag '-x'");
	ref_bad("example.com/a@sha256:abc", "invalid digest");
	ref_bad("example.com/a@md5:" HEX64, "invalid digest");
	ref_bad("example.com:0/a", "is not a registry host");
	ref_bad("example.com:99999/a", "is not a registry host");
	ref_bad("exa_mple.com/a", "is not a registry host");
	ref_bad("oci:", "names no directory");
	ref_bad("oci:dir:bad tag", "invalid tag");

	assert_true(oci_tag_valid("_x"));
	assert_false(oci_tag_valid(".x"));
	assert_false(oci_digest_valid("sha256:" HEX64 "0"));
	assert_false(oci_digest_valid(
		"sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void test_platform(void **state UNUSED)
{
	struct oci_platform a, b, host;
	_cleanup_error_ struct scprof_error *e = NULL;
	_cleanup_free_ char *t = NULL, *f = NULL;

	assert_int_equal(oci_platform_parse("linux/arm64/v8", &a, NULL), 0);
	assert_int_equal(oci_platform_parse("linux/arm64", &b, NULL), 0);
	assert_true(oci_platform_match(&a, &b));
	t = oci_platform_title(&a);
	assert_string_equal(t, "profile-linux-arm64-v8.yaml");
	f = oci_platform_format(&b);
	assert_string_equal(f, "linux/arm64");
	oci_platform_release(&a);
	oci_platform_release(&b);

	assert_int_equal(oci_platform_parse("linux/arm", &a, NULL), 0);
	assert_int_equal(oci_platform_parse("linux/arm/v7", &b, NULL), 0);
	assert_true(oci_platform_match(&a, &b));
	oci_platform_release(&b);
	assert_int_equal(oci_platform_parse("linux/arm/v6", &b, NULL), 0);
	assert_false(oci_platform_match(&a, &b));
	oci_platform_release(&a);
	oci_platform_release(&b);

	assert_int_equal(oci_platform_parse("linux", &a, &e), -EINVAL);
	assert_non_null(strstr(e->msg, "OS/ARCH"));
	assert_int_equal(oci_platform_parse("linux/", &a, NULL), -EINVAL);
	assert_int_equal(oci_platform_parse("Linux/amd64", &a, NULL), -EINVAL);
	assert_int_equal(oci_platform_parse("linux/amd64/v1/x", &a, NULL), -EINVAL);

	oci_platform_host(&host);
	assert_string_equal(host.os, "linux");
	assert_non_null(host.arch);
	oci_platform_release(&host);
}

static void manifest_ok(const char *s, const char *served, struct oci_manifest *m)
{
	struct scprof_error *e = NULL;
	if (oci_manifest_parse(s, strlen(s), served, m, &e) < 0)
		fail_msg("oci_manifest_parse(%s): %s", s, e->msg);
}

static void manifest_bad(const char *s, const char *served, const char *msg)
{
	struct oci_manifest m;
	_cleanup_error_ struct scprof_error *e = NULL;
	assert_true(oci_manifest_parse(s, strlen(s), served, &m, &e) < 0);
	if (!strstr(e->msg, msg))
		fail_msg("oci_manifest_parse(%s): '%s' lacks '%s'", s, e->msg, msg);
}

static void test_manifest_build(void **state UNUSED)
{
	struct oci_platform amd64;
	struct oci_layer_in layers[2] = {
		{ OCI_MT_LAYER_TAR, "profile-linux-amd64.yaml", &amd64, "a: 1\n", 5 },
		{ OCI_MT_LAYER_TAR, "profile.yaml", NULL, "b: 2\n", 5 },
	};
	struct scprof_oci_annotation ann[] = { { "org.example", "x" } };
	struct strbuf sb = STRBUF_INIT;
	struct oci_manifest m;
	struct oci_platform want;
	const struct oci_descriptor *d;
	bool kep;

	assert_int_equal(oci_platform_parse("linux/amd64", &amd64, NULL), 0);
	assert_int_equal(oci_manifest_build(OCI_MT_UNKNOWN_CONFIG, OCI_MT_EMPTY, "{}", 2, layers, 2,
					    ann, 1, &sb, NULL),
			 0);
	assert_non_null(strstr(sb.buf, "\"config\":{\"mediaType\":\"" OCI_MT_EMPTY
				       "\",\"digest\":\"" EMPTY_DIGEST "\",\"size\":2}"));
	assert_true(sb.buf[sb.len - 1] == '}');
	manifest_ok(sb.buf, OCI_MT_MANIFEST, &m);
	assert_false(m.is_index);
	assert_string_equal(m.artifact_type, OCI_MT_UNKNOWN_CONFIG);
	assert_string_equal(m.config.digest, EMPTY_DIGEST);
	assert_int_equal(m.n, 2);
	assert_true(m.items[0].has_platform);
	assert_string_equal(m.items[0].platform.arch, "amd64");
	assert_string_equal(m.items[1].title, "profile.yaml");
	assert_int_equal(m.items[1].size, 5);

	/* amd64 has its layer; riscv64 falls back to profile.yaml */
	d = oci_manifest_select(&m, &amd64, &kep, NULL);
	assert_ptr_equal(d, &m.items[0]);
	assert_false(kep);
	assert_int_equal(oci_platform_parse("linux/riscv64", &want, NULL), 0);
	d = oci_manifest_select(&m, &want, &kep, NULL);
	assert_ptr_equal(d, &m.items[1]);
	oci_manifest_release(&m);
	strbuf_release(&sb);

	/* KEP: the one layer whatever the platform */
	layers[0] = (struct oci_layer_in){ OCI_MT_JSON, "profile.json", NULL, "{}", 2 };
	assert_int_equal(oci_manifest_build(OCI_MT_SECCOMP, OCI_MT_SECCOMP, "{}", 2, layers, 1,
					    NULL, 0, &sb, NULL),
			 0);
	assert_null(strstr(sb.buf, "annotations\":{\"org.example"));
	manifest_ok(sb.buf, NULL, &m);
	d = oci_manifest_select(&m, &want, &kep, NULL);
	assert_ptr_equal(d, &m.items[0]);
	assert_true(kep);
	oci_manifest_release(&m);
	strbuf_release(&sb);
	oci_platform_release(&want);
	oci_platform_release(&amd64);
}

#define DESC(mt, extra) \
	"{\"mediaType\":\"" mt "\",\"digest\":\"sha256:" HEX64 "\",\"size\":3" extra "}"
#define MANIFEST(config, layers)                                                        \
	"{\"schemaVersion\":2,\"mediaType\":\"" OCI_MT_MANIFEST "\",\"config\":" config \
	",\"layers\":[" layers "]}"

static void test_manifest_parse(void **state UNUSED)
{
	struct oci_manifest m;
	struct oci_platform want;
	_cleanup_error_ struct scprof_error *e = NULL;
	bool kep;

	manifest_bad("", NULL, "not valid JSON");
	manifest_bad("[]", NULL, "not a JSON object");
	manifest_bad("{\"schemaVersion\":1}", NULL, "schemaVersion is not 2");
	manifest_bad("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", NULL,
		     "unsupported media type 'text/plain'");
	manifest_bad(MANIFEST(DESC(OCI_MT_EMPTY, ""), ""), OCI_MT_INDEX,
		     "served as '" OCI_MT_INDEX "'");
	manifest_bad("{\"schemaVersion\":2,\"config\":" DESC(OCI_MT_EMPTY, "") "}", NULL,
		     "manifest has no layers list");
	manifest_bad(MANIFEST("{\"mediaType\":\"x\",\"digest\":\"sha512:00\",\"size\":1}", ""),
		     NULL, "unsupported digest 'sha512:00'");
	manifest_bad(
		MANIFEST(DESC(OCI_MT_EMPTY, ""),
			 DESC(OCI_MT_LAYER_TAR,
			      ",\"annotations\":{\"org.opencontainers.image.title\":\"a/b\"}")),
		NULL, "layer 1: unsafe title 'a/b'");
	manifest_bad(MANIFEST(DESC(OCI_MT_EMPTY, ""),
			      DESC(OCI_MT_LAYER_TAR,
				   ",\"annotations\":{\"org.opencontainers.image.title\":\"..\"}")),
		     NULL, "unsafe title '..'");
	manifest_bad(MANIFEST(DESC(OCI_MT_EMPTY, ""),
			      "{\"mediaType\":\"x\",\"digest\":\"sha256:" HEX64 "\",\"size\":-1}"),
		     NULL, "layer 1 has no valid size");
	manifest_bad(MANIFEST(DESC(OCI_MT_EMPTY, ""),
			      DESC(OCI_MT_LAYER_TAR, ",\"platform\":{\"os\":\"linux\"}")),
		     NULL, "platform has no architecture");

	/* a Content-Type with parameters is the same type */
	manifest_ok(MANIFEST(DESC(OCI_MT_EMPTY, ""), DESC(OCI_MT_LAYER_TAR, "")),
		    OCI_MT_MANIFEST "; charset=utf-8", &m);
	oci_manifest_release(&m);

	/* an only layer titled for another platform is not taken */
	manifest_ok(
		MANIFEST(
			DESC(OCI_MT_EMPTY, ""),
			DESC(OCI_MT_LAYER_TAR,
			     ",\"annotations\":{\"org.opencontainers.image.title\":\"profile-linux-arm64.yaml\"}")),
		NULL, &m);
	assert_int_equal(oci_platform_parse("linux/amd64", &want, NULL), 0);
	assert_null(oci_manifest_select(&m, &want, &kep, &e));
	assert_non_null(strstr(
		e->msg, "no profile for platform linux/amd64 (it has: profile-linux-arm64.yaml)"));
	oci_manifest_release(&m);
	scprof_error_free(e);
	e = NULL;

	/* a KEP artifact with two layers is refused */
	manifest_ok(MANIFEST(DESC(OCI_MT_SECCOMP, ""),
			     DESC(OCI_MT_JSON, "") "," DESC(OCI_MT_JSON, "")),
		    NULL, &m);
	assert_null(oci_manifest_select(&m, &want, &kep, &e));
	assert_non_null(strstr(e->msg, "exactly one layer"));
	oci_manifest_release(&m);
	scprof_error_free(e);
	e = NULL;

	/* indexes */
	manifest_ok(
		"{\"schemaVersion\":2,\"manifests\":[" DESC(OCI_MT_MANIFEST, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}") "," DESC(
			OCI_MT_MANIFEST,
			",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}") "]}",
		NULL, &m);
	assert_true(m.is_index);
	assert_ptr_equal(oci_index_select(&m, &want, NULL), &m.items[1]);
	oci_platform_release(&want);
	assert_int_equal(oci_platform_parse("linux/s390x", &want, NULL), 0);
	assert_null(oci_index_select(&m, &want, &e));
	assert_string_equal(e->msg, "the index has no manifest for platform linux/s390x (it has: "
				    "linux/arm64/v8, linux/amd64)");
	oci_manifest_release(&m);
	oci_platform_release(&want);
}

static void test_manifest_limits(void **state UNUSED)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "{\"schemaVersion\":2,\"config\":" DESC(OCI_MT_EMPTY, "") ",\"layers\":[");
	for (int i = 0; i <= OCI_MAX_ITEMS; i++)
		strbuf_addf(&sb, "%s" DESC(OCI_MT_LAYER_TAR, ""), i ? "," : "");
	strbuf_adds(&sb, "]}");
	manifest_bad(sb.buf, NULL, "more than 64");
	strbuf_release(&sb);
}

static void challenge_ok(const char *s, enum oci_auth_scheme scheme, const char *realm,
			 const char *service, const char *scope)
{
	struct oci_challenge c;
	if (oci_challenge_parse(s, strlen(s), &c) < 0)
		fail_msg("oci_challenge_parse(%s) failed", s);
	assert_int_equal(c.scheme, scheme);
#define SAME(a, b)                                 \
	do {                                       \
		if (b)                             \
			assert_string_equal(a, b); \
		else                               \
			assert_null(a);            \
	} while (0)
	SAME(c.realm, realm);
	SAME(c.service, service);
	SAME(c.scope, scope);
#undef SAME
	oci_challenge_release(&c);
}

static void test_challenge(void **state UNUSED)
{
	struct oci_challenge c;

	challenge_ok("Basic realm=\"Registry Realm\"", OCI_AUTH_BASIC, "Registry Realm", NULL,
		     NULL);
	challenge_ok("basic realm=plain", OCI_AUTH_BASIC, "plain", NULL, NULL);
	challenge_ok(
		"Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
		"scope=\"repository:a/b:pull,push\"",
		OCI_AUTH_BEARER, "https://auth.example.com/token", "registry.example.com",
		"repository:a/b:pull,push");
	challenge_ok("BEARER  realm = \"r\" , , scope=\"s\\\"q\\\\\"", OCI_AUTH_BEARER, "r", NULL,
		     "s\"q\\");
	/* another scheme first, with a token68 and parameters, is skipped */
	challenge_ok("Negotiate abc==, Digest realm=\"d\", nonce=\"n\", Bearer realm=\"https://t\"",
		     OCI_AUTH_BEARER, "https://t", NULL, NULL);
	challenge_ok("Bearer", OCI_AUTH_BEARER, NULL, NULL, NULL);

	/* docker-registry 2.8's answer to an expired token */
	static const char expired[] =
		"Bearer realm=\"http://127.0.0.1:5000/token\",service=\"scprof-test\","
		"scope=\"repository:a/b:pull\",error=\"invalid_token\"";
	assert_int_equal(oci_challenge_parse(expired, strlen(expired), &c), 0);
	assert_string_equal(c.error, "invalid_token");
	assert_string_equal(c.scope, "repository:a/b:pull");
	oci_challenge_release(&c);
	assert_int_equal(oci_challenge_parse("Bearer realm=r", 14, &c), 0);
	assert_null(c.error);
	oci_challenge_release(&c);

	assert_int_equal(oci_challenge_parse("", 0, &c), -EINVAL);
	assert_int_equal(oci_challenge_parse("Negotiate abc", 13, &c), -EINVAL);
	assert_int_equal(oci_challenge_parse("Bearer realm=\"open", 18, &c), -EINVAL);
	/* the length bounds the value: no NUL needed */
	assert_int_equal(oci_challenge_parse("Basic realm=\"x\"GARBAGE", 6, &c), 0);
	assert_int_equal(c.scheme, OCI_AUTH_BASIC);
	oci_challenge_release(&c);
}

static void test_base64_token(void **state UNUSED)
{
	static const char *const plain[] = { "", "a", "ab", "abc", "alice:s3cret", "\xff\x00\x01" };
	static const size_t lens[] = { 0, 1, 2, 3, 12, 3 };
	_cleanup_free_ char *tok = NULL;
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		_cleanup_free_ char *enc = oci_base64_encode(plain[i], lens[i]);
		_cleanup_free_ char *dec = oci_base64_decode(enc, &n);
		assert_non_null(dec);
		assert_int_equal(n, lens[i]);
		assert_memory_equal(dec, plain[i], n);
	}
	{
		_cleanup_free_ char *enc = oci_base64_encode("alice:s3cret", 12);
		assert_string_equal(enc, "YWxpY2U6czNjcmV0");
	}
	assert_null(oci_base64_decode("a$b=", &n));
	assert_null(oci_base64_decode("YQ==YQ", &n));

	assert_int_equal(oci_token_parse("{\"token\":\"T1\"}", 14, &tok), 0);
	assert_string_equal(tok, "T1");
	free(tok);
	assert_int_equal(oci_token_parse("{\"token\":\"\",\"access_token\":\"T2\"}", 32, &tok), 0);
	assert_string_equal(tok, "T2");
	free(tok);
	tok = NULL;
	assert_int_equal(oci_token_parse("{\"expires_in\":60}", 17, &tok), -EINVAL);
	assert_int_equal(oci_token_parse("not json", 8, &tok), -EINVAL);
}

static void test_credentials(void **state UNUSED)
{
	char dir[] = "/tmp/scprof-oci-XXXXXX";
	struct oci_credentials c;
	_cleanup_error_ struct scprof_error *e = NULL;
	_cleanup_free_ char *path = NULL;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* "alice:pw:with:colons" and a key with a scheme and a path */
	fputs("{\"auths\": {\"https://reg.example.com:5000/v1/\": {\"auth\": "
	      "\"YWxpY2U6cHc6d2l0aDpjb2xvbnM=\"},\n \"other.example.com\": {\"auth\": \"!!\"}}}",
	      f);
	fclose(f);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("XDG_RUNTIME_DIR");
	setenv("DOCKER_CONFIG", dir, 1);

	assert_int_equal(oci_credentials_find("reg.example.com:5000", &c, NULL), 1);
	assert_string_equal(c.username, "alice");
	assert_string_equal(c.password, "pw:with:colons");
	oci_credentials_release(&c);
	assert_int_equal(oci_credentials_find("reg.example.com", &c, NULL), 0);
	assert_int_equal(oci_credentials_find("other.example.com", &c, &e), -EINVAL);
	assert_null(strstr(e->msg, "!!"));

	unlink(path);
	rmdir(dir);
	assert_int_equal(oci_credentials_find("reg.example.com:5000", &c, NULL), 0);
	unsetenv("DOCKER_CONFIG");
}

static void test_sign(void **state UNUSED)
{
	_cleanup_free_ char *priv = NULL, *pub = NULL, *priv2 = NULL, *pub2 = NULL, *sig = NULL;
	_cleanup_free_ char *payload = NULL, *about = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;

	assert_int_equal(oci_keygen(&priv, &pub, NULL), 0);
	assert_int_equal(oci_keygen(&priv2, &pub2, NULL), 0);
	assert_non_null(strstr(priv, "BEGIN PRIVATE KEY"));
	assert_non_null(strstr(pub, "BEGIN PUBLIC KEY"));

	payload = oci_simple_signing_payload("reg.example/a", "sha256:" HEX64);
	assert_string_equal(payload,
			    "{\"critical\":{\"identity\":{\"docker-reference\":\"reg.example/a\"},"
			    "\"image\":{\"docker-manifest-digest\":\"sha256:" HEX64 "\"},"
			    "\"type\":\"cosign container image signature\"},\"optional\":null}");
	about = oci_simple_signing_digest(payload, strlen(payload));
	assert_string_equal(about, "sha256:" HEX64);
	assert_null(oci_simple_signing_digest("{\"critical\":{}}", 14));

	assert_int_equal(oci_sign(priv, strlen(priv), payload, strlen(payload), &sig, NULL), 0);
	assert_int_equal(oci_verify(pub, strlen(pub), payload, strlen(payload), sig, NULL), 0);
	assert_int_equal(oci_verify(pub2, strlen(pub2), payload, strlen(payload), sig, NULL),
			 -EBADMSG);
	assert_int_equal(oci_verify(pub, strlen(pub), payload, strlen(payload) - 1, sig, NULL),
			 -EBADMSG);
	assert_int_equal(oci_verify(pub, strlen(pub), payload, strlen(payload), "!!", NULL),
			 -EBADMSG);
	assert_int_equal(oci_verify(priv, strlen(priv), payload, 1, sig, &e), -EINVAL);
	assert_string_equal(e->msg, "not a PEM public key");
	explicit_bzero(priv, strlen(priv));
	explicit_bzero(priv2, strlen(priv2));
}

static int rm_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
		    struct FTW *ftw UNUSED)
{
	return remove(path);
}

/* Set the mtime of @path @age seconds back. */
static void age(const char *path, time_t age)
{
	struct timespec ts[2] = { { time(NULL) - age, 0 }, { time(NULL) - age, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_cache(void **state UNUSED)
{
	char dir[] = "/tmp/scprof-cache-XXXXXX";
	char digest[OCI_DIGEST_LEN + 1], got[OCI_DIGEST_LEN + 1];
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *mt = NULL, *path = NULL;
	size_t n = 0;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(oci_digest("{}", 2, digest, NULL), 0);
	assert_string_equal(digest, EMPTY_DIGEST);
	assert_int_equal(oci_cache_get_blob(dir, digest, 100, &sb), -ENOENT);
	oci_cache_put_blob(dir, digest, "{}", 2);
	assert_int_equal(oci_cache_get_blob(dir, digest, 100, &sb), 0);
	assert_int_equal(sb.len, 2);
	assert_int_equal(oci_cache_get_blob(dir, digest, 1, &sb), -ENOENT); /* over the limit */
	/* content that does not match its name is a miss, and goes */
	oci_cache_put_blob(dir, "sha256:" HEX64, "{}", 2);
	assert_int_equal(oci_cache_get_blob(dir, "sha256:" HEX64, 100, &sb), -ENOENT);
	path = xasprintf("%s/blobs/sha256/" HEX64, dir);
	assert_int_equal(access(path, F_OK), -1);
	strbuf_release(&sb);

	assert_int_equal(oci_cache_get_tag(dir, "r.example/a:v1", 60, got, &mt), -ENOENT);
	oci_cache_put_tag(dir, "r.example/a:v1", digest, OCI_MT_MANIFEST);
	assert_int_equal(oci_cache_get_tag(dir, "r.example/a:v1", 60, got, &mt), 0);
	assert_string_equal(got, digest);
	assert_string_equal(mt, OCI_MT_MANIFEST);
	free(mt);
	mt = NULL;
	assert_int_equal(oci_cache_get_tag(dir, "r.example/a:v2", 60, got, &mt), -ENOENT);
	assert_int_equal(oci_cache_get_tag(NULL, "r.example/a:v1", 60, got, &mt), -ENOENT);

	/* trim: the oldest blobs beyond the limit, tags past their time */
	for (int i = 0; i < 5; i++) {
		char data[2] = { (char)('a' + i), 0 };
		char d[OCI_DIGEST_LEN + 1];
		_cleanup_free_ char *p = NULL;
		assert_int_equal(oci_digest(data, 1, d, NULL), 0);
		oci_cache_put_blob(dir, d, data, 1);
		p = xasprintf("%s/blobs/sha256/%s", dir, d + 7);
		age(p, 100 - i); /* 'a' is the oldest */
	}
	{
		_cleanup_free_ char *tag = NULL;
		char d[OCI_DIGEST_LEN + 1];
		assert_int_equal(oci_digest("r.example/a:v1", 14, d, NULL), 0);
		tag = xasprintf("%s/tags/%s", dir, d + 7);
		age(tag, 120);
		assert_int_equal(oci_cache_get_tag(dir, "r.example/a:v1", 60, got, &mt), -ENOENT);
		oci_cache_trim(dir, 3, 60);
		assert_int_equal(access(tag, F_OK), -1);
	}
	{
		_cleanup_free_ char *blobs = xasprintf("%s/blobs/sha256", dir);
		DIR *d = opendir(blobs);
		struct dirent *de;
		char a[OCI_DIGEST_LEN + 1];
		assert_non_null(d);
		assert_int_equal(oci_digest("a", 1, a, NULL), 0);
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			n++;
			assert_string_not_equal(de->d_name, a + 7);
		}
		closedir(d);
	}
	assert_int_equal(n, 3);
	assert_int_equal(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* A scprof_base_fetch_fn with one artifact, which names itself when @data says so. */
static int fake_fetch(const char *ref, struct scprof_profile **out, struct scprof_error **err,
		      void *data)
{
	const char *text =
		data ? "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": "
		       "\"oci://reg.example/base:1\", \"syscalls\": []}" :
		       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		       "[\"close\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	if (strcmp(ref, "reg.example/base:1"))
		return error_set(err, -ENOENT, "tag '%s' not found", ref);
	return scprof_profile_parse(text, strlen(text), ref, out, NULL, err);
}

static void test_flatten_fetch(void **state UNUSED)
{
	static const char app[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": "
		"\"oci://reg.example/base:1\", \"syscalls\": [{\"names\": [\"read\"], "
		"\"action\": \"SCMP_ACT_ALLOW\"}]}";
	static const char missing[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"baseProfileName\": "
		"\"oci://reg.example/other\"}";
	struct scprof_flatten_opts o;
	struct scprof_profile *p = NULL;
	struct scprof_error *e = NULL;

	scprof_flatten_opts_init(&o);
	o.fetch = fake_fetch;
	assert_int_equal(scprof_profile_parse(app, strlen(app), "app.json", &p, NULL, NULL), 0);
	assert_int_equal(scprof_profile_flatten(p, NULL, &o, NULL), 0);
	assert_null(p->base_profile_name);
	assert_int_equal(p->n_rules, 1);
	assert_int_equal(p->rules[0].n_names, 2);
	scprof_profile_free(p);

	assert_int_equal(scprof_profile_parse(missing, strlen(missing), "m.json", &p, NULL, NULL),
			 0);
	assert_int_equal(scprof_profile_flatten(p, NULL, &o, &e), -ENOENT);
	assert_string_equal(e->msg, "cannot pull base profile 'oci://reg.example/other': tag "
				    "'reg.example/other' not found");
	scprof_error_free(e);
	e = NULL;
	scprof_profile_free(p);

	o.fetch_data = "loop";
	assert_int_equal(scprof_profile_parse(app, strlen(app), "app.json", &p, NULL, NULL), 0);
	assert_int_equal(scprof_profile_flatten(p, NULL, &o, &e), -ELOOP);
	assert_non_null(strstr(e->msg, "cycle: <memory> -> oci://reg.example/base:1 -> "
				       "oci://reg.example/base:1"));
	scprof_error_free(e);
	scprof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_platform),
		cmocka_unit_test(test_manifest_build),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_manifest_limits),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_base64_token),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_flatten_fetch),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
