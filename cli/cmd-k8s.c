// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof k8s: the Kubernetes subcommands. */
#include "cli/cli.h"

static const char help[] =
	"Usage: scprof k8s SUBCOMMAND [ARG...]\n"
	"\n"
	"Subcommands:\n"
	"  check-default   is a workload ready for RuntimeDefault? (the calls the default\n"
	"                  profile would deny, and the Localhost profile to use if any)\n"
	"\n"
	"scprof k8s SUBCOMMAND --help shows each one's options.\n";

int cmd_k8s(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{ "check-default", cmd_k8s_check_default },
	};
	if (argc < 2)
		return cli_usage_error("k8s", "no subcommand");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cli_help(help);
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	return cli_usage_error("k8s", "unknown subcommand '%s'", argv[1]);
}
