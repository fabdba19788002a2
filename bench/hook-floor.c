// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hook-floor CMD [ARG...]: run CMD with an empty program attached to the
 * syscall-entry hook the eBPF recorder uses, for the benchmark's floor.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "empty.skel.h"

int main(int argc, char **argv)
{
	struct empty_bpf *skel;
	int st;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: hook-floor CMD [ARG...]\n");
		return 2;
	}
	skel = empty_bpf__open_and_load();
	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "hook-floor: cannot load the empty program\n");
		return 125;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	empty_bpf__destroy(skel);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
