// SPDX-License-Identifier: LGPL-2.1-or-later
/* Helpers the subcommands share: loading profiles, context options, JSON output. */
#include <ctype.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "format/node.h"
#include "scprof/profile.h"
#include "scprof/record.h"
#include "scprof/semantic.h"

/* What --profile-dir and --no-resolve asked for; one command runs per process. */
static struct {
	const char *dirs[64];
	size_t n_dirs;
	bool off;
} resolve_opts;

int cli_resolve_option(const char *cmd, int opt, const char *arg)
{
	switch (opt) {
	case 0x180:
		if (resolve_opts.n_dirs == ARRAY_SIZE(resolve_opts.dirs)) {
			cli_usage_error(cmd, "too many --profile-dir options");
			return -1;
		}
		resolve_opts.dirs[resolve_opts.n_dirs++] = arg;
		return 1;
	case 0x181:
		resolve_opts.off = true;
		return 1;
	}
	return cli_base_oci_option(cmd, opt, arg);
}

int cli_flatten(struct scprof_profile *p, const char *source, struct scprof_error **err)
{
	struct scprof_flatten_opts o;

	if (resolve_opts.off)
		return 0;
	scprof_flatten_opts_init(&o);
	o.dirs = resolve_opts.dirs;
	o.n_dirs = resolve_opts.n_dirs;
	o.lookup = scprof_runtime_base;
	o.fetch = cli_base_oci_fetch;
	if (source && !strcmp(source, "-"))
		cli_base_oci_stdin();
	return scprof_profile_flatten(p, source, &o, err);
}

int cli_resolve_bases(struct scprof_profile *p, const char *source)
{
	_cleanup_error_ struct scprof_error *err = NULL;

	if (cli_flatten(p, source, &err) < 0)
		return cli_report(err);
	return EXIT_OK;
}

int cli_load_profile_unresolved(const char *source, struct scprof_profile **out)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	int r = scprof_profile_load(source, out, NULL, &err);
	if (r < 0) {
		return cli_report(err);
	}
	return EXIT_OK;
}

int cli_load_profile(const char *source, struct scprof_profile **out)
{
	int r = cli_load_profile_unresolved(source, out);
	if (r == EXIT_OK && cli_resolve_bases(*out, source) != EXIT_OK) {
		scprof_profile_free(*out);
		*out = NULL;
		r = EXIT_USAGE;
	}
	return r;
}

int cli_parse_to(const char *cmd, const char *arg, enum scprof_format *out)
{
	if (!strcmp(arg, "oci"))
		*out = SCPROF_FORMAT_OCI_JSON;
	else if (!strcmp(arg, "spo") || !strcmp(arg, "spo-yaml"))
		*out = SCPROF_FORMAT_SPO_YAML;
	else if (!strcmp(arg, "spo-json"))
		*out = SCPROF_FORMAT_SPO_JSON;
	else
		return cli_usage_error(cmd, "--to must be oci, spo or spo-json, not '%s'", arg), -1;
	return 0;
}

int cli_context_option(const char *cmd, struct scprof_context *ctx, int opt, const char *arg)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	const struct scprof_arch *a;
	switch (opt) {
	case 'a':
		a = scprof_arch_by_name(arg);
		if (!a) {
			cli_usage_error(cmd, "unknown architecture '%s'", arg);
			return -1;
		}
		if (ctx->n_arches == ARRAY_SIZE(ctx->arches)) {
			cli_usage_error(cmd, "too many --arch options");
			return -1;
		}
		for (size_t i = 0; i < ctx->n_arches; i++)
			if (ctx->arches[i] == a)
				return 1;
		ctx->arches[ctx->n_arches++] = a;
		return 1;
	case 0x100:
		if (scprof_caps_parse(arg, &ctx->caps, &err) < 0) {
			cli_usage_error(cmd, "%s", err->msg);
			return -1;
		}
		return 1;
	case 0x101:
		if (scprof_kernel_parse(arg, &ctx->kernel_major, &ctx->kernel_minor) < 0) {
			cli_usage_error(cmd, "--kernel wants a version like 5.10, not '%s'", arg);
			return -1;
		}
		return 1;
	case 0x102:
		a = scprof_arch_by_name(arg);
		if (!a) {
			cli_usage_error(cmd, "unknown architecture '%s'", arg);
			return -1;
		}
		ctx->native = a;
		return 1;
	}
	return 0;
}

static const char *change_mark(enum scprof_change c)
{
	return c == SCPROF_CHANGE_ALLOWED ? "+" : c == SCPROF_CHANGE_DENIED ? "-" : "~";
}

void cli_print_differences(const struct scprof_difference *d, size_t n)
{
	bool color = cli_color(1);
	const struct scprof_arch *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		if (d[i].arch != cur) {
			cur = d[i].arch;
			printf("%s:\n", cur->name);
		}
		const char *col = !color			       ? "" :
				  d[i].change == SCPROF_CHANGE_ALLOWED ? "\033[32m" :
				  d[i].change == SCPROF_CHANGE_DENIED  ? "\033[31m" :
									 "\033[33m";
		printf("  %s%s %s%s: %s -> %s\n", col, change_mark(d[i].change),
		       d[i].name ? d[i].name :
				   (d[i].nr < 0 && strstr(d[i].a, "filter") ? "(architecture)" :
									      "(default)"),
		       color ? "\033[0m" : "", d[i].a, d[i].b);
	}
}

void cli_print_json(const struct node *doc)
{
	struct strbuf sb = STRBUF_INIT;
	json_write(doc, true, &sb);
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

/* A Kubernetes object name from a file name: lowercase alphanumerics and '-'. */
char *cli_name_from_path(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *base = basename(copy);
	char *dot = strchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	struct strbuf sb = STRBUF_INIT;
	for (const char *s = base; *s && sb.len < 63; s++) {
		char ch = (char)tolower((unsigned char)*s);
		if (isalnum((unsigned char)ch))
			strbuf_addc(&sb, ch);
		else if (sb.len && sb.buf[sb.len - 1] != '-')
			strbuf_addc(&sb, '-');
	}
	while (sb.len && sb.buf[sb.len - 1] == '-')
		sb.buf[--sb.len] = '\0';
	if (!sb.len)
		strbuf_adds(&sb, "profile");
	return strbuf_detach(&sb);
}
