// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof convert (being written). */
#include "cli/cli.h"

int cmd_convert(int argc, char **argv)
{
	cli_error("convert: not available in this build");
	return EXIT_USAGE;
}
