// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer harness for the YAML reader: what it accepts must survive every writer unchanged. */
#include "fuzz-tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_tree(yaml_parse, data, size);
}
