// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The state file of scprof k8s sync, DIR/.scprof-sync.json: which files of DIR
 * sync installed, from what, with what bytes.  Sync changes or removes a file
 * only when its bytes still have the "content" digest recorded here, so a file
 * it did not write, or one changed since, is never touched.
 *
 *   {
 *     "version": 1,
 *     "profiles": [
 *       {
 *         "file": "app.json",                   a plain name ending in .json
 *         "ref": "registry.example/p/app:v1",   as given to --from
 *         "platform": null,                      or "linux/arm64" (--platform)
 *         "digest": "sha256:...",                what ref resolved to
 *         "content": "sha256:...",               of the bytes written ("" if none yet)
 *         "pending": {"digest": "sha256:...", "content": "sha256:..."}
 *       }
 *     ]
 *   }
 *
 * "pending" is there only while a write is under way: sync records it (fsync,
 * rename) before it replaces the file and drops it once the file is in place,
 * so after a crash in between a file holding either content is still known as
 * its own.  Unknown keys are ignored; another version is refused.
 *
 * DIR/.scprof-sync.lock is only ever flock()ed, by one round of sync at a time.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "format/node.h"
#include "k8s/sync.h"
#include "oci/ref.h"
#include "util/util.h"

#define STATE_VERSION 1
#define STATE_MAX_BYTES (4u * 1024 * 1024)

bool sync_plain_name(const char *s, size_t n)
{
	if (!n || s[0] == '.' || n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool file_name_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 5 && !strcmp(s + n - 5, ".json") && sync_plain_name(s, n);
}

static void entry_release(struct sync_entry *e)
{
	free(e->file);
	free(e->ref);
	free(e->platform);
	memset(e, 0, sizeof(*e));
}

void sync_state_release(struct sync_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_release(&s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

struct sync_entry *sync_state_find(const struct sync_state *s, const char *file)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->items[i].file, file))
			return &s->items[i];
	return NULL;
}

struct sync_entry *sync_state_add(struct sync_state *s, const char *file, const char *ref)
{
	struct sync_entry *e;

	GROW(s->items, s->alloc, s->n + 1);
	e = &s->items[s->n++];
	memset(e, 0, sizeof(*e));
	e->file = xstrdup(file);
	e->ref = xstrdup(ref);
	return e;
}

void sync_state_remove(struct sync_state *s, struct sync_entry *e)
{
	size_t i = (size_t)(e - s->items);

	entry_release(e);
	memmove(&s->items[i], &s->items[i + 1], (s->n - i - 1) * sizeof(*e));
	s->n--;
}

/* A string member @key of @obj: NULL when absent or null (if @null_ok), else -EINVAL. */
static int get_string(const struct node *obj, const char *key, bool null_ok, const char **out)
{
	const struct node *v = node_get(obj, key);

	*out = NULL;
	if ((!v || v->kind == NODE_NULL) && null_ok)
		return 0;
	if (!v || v->kind != NODE_STRING)
		return -EINVAL;
	*out = v->text;
	return 0;
}

/* @s into @digest: a sha256 digest, or "" when @empty_ok. */
static int get_digest(const struct node *obj, const char *key, bool empty_ok,
		      char digest[OCI_DIGEST_LEN + 1])
{
	const char *s;

	if (get_string(obj, key, false, &s) < 0)
		return -EINVAL;
	if (!(empty_ok && !*s) && !oci_digest_valid(s))
		return -EINVAL;
	strcpy(digest, s);
	return 0;
}

static int parse_entry(const struct node *o, struct sync_entry *e)
{
	const char *file, *ref, *platform;
	const struct node *pending = node_get(o, "pending");

	if (o->kind != NODE_OBJECT || get_string(o, "file", false, &file) < 0 ||
	    get_string(o, "ref", false, &ref) < 0 || get_string(o, "platform", true, &platform) < 0)
		return -EINVAL;
	if (!file_name_ok(file) || !*ref)
		return -EINVAL;
	if (get_digest(o, "digest", false, e->digest) < 0 ||
	    get_digest(o, "content", true, e->content) < 0)
		return -EINVAL;
	if (pending && pending->kind != NODE_NULL &&
	    (pending->kind != NODE_OBJECT ||
	     get_digest(pending, "digest", false, e->pending_digest) < 0 ||
	     get_digest(pending, "content", false, e->pending_content) < 0))
		return -EINVAL;
	e->file = xstrdup(file);
	e->ref = xstrdup(ref);
	e->platform = platform ? xstrdup(platform) : NULL;
	return 0;
}

int sync_state_load(const char *path, struct sync_state *s, struct scprof_error **err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *e = NULL;
	const struct node *version, *profiles;
	uint64_t v;
	size_t len;
	int r;

	memset(s, 0, sizeof(*s));
	r = read_file(path, STATE_MAX_BYTES, &buf, &len, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return error_set(err, r, "%s", e->msg);
	r = json_parse(buf, len, &doc, &e);
	if (r < 0)
		return error_set(err, r, "the state file '%s' is not JSON: line %u: %s", path,
				 e->line, e->msg);
	version = node_get(doc, "version");
	if (!version || !node_get_u64(version, &v) || v != STATE_VERSION)
		return error_set(err, -EINVAL,
				 "the state file '%s' is not one of version %d (another scprof's?)",
				 path, STATE_VERSION);
	profiles = node_get(doc, "profiles");
	if (!profiles || profiles->kind != NODE_ARRAY)
		return error_set(err, -EINVAL, "the state file '%s' has no \"profiles\" list",
				 path);
	for (size_t i = 0; i < profiles->len; i++) {
		struct sync_entry entry = { 0 };
		if (parse_entry(profiles->items[i], &entry) < 0 || sync_state_find(s, entry.file)) {
			entry_release(&entry);
			sync_state_release(s);
			return error_set(
				err, -EINVAL,
				"the state file '%s': entry %zu is not a plain file name with "
				"a reference and digests, or a second entry of one file",
				path, i + 1);
		}
		GROW(s->items, s->alloc, s->n + 1);
		s->items[s->n++] = entry;
	}
	return 0;
}

int sync_state_save(const char *path, const struct sync_state *s, struct scprof_error **err)
{
	_cleanup_node_ struct node *doc = node_new(NODE_OBJECT);
	struct node *profiles = node_new(NODE_ARRAY);
	struct strbuf sb = STRBUF_INIT;
	int r;

	node_object_add(doc, "version", node_new_u64(STATE_VERSION));
	for (size_t i = 0; i < s->n; i++) {
		const struct sync_entry *e = &s->items[i];
		struct node *o = node_new(NODE_OBJECT);
		node_object_add(o, "file", node_new_string(e->file));
		node_object_add(o, "ref", node_new_string(e->ref));
		node_object_add(o, "platform",
				e->platform ? node_new_string(e->platform) : node_new(NODE_NULL));
		node_object_add(o, "digest", node_new_string(e->digest));
		node_object_add(o, "content", node_new_string(e->content));
		if (e->pending_content[0]) {
			struct node *p = node_new(NODE_OBJECT);
			node_object_add(p, "digest", node_new_string(e->pending_digest));
			node_object_add(p, "content", node_new_string(e->pending_content));
			node_object_add(o, "pending", p);
		}
		node_array_add(profiles, o);
	}
	node_object_add(doc, "profiles", profiles);
	json_write(doc, true, &sb);
	r = write_file_atomic(path, sb.buf, sb.len, 0644, err);
	strbuf_release(&sb);
	return r;
}

int sync_file_digest(const char *path, char digest[OCI_DIGEST_LEN + 1], struct scprof_error **err)
{
	/* O_NONBLOCK: a FIFO put there must not hang the round */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int r = 0;

	digest[0] = '\0';
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && errno == ELOOP)
		return error_set(err, -EPERM, "'%s' is a symbolic link", path);
	if (fd < 0)
		return error_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return error_set(err, -errno, "cannot stat '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_set(err, -EPERM, "'%s' is not a regular file", path);
	if ((uint64_t)st.st_size > SCPROF_MAX_INPUT)
		return error_set(err, -EFBIG, "'%s' is larger than %u bytes", path,
				 SCPROF_MAX_INPUT);
	strbuf_grow(&sb, (size_t)st.st_size + 1);
	for (;;) {
		char buf[16384];
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = error_set(err, -errno, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (got == 0)
			break;
		if (sb.len + (size_t)got > SCPROF_MAX_INPUT) {
			r = error_set(err, -EFBIG, "'%s' is larger than %u bytes", path,
				      SCPROF_MAX_INPUT);
			break;
		}
		strbuf_add(&sb, buf, (size_t)got);
	}
	if (r == 0)
		r = oci_digest(sb.buf ? sb.buf : "", sb.len, digest, err);
	strbuf_release(&sb);
	return r;
}

int sync_lock(const char *dir, int *fd, struct scprof_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, SYNC_LOCK_FILE);
	_cleanup_close_ int f = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	*fd = -1;
	if (f < 0)
		return error_set(err, -errno, "cannot open the lock file '%s': %s", path,
				 strerror(errno));
	if (flock(f, LOCK_EX) < 0) {
		if (errno == EINTR)
			return -EINTR;
		return error_set(err, -errno, "cannot lock '%s': %s", path, strerror(errno));
	}
	*fd = steal_fd(&f);
	return 0;
}
