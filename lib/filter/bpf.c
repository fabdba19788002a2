// SPDX-License-Identifier: LGPL-2.1-or-later
/* Classic BPF seccomp programs: loading, the kernel's load-time checks and an interpreter. */

/*
 * The program format (include/uapi/linux/filter.h): an array of
 *
 *	struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; };
 *
 * 8 bytes per instruction in host byte order, 1 to BPF_MAXINSNS (4096) of
 * them.  The machine has a 32-bit accumulator A, an index register X and 16
 * scratch words M[0..15]; all arithmetic is unsigned 32-bit.  Jumps only go
 * forward: jt/jf (conditional) and k (BPF_JA) count instructions after the
 * next one, so a program runs at most len instructions and must end in a
 * return.
 *
 * Seccomp (kernel/seccomp.c seccomp_check_filter(), since 3.5) accepts a subset
 * of classic BPF after net/core/filter.c bpf_check_classic() has passed it:
 * the "packet" is struct seccomp_data (64 bytes), readable only with 32-bit
 * absolute loads (BPF_LD | BPF_W | BPF_ABS) at offsets that are multiples of 4
 * below 64, and BPF_LEN loads the constant 64.  Byte and halfword loads,
 * indirect loads, BPF_MSH, ancillary loads and BPF_MOD are refused.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/bpf-text.h"
#include "scprof/bpf.h"
#include "util/util.h"

/* Kernel headers older than 4.14 (KILL_PROCESS, LOG) or 5.0 (USER_NOTIF). */
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_KILL_THREAD
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif

#define SECCOMP_DATA_SIZE 64u

_Static_assert(sizeof(struct sock_filter) == 8, "struct sock_filter is 8 bytes");
_Static_assert(sizeof(struct seccomp_data) == SECCOMP_DATA_SIZE, "seccomp_data is 64 bytes");
_Static_assert(sizeof(struct scprof_seccomp_data) == SECCOMP_DATA_SIZE,
	       "scprof_seccomp_data mirrors seccomp_data");
_Static_assert(offsetof(struct scprof_seccomp_data, arch) == offsetof(struct seccomp_data, arch) &&
		       offsetof(struct scprof_seccomp_data, ip) ==
			       offsetof(struct seccomp_data, instruction_pointer) &&
		       offsetof(struct scprof_seccomp_data, args) ==
			       offsetof(struct seccomp_data, args),
	       "scprof_seccomp_data has the kernel's layout");
_Static_assert(SCPROF_BPF_MAXINSNS == BPF_MAXINSNS, "same instruction limit as the kernel");

void scprof_bpf_free(struct scprof_bpf *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	free(prog);
}

int scprof_bpf_from_raw(const void *data, size_t len, struct scprof_bpf **out,
			struct scprof_error **err)
{
	if (len % sizeof(struct sock_filter))
		return error_set(
			err, -EINVAL,
			"program size %zu is not a multiple of 8 bytes (struct sock_filter)", len);
	if (len && !data)
		return error_set(err, -EINVAL, "program data is missing");

	struct scprof_bpf *p = xcalloc(1, sizeof(*p));
	p->len = len / sizeof(struct sock_filter);
	if (p->len) {
		p->insns = xmalloc(len);
		memcpy(p->insns, data, len);
	}
	*out = p;
	return 0;
}

/* net/core/filter.c chk_code_allowed(): every opcode classic BPF knows. */
bool bpf_opcode_valid(uint16_t code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

/*
 * kernel/seccomp.c seccomp_check_filter(): the opcodes seccomp accepts.  Note
 * that BPF_MOD is not on the list (the kernel never added it when classic BPF
 * gained it in 3.7), while BPF_XOR is.
 */
bool bpf_opcode_seccomp(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA && bpf_opcode_valid(code);
}

/*
 * include/linux/filter.h bpf_anc_helper(): the ancillary loads classic BPF
 * knows are SKF_AD_OFF + SKF_AD_PROTOCOL .. SKF_AD_VLAN_TPID, every 4 bytes
 * below SKF_AD_MAX.
 */
static bool is_known_ancillary(uint32_t k)
{
	uint32_t off = k - (uint32_t)SKF_AD_OFF;
	return k >= (uint32_t)SKF_AD_OFF && off < SKF_AD_MAX && off % 4 == 0;
}

static int jump_error(struct scprof_error **err, size_t pc, uint64_t target, size_t len)
{
	return error_set(err, -EINVAL,
			 "instruction %zu: jump target %" PRIu64
			 " out of range (program has %zu instruction%s)",
			 pc, target, len, len == 1 ? "" : "s");
}

/* The per-instruction part of bpf_check_classic(), in the kernel's order. */
static int check_insn_classic(const struct sock_filter *f, size_t pc, size_t len,
			      struct scprof_error **err)
{
	if (!bpf_opcode_valid(f->code))
		return error_set(err, -EINVAL, "instruction %zu: unknown opcode 0x%04x", pc,
				 f->code);

	switch (f->code) {
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_K:
		if (f->k == 0)
			return error_set(err, -EINVAL, "instruction %zu: %s by constant zero", pc,
					 BPF_OP(f->code) == BPF_DIV ? "division" : "modulo");
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		if (f->k >= 32)
			return error_set(err, -EINVAL,
					 "instruction %zu: shift by %" PRIu32
					 " out of range (must be below 32)",
					 pc, f->k);
		break;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		if (f->k >= BPF_MEMWORDS)
			return error_set(err, -EINVAL,
					 "instruction %zu: scratch memory M[%" PRIu32
					 "] out of range (M[0] to M[15])",
					 pc, f->k);
		break;
	case BPF_JMP | BPF_JA:
		if (f->k >= len - pc - 1)
			return jump_error(err, pc, (uint64_t)pc + 1 + f->k, len);
		break;
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		if (f->k >= (uint32_t)SKF_AD_OFF && !is_known_ancillary(f->k))
			return error_set(
				err, -EINVAL,
				"instruction %zu: unknown ancillary load at offset 0x%" PRIx32, pc,
				f->k);
		break;
	default:
		if (is_cond_jump(f->code)) {
			if (pc + 1 + f->jt >= len)
				return jump_error(err, pc, pc + 1 + f->jt, len);
			if (pc + 1 + f->jf >= len)
				return jump_error(err, pc, pc + 1 + f->jf, len);
		}
		break;
	}
	return 0;
}

/*
 * check_load_and_stores(): M[] is not cleared between runs in the kernel, so
 * every load from M[k] must follow a store to M[k] on all paths.  Walk the
 * program in order (jumps only go forward) carrying the set of written cells;
 * a jump intersects its set into each target's, and execution does not fall
 * through a jump.
 */
static int check_scratch(const struct scprof_bpf *prog, struct scprof_error **err)
{
	uint16_t masks[SCPROF_BPF_MAXINSNS];
	uint16_t valid = 0;

	for (size_t pc = 0; pc < prog->len; pc++)
		masks[pc] = 0xffff;
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];

		valid &= masks[pc];
		switch (f->code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << f->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f->k)))
				return error_set(err, -EINVAL,
						 "instruction %zu: load from M[%" PRIu32
						 "] without a store to it on every path before",
						 pc, f->k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (is_cond_jump(f->code)) {
				masks[pc + 1 + f->jt] &= valid;
				masks[pc + 1 + f->jf] &= valid;
				valid = 0xffff;
			}
			break;
		}
	}
	return 0;
}

/* seccomp_check_filter(), run after the classic checks as the kernel does. */
static int check_seccomp(const struct scprof_bpf *prog, struct scprof_error **err)
{
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];

		if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
			if (f->k >= SECCOMP_DATA_SIZE)
				return error_set(err, -EINVAL,
						 "instruction %zu: load from offset %" PRIu32
						 " outside struct seccomp_data (64 bytes)",
						 pc, f->k);
			if (f->k % 4)
				return error_set(err, -EINVAL,
						 "instruction %zu: load from offset %" PRIu32
						 " not aligned to 4 bytes",
						 pc, f->k);
		} else if (!bpf_opcode_seccomp(f->code)) {
			return error_set(err, -EINVAL,
					 "instruction %zu: %s is not allowed in seccomp filters",
					 pc, bpf_opcode_name(f->code));
		}
	}
	return 0;
}

int scprof_bpf_check(const struct scprof_bpf *prog, struct scprof_error **err)
{
	int r;

	if (!prog || prog->len == 0)
		return error_set(err, -EINVAL, "program is empty");
	if (prog->len > SCPROF_BPF_MAXINSNS)
		return error_set(err, -EINVAL,
				 "program has %zu instructions, more than the kernel's limit of %d",
				 prog->len, SCPROF_BPF_MAXINSNS);

	for (size_t pc = 0; pc < prog->len; pc++) {
		r = check_insn_classic(&prog->insns[pc], pc, prog->len, err);
		if (r < 0)
			return r;
	}

	uint16_t last = prog->insns[prog->len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return error_set(err, -EINVAL, "instruction %zu: last instruction is not a return",
				 prog->len - 1);

	r = check_scratch(prog, err);
	if (r < 0)
		return r;
	return check_seccomp(prog, err);
}

void scprof_bpf_trace_release(struct scprof_bpf_trace *t)
{
	if (!t)
		return;
	free(t->pcs);
	t->pcs = NULL;
	t->n = t->alloc = 0;
}

/*
 * The 64 bytes the filter reads, laid out like the kernel's struct
 * seccomp_data in host byte order: on little-endian hosts offset 8 is the low
 * word of ip and 16 + 8 * i the low word of args[i]; on big-endian hosts the
 * high word comes first, as the kernel does (populate_seccomp_data() leaves
 * endianness to the filter author).
 */
static void seccomp_data_image(const struct scprof_seccomp_data *d, uint8_t img[SECCOMP_DATA_SIZE])
{
	memcpy(img + offsetof(struct seccomp_data, nr), &d->nr, sizeof(d->nr));
	memcpy(img + offsetof(struct seccomp_data, arch), &d->arch, sizeof(d->arch));
	memcpy(img + offsetof(struct seccomp_data, instruction_pointer), &d->ip, sizeof(d->ip));
	memcpy(img + offsetof(struct seccomp_data, args), d->args, sizeof(d->args));
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_ADD:
		return a + b;
	case BPF_SUB:
		return a - b;
	case BPF_MUL:
		return a * b;
	case BPF_DIV:
		return a / b; /* b != 0: checked by the caller */
	case BPF_AND:
		return a & b;
	case BPF_OR:
		return a | b;
	case BPF_XOR:
		return a ^ b;
	/*
	 * The kernel runs classic filters as eBPF ALU32 instructions, whose
	 * register shifts use the low 5 bits of the count: the interpreter
	 * masks with & 31 (kernel/bpf/core.c, commit 28131e9d9333, 2021) and
	 * the x86 and arm64 JITs emit shifts that do the same.  Constant
	 * counts are below 32 already (bpf_check_classic()).
	 */
	case BPF_LSH:
		return a << (b & 31);
	case BPF_RSH:
		return a >> (b & 31);
	case BPF_NEG:
		return -a;
	default:
		return 0; /* not reached: the caller passes only the ops above */
	}
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	default: /* BPF_JSET */
		return (a & b) != 0;
	}
}

int scprof_bpf_run(const struct scprof_bpf *prog, const struct scprof_seccomp_data *data,
		   uint32_t *ret, struct scprof_bpf_trace *trace)
{
	uint8_t img[SECCOMP_DATA_SIZE];
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	if (!prog || !data || !ret || prog->len == 0 || prog->len > SCPROF_BPF_MAXINSNS)
		return -EINVAL;
	seccomp_data_image(data, img);
	if (trace)
		trace->n = 0;

	/*
	 * Every jump goes forward, so this loop runs at most len times.  The
	 * program has passed scprof_bpf_check(); the -EINVAL returns are only a
	 * guard against callers that skipped it.
	 */
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];
		uint16_t code = f->code;
		uint32_t k = f->k;

		if (trace) {
			GROW(trace->pcs, trace->alloc, trace->n + 1);
			trace->pcs[trace->n++] = (uint32_t)pc;
		}
		if (!bpf_opcode_seccomp(code))
			return -EINVAL;

		switch (BPF_CLASS(code)) {
		case BPF_LD:
			switch (BPF_MODE(code)) {
			case BPF_ABS:
				if (k >= SECCOMP_DATA_SIZE || k % 4)
					return -EINVAL;
				memcpy(&a, img + k, sizeof(a));
				break;
			case BPF_LEN: /* seccomp rewrites it to "ld #64" */
				a = SECCOMP_DATA_SIZE;
				break;
			case BPF_IMM:
				a = k;
				break;
			default: /* BPF_MEM */
				if (k >= BPF_MEMWORDS)
					return -EINVAL;
				a = mem[k];
				break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(code)) {
			case BPF_LEN:
				x = SECCOMP_DATA_SIZE;
				break;
			case BPF_IMM:
				x = k;
				break;
			default: /* BPF_MEM */
				if (k >= BPF_MEMWORDS)
					return -EINVAL;
				x = mem[k];
				break;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return -EINVAL;
			mem[k] = BPF_CLASS(code) == BPF_ST ? a : x;
			break;
		case BPF_ALU: {
			uint32_t b = BPF_SRC(code) == BPF_X ? x : k;

			/*
			 * net/core/filter.c bpf_convert_filter() emits a test
			 * before DIV by X that makes the filter return 0; a
			 * constant zero divisor never passes the check.
			 */
			if (BPF_OP(code) == BPF_DIV && b == 0) {
				*ret = 0;
				return 0;
			}
			a = alu(BPF_OP(code), a, b);
			break;
		}
		case BPF_JMP:
			if (BPF_OP(code) == BPF_JA) {
				if (k >= prog->len - pc - 1)
					return -EINVAL;
				pc += k;
			} else {
				uint32_t b = BPF_SRC(code) == BPF_X ? x : k;

				pc += jump_taken(BPF_OP(code), a, b) ? f->jt : f->jf;
			}
			break;
		case BPF_RET:
			*ret = BPF_RVAL(code) == BPF_A ? a : k;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return -EINVAL; /* ran off the end; the check requires a final return */
}

void scprof_action_format(uint32_t ret, char *buf, size_t size)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
	uint32_t data = ret & SECCOMP_RET_DATA;

	if (!buf || !size)
		return;
	switch (action) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "KILL_PROCESS");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "KILL_THREAD");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "TRAP(%" PRIu32 ")", data);
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "ERRNO(%" PRIu32 ")", data);
		break;
	case SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "USER_NOTIF");
		break;
	case SECCOMP_RET_TRACE:
		snprintf(buf, size, "TRACE(%" PRIu32 ")", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, size, "LOG");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "ALLOW");
		break;
	default:
		/*
		 * kernel/seccomp.c __seccomp_filter() treats any action it
		 * does not know as SECCOMP_RET_KILL_PROCESS.
		 */
		snprintf(buf, size, "UNKNOWN(0x%08" PRIx32 ")", action);
		break;
	}
}
