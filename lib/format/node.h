/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A document tree with source positions, the common ground of the JSON and YAML
 * readers and writers.  Readers keep every key (duplicates too, in order) and the
 * literal text of numbers, so that a decoder can report exact positions and
 * writers can reproduce values (including 64-bit unsigned ones) without loss.
 */
#ifndef SCPROF_FORMAT_NODE_H
#define SCPROF_FORMAT_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scprof/error.h"
#include "util/util.h"

enum node_kind {
	NODE_NULL,
	NODE_BOOL,
	NODE_NUMBER, /* text holds the literal, e.g. "-12", "0x10" is never produced */
	NODE_STRING,
	NODE_ARRAY,
	NODE_OBJECT,
};

struct node_key {
	char *name;
	unsigned line, col;
	size_t start, end; /* byte offsets of the key as written (quotes included) */
};

/*
 * Byte offsets (start, end) are into the buffer given to the reader, BOM
 * included, so that a caller can edit the text in place.  start is where the
 * value begins, with its YAML properties (&anchor, !tag) if any; end is one
 * past its last byte, except for a YAML block mapping or sequence, whose end
 * is where the next token starts (after comments and blank lines).  An empty
 * YAML value (a key with nothing after it) has start == end, right after the
 * ':'.  A copy made for a YAML alias has the alias's offsets, its children
 * those of the anchored node.  Both are 0 in built nodes.
 */
struct node {
	enum node_kind kind;
	unsigned line, col; /* 1-based position of the value's first character; 0 if built */
	size_t start, end; /* byte offsets, see above */
	char *text; /* NUMBER: literal in JSON syntax; STRING: decoded UTF-8 (no NUL) */
	bool boolean; /* BOOL */
	size_t len, alloc; /* ARRAY, OBJECT: number of items */
	struct node **items; /* ARRAY, OBJECT: values, owned */
	struct node_key *keys; /* OBJECT: keys parallel to items, owned */
};

/* Limits the readers enforce, with a positioned error when exceeded. */
#define NODE_MAX_DEPTH 512
#define NODE_MAX_NODES 4000000 /* also bounds YAML alias expansion */

/* Constructors: the returned node is owned by the caller (or by the container it is added to). */
struct node *node_new(enum node_kind kind);
struct node *node_new_string(const char *s);
struct node *node_new_u64(uint64_t v);
struct node *node_new_i64(int64_t v);
struct node *node_new_bool(bool b);
/* Appends @val (ownership passes to @arr). */
void node_array_add(struct node *arr, struct node *val);
/* Appends key (copied) -> @val (ownership passes to @obj). */
void node_object_add(struct node *obj, const char *key, struct node *val);
/* Deep copy. */
struct node *node_copy(const struct node *n);
void node_free(struct node *n);
static inline void node_freep(struct node **n)
{
	node_free(*n);
}
#define _cleanup_node_ _cleanup_(node_freep)

/* Last value stored under @key in @obj (NULL when absent or @obj is not an object); borrowed. */
struct node *node_get(const struct node *obj, const char *key);
/* Structural equality, ignoring positions; numbers compare by value when both are integers. */
bool node_equal(const struct node *a, const struct node *b);
/* "string", "number", "object"... for error messages. */
const char *node_kind_name(enum node_kind kind);

/* Number access: false when the literal is not an integer in range. */
bool node_get_u64(const struct node *n, uint64_t *out);
bool node_get_i64(const struct node *n, int64_t *out);

/*
 * Readers.  @buf need not be NUL-terminated.  On a syntax error they return
 * -EINVAL with *err carrying line and column (file left NULL for the caller to
 * fill).  Empty input, garbage, truncation, nesting deeper than NODE_MAX_DEPTH
 * are all errors.  The YAML reader takes the first document and rejects a second
 * one; plain scalars resolve as in YAML 1.2's core schema (null, true/false,
 * decimal, 0x and 0o integers, floats); quoted scalars stay strings.
 */
int json_parse(const char *buf, size_t len, struct node **out, struct scprof_error **err);
int yaml_parse(const char *buf, size_t len, struct node **out, struct scprof_error **err);

/*
 * Every document of a YAML stream, in order: @fn gets each tree (owned by it;
 * NULL for an empty document) with its 0-based index, and stops the reading by
 * returning non-zero, which is returned.  Anchors do not carry over between
 * documents.  A syntax error is -EINVAL as for yaml_parse(), after the
 * documents before it have been handed on.
 */
typedef int (*yaml_document_fn)(struct node *doc, size_t index, void *data);
int yaml_parse_stream(const char *buf, size_t len, yaml_document_fn fn, void *data,
		      struct scprof_error **err);

/*
 * The same, with plain scalars resolved as Kubernetes resolves them (go-yaml
 * v2, YAML 1.1): "privileged: yes" is true, "runAsUser: 0_1000" is 1000,
 * "mode: 0644" is 420.  For manifests; profiles keep YAML 1.2.
 */
int yaml_parse_k8s(const char *buf, size_t len, struct node **out, struct scprof_error **err);
int yaml_parse_stream_k8s(const char *buf, size_t len, yaml_document_fn fn, void *data,
			  struct scprof_error **err);

/* Writers append to @sb.  JSON: pretty uses tab indentation, one key per line,
 * compact has no whitespace; both end with a newline.  YAML: block style, strings
 * quoted whenever a plain scalar would read back as another type or value. */
void json_write(const struct node *n, bool pretty, struct strbuf *sb);
void yaml_write(const struct node *n, struct strbuf *sb);
/* One string as yaml_write() writes it: plain when that reads back the same, else quoted. */
void yaml_write_string(const char *s, struct strbuf *sb);
/* One string as json_write() writes it. */
void json_write_string(const char *s, struct strbuf *sb);

/*
 * Internal to lib/format: decode one UTF-8 sequence at @s (@len bytes left) into
 * *cp.  Returns its length, or 0 when it is not well-formed (overlong, surrogate,
 * above U+10FFFF, truncated).  @len must be at least 1.
 */
size_t node_utf8_next(const char *s, size_t len, uint32_t *cp);

#endif
