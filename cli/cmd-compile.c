// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof compile: a profile to the BPF program runc would load. */
#include "cli/cli.h"
#include "filter/bpf-text.h"
#include "scprof/compile.h"

static const char help[] =
	"usage: scprof compile [OPTIONS] PROFILE\n"
	"\n"
	"Compile a profile into the seccomp BPF program a runtime loads, with runc's\n"
	"semantics: archMap and includes/excludes evaluated for the host, unknown names\n"
	"skipped, libseccomp's binary tree for large profiles, and runc's stub that\n"
	"returns ENOSYS for syscall numbers above any the profile names.\n"
	"\n" CLI_CONTEXT_HELP CLI_RESOLVE_HELP
	"  -o, --output FILE      write to FILE atomically (default: stdout)\n"
	"  -f, --format FORMAT    raw (struct sock_filter array, default), c (C source)\n"
	"                         or text (disassembly)\n"
	"      --no-enosys-stub   leave runc's ENOSYS stub out\n"
	"  -v, --verbose          print the instruction count on stderr\n"
	"  -h, --help             show this help\n";

int cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_CONTEXT_OPTIONS,
		CLI_RESOLVE_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-enosys-stub", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_context ctx;
	struct scprof_compile_opts copts;
	const char *output = "-", *format = "raw";
	bool verbose = false;
	int c, r;
	scprof_context_init(&ctx);
	scprof_compile_opts_init(&copts);
	while ((c = getopt_long(argc, argv, "a:o:f:vh", opts, NULL)) != -1) {
		r = cli_context_option("compile", &ctx, c, optarg);
		if (r == 0)
			r = cli_resolve_option("compile", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 's':
			copts.enosys_stub = false;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("compile", "unknown option");
		}
	}
	if (strcmp(format, "raw") && strcmp(format, "c") && strcmp(format, "text"))
		return cli_usage_error("compile", "--format must be raw, c or text, not '%s'",
				       format);
	if (optind + 1 != argc)
		return cli_usage_error("compile", "expected exactly one profile");
	if (!strcmp(format, "raw") && !strcmp(output, "-") && isatty(1))
		return cli_usage_error(
			"compile",
			"refusing to write a binary program to a terminal; use -o FILE or --format c");

	struct scprof_profile *p = NULL;
	if (cli_load_profile(argv[optind], &p) != EXIT_OK)
		return EXIT_USAGE;
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	r = scprof_semantic_build(p, &ctx, &s, NULL, &err);
	if (r == 0)
		r = scprof_compile(s, p, &copts, &prog, &err);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	if (r < 0)
		return cli_report(err);

	struct strbuf sb = STRBUF_INIT;
	if (!strcmp(format, "raw")) {
		strbuf_add(&sb, prog->insns, prog->len * sizeof(*prog->insns));
	} else if (!strcmp(format, "c")) {
		strbuf_adds(&sb, "#include <linux/filter.h>\n\n");
		bpf_write_c(prog, "scprof_filter", &sb);
	} else {
		char line[160];
		for (size_t i = 0; i < prog->len; i++) {
			scprof_bpf_disasm_insn(prog, i, line, sizeof(line));
			strbuf_addf(&sb, "%4zu: %s\n", i, line);
		}
	}
	if (verbose)
		fprintf(stderr, "scprof: %zu instructions\n", prog->len);
	scprof_bpf_free(prog);
	r = cli_write_output(output, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return r;
}
