/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Set a seccomp profile in Kubernetes manifests by editing their text, keeping the rest as written. */
#ifndef SCPROF_PATCH_H
#define SCPROF_PATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum scprof_patch_type {
	SCPROF_PATCH_RUNTIME_DEFAULT,
	SCPROF_PATCH_LOCALHOST,
};

struct scprof_patch_opts {
	/* the container (of containers, initContainers or ephemeralContainers); NULL: every
	 * pod spec, only with pod_level */
	const char *container;
	enum scprof_patch_type type;
	/* LOCALHOST: the localhostProfile, relative to the kubelet's seccomp directory */
	const char *localhost;
	/* seccompProfile in the pod's securityContext instead of the container's */
	bool pod_level;
	/*
	 * Also, on the container: allowPrivilegeEscalation: false, capabilities.drop
	 * [ALL] (kept as is when it already holds ALL), capabilities.add reduced to
	 * NET_BIND_SERVICE (the only one the restricted level allows; removed when
	 * nothing is left), runAsNonRoot: true.  Needs a container.
	 */
	bool harden;
};

struct scprof_patch_result {
	char *text; /* the whole file, patched */
	size_t len;
	bool changed; /* text differs from the input */
	size_t objects; /* pod specs patched (or found as asked already) */
	/* what the patch leaves that the restricted level or the kubelet may still refuse */
	struct scprof_diags notes;
};

/*
 * Patch every pod spec of @buf (multi-document YAML, or one JSON value; Pod,
 * the pod templates of Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * CronJob, ReplicationController, PodTemplate, and List items) that has the
 * container @o->container (every pod spec with @o->pod_level and no
 * container).  The text is edited where values change or keys are added
 * (indented as the file indents, in block or flow style or JSON as the
 * surrounding mapping is); everything else stays byte for byte.  Patching the
 * result again changes nothing.  Pre-1.19 seccomp annotations that contradict
 * the new value are set to the equivalent annotation value, which the API
 * server requires of a Pod that has both.
 *
 * -EINVAL with *err (file @name, line and column where known) for invalid
 * YAML or JSON, an object of a workload kind without a pod template, no pod
 * spec with the container, duplicate container names, a value in the way
 * that is not an object, a node shared through a YAML anchor, a privileged
 * container with harden, a localhost path that is absolute or has "..", or
 * options that do not go together.  The caller frees *out with
 * scprof_patch_result_free().
 */
SCPROF_PUBLIC int scprof_patch_buf(const char *buf, size_t len, const char *name,
				   const struct scprof_patch_opts *o,
				   struct scprof_patch_result **out, struct scprof_error **err);
SCPROF_PUBLIC void scprof_patch_result_free(struct scprof_patch_result *r);

#ifdef __cplusplus
}
#endif
#endif
