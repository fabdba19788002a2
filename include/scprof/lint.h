/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kubernetes manifests checked against the Pod Security Standards and seccomp practice. */
#ifndef SCPROF_LINT_H
#define SCPROF_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The newest policy version whose checks we know: "latest" (pod-security-admission, 1.37). */
#define SCPROF_LINT_LATEST 37

enum scprof_lint_level {
	SCPROF_LINT_BASELINE,
	SCPROF_LINT_RESTRICTED,
};

struct scprof_lint_opts {
	enum scprof_lint_level level;
	unsigned version; /* N of policy version v1.N; above SCPROF_LINT_LATEST acts as latest */
	const char *seccomp_root; /* check Localhost profiles under it; NULL: do not */
	unsigned jobs; /* threads for large YAML streams; 0: one per CPU, up to 8 */
};

enum scprof_lint_type {
	SCPROF_LINT_CONTROL, /* a Pod Security Standards control fails */
	SCPROF_LINT_ADVICE, /* seccomp practice the admission controller does not check */
	SCPROF_LINT_PROBLEM, /* the object cannot be checked as written */
	SCPROF_LINT_SKIPPED, /* not a workload (a Service...): nothing to check */
};

struct scprof_lint_finding {
	enum scprof_lint_type type;
	const char *id; /* the check's id ("privileged"), static */
	char *file;
	size_t doc; /* 1-based document index in the file */
	char *kind, *namespace, *name; /* of the object; NULL when unknown */
	char *container; /* NULL: about the pod */
	char *path; /* the field, e.g. "spec.containers[0].securityContext.privileged" */
	char *value; /* what was found; NULL: unset */
	char *allowed; /* the values allowed; NULL for problems */
	char *message;
	unsigned line, col; /* 0 when unknown */
};

/* A check, for SARIF's rule list. */
struct scprof_lint_rule {
	const char *id;
	enum scprof_lint_type type;
	const char *level; /* "baseline", "restricted" or NULL for advice */
	unsigned since; /* first policy version (1.N) with the check */
	const char *summary;
};

/* The checks known, in a stable order; static. */
SCPROF_PUBLIC const struct scprof_lint_rule *scprof_lint_rules(size_t *n);

struct scprof_lint;

/* Copies @o (the seccomp root too); caller frees with scprof_lint_free(). */
SCPROF_PUBLIC struct scprof_lint *scprof_lint_new(const struct scprof_lint_opts *o);
SCPROF_PUBLIC void scprof_lint_free(struct scprof_lint *l);

/*
 * Check every object of @buf: YAML documents separated by "---", or one JSON
 * value; List objects' items too.  Findings are appended to @l's list.  Input
 * that cannot be read (a YAML or JSON syntax error) is -EINVAL with *err
 * positioned, after the findings of the documents before the error.
 */
SCPROF_PUBLIC int scprof_lint_buf(struct scprof_lint *l, const char *buf, size_t len,
				  const char *name, struct scprof_error **err);
/* The same for the file @path ("-" for stdin). */
SCPROF_PUBLIC int scprof_lint_file(struct scprof_lint *l, const char *path,
				   struct scprof_error **err);

/*
 * After the last input: add the advice that needs every input, a container
 * under RuntimeDefault (or none) whose image has a Localhost profile in
 * another workload or an SPO ProfileBinding.  Call once.
 */
SCPROF_PUBLIC void scprof_lint_finish(struct scprof_lint *l);

/* Findings so far, in input order; borrowed. */
SCPROF_PUBLIC const struct scprof_lint_finding *scprof_lint_findings(const struct scprof_lint *l,
								     size_t *n);
/* How many pod specs were checked. */
SCPROF_PUBLIC size_t scprof_lint_objects(const struct scprof_lint *l);

/* "v1.N" or "latest" into *out (N); -EINVAL otherwise. */
SCPROF_PUBLIC int scprof_lint_parse_version(const char *s, unsigned *out);

#ifdef __cplusplus
}
#endif
#endif
