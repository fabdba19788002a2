// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/util: strings, errors, diagnostics, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "util/util.h"

static void test_strbuf(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "ab");
	strbuf_addc(&sb, 'c');
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(sb.buf, "abc42-x");
	assert_int_equal(sb.len, 7);
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 10000; i++)
		strbuf_addc(&sb, 'z');
	assert_int_equal(sb.len, 10000);
}

static void test_error_format(void **state)
{
	struct scprof_error *e = NULL;
	assert_int_equal(error_set_at(&e, -EINVAL, "p.json", 3, 7, "bad %s", "thing"), -EINVAL);
	char *s = scprof_error_format(e);
	assert_string_equal(s, "p.json:3:7: bad thing");
	free(s);
	error_set(&e, -ENOENT, "plain");
	s = scprof_error_format(e);
	assert_string_equal(s, "plain");
	assert_int_equal(e->code, -ENOENT);
	free(s);
	scprof_error_free(e);
	assert_int_equal(error_set(NULL, -EIO, "ignored"), -EIO);
}

static void test_diags(void **state)
{
	struct scprof_diags d = { 0 };
	scprof_diags_add(&d, SCPROF_SEV_WARNING, 5, 1, "w");
	scprof_diags_add(&d, SCPROF_SEV_ERROR, 2, 9, "e%d", 1);
	scprof_diags_add(&d, SCPROF_SEV_ERROR, 2, 3, "e2");
	scprof_diags_sort(&d);
	assert_string_equal(d.items[0].msg, "e2");
	assert_string_equal(d.items[1].msg, "e1");
	assert_int_equal(scprof_diags_count(&d, SCPROF_SEV_ERROR), 2);
	assert_int_equal(scprof_diags_count(&d, SCPROF_SEV_WARNING), 1);
	scprof_diags_release(&d);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/scprof-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *p = xasprintf("%s/out.json", dir);
	struct scprof_error *e = NULL;
	assert_int_equal(write_file_atomic(p, "hello", 5, 0640, &e), 0);
	char *buf;
	size_t len;
	assert_int_equal(read_file(p, 100, &buf, &len, &e), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "hello");
	free(buf);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* too large, directory, missing */
	assert_int_equal(read_file(p, 4, &buf, &len, &e), -EFBIG);
	assert_int_equal(read_file(dir, 100, &buf, &len, &e), -EISDIR);
	assert_non_null(strstr(e->msg, "Is a directory"));
	_cleanup_free_ char *q = xasprintf("%s/missing", dir);
	assert_int_equal(read_file(q, 100, &buf, &len, &e), -ENOENT);
	/* a write into a missing directory leaves nothing */
	_cleanup_free_ char *r = xasprintf("%s/no/such", dir);
	assert_true(write_file_atomic(r, "x", 1, 0644, &e) < 0);
	scprof_error_free(e);
	unlink(p);
	rmdir(dir);
}

static void test_misc(void **state)
{
	assert_int_equal(edit_distance("defaultAction", "defaultAcion"), 1);
	assert_int_equal(edit_distance("", "abc"), 3);
	uint64_t v;
	assert_true(parse_u64("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);
	assert_false(parse_u64("18446744073709551616", &v));
	assert_true(parse_u64("0x10", &v));
	assert_int_equal(v, 16);
	assert_false(parse_u64("-1", &v));
	assert_false(parse_u64("12x", &v));
	assert_false(parse_u64("", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf), cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_diags),  cmocka_unit_test(test_files),
		cmocka_unit_test(test_misc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
