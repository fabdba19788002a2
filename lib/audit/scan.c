// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lines of a large regular file on several threads, output in file order. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>

#include "audit/reader.h"
#include "audit/scan.h"
#include "util/util.h"

/*
 * The size of a chunk: larger chunks cost fewer maps, unmaps (each a TLB
 * shootdown on the other cores) and hand-overs, 2 MiB read a large log 10%
 * faster than 512 KiB.  The chunks mapped at once are kept at 4 MiB in all
 * whatever the number of cores, so that resident memory (each worker's
 * mapped chunk and two chunks of output) stays near 12 MiB.
 */
#define CHUNK_MAX (2048u * 1024)
#define CHUNK_MIN (512u * 1024)
#define IN_FLIGHT (4096u * 1024)
#define TAIL (16u * 1024)
/*
 * How far ahead of the line being read the walk asks for the file's bytes:
 * page cache pages are not adjacent in memory, and the hardware prefetcher
 * stops at the end of each page.
 */
#define PREFETCH (4u * 1024)
#define SLOTS_PER_WORKER 2

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct slot {
	enum slot_state state;
	uint64_t chunk;
	struct strbuf out;
	int error; /* errno of a failed read */
};

struct scan {
	int fd;
	uint64_t size, chunk, n_chunks;
	audit_scan_line_fn fn;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	uint64_t next_chunk; /* the next chunk a worker takes */
	uint64_t next_write; /* the next chunk the writer writes */
	bool abort;
	struct slot *slots;
	size_t n_slots;
	uint64_t overlong;
};

struct worker {
	struct scan *s;
	void *ctx;
	pthread_t thread;
};

/*
 * Chunks are mapped, not read: that saves the copy, a third of the time.  A
 * mapped file that shrinks while it is read (copytruncate rotation) raises
 * SIGBUS on the pages past its end; the thread then jumps back out of the
 * chunk, which fails with ESTALE (audit_scan_error()).
 */
static __thread sigjmp_buf *bus_jump;

bool audit_scan_no_map;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (bus_jump)
		siglongjmp(*bus_jump, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Map [@lo, @hi) of the file (@lo a multiple of the page size), pages read in. */
static const char *map_at(int fd, uint64_t lo, uint64_t hi)
{
	void *m =
		mmap(NULL, (size_t)(hi - lo), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, (off_t)lo);
	return m == MAP_FAILED ? NULL : m;
}

/* Read [@off, @off + @n) of the file into @buf; returns the bytes read or -errno. */
static ssize_t read_at(int fd, char *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The part of the file a chunk's lines are taken from: mapped, or read into a buffer. */
struct window {
	const char *buf; /* bytes [from, to) of the file */
	uint64_t from, to;
	char *rbuf; /* the worker's buffer when read; NULL when mapped */
};

#define WINDOW_MAX (CHUNK_MAX + AUDIT_LINE_MAX + 1 + 4096)

/* Widen @w to end at @to; 0 or an errno (ESTALE: the file shrank). */
static int widen(struct scan *s, struct window *w, uint64_t to)
{
	if (w->rbuf) {
		ssize_t got =
			read_at(s->fd, w->rbuf + (w->to - w->from), (size_t)(to - w->to), w->to);
		if (got < 0)
			return (int)-got;
		if (!got)
			return ESTALE;
		w->to += (uint64_t)got;
		return 0;
	}
	const char *m = map_at(s->fd, w->from, to);
	if (!m)
		return errno;
	munmap((void *)w->buf, (size_t)(w->to - w->from));
	w->buf = m;
	w->to = to;
	return 0;
}

/*
 * Hand on the lines that start in [@lo, @hi): the window holds the page before
 * it, to know whether a line starts at @lo, and a little after it, widened
 * when the last line needs more.  Returns 0 or an errno.
 */
static __attribute__((noinline)) int walk(struct scan *s, void *ctx, uint64_t lo, uint64_t hi,
					  struct strbuf *out, uint64_t *overlong, struct window *w)
{
	uint64_t at = lo;
	if (lo) {
		/* a line starts here only after a newline */
		const char *b = w->buf + (lo - 1 - w->from);
		const char *nl = memchr(b, '\n', (size_t)(w->to - (lo - 1)));
		at = nl ? w->from + (uint64_t)(nl - w->buf) + 1 : w->to;
	}
	uint64_t fetched = at; /* file offset: the window may move when widened */
	while (at < hi) {
		const char *p = w->buf + (at - w->from);
		for (; fetched < at + PREFETCH && fetched < w->to; fetched += 64)
			__builtin_prefetch(w->buf + (fetched - w->from));
		const char *nl = memchr(p, '\n', (size_t)(w->to - at));
		if (!nl && w->to < s->size && w->to < hi + AUDIT_LINE_MAX + 1) {
			/* the last line goes on: up to its end, or AUDIT_LINE_MAX */
			uint64_t more = hi + AUDIT_LINE_MAX + 1 < s->size ?
						hi + AUDIT_LINE_MAX + 1 :
						s->size;
			int e = widen(s, w, more);
			if (e)
				return e;
			continue;
		}
		uint64_t end = nl ? w->from + (uint64_t)(nl - w->buf) : w->to;
		if (end - at > AUDIT_LINE_MAX || (!nl && w->to < s->size))
			(*overlong)++;
		else
			s->fn(ctx, p, (size_t)(end - at), out);
		if (!nl)
			break;
		at = end + 1;
	}
	return 0;
}

/*
 * The lines of chunk @k, from a mapping of it, or read into @rbuf
 * (WINDOW_MAX bytes) where the file cannot be mapped.  Returns 0 or an errno.
 */
static int do_chunk(struct scan *s, void *ctx, uint64_t k, char *rbuf, struct strbuf *out,
		    uint64_t *overlong)
{
	uint64_t lo = k * s->chunk, hi = lo + s->chunk < s->size ? lo + s->chunk : s->size;
	struct window w = { .from = lo ? lo - 4096 : 0 };
	uint64_t to = hi + TAIL < s->size ? hi + TAIL : s->size;
	w.buf = audit_scan_no_map ? NULL : map_at(s->fd, w.from, to);
	if (!w.buf) {
		ssize_t got = read_at(s->fd, rbuf, (size_t)(to - w.from), w.from);
		if (got < 0)
			return (int)-got;
		if ((uint64_t)got < to - w.from)
			return ESTALE;
		w.buf = w.rbuf = rbuf;
		w.to = w.from + (uint64_t)got;
		return walk(s, ctx, lo, hi, out, overlong, &w);
	}
	w.to = to;
	sigjmp_buf jb;
	int ret;
	if (sigsetjmp(jb, 0)) {
		ret = ESTALE;
	} else {
		bus_jump = &jb;
		ret = walk(s, ctx, lo, hi, out, overlong, &w);
	}
	bus_jump = NULL;
	munmap((void *)w.buf, (size_t)(w.to - w.from));
	return ret;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;
	uint64_t overlong = 0;
	char *buf = xmalloc(WINDOW_MAX);
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (s->abort || s->next_chunk == s->n_chunks)
			break;
		uint64_t k = s->next_chunk;
		struct slot *slot = &s->slots[k % s->n_slots];
		if (slot->state != SLOT_FREE) {
			pthread_cond_wait(&s->changed, &s->lock);
			continue;
		}
		s->next_chunk++;
		slot->state = SLOT_BUSY;
		slot->chunk = k;
		pthread_mutex_unlock(&s->lock);

		strbuf_reset(&slot->out);
		int e = do_chunk(s, w->ctx, k, buf, &slot->out, &overlong);

		pthread_mutex_lock(&s->lock);
		slot->error = e;
		slot->state = SLOT_DONE;
		pthread_cond_broadcast(&s->changed);
	}
	s->overlong += overlong;
	pthread_mutex_unlock(&s->lock);
	free(buf);
	return NULL;
}

static const char *audit_scan_error(int e)
{
	return e == ESTALE ? "the file shrank while it was read" : strerror(e);
}

int audit_scan_file(int fd, uint64_t size, unsigned n_workers, void **ctxs, audit_scan_line_fn fn,
		    FILE *out, uint64_t *overlong, struct scprof_error **err)
{
	uint64_t chunk = IN_FLIGHT / (n_workers ? n_workers : 1);
	chunk = chunk > CHUNK_MAX ? CHUNK_MAX : chunk < CHUNK_MIN ? CHUNK_MIN : chunk;
	struct scan s = {
		.fd = fd,
		.size = size,
		.chunk = chunk,
		.n_chunks = (size + chunk - 1) / chunk,
		.fn = fn,
		.n_slots = (size_t)n_workers * SLOTS_PER_WORKER,
	};
	int ret = 0;
	fflush(out);
	struct sigaction bus = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER },
			 old_bus;
	sigemptyset(&bus.sa_mask);
	sigaction(SIGBUS, &bus, &old_bus);
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.changed, NULL);
	s.slots = xcalloc(s.n_slots, sizeof(*s.slots));
	for (size_t i = 0; i < s.n_slots; i++)
		s.slots[i].out = (struct strbuf)STRBUF_INIT;
	struct worker *w = xcalloc(n_workers, sizeof(*w));
	unsigned started = 0;
	for (; started < n_workers; started++) {
		w[started] = (struct worker){ .s = &s, .ctx = ctxs[started] };
		if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]))
			break;
	}
	if (!started) {
		/* no thread: do it all here */
		_cleanup_free_ char *buf = xmalloc(WINDOW_MAX);
		for (uint64_t k = 0; k < s.n_chunks && !ret; k++) {
			struct strbuf *o = &s.slots[0].out;
			strbuf_reset(o);
			int e = do_chunk(&s, ctxs[0], k, buf, o, &s.overlong);
			if (e)
				ret = error_set(err, -e, "cannot read the file: %s",
						audit_scan_error(e));
			else if (o->len && !write_all(fileno(out), o->buf, o->len))
				ret = error_set(err, -errno, "write: %s", strerror(errno));
		}
	}

	/* write the chunks' output in order */
	pthread_mutex_lock(&s.lock);
	while (started && s.next_write < s.n_chunks) {
		struct slot *slot = &s.slots[s.next_write % s.n_slots];
		if (slot->state != SLOT_DONE || slot->chunk != s.next_write) {
			pthread_cond_wait(&s.changed, &s.lock);
			continue;
		}
		pthread_mutex_unlock(&s.lock);
		if (slot->error && !ret)
			ret = error_set(err, -slot->error, "cannot read the file: %s",
					audit_scan_error(slot->error));
		else if (slot->out.len && !write_all(fileno(out), slot->out.buf, slot->out.len) &&
			 !ret)
			ret = error_set(err, -errno, "write: %s", strerror(errno));
		pthread_mutex_lock(&s.lock);
		slot->state = SLOT_FREE;
		s.next_write++;
		if (ret)
			s.abort = true;
		pthread_cond_broadcast(&s.changed);
		if (ret)
			break;
	}
	pthread_mutex_unlock(&s.lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	*overlong += s.overlong;
	for (size_t i = 0; i < s.n_slots; i++)
		strbuf_release(&s.slots[i].out);
	free(s.slots);
	free(w);
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	sigaction(SIGBUS, &old_bus, NULL);
	return ret;
}
