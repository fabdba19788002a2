/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The semantic view of a profile: per architecture, per syscall, the ordered
 * (conditions -> action) list a runtime would install, after archMap,
 * includes/excludes, unknown names and runc's rewriting rules are applied.
 */
#ifndef SCPROF_SEMANTIC_H
#define SCPROF_SEMANTIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seccomp return values (kernel uapi/linux/seccomp.h). */
#define SCPROF_RET_KILL_PROCESS 0x80000000U
#define SCPROF_RET_KILL_THREAD 0x00000000U
#define SCPROF_RET_TRAP 0x00030000U
#define SCPROF_RET_ERRNO 0x00050000U
#define SCPROF_RET_USER_NOTIF 0x7fc00000U
#define SCPROF_RET_TRACE 0x7ff00000U
#define SCPROF_RET_LOG 0x7ffc0000U
#define SCPROF_RET_ALLOW 0x7fff0000U
#define SCPROF_RET_ACTION_FULL 0xffff0000U
#define SCPROF_RET_DATA 0x0000ffffU

/* Flags as the kernel numbers them (SECCOMP_FILTER_FLAG_*). */
#define SCPROF_FLAG_TSYNC (1U << 0)
#define SCPROF_FLAG_LOG (1U << 1)
#define SCPROF_FLAG_SPEC_ALLOW (1U << 2)
#define SCPROF_FLAG_WAIT_KILLABLE_RECV (1U << 5)

/* What includes/excludes are evaluated against, as Docker does on the host. */
struct scprof_context {
	/* the host architecture: picks the archMap entry, matches includes.arches */
	const struct scprof_arch *native;
	/* the architectures to build for; none means the profile's (plus native, as runc does) */
	const struct scprof_arch *arches[32];
	size_t n_arches;
	uint64_t caps; /* bit N set: capability N is in the container's bounding set */
	unsigned kernel_major, kernel_minor;
};

/*
 * Fill @ctx with the defaults: the native architecture, Docker's default
 * capability set, and the running kernel's version.
 */
SCPROF_PUBLIC void scprof_context_init(struct scprof_context *ctx);
/* Parse "CAP_A,CAP_B" or "ALL" or "" into @caps; -EINVAL naming the bad one. */
SCPROF_PUBLIC int scprof_caps_parse(const char *list, uint64_t *caps, struct scprof_error **err);
/* Parse "5.10" (or "5.10.3") into major and minor. */
SCPROF_PUBLIC int scprof_kernel_parse(const char *s, unsigned *major, unsigned *minor);

struct scprof_cond {
	unsigned index;
	enum scprof_op op;
	uint64_t value, value_two;
};

struct scprof_sem_rule {
	uint32_t action; /* SCPROF_RET_* | data */
	size_t n_conds;
	struct scprof_cond *conds; /* ANDed */
	size_t rule; /* index of the profile rule it came from */
};

struct scprof_sem_syscall {
	const char *name; /* static */
	int nr;
	size_t n_rules;
	struct scprof_sem_rule *rules; /* in the order the program tests them */
};

struct scprof_sem_arch {
	const struct scprof_arch *arch;
	size_t n_syscalls;
	struct scprof_sem_syscall *syscalls; /* sorted by number */
	int max_named; /* highest number any applicable rule names (even one equal to the default), -1 if none */
};

struct scprof_semantic {
	uint32_t default_action;
	unsigned flags;
	size_t n_profile_rules; /* profile rules that apply in the context (runc's config.Syscalls) */
	size_t n_arches;
	struct scprof_sem_arch *arches;
};

/*
 * Build the semantic view of @p in @ctx.  Warnings (names skipped on an
 * architecture, rules dropped as equal to the default...) go to @diags, which may
 * be NULL.  Caller frees *out with scprof_semantic_free().
 */
SCPROF_PUBLIC int scprof_semantic_build(const struct scprof_profile *p,
					const struct scprof_context *ctx,
					struct scprof_semantic **out, struct scprof_diags *diags,
					struct scprof_error **err);
SCPROF_PUBLIC void scprof_semantic_free(struct scprof_semantic *s);
SCPROF_PUBLIC const struct scprof_sem_arch *scprof_semantic_arch(const struct scprof_semantic *s,
								 const struct scprof_arch *arch);
SCPROF_PUBLIC const struct scprof_sem_syscall *
scprof_semantic_syscall(const struct scprof_sem_arch *a, int nr);

/* Does @c hold for argument value @v on an architecture of @bits bits? */
SCPROF_PUBLIC bool scprof_cond_match(const struct scprof_cond *c, uint64_t v, unsigned bits);

/*
 * The action for one call: the first rule of the syscall whose conditions all
 * hold, else the default.  *which (optional) is set to that rule or NULL.
 * A call on an architecture the filter does not list gets KILL_THREAD, libseccomp's
 * default SCMP_FLTATR_ACT_BADARCH, which runc keeps.
 */
SCPROF_PUBLIC uint32_t scprof_semantic_eval(const struct scprof_semantic *s,
					    const struct scprof_arch *arch, int nr,
					    const uint64_t args[6],
					    const struct scprof_sem_rule **which);

/* One difference between two semantic views (scprof diff). */
enum scprof_change {
	SCPROF_CHANGE_ALLOWED, /* now allowed without condition */
	SCPROF_CHANGE_DENIED, /* no longer allowed at all */
	SCPROF_CHANGE_CHANGED, /* conditions or the kind of denial differ */
};

struct scprof_difference {
	const struct scprof_arch *arch;
	const char *name; /* syscall, or NULL for the default action or the whole arch */
	int nr; /* -1 with name NULL */
	char *a, *b; /* what each side does, e.g. "ALLOW if arg0 == 0x1; else ERRNO(1)" */
	enum scprof_change change;
};

/*
 * Compare two views built for the same context.  Rules of a syscall compare as
 * a set (order only matters for overlapping conditions with different actions).
 * Caller frees with scprof_differences_free().
 */
SCPROF_PUBLIC void scprof_semantic_diff(const struct scprof_semantic *a,
					const struct scprof_semantic *b,
					struct scprof_difference **out, size_t *n);
SCPROF_PUBLIC void scprof_differences_free(struct scprof_difference *d, size_t n);
/* Describe what a syscall does in @s on @arch, as in a difference; caller frees. */
SCPROF_PUBLIC char *scprof_semantic_describe(const struct scprof_semantic *s,
					     const struct scprof_sem_arch *a,
					     const struct scprof_sem_syscall *sc);

/*
 * Evaluate what Docker and containers/common resolve before a profile reaches the
 * runtime: archMap becomes the `architectures` list of @ctx (native and its
 * sub-architectures, or ctx->arches), rules whose includes/excludes do not hold
 * are dropped and the others lose them, errno names become errnoRet numbers.
 * The result means the same under runc, which ignores those extensions.  Caller
 * frees it with scprof_profile_free().
 */
SCPROF_PUBLIC struct scprof_profile *scprof_profile_resolve(const struct scprof_profile *p,
							    const struct scprof_context *ctx);

/* Kernel return value of a rule's or the profile default's action. */
SCPROF_PUBLIC uint32_t scprof_rule_ret(const struct scprof_rule *r);
SCPROF_PUBLIC uint32_t scprof_default_ret(const struct scprof_profile *p);

#ifdef __cplusplus
}
#endif
#endif
