// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The eBPF recorder: counts the syscalls of the followed tasks in
 * global data (layout in record.h).  No event goes to user space.
 *
 * The entry hook runs for every syscall on the host.  It knows a followed task
 * by the address of its saved user registers, which the hook is given and
 * which stays the same for the task's life (the top of its kernel stack): a
 * multiply, a load and a compare, and no helper call, for a task we do not
 * follow.  For a followed task it adds the architecture of the call (on x86_64
 * the task's TS_COMPAT, the only sure sign of an i386 call, read through the
 * task's address kept beside its registers) and a counter bump, which is also
 * the mark that the call was seen.
 *
 * Raw tracepoints (not tp_btf) so that loading needs no vmlinux BTF for the
 * attach point: with the minimal BTF the loader carries (ebpf.c), start-up
 * reads nothing from /sys/kernel/btf.  The entry hook's task is a BTF pointer
 * all the same (task_cast() below), so its fields are read directly.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "record.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * task_cast(task): the current task, whose address is @task, as a pointer the
 * program may read through.  On x86_64 a call to the made-up helper number
 * RECORD_TASK_CAST_CALL, which the loader rewrites just before load (entry
 * hooks only: prepare_entry() in ebpf.c) into the kfunc bpf_rdonly_cast(task,
 * id of struct task_struct in the kernel's BTF) when it knows those ids: no
 * cost at run time.  Otherwise it rewrites it into the helper
 * bpf_get_current_task_btf(), which takes no arguments: a call each time.  The
 * id is an immediate the loader rewrites too.  Elsewhere, that helper.
 */
#if defined(__TARGET_ARCH_x86)
static struct task_struct *(*const task_cast_call)(__u64 task,
						   __u32 btf_id) = (void *)RECORD_TASK_CAST_CALL;
#define task_cast(task) task_cast_call(task, RECORD_TASK_STRUCT_ID)
#else
#define task_cast(task) ((void)(task), bpf_get_current_task_btf())
#endif

/* Set by the loader before load. */
/*
 * The command announces itself before its exec with the native call mark_nr
 * (prctl) taking RECORD_MARK_OPTION and mark_cookie (random, per recording):
 * the hook follows it by the pid the kernel knows, whatever pid namespace
 * the loader sees it in.  -1: none.
 */
const volatile __s32 mark_nr = -1;
const volatile __u64 mark_cookie = 0;
/*
 * --cgroup of the unified hierarchy: its id.  A task in it is followed at its
 * first call, whatever pid namespace the loader runs in; 0: none.
 */
const volatile __u64 cgroup_id = 0;
/*
 * When the loader runs in a pid namespace other than the initial one: that
 * namespace (the device and inode of its nsfs file), in whose ids the loader
 * gives the tasks to follow, in the seeds map.
 */
const volatile __u64 pidns_dev = 0;
const volatile __u64 pidns_ino = 0;
/* Syscalls whose arguments are captured, per slot, and which arguments (index + 1, 0: none). */
const volatile __u64 arg_syscalls[RECORD_SLOTS][RECORD_NR_MAX / 64] = {};
const volatile __u8 arg_first[RECORD_SLOTS][RECORD_NR_MAX] = {};
const volatile __u8 arg_second[RECORD_SLOTS][RECORD_NR_MAX] = {};

__u64 tracked[RECORD_PID_LIMIT / 64] SEC(".bss");
__u64 counts[RECORD_SLOTS][RECORD_NR_MAX] SEC(".bss");
__s64 live SEC(".bss");
__u64 marks SEC(".bss"); /* commands that announced themselves, tasks that were in the cgroup */
__u64 args_lost SEC(".bss");
__s64 seeds_left SEC(".bss"); /* entries of the seeds map */
/*
 * tasks[hash of regs]: the address of the saved registers of the one followed
 * task that hashes there, 0 when none does, REGS_SHARED when more than one
 * did (those are looked up by pid), and the address of that task.  A slot is
 * cleared when its task exits, before its stack can be another task's.
 */
struct record_task tasks[RECORD_TASK_SLOTS] SEC(".bss");
/* task_pt_regs(task) - task->stack: the same for every task of a kernel */
__u64 regs_offset SEC(".bss");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RECORD_ARGS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* allocating 16k entries up front costs start-up */
	__type(key, struct record_arg_key);
	__type(value, __u64);
} args SEC(".maps");

/*
 * Thread ids in the loader's pid namespace of tasks to follow, which the entry
 * hook moves to tracked[] at the task's first call (or the exit hook drops):
 * only the task itself can ask for its id in a namespace.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RECORD_SEEDS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} seeds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RECORD_BIG_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct record_big_key);
	__type(value, __u64);
} big SEC(".maps");

#define PID_MASK (RECORD_PID_LIMIT - 1)

static __always_inline bool is_tracked(__u32 pid)
{
	return tracked[(pid >> 6) & (PID_MASK >> 6)] & (1ull << (pid & 63));
}

/* Follow @pid; was it new? */
static __always_inline bool track(__u32 pid)
{
	__u64 bit = 1ull << (pid & 63);

	return !(__sync_fetch_and_or(&tracked[(pid >> 6) & (PID_MASK >> 6)], bit) & bit);
}

static __always_inline void untrack(__u32 pid)
{
	__sync_fetch_and_and(&tracked[(pid >> 6) & (PID_MASK >> 6)], ~(1ull << (pid & 63)));
}

/*
 * Without a command (--pid, --cgroup) the followed tasks come by pid: the
 * entry hook looks a task it cannot place up by its pid, and places it.
 */
static __always_inline bool by_pid(void)
{
	return mark_nr < 0;
}

#define REGS_SHARED 1

static __always_inline struct record_task *task_slot(__u64 regs)
{
	return &tasks[(regs * 0x9e3779b97f4a7c15ull) >> (64 - RECORD_TASK_BITS)];
}

/*
 * Let the entry hook know the followed @task, whose registers are at @regs.
 * It is the current task or one that has not run yet, so its own calls come
 * after its address is in place.
 */
static __always_inline void place(__u64 regs, __u64 task)
{
	struct record_task *t = task_slot(regs);
	__u64 old = __sync_val_compare_and_swap(&t->regs, 0, regs);

	if (!old || old == regs)
		t->task = task;
	else
		t->regs = REGS_SHARED;
}

/* ... and forget it, as it exits */
static __always_inline void unplace(__u64 regs)
{
	__sync_val_compare_and_swap(&task_slot(regs)->regs, regs, 0);
}

/* the registers of @task, which need not be running, or 0 before the offset is known */
static __always_inline __u64 task_regs_of(struct task_struct *task)
{
	__u64 off = regs_offset;

	return off ? (__u64)BPF_CORE_READ(task, stack) + off : 0;
}

#if defined(__TARGET_ARCH_x86)
#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */
#define X32_SYSCALL_BIT 0x40000000

static __always_inline __u64 syscall_arg(struct pt_regs *regs, bool compat, int i)
{
	if (compat) {
		/* the i386 calling convention: ebx, ecx, edx, esi, edi, ebp */
		switch (i) {
		case 0:
			return (__u32)BPF_CORE_READ(regs, bx);
		case 1:
			return (__u32)BPF_CORE_READ(regs, cx);
		case 2:
			return (__u32)BPF_CORE_READ(regs, dx);
		case 3:
			return (__u32)BPF_CORE_READ(regs, si);
		case 4:
			return (__u32)BPF_CORE_READ(regs, di);
		default:
			return (__u32)BPF_CORE_READ(regs, bp);
		}
	}
	switch (i) {
	case 0:
		return BPF_CORE_READ(regs, di);
	case 1:
		return BPF_CORE_READ(regs, si);
	case 2:
		return BPF_CORE_READ(regs, dx);
	case 3:
		return BPF_CORE_READ(regs, r10);
	case 4:
		return BPF_CORE_READ(regs, r8);
	default:
		return BPF_CORE_READ(regs, r9);
	}
}
#else
#define PSR_MODE32_BIT 0x10 /* arm64: arch/arm64/include/uapi/asm/ptrace.h */

/* the arguments scprof_obs_arg_spec() asks for are among the first three */
static __always_inline __u64 syscall_arg(struct pt_regs *regs, bool compat, int i)
{
	switch (i) {
	case 0:
		return PT_REGS_PARM1_CORE_SYSCALL(regs);
	case 1:
		return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 2:
		return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 3:
		return PT_REGS_PARM4_CORE_SYSCALL(regs);
	default:
		return PT_REGS_PARM5_CORE_SYSCALL(regs);
	}
}
#endif

static __noinline void record_args(struct pt_regs *regs, __u32 slot, __u32 nr)
{
	struct record_arg_key key = { .slot = slot, .nr = nr };
	__u8 a1 = arg_first[slot][nr], a2 = arg_second[slot][nr];
	__u64 one = 1, *v;

	if (!a1)
		return;
	key.value = syscall_arg(regs, slot == RECORD_SLOT_COMPAT, a1 - 1);
	if (a2)
		key.value2 = syscall_arg(regs, slot == RECORD_SLOT_COMPAT, a2 - 1);
	v = bpf_map_lookup_elem(&args, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else if (bpf_map_update_elem(&args, &key, &one, BPF_NOEXIST))
		__sync_fetch_and_add(&args_lost, 1);
}

static __always_inline void record_big(__u32 slot, __u32 nr)
{
	struct record_big_key key = { .slot = slot, .nr = nr };
	__u64 one = 1, *v = bpf_map_lookup_elem(&big, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&big, &key, &one, BPF_NOEXIST);
}

/*
 * The pid of the current task, whose address is @task, learning the offset of
 * the registers on the way.
 */
static __always_inline __u32 current_pid(__u64 regs, __u64 task_addr)
{
	struct task_struct *task = task_cast(task_addr);

	if (!regs_offset)
		regs_offset = regs - (__u64)task->stack;
	return task->pid;
}

/* Follow a task that announced itself or is in the cgroup. */
static __always_inline void join(__u32 pid)
{
	if (!track(pid))
		return;
	__sync_fetch_and_add(&live, 1);
	__sync_fetch_and_add(&marks, 1);
}

/* Follow the current task when its call is the loader's mark; the call itself is not counted. */
static __always_inline void check_mark(struct pt_regs *regs)
{
	__u64 task;

	if (syscall_arg(regs, false, 0) != RECORD_MARK_OPTION ||
	    syscall_arg(regs, false, 1) != mark_cookie)
		return;
	task = bpf_get_current_task();
	join(current_pid((__u64)regs, task));
	place((__u64)regs, task);
}

/* Is the current task one of the seeds?  It is not any more. */
static __always_inline bool take_seed(void)
{
	struct bpf_pidns_info ns;

	if (seeds_left <= 0 || bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)) ||
	    bpf_map_delete_elem(&seeds, &ns.pid))
		return false;
	__sync_fetch_and_sub(&seeds_left, 1);
	return true;
}

/*
 * A task the entry hook could not place: followed after all, a seed, or in the
 * cgroup?  Its address if so, else 0.
 */
static __always_inline __u64 check_pid(struct pt_regs *regs)
{
	__u64 task = bpf_get_current_task();
	__u32 pid = current_pid((__u64)regs, task);

	if (!is_tracked(pid)) {
		if (take_seed())
			track(pid); /* a seed is already counted in live */
		else if (cgroup_id && bpf_get_current_cgroup_id() == cgroup_id)
			join(pid);
		else
			return 0;
	}
	if (by_pid())
		place((__u64)regs, task);
	return task;
}

/*
 * Is the current call a compat one (i386 on x86_64, AArch32 on arm64)?
 * @task: the address of the current task.
 */
static __always_inline bool compat_call(struct pt_regs *regs, __u64 task)
{
#if defined(__TARGET_ARCH_x86)
	return task_cast(task)->thread_info.status & TS_COMPAT;
#elif defined(__TARGET_ARCH_arm64)
	/*
	 * The saved PSTATE's M[4] (the kernel's own test is the thread flag
	 * TIF_32BIT, whose number is not ABI; this bit is)
	 */
	return BPF_CORE_READ(regs, pstate) & PSR_MODE32_BIT;
#else
	return false;
#endif
}

static __always_inline void count(struct pt_regs *regs, __u32 slot, __u32 nr, bool args)
{
	/* the verifier loses the bound through the compiler's arithmetic: restate it */
	barrier_var(nr);
	nr &= RECORD_NR_MAX - 1;
	/* a lost race between CPUs costs a count, never the mark: it stays above zero */
	counts[slot][nr]++;
	if (args && (arg_syscalls[slot][nr >> 6] & (1ull << (nr & 63))))
		record_args(regs, slot, nr);
}

/* A number beyond counts[]: an x32 call (x86_64), or one no table has yet. */
static __always_inline void count_far(struct pt_regs *regs, __u64 task, __u32 nr, bool args)
{
	__u32 slot = compat_call(regs, task) ? RECORD_SLOT_COMPAT : RECORD_SLOT_NATIVE;

#if defined(__TARGET_ARCH_x86)
	if (slot == RECORD_SLOT_NATIVE && (nr & X32_SYSCALL_BIT)) {
		slot = RECORD_SLOT_X32;
		nr &= ~X32_SYSCALL_BIT;
	}
#endif
	if (nr < RECORD_NR_MAX)
		count(regs, slot, nr, args);
	else
		record_big(slot, nr);
}

/*
 * The rest of the entry hook: a task not in its slot (followed after all, or
 * making the loader's mark) or a number beyond counts[].  @placed and @task:
 * what the hook read from the slot.
 */
static __noinline int enter_slow(struct pt_regs *regs, long id, bool args, __u64 placed, __u64 task)
{
	if (placed != (__u64)regs)
		task = placed == REGS_SHARED || by_pid() ? check_pid(regs) : 0;
	if (!task) {
		if (mark_nr >= 0 && id == mark_nr)
			check_mark(regs);
		return 0;
	}
	count_far(regs, task, id, args);
	return 0;
}

/*
 * The entry hook, with the arguments (--args) or without: two programs, of
 * which the loader loads one, so that the path without does not test for it.
 * A followed task's call with a number in counts[] runs straight through, as
 * the order of the code below has clang lay it out (__builtin_expect does not
 * change it for this target): a taken branch costs more than one not taken.
 */
static __always_inline int enter(struct pt_regs *regs, long id, bool args)
{
	struct record_task *t = task_slot((__u64)regs);
	__u64 placed = t->regs, task = t->task;
	__u32 nr = id;

	/* loaded here, not again on the way to the count */
	barrier_var(task);
	if (placed == (__u64)regs && nr < RECORD_NR_MAX) {
		/*
		 * Two branches, not a slot computed from the flag: the count
		 * then need not wait for the flag to load (2 ns a call here).
		 */
		if (!compat_call(regs, task))
			count(regs, RECORD_SLOT_NATIVE, nr, args);
		else
			count(regs, RECORD_SLOT_COMPAT, nr, args);
		return 0;
	}
	return enter_slow(regs, id, args, placed, task);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
	return enter(regs, id, false);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter_args, struct pt_regs *regs, long id)
{
	return enter(regs, id, true);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 pid = BPF_CORE_READ(child, pid);
	__u64 regs;

	if (!is_tracked(BPF_CORE_READ(parent, pid)))
		return 0;
	track(pid);
	/* before the child first runs; without the offset yet, it is looked up by pid */
	regs = task_regs_of(child);
	if (regs)
		place(regs, (__u64)child);
	__sync_fetch_and_add(&live, 1);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 pid = BPF_CORE_READ(task, pid);
	__u64 regs;

	/* a seed that made no call, or a second one (the exiting task is the current one) */
	if (take_seed())
		__sync_fetch_and_sub(&live, 1);
	if (!is_tracked(pid))
		return 0;
	regs = task_regs_of(task);
	if (regs)
		unplace(regs);
	untrack(pid);
	__sync_fetch_and_sub(&live, 1);
	return 0;
}

/*
 * A thread other than the leader that calls execve takes over the leader's pid
 * (de_thread), after the leader's exit cleared that pid's bit: follow the new
 * pid, forget the old one.
 */
SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid)
{
	__u32 pid = BPF_CORE_READ(task, pid), old = old_pid;

	if (pid == old || !is_tracked(old))
		return 0;
	track(pid);
	untrack(old);
	return 0;
}
