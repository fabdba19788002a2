// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof k8s patch: set a seccomp profile (and harden) in Kubernetes manifests, keeping the rest. */
#include <limits.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "scprof/patch.h"
#include "scprof/pod.h"

static const char help[] =
	"usage: scprof k8s patch [OPTIONS] FILE|-\n"
	"\n"
	"Set the seccomp profile of a container, or of the pod, in every pod spec of\n"
	"FILE that has the container: a Pod, the pod template of a Deployment,\n"
	"ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController or\n"
	"PodTemplate, and List items; multi-document YAML or JSON.  Only the values set\n"
	"and the keys added change: the order of keys, comments, quoting, indentation\n"
	"and the other documents stay as they were, new keys are indented as the file\n"
	"indents, and patching again changes nothing.  A pre-1.19 seccomp annotation of\n"
	"the same container (of the pod, with --pod-level) that says otherwise is set to\n"
	"the same profile, as the API server requires when both are given.\n"
	"\n"
	"Options:\n"
	"  -c, --container NAME  the container (in containers, initContainers or\n"
	"                        ephemeralContainers)\n"
	"      --runtime-default seccompProfile {type: RuntimeDefault}; a\n"
	"                        localhostProfile is removed\n"
	"      --localhost PATH  seccompProfile {type: Localhost, localhostProfile: PATH},\n"
	"                        PATH relative to the kubelet's seccomp directory\n"
	"                        (" SCPROF_KUBELET_SECCOMP_ROOT "), without '..'\n"
	"      --pod-level       set it in the pod's securityContext instead; then\n"
	"                        --container is optional (without it: every pod spec)\n"
	"      --harden          also set what the restricted Pod Security level asks of\n"
	"                        the container: allowPrivilegeEscalation: false,\n"
	"                        capabilities.drop [ALL] (a drop list that has ALL is\n"
	"                        kept), capabilities.add without anything but\n"
	"                        NET_BIND_SERVICE (the only one restricted allows; an\n"
	"                        empty add is removed), runAsNonRoot: true; a privileged\n"
	"                        container is refused (Kubernetes rejects\n"
	"                        allowPrivilegeEscalation: false with privileged)\n"
	"  -w, --write           replace FILE (atomically, with its mode) instead of\n"
	"                        printing the result; an unchanged FILE is left alone\n"
	"  -h, --help            show this help\n"
	"\n"
	"Warnings on stderr name what the patch leaves that the restricted level or the\n"
	"kubelet may still refuse (a pod-level Unconfined profile, a container's own\n"
	"profile under --pod-level, runAsNonRoot: false at pod level, runAsUser: 0).\n"
	"\n"
	"Exit status: 0 patched (or already as asked), 2 bad usage or unusable input\n"
	"(invalid YAML or JSON, no pod spec with the container, a workload without a pod\n"
	"template, duplicate container names); then nothing is printed or written.\n";

#define CMD "k8s patch"

/* FILE:LINE:COL: error: MSG, or scprof: MSG when not about the file. */
static int report(const struct scprof_error *e)
{
	if (!e->file) {
		cli_error("%s", e->msg);
		return EXIT_USAGE;
	}
	fputs(e->file, stderr);
	if (e->line)
		fprintf(stderr, ":%u", e->line);
	if (e->line && e->col)
		fprintf(stderr, ":%u", e->col);
	fprintf(stderr, ": error: %s\n", e->msg);
	return EXIT_USAGE;
}

/* Write @r over @path: through a symbolic link to its target, with the target's mode. */
static int write_back(const char *path, const struct scprof_patch_result *r)
{
	_cleanup_free_ char *target = realpath(path, NULL);
	struct stat st;
	if (!target || stat(target, &st) < 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	_cleanup_error_ struct scprof_error *err = NULL;
	if (write_file_atomic(target, r->text, r->len, (int)(st.st_mode & 07777), &err) < 0)
		return cli_report(err);
	return EXIT_OK;
}

int cmd_k8s_patch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "container", required_argument, NULL, 'c' },
		{ "runtime-default", no_argument, NULL, 0x240 },
		{ "localhost", required_argument, NULL, 0x241 },
		{ "pod-level", no_argument, NULL, 0x242 },
		{ "harden", no_argument, NULL, 0x243 },
		{ "write", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_patch_opts o = { 0 };
	bool write = false, have_type = false;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:wh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (!*optarg)
				return cli_usage_error(CMD, "--container needs a name");
			o.container = optarg;
			break;
		case 0x240:
		case 0x241:
			if (have_type)
				return cli_usage_error(
					CMD, "give one of --runtime-default and --localhost PATH");
			have_type = true;
			o.type = opt == 0x240 ? SCPROF_PATCH_RUNTIME_DEFAULT :
						SCPROF_PATCH_LOCALHOST;
			o.localhost = opt == 0x241 ? optarg : NULL;
			break;
		case 0x242:
			o.pod_level = true;
			break;
		case 0x243:
			o.harden = true;
			break;
		case 'w':
			write = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error(CMD, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, "no manifest given");
	if (optind + 1 < argc)
		return cli_usage_error(CMD, "give one manifest, not '%s' too", argv[optind + 1]);
	if (!have_type)
		return cli_usage_error(CMD, "give --runtime-default or --localhost PATH");
	if (o.localhost && !scprof_pod_localhost_valid(o.localhost))
		return cli_usage_error(
			CMD,
			"--localhost '%s' must be a relative path without '..' (the kubelet refuses others)",
			o.localhost);
	if (!o.container && !o.pod_level)
		return cli_usage_error(
			CMD, "give --container NAME, or --pod-level for the pod's profile");
	if (o.harden && !o.container)
		return cli_usage_error(CMD, "--harden needs --container NAME");
	const char *path = argv[optind];
	bool is_stdin = !strcmp(path, "-");
	if (write && is_stdin)
		return cli_usage_error(CMD, "--write needs a file, not stdin");

	_cleanup_free_ char *buf = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	size_t len;
	if (read_file(path, SCPROF_MAX_INPUT, &buf, &len, &err) < 0)
		return cli_report(err);
	const char *name = is_stdin ? "<stdin>" : path;
	struct scprof_patch_result *r = NULL;
	if (scprof_patch_buf(buf, len, name, &o, &r, &err) < 0)
		return report(err);
	for (size_t i = 0; i < r->notes.n; i++)
		cli_print_diag(name, &r->notes.items[i]);
	int rc = EXIT_OK;
	if (!write) {
		if (fwrite(r->text, 1, r->len, stdout) != r->len || fflush(stdout) != 0) {
			cli_error("cannot write to stdout: %s", strerror(errno));
			rc = EXIT_USAGE;
		}
	} else if (r->changed) {
		rc = write_back(path, r);
	}
	scprof_patch_result_free(r);
	return rc;
}
