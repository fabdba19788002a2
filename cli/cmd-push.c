// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof push: profiles to a registry or an OCI image layout, as one OCI artifact. */
#include "cli/cli.h"
#include "scprof/oci.h"
#include "scprof/profile.h"

static const char help[] =
	"usage: scprof push [--format kep|spo] [--platform OS/ARCH]... [--annotation K=V]...\n"
	"                   [REGISTRY OPTIONS] [--profile-dir DIR]... [--no-resolve]\n"
	"                   PROFILE... REF\n"
	"\n"
	"Push PROFILE as an OCI artifact to REF, a registry repository\n"
	"HOST[:PORT]/NAME[:TAG] (TAG defaults to latest) or an OCI image layout\n"
	"directory oci:DIR[:TAG], and print the manifest's digest.  Base profiles are\n"
	"resolved first; oci:// bases are pulled with the registry options given here\n"
	"(--username's password goes to REF's registry only).  Blobs the target\n"
	"already has are not sent again.\n"
	"\n"
	"  --format kep   (default) the KEP-6061 form: one layer holding the profile as\n"
	"                 OCI JSON, config and artifactType\n"
	"                 application/vnd.cncf.seccomp-profile.config.v1+json; one\n"
	"                 PROFILE, valid for every platform\n"
	"  --format spo   the Security Profiles Operator's form: one layer per platform\n"
	"                 holding a SeccompProfile in YAML, titled profile.yaml, or\n"
	"                 profile-OS-ARCH.yaml with --platform (the Nth --platform goes\n"
	"                 with the Nth PROFILE)\n"
	"\n"
	"  -f, --format FORMAT    kep or spo\n"
	"  -p, --platform OS/ARCH the platform of a PROFILE (spo; repeatable)\n"
	"  -A, --annotation K=V   add an annotation to the manifest (repeatable)\n"
	"      --sign-key KEY     sign the manifest's digest with the ECDSA P-256 private\n"
	"                         key in the PEM file KEY (scprof keygen), as cosign does\n"
	"                         (registries only)\n"
	"      --chunk-size BYTES upload blobs larger than BYTES in chunks of BYTES (PATCH)\n"
	"                         instead of in one request\n" CLI_OCI_HELP CLI_RESOLVE_LOCAL_HELP
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 pushed, 2 usage, input, network or registry error.\n";

#define MAX_ITEMS 64

int cmd_push(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "platform", required_argument, NULL, 'p' },
		{ "annotation", required_argument, NULL, 'A' },
		{ "sign-key", required_argument, NULL, 'K' },
		{ "chunk-size", required_argument, NULL, 'C' },
		CLI_OCI_OPTIONS,
		CLI_RESOLVE_LOCAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_oci_opts o;
	enum scprof_oci_format format = SCPROF_OCI_KEP;
	const char *platforms[MAX_ITEMS];
	struct scprof_oci_annotation ann[MAX_ITEMS];
	struct scprof_oci_layer layers[MAX_ITEMS];
	char *texts[MAX_ITEMS] = { NULL };
	size_t n_plat = 0, n_ann = 0, n_prof = 0;
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_free_ char *digest = NULL;
	char *password = NULL, *key = NULL;
	const char *key_path = NULL;
	int c, r, rc = EXIT_USAGE;

	scprof_oci_opts_init(&o);
	while ((c = getopt_long(argc, argv, "f:p:A:h", opts, NULL)) != -1) {
		/* the registry options are push's own (cli_base_oci_use() lends them to bases) */
		r = cli_oci_option("push", &o, c, optarg);
		if (r == 0)
			r = cli_resolve_option("push", c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "kep"))
				format = SCPROF_OCI_KEP;
			else if (!strcmp(optarg, "spo"))
				format = SCPROF_OCI_SPO;
			else
				return cli_usage_error(
					"push", "--format must be kep or spo, not '%s'", optarg);
			break;
		case 'p':
			if (n_plat == MAX_ITEMS)
				return cli_usage_error("push", "too many --platform options");
			platforms[n_plat++] = optarg;
			break;
		case 'A': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return cli_usage_error(
					"push", "--annotation wants KEY=VALUE, not '%s'", optarg);
			if (n_ann == MAX_ITEMS)
				return cli_usage_error("push", "too many --annotation options");
			*eq = '\0';
			ann[n_ann++] = (struct scprof_oci_annotation){ optarg, eq + 1 };
			break;
		}
		case 'K':
			key_path = optarg;
			break;
		case 'C': {
			uint64_t v;
			if (!parse_u64(optarg, &v) || v == 0 || v > SIZE_MAX)
				return cli_usage_error(
					"push", "--chunk-size wants a number of bytes, not '%s'",
					optarg);
			o.chunk_size = (size_t)v;
			break;
		}
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("push", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("push", "expected PROFILE... REF");
	n_prof = (size_t)(argc - optind - 1);
	if (n_prof > MAX_ITEMS)
		return cli_usage_error("push", "too many profiles (at most %d)", MAX_ITEMS);
	if (format == SCPROF_OCI_KEP && n_prof != 1)
		return cli_usage_error(
			"push",
			"a KEP-6061 artifact holds one profile for every platform; push one "
			"profile per platform with --format spo");
	if (format == SCPROF_OCI_KEP && n_plat)
		return cli_usage_error(
			"push",
			"--platform is for --format spo: a KEP-6061 profile serves every platform");
	if (n_plat && n_plat != n_prof)
		return cli_usage_error("push", "%zu profiles but %zu --platform options", n_prof,
				       n_plat);
	if (!n_plat && n_prof > 1)
		return cli_usage_error("push", "several profiles need a --platform each");
	for (size_t i = 0; i < n_prof && o.username; i++)
		if (!strcmp(argv[optind + (int)i], "-"))
			return cli_usage_error(
				"push",
				"--username reads the password from stdin: give PROFILE as a file");
	if (cli_oci_credentials(&o, &password) != EXIT_OK)
		return EXIT_USAGE;
	cli_base_oci_use(&o, argv[argc - 1]);

	for (size_t i = 0; i < n_prof; i++) {
		struct scprof_profile *p = NULL;
		size_t len;
		const char *src = argv[optind + (int)i];
		if (cli_load_profile(src, &p) != EXIT_OK)
			goto out;
		/* a SeccompProfile is named as scprof convert names it */
		if (format == SCPROF_OCI_SPO && !p->name)
			p->name = strcmp(src, "-") ? cli_name_from_path(src) : xstrdup("profile");
		r = scprof_profile_write(p,
					 format == SCPROF_OCI_KEP ? SCPROF_FORMAT_OCI_JSON :
								    SCPROF_FORMAT_SPO_YAML,
					 0, &texts[i], &len, &err);
		scprof_profile_free(p);
		if (r < 0) {
			rc = cli_report(err);
			goto out;
		}
		layers[i] =
			(struct scprof_oci_layer){ texts[i], len, n_plat ? platforms[i] : NULL };
	}
	if (key_path && cli_oci_read_key(key_path, &key) != EXIT_OK)
		goto out;
	o.sign_key = key;
	r = scprof_oci_push(argv[argc - 1], format, layers, n_prof, ann, n_ann, &o, &digest, &err);
	if (r < 0) {
		rc = cli_report(err);
		goto out;
	}
	printf("%s\n", digest);
	rc = EXIT_OK;
out:
	for (size_t i = 0; i < n_prof; i++)
		free(texts[i]);
	cli_oci_forget(password);
	cli_oci_forget(key);
	return rc;
}
