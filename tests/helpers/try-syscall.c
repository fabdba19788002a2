// SPDX-License-Identifier: LGPL-2.1-or-later
/* Load a raw seccomp filter in a child and make one harmless syscall under it, on any x86 ABI. */
#include "abi.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scprof/bpf.h"
#include "scprof/syscalls.h"
#include "util/util.h"

/*
 * usage: try-syscall FILTER.bpf ARCH NR|NAME [ARG...]
 *        try-syscall --probe ARCH
 *
 * Prints one line and exits 0:
 *   errno N        the call returned -N (the filter's ERRNO, or the kernel's own)
 *   ok RET         the call ran and returned RET
 *   trap DATA      SIGSYS with si_code SYS_SECCOMP; DATA is si_errno (the filter's data)
 *   killed SIG     the child died by signal SIG (31 for a seccomp kill)
 * Exits 125 when the filter cannot be loaded, 77 (printing "skip: ...") when the
 * kernel cannot make calls in that ABI, 2 on bad usage.  --probe exits 0 when calls
 * in ARCH reach the kernel's syscall table, 77 when they do not (x86 without
 * IA32 emulation, x32 without CONFIG_X86_X32_ABI; seccomp still sees x32 calls then).
 *
 * Only harmless calls are made: the child is throwaway, but a call such as
 * reboot or kill(-1) would not be.  Buffers for 32-bit calls live below 4 GiB.
 */

#define X32_BIT 0x40000000L
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (uapi asm-generic/siginfo.h) */
#endif
#define EXIT_SETUP 125
#define EXIT_SKIP 77
#define EXIT_USAGE 2
/* no kernel has syscalls there: the kernel returns ENOSYS if the filter lets them by */
#define FIRST_UNUSED_NR 1024

enum phase {
	PH_START,
	PH_CALLING,
	PH_DONE,
	PH_TRAPPED,
	PH_SETUP_FAILED,
};

/* Shared with the child, below 4 GiB so that 32-bit calls can point into it. */
struct shared {
	volatile int phase;
	volatile long ret;
	volatile int trap_errno, trap_syscall;
	volatile unsigned trap_arch;
	volatile int setup_errno;
	char buf[2048];
};

static struct shared *sh;

enum abi {
	ABI_X86_64,
	ABI_X86,
	ABI_X32,
};

static long make_call(enum abi abi, long nr, const uint64_t a[6])
{
	switch (abi) {
	case ABI_X86:
		return call_int80(nr, a);
	case ABI_X32:
		return call_x86_64(nr | X32_BIT, a);
	default:
		return call_x86_64(nr, a);
	}
}

static void raw_exit(int code)
{
	syscall(SYS_exit_group, code);
	syscall(SYS_exit, code);
	__builtin_trap();
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	if (sh->phase == PH_CALLING && si->si_code == SYS_SECCOMP) {
		sh->trap_errno = si->si_errno;
		sh->trap_syscall = si->si_syscall;
		sh->trap_arch = si->si_arch;
		sh->phase = PH_TRAPPED;
	}
	raw_exit(0);
}

static void say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

/* The child: everything from here on is async-signal-safe. */
static void child(const struct sock_fprog *prog, enum abi abi, long nr, const uint64_t args[6],
		  bool close_result)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	struct rlimit no_core = { 0, 0 };

	/* a seccomp kill dumps core: not thousands of them */
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sigaction(SIGSYS, &sa, NULL) < 0) {
		sh->setup_errno = errno;
		sh->phase = PH_SETUP_FAILED;
		_exit(EXIT_SETUP);
	}
	if (prog && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0) {
		sh->setup_errno = errno;
		sh->phase = PH_SETUP_FAILED;
		say("try-syscall: cannot load the filter: seccomp(SECCOMP_SET_MODE_FILTER) failed\n");
		_exit(EXIT_SETUP);
	}
	sh->phase = PH_CALLING;
	long ret = make_call(abi, nr, args);
	sh->ret = ret;
	sh->phase = PH_DONE;
	if (close_result && ret >= 0)
		close((int)ret);
	raw_exit(0);
}

/* Run the call in a child; returns the child's wait status. */
static int run_child(const struct sock_fprog *prog, enum abi abi, long nr, const uint64_t args[6],
		     bool close_result)
{
	sh->phase = PH_START;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("try-syscall: fork");
		exit(EXIT_SETUP);
	}
	if (pid == 0)
		child(prog, abi, nr, args, close_result);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("try-syscall: waitpid");
			exit(EXIT_SETUP);
		}
	return status;
}

/* Do calls in @abi reach the syscall table?  getpid, unfiltered, must return a pid. */
static bool abi_works(enum abi abi, const char **why)
{
	static const uint64_t none[6];
	long nr = abi == ABI_X86 ? 20 : 39; /* getpid */
	run_child(NULL, abi, nr, none, false);
	if (sh->phase == PH_DONE && sh->ret > 0)
		return true;
	if (abi == ABI_X86)
		*why = "the kernel cannot run 32-bit calls (no IA32 emulation, or ia32_emulation=0)";
	else
		*why = "the kernel has no x32 ABI (CONFIG_X86_X32_ABI is off)";
	return false;
}

static bool harmless(const struct scprof_arch *arch, long nr, const uint64_t a[6])
{
	static const char *const names[] = {
		"getpid", "getppid", "getuid",	    "geteuid", "getgid", "getegid",
		"gettid", "getpgrp", "sched_yield", "uname",   "socket", "personality",
	};
	long full = !strcmp(arch->name, "x32") ? nr | X32_BIT : nr;
	const char *name = scprof_syscall_name(arch, (int)full);
	if (!name)
		return nr >= FIRST_UNUSED_NR;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			/* personality changes the persona unless it only asks */
			return strcmp(name, "personality") || (uint32_t)a[0] == 0xffffffffU;
	return false;
}

static bool parse_num(const char *s, uint64_t *v)
{
	if (s[0] == '-') {
		char *end;
		errno = 0;
		long long x = strtoll(s, &end, 0);
		if (errno || *end || end == s)
			return false;
		*v = (uint64_t)x;
		return true;
	}
	return parse_u64(s, v);
}

static int usage(void)
{
	fprintf(stderr, "usage: try-syscall FILTER.bpf ARCH NR|NAME [ARG...]\n"
			"       try-syscall --probe ARCH\n");
	return EXIT_USAGE;
}

static bool abi_of(const char *name, enum abi *abi, const struct scprof_arch **arch)
{
	*arch = scprof_arch_by_name(name);
	if (!*arch)
		return false;
	if (!strcmp((*arch)->name, "x86_64"))
		*abi = ABI_X86_64;
	else if (!strcmp((*arch)->name, "x86"))
		*abi = ABI_X86;
	else if (!strcmp((*arch)->name, "x32"))
		*abi = ABI_X32;
	else
		return false;
	return true;
}

int main(int argc, char **argv)
{
	const struct scprof_arch *arch;
	enum abi abi;
	const char *why = NULL;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_32BIT,
		  -1, 0);
	if (sh == MAP_FAILED) {
		perror("try-syscall: mmap");
		return EXIT_SETUP;
	}

	if (argc == 3 && !strcmp(argv[1], "--probe")) {
		if (!abi_of(argv[2], &abi, &arch))
			return usage();
		if (abi_works(abi, &why))
			return 0;
		printf("skip: %s\n", why);
		return EXIT_SKIP;
	}
	if (argc < 4 || argc > 10)
		return usage();
	if (!abi_of(argv[2], &abi, &arch)) {
		fprintf(stderr, "try-syscall: unsupported architecture '%s' (x86_64, x86, x32)\n",
			argv[2]);
		return EXIT_USAGE;
	}

	uint64_t v, args[6] = { 0 };
	long nr;
	if (parse_num(argv[3], &v)) {
		nr = abi == ABI_X32 ? (long)(v & ~(uint64_t)X32_BIT) : (long)v;
	} else {
		int n = scprof_syscall_nr(arch, argv[3]);
		if (n < 0) {
			fprintf(stderr, "try-syscall: no syscall '%s' on %s\n", argv[3],
				arch->name);
			return EXIT_USAGE;
		}
		nr = n & ~X32_BIT;
	}
	for (int i = 4; i < argc; i++)
		if (!parse_num(argv[i], &args[i - 4])) {
			fprintf(stderr, "try-syscall: argument '%s' is not a number\n", argv[i]);
			return EXIT_USAGE;
		}
	if (!harmless(arch, nr, args)) {
		fprintf(stderr,
			"try-syscall: refusing to make syscall %ld on %s: not on the list "
			"of harmless calls\n",
			nr, arch->name);
		return EXIT_USAGE;
	}
	/* uname writes a struct new_utsname: give it a buffer any ABI can address */
	const char *name = scprof_syscall_name(arch, (int)(abi == ABI_X32 ? nr | X32_BIT : nr));
	if (name && !strcmp(name, "uname") && !args[0])
		args[0] = (uint64_t)(uintptr_t)sh->buf;

	_cleanup_free_ char *buf = NULL;
	size_t len;
	struct scprof_bpf *prog = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	if (read_file(argv[1], SCPROF_MAX_INPUT, &buf, &len, &err) < 0 ||
	    scprof_bpf_from_raw(buf, len, &prog, &err) < 0) {
		fprintf(stderr, "try-syscall: %s\n", err->msg);
		return EXIT_SETUP;
	}
	if (abi == ABI_X86 && !abi_works(abi, &why)) {
		printf("skip: %s\n", why);
		scprof_bpf_free(prog);
		return EXIT_SKIP;
	}

	struct sock_fprog fprog = { .len = (unsigned short)prog->len, .filter = prog->insns };
	int status = run_child(&fprog, abi, nr, args, name && !strcmp(name, "socket"));
	scprof_bpf_free(prog);

	switch (sh->phase) {
	case PH_TRAPPED:
		printf("trap %d\n", sh->trap_errno);
		return 0;
	case PH_DONE:
		if (sh->ret < 0 && sh->ret >= -4095)
			printf("errno %ld\n", -sh->ret);
		else
			printf("ok %ld\n", sh->ret);
		return 0;
	case PH_SETUP_FAILED:
		fprintf(stderr, "try-syscall: cannot set up the child: %s\n",
			strerror(sh->setup_errno));
		return EXIT_SETUP;
	default:
		break;
	}
	if (WIFSIGNALED(status)) {
		printf("killed %d\n", WTERMSIG(status));
		return 0;
	}
	fprintf(stderr, "try-syscall: the child exited with status %d before the call returned\n",
		WEXITSTATUS(status));
	return EXIT_SETUP;
}
