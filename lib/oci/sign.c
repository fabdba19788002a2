// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Signatures in cosign's key-based layout (sigstore/cosign, "cosign sign --key"
 * without a transparency log upload):
 *
 *   the payload, "simple signing" (containers-signature(5)):
 *     {"critical":{"identity":{"docker-reference":"HOST/NAME"},
 *                  "image":{"docker-manifest-digest":"sha256:..."},
 *                  "type":"cosign container image signature"},
 *      "optional":null}
 *   the signature: ECDSA P-256 over sha256(payload), ASN.1 DER, base64;
 *   stored as a manifest in the same repository under the tag
 *   "sha256-<hex of the signed manifest digest>.sig", whose layer of media type
 *   application/vnd.dev.cosign.simplesigning.v1+json is the payload, with the
 *   signature in its annotation "dev.cosignproject.cosign/signature".
 *
 * Keys are PEM: the private key PKCS#8 (unencrypted; cosign's own
 * "ENCRYPTED SIGSTORE PRIVATE KEY" format is not read), the public key
 * SubjectPublicKeyInfo as cosign.pub is.
 */
#include "format/node.h"
#include "oci/auth.h"
#include "oci/sign.h"
#include "util/util.h"

/* Never ask for a pass phrase on the terminal: encrypted keys fail instead. */
static int no_passphrase(char *buf UNUSED, int size UNUSED, int rwflag UNUSED, void *u UNUSED)
{
	return -1;
}

static char *bio_text(const struct oci_crypto *c, BIO *b)
{
	char *data = NULL;
	long n = c->bio_ctrl(b, BIO_CTRL_INFO, 0, &data);
	return n > 0 && data ? xstrndup(data, (size_t)n) : xstrdup("");
}

int oci_keygen(char **private_pem, char **public_pem, struct scprof_error **err)
{
	const struct oci_crypto *c;
	EVP_PKEY *k;
	BIO *a, *b;
	int r = oci_crypto_load(&c, err);

	if (r < 0)
		return r;
	k = c->pkey_keygen(NULL, NULL, "EC", "P-256");
	if (!k)
		return error_set(err, -EIO, "cannot generate an ECDSA P-256 key");
	a = c->bio_new(c->bio_s_mem());
	b = c->bio_new(c->bio_s_mem());
	if (!a || !b || c->pem_write_private(a, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    c->pem_write_public(b, k) != 1) {
		r = error_set(err, -EIO, "cannot write the key pair as PEM");
	} else {
		*private_pem = bio_text(c, a);
		*public_pem = bio_text(c, b);
	}
	if (a)
		c->bio_free(a);
	if (b)
		c->bio_free(b);
	c->pkey_free(k);
	return r;
}

/* Load a PEM key of @len bytes: private or public; checks it is ECDSA P-256. */
static int load_key(const struct oci_crypto *c, const char *pem, size_t len, bool private,
		    EVP_PKEY **out, struct scprof_error **err)
{
	BIO *b = c->bio_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = NULL;

	*out = NULL;
	if (!b || len > INT32_MAX)
		return error_set(err, -ENOMEM, "cannot read the key");
	k = private ? c->pem_read_private(b, NULL, no_passphrase, NULL) :
		      c->pem_read_public(b, NULL, no_passphrase, NULL);
	c->bio_free(b);
	if (!k)
		return error_set(err, -EINVAL,
				 private ? "not an unencrypted PEM private key (PKCS#8 or EC)" :
					   "not a PEM public key");
	if (!c->pkey_is_a(k, "EC") || c->pkey_bits(k) != 256) {
		c->pkey_free(k);
		return error_set(err, -EINVAL, "not an ECDSA P-256 key");
	}
	*out = k;
	return 0;
}

int oci_sign(const char *key, size_t key_len, const void *data, size_t len, char **signature,
	     struct scprof_error **err)
{
	const struct oci_crypto *c;
	EVP_PKEY *k;
	EVP_MD_CTX *md = NULL;
	unsigned char *sig = NULL;
	size_t n = 0;
	int r = oci_crypto_load(&c, err);

	if (r < 0)
		return r;
	r = load_key(c, key, key_len, true, &k, err);
	if (r < 0)
		return r;
	md = c->md_new();
	if (!md || c->sign_init(md, NULL, c->sha256(), NULL, k) != 1 ||
	    c->sign(md, NULL, &n, data, len) != 1) {
		r = error_set(err, -EIO, "cannot sign with the key");
		goto out;
	}
	sig = xmalloc(n);
	if (c->sign(md, sig, &n, data, len) != 1) {
		r = error_set(err, -EIO, "cannot sign with the key");
		goto out;
	}
	*signature = oci_base64_encode(sig, n);
out:
	free(sig);
	if (md)
		c->md_free(md);
	c->pkey_free(k);
	return r;
}

int oci_verify(const char *key, size_t key_len, const void *data, size_t len, const char *signature,
	       struct scprof_error **err)
{
	const struct oci_crypto *c;
	EVP_PKEY *k;
	EVP_MD_CTX *md;
	_cleanup_free_ char *sig = NULL;
	size_t n;
	int r = oci_crypto_load(&c, err);

	if (r < 0)
		return r;
	r = load_key(c, key, key_len, false, &k, err);
	if (r < 0)
		return r;
	sig = oci_base64_decode(signature, &n);
	md = c->md_new();
	if (!sig || !md || c->verify_init(md, NULL, c->sha256(), NULL, k) != 1 ||
	    c->verify(md, (const unsigned char *)sig, n, data, len) != 1)
		r = -EBADMSG;
	if (md)
		c->md_free(md);
	c->pkey_free(k);
	return r;
}

char *oci_simple_signing_payload(const char *identity, const char *digest)
{
	_cleanup_node_ struct node *doc = node_new(NODE_OBJECT);
	struct node *critical = node_new(NODE_OBJECT), *id = node_new(NODE_OBJECT),
		    *image = node_new(NODE_OBJECT);
	struct strbuf sb = STRBUF_INIT;

	node_object_add(id, "docker-reference", node_new_string(identity));
	node_object_add(image, "docker-manifest-digest", node_new_string(digest));
	node_object_add(critical, "identity", id);
	node_object_add(critical, "image", image);
	node_object_add(critical, "type", node_new_string("cosign container image signature"));
	node_object_add(doc, "critical", critical);
	node_object_add(doc, "optional", node_new(NODE_NULL));
	json_write(doc, false, &sb);
	if (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	return strbuf_detach(&sb);
}

char *oci_simple_signing_digest(const char *payload, size_t len)
{
	_cleanup_node_ struct node *doc = NULL;
	const struct node *critical, *type, *image, *digest;

	if (json_parse(payload, len, &doc, NULL) < 0)
		return NULL;
	critical = node_get(doc, "critical");
	type = node_get(critical, "type");
	image = node_get(critical, "image");
	digest = node_get(image, "docker-manifest-digest");
	if (!type || type->kind != NODE_STRING ||
	    strcmp(type->text, "cosign container image signature") || !digest ||
	    digest->kind != NODE_STRING)
		return NULL;
	return xstrdup(digest->text);
}
