// SPDX-License-Identifier: LGPL-2.1-or-later
/* scprof record: a least-privilege profile from the syscalls a workload really makes. */
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "scprof/record.h"

static const char help[] =
	"usage: scprof record [OPTIONS] -- CMD [ARG...]\n"
	"       scprof record [OPTIONS] --pid PID | --cgroup PATH\n"
	"\n"
	"Run CMD (or follow a running process, or every process of a cgroup), note\n"
	"every syscall it and everything it starts make, and write the profile that\n"
	"allows exactly those.  Recording ends when everything followed has exited,\n"
	"after --duration, or on Ctrl-C; the profile is written in every case.\n"
	"\n"
	"  -o, --output FILE          write the profile to FILE, atomically (default: stdout)\n"
	"  -f, --format FMT           oci (JSON, the default), spo (SeccompProfile YAML) or\n"
	"                             spo-json\n"
	"      --name NAME            the SeccompProfile's name (default: recorded)\n"
	"      --backend B            auto (the default: ebpf where permitted, else ptrace),\n"
	"                             ebpf, ptrace, or log: run CMD under a filter that logs\n"
	"                             every call and read the kernel's records (netlink or\n"
	"                             /dev/kmsg);\n"
	"                             sees calls another filter denies; no --args\n"
	"      --args                 argument rules for clone (namespace flags), socket\n"
	"                             (domain, type), ioctl (request), prctl (option),\n"
	"                             personality, and mmap/mprotect (W^X unless the run\n"
	"                             mapped memory writable and executable at once)\n"
	"      --default-action A     errno (EPERM, the default), kill (KILL_PROCESS) or log\n"
	"      --mode M               enforce (the default), or audit: LOG what was not seen,\n"
	"                             ERRNO a list of dangerous syscalls (see scprof(1))\n"
	"      --merge FILE           add what was seen to the profile FILE; the syscalls it\n"
	"                             denies stay denied\n"
	"      --for-runtime runc     also allow what runc calls between loading the filter\n"
	"                             and starting the container's process\n"
	"  -p, --pid PID              follow process PID, its threads and what it starts\n"
	"      --cgroup PATH          follow every process of the cgroup directory PATH\n"
	"      --duration SECONDS     stop recording after SECONDS (a command still running\n"
	"                             is then terminated)\n"
	"  -q, --quiet                no summary on stderr\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Exit status: CMD's own (128+N when killed by signal N); 0 for --pid and --cgroup;\n"
	"2 for usage and input errors; 125 when recording cannot be set up; 126 CMD not\n"
	"executable; 127 CMD not found.\n";

static volatile int stop;
static volatile sig_atomic_t signals;
static pid_t child_pid;

/*
 * Ctrl-C reaches CMD from the terminal by itself; a signal sent to scprof alone
 * (kill) is passed on.  Either way recording goes on until CMD has exited; a
 * second signal stops it.  Without a command the first one stops it.
 */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	if (child_pid > 0 && si && si->si_code == SI_USER && si->si_pid != child_pid)
		kill(child_pid, sig);
	if (child_pid <= 0 || ++signals > 1)
		stop = 1;
}

static const char *backend_name(enum scprof_backend b)
{
	return b == SCPROF_BACKEND_EBPF	  ? "ebpf" :
	       b == SCPROF_BACKEND_PTRACE ? "ptrace" :
	       b == SCPROF_BACKEND_LOG	  ? "log" :
					    "auto";
}

/* Refuse an output path we could not write before anything runs: no lost recording. */
static int check_output(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return 0;
	_cleanup_free_ char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* no O_TMPFILE on this file system: the directory's mode must do */
		if (access(dir, W_OK) == 0)
			return 0;
	}
	if (fd < 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static void summary(const struct scprof_obs *o, enum scprof_backend b, int64_t ms, const char *out)
{
	size_t n;
	_cleanup_free_ struct scprof_obs_call *calls = scprof_obs_calls(o, &n);
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n;) {
		size_t j = i, named = 0;

		while (j < n && calls[j].arch == calls[i].arch)
			named += calls[j++].name != NULL;
		strbuf_addf(&sb, "%s%zu syscalls on %s", i ? ", " : "", named, calls[i].arch->name);
		i = j;
	}
	if (!n)
		strbuf_adds(&sb, "no syscalls");
	fprintf(stderr, "scprof: %s (%s, %.2f s) -> %s\n", sb.buf, backend_name(b), ms / 1000.0,
		out && strcmp(out, "-") ? out : "stdout");
	strbuf_release(&sb);
}

static int parse_choice(const char *opt, const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	cli_usage_error("record", "unknown %s '%s'", opt, arg);
	return -1;
}

static void profile_freep(struct scprof_profile **p)
{
	scprof_profile_free(*p);
}

static void obs_freep(struct scprof_obs **o)
{
	scprof_obs_free(*o);
}

static int start(const struct scprof_record_target *t, enum scprof_backend backend, bool quiet,
		 struct scprof_recorder **r)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	int exec_errno = 0, ret = scprof_recorder_start(backend, t, r, &exec_errno, &err);

	if (ret >= 0) {
		if (!quiet && scprof_recorder_fallback(*r))
			fprintf(stderr, "scprof: %s; recording with ptrace instead\n",
				scprof_recorder_fallback(*r));
		return EXIT_OK;
	}
	cli_report(err);
	if (exec_errno)
		return exec_errno == ENOENT ? 127 : 126;
	return ret == -ESRCH || ret == -EINVAL || ret == -ENOENT ? EXIT_USAGE : EXIT_SETUP;
}

/*
 * The eBPF recorder is released (its programs detached, 0.5 ms here) on a
 * thread of its own while the profile is written, whose fsync waits on the
 * disk.  Not the ptrace recorder: only the thread that attached may detach.
 */
struct release {
	struct scprof_recorder *r;
	int status; /* the command's wait status, -1 when none */
	pthread_t thread;
	bool started;
};

static void *release_thread(void *data)
{
	struct release *rel = data;

	scprof_recorder_free(rel->r, &rel->status);
	return NULL;
}

static void release_start(struct release *rel, struct scprof_recorder *r)
{
	rel->r = r;
	rel->started = scprof_recorder_backend(r) == SCPROF_BACKEND_EBPF &&
		       !pthread_create(&rel->thread, NULL, release_thread, rel);
	if (!rel->started)
		scprof_recorder_free(r, &rel->status);
}

/* ... and its end: the command's wait status. */
static int release_end(struct release *rel)
{
	if (rel->started)
		pthread_join(rel->thread, NULL);
	rel->started = false;
	return rel->status;
}

/* Write the profile of what @o saw; returns the exit code. */
static int write_profile(const struct scprof_record_target *t, struct scprof_obs *o,
			 enum scprof_backend used, uint64_t lost,
			 const struct scprof_generate_opts *g, struct scprof_profile *base,
			 const char *merge, const char *out, enum scprof_format format, int64_t t0,
			 bool quiet)
{
	_cleanup_error_ struct scprof_error *err = NULL;

	/*
	 * A command makes at least its execve; seeing nothing means the recorder did
	 * not follow it, a fault of ours: no profile then.
	 */
	if (t->argv && !scprof_obs_count(o)) {
		cli_error("the %s recorder saw no call of '%s'; no profile written",
			  backend_name(used), t->argv[0]);
		return EXIT_SETUP;
	}
	if (lost)
		cli_warning("the kernel dropped %llu record%s of the run: the profile may miss "
			    "calls; record again, or merge several runs",
			    (unsigned long long)lost, lost == 1 ? "" : "s");
	if (!scprof_obs_count(o) && !quiet)
		cli_warning("no calls were seen: the profile allows only what every program needs");

	_cleanup_(profile_freep) struct scprof_profile *p = NULL;

	if (scprof_record_generate(o, g, &p, &err) < 0)
		return cli_report(err);
	if (base) {
		char **denied = NULL;

		scprof_record_merge(base, p, &denied);
		for (size_t k = 0; denied && denied[k]; k++) {
			cli_warning("the run called '%s', which '%s' denies: it stays denied",
				    denied[k], merge);
			free(denied[k]);
		}
		free(denied);
	}

	_cleanup_free_ char *text = NULL;
	size_t len;

	if (scprof_profile_write(base ? base : p, format, 0, &text, &len, &err) < 0)
		return cli_report(err);
	int rc = cli_write_output(out, text, len);

	if (rc == EXIT_OK && !quiet)
		summary(o, used, now_ms() - t0, out);
	return rc;
}

/* Record, then write the profile; returns the exit code. */
static int record(const struct scprof_record_target *t, enum scprof_backend backend,
		  const struct scprof_generate_opts *g, struct scprof_profile *base,
		  const char *merge, const char *out, enum scprof_format format,
		  int64_t duration_ms, bool quiet)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_recorder *r = NULL;
	int64_t t0 = now_ms(), deadline = duration_ms < 0 ? -1 : t0 + duration_ms;
	int status = -1, ret, rc = start(t, backend, quiet, &r);

	if (rc != EXIT_OK)
		return rc;
	child_pid = scprof_recorder_child(r);
	if (!quiet && !t->argv) {
		if (t->pid)
			fprintf(stderr, "scprof: recording process %d", (int)t->pid);
		else
			fprintf(stderr, "scprof: recording cgroup '%s'", t->cgroup);
		fprintf(stderr, " (%s); Ctrl-C to stop\n",
			backend_name(scprof_recorder_backend(r)));
	}
	for (;;) {
		int left = deadline < 0 ? -1 : (int)(deadline - now_ms());

		if (deadline >= 0 && left < 0)
			left = 0;
		ret = scprof_recorder_wait(r, left, &stop, &status, &err);
		if (ret < 0) {
			cli_report(err);
			scprof_recorder_free(r, NULL);
			return EXIT_SETUP;
		}
		if (ret == 1 || left == 0 || stop)
			break;
	}

	_cleanup_(obs_freep) struct scprof_obs *o = scprof_obs_new();
	struct release rel = { 0 };

	scprof_recorder_collect(r, o);
	enum scprof_backend used = scprof_recorder_backend(r);
	uint64_t lost = scprof_recorder_lost(r);

	release_start(&rel, r);
	rc = write_profile(t, o, used, lost, g, base, merge, out, format, t0, quiet);
	status = release_end(&rel);
	child_pid = 0;
	if (rc != EXIT_OK || !t->argv || status == -1)
		return rc;
	return WIFEXITED(status)   ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     EXIT_OK;
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'N' },
		{ "backend", required_argument, NULL, 'b' },
		{ "args", no_argument, NULL, 'A' },
		{ "default-action", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "merge", required_argument, NULL, 'M' },
		{ "for-runtime", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "oci", "spo", "spo-json" };
	static const char *const backends[] = { "auto", "ebpf", "ptrace", "log" };
	static const char *const actions[] = { "errno", "kill", "log" };
	static const char *const modes[] = { "enforce", "audit" };
	struct scprof_generate_opts g = { .default_action = SCPROF_ACT_ERRNO, .counts = true };
	struct scprof_record_target t = { 0 };
	enum scprof_format format = SCPROF_FORMAT_OCI_JSON;
	enum scprof_backend backend = SCPROF_BACKEND_AUTO;
	const char *out = NULL, *merge = NULL;
	int64_t duration_ms = -1;
	bool quiet = false;
	uint64_t v;
	int c, i;

	while ((c = getopt_long(argc, argv, "+o:f:p:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((i = parse_choice("format", optarg, formats, 3)) < 0)
				return EXIT_USAGE;
			format = i == 0 ? SCPROF_FORMAT_OCI_JSON :
				 i == 1 ? SCPROF_FORMAT_SPO_YAML :
					  SCPROF_FORMAT_SPO_JSON;
			break;
		case 'N':
			g.name = optarg;
			break;
		case 'b':
			if ((i = parse_choice("backend", optarg, backends, 4)) < 0)
				return EXIT_USAGE;
			backend = (enum scprof_backend)i;
			break;
		case 'A':
			g.args = t.args = true;
			break;
		case 'd':
			if ((i = parse_choice("default action", optarg, actions, 3)) < 0)
				return EXIT_USAGE;
			g.default_action = i == 0 ? SCPROF_ACT_ERRNO :
					   i == 1 ? SCPROF_ACT_KILL_PROCESS :
						    SCPROF_ACT_LOG;
			break;
		case 'm':
			if ((i = parse_choice("mode", optarg, modes, 2)) < 0)
				return EXIT_USAGE;
			g.mode = i ? SCPROF_RECORD_AUDIT : SCPROF_RECORD_ENFORCE;
			break;
		case 'M':
			merge = optarg;
			break;
		case 'r':
			if (!scprof_runtime_syscalls(optarg, NULL))
				return cli_usage_error(
					"record", "unknown runtime '%s' (known: runc)", optarg);
			g.for_runtime = optarg;
			break;
		case 'p':
			if (!parse_u64(optarg, &v) || v == 0 || v > INT32_MAX)
				return cli_usage_error("record", "invalid pid '%s'", optarg);
			t.pid = (pid_t)v;
			break;
		case 'c':
			t.cgroup = optarg;
			break;
		case 'D': {
			char *end;
			double d = strtod(optarg, &end);

			if (end == optarg || *end || !(d > 0) || d > 86400 * 365)
				return cli_usage_error("record", "invalid duration '%s'", optarg);
			duration_ms = (int64_t)(d * 1000);
			break;
		}
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_help(help);
		default:
			return cli_usage_error("record", "unknown option");
		}
	}
	if (optind < argc)
		t.argv = argv + optind;
	if (!!t.argv + !!t.pid + !!t.cgroup != 1)
		return cli_usage_error(
			"record",
			t.argv || t.pid || t.cgroup ?
				"give only one of CMD, --pid and --cgroup" :
				"nothing to record: give CMD after '--', --pid or --cgroup");
	g.kind = format == SCPROF_FORMAT_OCI_JSON ? SCPROF_KIND_OCI : SCPROF_KIND_SPO;

	/* everything that can be refused is refused before the workload runs */
	_cleanup_(profile_freep) struct scprof_profile *base = NULL;

	if (merge && cli_load_profile_unresolved(merge, &base) != EXIT_OK)
		return EXIT_USAGE;
	if (check_output(out) < 0)
		return EXIT_USAGE;

	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO }, old[3];
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < ARRAY_SIZE(sigs); k++)
		sigaction(sigs[k], &sa, &old[k]);
	int rc = record(&t, backend, &g, base, merge, out, format, duration_ms, quiet);

	for (size_t k = 0; k < ARRAY_SIZE(sigs); k++)
		sigaction(sigs[k], &old[k], NULL);
	child_pid = 0;
	return rc;
}
