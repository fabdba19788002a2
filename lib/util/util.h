/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers every module uses: allocation, scoped cleanup, strings, files. */
#ifndef SCPROF_UTIL_H
#define SCPROF_UTIL_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scprof/error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))

/* Allocation failure is not recoverable in a command-line tool: abort (git's xmalloc). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow *items so that it holds at least @need elements of @size bytes. */
void grow_array(void **items, size_t *alloc, size_t need, size_t size);
#define GROW(arr, alloc, need) grow_array((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void *steal_pointer(void *pp)
{
	void **p = (void **)pp;
	void *r = *p;
	*p = NULL;
	return r;
}
#define steal_ptr(pp) steal_pointer(pp)
static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* A growable NUL-terminated byte string. */
struct strbuf {
	char *buf;
	size_t len, alloc;
};
#define STRBUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* mkdir -p, with @mode for what it creates; 0 or a negative errno. */
int mkdir_p(const char *path, unsigned mode);
/*
 * scprof's cache directory: $XDG_CACHE_HOME/scprof, else ~/.cache/scprof when
 * the home directory belongs to the effective user (not under a plain sudo),
 * with "/@sub" when @sub is given; NULL for none.  Caller frees.
 */
char *cache_dir(const char *sub);

/* The regular files of a directory (not those whose name starts with '.'), with their mtimes. */
struct dir_file {
	char *path;
	struct timespec mtime;
};
/* *n of them; NULL when none or @dir cannot be read.  Free with dir_files_free(). */
struct dir_file *dir_files(const char *dir, size_t *n);
void dir_files_free(struct dir_file *f, size_t n);
/* Remove the least recently written regular files of @dir beyond the @max newest. */
void dir_keep_newest(const char *dir, size_t max);

/* The length of the UTF-8 sequence at @p (RFC 3629: no overlongs, no surrogates), or 0. */
size_t utf8_seq_len(const unsigned char *p);
/* Append @s as a JSON string ("null" for NULL); bytes that are not UTF-8 become U+FFFD. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
/* Append @v in decimal. */
void strbuf_add_u64(struct strbuf *sb, uint64_t v);
void strbuf_reset(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb); /* caller frees; never NULL */
void strbuf_release(struct strbuf *sb);
static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)

/* Errors: set *err (if err != NULL) and return code (a negative errno). */
int error_set(struct scprof_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int error_set_at(struct scprof_error **err, int code, const char *file, unsigned line, unsigned col,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static inline void errorp(struct scprof_error **e)
{
	scprof_error_free(*e);
}
#define _cleanup_error_ _cleanup_(errorp)

/* Largest input file accepted (the issue asks that 50 MB be refused cleanly). */
#define SCPROF_MAX_INPUT (16u * 1024 * 1024)

/*
 * Read all of @path ("-" for stdin) into a NUL-terminated buffer, refusing
 * directories and inputs larger than @max bytes.  Caller frees *buf.
 */
int read_file(const char *path, size_t max, char **buf, size_t *len, struct scprof_error **err);

/*
 * Write @len bytes to @path atomically: a temporary file in the same directory,
 * fsync, rename.  "-" writes to stdout.  On failure nothing is left behind.
 */
int write_file_atomic(const char *path, const void *data, size_t len, int mode,
		      struct scprof_error **err);
/* The same, without the fsync when @sync is false (caches: a torn entry is caught on reading). */
int write_file_replace(const char *path, const void *data, size_t len, int mode, bool sync,
		       struct scprof_error **err);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t now_ms(void);

/* Levenshtein distance, for "did you mean" suggestions. */
unsigned edit_distance(const char *a, const char *b);

/* Parse an unsigned 64-bit integer in decimal or 0x hex; false on junk or overflow. */
bool parse_u64(const char *s, uint64_t *out);

#endif
