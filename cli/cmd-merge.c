// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof merge: the union of several profiles. */
#include "cli/cli.h"
#include "scprof/profile.h"
#include "scprof/syscalls.h"

static const char help[] =
	"usage: scprof merge [-o OUT] [--to oci|spo|spo-json] [--default-action ACTION]\n"
	"                    [--arch ARCH]... PROFILE PROFILE...\n"
	"\n"
	"Union of profiles of any format.  Where several name a syscall with the same\n"
	"conditions the more permissive action wins (KILL_PROCESS < KILL_THREAD < TRAP <\n"
	"ERRNO < NOTIFY < TRACE < LOG < ALLOW), and a rule without arguments covers rules\n"
	"with arguments that are not more permissive.  defaultAction, architectures,\n"
	"flags and the listener come from the first profile unless options say otherwise.\n"
	"The result is in canonical form, in the first profile's format.\n"
	"\n"
	"  -o, --output OUT          write to OUT atomically (default: stdout)\n"
	"      --to FORMAT           oci, spo or spo-json\n"
	"      --default-action A    the result's defaultAction (e.g. SCMP_ACT_ERRNO)\n"
	"  -a, --arch ARCH           the result's architectures (repeatable)\n"
	"  -h, --help                show this help\n";

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 't' },
		{ "default-action", required_argument, NULL, 'd' },
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	enum scprof_format format = SCPROF_FORMAT_AUTO;
	enum scprof_action dflt = SCPROF_ACT_INVALID;
	char **arches = NULL;
	size_t n_arches = 0;
	int c, status = EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 't':
			if (!strcmp(optarg, "oci"))
				format = SCPROF_FORMAT_OCI_JSON;
			else if (!strcmp(optarg, "spo"))
				format = SCPROF_FORMAT_SPO_YAML;
			else if (!strcmp(optarg, "spo-json"))
				format = SCPROF_FORMAT_SPO_JSON;
			else
				status = cli_usage_error("merge",
							 "--to must be oci, spo or spo-json");
			break;
		case 'd':
			dflt = scprof_action_from_name(optarg);
			if (dflt == SCPROF_ACT_INVALID)
				status = cli_usage_error("merge", "unknown action '%s'", optarg);
			break;
		case 'a': {
			const struct scprof_arch *a = scprof_arch_by_name(optarg);
			if (!a) {
				status = cli_usage_error("merge", "unknown architecture '%s'",
							 optarg);
				break;
			}
			arches = xrealloc(arches, (n_arches + 1) * sizeof(*arches));
			arches[n_arches++] = xstrdup(a->scmp_name);
			break;
		}
		case 'h':
			return cli_help(help);
		default:
			status = cli_usage_error("merge", "unknown option");
		}
		if (status != EXIT_OK)
			goto out;
	}
	if (argc - optind < 2) {
		status = cli_usage_error("merge", "give at least two profiles");
		goto out;
	}

	struct scprof_profile *acc = NULL;
	if (cli_load_profile(argv[optind], &acc) != EXIT_OK) {
		status = EXIT_USAGE;
		goto out;
	}
	for (int i = optind + 1; i < argc; i++) {
		struct scprof_profile *p = NULL;
		if (cli_load_profile(argv[i], &p) != EXIT_OK) {
			scprof_profile_free(acc);
			status = EXIT_USAGE;
			goto out;
		}
		scprof_profile_merge(acc, p);
		scprof_profile_free(p);
	}
	scprof_profile_canonicalize(acc);
	if (dflt != SCPROF_ACT_INVALID) {
		acc->default_action = dflt;
		if (dflt != SCPROF_ACT_ERRNO && dflt != SCPROF_ACT_TRACE)
			acc->has_default_errno_ret = false;
	}
	if (n_arches) {
		for (size_t i = 0; i < acc->n_architectures; i++)
			free(acc->architectures[i]);
		free(acc->architectures);
		for (size_t i = 0; i < acc->n_arch_map; i++) {
			free(acc->arch_map[i].arch);
			for (size_t j = 0; j < acc->arch_map[i].n_sub; j++)
				free(acc->arch_map[i].sub[j]);
			free(acc->arch_map[i].sub);
		}
		free(acc->arch_map);
		acc->arch_map = NULL;
		acc->n_arch_map = 0;
		acc->architectures = steal_ptr(&arches);
		acc->n_architectures = n_arches;
		n_arches = 0;
	}

	_cleanup_free_ char *out_text = NULL;
	size_t len;
	_cleanup_error_ struct scprof_error *err = NULL;
	int r = scprof_profile_write(acc, format, 0, &out_text, &len, &err);
	scprof_profile_free(acc);
	if (r < 0)
		status = cli_report(err);
	else
		status = cli_write_output(output, out_text, len);
out:
	for (size_t i = 0; i < n_arches; i++)
		free(arches[i]);
	free(arches);
	return status;
}
