// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Observations: what recorders saw, as counts per (architecture, syscall) and
 * per (architecture, syscall, argument values), in two small open-addressing
 * hash tables that grow by doubling.
 */
#include <string.h>

#include "scprof/record.h"
#include "util/util.h"

struct obs_entry {
	const struct scprof_arch *arch; /* NULL: empty slot */
	int nr;
	uint64_t v1, v2;
	uint64_t count;
};

struct obs_table {
	struct obs_entry *e;
	size_t cap, used;
};

struct scprof_obs {
	struct obs_table calls;
	struct obs_table args;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t entry_hash(const struct scprof_arch *arch, int nr, uint64_t v1, uint64_t v2)
{
	return mix((uintptr_t)arch ^ mix((uint64_t)(uint32_t)nr ^ mix(v1 ^ mix(v2))));
}

static struct obs_entry *table_slot(struct obs_table *t, const struct scprof_arch *arch, int nr,
				    uint64_t v1, uint64_t v2)
{
	size_t i = entry_hash(arch, nr, v1, v2) & (t->cap - 1);

	while (t->e[i].arch &&
	       !(t->e[i].arch == arch && t->e[i].nr == nr && t->e[i].v1 == v1 && t->e[i].v2 == v2))
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

static void table_add(struct obs_table *t, const struct scprof_arch *arch, int nr, uint64_t v1,
		      uint64_t v2, uint64_t count)
{
	if ((t->used + 1) * 2 > t->cap) {
		struct obs_table n = { .cap = t->cap ? t->cap * 2 : 64 };

		n.e = xcalloc(n.cap, sizeof(*n.e));
		for (size_t i = 0; i < t->cap; i++)
			if (t->e[i].arch)
				*table_slot(&n, t->e[i].arch, t->e[i].nr, t->e[i].v1, t->e[i].v2) =
					t->e[i];
		n.used = t->used;
		free(t->e);
		*t = n;
	}
	struct obs_entry *e = table_slot(t, arch, nr, v1, v2);

	if (!e->arch) {
		*e = (struct obs_entry){ .arch = arch, .nr = nr, .v1 = v1, .v2 = v2 };
		t->used++;
	}
	e->count += count;
}

struct scprof_obs *scprof_obs_new(void)
{
	return xcalloc(1, sizeof(struct scprof_obs));
}

void scprof_obs_free(struct scprof_obs *o)
{
	if (!o)
		return;
	free(o->calls.e);
	free(o->args.e);
	free(o);
}

void scprof_obs_add(struct scprof_obs *o, const struct scprof_arch *arch, int nr, uint64_t count)
{
	table_add(&o->calls, arch, nr, 0, 0, count);
}

void scprof_obs_add_arg(struct scprof_obs *o, const struct scprof_arch *arch, int nr, uint64_t v1,
			uint64_t v2, uint64_t count)
{
	table_add(&o->args, arch, nr, v1, v2, count);
}

void scprof_obs_merge(struct scprof_obs *dst, const struct scprof_obs *src)
{
	for (size_t i = 0; i < src->calls.cap; i++)
		if (src->calls.e[i].arch)
			scprof_obs_add(dst, src->calls.e[i].arch, src->calls.e[i].nr,
				       src->calls.e[i].count);
	for (size_t i = 0; i < src->args.cap; i++)
		if (src->args.e[i].arch)
			scprof_obs_add_arg(dst, src->args.e[i].arch, src->args.e[i].nr,
					   src->args.e[i].v1, src->args.e[i].v2,
					   src->args.e[i].count);
}

size_t scprof_obs_count(const struct scprof_obs *o)
{
	return o->calls.used;
}

/*
 * The arguments worth a rule: namespace bits of clone's flags, socket's domain
 * and type, ioctl's request, prctl's option, personality's persona, and the
 * protection of mmap/mprotect (for W^X).  clone takes its flags second on s390
 * (CONFIG_CLONE_BACKWARDS2).
 */
bool scprof_obs_arg_spec(const struct scprof_arch *arch, const char *name, int *a1, int *a2)
{
	static const struct {
		const char *name;
		int a1, a2;
	} spec[] = {
		{ "clone", 0, -1 }, { "socket", 0, 1 },	      { "ioctl", 1, -1 },
		{ "prctl", 0, -1 }, { "personality", 0, -1 }, { "mmap", 2, -1 },
		{ "mmap2", 2, -1 }, { "mprotect", 2, -1 },
	};

	if (!name)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
		if (strcmp(spec[i].name, name))
			continue;
		*a1 = spec[i].a1;
		*a2 = spec[i].a2;
		if (!strcmp(name, "clone") && arch && !strncmp(arch->name, "s390", 4))
			*a1 = 1;
		/* i386's old mmap takes a pointer to its arguments */
		if (!strcmp(name, "mmap") && arch && !strcmp(arch->name, "x86"))
			return false;
		return true;
	}
	return false;
}

static int arch_order(const struct scprof_arch *a)
{
	size_t n;
	const struct scprof_arch *list = scprof_arch_list(&n);

	return (int)(a - list);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct obs_entry *a = pa, *b = pb;
	int oa = arch_order(a->arch), ob = arch_order(b->arch);

	if (oa != ob)
		return oa < ob ? -1 : 1;
	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	if (a->v1 != b->v1)
		return a->v1 < b->v1 ? -1 : 1;
	if (a->v2 != b->v2)
		return a->v2 < b->v2 ? -1 : 1;
	return 0;
}

static struct obs_entry *sorted(const struct obs_table *t)
{
	struct obs_entry *v = xcalloc(t->used + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].arch)
			v[n++] = t->e[i];
	qsort(v, n, sizeof(*v), cmp_entry);
	return v;
}

struct scprof_obs_call *scprof_obs_calls(const struct scprof_obs *o, size_t *n)
{
	_cleanup_free_ struct obs_entry *v = sorted(&o->calls);
	struct scprof_obs_call *out = xcalloc(o->calls.used + 1, sizeof(*out));

	for (size_t i = 0; i < o->calls.used; i++)
		out[i] = (struct scprof_obs_call){ v[i].arch, v[i].nr,
						   scprof_syscall_name(v[i].arch, v[i].nr),
						   v[i].count };
	*n = o->calls.used;
	return out;
}

struct scprof_obs_argval *scprof_obs_argvals(const struct scprof_obs *o, size_t *n)
{
	_cleanup_free_ struct obs_entry *v = sorted(&o->args);
	struct scprof_obs_argval *out = xcalloc(o->args.used + 1, sizeof(*out));

	for (size_t i = 0; i < o->args.used; i++)
		out[i] = (struct scprof_obs_argval){
			v[i].arch, v[i].nr, scprof_syscall_name(v[i].arch, v[i].nr),
			v[i].v1,   v[i].v2, v[i].count
		};
	*n = o->args.used;
	return out;
}
