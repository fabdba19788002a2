// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * k8s patch: seccompProfile (and, to harden, allowPrivilegeEscalation,
 * capabilities and runAsNonRoot) set in the pod specs of Kubernetes manifests
 * by editing their text, so that what the patch does not touch stays as
 * written: key order, comments, quoting, indentation, other documents.
 *
 * The readers give every value and key its byte offsets (format/node.h).  A
 * patch is a tree of wanted values merged into an existing mapping:
 *
 *   - a key whose value already equals the wanted one is left alone, so a
 *     second patch changes nothing;
 *   - a wanted mapping is merged into an existing mapping, recursively;
 *   - another value replaces the old one's text (a string keeps its quotes);
 *     a list that only loses items loses just those items;
 *   - a wanted null removes the key;
 *   - missing keys are added after the mapping's last entry, in one piece.
 *
 * New text takes the style of where it goes:
 *
 *   - YAML block mapping: "key: value" lines at the column of the mapping's
 *     keys, nested mappings indented by the file's step (taken from the first
 *     block mapping that holds another), lists as "- item" lines indented as
 *     the file indents a list under its key ("containers:\n- name" or
 *     "containers:\n  - name");
 *   - YAML flow mapping: ", key: value" after the last entry, all inline, or
 *     on a line of its own when the mapping has one entry per line;
 *   - JSON: the same with quoted keys and the file's separators; nested
 *     objects, in an object with one member per line, are written one member
 *     per line, indented by the document's own step.
 *
 * Line breaks are the file's (the kind its first line ends with).  A node
 * reached through a YAML alias, or carrying an anchor, is not edited: the
 * change would show up wherever the anchor is used.  Finally the result is
 * read again and patched again as a dry run: a syntax error, or an edit still
 * to make, is reported as a bug instead of giving a broken file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <sys/types.h>

#include "format/node.h"
#include "scprof/patch.h"
#include "scprof/pod.h"
#include "util/util.h"

/* Replace @del bytes at @at by @text; edits at one place keep the order they were made in. */
struct edit {
	size_t at, del;
	char *text;
	size_t seq;
};

struct style {
	const char *nl;
	unsigned step; /* YAML block: indentation of a nested mapping */
	unsigned seq_indent; /* YAML block: from a key's column to its list's '-' */
	bool pretty; /* JSON: one member per line */
	char unit[32]; /* JSON, pretty: one level of indentation */
	const char *colon, *comma; /* JSON: separators as the file writes them */
};

struct patcher {
	const char *buf;
	size_t len;
	const char *file;
	const struct scprof_patch_opts *o;
	struct scprof_error **err;
	bool json;
	bool dry; /* the check of the result: count edits, note nothing */
	struct style st;
	size_t doc; /* 1-based */
	struct edit *edits;
	size_t n_edits, edits_alloc;
	size_t templates, matched;
	struct strbuf containers; /* the containers seen, for "no container" */
	struct strbuf skipped; /* objects without a pod template */
	struct scprof_diags *notes;
};

static int __attribute__((format(printf, 4, 0)))
vfail(struct patcher *p, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	return error_set_at(p->err, -EINVAL, p->file, line, col, "document %zu: %s", p->doc, msg);
}

static int __attribute__((format(printf, 3, 4)))
fail(struct patcher *p, const struct node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = vfail(p, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
	return e;
}

static int __attribute__((format(printf, 3, 4)))
fail_key(struct patcher *p, const struct node_key *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = vfail(p, at->line, at->col, fmt, ap);
	va_end(ap);
	return e;
}

static void __attribute__((format(printf, 3, 4)))
note(struct patcher *p, const struct node *at, const char *fmt, ...)
{
	if (p->dry)
		return;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	scprof_diags_add(p->notes, SCPROF_SEV_WARNING, at ? at->line : 0, at ? at->col : 0,
			 "document %zu: %s", p->doc, msg);
}

static const char *a_kind(enum node_kind kind)
{
	switch (kind) {
	case NODE_NULL:
		return "null";
	case NODE_BOOL:
		return "a boolean";
	case NODE_NUMBER:
		return "a number";
	case NODE_STRING:
		return "a string";
	case NODE_ARRAY:
		return "a list";
	default:
		return "an object";
	}
}

static const char *str(const struct node *n)
{
	return n && n->kind == NODE_STRING ? n->text : NULL;
}

static const struct node *object(const struct node *n)
{
	return n && n->kind == NODE_OBJECT ? n : NULL;
}

/* ---- the text around a node ---- */

/*
 * Line breaks as the readers count them: \n, \r\n and \r, and in YAML also
 * NEL, LS and PS (libyaml reads YAML 1.1 there).  The length of the break
 * that starts at @at, 0 if none.
 */
static size_t break_at(const struct patcher *p, size_t at)
{
	const unsigned char *b = (const unsigned char *)p->buf;
	size_t left = p->len - at;
	if (at >= p->len)
		return 0;
	if (b[at] == '\n')
		return 1;
	if (b[at] == '\r')
		return left > 1 && b[at + 1] == '\n' ? 2 : 1;
	if (p->json)
		return 0;
	if (left > 1 && b[at] == 0xc2 && b[at + 1] == 0x85)
		return 2;
	if (left > 2 && b[at] == 0xe2 && b[at + 1] == 0x80 &&
	    (b[at + 2] == 0xa8 || b[at + 2] == 0xa9))
		return 3;
	return 0;
}

/* Whether a line break ends just before @at. */
static bool after_break(const struct patcher *p, size_t at)
{
	const unsigned char *b = (const unsigned char *)p->buf;
	if (!at)
		return false;
	if (b[at - 1] == '\n')
		return true;
	if (b[at - 1] == '\r')
		return at == p->len || b[at] != '\n';
	if (p->json)
		return false;
	return (at >= 2 && b[at - 2] == 0xc2 && b[at - 1] == 0x85) ||
	       (at >= 3 && b[at - 3] == 0xe2 && b[at - 2] == 0x80 &&
		(b[at - 1] == 0xa8 || b[at - 1] == 0xa9));
}

static size_t line_start(const struct patcher *p, size_t at)
{
	while (at > 0 && !after_break(p, at))
		at--;
	return at;
}

static unsigned column(const struct patcher *p, size_t at)
{
	return (unsigned)(at - line_start(p, at));
}

static bool blank(const struct patcher *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p->buf[i] != ' ' && p->buf[i] != '\t')
			return false;
	return true;
}

/*
 * The start of the line after the one @at ends on, or the end of the input;
 * @at itself when only indentation comes before it on its line (a block scalar
 * ends where the next line starts).
 */
static size_t next_line(const struct patcher *p, size_t at)
{
	size_t q = at;
	while (q > 0 && p->buf[q - 1] == ' ')
		q--;
	if (after_break(p, q))
		return q;
	for (size_t i = at; i < p->len; i++) {
		size_t n = break_at(p, i);
		if (n)
			return i + n;
	}
	return p->len;
}

/* The whitespace that starts the line of @at; caller frees. */
static char *line_indent(const struct patcher *p, size_t at)
{
	size_t s = line_start(p, at), e = s;
	while (e < p->len && (p->buf[e] == ' ' || p->buf[e] == '\t'))
		e++;
	return xstrndup(p->buf + s, e - s);
}

static bool is_alias(const struct patcher *p, const struct node *n)
{
	return !p->json && n->start < p->len && p->buf[n->start] == '*';
}

/* Where @n's content starts, after YAML properties (!tag, &anchor); *anchored if one is an anchor. */
static size_t content_start(const struct patcher *p, const struct node *n, bool *anchored)
{
	size_t at = n->start;
	if (anchored)
		*anchored = false;
	while (!p->json && at < n->end && (p->buf[at] == '!' || p->buf[at] == '&')) {
		if (p->buf[at] == '&' && anchored)
			*anchored = true;
		while (at < n->end && !isspace((unsigned char)p->buf[at]))
			at++;
		while (at < n->end && isspace((unsigned char)p->buf[at]))
			at++;
	}
	return at;
}

static bool is_flow(const struct patcher *p, const struct node *n)
{
	if (p->json)
		return true;
	size_t at = content_start(p, n, NULL);
	return at < p->len && (p->buf[at] == '{' || p->buf[at] == '[');
}

static bool is_block_collection(const struct patcher *p, const struct node *n)
{
	return (n->kind == NODE_OBJECT || n->kind == NODE_ARRAY) && !is_alias(p, n) &&
	       !is_flow(p, n);
}

/* Just past @n's last character: a block collection's end is that of its last item. */
static size_t content_end(const struct patcher *p, const struct node *n)
{
	while (n->len && is_block_collection(p, n))
		n = n->items[n->len - 1];
	return n->end;
}

/* A node edited, or holding what is edited, must not be shared through YAML aliases. */
static int editable(struct patcher *p, const struct node *n, const char *path)
{
	bool anchored;
	if (p->json)
		return 0;
	if (is_alias(p, n))
		return fail(
			p, n,
			"%s is a YAML alias: the change would apply wherever its anchor is used; patch it by hand",
			path);
	content_start(p, n, &anchored);
	if (anchored)
		return fail(
			p, n,
			"%s carries a YAML anchor: the change would apply wherever it is used; patch it by hand",
			path);
	return 0;
}

static void add_edit(struct patcher *p, size_t at, size_t del, char *text)
{
	GROW(p->edits, p->edits_alloc, p->n_edits + 1);
	p->edits[p->n_edits] = (struct edit){ at, del, text, p->n_edits };
	p->n_edits++;
}

/* ---- writing values ---- */

static void spaces(struct strbuf *sb, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		strbuf_addc(sb, ' ');
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/*
 * A YAML string: in @quote ('\'' or '"') when the old value was quoted so,
 * else plain when that reads back the same (in flow context, without flow
 * indicators), else double-quoted.  JSON's escapes are YAML's too.
 */
static void yaml_string(struct strbuf *sb, const char *s, bool flow, char quote)
{
	if (quote == '\'' && printable(s)) {
		strbuf_addc(sb, '\'');
		for (const char *c = s; *c; c++)
			if (*c == '\'')
				strbuf_adds(sb, "''");
			else
				strbuf_addc(sb, *c);
		strbuf_addc(sb, '\'');
		return;
	}
	if (quote == '"') {
		json_write_string(s, sb);
		return;
	}
	struct strbuf plain = STRBUF_INIT;
	yaml_write_string(s, &plain);
	if (flow && plain.buf[0] != '"' && strpbrk(plain.buf, ",[]{}"))
		json_write_string(s, sb);
	else
		strbuf_add(sb, plain.buf, plain.len);
	strbuf_release(&plain);
}

static void write_key(const struct patcher *p, struct strbuf *sb, const char *key, bool flow)
{
	if (p->json)
		json_write_string(key, sb);
	else
		yaml_string(sb, key, flow, 0);
}

static void write_scalar(const struct patcher *p, struct strbuf *sb, const struct node *v,
			 bool flow, char quote)
{
	switch (v->kind) {
	case NODE_BOOL:
		strbuf_adds(sb, v->boolean ? "true" : "false");
		break;
	case NODE_NUMBER:
		strbuf_adds(sb, v->text);
		break;
	case NODE_STRING:
		if (p->json)
			json_write_string(v->text, sb);
		else
			yaml_string(sb, v->text, flow, quote);
		break;
	default:
		strbuf_adds(sb, "null");
		break;
	}
}

/* A value inline: {k: v, ...} and [a, ...] (JSON with the file's separators). */
static void write_flow(const struct patcher *p, struct strbuf *sb, const struct node *v)
{
	const char *colon = p->json ? p->st.colon : ": ", *comma = p->json ? p->st.comma : ", ";
	if (v->kind != NODE_OBJECT && v->kind != NODE_ARRAY) {
		write_scalar(p, sb, v, true, 0);
		return;
	}
	bool obj = v->kind == NODE_OBJECT, first = true;
	strbuf_addc(sb, obj ? '{' : '[');
	for (size_t i = 0; i < v->len; i++) {
		if (obj && v->items[i]->kind == NODE_NULL)
			continue; /* a key to remove */
		if (!first)
			strbuf_adds(sb, comma);
		first = false;
		if (obj) {
			write_key(p, sb, v->keys[i].name, true);
			strbuf_adds(sb, colon);
		}
		write_flow(p, sb, v->items[i]);
	}
	strbuf_addc(sb, obj ? '}' : ']');
}

/* JSON, one member or item per line; @ind is the indentation of the line the value starts on. */
static void write_pretty(const struct patcher *p, struct strbuf *sb, const struct node *v,
			 const char *ind)
{
	if ((v->kind != NODE_OBJECT && v->kind != NODE_ARRAY) || !v->len) {
		write_flow(p, sb, v);
		return;
	}
	bool obj = v->kind == NODE_OBJECT, first = true;
	_cleanup_free_ char *inner = xasprintf("%s%s", ind, p->st.unit);
	strbuf_addc(sb, obj ? '{' : '[');
	for (size_t i = 0; i < v->len; i++) {
		if (obj && v->items[i]->kind == NODE_NULL)
			continue;
		strbuf_addf(sb, "%s%s%s", first ? "" : ",", p->st.nl, inner);
		first = false;
		if (obj) {
			write_key(p, sb, v->keys[i].name, true);
			strbuf_adds(sb, p->st.colon);
		}
		write_pretty(p, sb, v->items[i], inner);
	}
	strbuf_addf(sb, "%s%s%c", p->st.nl, ind, obj ? '}' : ']');
}

static void write_block_seq(const struct patcher *p, struct strbuf *sb, const struct node *arr,
			    unsigned ind)
{
	for (size_t i = 0; i < arr->len; i++) {
		spaces(sb, ind);
		strbuf_adds(sb, "- ");
		write_flow(p, sb, arr->items[i]);
		strbuf_adds(sb, p->st.nl);
	}
}

/* YAML block mapping entries at column @ind, each line ended. */
static void write_block(const struct patcher *p, struct strbuf *sb, const struct node *obj,
			unsigned ind)
{
	for (size_t i = 0; i < obj->len; i++) {
		const struct node *v = obj->items[i];
		if (v->kind == NODE_NULL)
			continue;
		spaces(sb, ind);
		write_key(p, sb, obj->keys[i].name, false);
		strbuf_addc(sb, ':');
		if (v->kind == NODE_OBJECT && v->len) {
			strbuf_adds(sb, p->st.nl);
			write_block(p, sb, v, ind + p->st.step);
		} else if (v->kind == NODE_ARRAY && v->len) {
			strbuf_adds(sb, p->st.nl);
			write_block_seq(p, sb, v, ind + p->st.seq_indent);
		} else {
			strbuf_addc(sb, ' ');
			if (v->kind == NODE_OBJECT || v->kind == NODE_ARRAY)
				write_flow(p, sb, v);
			else
				write_scalar(p, sb, v, false, 0);
			strbuf_adds(sb, p->st.nl);
		}
	}
}

/* Text that goes at the end of the input when it has no final line break: drop ours too. */
static void fit_end(const struct patcher *p, struct strbuf *sb, size_t at)
{
	size_t nl = strlen(p->st.nl);
	if (at == p->len && p->len && !after_break(p, p->len) && sb->len >= nl) {
		sb->len -= nl;
		sb->buf[sb->len] = '\0';
	}
}

/* ---- edits ---- */

/*
 * Remove the items flagged in @gone from a flow collection (YAML flow or
 * JSON) whose items start at @starts and end at @ends, with their commas.
 */
static void remove_flow(struct patcher *p, size_t n, const size_t *starts, const size_t *ends,
			const bool *gone)
{
	size_t first_kept = n;
	for (size_t i = 0; i < n && first_kept == n; i++)
		if (!gone[i])
			first_kept = i;
	if (first_kept == n) {
		add_edit(p, starts[0], ends[n - 1] - starts[0], xstrdup(""));
		return;
	}
	if (first_kept > 0) /* the leading ones with the comma after them */
		add_edit(p, starts[0], starts[first_kept] - starts[0], xstrdup(""));
	for (size_t i = first_kept + 1; i < n; i++) /* the others with the comma before them */
		if (gone[i])
			add_edit(p, ends[i - 1], ends[i] - ends[i - 1], xstrdup(""));
}

/* Remove the entries of mapping @m flagged in @gone. */
static int remove_entries(struct patcher *p, const struct node *m, const bool *gone,
			  const char *path)
{
	if (is_flow(p, m)) {
		size_t *starts = xcalloc(m->len, sizeof(*starts)),
		       *ends = xcalloc(m->len, sizeof(*ends));
		for (size_t i = 0; i < m->len; i++) {
			starts[i] = m->keys[i].start;
			ends[i] = content_end(p, m->items[i]);
		}
		remove_flow(p, m->len, starts, ends, gone);
		free(starts);
		free(ends);
		return 0;
	}
	for (size_t i = 0; i < m->len; i++) {
		if (!gone[i])
			continue;
		size_t ks = m->keys[i].start, ls = line_start(p, ks);
		if (!blank(p, ls, ks))
			return fail(p, m->items[i], "cannot remove %s.%s: it shares its line", path,
				    m->keys[i].name);
		add_edit(p, ls, next_line(p, content_end(p, m->items[i])) - ls, xstrdup(""));
	}
	return 0;
}

/* Add the entries of @fresh after the last entry of mapping @m (whose entries in @gone go). */
static void add_entries(struct patcher *p, const struct node *m, const struct node *fresh,
			const bool *gone)
{
	struct strbuf sb = STRBUF_INIT;
	if (!is_flow(p, m)) {
		/* a block mapping has entries, and all of them sit at one column */
		size_t at = next_line(p, content_end(p, m));
		if (at == p->len && p->len && !after_break(p, p->len))
			strbuf_adds(&sb, p->st.nl);
		write_block(p, &sb, fresh, column(p, m->keys[0].start));
		fit_end(p, &sb, at);
		add_edit(p, at, 0, strbuf_detach(&sb));
		return;
	}
	bool kept = false;
	for (size_t i = 0; i < m->len; i++)
		kept |= !gone[i];
	const char *colon = p->json ? p->st.colon : ": ", *comma = p->json ? p->st.comma : ", ";
	_cleanup_free_ char *ind = NULL, *outer = NULL;
	size_t at;
	bool lines;
	if (!m->len) {
		/* "{}": one member per line when the document is written so */
		at = content_start(p, m, NULL) + 1;
		lines = p->json && p->st.pretty;
		outer = line_indent(p, m->start);
		ind = xasprintf("%s%s", outer, p->st.unit);
	} else {
		at = content_end(p, m->items[m->len - 1]);
		size_t k = m->keys[0].start, ls = line_start(p, k);
		lines = m->keys[0].line > m->line;
		ind = lines && blank(p, ls, k) ? xstrndup(p->buf + ls, k - ls) : line_indent(p, k);
	}
	bool first = !kept;
	for (size_t i = 0; i < fresh->len; i++) {
		if (lines)
			strbuf_addf(&sb, "%s%s%s", first ? "" : ",", p->st.nl, ind);
		else if (!first)
			strbuf_adds(&sb, comma);
		first = false;
		write_key(p, &sb, fresh->keys[i].name, true);
		strbuf_adds(&sb, colon);
		if (lines && p->json)
			write_pretty(p, &sb, fresh->items[i], ind);
		else
			write_flow(p, &sb, fresh->items[i]);
	}
	if (!m->len && lines)
		strbuf_addf(&sb, "%s%s", p->st.nl, outer);
	add_edit(p, at, 0, strbuf_detach(&sb));
}

/* Replace the value of entry @i of mapping @m by @w. */
static int replace(struct patcher *p, const struct node *m, size_t i, const struct node *w,
		   const char *path)
{
	const struct node *v = m->items[i];
	bool anchored;
	size_t cs = content_start(p, v, &anchored);
	if (anchored)
		return editable(p, v, path);
	bool alias = is_alias(p, v);
	bool nested = (w->kind == NODE_OBJECT || w->kind == NODE_ARRAY) && w->len;
	char c = cs < p->len ? p->buf[cs] : 0;
	char quote = !alias && v->kind == NODE_STRING && (c == '"' || c == '\'') ? c : 0;
	struct strbuf sb = STRBUF_INIT;

	if (is_flow(p, m)) {
		if (v->start == v->end)
			strbuf_addc(&sb, ' ');
		if (p->json && p->st.pretty && nested && m->keys[0].line > m->line) {
			_cleanup_free_ char *ind = line_indent(p, m->keys[i].start);
			write_pretty(p, &sb, w, ind);
		} else if (w->kind == NODE_OBJECT || w->kind == NODE_ARRAY) {
			write_flow(p, &sb, w);
		} else {
			write_scalar(p, &sb, w, true, quote);
		}
		add_edit(p, v->start, v->end - v->start, strbuf_detach(&sb));
		return 0;
	}
	bool block_scalar = !alias && v->kind == NODE_STRING && (c == '|' || c == '>');
	if (!nested && !block_scalar && !is_block_collection(p, v)) {
		/* on the key's line */
		if (v->start == v->end)
			strbuf_addc(&sb, ' ');
		if (w->kind == NODE_OBJECT || w->kind == NODE_ARRAY)
			write_flow(p, &sb, w);
		else
			write_scalar(p, &sb, w, false, quote);
		add_edit(p, v->start, v->end - v->start, strbuf_detach(&sb));
		return 0;
	}
	/* lines of their own: everything from the key's ':' to the end of the old value's lines */
	size_t colon = m->keys[i].end;
	while (colon < p->len && isspace((unsigned char)p->buf[colon]))
		colon++;
	if (colon >= p->len || p->buf[colon] != ':')
		return fail(p, v, "cannot find the ':' of %s", path);
	size_t end = next_line(p, content_end(p, v));
	unsigned ind = column(p, m->keys[0].start);
	if (w->kind == NODE_OBJECT && w->len) {
		strbuf_adds(&sb, p->st.nl);
		write_block(p, &sb, w, ind + p->st.step);
	} else if (w->kind == NODE_ARRAY && w->len) {
		bool seq = v->kind == NODE_ARRAY && is_block_collection(p, v);
		strbuf_adds(&sb, p->st.nl);
		write_block_seq(p, &sb, w, seq ? column(p, v->start) : ind + p->st.seq_indent);
	} else {
		strbuf_addc(&sb, ' ');
		write_flow(p, &sb, w);
		strbuf_adds(&sb, p->st.nl);
	}
	fit_end(p, &sb, end);
	add_edit(p, colon + 1, end - (colon + 1), strbuf_detach(&sb));
	return 0;
}

/* Whether @want is @have with items left out; @keep flags the items of @have that stay. */
static bool subsequence(const struct node *want, const struct node *have, bool *keep)
{
	size_t j = 0;
	for (size_t i = 0; i < have->len; i++) {
		keep[i] = j < want->len && node_equal(have->items[i], want->items[j]);
		j += keep[i];
	}
	return j == want->len;
}

/* Remove the items of list @v that are not kept. */
static int drop_items(struct patcher *p, const struct node *v, const bool *keep, const char *path)
{
	int e = editable(p, v, path);
	if (e < 0)
		return e;
	size_t n = v->len;
	bool *gone = xcalloc(n, sizeof(*gone));
	size_t *starts = xcalloc(n, sizeof(*starts)), *ends = xcalloc(n, sizeof(*ends));
	for (size_t i = 0; i < n; i++) {
		gone[i] = !keep[i];
		starts[i] = v->items[i]->start;
		ends[i] = content_end(p, v->items[i]);
	}
	if (is_flow(p, v)) {
		remove_flow(p, n, starts, ends, gone);
	} else {
		for (size_t i = 0; i < n && !e; i++) {
			if (!gone[i])
				continue;
			size_t dash = starts[i];
			while (dash > 0 && p->buf[dash - 1] == ' ')
				dash--;
			size_t ls = dash ? line_start(p, dash - 1) : 0;
			if (!dash || p->buf[dash - 1] != '-' || !blank(p, ls, dash - 1))
				e = fail(p, v->items[i],
					 "cannot remove %s[%zu]: it shares its line", path, i);
			else
				add_edit(p, ls, next_line(p, ends[i]) - ls, xstrdup(""));
		}
	}
	free(gone);
	free(starts);
	free(ends);
	return e;
}

static ssize_t find_key(const struct node *m, const char *key)
{
	for (size_t i = m->len; i-- > 0;)
		if (!strcmp(m->keys[i].name, key))
			return (ssize_t)i;
	return -1;
}

/*
 * A key the patch sets that a mapping has twice: which one counts depends on
 * the reader (the API server refuses it), and the patch could not make both right.
 */
static int twice(struct patcher *p, const struct node *m, ssize_t at, const char *path)
{
	for (ssize_t i = 0; i < at; i++)
		if (!strcmp(m->keys[i].name, m->keys[at].name))
			return fail_key(p, &m->keys[at], "%s has '%s' twice (also at %u:%u)", path,
					m->keys[at].name, m->keys[i].line, m->keys[i].col);
	return 0;
}

/* Make mapping @m (at @path) hold what @want says; a null in @want removes its key. */
static int merge(struct patcher *p, const struct node *m, const struct node *want, const char *path)
{
	int e = editable(p, m, path);
	if (e < 0)
		return e;
	bool *gone = xcalloc(m->len + 1, sizeof(*gone)), any_gone = false;
	struct node *fresh = node_new(NODE_OBJECT);
	for (size_t i = 0; i < want->len && !e; i++) {
		const char *k = want->keys[i].name;
		const struct node *w = want->items[i];
		ssize_t at = find_key(m, k);
		_cleanup_free_ char *sub = xasprintf("%s.%s", path, k);
		if (at < 0) {
			if (w->kind != NODE_NULL)
				node_object_add(fresh, k, node_copy(w));
			continue;
		}
		const struct node *v = m->items[at];
		if ((e = twice(p, m, at, path)) < 0)
			break;
		if (w->kind == NODE_NULL) {
			gone[at] = any_gone = true;
		} else if (w->kind == NODE_OBJECT && v->kind == NODE_OBJECT) {
			e = merge(p, v, w, sub);
		} else if (w->kind == NODE_OBJECT && v->kind != NODE_NULL) {
			e = fail(p, v, "%s must be an object, not %s", sub, a_kind(v->kind));
		} else if (!node_equal(v, w)) {
			bool *keep = xcalloc(v->len + 1, sizeof(*keep));
			if (w->kind == NODE_ARRAY && v->kind == NODE_ARRAY && w->len &&
			    !is_alias(p, v) && subsequence(w, v, keep))
				e = drop_items(p, v, keep, sub);
			else
				e = replace(p, m, (size_t)at, w, sub);
			free(keep);
		}
	}
	if (!e && any_gone) {
		size_t kept = 0;
		for (size_t i = 0; i < m->len; i++)
			kept += !gone[i];
		/* the patches never ask for it: a key removed always has a sibling that stays */
		if (!kept && !fresh->len)
			e = fail(p, m, "%s would be left empty", path);
		else
			e = remove_entries(p, m, gone, path);
	}
	if (!e && fresh->len)
		add_entries(p, m, fresh, gone);
	node_free(fresh);
	free(gone);
	return e;
}

/* ---- what to set ---- */

static bool localhost(const struct patcher *p)
{
	return p->o->type == SCPROF_PATCH_LOCALHOST;
}

static const char *wanted_type(const struct patcher *p)
{
	return localhost(p) ? "Localhost" : "RuntimeDefault";
}

/* The seccompProfile to set where @sc (NULL if none) is the securityContext. */
static struct node *want_seccomp(const struct patcher *p, const struct node *sc)
{
	struct node *s = node_new(NODE_OBJECT);
	node_object_add(s, "type", node_new_string(wanted_type(p)));
	if (localhost(p))
		node_object_add(s, "localhostProfile", node_new_string(p->o->localhost));
	else if (node_get(object(node_get(object(sc), "seccompProfile")), "localhostProfile"))
		/* the API server refuses localhostProfile with another type */
		node_object_add(s, "localhostProfile", node_new(NODE_NULL));
	return s;
}

static bool has_string(const struct node *arr, const char *s)
{
	for (size_t i = 0; arr && arr->kind == NODE_ARRAY && i < arr->len; i++)
		if (str(arr->items[i]) && !strcmp(arr->items[i]->text, s))
			return true;
	return false;
}

/* The hardening the restricted level asks of a container, on top of @sc (NULL if none). */
static void want_harden(struct node *w, const struct node *sc)
{
	node_object_add(w, "allowPrivilegeEscalation", node_new_bool(false));
	const struct node *caps = object(node_get(object(sc), "capabilities"));
	const struct node *drop = node_get(caps, "drop"), *add = node_get(caps, "add");
	struct node *cw = node_new(NODE_OBJECT);
	if (!has_string(drop, "ALL")) {
		struct node *all = node_new(NODE_ARRAY);
		node_array_add(all, node_new_string("ALL"));
		node_object_add(cw, "drop", all);
	}
	if (add && add->kind == NODE_ARRAY) {
		/* restricted allows only NET_BIND_SERVICE to be added */
		struct node *keep = node_new(NODE_ARRAY);
		for (size_t i = 0; i < add->len; i++)
			if (str(add->items[i]) && !strcmp(add->items[i]->text, "NET_BIND_SERVICE"))
				node_array_add(keep, node_copy(add->items[i]));
		if (keep->len == add->len) {
			node_free(keep);
		} else if (!keep->len) {
			node_free(keep);
			node_object_add(cw, "add", node_new(NODE_NULL));
		} else {
			node_object_add(cw, "add", keep);
		}
	}
	if (cw->len)
		node_object_add(w, "capabilities", cw);
	else
		node_free(cw);
	node_object_add(w, "runAsNonRoot", node_new_bool(true));
}

/* Whether seccompProfile @s (an object) says what the patch sets. */
static bool seccomp_as_wanted(const struct patcher *p, const struct node *s)
{
	const char *type = str(node_get(s, "type")), *lp = str(node_get(s, "localhostProfile"));
	if (!type || strcmp(type, wanted_type(p)))
		return false;
	return !localhost(p) || (lp && !strcmp(lp, p->o->localhost));
}

/* A pre-1.19 seccomp annotation that says otherwise is set to the same as the field. */
static int fix_annotation(struct patcher *p, const struct node *tmpl, const char *key,
			  const char *tpath)
{
	const struct node *meta = object(node_get(tmpl, "metadata"));
	const struct node *v = node_get(object(node_get(meta, "annotations")), key);
	if (!v)
		return 0;
	_cleanup_free_ char *want = localhost(p) ? xasprintf("localhost/%s", p->o->localhost) :
						   xstrdup("runtime/default");
	const char *path = NULL;
	const char *type = str(v) ? scprof_pod_seccomp_annotation_type(v->text, &path) : NULL;
	if (type && !strcmp(type, localhost(p) ? "Localhost" : "RuntimeDefault") &&
	    (!path || !strcmp(path, p->o->localhost)))
		return 0;
	_cleanup_node_ struct node *w = node_new(NODE_OBJECT);
	struct node *ann = node_new(NODE_OBJECT);
	node_object_add(ann, key, node_new_string(want));
	node_object_add(w, "annotations", ann);
	_cleanup_free_ char *mpath = xasprintf("%smetadata", tpath);
	return merge(p, meta, w, mpath);
}

static const char *const lists[] = { "containers", "initContainers", "ephemeralContainers" };

/* Where a patched pod may still be refused: said, not changed. */
static void pod_notes(struct patcher *p, const struct node *spec, const struct node *ctr,
		      const char *spec_path)
{
	const struct node *psc = object(node_get(spec, "securityContext"));
	const struct node *csc = object(node_get(ctr, "securityContext"));
	const char *cname = ctr ? str(node_get(ctr, "name")) : NULL;
	if (!p->o->pod_level) {
		const struct node *t = node_get(object(node_get(psc, "seccompProfile")), "type");
		if (str(t) && !strcmp(t->text, "Unconfined"))
			note(p, t,
			     "%s.securityContext.seccompProfile is Unconfined, which the restricted level refuses whatever the containers set",
			     spec_path);
	} else {
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			const struct node *arr = node_get(spec, lists[l]);
			for (size_t i = 0; arr && arr->kind == NODE_ARRAY && i < arr->len; i++) {
				const struct node *c = object(arr->items[i]);
				const struct node *sc = object(node_get(c, "securityContext"));
				const struct node *s = object(node_get(sc, "seccompProfile"));
				const char *type = str(node_get(s, "type"));
				if (s && !seccomp_as_wanted(p, s))
					note(p, s,
					     "container '%s' sets its own seccompProfile (%s), which overrides the pod's",
					     str(node_get(c, "name")) ? str(node_get(c, "name")) :
									"",
					     type ? type : "no type");
			}
		}
	}
	if (!p->o->harden || !cname)
		return;
	const struct node *pn = node_get(psc, "runAsNonRoot");
	if (pn && pn->kind == NODE_BOOL && !pn->boolean)
		note(p, pn,
		     "%s.securityContext.runAsNonRoot is false, which the restricted level refuses",
		     spec_path);
	const struct node *uid = node_get(csc, "runAsUser");
	if (!uid)
		uid = node_get(psc, "runAsUser");
	int64_t v;
	if (uid && node_get_i64(uid, &v) && v == 0)
		note(p, uid,
		     "container '%s' runs as uid 0 (runAsUser: 0): with runAsNonRoot: true the kubelet will not start it",
		     cname);
}

/* ---- objects ---- */

struct found {
	const struct node *ctr, *list;
	size_t l, index;
};

/* The container the patch is for, in every list; the names seen go to p->containers. */
static int find_container(struct patcher *p, const struct node *spec, const char *spec_path,
			  const char *label, struct found *f)
{
	struct strbuf names = STRBUF_INIT;
	const char *want = p->o->container;
	int e = 0;
	memset(f, 0, sizeof(*f));
	for (size_t l = 0; l < ARRAY_SIZE(lists) && !e; l++) {
		const struct node *arr = node_get(spec, lists[l]);
		if (!arr || arr->kind == NODE_NULL)
			continue;
		if (arr->kind != NODE_ARRAY) {
			e = fail(p, arr, "%s.%s must be a list, not %s", spec_path, lists[l],
				 a_kind(arr->kind));
			break;
		}
		for (size_t i = 0; i < arr->len && !e; i++) {
			const char *name = str(node_get(object(arr->items[i]), "name"));
			if (!name)
				continue;
			strbuf_addf(&names, "%s%s%s", names.len ? ", " : "", name,
				    l == 1 ? " (init)" :
				    l == 2 ? " (ephemeral)" :
					     "");
			if (!want || strcmp(name, want))
				continue;
			if (f->ctr)
				e = fail(
					p, node_get(arr->items[i], "name"),
					"duplicate container name '%s' (%s.%s[%zu] and %s.%s[%zu])",
					name, spec_path, lists[f->l], f->index, spec_path, lists[l],
					i);
			*f = (struct found){ arr->items[i], arr, l, i };
		}
	}
	strbuf_addf(&p->containers, "%s%s: %s", p->containers.len ? "; " : "", label,
		    names.len ? names.buf : "none");
	strbuf_release(&names);
	return e;
}

static int patch_pod(struct patcher *p, const struct node *const *path, size_t depth,
		     const char *tpath, const char *label)
{
	const struct node *tmpl = path[depth - 1];
	const struct node *spec = node_get(tmpl, "spec");
	_cleanup_free_ char *spec_path = xasprintf("%sspec", tpath);
	struct found f;
	int e;

	if (!spec || spec->kind != NODE_OBJECT)
		return fail(p, spec ? spec : tmpl, "%s has no pod spec: %s is %s", label, spec_path,
			    spec ? "not an object" : "missing");
	p->templates++;
	if ((e = find_container(p, spec, spec_path, label, &f)) < 0)
		return e;
	if (p->o->container && !f.ctr)
		return 0;
	p->matched++;
	/* the nodes down to the template, named by @tpath ("items[0].spec.template."): the
	 * last depth - 1 dots end the names of path[1...], the one before them path[0]'s */
	size_t dots = 0;
	for (const char *c = tpath; *c; c++)
		dots += *c == '.';
	for (size_t i = 0; i < depth; i++) {
		size_t want = dots + i - depth, n = 0, cut = 0; /* the want-th dot, 0-based */
		for (; tpath[cut] && (tpath[cut] != '.' || n++ != want); cut++)
			;
		_cleanup_free_ char *name = dots + i >= depth ? xstrndup(tpath, cut) :
								xstrdup("the object");
		if ((e = editable(p, path[i], name)) < 0)
			return e;
	}
	_cleanup_free_ char *cpath =
		f.ctr ? xasprintf("%s.%s[%zu]", spec_path, lists[f.l], f.index) : NULL;
	_cleanup_free_ char *lpath = f.ctr ? xasprintf("%s.%s", spec_path, lists[f.l]) : NULL;
	if ((e = editable(p, spec, spec_path)) < 0 ||
	    (f.ctr &&
	     ((e = editable(p, f.list, lpath)) < 0 || (e = editable(p, f.ctr, cpath)) < 0)))
		return e;
	pod_notes(p, spec, f.ctr, spec_path);

	if (f.ctr && (!p->o->pod_level || p->o->harden)) {
		const struct node *sc = node_get(f.ctr, "securityContext");
		const struct node *priv = node_get(object(sc), "privileged");
		if (p->o->harden && priv && priv->kind == NODE_BOOL && priv->boolean)
			return fail(
				p, priv,
				"container '%s' is privileged: Kubernetes refuses allowPrivilegeEscalation: false with privileged: true, so it cannot be hardened",
				p->o->container);
		_cleanup_node_ struct node *want = node_new(NODE_OBJECT);
		struct node *scw = node_new(NODE_OBJECT);
		if (p->o->harden)
			want_harden(scw, sc);
		if (!p->o->pod_level)
			node_object_add(scw, "seccompProfile", want_seccomp(p, sc));
		node_object_add(want, "securityContext", scw);
		if ((e = merge(p, f.ctr, want, cpath)) < 0)
			return e;
	}
	if (p->o->pod_level) {
		_cleanup_node_ struct node *want = node_new(NODE_OBJECT);
		struct node *scw = node_new(NODE_OBJECT);
		node_object_add(scw, "seccompProfile",
				want_seccomp(p, node_get(spec, "securityContext")));
		node_object_add(want, "securityContext", scw);
		if ((e = merge(p, spec, want, spec_path)) < 0)
			return e;
		return fix_annotation(p, tmpl, SCPROF_SECCOMP_POD_ANNOTATION, tpath);
	}
	_cleanup_free_ char *key =
		xasprintf(SCPROF_SECCOMP_CONTAINER_ANNOTATION "%s", p->o->container);
	return fix_annotation(p, tmpl, key, tpath);
}

/* One object: a List's items, a Pod, or a workload's pod template; other kinds are left alone. */
static int patch_object(struct patcher *p, const struct node *o, const char *at)
{
	const char *kind = str(node_get(object(o), "kind"));
	if (!kind)
		return 0;
	const char *name = str(node_get(object(node_get(o, "metadata")), "name"));
	_cleanup_free_ char *label = xasprintf("%s/%s", kind, name ? name : "(no name)");
	size_t kl = strlen(kind);
	const struct node *items = node_get(o, "items");
	if (kl >= 4 && !strcmp(kind + kl - 4, "List") && items && items->kind == NODE_ARRAY) {
		int e = 0;
		for (size_t i = 0; i < items->len && !e; i++) {
			_cleanup_free_ char *sub = xasprintf("%sitems[%zu].", at, i);
			e = patch_object(p, items->items[i], sub);
		}
		return e;
	}
	const char *const *keys = scprof_pod_template_path(kind);
	if (!keys) {
		strbuf_addf(&p->skipped, "%s%s", p->skipped.len ? ", " : "", label);
		return 0;
	}
	const struct node *path[8] = { o };
	size_t depth = 1;
	struct strbuf tpath = STRBUF_INIT;
	strbuf_adds(&tpath, at);
	for (size_t i = 0; keys[i] && depth < ARRAY_SIZE(path); i++) {
		const struct node *next = node_get(path[depth - 1], keys[i]);
		strbuf_addf(&tpath, "%s.", keys[i]);
		if (!next || next->kind != NODE_OBJECT) {
			tpath.buf[--tpath.len] = '\0';
			int e = fail(p, next ? next : node_get(o, "kind"),
				     "%s has no pod template: %s is %s", label, tpath.buf,
				     next ? "not an object" : "missing");
			strbuf_release(&tpath);
			return e;
		}
		path[depth++] = next;
	}
	int e = patch_pod(p, path, depth, tpath.buf, label);
	strbuf_release(&tpath);
	return e;
}

/* ---- style ---- */

/* The YAML block style of a document: the first nested mapping and the first list under a key. */
static void find_yaml_style(struct patcher *p, const struct node *n, bool *step, bool *seq,
			    unsigned depth)
{
	if (!n || depth > 64 || (*step && *seq) || !n->len || !is_block_collection(p, n))
		return;
	for (size_t i = 0; i < n->len; i++) {
		const struct node *v = n->items[i];
		if (n->kind == NODE_OBJECT && v->len && is_block_collection(p, v)) {
			unsigned kline = n->keys[i].line, kcol = n->keys[i].col;
			if (!*step && v->kind == NODE_OBJECT && v->keys[0].line > kline &&
			    v->keys[0].col > kcol) {
				p->st.step = v->keys[0].col - kcol;
				*step = true;
			}
			if (!*seq && v->kind == NODE_ARRAY && v->line > kline && v->col >= kcol) {
				p->st.seq_indent = v->col - kcol;
				*seq = true;
			}
		}
		find_yaml_style(p, v, step, seq, depth + 1);
	}
}

/* JSON: one member per line or not, the indentation step, the separators, from the top value. */
static void find_json_style(struct patcher *p, const struct node *root)
{
	if (!root || (root->kind != NODE_OBJECT && root->kind != NODE_ARRAY) || !root->len)
		return;
	bool obj = root->kind == NODE_OBJECT;
	size_t first = obj ? root->keys[0].start : root->items[0]->start;
	unsigned first_line = obj ? root->keys[0].line : root->items[0]->line;
	if (first_line > root->line) {
		_cleanup_free_ char *outer = line_indent(p, root->start);
		_cleanup_free_ char *inner = line_indent(p, first);
		size_t o = strlen(outer), i = strlen(inner);
		p->st.pretty = true;
		if (i > o && i - o < sizeof(p->st.unit) && !strncmp(inner, outer, o))
			memcpy(p->st.unit, inner + o, i - o + 1);
	}
	if (obj) {
		size_t c = root->keys[0].end;
		while (c < p->len && p->buf[c] != ':')
			c++;
		p->st.colon = c + 1 < p->len && isspace((unsigned char)p->buf[c + 1]) ? ": " : ":";
	}
	if (root->len > 1) {
		size_t c = content_end(p, root->items[0]);
		while (c < p->len && p->buf[c] != ',')
			c++;
		p->st.comma = c + 1 < p->len && isspace((unsigned char)p->buf[c + 1]) ? ", " : ",";
	}
}

static int on_document(struct node *doc, size_t index, void *data)
{
	struct patcher *p = data;
	p->doc = index + 1;
	p->st.step = 2;
	p->st.seq_indent = 0;
	p->st.pretty = false;
	strcpy(p->st.unit, "  ");
	p->st.colon = ": ";
	p->st.comma = ", ";
	if (p->json) {
		find_json_style(p, doc);
	} else {
		bool step = false, seq = false;
		find_yaml_style(p, doc, &step, &seq, 0);
	}
	int e = patch_object(p, doc, "");
	node_free(doc);
	return e;
}

/* Read @p->buf and collect the edits. */
static int collect(struct patcher *p)
{
	_cleanup_error_ struct scprof_error *perr = NULL;
	size_t i = p->len >= 3 && !memcmp(p->buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < p->len && strchr(" \t\r\n", p->buf[i]))
		i++;
	p->json = i < p->len && (p->buf[i] == '{' || p->buf[i] == '[');
	p->st.nl = "\n";
	for (size_t b = 0, n; b < p->len; b++)
		if ((n = break_at(p, b))) {
			p->st.nl = p->buf[b] != '\r' ? "\n" : n == 2 ? "\r\n" : "\r";
			break;
		}
	int e;
	if (p->json) {
		struct node *doc = NULL;
		e = json_parse(p->buf, p->len, &doc, &perr);
		if (!e)
			return on_document(doc, 0, p);
	} else {
		e = yaml_parse_stream_k8s(p->buf, p->len, on_document, p, &perr);
	}
	if (e < 0 && perr)
		return error_set_at(p->err, e, p->file, perr->line, perr->col,
				    "document %zu: invalid %s: %s", p->doc + 1,
				    p->json ? "JSON" : "YAML", perr->msg);
	return e;
}

static int by_place(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The text with the edits made; NULL when two of them overlap (a bug). */
static char *apply(struct patcher *p, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0;
	if (p->n_edits)
		qsort(p->edits, p->n_edits, sizeof(*p->edits), by_place);
	for (size_t i = 0; i < p->n_edits; i++) {
		const struct edit *x = &p->edits[i];
		if (x->at < pos || x->del > p->len - x->at) {
			strbuf_release(&sb);
			return NULL;
		}
		strbuf_add(&sb, p->buf + pos, x->at - pos);
		strbuf_adds(&sb, x->text);
		pos = x->at + x->del;
	}
	strbuf_add(&sb, p->buf + pos, p->len - pos);
	*len = sb.len;
	return strbuf_detach(&sb);
}

static void patcher_release(struct patcher *p)
{
	for (size_t i = 0; i < p->n_edits; i++)
		free(p->edits[i].text);
	free(p->edits);
	strbuf_release(&p->containers);
	strbuf_release(&p->skipped);
}

static int not_found(struct patcher *p)
{
	if (!p->templates)
		return error_set_at(p->err, -EINVAL, p->file, 0, 0,
				    "no Pod nor workload with a pod template%s%s%s",
				    p->skipped.len ? " (found: " : "",
				    p->skipped.buf ? p->skipped.buf : "",
				    p->skipped.len ? ")" : "");
	return error_set_at(p->err, -EINVAL, p->file, 0, 0, "no container '%s'; containers: %s",
			    p->o->container, p->containers.buf);
}

/* The result read back and patched again must need nothing more. */
static int check(const char *text, size_t len, const char *name, const struct scprof_patch_opts *o,
		 struct scprof_error **err)
{
	_cleanup_error_ struct scprof_error *cerr = NULL;
	struct scprof_diags none = { 0 };
	struct patcher c = { .buf = text,
			     .len = len,
			     .file = name,
			     .o = o,
			     .err = &cerr,
			     .dry = true,
			     .notes = &none };
	int e = collect(&c);
	size_t edits = c.n_edits;
	patcher_release(&c);
	scprof_diags_release(&none);
	if (e < 0)
		return error_set(err, -ENOTRECOVERABLE,
				 "the patched text of '%s' would not read back (%s); this is a bug",
				 name, cerr ? cerr->msg : "?");
	if (edits)
		return error_set(
			err, -ENOTRECOVERABLE,
			"the patched text of '%s' would need patching again; this is a bug", name);
	return 0;
}

int scprof_patch_buf(const char *buf, size_t len, const char *name,
		     const struct scprof_patch_opts *o, struct scprof_patch_result **out,
		     struct scprof_error **err)
{
	*out = NULL;
	if (!o->container && !o->pod_level)
		return error_set(err, -EINVAL,
				 "name the container to patch, or patch at pod level");
	if (o->container && !*o->container)
		return error_set(err, -EINVAL, "the container name is empty");
	if (o->harden && !o->container)
		return error_set(err, -EINVAL, "hardening is for a container: name it");
	if (o->type == SCPROF_PATCH_LOCALHOST &&
	    (!o->localhost || !scprof_pod_localhost_valid(o->localhost)))
		return error_set(
			err, -EINVAL,
			"localhost profile '%s' must be a relative path without '..' (under the kubelet's seccomp directory)",
			o->localhost ? o->localhost : "");

	/* libyaml takes a byte order mark inside the text as part of the line, so an edit
	 * next to it could change how its line reads: refuse rather than guess */
	size_t from = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	const char *bom = memmem(buf + from, len - from, "\xef\xbb\xbf", 3);
	if (bom) {
		unsigned line = 1;
		const char *start = buf;
		for (const char *q = buf; q < bom; q++)
			if (*q == '\n')
				line++, start = q + 1;
		return error_set_at(
			err, -EINVAL, name, line, (unsigned)(bom - start) + 1,
			"a byte order mark inside the text: remove it to patch the file");
	}

	struct scprof_patch_result *r = xcalloc(1, sizeof(*r));
	struct patcher p = {
		.buf = buf, .len = len, .file = name, .o = o, .err = err, .notes = &r->notes
	};
	int e = collect(&p);
	if (!e && !p.matched)
		e = not_found(&p);
	if (!e && !(r->text = apply(&p, &r->len)))
		e = error_set(err, -ENOTRECOVERABLE, "overlapping edits in '%s'; this is a bug",
			      name);
	/* with no edit the text is the input, which was just read: nothing to check */
	if (!e && p.n_edits)
		e = check(r->text, r->len, name, o, err);
	if (!e) {
		r->changed = r->len != len || memcmp(r->text, buf, len);
		r->objects = p.matched;
	}
	patcher_release(&p);
	if (e < 0) {
		scprof_patch_result_free(r);
		return e;
	}
	*out = r;
	return 0;
}

void scprof_patch_result_free(struct scprof_patch_result *r)
{
	if (!r)
		return;
	free(r->text);
	scprof_diags_release(&r->notes);
	free(r);
}
