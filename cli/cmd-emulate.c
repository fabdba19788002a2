// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof emulate (being written). */
#include "cli/cli.h"

int cmd_emulate(int argc, char **argv)
{
	cli_error("emulate: not available in this build");
	return EXIT_USAGE;
}
