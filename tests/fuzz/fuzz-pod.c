// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz the Pod manifest reader: any input either is refused with a message or
 * yields a context whose container, groups and sysctls are all there.
 */
#include <stdint.h>

#include "scprof/pod.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a root that does not exist: Localhost profiles are refused without touching files */
	struct scprof_pod_opts o = { .seccomp_root = "/nonexistent/scprof-fuzz",
				     .image_uid = 1000,
				     .image_gid = 1000,
				     .privileged_caps = ~0ULL };
	struct scprof_pod_context *c = NULL;
	struct scprof_error *err = NULL;
	if (scprof_pod_parse((const char *)data, size, "fuzz", &o, &c, &err) < 0) {
		if (!err || !err->msg)
			abort();
		scprof_error_free(err);
		return 0;
	}
	if (!c->container || !c->pod || (c->n_groups && !c->groups))
		abort();
	for (size_t i = 0; i < c->n_sysctls; i++)
		if (!c->sysctls[i].path || !c->sysctls[i].value ||
		    c->sysctls[i].ns == SCPROF_POD_SYSCTL_NONE)
			abort();
	scprof_pod_context_free(c);
	return 0;
}
