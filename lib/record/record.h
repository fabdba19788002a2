/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layout the eBPF recorder (record.bpf.c) shares with its loader (ebpf.c).
 *
 * Everything lives in the program's global data, which the loader maps:
 *
 *   tracked[pid / 64] bit pid % 64   the thread ids (init pid namespace) we follow;
 *                                    set by the loader for the processes it is
 *                                    given, by the entry hook for a command that
 *                                    announces itself or a task in the cgroup
 *                                    (unified hierarchy), by the fork hook for
 *                                    their children; cleared at exit
 *   counts[slot][nr]                 calls per syscall and architecture slot:
 *                                    0 native, 1 compat (i386 on x86_64, arm on
 *                                    arm64), 2 x32
 *                                    (number without __X32_SYSCALL_BIT); plain
 *                                    increments, so CPUs racing on one counter
 *                                    may lose a few, but a call seen is never 0
 *   tasks[hash of regs]              where the entry hook finds the followed
 *                                    tasks: the address of their saved user
 *                                    registers, and their own (record.bpf.c)
 *   live                             tasks followed that have not exited
 *   marks                            commands that announced themselves (below),
 *                                    or tasks the hook found in the cgroup
 *   seeds map, seeds_left            thread ids in the loader's pid namespace, when
 *                                    that is not the initial one (record.bpf.c)
 *   args map                         (slot, nr, first value, second value) ->
 *                                    calls, only for the few syscalls whose
 *                                    arguments --args turns into rules
 *
 * Numbers at or above RECORD_NR_MAX (none on x86_64) go to the `big` map.
 */
#ifndef SCPROF_RECORD_LAYOUT_H
#define SCPROF_RECORD_LAYOUT_H

#define RECORD_PID_LIMIT (1u << 22) /* PID_MAX_LIMIT on 64-bit kernels */
#define RECORD_NR_MAX 1024u
#define RECORD_SLOTS 3
#define RECORD_SLOT_NATIVE 0
#define RECORD_SLOT_COMPAT 1
#define RECORD_SLOT_X32 2
/* prctl's option in the command's announcement ("SCPR"; no prctl has it) */
#define RECORD_MARK_OPTION 0x53435052u
#define RECORD_TASK_BITS 16 /* slots of the followed tasks' registers: 2^16 */
#define RECORD_TASK_SLOTS (1u << RECORD_TASK_BITS)
/*
 * Made-up values in the entry hook that the loader rewrites (ebpf.c): a
 * helper number whose calls become bpf_rdonly_cast ("SCPC"), and an immediate
 * that becomes the id of struct task_struct in the kernel's BTF ("SCPT").
 */
#define RECORD_TASK_CAST_CALL 0x53435043
#define RECORD_TASK_STRUCT_ID 0x53435054
#define RECORD_ARGS_MAX 16384 /* distinct argument values kept */
#define RECORD_BIG_MAX 256
#define RECORD_SEEDS_MAX 65536 /* threads given by pid from another pid namespace */

struct record_arg_key {
	__u32 slot;
	__u32 nr;
	__u64 value;
	__u64 value2;
};

struct record_task {
	__u64 regs;
	__u64 task;
};

struct record_big_key {
	__u32 slot;
	__u32 nr;
};

#endif
