/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI image manifests and indexes of seccomp profile artifacts: build, parse, select. */
#ifndef SCPROF_OCI_MANIFEST_H
#define SCPROF_OCI_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "oci/dl.h"
#include "scprof/error.h"
#include "scprof/oci.h"
#include "util/util.h"

#define OCI_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define OCI_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define OCI_MT_EMPTY "application/vnd.oci.empty.v1+json"
#define OCI_MT_SECCOMP "application/vnd.cncf.seccomp-profile.config.v1+json"
#define OCI_MT_UNKNOWN_CONFIG "application/vnd.unknown.config.v1+json"
#define OCI_MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define OCI_MT_JSON "application/json"
#define OCI_ANNOTATION_TITLE "org.opencontainers.image.title"
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define OCI_ANNOTATION_SIGNATURE "dev.cosignproject.cosign/signature"

struct oci_platform {
	char *os, *arch, *variant; /* variant may be NULL */
};

struct oci_descriptor {
	char *media_type;
	char digest[OCI_DIGEST_LEN + 1];
	uint64_t size;
	char *title; /* org.opencontainers.image.title, or NULL */
	char *ref_name; /* org.opencontainers.image.ref.name (index.json of a layout), or NULL */
	char *signature; /* dev.cosignproject.cosign/signature, or NULL */
	bool has_platform;
	struct oci_platform platform;
};

struct oci_manifest {
	bool is_index;
	char *media_type; /* the document's own mediaType, or NULL */
	char *artifact_type; /* or NULL */
	struct oci_descriptor config; /* manifests only */
	struct oci_descriptor *items; /* layers of a manifest, manifests of an index */
	size_t n;
};

/* At most this many layers or manifests in one document. */
#define OCI_MAX_ITEMS 64

/* "linux/amd64[/v8]"; -EINVAL with *err otherwise.  Release with oci_platform_release(). */
int oci_platform_parse(const char *s, struct oci_platform *p, struct scprof_error **err);
/* The platform this process runs on, as Go names it ("linux/amd64"). */
void oci_platform_host(struct oci_platform *p);
void oci_platform_release(struct oci_platform *p);
/* "linux/amd64" or "linux/arm/v7"; caller frees. */
char *oci_platform_format(const struct oci_platform *p);
/* Same os and architecture, and same variant once the defaults (arm64 v8, arm v7) are filled in. */
bool oci_platform_match(const struct oci_platform *a, const struct oci_platform *b);
/* The Security Profiles Operator's layer title: "profile-linux-amd64[-v8].yaml"; caller frees. */
char *oci_platform_title(const struct oci_platform *p);

/*
 * Parse a manifest or an index.  @media_type is what the server or the
 * referring descriptor said (or NULL); it must agree with the document's own
 * mediaType when both are present.  Refused: another schemaVersion than 2,
 * unknown document media types, digests other than sha256, more than
 * OCI_MAX_ITEMS entries, layer titles that are empty, hold a '/' or are "." or
 * "..".  Returns 0 or -EINVAL (or -EPROTO) with *err.  Release with
 * oci_manifest_release().
 */
int oci_manifest_parse(const char *buf, size_t len, const char *media_type, struct oci_manifest *m,
		       struct scprof_error **err);
void oci_manifest_release(struct oci_manifest *m);

/* A layer of a manifest to build; everything borrowed. */
struct oci_layer_in {
	const char *media_type;
	const char *title; /* or NULL */
	const struct oci_platform *platform; /* or NULL */
	const void *data;
	size_t len;
	const char *signature; /* dev.cosignproject.cosign/signature, or NULL */
};

/*
 * Build an image manifest (compact JSON, keys in the spec's order) into @out:
 * @artifact_type, the config (@config_type over @config_data), @layers and
 * @annotations.  Returns 0, or the error of oci_digest().
 */
int oci_manifest_build(const char *artifact_type, const char *config_type, const char *config_data,
		       size_t config_len, const struct oci_layer_in *layers, size_t n_layers,
		       const struct scprof_oci_annotation *annotations, size_t n_annotations,
		       struct strbuf *out, struct scprof_error **err);

/*
 * The manifest of index @m for @want: the one whose platform matches, else the
 * only one if it has no platform.  Returns it (borrowed), or NULL with *err
 * (-ENOENT) listing the platforms the index has.
 */
const struct oci_descriptor *oci_index_select(const struct oci_manifest *m,
					      const struct oci_platform *want,
					      struct scprof_error **err);

/*
 * The profile layer of manifest @m for @want, as the Security Profiles Operator
 * picks it: a KEP-6061 artifact (config mediaType or artifactType
 * OCI_MT_SECCOMP) must have exactly one layer, whatever the platform; else the
 * layer with @want's platform or titled oci_platform_title(@want), then the one
 * titled profile.yaml or profile.json, then the only layer if it is not bound
 * to another platform.  *kep tells which form it was.  Returns the layer
 * (borrowed), or NULL with *err (-ENOENT).
 */
const struct oci_descriptor *oci_manifest_select(const struct oci_manifest *m,
						 const struct oci_platform *want, bool *kep,
						 struct scprof_error **err);

#endif
