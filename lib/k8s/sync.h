/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What scprof k8s sync keeps beside the profiles it installs: its state file and its lock. */
#ifndef SCPROF_K8S_SYNC_H
#define SCPROF_K8S_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/dl.h"
#include "scprof/error.h"

/* In the directory sync writes to (the seccomp root, or its --subdir). */
#define SYNC_STATE_FILE ".scprof-sync.json"
#define SYNC_LOCK_FILE ".scprof-sync.lock"

/*
 * A name a profile may have in a seccomp directory (@n bytes at @s): letters,
 * digits, '.', '_', '-', not starting with '.', at most 200 bytes; so never a
 * path, "." or "..", nor one of sync's own dot files.
 */
bool sync_plain_name(const char *s, size_t n);

/* One profile sync installed. */
struct sync_entry {
	char *file; /* "NAME.json": sync_plain_name() and ".json" */
	char *ref; /* the reference it came from, as given */
	char *platform; /* --platform, or NULL for the node's own */
	char digest[OCI_DIGEST_LEN + 1]; /* what the reference resolved to */
	char content[OCI_DIGEST_LEN + 1]; /* sha256 of the bytes written; "" before the first */
	/* a write under way: the file may hold these bytes already ("" when none) */
	char pending_digest[OCI_DIGEST_LEN + 1];
	char pending_content[OCI_DIGEST_LEN + 1];
};

struct sync_state {
	struct sync_entry *items;
	size_t n, alloc;
};

/*
 * Read the state file @path into @s (empty when there is none).  A file that
 * is not a state file of this version, or names a file that is not plain, is
 * refused whole: -EINVAL with *err.  Release with sync_state_release().
 */
int sync_state_load(const char *path, struct sync_state *s, struct scprof_error **err);
/* Write @s to @path atomically (a temporary file, fsync, rename), mode 0644. */
int sync_state_save(const char *path, const struct sync_state *s, struct scprof_error **err);
void sync_state_release(struct sync_state *s);
/* The entry of @file, or NULL; borrowed, valid until the state changes. */
struct sync_entry *sync_state_find(const struct sync_state *s, const char *file);
/* A new, empty entry for @file and @ref (copied); borrowed as above. */
struct sync_entry *sync_state_add(struct sync_state *s, const char *file, const char *ref);
/* Drop @e (an entry of @s). */
void sync_state_remove(struct sync_state *s, struct sync_entry *e);

/*
 * The sha256 of the regular file @path, as "sha256:...", never through a
 * symbolic link.  -ENOENT when there is none; -EPERM (with *err) when @path is
 * a symbolic link or not a regular file; another negative errno when it cannot
 * be read.
 */
int sync_file_digest(const char *path, char digest[OCI_DIGEST_LEN + 1], struct scprof_error **err);

/*
 * Wait for the lock of @dir (flock on SYNC_LOCK_FILE, created if needed): 0
 * with *fd to close to release it, -EINTR when a signal came first, another
 * negative errno with *err.
 */
int sync_lock(const char *dir, int *fd, struct scprof_error **err);

#endif
