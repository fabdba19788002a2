/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recording: observe the syscalls a workload makes (eBPF or ptrace), collect
 * them as observations, and generate a least-privilege profile from them.
 */
#ifndef SCPROF_RECORD_H
#define SCPROF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scprof/bpf.h"
#include "scprof/error.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Observations: (architecture, syscall number) -> calls, plus the values seen
 * for the arguments that --args turns into rules.
 */
struct scprof_obs;

SCPROF_PUBLIC struct scprof_obs *scprof_obs_new(void);
SCPROF_PUBLIC void scprof_obs_free(struct scprof_obs *o);
/* Add @count calls of @nr on @arch (x32 numbers carry __X32_SYSCALL_BIT). */
SCPROF_PUBLIC void scprof_obs_add(struct scprof_obs *o, const struct scprof_arch *arch, int nr,
				  uint64_t count);
/*
 * Add a call's argument value(s) for the syscalls listed by
 * scprof_obs_arg_spec(): @v1 is the first interesting argument, @v2 the second
 * (socket's type) or 0.
 */
SCPROF_PUBLIC void scprof_obs_add_arg(struct scprof_obs *o, const struct scprof_arch *arch, int nr,
				      uint64_t v1, uint64_t v2, uint64_t count);
/*
 * Which arguments of @name on @arch a recorder captures: the index of the
 * first in *a1, of the second in *a2 (-1 when none).  False when the syscall's
 * arguments are not recorded.
 */
SCPROF_PUBLIC bool scprof_obs_arg_spec(const struct scprof_arch *arch, const char *name, int *a1,
				       int *a2);
/* Add everything of @src into @dst. */
SCPROF_PUBLIC void scprof_obs_merge(struct scprof_obs *dst, const struct scprof_obs *src);

/* Iteration, in (arch list order, number) order. */
struct scprof_obs_call {
	const struct scprof_arch *arch;
	int nr;
	const char *name; /* NULL when the number has no name on @arch */
	uint64_t count;
};
/* The observed calls; caller frees the array with free(). */
SCPROF_PUBLIC struct scprof_obs_call *scprof_obs_calls(const struct scprof_obs *o, size_t *n);

struct scprof_obs_argval {
	const struct scprof_arch *arch;
	int nr;
	const char *name;
	uint64_t v1, v2;
	uint64_t count;
};
/* The observed argument values; caller frees the array with free(). */
SCPROF_PUBLIC struct scprof_obs_argval *scprof_obs_argvals(const struct scprof_obs *o, size_t *n);
/* Number of distinct (arch, nr) pairs observed. */
SCPROF_PUBLIC size_t scprof_obs_count(const struct scprof_obs *o);

/* How the generated profile treats what was not observed. */
enum scprof_record_mode {
	SCPROF_RECORD_ENFORCE, /* default action for everything else */
	SCPROF_RECORD_AUDIT, /* LOG everything else, ERRNO the dangerous list */
};

struct scprof_generate_opts {
	enum scprof_record_mode mode;
	enum scprof_action default_action; /* ERRNO (EPERM), KILL_PROCESS or LOG; enforce only */
	bool args; /* argument rules for the syscalls of scprof_obs_arg_spec() */
	const char *for_runtime; /* "runc" adds what the runtime calls after loading; or NULL */
	bool counts; /* the counts annotation */
	enum scprof_kind kind; /* OCI or SPO */
	const char *name; /* SeccompProfile name, for SPO */
	/*
	 * Exactly the observed calls and architectures: none of the names every
	 * profile needs (restart_syscall, rt_sigreturn, exit...), no native
	 * architecture unless observed.  For patches (scprof audit).
	 */
	bool exact;
};

/*
 * Build a canonical profile from @o.  Returns 0, or -EINVAL with *err (an
 * unknown runtime, a default action other than ERRNO, KILL_PROCESS or LOG).
 * Caller frees *out with scprof_profile_free().
 */
SCPROF_PUBLIC int scprof_record_generate(const struct scprof_obs *o,
					 const struct scprof_generate_opts *opts,
					 struct scprof_profile **out, struct scprof_error **err);

/*
 * Union @rec into @base (the --merge of record): the syscalls @base denies
 * explicitly stay denied; its default action, architectures (plus those of
 * @rec) and flags are kept.  The names dropped because @base denies them are
 * returned in *denied (NULL-terminated, caller frees with free() each and the
 * array), when @denied is not NULL.
 */
SCPROF_PUBLIC void scprof_record_merge(struct scprof_profile *base,
				       const struct scprof_profile *rec, char ***denied);

/*
 * The syscalls a runtime makes between loading the filter and execve (as
 * measured, plus what its language runtime may call at any time); NULL-terminated,
 * static; NULL for a runtime we do not know.  *version gets the runtime version measured.
 */
SCPROF_PUBLIC const char *const *scprof_runtime_syscalls(const char *runtime, const char **version);
/*
 * The built-in base profile of a runtime (a scprof_base_lookup_fn for
 * scprof_flatten_opts.lookup): defaultAction ERRNO and one ALLOW rule for
 * scprof_runtime_syscalls(@name).  Returns 0 with *out for the caller to free with
 * scprof_profile_free(), or -ENOENT for a runtime we do not know.  @data is unused.
 */
SCPROF_PUBLIC int scprof_runtime_base(const char *name, struct scprof_profile **out, void *data);
/* The known-dangerous syscalls that --mode audit denies; NULL-terminated, static. */
SCPROF_PUBLIC const char *const *scprof_dangerous_syscalls(void);

/* ---- recorders ---- */

enum scprof_backend {
	SCPROF_BACKEND_AUTO,
	SCPROF_BACKEND_EBPF,
	SCPROF_BACKEND_PTRACE,
	SCPROF_BACKEND_LOG, /* the kernel's own records of a LOG filter (a command only) */
};

struct audit_record; /* lib/audit/record.h: one parsed kernel record */

struct scprof_record_target {
	char *const *argv; /* start this command (PATH searched), or */
	pid_t pid; /* follow this process, its threads and what it starts, or */
	const char *cgroup; /* every process of this cgroup directory */
	bool args; /* capture argument values */
	/*
	 * The log recorder only: load this program instead of one that logs every
	 * call, so that what it does not allow silently is recorded (a profile in
	 * audit mode), and hand each record of the command to @on_record.
	 */
	const struct scprof_bpf *log_filter;
	void (*on_record)(void *ctx, const struct audit_record *rec);
	void *on_record_ctx;
};

/*
 * A recorder belongs to the thread that started it: ptrace requests are per
 * thread, so wait, collect and free must be called from that thread.  The
 * ptrace backend waits with waitpid(-1, __WALL), which also reaps other
 * children of the calling process.
 */
struct scprof_recorder;

/*
 * Set up the recorder and, for a command, start it: the child waits until the
 * recorder is attached, so its first syscall is seen.  Returns 0 or a negative
 * errno with *err; -EPERM (or -ENOSYS) means the backend is not permitted here.
 * *exec_errno gets the errno of a failed execve (command not found).
 */
SCPROF_PUBLIC int scprof_recorder_start(enum scprof_backend backend,
					const struct scprof_record_target *t,
					struct scprof_recorder **out, int *exec_errno,
					struct scprof_error **err);
/* The pid of the started command, or 0. */
SCPROF_PUBLIC pid_t scprof_recorder_child(const struct scprof_recorder *r);
SCPROF_PUBLIC enum scprof_backend scprof_recorder_backend(const struct scprof_recorder *r);
/* Records the recorder knows it missed (the log recorder: rate limit, overwritten); else 0. */
SCPROF_PUBLIC uint64_t scprof_recorder_lost(const struct scprof_recorder *r);
/* When SCPROF_BACKEND_AUTO fell back to ptrace: why eBPF could not be used (borrowed); else NULL. */
SCPROF_PUBLIC const char *scprof_recorder_fallback(const struct scprof_recorder *r);

/*
 * Record until every followed process has exited, @timeout_ms passed (-1: no
 * limit) or *stop becomes true (set from a signal handler).  Returns 1 when
 * everything exited, 0 on timeout or stop, negative errno on failure.  For a
 * command, *status gets its wait status once it has exited (else -1).
 */
SCPROF_PUBLIC int scprof_recorder_wait(struct scprof_recorder *r, int timeout_ms,
				       volatile int *stop, int *status, struct scprof_error **err);

/* Add what was observed so far to @o. */
SCPROF_PUBLIC void scprof_recorder_collect(struct scprof_recorder *r, struct scprof_obs *o);

/*
 * Detach and free.  A command still running is sent SIGTERM, then SIGKILL
 * after 2 s, and reaped; its status goes to *status when not NULL.
 */
SCPROF_PUBLIC void scprof_recorder_free(struct scprof_recorder *r, int *status);

#ifdef __cplusplus
}
#endif
#endif
