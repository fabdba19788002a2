/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every subcommand shares: exit codes, messages, option parsing helpers. */
#ifndef SCPROF_CLI_H
#define SCPROF_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "scprof/error.h"
#include "util/util.h"

/* Documented exit codes (scprof(1), EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* invalid profile, differences, findings */
	EXIT_USAGE = 2, /* bad usage, unreadable or unparsable input, I/O error */
	EXIT_SETUP = 125, /* scprof could not set up the sandbox */
};

/* Print "scprof: MSG" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a library error (with its position) and return EXIT_USAGE. */
int cli_report(const struct scprof_error *e);
/* "scprof CMD: unknown option"...; prints the usage hint and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a diagnostic as FILE:LINE:COL: error|warning: MSG. */
void cli_print_diag(const char *file, const struct scprof_diag *d);
/* True when stdout/stderr should get colour. */
bool cli_color(int fd);
/* Print @help (a usage text) to stdout and return 0; used by --help everywhere. */
int cli_help(const char *help);

/* --to FORMAT: oci, spo (or spo-yaml) or spo-json; prints the usage error and returns -1 otherwise. */
enum scprof_format;
int cli_parse_to(const char *cmd, const char *arg, enum scprof_format *out);

/* Write @s (a whole output) to @path ("-" or NULL for stdout), atomically; returns an exit code. */
int cli_write_output(const char *path, const char *data, size_t len);

struct scprof_profile;
struct scprof_context;
struct node;

/*
 * Load a profile, printing the first error as one line (FILE:LINE:COL: message).
 * Returns EXIT_OK, or EXIT_USAGE: an unreadable or invalid input is an input error
 * for every command but validate.
 */
int cli_load_profile(const char *source, struct scprof_profile **out);

/*
 * Base profiles: cli_load_profile() resolves baseProfileName (scprof_profile_flatten())
 * unless --no-resolve was given; --profile-dir DIR (repeatable) replaces the default
 * directories, and the registry options say how oci:// bases are pulled (as pull
 * pulls; cli/oci-opts.c).  Commands that rewrite a profile as written (fmt, convert,
 * record --merge) load it with cli_load_profile_unresolved() instead.
 */
#define CLI_RESOLVE_LOCAL_OPTIONS                          \
	{ "profile-dir", required_argument, NULL, 0x180 }, \
	{                                                  \
		"no-resolve", no_argument, NULL, 0x181     \
	}
#define CLI_BASE_REGISTRY_OPTIONS                                          \
	CLI_OCI_OPTIONS, { "verify-key", required_argument, NULL, 0x1a5 }, \
		{ "insecure-skip-verify", no_argument, NULL, 0x1a6 },      \
	{                                                                  \
		"no-cache", no_argument, NULL, 0x1a7                       \
	}
#define CLI_RESOLVE_OPTIONS CLI_RESOLVE_LOCAL_OPTIONS, CLI_BASE_REGISTRY_OPTIONS
#define CLI_RESOLVE_LOCAL_HELP                                                                      \
	"      --profile-dir DIR  look base profiles up in DIR (repeatable; default: ./profiles,\n" \
	"                         then /etc/scprof/profiles)\n"                                     \
	"      --no-resolve       do not resolve baseProfileName (read it as written)\n"
#define CLI_BASE_REGISTRY_HELP                                                             \
	"  oci://REF bases are pulled as 'scprof pull' pulls (see its --help), with\n"     \
	"      --plain-http, --ca-file FILE, --max-size BYTES, --retries N, --no-cache,\n" \
	"      --verify-key PUB | --insecure-skip-verify, and\n"                           \
	"      --username USER    the password on stdin's first line, sent only to the\n"  \
	"                         registry of the first oci:// base (others: the\n"        \
	"                         credential files)\n"
#define CLI_RESOLVE_HELP CLI_RESOLVE_LOCAL_HELP CLI_BASE_REGISTRY_HELP
/*
 * Handle one of CLI_RESOLVE_OPTIONS (CLI_RESOLVE_LOCAL_OPTIONS,
 * CLI_BASE_REGISTRY_OPTIONS); returns 1 if handled, 0 if not ours, <0 on error (printed).
 */
int cli_resolve_option(const char *cmd, int opt, const char *arg);
int cli_load_profile_unresolved(const char *source, struct scprof_profile **out);
/* Resolve the bases of @p (loaded from @source) as cli_load_profile() does; prints the error. */
int cli_resolve_bases(struct scprof_profile *p, const char *source);
/* The same without printing: 0 or a negative errno with *err. */
int cli_flatten(struct scprof_profile *p, const char *source, struct scprof_error **err);

/* Options every command that builds a filter shares: --arch, --caps, --kernel, --native. */
#define CLI_CONTEXT_OPTIONS                                                                   \
	{ "arch", required_argument, NULL, 'a' }, { "caps", required_argument, NULL, 0x100 }, \
		{ "kernel", required_argument, NULL, 0x101 },                                 \
	{                                                                                     \
		"native", required_argument, NULL, 0x102                                      \
	}
#define CLI_CONTEXT_HELP                                                                           \
	"  -a, --arch ARCH     build for ARCH (repeatable; default: the profile's, plus native)\n" \
	"      --caps LIST     capabilities for includes/excludes (default: Docker's set; ALL)\n"  \
	"      --kernel X.Y    kernel version for minKernel (default: the running kernel)\n"       \
	"      --native ARCH   host architecture that picks archMap entries (default: this one)\n"
/* Handle one of CLI_CONTEXT_OPTIONS; returns 1 if handled, 0 if not ours, <0 on error (printed). */
int cli_context_option(const char *cmd, struct scprof_context *ctx, int opt, const char *arg);

/* Options of push and pull (cli/oci-opts.c): how to reach a registry. */
#define CLI_OCI_OPTIONS                                                                            \
	{ "ca-file", required_argument, NULL, 0x1a0 }, { "plain-http", no_argument, NULL, 0x1a1 }, \
		{ "username", required_argument, NULL, 0x1a2 },                                    \
		{ "max-size", required_argument, NULL, 0x1a3 },                                    \
	{                                                                                          \
		"retries", required_argument, NULL, 0x1a4                                          \
	}
#define CLI_OCI_HELP                                                                            \
	"      --username USER    log in as USER with the password read from stdin\n"           \
	"                         (default: the entry for the host in\n"                        \
	"                         $XDG_RUNTIME_DIR/containers/auth.json or\n"                   \
	"                         ~/.docker/config.json, else anonymous)\n"                     \
	"      --ca-file FILE     trust the PEM certificates in FILE instead of the system's\n" \
	"      --plain-http       talk HTTP instead of HTTPS (a registry on the loopback)\n"    \
	"      --max-size BYTES   refuse a manifest or profile larger than BYTES (1048576)\n"   \
	"      --retries N        retry a 429, a 5xx or a dropped connection N times (3)\n"
struct scprof_oci_opts;
/* Handle one of CLI_OCI_OPTIONS; returns 1 if handled, 0 if not ours, <0 on error (printed). */
int cli_oci_option(const char *cmd, struct scprof_oci_opts *o, int opt, const char *arg);
/* With --username, read the password from stdin into o->password (*password, wipe with cli_oci_forget). */
int cli_oci_credentials(struct scprof_oci_opts *o, char **password);
void cli_oci_forget(char *password);
/* Read the PEM key file @path into *key (wipe with cli_oci_forget); prints the error. */
int cli_oci_read_key(const char *path, char **key);
/*
 * The keys signatures are checked with: the one of --verify-key @key_path, else with
 * @defaults the default keys (~/.config/scprof/keys, /etc/scprof/keys), else none.
 * Free with scprof_oci_keys_free(); prints the error.
 */
int cli_oci_verify_keys(const char *key_path, bool defaults, char ***keys, size_t *n_keys);

/*
 * oci:// bases (cli/oci-opts.c).  Without any of CLI_BASE_REGISTRY_OPTIONS they
 * are pulled with scprof_oci_fetch_base()'s defaults; cli_base_oci_option()
 * handles those options; cli_base_oci_use() makes push's registry options (and
 * its credentials, for the registry of @ref only) those of its bases.
 * cli_base_oci_fetch() is the scprof_base_fetch_fn; cli_base_oci_stdin() says
 * that stdin held a profile, so it holds no password.
 */
int cli_base_oci_option(const char *cmd, int opt, const char *arg);
void cli_base_oci_use(const struct scprof_oci_opts *o, const char *ref);
struct scprof_profile;
int cli_base_oci_fetch(const char *ref, struct scprof_profile **out, struct scprof_error **err,
		       void *data);
void cli_base_oci_stdin(void);

/* Print the differences of scprof_semantic_diff() to stdout, one per line, per architecture. */
struct scprof_difference;
void cli_print_differences(const struct scprof_difference *d, size_t n);

/* A Kubernetes object name from a file name: lowercase alphanumerics and '-'; caller frees. */
char *cli_name_from_path(const char *path);

/* Print a document tree as pretty JSON to stdout. */
void cli_print_json(const struct node *doc);

/* The kubelet's seccomp directory (cli/cmd-k8s.c), for k8s install and k8s sync. */
/* --subdir: a relative path of plain names (letters, digits, '.', '_', '-'; no '..'). */
bool cli_k8s_plain_subdir(const char *s);
/*
 * mkdir -p ROOT/SUBDIR (@subdir may be NULL; ROOT's parent must exist) and check that
 * no symbolic link leads out of @root: the directory (caller frees), or NULL (printed).
 */
char *cli_k8s_seccomp_dir(const char *root, const char *subdir);

/* Subcommands: cli/cmd-<verb>.c. */
int cmd_validate(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_emulate(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_k8s(int argc, char **argv);
int cmd_k8s_check_default(int argc, char **argv); /* cli/cmd-k8s-check.c */
int cmd_k8s_sync(int argc, char **argv); /* cli/cmd-k8s-sync.c */
int cmd_k8s_patch(int argc, char **argv); /* cli/cmd-k8s-patch.c */
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

#endif
