// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer harness for the seccomp audit record parser (lib/audit/record.c). */
#include <stdint.h>

#include "audit/record.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy without a terminator, so that ASan catches any read past @size. */
	char *line = xmalloc(size ? size : 1);
	memcpy(line, data, size);
	struct audit_record r;
	struct scprof_error *err = NULL;
	if (audit_record_parse(line, size, &r, &err) == 0) {
		char buf[40];
		audit_action_format(r.code, buf, sizeof(buf));
		/* Touch every decoded string so that a bad pointer shows up here. */
		size_t n = strlen(buf) + strlen(audit_action_name(r.action));
		if (r.comm)
			n += strlen(r.comm);
		if (r.exe)
			n += strlen(r.exe);
		if (r.subj)
			n += strlen(r.subj);
		if (r.syscall_name)
			n += strlen(r.syscall_name);
		if (r.arch_info)
			n += strlen(r.arch_info->name);
		if (n == SIZE_MAX)
			abort();
		audit_record_release(&r);
	} else if (!err || !err->msg || err->code >= 0) {
		abort();
	}
	scprof_error_free(err);
	free(line);
	return 0;
}
