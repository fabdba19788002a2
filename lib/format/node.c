// SPDX-License-Identifier: LGPL-2.1-or-later
/* The document tree shared by the JSON and YAML readers and writers: build, copy, compare, free. */
#include <inttypes.h>

#include "format/node.h"

struct node *node_new(enum node_kind kind)
{
	struct node *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	return n;
}

struct node *node_new_string(const char *s)
{
	struct node *n = node_new(NODE_STRING);
	n->text = xstrdup(s);
	return n;
}

struct node *node_new_u64(uint64_t v)
{
	struct node *n = node_new(NODE_NUMBER);
	n->text = xasprintf("%" PRIu64, v);
	return n;
}

struct node *node_new_i64(int64_t v)
{
	struct node *n = node_new(NODE_NUMBER);
	n->text = xasprintf("%" PRId64, v);
	return n;
}

struct node *node_new_bool(bool b)
{
	struct node *n = node_new(NODE_BOOL);
	n->boolean = b;
	return n;
}

/* items and keys share one capacity, so they grow together. */
static void reserve_one(struct node *n)
{
	if (n->len < n->alloc)
		return;
	size_t alloc = n->alloc ? n->alloc * 2 : 4;
	n->items = xrealloc(n->items, alloc * sizeof(*n->items));
	if (n->kind == NODE_OBJECT)
		n->keys = xrealloc(n->keys, alloc * sizeof(*n->keys));
	n->alloc = alloc;
}

void node_array_add(struct node *arr, struct node *val)
{
	reserve_one(arr);
	arr->items[arr->len++] = val;
}

void node_object_add(struct node *obj, const char *key, struct node *val)
{
	reserve_one(obj);
	obj->keys[obj->len] = (struct node_key){ .name = xstrdup(key) };
	obj->items[obj->len++] = val;
}

struct node *node_copy(const struct node *n)
{
	if (!n)
		return NULL;
	struct node *c = node_new(n->kind);
	c->line = n->line;
	c->col = n->col;
	c->start = n->start;
	c->end = n->end;
	c->boolean = n->boolean;
	c->text = n->text ? xstrdup(n->text) : NULL;
	if (n->kind != NODE_ARRAY && n->kind != NODE_OBJECT)
		return c;
	if (n->len) {
		c->alloc = n->len;
		c->items = xmalloc(n->len * sizeof(*c->items));
		if (n->kind == NODE_OBJECT)
			c->keys = xmalloc(n->len * sizeof(*c->keys));
	}
	for (size_t i = 0; i < n->len; i++) {
		c->items[i] = node_copy(n->items[i]);
		if (n->kind == NODE_OBJECT) {
			c->keys[i] = n->keys[i];
			c->keys[i].name = xstrdup(n->keys[i].name);
		}
		c->len++;
	}
	return c;
}

/*
 * Iterative, so that a tree of any depth can be freed: a container's last item
 * is unlinked and freed first; the container itself goes once it is empty.
 */
void node_free(struct node *n)
{
	struct node **stack = NULL;
	size_t depth = 0, alloc = 0;

	while (n) {
		if ((n->kind == NODE_ARRAY || n->kind == NODE_OBJECT) && n->len) {
			struct node *child = n->items[--n->len];
			if (n->kind == NODE_OBJECT)
				free(n->keys[n->len].name);
			if (!child)
				continue;
			GROW(stack, alloc, depth + 1);
			stack[depth++] = n;
			n = child;
			continue;
		}
		free(n->text);
		free(n->items);
		free(n->keys);
		free(n);
		n = depth ? stack[--depth] : NULL;
	}
	free(stack);
}

struct node *node_get(const struct node *obj, const char *key)
{
	if (!obj || obj->kind != NODE_OBJECT)
		return NULL;
	for (size_t i = obj->len; i-- > 0;)
		if (strcmp(obj->keys[i].name, key) == 0)
			return obj->items[i];
	return NULL;
}

static const char *text_of(const struct node *n)
{
	return n->text ? n->text : "";
}

static bool numbers_equal(const struct node *a, const struct node *b)
{
	uint64_t ua, ub;
	int64_t ia, ib;
	if (node_get_u64(a, &ua) && node_get_u64(b, &ub))
		return ua == ub;
	if (node_get_i64(a, &ia) && node_get_i64(b, &ib))
		return ia == ib;
	return strcmp(text_of(a), text_of(b)) == 0;
}

bool node_equal(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case NODE_NULL:
		return true;
	case NODE_BOOL:
		return a->boolean == b->boolean;
	case NODE_NUMBER:
		return numbers_equal(a, b);
	case NODE_STRING:
		return strcmp(text_of(a), text_of(b)) == 0;
	case NODE_ARRAY:
	case NODE_OBJECT:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++) {
			if (a->kind == NODE_OBJECT && strcmp(a->keys[i].name, b->keys[i].name) != 0)
				return false;
			if (!node_equal(a->items[i], b->items[i]))
				return false;
		}
		return true;
	}
	return false;
}

const char *node_kind_name(enum node_kind kind)
{
	switch (kind) {
	case NODE_NULL:
		return "null";
	case NODE_BOOL:
		return "boolean";
	case NODE_NUMBER:
		return "number";
	case NODE_STRING:
		return "string";
	case NODE_ARRAY:
		return "array";
	case NODE_OBJECT:
		return "object";
	}
	return "unknown";
}

/* Digits only, at least one, no sign; false on overflow. */
static bool digits_to_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool node_get_u64(const struct node *n, uint64_t *out)
{
	if (!n || n->kind != NODE_NUMBER || !n->text)
		return false;
	return digits_to_u64(n->text, out);
}

bool node_get_i64(const struct node *n, int64_t *out)
{
	uint64_t v;
	if (!n || n->kind != NODE_NUMBER || !n->text)
		return false;
	bool neg = n->text[0] == '-';
	if (!digits_to_u64(n->text + neg, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

size_t node_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}
