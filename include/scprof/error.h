/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error and diagnostic reporting shared by every libscprof module. */
#ifndef SCPROF_ERROR_H
#define SCPROF_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCPROF_PUBLIC __attribute__((visibility("default")))

/*
 * The contract (docs/design/errors.md): library functions return 0 or a negative
 * errno.  When they fail and @err is not NULL, *err is set to a new error that the
 * caller frees with scprof_error_free().  Parsers fill file, line and column.
 */
struct scprof_error {
	int code; /* negative errno */
	char *file; /* NULL when not about a file */
	unsigned line; /* 1-based, 0 when unknown */
	unsigned col; /* 1-based, 0 when unknown */
	char *msg; /* lowercase, no trailing period */
};

SCPROF_PUBLIC void scprof_error_free(struct scprof_error *e);

/* Format "FILE:LINE:COL: MSG" (parts omitted when unknown); caller frees. */
SCPROF_PUBLIC char *scprof_error_format(const struct scprof_error *e);

enum scprof_severity {
	SCPROF_SEV_ERROR,
	SCPROF_SEV_WARNING,
};

/* One finding of a reader or of validation, with the position it is about. */
struct scprof_diag {
	enum scprof_severity severity;
	unsigned line, col;
	char *msg;
};

/* A growable list of diagnostics; zero-initialise, release with scprof_diags_release(). */
struct scprof_diags {
	size_t n, alloc;
	struct scprof_diag *items;
	const char *file; /* borrowed; used when printing */
};

SCPROF_PUBLIC void scprof_diags_add(struct scprof_diags *d, enum scprof_severity sev, unsigned line,
				    unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
SCPROF_PUBLIC size_t scprof_diags_count(const struct scprof_diags *d, enum scprof_severity sev);
/* Stable sort by position so that output reads top to bottom. */
SCPROF_PUBLIC void scprof_diags_sort(struct scprof_diags *d);
SCPROF_PUBLIC void scprof_diags_release(struct scprof_diags *d);

#ifdef __cplusplus
}
#endif
#endif
