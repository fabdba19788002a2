/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lines of a large regular file, handled on several threads: each thread reads
 * a chunk of the file, handles the lines that start in it, and writes its
 * output to a buffer that the calling thread writes out in file order.
 */
#ifndef SCPROF_AUDIT_SCAN_H
#define SCPROF_AUDIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scprof/error.h"

struct strbuf;

/* Handle one line of @len bytes (without its newline) on worker @ctx, appending output to @out. */
typedef void (*audit_scan_line_fn)(void *ctx, const char *line, size_t len, struct strbuf *out);

/*
 * Hand every line of the regular file @fd (of @size bytes) to @fn, on
 * @n_workers threads, the i-th with context @ctxs[i]; write what they append
 * to @out in file order.  Lines longer than AUDIT_LINE_MAX are skipped and
 * counted in *overlong.  Memory stays bounded whatever the size.  Returns 0,
 * or a negative errno with *err.
 */
int audit_scan_file(int fd, uint64_t size, unsigned n_workers, void **ctxs, audit_scan_line_fn fn,
		    FILE *out, uint64_t *overlong, struct scprof_error **err);

/* For tests: read chunks as where the file cannot be mapped. */
extern bool audit_scan_no_map;

#endif
