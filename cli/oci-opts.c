// SPDX-License-Identifier: LGPL-2.1-or-later
/* What push and pull share: the options that say how to reach a registry. */
#include "cli/cli.h"
#include "scprof/oci.h"

int cli_oci_option(const char *cmd, struct scprof_oci_opts *o, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 0x1a0:
		o->ca_file = arg;
		return 1;
	case 0x1a1:
		o->plain_http = true;
		return 1;
	case 0x1a2:
		if (!*arg) {
			cli_usage_error(cmd, "--username wants a name");
			return -1;
		}
		o->username = arg;
		return 1;
	case 0x1a3:
		if (!parse_u64(arg, &v) || v == 0 || v > 1024u * 1024 * 1024) {
			cli_usage_error(cmd,
					"--max-size wants a number of bytes up to 1 GiB, not '%s'",
					arg);
			return -1;
		}
		o->max_size = (size_t)v;
		return 1;
	case 0x1a4:
		if (!parse_u64(arg, &v) || v > 10) {
			cli_usage_error(cmd, "--retries wants 0 to 10, not '%s'", arg);
			return -1;
		}
		o->retries = (unsigned)v;
		return 1;
	}
	return 0;
}

/* The first line of stdin, without its newline; caller wipes and frees.  NULL on error (printed). */
static char *read_password(void)
{
	struct strbuf sb = STRBUF_INIT;
	int c;

	while ((c = getchar()) != EOF && c != '\n')
		strbuf_addc(&sb, (char)c);
	if (sb.len && sb.buf[sb.len - 1] == '\r')
		sb.buf[--sb.len] = '\0';
	if (!sb.len) {
		strbuf_release(&sb);
		cli_error("--username reads the password from stdin, which gave none");
		return NULL;
	}
	return strbuf_detach(&sb);
}

int cli_oci_credentials(struct scprof_oci_opts *o, char **password)
{
	*password = NULL;
	if (!o->username)
		return EXIT_OK;
	*password = read_password();
	if (!*password)
		return EXIT_USAGE;
	o->password = *password;
	return EXIT_OK;
}

void cli_oci_forget(char *password)
{
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
}

int cli_oci_read_key(const char *path, char **key)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	size_t len;

	if (read_file(path, 64 * 1024, key, &len, &err) < 0)
		return cli_report(err);
	if (strlen(*key) != len) {
		cli_oci_forget(*key);
		*key = NULL;
		cli_error("'%s' is not a PEM key", path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
