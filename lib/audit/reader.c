// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lines of logs from files, gzip streams, stdin and /dev/kmsg, in constant memory. */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "audit/reader.h"
#include "util/util.h"

#define READ_CHUNK (1u << 20)
#define BUF_SIZE (AUDIT_LINE_MAX + READ_CHUNK)
#define ZIN_SIZE (256u * 1024)
#define KMSG_RECORD_MAX 8192 /* a read of /dev/kmsg returns one record, at most this */
#define NETLINK_MSG_MAX (16u * 1024) /* auditd takes 8970 bytes at most */

struct audit_reader {
	int fd;
	char *path; /* NULL for stdin */
	const char *name;
	bool kmsg, netlink, follow, eof;
	dev_t dev;
	ino_t ino;
	off_t offset; /* of the file, for truncation */

	char *buf;
	size_t start, end;
	bool skipping; /* inside an overlong line */

	bool gz, z_init;
	z_stream z;
	unsigned char *zin;

	bool have_seq;
	uint64_t next_seq;
	uint64_t lost, overlong;
};

static struct audit_reader *reader_new(int fd, const char *path, const char *name)
{
	struct audit_reader *r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->path = path ? xstrdup(path) : NULL;
	r->name = r->path ? r->path : name;
	return r;
}

int audit_reader_open(const char *path, bool follow, struct audit_reader **out,
		      struct scprof_error **err)
{
	struct audit_reader *r;
	struct stat st;
	int fd;

	*out = NULL;
	if (!strcmp(path, "-")) {
		r = reader_new(STDIN_FILENO, NULL, "stdin");
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return error_set(err, -errno, "%s: %s", path, strerror(errno));
		if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
			int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
			close(fd);
			return error_set(err, -e, "%s: %s", path, strerror(e));
		}
		r = reader_new(fd, path, NULL);
		r->follow = follow && S_ISREG(st.st_mode);
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	r->buf = xmalloc(BUF_SIZE);
	*out = r;
	return 0;
}

int audit_reader_open_kmsg(const char *path, bool from_start, struct audit_reader **out,
			   struct scprof_error **err)
{
	*out = NULL;
	if (!path)
		path = "/dev/kmsg";
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, -errno, "%s: %s%s", path, strerror(errno),
				 errno == EPERM || errno == EACCES ?
					 " (reading the kernel log needs CAP_SYSLOG, or "
					 "kernel.dmesg_restrict=0)" :
					 "");
	if (!from_start)
		lseek(fd, 0, SEEK_END);
	struct audit_reader *r = reader_new(fd, path, NULL);
	r->kmsg = true;
	r->buf = xmalloc(KMSG_RECORD_MAX + 1);
	*out = r;
	return 0;
}

int audit_reader_open_netlink(size_t rcvbuf, struct audit_reader **out, struct scprof_error **err)
{
	*out = NULL;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (fd < 0)
		return error_set(err, -errno, "cannot open an audit netlink socket: %s",
				 strerror(errno));
	int size = rcvbuf > INT32_MAX ? INT32_MAX : (int)rcvbuf;
	/* beyond net.core.rmem_max only with CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK,
				    .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return error_set(err, -e, "cannot read the audit multicast group: %s%s",
				 strerror(e), e == EPERM ? " (it needs CAP_AUDIT_READ)" : "");
	}
	struct audit_reader *r = reader_new(fd, NULL, "the audit netlink socket");
	r->netlink = true;
	/* "type=NNNNN msg=" + the largest audit message */
	r->buf = xmalloc(NETLINK_MSG_MAX + 64 + NLMSG_HDRLEN);
	*out = r;
	return 0;
}

/* One multicast audit message, as the line auditd would write of it. */
static int netlink_next(struct audit_reader *r, const char **line, size_t *len,
			struct scprof_error **err)
{
	char *rx = r->buf + 32;
	size_t cap = NETLINK_MSG_MAX + 32 + NLMSG_HDRLEN;
	for (;;) {
		ssize_t n = recv(r->fd, rx, cap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			r->lost++; /* the receive buffer overflowed */
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return error_set(err, -errno, "%s: %s", r->name, strerror(errno));
		struct nlmsghdr *h = (struct nlmsghdr *)rx;
		if ((size_t)n < NLMSG_HDRLEN || !NLMSG_OK(h, (size_t)n))
			continue;
		char *msg = rx + NLMSG_HDRLEN;
		size_t mlen = h->nlmsg_len - NLMSG_HDRLEN;
		while (mlen && (msg[mlen - 1] == '\0' || msg[mlen - 1] == '\n'))
			mlen--;
		/* put "type=N msg=" right before the message, in the room left for it */
		char head[32];
		int hl = snprintf(head, sizeof(head), "type=%u msg=", (unsigned)h->nlmsg_type);
		if (hl <= 0 || (size_t)hl > (size_t)(msg - r->buf))
			continue;
		memcpy(msg - hl, head, (size_t)hl);
		*line = msg - hl;
		*len = mlen + (size_t)hl;
		return 1;
	}
}

/* Start inflating: the bytes read so far, in the buffer, are the first input. */
static int gz_start(struct audit_reader *r, struct scprof_error **err)
{
	r->zin = xmalloc(ZIN_SIZE);
	memcpy(r->zin, r->buf + r->start, r->end - r->start);
	r->z.next_in = r->zin;
	r->z.avail_in = (uInt)(r->end - r->start);
	r->end = r->start;
	/* 15 + 16: a gzip stream with a window of up to 32 KiB */
	if (inflateInit2(&r->z, 15 + 16) != Z_OK)
		return error_set(err, -ENOMEM, "%s: cannot start inflating", r->name);
	r->z_init = true;
	r->gz = true;
	return 0;
}

static ssize_t read_some(struct audit_reader *r, void *p, size_t n)
{
	ssize_t got;
	do
		got = read(r->fd, p, n);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		r->offset += got;
	return got;
}

/* Inflate into the buffer's free space; 1 when something came, 0 at the end, <0 on error. */
static int gz_fill(struct audit_reader *r, size_t room, struct scprof_error **err)
{
	for (;;) {
		if (!r->z.avail_in) {
			ssize_t got = read_some(r, r->zin, ZIN_SIZE);
			if (got < 0)
				return error_set(err, -errno, "%s: %s", r->name, strerror(errno));
			if (!got && r->z.total_in)
				return error_set(err, -EINVAL, "%s: the gzip data ends early",
						 r->name);
			if (!got)
				return 0;
			r->z.next_in = r->zin;
			r->z.avail_in = (uInt)got;
		}
		r->z.next_out = (unsigned char *)r->buf + r->end;
		r->z.avail_out = (uInt)room;
		int zr = inflate(&r->z, Z_NO_FLUSH);
		size_t made = room - r->z.avail_out;
		r->end += made;
		if (zr == Z_STREAM_END) {
			/* gzip files may hold several members, one after another */
			inflateReset(&r->z);
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return error_set(err, -EINVAL, "%s: corrupt gzip data: %s", r->name,
					 r->z.msg ? r->z.msg : "inflate failed");
		}
		if (made)
			return 1;
	}
}

/* A file replaced by rotation or truncated: start over on what is there now. */
static void follow_reopen(struct audit_reader *r)
{
	struct stat st;
	if (stat(r->path, &st) < 0)
		return;
	if (st.st_dev != r->dev || st.st_ino != r->ino) {
		int fd = open(r->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		close(r->fd);
		r->fd = fd;
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		r->offset = 0;
	} else if (st.st_size < r->offset) {
		lseek(r->fd, 0, SEEK_SET);
		r->offset = 0;
	}
}

/* More bytes into the buffer: 1, 0 when none (now), <0 on error. */
static int fill(struct audit_reader *r, struct scprof_error **err)
{
	if (r->start == r->end) {
		r->start = r->end = 0;
	} else if (BUF_SIZE - r->end < READ_CHUNK) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	size_t room = BUF_SIZE - r->end;
	if (r->gz)
		return gz_fill(r, room, err);
	ssize_t got = read_some(r, r->buf + r->end, room);
	if (got < 0)
		return error_set(err, -errno, "%s: %s", r->name, strerror(errno));
	if (!got && r->follow) {
		follow_reopen(r);
		got = read_some(r, r->buf + r->end, room);
		if (got < 0)
			return error_set(err, -errno, "%s: %s", r->name, strerror(errno));
	}
	bool first = r->offset == got && r->end == 0;
	r->end += (size_t)got;
	if (first && got >= 2 && (unsigned char)r->buf[0] == 0x1f &&
	    (unsigned char)r->buf[1] == 0x8b) {
		int ret = gz_start(r, err);
		if (ret < 0)
			return ret;
		return gz_fill(r, BUF_SIZE - r->end, err);
	}
	return got > 0;
}

/* One record of /dev/kmsg: "PRI,SEQ,USEC,FLAGS[,...];MESSAGE\n[ KEY=VALUE\n]...". */
static int kmsg_next(struct audit_reader *r, const char **line, size_t *len,
		     struct scprof_error **err)
{
	for (;;) {
		ssize_t n = read(r->fd, r->buf, KMSG_RECORD_MAX);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten; the next sequence number says how many */
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return error_set(err, -errno, "%s: %s", r->name, strerror(errno));
		if (!n)
			return 0;
		r->buf[n] = '\0';
		const char *semi = memchr(r->buf, ';', (size_t)n);
		const char *comma = memchr(r->buf, ',', (size_t)n);
		if (!semi || !comma || comma > semi)
			continue;
		uint64_t seq = strtoull(comma + 1, NULL, 10);
		if (r->have_seq && seq > r->next_seq)
			r->lost += seq - r->next_seq;
		r->have_seq = true;
		r->next_seq = seq + 1;
		const char *msg = semi + 1;
		const char *nl = memchr(msg, '\n', (size_t)(r->buf + n - msg));
		*line = msg;
		*len = nl ? (size_t)(nl - msg) : (size_t)(r->buf + n - msg);
		return 1;
	}
}

int audit_reader_next(struct audit_reader *r, const char **line, size_t *len,
		      struct scprof_error **err)
{
	if (r->kmsg)
		return kmsg_next(r, line, len, err);
	if (r->netlink)
		return netlink_next(r, line, len, err);
	for (;;) {
		char *p = r->buf + r->start;
		size_t have = r->end - r->start;
		char *nl = have ? memchr(p, '\n', have) : NULL;
		if (r->skipping) {
			r->start = nl ? (size_t)(nl + 1 - r->buf) : r->end;
			r->skipping = !nl;
			if (nl)
				continue;
			if (r->eof)
				return 0;
		} else if (nl && (size_t)(nl - p) > AUDIT_LINE_MAX) {
			r->overlong++;
			r->start += (size_t)(nl - p) + 1;
			continue;
		} else if (nl) {
			*line = p;
			*len = (size_t)(nl - p);
			r->start += *len + 1;
			return 1;
		} else if (have >= AUDIT_LINE_MAX) {
			r->overlong++;
			r->skipping = true;
			r->start = r->end;
		} else if (r->eof) {
			if (!have)
				return 0;
			*line = p; /* the last line, without a newline */
			*len = have;
			r->start = r->end;
			return 1;
		}
		int got = fill(r, err);
		if (got < 0)
			return got;
		if (!got) {
			if (r->follow)
				return 0;
			r->eof = true;
		}
	}
}

void audit_reader_skip_to_end(struct audit_reader *r)
{
	off_t end = lseek(r->fd, 0, SEEK_END);
	if (end >= 0)
		r->offset = end;
	r->start = r->end = 0;
}

int audit_reader_fd(const struct audit_reader *r)
{
	return r->fd;
}

uint64_t audit_reader_lost(const struct audit_reader *r)
{
	return r->lost;
}

uint64_t audit_reader_overlong(const struct audit_reader *r)
{
	return r->overlong;
}

const char *audit_reader_name(const struct audit_reader *r)
{
	return r->name;
}

void audit_reader_free(struct audit_reader *r)
{
	if (!r)
		return;
	if (r->z_init)
		inflateEnd(&r->z);
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	free(r->zin);
	free(r->buf);
	free(r->path);
	free(r);
}

#define RATELIMIT_PATH "/proc/sys/kernel/printk_ratelimit"
#define ACTIONS_LOGGED_PATH "/proc/sys/kernel/seccomp/actions_logged"

static bool read_small(const char *path, char *buf, size_t n)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, buf, n - 1) : -1;
	if (got <= 0)
		return false;
	buf[got] = '\0';
	return true;
}

static bool write_small(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

bool audit_tune_lift(struct audit_tune *t, bool ratelimit, bool log_action)
{
	char buf[256];
	memset(t, 0, sizeof(*t));
	if (ratelimit && read_small(RATELIMIT_PATH, t->ratelimit, sizeof(t->ratelimit)) &&
	    strcmp(t->ratelimit, "0\n"))
		t->ratelimit_set = write_small(RATELIMIT_PATH, "0");
	if (!log_action)
		return true;
	if (!read_small(ACTIONS_LOGGED_PATH, buf, sizeof(buf)))
		return true; /* a kernel without the setting logs LOG */
	if (has_word(buf, "log"))
		return true;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(t->actions_logged, sizeof(t->actions_logged), "%s", buf);
	char *with = xasprintf("%s%slog", buf, buf[0] ? " " : "");
	t->actions_set = write_small(ACTIONS_LOGGED_PATH, with);
	free(with);
	return t->actions_set;
}

void audit_tune_restore(struct audit_tune *t)
{
	if (t->ratelimit_set)
		write_small(RATELIMIT_PATH, t->ratelimit);
	if (t->actions_set)
		write_small(ACTIONS_LOGGED_PATH, t->actions_logged);
	memset(t, 0, sizeof(*t));
}

void audit_session_loginuid(char *buf, size_t n)
{
	char cur[16] = "";
	if (!read_small("/proc/self/loginuid", cur, sizeof(cur)))
		cur[0] = '\0';
	cur[strcspn(cur, "\n")] = '\0';
	if (!cur[0] || !strcmp(cur, "4294967295"))
		snprintf(buf, n, "%u", (unsigned)getuid());
	else
		snprintf(buf, n, "%s", cur);
}

uint32_t audit_session_of(pid_t pid)
{
	char path[64], buf[16];
	snprintf(path, sizeof(path), "/proc/%d/sessionid", (int)pid);
	if (!read_small(path, buf, sizeof(buf)))
		return UINT32_MAX;
	char *end;
	unsigned long v = strtoul(buf, &end, 10);
	return end == buf || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}
