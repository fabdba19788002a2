// SPDX-License-Identifier: LGPL-2.1-or-later
/* The classic BPF disassembler: one line of text per instruction, with seccomp comments. */

/*
 * Line format: a mnemonic padded to 3 columns, a space and the operand, then,
 * from column 34 (or after two spaces), "; " and a comment when there is
 * something to say:
 *
 *	ld  [4]                           ; arch
 *	jeq #0xc000003e  jt 2  jf 9       ; AUDIT_ARCH_X86_64
 *	ld  [0]                           ; nr
 *	jeq #0x3b  jt 4  jf 5             ; nr 59
 *	ld  [16]                          ; args[0] low
 *	ldx M[3]
 *	add x
 *	ja  12
 *	ret #0x7fff0000                   ; ALLOW
 *
 * Immediates are "#0x..." in hex, absolute offsets "[k]" and scratch cells
 * "M[k]" in decimal, and jump targets are absolute instruction indexes
 * (pc + 1 + offset).  Operands follow the kernel's bpf_asm/bpf_dbg syntax.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "filter/bpf-text.h"
#include "scprof/bpf.h"
#include "util/util.h"

#define COMMENT_COLUMN 34

/* AUDIT_ARCH_* values (include/uapi/linux/audit.h); the syscalls module owns the names. */
static const struct {
	uint32_t token;
	const char *name;
} arches[] = {
	{ 0xc000003e, "AUDIT_ARCH_X86_64" },	  { 0x40000003, "AUDIT_ARCH_I386" },
	{ 0xc00000b7, "AUDIT_ARCH_AARCH64" },	  { 0x40000028, "AUDIT_ARCH_ARM" },
	{ 0x00000028, "AUDIT_ARCH_ARMEB" },	  { 0xc00000f3, "AUDIT_ARCH_RISCV64" },
	{ 0x400000f3, "AUDIT_ARCH_RISCV32" },	  { 0xc0000015, "AUDIT_ARCH_PPC64LE" },
	{ 0x80000015, "AUDIT_ARCH_PPC64" },	  { 0x00000014, "AUDIT_ARCH_PPC" },
	{ 0x80000016, "AUDIT_ARCH_S390X" },	  { 0x00000016, "AUDIT_ARCH_S390" },
	{ 0x00000008, "AUDIT_ARCH_MIPS" },	  { 0x40000008, "AUDIT_ARCH_MIPSEL" },
	{ 0x80000008, "AUDIT_ARCH_MIPS64" },	  { 0xc0000008, "AUDIT_ARCH_MIPSEL64" },
	{ 0xa0000008, "AUDIT_ARCH_MIPS64N32" },	  { 0xe0000008, "AUDIT_ARCH_MIPSEL64N32" },
	{ 0xc0000102, "AUDIT_ARCH_LOONGARCH64" }, { 0x0000000f, "AUDIT_ARCH_PARISC" },
	{ 0x8000000f, "AUDIT_ARCH_PARISC64" },
};

static const char *arch_name(uint32_t token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].token == token)
			return arches[i].name;
	return NULL;
}

/* Name the 32-bit word at @k of struct seccomp_data in host byte order; NULL if none. */
static const char *field_name(uint32_t k, char *buf, size_t size)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const char *const half[] = { "low", "high" };
#else
	static const char *const half[] = { "high", "low" };
#endif
	if (k >= 64 || k % 4)
		return NULL;
	if (k == 0)
		return "nr";
	if (k == 4)
		return "arch";
	if (k < 16)
		snprintf(buf, size, "ip %s", half[(k - 8) / 4]);
	else
		snprintf(buf, size, "args[%" PRIu32 "] %s", (k - 16) / 8, half[(k % 8) / 4]);
	return buf;
}

enum {
	A_UNREACHED = -2, /* no path reaches the instruction */
	A_OTHER = -1, /* anything but an unmodified seccomp_data word */
	/* 0..63: A holds the seccomp_data word at this offset on every path */
};

static int merge(int a, int b)
{
	if (a == A_UNREACHED)
		return b;
	if (b == A_UNREACHED || a == b)
		return a;
	return A_OTHER;
}

/*
 * What A holds when instruction @pc starts, over every path that reaches it.
 * Jumps only go forward, so one pass over the instructions before @pc sees
 * every edge into it.  Used only to choose comments.
 */
static int a_source(const struct scprof_bpf *p, size_t pc)
{
	int16_t in[SCPROF_BPF_MAXINSNS];

	if (p->len > SCPROF_BPF_MAXINSNS)
		return A_OTHER;
	for (size_t i = 0; i <= pc; i++)
		in[i] = A_UNREACHED;
	in[0] = A_OTHER;
	for (size_t i = 0; i < pc; i++) {
		const struct sock_filter *f = &p->insns[i];
		int a = in[i];

		if (a == A_UNREACHED)
			continue;
		switch (BPF_CLASS(f->code)) {
		case BPF_RET:
			continue;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				uint64_t t = (uint64_t)i + 1 + f->k;
				if (t <= pc)
					in[t] = (int16_t)merge(in[t], a);
			} else {
				if (i + 1 + f->jt <= pc)
					in[i + 1 + f->jt] = (int16_t)merge(in[i + 1 + f->jt], a);
				if (i + 1 + f->jf <= pc)
					in[i + 1 + f->jf] = (int16_t)merge(in[i + 1 + f->jf], a);
			}
			continue;
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS) && f->k < 64 && f->k % 4 == 0)
				a = (int)f->k;
			else
				a = A_OTHER;
			break;
		case BPF_ALU:
			a = A_OTHER;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) != BPF_TAX)
				a = A_OTHER;
			break;
		default: /* LDX, ST and STX leave A alone */
			break;
		}
		in[i + 1] = (int16_t)merge(in[i + 1], a);
	}
	return in[pc];
}

/* Comment for a comparison of A with the constant @k at @pc. */
static void jump_comment(const struct scprof_bpf *p, size_t pc, uint32_t k, char *buf, size_t size)
{
	int src = a_source(p, pc);
	const char *arch = arch_name(k);

	/*
	 * Small tokens (MIPS 8, PPC 20, S390 22) look like syscall numbers:
	 * name them only after "ld [4]".  Larger ones carry the 64-bit or
	 * little-endian flag and stand out.
	 */
	if (arch && (src == 4 || (src == A_OTHER && k >= 0x40000000)))
		snprintf(buf, size, "%s", arch);
	else if (src == 0)
		snprintf(buf, size, "nr %" PRId32, (int32_t)k);
}

static const char *alu_name(uint16_t op)
{
	switch (op) {
	case BPF_ADD:
		return "add";
	case BPF_SUB:
		return "sub";
	case BPF_MUL:
		return "mul";
	case BPF_DIV:
		return "div";
	case BPF_MOD:
		return "mod";
	case BPF_AND:
		return "and";
	case BPF_OR:
		return "or";
	case BPF_XOR:
		return "xor";
	case BPF_LSH:
		return "lsh";
	case BPF_RSH:
		return "rsh";
	default:
		return "neg";
	}
}

static const char *jump_name(uint16_t op)
{
	switch (op) {
	case BPF_JEQ:
		return "jeq";
	case BPF_JGT:
		return "jgt";
	case BPF_JGE:
		return "jge";
	default:
		return "jset";
	}
}

/* Write "MNEMONIC OPERAND" into @ins and a comment into @com; both start empty. */
static void disasm(const struct scprof_bpf *p, size_t pc, char *ins, size_t isize, char *com,
		   size_t csize)
{
	const struct sock_filter *f = &p->insns[pc];
	uint16_t code = f->code;
	uint32_t k = f->k;
	char tmp[32];

	if (!bpf_opcode_valid(code)) {
		snprintf(ins, isize, "(invalid opcode 0x%04x)", code);
		return;
	}

	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS: {
		static const char *const names[] = { "ld", "ldh", "ldb" };
		const char *field = field_name(k, tmp, sizeof(tmp));

		snprintf(ins, isize, "%-3s [%" PRIu32 "]", names[BPF_SIZE(code) >> 3], k);
		if (code != (BPF_LD | BPF_W | BPF_ABS))
			snprintf(com, csize, "not allowed by seccomp");
		else if (field)
			snprintf(com, csize, "%s", field);
		else
			snprintf(com, csize, "%s",
				 k >= 64 ? "outside seccomp_data" :
					   "unaligned, refused by seccomp");
		break;
	}
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND: {
		static const char *const names[] = { "ld", "ldh", "ldb" };

		snprintf(ins, isize, "%-3s [x+%" PRIu32 "]", names[BPF_SIZE(code) >> 3], k);
		snprintf(com, csize, "not allowed by seccomp");
		break;
	}
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		snprintf(ins, isize, "%-3s #len", BPF_CLASS(code) == BPF_LD ? "ld" : "ldx");
		snprintf(com, csize, "64, sizeof(struct seccomp_data)");
		break;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
		snprintf(ins, isize, "%-3s #0x%" PRIx32, BPF_CLASS(code) == BPF_LD ? "ld" : "ldx",
			 k);
		break;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		snprintf(ins, isize, "%-3s M[%" PRIu32 "]",
			 BPF_CLASS(code) == BPF_LD ? "ld" : "ldx", k);
		break;
	case BPF_LDX | BPF_B | BPF_MSH:
		snprintf(ins, isize, "ldxb 4*([%" PRIu32 "]&0xf)", k);
		snprintf(com, csize, "not allowed by seccomp");
		break;
	case BPF_ST:
	case BPF_STX:
		snprintf(ins, isize, "%-3s M[%" PRIu32 "]", code == BPF_ST ? "st" : "stx", k);
		break;
	case BPF_ALU | BPF_NEG:
		snprintf(ins, isize, "neg");
		break;
	case BPF_JMP | BPF_JA:
		snprintf(ins, isize, "ja  %" PRIu64, (uint64_t)pc + 1 + k);
		break;
	case BPF_RET | BPF_K:
		snprintf(ins, isize, "ret #0x%" PRIx32, k);
		scprof_action_format(k, com, csize);
		break;
	case BPF_RET | BPF_A:
		snprintf(ins, isize, "ret a");
		break;
	case BPF_MISC | BPF_TAX:
		snprintf(ins, isize, "tax");
		break;
	case BPF_MISC | BPF_TXA:
		snprintf(ins, isize, "txa");
		break;
	default:
		if (BPF_CLASS(code) == BPF_ALU) {
			if (BPF_SRC(code) == BPF_X)
				snprintf(ins, isize, "%-3s x", alu_name(BPF_OP(code)));
			else
				snprintf(ins, isize, "%-3s #0x%" PRIx32, alu_name(BPF_OP(code)), k);
			if (BPF_OP(code) == BPF_MOD)
				snprintf(com, csize, "not allowed by seccomp");
			break;
		}
		/* The conditional jumps: every other valid opcode is handled above. */
		if (BPF_SRC(code) == BPF_X) {
			snprintf(tmp, sizeof(tmp), "x");
		} else {
			snprintf(tmp, sizeof(tmp), "#0x%" PRIx32, k);
			jump_comment(p, pc, k, com, csize);
		}
		snprintf(ins, isize, "%-3s %s  jt %zu  jf %zu", jump_name(BPF_OP(code)), tmp,
			 pc + 1 + f->jt, pc + 1 + f->jf);
		break;
	}
}

void scprof_bpf_disasm_insn(const struct scprof_bpf *prog, size_t pc, char *buf, size_t size)
{
	char ins[64] = "", com[64] = "";

	if (!buf || !size)
		return;
	if (!prog || pc >= prog->len || !prog->insns) {
		snprintf(buf, size, "(no instruction %zu)", pc);
		return;
	}
	disasm(prog, pc, ins, sizeof(ins), com, sizeof(com));
	if (!com[0]) {
		snprintf(buf, size, "%s", ins);
		return;
	}
	int pad = (int)strlen(ins) + 2 > COMMENT_COLUMN ? 2 : COMMENT_COLUMN - (int)strlen(ins);
	snprintf(buf, size, "%s%*s; %s", ins, pad, "", com);
}
