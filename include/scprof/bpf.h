/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Classic BPF seccomp programs: the type, the checker, the interpreter and the disassembler. */
#ifndef SCPROF_BPF_H
#define SCPROF_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel limit on one filter (BPF_MAXINSNS). */
#define SCPROF_BPF_MAXINSNS 4096

struct scprof_bpf {
	size_t len;
	struct sock_filter *insns; /* owned */
};

/* struct seccomp_data as the kernel lays it out for the filter. */
struct scprof_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

/* Caller frees with scprof_bpf_free(); accepts NULL. */
SCPROF_PUBLIC void scprof_bpf_free(struct scprof_bpf *prog);

/*
 * Build a program from raw bytes (the kernel's struct sock_filter array, host
 * byte order, 8 bytes per instruction, as `scprof compile --format raw` and
 * seccomp_export_bpf() write).  Copies @data.
 */
SCPROF_PUBLIC int scprof_bpf_from_raw(const void *data, size_t len, struct scprof_bpf **out,
				      struct scprof_error **err);

/*
 * Check @prog exactly as the kernel does before it accepts a seccomp filter
 * (net/core/filter.c bpf_check_classic() plus kernel/seccomp.c
 * seccomp_check_filter()): length 1..4096, only the opcodes seccomp allows,
 * absolute loads only from aligned offsets inside struct seccomp_data, jumps in
 * range, no division by a constant zero, scratch memory index < 16, last
 * instruction a return.  The error names the instruction index.
 */
SCPROF_PUBLIC int scprof_bpf_check(const struct scprof_bpf *prog, struct scprof_error **err);

/* Optional record of the path taken by scprof_bpf_run(). */
struct scprof_bpf_trace {
	size_t n, alloc;
	uint32_t *pcs; /* instruction indexes in execution order; owned */
};
SCPROF_PUBLIC void scprof_bpf_trace_release(struct scprof_bpf_trace *t);

/*
 * Run @prog on @data like the kernel (A, X, M[16], unsigned 32-bit arithmetic,
 * division by X == 0 returns 0).  @prog must have passed scprof_bpf_check().
 * Stores the 32-bit return value in *ret.  @trace may be NULL.
 */
SCPROF_PUBLIC int scprof_bpf_run(const struct scprof_bpf *prog,
				 const struct scprof_seccomp_data *data, uint32_t *ret,
				 struct scprof_bpf_trace *trace);

/*
 * Disassemble one instruction into @buf (NUL-terminated, truncated to @size),
 * in the style of the kernel's bpf_dbg / libseccomp's scmp_bpf_disasm, with
 * comments naming seccomp_data fields, AUDIT_ARCH tokens and return actions.
 */
SCPROF_PUBLIC void scprof_bpf_disasm_insn(const struct scprof_bpf *prog, size_t pc, char *buf,
					  size_t size);

/* Decode a seccomp return value: "ALLOW", "ERRNO(1)", "KILL_PROCESS", "TRACE(5)"... */
SCPROF_PUBLIC void scprof_action_format(uint32_t ret, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
