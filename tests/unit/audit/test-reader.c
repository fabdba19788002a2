// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/audit/reader.c and scan.c: lines from plain, gzip, growing and large files. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "audit/reader.h"
#include "audit/scan.h"
#include "util/util.h"

static char dir[] = "/tmp/scprof-reader-XXXXXX";

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t n, const char *mode)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void write_gz(const char *path, const char *data, const char *mode)
{
	gzFile g = gzopen(path, mode);
	assert_non_null(g);
	assert_int_equal(gzwrite(g, data, (unsigned)strlen(data)), (int)strlen(data));
	gzclose(g);
}

/* All lines of @path, each followed by '|'. */
static char *all_lines(const char *path, int *ret)
{
	struct audit_reader *rd;
	struct scprof_error *err = NULL;
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(audit_reader_open(path, false, &rd, &err), 0);
	const char *line;
	size_t len;
	while ((*ret = audit_reader_next(rd, &line, &len, &err)) > 0) {
		strbuf_add(&sb, line, len);
		strbuf_addc(&sb, '|');
	}
	scprof_error_free(err);
	audit_reader_free(rd);
	return strbuf_detach(&sb);
}

static void test_plain_and_gzip(void **state)
{
	_cleanup_free_ char *plain = path_of("a.log"), *gz = path_of("a.log.1.gz"),
			    *two = path_of("two.gz"), *cut = path_of("cut.gz");
	int ret;
	(void)state;
	write_file(plain, "one\ntwo\r\n\nlast without newline", 30, "w");
	_cleanup_free_ char *a = all_lines(plain, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(a, "one|two\r||last without newline|");

	write_gz(gz, "first\nsecond\n", "wb");
	_cleanup_free_ char *b = all_lines(gz, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(b, "first|second|");

	/* two gzip members, as logrotate's delaycompress and cat make them */
	write_gz(two, "m1\n", "wb");
	write_gz(two, "m2\n", "ab");
	_cleanup_free_ char *c = all_lines(two, &ret);
	assert_string_equal(c, "m1|m2|");

	/* a gzip file cut short is an error, after the lines before the cut */
	struct stat st;
	_cleanup_free_ char *big = xmalloc(200000);
	for (size_t i = 0; i < 200000; i++)
		big[i] = i % 50 == 49 ? '\n' : (char)('a' + (i * 7919) % 26);
	big[199999] = '\0';
	write_gz(cut, big, "wb");
	assert_int_equal(stat(cut, &st), 0);
	assert_int_equal(truncate(cut, st.st_size / 2), 0);
	_cleanup_free_ char *d = all_lines(cut, &ret);
	assert_true(ret < 0);
	assert_non_null(d);
}

static void test_overlong(void **state)
{
	_cleanup_free_ char *p = path_of("long.log");
	size_t n = AUDIT_LINE_MAX + 100;
	_cleanup_free_ char *data = xmalloc(n + 20);
	(void)state;
	memcpy(data, "a\n", 2);
	memset(data + 2, 'x', n);
	memcpy(data + 2 + n, "\nb\n", 3);
	write_file(p, data, n + 5, "w");
	struct audit_reader *rd;
	assert_int_equal(audit_reader_open(p, false, &rd, NULL), 0);
	const char *line;
	size_t len;
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 1);
	assert_int_equal(len, 1);
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 1);
	assert_memory_equal(line, "b", 1);
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 0);
	assert_int_equal(audit_reader_overlong(rd), 1);
	audit_reader_free(rd);
}

static void test_follow(void **state)
{
	_cleanup_free_ char *p = path_of("f.log"), *rot = path_of("f.log.1");
	struct audit_reader *rd;
	const char *line;
	size_t len;
	(void)state;
	write_file(p, "old\n", 4, "w");
	assert_int_equal(audit_reader_open(p, true, &rd, NULL), 0);
	audit_reader_skip_to_end(rd);
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 0);
	/* half a line, then the rest */
	write_file(p, "new", 3, "a");
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 0);
	write_file(p, " one\n", 5, "a");
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 1);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "new one", 7);
	/* rotation: renamed away, a new file in its place */
	assert_int_equal(rename(p, rot), 0);
	write_file(p, "rotated\n", 8, "w");
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 1);
	assert_memory_equal(line, "rotated", 7);
	/* truncation in place */
	write_file(p, "t\n", 2, "w");
	assert_int_equal(audit_reader_next(rd, &line, &len, NULL), 1);
	assert_memory_equal(line, "t", 1);
	audit_reader_free(rd);
}

struct counter {
	uint64_t lines, bytes;
};

static void count_line(void *ctx, const char *line, size_t len, struct strbuf *out)
{
	struct counter *c = ctx;
	c->lines++;
	c->bytes += len;
	if (len && line[0] == 'S')
		strbuf_add(out, line, len), strbuf_addc(out, '\n');
}

/*
 * Scan the file @fd on @workers threads (at most 3) with count_line, the output
 * to @out_path; the counts of all workers together.
 */
static struct counter scan_counting(int fd, unsigned workers, const char *out_path,
				    uint64_t *overlong)
{
	struct stat st;
	struct counter c[3] = { { 0 } }, sum = { 0 };
	void *ctxs[3] = { &c[0], &c[1], &c[2] };
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(workers <= 3);
	*overlong = 0;
	FILE *out = fopen(out_path, "w");
	assert_int_equal(audit_scan_file(fd, (uint64_t)st.st_size, workers, ctxs, count_line, out,
					 overlong, NULL),
			 0);
	fclose(out);
	for (unsigned i = 0; i < 3; i++) {
		sum.lines += c[i].lines;
		sum.bytes += c[i].bytes;
	}
	return sum;
}

/* The threaded scan sees every line once, and writes in file order. */
static void test_scan(void **state)
{
	_cleanup_free_ char *p = path_of("big.log"), *o = path_of("big.out");
	(void)state;
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	struct strbuf want = STRBUF_INIT;
	uint64_t lines = 0, bytes = 0;
	for (unsigned i = 0; i < 300000; i++) {
		char buf[96];
		int n = snprintf(buf, sizeof(buf), "%s line %u %.*s", i % 3 ? "other" : "S", i,
				 (int)(i % 61),
				 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		fprintf(f, "%s\n", buf);
		lines++;
		bytes += (uint64_t)n;
		if (!(i % 3))
			strbuf_addf(&want, "%s\n", buf);
	}
	/* and a last line without its newline */
	fputs("S tail", f);
	strbuf_adds(&want, "S tail\n");
	lines++;
	bytes += 6;
	fclose(f);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	for (unsigned workers = 1; workers <= 3; workers++) {
		uint64_t overlong;
		struct counter sum = scan_counting(fd, workers, o, &overlong);
		assert_int_equal(sum.lines, lines);
		assert_int_equal(sum.bytes, bytes);
		assert_int_equal(overlong, 0);
		int r;
		_cleanup_free_ char *got = all_lines(o, &r);
		_cleanup_free_ char *wanted = xstrdup(want.buf);
		for (char *q = wanted; *q; q++)
			if (*q == '\n')
				*q = '|';
		assert_string_equal(got, wanted);
	}
	close(fd);
	strbuf_release(&want);
}

/* Lines far longer than the part mapped past a chunk, across chunk ends; one over the limit. */
static void test_scan_long_lines(void **state)
{
	_cleanup_free_ char *p = path_of("long.log"), *o = path_of("long.out");
	(void)state;
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	uint64_t lines = 0, bytes = 0;
	static const size_t lens[] = { 100, 300000, 7, 700000, 50, AUDIT_LINE_MAX + 10, 3, 200000 };
	for (unsigned r = 0; r < 4; r++)
		for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
			for (size_t k = 0; k < lens[i]; k++)
				fputc(k ? 'x' : 'S', f);
			fputc('\n', f);
			if (lens[i] <= AUDIT_LINE_MAX) {
				lines++;
				bytes += lens[i];
			}
		}
	fclose(f);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	for (unsigned workers = 1; workers <= 2; workers++) {
		uint64_t overlong;
		struct counter sum = scan_counting(fd, workers, o, &overlong);
		assert_int_equal(sum.lines, lines);
		assert_int_equal(sum.bytes, bytes);
		assert_int_equal(overlong, 4);
	}
	close(fd);
}

static const char *shrink_path;

/* The first line handled cuts the file short: the mapped pages past the end raise SIGBUS. */
static void shrink_line(void *ctx, const char *line, size_t len, struct strbuf *out)
{
	(void)ctx;
	(void)line;
	(void)len;
	(void)out;
	if (shrink_path && truncate(shrink_path, 0) == 0)
		shrink_path = NULL;
}

static void test_scan_shrinks(void **state)
{
	_cleanup_free_ char *p = path_of("shrink.log"), *o = path_of("shrink.out");
	(void)state;
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < 400000; i++)
		fprintf(f, "line %u\n", i);
	fclose(f);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	shrink_path = p;
	struct counter c = { 0 };
	void *ctxs[1] = { &c };
	uint64_t overlong = 0;
	struct scprof_error *err = NULL;
	FILE *out = fopen(o, "w");
	assert_true(audit_scan_file(fd, (uint64_t)st.st_size, 1, ctxs, shrink_line, out, &overlong,
				    &err) < 0);
	fclose(out);
	assert_non_null(strstr(err->msg, "the file shrank while it was read"));
	scprof_error_free(err);
	close(fd);
}

/* The same where the file cannot be mapped: read into a buffer. */
static void test_scan_read(void **state)
{
	audit_scan_no_map = true;
	test_scan(state);
	test_scan_long_lines(state);
	test_scan_shrinks(state);
	audit_scan_no_map = false;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_gzip),	cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_follow),		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_scan_long_lines), cmocka_unit_test(test_scan_shrinks),
		cmocka_unit_test(test_scan_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
