// SPDX-License-Identifier: LGPL-2.1-or-later
/* A seccomp agent for tests: takes one listener the runc way and answers its notifications. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "format/node.h"
#include "scprof/syscalls.h"
#include "util/util.h"

/*
 * usage: notify-agent [-t SECONDS] SOCKET LOG [NAME=ANSWER...]
 *
 * Listens on the AF_UNIX stream socket SOCKET, accepts one connection, reads the
 * OCI container process state and the listener (SCM_RIGHTS) the way a runc agent
 * does (up to the end of the JSON: runc leaves the connection open), checks the
 * state, then answers each notification:
 *   NAME=errno:N     the call fails with errno N
 *   NAME=value:V     the call returns V without running
 *   NAME=continue    the kernel runs the call (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
 * Calls not named are let through with continue.  Appends to LOG, one line each:
 *   listening                     the socket accepts connections
 *   json TEXT                     the state as received
 *   state pid=P status=S id=I bundle=B metadata=M|-   the state passed the checks
 *   invalid WHY                   it did not (exit 1, closing the listener)
 *   notify NAME pid=self|other -> ANSWER
 *   done                          no process uses the filter any more (exit 0)
 * The whole run is bounded by -t (default 20 s): SIGALRM ends it.
 */

#define EXIT_USAGE 2

struct answer {
	const char *name;
	int kind; /* 'e' errno, 'v' value, 'c' continue */
	long long v;
};

static FILE *log_file;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
}

static const char *str_at(const struct node *obj, const char *key)
{
	const struct node *n = node_get(obj, key);
	return n && n->kind == NODE_STRING ? n->text : NULL;
}

/* The checks an agent relies on; NULL when the state is as runc sends it. */
static const char *check_state(const struct node *st, int64_t *pid)
{
	const struct node *fds = node_get(st, "fds"), *state = node_get(st, "state");
	const struct node *meta = node_get(st, "metadata");
	int64_t spid;
	if (!st || st->kind != NODE_OBJECT)
		return "not an object";
	if (!str_at(st, "ociVersion") || !*str_at(st, "ociVersion"))
		return "no ociVersion";
	if (!fds || fds->kind != NODE_ARRAY || fds->len != 1 ||
	    fds->items[0]->kind != NODE_STRING || strcmp(fds->items[0]->text, "seccompFd"))
		return "fds is not [\"seccompFd\"]";
	if (!node_get(st, "pid") || !node_get_i64(node_get(st, "pid"), pid) || *pid <= 0)
		return "no pid";
	if (meta && meta->kind != NODE_STRING)
		return "metadata is not a string";
	if (!state || state->kind != NODE_OBJECT)
		return "no state";
	if (!str_at(state, "ociVersion") || !str_at(state, "id") || !*str_at(state, "id"))
		return "state has no ociVersion or id";
	if (!str_at(state, "status") || (strcmp(str_at(state, "status"), "creating") &&
					 strcmp(str_at(state, "status"), "running")))
		return "state.status is neither creating nor running";
	if (!node_get(state, "pid") || !node_get_i64(node_get(state, "pid"), &spid) || spid != *pid)
		return "state.pid is not pid";
	if (!str_at(state, "bundle") || str_at(state, "bundle")[0] != '/')
		return "state.bundle is not an absolute path";
	return NULL;
}

/* Accept one runtime, read its state and listener; the listener or -1. */
static int receive(int srv, int64_t *pid)
{
	int c = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0) {
		say("invalid accept: %s", strerror(errno));
		return -1;
	}
	struct strbuf text = STRBUF_INIT;
	struct node *st = NULL;
	int fd = -1, n_fds = 0;
	for (;;) {
		char buf[4096];
		union {
			char b[CMSG_SPACE(4 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = ctl.b,
				      .msg_controllen = sizeof(ctl.b) };
		ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			break;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
			if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
				size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t i = 0; i < k; i++, n_fds++)
					memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			}
		strbuf_add(&text, buf, (size_t)n);
		/* runc keeps the connection open: the state ends where the JSON does */
		if (json_parse(text.buf, text.len, &st, NULL) == 0)
			break;
	}
	close(c);
	say("json %s", text.buf ? text.buf : "");
	const char *why = NULL;
	char link[128] = "";
	if (!st)
		why = "not JSON";
	else
		why = check_state(st, pid);
	if (!why && n_fds != 1)
		why = "not exactly one fd";
	if (!why) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (readlink(proc, link, sizeof(link) - 1) < 0 || !strstr(link, "seccomp notify"))
			why = "the fd is not a seccomp listener";
	}
	if (why) {
		say("invalid %s", why);
	} else {
		const struct node *s = node_get(st, "state");
		const char *meta = str_at(st, "metadata");
		say("state pid=%lld status=%s id=%s bundle=%s metadata=%s", (long long)*pid,
		    str_at(s, "status"), str_at(s, "id"), str_at(s, "bundle"), meta ? meta : "-");
	}
	node_free(st);
	strbuf_release(&text);
	return why ? -1 : fd;
}

static void serve(int fd, int64_t pid, const struct answer *ans, size_t n_ans)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (p.revents & POLLIN) {
			struct seccomp_notif req;
			struct seccomp_notif_resp resp;
			memset(&req, 0, sizeof(req));
			if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
				continue; /* ENOENT: the caller went away */
			const struct scprof_arch *a =
				scprof_arch_for_call(req.data.arch, req.data.nr);
			const char *name = a ? scprof_syscall_name(a, req.data.nr) : NULL;
			memset(&resp, 0, sizeof(resp));
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			char what[64] = "continue";
			for (size_t i = 0; i < n_ans && name; i++) {
				if (strcmp(ans[i].name, name))
					continue;
				if (ans[i].kind == 'e') {
					resp.flags = 0;
					resp.error = -(int)ans[i].v;
					snprintf(what, sizeof(what), "errno %lld", ans[i].v);
				} else if (ans[i].kind == 'v') {
					resp.flags = 0;
					resp.val = ans[i].v;
					snprintf(what, sizeof(what), "value %lld", ans[i].v);
				}
			}
			say("notify %s pid=%s -> %s", name ? name : "?",
			    (int64_t)req.pid == pid ? "self" : "other", what);
			ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
			continue;
		}
		if (p.revents & (POLLHUP | POLLERR))
			break;
	}
	say("done");
}

int main(int argc, char **argv)
{
	unsigned timeout = 20;
	int c;
	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			return EXIT_USAGE;
		timeout = (unsigned)atoi(optarg);
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: notify-agent [-t SECONDS] SOCKET LOG [NAME=ANSWER...]\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind], *log = argv[optind + 1];
	size_t n_ans = (size_t)(argc - optind - 2);
	struct answer *ans = xcalloc(n_ans + 1, sizeof(*ans));
	for (size_t i = 0; i < n_ans; i++) {
		char *arg = argv[optind + 2 + i], *eq = strchr(arg, '=');
		if (!eq) {
			fprintf(stderr, "notify-agent: '%s' is not NAME=ANSWER\n", arg);
			return EXIT_USAGE;
		}
		*eq = '\0';
		ans[i].name = arg;
		if (!strncmp(eq + 1, "errno:", 6))
			ans[i] = (struct answer){ arg, 'e', atoll(eq + 7) };
		else if (!strncmp(eq + 1, "value:", 6))
			ans[i] = (struct answer){ arg, 'v', atoll(eq + 7) };
		else if (!strcmp(eq + 1, "continue"))
			ans[i] = (struct answer){ arg, 'c', 0 };
		else {
			fprintf(stderr, "notify-agent: unknown answer '%s'\n", eq + 1);
			return EXIT_USAGE;
		}
	}
	log_file = fopen(log, "a");
	if (!log_file) {
		perror(log);
		return 1;
	}
	alarm(timeout);

	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return EXIT_USAGE;
	memcpy(addr.sun_path, path, strlen(path));
	unlink(path);
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(srv, 4) < 0) {
		perror(path);
		return 1;
	}
	say("listening");
	int64_t pid = 0;
	int fd = receive(srv, &pid);
	close(srv);
	unlink(path);
	if (fd < 0) {
		free(ans);
		return 1;
	}
	serve(fd, pid, ans, n_ans);
	close(fd);
	free(ans);
	fclose(log_file);
	return 0;
}
