// SPDX-License-Identifier: LGPL-2.1-or-later
/* Build-time generator: asks libseccomp for every syscall of every architecture and writes sorted C tables. */

/*
 * Output (lib/syscalls/syscall-table.c in the build tree), declared in
 * lib/syscalls/syscall-table.h:
 *
 *   syscall_arches[]   struct scprof_arch per architecture, in a stable order
 *   syscall_tables[]   parallel to syscall_arches: the entries sorted by number,
 *                      an index into them sorted by name, and libseccomp's token
 *   syscall_names[]    the sorted union of all names
 *
 * Numbers come from scanning each architecture's real number range with
 * seccomp_syscall_resolve_num_arch(), so libseccomp's negative pseudo numbers
 * (e.g. x86 socket() multiplexed through socketcall) never enter a table.
 */
#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct range {
	int lo, hi; /* inclusive */
};

struct arch_desc {
	const char *name;
	const char *go_name;
	uint32_t token; /* AUDIT_ARCH_*, as the kernel reports it */
	unsigned bits;
	bool big_endian;
	struct range ranges[2];
};

#define X32_SYSCALL_BIT 0x40000000
#define ARM_NR_BASE 0x0f0000

/*
 * AUDIT_ARCH_* values from <linux/audit.h>; spelled out so that the tables do
 * not depend on the build host's kernel headers (loongarch64 needs 5.19).
 */
static const struct arch_desc arches[] = {
	{ "x86_64", "amd64", 0xc000003e, 64, false, { { 0, 2047 } } },
	{ "x86", "x86", 0x40000003, 32, false, { { 0, 2047 } } },
	/* x32 shares AUDIT_ARCH_X86_64; its numbers carry __X32_SYSCALL_BIT. */
	{ "x32", "x32", 0xc000003e, 32, false, { { X32_SYSCALL_BIT, X32_SYSCALL_BIT + 2047 } } },
	{ "aarch64", "arm64", 0xc00000b7, 64, false, { { 0, 2047 } } },
	/* arch/arm/include/uapi/asm/unistd.h: private calls at __ARM_NR_BASE. */
	{ "arm", "arm", 0x40000028, 32, false, { { 0, 2047 }, { ARM_NR_BASE, ARM_NR_BASE + 0xff } } },
	{ "riscv64", "riscv64", 0xc00000f3, 64, false, { { 0, 2047 } } },
	{ "ppc64le", "ppc64le", 0xc0000015, 64, false, { { 0, 2047 } } },
	{ "ppc64", "ppc64", 0x80000015, 64, true, { { 0, 2047 } } },
	{ "ppc", "ppc", 0x00000014, 32, true, { { 0, 2047 } } },
	{ "s390x", "s390x", 0x80000016, 64, true, { { 0, 2047 } } },
	{ "s390", "s390", 0x00000016, 32, true, { { 0, 2047 } } },
	/* MIPS ABIs number from 4000 (o32), 5000 (n64) and 6000 (n32). */
	{ "mips", "mips", 0x00000008, 32, true, { { 4000, 5999 } } },
	{ "mipsel", "mipsle", 0x40000008, 32, false, { { 4000, 5999 } } },
	{ "mips64", "mips64", 0x80000008, 64, true, { { 5000, 5999 } } },
	{ "mipsel64", "mips64le", 0xc0000008, 64, false, { { 5000, 5999 } } },
	{ "mips64n32", "mips64p32", 0xa0000008, 32, true, { { 6000, 6000 + 2047 } } },
	{ "mipsel64n32", "mips64p32le", 0xe0000008, 32, false, { { 6000, 6000 + 2047 } } },
	{ "parisc", "parisc", 0x0000000f, 32, true, { { 0, 2047 } } },
	{ "parisc64", "parisc64", 0x8000000f, 64, true, { { 0, 2047 } } },
	/* Not known to libseccomp 2.5.4 (added in 2.6): listed, without a table. */
	{ "loongarch64", "loong64", 0xc0000102, 64, false, { { 0, 2047 } } },
};

#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

struct entry {
	int nr;
	char *name;
};

struct table {
	uint32_t scmp_token;
	struct entry *e;
	size_t n, alloc;
	size_t *by_name; /* indexes into e */
};

static void *xrealloc_or_die(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen-syscalls: out of memory\n");
		exit(1);
	}
	return p;
}

static const struct entry *sort_base;

static int cmp_index_by_name(const void *a, const void *b)
{
	const struct entry *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	int r = strcmp(x->name, y->name);
	return r ? r : (x->nr > y->nr) - (x->nr < y->nr);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan(const struct arch_desc *d, struct table *t)
{
	t->scmp_token = seccomp_arch_resolve_name(d->name);
	/* Token 0 is SCMP_ARCH_NATIVE: resolving with it would describe the build host. */
	if (!t->scmp_token)
		return 0;
	for (size_t r = 0; r < 2; r++) {
		const struct range *rg = &d->ranges[r];
		if (!rg->hi)
			continue;
		for (int nr = rg->lo; nr <= rg->hi; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(t->scmp_token, nr);
			if (!name)
				continue;
			if (t->n == t->alloc) {
				t->alloc = t->alloc ? 2 * t->alloc : 512;
				t->e = xrealloc_or_die(t->e, t->alloc * sizeof(*t->e));
			}
			t->e[t->n++] = (struct entry){ nr, name };
		}
	}
	t->by_name = xrealloc_or_die(NULL, t->n * sizeof(*t->by_name));
	for (size_t i = 0; i < t->n; i++)
		t->by_name[i] = i;
	sort_base = t->e;
	qsort(t->by_name, t->n, sizeof(*t->by_name), cmp_index_by_name);
	/* bsearch by name needs unique names; libseccomp maps each name to one number. */
	for (size_t i = 1; i < t->n; i++) {
		if (!strcmp(t->e[t->by_name[i]].name, t->e[t->by_name[i - 1]].name)) {
			fprintf(stderr, "gen-syscalls: %s: '%s' has two numbers\n", d->name,
				t->e[t->by_name[i]].name);
			return -1;
		}
	}
	return 0;
}

static void emit(FILE *f, struct table *tables)
{
	fprintf(f,
		"// SPDX-License-Identifier: LGPL-2.1-or-later\n"
		"/* Syscall tables generated by tools/gen-syscalls from libseccomp %u.%u.%u; do not edit. */\n"
		"#include \"syscalls/syscall-table.h\"\n\n"
		"_Static_assert(SYSCALL_ARCH_COUNT == %zu, \"syscall-table.h and gen-syscalls disagree\");\n\n",
		seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
		N_ARCHES);

	for (size_t a = 0; a < N_ARCHES; a++) {
		const struct table *t = &tables[a];
		if (!t->n)
			continue;
		fprintf(f, "static const struct scprof_syscall_entry by_nr_%s[%zu] = {\n",
			arches[a].name, t->n);
		for (size_t i = 0; i < t->n; i++)
			fprintf(f, "\t{ %d, \"%s\" },\n", t->e[i].nr, t->e[i].name);
		fprintf(f, "};\n\nstatic const uint16_t by_name_%s[%zu] = {\n", arches[a].name,
			t->n);
		for (size_t i = 0; i < t->n; i++)
			fprintf(f, "\t%zu,\n", t->by_name[i]);
		fprintf(f, "};\n\n");
	}

	fprintf(f, "const struct scprof_arch syscall_arches[SYSCALL_ARCH_COUNT] = {\n");
	for (size_t a = 0; a < N_ARCHES; a++) {
		const struct arch_desc *d = &arches[a];
		const struct table *t = &tables[a];
		char scmp[64];
		snprintf(scmp, sizeof(scmp), "SCMP_ARCH_%s", d->name);
		for (char *p = scmp; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		fprintf(f,
			"\t{ .name = \"%s\", .scmp_name = \"%s\", .go_name = \"%s\", .token = 0x%08" PRIx32
			", .bits = %u, .big_endian = %s, .has_table = %s, .nr_min = %d, .nr_max = %d },\n",
			d->name, scmp, d->go_name, d->token, d->bits,
			d->big_endian ? "true" : "false", t->n ? "true" : "false",
			t->n ? t->e[0].nr : 0, t->n ? t->e[t->n - 1].nr : -1);
	}
	fprintf(f, "};\n\nconst struct syscall_table syscall_tables[SYSCALL_ARCH_COUNT] = {\n");
	for (size_t a = 0; a < N_ARCHES; a++) {
		const struct table *t = &tables[a];
		if (t->n)
			fprintf(f,
				"\t{ .scmp_token = 0x%08" PRIx32
				", .by_nr = by_nr_%s, .by_name = by_name_%s, .n = %zu },\n",
				t->scmp_token, arches[a].name, arches[a].name, t->n);
		else
			fprintf(f, "\t{ .scmp_token = 0, .by_nr = 0, .by_name = 0, .n = 0 },\n");
	}
	fprintf(f, "};\n\n");

	size_t total = 0;
	for (size_t a = 0; a < N_ARCHES; a++)
		total += tables[a].n;
	char **all = xrealloc_or_die(NULL, total * sizeof(*all));
	size_t n = 0;
	for (size_t a = 0; a < N_ARCHES; a++)
		for (size_t i = 0; i < tables[a].n; i++)
			all[n++] = tables[a].e[i].name;
	qsort(all, n, sizeof(*all), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || strcmp(all[u - 1], all[i]))
			all[u++] = all[i];
	fprintf(f, "const char *const syscall_names[%zu] = {\n", u);
	for (size_t i = 0; i < u; i++)
		fprintf(f, "\t\"%s\",\n", all[i]);
	fprintf(f, "};\n\nconst size_t syscall_names_count = %zu;\n", u);
	free(all);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-syscalls OUTPUT.c\n");
		return 2;
	}
	static struct table tables[N_ARCHES];
	for (size_t a = 0; a < N_ARCHES; a++) {
		if (scan(&arches[a], &tables[a]) < 0)
			return 1;
		if (tables[a].n > UINT16_MAX) {
			fprintf(stderr, "gen-syscalls: %s: too many syscalls\n", arches[a].name);
			return 1;
		}
	}
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		fprintf(stderr, "gen-syscalls: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 1;
	}
	emit(f, tables);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "gen-syscalls: cannot write '%s'\n", argv[1]);
		remove(argv[1]);
		return 1;
	}
	for (size_t a = 0; a < N_ARCHES; a++) {
		for (size_t i = 0; i < tables[a].n; i++)
			free(tables[a].e[i].name);
		free(tables[a].e);
		free(tables[a].by_name);
	}
	return 0;
}
