// SPDX-License-Identifier: LGPL-2.1-or-later
/* The floor of any syscall-entry recorder: a program on the same hook that does nothing. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
	return 0;
}
