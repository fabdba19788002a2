// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The eBPF recorder's loader: open -> configure -> load -> attach, then follow
 * the roots (a command, which announces itself to the program, a pid and its
 * threads, or the members of a cgroup, whose bits we set in the program's
 * global data; the program finds those of a unified cgroup itself), and read
 * the counters back at the end.  Layout in record.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/recorder.h"

#ifdef SCPROF_HAVE_EBPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "record/record.btf.h"
#include "record/record.h"
#include "record/record.skel.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#define X32_SYSCALL_BIT 0x40000000
#define PROC_PID_INIT_INO 0xeffffffcu /* include/linux/proc_ns.h: the initial pid namespace */

struct ebpf {
	struct record_bpf *skel;
	const struct scprof_arch *slot_arch[RECORD_SLOTS];
	int pidfd; /* of the command, -1 when attaching or once reaped */
	char *cgroup; /* cgroup.procs to rescan, or NULL */
	uint64_t cgroup_id; /* of a cgroup of the unified hierarchy, which the program follows */
	pid_t pid; /* the process attached to, or 0 */
	int64_t next_scan;
	int64_t next_prune;
	bool started; /* a root was followed at some point */
	bool foreign_ns; /* we run in a pid namespace other than the initial one */
	struct stat pidns; /* ours */
	uint64_t cookie; /* of the command's announcement */
};

static void release_skel(struct record_bpf **s)
{
	record_bpf__destroy(*s);
}

/* The architecture of each slot on this host: native, its compat one, x32. */
static void slot_arches(const struct scprof_arch *slot[RECORD_SLOTS])
{
	const struct scprof_arch *native = scprof_arch_native();

	slot[RECORD_SLOT_NATIVE] = native;
	slot[RECORD_SLOT_COMPAT] = NULL;
	slot[RECORD_SLOT_X32] = NULL;
	if (native && !strcmp(native->name, "x86_64")) {
		slot[RECORD_SLOT_COMPAT] = scprof_arch_by_name("x86");
		slot[RECORD_SLOT_X32] = scprof_arch_by_name("x32");
	} else if (native && !strcmp(native->name, "aarch64")) {
		slot[RECORD_SLOT_COMPAT] = scprof_arch_by_name("arm");
	}
}

static void configure_args(struct ebpf *e, struct record_bpf *skel)
{
	struct record_bpf__rodata *ro = skel->rodata;

	for (int s = 0; s < RECORD_SLOTS; s++) {
		size_t n = 0;
		const struct scprof_syscall_entry *tab =
			e->slot_arch[s] ? scprof_syscall_table(e->slot_arch[s], &n) : NULL;

		for (size_t i = 0; i < n; i++) {
			int nr = tab[i].nr, a1, a2;

			if (!scprof_obs_arg_spec(e->slot_arch[s], tab[i].name, &a1, &a2))
				continue;
			nr &= ~X32_SYSCALL_BIT;
			if (nr >= (int)RECORD_NR_MAX)
				continue;
			ro->arg_syscalls[s][nr / 64] |= 1ull << (nr % 64);
			ro->arg_first[s][nr] = a1 + 1;
			ro->arg_second[s][nr] = a2 + 1;
		}
	}
}

/*
 * Follow @tid of our pid namespace, not the initial one: the program takes
 * the seed at the task's first call, or drops it as the task exits.  Each
 * seed counts in live, and one taken stays there until the task exits.
 */
static bool follow_seed(struct ebpf *e, pid_t tid)
{
	struct record_bpf__bss *bss = e->skel->bss;
	int fd = bpf_map__fd(e->skel->maps.seeds);
	__u32 key = (__u32)tid;
	__u8 one = 1;
	bool added;

	__atomic_fetch_add(&bss->seeds_left, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&bss->live, 1, __ATOMIC_SEQ_CST);
	added = bpf_map_update_elem(fd, &key, &one, BPF_NOEXIST) == 0;
	if (added && kill(tid, 0) < 0 && errno == ESRCH) {
		/* gone: unless the exit hook dropped the seed (and counted it off), we do */
		if (bpf_map_delete_elem(fd, &key) < 0)
			return false;
		added = false;
	}
	if (!added) {
		__atomic_fetch_sub(&bss->seeds_left, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_sub(&bss->live, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	e->started = true;
	return true;
}

/* Follow @tid; false when it is already followed. */
static bool follow(struct ebpf *e, pid_t tid)
{
	if (tid <= 0 || (unsigned)tid >= RECORD_PID_LIMIT)
		return false;
	if (e->foreign_ns)
		return follow_seed(e, tid);
	__u64 bit = 1ull << (tid % 64), *w = &e->skel->bss->tracked[tid / 64];

	if (__atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit)
		return false;
	__atomic_fetch_add(&e->skel->bss->live, 1, __ATOMIC_SEQ_CST);
	/* gone before its bit was set: the exit hook will not clear it (unless it did) */
	if (kill(tid, 0) < 0 && errno == ESRCH) {
		if (__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit)
			__atomic_fetch_sub(&e->skel->bss->live, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	e->started = true;
	return true;
}

/*
 * Follow every thread of process @pid; -errno when it cannot be read, -EXDEV
 * when it is in a pid namespace below ours: the program can ask a task for its
 * pid in the task's own namespace only.
 */
static int follow_process(struct ebpf *e, pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	struct stat ns;

	if (e->foreign_ns) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
		if (stat(path, &ns) < 0)
			return -errno;
		if (ns.st_ino != e->pidns.st_ino || ns.st_dev != e->pidns.st_dev)
			return -EXDEV;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			follow(e, (pid_t)atoi(de->d_name));
	closedir(d);
	return 0;
}

static int nested_ns_error(pid_t pid, const char *of, struct scprof_error **err)
{
	return error_set(err, -ENOSYS,
			 "process %d%s is in a pid namespace below scprof's: the eBPF recorder "
			 "follows running processes there only through a cgroup v2",
			 (int)pid, of);
}

/*
 * Count the members of the cgroup and, unless the program finds them itself
 * (unified hierarchy), follow them; returns how many there are, or -errno.
 */
static int scan_cgroup(struct ebpf *e, struct scprof_error **err)
{
	_cleanup_fclose_ FILE *f = fopen(e->cgroup, "re");
	int pid, n = 0;

	if (!f)
		return error_set(err, -errno, "cannot read '%s': %s", e->cgroup, strerror(errno));
	while (fscanf(f, "%d", &pid) == 1) {
		if (!e->cgroup_id && follow_process(e, pid) == -EXDEV && err)
			return nested_ns_error(pid, " of the cgroup", err);
		n++;
	}
	if (e->cgroup_id && n)
		e->started = true;
	return n;
}

/*
 * Check that @dir is a cgroup; on the unified hierarchy its id (the inode
 * number of its directory, what bpf_get_current_cgroup_id() returns) goes to
 * @id, else 0.
 */
static int check_cgroup(const char *dir, char **procs, uint64_t *id, struct scprof_error **err)
{
	struct statfs sf;
	struct stat st;

	if (statfs(dir, &sf) < 0 || stat(dir, &st) < 0)
		return error_set(err, -errno, "cannot open cgroup '%s': %s", dir, strerror(errno));
	*id = sf.f_type == CGROUP2_SUPER_MAGIC ? (uint64_t)st.st_ino : 0;
	*procs = xasprintf("%s/cgroup.procs", dir);
	if ((sf.f_type != CGROUP_SUPER_MAGIC && sf.f_type != CGROUP2_SUPER_MAGIC) ||
	    stat(*procs, &st) < 0) {
		free(*procs);
		*procs = NULL;
		return error_set(err, -EINVAL, "'%s' is not a cgroup", dir);
	}
	return 0;
}

/* Is this the kernel the build took record_min_btf from?  Its GNU build id says. */
static bool build_kernel(void)
{
	unsigned char notes[1024];
	_cleanup_close_ int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, notes, sizeof(notes));
	size_t off = 0;

	while (n > 0 && off + 12 <= (size_t)n) {
		uint32_t namesz, descsz, type;

		memcpy(&namesz, notes + off, 4);
		memcpy(&descsz, notes + off + 4, 4);
		memcpy(&type, notes + off + 8, 4);
		size_t name = off + 12, desc = name + ((namesz + 3) & ~3u);

		off = desc + ((descsz + 3) & ~3u);
		if (off > (size_t)n || type != 3 || namesz != 4 || memcmp(notes + name, "GNU", 4))
			continue;
		char hex[2 * 64 + 1] = "";

		for (uint32_t i = 0; i < descsz && i < 64; i++)
			snprintf(hex + 2 * i, 3, "%02x", notes[desc + i]);
		return record_btf_build_id[0] && !strcmp(hex, record_btf_build_id);
	}
	return false;
}

/*
 * The id in the kernel's BTF of the kfunc bpf_rdonly_cast, into which
 * prepare_entry() rewrites the entry hook's calls to the made-up helper number
 * RECORD_TASK_CAST_CALL (task_cast() in record.bpf.c); 0: into the helper
 * bpf_get_current_task_btf() instead.  libbpf would look a kfunc up only in
 * the kernel's whole BTF, which start-up does not read on the kernel the build
 * ran on, and there we know the ids.
 */
static int task_cast_kfunc;

static int prepare_entry(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	size_t n = bpf_program__insn_cnt(prog);
	_cleanup_free_ struct bpf_insn *insns = xmalloc(n * sizeof(*insns));

	(void)opts;
	(void)cookie;
	memcpy(insns, bpf_program__insns(prog), n * sizeof(*insns));
	for (size_t i = 0; i < n; i++) {
		struct bpf_insn *in = &insns[i];

		if (in->code == (BPF_JMP | BPF_CALL) && !in->src_reg &&
		    in->imm == RECORD_TASK_CAST_CALL) {
			if (task_cast_kfunc) {
				in->src_reg = BPF_PSEUDO_KFUNC_CALL;
				in->imm = task_cast_kfunc;
			} else {
				in->imm = BPF_FUNC_get_current_task_btf;
			}
		} else if ((in->code == (BPF_ALU | BPF_MOV | BPF_K) ||
			    in->code == (BPF_ALU64 | BPF_MOV | BPF_K)) &&
			   in->imm == RECORD_TASK_STRUCT_ID) {
			in->imm = task_cast_kfunc ? RECORD_BTF_TASK_STRUCT : 0;
		}
	}
	return bpf_program__set_insns(prog, insns, n);
}

static int attach_entry(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_raw_tracepoint(prog, "sys_enter");
	return *link ? 0 : -errno;
}

/* The entry hooks are prepared by prepare_entry() (by libbpf's own handler otherwise). */
static int entry_handler(void)
{
	static int id;
	LIBBPF_OPTS(libbpf_prog_handler_opts, h, .prog_prepare_load_fn = prepare_entry,
		    .prog_attach_fn = attach_entry);

	if (id <= 0)
		id = libbpf_register_prog_handler("raw_tp/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT,
						  0, &h);
	return id < 0 ? id : 0;
}

/*
 * .bss is a map made here, not by libbpf: libbpf would copy its initial value,
 * 1.5 MB of zeroes, into the new map, which the kernel has zeroed already
 * (0.3 ms).  It leaves a map it is given as it is, and maps it all the same.
 */
static int make_bss(struct record_bpf *skel)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	struct bpf_map *m = skel->maps.bss;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, bpf_map__name(m), sizeof(__u32),
				bpf_map__value_size(m), 1, &opts);

	if (fd < 0)
		return -errno;
	int ret = bpf_map__reuse_fd(m, fd);

	close(fd);
	return ret;
}

static int load_failed(int ret, struct scprof_error **err)
{
	if (ret == -EPERM || ret == -EACCES)
		return error_set(err, -EPERM,
				 "cannot load the eBPF recorder: %s (it needs root, or CAP_BPF and "
				 "CAP_PERFMON)",
				 strerror(-ret));
	return error_set(err, ret == -EINVAL ? -ENOSYS : ret,
			 "cannot load the eBPF recorder: %s (the kernel needs BTF and BPF raw "
			 "tracepoints)",
			 strerror(-ret));
}

/* Open the program and configure it; the loader's state goes to @e. */
static int open_program(struct ebpf *e, bool args, bool mark, const char *btf_path,
			struct record_bpf **out, struct scprof_error **err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct record_bpf *skel = record_bpf__open_opts(&opts);

	if (!skel)
		return error_set(err, -errno, "cannot open the eBPF recorder: %s", strerror(errno));
	*out = skel;
	/* one of the two entry hooks; maps sized down when unused, as they cost start-up */
	bpf_program__set_autoload(args ? skel->progs.on_enter : skel->progs.on_enter_args, false);
	if (args)
		configure_args(e, skel);
	else
		bpf_map__set_max_entries(skel->maps.args, 1);
	skel->rodata->cgroup_id = e->cgroup_id;
	if (e->foreign_ns && !mark) {
		skel->rodata->pidns_dev = e->pidns.st_dev;
		skel->rodata->pidns_ino = e->pidns.st_ino;
	} else {
		bpf_map__set_max_entries(skel->maps.seeds, 1);
	}
	if (mark) {
		skel->rodata->mark_nr = SYS_prctl;
		skel->rodata->mark_cookie = e->cookie;
	}
	int ret = make_bss(skel);

	return ret < 0 ? load_failed(ret, err) : 0;
}

/*
 * Open, configure, load and attach.  On the kernel the build ran on, CO-RE
 * takes its offsets from the few types of record_min_btf, and the entry hook
 * reads the task through the kfunc; elsewhere libbpf reads the kernel's whole
 * BTF (5 MB in 4 KB reads from sysfs: most of the start-up time, which is why
 * the small one is worth carrying), and the hook makes a helper call.
 */
static int load(struct ebpf *e, bool args, bool mark, struct scprof_error **err)
{
	_cleanup_(release_skel) struct record_bpf *skel = NULL;
	_cleanup_close_ int btf_fd = -1;
	char path[64];
	const char *btf_path = NULL;
	int ret;

	libbpf_set_print(NULL);
	ret = entry_handler();
	if (ret < 0)
		return error_set(err, ret, "cannot prepare the eBPF recorder: %s", strerror(-ret));
	task_cast_kfunc = 0;
	/* SCPROF_TEST_WHOLE_BTF: as on a kernel other than the build's, for the tests */
	if (build_kernel() && !getenv("SCPROF_TEST_WHOLE_BTF")) {
		btf_fd = memfd_create("scprof-btf", MFD_CLOEXEC);
		if (btf_fd >= 0 && write(btf_fd, record_min_btf, sizeof(record_min_btf)) ==
					   sizeof(record_min_btf)) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", btf_fd);
			btf_path = path;
		}
#if defined(__x86_64__)
		if (RECORD_BTF_TASK_STRUCT)
			task_cast_kfunc = RECORD_BTF_RDONLY_CAST;
#endif
	}
	slot_arches(e->slot_arch);
	if (mark && getrandom(&e->cookie, sizeof(e->cookie), 0) != sizeof(e->cookie))
		e->cookie = (uint64_t)now_ms() * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	ret = open_program(e, args, mark, btf_path, &skel, err);
	if (ret < 0)
		return ret;
	ret = record_bpf__load(skel);
	if (ret < 0 && task_cast_kfunc && ret != -EPERM && ret != -EACCES) {
		/* the build's kernel, but one whose raw tracepoints cannot call kfuncs */
		task_cast_kfunc = 0;
		record_bpf__destroy(steal_pointer(&skel));
		ret = open_program(e, args, mark, btf_path, &skel, err);
		if (ret < 0)
			return ret;
		ret = record_bpf__load(skel);
	}
	if (ret < 0)
		return load_failed(ret, err);
	ret = record_bpf__attach(skel);
	if (ret < 0)
		return error_set(err, ret == -EPERM ? -EPERM : -ENOSYS,
				 "cannot attach the eBPF recorder: %s", strerror(-ret));
	e->skel = steal_pointer(&skel);
	return 0;
}

/*
 * Start @argv: the child announces itself to the program, which follows it by
 * the pid the kernel knows (whatever pid namespace we are in), then execs; the
 * first call of the workload seen is its execve.  A failed execve's errno
 * comes back over a close-on-exec pipe, or 0 when the program did not see the
 * announcement (a filter of our own that denies prctl stops the call before
 * the tracepoint).
 */
static int start_command(struct scprof_recorder *r, struct ebpf *e, char *const argv[],
			 int *exec_errno, struct scprof_error **err)
{
	_cleanup_close_ int rd = -1, wr = -1;
	int errp[2];
	pid_t pid;

	if (pipe2(errp, O_CLOEXEC) < 0)
		return error_set(err, -errno, "cannot create a pipe: %s", strerror(errno));
	rd = errp[0];
	wr = errp[1];
	pid = fork();
	if (pid < 0)
		return error_set(err, -errno, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		char c = 0;

		/* the global data is mapped shared: the count the program bumps is ours */
		syscall(SYS_prctl, RECORD_MARK_OPTION, e->cookie, 0, 0, 0);
		if (__atomic_load_n(&e->skel->bss->marks, __ATOMIC_SEQ_CST)) {
			execvp(argv[0], argv);
			c = (char)errno;
		}
		if (write(wr, &c, 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(steal_fd(&wr));
	r->child = pid;
	e->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	e->started = true;

	char c;
	ssize_t n;

	while ((n = read(rd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 1) {
		*exec_errno = (unsigned char)c;
		while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
			;
		r->exited = true;
		if (!c)
			return error_set(err, -ENOSYS,
					 "the eBPF recorder did not see '%s' start (is prctl "
					 "denied to scprof?)",
					 argv[0]);
		return error_set(err, -*exec_errno, "cannot run '%s': %s", argv[0],
				 strerror(*exec_errno));
	}
	return 0;
}

/*
 * Drop followed thread ids that no longer exist: one whose exit the program
 * could not see (it was gone before its bit was set, or its id was reused).
 */
static void prune(struct ebpf *e)
{
	for (unsigned w = 0; w < RECORD_PID_LIMIT / 64; w++) {
		__u64 bits = __atomic_load_n(&e->skel->bss->tracked[w], __ATOMIC_SEQ_CST);

		while (bits) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			pid_t tid = (pid_t)(w * 64 + b);

			bits &= bits - 1;
			if (kill(tid, 0) < 0 && errno == ESRCH &&
			    __atomic_fetch_and(&e->skel->bss->tracked[w], ~(1ull << b),
					       __ATOMIC_SEQ_CST) &
				    (1ull << b))
				__atomic_fetch_sub(&e->skel->bss->live, 1, __ATOMIC_SEQ_CST);
		}
	}
}

static int ebpf_start(struct scprof_recorder *r, const struct scprof_record_target *t,
		      int *exec_errno, struct scprof_error **err)
{
	struct ebpf *e;
	int ret;

	e = xcalloc(1, sizeof(*e));
	e->pidfd = -1;
	r->priv = e;
	if (t->cgroup) {
		ret = check_cgroup(t->cgroup, &e->cgroup, &e->cgroup_id, err);
		if (ret < 0)
			return ret;
	}
	/*
	 * The program sees pids of the initial namespace: a command announces
	 * itself, the program finds the tasks of a unified cgroup by its id, and
	 * other pids we give in ours, which the program asks each task for.
	 */
	e->foreign_ns = stat("/proc/self/ns/pid", &e->pidns) == 0 &&
			e->pidns.st_ino != PROC_PID_INIT_INO;
	if (t->pid && kill(t->pid, 0) < 0 && errno == ESRCH)
		return error_set(err, -ESRCH, "no process %d", (int)t->pid);
	ret = load(e, t->args, t->argv != NULL, err);
	if (ret < 0)
		return ret;
	if (t->argv)
		return start_command(r, e, t->argv, exec_errno, err);
	if (t->pid) {
		e->pid = t->pid;
		ret = follow_process(e, t->pid);
		if (ret == -EXDEV)
			return nested_ns_error(t->pid, "", err);
		if (ret < 0)
			return error_set(err, ret == -ENOENT ? -ESRCH : ret,
					 "cannot follow process %d: %s", (int)t->pid,
					 strerror(-ret));
		/* threads started while we listed them */
		follow_process(e, t->pid);
		return 0;
	}
	return scan_cgroup(e, err);
}

static int ebpf_wait(struct scprof_recorder *r, int timeout_ms, volatile int *stop,
		     struct scprof_error **err)
{
	struct ebpf *e = r->priv;
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : now_ms() + timeout_ms;

	for (;;) {
		int64_t now = now_ms();

		if (e->cgroup && now >= e->next_scan) {
			/* the cgroup emptied (or was removed) after we followed its members */
			if (scan_cgroup(e, NULL) <= 0 && e->started &&
			    __atomic_load_n(&e->skel->bss->live, __ATOMIC_SEQ_CST) <= 0)
				return 1;
			e->next_scan = now + 200;
		}
		if (stop && *stop)
			return 0;
		if (!r->exited && r->child > 0) {
			pid_t p = waitpid(r->child, &r->status, WNOHANG);

			if (p == r->child) {
				r->exited = true;
				if (e->pidfd >= 0)
					close(e->pidfd);
				e->pidfd = -1;
			}
		}
		bool done = __atomic_load_n(&e->skel->bss->live, __ATOMIC_SEQ_CST) <= 0;

		/* the command is gone but not everything it started: check they still exist */
		if (!done && r->exited && !e->foreign_ns && now >= e->next_prune) {
			prune(e);
			e->next_prune = now + 500;
			done = __atomic_load_n(&e->skel->bss->live, __ATOMIC_SEQ_CST) <= 0;
		}

		if (done && (r->child <= 0 || r->exited) && !e->cgroup)
			return 1;
		if (now >= deadline)
			return 0;

		/* sleep until the command exits, a signal, or the next check */
		int64_t left = deadline - now;
		int step = left > 100 ? 100 : (int)left;
		struct pollfd pfd = { .fd = e->pidfd, .events = POLLIN };

		if (e->pidfd >= 0 && !r->exited) {
			if (poll(&pfd, 1, e->cgroup ? step : (left > 1000 ? 1000 : (int)left)) <
				    0 &&
			    errno != EINTR)
				return error_set(err, -errno, "cannot wait: %s", strerror(errno));
		} else {
			/* followed processes that are not our children: poll the counter */
			nanosleep(&(struct timespec){ 0, (long)(done ? step : 10) * 1000000 },
				  NULL);
		}
	}
}

static void ebpf_collect(struct scprof_recorder *r, struct scprof_obs *o)
{
	struct ebpf *e = r->priv;
	struct record_bpf__bss *bss = e->skel->bss;

	for (int s = 0; s < RECORD_SLOTS; s++) {
		const struct scprof_arch *arch = e->slot_arch[s];

		if (!arch)
			continue;
		for (unsigned nr = 0; nr < RECORD_NR_MAX; nr++) {
			if (!bss->counts[s][nr])
				continue;
			int n = (int)nr | (s == RECORD_SLOT_X32 ? X32_SYSCALL_BIT : 0);

			scprof_obs_add(o, arch, n, bss->counts[s][nr]);
		}
	}

	struct record_arg_key key, next, *prev = NULL;
	int fd = bpf_map__fd(e->skel->maps.args);
	__u64 count;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.slot >= RECORD_SLOTS || !e->slot_arch[key.slot] ||
		    bpf_map_lookup_elem(fd, &key, &count))
			continue;
		int n = (int)key.nr | (key.slot == RECORD_SLOT_X32 ? X32_SYSCALL_BIT : 0);

		scprof_obs_add_arg(o, e->slot_arch[key.slot], n, key.value, key.value2, count);
	}

	struct record_big_key bkey, bnext, *bprev = NULL;

	fd = bpf_map__fd(e->skel->maps.big);
	while (bpf_map_get_next_key(fd, bprev, &bnext) == 0) {
		bkey = bnext;
		bprev = &bkey;
		if (bkey.slot < RECORD_SLOTS && e->slot_arch[bkey.slot] &&
		    !bpf_map_lookup_elem(fd, &bkey, &count))
			scprof_obs_add(o, e->slot_arch[bkey.slot], (int)bkey.nr, count);
	}
}

static void ebpf_release(struct scprof_recorder *r)
{
	struct ebpf *e = r->priv;

	if (!e)
		return;
	record_bpf__destroy(e->skel);
	if (e->pidfd >= 0)
		close(e->pidfd);
	free(e->cgroup);
	free(e);
	r->priv = NULL;
}

#else /* !SCPROF_HAVE_EBPF */

static int ebpf_start(struct scprof_recorder *r, const struct scprof_record_target *t,
		      int *exec_errno, struct scprof_error **err)
{
	return error_set(err, -ENOSYS, "scprof was built without the eBPF recorder");
}

static int ebpf_wait(struct scprof_recorder *r, int timeout_ms, volatile int *stop,
		     struct scprof_error **err)
{
	return -ENOSYS;
}

static void ebpf_collect(struct scprof_recorder *r, struct scprof_obs *o)
{
}

static void ebpf_release(struct scprof_recorder *r)
{
}
#endif

const struct recorder_ops record_ebpf_ops = {
	.start = ebpf_start,
	.wait = ebpf_wait,
	.collect = ebpf_collect,
	.release = ebpf_release,
};
