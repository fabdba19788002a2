/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers around classic BPF programs: opcode names and a C-source writer. */
#ifndef SCPROF_FILTER_BPF_TEXT_H
#define SCPROF_FILTER_BPF_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "scprof/bpf.h"
#include "util/util.h"

/*
 * True when @code is on the kernel's classic BPF whitelist (net/core/filter.c
 * chk_code_allowed()); seccomp accepts a subset of these.  Defined in bpf.c.
 */
bool bpf_opcode_valid(uint16_t code);

/*
 * True when seccomp accepts @code (kernel/seccomp.c seccomp_check_filter()).
 * Defined in bpf.c.
 */
bool bpf_opcode_seccomp(uint16_t code);

/*
 * The kernel macro spelling of @code, e.g. "BPF_LD | BPF_W | BPF_ABS"; NULL
 * when @code is not a classic BPF opcode.  Returns a static string.
 */
const char *bpf_opcode_name(uint16_t code);

/*
 * Append @p to @sb as C source: `struct sock_filter NAME[] = { ... };`, one
 * BPF_STMT()/BPF_JUMP() per line with its index and disassembly in a comment.
 * Only the array is written: the caller adds `#include <linux/filter.h>` (and
 * <linux/seccomp.h> and <linux/audit.h> if it wants the symbols) around it.
 * @name is borrowed and must be a C identifier.
 */
void bpf_write_c(const struct scprof_bpf *p, const char *name, struct strbuf *sb);

#endif
