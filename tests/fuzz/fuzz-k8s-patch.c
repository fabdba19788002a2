// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz k8s patch over the YAML stream and JSON readers, with a few option
 * sets: any input is either refused with a message (never as a bug: a result
 * that would not read back or would need patching again), or patched into a
 * text that a second patch leaves as it is.
 */
#include <stdint.h>

#include "scprof/patch.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct scprof_patch_opts sets[] = {
	{ .container = "c", .type = SCPROF_PATCH_RUNTIME_DEFAULT, .harden = true },
	{ .container = "app", .type = SCPROF_PATCH_LOCALHOST, .localhost = "p/a b,{c}.json" },
	{ .type = SCPROF_PATCH_LOCALHOST, .localhost = "x.json", .pod_level = true },
	{ .container = "c",
	  .type = SCPROF_PATCH_RUNTIME_DEFAULT,
	  .pod_level = true,
	  .harden = true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		struct scprof_patch_result *r = NULL, *again = NULL;
		struct scprof_error *err = NULL;
		if (scprof_patch_buf((const char *)data, size, "fuzz", &sets[i], &r, &err) < 0) {
			if (!err || !err->msg || err->code == -ENOTRECOVERABLE)
				abort();
			scprof_error_free(err);
			continue;
		}
		if (!r->text || !r->objects)
			abort();
		if (scprof_patch_buf(r->text, r->len, "fuzz", &sets[i], &again, &err) < 0 ||
		    again->changed || again->len != r->len || memcmp(again->text, r->text, r->len))
			abort();
		scprof_patch_result_free(again);
		scprof_patch_result_free(r);
	}
	return 0;
}
