// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace-floor CMD [ARG...]: run CMD under the least a SECCOMP_RET_TRACE
 * recorder does, for the benchmark's floor of the ptrace recorder: a filter
 * that traces every call, and per stop one PTRACE_GET_SYSCALL_INFO, a count
 * and PTRACE_CONT.  Follows forks, vforks and threads; no more.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter all[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE) };
	struct sock_fprog prog = { .len = 1, .filter = all };
	static unsigned long counts[1024];
	int st, live = 1, ret = 127;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: trace-floor CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(126);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, WSTOPPED) != pid ||
	    ptrace(PTRACE_SEIZE, pid, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			   PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL) ||
	    kill(pid, SIGCONT)) {
		perror("trace-floor");
		return 125;
	}
	while (live > 0) {
		pid_t p = waitpid(-1, &st, __WALL);
		unsigned event = (unsigned)st >> 16;
		int sig = 0;

		if (p < 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			live--;
			if (p == pid)
				ret = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (event == PTRACE_EVENT_SECCOMP) {
			struct __ptrace_syscall_info info;

			if (ptrace(PTRACE_GET_SYSCALL_INFO, p, sizeof(info), &info) > 0)
				counts[info.seccomp.nr & 1023]++;
		} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
			   event == PTRACE_EVENT_CLONE) {
			live++;
		} else if (event == 0 && WSTOPSIG(st) != SIGSTOP && WSTOPSIG(st) != SIGCONT) {
			sig = WSTOPSIG(st);
		}
		ptrace(PTRACE_CONT, p, 0, sig);
	}
	return ret;
}
