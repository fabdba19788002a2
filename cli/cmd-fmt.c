// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof fmt: rewrite profiles in canonical form, in their own format. */
#include "cli/cli.h"
#include "scprof/profile.h"

static const char help[] =
	"usage: scprof fmt [-w | --check] PROFILE...\n"
	"\n"
	"Print each profile in canonical form: stable key order, syscall names sorted,\n"
	"rules with the same action, errno, arguments and filters merged.  The output\n"
	"keeps the input's format (OCI JSON, SPO YAML or SPO JSON).  baseProfileName is\n"
	"kept as written; 'scprof resolve' flattens the base profiles in.\n"
	"\n"
	"  -w, --write   rewrite the files in place (atomically) instead of printing\n"
	"      --check   print the names of files that are not canonical; exit 1 if any\n"
	"  -h, --help    show this help\n";

int cmd_fmt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool write = false, check = false;
	int c;
	while ((c = getopt_long(argc, argv, "wh", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			write = true;
			break;
		case 'c':
			check = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("fmt", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("fmt", "no profile given");
	if (write && check)
		return cli_usage_error("fmt", "--write and --check exclude each other");

	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const char *src = argv[i];
		if (write && (!strcmp(src, "-") || scprof_profile_is_builtin(src))) {
			cli_error("cannot rewrite '%s' in place", src);
			status = EXIT_USAGE;
			continue;
		}
		struct scprof_profile *p = NULL;
		if (cli_load_profile_unresolved(src, &p) != EXIT_OK) {
			status = EXIT_USAGE;
			continue;
		}
		scprof_profile_canonicalize(p);
		_cleanup_free_ char *out = NULL;
		size_t len;
		_cleanup_error_ struct scprof_error *err = NULL;
		int r = scprof_profile_write(p, SCPROF_FORMAT_AUTO, 0, &out, &len, &err);
		scprof_profile_free(p);
		if (r < 0) {
			cli_report(err);
			status = EXIT_USAGE;
			continue;
		}
		if (write || check) {
			_cleanup_free_ char *old = NULL;
			size_t old_len = 0;
			bool same = false;
			if (!scprof_profile_is_builtin(src) &&
			    read_file(src, SCPROF_MAX_INPUT, &old, &old_len, NULL) == 0)
				same = old_len == len && !memcmp(old, out, len);
			else if (scprof_profile_is_builtin(src))
				same = true;
			if (check) {
				if (!same) {
					printf("%s\n", src);
					if (status == EXIT_OK)
						status = EXIT_FINDINGS;
				}
				continue;
			}
			if (!same && cli_write_output(src, out, len) != EXIT_OK)
				status = EXIT_USAGE;
			continue;
		}
		if (cli_write_output("-", out, len) != EXIT_OK)
			return EXIT_USAGE;
	}
	return status;
}
