// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof pull: the profile of an OCI artifact, checked by digest. */
#include "cli/cli.h"
#include "scprof/oci.h"

static const char help[] =
	"usage: scprof pull [-o FILE] [--platform OS/ARCH]\n"
	"                   [--verify-key PUB | --insecure-skip-verify] [REGISTRY OPTIONS] REF\n"
	"\n"
	"Fetch the profile of the OCI artifact REF, a registry repository\n"
	"HOST[:PORT]/NAME[:TAG|@sha256:DIGEST] (TAG defaults to latest) or an OCI image\n"
	"layout directory oci:DIR[:TAG], and write it as it was pushed.  Reads the\n"
	"KEP-6061 form (one OCI JSON layer) and the Security Profiles Operator's (a\n"
	"SeccompProfile per platform); an image index is followed to the manifest of\n"
	"the platform.  A tag is resolved to a digest first; the index, the manifest\n"
	"and the layer are then fetched by digest and checked byte for byte.\n"
	"\n"
	"  -o, --output FILE      write to FILE atomically (default: stdout)\n"
	"  -p, --platform OS/ARCH the platform to pick (default: this machine's)\n"
	"      --verify-key PUB   refuse the artifact unless a cosign signature of the\n"
	"                         digest REF names verifies with the PEM public key PUB\n"
	"                         (default for registries: with one of the *.pub keys\n"
	"                         in ~/.config/scprof/keys and /etc/scprof/keys, if any)\n"
	"      --insecure-skip-verify  do not check signatures, even with default keys\n"
	"      --no-cache         neither read nor fill the cache of manifests and layers\n"
	"                         ($XDG_CACHE_HOME/scprof, else ~/.cache/scprof)\n" CLI_OCI_HELP
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 pulled, 2 usage, input, network or registry error (a digest\n"
	"mismatch, an unexpected media type, no profile for the platform...); nothing\n"
	"is written then.\n";

int cmd_pull(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, 'p' },
		{ "verify-key", required_argument, NULL, 'V' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "insecure-skip-verify", no_argument, NULL, 'I' },
		CLI_OCI_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_oci_opts o;
	struct scprof_oci_pulled pulled;
	_cleanup_error_ struct scprof_error *err = NULL;
	const char *output = "-", *platform = NULL, *key_path = NULL;
	char *password = NULL, **keys = NULL;
	size_t n_keys = 0;
	bool skip_verify = false;
	int c, r;

	scprof_oci_opts_init(&o);
	while ((c = getopt_long(argc, argv, "o:p:h", opts, NULL)) != -1) {
		r = cli_oci_option("pull", &o, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'p':
			platform = optarg;
			break;
		case 'V':
			key_path = optarg;
			break;
		case 'N':
			o.no_cache = true;
			break;
		case 'I':
			skip_verify = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("pull", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("pull", "expected exactly one REF");
	if (key_path && skip_verify)
		return cli_usage_error(
			"pull", "--verify-key and --insecure-skip-verify exclude each other");
	/* layouts are local files, trusted as profile files are */
	if (cli_oci_verify_keys(key_path, !skip_verify && strncmp(argv[optind], "oci:", 4), &keys,
				&n_keys) != EXIT_OK)
		return EXIT_USAGE;
	o.verify_keys = (const char *const *)keys;
	o.n_verify_keys = n_keys;
	if (cli_oci_credentials(&o, &password) != EXIT_OK) {
		scprof_oci_keys_free(keys, n_keys);
		return EXIT_USAGE;
	}
	r = scprof_oci_pull(argv[optind], platform, &o, &pulled, &err);
	cli_oci_forget(password);
	scprof_oci_keys_free(keys, n_keys);
	if (r < 0)
		return cli_report(err);
	r = cli_write_output(output, pulled.data, pulled.len);
	scprof_oci_pulled_release(&pulled);
	return r;
}
