// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof diff: what two profiles allow, deny or condition differently. */
#include "cli/cli.h"
#include "format/node.h"
#include "scprof/semantic.h"

static const char help[] =
	"usage: scprof diff [OPTIONS] PROFILE_A PROFILE_B\n"
	"\n"
	"Compare what two profiles mean, per architecture and syscall, after archMap,\n"
	"includes/excludes and runc's rules are applied (so a reordered, reformatted or\n"
	"converted profile is the same).  Lines start with '+' (B allows it outright\n"
	"where A did not), '-' (B no longer allows it at all) or '~' (other changes).\n"
	"\n" CLI_CONTEXT_HELP CLI_RESOLVE_HELP "      --json          print a JSON object\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 same meaning, 1 different, 2 usage or input error.\n";

static const char *change_word(enum scprof_change c)
{
	return c == SCPROF_CHANGE_ALLOWED ? "allowed" :
	       c == SCPROF_CHANGE_DENIED  ? "denied" :
					    "changed";
}

static int build(const char *src, const struct scprof_context *ctx, struct scprof_semantic **s)
{
	struct scprof_profile *p = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	if (cli_load_profile(src, &p) != EXIT_OK)
		return EXIT_USAGE;
	int r = scprof_semantic_build(p, ctx, s, NULL, &err);
	scprof_profile_free(p);
	if (r < 0)
		return cli_report(err);
	return EXIT_OK;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_CONTEXT_OPTIONS,
		CLI_RESOLVE_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_context ctx;
	bool json = false;
	int c, r;
	scprof_context_init(&ctx);
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		r = cli_context_option("diff", &ctx, c, optarg);
		if (r == 0)
			r = cli_resolve_option("diff", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("diff", "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("diff", "expected two profiles");

	struct scprof_semantic *a = NULL, *b = NULL;
	r = build(argv[optind], &ctx, &a);
	if (r == EXIT_OK)
		r = build(argv[optind + 1], &ctx, &b);
	if (r != EXIT_OK) {
		scprof_semantic_free(a);
		return r;
	}
	struct scprof_difference *d;
	size_t n;
	scprof_semantic_diff(a, b, &d, &n);

	if (json) {
		_cleanup_node_ struct node *o = node_new(NODE_OBJECT);
		node_object_add(o, "same", node_new_bool(n == 0));
		struct node *list = node_new(NODE_ARRAY);
		for (size_t i = 0; i < n; i++) {
			struct node *x = node_new(NODE_OBJECT);
			node_object_add(x, "arch", node_new_string(d[i].arch->name));
			node_object_add(x, "syscall",
					d[i].name ? node_new_string(d[i].name) :
						    node_new(NODE_NULL));
			node_object_add(x, "nr", node_new_i64(d[i].nr));
			node_object_add(x, "a", node_new_string(d[i].a));
			node_object_add(x, "b", node_new_string(d[i].b));
			node_object_add(x, "change", node_new_string(change_word(d[i].change)));
			node_array_add(list, x);
		}
		node_object_add(o, "differences", list);
		cli_print_json(o);
	} else {
		cli_print_differences(d, n);
	}
	scprof_differences_free(d, n);
	scprof_semantic_free(a);
	scprof_semantic_free(b);
	return n ? EXIT_FINDINGS : EXIT_OK;
}
