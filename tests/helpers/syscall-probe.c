// SPDX-License-Identifier: LGPL-2.1-or-later
/* Make one harmless syscall in this very process, so that a seccomp kill ends the process itself. */
#include "abi.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * usage: syscall-probe [--x86] NAME|NR [ARG...]
 *
 * A workload for `scprof run`: unlike try-syscall it loads no filter and forks no
 * child, so the filter scprof loaded decides, and a KILL ends the command scprof
 * waits for.  Prints one line and exits 0:
 *   errno N        the call returned -N
 *   ok RET         the call returned RET
 * --x86 makes the call on the i386 ABI (int $0x80).  Exits 2 on bad usage or a
 * call that is not harmless.
 */

#define EXIT_USAGE 2
/* no kernel has syscalls there: the kernel returns ENOSYS if the filter lets them by */
#define FIRST_UNUSED_NR 1024

/* Numbers from arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl. */
static const struct {
	const char *name;
	long x86_64, x86;
} calls[] = {
	{ "getpid", 39, 20 },	     { "getppid", 110, 64 },	 { "getuid", 102, 24 },
	{ "gettid", 186, 224 },	     { "sched_yield", 24, 158 }, { "ptrace", 101, 26 },
	{ "personality", 135, 136 },
};

static int usage(void)
{
	fprintf(stderr, "usage: syscall-probe [--x86] NAME|NR [ARG...]\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	bool x86 = argc > 1 && !strcmp(argv[1], "--x86");
	uint64_t args[6] = { 0 };
	const char *name = NULL;
	char *end;
	long nr;

	argv += x86;
	argc -= x86;
	if (argc < 2 || argc > 8)
		return usage();
	errno = 0;
	nr = strtol(argv[1], &end, 0);
	if (errno || *end || end == argv[1]) {
		nr = -1;
		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
			if (!strcmp(argv[1], calls[i].name)) {
				name = calls[i].name;
				nr = x86 ? calls[i].x86 : calls[i].x86_64;
			}
	}
	for (int i = 2; i < argc; i++) {
		errno = 0;
		args[i - 2] = strtoull(argv[i], &end, 0);
		if (errno || *end || end == argv[i])
			return usage();
	}
	/*
	 * Only calls that change nothing: ptrace with a request no kernel has (EIO), a
	 * personality query, numbers past every table (ENOSYS), and getters.
	 */
	if (!name && nr < FIRST_UNUSED_NR)
		nr = -1;
	if (name && !strcmp(name, "ptrace") && args[0] != 0xffffffffULL)
		nr = -1;
	if (name && !strcmp(name, "personality") && args[0] != 0xffffffffULL)
		nr = -1;
	if (nr < 0) {
		fprintf(stderr, "syscall-probe: refusing '%s': not a harmless call\n", argv[1]);
		return EXIT_USAGE;
	}
	fflush(NULL);
	long ret = x86 ? call_int80(nr, args) : call_x86_64(nr, args);
	if (ret < 0 && ret >= -4095)
		printf("errno %ld\n", -ret);
	else
		printf("ok %ld\n", ret);
	return 0;
}
