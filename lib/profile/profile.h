/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the profile module's files. */
#ifndef SCPROF_PROFILE_INTERNAL_H
#define SCPROF_PROFILE_INTERNAL_H

#include "format/node.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"
#include "util/util.h"

/* Decode a document tree into a profile; problems go to @diags. */
int profile_decode(const struct node *doc, enum scprof_syntax syntax, struct scprof_profile **out,
		   struct scprof_diags *diags);

/* The seccomp flags runtimes accept in linux.seccomp.flags. */
extern const char *const profile_flag_names[];

/* Embedded built-in profiles. */
const char *profile_builtin_text(const char *name, size_t *len);

/* String list helpers. */
void strv_add(char ***v, size_t *n, const char *s);
void strv_free(char **v, size_t n);
char **strv_copy(char *const *v, size_t n);
bool strv_equal(char *const *a, size_t na, char *const *b, size_t nb);
bool strv_contains(char *const *v, size_t n, const char *s);
int strv_cmp(char *const *a, size_t na, char *const *b, size_t nb);

void filter_release(struct scprof_filter *f);
void filter_copy(struct scprof_filter *dst, const struct scprof_filter *src);
bool filter_equal(const struct scprof_filter *a, const struct scprof_filter *b);
bool filter_empty(const struct scprof_filter *f);
int filter_cmp(const struct scprof_filter *a, const struct scprof_filter *b);

/* Compare argument lists as written (order matters): <0, 0, >0. */
int args_cmp(const struct scprof_arg *a, size_t na, const struct scprof_arg *b, size_t nb);
/* errno value a rule returns (its errnoRet, errno name, else EPERM as runc does). */
uint32_t rule_errno(const struct scprof_rule *r);

#endif
