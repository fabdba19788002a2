// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof fmt (being written). */
#include "cli/cli.h"

int cmd_fmt(int argc, char **argv)
{
	cli_error("fmt: not available in this build");
	return EXIT_USAGE;
}
