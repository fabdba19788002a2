// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the YAML reader, with YAML 1.2's scalars and with
 * Kubernetes' (YAML 1.1): what it accepts must survive every writer unchanged.
 */
#include "fuzz-tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_tree(yaml_parse, data, size);
	return fuzz_tree(yaml_parse_k8s, data, size);
}
