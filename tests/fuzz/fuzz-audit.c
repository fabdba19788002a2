// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the audit record parser (lib/audit/record.c): the
 * line classifier, the parser, its fast path against the general one, and
 * the JSON writer.
 */
#include <stdint.h>

#include "audit/record.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const struct audit_record *a, const struct audit_record *b)
{
	if (a->type != b->type || a->have != b->have || a->sec != b->sec || a->msec != b->msec ||
	    a->serial != b->serial || a->auid != b->auid || a->uid != b->uid || a->gid != b->gid ||
	    a->ses != b->ses || a->pid != b->pid || a->sig != b->sig || a->arch != b->arch ||
	    a->syscall != b->syscall || a->compat != b->compat || a->ip != b->ip ||
	    a->code != b->code || a->arch_info != b->arch_info ||
	    a->syscall_name != b->syscall_name)
		abort();
	const char *sa[] = { a->subj, a->comm, a->exe }, *sb[] = { b->subj, b->comm, b->exe };
	for (size_t i = 0; i < ARRAY_SIZE(sa); i++)
		if (!sa[i] != !sb[i] || (sa[i] && strcmp(sa[i], sb[i])))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy without a terminator, so that ASan catches any read past @size. */
	char *line = xmalloc(size ? size : 1);
	memcpy(line, data, size);
	uint64_t n;
	(void)audit_line_kind(line, size, &n);

	struct audit_record r = { 0 }, g = { 0 };
	struct scprof_error *err = NULL, *gerr = NULL;
	int ret = audit_record_parse(line, size, &r, &err);
	int gret = audit_record_parse_general(line, size, &g, &gerr);
	if (ret != gret)
		abort();
	if (ret == 0) {
		check_same(&r, &g);
		char buf[40];
		audit_action_format(r.code, buf, sizeof(buf));
		struct strbuf sb = STRBUF_INIT;
		audit_record_json(&r, &sb);
		if (sb.len > audit_record_json_max(&r))
			abort();
		strbuf_release(&sb);
	} else if (!err || !err->msg || err->code >= 0) {
		abort();
	}
	audit_record_release(&r);
	audit_record_release(&g);
	scprof_error_free(err);
	scprof_error_free(gerr);
	free(line);
	return 0;
}
