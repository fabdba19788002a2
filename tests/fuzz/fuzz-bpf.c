// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fuzz harness for the classic BPF checker, interpreter, disassembler and C writer. */

/*
 * Input: a raw program (struct sock_filter array); the last size % 8 bytes are
 * not part of it and seed the seccomp_data values.  Every instruction is
 * disassembled, valid or not.  A program that passes the check is run on zero
 * data, on data made from the tail, and on data made from the constants it
 * compares with (so that arch and syscall checks get taken); each run must go
 * strictly forward and stop within len steps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/bpf-text.h"
#include "scprof/bpf.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_one(const struct scprof_bpf *p, const struct scprof_seccomp_data *d,
		    struct scprof_bpf_trace *t)
{
	uint32_t ret = 0;
	char buf[64];

	if (scprof_bpf_run(p, d, &ret, t) < 0)
		abort(); /* a checked program always runs to a return */
	if (t->n == 0 || t->n > p->len)
		abort();
	for (size_t i = 1; i < t->n; i++)
		if (t->pcs[i] <= t->pcs[i - 1])
			abort();
	/* The last step is a return, or a division by X == 0 that returned 0. */
	uint16_t last = p->insns[t->pcs[t->n - 1]].code;
	if (BPF_CLASS(last) != BPF_RET && !(last == (BPF_ALU | BPF_DIV | BPF_X) && ret == 0))
		abort();
	scprof_action_format(ret, buf, sizeof(buf));
}

static void run_all(const struct scprof_bpf *p, const uint8_t *tail, size_t tail_len)
{
	struct scprof_seccomp_data d = { 0 };
	struct scprof_bpf_trace t = { 0 };
	uint32_t ks[8];
	size_t nk = 0;

	run_one(p, &d, &t);

	uint64_t seed = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < tail_len; i++)
		seed = (seed ^ tail[i]) * 0x100000001b3u;
	d.nr = (int32_t)seed;
	d.arch = (uint32_t)(seed >> 32);
	d.ip = seed * 3;
	for (size_t i = 0; i < 6; i++)
		d.args[i] = seed * (i + 5) + i;
	run_one(p, &d, &t);

	for (size_t pc = 0; pc < p->len && nk < ARRAY_SIZE(ks); pc++) {
		const struct sock_filter *f = &p->insns[pc];
		if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA &&
		    BPF_SRC(f->code) == BPF_K)
			ks[nk++] = f->k;
	}
	for (size_t i = 0; i < nk; i++) {
		d.arch = ks[i];
		d.nr = (int32_t)ks[(i + 1) % nk];
		for (size_t j = 0; j < 6; j++)
			d.args[j] = ((uint64_t)ks[(i + j + 2) % nk] << 32 | ks[(i + j + 3) % nk]);
		run_one(p, &d, &t);
		d.nr = (int32_t)ks[i];
		run_one(p, &d, &t);
	}
	scprof_bpf_trace_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t tail_len = size % sizeof(struct sock_filter);
	struct scprof_bpf *p = NULL;
	struct scprof_error *err = NULL;
	char buf[128];

	if (scprof_bpf_from_raw(data, size - tail_len, &p, &err) < 0)
		abort(); /* the size is a multiple of 8 */

	for (size_t pc = 0; pc <= p->len; pc++)
		scprof_bpf_disasm_insn(p, pc, buf, sizeof(buf));

	if (scprof_bpf_check(p, &err) == 0) {
		run_all(p, data + size - tail_len, tail_len);

		struct strbuf sb = STRBUF_INIT;
		bpf_write_c(p, "fuzz", &sb);
		strbuf_release(&sb);
	} else if (!err || strncmp(err->msg, "instruction ", 12) != 0) {
		/* Only the length rules have no instruction index. */
		if (p->len != 0 && p->len <= SCPROF_BPF_MAXINSNS)
			abort();
	}
	scprof_error_free(err);
	scprof_bpf_free(p);
	return 0;
}
