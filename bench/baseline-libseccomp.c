// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Benchmark baseline: libseccomp alone building a filter for x86_64, x86 and x32
 * from a list of "ACTION NAME" lines (hex action), exported to /dev/null.  It is
 * what any runtime pays for the same rule volume without reading a profile.
 */
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: baseline-libseccomp RULES ITERATIONS\n");
		return 2;
	}
	int iterations = atoi(argv[2]);
	for (int it = 0; it < iterations; it++) {
		FILE *f = fopen(argv[1], "r");
		if (!f)
			return 1;
		scmp_filter_ctx c = seccomp_init(SCMP_ACT_ERRNO(1));
		seccomp_arch_add(c, SCMP_ARCH_X86);
		seccomp_arch_add(c, SCMP_ARCH_X32);
		unsigned action;
		char name[128];
		while (fscanf(f, "%x %127s", &action, name) == 2) {
			int nr = seccomp_syscall_resolve_name(name);
			if (nr != __NR_SCMP_ERROR)
				seccomp_rule_add(c, action, nr, 0);
		}
		fclose(f);
		int fd = open("/dev/null", O_WRONLY);
		if (seccomp_export_bpf(c, fd) < 0)
			return 1;
		close(fd);
		seccomp_release(c);
	}
	return 0;
}
