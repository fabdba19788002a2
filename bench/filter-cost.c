// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-syscall cost of an installed filter: no filter, libseccomp's linear output,
 * libseccomp's binary tree (SCMP_FLTATR_CTL_OPTIMIZE=2) and scprof's compiled
 * filter of the same profile, measured in one run, rounds interleaved.
 *
 * usage: filter-cost PROFILE [ROUNDS] [CALLS]
 *
 * The libseccomp filters are built the way a runtime builds one: a single context
 * for every architecture the profile lists, with the rules of the native
 * architecture's semantic view.  Each round forks one child per filter, which
 * loads it and times, with raw syscall(), CALLS calls of each kind:
 *   allowed       getppid, allowed whatever its arguments: the kernel's action
 *                 cache (5.11) answers without running the filter
 *   personality   personality(0xffffffff), a query allowed by argument checks
 *   socket        socket(-1, 0, 0): fails in the kernel (EAFNOSUPPORT) if allowed
 *   clone         clone(CLONE_SIGHAND): fails in the kernel (EINVAL) if allowed
 *   denied        reboot(0, 0, 0, 0): denied by the default action (EPERM); the
 *                 kernel refuses the bad magic (EINVAL) without a filter
 * Prints one Markdown table of the median ns per call over ROUNDS.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "scprof/compile.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"
#include "util/util.h"

enum { V_NONE, V_LINEAR, V_TREE, V_SCPROF, N_VARIANTS };
enum { K_ALLOWED, K_PERSONALITY, K_SOCKET, K_CLONE, K_DENIED, N_KINDS };

static const char *const variant_names[] = { "no filter", "libseccomp linear", "libseccomp tree",
					     "scprof" };
static const char *const kind_names[] = { "allowed (action cache)", "personality (args)",
					  "socket (args)", "clone (args)", "denied (default)" };

static long call(int kind)
{
	switch (kind) {
	case K_ALLOWED:
		return syscall(SYS_getppid);
	case K_PERSONALITY:
		return syscall(SYS_personality, 0xffffffffUL);
	case K_SOCKET:
		return syscall(SYS_socket, -1, 0, 0);
	case K_CLONE:
		return syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0);
	default:
		return syscall(SYS_reboot, 0, 0, 0, 0);
	}
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static struct scprof_bpf *export_ctx(scmp_filter_ctx c)
{
	int fd = memfd_create("bench", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(c, fd) < 0)
		return NULL;
	off_t size = lseek(fd, 0, SEEK_END);
	struct scprof_bpf *b = xcalloc(1, sizeof(*b));
	b->len = (size_t)size / sizeof(struct sock_filter);
	b->insns = xmalloc((size_t)size);
	if (pread(fd, b->insns, (size_t)size, 0) != size)
		return NULL;
	close(fd);
	return b;
}

/* One libseccomp context for all of @s's architectures, as runc builds it. */
static struct scprof_bpf *libseccomp_filter(const struct scprof_semantic *s, bool tree)
{
	scmp_filter_ctx c = seccomp_init(s->default_action);
	const struct scprof_sem_arch *native = NULL;
	seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0);
	if (tree)
		seccomp_attr_set(c, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < s->n_arches; i++) {
		uint32_t token = scprof_arch_scmp_token(s->arches[i].arch);
		if (token && token != seccomp_arch_native())
			seccomp_arch_add(c, token);
		if (s->arches[i].arch == scprof_arch_native())
			native = &s->arches[i];
	}
	for (size_t i = 0; native && i < native->n_syscalls; i++) {
		const struct scprof_sem_syscall *sc = &native->syscalls[i];
		int nr = seccomp_syscall_resolve_name(sc->name);
		for (size_t j = 0; j < sc->n_rules && nr != __NR_SCMP_ERROR; j++) {
			const struct scprof_sem_rule *r = &sc->rules[j];
			struct scmp_arg_cmp cmp[6];
			for (size_t k = 0; k < r->n_conds && k < 6; k++)
				cmp[k] = (struct scmp_arg_cmp){ r->conds[k].index,
								(enum scmp_compare)r->conds[k].op,
								r->conds[k].value,
								r->conds[k].value_two };
			seccomp_rule_add_array(c, r->action, nr, (unsigned)r->n_conds, cmp);
		}
	}
	struct scprof_bpf *b = export_ctx(c);
	seccomp_release(c);
	return b;
}

/* In a child: load @prog (NULL: none) and write ns per call of each kind to @fd. */
static void measure(const struct scprof_bpf *prog, long calls, int fd)
{
	double ns[N_KINDS];
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (prog) {
		struct sock_fprog f = { (unsigned short)prog->len, prog->insns };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f) < 0)
			_exit(1);
	}
	for (int k = 0; k < N_KINDS; k++) {
		for (long i = 0; i < calls / 10; i++) /* warm up */
			call(k);
		double t0 = now_ns();
		for (long i = 0; i < calls; i++)
			call(k);
		ns[k] = (now_ns() - t0) / (double)calls;
	}
	_exit(write(fd, ns, sizeof(ns)) == sizeof(ns) ? 0 : 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: filter-cost PROFILE [ROUNDS] [CALLS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 9;
	long calls = argc > 3 ? atol(argv[3]) : 200000;
	struct scprof_profile *p = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_error *err = NULL;
	struct scprof_context ctx;
	struct scprof_bpf *progs[N_VARIANTS] = { NULL };
	scprof_context_init(&ctx);
	if (scprof_profile_load(argv[1], &p, NULL, &err) < 0 ||
	    scprof_semantic_build(p, &ctx, &s, NULL, &err) < 0 ||
	    scprof_compile(s, p, NULL, &progs[V_SCPROF], &err) < 0) {
		fprintf(stderr, "filter-cost: %s\n", err ? err->msg : "cannot build the filter");
		return 1;
	}
	progs[V_LINEAR] = libseccomp_filter(s, false);
	progs[V_TREE] = libseccomp_filter(s, true);
	if (!progs[V_LINEAR] || !progs[V_TREE]) {
		fprintf(stderr, "filter-cost: libseccomp cannot build the filter\n");
		return 1;
	}

	double *res = xcalloc((size_t)rounds * N_VARIANTS * N_KINDS, sizeof(double));
	for (int r = 0; r < rounds; r++)
		for (int v = 0; v < N_VARIANTS; v++) {
			int pfd[2];
			if (pipe(pfd) < 0)
				return 1;
			pid_t pid = fork();
			if (pid == 0)
				measure(progs[v], calls, pfd[1]);
			close(pfd[1]);
			double ns[N_KINDS];
			int st;
			if (read(pfd[0], ns, sizeof(ns)) != sizeof(ns)) {
				fprintf(stderr, "filter-cost: the %s child failed\n",
					variant_names[v]);
				return 1;
			}
			close(pfd[0]);
			waitpid(pid, &st, 0);
			for (int k = 0; k < N_KINDS; k++)
				res[((size_t)k * N_VARIANTS + (size_t)v) * (size_t)rounds +
				    (size_t)r] = ns[k];
		}

	printf("%s: %zu instructions (linear %zu, tree %zu, scprof %zu); median ns/call of %d rounds x %ld calls\n\n",
	       argv[1], progs[V_SCPROF]->len, progs[V_LINEAR]->len, progs[V_TREE]->len,
	       progs[V_SCPROF]->len, rounds, calls);
	printf("| call |");
	for (int v = 0; v < N_VARIANTS; v++)
		printf(" %s |", variant_names[v]);
	printf(" scprof / tree |\n|---|---|---|---|---|---|\n");
	for (int k = 0; k < N_KINDS; k++) {
		double med[N_VARIANTS];
		printf("| %s |", kind_names[k]);
		for (int v = 0; v < N_VARIANTS; v++) {
			double *x = &res[((size_t)k * N_VARIANTS + (size_t)v) * (size_t)rounds];
			qsort(x, (size_t)rounds, sizeof(double), cmp_double);
			med[v] = x[rounds / 2];
			printf(" %.1f |", med[v]);
		}
		printf(" %.2f |\n", med[V_SCPROF] / med[V_TREE]);
	}
	free(res);
	for (int v = 0; v < N_VARIANTS; v++)
		scprof_bpf_free(progs[v]);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	return 0;
}
