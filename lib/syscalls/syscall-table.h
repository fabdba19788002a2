/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layout of the syscall tables that tools/gen-syscalls writes into syscall-table.c. */
#ifndef SCPROF_SYSCALL_TABLE_H
#define SCPROF_SYSCALL_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "scprof/syscalls.h"

#define SYSCALL_ARCH_COUNT 20

/* One architecture's syscalls; empty (n == 0) when libseccomp does not know it. */
struct syscall_table {
	uint32_t scmp_token; /* SCMP_ARCH_*; differs from the audit token for x32; 0 if unknown */
	const struct scprof_syscall_entry *by_nr; /* sorted by nr */
	const uint16_t *by_name; /* indexes into by_nr, sorted by name */
	size_t n;
};

/* Parallel arrays: syscall_tables[i] belongs to syscall_arches[i]. */
extern const struct scprof_arch syscall_arches[SYSCALL_ARCH_COUNT];
extern const struct syscall_table syscall_tables[SYSCALL_ARCH_COUNT];
/* Union of the names of every table, sorted by strcmp, unique. */
extern const char *const syscall_names[];
extern const size_t syscall_names_count;

/* The table of @arch, which must point into syscall_arches. */
static inline const struct syscall_table *syscall_table_of(const struct scprof_arch *arch)
{
	return &syscall_tables[arch - syscall_arches];
}

#endif
