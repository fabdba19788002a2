// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof resolve: a profile with its base profiles flattened into it. */
#include "cli/cli.h"
#include "scprof/profile.h"
#include "scprof/record.h"

static const char help_fmt[] =
	"usage: scprof resolve [-o OUT] [--to oci|spo|spo-json] [--annotate]\n"
	"                      [--profile-dir DIR]... [REGISTRY OPTIONS] PROFILE\n"
	"\n"
	"Follow PROFILE's baseProfileName, and its base's, and write PROFILE with the\n"
	"syscalls of every base united into it (the union of 'scprof merge'); its own\n"
	"defaultAction, architectures, flags and everything else stay.  The result has\n"
	"no baseProfileName and is in canonical form, in PROFILE's format.\n"
	"\n"
	"baseProfileName is an OCI artifact when it is oci://REF (pulled as 'scprof\n"
	"pull REF' does, with the registry options below), a file path when it has a\n"
	"'/' or ends in .json, .yaml or .yml (relative to the profile naming it), else\n"
	"a NAME: NAME.json, NAME.yaml or NAME.yml in each profile directory in order,\n"
	"then a built-in base:\n"
	"  runc             the syscalls runc's init makes after loading the filter,\n"
	"                   measured with runc %s, plus those its Go runtime may make\n"
	"  runtime/default  Docker's default profile; unconfined: none\n"
	"At most %d levels, the profile included; a cycle is an error.\n"
	"\n"
	"  -o, --output OUT       write to OUT atomically (default: stdout)\n"
	"      --to FORMAT        oci, spo or spo-json\n"
	"      --annotate         add the annotation 'syscalls' that the Security Profiles\n"
	"                         Operator writes: the flattened list as one line of JSON\n"
	"                         (SeccompProfile output only)\n"
	"      --profile-dir DIR  look base profiles up in DIR (repeatable; default:\n"
	"                         ./profiles, then /etc/scprof/profiles)\n" CLI_BASE_REGISTRY_HELP
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 ok, 2 usage or input error (a base not found, a cycle, too many\n"
	"levels, a base that does not parse or cannot be pulled); nothing is written then.\n";

static int show_help(void)
{
	const char *version = NULL;
	scprof_runtime_syscalls("runc", &version);
	_cleanup_free_ char *text =
		xasprintf(help_fmt, version ? version : "?", SCPROF_BASE_MAX_LEVELS);
	return cli_help(text);
}

int cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 't' },
		{ "annotate", no_argument, NULL, 'A' },
		{ "profile-dir", required_argument, NULL, 0x180 },
		CLI_BASE_REGISTRY_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	enum scprof_format format = SCPROF_FORMAT_AUTO;
	bool annotate = false;
	int c, r;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		r = cli_resolve_option("resolve", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 't':
			if (cli_parse_to("resolve", optarg, &format) < 0)
				return EXIT_USAGE;
			break;
		case 'A':
			annotate = true;
			break;
		case 'h':
			return show_help();
		default:
			return cli_usage_error("resolve", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("resolve", "expected exactly one profile");

	struct scprof_profile *p = NULL;
	if (cli_load_profile(argv[optind], &p) != EXIT_OK)
		return EXIT_USAGE;
	if (annotate && (format == SCPROF_FORMAT_OCI_JSON ||
			 (format == SCPROF_FORMAT_AUTO && p->kind == SCPROF_KIND_OCI))) {
		scprof_profile_free(p);
		return cli_usage_error(
			"resolve",
			"--annotate writes a SeccompProfile annotation; an OCI profile has none (add --to spo)");
	}
	scprof_profile_canonicalize(p);
	if (annotate)
		scprof_profile_annotate_syscalls(p);

	_cleanup_free_ char *text = NULL;
	size_t len;
	_cleanup_error_ struct scprof_error *err = NULL;
	r = scprof_profile_write(p, format, 0, &text, &len, &err);
	scprof_profile_free(p);
	if (r < 0)
		return cli_report(err);
	return cli_write_output(output, text, len);
}
