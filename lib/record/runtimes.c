// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a recorded profile must know beyond the recording: the syscalls a
 * container runtime makes after it loaded the filter, and the syscalls that
 * --mode audit denies because a container rarely needs them and they are the
 * usual way out of one.  The runtimes' lists are also the built-in base
 * profiles (baseProfileName: runc).
 */
#include <pthread.h>
#include <string.h>

#include "record/runc-syscalls.h"
#include "scprof/record.h"
#include "util/util.h"

/*
 * runc's init is a Go program: on the thread that loaded the filter its
 * runtime may at any moment take a signal (rt_sigreturn, sigaltstack), wait
 * or yield (futex, nanosleep, sched_yield), get memory (mmap, munmap,
 * madvise), mask signals, or start a thread (clone).  The measurement saw
 * futex and rt_sigreturn in a few runs of 50 and the rest never in about 1,200,
 * but a profile without them would kill the container once in a while.
 */
static const char *const go_runtime_margin[] = {
	"clone",	  "futex",	  "madvise",	 "mmap",	"munmap", "nanosleep",
	"rt_sigprocmask", "rt_sigreturn", "sched_yield", "sigaltstack", NULL,
};

static const struct {
	const char *name;
	const char *const *measured;
	const char *const *margin;
	const char *version;
} runtimes[] = {
	{ "runc", runc_syscalls, go_runtime_margin, RUNC_SYSCALLS_VERSION },
};

/* measured + margin, sorted and de-duplicated, built once */
static const char **combined[ARRAY_SIZE(runtimes)];
static pthread_once_t combined_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void build_combined(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(runtimes); i++) {
		size_t n = 0, m = 0;

		while (runtimes[i].measured[n])
			n++;
		while (runtimes[i].margin[m])
			m++;
		const char **v = xcalloc(n + m + 1, sizeof(*v));

		memcpy(v, runtimes[i].measured, n * sizeof(*v));
		memcpy(v + n, runtimes[i].margin, m * sizeof(*v));
		qsort(v, n + m, sizeof(*v), cmp_str);
		size_t k = 0;

		for (size_t j = 0; j < n + m; j++)
			if (!k || strcmp(v[k - 1], v[j]))
				v[k++] = v[j];
		v[k] = NULL;
		combined[i] = v;
	}
}

const char *const *scprof_runtime_syscalls(const char *runtime, const char **version)
{
	if (version)
		*version = NULL;
	if (!runtime)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(runtimes); i++) {
		if (strcmp(runtimes[i].name, runtime))
			continue;
		pthread_once(&combined_once, build_combined);
		if (version)
			*version = runtimes[i].version;
		return combined[i];
	}
	return NULL;
}

int scprof_runtime_base(const char *name, struct scprof_profile **out, void *data UNUSED)
{
	const char *const *names = scprof_runtime_syscalls(name, NULL);

	*out = NULL;
	if (!names)
		return -ENOENT;
	struct scprof_profile *p = scprof_profile_new();

	p->default_action = SCPROF_ACT_ERRNO;
	struct scprof_rule *r = scprof_profile_add_rule(p, SCPROF_ACT_ALLOW);

	for (size_t i = 0; names[i]; i++)
		scprof_rule_add_name(r, names[i]);
	*out = p;
	return 0;
}

/*
 * The dangerous list: mostly what Docker's default profile keeps from a
 * container without CAP_SYS_ADMIN and friends (moby profiles/seccomp), plus
 * io_uring, whose operations seccomp never sees.  personality is left out:
 * programs query it (personality(0xffffffff)), and --args restricts it to the
 * values seen.
 */
static const char *const dangerous[] = {
	/* load code into the kernel */
	"init_module",
	"finit_module",
	"delete_module",
	"create_module",
	/* replace the running kernel, or stop it */
	"kexec_load",
	"kexec_file_load",
	"reboot",
	/* take over the host's swap, mounts and root */
	"swapon",
	"swapoff",
	"mount",
	"umount",
	"umount2",
	"pivot_root",
	/* the new mount API (5.2): the same as mount, in pieces */
	"mount_setattr",
	"move_mount",
	"open_tree",
	"fsopen",
	"fsconfig",
	"fsmount",
	"fspick",
	/* kernel attack surface and side channels (CVE-2021-3490, CVE-2013-2094...) */
	"bpf",
	"perf_event_open",
	/* read and write other processes' memory; compare their kernel objects */
	"ptrace",
	"process_vm_readv",
	"process_vm_writev",
	"kcmp",
	/* open files by handle, past the mount namespace (the 2014 "shocker" escape) */
	"open_by_handle_at",
	"name_to_handle_at",
	/* the kernel keyring is not namespaced */
	"add_key",
	"request_key",
	"keyctl",
	/* raw I/O port access */
	"iopl",
	"ioperm",
	/* host-wide state: process accounting, the clock, the kernel log */
	"acct",
	"settimeofday",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"stime",
	"syslog",
	/* lets an exploit stall the kernel on a page fault of its choosing to win a race */
	"userfaultfd",
	/* new namespaces bring new attack surface (user namespaces: many CVEs) */
	"unshare",
	"setns",
	/* old or host-wide interfaces nobody in a container needs */
	"lookup_dcookie",
	"quotactl",
	"quotactl_fd",
	"nfsservctl",
	"uselib",
	"_sysctl",
	"vhangup",
	"vm86",
	"vm86old",
	"get_kernel_syms",
	"query_module",
	/* io_uring runs its operations without seccomp seeing them */
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	NULL,
};

const char *const *scprof_dangerous_syscalls(void)
{
	return dangerous;
}
