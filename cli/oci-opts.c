// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What push, pull and the commands that resolve oci:// bases share: the options
 * that say how to reach a registry.
 */
#include <unistd.h>

#include "cli/cli.h"
#include "scprof/oci.h"
#include "scprof/profile.h"

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

static const char no_password[] = "--username reads the password from stdin, which gave none";

/*
 * The first line of stdin, without its newline; caller wipes and frees.  NULL
 * when there is none.  Read a byte at a time, not through stdio's buffer, so
 * that nothing after the line is taken from what comes next (run's CMD).
 */
static char *read_password(void)
{
	struct strbuf sb = STRBUF_INIT;
	char c;
	ssize_t n;

	while ((n = read(STDIN_FILENO, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (c == '\n')
			break;
		strbuf_addc(&sb, c);
	}
	if (sb.len && sb.buf[sb.len - 1] == '\r')
		sb.buf[--sb.len] = '\0';
	if (!sb.len) {
		if (sb.buf)
			explicit_bzero(sb.buf, sb.alloc);
		strbuf_release(&sb);
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
	if (!*password) {
		cli_error("%s", no_password);
		return EXIT_USAGE;
	}
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

int cli_oci_verify_keys(const char *key_path, bool defaults, char ***keys, size_t *n_keys)
{
	*keys = NULL;
	*n_keys = 0;
	if (key_path) {
		*keys = xcalloc(1, sizeof(**keys));
		if (cli_oci_read_key(key_path, &(*keys)[0]) != EXIT_OK) {
			free(steal_ptr(keys));
			return EXIT_USAGE;
		}
		*n_keys = 1;
	} else if (defaults) {
		scprof_oci_default_keys(keys, n_keys);
	}
	return EXIT_OK;
}

/* How oci:// bases are pulled; one command runs per process. */
static struct {
	bool set; /* an option was given: else scprof_oci_fetch_base()'s defaults */
	struct scprof_oci_opts o; /* o.username: given, o.password: read on first use */
	char *verify_key; /* --verify-key's text */
	bool skip_verify;
	char *host; /* the one registry o.username logs in to, once known */
	bool stdin_taken; /* stdin held a profile */
	bool forget_at_exit;
} base;

static void base_forget(void)
{
	cli_oci_forget((char *)base.o.password);
	cli_oci_forget(base.verify_key);
	free(base.host);
	memset(&base, 0, sizeof(base));
}

static void base_init(void)
{
	if (base.set)
		return;
	scprof_oci_opts_init(&base.o);
	/* bases are looked up often and change seldom: the operator's 24 hours */
	base.o.tag_ttl_s = SCPROF_OCI_BASE_TAG_TTL;
	base.set = true;
	if (!base.forget_at_exit) {
		atexit(base_forget);
		base.forget_at_exit = true;
	}
}

int cli_base_oci_option(const char *cmd, int opt, const char *arg)
{
	int r;

	if (opt < 0x1a0 || opt > 0x1a7)
		return 0;
	base_init();
	switch (opt) {
	case 0x1a5:
		if (base.skip_verify || base.verify_key) {
			cli_usage_error(cmd,
					base.verify_key ?
						"--verify-key is given once" :
						"--verify-key and --insecure-skip-verify exclude "
						"each other");
			return -1;
		}
		return cli_oci_read_key(arg, &base.verify_key) == EXIT_OK ? 1 : -1;
	case 0x1a6:
		if (base.verify_key) {
			cli_usage_error(
				cmd, "--verify-key and --insecure-skip-verify exclude each other");
			return -1;
		}
		base.skip_verify = true;
		return 1;
	case 0x1a7:
		base.o.no_cache = true;
		return 1;
	}
	r = cli_oci_option(cmd, &base.o, opt, arg);
	return r == 0 ? -1 : r;
}

/* The length of the registry host that starts @ref (HOST[:PORT]/NAME...). */
static size_t ref_host(const char *ref)
{
	return strcspn(ref, "/");
}

void cli_base_oci_use(const struct scprof_oci_opts *o, const char *ref)
{
	base_init();
	base.o.ca_file = o->ca_file;
	base.o.plain_http = o->plain_http;
	base.o.max_size = o->max_size;
	base.o.retries = o->retries;
	base.o.timeout_s = o->timeout_s;
	if (o->username && strncmp(ref, "oci:", 4)) {
		base.o.username = o->username;
		base.o.password = xstrdup(o->password ? o->password : "");
		base.host = xstrndup(ref, ref_host(ref));
	}
}

void cli_base_oci_stdin(void)
{
	base.stdin_taken = true;
}

/* The credentials of --username for @ref's registry into @o, if it is theirs; -errno on error. */
static int credentials_for(const char *ref, struct scprof_oci_opts *o, struct scprof_error **err)
{
	size_t n = ref_host(ref);

	o->username = o->password = NULL;
	if (!base.o.username || !strncmp(ref, "oci:", 4))
		return 0;
	if (!base.host)
		base.host = xstrndup(ref, n);
	if (strlen(base.host) != n || strncmp(base.host, ref, n))
		return 0; /* a password goes to the registry it was given for, no other */
	if (!base.o.password) {
		if (base.stdin_taken)
			return error_set(err, -EINVAL,
					 "--username reads the password from stdin, which held a "
					 "profile");
		base.o.password = read_password();
		if (!base.o.password)
			return error_set(err, -EINVAL, "%s", no_password);
	}
	o->username = base.o.username;
	o->password = base.o.password;
	return 0;
}

int cli_base_oci_fetch(const char *ref, struct scprof_profile **out, struct scprof_error **err,
		       void *data)
{
	struct scprof_oci_opts o;
	const char *one[1];
	char **keys = NULL;
	size_t n_keys = 0;
	int r;

	(void)data;
	*out = NULL;
	if (!base.set)
		return scprof_oci_fetch_base(ref, out, err, NULL);
	o = base.o;
	r = credentials_for(ref, &o, err);
	if (r < 0)
		return r;
	/* layouts are local files, trusted as profile files are */
	if (!strncmp(ref, "oci:", 4) || base.skip_verify) {
		o.n_verify_keys = 0;
	} else if (base.verify_key) {
		one[0] = base.verify_key;
		o.verify_keys = one;
		o.n_verify_keys = 1;
	} else {
		scprof_oci_default_keys(&keys, &n_keys);
		o.verify_keys = (const char *const *)keys;
		o.n_verify_keys = n_keys;
	}
	r = scprof_oci_fetch_base(ref, out, err, &o);
	scprof_oci_keys_free(keys, n_keys);
	return r;
}
