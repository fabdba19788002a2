/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The effective security context of one container of a Kubernetes Pod manifest. */
#ifndef SCPROF_POD_H
#define SCPROF_POD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the kubelet looks for Localhost profiles (--root-dir plus "seccomp"). */
#define SCPROF_KUBELET_SECCOMP_ROOT "/var/lib/kubelet/seccomp"

/*
 * Docker's default capabilities, which containerd's CRI plugin also starts from
 * (moby oci/caps/defaults.go, containerd pkg/oci/spec.go): CHOWN DAC_OVERRIDE
 * FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
 * SYS_CHROOT KILL AUDIT_WRITE.
 */
SCPROF_PUBLIC uint64_t scprof_pod_default_caps(void);

enum scprof_pod_seccomp {
	SCPROF_POD_SECCOMP_UNCONFINED,
	SCPROF_POD_SECCOMP_RUNTIME_DEFAULT,
	SCPROF_POD_SECCOMP_LOCALHOST,
};

/* The namespace a sysctl belongs to (the kubelet's pkg/kubelet/sysctl list). */
enum scprof_pod_sysctl_ns {
	SCPROF_POD_SYSCTL_NONE, /* not namespaced: it would change the host */
	SCPROF_POD_SYSCTL_NET,
	SCPROF_POD_SYSCTL_IPC,
};

struct scprof_pod_sysctl {
	char *name; /* dotted, as the kubelet normalises it */
	char *path; /* under /proc/sys */
	char *value;
	enum scprof_pod_sysctl_ns ns;
};

/* What a field of the manifest asks that scprof cannot give here. */
struct scprof_pod_unsupported {
	char *field; /* e.g. "spec.containers[0].securityContext.appArmorProfile" */
	char *why;
	unsigned line, col;
};

struct scprof_pod_opts {
	const char *container; /* NULL: the only container */
	const char *seccomp_root; /* NULL: SCPROF_KUBELET_SECCOMP_ROOT */
	bool seccomp_default; /* the kubelet's --seccomp-default: RuntimeDefault when unset */
	uid_t image_uid; /* the "image" user: who runs CMD when runAsUser is unset */
	gid_t image_gid;
	uint64_t privileged_caps; /* what privileged: true gets (containerd: all it has) */
};

struct scprof_pod_context {
	char *file; /* the manifest, for messages */
	char *name; /* the pod's, or the workload's */
	char *pod; /* "NAME_NAMESPACE(UID)", as the kubelet prints a pod */
	char *container;
	const char *kind; /* "containers", "initContainers" or "ephemeralContainers" */

	bool set_ids; /* runAsUser, runAsGroup, supplementalGroups or fsGroup given */
	bool run_as_user_set, run_as_group_set;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementalGroups and fsGroup, in the kubelet's order */
	size_t n_groups;
	bool strict_groups; /* supplementalGroupsPolicy: Strict */

	bool privileged;
	uint64_t caps; /* bounding, permitted and effective */
	bool no_new_privs;

	enum scprof_pod_seccomp seccomp;
	char *seccomp_path; /* LOCALHOST: the profile's resolved path */
	char *seccomp_from; /* which field or annotation decided, for messages */

	bool read_only_root;
	bool host_network, host_ipc;
	struct scprof_pod_sysctl *sysctls;
	size_t n_sysctls;

	struct scprof_pod_unsupported *unsupported;
	size_t n_unsupported;
};

/*
 * Read the manifest @path ("-" for stdin): a Pod, or the pod template of a
 * Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job,
 * CronJob or PodTemplate, and work out the effective security context of the
 * container @o->container as the kubelet and containerd would.  Invalid input
 * (not a Pod, no such container, a user name for runAsUser, an unknown
 * capability, a localhostProfile outside the seccomp root, a non-namespaced
 * sysctl, runAsNonRoot with uid 0...) is -EINVAL with *err positioned in the
 * file where that helps.  Fields that cannot be honoured are listed in
 * (*out)->unsupported; deciding what to do about them is the caller's.  The
 * caller frees *out with scprof_pod_context_free().
 */
SCPROF_PUBLIC int scprof_pod_load(const char *path, const struct scprof_pod_opts *o,
				  struct scprof_pod_context **out, struct scprof_error **err);
/* The same from memory; @name is used in messages. */
SCPROF_PUBLIC int scprof_pod_parse(const char *buf, size_t len, const char *name,
				   const struct scprof_pod_opts *o, struct scprof_pod_context **out,
				   struct scprof_error **err);
SCPROF_PUBLIC void scprof_pod_context_free(struct scprof_pod_context *c);

/* The namespace of sysctl @name (dotted), or SCPROF_POD_SYSCTL_NONE. */
SCPROF_PUBLIC enum scprof_pod_sysctl_ns scprof_pod_sysctl_namespace(const char *name);

/* Whether @rel is a localhostProfile the API server accepts: relative, no ".." component. */
SCPROF_PUBLIC bool scprof_pod_localhost_valid(const char *rel);

/*
 * Resolve @rel under @root: refused (-EINVAL, message in *err) when @rel is
 * absolute or has a ".." component, as Kubernetes' API validation does, or when
 * symlinks lead outside @root.  *out is the canonical path; caller frees.
 */
SCPROF_PUBLIC int scprof_pod_resolve_localhost(const char *root, const char *rel, char **out,
					       struct scprof_error **err);

/*
 * The seccomp annotations of before seccompProfile (Kubernetes 1.19), still
 * in old manifests: the pod's, and the prefix of a container's, whose name
 * follows it.
 */
#define SCPROF_SECCOMP_POD_ANNOTATION "seccomp.security.alpha.kubernetes.io/pod"
#define SCPROF_SECCOMP_CONTAINER_ANNOTATION "container.seccomp.security.alpha.kubernetes.io/"

/*
 * The keys from a manifest of @kind to its pod template ("spec", "template"),
 * NULL-terminated; none for a Pod; NULL for a kind without a pod template.
 * Static.
 */
SCPROF_PUBLIC const char *const *scprof_pod_template_path(const char *kind);

/*
 * The seccompProfile type a pre-1.19 seccomp annotation value stands for:
 * "RuntimeDefault" (runtime/default, docker/default), "Unconfined", or
 * "Localhost" with *path set to what follows "localhost/"; NULL for any other.
 */
SCPROF_PUBLIC const char *scprof_pod_seccomp_annotation_type(const char *value, const char **path);

#ifdef __cplusplus
}
#endif
#endif
