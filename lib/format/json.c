// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON reader with source positions, and pretty or compact writer, for the node tree. */

/*
 * Grammar: RFC 8259, strictly.
 *
 *   document = ws value ws            (one value; a leading UTF-8 BOM is skipped)
 *   value    = object / array / string / number / "true" / "false" / "null"
 *   object   = "{" ws [ string ws ":" ws value ws *( "," ws string ws ":" ws value ws ) ] "}"
 *   array    = "[" ws [ value ws *( "," ws value ws ) ] "]"
 *   number   = [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ]
 *              [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
 *   string   = '"' *( plain / escape ) '"'
 *   escape   = "\" ( '"' / "\" / "/" / "b" / "f" / "n" / "r" / "t" / "u" 4HEXDIG )
 *   plain    = any UTF-8 character from U+0020 except '"' and "\"
 *   ws       = *( " " / "\t" / "\n" / "\r" )
 *
 * Strings must be well-formed UTF-8 with no unescaped control characters; \u
 * escapes of surrogates must come in high-low pairs; \u0000 is refused because
 * tree strings are NUL-terminated.  Numbers keep their literal text, so that
 * range checks belong to the consumer.  Duplicate keys are kept in order.
 * Nesting is bounded by NODE_MAX_DEPTH and the value count by NODE_MAX_NODES; the
 * parser keeps an explicit stack instead of recursing.  Lines and columns are
 * 1-based and columns count bytes.
 */
#include "format/node.h"

struct parser {
	const char *base; /* the buffer as given, for byte offsets */
	const char *p, *end;
	const char *line_start;
	unsigned line;
	size_t nodes;
	struct strbuf sb; /* reused for strings with escapes */
	struct scprof_error **err;
};

static unsigned col_of(const struct parser *ps, const char *at)
{
	return (unsigned)(at - ps->line_start) + 1;
}

/* Describe the byte at @at for an error message ("'x'", "end of input", "byte 0x80"). */
static const char *describe(const struct parser *ps, const char *at, char buf[16])
{
	if (at >= ps->end)
		return "end of input";
	unsigned char c = (unsigned char)*at;
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else if (c == '\n')
		snprintf(buf, 16, "newline");
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static int fail_at(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	return error_set_at(ps->err, -EINVAL, NULL, ps->line, col_of(ps, at), "%s", msg);
}

static void skip_ws(struct parser *ps)
{
	const char *p = ps->p;
	while (p < ps->end) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
		} else if (*p == '\n') {
			p++;
			ps->line++;
			ps->line_start = p;
		} else {
			break;
		}
	}
	ps->p = p;
}

static struct node *new_node(struct parser *ps, enum node_kind kind, const char *at)
{
	struct node *n = node_new(kind);
	n->line = ps->line;
	n->col = col_of(ps, at);
	n->start = (size_t)(at - ps->base);
	return n;
}

static int count_node(struct parser *ps, const char *at)
{
	if (++ps->nodes > NODE_MAX_NODES)
		return fail_at(ps, at, "more than %d values in document", NODE_MAX_NODES);
	return 0;
}

static int hex4(const char *p, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f)), b[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	}
	strbuf_add(sb, b, n);
}

/* At a backslash: decode one escape into ps->sb and advance past it. */
static int parse_escape(struct parser *ps)
{
	const char *bs = ps->p;
	char buf[16];
	if (bs + 1 >= ps->end)
		return fail_at(ps, bs, "unterminated string");
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, bs[1]);
	if (bs[1] && e) {
		strbuf_addc(&ps->sb, to[e - from]);
		ps->p = bs + 2;
		return 0;
	}
	if (bs[1] != 'u')
		return fail_at(ps, bs, "invalid escape in string, found '\\' followed by %s",
			       describe(ps, bs + 1, buf));
	uint32_t c, lo;
	if (hex4(bs + 2, ps->end, &c) < 0)
		return fail_at(ps, bs, "invalid \\u escape, expected 4 hex digits");
	ps->p = bs + 6;
	if (c >= 0xdc00 && c <= 0xdfff)
		return fail_at(ps, bs, "invalid \\u escape, lone low surrogate \\u%04x", c);
	if (c >= 0xd800 && c <= 0xdbff) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
		    hex4(ps->p + 2, ps->end, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail_at(
				ps, bs,
				"invalid \\u escape, high surrogate \\u%04x not followed by a low surrogate",
				c);
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		ps->p += 6;
	}
	if (c == 0)
		return fail_at(ps, bs, "NUL character in string");
	add_utf8(&ps->sb, c);
	return 0;
}

/* Bytes that end a run of plain string content: '"', '\\', controls and non-ASCII. */
static bool is_special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

/*
 * At the opening quote: parse a string, return it in *out (caller frees).
 * Strings without escapes are copied straight from the input.
 */
static int parse_string(struct parser *ps, char **out)
{
	const char *open = ps->p;
	const char *p = open + 1, *run = p;
	bool buffered = false;
	int r;

	strbuf_reset(&ps->sb);
	for (;;) {
		while (p < ps->end && !is_special((unsigned char)*p))
			p++;
		if (p >= ps->end)
			return fail_at(ps, open, "unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			if (!buffered) {
				*out = xstrndup(run, (size_t)(p - run));
			} else {
				strbuf_add(&ps->sb, run, (size_t)(p - run));
				*out = xstrndup(ps->sb.buf, ps->sb.len);
			}
			ps->p = p + 1;
			return 0;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = node_utf8_next(p, (size_t)(ps->end - p), &cp);
			if (!n)
				return fail_at(ps, p, "invalid UTF-8 in string");
			p += n;
			continue;
		}
		if (c < 0x20) {
			if (c == '\n')
				return fail_at(ps, open, "unterminated string, found newline");
			return fail_at(ps, p, "unescaped control character 0x%02x in string", c);
		}
		/* backslash */
		strbuf_add(&ps->sb, run, (size_t)(p - run));
		buffered = true;
		ps->p = p;
		r = parse_escape(ps);
		if (r < 0)
			return r;
		p = run = ps->p;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps, struct node **out)
{
	const char *start = ps->p, *p = start, *end = ps->end;
	char buf[16];

	if (*p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return fail_at(ps, p, "expected a digit after '-', found %s", describe(ps, p, buf));
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return fail_at(ps, start, "invalid number, leading zeros are not allowed");
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return fail_at(ps, p, "expected a digit after '.' in number, found %s",
				       describe(ps, p, buf));
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return fail_at(ps, p, "expected a digit in number exponent, found %s",
				       describe(ps, p, buf));
		while (p < end && is_digit(*p))
			p++;
	}
	struct node *n = new_node(ps, NODE_NUMBER, start);
	n->text = xstrndup(start, (size_t)(p - start));
	n->end = (size_t)(p - ps->base);
	ps->p = p;
	*out = n;
	return 0;
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

/* A scalar value: string, number, true, false, null. */
static int parse_scalar(struct parser *ps, struct node **out)
{
	const char *p = ps->p;
	char buf[16];
	int r;

	if (p >= ps->end)
		return fail_at(ps, p, "expected a value, found end of input");
	if (*p == '"') {
		char *s;
		r = parse_string(ps, &s);
		if (r < 0)
			return r;
		*out = new_node(ps, NODE_STRING, p);
		(*out)->text = s;
		(*out)->end = (size_t)(ps->p - ps->base);
		return 0;
	}
	if (*p == '-' || is_digit(*p))
		return parse_number(ps, out);

	static const struct {
		const char *word;
		enum node_kind kind;
		bool value;
	} words[] = {
		{ "true", NODE_BOOL, true },
		{ "false", NODE_BOOL, false },
		{ "null", NODE_NULL, false },
	};
	const char *w = p;
	while (w < ps->end && w - p < 32 && is_word(*w))
		w++;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if ((size_t)(w - p) == strlen(words[i].word) &&
		    memcmp(p, words[i].word, (size_t)(w - p)) == 0) {
			*out = new_node(ps, words[i].kind, p);
			(*out)->boolean = words[i].value;
			(*out)->end = (size_t)(w - ps->base);
			ps->p = w;
			return 0;
		}
	}
	if (w > p)
		return fail_at(ps, p, "expected a value, found '%.*s'", (int)(w - p), p);
	return fail_at(ps, p, "expected a value, found %s", describe(ps, p, buf));
}

/* Where a key was found. */
struct key_pos {
	unsigned line, col;
	size_t start, end;
};

/* Object members are added with their key's position and without copying the key. */
static void object_add_owned(struct node *obj, char *key, const struct key_pos *at,
			     struct node *val)
{
	node_object_add(obj, "", val);
	free(obj->keys[obj->len - 1].name);
	obj->keys[obj->len - 1] = (struct node_key){
		.name = key, .line = at->line, .col = at->col, .start = at->start, .end = at->end
	};
}

/* Parse `"key" ws ":"` leaving *key (caller frees) and its position. */
static int parse_key(struct parser *ps, char **key, struct key_pos *at, const char *expected)
{
	char buf[16];
	int r;

	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != '"')
		return fail_at(ps, ps->p, "expected %s, found %s", expected,
			       describe(ps, ps->p, buf));
	at->line = ps->line;
	at->col = col_of(ps, ps->p);
	at->start = (size_t)(ps->p - ps->base);
	r = parse_string(ps, key);
	if (r < 0)
		return r;
	at->end = (size_t)(ps->p - ps->base);
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != ':') {
		free(steal_ptr(key));
		return fail_at(ps, ps->p, "expected ':' after object key, found %s",
			       describe(ps, ps->p, buf));
	}
	ps->p++;
	return 0;
}

struct frame {
	struct node *n;
	char *key; /* OBJECT: key of the member being parsed */
	struct key_pos key_at;
};

static void attach(struct frame *top, struct node *val)
{
	if (top->n->kind == NODE_ARRAY) {
		node_array_add(top->n, val);
	} else {
		object_add_owned(top->n, top->key, &top->key_at, val);
		top->key = NULL;
	}
}

static int parse_document(struct parser *ps, struct node **root)
{
	struct frame stack[NODE_MAX_DEPTH];
	size_t depth = 0;
	char buf[16];
	int r = 0;

	for (;;) {
		/* A value is expected here. */
		skip_ws(ps);
		const char *at = ps->p;
		struct node *val = NULL;
		r = count_node(ps, at);
		if (r < 0)
			goto out;
		if (at < ps->end && (*at == '[' || *at == '{')) {
			if (depth == NODE_MAX_DEPTH) {
				r = fail_at(ps, at, "nesting deeper than %d levels",
					    NODE_MAX_DEPTH);
				goto out;
			}
			val = new_node(ps, *at == '[' ? NODE_ARRAY : NODE_OBJECT, at);
			if (depth)
				attach(&stack[depth - 1], val);
			else
				*root = val;
			stack[depth++] = (struct frame){ .n = val };
			ps->p++;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == (*at == '[' ? ']' : '}')) {
				ps->p++;
				val->end = (size_t)(ps->p - ps->base);
				depth--;
			} else if (*at == '[') {
				continue;
			} else {
				struct frame *f = &stack[depth - 1];
				r = parse_key(ps, &f->key, &f->key_at,
					      "string key or '}' in object");
				if (r < 0)
					goto out;
				continue;
			}
		} else {
			r = parse_scalar(ps, &val);
			if (r < 0)
				goto out;
			if (depth)
				attach(&stack[depth - 1], val);
			else
				*root = val;
		}

		/* After a complete value: close containers, or go on with the next item. */
		for (;;) {
			if (!depth)
				goto out;
			struct frame *f = &stack[depth - 1];
			bool is_array = f->n->kind == NODE_ARRAY;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == (is_array ? ']' : '}')) {
				ps->p++;
				f->n->end = (size_t)(ps->p - ps->base);
				depth--;
				continue;
			}
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				if (!is_array) {
					r = parse_key(ps, &f->key, &f->key_at,
						      "string key after ',' in object");
					if (r < 0)
						goto out;
				}
				break;
			}
			r = fail_at(ps, ps->p, "expected ',' or '%c' after %s, found %s",
				    is_array ? ']' : '}',
				    is_array ? "array element" : "object member",
				    describe(ps, ps->p, buf));
			goto out;
		}
	}
out:
	while (depth)
		free(stack[--depth].key);
	return r;
}

int json_parse(const char *buf, size_t len, struct node **out, struct scprof_error **err)
{
	_cleanup_node_ struct node *root = NULL;
	char b[16];
	int r;

	*out = NULL;
	if (!len)
		buf = "";
	struct parser ps = {
		.base = buf, .p = buf, .end = buf + len, .line_start = buf, .line = 1, .err = err
	};
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		ps.p = ps.line_start = buf + 3;
	skip_ws(&ps);
	if (ps.p >= ps.end)
		return fail_at(&ps, ps.p, "empty document");
	r = parse_document(&ps, &root);
	strbuf_release(&ps.sb);
	if (r < 0)
		return r;
	skip_ws(&ps);
	if (ps.p < ps.end)
		return fail_at(&ps, ps.p, "expected end of input after the value, found %s",
			       describe(&ps, ps.p, b));
	*out = steal_ptr(&root);
	return 0;
}

/*
 * Writer.  Strings are escaped as RFC 8259 requires and no further: '"', '\\'
 * and control characters; non-ASCII UTF-8 is kept as is, and bytes that are not
 * well-formed UTF-8 (only possible in trees built by hand) become U+FFFD.
 */
static void write_string(const char *s, struct strbuf *sb)
{
	size_t len = s ? strlen(s) : 0;
	const char *run = s, *p = s, *end = s + len;

	strbuf_grow(sb, len + 2);
	strbuf_addc(sb, '"');
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (!is_special(c)) {
			p++;
			continue;
		}
		uint32_t cp;
		size_t n = 0;
		if (c >= 0x80) {
			n = node_utf8_next(p, (size_t)(end - p), &cp);
			if (n) {
				p += n;
				continue;
			}
		}
		strbuf_add(sb, run, (size_t)(p - run));
		switch (c) {
		case '"':
			strbuf_adds(sb, "\\\"");
			break;
		case '\\':
			strbuf_adds(sb, "\\\\");
			break;
		case '\b':
			strbuf_adds(sb, "\\b");
			break;
		case '\f':
			strbuf_adds(sb, "\\f");
			break;
		case '\n':
			strbuf_adds(sb, "\\n");
			break;
		case '\r':
			strbuf_adds(sb, "\\r");
			break;
		case '\t':
			strbuf_adds(sb, "\\t");
			break;
		default:
			if (c < 0x20)
				strbuf_addf(sb, "\\u%04x", c);
			else
				strbuf_adds(sb, "\\ufffd");
		}
		run = ++p;
	}
	strbuf_add(sb, run, (size_t)(p - run));
	strbuf_addc(sb, '"');
}

static void newline_indent(struct strbuf *sb, bool pretty, unsigned level)
{
	if (!pretty)
		return;
	strbuf_grow(sb, level + 1);
	sb->buf[sb->len++] = '\n';
	memset(sb->buf + sb->len, '\t', level);
	sb->len += level;
	sb->buf[sb->len] = '\0';
}

static void write_value(const struct node *n, bool pretty, unsigned level, struct strbuf *sb)
{
	switch (n->kind) {
	case NODE_NULL:
		strbuf_adds(sb, "null");
		return;
	case NODE_BOOL:
		strbuf_adds(sb, n->boolean ? "true" : "false");
		return;
	case NODE_NUMBER:
		strbuf_adds(sb, n->text ? n->text : "0");
		return;
	case NODE_STRING:
		write_string(n->text, sb);
		return;
	case NODE_ARRAY:
	case NODE_OBJECT:
		break;
	}
	bool obj = n->kind == NODE_OBJECT;
	strbuf_addc(sb, obj ? '{' : '[');
	for (size_t i = 0; i < n->len; i++) {
		if (i)
			strbuf_addc(sb, ',');
		newline_indent(sb, pretty, level + 1);
		if (obj) {
			write_string(n->keys[i].name, sb);
			strbuf_adds(sb, pretty ? ": " : ":");
		}
		write_value(n->items[i], pretty, level + 1, sb);
	}
	if (n->len)
		newline_indent(sb, pretty, level);
	strbuf_addc(sb, obj ? '}' : ']');
}

void json_write(const struct node *n, bool pretty, struct strbuf *sb)
{
	if (n)
		write_value(n, pretty, 0, sb);
	else
		strbuf_adds(sb, "null");
	strbuf_addc(sb, '\n');
}

void json_write_string(const char *s, struct strbuf *sb)
{
	write_string(s, sb);
}
