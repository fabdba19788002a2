// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz k8s lint over the YAML stream and JSON readers: any input is either
 * refused with a message or gives findings that all name their check, file,
 * document, path and message, at both levels.
 */
#include <stdint.h>

#include "scprof/lint.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int level = SCPROF_LINT_BASELINE; level <= SCPROF_LINT_RESTRICTED; level++) {
		/* no seccomp root: Localhost profiles are not looked up, no files touched */
		struct scprof_lint_opts o = { .level = level,
					      .version = size ? data[0] % 40 : 0,
					      .jobs = 1 };
		struct scprof_lint *l = scprof_lint_new(&o);
		struct scprof_error *err = NULL;
		if (scprof_lint_buf(l, (const char *)data, size, "fuzz", &err) < 0) {
			if (!err || !err->msg)
				abort();
			scprof_error_free(err);
		}
		scprof_lint_finish(l);
		size_t n;
		const struct scprof_lint_finding *f = scprof_lint_findings(l, &n);
		for (size_t i = 0; i < n; i++) {
			if (!f[i].id || !f[i].file || !f[i].doc || !f[i].path || !f[i].message)
				abort();
			if ((f[i].type == SCPROF_LINT_CONTROL || f[i].type == SCPROF_LINT_ADVICE) &&
			    !f[i].allowed)
				abort();
		}
		scprof_lint_free(l);
	}
	return 0;
}
