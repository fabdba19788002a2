// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of lib/format: the node tree, the JSON and YAML readers and writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <time.h>

#include "format/node.h"

/* Helpers. */
static struct node *json_ok(const char *s)
{
	struct node *n = NULL;
	struct scprof_error *e = NULL;
	int r = json_parse(s, strlen(s), &n, &e);
	if (r < 0)
		fail_msg("json_parse(%s): %u:%u: %s", s, e->line, e->col, e->msg);
	assert_non_null(n);
	assert_null(e);
	return n;
}

static struct node *yaml_ok(const char *s)
{
	struct node *n = NULL;
	struct scprof_error *e = NULL;
	int r = yaml_parse(s, strlen(s), &n, &e);
	if (r < 0)
		fail_msg("yaml_parse(%s): %u:%u: %s", s, e->line, e->col, e->msg);
	assert_non_null(n);
	assert_null(e);
	return n;
}

typedef int (*parse_fn)(const char *, size_t, struct node **, struct scprof_error **);

/* Parse must fail with -EINVAL at @line:@col with a message containing @msg. */
static void expect_error(parse_fn parse, const char *s, size_t len, unsigned line, unsigned col,
			 const char *msg)
{
	struct node *n = (struct node *)1;
	_cleanup_error_ struct scprof_error *e = NULL;
	int r = parse(s, len, &n, &e);
	if (r != -EINVAL || !e)
		fail_msg("'%.60s' parsed (r=%d), expected error '%s'", s, r, msg);
	assert_null(n);
	assert_int_equal(e->code, -EINVAL);
	assert_null(e->file);
	if (!strstr(e->msg, msg) || e->line != line || e->col != col)
		fail_msg("'%.60s': got %u:%u: %s; expected %u:%u: ...%s...", s, e->line, e->col,
			 e->msg, line, col, msg);
	/* house style: lowercase start (NUL and UTF-8 are names), no trailing period */
	assert_true(e->msg[strlen(e->msg) - 1] != '.');
}

static void json_err(const char *s, unsigned line, unsigned col, const char *msg)
{
	expect_error(json_parse, s, strlen(s), line, col, msg);
}

static void yaml_err(const char *s, unsigned line, unsigned col, const char *msg)
{
	expect_error(yaml_parse, s, strlen(s), line, col, msg);
}

static char *to_json(const struct node *n, bool pretty)
{
	struct strbuf sb = STRBUF_INIT;
	json_write(n, pretty, &sb);
	return strbuf_detach(&sb);
}

static char *to_yaml(const struct node *n)
{
	struct strbuf sb = STRBUF_INIT;
	yaml_write(n, &sb);
	return strbuf_detach(&sb);
}

/* Every writer's output reads back as an equal tree, through both readers where it can. */
static void check_roundtrip(const struct node *n)
{
	for (int pretty = 0; pretty < 2; pretty++) {
		_cleanup_free_ char *j = to_json(n, pretty);
		assert_true(j[strlen(j) - 1] == '\n');
		_cleanup_node_ struct node *back = json_ok(j);
		if (!node_equal(n, back))
			fail_msg("JSON round trip differs:\n%s", j);
	}
	_cleanup_free_ char *y = to_yaml(n);
	assert_true(y[strlen(y) - 1] == '\n');
	_cleanup_node_ struct node *back = yaml_ok(y);
	if (!node_equal(n, back))
		fail_msg("YAML round trip differs:\n%s", y);
	_cleanup_node_ struct node *copy = node_copy(n);
	assert_true(node_equal(n, copy));
}

static char *repeat(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_adds(&sb, s);
	return strbuf_detach(&sb);
}

/* @n times @open then @n times @close. */
static char *nest(const char *open, const char *close, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_adds(&sb, open);
	for (size_t i = 0; i < n; i++)
		strbuf_adds(&sb, close);
	return strbuf_detach(&sb);
}

/* The tree. */
static void test_node_build(void **state)
{
	_cleanup_node_ struct node *o = node_new(NODE_OBJECT);
	node_object_add(o, "a", node_new_u64(UINT64_MAX));
	node_object_add(o, "b", node_new_i64(INT64_MIN));
	node_object_add(o, "s", node_new_string("x"));
	node_object_add(o, "t", node_new_bool(true));
	node_object_add(o, "n", node_new(NODE_NULL));
	struct node *arr = node_new(NODE_ARRAY);
	for (int i = 0; i < 100; i++)
		node_array_add(arr, node_new_i64(i - 50));
	node_object_add(o, "arr", arr);
	node_object_add(o, "a", node_new_string("second"));

	assert_int_equal(o->len, 7);
	assert_string_equal(o->items[0]->text, "18446744073709551615");
	assert_string_equal(o->items[1]->text, "-9223372036854775808");
	assert_int_equal(o->items[0]->line, 0);
	/* last duplicate wins */
	assert_string_equal(node_get(o, "a")->text, "second");
	assert_null(node_get(o, "missing"));
	assert_null(node_get(arr, "a"));
	assert_null(node_get(NULL, "a"));
	assert_int_equal(node_get(o, "arr")->len, 100);

	_cleanup_node_ struct node *c = node_copy(o);
	assert_true(node_equal(o, c));
	c->items[3]->boolean = false;
	assert_false(node_equal(o, c));
	check_roundtrip(o);

	assert_string_equal(node_kind_name(NODE_NULL), "null");
	assert_string_equal(node_kind_name(NODE_BOOL), "boolean");
	assert_string_equal(node_kind_name(NODE_NUMBER), "number");
	assert_string_equal(node_kind_name(NODE_STRING), "string");
	assert_string_equal(node_kind_name(NODE_ARRAY), "array");
	assert_string_equal(node_kind_name(NODE_OBJECT), "object");
	node_free(NULL);
}

static void test_node_numbers(void **state)
{
	static const struct {
		const char *text;
		bool u_ok;
		uint64_t u;
		bool i_ok;
		int64_t i;
	} cases[] = {
		{ "0", true, 0, true, 0 },
		{ "-0", false, 0, true, 0 },
		{ "42", true, 42, true, 42 },
		{ "18446744073709551615", true, UINT64_MAX, false, 0 },
		{ "18446744073709551616", false, 0, false, 0 },
		{ "99999999999999999999999", false, 0, false, 0 },
		{ "9223372036854775807", true, INT64_MAX, true, INT64_MAX },
		{ "9223372036854775808", true, (uint64_t)INT64_MAX + 1, false, 0 },
		{ "-9223372036854775808", false, 0, true, INT64_MIN },
		{ "-9223372036854775809", false, 0, false, 0 },
		{ "-1", false, 0, true, -1 },
		{ "1.0", false, 0, false, 0 },
		{ "1e3", false, 0, false, 0 },
		{ "+1", false, 0, false, 0 },
		{ "-", false, 0, false, 0 },
		{ "", false, 0, false, 0 },
	};
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		_cleanup_node_ struct node *n = node_new(NODE_NUMBER);
		n->text = xstrdup(cases[k].text);
		uint64_t u = 7;
		int64_t i = 7;
		assert_int_equal(node_get_u64(n, &u), cases[k].u_ok);
		if (cases[k].u_ok)
			assert_true(u == cases[k].u);
		assert_int_equal(node_get_i64(n, &i), cases[k].i_ok);
		if (cases[k].i_ok)
			assert_true(i == cases[k].i);
	}
	uint64_t u;
	_cleanup_node_ struct node *s = node_new_string("5");
	assert_false(node_get_u64(s, &u));
	assert_false(node_get_u64(NULL, &u));

	/* equality: by value for integers, by text otherwise */
	_cleanup_node_ struct node *a = json_ok("[0, -0, 1.0, 1, 1.5e3, 18446744073709551615]");
	_cleanup_node_ struct node *b = yaml_ok("[-0, 000, 1.0, +1, 1.5e3, 0xffffffffffffffff]");
	assert_true(node_equal(a, b));
	assert_true(node_equal(a->items[0], a->items[1]));
	assert_false(node_equal(a->items[2], a->items[3]));
	_cleanup_node_ struct node *big = node_new_u64(UINT64_MAX);
	assert_true(node_equal(big, a->items[5]));
	_cleanup_node_ struct node *neg = node_new_i64(-1);
	_cleanup_node_ struct node *negj = json_ok("-1");
	assert_true(node_equal(neg, negj));
	assert_false(node_equal(neg, big));
	_cleanup_node_ struct node *str = node_new_string("-1");
	assert_false(node_equal(neg, str));
}

/* JSON reader. */
static void test_json_values(void **state)
{
	_cleanup_node_ struct node *n =
		json_ok("{\n  \"a\": [1, -2.5e+3, true, false, null],\n\t\"b\" : {\"c\": \"d\"},\n"
			"  \"a\": {}, \"e\": []\n}");
	assert_int_equal(n->kind, NODE_OBJECT);
	assert_int_equal(n->line, 1);
	assert_int_equal(n->col, 1);
	assert_int_equal(n->len, 4);
	assert_string_equal(n->keys[0].name, "a");
	assert_int_equal(n->keys[0].line, 2);
	assert_int_equal(n->keys[0].col, 3);
	struct node *a = n->items[0];
	assert_int_equal(a->kind, NODE_ARRAY);
	assert_int_equal(a->line, 2);
	assert_int_equal(a->col, 8);
	assert_int_equal(a->len, 5);
	assert_string_equal(a->items[0]->text, "1");
	assert_int_equal(a->items[0]->col, 9);
	assert_string_equal(a->items[1]->text, "-2.5e+3");
	assert_int_equal(a->items[1]->col, 12);
	assert_true(a->items[2]->boolean);
	assert_int_equal(a->items[3]->kind, NODE_BOOL);
	assert_false(a->items[3]->boolean);
	assert_int_equal(a->items[4]->kind, NODE_NULL);
	assert_int_equal(a->items[4]->col, 34);
	/* tab counts as one byte */
	assert_int_equal(n->keys[1].line, 3);
	assert_int_equal(n->keys[1].col, 2);
	assert_int_equal(n->items[1]->col, 8);
	assert_string_equal(node_get(n->items[1], "c")->text, "d");
	/* duplicates kept in order, node_get returns the last */
	assert_string_equal(n->keys[2].name, "a");
	assert_int_equal(node_get(n, "a")->kind, NODE_OBJECT);
	assert_int_equal(n->items[3]->kind, NODE_ARRAY);
	assert_int_equal(n->items[3]->len, 0);
	check_roundtrip(n);

	static const char *const scalars[] = {
		"0",
		"-0",
		"1",
		"-1",
		"0.5",
		"-0.0e-0",
		"1E400",
		"123456789012345678901234567890",
		"18446744073709551615",
		"\"\"",
		"true",
		"false",
		"null",
		" \r\n\t 7 \n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(scalars); i++) {
		_cleanup_node_ struct node *s = json_ok(scalars[i]);
		check_roundtrip(s);
	}
	_cleanup_node_ struct node *big = json_ok("[18446744073709551615, -9223372036854775808]");
	uint64_t u;
	int64_t i;
	assert_true(node_get_u64(big->items[0], &u));
	assert_true(u == UINT64_MAX);
	assert_true(node_get_i64(big->items[1], &i));
	assert_true(i == INT64_MIN);
	/* numbers keep their literal text */
	_cleanup_node_ struct node *lit = json_ok("1.50E+07");
	assert_string_equal(lit->text, "1.50E+07");
}

static void test_json_strings(void **state)
{
	_cleanup_node_ struct node *n = json_ok(
		"[\"\\u00e9\", \"\\ud83d\\ude00\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"é😀\","
		" \"\\u0001\\u001F\\u007f\", \"a\\u0041b\", \"\\uD83D\\uDE00\", \"\\u2028\"]");
	assert_string_equal(n->items[0]->text, "\xc3\xa9");
	assert_string_equal(n->items[1]->text, "\xf0\x9f\x98\x80");
	assert_string_equal(n->items[2]->text, "\"\\/\b\f\n\r\t");
	assert_string_equal(n->items[3]->text, "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(n->items[4]->text, "\x01\x1f\x7f");
	assert_string_equal(n->items[5]->text, "aAb");
	assert_string_equal(n->items[6]->text, "\xf0\x9f\x98\x80");
	assert_string_equal(n->items[7]->text, "\xe2\x80\xa8");
	check_roundtrip(n);

	/* a leading BOM is skipped and does not shift columns */
	_cleanup_node_ struct node *bom = json_ok("\xef\xbb\xbf{\"k\": 1}");
	assert_int_equal(bom->col, 1);
	assert_int_equal(bom->keys[0].col, 2);
	/* keys decode escapes too */
	_cleanup_node_ struct node *k = json_ok("{\"\\u00e9\\n\": 1}");
	assert_string_equal(k->keys[0].name, "\xc3\xa9\n");
	check_roundtrip(k);
}

static void test_json_errors(void **state)
{
	json_err("", 1, 1, "empty document");
	json_err("  \n  ", 2, 3, "empty document");
	json_err("\xef\xbb\xbf", 1, 1, "empty document");
	json_err("{\"a\": 1 \"b\": 2}", 1, 9,
		 "expected ',' or '}' after object member, found '\"'");
	json_err("{\"a\": 1,}", 1, 9, "expected string key after ',' in object, found '}'");
	json_err("{\"a\" 1}", 1, 6, "expected ':' after object key, found '1'");
	json_err("{a: 1}", 1, 2, "expected string key or '}' in object, found 'a'");
	json_err("[1 2]", 1, 4, "expected ',' or ']' after array element, found '2'");
	json_err("[1,]", 1, 4, "expected a value, found ']'");
	json_err("[1,\n  ", 2, 3, "expected a value, found end of input");
	json_err("[", 1, 2, "expected a value, found end of input");
	json_err("{", 1, 2, "expected string key or '}' in object, found end of input");
	json_err("[1", 1, 3, "expected ',' or ']' after array element, found end of input");
	json_err("[tru]", 1, 2, "expected a value, found 'tru'");
	json_err("nul", 1, 1, "expected a value, found 'nul'");
	json_err("True", 1, 1, "expected a value, found 'True'");
	json_err("'a'", 1, 1, "expected a value, found '''");
	json_err("1 2", 1, 3, "expected end of input after the value, found '2'");
	json_err("{}}", 1, 3, "expected end of input after the value, found '}'");
	json_err("[]\n\nx", 3, 1, "expected end of input after the value, found 'x'");
	json_err("truex", 1, 1, "expected a value, found 'truex'");
	json_err("true x", 1, 6, "expected end of input after the value, found 'x'");
	json_err("01", 1, 1, "leading zeros");
	json_err("-", 1, 2, "expected a digit after '-', found end of input");
	json_err("-a", 1, 2, "expected a digit after '-', found 'a'");
	json_err("+1", 1, 1, "expected a value, found '+'");
	json_err(".5", 1, 1, "expected a value, found '.'");
	json_err("1.", 1, 3, "expected a digit after '.' in number");
	json_err("1.e3", 1, 3, "expected a digit after '.' in number, found 'e'");
	json_err("1e", 1, 3, "expected a digit in number exponent");
	json_err("1e+", 1, 4, "expected a digit in number exponent");
	json_err("NaN", 1, 1, "expected a value, found 'NaN'");
	json_err("[\"abc", 1, 2, "unterminated string");
	json_err("\"a\nb\"", 1, 1, "unterminated string");
	json_err("\"a\tb\"", 1, 3, "unescaped control character 0x09 in string");
	json_err("\"\\x\"", 1, 2, "invalid escape in string, found '\\' followed by 'x'");
	json_err("\"\\", 1, 2, "unterminated string");
	json_err("\"\\u12\"", 1, 2, "invalid \\u escape");
	json_err("\"\\u12g4\"", 1, 2, "invalid \\u escape");
	json_err("  \"ab\\u0000\"", 1, 6, "NUL character in string");
	json_err("\"\\ud83d\"", 1, 2, "invalid \\u escape, high surrogate \\ud83d");
	json_err("\"\\ud83dx\"", 1, 2, "not followed by a low surrogate");
	json_err("\"\\ud83d\\u0041\"", 1, 2, "not followed by a low surrogate");
	json_err("\"x\\ude00\"", 1, 3, "invalid \\u escape, lone low surrogate \\ude00");
	json_err("\"\xff\"", 1, 2, "invalid UTF-8 in string");
	json_err("\"ab\xc3\"", 1, 4, "invalid UTF-8 in string");
	json_err("\"\xc0\x80\"", 1, 2, "invalid UTF-8 in string"); /* overlong NUL */
	json_err("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8 in string"); /* encoded surrogate */
	json_err("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8 in string"); /* > U+10FFFF */
	json_err("[\xff]", 1, 2, "expected a value, found byte 0xff");
	json_err("{\"a\":\n\n   @}", 3, 4, "expected a value, found '@'");
	json_err("/* c */ 1", 1, 1, "expected a value, found '/'");
	/* a NUL byte before the end of @len */
	expect_error(json_parse, "[1]\0", 4, 1, 4, "expected end of input after the value");
	expect_error(json_parse, "\"a\0b\"", 5, 1, 3, "unescaped control character 0x00");
	/* @buf need not be NUL-terminated: a cut-off buffer */
	expect_error(json_parse, "[1, 2]", 4, 1, 5, "expected a value, found end of input");
	expect_error(json_parse, "\"\\u00e9\"", 5, 1, 2, "invalid \\u escape");
	expect_error(json_parse, NULL, 0, 1, 1, "empty document");
	/* @err is optional */
	struct node *n = NULL;
	assert_int_equal(json_parse("[", 1, &n, NULL), -EINVAL);
	assert_null(n);
	assert_int_equal(yaml_parse("[", 1, &n, NULL), -EINVAL);
	assert_null(n);
}

static void test_json_depth(void **state)
{
	/* 512 levels are fine, 513 are not; 100000 fail cleanly (no recursion) */
	_cleanup_free_ char *ok = nest("[", "]", 512);
	_cleanup_node_ struct node *n = json_ok(ok);
	check_roundtrip(n);
	_cleanup_free_ char *deep = repeat("[", 513);
	json_err(deep, 1, 513, "nesting deeper than 512 levels");
	_cleanup_free_ char *deeper = repeat("[", 100000);
	json_err(deeper, 1, 513, "nesting deeper than 512 levels");
	_cleanup_free_ char *objs = repeat("{\"a\":", 100000);
	json_err(objs, 1, 512 * 5 + 1, "nesting deeper than 512 levels");
	_cleanup_free_ char *lines = repeat("[\n", 100000);
	json_err(lines, 513, 1, "nesting deeper than 512 levels");
}

static void test_json_write(void **state)
{
	_cleanup_node_ struct node *n = json_ok(
		"{\"a\":[1,\"x\",{},[],{\"b\":null}],\"c\":{\"d\":true},\"e\":\"\\u001f\\\"/é\\n\"}");
	_cleanup_free_ char *pretty = to_json(n, true);
	assert_string_equal(pretty, "{\n"
				    "\t\"a\": [\n"
				    "\t\t1,\n"
				    "\t\t\"x\",\n"
				    "\t\t{},\n"
				    "\t\t[],\n"
				    "\t\t{\n"
				    "\t\t\t\"b\": null\n"
				    "\t\t}\n"
				    "\t],\n"
				    "\t\"c\": {\n"
				    "\t\t\"d\": true\n"
				    "\t},\n"
				    "\t\"e\": \"\\u001f\\\"/é\\n\"\n"
				    "}\n");
	_cleanup_free_ char *compact = to_json(n, false);
	assert_string_equal(compact, "{\"a\":[1,\"x\",{},[],{\"b\":null}],\"c\":{\"d\":true},"
				     "\"e\":\"\\u001f\\\"/é\\n\"}\n");
	_cleanup_node_ struct node *empty = node_new(NODE_OBJECT);
	_cleanup_free_ char *e = to_json(empty, true);
	assert_string_equal(e, "{}\n");
	/* invalid UTF-8 in a built tree becomes U+FFFD */
	_cleanup_node_ struct node *bad = node_new_string("a\xff");
	_cleanup_free_ char *b = to_json(bad, false);
	assert_string_equal(b, "\"a\\ufffd\"\n");
	_cleanup_node_ struct node *ctl = node_new_string("\b\f\r\t\x01\x7f");
	_cleanup_free_ char *c = to_json(ctl, false);
	assert_string_equal(c, "\"\\b\\f\\r\\t\\u0001\x7f\"\n");
	check_roundtrip(ctl);
}

/* A seccomp profile of about 1 MB. */
static char *big_profile(void)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "{\n\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\t\"syscalls\": [\n");
	for (int i = 0; sb.len < 1024 * 1024; i++)
		strbuf_addf(&sb,
			    "%s\t\t{\"names\": [\"read\", \"write\", \"openat%d\"], \"action\": "
			    "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": %d, "
			    "\"valueTwo\": 18446744073709551615, \"op\": \"SCMP_CMP_EQ\"}], "
			    "\"comment\": \"caf\\u00e9 \\\"quoted\\\"\"}",
			    i ? ",\n" : "", i, i);
	strbuf_adds(&sb, "\n\t]\n}\n");
	return strbuf_detach(&sb);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_json_speed(void **state)
{
	_cleanup_free_ char *p = big_profile();
	double best = 1e9;
	for (int i = 0; i < 5; i++) {
		double t = now();
		struct node *n = json_ok(p);
		t = now() - t;
		node_free(n);
		if (t < best)
			best = t;
	}
	print_message("json_parse of %zu bytes: %.2f ms\n", strlen(p), best * 1e3);
	/* generous: sanitizer builds are several times slower than the 10 ms target */
	assert_true(best < 0.5);
	_cleanup_node_ struct node *n = json_ok(p);
	check_roundtrip(n);
}

/* YAML reader. */
struct scalar_case {
	const char *in;
	enum node_kind kind;
	const char *text; /* NUMBER and STRING */
	bool b;
};

/* Each case as the value of "v: " read by @parse resolves as it says. */
static void check_scalars(parse_fn parse, const struct scalar_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *doc = xasprintf("v: %s", cases[i].in);
		_cleanup_node_ struct node *root = NULL;
		struct scprof_error *e = NULL;
		if (parse(doc, strlen(doc), &root, &e) < 0)
			fail_msg("'%s': %u:%u: %s", cases[i].in, e->line, e->col, e->msg);
		struct node *v = node_get(root, "v");
		assert_non_null(v);
		if (v->kind != cases[i].kind)
			fail_msg("'%s' resolved to %s", cases[i].in, node_kind_name(v->kind));
		if (cases[i].text)
			assert_string_equal(v->text, cases[i].text);
		if (v->kind == NODE_BOOL)
			assert_int_equal(v->boolean, cases[i].b);
		check_roundtrip(root);
	}
}

static void test_yaml_scalars(void **state)
{
	static const struct scalar_case cases[] = {
		{ "", NODE_NULL },
		{ "~", NODE_NULL },
		{ "null", NODE_NULL },
		{ "Null", NODE_NULL },
		{ "NULL", NODE_NULL },
		{ "nULL", NODE_STRING, "nULL" },
		{ "true", NODE_BOOL, NULL, true },
		{ "True", NODE_BOOL, NULL, true },
		{ "TRUE", NODE_BOOL, NULL, true },
		{ "false", NODE_BOOL, NULL, false },
		{ "False", NODE_BOOL, NULL, false },
		{ "FALSE", NODE_BOOL, NULL, false },
		{ "tRue", NODE_STRING, "tRue" },
		{ "yes", NODE_STRING, "yes" },
		{ "on", NODE_STRING, "on" },
		{ "0", NODE_NUMBER, "0" },
		{ "42", NODE_NUMBER, "42" },
		{ "+42", NODE_NUMBER, "42" },
		{ "-42", NODE_NUMBER, "-42" },
		{ "007", NODE_NUMBER, "7" },
		{ "-00", NODE_NUMBER, "-0" },
		{ "18446744073709551615", NODE_NUMBER, "18446744073709551615" },
		{ "99999999999999999999999", NODE_NUMBER, "99999999999999999999999" },
		{ "0x1F", NODE_NUMBER, "31" },
		{ "0xffffffffffffffff", NODE_NUMBER, "18446744073709551615" },
		{ "0x10000000000000000", NODE_STRING, "0x10000000000000000" },
		{ "0o17", NODE_NUMBER, "15" },
		{ "0o8", NODE_STRING, "0o8" },
		{ "0x", NODE_STRING, "0x" },
		{ "0X1F", NODE_STRING, "0X1F" },
		{ "-0x1", NODE_STRING, "-0x1" },
		{ "0b101", NODE_STRING, "0b101" },
		{ "1.5", NODE_NUMBER, "1.5" },
		{ "-1.5e3", NODE_NUMBER, "-1.5e3" },
		{ "+.5", NODE_NUMBER, "0.5" },
		{ ".5E-2", NODE_NUMBER, "0.5E-2" },
		{ "1.", NODE_NUMBER, "1.0" },
		{ "01.50", NODE_NUMBER, "1.50" },
		{ "1e5", NODE_NUMBER, "1e5" },
		{ "1e+05", NODE_NUMBER, "1e+05" },
		{ ".", NODE_STRING, "." },
		{ "1e", NODE_STRING, "1e" },
		{ ".inf", NODE_STRING, ".inf" },
		{ "-.Inf", NODE_STRING, "-.Inf" },
		{ ".nan", NODE_STRING, ".nan" },
		{ "1_000", NODE_STRING, "1_000" },
		{ "1.2.3", NODE_STRING, "1.2.3" },
		{ "12:30", NODE_STRING, "12:30" },
		{ "\"true\"", NODE_STRING, "true" },
		{ "'42'", NODE_STRING, "42" },
		{ "\"\"", NODE_STRING, "" },
		{ "'null'", NODE_STRING, "null" },
		{ "!!str 42", NODE_STRING, "42" },
		{ "!!str true", NODE_STRING, "true" },
		{ "! 42", NODE_STRING, "42" },
		{ "!!int \"42\"", NODE_NUMBER, "42" },
		{ "!!float 1", NODE_NUMBER, "1" },
		{ "!!bool 'true'", NODE_BOOL, NULL, true },
		{ "!!null ''", NODE_NULL },
		{ "!custom 42", NODE_NUMBER, "42" },
		{ "|\n  a\n  b\n", NODE_STRING, "a\nb\n" },
		{ ">-\n  a\n  b\n", NODE_STRING, "a b" },
		{ "\"\\u00e9\\U0001F600\\x41\"", NODE_STRING,
		  "\xc3\xa9\xf0\x9f\x98\x80"
		  "A" },
		{ "caf\xc3\xa9", NODE_STRING, "caf\xc3\xa9" },
		{ "a b  c", NODE_STRING, "a b  c" },
	};
	(void)state;
	check_scalars(yaml_parse, cases, ARRAY_SIZE(cases));
	/* keys keep their text whatever it looks like */
	_cleanup_node_ struct node *k = yaml_ok("true: 1\nnull: 2\n~: 3\n0x10: 4\n\"q\": 5\n");
	assert_string_equal(k->keys[0].name, "true");
	assert_string_equal(k->keys[1].name, "null");
	assert_string_equal(k->keys[2].name, "~");
	assert_string_equal(k->keys[3].name, "0x10");
	assert_string_equal(k->keys[4].name, "q");
	check_roundtrip(k);
	/* a bare scalar document */
	_cleanup_node_ struct node *s = yaml_ok("--- 12\n...\n");
	assert_string_equal(s->text, "12");
	_cleanup_node_ struct node *nul = yaml_ok("---\n");
	assert_int_equal(nul->kind, NODE_NULL);
}

/* Kubernetes' reading (go-yaml v2, YAML 1.1) of plain scalars. */
static void test_yaml_k8s_scalars(void **state)
{
	static const struct scalar_case cases[] = {
		{ "~", NODE_NULL },
		{ "yes", NODE_BOOL, NULL, true },
		{ "Yes", NODE_BOOL, NULL, true },
		{ "ON", NODE_BOOL, NULL, true },
		{ "y", NODE_BOOL, NULL, true },
		{ "True", NODE_BOOL, NULL, true },
		{ "no", NODE_BOOL, NULL, false },
		{ "Off", NODE_BOOL, NULL, false },
		{ "N", NODE_BOOL, NULL, false },
		{ "yEs", NODE_STRING, "yEs" },
		{ "0", NODE_NUMBER, "0" },
		{ "-0", NODE_NUMBER, "0" },
		{ "+42", NODE_NUMBER, "42" },
		{ "1_000", NODE_NUMBER, "1000" },
		{ "0644", NODE_NUMBER, "420" },
		{ "-017", NODE_NUMBER, "-15" },
		{ "09", NODE_NUMBER, "9" },
		{ "0x1F", NODE_NUMBER, "31" },
		{ "0X1f", NODE_NUMBER, "31" },
		{ "-0x10", NODE_NUMBER, "-16" },
		{ "0o17", NODE_NUMBER, "15" },
		{ "0b101", NODE_NUMBER, "5" },
		{ "0b102", NODE_STRING, "0b102" },
		{ "-9223372036854775808", NODE_NUMBER, "-9223372036854775808" },
		{ "18446744073709551615", NODE_NUMBER, "18446744073709551615" },
		{ "1.5e3", NODE_NUMBER, "1.5e3" },
		{ ".inf", NODE_STRING, ".inf" },
		{ "_", NODE_STRING, "_" },
		{ "0x", NODE_STRING, "0x" },
		{ "1.2.3", NODE_STRING, "1.2.3" },
		{ "NET_BIND_SERVICE", NODE_STRING, "NET_BIND_SERVICE" },
	};
	(void)state;
	check_scalars(yaml_parse_k8s, cases, ARRAY_SIZE(cases));
	/* quoted stays a string; profiles keep YAML 1.2 */
	struct node *n = NULL;
	assert_int_equal(yaml_parse_k8s("v: 'yes'\n", 9, &n, NULL), 0);
	assert_int_equal(node_get(n, "v")->kind, NODE_STRING);
	node_free(n);
	assert_int_equal(yaml_parse("v: yes\n", 7, &n, NULL), 0);
	assert_int_equal(node_get(n, "v")->kind, NODE_STRING);
	node_free(n);
}

static void test_yaml_positions(void **state)
{
	_cleanup_node_ struct node *n = yaml_ok("# comment\n"
						"a:\n"
						"  - x\n"
						"  - {k: 'v', n: 1}\n"
						"b:   [1, 2]\n");
	assert_int_equal(n->line, 2);
	assert_int_equal(n->col, 1);
	assert_int_equal(n->keys[0].line, 2);
	assert_int_equal(n->keys[0].col, 1);
	struct node *a = n->items[0];
	assert_int_equal(a->line, 3);
	assert_int_equal(a->col, 3);
	assert_int_equal(a->items[0]->line, 3);
	assert_int_equal(a->items[0]->col, 5);
	struct node *m = a->items[1];
	assert_int_equal(m->line, 4);
	assert_int_equal(m->col, 5);
	assert_int_equal(m->keys[0].col, 6);
	assert_int_equal(m->items[0]->col, 9);
	assert_int_equal(m->keys[1].col, 14);
	assert_int_equal(n->keys[1].line, 5);
	assert_int_equal(n->items[1]->col, 6);
	assert_int_equal(n->items[1]->items[1]->col, 10);
	/* columns count bytes, as in JSON; CRLF, NEL and LS end lines as libyaml says */
	_cleanup_node_ struct node *u =
		yaml_ok("\xc3\xa9\xc3\xa9: [a, \xc3\xa9, b]\r\nx: \"\xe2\x80\xa8\"\ny: 1\n");
	assert_int_equal(u->items[0]->col, 7);
	assert_int_equal(u->items[0]->items[1]->col, 11);
	assert_int_equal(u->items[0]->items[2]->col, 15);
	assert_int_equal(u->keys[1].line, 2);
	assert_int_equal(u->keys[1].col, 1);
	assert_int_equal(u->keys[2].line, 4); /* the LS inside the quotes counts */
	assert_int_equal(u->keys[2].col, 1);
	yaml_err("\xc3\xa9\xc3\xa9: *x\n", 1, 7, "unknown anchor");
	yaml_err("k: [\xc3\xa9, \xc3\xa9] x\n", 1, 13, "did not find expected key");
	yaml_err("a: 1\r\nb: \xff\n", 2, 4, "invalid UTF-8, found byte 0xff");
	/* BOM skipped without shifting columns */
	_cleanup_node_ struct node *bom = yaml_ok("\xef\xbb\xbfk: v\n");
	assert_int_equal(bom->keys[0].col, 1);
	assert_int_equal(bom->items[0]->col, 4);
}

/* yaml_parse_stream() callback: keep the first two documents in data[]. */
static int keep_docs(struct node *doc, size_t index, void *data)
{
	struct node **docs = data;
	if (index < 2)
		docs[index] = doc;
	else
		node_free(doc);
	return 0;
}

/* The text of @n in @buf, by its byte offsets. */
static char *span(const char *buf, const struct node *n)
{
	assert_true(n->start <= n->end);
	return xstrndup(buf + n->start, n->end - n->start);
}

static char *key_span(const char *buf, const struct node *obj, size_t i)
{
	assert_true(obj->keys[i].start <= obj->keys[i].end);
	return xstrndup(buf + obj->keys[i].start, obj->keys[i].end - obj->keys[i].start);
}

#define assert_span(buf, n, want)                        \
	do {                                             \
		_cleanup_free_ char *got = span(buf, n); \
		assert_string_equal(got, want);          \
	} while (0)
#define assert_key_span(buf, obj, i, want)                        \
	do {                                                      \
		_cleanup_free_ char *got = key_span(buf, obj, i); \
		assert_string_equal(got, want);                   \
	} while (0)

static void test_offsets(void **state)
{
	const char *j = "\xef\xbb\xbf{\"a\": [1, \"x\\ny\", true],\n \"b\" : {}, \"c\":null}";
	_cleanup_node_ struct node *n = json_ok(j);
	assert_span(j, n, "{\"a\": [1, \"x\\ny\", true],\n \"b\" : {}, \"c\":null}");
	assert_key_span(j, n, 0, "\"a\"");
	assert_span(j, n->items[0], "[1, \"x\\ny\", true]");
	assert_span(j, n->items[0]->items[1], "\"x\\ny\"");
	assert_span(j, n->items[0]->items[2], "true");
	assert_key_span(j, n, 1, "\"b\"");
	assert_span(j, n->items[1], "{}");
	assert_span(j, n->items[2], "null");

	const char *y = "\xef\xbb\xbf# c\n"
			"a: &x {k: 'v'}  # after\n"
			"b:\n"
			"- \"q\"\n"
			"- *x\n"
			"c:\n"
			"d: |\n"
			"  text\n"
			"\n"
			"e:\n"
			"  f: 1\n"
			"# end\n";
	_cleanup_node_ struct node *m = yaml_ok(y);
	assert_key_span(y, m, 0, "a");
	assert_span(y, m->items[0], "&x {k: 'v'}");
	assert_span(y, m->items[0]->items[0], "'v'");
	/* a block sequence starts at its first '-'; an alias's copy is the alias */
	assert_true(y[m->items[1]->start] == '-');
	assert_span(y, m->items[1]->items[0], "\"q\"");
	assert_span(y, m->items[1]->items[1], "*x");
	assert_span(y, m->items[1]->items[1]->items[0], "'v'");
	/* an empty value is right after its ':' */
	assert_int_equal(m->items[2]->kind, NODE_NULL);
	assert_int_equal(m->items[2]->start, m->keys[2].end + 1);
	assert_int_equal(m->items[2]->end, m->items[2]->start);
	/* a block scalar takes its line breaks */
	assert_span(y, m->items[3], "|\n  text\n\n");
	/* a block mapping ends where the next token starts */
	assert_span(y, m->items[4], "f: 1\n# end\n");
	/* the same offsets from the stream reader, past the first document */
	const char *s = "a: 1\n---\nb: [2]\n";
	struct node *docs[2] = { 0 };
	assert_int_equal(yaml_parse_stream(s, strlen(s), keep_docs, docs, NULL), 0);
	assert_key_span(s, docs[1], 0, "b");
	assert_span(s, docs[1]->items[0], "[2]");
	node_free(docs[0]);
	node_free(docs[1]);
}

static void test_yaml_errors(void **state)
{
	yaml_err("", 1, 1, "empty document");
	yaml_err("# only a comment\n", 2, 1, "empty document");
	yaml_err("\xef\xbb\xbf", 1, 1, "empty document");
	yaml_err("a: 1\n---\nb: 2\n", 2, 1, "more than one document");
	yaml_err("--- 1\n--- 2\n", 2, 1, "more than one document");
	yaml_err("a: 1\n...\n# trailing comment is fine\n--- x\n", 4, 1, "more than one document");
	yaml_err("a: b: c\n", 1, 5, "mapping values are not allowed");
	yaml_err("a:\n  b: 1\n c: 2\n", 3, 2, "did not find expected key");
	yaml_err("[1, 2\n", 2, 1, "did not find expected ',' or ']'");
	/* libyaml puts the end of input on an imagined next line; we do not */
	yaml_err("[1, 2", 1, 6, "did not find expected ',' or ']'");
	yaml_err("key: \"abc\n", 2, 1, "found unexpected end of stream");
	yaml_err("a: *nope\n", 1, 4, "alias '*nope' refers to an unknown anchor");
	yaml_err("a: &x [1, *x]\n", 1, 11, "alias '*x' is inside the node it refers to");
	yaml_err("? [a]\n: 1\n", 1, 3, "expected a scalar as mapping key, found a sequence");
	yaml_err("{{a: 1}: 2}", 1, 2, "expected a scalar as mapping key, found a mapping");
	yaml_err("a: &m {x: 1}\n*m : 2\n", 2, 1,
		 "expected a scalar as mapping key, found alias '*m' of a mapping");
	yaml_err("v: \"a\\0b\"\n", 1, 4, "NUL character in string");
	yaml_err("\"a\\0\": 1\n", 1, 1, "NUL character in string");
	yaml_err("v: !!int 1.5\n", 1, 4, "invalid !!int value '1.5'");
	yaml_err("v: !!bool yes\n", 1, 4, "invalid !!bool value 'yes'");
	yaml_err("v: !!null 0\n", 1, 4, "invalid !!null value '0'");
	yaml_err("v: !!float abc\n", 1, 4, "invalid !!float value 'abc'");
	yaml_err("v: \"\\ud800\"\n", 1, 7, "invalid Unicode character");
	yaml_err("a: 1\nb: \xff\n", 2, 4, "invalid UTF-8, found byte 0xff");
	yaml_err("a: \xc3\n", 1, 5, "invalid UTF-8, found byte 0x0a inside a sequence");
	yaml_err("a: \xc3", 1, 4, "invalid UTF-8, incomplete sequence at end of input");
	yaml_err("a: \xed\xa0\x80", 1, 4, "invalid UTF-8");
	yaml_err("a: \xc0\x80", 1, 4, "invalid UTF-8");
	yaml_err("a: \x01\n", 1, 4, "control characters are not allowed");
	yaml_err("\ta: 1\n", 1, 1, "found character that cannot start any token");
	yaml_err("a: %x\n", 1, 4, "found character that cannot start any token");
	/* a NUL byte inside the buffer */
	expect_error(yaml_parse, "a: 1\0", 5, 1, 5, "control characters are not allowed");
	expect_error(yaml_parse, NULL, 0, 1, 1, "empty document");
}

static void test_yaml_depth(void **state)
{
	_cleanup_free_ char *ok = nest("[", "]", 512);
	_cleanup_node_ struct node *n = yaml_ok(ok);
	check_roundtrip(n);
	_cleanup_free_ char *deep = repeat("[", 513);
	yaml_err(deep, 1, 513, "nesting deeper than 512 levels");
	_cleanup_free_ char *deeper = repeat("[", 100000);
	yaml_err(deeper, 1, 513, "nesting deeper than 512 levels");
	_cleanup_free_ char *seqs = repeat("- ", 100000);
	yaml_err(seqs, 1, 1025, "nesting deeper than 512 levels");
	/* aliases count too: a 300-deep anchor used 300 levels down */
	_cleanup_free_ char *in = nest("[", "]", 299);
	_cleanup_free_ char *open = repeat("[", 300);
	_cleanup_free_ char *close = repeat("]", 300);
	_cleanup_free_ char *a = xasprintf("[&a %s, %s*a%s]", in, open, close);
	yaml_err(a, 1, 905, "nesting deeper than 512 levels");
}

static void test_yaml_anchors(void **state)
{
	_cleanup_node_ struct node *n = yaml_ok("base: &b\n"
						"  action: SCMP_ACT_ALLOW\n"
						"  names: [read]\n"
						"name: &n write\n"
						"&k key: v\n"
						"rules:\n"
						"- *b\n"
						"- *n\n"
						"- *k\n"
						"*n : from-alias\n"
						"redefined: &n 2\n"
						"again: *n\n");
	struct node *rules = node_get(n, "rules");
	assert_int_equal(rules->len, 3);
	assert_true(node_equal(rules->items[0], node_get(n, "base")));
	assert_ptr_not_equal(rules->items[0], node_get(n, "base"));
	assert_int_equal(rules->items[0]->line, 7);
	assert_int_equal(rules->items[0]->col, 3);
	assert_string_equal(rules->items[1]->text, "write");
	assert_string_equal(rules->items[2]->text, "key");
	assert_string_equal(node_get(n, "write")->text, "from-alias");
	assert_string_equal(node_get(n, "again")->text, "2");
	check_roundtrip(n);

	/* billion laughs: refused before anything is expanded */
	static const char laughs[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
				     "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
				     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
				     "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
				     "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	double t = now();
	yaml_err(laughs, 7, 16, "more than 4000000 values in document after alias expansion");
	assert_true(now() - t < 5.0);
}

static const char spo[] = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
			  "kind: SeccompProfile\n"
			  "metadata:\n"
			  "  name: nginx\n"
			  "  namespace: default\n"
			  "  annotations:\n"
			  "    description: \"Blocks: everything else\"\n"
			  "spec:\n"
			  "  defaultAction: SCMP_ACT_ERRNO\n"
			  "  baseProfileName: oci://ghcr.io/security-profiles/runc:v1.1.12\n"
			  "  architectures:\n"
			  "  - SCMP_ARCH_X86_64\n"
			  "  - SCMP_ARCH_AARCH64\n"
			  "  syscalls:\n"
			  "  - action: SCMP_ACT_ALLOW\n"
			  "    names:\n"
			  "    - accept4\n"
			  "    - epoll_wait\n"
			  "  - action: SCMP_ACT_ERRNO\n"
			  "    errnoRet: 1\n"
			  "    names: [personality]\n"
			  "    args:\n"
			  "    - index: 0\n"
			  "      value: -1\n"
			  "      op: SCMP_CMP_EQ\n"
			  "  disabled: false\n";

static void test_yaml_spo(void **state)
{
	_cleanup_node_ struct node *n = yaml_ok(spo);
	assert_string_equal(node_get(n, "kind")->text, "SeccompProfile");
	struct node *spec = node_get(n, "spec");
	assert_int_equal(spec->line, 9);
	assert_int_equal(spec->col, 3);
	assert_string_equal(node_get(spec, "baseProfileName")->text,
			    "oci://ghcr.io/security-profiles/runc:v1.1.12");
	struct node *sc = node_get(spec, "syscalls");
	assert_int_equal(sc->kind, NODE_ARRAY);
	assert_int_equal(sc->len, 2);
	assert_int_equal(sc->items[1]->line, 19);
	assert_int_equal(sc->items[1]->col, 5);
	struct node *arg = node_get(sc->items[1], "args")->items[0];
	int64_t v;
	assert_true(node_get_i64(node_get(arg, "value"), &v));
	assert_int_equal(v, -1);
	assert_int_equal(node_get(spec, "disabled")->kind, NODE_BOOL);
	assert_string_equal(
		node_get(node_get(node_get(n, "metadata"), "annotations"), "description")->text,
		"Blocks: everything else");
	check_roundtrip(n);

	/* the same profile written as YAML looks like kubectl's output */
	_cleanup_free_ char *y = to_yaml(n);
	assert_non_null(strstr(y, "  syscalls:\n"
				  "  - action: SCMP_ACT_ALLOW\n"
				  "    names:\n"
				  "    - accept4\n"
				  "    - epoll_wait\n"));
	assert_non_null(strstr(y, "    description: \"Blocks: everything else\"\n"));
	assert_non_null(strstr(y, "    names:\n    - personality\n"));
}

static void test_yaml_write(void **state)
{
	_cleanup_node_ struct node *n = json_ok(
		"{\"a\": 1, \"list\": [1, \"two\", [3, [4]], {\"k\": [], \"m\": {}}, [], {}, "
		"{\"x\": {\"y\": [true]}, \"z\": null}], \"obj\": {\"in\": {\"deep\": \"v\"}}, "
		"\"\": \"\", \"q\": \"a: b\"}");
	_cleanup_free_ char *y = to_yaml(n);
	assert_string_equal(y, "a: 1\n"
			       "list:\n"
			       "- 1\n"
			       "- two\n"
			       "- - 3\n"
			       "  - - 4\n"
			       "- k: []\n"
			       "  m: {}\n"
			       "- []\n"
			       "- {}\n"
			       "- x:\n"
			       "    \"y\":\n"
			       "    - true\n"
			       "  z: null\n"
			       "obj:\n"
			       "  in:\n"
			       "    deep: v\n"
			       "\"\": \"\"\n"
			       "q: \"a: b\"\n");
	check_roundtrip(n);

	_cleanup_node_ struct node *arr = node_new(NODE_ARRAY);
	_cleanup_free_ char *ea = to_yaml(arr);
	assert_string_equal(ea, "[]\n");
	_cleanup_node_ struct node *obj = node_new(NODE_OBJECT);
	_cleanup_free_ char *eo = to_yaml(obj);
	assert_string_equal(eo, "{}\n");

	static const struct {
		const char *in, *out;
	} strings[] = {
		{ "plain", "plain" },
		{ "SCMP_ACT_ERRNO", "SCMP_ACT_ERRNO" },
		{ "with space", "with space" },
		{ "oci://ghcr.io/x:tag", "oci://ghcr.io/x:tag" },
		{ "/usr/bin/x", "/usr/bin/x" },
		{ "_x", "_x" },
		{ "", "\"\"" },
		{ "true", "\"true\"" },
		{ "False", "\"False\"" },
		{ "null", "\"null\"" },
		{ "~", "\"~\"" },
		{ "yes", "\"yes\"" },
		{ "off", "\"off\"" },
		{ "y", "\"y\"" },
		{ "42", "\"42\"" },
		{ "1.5", "\"1.5\"" },
		{ ".inf", "\".inf\"" },
		{ "0x10", "\"0x10\"" },
		{ "-x", "\"-x\"" },
		{ "- x", "\"- x\"" },
		{ "a: b", "\"a: b\"" },
		{ "a:", "\"a:\"" },
		{ "a #b", "\"a #b\"" },
		{ "a#b", "a#b" },
		{ "a ", "\"a \"" },
		{ " a", "\" a\"" },
		{ "*a", "\"*a\"" },
		{ "&a", "\"&a\"" },
		{ "!a", "\"!a\"" },
		{ "@a", "\"@a\"" },
		{ "[a]", "\"[a]\"" },
		{ "{a}", "\"{a}\"" },
		{ "'a'", "\"'a'\"" },
		{ "a\"b", "a\"b" },
		{ "\"", "\"\\\"\"" },
		{ "a\\b", "a\\b" },
		{ "<<", "\"<<\"" },
		{ "%x", "\"%x\"" },
		{ "a\nb", "\"a\\nb\"" },
		{ "a\tb", "\"a\\tb\"" },
		{ "\x01\x7f", "\"\\x01\\x7F\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xc2\x85|\xe2\x80\xa8|\xef\xbb\xbf|\xef\xbf\xbf",
		  "\"\\x85|\\u2028|\\uFEFF|\\uFFFF\"" },
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		_cleanup_node_ struct node *s = node_new_string(strings[i].in);
		_cleanup_free_ char *out = to_yaml(s);
		_cleanup_free_ char *want = xasprintf("%s\n", strings[i].out);
		assert_string_equal(out, want);
		_cleanup_node_ struct node *o = node_new(NODE_OBJECT);
		node_object_add(o, strings[i].in, node_new_string(strings[i].in));
		struct node *l = node_new(NODE_ARRAY);
		node_array_add(l, node_copy(s));
		node_object_add(o, "l", l);
		check_roundtrip(s);
		check_roundtrip(o);
	}
	/* invalid UTF-8 from a hand-built tree */
	_cleanup_node_ struct node *bad = node_new_string("a\xff");
	_cleanup_free_ char *b = to_yaml(bad);
	assert_string_equal(b, "\"a\\uFFFD\"\n");
}

static void test_yaml_long_keys(void **state)
{
	/* implicit keys are limited to 1024 characters: long ones become "? key" */
	_cleanup_free_ char *k = repeat("k", 3000);
	_cleanup_node_ struct node *o = node_new(NODE_OBJECT);
	node_object_add(o, k, node_new_string("v"));
	node_object_add(o, "short", node_new_string("v"));
	struct node *inner = node_new(NODE_OBJECT);
	node_object_add(inner, k, node_new_u64(1));
	node_object_add(o, k, inner);
	struct node *list = node_new(NODE_ARRAY);
	node_array_add(list, node_new_string("x"));
	node_array_add(list, node_copy(o));
	node_object_add(o, k, list);
	_cleanup_free_ char *y = to_yaml(o);
	assert_true(strncmp(y, "? kkk", 5) == 0);
	check_roundtrip(o);
	_cleanup_node_ struct node *a = node_new(NODE_ARRAY);
	node_array_add(a, node_copy(o));
	check_roundtrip(a);
}

static void test_roundtrip_corpus(void **state)
{
	static const char *const json_docs[] = {
		"[[], [[]], {}, {\"\": {}}, [{}], [null]]",
		"{\"a\": {\"b\": {\"c\": [1, [2, [3, {\"d\": \"e\"}]]]}}}",
		"[\"\", \" \", \"#\", \"- \", \"? x\", \": x\", \"|\", \">\", \"---\", \"...\"]",
		"[\"\\u0000x\"]",
		"{\"a\": [{\"b\": [{\"c\": []}]}, [[{}]]], \"b\": [[\"\\t\"]]}",
		"[1e-7, -0.0, 1E+2, 5e0]",
	};
	for (size_t i = 0; i < ARRAY_SIZE(json_docs); i++) {
		struct node *n = NULL;
		struct scprof_error *e = NULL;
		if (json_parse(json_docs[i], strlen(json_docs[i]), &n, &e) < 0) {
			assert_non_null(strstr(e->msg, "NUL"));
			scprof_error_free(e);
			continue;
		}
		check_roundtrip(n);
		node_free(n);
	}
	static const char *const yaml_docs[] = {
		"- a\n- - b\n  - c\n- d: e\n  f:\n  - g\n",
		"a: |\n  line1\n  line2\nb: >\n  folded\n  text\n",
		"{a: [1, 2], b: {c: d}}",
		"? complex key\n: value\n",
		"a:\nb:\n- \n- ''\n",
		"x: !!str 0x10\ny: 0x10\nz: 0o10\n",
		"\"\\t\\x01\\u00e9\\N\\_\\L\\P\": 1\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(yaml_docs); i++) {
		_cleanup_node_ struct node *n = yaml_ok(yaml_docs[i]);
		check_roundtrip(n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_build),     cmocka_unit_test(test_node_numbers),
		cmocka_unit_test(test_json_values),    cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_errors),    cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_json_write),     cmocka_unit_test(test_json_speed),
		cmocka_unit_test(test_yaml_scalars),   cmocka_unit_test(test_yaml_k8s_scalars),
		cmocka_unit_test(test_yaml_positions), cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_yaml_depth),     cmocka_unit_test(test_yaml_anchors),
		cmocka_unit_test(test_yaml_spo),       cmocka_unit_test(test_yaml_write),
		cmocka_unit_test(test_yaml_long_keys), cmocka_unit_test(test_roundtrip_corpus),
		cmocka_unit_test(test_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
