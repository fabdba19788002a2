// SPDX-License-Identifier: LGPL-2.1-or-later
/* Differential test: the compiled filter run by our interpreter against the semantic view, call by call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>

#include "tests/helpers/cases.h"
#include "scprof/bpf.h"
#include "scprof/compile.h"
#include "scprof/profile.h"
#include "scprof/semantic.h"
#include "scprof/syscalls.h"
#include "util/util.h"

/*
 * Two independent paths from a profile to an action:
 *
 *   A. scprof_semantic_build() + scprof_compile() (libseccomp's generator, runc's
 *      ENOSYS stub) + scprof_bpf_run(), our kernel-exact interpreter;
 *   B. scprof_semantic_eval(): the semantic view's rules read in order.
 *
 * For every profile, on x86_64, x86 and x32 (and one architecture the filter does
 * not list), for every syscall number from 0 to the table's highest plus 20 (x32
 * numbers carry bit 30), and for argument vectors on both sides of every condition
 * of that syscall's rules, A and B must give the same 32-bit return value.
 *
 * The context is fixed so results do not depend on the host: native x86_64,
 * Docker's default capabilities, kernel 6.1.
 *
 * Known, documented differences, skipped and counted (only when A != B):
 *
 *  1. STUB: runc's stub returns ERRNO(ENOSYS) for a number above the highest one
 *     the profile names on that architecture (max_named), unless the default
 *     action is ALLOW, LOG or TRACE (compile.c stub_useful()).  The semantic view
 *     gives the default action there.  Skipped when nr > max_named >= 0, the stub
 *     is in the program, and A is exactly ERRNO(ENOSYS).
 *
 *  2. UNKNOWN: a number that has no name on the architecture
 *     (scprof_syscall_name() is NULL); libseccomp may handle it differently.
 *
 *  3. MUX: on x86, libseccomp turns a rule for a socket-family or SysV IPC name
 *     into two rules: the direct call (socket = 359...) and the multiplexed one,
 *     socketcall(102) or ipc(117) with argument 0 replaced by "== SYS_code"
 *     (arch-x86.c x86_rule_add(); the other conditions stay, now compared with
 *     socketcall's own arguments).  The semantic view only has the direct call.
 *     Skipped when the arch is x86, nr is 102 or 117, the low word of argument 0
 *     is the code of a name that has rules in the x86 view, and A is the action of
 *     one of that name's rules.
 *
 * Anything else fails, naming profile, arch, nr, args and both results.
 */

enum exception {
	EXC_STUB,
	EXC_UNKNOWN,
	EXC_MUX,
	EXC_COUNT,
};

static const char *const exception_names[EXC_COUNT] = { "enosys-stub", "unknown-number",
							"x86-multiplexed" };

struct totals {
	size_t profiles, cases, exceptions[EXC_COUNT], failures;
};

static struct totals totals;

/* Mismatches printed per profile before the rest are only counted. */
#define MAX_REPORTED 25
/* Numbers past the table's end that are tried too. */
#define PAST_END 20
#define X32_BIT 0x40000000

#define SOCKETCALL_X86 102
#define IPC_X86 117

struct mux_name {
	const char *name;
	int mux_nr; /* socketcall or ipc on x86 */
	unsigned code; /* SYS_* value of argument 0 */
};

/* linux/net.h SYS_* and linux/ipc.h call numbers, as libseccomp's __PNR_* encode them. */
static const struct mux_name mux_names[] = {
	{ "socket", SOCKETCALL_X86, 1 },
	{ "bind", SOCKETCALL_X86, 2 },
	{ "connect", SOCKETCALL_X86, 3 },
	{ "listen", SOCKETCALL_X86, 4 },
	{ "accept", SOCKETCALL_X86, 5 },
	{ "getsockname", SOCKETCALL_X86, 6 },
	{ "getpeername", SOCKETCALL_X86, 7 },
	{ "socketpair", SOCKETCALL_X86, 8 },
	{ "send", SOCKETCALL_X86, 9 },
	{ "recv", SOCKETCALL_X86, 10 },
	{ "sendto", SOCKETCALL_X86, 11 },
	{ "recvfrom", SOCKETCALL_X86, 12 },
	{ "shutdown", SOCKETCALL_X86, 13 },
	{ "setsockopt", SOCKETCALL_X86, 14 },
	{ "getsockopt", SOCKETCALL_X86, 15 },
	{ "sendmsg", SOCKETCALL_X86, 16 },
	{ "recvmsg", SOCKETCALL_X86, 17 },
	{ "accept4", SOCKETCALL_X86, 18 },
	{ "recvmmsg", SOCKETCALL_X86, 19 },
	{ "sendmmsg", SOCKETCALL_X86, 20 },
	{ "semop", IPC_X86, 1 },
	{ "semget", IPC_X86, 2 },
	{ "semctl", IPC_X86, 3 },
	{ "semtimedop", IPC_X86, 4 },
	{ "msgsnd", IPC_X86, 11 },
	{ "msgrcv", IPC_X86, 12 },
	{ "msgget", IPC_X86, 13 },
	{ "msgctl", IPC_X86, 14 },
	{ "shmat", IPC_X86, 21 },
	{ "shmdt", IPC_X86, 22 },
	{ "shmget", IPC_X86, 23 },
	{ "shmctl", IPC_X86, 24 },
};

/* A set of argument vectors, without duplicates. */
struct vecs {
	uint64_t (*v)[6];
	size_t n, alloc;
};

static void vecs_add(struct vecs *vs, const uint64_t a[6])
{
	for (size_t i = 0; i < vs->n; i++)
		if (!memcmp(vs->v[i], a, sizeof(vs->v[i])))
			return;
	GROW(vs->v, vs->alloc, vs->n + 1);
	memcpy(vs->v[vs->n++], a, sizeof(vs->v[0]));
}

static uint64_t lowest_bit(uint64_t m)
{
	return m & -m;
}

static uint64_t highest_bit(uint64_t m)
{
	return m ? 1ULL << (63 - __builtin_clzll(m)) : 0;
}

/*
 * Values on both sides of @c: v-1, v, v+1, the same with the other word
 * changed (the two 32-bit halves are compared separately), and for MASKED_EQ
 * the datum, with one bit of the mask flipped, and with every bit outside the
 * mask set.
 */
static size_t boundary_values(const struct scprof_cond *c, uint64_t *out)
{
	size_t n = 0;
	uint64_t v = c->value;
	if (c->op == SCPROF_OP_MASKED_EQ) {
		uint64_t m = c->value, d = c->value_two, in = d & m;
		out[n++] = d;
		out[n++] = in;
		out[n++] = in | ~m;
		out[n++] = in ^ lowest_bit(m);
		out[n++] = in ^ highest_bit(m);
		out[n++] = in ^ lowest_bit(m & 0xffffffff00000000ULL);
		out[n++] = in ^ highest_bit(m & 0xffffffffULL);
		out[n++] = m;
		out[n++] = ~in;
		out[n++] = d ^ (1ULL << 32);
		return n;
	}
	out[n++] = v - 1;
	out[n++] = v;
	out[n++] = v + 1;
	out[n++] = v ^ (1ULL << 32);
	out[n++] = (v + 1) ^ (1ULL << 32);
	out[n++] = (v - 1) ^ (1ULL << 32);
	out[n++] = v & 0xffffffffULL;
	out[n++] = v | 0xffffffff00000000ULL; /* the low word sign-extended, as musl passes ints */
	return n;
}

/*
 * Argument vectors for the rules of one syscall, added to @vs: for each rule, its
 * conditions satisfied and each in turn moved across its boundary, the other
 * arguments 0, then all ones.
 */
static void rule_vectors(const struct scprof_sem_syscall *sc, struct vecs *vs)
{
	uint64_t all[6] = { 0 }, rev[6] = { 0 };
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct scprof_sem_rule *r = &sc->rules[i];
		for (int bg = 0; bg < 2; bg++) {
			uint64_t base[6];
			for (int k = 0; k < 6; k++)
				base[k] = bg ? UINT64_MAX : 0;
			for (size_t j = 0; j < r->n_conds; j++)
				base[r->conds[j].index] = satisfying(&r->conds[j]);
			vecs_add(vs, base);
			for (size_t j = 0; j < r->n_conds; j++) {
				uint64_t vals[16];
				size_t nv = boundary_values(&r->conds[j], vals);
				for (size_t k = 0; k < nv; k++) {
					uint64_t a[6];
					memcpy(a, base, sizeof(a));
					a[r->conds[j].index] = vals[k];
					vecs_add(vs, a);
				}
			}
		}
		for (size_t j = 0; j < r->n_conds; j++)
			all[r->conds[j].index] = satisfying(&r->conds[j]);
		const struct scprof_sem_rule *b = &sc->rules[sc->n_rules - 1 - i];
		for (size_t j = 0; j < b->n_conds; j++)
			rev[b->conds[j].index] = satisfying(&b->conds[j]);
	}
	/* every rule's conditions at once, later (or earlier) rules winning a shared index */
	vecs_add(vs, all);
	vecs_add(vs, rev);
}

static const struct mux_name *mux_by_code(int nr, uint64_t arg0)
{
	for (size_t i = 0; i < ARRAY_SIZE(mux_names); i++)
		if (mux_names[i].mux_nr == nr && mux_names[i].code == (uint32_t)arg0)
			return &mux_names[i];
	return NULL;
}

/*
 * On x86, socketcall and ipc also get, for each name they multiplex that has
 * rules, argument 0 set to its code and the name's own boundary vectors.
 */
static void mux_vectors(const struct scprof_sem_arch *sa, int nr, struct vecs *vs)
{
	for (size_t i = 0; i < ARRAY_SIZE(mux_names); i++) {
		if (mux_names[i].mux_nr != nr)
			continue;
		uint64_t a[6] = { mux_names[i].code };
		vecs_add(vs, a);
		int direct = scprof_syscall_nr(sa->arch, mux_names[i].name);
		const struct scprof_sem_syscall *sc =
			direct >= 0 ? scprof_semantic_syscall(sa, direct) : NULL;
		if (!sc)
			continue;
		struct vecs own = { 0 };
		rule_vectors(sc, &own);
		for (size_t k = 0; k < own.n; k++) {
			own.v[k][0] = mux_names[i].code;
			vecs_add(vs, own.v[k]);
		}
		free(own.v);
	}
}

/* Exception 3: is @ret explained by a multiplexed rule libseccomp added on x86? */
static bool mux_explains(const struct scprof_sem_arch *sa, int nr, const uint64_t args[6],
			 uint32_t ret)
{
	if (!sa || strcmp(sa->arch->name, "x86") || (nr != SOCKETCALL_X86 && nr != IPC_X86))
		return false;
	const struct mux_name *m = mux_by_code(nr, args[0]);
	if (!m)
		return false;
	int direct = scprof_syscall_nr(sa->arch, m->name);
	const struct scprof_sem_syscall *sc = direct >= 0 ? scprof_semantic_syscall(sa, direct) :
							    NULL;
	if (!sc)
		return false;
	for (size_t i = 0; i < sc->n_rules; i++)
		if (sc->rules[i].action == ret)
			return true;
	return false;
}

static bool stub_in_program(const struct scprof_semantic *s)
{
	uint32_t act = s->default_action & SCPROF_RET_ACTION_FULL;
	return act != SCPROF_RET_ALLOW && act != SCPROF_RET_LOG && act != SCPROF_RET_TRACE;
}

struct run {
	const char *profile;
	const struct scprof_semantic *s;
	const struct scprof_bpf *prog;
	size_t cases, exceptions[EXC_COUNT], failures;
};

static void format_args(const uint64_t a[6], char *buf, size_t size)
{
	snprintf(buf, size,
		 "0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
		 ", 0x%" PRIx64,
		 a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void check_case(struct run *run, const struct scprof_arch *arch, int nr,
		       const uint64_t args[6])
{
	struct scprof_seccomp_data d = { .nr = nr, .arch = arch->token };
	memcpy(d.args, args, sizeof(d.args));
	uint32_t bpf = 0xdeadbeef;
	if (scprof_bpf_run(run->prog, &d, &bpf, NULL) < 0)
		fail_msg("%s: scprof_bpf_run failed on %s nr %d", run->profile, arch->name, nr);
	uint32_t sem = scprof_semantic_eval(run->s, arch, nr, args, NULL);
	run->cases++;
	if (bpf == sem)
		return;

	const struct scprof_sem_arch *sa = scprof_semantic_arch(run->s, arch);
	if (sa && stub_in_program(run->s) && sa->max_named >= 0 && nr > sa->max_named &&
	    bpf == (SCPROF_RET_ERRNO | ENOSYS)) {
		run->exceptions[EXC_STUB]++;
		return;
	}
	if (mux_explains(sa, nr, args, bpf)) {
		run->exceptions[EXC_MUX]++;
		return;
	}
	if (sa && !scprof_syscall_name(arch, nr)) {
		run->exceptions[EXC_UNKNOWN]++;
		return;
	}
	if (run->failures++ < MAX_REPORTED) {
		char a[160], x[64], y[64];
		const char *name = scprof_syscall_name(arch, nr);
		format_args(args, a, sizeof(a));
		scprof_action_format(bpf, x, sizeof(x));
		scprof_action_format(sem, y, sizeof(y));
		print_error("MISMATCH %s: %s nr %d (%s) args [%s]: bpf %s (0x%08x), semantic %s "
			    "(0x%08x)\n",
			    run->profile, arch->name, nr, name ? name : "?", a, x, bpf, y, sem);
	}
}

/* Every number of @arch, with the vectors of that number's rules. */
static void check_arch(struct run *run, const struct scprof_arch *arch)
{
	const struct scprof_sem_arch *sa = scprof_semantic_arch(run->s, arch);
	int base = !strcmp(arch->name, "x32") ? X32_BIT : 0;
	int last = arch->nr_max + PAST_END;
	static const uint64_t zeros[6], ones[6] = { UINT64_MAX, UINT64_MAX, UINT64_MAX,
						    UINT64_MAX, UINT64_MAX, UINT64_MAX };
	for (int nr = base; nr <= last; nr++) {
		struct vecs vs = { 0 };
		vecs_add(&vs, zeros);
		vecs_add(&vs, ones);
		const struct scprof_sem_syscall *sc = sa ? scprof_semantic_syscall(sa, nr) : NULL;
		if (sc)
			rule_vectors(sc, &vs);
		if (sa && !strcmp(arch->name, "x86") && (nr == SOCKETCALL_X86 || nr == IPC_X86))
			mux_vectors(sa, nr, &vs);
		for (size_t i = 0; i < vs.n; i++)
			check_case(run, arch, nr, vs.v[i]);
		free(vs.v);
	}
}

static void fixed_context(struct scprof_context *ctx)
{
	scprof_context_init(ctx);
	ctx->native = scprof_arch_by_name("x86_64");
	ctx->kernel_major = 6;
	ctx->kernel_minor = 1;
}

static void test_profile(void **state)
{
	const char *src = *state;
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_profile *p = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	struct scprof_context ctx;

	fixed_context(&ctx);
	if (scprof_profile_load(src, &p, NULL, &err) < 0)
		fail_msg("%s: cannot load: %s", src, err->msg);
	if (scprof_semantic_build(p, &ctx, &s, NULL, &err) < 0)
		fail_msg("%s: semantic view: %s", src, err->msg);
	if (scprof_compile(s, p, NULL, &prog, &err) < 0)
		fail_msg("%s: compile: %s", src, err->msg);
	if (scprof_bpf_check(prog, &err) < 0)
		fail_msg("%s: the kernel would refuse the program: %s", src, err->msg);

	const char *slash = strrchr(src, '/');
	struct run run = { .profile = slash && strncmp(src, "runtime/", 8) ? slash + 1 : src,
			   .s = s,
			   .prog = prog };
	static const char *const tested[] = { "x86_64", "x86", "x32" };
	bool all_listed = true;
	for (size_t i = 0; i < ARRAY_SIZE(tested); i++) {
		const struct scprof_arch *a = scprof_arch_by_name(tested[i]);
		assert_non_null(a);
		all_listed &= scprof_semantic_arch(s, a) != NULL;
		check_arch(&run, a);
	}
	/* one architecture the filter does not list: libseccomp's bad-arch action */
	if (all_listed)
		check_arch(&run, scprof_arch_by_name("aarch64"));

	print_message("%-28s %4zu insns %7zu cases, exceptions: stub %zu, unknown %zu, mux %zu\n",
		      run.profile, prog->len, run.cases, run.exceptions[EXC_STUB],
		      run.exceptions[EXC_UNKNOWN], run.exceptions[EXC_MUX]);
	totals.profiles++;
	totals.cases += run.cases;
	for (int i = 0; i < EXC_COUNT; i++)
		totals.exceptions[i] += run.exceptions[i];
	totals.failures += run.failures;

	scprof_bpf_free(prog);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	if (run.failures)
		fail_msg(
			"%s: %zu of %zu cases differ between the BPF program and the semantic view",
			run.profile, run.failures, run.cases);
}

static bool is_profile_file(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && ((n > 5 && !strcmp(name + n - 5, ".json")) ||
				  (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
				  (n > 4 && !strcmp(name + n - 4, ".yml")));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int print_totals(void **state)
{
	print_message("differential: %zu profiles, %zu cases, %zu mismatches; exceptions:",
		      totals.profiles, totals.cases, totals.failures);
	for (int i = 0; i < EXC_COUNT; i++)
		print_message(" %s %zu", exception_names[i], totals.exceptions[i]);
	print_message("\n");
	return 0;
}

int main(void)
{
	const char *srcdir = getenv("SCPROF_SRCDIR");
	if (!srcdir) {
		printf("skip: SCPROF_SRCDIR is not set; run through meson test\n");
		return 77;
	}
	_cleanup_free_ char *dir = xasprintf("%s/tests/data/profiles", srcdir);
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	char **paths = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_profile_file(e->d_name))
			continue;
		GROW(paths, alloc, n + 1);
		paths[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(paths, n, sizeof(*paths), name_cmp);
	/* the project asks for runtime/default plus at least 20 more */
	if (n < 20) {
		fprintf(stderr, "only %zu profiles in '%s'; expected at least 20\n", n, dir);
		return 1;
	}

	struct CMUnitTest *tests = xcalloc(n + 1, sizeof(*tests));
	tests[0] = (struct CMUnitTest){ .name = "runtime/default",
					.test_func = test_profile,
					.initial_state = (void *)"runtime/default" };
	for (size_t i = 0; i < n; i++)
		tests[i + 1] = (struct CMUnitTest){ .name = strrchr(paths[i], '/') + 1,
						    .test_func = test_profile,
						    .initial_state = paths[i] };
	int r = _cmocka_run_group_tests("differential", tests, n + 1, NULL, print_totals);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return r;
}
