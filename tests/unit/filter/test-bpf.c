// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the classic BPF checker, interpreter, disassembler and C writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>

#include "filter/bpf-text.h"
#include "scprof/bpf.h"
#include "util/util.h"

#define ALLOW SECCOMP_RET_ALLOW
#define PROG(f) ((struct scprof_bpf){ ARRAY_SIZE(f), (f) })

static void expect_reject(struct sock_filter *f, size_t n, const char *msg, int line)
{
	struct scprof_bpf p = { n, f };
	struct scprof_error *err = NULL;
	int r = scprof_bpf_check(&p, &err);

	if (r != -EINVAL || !err || !strstr(err->msg, msg))
		fail_msg("line %d: expected '%s', got %d '%s'", line, msg, r,
			 err ? err->msg : "(no error)");
	scprof_error_free(err);
}

/* Check that the program built from the arguments is refused with a message containing MSG. */
#define REJECTS(msg, ...)                                           \
	do {                                                        \
		struct sock_filter f_[] = { __VA_ARGS__ };          \
		expect_reject(f_, ARRAY_SIZE(f_), (msg), __LINE__); \
	} while (0)

static void expect_accept(struct sock_filter *f, size_t n, int line)
{
	struct scprof_bpf p = { n, f };
	struct scprof_error *err = NULL;

	if (scprof_bpf_check(&p, &err) < 0)
		fail_msg("line %d: unexpected rejection '%s'", line, err->msg);
}

#define ACCEPTS(...)                                         \
	do {                                                 \
		struct sock_filter f_[] = { __VA_ARGS__ };   \
		expect_accept(f_, ARRAY_SIZE(f_), __LINE__); \
	} while (0)

/* Check, then run on @d; fails the test on any error. */
static uint32_t run_prog(struct sock_filter *f, size_t n, const struct scprof_seccomp_data *d)
{
	struct scprof_bpf p = { n, f };
	struct scprof_error *err = NULL;
	uint32_t ret = 0xdeadbeef;

	if (scprof_bpf_check(&p, &err) < 0)
		fail_msg("check: %s", err->msg);
	assert_int_equal(scprof_bpf_run(&p, d, &ret, NULL), 0);
	return ret;
}

static const struct scprof_seccomp_data zero_data;

static void test_from_raw(void **state)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, ALLOW) };
	struct scprof_bpf *p = NULL;
	struct scprof_error *err = NULL;

	assert_int_equal(scprof_bpf_from_raw(f, sizeof(f), &p, &err), 0);
	assert_int_equal(p->len, 1);
	assert_int_equal(p->insns[0].k, ALLOW);
	assert_int_equal(scprof_bpf_check(p, NULL), 0);
	scprof_bpf_free(p);
	scprof_bpf_free(NULL);

	assert_int_equal(scprof_bpf_from_raw(f, 7, &p, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "not a multiple of 8"));
	scprof_error_free(err);
}

static void test_check_classic(void **state)
{
	struct scprof_bpf empty = { 0, NULL };
	struct scprof_error *err = NULL;

	assert_int_equal(scprof_bpf_check(&empty, &err), -EINVAL);
	assert_string_equal(err->msg, "program is empty");
	scprof_error_free(err);
	err = NULL;

	struct sock_filter *big = xcalloc(SCPROF_BPF_MAXINSNS + 1, sizeof(*big));
	for (size_t i = 0; i <= SCPROF_BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ALLOW);
	struct scprof_bpf p = { SCPROF_BPF_MAXINSNS + 1, big };
	assert_int_equal(scprof_bpf_check(&p, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "4097 instructions"));
	scprof_error_free(err);
	p.len = SCPROF_BPF_MAXINSNS;
	assert_int_equal(scprof_bpf_check(&p, NULL), 0);
	free(big);

	REJECTS("instruction 1: unknown opcode 0xffff", BPF_STMT(BPF_LD | BPF_IMM, 0),
		{ 0xffff, 0, 0, 0 }, BPF_STMT(BPF_RET | BPF_K, ALLOW));
	REJECTS("instruction 0: unknown opcode 0x000e", BPF_STMT(BPF_RET | BPF_X, 0));
	REJECTS("instruction 1: division by constant zero", BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: modulo by constant zero", BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: shift by 32 out of range", BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: shift by 40 out of range", BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 40), BPF_STMT(BPF_RET | BPF_A, 0));
	ACCEPTS(BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 31), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: scratch memory M[16] out of range", BPF_STMT(BPF_ST, 16),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: scratch memory M[16]", BPF_STMT(BPF_STX, 16),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: scratch memory M[99]", BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 99), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: scratch memory M[16]", BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LDX | BPF_MEM, 16), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: jump target 3 out of range (program has 3 instructions)",
		BPF_STMT(BPF_LD | BPF_IMM, 0), BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: jump target 4294967296 out of range",
		BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: jump target 2 out of range (program has 2 instructions)",
		BPF_STMT(BPF_JMP | BPF_JA, 0), BPF_STMT(BPF_JMP | BPF_JA, 0));
	REJECTS("instruction 0: jump target 256 out of range (program has 2 instructions)",
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 255), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: jump target 3 out of range (program has 3 instructions)",
		BPF_STMT(BPF_LD | BPF_IMM, 0), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: last instruction is not a return", BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 0));
	REJECTS("instruction 0: last instruction is not a return", BPF_STMT(BPF_LDX | BPF_IMM, 0));
	REJECTS("instruction 0: jump target 1 out of range (program has 1 instruction)",
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0, 0, 0));
	/* The kernel runs all of bpf_check_classic() before seccomp's own checks. */
	REJECTS("instruction 1: unknown opcode", BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		{ 0x00ff, 0, 0, 0 }, BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: unknown ancillary load at offset 0xfffff100",
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0xfffff100), BPF_STMT(BPF_RET | BPF_A, 0));
}

static void test_check_scratch(void **state)
{
	REJECTS("instruction 0: load from M[0] without a store", BPF_STMT(BPF_LD | BPF_MEM, 0),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: load from M[3] without a store", BPF_STMT(BPF_ST, 2),
		BPF_STMT(BPF_LDX | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0));
	/* Stored on the jt path only: the join at 3 has M[5] unset on the jf path. */
	REJECTS("instruction 3: load from M[5]", BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_ST, 5), BPF_STMT(BPF_LD | BPF_IMM, 7), BPF_STMT(BPF_LD | BPF_MEM, 5),
		BPF_STMT(BPF_RET | BPF_A, 0));
	/* A BPF_JA skipping the store. */
	REJECTS("instruction 2: load from M[1]", BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_STX, 1), BPF_STMT(BPF_LD | BPF_MEM, 1), BPF_STMT(BPF_RET | BPF_A, 0));
	/* Stored before the branch, or on both paths: fine. */
	ACCEPTS(BPF_STMT(BPF_ST, 5), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_LD | BPF_IMM, 7), BPF_STMT(BPF_LD | BPF_MEM, 5),
		BPF_STMT(BPF_RET | BPF_A, 0));
	ACCEPTS(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), BPF_STMT(BPF_ST, 5),
		BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_STX, 5), BPF_STMT(BPF_LDX | BPF_MEM, 5),
		BPF_STMT(BPF_RET | BPF_A, 0));
}

static void test_check_seccomp(void **state)
{
	REJECTS("instruction 1: load from offset 64 outside struct seccomp_data",
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: load from offset 2 not aligned to 4 bytes",
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_A, 0));
	/* A known ancillary load passes bpf_check_classic() but not seccomp. */
	REJECTS("instruction 0: load from offset 4294963200 outside",
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: BPF_LD | BPF_B | BPF_ABS is not allowed in seccomp filters",
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: BPF_LD | BPF_H | BPF_ABS is not allowed",
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: BPF_LD | BPF_W | BPF_IND is not allowed",
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: BPF_LD | BPF_B | BPF_IND is not allowed",
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 1: BPF_LDX | BPF_B | BPF_MSH is not allowed",
		BPF_STMT(BPF_LD | BPF_IMM, 0), BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_RET | BPF_A, 0));
	/* seccomp_check_filter() never listed BPF_MOD. */
	REJECTS("instruction 0: BPF_ALU | BPF_MOD | BPF_K is not allowed",
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), BPF_STMT(BPF_RET | BPF_A, 0));
	REJECTS("instruction 0: BPF_ALU | BPF_MOD | BPF_X is not allowed",
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0), BPF_STMT(BPF_RET | BPF_A, 0));

	/* Every opcode seccomp allows, in one valid program. */
	ACCEPTS(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60), BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_LD | BPF_IMM, 1),
		BPF_STMT(BPF_LDX | BPF_IMM, 1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_STX, 15),
		BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0), BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_JMP | BPF_JA, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0), BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0));
}

static uint32_t alu_k(uint16_t op, uint32_t a, uint32_t k)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_IMM, a),
		BPF_STMT(BPF_ALU | op | BPF_K, k),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	return run_prog(f, ARRAY_SIZE(f), &zero_data);
}

static uint32_t alu_x(uint16_t op, uint32_t a, uint32_t x)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_IMM, a),
		BPF_STMT(BPF_LDX | BPF_IMM, x),
		BPF_STMT(BPF_ALU | op | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	return run_prog(f, ARRAY_SIZE(f), &zero_data);
}

static void test_run_alu(void **state)
{
	static const struct {
		uint16_t op;
		uint32_t a, b, want;
	} cases[] = {
		{ BPF_ADD, 5, 7, 12 },
		{ BPF_ADD, 0xffffffff, 2, 1 },
		{ BPF_SUB, 5, 7, 0xfffffffe },
		{ BPF_MUL, 0x10000, 0x10001, 0x10000 },
		{ BPF_DIV, 100, 7, 14 },
		{ BPF_DIV, 0xffffffff, 2, 0x7fffffff },
		{ BPF_AND, 0xf0f0, 0xff00, 0xf000 },
		{ BPF_OR, 0xf0f0, 0x0f00, 0xfff0 },
		{ BPF_XOR, 0xf0f0, 0xff00, 0x0ff0 },
		{ BPF_LSH, 1, 31, 0x80000000 },
		{ BPF_LSH, 0xffffffff, 4, 0xfffffff0 },
		{ BPF_RSH, 0x80000000, 31, 1 },
		{ BPF_RSH, 0xffffffff, 0, 0xffffffff },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (alu_k(cases[i].op, cases[i].a, cases[i].b) != cases[i].want)
			fail_msg("case %zu: K", i);
		if (alu_x(cases[i].op, cases[i].a, cases[i].b) != cases[i].want)
			fail_msg("case %zu: X", i);
	}
	/* Register shift counts are masked to 5 bits like the kernel's ALU32 shifts. */
	assert_int_equal(alu_x(BPF_LSH, 1, 33), 2);
	assert_int_equal(alu_x(BPF_RSH, 0x80, 39), 1);
	assert_int_equal(alu_x(BPF_LSH, 1, 32), 1);

	assert_int_equal(alu_k(BPF_NEG, 1, 0), 0xffffffff);
	assert_int_equal(alu_k(BPF_NEG, 0, 0), 0);
	assert_int_equal(alu_k(BPF_NEG, 0x80000000, 0), 0x80000000);
}

static void test_run_div_zero(void **state)
{
	/* Division by X == 0 ends the filter with return value 0 (KILL_THREAD). */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 10),
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	struct scprof_bpf p = PROG(f);
	struct scprof_bpf_trace t = { 0 };
	uint32_t ret = 1;

	assert_int_equal(scprof_bpf_check(&p, NULL), 0);
	assert_int_equal(scprof_bpf_run(&p, &zero_data, &ret, &t), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.pcs[2], 2);
	scprof_bpf_trace_release(&t);
	assert_null(t.pcs);

	f[1].k = 3;
	assert_int_equal(scprof_bpf_run(&p, &zero_data, &ret, NULL), 0);
	assert_int_equal(ret, ALLOW);
}

static void test_run_loads(void **state)
{
	struct scprof_seccomp_data d = {
		.nr = 59,
		.arch = 0xc000003e,
		.ip = 0x1122334455667788,
		.args = { 0x100000002, 3, 4, 5, 6, 0xaabbccdd00000000 },
	};
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct {
		uint32_t off;
		uint32_t want;
	} cases[] = {
		{ 0, 59 }, { 4, 0xc000003e }, { 8, 0x55667788 },  { 12, 0x11223344 },
		{ 16, 2 }, { 20, 1 },	      { 24, 3 },	  { 28, 0 },
		{ 48, 6 }, { 56, 0 },	      { 60, 0xaabbccdd },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f[0].k = cases[i].off;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		if (cases[i].off >= 8)
			f[0].k ^= 4; /* the high word comes first */
#endif
		assert_int_equal(run_prog(f, ARRAY_SIZE(f), &d), cases[i].want);
	}
	d.nr = -1;
	f[0].k = 0;
	assert_int_equal(run_prog(f, ARRAY_SIZE(f), &d), 0xffffffff);

	f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0);
	assert_int_equal(run_prog(f, ARRAY_SIZE(f), &d), 64);

	struct sock_filter g[] = {
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(run_prog(g, ARRAY_SIZE(g), &d), 64);
}

static void test_run_scratch(void **state)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 11),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 22),
		BPF_STMT(BPF_STX, 15),
		BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_LDX | BPF_MEM, 3), /* X = 11 */
		BPF_STMT(BPF_LD | BPF_MEM, 15), /* A = 22 */
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0), /* A = 11 */
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), /* 22 */
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 2), /* 44 */
		BPF_STMT(BPF_LDX | BPF_IMM, 1),
		BPF_STMT(BPF_MISC | BPF_TXA, 0), /* A = 1 */
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 99),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	assert_int_equal(run_prog(f, ARRAY_SIZE(f), &zero_data), 100);
}

static void test_run_jumps(void **state)
{
	/* Each conditional jump goes to "ret 1" when taken and "ret 2" otherwise. */
	static const struct {
		uint16_t op;
		uint32_t a, b, taken;
	} cases[] = {
		{ BPF_JEQ, 5, 5, 1 },  { BPF_JEQ, 5, 6, 0 },	      { BPF_JGT, 6, 5, 1 },
		{ BPF_JGT, 5, 5, 0 },  { BPF_JGT, 0xffffffff, 1, 1 }, /* unsigned */
		{ BPF_JGE, 5, 5, 1 },  { BPF_JGE, 4, 5, 0 },	      { BPF_JSET, 6, 2, 1 },
		{ BPF_JSET, 6, 1, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int src = 0; src < 2; src++) {
			uint16_t s = src ? BPF_X : BPF_K;
			struct sock_filter f[] = {
				BPF_STMT(BPF_LD | BPF_IMM, cases[i].a),
				BPF_STMT(BPF_LDX | BPF_IMM, cases[i].b),
				BPF_JUMP(BPF_JMP | cases[i].op | s, src ? 0 : cases[i].b, 1, 3),
				BPF_STMT(BPF_RET | BPF_K, 7), /* never reached */
				BPF_STMT(BPF_RET | BPF_K, 1),
				BPF_STMT(BPF_RET | BPF_K, 7), /* never reached */
				BPF_STMT(BPF_RET | BPF_K, 2),
			};
			uint32_t want = cases[i].taken ? 1 : 2;
			if (run_prog(f, ARRAY_SIZE(f), &zero_data) != want)
				fail_msg("case %zu src %d", i, src);
		}
	}

	struct sock_filter g[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 2), BPF_STMT(BPF_RET | BPF_K, 7),
		BPF_STMT(BPF_RET | BPF_K, 8),  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 9),  BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	struct scprof_bpf p = PROG(g);
	struct scprof_bpf_trace t = { 0 };
	uint32_t ret = 0;
	assert_int_equal(scprof_bpf_check(&p, NULL), 0);
	assert_int_equal(scprof_bpf_run(&p, &zero_data, &ret, &t), 0);
	assert_int_equal(ret, ALLOW);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.pcs[0], 0);
	assert_int_equal(t.pcs[1], 3);
	assert_int_equal(t.pcs[2], 5);
	/* The trace is reset on each run. */
	assert_int_equal(scprof_bpf_run(&p, &zero_data, &ret, &t), 0);
	assert_int_equal(t.n, 3);
	scprof_bpf_trace_release(&t);

	/* Unchecked programs that would run off the end are refused, not run. */
	struct sock_filter h[] = { BPF_STMT(BPF_LD | BPF_IMM, 0) };
	struct scprof_bpf q = PROG(h);
	assert_int_equal(scprof_bpf_run(&q, &zero_data, &ret, NULL), -EINVAL);
}

static uint32_t resolve(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);
	assert_true(nr >= 0);
	return (uint32_t)nr;
}

static void test_libseccomp(void **state)
{
	uint32_t native = seccomp_arch_native();
	uint32_t other = native == SCMP_ARCH_X86_64 ? SCMP_ARCH_AARCH64 : SCMP_ARCH_X86_64;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
	uint32_t badarch = 0;

	assert_non_null(ctx);
	assert_int_equal(seccomp_arch_add(ctx, other), 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 0), 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(write), 1,
					  SCMP_A0(SCMP_CMP_EQ, 2)),
			 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_TRACE(7), SCMP_SYS(close), 1,
					  SCMP_A0(SCMP_CMP_GT, 0x100000000)),
			 0);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &badarch), 0);

	int fd = memfd_create("bpf", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	seccomp_release(ctx);
	off_t size = lseek(fd, 0, SEEK_END);
	assert_true(size > 0);
	char *buf = xmalloc((size_t)size);
	assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
	close(fd);

	struct scprof_bpf *p = NULL;
	struct scprof_error *err = NULL;
	assert_int_equal(scprof_bpf_from_raw(buf, (size_t)size, &p, &err), 0);
	free(buf);
	if (scprof_bpf_check(p, &err) < 0)
		fail_msg("libseccomp filter rejected: %s", err->msg);

	struct {
		uint32_t arch;
		const char *name;
		uint64_t arg0;
		uint32_t want;
	} cases[] = {
		{ native, "read", 0, ALLOW },
		{ native, "write", 1, SECCOMP_RET_ERRNO | 1 },
		{ native, "write", 2, SECCOMP_RET_KILL_PROCESS },
		{ native, "write", 0x100000002, SECCOMP_RET_ERRNO | 1 },
		{ native, "close", 0x100000000, SECCOMP_RET_ERRNO | 1 },
		{ native, "close", 0x100000001, SECCOMP_RET_TRACE | 7 },
		{ native, "close", 0x200000000, SECCOMP_RET_TRACE | 7 },
		{ native, "getpid", 0, SECCOMP_RET_ERRNO | 1 },
		{ other, "read", 0, ALLOW },
		{ other, "write", 2, SECCOMP_RET_KILL_PROCESS },
		{ other, "getpid", 0, SECCOMP_RET_ERRNO | 1 },
		{ 0x12345678, "read", 0, (uint32_t)badarch },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t arch = cases[i].arch == 0x12345678 ? native : cases[i].arch;
		struct scprof_seccomp_data d = {
			.nr = (int32_t)resolve(arch, cases[i].name),
			.arch = cases[i].arch,
			.args = { cases[i].arg0 },
		};
		struct scprof_bpf_trace t = { 0 };
		uint32_t ret = 0xdeadbeef;
		assert_int_equal(scprof_bpf_run(p, &d, &ret, &t), 0);
		if (ret != cases[i].want)
			fail_msg("case %zu (%s): got 0x%08x, want 0x%08x", i, cases[i].name, ret,
				 cases[i].want);
		assert_true(t.n > 0 && t.n <= p->len);
		assert_int_equal(BPF_CLASS(p->insns[t.pcs[t.n - 1]].code), BPF_RET);
		scprof_bpf_trace_release(&t);
	}
	scprof_bpf_free(p);
}

static void expect_action(uint32_t ret, const char *want)
{
	char buf[64];
	scprof_action_format(ret, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_action_format(void **state)
{
	expect_action(0x80000000, "KILL_PROCESS");
	expect_action(0x80000005, "KILL_PROCESS");
	expect_action(0x00000000, "KILL_THREAD");
	expect_action(0x00030005, "TRAP(5)");
	expect_action(0x00030000, "TRAP(0)");
	expect_action(0x00050001, "ERRNO(1)");
	expect_action(0x0005ffff, "ERRNO(65535)");
	expect_action(0x7fc00000, "USER_NOTIF");
	expect_action(0x7ff00007, "TRACE(7)");
	expect_action(0x7ffc0000, "LOG");
	expect_action(0x7fff0000, "ALLOW");
	expect_action(0x12340042, "UNKNOWN(0x12340000)");

	char small[4];
	scprof_action_format(0x7fff0000, small, sizeof(small));
	assert_string_equal(small, "ALL");
}

static void expect_disasm(struct sock_filter *f, size_t n, size_t pc, const char *want)
{
	struct scprof_bpf p = { n, f };
	char buf[128];
	scprof_bpf_disasm_insn(&p, pc, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_disasm(void **state)
{
	struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
		/* 2 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		/* 3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 59, 0, 1),
		/* 5 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		/* 6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
		/* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 44),
		/* 8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),
		/* 9 */ BPF_STMT(BPF_ST, 3),
		/* 10 */ BPF_STMT(BPF_LDX | BPF_MEM, 3),
		/* 11 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		/* 12 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		/* 13 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
		/* 14 */ BPF_STMT(BPF_JMP | BPF_JA, 2),
		/* 15 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1),
		/* 16 */ BPF_STMT(BPF_ALU | BPF_NEG, 0),
		/* 17 */ BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		/* 18 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		/* 19 */ { 0x00ff, 0, 0, 0 },
		/* 20 */ BPF_STMT(BPF_RET | BPF_A, 0),
		/* 21 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0x44),
		/* 22 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t n = ARRAY_SIZE(f);

	expect_disasm(f, n, 0, "ld  [4]                           ; arch");
	expect_disasm(f, n, 1, "jeq #0xc000003e  jt 3  jf 2       ; AUDIT_ARCH_X86_64");
	expect_disasm(f, n, 2, "ret #0x80000000                   ; KILL_PROCESS");
	expect_disasm(f, n, 4, "jeq #0x3b  jt 5  jf 6             ; nr 59");
	expect_disasm(f, n, 5, "ret #0x50001                      ; ERRNO(1)");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	expect_disasm(f, n, 6, "ld  [16]                          ; args[0] low");
	expect_disasm(f, n, 7, "ld  [44]                          ; args[3] high");
	expect_disasm(f, n, 8, "ld  [12]                          ; ip high");
#endif
	expect_disasm(f, n, 9, "st  M[3]");
	expect_disasm(f, n, 10, "ldx M[3]");
	expect_disasm(f, n, 11, "add x");
	expect_disasm(f, n, 12, "and #0xff");
	expect_disasm(f, n, 13, "tax");
	expect_disasm(f, n, 14, "ja  17");
	expect_disasm(f, n, 15, "jset x  jt 16  jf 17");
	expect_disasm(f, n, 16, "neg");
	expect_disasm(f, n, 17,
		      "ld  #len                          ; 64, sizeof(struct seccomp_data)");
	expect_disasm(f, n, 18, "ldb [0]                           ; not allowed by seccomp");
	expect_disasm(f, n, 19, "(invalid opcode 0x00ff)");
	expect_disasm(f, n, 20, "ret a");
	expect_disasm(f, n, 21, "ld  [68]                          ; outside seccomp_data");
	expect_disasm(f, n, 23, "(no instruction 23)");

	/* A small token is named only when A holds arch; 8 after "ld [0]" is a syscall. */
	struct sock_filter g[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 8, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	expect_disasm(g, ARRAY_SIZE(g), 1, "jeq #0x8  jt 2  jf 4              ; AUDIT_ARCH_MIPS");
	expect_disasm(g, ARRAY_SIZE(g), 3, "jeq #0x8  jt 4  jf 4              ; nr 8");
	/* At 4, A is arch (from 1) or nr (from 3): no comment. */
	expect_disasm(g, ARRAY_SIZE(g), 4, "jge #0x8  jt 5  jf 5");

	char tiny[8];
	struct scprof_bpf p = { n, f };
	scprof_bpf_disasm_insn(&p, 1, tiny, sizeof(tiny));
	assert_string_equal(tiny, "jeq #0x");
}

static void test_opcode_tables(void **state)
{
	struct sock_filter f[1] = { { 0 } };
	struct scprof_bpf p = { 1, f };
	char buf[128];
	unsigned valid = 0, seccomp = 0;

	for (uint32_t code = 0; code <= 0xffff; code++) {
		bool ok = bpf_opcode_valid((uint16_t)code);
		f[0].code = (uint16_t)code;
		scprof_bpf_disasm_insn(&p, 0, buf, sizeof(buf));
		assert_true(ok == (bpf_opcode_name((uint16_t)code) != NULL));
		assert_true(ok == (strncmp(buf, "(invalid", 8) != 0));
		if (bpf_opcode_seccomp((uint16_t)code))
			assert_true(ok);
		valid += ok;
		seccomp += bpf_opcode_seccomp((uint16_t)code);
	}
	assert_int_equal(valid, 49);
	/* 49 minus LD H/B ABS, LD W/H/B IND, LDX MSH, MOD K/X. */
	assert_int_equal(seccomp, 41);
}

static void test_write_c(void **state)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		{ 0x1234, 1, 2, 3 },
	};
	struct scprof_bpf p = PROG(f);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	bpf_write_c(&p, "filter", &sb);
	assert_string_equal(sb.buf,
			    "struct sock_filter filter[] = {\n"
			    "\t/*    0: ld  [4]                           ; arch */\n"
			    "\tBPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0x4),\n"
			    "\t/*    1: jeq #0xc000003e  jt 3  jf 2       ; AUDIT_ARCH_X86_64 */\n"
			    "\tBPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),\n"
			    "\t/*    2: ret #0x80000000                   ; KILL_PROCESS */\n"
			    "\tBPF_STMT(BPF_RET | BPF_K, 0x80000000),\n"
			    "\t/*    3: ret #0x7fff0000                   ; ALLOW */\n"
			    "\tBPF_STMT(BPF_RET | BPF_K, 0x7fff0000),\n"
			    "\t/*    4: (invalid opcode 0x1234) */\n"
			    "\t{ 0x1234, 1, 2, 0x00000003 },\n"
			    "};\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_raw),      cmocka_unit_test(test_check_classic),
		cmocka_unit_test(test_check_scratch), cmocka_unit_test(test_check_seccomp),
		cmocka_unit_test(test_run_alu),	      cmocka_unit_test(test_run_div_zero),
		cmocka_unit_test(test_run_loads),     cmocka_unit_test(test_run_scratch),
		cmocka_unit_test(test_run_jumps),     cmocka_unit_test(test_libseccomp),
		cmocka_unit_test(test_action_format), cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_opcode_tables), cmocka_unit_test(test_write_c),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
