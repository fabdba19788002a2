// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof validate (being written). */
#include "cli/cli.h"

int cmd_validate(int argc, char **argv)
{
	cli_error("validate: not available in this build");
	return EXIT_USAGE;
}
