/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Architectures, syscall names and numbers, audit arch tokens, errno and capability names. */
#ifndef SCPROF_SYSCALLS_H
#define SCPROF_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One architecture a seccomp filter can match.  Tokens are the kernel's
 * AUDIT_ARCH_* values, which libseccomp also uses as SCMP_ARCH_* values.  x86_64
 * and x32 share AUDIT_ARCH_X86_64; x32 syscall numbers carry bit 30
 * (__X32_SYSCALL_BIT), which the tables here include.
 */
struct scprof_arch {
	const char *name; /* canonical short name: "x86_64", "x86", "x32", "aarch64", ... */
	const char *scmp_name; /* "SCMP_ARCH_X86_64" */
	const char *go_name; /* Docker/moby includes.arches spelling: "amd64", "x86", "arm64" */
	uint32_t token; /* AUDIT_ARCH_* */
	unsigned bits; /* 32 or 64 */
	bool big_endian;
	bool has_table; /* false when the libseccomp we were built with does not know it */
	int nr_min, nr_max; /* lowest and highest syscall number in the table */
};

/* All architectures we know, in a stable order; borrowed, static. */
SCPROF_PUBLIC const struct scprof_arch *scprof_arch_list(size_t *n);
/*
 * Look an architecture up by any usual spelling, case-insensitive: "x86_64",
 * "SCMP_ARCH_X86_64", "amd64", "i386", "i686", "x86", "arm64", "aarch64",
 * "ppc64le"...  NULL when unknown.  Borrowed, static.
 */
SCPROF_PUBLIC const struct scprof_arch *scprof_arch_by_name(const char *name);
/* By AUDIT_ARCH_* token; AUDIT_ARCH_X86_64 gives x86_64 (see scprof_arch_for_call). */
SCPROF_PUBLIC const struct scprof_arch *scprof_arch_by_token(uint32_t token);
/* The architecture of a call as the kernel reports it: x32 when token is x86_64 and bit 30 is set. */
SCPROF_PUBLIC const struct scprof_arch *scprof_arch_for_call(uint32_t token, int nr);
/* The architecture this binary was built for; NULL on one we do not know. */
SCPROF_PUBLIC const struct scprof_arch *scprof_arch_native(void);
/*
 * libseccomp's SCMP_ARCH_* value for @arch, 0 when the libseccomp we were built
 * with does not know it.  Equal to @arch->token except for x32, which libseccomp
 * tells apart from x86_64 with its own token (EM_X86_64 | __AUDIT_ARCH_LE).
 */
SCPROF_PUBLIC uint32_t scprof_arch_scmp_token(const struct scprof_arch *arch);

/* Syscall number on @arch, or -1 when the name does not exist there. */
SCPROF_PUBLIC int scprof_syscall_nr(const struct scprof_arch *arch, const char *name);
/* Name of @nr on @arch, or NULL; borrowed, static. */
SCPROF_PUBLIC const char *scprof_syscall_name(const struct scprof_arch *arch, int nr);
/* True when @name is a syscall on any architecture we know. */
SCPROF_PUBLIC bool scprof_syscall_known(const char *name);
/* Every syscall name of any architecture, sorted; borrowed, static. */
SCPROF_PUBLIC const char *const *scprof_syscall_all_names(size_t *n);
/*
 * The (nr, name) pairs of @arch sorted by number; borrowed, static.  Pseudo
 * entries are excluded: only numbers the kernel really dispatches.
 */
struct scprof_syscall_entry {
	int nr;
	const char *name;
};
SCPROF_PUBLIC const struct scprof_syscall_entry *
scprof_syscall_table(const struct scprof_arch *arch, size_t *n);

/* errno: "EPERM" <-> 1, generic Linux numbering (x86, arm, riscv, s390, ppc). -1 / NULL when unknown. */
SCPROF_PUBLIC int scprof_errno_by_name(const char *name);
SCPROF_PUBLIC const char *scprof_errno_name(int e);
/* glibc's strerror() text of @e in the generic numbering ("Operation not permitted"), or NULL. */
SCPROF_PUBLIC const char *scprof_errno_desc(int e);

/* Capabilities: "CAP_SYS_ADMIN" or "sys_admin" (any case) <-> 21.  -1 / NULL when unknown. */
SCPROF_PUBLIC int scprof_cap_by_name(const char *name);
SCPROF_PUBLIC const char *scprof_cap_name(int cap); /* "CAP_SYS_ADMIN" */
SCPROF_PUBLIC int scprof_cap_last(void); /* highest capability number we know */

#ifdef __cplusplus
}
#endif
#endif
