// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hand a seccomp listener to an agent, as runc does for linux.seccomp.listenerPath.
 *
 * The agent listens on an AF_UNIX stream socket.  The runtime connects, sends
 * one message whose bytes are the OCI container process state in JSON and
 * whose SCM_RIGHTS control message carries the listener, then closes the
 * connection (runtime-spec config-linux.md "Seccomp", specs-go/state.go
 * ContainerProcessState; runc libcontainer/process_linux.go):
 *
 *   {"ociVersion": "1.2.0",
 *    "fds": ["seccompFd"],            names of the SCM_RIGHTS fds, in order
 *    "pid": 1234,                     the process the filter is on
 *    "metadata": "...",               listenerMetadata; left out when empty
 *    "state": {"ociVersion": "1.2.0", "id": "...", "status": "creating",
 *              "pid": 1234, "bundle": "/abs/dir"}}
 *
 * runc sends status "creating": the fd is handed over before the container
 * process execs, as here.
 */
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "sandbox/listener.h"
#include "scprof/syscalls.h"

/* runtime-spec version whose ContainerProcessState has "fds" (1.0.2 on) */
#define OCI_VERSION "1.2.0"

char *scprof_listener_state_json(const struct scprof_sandbox_listener *l, pid_t pid)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "{\"ociVersion\":\"" OCI_VERSION "\",\"fds\":[\"seccompFd\"],\"pid\":");
	strbuf_add_u64(&sb, (uint64_t)pid);
	if (l->metadata && *l->metadata) {
		strbuf_adds(&sb, ",\"metadata\":");
		strbuf_add_json_str(&sb, l->metadata);
	}
	strbuf_adds(&sb, ",\"state\":{\"ociVersion\":\"" OCI_VERSION "\",\"id\":");
	strbuf_add_json_str(&sb, l->id ? l->id : "");
	strbuf_adds(&sb, ",\"status\":\"creating\",\"pid\":");
	strbuf_add_u64(&sb, (uint64_t)pid);
	strbuf_adds(&sb, ",\"bundle\":");
	strbuf_add_json_str(&sb, l->bundle ? l->bundle : "/");
	strbuf_adds(&sb, "}}");
	return strbuf_detach(&sb);
}

int scprof_listener_send(const char *path, const char *json, int fd, struct scprof_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (!*path || strlen(path) >= sizeof(addr.sun_path))
		return error_set(err, -ENAMETOOLONG,
				 "the seccomp agent's socket path '%s' is empty or too long", path);
	memcpy(addr.sun_path, path, strlen(path));

	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return error_set(err, -errno, "cannot create a socket: %s", strerror(errno));
	/* an agent that accepts nothing (full backlog) or reads nothing must not hang us */
	struct timeval tv = { SCPROF_LISTENER_TIMEOUT_MS / 1000,
			      (SCPROF_LISTENER_TIMEOUT_MS % 1000) * 1000 };
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int r;
	do
		r = connect(s, (struct sockaddr *)&addr, sizeof(addr));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error_set(err, -errno, "cannot connect to the seccomp agent at '%s': %s",
				 path, strerror(errno));

	size_t len = strlen(json);
	struct iovec iov = { (void *)json, len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(s, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_set(err, -errno,
				 "cannot send the seccomp listener to the agent at '%s': %s", path,
				 strerror(errno));
	/* the fd went with the first byte; the agent reads the rest as a stream */
	for (size_t off = (size_t)n; off < len; off += (size_t)n) {
		do
			n = send(s, json + off, len - off, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return error_set(err, -errno,
					 "cannot send the container state to the agent at '%s': %s",
					 path, strerror(errno));
	}
	return 0;
}

int listener_check_handoff(const struct scprof_bpf *prog, int report_fd, int go_fd,
			   struct scprof_error **err)
{
	const struct scprof_arch *arch = scprof_arch_native();
	if (!arch)
		return 0;
	static const char *const calls[] = { "write", "read" };
	const int fds[] = { report_fd, go_fd };
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		int nr = scprof_syscall_nr(arch, calls[i]);
		if (nr < 0)
			continue;
		struct scprof_seccomp_data d = { .nr = nr, .arch = arch->token };
		d.args[0] = (uint64_t)fds[i];
		d.args[2] = i == 0 ? 3 * sizeof(int) : 1;
		uint32_t ret;
		if (scprof_bpf_run(prog, &d, &ret, NULL) < 0)
			continue; /* the kernel will refuse the program and say why */
		uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
		if (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG)
			continue;
		char name[64];
		scprof_action_format(ret, name, sizeof(name));
		return error_set(
			err, -EPERM,
			"the profile must allow %s (it gives %s): after loading the filter the listener is handed over with write and read, as runc does",
			calls[i], name);
	}
	return 0;
}

int listener_take(pid_t pid, int fd, struct scprof_error **err)
{
	/* pidfd_getfd (5.6), as runc takes the listener from its init process */
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return error_set(err, -errno, "cannot open a pidfd of the child: %s",
				 strerror(errno));
	int l = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (l < 0)
		return error_set(err, -errno, "cannot take the seccomp listener from the child: %s",
				 strerror(errno));
	return l;
}
