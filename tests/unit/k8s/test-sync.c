// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/k8s/sync.c: the state file of k8s sync, plain names, file digests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "k8s/sync.h"
#include "util/util.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
/* sha256 of the 3 bytes "hi\n" */
#define HI "sha256:98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"

static char dir[] = "/tmp/scprof-test-sync.XXXXXX";

static int make_dir(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
}

static void test_plain_names(void **state)
{
	static const char *const good[] = { "app", "web-app.v1", "a_b", "A9", "x.json" };
	static const char *const bad[] = { "", ".", "..", ".hidden", "a/b", "a b", "a\\b", "é" };
	char long_name[202];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(sync_plain_name(good[i], strlen(good[i])));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(sync_plain_name(bad[i], strlen(bad[i])));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(sync_plain_name(long_name, 201));
	assert_true(sync_plain_name(long_name, 200));
	/* @n bytes only: what follows does not count */
	assert_true(sync_plain_name("app/../x", 3));
}

static void test_round_trip(void **state)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", dir);
	struct sync_state s = { 0 }, back;
	struct sync_entry *e;

	/* no file: an empty state */
	assert_int_equal(sync_state_load(path, &back, NULL), 0);
	assert_int_equal(back.n, 0);

	e = sync_state_add(&s, "app.json", "registry.example/p/app:v1");
	strcpy(e->digest, D1);
	strcpy(e->content, D2);
	e = sync_state_add(&s, "web.json", "oci:/srv/web:v2");
	e->platform = xstrdup("linux/arm64");
	strcpy(e->digest, D2);
	strcpy(e->pending_digest, D1);
	strcpy(e->pending_content, D1);
	assert_int_equal(sync_state_save(path, &s, NULL), 0);
	sync_state_release(&s);

	assert_int_equal(sync_state_load(path, &back, NULL), 0);
	assert_int_equal(back.n, 2);
	e = sync_state_find(&back, "app.json");
	assert_non_null(e);
	assert_string_equal(e->ref, "registry.example/p/app:v1");
	assert_null(e->platform);
	assert_string_equal(e->digest, D1);
	assert_string_equal(e->content, D2);
	assert_string_equal(e->pending_content, "");
	e = sync_state_find(&back, "web.json");
	assert_string_equal(e->platform, "linux/arm64");
	assert_string_equal(e->content, "");
	assert_string_equal(e->pending_digest, D1);
	assert_string_equal(e->pending_content, D1);
	sync_state_remove(&back, sync_state_find(&back, "app.json"));
	assert_int_equal(back.n, 1);
	assert_null(sync_state_find(&back, "app.json"));
	assert_string_equal(back.items[0].file, "web.json");
	sync_state_release(&back);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"version\": 2, \"profiles\": []}",
		"{\"version\": 1}",
		/* names that are not plain, or not .json */
		"{\"version\": 1, \"profiles\": [{\"file\": \"../x.json\", \"ref\": \"r\", "
		"\"digest\": \"" D1 "\", \"content\": \"\"}]}",
		"{\"version\": 1, \"profiles\": [{\"file\": \"/etc/x.json\", \"ref\": \"r\", "
		"\"digest\": \"" D1 "\", \"content\": \"\"}]}",
		"{\"version\": 1, \"profiles\": [{\"file\": \".scprof-sync.json\", \"ref\": \"r\", "
		"\"digest\": \"" D1 "\", \"content\": \"\"}]}",
		"{\"version\": 1, \"profiles\": [{\"file\": \"app\", \"ref\": \"r\", "
		"\"digest\": \"" D1 "\", \"content\": \"\"}]}",
		/* digests, refs, pending */
		"{\"version\": 1, \"profiles\": [{\"file\": \"a.json\", \"ref\": \"r\", "
		"\"digest\": \"sha256:12\", \"content\": \"\"}]}",
		"{\"version\": 1, \"profiles\": [{\"file\": \"a.json\", \"ref\": \"\", "
		"\"digest\": \"" D1 "\", \"content\": \"\"}]}",
		"{\"version\": 1, \"profiles\": [{\"file\": \"a.json\", \"ref\": \"r\", "
		"\"digest\": \"" D1 "\", \"content\": \"\", \"pending\": {\"digest\": \"" D1
		"\"}}]}",
		/* one file twice */
		"{\"version\": 1, \"profiles\": [{\"file\": \"a.json\", \"ref\": \"r\", "
		"\"digest\": \"" D1
		"\", \"content\": \"\"}, {\"file\": \"a.json\", \"ref\": \"s\", "
		"\"digest\": \"" D2 "\", \"content\": \"\"}]}",
	};
	_cleanup_free_ char *path = xasprintf("%s/bad.json", dir);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sync_state s;
		struct scprof_error *err = NULL;
		write_text(path, bad[i]);
		assert_int_not_equal(sync_state_load(path, &s, &err), 0);
		assert_non_null(err);
		assert_non_null(strstr(err->msg, "state file"));
		assert_int_equal(s.n, 0);
		scprof_error_free(err);
	}
}

static void test_file_digest(void **state)
{
	_cleanup_free_ char *file = xasprintf("%s/hi.json", dir);
	_cleanup_free_ char *link = xasprintf("%s/link.json", dir);
	_cleanup_free_ char *none = xasprintf("%s/none.json", dir);
	char digest[OCI_DIGEST_LEN + 1];
	struct scprof_error *err = NULL;

	write_text(file, "hi\n");
	assert_int_equal(sync_file_digest(file, digest, NULL), 0);
	assert_string_equal(digest, HI);
	assert_int_equal(sync_file_digest(none, digest, NULL), -ENOENT);
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(sync_file_digest(link, digest, &err), -EPERM);
	assert_non_null(strstr(err->msg, "symbolic link"));
	scprof_error_free(err);
	err = NULL;
	assert_int_equal(sync_file_digest(dir, digest, &err), -EPERM);
	assert_non_null(strstr(err->msg, "not a regular file"));
	scprof_error_free(err);
}

static void test_lock(void **state)
{
	int fd = -1;

	assert_int_equal(sync_lock(dir, &fd, NULL), 0);
	assert_true(fd >= 0);
	close(fd);
	/* released: taken again at once */
	assert_int_equal(sync_lock(dir, &fd, NULL), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names), cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),	    cmocka_unit_test(test_file_digest),
		cmocka_unit_test(test_lock),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
