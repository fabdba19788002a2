// SPDX-License-Identifier: LGPL-2.1-or-later
/* Allocation, string buffers, errors, file input and atomic output. */
#include "util/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <time.h>

static void __attribute__((noreturn)) oom(void)
{
	static const char msg[] = "scprof: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void grow_array(void **items, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return;
	size_t n = *alloc ? *alloc : 4;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size)
		oom();
	*items = xrealloc(*items, n * size);
	*alloc = n;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->alloc) {
		size_t n = sb->alloc ? sb->alloc : 64;
		while (n < sb->len + extra + 1)
			n *= 2;
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	int n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_u64(struct strbuf *sb, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(sb, tmp + sizeof(tmp) - n, n);
}

size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 :
		   c >= 0xe0 && c <= 0xef ? 3 :
		   c >= 0xf0 && c <= 0xf4 ? 4 :
					    0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
		return 0;
	if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
		return 0;
	return n;
}

void strbuf_add_json_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		strbuf_add(sb, "null", 4);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addc(sb, '"');
	while (*p) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			strbuf_add(sb, run, (size_t)(p - run));
		unsigned char c = *p;
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			strbuf_add(sb, esc, 2);
			p++;
		} else if (c == '\n') {
			strbuf_add(sb, "\\n", 2);
			p++;
		} else if (c == '\t') {
			strbuf_add(sb, "\\t", 2);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\u%04x", c);
			p++;
		} else {
			size_t n = utf8_seq_len(p);
			if (n) {
				strbuf_add(sb, p, n);
				p += n;
			} else {
				strbuf_add(sb, "\\ufffd", 6);
				p++;
			}
		}
	}
	strbuf_addc(sb, '"');
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

void scprof_error_free(struct scprof_error *e)
{
	if (!e)
		return;
	free(e->file);
	free(e->msg);
	free(e);
}

char *scprof_error_format(const struct scprof_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	if (e->file) {
		strbuf_adds(&sb, e->file);
		if (e->line)
			strbuf_addf(&sb, ":%u", e->line);
		if (e->line && e->col)
			strbuf_addf(&sb, ":%u", e->col);
		strbuf_adds(&sb, ": ");
	}
	strbuf_adds(&sb, e->msg ? e->msg : "unknown error");
	return strbuf_detach(&sb);
}

static int __attribute__((format(printf, 6, 0)))
error_vset(struct scprof_error **err, int code, const char *file, unsigned line, unsigned col,
	   const char *fmt, va_list ap)
{
	if (!err)
		return code;
	scprof_error_free(*err);
	struct scprof_error *e = xcalloc(1, sizeof(*e));
	e->code = code;
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	e->col = col;
	e->msg = xvasprintf(fmt, ap);
	*err = e;
	return code;
}

int error_set(struct scprof_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int error_set_at(struct scprof_error **err, int code, const char *file, unsigned line, unsigned col,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

void scprof_diags_add(struct scprof_diags *d, enum scprof_severity sev, unsigned line, unsigned col,
		      const char *fmt, ...)
{
	va_list ap;
	GROW(d->items, d->alloc, d->n + 1);
	struct scprof_diag *x = &d->items[d->n++];
	x->severity = sev;
	x->line = line;
	x->col = col;
	va_start(ap, fmt);
	x->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

size_t scprof_diags_count(const struct scprof_diags *d, enum scprof_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].severity == sev;
	return n;
}

void scprof_diags_sort(struct scprof_diags *d)
{
	/* insertion sort: stable, and diagnostics come nearly sorted */
	for (size_t i = 1; i < d->n; i++) {
		struct scprof_diag x = d->items[i];
		size_t j = i;
		while (j > 0 && (d->items[j - 1].line > x.line ||
				 (d->items[j - 1].line == x.line && d->items[j - 1].col > x.col))) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = x;
	}
}

void scprof_diags_release(struct scprof_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->items[i].msg);
	free(d->items);
	d->items = NULL;
	d->n = d->alloc = 0;
}

int read_file(const char *path, size_t max, char **buf, size_t *len, struct scprof_error **err)
{
	_cleanup_close_ int fd = -1;
	bool is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "<stdin>" : path;

	if (is_stdin) {
		fd = dup(0);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0)
		return error_set(err, -errno, "cannot open '%s': %s", shown, strerror(errno));

	struct stat st;
	if (fstat(fd, &st) < 0)
		return error_set(err, -errno, "cannot stat '%s': %s", shown, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return error_set(err, -EISDIR, "cannot read '%s': %s", shown, strerror(EISDIR));
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return error_set(err, -EFBIG, "cannot read '%s': file is larger than %zu bytes",
				 shown, max);

	struct strbuf sb = STRBUF_INIT;
	strbuf_grow(&sb, S_ISREG(st.st_mode) ? (size_t)st.st_size : 4096);
	for (;;) {
		strbuf_grow(&sb, 65536);
		ssize_t n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			strbuf_release(&sb);
			return error_set(err, -e, "cannot read '%s': %s", shown, strerror(e));
		}
		if (n == 0)
			break;
		sb.len += (size_t)n;
		if (sb.len > max) {
			strbuf_release(&sb);
			return error_set(err, -EFBIG,
					 "cannot read '%s': input is larger than %zu bytes", shown,
					 max);
		}
	}
	sb.buf[sb.len] = '\0';
	*len = sb.len;
	*buf = strbuf_detach(&sb);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int mkdir_p(const char *path, unsigned mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

char *cache_dir(const char *sub)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct stat st;
	if (xdg && xdg[0] == '/')
		return sub ? xasprintf("%s/scprof/%s", xdg, sub) : xasprintf("%s/scprof", xdg);
	if (!home || home[0] != '/' || stat(home, &st) < 0 || st.st_uid != geteuid())
		return NULL;
	return sub ? xasprintf("%s/.cache/scprof/%s", home, sub) :
		     xasprintf("%s/.cache/scprof", home);
}

struct dir_file *dir_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dir_file *f = NULL;
	size_t alloc = 0;
	struct dirent *de;
	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue; /* ".", "..", and write_file_atomic()'s temporary files */
		char *p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		GROW(f, alloc, *n + 1);
		f[(*n)++] = (struct dir_file){ p, st.st_mtim };
	}
	closedir(d);
	return f;
}

void dir_files_free(struct dir_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].path);
	free(f);
}

static int by_mtime(const void *a, const void *b)
{
	const struct timespec *x = &((const struct dir_file *)a)->mtime,
			      *y = &((const struct dir_file *)b)->mtime;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

void dir_keep_newest(const char *dir, size_t max)
{
	size_t n;
	struct dir_file *f = dir_files(dir, &n);
	if (n > max) {
		qsort(f, n, sizeof(*f), by_mtime);
		for (size_t i = 0; i < n - max; i++)
			unlink(f[i].path);
	}
	dir_files_free(f, n);
}

int write_file_atomic(const char *path, const void *data, size_t len, int mode,
		      struct scprof_error **err)
{
	return write_file_replace(path, data, len, mode, true, err);
}

int write_file_replace(const char *path, const void *data, size_t len, int mode, bool sync,
		       struct scprof_error **err)
{
	int r;
	if (strcmp(path, "-") == 0) {
		r = write_all(1, data, len);
		if (r < 0)
			return error_set(err, r, "cannot write to stdout: %s", strerror(-r));
		return 0;
	}

	/* not a file (/dev/null, a FIFO, /dev/stdout): write to it; renaming would replace it */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return error_set(err, -EISDIR, "cannot write '%s': %s", path,
					 strerror(EISDIR));
		_cleanup_close_ int out = open(path, O_WRONLY | O_CLOEXEC);
		r = out < 0 ? -errno : write_all(out, data, len);
		if (r < 0)
			return error_set(err, r, "cannot write '%s': %s", path, strerror(-r));
		return 0;
	}

	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_free_ char *base = xstrdup(path);
	const char *dir = dirname(copy);
	_cleanup_free_ char *tmp = xasprintf("%s/.%s.XXXXXX", dir, basename(base));
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return error_set(err, -errno, "cannot create a file in '%s': %s", dir,
				 strerror(errno));
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, (mode_t)mode) < 0)
		r = -errno;
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && close(steal_fd(&fd)) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return error_set(err, r, "cannot write '%s': %s", path, strerror(-r));
	}
	return 0;
}

unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 1000;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

bool parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
