// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof merge: the union of several profiles. */
#include "cli/cli.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"

static const char help[] =
	"usage: scprof merge [-o OUT] [--to oci|spo|spo-json] [--default-action ACTION]\n"
	"                    [--arch ARCH]... [--profile-dir DIR]... [--no-resolve]\n"
	"                    PROFILE PROFILE...\n"
	"\n"
	"Union of profiles of any format.  Where several name a syscall with the same\n"
	"conditions the more permissive action wins (KILL_PROCESS < KILL_THREAD < TRAP <\n"
	"ERRNO < NOTIFY < TRACE < LOG < ALLOW), and a rule without arguments covers rules\n"
	"with arguments that are not more permissive.  defaultAction, architectures,\n"
	"flags and the listener come from the first profile unless options say otherwise.\n"
	"The result is in canonical form, in the first profile's format.  Each profile's\n"
	"base profiles are resolved first (see scprof resolve).\n"
	"\n"
	"  -o, --output OUT          write to OUT atomically (default: stdout)\n"
	"      --to FORMAT           oci, spo or spo-json\n"
	"      --default-action A    the result's defaultAction (e.g. SCMP_ACT_ERRNO)\n"
	"  -a, --arch ARCH           the result's architectures (repeatable)\n" CLI_RESOLVE_HELP
	"  -h, --help                show this help\n";

/* Merge @srcs (at least two) into one profile and write it; returns an exit code. */
static int merge_and_write(char **srcs, int n, enum scprof_format format, enum scprof_action dflt,
			   char **arches, size_t n_arches, const char *output)
{
	struct scprof_profile *acc = NULL;
	if (cli_load_profile(srcs[0], &acc) != EXIT_OK)
		return EXIT_USAGE;
	for (int i = 1; i < n; i++) {
		struct scprof_profile *p = NULL;
		if (cli_load_profile(srcs[i], &p) != EXIT_OK) {
			scprof_profile_free(acc);
			return EXIT_USAGE;
		}
		scprof_profile_merge(acc, p);
		scprof_profile_free(p);
	}
	if (dflt != SCPROF_ACT_INVALID) {
		acc->default_action = dflt;
		if (dflt != SCPROF_ACT_ERRNO && dflt != SCPROF_ACT_TRACE)
			acc->has_default_errno_ret = false;
	}
	if (n_arches) {
		struct scprof_profile *fresh = scprof_profile_new();
		/* swap the architecture fields through an empty profile so that the old ones are freed */
		fresh->architectures = acc->architectures;
		fresh->n_architectures = acc->n_architectures;
		fresh->arch_map = acc->arch_map;
		fresh->n_arch_map = acc->n_arch_map;
		scprof_profile_free(fresh);
		acc->arch_map = NULL;
		acc->n_arch_map = 0;
		acc->architectures = xmalloc(n_arches * sizeof(char *));
		for (size_t i = 0; i < n_arches; i++)
			acc->architectures[i] = xstrdup(arches[i]);
		acc->n_architectures = n_arches;
	}

	_cleanup_free_ char *text = NULL;
	size_t len;
	_cleanup_error_ struct scprof_error *err = NULL;
	int r = scprof_profile_write(acc, format, 0, &text, &len, &err);
	scprof_profile_free(acc);
	if (r < 0)
		return cli_report(err);
	return cli_write_output(output, text, len);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 't' },
		{ "default-action", required_argument, NULL, 'd' },
		{ "arch", required_argument, NULL, 'a' },
		CLI_RESOLVE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	enum scprof_format format = SCPROF_FORMAT_AUTO;
	enum scprof_action dflt = SCPROF_ACT_INVALID;
	char *arches[64];
	size_t n_arches = 0;
	int c;
	while ((c = getopt_long(argc, argv, "o:a:h", opts, NULL)) != -1) {
		int r = cli_resolve_option("merge", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 't':
			if (cli_parse_to("merge", optarg, &format) < 0)
				return EXIT_USAGE;
			break;
		case 'd':
			dflt = scprof_action_from_name(optarg);
			if (dflt == SCPROF_ACT_INVALID)
				return cli_usage_error("merge", "unknown action '%s'", optarg);
			break;
		case 'a': {
			const struct scprof_arch *a = scprof_arch_by_name(optarg);
			if (!a)
				return cli_usage_error("merge", "unknown architecture '%s'",
						       optarg);
			if (n_arches == ARRAY_SIZE(arches))
				return cli_usage_error("merge", "too many --arch options");
			arches[n_arches++] = (char *)a->scmp_name;
			break;
		}
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("merge", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("merge", "give at least two profiles");
	return merge_and_write(argv + optind, argc - optind, format, dflt, arches, n_arches,
			       output);
}
