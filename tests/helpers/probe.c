// SPDX-License-Identifier: LGPL-2.1-or-later
/* Make a list of harmless syscalls in this process and print what each returned, for runc vs scprof run. */
#include "abi.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * usage: probe CALL...
 *
 * A static workload that runs the same inside a busybox rootfs under runc and on the
 * host under `scprof run`: no dynamic loader, no libc wrappers (glibc's may pick other
 * syscalls, e.g. fstatat for stat), only the raw calls below, in the order given.
 * Prints one line per call and exits 0:
 *   NAME ok          the call returned a non-negative value (not printed: pids differ)
 *   NAME errno N     the call returned -N
 * A call the filter kills ends the process: the lines before it are already written.
 * Exits 2, before any call, on a name it does not know.
 *
 * Every call changes nothing that outlives the process: arguments are chosen so that
 * an allowed call fails in the kernel, only queries, or is undone (socket is closed,
 * the mkdirat directory removed).  x86:NAME makes the call on the i386 ABI
 * (int $0x80); a number of 1024 or more is a call no kernel has (ENOSYS if allowed).
 */

#define EXIT_USAGE 2
#define FIRST_UNUSED_NR 1024
#define ARCH_GET_FS 0x1003 /* asm/prctl.h */

enum after {
	NOTHING,
	CLOSE_FD,
	RMDIR,
};

static char buf[4096];

/* Numbers from arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl. */
static const struct call {
	const char *name;
	long nr;
	uint64_t args[6];
	enum after after;
	bool x86;
} calls[] = {
	{ "getpid", 39, { 0 } },
	{ "getppid", 110, { 0 } },
	{ "getuid", 102, { 0 } },
	{ "gettid", 186, { 0 } },
	{ "sched_yield", 24, { 0 } },
	{ "getcwd", 79, { 1 /* buf */, sizeof(buf) } },
	{ "uname", 63, { 1 /* buf */ } },
	{ "arch_prctl", 158, { ARCH_GET_FS, 1 /* buf */ } },
	/* only asks for the persona */
	{ "personality", 135, { 0xffffffff } },
	/* a request no kernel has: EIO */
	{ "ptrace", 101, { 0xffffffff } },
	{ "socket_unix", 41, { 1, 1, 0 }, CLOSE_FD },
	{ "socket_inet", 41, { 2, 1, 0 }, CLOSE_FD },
	{ "socket_38", 41, { 38, 1, 0 }, CLOSE_FD },
	{ "socket_vsock", 41, { 40, 1, 0 }, CLOSE_FD },
	/* size 0 is below CLONE_ARGS_SIZE_VER0: EINVAL */
	{ "clone3", 435, { 0, 0 } },
	{ "mkdirat", 258, { (uint64_t)AT_FDCWD, 2 /* "probe.d" */, 0700 }, RMDIR },
	/* no flags: nothing is unshared */
	{ "unshare", 272, { 0 } },
	{ "setns", 308, { (uint64_t)-1, 0 } },
	/* no entries and no params: EFAULT */
	{ "io_uring_setup", 425, { 0, 0 } },
	/* a command no kernel has */
	{ "bpf", 321, { 0xffffff, 0, 0 } },
	/* SYSLOG_ACTION_SIZE_BUFFER */
	{ "syslog", 103, { 10, 0, 0 } },
	{ "x86:getpid", 20, { 0 }, NOTHING, true },
	{ "x86:personality", 136, { 0xffffffff }, NOTHING, true },
};

static void put(const char *s)
{
	ssize_t r = write(1, s, strlen(s));
	(void)r;
}

static void put_num(long n)
{
	char d[24];
	int i = sizeof(d);
	d[--i] = 0;
	do
		d[--i] = (char)('0' + n % 10);
	while (n /= 10);
	put(d + i);
}

/* args 1 and 2 stand for the buffer and the directory name: static addresses */
static uint64_t fix_arg(uint64_t a, long nr, int i)
{
	if ((nr == 79 || nr == 63) && i == 0 && a == 1)
		return (uint64_t)(uintptr_t)buf;
	if (nr == 158 && i == 1 && a == 1)
		return (uint64_t)(uintptr_t)buf;
	if (nr == 258 && i == 1 && a == 2)
		return (uint64_t)(uintptr_t) "probe.d";
	return a;
}

static const struct call *lookup(const char *name, struct call *unused)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(name, calls[i].name))
			return &calls[i];
	char *end;
	errno = 0;
	long nr = strtol(name, &end, 0);
	if (errno || *end || end == name || nr < FIRST_UNUSED_NR)
		return NULL;
	*unused = (struct call){ .name = name, .nr = nr };
	return unused;
}

int main(int argc, char **argv)
{
	struct call unused[64];

	if (argc < 2 || argc > 65) {
		put("usage: probe CALL...\n");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
		if (!lookup(argv[i], &unused[i - 1])) {
			put("probe: unknown or unsafe call '");
			put(argv[i]);
			put("'\n");
			return EXIT_USAGE;
		}
	for (int i = 1; i < argc; i++) {
		const struct call *c = lookup(argv[i], &unused[i - 1]);
		uint64_t a[6];
		for (int j = 0; j < 6; j++)
			a[j] = fix_arg(c->args[j], c->nr, j);
		long ret = c->x86 ? call_int80(c->nr, a) : call_x86_64(c->nr, a);
		put(argv[i]);
		if (ret < 0 && ret >= -4095) {
			put(" errno ");
			put_num(-ret);
		} else {
			put(" ok");
		}
		put("\n");
		if (ret >= 0 && c->after == CLOSE_FD)
			close((int)ret);
		if (ret >= 0 && c->after == RMDIR)
			rmdir("probe.d");
	}
	return 0;
}
