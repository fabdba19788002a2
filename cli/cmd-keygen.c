// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof keygen: an ECDSA P-256 key pair for push --sign-key and pull --verify-key. */
#include <fcntl.h>

#include "cli/cli.h"
#include "scprof/oci.h"

static const char help[] =
	"usage: scprof keygen [PREFIX]\n"
	"\n"
	"Write a new ECDSA P-256 key pair: PREFIX.key, the private key (PEM PKCS#8,\n"
	"unencrypted, mode 0600), and PREFIX.pub, the public key (PEM, as cosign.pub).\n"
	"PREFIX defaults to 'scprof'.  Existing files are not overwritten.\n"
	"\n"
	"  -h, --help  show this help\n";

/* Create @path with @mode, refusing an existing file; prints the error. */
static int write_new(const char *path, const char *text, mode_t mode)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0) {
		cli_error("cannot create '%s': %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		unlink(path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_free_ char *key_path = NULL, *pub_path = NULL;
	char *priv = NULL, *pub = NULL;
	const char *prefix = "scprof";
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(help);
		return cli_usage_error("keygen", "unknown option");
	}
	if (optind + 1 < argc)
		return cli_usage_error("keygen", "expected at most one PREFIX");
	if (optind < argc)
		prefix = argv[optind];
	key_path = xasprintf("%s.key", prefix);
	pub_path = xasprintf("%s.pub", prefix);
	if (access(key_path, F_OK) == 0 || access(pub_path, F_OK) == 0) {
		cli_error("'%s' or '%s' exists already; not overwriting it", key_path, pub_path);
		return EXIT_USAGE;
	}
	if (scprof_oci_keygen(&priv, &pub, &err) < 0)
		return cli_report(err);
	rc = write_new(key_path, priv, 0600);
	if (rc == EXIT_OK) {
		rc = write_new(pub_path, pub, 0644);
		if (rc != EXIT_OK)
			unlink(key_path);
	}
	cli_oci_forget(priv);
	free(pub);
	if (rc == EXIT_OK)
		printf("%s\n%s\n", key_path, pub_path);
	return rc;
}
