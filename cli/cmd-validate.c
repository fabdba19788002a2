// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof validate: every error and warning of each profile, with positions. */
#include "cli/cli.h"
#include "format/node.h"
#include "scprof/compile.h"
#include "scprof/profile.h"

static const char help[] =
	"usage: scprof validate [--json] [-q] [--compile] [--profile-dir DIR]... [--no-resolve]\n"
	"                       PROFILE...\n"
	"\n"
	"Check profiles (OCI/Docker JSON, SPO YAML or JSON) and print every problem as\n"
	"FILE:LINE:COL: error|warning: MESSAGE.\n"
	"\n"
	"  -q, --quiet   print errors only, not warnings\n"
	"      --compile also build the filter runc would build on this host and report\n"
	"                what libseccomp refuses: rules whose conditions collide in its\n"
	"                tree, a filter over 4096 instructions (slow on huge profiles)\n"
	"      --json    one JSON document: [{file, valid, diagnostics: [...]}]\n"
	"  -h, --help    show this help\n"
	"\n"
	"A profile's baseProfileName is resolved too (see scprof resolve): a base that\n"
	"cannot be found or read, a cycle, or too many levels is an input error.\n" CLI_RESOLVE_HELP
	"\n"
	"Exit status: 0 all valid, 1 some profile is invalid, 2 usage or I/O error.\n";

/*
 * Some conflicts only show when libseccomp merges the rules into its tree (a rule
 * whose conditions extend another's, socket rules that meet in x86's socketcall):
 * build the filter runc would build, on the host's defaults, and report its
 * refusal at the rule's position.
 */
static int try_compile(const struct scprof_profile *p, struct scprof_diags *d)
{
	struct scprof_context ctx;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	scprof_context_init(&ctx);
	int r = scprof_semantic_build(p, &ctx, &s, NULL, &err);
	if (r == 0)
		r = scprof_compile(s, p, NULL, &prog, &err);
	scprof_semantic_free(s);
	scprof_bpf_free(prog);
	if (r == 0)
		return 0;
	scprof_diags_add(d, SCPROF_SEV_ERROR, err->line ? err->line : p->line,
			 err->line ? err->col : p->col, "%s", err->msg);
	return -EINVAL;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_RESOLVE_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "compile", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false, compile = false;
	int c;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		int r = cli_resolve_option("validate", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'c':
			compile = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("validate", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("validate", "no profile given");

	int status = EXIT_OK;
	_cleanup_node_ struct node *doc = node_new(NODE_ARRAY);
	for (int i = optind; i < argc; i++) {
		const char *src = argv[i];
		const char *shown = strcmp(src, "-") ? src : "<stdin>";
		struct scprof_diags d = { 0 };
		struct scprof_profile *p = NULL;
		_cleanup_error_ struct scprof_error *err = NULL;
		int r = scprof_profile_load(src, &p, &d, &err);
		/* a base is another input: its problems are input errors, as for other commands */
		if (r == 0 && cli_resolve_bases(p, src) != EXIT_OK) {
			scprof_profile_free(p);
			scprof_diags_release(&d);
			status = EXIT_USAGE;
			continue;
		}
		if (r == 0 && compile)
			r = try_compile(p, &d);
		scprof_profile_free(p);
		if (r < 0 && r != -EINVAL) {
			cli_report(err);
			scprof_diags_release(&d);
			status = EXIT_USAGE;
			continue;
		}
		if (r < 0 && status == EXIT_OK)
			status = EXIT_FINDINGS;
		scprof_diags_sort(&d);
		struct node *entry = node_new(NODE_OBJECT);
		struct node *list = node_new(NODE_ARRAY);
		for (size_t j = 0; j < d.n; j++) {
			const struct scprof_diag *x = &d.items[j];
			if (quiet && x->severity != SCPROF_SEV_ERROR)
				continue;
			if (!json) {
				cli_print_diag(shown, x);
				continue;
			}
			struct node *o = node_new(NODE_OBJECT);
			node_object_add(o, "line", node_new_u64(x->line));
			node_object_add(o, "column", node_new_u64(x->col));
			node_object_add(o, "severity",
					node_new_string(x->severity == SCPROF_SEV_ERROR ?
								"error" :
								"warning"));
			node_object_add(o, "message", node_new_string(x->msg));
			node_array_add(list, o);
		}
		node_object_add(entry, "file", node_new_string(shown));
		node_object_add(entry, "valid", node_new_bool(r == 0));
		node_object_add(entry, "errors",
				node_new_u64(scprof_diags_count(&d, SCPROF_SEV_ERROR)));
		node_object_add(entry, "warnings",
				node_new_u64(scprof_diags_count(&d, SCPROF_SEV_WARNING)));
		node_object_add(entry, "diagnostics", list);
		node_array_add(doc, entry);
		scprof_diags_release(&d);
	}
	if (json)
		cli_print_json(doc);
	return status;
}
