// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof k8s: Kubernetes manifests; `k8s lint` checks them against the Pod Security Standards. */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "config.h"
#include "format/node.h"
#include "k8s/sync.h"
#include "scprof/lint.h"
#include "scprof/pod.h"
#include "scprof/profile.h"

#define K8S_HELP                                                                         \
	"usage: scprof k8s SUBCOMMAND [ARGS]\n\n"                                        \
	"Kubernetes manifests and seccomp.\n\n"                                          \
	"Subcommands:\n"                                                                 \
	"  lint       check workloads against the Pod Security Standards and\n"          \
	"             seccomp practice\n"                                                \
	"  patch      set a container's or the pod's seccomp profile (and harden it)\n"  \
	"             in workload manifests, keeping the rest of the file as it is\n"    \
	"  install    write profiles into the kubelet's seccomp directory\n"             \
	"  sync       keep that directory in step with profiles in registries\n"         \
	"  crd        a profile as a Security Profiles Operator SeccompProfile\n"        \
	"  kind-config  a kind cluster that mounts a profile directory on every node\n"  \
	"  check-default  is a workload ready for RuntimeDefault? (the calls the\n"      \
	"             default profile would deny, and the Localhost profile to use)\n\n" \
	"Run 'scprof k8s SUBCOMMAND --help' for its options.\n"

#define LINT_HELP                                                                          \
	"usage: scprof k8s lint [OPTIONS] FILE|DIR|-...\n\n"                               \
	"Check every pod spec of Kubernetes manifests (Pod, Deployment, ReplicaSet,\n"     \
	"StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate,\n"      \
	"and List items; multi-document YAML or JSON) against the Pod Security\n"          \
	"Standards as the Pod Security Admission controller evaluates them, and\n"         \
	"give seccomp advice the controller does not.  A directory is searched for\n"      \
	"*.yaml, *.yml and *.json files.\n\n"                                              \
	"Options:\n"                                                                       \
	"  -l, --level LEVEL     baseline or restricted (default: restricted)\n"           \
	"  -V, --version VER     policy version v1.N or latest (default: latest, v1.37)\n" \
	"  -f, --format FMT      text, json or sarif (default: text)\n"                    \
	"      --seccomp-root DIR  check Localhost profiles under DIR (the kubelet's\n"    \
	"                        seccomp directory, e.g. /var/lib/kubelet/seccomp)\n"      \
	"  -j, --jobs N          read large YAML streams with N threads (default: one\n"   \
	"                        per CPU, up to 8)\n"                                      \
	"  -h, --help            show this help\n\n"                                       \
	"Exit status: 0 no findings, 1 findings, 2 unusable input or bad usage.\n"

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool manifest_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

/* The manifests under @dir, recursively, sorted; appended to *files. */
static int list_dir(const char *dir, char ***files, size_t *n, size_t *alloc)
{
	DIR *d = opendir(dir);
	if (!d) {
		cli_error("cannot open directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t nn = 0, na = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		GROW(names, na, nn + 1);
		names[nn++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp_str);
	int r = 0;
	for (size_t i = 0; i < nn; i++) {
		struct stat st;
		if (!r && stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			r = list_dir(names[i], files, n, alloc);
		} else if (!r && manifest_name(names[i])) {
			GROW(*files, *alloc, *n + 1);
			(*files)[(*n)++] = steal_ptr(&names[i]);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

static const char *object_kind(const struct scprof_lint_finding *f)
{
	return f->kind ? f->kind : "(no kind)";
}

static void object_name(struct strbuf *sb, const struct scprof_lint_finding *f)
{
	strbuf_adds(sb, object_kind(f));
	if (f->namespace)
		strbuf_addf(sb, "/%s", f->namespace);
	strbuf_addf(sb, "/%s", f->name ? f->name : "(no name)");
}

static bool same_object(const struct scprof_lint_finding *a, const struct scprof_lint_finding *b)
{
	return !strcmp(a->file, b->file) && a->doc == b->doc &&
	       !strcmp(object_kind(a), object_kind(b)) &&
	       !strcmp(a->name ? a->name : "", b->name ? b->name : "") &&
	       !strcmp(a->namespace ? a->namespace : "", b->namespace ? b->namespace : "");
}

static bool counts(const struct scprof_lint_finding *f)
{
	return f->type == SCPROF_LINT_CONTROL || f->type == SCPROF_LINT_ADVICE;
}

/* Problems and skipped objects: one line each on stderr. */
static void print_problems(const struct scprof_lint_finding *f, size_t n)
{
	bool color = cli_color(2);
	for (size_t i = 0; i < n; i++) {
		if (counts(&f[i]))
			continue;
		bool skip = f[i].type == SCPROF_LINT_SKIPPED;
		fprintf(stderr, "%s%s:%u:%u:%s %s%s:%s document %zu: %s: %s\n",
			color ? "\033[1m" : "", f[i].file, f[i].line, f[i].col,
			color ? "\033[0m" : "", color ? (skip ? "\033[1;36m" : "\033[1;31m") : "",
			skip ? "note" : "error", color ? "\033[0m" : "", f[i].doc, f[i].path,
			f[i].message);
	}
}

static void print_text(const struct scprof_lint_finding *f, size_t n, size_t objects,
		       const struct scprof_lint_opts *o)
{
	bool color = cli_color(1);
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	const struct scprof_lint_finding *group = NULL;
	size_t total = 0, groups = 0;
	for (size_t i = 0; i < n; i++) {
		if (!counts(&f[i]))
			continue;
		total++;
		if (!group || !same_object(group, &f[i])) {
			struct strbuf sb = STRBUF_INIT;
			object_name(&sb, &f[i]);
			printf("%s%s%s: %s (document %zu)%s\n", groups ? "\n" : "", bold, f[i].file,
			       sb.buf, f[i].doc, off);
			strbuf_release(&sb);
			group = &f[i];
			groups++;
		}
		bool advice = f[i].type == SCPROF_LINT_ADVICE;
		printf("  %u:%u %s%s%s%s", f[i].line, f[i].col,
		       color ? (advice ? "\033[33m" : "\033[31m") : "", advice ? "advice " : "",
		       f[i].id, off);
		if (f[i].container)
			printf(" container '%s'", f[i].container);
		printf(": %s\n    %s = %s (allowed: %s)\n", f[i].message, f[i].path,
		       f[i].value ? f[i].value : "unset", f[i].allowed);
	}
	printf("%s%zu finding%s in %zu object%s; %zu pod spec%s checked at %s v1.%u\n",
	       groups ? "\n" : "", total, total == 1 ? "" : "s", groups, groups == 1 ? "" : "s",
	       objects, objects == 1 ? "" : "s",
	       o->level == SCPROF_LINT_RESTRICTED ? "restricted" : "baseline",
	       o->version > SCPROF_LINT_LATEST ? SCPROF_LINT_LATEST : o->version);
}

static const char *type_name(enum scprof_lint_type t)
{
	switch (t) {
	case SCPROF_LINT_CONTROL:
		return "control";
	case SCPROF_LINT_ADVICE:
		return "advice";
	case SCPROF_LINT_PROBLEM:
		return "problem";
	default:
		return "skipped";
	}
}

static struct node *str_or_null(const char *s)
{
	return s ? node_new_string(s) : node_new(NODE_NULL);
}

static void print_json(const struct scprof_lint_finding *f, size_t n, size_t objects,
		       const struct scprof_lint_opts *o)
{
	_cleanup_node_ struct node *doc = node_new(NODE_OBJECT);
	node_object_add(doc, "level",
			node_new_string(o->level == SCPROF_LINT_RESTRICTED ? "restricted" :
									     "baseline"));
	_cleanup_free_ char *ver = xasprintf(
		"v1.%u", o->version > SCPROF_LINT_LATEST ? SCPROF_LINT_LATEST : o->version);
	node_object_add(doc, "version", node_new_string(ver));
	node_object_add(doc, "objects", node_new_u64(objects));
	struct node *findings = node_new(NODE_ARRAY), *problems = node_new(NODE_ARRAY);
	for (size_t i = 0; i < n; i++) {
		struct node *x = node_new(NODE_OBJECT);
		node_object_add(x, "type", node_new_string(type_name(f[i].type)));
		node_object_add(x, "id", node_new_string(f[i].id));
		node_object_add(x, "file", node_new_string(f[i].file));
		node_object_add(x, "document", node_new_u64(f[i].doc));
		node_object_add(x, "kind", str_or_null(f[i].kind));
		node_object_add(x, "namespace", str_or_null(f[i].namespace));
		node_object_add(x, "name", str_or_null(f[i].name));
		node_object_add(x, "container", str_or_null(f[i].container));
		node_object_add(x, "path", node_new_string(f[i].path));
		if (counts(&f[i])) {
			node_object_add(x, "value", str_or_null(f[i].value));
			node_object_add(x, "allowed", str_or_null(f[i].allowed));
		}
		node_object_add(x, "message", node_new_string(f[i].message));
		node_object_add(x, "line", node_new_u64(f[i].line));
		node_object_add(x, "column", node_new_u64(f[i].col));
		node_array_add(counts(&f[i]) ? findings : problems, x);
	}
	node_object_add(doc, "findings", findings);
	node_object_add(doc, "problems", problems);
	cli_print_json(doc);
}

/* SARIF 2.1.0 (OASIS): one run, the checks as rules, findings and problems as results. */
static void print_sarif(const struct scprof_lint_finding *f, size_t n)
{
	size_t n_rules;
	const struct scprof_lint_rule *rules = scprof_lint_rules(&n_rules);
	_cleanup_node_ struct node *doc = node_new(NODE_OBJECT);
	node_object_add(doc, "$schema",
			node_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
	node_object_add(doc, "version", node_new_string("2.1.0"));
	struct node *runs = node_new(NODE_ARRAY), *run = node_new(NODE_OBJECT);
	struct node *tool = node_new(NODE_OBJECT), *driver = node_new(NODE_OBJECT);
	node_object_add(driver, "name", node_new_string("scprof"));
	node_object_add(driver, "version", node_new_string(SCPROF_VERSION));
	node_object_add(
		driver, "informationUri",
		node_new_string(
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/"));
	struct node *rl = node_new(NODE_ARRAY);
	for (size_t i = 0; i < n_rules; i++) {
		struct node *r = node_new(NODE_OBJECT), *d = node_new(NODE_OBJECT);
		node_object_add(r, "id", node_new_string(rules[i].id));
		node_object_add(d, "text", node_new_string(rules[i].summary));
		node_object_add(r, "shortDescription", d);
		struct node *props = node_new(NODE_OBJECT);
		node_object_add(props, "type", node_new_string(type_name(rules[i].type)));
		if (rules[i].level) {
			_cleanup_free_ char *since = xasprintf("v1.%u", rules[i].since);
			node_object_add(props, "level", node_new_string(rules[i].level));
			node_object_add(props, "since", node_new_string(since));
		}
		node_object_add(r, "properties", props);
		node_array_add(rl, r);
	}
	node_object_add(driver, "rules", rl);
	node_object_add(tool, "driver", driver);
	node_object_add(run, "tool", tool);
	struct node *results = node_new(NODE_ARRAY);
	for (size_t i = 0; i < n; i++) {
		size_t ri = 0;
		while (ri < n_rules && strcmp(rules[ri].id, f[i].id))
			ri++;
		struct node *r = node_new(NODE_OBJECT), *m = node_new(NODE_OBJECT);
		node_object_add(r, "ruleId", node_new_string(f[i].id));
		node_object_add(r, "ruleIndex", node_new_u64(ri));
		node_object_add(r, "level",
				node_new_string(f[i].type == SCPROF_LINT_CONTROL ? "error" :
						f[i].type == SCPROF_LINT_PROBLEM ? "error" :
						f[i].type == SCPROF_LINT_ADVICE	 ? "warning" :
										   "note"));
		struct strbuf sb = STRBUF_INIT;
		object_name(&sb, &f[i]);
		strbuf_addf(&sb, " (document %zu)", f[i].doc);
		if (f[i].container)
			strbuf_addf(&sb, " container '%s'", f[i].container);
		strbuf_addf(&sb, ": %s: %s", f[i].path, f[i].message);
		if (counts(&f[i]))
			strbuf_addf(&sb, " (found: %s; allowed: %s)",
				    f[i].value ? f[i].value : "unset", f[i].allowed);
		node_object_add(m, "text", node_new_string(sb.buf));
		strbuf_release(&sb);
		node_object_add(r, "message", m);
		struct node *locs = node_new(NODE_ARRAY), *loc = node_new(NODE_OBJECT);
		struct node *phys = node_new(NODE_OBJECT), *art = node_new(NODE_OBJECT);
		node_object_add(art, "uri", node_new_string(f[i].file));
		node_object_add(phys, "artifactLocation", art);
		if (f[i].line) {
			struct node *reg = node_new(NODE_OBJECT);
			node_object_add(reg, "startLine", node_new_u64(f[i].line));
			node_object_add(reg, "startColumn", node_new_u64(f[i].col ? f[i].col : 1));
			node_object_add(phys, "region", reg);
		}
		node_object_add(loc, "physicalLocation", phys);
		struct node *logs = node_new(NODE_ARRAY), *lg = node_new(NODE_OBJECT);
		node_object_add(lg, "fullyQualifiedName", node_new_string(f[i].path));
		node_object_add(lg, "kind", node_new_string("member"));
		node_array_add(logs, lg);
		node_object_add(loc, "logicalLocations", logs);
		node_array_add(locs, loc);
		node_object_add(r, "locations", locs);
		node_array_add(results, r);
	}
	node_object_add(run, "results", results);
	node_array_add(runs, run);
	node_object_add(doc, "runs", runs);
	cli_print_json(doc);
}

static int cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "version", required_argument, NULL, 'V' },
		{ "format", required_argument, NULL, 'f' },
		{ "seccomp-root", required_argument, NULL, 0x200 },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scprof_lint_opts o = { .level = SCPROF_LINT_RESTRICTED,
				      .version = SCPROF_LINT_LATEST };
	enum fmt fmt = FMT_TEXT;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "l:V:f:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (!strcmp(optarg, "baseline"))
				o.level = SCPROF_LINT_BASELINE;
			else if (!strcmp(optarg, "restricted"))
				o.level = SCPROF_LINT_RESTRICTED;
			else
				return cli_usage_error(
					"k8s lint",
					"--level must be baseline or restricted, not '%s'", optarg);
			break;
		case 'V':
			if (scprof_lint_parse_version(optarg, &o.version) < 0)
				return cli_usage_error("k8s lint",
						       "--version must be v1.N or latest, not '%s'",
						       optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else if (!strcmp(optarg, "sarif"))
				fmt = FMT_SARIF;
			else
				return cli_usage_error(
					"k8s lint",
					"--format must be text, json or sarif, not '%s'", optarg);
			break;
		case 0x200:
			o.seccomp_root = optarg;
			break;
		case 'j': {
			uint64_t j;
			if (!parse_u64(optarg, &j) || j < 1 || j > 64)
				return cli_usage_error("k8s lint",
						       "--jobs must be from 1 to 64, not '%s'",
						       optarg);
			o.jobs = (unsigned)j;
			break;
		}
		case 'h':
			return cli_help(LINT_HELP);
		default:
			return cli_usage_error("k8s lint", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("k8s lint", "no manifest given");

	char **files = NULL;
	size_t n_files = 0, alloc = 0;
	int rc = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (list_dir(argv[i], &files, &n_files, &alloc) < 0)
				rc = EXIT_USAGE;
			continue;
		}
		GROW(files, alloc, n_files + 1);
		files[n_files++] = xstrdup(argv[i]);
	}
	struct scprof_lint *l = scprof_lint_new(&o);
	for (size_t i = 0; i < n_files; i++) {
		_cleanup_error_ struct scprof_error *err = NULL;
		if (scprof_lint_file(l, files[i], &err) < 0) {
			cli_report(err);
			rc = EXIT_USAGE;
		}
		free(files[i]);
	}
	free(files);

	size_t n;
	scprof_lint_finish(l);
	const struct scprof_lint_finding *f = scprof_lint_findings(l, &n);
	print_problems(f, n);
	if (fmt == FMT_TEXT)
		print_text(f, n, scprof_lint_objects(l), &o);
	else if (fmt == FMT_JSON)
		print_json(f, n, scprof_lint_objects(l), &o);
	else
		print_sarif(f, n);
	for (size_t i = 0; i < n && rc == EXIT_OK; i++)
		if (f[i].type != SCPROF_LINT_SKIPPED)
			rc = EXIT_FINDINGS;
	scprof_lint_free(l);
	return rc;
}

#define INSTALL_HELP                                                                          \
	"usage: scprof k8s install [OPTIONS] PROFILE...\n\n"                                  \
	"Write each PROFILE (bases resolved, as OCI JSON) into the kubelet's seccomp\n"       \
	"directory, atomically and with mode 0644, and print the localhostProfile value\n"    \
	"to use for it, one per line.  The file is named after the SeccompProfile's name,\n"  \
	"else the profile's file name; a built-in's '/' becomes '-'.\n\n"                     \
	"Options:\n"                                                                          \
	"      --root DIR      the kubelet's seccomp directory (default:\n"                   \
	"                      " SCPROF_KUBELET_SECCOMP_ROOT ")\n"                            \
	"      --subdir NAME   install under DIR/NAME (relative, no '..')\n" CLI_RESOLVE_HELP \
	"  -h, --help          show this help\n"

bool cli_k8s_plain_subdir(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");
		if (!sync_plain_name(s, n))
			return false;
		s += n;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

/* The installed file's name (without ".json") for @p read from @source; caller frees. */
static char *install_name(const struct scprof_profile *p, const char *source)
{
	if (p->kind == SCPROF_KIND_SPO && p->name)
		return xstrdup(p->name);
	if (!strcmp(source, "-"))
		return NULL;
	if (scprof_profile_is_builtin(source)) {
		char *n = xstrdup(source);
		for (char *c = n; *c; c++)
			if (*c == '/')
				*c = '-';
		return n;
	}
	const char *base = strrchr(source, '/') ? strrchr(source, '/') + 1 : source;
	size_t n = strlen(base);
	static const char *const exts[] = { ".json", ".yaml", ".yml" };
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(base + n - e, exts[i])) {
			n -= e;
			break;
		}
	}
	return xstrndup(base, n);
}

/* mkdir -p @sub under @root (which is created too, its parent must exist). */
static int make_dirs(const char *root, const char *sub)
{
	if (mkdir(root, 0755) < 0 && errno != EEXIST) {
		cli_error("cannot create the seccomp root '%s': %s", root, strerror(errno));
		return -1;
	}
	struct strbuf path = STRBUF_INIT;
	strbuf_adds(&path, root);
	int r = 0;
	for (const char *s = sub; s && *s && !r;) {
		size_t n = strcspn(s, "/");
		strbuf_addc(&path, '/');
		strbuf_add(&path, s, n);
		if (mkdir(path.buf, 0755) < 0 && errno != EEXIST) {
			cli_error("cannot create '%s': %s", path.buf, strerror(errno));
			r = -1;
		}
		s += n;
		s += *s == '/';
	}
	strbuf_release(&path);
	return r;
}

char *cli_k8s_seccomp_dir(const char *root, const char *subdir)
{
	if (make_dirs(root, subdir) < 0)
		return NULL;
	char *dir = subdir ? xasprintf("%s/%s", root, subdir) : xstrdup(root);
	/* a symlink among the directories must not lead out of the root */
	_cleanup_free_ char *real_root = realpath(root, NULL);
	_cleanup_free_ char *real_dir = realpath(dir, NULL);
	size_t k = real_root ? strlen(real_root) : 0;
	if (!real_root || !real_dir || strncmp(real_dir, real_root, k) ||
	    (real_dir[k] && real_dir[k] != '/' && k > 1)) {
		cli_error("'%s' leads outside the seccomp root '%s'", dir, root);
		free(dir);
		return NULL;
	}
	return dir;
}

static int cmd_install(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 0x210 },
		{ "subdir", required_argument, NULL, 0x211 },
		{ "help", no_argument, NULL, 'h' },
		CLI_RESOLVE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *root = SCPROF_KUBELET_SECCOMP_ROOT, *subdir = NULL;
	int opt, r;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		r = cli_resolve_option("k8s install", opt, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (opt) {
		case 0x210:
			root = optarg;
			break;
		case 0x211:
			subdir = optarg;
			break;
		case 'h':
			return cli_help(INSTALL_HELP);
		default:
			return cli_usage_error("k8s install", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("k8s install", "no profile given");
	if (subdir && !cli_k8s_plain_subdir(subdir))
		return cli_usage_error(
			"k8s install",
			"--subdir '%s' must be a relative path of plain names (letters, digits, '.', '_', '-'; no '..')",
			subdir);

	size_t n = (size_t)(argc - optind);
	char **data = xcalloc(n, sizeof(*data)), **names = xcalloc(n, sizeof(*names));
	size_t *lens = xcalloc(n, sizeof(*lens));
	int rc = EXIT_OK;
	/* everything is read and checked before anything is written */
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		const char *src = argv[optind + (int)i];
		struct scprof_profile *p = NULL;
		_cleanup_error_ struct scprof_error *err = NULL;
		rc = cli_load_profile(src, &p);
		if (rc != EXIT_OK)
			break;
		names[i] = install_name(p, src);
		if (!names[i] || !sync_plain_name(names[i], strlen(names[i]))) {
			cli_error(
				"cannot install '%s' as '%s': a profile's file name must be a plain name (letters, digits, '.', '_', '-')",
				src,
				names[i] ? names[i] :
					   "(stdin has no name; use an SPO SeccompProfile)");
			rc = EXIT_USAGE;
		} else if (scprof_profile_write(p, SCPROF_FORMAT_OCI_JSON, 0, &data[i], &lens[i],
						&err) < 0) {
			rc = cli_report(err);
		}
		for (size_t j = 0; j < i && rc == EXIT_OK; j++)
			if (!strcmp(names[j], names[i])) {
				cli_error("'%s' and '%s' would both be installed as '%s.json'",
					  argv[optind + (int)j], src, names[i]);
				rc = EXIT_USAGE;
			}
		scprof_profile_free(p);
	}
	_cleanup_free_ char *dir = rc == EXIT_OK ? cli_k8s_seccomp_dir(root, subdir) : NULL;
	if (!dir && rc == EXIT_OK)
		rc = EXIT_USAGE;
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s.json", dir, names[i]);
		_cleanup_error_ struct scprof_error *err = NULL;
		if (write_file_atomic(path, data[i], lens[i], 0644, &err) < 0) {
			rc = cli_report(err);
			break;
		}
		printf("%s%s%s.json\n", subdir ? subdir : "", subdir ? "/" : "", names[i]);
	}
	for (size_t i = 0; i < n; i++) {
		free(data[i]);
		free(names[i]);
	}
	free(data);
	free(names);
	free(lens);
	return rc;
}

#define CRD_HELP                                                                                     \
	"usage: scprof k8s crd [OPTIONS] PROFILE\n\n"                                                \
	"Print PROFILE (bases resolved) as a Security Profiles Operator SeccompProfile\n"            \
	"(security-profiles-operator.x-k8s.io/v1beta1); with --binding also a\n"                     \
	"ProfileBinding (v1alpha1) that binds it to every container running IMAGE.\n"                \
	"The operator installs it on each node as operator/NAMESPACE/NAME.json under\n"              \
	"the kubelet's seccomp directory.\n\n"                                                       \
	"Options:\n"                                                                                 \
	"      --name NAME      metadata.name (default: the SeccompProfile's, else the\n"            \
	"                       file name, lowercased, '_' as '-')\n"                                \
	"      --binding IMAGE  also a ProfileBinding for IMAGE ('*': every pod)\n" CLI_RESOLVE_HELP \
	"  -h, --help           show this help\n"

#define SPO_GROUP "security-profiles-operator.x-k8s.io"

/* A Kubernetes object name (RFC 1123 subdomain): [a-z0-9]([-a-z0-9.]*[a-z0-9])?, <= 253. */
static bool object_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 253 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

static int cmd_crd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 0x220 },
		{ "binding", required_argument, NULL, 0x221 },
		{ "help", no_argument, NULL, 'h' },
		CLI_RESOLVE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *image = NULL;
	int opt, r;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		r = cli_resolve_option("k8s crd", opt, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (opt) {
		case 0x220:
			name = optarg;
			break;
		case 0x221:
			image = optarg;
			break;
		case 'h':
			return cli_help(CRD_HELP);
		default:
			return cli_usage_error("k8s crd", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("k8s crd", "give one profile");
	if (image && !*image)
		return cli_usage_error("k8s crd", "--binding needs an image");
	const char *src = argv[optind];
	struct scprof_profile *p = NULL;
	int rc = cli_load_profile(src, &p);
	if (rc != EXIT_OK)
		return rc;
	char *n = name ? xstrdup(name) : install_name(p, src);
	if (n && !name)
		for (char *c = n; *c; c++)
			*c = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
	if (!n || !object_name_ok(n)) {
		cli_error(
			"'%s' is not a Kubernetes object name (lowercase letters, digits, '-', '.'); give one with --name",
			n ? n : "(stdin)");
		free(n);
		scprof_profile_free(p);
		return EXIT_USAGE;
	}
	free(p->name);
	p->name = n;
	/* the operator serves SeccompProfile as v1beta1 only */
	if (p->kind != SCPROF_KIND_SPO || !p->api_version) {
		free(p->api_version);
		p->api_version = xstrdup(SPO_GROUP "/v1beta1");
	}
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_free_ char *out = NULL;
	size_t len;
	if (scprof_profile_write(p, SCPROF_FORMAT_SPO_YAML, 0, &out, &len, &err) < 0) {
		scprof_profile_free(p);
		return cli_report(err);
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, out, len);
	if (image) {
		_cleanup_node_ struct node *b = node_new(NODE_OBJECT);
		node_object_add(b, "apiVersion", node_new_string(SPO_GROUP "/v1alpha1"));
		node_object_add(b, "kind", node_new_string("ProfileBinding"));
		struct node *md = node_new(NODE_OBJECT), *spec = node_new(NODE_OBJECT);
		struct node *ref = node_new(NODE_OBJECT);
		_cleanup_free_ char *bname = xasprintf("%s-binding", p->name);
		node_object_add(md, "name", node_new_string(bname));
		node_object_add(b, "metadata", md);
		node_object_add(ref, "kind", node_new_string("SeccompProfile"));
		node_object_add(ref, "name", node_new_string(p->name));
		node_object_add(spec, "profileRef", ref);
		node_object_add(spec, "image", node_new_string(image));
		node_object_add(b, "spec", spec);
		strbuf_adds(&sb, "---\n");
		yaml_write(b, &sb);
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	scprof_profile_free(p);
	return EXIT_OK;
}

#define KIND_HELP                                                                         \
	"usage: scprof k8s kind-config --profiles DIR [--workers N] [-o FILE]\n\n"        \
	"Write a kind cluster configuration (kind.x-k8s.io/v1alpha4) that mounts DIR,\n"  \
	"read-only, at the kubelet's seccomp directory of every node, so that pods can\n" \
	"use the profiles in DIR as Localhost profiles.\n\n"                              \
	"Options:\n"                                                                      \
	"      --profiles DIR  the directory to mount (it must exist)\n"                  \
	"      --workers N     worker nodes besides the control plane (default: 0)\n"     \
	"  -o, --output FILE   write FILE atomically instead of stdout\n"                 \
	"  -h, --help          show this help\n"

static int cmd_kind_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profiles", required_argument, NULL, 0x230 },
		{ "workers", required_argument, NULL, 0x231 },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *output = "-";
	uint64_t workers = 0;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 0x230:
			dir = optarg;
			break;
		case 0x231:
			if (!parse_u64(optarg, &workers) || workers > 100)
				return cli_usage_error("k8s kind-config",
						       "--workers must be from 0 to 100, not '%s'",
						       optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cli_help(KIND_HELP);
		default:
			return cli_usage_error("k8s kind-config", "unknown option");
		}
	}
	if (!dir)
		return cli_usage_error("k8s kind-config", "--profiles DIR is required");
	if (optind != argc)
		return cli_usage_error("k8s kind-config", "unexpected argument '%s'", argv[optind]);
	struct stat st;
	_cleanup_free_ char *abs = realpath(dir, NULL);
	if (!abs || stat(abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_error("cannot use '%s' as the profiles directory: %s", dir,
			  abs ? "not a directory" : strerror(errno));
		return EXIT_USAGE;
	}
	_cleanup_node_ struct node *c = node_new(NODE_OBJECT);
	node_object_add(c, "kind", node_new_string("Cluster"));
	node_object_add(c, "apiVersion", node_new_string("kind.x-k8s.io/v1alpha4"));
	struct node *nodes = node_new(NODE_ARRAY);
	for (uint64_t i = 0; i <= workers; i++) {
		struct node *n = node_new(NODE_OBJECT), *mounts = node_new(NODE_ARRAY);
		struct node *m = node_new(NODE_OBJECT);
		node_object_add(n, "role", node_new_string(i ? "worker" : "control-plane"));
		node_object_add(m, "hostPath", node_new_string(abs));
		node_object_add(m, "containerPath", node_new_string(SCPROF_KUBELET_SECCOMP_ROOT));
		node_object_add(m, "readOnly", node_new_bool(true));
		node_array_add(mounts, m);
		node_object_add(n, "extraMounts", mounts);
		node_array_add(nodes, n);
	}
	node_object_add(c, "nodes", nodes);
	struct strbuf sb = STRBUF_INIT;
	yaml_write(c, &sb);
	int rc = cli_write_output(output, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

int cmd_k8s(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} subs[] = {
		{ "lint", cmd_lint },
		{ "install", cmd_install },
		{ "crd", cmd_crd },
		{ "kind-config", cmd_kind_config },
		{ "check-default", cmd_k8s_check_default },
		{ "patch", cmd_k8s_patch },
		{ "sync", cmd_k8s_sync },
	};
	if (argc < 2)
		return cli_usage_error("k8s", "no subcommand given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cli_help(K8S_HELP);
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	return cli_usage_error("k8s", "unknown subcommand '%s'", argv[1]);
}
