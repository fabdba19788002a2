// SPDX-License-Identifier: LGPL-2.1-or-later
/* Classic BPF as text for people and compilers: kernel opcode names and C source. */
#include <inttypes.h>

#include "filter/bpf-text.h"

#define OP(expr)              \
	{                     \
		(expr), #expr \
	}

/* Spelled as in the kernel and in libseccomp's generated code. */
static const struct {
	uint16_t code;
	const char *name;
} opcode_names[] = {
	OP(BPF_LD | BPF_W | BPF_ABS),
	OP(BPF_LD | BPF_H | BPF_ABS),
	OP(BPF_LD | BPF_B | BPF_ABS),
	OP(BPF_LD | BPF_W | BPF_IND),
	OP(BPF_LD | BPF_H | BPF_IND),
	OP(BPF_LD | BPF_B | BPF_IND),
	OP(BPF_LD | BPF_W | BPF_LEN),
	OP(BPF_LD | BPF_IMM),
	OP(BPF_LD | BPF_MEM),
	OP(BPF_LDX | BPF_W | BPF_LEN),
	OP(BPF_LDX | BPF_B | BPF_MSH),
	OP(BPF_LDX | BPF_IMM),
	OP(BPF_LDX | BPF_MEM),
	OP(BPF_ST),
	OP(BPF_STX),
	OP(BPF_ALU | BPF_ADD | BPF_K),
	OP(BPF_ALU | BPF_ADD | BPF_X),
	OP(BPF_ALU | BPF_SUB | BPF_K),
	OP(BPF_ALU | BPF_SUB | BPF_X),
	OP(BPF_ALU | BPF_MUL | BPF_K),
	OP(BPF_ALU | BPF_MUL | BPF_X),
	OP(BPF_ALU | BPF_DIV | BPF_K),
	OP(BPF_ALU | BPF_DIV | BPF_X),
	OP(BPF_ALU | BPF_MOD | BPF_K),
	OP(BPF_ALU | BPF_MOD | BPF_X),
	OP(BPF_ALU | BPF_AND | BPF_K),
	OP(BPF_ALU | BPF_AND | BPF_X),
	OP(BPF_ALU | BPF_OR | BPF_K),
	OP(BPF_ALU | BPF_OR | BPF_X),
	OP(BPF_ALU | BPF_XOR | BPF_K),
	OP(BPF_ALU | BPF_XOR | BPF_X),
	OP(BPF_ALU | BPF_LSH | BPF_K),
	OP(BPF_ALU | BPF_LSH | BPF_X),
	OP(BPF_ALU | BPF_RSH | BPF_K),
	OP(BPF_ALU | BPF_RSH | BPF_X),
	OP(BPF_ALU | BPF_NEG),
	OP(BPF_JMP | BPF_JA),
	OP(BPF_JMP | BPF_JEQ | BPF_K),
	OP(BPF_JMP | BPF_JEQ | BPF_X),
	OP(BPF_JMP | BPF_JGT | BPF_K),
	OP(BPF_JMP | BPF_JGT | BPF_X),
	OP(BPF_JMP | BPF_JGE | BPF_K),
	OP(BPF_JMP | BPF_JGE | BPF_X),
	OP(BPF_JMP | BPF_JSET | BPF_K),
	OP(BPF_JMP | BPF_JSET | BPF_X),
	OP(BPF_RET | BPF_K),
	OP(BPF_RET | BPF_A),
	OP(BPF_MISC | BPF_TAX),
	OP(BPF_MISC | BPF_TXA),
};

const char *bpf_opcode_name(uint16_t code)
{
	for (size_t i = 0; i < ARRAY_SIZE(opcode_names); i++)
		if (opcode_names[i].code == code)
			return opcode_names[i].name;
	return NULL;
}

void bpf_write_c(const struct scprof_bpf *p, const char *name, struct strbuf *sb)
{
	char text[128];

	strbuf_addf(sb, "struct sock_filter %s[] = {\n", name);
	for (size_t pc = 0; p && pc < p->len; pc++) {
		const struct sock_filter *f = &p->insns[pc];
		const char *op = bpf_opcode_name(f->code);
		bool cond = BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA;

		scprof_bpf_disasm_insn(p, pc, text, sizeof(text));
		strbuf_addf(sb, "\t/* %4zu: %s */\n\t", pc, text);
		if (!op)
			/* Not an opcode the kernel knows: keep every byte. */
			strbuf_addf(sb, "{ 0x%04x, %u, %u, 0x%08" PRIx32 " },\n", f->code, f->jt,
				    f->jf, f->k);
		else if (cond || f->jt || f->jf)
			/* BPF_JUMP also keeps stray jt/jf bytes of other opcodes. */
			strbuf_addf(sb, "BPF_JUMP(%s, 0x%" PRIx32 ", %u, %u),\n", op, f->k, f->jt,
				    f->jf);
		else
			strbuf_addf(sb, "BPF_STMT(%s, 0x%" PRIx32 "),\n", op, f->k);
	}
	strbuf_adds(sb, "};\n");
}
