// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof explain (being written). */
#include "cli/cli.h"

int cmd_explain(int argc, char **argv)
{
	cli_error("explain: not available in this build");
	return EXIT_USAGE;
}
