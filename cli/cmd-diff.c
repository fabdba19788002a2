// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof diff (being written). */
#include "cli/cli.h"

int cmd_diff(int argc, char **argv)
{
	cli_error("diff: not available in this build");
	return EXIT_USAGE;
}
