// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof emulate: run one syscall through a profile's compiled filter, or a raw BPF program. */
#include "cli/cli.h"
#include "format/node.h"
#include "scprof/compile.h"

static const char help[] =
	"usage: scprof emulate [OPTIONS] PROFILE|FILE.bpf SYSCALL [ARG...]\n"
	"\n"
	"Run one syscall through the filter the kernel would run: a profile is compiled\n"
	"as 'scprof compile' does; a FILE.bpf (or --bpf) is a raw program.  SYSCALL is a\n"
	"name or number on the architecture; ARGs are numbers (decimal, 0x hex, or\n"
	"negative for two's complement; put '--' before negative ones).  Prints the\n"
	"action and, for a profile, the rule that decided.\n"
	"\n"
	"  -a, --arch ARCH        the calling architecture (default: this machine's)\n"
	"      --caps LIST        capabilities for includes/excludes (default: Docker's set)\n"
	"      --kernel X.Y       kernel version for minKernel (default: the running kernel)\n"
	"      --native ARCH      host architecture that picks archMap entries\n"
	"      --bpf              read the input as a raw BPF program\n"
	"      --no-enosys-stub   compile without runc's ENOSYS stub\n"
	"      --ip VALUE         instruction pointer in seccomp_data (default 0)\n" CLI_RESOLVE_HELP
	"  -v, --verbose          print the path through the program\n"
	"      --json             print a JSON object\n"
	"  -h, --help             show this help\n";

static bool parse_arg(const char *s, uint64_t *v)
{
	if (s[0] == '-') {
		char *end;
		errno = 0;
		long long x = strtoll(s, &end, 0);
		if (errno || *end || end == s)
			return false;
		*v = (uint64_t)x;
		return true;
	}
	return parse_u64(s, v);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int load_program(const char *src, bool bpf, struct scprof_context *ctx,
			const struct scprof_compile_opts *copts, struct scprof_profile **pp,
			struct scprof_semantic **sp, struct scprof_bpf **prog)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	int r;
	if (bpf) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		r = read_file(src, SCPROF_MAX_INPUT, &buf, &len, &err);
		if (r == 0)
			r = scprof_bpf_from_raw(buf, len, prog, &err);
	} else {
		if (cli_load_profile(src, pp) != EXIT_OK)
			return EXIT_USAGE;
		r = scprof_semantic_build(*pp, ctx, sp, NULL, &err);
		if (r == 0)
			r = scprof_compile(*sp, *pp, copts, prog, &err);
	}
	if (r == 0)
		r = scprof_bpf_check(*prog, &err);
	if (r < 0)
		return cli_report(err);
	return EXIT_OK;
}

int cmd_emulate(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_CONTEXT_OPTIONS,
		CLI_RESOLVE_OPTIONS,
		{ "bpf", no_argument, NULL, 'b' },
		{ "no-enosys-stub", no_argument, NULL, 's' },
		{ "ip", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_context ctx;
	struct scprof_compile_opts copts;
	bool bpf = false, verbose = false, json = false;
	uint64_t ip = 0;
	int c, r;
	scprof_context_init(&ctx);
	scprof_compile_opts_init(&copts);
	while ((c = getopt_long(argc, argv, "a:vh", opts, NULL)) != -1) {
		r = cli_context_option("emulate", &ctx, c, optarg);
		if (r == 0)
			r = cli_resolve_option("emulate", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'b':
			bpf = true;
			break;
		case 's':
			copts.enosys_stub = false;
			break;
		case 'i':
			if (!parse_arg(optarg, &ip))
				return cli_usage_error("emulate", "--ip wants a number, not '%s'",
						       optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("emulate", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("emulate", "give a profile and a syscall");
	if (argc - optind > 8)
		return cli_usage_error("emulate", "a syscall has at most 6 arguments");
	if (ctx.n_arches > 1)
		return cli_usage_error("emulate", "give one --arch: the architecture of the call");
	const struct scprof_arch *arch = ctx.n_arches ? ctx.arches[0] : ctx.native;
	if (!arch || !arch->has_table)
		return cli_usage_error("emulate", "no syscall table for this architecture");
	/* compile for the profile's architectures; the call's arch is only the caller's */
	ctx.n_arches = 0;

	const char *src = argv[optind], *call = argv[optind + 1];
	bpf = bpf || ends_with(src, ".bpf");
	struct scprof_seccomp_data data = { .arch = arch->token, .ip = ip };
	uint64_t nr64;
	if (parse_arg(call, &nr64)) {
		data.nr = (int32_t)nr64;
	} else {
		data.nr = scprof_syscall_nr(arch, call);
		if (data.nr < 0)
			return cli_usage_error("emulate", "no syscall '%s' on %s", call,
					       arch->name);
	}
	for (int i = optind + 2; i < argc; i++)
		if (!parse_arg(argv[i], &data.args[i - optind - 2]))
			return cli_usage_error("emulate", "argument '%s' is not a number", argv[i]);

	struct scprof_profile *p = NULL;
	struct scprof_semantic *s = NULL;
	struct scprof_bpf *prog = NULL;
	struct scprof_bpf_trace trace = { 0 };
	r = load_program(src, bpf, &ctx, &copts, &p, &s, &prog);
	if (r != EXIT_OK)
		goto out;

	uint32_t ret;
	scprof_bpf_run(prog, &data, &ret, &trace);
	char action[64];
	scprof_action_format(ret, action, sizeof(action));
	const char *name = scprof_syscall_name(arch, data.nr);

	/* which rule of the profile decided, from the semantic view */
	const struct scprof_sem_rule *which = NULL;
	const char *note = NULL;
	if (s) {
		uint32_t sem = scprof_semantic_eval(s, arch, data.nr, data.args, &which);
		const struct scprof_sem_arch *sa = scprof_semantic_arch(s, arch);
		if (!sa) {
			which = NULL;
			note = "the architecture is not in the filter: libseccomp's bad-arch action";
		} else if (sem != ret) {
			which = NULL;
			if (ret == (SCPROF_RET_ERRNO | ENOSYS) && data.nr > sa->max_named)
				note = "runc's ENOSYS stub: no rule names a syscall this new";
			else
				note = "libseccomp's program differs from the rules read in order (a multiplexed or overlapping rule)";
		} else if (!which) {
			note = "no rule matched: the default action";
		}
	}
	const struct scprof_rule *rule = which && p ? &p->rules[which->rule] : NULL;

	if (json) {
		_cleanup_node_ struct node *o = node_new(NODE_OBJECT);
		node_object_add(o, "arch", node_new_string(arch->name));
		node_object_add(o, "syscall", name ? node_new_string(name) : node_new(NODE_NULL));
		node_object_add(o, "nr", node_new_i64(data.nr));
		struct node *args = node_new(NODE_ARRAY);
		for (int i = 0; i < 6; i++)
			node_array_add(args, node_new_u64(data.args[i]));
		node_object_add(o, "args", args);
		node_object_add(o, "action", node_new_string(action));
		node_object_add(o, "ret", node_new_u64(ret));
		if (rule) {
			struct node *ro = node_new(NODE_OBJECT);
			node_object_add(ro, "index", node_new_u64(which->rule));
			node_object_add(ro, "line", node_new_u64(rule->line));
			node_object_add(ro, "column", node_new_u64(rule->col));
			node_object_add(ro, "action",
					node_new_string(scprof_action_name(rule->action)));
			node_object_add(o, "rule", ro);
		} else {
			node_object_add(o, "rule", node_new(NODE_NULL));
		}
		if (note)
			node_object_add(o, "note", node_new_string(note));
		struct node *path = node_new(NODE_ARRAY);
		for (size_t i = 0; i < trace.n; i++)
			node_array_add(path, node_new_u64(trace.pcs[i]));
		node_object_add(o, "path", path);
		cli_print_json(o);
		goto out;
	}

	if (verbose) {
		char line[160];
		for (size_t i = 0; i < trace.n; i++) {
			scprof_bpf_disasm_insn(prog, trace.pcs[i], line, sizeof(line));
			printf("%5u: %s\n", trace.pcs[i], line);
		}
	}
	printf("%s %s(", arch->name, name ? name : "?");
	int last = 5;
	while (last >= 0 && !data.args[last])
		last--;
	for (int i = 0; i <= last; i++)
		printf("%s0x%" PRIx64, i ? ", " : "", data.args[i]);
	printf(") = %d -> %s\n", data.nr, action);
	if (rule && !rule->line) {
		/* flattened with its base profiles: the rule may come from any of them */
		printf("decided by a rule of %s or of its base profiles (%s",
		       strcmp(src, "-") ? src : "<stdin>", scprof_action_name(rule->action));
	} else if (rule) {
		printf("decided by the rule at %s:%u:%u (%s", strcmp(src, "-") ? src : "<stdin>",
		       rule->line, rule->col, scprof_action_name(rule->action));
	}
	if (rule) {
		if (which->n_conds)
			printf(", %zu argument condition%s", which->n_conds,
			       which->n_conds > 1 ? "s" : "");
		printf(")\n");
	} else if (note) {
		printf("%s\n", note);
	}
out:
	scprof_bpf_trace_release(&trace);
	scprof_bpf_free(prog);
	scprof_semantic_free(s);
	scprof_profile_free(p);
	return r;
}
