// SPDX-License-Identifier: LGPL-2.1-or-later
/* YAML reader (on libyaml's event parser) and block-style writer for the node tree. */

/*
 * Reading follows YAML 1.2 with its core schema, for the first document only
 * (yaml_parse_stream() reads every document of a stream, one at a time):
 *
 *   - a second document is an error, and so is a stream without any document;
 *   - plain untagged scalars resolve as
 *       null, Null, NULL, ~, (empty)           -> null
 *       true, True, TRUE, false, False, FALSE  -> boolean
 *       [-+]?[0-9]+                            -> number, '+' and leading zeros dropped
 *       0x[0-9a-fA-F]+, 0o[0-7]+               -> number in decimal (a string if above 2^64-1)
 *       [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 *                                              -> number, rewritten in JSON syntax
 *     and anything else (.inf, .nan, 1_000, yes, on) is a string;
 *   - quoted scalars and scalars tagged !!str or ! are strings; !!null, !!bool,
 *     !!int and !!float must resolve as such; other tags are ignored;
 *   - mapping keys must be scalars (or aliases of scalars) and keep their text
 *     as written, so a plain key `true` is the name "true"; duplicates are kept;
 *     `<<` is an ordinary key (merge keys are YAML 1.1, not 1.2);
 *   - an alias is replaced by a deep copy of its anchor's node; copies count
 *     against NODE_MAX_NODES and NODE_MAX_DEPTH and are made only once the
 *     whole document has been read, so "billion laughs" fails without copying;
 *     an alias inside its own anchor is an error.
 *
 * Positions come from libyaml's marks (0-based, so +1), with columns turned
 * from characters into bytes to match the JSON reader.
 *
 * Writing uses block style with 2-space indentation, like kubectl: mapping
 * values that are collections go on the following lines, sequence items under
 * a key are not indented ("syscalls:\n- action: X"), and a mapping or sequence
 * that is a sequence item starts on the "- " line.  Empty collections are
 * written "[]" and "{}".  A string is written plain only when it is printable
 * ASCII starting with a letter, '_' or '/', has no ": ", " #", trailing ':' or
 * trailing space, and is no null or boolean word of YAML 1.2 or 1.1 (so that
 * YAML 1.1 readers such as Kubernetes' agree); otherwise it is double-quoted
 * with escapes for whatever YAML does not allow raw in a double-quoted scalar.
 */
#include <inttypes.h>
#include <yaml.h>

#include "format/node.h"

#define TAG_STR "tag:yaml.org,2002:str"
#define TAG_NULL "tag:yaml.org,2002:null"
#define TAG_BOOL "tag:yaml.org,2002:bool"
#define TAG_INT "tag:yaml.org,2002:int"
#define TAG_FLOAT "tag:yaml.org,2002:float"

struct anchor {
	char *name;
	struct node *n; /* borrowed from the tree, unless owned (the anchor is on a key) */
	char *key_text; /* a scalar's text, for use as a mapping key; NULL for collections */
	bool owned, complete;
	size_t count; /* nodes in the subtree, aliases expanded */
	unsigned height; /* container levels in the subtree */
	size_t next; /* previous anchor in the same hash bucket, plus one */
};

/*
 * An alias waiting to be expanded: until the whole document has been read,
 * parent->items[index] borrows the anchor's node, so that a document which
 * would expand beyond NODE_MAX_NODES fails before anything is copied.
 */
struct alias {
	struct node *parent;
	size_t index;
	unsigned line, col;
	size_t start, end;
};

struct frame {
	struct node *n;
	char *key; /* OBJECT: key waiting for its value */
	bool have_key;
	unsigned key_line, key_col;
	size_t key_start, key_end;
	size_t anchor; /* index plus one, 0 for none */
	size_t nodes_at_start;
	unsigned height; /* container levels below this node */
};

struct loader {
	const char *buf;
	size_t len;
	size_t base; /* bytes skipped before buf (a BOM), added to offsets */
	struct frame *stack;
	size_t depth, stack_alloc;
	struct anchor *anchors;
	size_t n_anchors, anchors_alloc;
	size_t *buckets; /* anchor index plus one, latest first */
	size_t n_buckets;
	struct node *root;
	size_t nodes;
	struct alias *aliases;
	size_t n_aliases, aliases_alloc;
	struct {
		size_t chars, off; /* a character index and its byte offset */
		size_t line_off, line_chars; /* where its line starts */
	} cur;
	bool k8s; /* YAML 1.1 scalars, as Kubernetes reads them */
	struct scprof_error **err;
};

struct pos {
	unsigned line, col;
	size_t off; /* byte offset, base included */
};

/* Length of the line break at @p as libyaml counts them (\n, \r, NEL, LS, PS); 0 if none. */
static size_t break_len(const unsigned char *p, size_t left)
{
	if (*p == '\n' || *p == '\r')
		return 1;
	if (left >= 2 && p[0] == 0xc2 && p[1] == 0x85)
		return 2;
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
		return 3;
	return 0;
}

/*
 * libyaml counts columns in characters; ours count bytes.  Marks arrive mostly
 * in order, so a cursor walks forward from the previous one, and the whole
 * document costs one pass.
 */
static struct pos mark_pos(struct loader *l, yaml_mark_t m)
{
	const unsigned char *buf = (const unsigned char *)l->buf;
	struct pos chars = { (unsigned)m.line + 1, (unsigned)m.column + 1, 0 };

	if (m.index < l->cur.chars)
		memset(&l->cur, 0, sizeof(l->cur));
	while (l->cur.chars < m.index && l->cur.off < l->len) {
		/* fast path: ASCII other than line breaks is one byte per character */
		size_t stop = l->cur.off + (m.index - l->cur.chars), o = l->cur.off;
		if (stop > l->len)
			stop = l->len;
		while (o < stop && buf[o] < 0x80 && buf[o] != '\n' && buf[o] != '\r')
			o++;
		l->cur.chars += o - l->cur.off;
		l->cur.off = o;
		if (l->cur.chars == m.index || o == l->len)
			break;
		size_t left = l->len - l->cur.off, n = 1;
		const unsigned char *p = buf + l->cur.off;
		size_t brk = break_len(p, left);
		if (*p >= 0xc0)
			n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		if (n > left)
			n = left;
		l->cur.off += n;
		l->cur.chars++;
		/* "\r\n" is one break: its line starts after the '\n' */
		if (brk && !(*p == '\r' && left > 1 && p[1] == '\n')) {
			l->cur.line_off = l->cur.off;
			l->cur.line_chars = l->cur.chars;
		}
	}
	/* the byte offset; out of step (libyaml imagines characters past the end), the nearest */
	chars.off = l->base + l->cur.off;
	if (l->cur.chars != m.index)
		return chars; /* out of step with libyaml: keep its count */
	size_t col = l->cur.chars - l->cur.line_chars;
	if (col == m.column)
		return (struct pos){ chars.line, (unsigned)(l->cur.off - l->cur.line_off) + 1,
				     chars.off };
	/* at the end of input without a final newline libyaml imagines one */
	if (l->cur.off == l->len && m.column == 0 && m.line > 0)
		return (struct pos){ (unsigned)m.line, (unsigned)(l->cur.off - l->cur.line_off) + 1,
				     chars.off };
	return chars;
}

static int fail_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	struct pos at = mark_pos(l, m);
	return error_set_at(l->err, -EINVAL, NULL, at.line, at.col, "%s", msg);
}

/* Anchors, in a hash table so that many anchors and aliases stay linear. */
static size_t hash_name(const char *s)
{
	size_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static void rehash(struct loader *l)
{
	free(l->buckets);
	l->n_buckets = l->n_buckets ? l->n_buckets * 2 : 64;
	l->buckets = xcalloc(l->n_buckets, sizeof(*l->buckets));
	for (size_t i = 0; i < l->n_anchors; i++) {
		size_t b = hash_name(l->anchors[i].name) & (l->n_buckets - 1);
		l->anchors[i].next = l->buckets[b];
		l->buckets[b] = i + 1;
	}
}

/* Registers @name (copied); a later anchor of the same name hides an earlier one. */
static size_t anchor_add(struct loader *l, const char *name, struct node *n, bool owned)
{
	GROW(l->anchors, l->anchors_alloc, l->n_anchors + 1);
	l->anchors[l->n_anchors++] =
		(struct anchor){ .name = xstrdup(name), .n = n, .owned = owned };
	if (l->n_anchors > l->n_buckets)
		rehash(l);
	else {
		struct anchor *a = &l->anchors[l->n_anchors - 1];
		size_t b = hash_name(name) & (l->n_buckets - 1);
		a->next = l->buckets[b];
		l->buckets[b] = l->n_anchors;
	}
	return l->n_anchors;
}

static struct anchor *anchor_find(struct loader *l, const char *name)
{
	if (!l->n_buckets)
		return NULL;
	for (size_t i = l->buckets[hash_name(name) & (l->n_buckets - 1)]; i;
	     i = l->anchors[i - 1].next)
		if (strcmp(l->anchors[i - 1].name, name) == 0)
			return &l->anchors[i - 1];
	return NULL;
}

/* Scalar resolution (YAML 1.2 core schema). */
static bool all_of(const char *s, size_t len, const char *set)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

static bool word_in(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(s, *words, len) == 0)
			return true;
	return false;
}

static const char *const null_words[] = { "null", "Null", "NULL", "~", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

#define DIGITS "0123456789"

/* Append digits without leading zeros (keeping one zero when all are zeros). */
static void add_digits(struct strbuf *sb, const char *s, size_t len)
{
	while (len > 1 && *s == '0')
		s++, len--;
	if (!len)
		strbuf_addc(sb, '0');
	else
		strbuf_add(sb, s, len);
}

/*
 * Float per [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, rewritten
 * in JSON syntax ("+.5" -> "0.5", "1." -> "1.0", "01.5" -> "1.5"); NULL if
 * @s does not match.
 */
static char *float_to_json(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	struct strbuf sb = STRBUF_INIT;

	if (p < end && (*p == '-' || *p == '+')) {
		if (*p == '-')
			strbuf_addc(&sb, '-');
		p++;
	}
	const char *ip = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	size_t ilen = (size_t)(p - ip);
	const char *fp = NULL;
	size_t flen = 0;
	if (p < end && *p == '.') {
		fp = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		flen = (size_t)(p - fp);
	}
	if (!ilen && !flen)
		goto nomatch;
	add_digits(&sb, ip, ilen);
	if (fp) {
		strbuf_addc(&sb, '.');
		if (flen)
			strbuf_add(&sb, fp, flen);
		else
			strbuf_addc(&sb, '0');
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *ep = p++;
		if (p < end && (*p == '-' || *p == '+'))
			p++;
		if (!all_of(p, (size_t)(end - p), DIGITS))
			goto nomatch;
		strbuf_add(&sb, ep, (size_t)(end - ep));
		p = end;
	}
	if (p != end)
		goto nomatch;
	return strbuf_detach(&sb);
nomatch:
	strbuf_release(&sb);
	return NULL;
}

/* 0x / 0o integers; false when @s is not one or does not fit 64 bits. */
static bool radix_to_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned base;
	if (len < 3 || s[0] != '0')
		return false;
	if (s[1] == 'x' && all_of(s + 2, len - 2, DIGITS "abcdefABCDEF"))
		base = 16;
	else if (s[1] == 'o' && all_of(s + 2, len - 2, "01234567"))
		base = 8;
	else
		return false;
	uint64_t v = 0;
	for (size_t i = 2; i < len; i++) {
		char c = s[i];
		unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* Core schema: the node for @s, or a string node when nothing else matches. */
static struct node *resolve_core(const char *s, size_t len)
{
	uint64_t v;
	char *text;

	if (!len || word_in(s, len, null_words))
		return node_new(NODE_NULL);
	if (word_in(s, len, true_words) || word_in(s, len, false_words))
		return node_new_bool(word_in(s, len, true_words));
	size_t sign = s[0] == '-' || s[0] == '+';
	if (all_of(s + sign, len - sign, DIGITS)) {
		struct strbuf sb = STRBUF_INIT;
		if (s[0] == '-')
			strbuf_addc(&sb, '-');
		add_digits(&sb, s + sign, len - sign);
		struct node *n = node_new(NODE_NUMBER);
		n->text = strbuf_detach(&sb);
		return n;
	}
	if (radix_to_u64(s, len, &v))
		return node_new_u64(v);
	if ((text = float_to_json(s, len))) {
		struct node *n = node_new(NODE_NUMBER);
		n->text = text;
		return n;
	}
	struct node *n = node_new(NODE_STRING);
	n->text = xstrndup(s, len);
	return n;
}

/*
 * Kubernetes reads manifests with go-yaml v2 (sigs.k8s.io/yaml), which
 * resolves plain scalars by YAML 1.1's rules: y, yes, on (any of three
 * cases) are true and n, no, off false; underscores in numbers are dropped;
 * integers take Go's prefixes (0x, 0o, 0b, and a leading 0 for octal);
 * what is not an integer but looks like a float is a float ("09" is 9).
 * .inf and .nan stay strings: Kubernetes' JSON cannot carry them.
 */
static const char *const k8s_true[] = { "y",	"Y",	"yes", "Yes", "YES", "true",
					"True", "TRUE", "on",  "On",  "ON",  NULL };
static const char *const k8s_false[] = { "n",	  "N",	   "no",  "No",	 "NO",	"false",
					 "False", "FALSE", "off", "Off", "OFF", NULL };

/* Go's strconv.ParseInt/ParseUint with base 0 over @s (no underscores); false if not one. */
static struct node *go_integer(const char *s, size_t len)
{
	bool neg = len && s[0] == '-';
	size_t i = len && (s[0] == '-' || s[0] == '+');
	unsigned base = 10;
	if (len - i >= 2 && s[i] == '0') {
		char c = (char)(s[i + 1] | 0x20);
		base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
		if (base)
			i += 2;
		else
			base = 8, i += 1;
	}
	if (i == len)
		return NULL;
	uint64_t v = 0;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ?
						    (unsigned)((c | 0x20) - 'a' + 10) :
						    99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return NULL;
		v = v * base + d;
	}
	if (!neg)
		return node_new_u64(v);
	if (v > (uint64_t)INT64_MAX + 1)
		return NULL;
	return v ? node_new_i64((int64_t)(0 - v)) : node_new_u64(0);
}

static struct node *resolve_k8s(const char *s, size_t len)
{
	if (!len || word_in(s, len, null_words))
		return node_new(NODE_NULL);
	bool yes = word_in(s, len, k8s_true);
	if (yes || word_in(s, len, k8s_false))
		return node_new_bool(yes);
	if (strchr("+-.0123456789", s[0])) {
		/* underscores dropped, in a copy only when there are any */
		_cleanup_free_ char *copy = NULL;
		const char *num = s;
		size_t n = len;
		if (memchr(s, '_', len)) {
			copy = xmalloc(len);
			n = 0;
			for (size_t i = 0; i < len; i++)
				if (s[i] != '_')
					copy[n++] = s[i];
			num = copy;
		}
		struct node *v = go_integer(num, n);
		char *text;
		if (v)
			return v;
		if ((text = float_to_json(num, n))) {
			v = node_new(NODE_NUMBER);
			v->text = text;
			return v;
		}
	}
	struct node *n = node_new(NODE_STRING);
	n->text = xstrndup(s, len);
	return n;
}

static struct node *resolve_plain(struct loader *l, const char *s, size_t len)
{
	return l->k8s ? resolve_k8s(s, len) : resolve_core(s, len);
}

static int resolve_scalar(struct loader *l, const yaml_event_t *ev, struct node **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	static const struct {
		const char *tag, *name;
		enum node_kind kind;
	} typed[] = {
		{ TAG_NULL, "!!null", NODE_NULL },
		{ TAG_BOOL, "!!bool", NODE_BOOL },
		{ TAG_INT, "!!int", NODE_NUMBER },
		{ TAG_FLOAT, "!!float", NODE_NUMBER },
	};
	if (tag) {
		if (strcmp(tag, "!") == 0 || strcmp(tag, TAG_STR) == 0)
			plain = false;
		for (size_t i = 0; i < ARRAY_SIZE(typed); i++) {
			if (strcmp(tag, typed[i].tag) != 0)
				continue;
			struct node *n = resolve_plain(l, s, len);
			bool is_int = !n->text || strspn(n->text, "-" DIGITS) == strlen(n->text);
			bool want_int = strcmp(typed[i].tag, TAG_INT) == 0;
			if (n->kind != typed[i].kind || (want_int && !is_int)) {
				node_free(n);
				return fail_at(l, ev->start_mark, "invalid %s value '%.*s'",
					       typed[i].name, (int)(len > 40 ? 40 : len), s);
			}
			*out = n;
			return 0;
		}
	}
	if (plain) {
		*out = resolve_plain(l, s, len);
	} else {
		*out = node_new(NODE_STRING);
		(*out)->text = xstrndup(s, len);
	}
	return 0;
}

/* Tree building. */
static void object_add_owned(struct node *obj, char *key, const struct frame *f, struct node *val)
{
	node_object_add(obj, "", val);
	free(obj->keys[obj->len - 1].name);
	obj->keys[obj->len - 1] = (struct node_key){ .name = key,
						     .line = f->key_line,
						     .col = f->key_col,
						     .start = f->key_start,
						     .end = f->key_end };
}

static struct frame *top(struct loader *l)
{
	return l->depth ? &l->stack[l->depth - 1] : NULL;
}

static bool want_key(struct loader *l)
{
	struct frame *f = top(l);
	return f && f->n->kind == NODE_OBJECT && !f->have_key;
}

static void place(struct loader *l, struct node *n, unsigned height)
{
	struct frame *f = top(l);
	if (!f) {
		l->root = n;
		return;
	}
	if (f->n->kind == NODE_ARRAY) {
		node_array_add(f->n, n);
	} else {
		object_add_owned(f->n, steal_ptr(&f->key), f, n);
		f->have_key = false;
	}
	if (height > f->height)
		f->height = height;
}

static int count_nodes(struct loader *l, size_t n, bool alias, yaml_mark_t m)
{
	if (n > NODE_MAX_NODES - l->nodes)
		return fail_at(l, m, "more than %d values in document%s", NODE_MAX_NODES,
			       alias ? " after alias expansion" : "");
	l->nodes += n;
	return 0;
}

static void set_key(struct loader *l, char *key, struct pos at, struct pos end)
{
	struct frame *f = top(l);
	f->key = key;
	f->have_key = true;
	f->key_line = at.line;
	f->key_col = at.col;
	f->key_start = at.off;
	f->key_end = end.off;
}

static int on_scalar(struct loader *l, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *anchor = (const char *)ev->data.scalar.anchor;
	struct node *n = NULL;
	int r;

	if (memchr(s, 0, len))
		return fail_at(l, ev->start_mark, "NUL character in string");
	r = resolve_scalar(l, ev, &n);
	if (r < 0)
		return r;
	struct pos at = mark_pos(l, ev->start_mark), end = mark_pos(l, ev->end_mark);
	n->line = at.line;
	n->col = at.col;
	n->start = at.off;
	n->end = end.off;
	if (want_key(l)) {
		set_key(l, xstrndup(s, len), at, end);
		if (!anchor) {
			node_free(n);
			return 0;
		}
		anchor_add(l, anchor, n, true);
	} else {
		r = count_nodes(l, 1, false, ev->start_mark);
		if (r < 0) {
			node_free(n);
			return r;
		}
		place(l, n, 0);
		if (!anchor)
			return 0;
		anchor_add(l, anchor, n, false);
	}
	struct anchor *a = &l->anchors[l->n_anchors - 1];
	a->key_text = xstrndup(s, len);
	a->complete = true;
	a->count = 1;
	return 0;
}

static int on_alias(struct loader *l, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = anchor_find(l, name);
	int r;

	if (!a)
		return fail_at(l, ev->start_mark, "alias '*%s' refers to an unknown anchor", name);
	if (!a->complete)
		return fail_at(l, ev->start_mark, "alias '*%s' is inside the node it refers to",
			       name);
	if (want_key(l)) {
		if (!a->key_text)
			return fail_at(
				l, ev->start_mark,
				"expected a scalar as mapping key, found alias '*%s' of a %s", name,
				a->n->kind == NODE_ARRAY ? "sequence" : "mapping");
		struct pos at = mark_pos(l, ev->start_mark);
		set_key(l, xstrdup(a->key_text), at, mark_pos(l, ev->end_mark));
		return 0;
	}
	if (l->depth + a->height > NODE_MAX_DEPTH)
		return fail_at(l, ev->start_mark, "nesting deeper than %d levels", NODE_MAX_DEPTH);
	r = count_nodes(l, a->count, true, ev->start_mark);
	if (r < 0)
		return r;
	struct frame *f = top(l);
	if (!f) {
		/* unreachable: a root node cannot be preceded by an anchor */
		l->root = node_copy(a->n);
		return 0;
	}
	place(l, a->n, a->height);
	struct pos at = mark_pos(l, ev->start_mark), end = mark_pos(l, ev->end_mark);
	GROW(l->aliases, l->aliases_alloc, l->n_aliases + 1);
	l->aliases[l->n_aliases++] = (struct alias){ .parent = f->n,
						     .index = f->n->len - 1,
						     .line = at.line,
						     .col = at.col,
						     .start = at.off,
						     .end = end.off };
	return 0;
}

/*
 * Replace borrowed anchor nodes by copies (@expand) or by nothing (on error, so
 * that the tree can be freed).  A copy made from an anchor that itself holds
 * borrowed nodes copies those too, so no node ends up shared.
 */
static void resolve_aliases(struct loader *l, bool expand)
{
	for (size_t i = 0; i < l->n_aliases; i++) {
		struct alias *x = &l->aliases[i];
		struct node *n = NULL;
		if (expand) {
			n = node_copy(x->parent->items[x->index]);
			n->line = x->line;
			n->col = x->col;
			n->start = x->start;
			n->end = x->end;
		}
		x->parent->items[x->index] = n;
	}
}

static int on_start(struct loader *l, const yaml_event_t *ev, enum node_kind kind,
		    const yaml_char_t *anchor)
{
	int r;

	if (want_key(l))
		return fail_at(l, ev->start_mark, "expected a scalar as mapping key, found a %s",
			       kind == NODE_ARRAY ? "sequence" : "mapping");
	if (l->depth == NODE_MAX_DEPTH)
		return fail_at(l, ev->start_mark, "nesting deeper than %d levels", NODE_MAX_DEPTH);
	size_t before = l->nodes;
	r = count_nodes(l, 1, false, ev->start_mark);
	if (r < 0)
		return r;
	struct node *n = node_new(kind);
	struct pos at = mark_pos(l, ev->start_mark);
	n->line = at.line;
	n->col = at.col;
	n->start = at.off;
	place(l, n, 0);
	size_t a = anchor ? anchor_add(l, (const char *)anchor, n, false) : 0;
	GROW(l->stack, l->stack_alloc, l->depth + 1);
	l->stack[l->depth++] = (struct frame){ .n = n, .nodes_at_start = before, .anchor = a };
	return 0;
}

static void on_end(struct loader *l, const yaml_event_t *ev)
{
	struct frame f = l->stack[--l->depth];
	f.n->end = mark_pos(l, ev->end_mark).off;
	unsigned height = f.height + 1;
	if (f.anchor) {
		struct anchor *a = &l->anchors[f.anchor - 1];
		a->complete = true;
		a->count = l->nodes - f.nodes_at_start;
		a->height = height;
	}
	struct frame *t = top(l);
	if (t && height > t->height)
		t->height = height;
}

/* Line and column of byte @offset, for reader errors which carry no mark. */
static int fail_at_offset(struct loader *l, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at_offset(struct loader *l, size_t offset, const char *fmt, ...)
{
	const unsigned char *buf = (const unsigned char *)l->buf;
	unsigned line = 1;
	size_t line_off = 0;
	if (offset > l->len)
		offset = l->len;
	for (size_t i = 0; i < offset;) {
		size_t brk = break_len(buf + i, l->len - i);
		if (buf[i] == '\r' && i + 1 < l->len && buf[i + 1] == '\n')
			brk = 2;
		if (brk && i + brk <= offset) {
			line++;
			i += brk;
			line_off = i;
		} else {
			i++;
		}
	}
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	return error_set_at(l->err, -EINVAL, NULL, line, (unsigned)(offset - line_off) + 1, "%s",
			    msg);
}

static int parser_error(struct loader *l, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "syntax error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return error_set(l->err, -ENOMEM, "out of memory while reading YAML");
	case YAML_READER_ERROR:
		if (strstr(problem, "incomplete UTF-8"))
			return fail_at_offset(l, p->problem_offset,
					      "invalid UTF-8, incomplete sequence at end of input");
		if (strstr(problem, "leading UTF-8"))
			return fail_at_offset(l, p->problem_offset,
					      "invalid UTF-8, found byte 0x%02x",
					      (unsigned)p->problem_value & 0xff);
		if (strstr(problem, "trailing UTF-8"))
			return fail_at_offset(l, p->problem_offset,
					      "invalid UTF-8, found byte 0x%02x inside a sequence",
					      (unsigned)p->problem_value & 0xff);
		if (strstr(problem, "UTF-8") || strstr(problem, "Unicode"))
			return fail_at_offset(l, p->problem_offset, "invalid UTF-8, %s", problem);
		if (p->problem_value != -1)
			return fail_at_offset(l, p->problem_offset, "%s, found U+%04X", problem,
					      (unsigned)p->problem_value);
		return fail_at_offset(l, p->problem_offset, "%s", problem);
	default:
		if (p->context) {
			struct pos at = mark_pos(l, p->context_mark);
			return fail_at(l, p->problem_mark, "%s (%s that starts at %u:%u)", problem,
				       p->context, at.line, at.col);
		}
		return fail_at(l, p->problem_mark, "%s", problem);
	}
}

static int on_event(struct loader *l, const yaml_event_t *ev, bool *seen_doc, bool *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (*seen_doc)
			return fail_at(l, ev->start_mark, "more than one document");
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		*seen_doc = true;
		return 0;
	case YAML_STREAM_END_EVENT:
		*done = true;
		if (!*seen_doc)
			return fail_at(l, ev->start_mark, "empty document");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(l, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(l, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(l, ev, NODE_ARRAY, ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_start(l, ev, NODE_OBJECT, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_end(l, ev);
		return 0;
	default:
		return 0;
	}
}

static void loader_release(struct loader *l)
{
	resolve_aliases(l, false);
	free(l->aliases);
	for (size_t i = 0; i < l->depth; i++)
		free(l->stack[i].key);
	free(l->stack);
	for (size_t i = 0; i < l->n_anchors; i++) {
		free(l->anchors[i].name);
		free(l->anchors[i].key_text);
		if (l->anchors[i].owned)
			node_free(l->anchors[i].n);
	}
	free(l->anchors);
	free(l->buckets);
	node_free(l->root);
}

/* Forget the anchors of a finished document: they do not carry over to the next one. */
static void forget_anchors(struct loader *l)
{
	for (size_t i = 0; i < l->n_anchors; i++) {
		free(l->anchors[i].name);
		free(l->anchors[i].key_text);
		if (l->anchors[i].owned)
			node_free(l->anchors[i].n);
	}
	l->n_anchors = 0;
	if (l->n_buckets)
		memset(l->buckets, 0, l->n_buckets * sizeof(*l->buckets));
}

/* Point @l and @parser at @buf, after a UTF-8 byte order mark. */
static int parser_start(struct loader *l, yaml_parser_t *parser, const char *buf, size_t len)
{
	if (!len)
		buf = ""; /* libyaml insists on a pointer */
	/* Skipped here rather than by libyaml, so that columns on line 1 stay right. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		buf += 3, len -= 3, l->base = 3;
	l->buf = buf;
	l->len = len;
	if (!yaml_parser_initialize(parser))
		return error_set(l->err, -ENOMEM, "out of memory while reading YAML");
	yaml_parser_set_input_string(parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);
	return 0;
}

static int parse_stream(const char *buf, size_t len, bool k8s, yaml_document_fn fn, void *data,
			struct scprof_error **err)
{
	struct loader l = { .err = err, .k8s = k8s };
	yaml_parser_t parser;
	bool done = false;
	size_t index = 0;
	int r = parser_start(&l, &parser, buf, len);

	if (r < 0)
		return r;
	while (!done && r == 0) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			r = parser_error(&l, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			break;
		case YAML_DOCUMENT_END_EVENT:
			resolve_aliases(&l, true);
			l.n_aliases = 0;
			l.nodes = 0;
			forget_anchors(&l);
			r = fn(steal_ptr(&l.root), index++, data);
			break;
		default:
			r = on_event(&l, &ev, &(bool){ false }, &done);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	loader_release(&l);
	return r;
}

int yaml_parse_stream(const char *buf, size_t len, yaml_document_fn fn, void *data,
		      struct scprof_error **err)
{
	return parse_stream(buf, len, false, fn, data, err);
}

int yaml_parse_stream_k8s(const char *buf, size_t len, yaml_document_fn fn, void *data,
			  struct scprof_error **err)
{
	return parse_stream(buf, len, true, fn, data, err);
}

static int parse_one(const char *buf, size_t len, bool k8s, struct node **out,
		     struct scprof_error **err)
{
	struct loader l = { .err = err, .k8s = k8s };
	yaml_parser_t parser;
	bool seen_doc = false, done = false;

	*out = NULL;
	int r = parser_start(&l, &parser, buf, len);
	if (r < 0)
		return r;
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			r = parser_error(&l, &parser);
			break;
		}
		r = on_event(&l, &ev, &seen_doc, &done);
		yaml_event_delete(&ev);
		if (r < 0)
			break;
	}
	yaml_parser_delete(&parser);
	if (r == 0) {
		resolve_aliases(&l, true);
		l.n_aliases = 0;
		*out = steal_ptr(&l.root);
	}
	loader_release(&l);
	return r;
}

int yaml_parse(const char *buf, size_t len, struct node **out, struct scprof_error **err)
{
	return parse_one(buf, len, false, out, err);
}

int yaml_parse_k8s(const char *buf, size_t len, struct node **out, struct scprof_error **err)
{
	return parse_one(buf, len, true, out, err);
}

/* Writer. */
static void indent(struct strbuf *sb, unsigned n)
{
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, ' ', n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static bool plain_safe(const char *s)
{
	static const char *const lookalikes[] = { "null", "Null", "NULL", "true", "True", "TRUE",
						  "false", "False", "FALSE",
						  /* YAML 1.1 booleans */
						  "y", "Y", "yes", "Yes", "YES", "n", "N", "no",
						  "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
						  NULL };
	size_t len = strlen(s);

	if (!len ||
	    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '/'))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	if (s[len - 1] == ' ' || s[len - 1] == ':' || strstr(s, ": ") || strstr(s, " #"))
		return false;
	return !word_in(s, len, lookalikes);
}

/* Whether code point @c may appear raw in a double-quoted scalar (YAML 1.2 5.1, 5.4). */
static bool quoted_raw_ok(uint32_t c)
{
	if (c < 0x80)
		return c >= 0x20 && c < 0x7f;
	if (c < 0xa0 || c == 0x2028 || c == 0x2029 || c == 0xfeff)
		return false;
	return (c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
}

static void write_quoted(const char *s, struct strbuf *sb)
{
	const char *p = s, *end = s + strlen(s);

	strbuf_addc(sb, '"');
	while (p < end) {
		uint32_t c;
		size_t n = node_utf8_next(p, (size_t)(end - p), &c);
		if (!n) {
			strbuf_adds(sb, "\\uFFFD");
			p++;
			continue;
		}
		if (c == '"' || c == '\\') {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, (char)c);
		} else if (quoted_raw_ok(c)) {
			strbuf_add(sb, p, n);
		} else if (c == '\n') {
			strbuf_adds(sb, "\\n");
		} else if (c == '\t') {
			strbuf_adds(sb, "\\t");
		} else if (c == '\r') {
			strbuf_adds(sb, "\\r");
		} else if (c <= 0xff) {
			strbuf_addf(sb, "\\x%02X", c);
		} else {
			strbuf_addf(sb, "\\u%04X", c);
		}
		p += n;
	}
	strbuf_addc(sb, '"');
}

static void write_string(const char *s, struct strbuf *sb)
{
	if (!s)
		s = "";
	if (plain_safe(s))
		strbuf_adds(sb, s);
	else
		write_quoted(s, sb);
}

static bool is_inline(const struct node *n)
{
	return (n->kind != NODE_ARRAY && n->kind != NODE_OBJECT) || !n->len;
}

static void write_inline(const struct node *n, struct strbuf *sb)
{
	switch (n->kind) {
	case NODE_NULL:
		strbuf_adds(sb, "null");
		break;
	case NODE_BOOL:
		strbuf_adds(sb, n->boolean ? "true" : "false");
		break;
	case NODE_NUMBER:
		strbuf_adds(sb, n->text ? n->text : "0");
		break;
	case NODE_STRING:
		write_string(n->text, sb);
		break;
	case NODE_ARRAY:
		strbuf_adds(sb, "[]");
		break;
	case NODE_OBJECT:
		strbuf_adds(sb, "{}");
		break;
	}
}

static void write_sequence(const struct node *n, unsigned ind, bool first_inline,
			   struct strbuf *sb);

/*
 * libyaml refuses implicit keys longer than 1024 characters; longer ones are
 * written as explicit "? key" entries.
 */
#define MAX_IMPLICIT_KEY 1000

static void write_mapping(const struct node *n, unsigned ind, bool first_inline, struct strbuf *sb)
{
	struct strbuf key = STRBUF_INIT;

	for (size_t i = 0; i < n->len; i++) {
		const struct node *v = n->items[i];
		if (i || !first_inline)
			indent(sb, ind);
		strbuf_reset(&key);
		write_string(n->keys[i].name, &key);
		bool explicit = key.len > MAX_IMPLICIT_KEY;
		if (explicit) {
			strbuf_adds(sb, "? ");
			strbuf_add(sb, key.buf, key.len);
			strbuf_addc(sb, '\n');
			indent(sb, ind);
		} else {
			strbuf_add(sb, key.buf, key.len);
		}
		strbuf_addc(sb, ':');
		if (is_inline(v)) {
			strbuf_addc(sb, ' ');
			write_inline(v, sb);
			strbuf_addc(sb, '\n');
		} else if (v->kind == NODE_OBJECT) {
			strbuf_addc(sb, '\n');
			write_mapping(v, ind + 2, false, sb);
		} else {
			strbuf_addc(sb, '\n');
			write_sequence(v, explicit ? ind + 2 : ind, false, sb);
		}
	}
	strbuf_release(&key);
}

static void write_sequence(const struct node *n, unsigned ind, bool first_inline, struct strbuf *sb)
{
	for (size_t i = 0; i < n->len; i++) {
		const struct node *v = n->items[i];
		if (i || !first_inline)
			indent(sb, ind);
		strbuf_adds(sb, "- ");
		if (is_inline(v)) {
			write_inline(v, sb);
			strbuf_addc(sb, '\n');
		} else if (v->kind == NODE_OBJECT) {
			write_mapping(v, ind + 2, true, sb);
		} else {
			write_sequence(v, ind + 2, true, sb);
		}
	}
}

void yaml_write(const struct node *n, struct strbuf *sb)
{
	if (!n) {
		strbuf_adds(sb, "null\n");
	} else if (is_inline(n)) {
		write_inline(n, sb);
		strbuf_addc(sb, '\n');
	} else if (n->kind == NODE_OBJECT) {
		write_mapping(n, 0, false, sb);
	} else {
		write_sequence(n, 0, false, sb);
	}
}

void yaml_write_string(const char *s, struct strbuf *sb)
{
	write_string(s, sb);
}
