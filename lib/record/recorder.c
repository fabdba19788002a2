// SPDX-License-Identifier: LGPL-2.1-or-later
/* The recorder front: picks a backend and owns the command's life. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "record/recorder.h"

static int start_with(enum scprof_backend backend, const struct scprof_record_target *t,
		      struct scprof_recorder **out, int *exec_errno, struct scprof_error **err)
{
	struct scprof_recorder *r = xcalloc(1, sizeof(*r));
	int ret;

	r->backend = backend;
	r->ops = backend == SCPROF_BACKEND_EBPF ? &record_ebpf_ops :
		 backend == SCPROF_BACKEND_LOG	? &record_log_ops :
						  &record_ptrace_ops;
	r->status = -1;
	ret = r->ops->start(r, t, exec_errno, err);
	if (ret < 0) {
		scprof_recorder_free(r, NULL);
		return ret;
	}
	*out = r;
	return 0;
}

int scprof_recorder_start(enum scprof_backend backend, const struct scprof_record_target *t,
			  struct scprof_recorder **out, int *exec_errno, struct scprof_error **err)
{
	int n = !!t->argv + !!t->pid + !!t->cgroup;

	*out = NULL;
	*exec_errno = 0;
	if (n != 1)
		return error_set(err, -EINVAL,
				 "record needs exactly one of a command, a pid or a cgroup");
	if ((t->log_filter || t->on_record) && backend != SCPROF_BACKEND_LOG)
		return error_set(err, -EINVAL, "a filter of its own is for the log recorder only");
	if (backend != SCPROF_BACKEND_AUTO)
		return start_with(backend, t, out, exec_errno, err);

	struct scprof_error *e = NULL;
	int ret = start_with(SCPROF_BACKEND_EBPF, t, out, exec_errno, &e);

	/* only a backend that cannot run here falls back; a missing command does not */
	if (ret != -EPERM && ret != -ENOSYS && ret != -EACCES) {
		if (ret < 0 && err)
			*err = e;
		else
			scprof_error_free(e);
		return ret;
	}
	ret = start_with(SCPROF_BACKEND_PTRACE, t, out, exec_errno, err);
	if (ret == 0)
		(*out)->fallback = scprof_error_format(e);
	scprof_error_free(e);
	return ret;
}

uint64_t scprof_recorder_lost(const struct scprof_recorder *r)
{
	return r->lost;
}

const char *scprof_recorder_fallback(const struct scprof_recorder *r)
{
	return r->fallback;
}

pid_t scprof_recorder_child(const struct scprof_recorder *r)
{
	return r->child;
}

enum scprof_backend scprof_recorder_backend(const struct scprof_recorder *r)
{
	return r->backend;
}

int scprof_recorder_wait(struct scprof_recorder *r, int timeout_ms, volatile int *stop, int *status,
			 struct scprof_error **err)
{
	int ret = r->ops->wait(r, timeout_ms, stop, err);

	if (status)
		*status = r->exited ? r->status : -1;
	return ret;
}

void scprof_recorder_collect(struct scprof_recorder *r, struct scprof_obs *o)
{
	r->ops->collect(r, o);
}

void scprof_recorder_free(struct scprof_recorder *r, int *status)
{
	if (!r)
		return;
	r->ops->release(r);
	if (r->child > 0 && !r->exited) {
		int st;

		kill(r->child, SIGTERM);
		for (int i = 0; i < 200; i++) {
			pid_t p = waitpid(r->child, &st, WNOHANG);

			if (p == r->child || (p < 0 && errno != EINTR)) {
				r->exited = p == r->child;
				r->status = st;
				break;
			}
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		}
		if (!r->exited) {
			kill(r->child, SIGKILL);
			while (waitpid(r->child, &st, 0) < 0 && errno == EINTR)
				;
			r->exited = true;
			r->status = st;
		}
	}
	if (status)
		*status = r->exited ? r->status : -1;
	free(r->fallback);
	free(r);
}
