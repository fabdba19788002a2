/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Argument values for test cases, shared by the differential test and the kernel oracle. */
#ifndef SCPROF_TEST_CASES_H
#define SCPROF_TEST_CASES_H

#include "scprof/semantic.h"

/* A value of the argument that satisfies condition @c. */
static inline uint64_t satisfying(const struct scprof_cond *c)
{
	switch (c->op) {
	case SCPROF_OP_NE:
	case SCPROF_OP_GT:
		return c->value + 1;
	case SCPROF_OP_LT:
		return c->value - 1;
	case SCPROF_OP_MASKED_EQ:
		return c->value_two & c->value;
	default:
		return c->value;
	}
}

#endif
