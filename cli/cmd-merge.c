// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof merge (being written). */
#include "cli/cli.h"

int cmd_merge(int argc, char **argv)
{
	cli_error("merge: not available in this build");
	return EXIT_USAGE;
}
