/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compile the semantic view of a profile into a seccomp BPF program, as runc does. */
#ifndef SCPROF_COMPILE_H
#define SCPROF_COMPILE_H

#include <stdbool.h>

#include "scprof/bpf.h"
#include "scprof/semantic.h"

#ifdef __cplusplus
extern "C" {
#endif

struct scprof_compile_opts {
	/* runc's stub: ENOSYS for numbers above any the profile names (default on) */
	bool enosys_stub;
	/* libseccomp's binary-tree dispatch (SCMP_FLTATR_CTL_OPTIMIZE=2) above 32 rules, as runc; default on */
	bool binary_tree;
};

SCPROF_PUBLIC void scprof_compile_opts_init(struct scprof_compile_opts *o);

/*
 * Generate the BPF program for @s through libseccomp (rules added the way runc
 * adds them), prefixed with the ENOSYS stub when asked.  @p, when given, is the
 * profile @s was built from, used to name the rule in errors.  Caller frees *out
 * with scprof_bpf_free().  A program over 4096 instructions is an error (-E2BIG).
 */
SCPROF_PUBLIC int scprof_compile(const struct scprof_semantic *s, const struct scprof_profile *p,
				 const struct scprof_compile_opts *opts, struct scprof_bpf **out,
				 struct scprof_error **err);

/*
 * scprof_compile() through a cache of programs in @dir (created, mode 0700;
 * NULL: no cache), keyed by everything the program depends on and compared in
 * full, so a program comes back only for the same view, options, scprof and
 * libseccomp.  A cache that cannot be read or written is ignored.
 */
SCPROF_PUBLIC int scprof_compile_cached(const struct scprof_semantic *s,
					const struct scprof_profile *p,
					const struct scprof_compile_opts *opts, const char *dir,
					struct scprof_bpf **out, struct scprof_error **err);

#ifdef __cplusplus
}
#endif
#endif
