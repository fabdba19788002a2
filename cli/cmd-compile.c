// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof compile (being written). */
#include "cli/cli.h"

int cmd_compile(int argc, char **argv)
{
	cli_error("compile: not available in this build");
	return EXIT_USAGE;
}
