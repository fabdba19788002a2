// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof disasm (being written). */
#include "cli/cli.h"

int cmd_disasm(int argc, char **argv)
{
	cli_error("disasm: not available in this build");
	return EXIT_USAGE;
}
