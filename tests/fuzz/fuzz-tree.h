/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the JSON and YAML reader harnesses: parse with @parse, insist that a
 * failure carries a position, and that what is accepted survives every writer.
 */
#ifndef SCPROF_FUZZ_TREE_H
#define SCPROF_FUZZ_TREE_H

#include <stdint.h>

#include "format/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum out { OUT_JSON_PRETTY, OUT_JSON_COMPACT, OUT_YAML };

/* Write @tree, read the text back with the matching reader, and insist on an equal tree. */
static void roundtrip(const struct node *tree, enum out how)
{
	struct strbuf sb = STRBUF_INIT;
	struct node *back = NULL;
	struct scprof_error *err = NULL;
	int r;

	if (how == OUT_YAML) {
		yaml_write(tree, &sb);
		r = yaml_parse(sb.buf, sb.len, &back, &err);
	} else {
		json_write(tree, how == OUT_JSON_PRETTY, &sb);
		r = json_parse(sb.buf, sb.len, &back, &err);
	}
	if (r < 0) {
		fprintf(stderr, "written text does not parse: %u:%u: %s\n%s", err->line, err->col,
			err->msg, sb.buf);
		abort();
	}
	if (!node_equal(tree, back)) {
		fprintf(stderr, "written text reads back differently:\n%s", sb.buf);
		abort();
	}
	node_free(back);
	strbuf_release(&sb);
}

/* Nodes in @n, counting no further than @limit. */
static size_t count(const struct node *n, size_t limit)
{
	size_t c = 1;
	if (n->kind == NODE_ARRAY || n->kind == NODE_OBJECT)
		for (size_t i = 0; i < n->len && c < limit; i++)
			c += count(n->items[i], limit - c);
	return c;
}

typedef int (*tree_parser)(const char *buf, size_t len, struct node **out,
			   struct scprof_error **err);

static int fuzz_tree(tree_parser parse, const uint8_t *data, size_t size)
{
	/* A private copy without a terminator, so that ASan catches any read past @size. */
	char *buf = xmalloc(size ? size : 1);
	memcpy(buf, data, size);
	struct node *tree = NULL;
	struct scprof_error *err = NULL;

	if (parse(buf, size, &tree, &err) < 0) {
		/* reader errors carry a position, except running out of memory */
		if (!err || !err->msg || (err->code == -EINVAL && (!err->line || !err->col)) ||
		    tree)
			abort();
		scprof_error_free(err);
	} else {
		/* huge trees (YAML aliases) take long and teach nothing new */
		if (count(tree, 100000) < 100000) {
			roundtrip(tree, OUT_JSON_PRETTY);
			roundtrip(tree, OUT_JSON_COMPACT);
			roundtrip(tree, OUT_YAML);
		}
		node_free(tree);
	}
	free(buf);
	return 0;
}

#endif
