// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof disasm: check a raw classic BPF seccomp program and print it as text or JSON. */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "scprof/bpf.h"

static const char help[] =
	"usage: scprof disasm [--json] FILE.bpf|-\n"
	"\n"
	"Check a raw seccomp BPF program (struct sock_filter array in host byte order,\n"
	"as written by 'scprof compile --format raw' or seccomp_export_bpf()) the way\n"
	"the kernel does, then print one instruction per line.\n"
	"\n"
	"Options:\n"
	"  --json      print a JSON array of {pc, code, jt, jf, k, text}\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 printed, 2 usage error or unreadable or invalid program.\n";

static void bpf_freep(struct scprof_bpf **p)
{
	scprof_bpf_free(*p);
}

static void format_text(const struct scprof_bpf *prog, struct strbuf *sb)
{
	char text[128];

	for (size_t pc = 0; pc < prog->len; pc++) {
		scprof_bpf_disasm_insn(prog, pc, text, sizeof(text));
		strbuf_addf(sb, "%4zu: %s\n", pc, text);
	}
}

static void format_json(const struct scprof_bpf *prog, struct strbuf *sb)
{
	char text[128];

	strbuf_adds(sb, "[\n");
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];

		scprof_bpf_disasm_insn(prog, pc, text, sizeof(text));
		strbuf_addf(sb,
			    "  {\"pc\":%zu,\"code\":%u,\"jt\":%u,\"jf\":%u,\"k\":%u,\"text\":", pc,
			    f->code, f->jt, f->jf, f->k);
		strbuf_add_json_str(sb, text);
		strbuf_adds(sb, pc + 1 < prog->len ? "},\n" : "}\n");
	}
	strbuf_adds(sb, "]\n");
}

int cmd_disasm(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			if (optopt)
				return cli_usage_error("disasm", "unknown option '-%c'", optopt);
			return cli_usage_error("disasm", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("disasm", argc - optind ? "too many arguments" :
								 "missing program file");

	const char *path = argv[optind];
	const char *shown = strcmp(path, "-") ? path : "<stdin>";
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	_cleanup_(bpf_freep) struct scprof_bpf *prog = NULL;

	if (read_file(path, SCPROF_MAX_INPUT, &data, &len, &err) < 0)
		return cli_report(err);
	if (scprof_bpf_from_raw(data, len, &prog, &err) < 0 || scprof_bpf_check(prog, &err) < 0) {
		cli_error("invalid BPF program '%s': %s", shown, err->msg);
		return EXIT_USAGE;
	}

	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (json)
		format_json(prog, &out);
	else
		format_text(prog, &out);
	return cli_write_output(NULL, out.buf, out.len);
}
