// SPDX-License-Identifier: LGPL-2.1-or-later
/* Ask the live kernel what a seccomp filter does to a call, without letting the call run. */
#include "abi.h"
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cases.h"
#include "scprof/bpf.h"
#include "scprof/compile.h"
#include "scprof/profile.h"
#include "scprof/semantic.h"
#include "scprof/syscalls.h"
#include "util/util.h"

/*
 * usage: kernel-oracle [--compare] [-j N] FILTER.bpf < CASES
 *        kernel-oracle --cases PROFILE > CASES
 *
 * CASES has one call per line: "ARCH NR [ARG...]" (ARCH x86_64, x86 or x32; NR
 * and ARGs decimal or 0x hex; x32 numbers with or without bit 30).  For each
 * case the first form prints the class the kernel gives the call under FILTER:
 * "allow" (ALLOW, LOG, TRACE), "errno N", "trap" or "kill", one line per case, in
 * order.  --compare also runs FILTER through scprof_bpf_run() on the same
 * seccomp_data, prints every disagreement on stderr and exits 1 if there is one.
 * -j N runs N workers.  Exit 77 with "skip: ..." when the kernel cannot do this
 * (not root, no seccomp user notification); x86 cases are dropped with a
 * message when the kernel has no IA32 emulation.
 *
 * The second form prints a sample of cases for PROFILE, built for native x86_64,
 * Docker's default capabilities and kernel 6.1 (compile it with `scprof compile
 * --kernel 6.1` to match): every number 0..max+20 on x86_64, x86 and x32 with
 * zero arguments, and for each rule of each listed architecture, argument values
 * on both sides of its conditions.
 *
 * How the cases run.  A child is set up as follows:
 *
 *   1. no_new_privs, a SIGSYS handler, no core dumps;
 *   2. G: a filter with SECCOMP_FILTER_FLAG_NEW_LISTENER that returns USER_NOTIF
 *      for every call of every ABI except exit_group/exit with a magic argument
 *      (how the child leaves); the parent takes the listener with pidfd_open() +
 *      pidfd_getfd(), the child having told it the descriptor number (the lowest
 *      free one) through a pipe before installing anything;
 *   3. F, the filter under test: its seccomp() call is itself stopped by G and the
 *      parent lets it continue.  G goes first because F may deny seccomp().
 *
 * then makes the test calls one after the other, through syscall, int $0x80 or
 * the x32 bit.  The kernel runs both filters and takes the most restrictive
 * result, KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < USER_NOTIF < TRACE < LOG <
 * ALLOW, so:
 *   F allows (ALLOW, LOG, TRACE)  -> G's notification reaches the parent, which
 *                                    records "allow" and answers with an error:
 *                                    the call does not run;
 *   F = ERRNO(e)                  -> the call returns -e without running;
 *   F = TRAP                      -> SIGSYS: the handler records it, the child ends;
 *   F = KILL_*                    -> the child dies by SIGSYS.
 * As no call ever runs, the child stays as it was set up and can go on with the
 * next case; a new child picks up after a trap or a kill.  (A child per case is
 * the simple form of this and gives the same answers, about fifty times slower.)
 * Results travel through shared memory, as the child can make no call that G or
 * F would not intercept.  Filters returning USER_NOTIF themselves are not handled.
 */

#define X32_BIT 0x40000000L
#define EXIT_SKIP 77
#define EXIT_USAGE 2
#define EXIT_SETUP 125
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (uapi asm-generic/siginfo.h) */
#endif
/* exit_group/exit with this first argument pass G; test arguments never take it */
#define EXIT_MAGIC 0x5ec0de5ec0de0000ULL
/* what the parent answers a notified call with; the parent already knows it was allowed */
#define NOTIF_REPLY_ERRNO ENOTRECOVERABLE
#define CHILD_TIMEOUT_MS 5000
#define PAST_END 20
#define MAX_WORKERS 16
/*
 * x86_64 uretprobe (335) and uprobe (336) are run by the kernel without asking
 * seccomp (kernel/seccomp.c, the uprobe exception): whatever the filter says,
 * uretprobe outside a trampoline is SIGILL and uprobe ENXIO.  Not tried.
 */
#define NR_URETPROBE 335
#define NR_UPROBE 336

enum abi {
	ABI_X86_64,
	ABI_X86,
	ABI_X32,
};

struct call {
	enum abi abi;
	long nr; /* x32: with bit 30 */
	uint64_t args[6];
};

enum phase {
	PH_START,
	PH_LISTENING, /* G installed */
	PH_CALLING, /* F installed, making calls */
	PH_SETUP_FAILED,
};

/* A child's progress, shared with its parent. */
struct slot {
	volatile int phase;
	volatile long current; /* index of the case being tried */
	volatile int setup_errno;
	volatile int setup_step;
};

enum kind {
	R_NONE,
	R_ALLOW,
	R_ERRNO,
	R_RET, /* the call "succeeded" without being notified: ERRNO(0), or a bug */
	R_TRAP,
	R_KILL,
	R_ERROR,
	R_SKIP_X86, /* no IA32 emulation */
	R_BYPASS, /* uretprobe/uprobe */
};

/* One case's result, shared: written by the child (errno, trap) or the parent (allow, kill). */
struct result {
	volatile int kind;
	volatile long val;
};

static struct slot *cur;
static struct result *results;

static long make_call(const struct call *c)
{
	return c->abi == ABI_X86 ? call_int80(c->nr, c->args) : call_x86_64(c->nr, c->args);
}

/* ---- G ---- */

#define LD_ABS(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(k) BPF_STMT(BPF_RET | BPF_K, (k))

static struct sock_filter g_insns[] = {
	/* 0 */ LD_ABS(4),
	/* 1 */ JEQ(AUDIT_ARCH_X86_64, 0, 8),
	/* 2 */ LD_ABS(0),
	/* 3 */ JEQ(__NR_exit_group, 1, 0),
	/* 4 */ JEQ(__NR_exit, 0, 5),
	/* 5 */ LD_ABS(16), /* args[0], low word */
	/* 6 */ JEQ((uint32_t)EXIT_MAGIC, 0, 3),
	/* 7 */ LD_ABS(20),
	/* 8 */ JEQ((uint32_t)(EXIT_MAGIC >> 32), 0, 1),
	/* 9 */ RET(SECCOMP_RET_ALLOW),
	/* 10 */ RET(SECCOMP_RET_USER_NOTIF),
};

/* ---- the child ---- */

static void raw_exit(void)
{
	syscall(SYS_exit_group, EXIT_MAGIC);
	syscall(SYS_exit, EXIT_MAGIC);
	__builtin_trap();
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	if (cur->phase == PH_CALLING && si->si_code == SYS_SECCOMP &&
	    results[cur->current].kind == R_NONE)
		results[cur->current].kind = R_TRAP;
	raw_exit();
}

static void setup_failed(int step)
{
	cur->setup_errno = errno;
	cur->setup_step = step;
	cur->phase = PH_SETUP_FAILED;
	raw_exit();
}

/*
 * Make the calls @from, @from + @step, ... < @n under G and F.  Async-signal-safe
 * only: we are between fork() and _exit().  No call runs: each one either comes
 * back with F's errno, or is held by G until the parent answers it, so one child
 * serves until a call traps or kills it.
 */
static void child(int pipe_w, const struct sock_fprog *f, const struct call *cases, size_t n,
		  size_t from, size_t step)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	struct rlimit no_core = { 0, 0 };
	struct sock_fprog g = { ARRAY_SIZE(g_insns), g_insns };

	/* a seccomp kill dumps core: not hundreds of them */
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		setup_failed(1);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		setup_failed(2);
	/* the listener will take the lowest free descriptor */
	int lowest = dup(pipe_w);
	if (lowest < 0)
		setup_failed(3);
	close(lowest);
	if (write(pipe_w, &lowest, sizeof(lowest)) != sizeof(lowest))
		setup_failed(4);
	long fd =
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &g);
	if (fd < 0)
		setup_failed(5);
	if (fd != lowest) {
		errno = EBADF;
		setup_failed(6);
	}
	cur->phase = PH_LISTENING;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, f) < 0)
		setup_failed(7);
	cur->current = (long)from;
	cur->phase = PH_CALLING;
	for (size_t k = from; k < n; k += step) {
		if (results[k].kind != R_NONE)
			continue;
		cur->current = (long)k;
		long ret = make_call(&cases[k]);
		if (results[k].kind != R_NONE)
			continue; /* the parent saw it allowed */
		results[k].val = ret < 0 && ret >= -4095 ? -ret : ret;
		results[k].kind = ret < 0 && ret >= -4095 ? R_ERRNO : R_RET;
	}
	raw_exit();
}

/* ---- the parent ---- */

static struct seccomp_notif_sizes notif_sizes;

static bool is_install_of(const struct seccomp_notif *req, const struct sock_fprog *f)
{
	return req->data.arch == AUDIT_ARCH_X86_64 && req->data.nr == __NR_seccomp &&
	       req->data.args[0] == SECCOMP_SET_MODE_FILTER && req->data.args[1] == 0 &&
	       req->data.args[2] == (uint64_t)(uintptr_t)f;
}

static uint32_t call_token(const struct call *c)
{
	return c->abi == ABI_X86 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

static bool notif_is(const struct seccomp_notif *req, const struct call *c)
{
	return req->data.arch == call_token(c) && req->data.nr == (int)c->nr;
}

/*
 * Answer G's notifications until the child is gone: CONTINUE for the child's
 * seccomp(F), an error for a test call, which is then marked allowed.  Returns
 * false, with @err set, on a problem.
 */
static bool serve(int listener, int pidfd, const struct sock_fprog *f, const struct call *cases,
		  char *err, size_t errsize)
{
	_cleanup_free_ struct seccomp_notif *req = xcalloc(1, notif_sizes.seccomp_notif);
	_cleanup_free_ struct seccomp_notif_resp *resp = xcalloc(1, notif_sizes.seccomp_notif_resp);
	bool installed = false;
	for (;;) {
		struct pollfd p[2] = { { listener, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		int n = poll(p, 2, CHILD_TIMEOUT_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errsize, "timeout waiting for the child");
			return false;
		}
		if (p[0].revents & POLLIN) {
			memset(req, 0, notif_sizes.seccomp_notif);
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
				if (errno == EINTR || errno == ENOENT)
					continue;
				snprintf(err, errsize, "SECCOMP_IOCTL_NOTIF_RECV: %s",
					 strerror(errno));
				return false;
			}
			memset(resp, 0, notif_sizes.seccomp_notif_resp);
			resp->id = req->id;
			resp->error = -NOTIF_REPLY_ERRNO;
			if (!installed && is_install_of(req, f)) {
				resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				resp->error = 0;
				installed = true;
			} else if (installed && cur->phase == PH_CALLING) {
				long k = cur->current;
				if (!notif_is(req, &cases[k])) {
					snprintf(err, errsize,
						 "unexpected notification: arch 0x%x nr %d",
						 req->data.arch, req->data.nr);
					return false;
				}
				results[k].kind = R_ALLOW;
			}
			/* ENOENT: the child died meanwhile */
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 &&
			    errno != ENOENT) {
				snprintf(err, errsize, "SECCOMP_IOCTL_NOTIF_SEND: %s",
					 strerror(errno));
				return false;
			}
			continue;
		}
		if (p[1].revents & POLLIN)
			return true;
		if (p[0].revents & (POLLHUP | POLLERR))
			return true;
	}
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_getfd_(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

/*
 * One child for the cases @from, @from + @step, ...  Returns the index after the
 * last case it settled (the one that killed or trapped it included), or -1 with
 * @err set when it could not be set up.
 */
static long spawn(const struct sock_fprog *f, const struct call *cases, size_t n, size_t from,
		  size_t step, char *err, size_t errsize)
{
	int pfd[2];
	err[0] = 0;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		return -1;
	}
	memset((void *)cur, 0, sizeof(*cur));
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(pfd[1], f, cases, n, from, step);
	}
	close(pfd[1]);

	int lowest = -1, pidfd = -1, listener = -1;
	ssize_t r = read(pfd[0], &lowest, sizeof(lowest));
	close(pfd[0]);
	if (r == sizeof(lowest)) {
		pidfd = pidfd_open_(pid);
		if (pidfd < 0)
			snprintf(err, errsize, "pidfd_open: %s", strerror(errno));
	}
	if (pidfd >= 0) {
		/* wait until G is in place, or the child is gone */
		while (cur->phase == PH_START) {
			struct pollfd p = { pidfd, POLLIN, 0 };
			if (poll(&p, 1, 0) > 0)
				break;
			sched_yield();
		}
		if (cur->phase == PH_LISTENING || cur->phase == PH_CALLING) {
			listener = pidfd_getfd_(pidfd, lowest);
			if (listener < 0)
				snprintf(err, errsize, "pidfd_getfd: %s", strerror(errno));
		}
	}
	if (listener >= 0)
		serve(listener, pidfd, f, cases, err, errsize);
	if (err[0])
		kill(pid, SIGKILL);
	if (listener >= 0)
		close(listener);
	if (pidfd >= 0)
		close(pidfd);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	if (cur->phase == PH_SETUP_FAILED) {
		snprintf(err, errsize, "setup step %d: %s", cur->setup_step,
			 strerror(cur->setup_errno));
		return -1;
	}
	if (cur->phase != PH_CALLING) {
		if (!err[0])
			snprintf(err, errsize, "the child never got to its calls (status 0x%x)",
				 status);
		return -1;
	}
	long k = cur->current;
	if (results[k].kind == R_NONE) {
		if (err[0]) {
			results[k].kind = R_ERROR;
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
			results[k].kind = R_KILL;
		} else {
			results[k].kind = R_ERROR;
			results[k].val = status;
		}
	}
	return k + (long)step;
}

/* Settle the cases @from, @from + @step, ... < @n; false if a child could not be set up. */
static bool run_cases(const struct sock_fprog *f, const struct call *cases, size_t n, size_t from,
		      size_t step, char *err, size_t errsize)
{
	size_t k = from;
	while (k < n) {
		long next = spawn(f, cases, n, k, step, err, errsize);
		if (next < 0)
			return false;
		k = (size_t)next;
	}
	return true;
}

static void format_result(const struct result *r, char *buf, size_t size)
{
	switch (r->kind) {
	case R_ALLOW:
		snprintf(buf, size, "allow");
		break;
	case R_ERRNO:
		snprintf(buf, size, "errno %ld", r->val);
		break;
	case R_RET:
		snprintf(buf, size, "ret %ld", r->val);
		break;
	case R_TRAP:
		snprintf(buf, size, "trap");
		break;
	case R_KILL:
		snprintf(buf, size, "kill");
		break;
	case R_SKIP_X86:
		snprintf(buf, size, "skip");
		break;
	case R_BYPASS:
		snprintf(buf, size, "bypass");
		break;
	case R_ERROR:
		snprintf(buf, size, "error: the child ended with status 0x%lx", r->val);
		break;
	default:
		snprintf(buf, size, "error: not run");
		break;
	}
}

/* The class our interpreter gives the same call; NULL for USER_NOTIF, which is not handled. */
static const char *emulated_class(const struct scprof_bpf *prog, const struct call *c, char *buf,
				  size_t size)
{
	struct scprof_seccomp_data d = { .nr = (int32_t)c->nr, .arch = call_token(c) };
	for (int i = 0; i < 6; i++)
		/* the kernel hands a 32-bit task's arguments zero-extended */
		d.args[i] = c->abi == ABI_X86 ? (uint32_t)c->args[i] : c->args[i];
	uint32_t ret = 0;
	scprof_bpf_run(prog, &d, &ret, NULL);
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "trap");
		break;
	case SECCOMP_RET_ERRNO: {
		unsigned e = ret & SECCOMP_RET_DATA;
		snprintf(buf, size, "errno %u", e > 4095 ? 4095 : e);
		break;
	}
	case SECCOMP_RET_USER_NOTIF:
		return NULL;
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "allow");
		break;
	default: /* KILL_PROCESS, KILL_THREAD, and what the kernel treats as them */
		snprintf(buf, size, "kill");
		break;
	}
	return buf;
}

/* ---- case lists ---- */

static const char *const abi_names[] = { "x86_64", "x86", "x32" };

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

static bool parse_case(char *line, struct call *c)
{
	char *save = NULL, *tok = strtok_r(line, " \t\n", &save);
	uint64_t v;
	memset(c, 0, sizeof(*c));
	if (!tok)
		return false;
	size_t a;
	for (a = 0; a < ARRAY_SIZE(abi_names); a++)
		if (!strcmp(tok, abi_names[a]))
			break;
	if (a == ARRAY_SIZE(abi_names))
		return false;
	c->abi = (enum abi)a;
	tok = strtok_r(NULL, " \t\n", &save);
	if (!tok || !parse_num(tok, &v))
		return false;
	c->nr = (long)v;
	if (c->abi == ABI_X32)
		c->nr |= X32_BIT;
	for (int i = 0; i < 7; i++) {
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			return true;
		if (i == 6 || !parse_num(tok, &c->args[i]))
			return false;
	}
	return true;
}

static void print_case(FILE *out, const char *arch, long nr, const uint64_t a[6])
{
	fprintf(out, "%s %ld", arch, nr);
	int last = 5;
	while (last >= 0 && !a[last])
		last--;
	for (int i = 0; i <= last; i++)
		fprintf(out, " 0x%" PRIx64, a[i]);
	fputc('\n', out);
}

/* Values on both sides of @c (a shorter list than the differential unit test's). */
static size_t boundary_values(const struct scprof_cond *c, uint64_t *out)
{
	size_t n = 0;
	if (c->op == SCPROF_OP_MASKED_EQ) {
		uint64_t m = c->value, in = c->value_two & m;
		out[n++] = in;
		out[n++] = in | ~m;
		out[n++] = in ^ (m & -m);
		out[n++] = ~in;
		return n;
	}
	out[n++] = c->value - 1;
	out[n++] = c->value;
	out[n++] = c->value + 1;
	out[n++] = c->value ^ (1ULL << 32);
	return n;
}

static int print_cases(const char *src)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_profile *p = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_context ctx;

	scprof_context_init(&ctx);
	ctx.native = scprof_arch_by_name("x86_64");
	ctx.kernel_major = 6;
	ctx.kernel_minor = 1;
	if (scprof_profile_load(src, &p, NULL, &err) < 0 ||
	    scprof_semantic_build(p, &ctx, &s, NULL, &err) < 0) {
		fprintf(stderr, "kernel-oracle: %s\n", err->msg);
		scprof_profile_free(p);
		return EXIT_USAGE;
	}
	static const uint64_t zeros[6];
	for (size_t a = 0; a < ARRAY_SIZE(abi_names); a++) {
		const struct scprof_arch *arch = scprof_arch_by_name(abi_names[a]);
		long base = a == ABI_X32 ? X32_BIT : 0;
		for (long nr = base; nr <= arch->nr_max + PAST_END; nr++)
			print_case(stdout, arch->name, nr & ~X32_BIT, zeros);
		const struct scprof_sem_arch *sa = scprof_semantic_arch(s, arch);
		for (size_t i = 0; sa && i < sa->n_syscalls; i++) {
			const struct scprof_sem_syscall *sc = &sa->syscalls[i];
			for (size_t j = 0; j < sc->n_rules; j++) {
				const struct scprof_sem_rule *r = &sc->rules[j];
				uint64_t good[6] = { 0 };
				for (size_t k = 0; k < r->n_conds; k++)
					good[r->conds[k].index] = satisfying(&r->conds[k]);
				for (size_t k = 0; k < r->n_conds; k++) {
					uint64_t vals[8];
					size_t nv = boundary_values(&r->conds[k], vals);
					for (size_t m = 0; m < nv; m++) {
						uint64_t v[6];
						memcpy(v, good, sizeof(v));
						v[r->conds[k].index] = vals[m];
						print_case(stdout, arch->name, sc->nr & ~X32_BIT,
							   v);
					}
				}
			}
		}
	}
	scprof_semantic_free(s);
	scprof_profile_free(p);
	return 0;
}

/* ---- the driver ---- */

/* Run @c alone under a one-instruction filter returning @ret; the class it got. */
static void trial(uint32_t ret, const struct call *c, char *out, size_t size)
{
	struct sock_filter insns[] = { RET(ret) };
	struct sock_fprog f = { 1, insns };
	char err[160];
	results[0] = (struct result){ 0 };
	if (!run_cases(&f, c, 1, 0, 1, err, sizeof(err)))
		snprintf(out, size, "error: %s", err);
	else
		format_result(&results[0], out, size);
}

/* Can this process run the oracle at all? */
static bool oracle_works(char *why, size_t size)
{
	if (geteuid() != 0) {
		snprintf(why, size, "not root: pidfd_getfd needs to ptrace a non-dumpable child");
		return false;
	}
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &notif_sizes) < 0) {
		snprintf(why, size, "seccomp(SECCOMP_GET_NOTIF_SIZES): %s", strerror(errno));
		return false;
	}
	struct call c = { .abi = ABI_X86_64, .nr = __NR_getppid };
	char res[200];
	trial(SECCOMP_RET_ALLOW, &c, res, sizeof(res));
	if (strcmp(res, "allow")) {
		snprintf(why, size, "a trial call under an allow-all filter gave '%.100s'", res);
		return false;
	}
	return true;
}

/* Does int $0x80 reach seccomp?  getpid under ERRNO(77) must fail with 77. */
static bool x86_works(void)
{
	struct call c = { .abi = ABI_X86, .nr = 20 };
	char res[200];
	trial(SECCOMP_RET_ERRNO | 77, &c, res, sizeof(res));
	return !strcmp(res, "errno 77");
}

static int usage(void)
{
	fprintf(stderr, "usage: kernel-oracle [--compare] [-j N] FILTER.bpf < CASES\n"
			"       kernel-oracle --cases PROFILE\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	bool compare = false;
	long workers = 1;
	int i = 1;
	if (argc == 3 && !strcmp(argv[1], "--cases"))
		return print_cases(argv[2]);
	for (; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--compare")) {
			compare = true;
		} else if (!strcmp(argv[i], "-j") && i + 1 < argc - 1) {
			workers = strtol(argv[++i], NULL, 10);
			if (workers < 1 || workers > MAX_WORKERS)
				return usage();
		} else {
			return usage();
		}
	}
	if (i != argc - 1)
		return usage();

	_cleanup_free_ char *buf = NULL;
	size_t len;
	struct scprof_bpf *prog = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	if (read_file(argv[i], SCPROF_MAX_INPUT, &buf, &len, &err) < 0 ||
	    scprof_bpf_from_raw(buf, len, &prog, &err) < 0 || scprof_bpf_check(prog, &err) < 0) {
		fprintf(stderr, "kernel-oracle: %s\n", err->msg);
		return EXIT_SETUP;
	}
	struct sock_fprog f = { .len = (unsigned short)prog->len, .filter = prog->insns };

	struct call *cases = NULL;
	size_t n = 0, alloc = 0, lineno = 0;
	char line[512];
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		GROW(cases, alloc, n + 1);
		if (!parse_case(line, &cases[n])) {
			fprintf(stderr, "kernel-oracle: stdin:%zu: bad case\n", lineno);
			return EXIT_USAGE;
		}
		n++;
	}

	struct slot *slots = mmap(NULL, MAX_WORKERS * sizeof(struct slot), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	results = mmap(NULL, (n ? n : 1) * sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED || results == MAP_FAILED) {
		perror("kernel-oracle: mmap");
		return EXIT_SETUP;
	}
	cur = &slots[0];
	char why[200];
	if (!oracle_works(why, sizeof(why))) {
		printf("skip: %s\n", why);
		return EXIT_SKIP;
	}
	bool x86 = x86_works();
	if (!x86)
		fprintf(stderr, "kernel-oracle: skipping x86 cases: the kernel cannot run "
				"32-bit calls (no IA32 emulation)\n");
	for (size_t k = 0; k < n; k++) {
		results[k] = (struct result){ 0 };
		if (cases[k].abi == ABI_X86 && !x86)
			results[k].kind = R_SKIP_X86;
		else if (cases[k].abi == ABI_X86_64 &&
			 (cases[k].nr == NR_URETPROBE || cases[k].nr == NR_UPROBE))
			results[k].kind = R_BYPASS;
	}

	fflush(NULL);
	pid_t pids[MAX_WORKERS];
	for (long w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			perror("kernel-oracle: fork");
			return EXIT_SETUP;
		}
		if (pids[w] == 0) {
			char e[160];
			cur = &slots[w];
			if (!run_cases(&f, cases, n, (size_t)w, (size_t)workers, e, sizeof(e))) {
				fprintf(stderr, "kernel-oracle: %s\n", e);
				_exit(EXIT_SETUP);
			}
			_exit(0);
		}
	}
	int bad_workers = 0;
	for (long w = 0; w < workers; w++) {
		int status;
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			bad_workers++;
	}
	if (bad_workers) {
		fprintf(stderr, "kernel-oracle: %d worker(s) failed\n", bad_workers);
		return EXIT_SETUP;
	}

	size_t mismatches = 0, errors = 0, skipped = 0, bypassed = 0;
	for (size_t k = 0; k < n; k++) {
		const struct call *c = &cases[k];
		char res[96], emu[64];
		format_result(&results[k], res, sizeof(res));
		printf("%s\n", res);
		if (results[k].kind == R_SKIP_X86) {
			skipped++;
			continue;
		}
		if (results[k].kind == R_BYPASS) {
			bypassed++;
			continue;
		}
		if (results[k].kind == R_ERROR || results[k].kind == R_NONE) {
			errors++;
			fprintf(stderr, "kernel-oracle: ERROR %s: ", res);
			print_case(stderr, abi_names[c->abi], c->nr & ~X32_BIT, c->args);
			continue;
		}
		if (!compare)
			continue;
		if (!emulated_class(prog, c, emu, sizeof(emu))) {
			skipped++;
			continue;
		}
		if (strcmp(emu, res) && mismatches++ < 50) {
			fprintf(stderr,
				"kernel-oracle: MISMATCH %s: kernel %s, emulated %s: ", argv[i],
				res, emu);
			print_case(stderr, abi_names[c->abi], c->nr & ~X32_BIT, c->args);
		}
	}
	fflush(stdout);
	if (compare)
		fprintf(stderr,
			"kernel-oracle: %s: %zu cases, %zu mismatches, %zu errors, %zu skipped, "
			"%zu not filtered by the kernel (uretprobe, uprobe)\n",
			argv[i], n, mismatches, errors, skipped, bypassed);
	scprof_bpf_free(prog);
	free(cases);
	return mismatches || errors ? 1 : 0;
}
