// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof convert: between the OCI/Docker JSON profile and the SPO SeccompProfile. */
#include <ctype.h>
#include <libgen.h>

#include "cli/cli.h"
#include "scprof/profile.h"
#include "scprof/semantic.h"

static const char help[] =
	"usage: scprof convert --to oci|spo|spo-json [--resolve [CONTEXT]] [--name NAME]\n"
	"                      [--compact] [-o OUT] PROFILE\n"
	"\n"
	"Convert a profile.  'oci' writes the linux.seccomp JSON object that runc, Docker,\n"
	"Podman and the kubelet's Localhost profiles read; 'spo' writes a Security Profiles\n"
	"Operator SeccompProfile in YAML ('spo-json': in JSON).  baseProfileName is kept\n"
	"as written; 'scprof resolve' flattens the base profiles in.\n"
	"\n"
	"      --to FORMAT     oci, spo or spo-json (required)\n"
	"      --name NAME     metadata.name of the SeccompProfile (default: the input's\n"
	"                      name, else derived from the file name)\n"
	"      --compact       JSON without whitespace\n"
	"      --resolve       evaluate what Docker and containers/common resolve before the\n"
	"                      runtime sees the profile, which runc itself ignores: archMap\n"
	"                      (to an architectures list), includes/excludes, errno names;\n"
	"                      for the context below\n" CLI_CONTEXT_HELP
	"  -o, --output OUT    write to OUT atomically (default: stdout)\n"
	"  -h, --help          show this help\n";

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "compact", no_argument, NULL, 'c' },
		{ "resolve", no_argument, NULL, 'r' },
		CLI_CONTEXT_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *name = NULL, *output = "-";
	unsigned flags = 0;
	bool resolve = false;
	struct scprof_context ctx;
	int c, r;
	scprof_context_init(&ctx);
	while ((c = getopt_long(argc, argv, "o:a:h", opts, NULL)) != -1) {
		r = cli_context_option("convert", &ctx, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'r':
			resolve = true;
			break;
		case 't':
			to = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			flags |= SCPROF_WRITE_COMPACT;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("convert", "unknown option");
		}
	}
	if (!to)
		return cli_usage_error("convert", "--to is required");
	enum scprof_format format;
	if (cli_parse_to("convert", to, &format) < 0)
		return EXIT_USAGE;
	if (optind + 1 != argc)
		return cli_usage_error("convert", "expected exactly one profile");

	const char *src = argv[optind];
	struct scprof_profile *p = NULL;
	if (cli_load_profile_unresolved(src, &p) != EXIT_OK)
		return EXIT_USAGE;
	if (resolve) {
		struct scprof_profile *resolved = scprof_profile_resolve(p, &ctx);
		scprof_profile_free(p);
		p = resolved;
	}

	if (format == SCPROF_FORMAT_OCI_JSON && p->kind == SCPROF_KIND_SPO) {
		if (p->n_annotations || p->state || p->disabled >= 0)
			cli_warning(
				"the SeccompProfile's metadata, annotations and state are not part of an OCI profile; dropped");
	} else if (format != SCPROF_FORMAT_OCI_JSON) {
		if (p->has_default_errno_ret && p->default_errno_ret != EPERM)
			cli_warning(
				"a SeccompProfile has no defaultErrnoRet; runtimes will return EPERM instead of %u",
				p->default_errno_ret);
		if (name) {
			free(p->name);
			p->name = xstrdup(name);
		} else if (!p->name) {
			p->name = strcmp(src, "-") ? cli_name_from_path(src) : xstrdup("profile");
		}
	}
	_cleanup_free_ char *out = NULL;
	size_t len;
	_cleanup_error_ struct scprof_error *err = NULL;
	r = scprof_profile_write(p, format, flags, &out, &len, &err);
	scprof_profile_free(p);
	if (r < 0)
		return cli_report(err);
	return cli_write_output(output, out, len);
}
