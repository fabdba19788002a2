// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz the profile reader end to end: any input that loads must write back and
 * reload to the same model (in its own format and as SPO YAML), survive the
 * canonical form, and build a semantic view.
 */
#include <stdint.h>

#include "profile/profile.h"
#include "scprof/semantic.h"

static void reload_equal(const struct scprof_profile *p, enum scprof_format f)
{
	char *out = NULL;
	size_t len;
	struct scprof_profile *q = NULL;
	if (scprof_profile_write(p, f, 0, &out, &len, NULL) < 0)
		abort();
	if (scprof_profile_parse(out, len, "w", &q, NULL, NULL) < 0)
		abort();
	if (f == SCPROF_FORMAT_AUTO && !scprof_profile_equal(p, q))
		abort();
	free(out);
	scprof_profile_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scprof_profile *p = NULL;
	if (scprof_profile_parse((const char *)data, size, "fuzz", &p, NULL, NULL) < 0)
		return 0;
	reload_equal(p, SCPROF_FORMAT_AUTO);
	reload_equal(p, SCPROF_FORMAT_SPO_YAML);
	scprof_profile_canonicalize(p);
	reload_equal(p, SCPROF_FORMAT_AUTO);

	struct scprof_context ctx;
	scprof_context_init(&ctx);
	ctx.kernel_major = 6;
	ctx.kernel_minor = 1;
	struct scprof_semantic *s = NULL;
	if (scprof_semantic_build(p, &ctx, &s, NULL, NULL) == 0) {
		uint64_t args[6] = { 0 };
		scprof_semantic_eval(s, ctx.native, 0, args, NULL);
		scprof_semantic_free(s);
	}
	scprof_profile_free(p);
	return 0;
}
