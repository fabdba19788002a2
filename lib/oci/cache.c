// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pull cache:
 *
 *   DIR/blobs/sha256/HEX   a manifest, index or layer, whose sha256 is HEX
 *   DIR/tags/HEX           "DIGEST MEDIA-TYPE\n" for the tag "host/name:tag"
 *                          whose sha256 is HEX; its age is its mtime
 *
 * Only content whose digest was checked is written, through write_file_atomic()
 * (a temporary file in the same directory, then rename), so a reader sees an
 * entry whole or not at all, and two scprof processes pulling at once write
 * the same bytes under the same name.  Reads check the digest again: a
 * damaged entry is removed and fetched anew.  Trimming removes files another
 * process may be reading; an open file stays readable, and a missing one is a
 * miss.  Every failure here is a miss, never an error of the pull.
 */
#include <sys/stat.h>
#include <time.h>

#include "oci/cache.h"
#include "oci/ref.h"

char *oci_cache_dir(void)
{
	return cache_dir(NULL);
}

/* mkdir -p of @dir/@sub; false when it cannot be made. */
static bool make_dirs(const char *dir, const char *sub)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, sub);
	return mkdir_p(path, 0700) == 0;
}

int oci_cache_get_blob(const char *dir, const char *digest, size_t max, struct strbuf *out)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	char got[OCI_DIGEST_LEN + 1];
	size_t len;

	if (!dir || !oci_digest_valid(digest))
		return -ENOENT;
	path = xasprintf("%s/blobs/sha256/%s", dir, digest + 7);
	if (read_file(path, max, &buf, &len, NULL) < 0)
		return -ENOENT;
	if (oci_digest(buf, len, got, NULL) < 0 || strcmp(got, digest)) {
		unlink(path);
		return -ENOENT;
	}
	strbuf_release(out);
	out->buf = steal_ptr(&buf);
	out->len = len;
	out->alloc = len + 1;
	return 0;
}

void oci_cache_put_blob(const char *dir, const char *digest, const void *data, size_t len)
{
	_cleanup_free_ char *path = NULL;

	if (!dir || !oci_digest_valid(digest) || !make_dirs(dir, "blobs/sha256"))
		return;
	path = xasprintf("%s/blobs/sha256/%s", dir, digest + 7);
	write_file_atomic(path, data, len, 0600, NULL);
}

static char *tag_path(const char *dir, const char *key)
{
	char d[OCI_DIGEST_LEN + 1];
	if (oci_digest(key, strlen(key), d, NULL) < 0)
		return NULL;
	return xasprintf("%s/tags/%s", dir, d + 7);
}

int oci_cache_get_tag(const char *dir, const char *key, unsigned ttl,
		      char digest[OCI_DIGEST_LEN + 1], char **media_type)
{
	_cleanup_free_ char *path = dir ? tag_path(dir, key) : NULL, *buf = NULL;
	struct stat st;
	char *space, *nl;
	size_t len;

	if (!path || stat(path, &st) < 0 || time(NULL) - st.st_mtime >= (time_t)ttl ||
	    time(NULL) < st.st_mtime || read_file(path, 4096, &buf, &len, NULL) < 0)
		return -ENOENT;
	space = strchr(buf, ' ');
	nl = space ? strchr(space, '\n') : NULL;
	if (!nl || nl == space + 1)
		return -ENOENT;
	*space = *nl = '\0';
	if (!oci_digest_valid(buf))
		return -ENOENT;
	strcpy(digest, buf);
	*media_type = xstrdup(space + 1);
	return 0;
}

void oci_cache_put_tag(const char *dir, const char *key, const char *digest, const char *media_type)
{
	_cleanup_free_ char *path = NULL, *text = NULL;

	if (!dir || !media_type || strpbrk(media_type, " \n") || !make_dirs(dir, "tags"))
		return;
	path = tag_path(dir, key);
	text = xasprintf("%s %s\n", digest, media_type);
	if (path)
		write_file_atomic(path, text, strlen(text), 0600, NULL);
}

void oci_cache_trim(const char *dir, size_t max_entries, unsigned ttl)
{
	if (!dir)
		return;
	_cleanup_free_ char *blobs = xasprintf("%s/blobs/sha256", dir);
	_cleanup_free_ char *tags = xasprintf("%s/tags", dir);
	dir_keep_newest(blobs, max_entries);
	size_t n;
	struct dir_file *f = dir_files(tags, &n);
	for (size_t i = 0; i < n; i++)
		if (time(NULL) - f[i].mtime.tv_sec >= (time_t)ttl)
			unlink(f[i].path);
	dir_files_free(f, n);
}
