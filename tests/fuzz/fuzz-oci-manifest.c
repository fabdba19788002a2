// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz the OCI manifest and index reader: any input is refused with a message
 * or parses into descriptors that are all well-formed, and picking a layer or a
 * manifest for a platform then returns one of them or says why not.
 */
#include <stdint.h>

#include "oci/manifest.h"
#include "oci/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_descriptor(const struct oci_descriptor *d)
{
	if (!d->media_type || !oci_digest_valid(d->digest))
		abort();
	if (d->title && (!d->title[0] || strchr(d->title, '/') || strstr(d->title, "..")))
		abort();
	if (d->has_platform && (!d->platform.os || !d->platform.arch))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const served[] = { NULL, OCI_MT_MANIFEST, OCI_MT_INDEX };
	static const char *const platforms[] = { "linux/amd64", "linux/arm64/v8", "linux/arm" };
	struct oci_manifest m;
	struct scprof_error *err = NULL;

	for (size_t s = 0; s < ARRAY_SIZE(served); s++) {
		if (oci_manifest_parse((const char *)data, size, served[s], &m, &err) < 0) {
			if (!err || !err->msg)
				abort();
			scprof_error_free(err);
			err = NULL;
			continue;
		}
		if (m.n > OCI_MAX_ITEMS || (m.n && !m.items) || !m.media_type)
			abort();
		if (!m.is_index)
			check_descriptor(&m.config);
		for (size_t i = 0; i < m.n; i++)
			check_descriptor(&m.items[i]);
		for (size_t p = 0; p < ARRAY_SIZE(platforms); p++) {
			struct oci_platform want;
			const struct oci_descriptor *d;
			bool kep;
			if (oci_platform_parse(platforms[p], &want, NULL) < 0)
				abort();
			d = m.is_index ? oci_index_select(&m, &want, &err) :
					 oci_manifest_select(&m, &want, &kep, &err);
			if (d ? d < m.items || d >= m.items + m.n : !err || !err->msg)
				abort();
			scprof_error_free(err);
			err = NULL;
			oci_platform_release(&want);
		}
		oci_manifest_release(&m);
	}
	return 0;
}
