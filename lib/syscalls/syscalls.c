// SPDX-License-Identifier: LGPL-2.1-or-later
/* Syscall name <-> number lookups by binary search over the generated tables. */
#include "syscalls/syscall-table.h"
#include "util/util.h"

/*
 * The table of @arch.  Callers normally pass a pointer from scprof_arch_list();
 * a copy of an entry is still found, by name.
 */
static const struct syscall_table *table_for(const struct scprof_arch *arch)
{
	if (!arch)
		return NULL;
	uintptr_t p = (uintptr_t)arch, lo = (uintptr_t)syscall_arches,
		  hi = (uintptr_t)(syscall_arches + SYSCALL_ARCH_COUNT);
	if (p >= lo && p < hi && (p - lo) % sizeof(*arch) == 0)
		return syscall_table_of(arch);
	if (!arch->name)
		return NULL;
	for (size_t i = 0; i < SYSCALL_ARCH_COUNT; i++)
		if (!strcmp(syscall_arches[i].name, arch->name))
			return &syscall_tables[i];
	return NULL;
}

int scprof_syscall_nr(const struct scprof_arch *arch, const char *name)
{
	const struct syscall_table *t = table_for(arch);
	if (!t || !name)
		return -1;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct scprof_syscall_entry *e = &t->by_nr[t->by_name[mid]];
		int c = strcmp(name, e->name);
		if (!c)
			return e->nr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *scprof_syscall_name(const struct scprof_arch *arch, int nr)
{
	const struct syscall_table *t = table_for(arch);
	if (!t)
		return NULL;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int m = t->by_nr[mid].nr;
		if (m == nr)
			return t->by_nr[mid].name;
		if (nr < m)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool scprof_syscall_known(const char *name)
{
	return name && bsearch(name, syscall_names, syscall_names_count, sizeof(*syscall_names),
			       cmp_name) != NULL;
}

const char *const *scprof_syscall_all_names(size_t *n)
{
	if (n)
		*n = syscall_names_count;
	return syscall_names;
}

const struct scprof_syscall_entry *scprof_syscall_table(const struct scprof_arch *arch, size_t *n)
{
	const struct syscall_table *t = table_for(arch);
	if (n)
		*n = t ? t->n : 0;
	return t && t->n ? t->by_nr : NULL;
}
