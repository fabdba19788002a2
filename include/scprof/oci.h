/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Seccomp profiles as OCI artifacts: push to and pull from registries and image layouts. */
#ifndef SCPROF_OCI_H
#define SCPROF_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest manifest or blob pulled or pushed unless the caller says otherwise. */
#define SCPROF_OCI_MAX_SIZE (1024 * 1024)

/* How long scprof_oci_fetch_base()'s defaults trust a cached tag, as the Security Profiles Operator. */
#define SCPROF_OCI_BASE_TAG_TTL (24 * 3600)

/* How to reach a registry; zero-initialise with scprof_oci_opts_init(). */
struct scprof_oci_opts {
	const char *ca_file; /* PEM roots instead of the system's; or NULL */
	bool plain_http; /* http:// instead of https:// */
	const char *username; /* with password; NULL: the credential files, else anonymous */
	const char *password;
	size_t max_size; /* bytes of one manifest or blob */
	unsigned retries; /* after a 429, a 5xx or a dropped connection */
	unsigned timeout_s; /* of one HTTP request */
	const char *sign_key; /* push: PEM ECDSA P-256 private key (its text) to sign with; or NULL */
	const char *const *verify_keys; /* pull: PEM public keys (their text); a signature must */
	size_t n_verify_keys; /* verify with one of them (0: no check) */
	size_t chunk_size; /* push: upload blobs larger than this in chunks of it (0: whole) */
	bool no_cache; /* pull: neither read nor write the cache */
	unsigned tag_ttl_s; /* pull: trust a cached tag -> digest lookup this long (0: never) */
};

SCPROF_PUBLIC void scprof_oci_opts_init(struct scprof_oci_opts *o);

enum scprof_oci_format {
	SCPROF_OCI_KEP, /* KEP-6061: one OCI JSON layer, config and artifactType the seccomp type */
	SCPROF_OCI_SPO, /* the Security Profiles Operator's: SeccompProfile YAML per platform */
};

/* One profile to push: its bytes (OCI JSON for KEP, SeccompProfile YAML for SPO); borrowed. */
struct scprof_oci_layer {
	const char *data;
	size_t len;
	const char *platform; /* "os/arch[/variant]" or NULL (SPO only) */
};

struct scprof_oci_annotation {
	const char *key, *value;
};

/*
 * Push @layers as one artifact of @format to @ref (HOST[:PORT]/NAME[:TAG] or
 * oci:DIR[:TAG]): blobs first (those the target has are not uploaded again),
 * then the manifest under the tag.  KEP takes exactly one layer; SPO at most
 * one per platform (one without a platform is titled profile.yaml).  With
 * opts->sign_key (registries only) the manifest digest is then signed in
 * cosign's layout (oci/sign.c), replacing the signatures at its tag.  On success
 * *digest (caller frees) is the manifest's "sha256:...".  Returns 0 or a
 * negative errno with *err in one line.
 */
SCPROF_PUBLIC int scprof_oci_push(const char *ref, enum scprof_oci_format format,
				  const struct scprof_oci_layer *layers, size_t n_layers,
				  const struct scprof_oci_annotation *annotations,
				  size_t n_annotations, const struct scprof_oci_opts *opts,
				  char **digest, struct scprof_error **err);

/* What a pull found. */
struct scprof_oci_pulled {
	char *data; /* the profile's bytes, as pushed; NUL-terminated */
	size_t len;
	char digest[72]; /* the manifest's */
	bool kep; /* KEP-6061 form, else the Security Profiles Operator's */
	char *title; /* the layer's title, or NULL */
};

SCPROF_PUBLIC void scprof_oci_pulled_release(struct scprof_oci_pulled *p);

/*
 * Pull the profile for @platform ("os/arch[/variant]", NULL for this machine's)
 * from @ref.  A tag is resolved to a digest first, and the index (if any), the
 * manifest and the layer are then fetched by digest and checked against it
 * byte for byte, as is each size and media type.  The profile must parse (OCI
 * JSON for KEP, a SeccompProfile for SPO).  What was fetched goes into the
 * cache (unless opts->no_cache) only when all of that succeeded.  A registry
 * token that expires on the way is fetched anew once per request.  Returns 0,
 * or a negative errno with *err in one line and @out released.
 */
SCPROF_PUBLIC int scprof_oci_pull(const char *ref, const char *platform,
				  const struct scprof_oci_opts *opts, struct scprof_oci_pulled *out,
				  struct scprof_error **err);

/*
 * What @ref names now, without fetching it: the digest of its manifest or
 * index ("sha256:...", into @digest), as the registry (HEAD, else GET) or the
 * layout's index.json says, or the digest @ref holds.  No signature is
 * checked here; scprof_oci_pull_digest() does.  Returns 0, or a negative errno
 * with *err in one line.
 */
SCPROF_PUBLIC int scprof_oci_resolve(const char *ref, const struct scprof_oci_opts *opts,
				     char digest[72], struct scprof_error **err);

/*
 * scprof_oci_pull() of @digest in @ref's repository or layout, whatever tag
 * @ref names: a digest scprof_oci_resolve() gave.  Signatures, when
 * opts->verify_keys asks for them, must be about @digest.
 */
SCPROF_PUBLIC int scprof_oci_pull_digest(const char *ref, const char *digest, const char *platform,
					 const struct scprof_oci_opts *opts,
					 struct scprof_oci_pulled *out, struct scprof_error **err);

/*
 * A new ECDSA P-256 key pair for signatures, as PEM text: *private_pem
 * (PKCS#8, unencrypted) and *public_pem (SubjectPublicKeyInfo); caller frees
 * both (and should wipe the private one).
 */
SCPROF_PUBLIC int scprof_oci_keygen(char **private_pem, char **public_pem,
				    struct scprof_error **err);

/* Where the keys every pull trusts live, besides $XDG_CONFIG_HOME/scprof/keys. */
#define SCPROF_OCI_SYSTEM_KEYS "/etc/scprof/keys"

/*
 * The public keys in the *.pub files of $XDG_CONFIG_HOME/scprof/keys (default
 * ~/.config/scprof/keys) and SCPROF_OCI_SYSTEM_KEYS, in that order and name
 * order; unreadable files are skipped.  Free with scprof_oci_keys_free().
 */
SCPROF_PUBLIC void scprof_oci_default_keys(char ***keys, size_t *n);
SCPROF_PUBLIC void scprof_oci_keys_free(char **keys, size_t n);

struct scprof_profile;

/*
 * A scprof_base_fetch_fn (scprof/profile.h) for bases named oci://REF: pull REF
 * for this machine's platform with @data (a const struct scprof_oci_opts *, or
 * NULL for the defaults: HTTPS, the system's roots, the credential files, tags
 * cached for SCPROF_OCI_BASE_TAG_TTL seconds as the Security Profiles Operator
 * does, and a signature required when scprof_oci_default_keys() finds keys, for
 * registries) and parse it.  Returns 0, or a negative errno with *err in one line.
 */
SCPROF_PUBLIC int scprof_oci_fetch_base(const char *ref, struct scprof_profile **out,
					struct scprof_error **err, void *data);

#ifdef __cplusplus
}
#endif
#endif
