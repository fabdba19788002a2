// SPDX-License-Identifier: LGPL-2.1-or-later
/* Architectures: the list, lookups by any usual spelling or audit token, and the native one. */
#include <strings.h>

#include "syscalls/syscall-table.h"
#include "util/util.h"

#define AUDIT_ARCH_X86_64 0xc000003eu
/* libseccomp's SCMP_ARCH_X32 (EM_X86_64 | __AUDIT_ARCH_LE); the kernel never reports it. */
#define SCMP_ARCH_X32_TOKEN 0x4000003eu
#define X32_SYSCALL_BIT 0x40000000

/* Spellings that are neither canonical, SCMP_ARCH_* nor Go names: uname -m, audit, Debian. */
static const struct {
	const char *alias;
	const char *name;
} aliases[] = {
	{ "x86-64", "x86_64" },
	{ "x64", "x86_64" },
	{ "i386", "x86" },
	{ "i486", "x86" },
	{ "i586", "x86" },
	{ "i686", "x86" },
	{ "386", "x86" },
	{ "ia32", "x86" },
	{ "armv7l", "arm" },
	{ "armv6l", "arm" },
	{ "armhf", "arm" },
	{ "armel", "arm" },
	{ "armv8l", "arm" },
	{ "riscv", "riscv64" },
	{ "powerpc64le", "ppc64le" },
	{ "powerpc64", "ppc64" },
	{ "powerpc", "ppc" },
	{ "ppc64el", "ppc64le" },
	{ "mips64el", "mipsel64" },
	{ "mipsle64", "mipsel64" },
	{ "mipsn32", "mips64n32" },
	{ "mipsn32el", "mipsel64n32" },
	{ "hppa", "parisc" },
	{ "hppa64", "parisc64" },
	{ "loong64", "loongarch64" },
};

const struct scprof_arch *scprof_arch_list(size_t *n)
{
	if (n)
		*n = SYSCALL_ARCH_COUNT;
	return syscall_arches;
}

const struct scprof_arch *scprof_arch_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < SYSCALL_ARCH_COUNT; i++) {
		const struct scprof_arch *a = &syscall_arches[i];
		if (!strcasecmp(name, a->name) || !strcasecmp(name, a->scmp_name) ||
		    !strcasecmp(name, a->go_name))
			return a;
	}
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcasecmp(name, aliases[i].alias))
			return scprof_arch_by_name(aliases[i].name);
	return NULL;
}

const struct scprof_arch *scprof_arch_by_token(uint32_t token)
{
	if (token == SCMP_ARCH_X32_TOKEN)
		return scprof_arch_by_name("x32");
	/* The first match wins, and x86_64 comes before x32 in the list. */
	for (size_t i = 0; i < SYSCALL_ARCH_COUNT; i++)
		if (syscall_arches[i].token == token)
			return &syscall_arches[i];
	return NULL;
}

const struct scprof_arch *scprof_arch_for_call(uint32_t token, int nr)
{
	if (token == AUDIT_ARCH_X86_64 && nr >= 0 && (nr & X32_SYSCALL_BIT))
		return scprof_arch_by_name("x32");
	return scprof_arch_by_token(token);
}

uint32_t scprof_arch_scmp_token(const struct scprof_arch *arch)
{
	if (!arch)
		return 0;
	for (size_t i = 0; i < SYSCALL_ARCH_COUNT; i++)
		if (!strcmp(syscall_arches[i].name, arch->name))
			return syscall_tables[i].scmp_token;
	return 0;
}

const struct scprof_arch *scprof_arch_native(void)
{
	/* The same choices as libseccomp's arch.c, from the compiler's target macros. */
#if defined(__x86_64__) && defined(__ILP32__)
	return scprof_arch_by_name("x32");
#elif defined(__x86_64__)
	return scprof_arch_by_name("x86_64");
#elif defined(__i386__)
	return scprof_arch_by_name("x86");
#elif defined(__aarch64__)
	return scprof_arch_by_name("aarch64");
#elif defined(__arm__)
	return scprof_arch_by_name("arm");
#elif defined(__riscv) && __riscv_xlen == 64
	return scprof_arch_by_name("riscv64");
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return scprof_arch_by_name("ppc64le");
#elif defined(__powerpc64__)
	return scprof_arch_by_name("ppc64");
#elif defined(__powerpc__)
	return scprof_arch_by_name("ppc");
#elif defined(__s390x__)
	return scprof_arch_by_name("s390x");
#elif defined(__s390__)
	return scprof_arch_by_name("s390");
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_ABI64
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return scprof_arch_by_name("mipsel64");
#else
	return scprof_arch_by_name("mips64");
#endif
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_NABI32
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return scprof_arch_by_name("mipsel64n32");
#else
	return scprof_arch_by_name("mips64n32");
#endif
#elif defined(__mips__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return scprof_arch_by_name("mipsel");
#else
	return scprof_arch_by_name("mips");
#endif
#elif defined(__hppa64__)
	return scprof_arch_by_name("parisc64");
#elif defined(__hppa__)
	return scprof_arch_by_name("parisc");
#elif defined(__loongarch64)
	return scprof_arch_by_name("loongarch64");
#else
	return NULL;
#endif
}
