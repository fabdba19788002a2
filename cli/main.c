// SPDX-License-Identifier: LGPL-2.1-or-later
/* The scprof command: a table of subcommands, one file each (cli/cmd-<verb>.c). */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "validate", cmd_validate, "check profiles and report every error and warning" },
	{ "fmt", cmd_fmt, "rewrite profiles in canonical form" },
	{ "convert", cmd_convert, "convert a profile between OCI JSON and SPO YAML" },
	{ "merge", cmd_merge, "union several profiles into one" },
	{ "resolve", cmd_resolve, "flatten a profile's base profiles into it" },
	{ "diff", cmd_diff, "compare what two profiles allow and deny" },
	{ "explain", cmd_explain, "syscall names and numbers, return codes, audit lines" },
	{ "compile", cmd_compile, "compile a profile to a BPF program" },
	{ "disasm", cmd_disasm, "disassemble a BPF program" },
	{ "emulate", cmd_emulate, "run a syscall through a profile or BPF program" },
	{ "record", cmd_record, "record what a workload calls and write its profile" },
	{ "run", cmd_run, "run a command under a profile and a security context" },
	{ "audit", cmd_audit, "read the kernel's seccomp decisions from logs, and live" },
	{ "push", cmd_push, "push profiles to a registry or layout as an OCI artifact" },
	{ "pull", cmd_pull, "pull a profile from an OCI artifact" },
	{ "keygen", cmd_keygen, "write a key pair to sign and verify OCI artifacts" },
	{ "k8s", cmd_k8s,
	  "Kubernetes: lint workloads, install and sync profiles, check readiness for RuntimeDefault" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: scprof [--version] [--help] COMMAND [ARGS]\n\n"
		   "Seccomp profiles for Linux workloads: check, compose, compile and emulate.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nPROFILE may be a file (OCI/Docker JSON, SPO YAML or JSON), '-' for stdin,\n"
		   "or a built-in: runtime/default, unconfined.\n"
		   "Run 'scprof COMMAND --help' for a command's options; see scprof(1).\n");
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("scprof: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("scprof: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_report(const struct scprof_error *e)
{
	_cleanup_free_ char *s = scprof_error_format(e);
	if (e->file)
		fprintf(stderr, "%s\n", s);
	else
		cli_error("%s", s);
	return EXIT_USAGE;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "scprof %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'scprof %s --help'.\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

bool cli_color(int fd)
{
	const char *t = getenv("TERM");
	return isatty(fd) && !getenv("NO_COLOR") && t && strcmp(t, "dumb") != 0;
}

void cli_print_diag(const char *file, const struct scprof_diag *d)
{
	bool color = cli_color(2);
	bool err = d->severity == SCPROF_SEV_ERROR;
	fprintf(stderr, "%s%s:%u:%u:%s %s%s:%s %s\n", color ? "\033[1m" : "", file, d->line, d->col,
		color ? "\033[0m" : "", color ? (err ? "\033[1;31m" : "\033[1;35m") : "",
		err ? "error" : "warning", color ? "\033[0m" : "", d->msg);
}

int cli_help(const char *help)
{
	fputs(help, stdout);
	return EXIT_OK;
}

int cli_write_output(const char *path, const char *data, size_t len)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	if (write_file_atomic(path ? path : "-", data, len, 0644, &err) < 0)
		return cli_report(err);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("scprof %s\n", SCPROF_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);

	const char *best = NULL;
	unsigned best_d = 3;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		unsigned d = edit_distance(cmd, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	if (best)
		cli_error("'%s' is not a command; did you mean '%s'?", cmd, best);
	else
		cli_error("'%s' is not a command; see 'scprof --help'", cmd);
	return EXIT_USAGE;
}
