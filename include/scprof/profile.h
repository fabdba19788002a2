/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The profile model: one in-memory form for the OCI runtime-spec linux.seccomp
 * object, Docker/moby's extensions, containers/common's errno names and the
 * Security Profiles Operator SeccompProfile resource, in JSON or YAML.
 */
#ifndef SCPROF_PROFILE_H
#define SCPROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct node;

/* Actions, with both spellings of the thread kill kept apart for lossless writing. */
enum scprof_action {
	SCPROF_ACT_INVALID = 0,
	SCPROF_ACT_KILL_PROCESS,
	SCPROF_ACT_KILL_THREAD,
	SCPROF_ACT_KILL, /* SCMP_ACT_KILL: the same as KILL_THREAD */
	SCPROF_ACT_TRAP,
	SCPROF_ACT_ERRNO,
	SCPROF_ACT_NOTIFY,
	SCPROF_ACT_TRACE,
	SCPROF_ACT_LOG,
	SCPROF_ACT_ALLOW,
};

enum scprof_op {
	SCPROF_OP_INVALID = 0,
	SCPROF_OP_NE,
	SCPROF_OP_LT,
	SCPROF_OP_LE,
	SCPROF_OP_EQ,
	SCPROF_OP_GE,
	SCPROF_OP_GT,
	SCPROF_OP_MASKED_EQ,
};

/* "SCMP_ACT_ALLOW" <-> SCPROF_ACT_ALLOW; also accepts "allow", "ALLOW" (any case, no prefix). */
SCPROF_PUBLIC enum scprof_action scprof_action_from_name(const char *name);
SCPROF_PUBLIC const char *scprof_action_name(enum scprof_action a);
/* Rank from least (0, KILL_PROCESS) to most permissive (ALLOW), for merging. */
SCPROF_PUBLIC int scprof_action_rank(enum scprof_action a);
SCPROF_PUBLIC enum scprof_op scprof_op_from_name(const char *name);
SCPROF_PUBLIC const char *scprof_op_name(enum scprof_op op);

/* A syscall name as written, with its position (0 when built in memory). */
struct scprof_name {
	char *name;
	unsigned line, col;
};

struct scprof_arg {
	unsigned index;
	uint64_t value;
	uint64_t value_two;
	bool has_value_two;
	enum scprof_op op;
	unsigned line, col;
};

/* Docker's includes / excludes. */
struct scprof_filter {
	char **caps;
	size_t n_caps;
	char **arches;
	size_t n_arches;
	char *min_kernel; /* "X.Y" or NULL */
};

struct scprof_rule {
	struct scprof_name *names;
	size_t n_names;
	bool singular_name; /* written as moby's old "name": "x" */
	enum scprof_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	char *errno_name; /* containers/common "errno": "ENOSYS" */
	struct scprof_arg *args;
	size_t n_args;
	char *comment;
	struct scprof_filter includes, excludes;
	struct node *extra; /* unknown keys, kept in order; NULL when none */
	unsigned line, col;
};

struct scprof_arch_map {
	char *arch;
	char **sub;
	size_t n_sub;
	bool sub_null; /* "subArchitectures": null, as moby writes it */
};

struct scprof_annotation {
	char *key;
	char *value;
};

enum scprof_kind {
	SCPROF_KIND_OCI, /* the linux.seccomp object, with Docker/containers extensions */
	SCPROF_KIND_SPO, /* a SeccompProfile resource */
};

enum scprof_syntax {
	SCPROF_SYNTAX_JSON,
	SCPROF_SYNTAX_YAML,
};

struct scprof_profile {
	enum scprof_kind kind;
	enum scprof_syntax syntax; /* how it was read; fmt writes it back the same way */

	/* SeccompProfile envelope (kind == SCPROF_KIND_SPO) */
	char *api_version;
	char *spo_kind;
	char *name;
	struct scprof_annotation *annotations;
	size_t n_annotations;
	struct node *metadata_extra; /* other metadata keys (namespace, labels...) */
	char *base_profile_name;
	unsigned base_line, base_col; /* of the baseProfileName value, 0 when built in memory */
	char *state; /* "Enabled", "Disabled" or NULL */
	int disabled; /* -1 absent, else 0 or 1 */
	struct node *top_extra; /* other top-level keys (status...) */

	/* the seccomp object (OCI top level, or SPO spec) */
	enum scprof_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char *default_errno; /* containers/common "defaultErrno": "ENOSYS" */
	char **architectures;
	size_t n_architectures;
	struct scprof_arch_map *arch_map;
	size_t n_arch_map;
	char **flags;
	size_t n_flags;
	char *listener_path;
	char *listener_metadata;
	struct scprof_rule *rules;
	size_t n_rules;
	struct node *extra; /* unknown keys of the seccomp object */
	unsigned line, col; /* of the seccomp object */
};

SCPROF_PUBLIC struct scprof_profile *scprof_profile_new(void);
SCPROF_PUBLIC void scprof_profile_free(struct scprof_profile *p);
SCPROF_PUBLIC struct scprof_profile *scprof_profile_copy(const struct scprof_profile *p);
/* Deep equality of everything the model holds, ignoring positions. */
SCPROF_PUBLIC bool scprof_profile_equal(const struct scprof_profile *a,
					const struct scprof_profile *b);

/* Rule helpers for code that builds profiles. */
SCPROF_PUBLIC struct scprof_rule *scprof_profile_add_rule(struct scprof_profile *p,
							  enum scprof_action action);
SCPROF_PUBLIC void scprof_rule_add_name(struct scprof_rule *r, const char *name);
SCPROF_PUBLIC void scprof_rule_add_arg(struct scprof_rule *r, unsigned index, enum scprof_op op,
				       uint64_t value, uint64_t value_two);
SCPROF_PUBLIC void scprof_rule_release(struct scprof_rule *r);
SCPROF_PUBLIC void scprof_rule_copy(struct scprof_rule *dst, const struct scprof_rule *src);

/*
 * Read a profile.  @source is a path, "-" for stdin, or a built-in name
 * ("runtime/default", "unconfined").  Every problem found is added to @diags
 * (which may be NULL) with its position; the whole validation of
 * scprof_profile_check() runs too.  Returns 0 when the profile has no errors,
 * else -EINVAL (or the I/O errno) with *err saying why in one line: the first
 * error with FILE:LINE:COL.  On success the caller frees *out with
 * scprof_profile_free(); on failure *out is NULL.
 */
SCPROF_PUBLIC int scprof_profile_load(const char *source, struct scprof_profile **out,
				      struct scprof_diags *diags, struct scprof_error **err);
/* The same from memory; @name is used in messages. */
SCPROF_PUBLIC int scprof_profile_parse(const char *buf, size_t len, const char *name,
				       struct scprof_profile **out, struct scprof_diags *diags,
				       struct scprof_error **err);
/* True when @name is a built-in profile name. */
SCPROF_PUBLIC bool scprof_profile_is_builtin(const char *name);
/* The built-in names, NULL-terminated; borrowed, static. */
SCPROF_PUBLIC const char *const *scprof_profile_builtins(void);

/*
 * Checks that need the whole model (conflicting actions, unknown names on the
 * listed architectures, repeated argument indexes...); scprof_profile_load()
 * already runs them.  Adds to @diags.
 */
SCPROF_PUBLIC void scprof_profile_check(const struct scprof_profile *p, struct scprof_diags *diags);

enum scprof_format {
	SCPROF_FORMAT_AUTO, /* the profile's own kind and syntax */
	SCPROF_FORMAT_OCI_JSON, /* the linux.seccomp object (Docker's extensions included) */
	SCPROF_FORMAT_SPO_YAML,
	SCPROF_FORMAT_SPO_JSON,
};

#define SCPROF_WRITE_COMPACT 0x1 /* JSON without whitespace */

/*
 * Serialise @p.  Writing an OCI profile as SPO wraps it in a SeccompProfile
 * (named p->name or "profile"); writing an SPO profile as OCI drops the envelope.
 * Caller frees *out.
 */
SCPROF_PUBLIC int scprof_profile_write(const struct scprof_profile *p, enum scprof_format format,
				       unsigned flags, char **out, size_t *len,
				       struct scprof_error **err);

/*
 * Canonical form, in place: "name" becomes "names", names sorted and de-duplicated,
 * errnoRet dropped where the action ignores it, rules with the same action,
 * errno, args, filters and comment merged, rules sorted, flags sorted.
 */
SCPROF_PUBLIC void scprof_profile_canonicalize(struct scprof_profile *p);

/*
 * Union of @b into @a (the merge command): for each syscall both name with the
 * same conditions, the more permissive action wins; a rule without args beats
 * rules with args for the same syscall.  defaultAction, architectures, flags and
 * the listener come from @a.  The result is canonical.
 */
SCPROF_PUBLIC void scprof_profile_merge(struct scprof_profile *a, const struct scprof_profile *b);

/*
 * Audit mode, in place: every action but ALLOW becomes LOG (with the default),
 * so the kernel logs what the profile would deny and lets it run (Kubernetes'
 * audit-before-enforce; scprof run --audit).
 */
SCPROF_PUBLIC void scprof_profile_to_log_mode(struct scprof_profile *p);

/* Base profiles (lib/profile/resolve.c): the Security Profiles Operator's limit. */
#define SCPROF_BASE_MAX_LEVELS 15

/*
 * Built-in bases the caller supplies, for names no profile directory holds: fill
 * *out (freed by the caller with scprof_profile_free()) and return 0, or -ENOENT
 * for a name it does not know.  scprof_runtime_base() (scprof/record.h) is one.
 */
typedef int (*scprof_base_lookup_fn)(const char *name, struct scprof_profile **out, void *data);

/*
 * Bases named oci://REF: fetch REF (without "oci://") into *out (freed by the
 * caller) and return 0, or a negative errno with *err in one line.
 * scprof_oci_fetch_base() (scprof/oci.h) is one.
 */
typedef int (*scprof_base_fetch_fn)(const char *ref, struct scprof_profile **out,
				    struct scprof_error **err, void *data);

struct scprof_flatten_opts {
	const char *const *dirs; /* profile directories in order; borrowed */
	size_t n_dirs; /* 0: ./profiles, then /etc/scprof/profiles */
	scprof_base_lookup_fn lookup; /* after the directories and the built-in profiles; or NULL */
	void *lookup_data;
	scprof_base_fetch_fn fetch; /* oci://REF; NULL: such bases are -EOPNOTSUPP */
	void *fetch_data;
};

SCPROF_PUBLIC void scprof_flatten_opts_init(struct scprof_flatten_opts *o);

/*
 * Resolve @p's baseProfileName chain in place: each base is found (a file path
 * relative to the profile naming it, else NAME.json, NAME.yaml or NAME.yml in the
 * profile directories, else a built-in), read, and its syscalls united into @p by
 * scprof_profile_merge(); everything else of @p is kept, and baseProfileName is
 * removed.  The rules of a profile that had a base lose their positions (line
 * 0): they come from several files.  @source is what @p was loaded from (a path,
 * "-" or a built-in name; NULL for memory), for relative paths, cycles and
 * messages.  At most SCPROF_BASE_MAX_LEVELS profiles, the first included.
 * Returns 0 (also when @p has no base), or with *err in one line: -ENOENT a base
 * not found, -ELOOP a cycle (named in full) or too many levels, -EOPNOTSUPP an
 * oci:// reference without opts->fetch (else the callback's error), -EINVAL a base that does not parse or validate (at its
 * file:line:column).  On failure @p is unchanged.  @opts may be NULL for the
 * defaults.
 */
SCPROF_PUBLIC int scprof_profile_flatten(struct scprof_profile *p, const char *source,
					 const struct scprof_flatten_opts *opts,
					 struct scprof_error **err);

/*
 * Set the annotation the Security Profiles Operator writes after resolving bases:
 * "syscalls", @p's rules as one line of JSON in the operator's shape (names,
 * action, errnoRet and args; zero values left out as its omitempty fields do).
 */
SCPROF_PUBLIC void scprof_profile_annotate_syscalls(struct scprof_profile *p);

#ifdef __cplusplus
}
#endif
#endif
