// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the log reader (lib/audit/reader.c): plain and gzip
 * input split into lines, each classified and parsed as scprof audit does.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audit/reader.h"
#include "audit/record.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-reader", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct audit_reader *rd = NULL;
	struct scprof_error *err = NULL;
	if (audit_reader_open(path, false, &rd, &err) < 0)
		abort();
	struct audit_record rec = { 0 };
	const char *line;
	size_t len;
	int ret;
	while ((ret = audit_reader_next(rd, &line, &len, &err)) > 0) {
		uint64_t n;
		if (len > AUDIT_LINE_MAX || memchr(line, '\n', len))
			abort();
		enum audit_line_kind k = audit_line_kind(line, len, &n);
		if (k == AUDIT_LINE_SECCOMP || k == AUDIT_LINE_ABEND)
			(void)audit_record_parse(line, len, &rec, NULL);
	}
	if (ret < 0 && (!err || !err->msg))
		abort();
	audit_record_release(&rec);
	scprof_error_free(err);
	audit_reader_free(rd);
	close(fd);
	return 0;
}
