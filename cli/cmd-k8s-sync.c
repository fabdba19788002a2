// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * scprof k8s sync: keep a node's seccomp directory in step with profiles
 * published as OCI artifacts.  Each round takes the directory's lock, reads
 * the state file (k8s/sync.c), and for each --from resolves the reference,
 * pulls the digest when it changed, and replaces the file atomically; then it
 * removes what it installed from references no longer listed.  A file is
 * replaced or removed only while it holds the bytes sync wrote, so files it did
 * not write, or that were changed since, are never touched.
 */
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "cli/cli.h"
#include "k8s/sync.h"
#include "oci/manifest.h"
#include "oci/ref.h"
#include "scprof/oci.h"
#include "scprof/pod.h"
#include "scprof/profile.h"

static const char help[] =
	"usage: scprof k8s sync --from [NAME=]REF... [OPTIONS]\n"
	"\n"
	"Keep the kubelet's seccomp directory in step with profiles published as OCI\n"
	"artifacts (see 'scprof push').  Every round resolves each REF (a registry\n"
	"repository HOST[:PORT]/NAME[:TAG|@sha256:DIGEST] or an image layout\n"
	"oci:DIR[:TAG]) to a digest; when it changed, pulls that digest, checks it\n"
	"(digests, signatures as 'scprof pull' does), resolves base profiles and\n"
	"writes the profile as OCI JSON to NAME.json, atomically with mode 0644.\n"
	"NAME defaults to the last component of the repository name, or the layout\n"
	"directory's name.  Profiles sync installed from references no longer listed\n"
	"are removed, but only in a round in which every pull succeeded.  A file sync\n"
	"did not install, or one changed since, is never replaced nor removed: it is\n"
	"reported and left alone.  What sync installed is recorded in\n"
	"DIR/" SYNC_STATE_FILE "; rounds of several syncs take turns (flock on\n"
	"DIR/" SYNC_LOCK_FILE ").  Changes are printed to stdout, one line each\n"
	"(installed, updated, removed); failures to stderr.\n"
	"\n"
	"Options:\n"
	"      --from [NAME=]REF  a profile to keep (repeatable; NAME: letters, digits,\n"
	"                         '.', '_', '-', not starting with '.'; '.json' is added)\n"
	"      --root DIR         the kubelet's seccomp directory (default:\n"
	"                         " SCPROF_KUBELET_SECCOMP_ROOT ")\n"
	"      --subdir NAME      keep the profiles in DIR/NAME (relative, no '..')\n"
	"      --once             one round, then exit\n"
	"      --interval SECONDS between rounds (default: 60; 1 to 86400)\n"
	"  -p, --platform OS/ARCH the platform to pick (default: this machine's)\n"
	"      --verify-key PUB   refuse an artifact unless a cosign signature of its\n"
	"                         digest verifies with the PEM public key PUB (default\n"
	"                         for registries: with one of the *.pub keys in\n"
	"                         ~/.config/scprof/keys and /etc/scprof/keys, if any)\n"
	"      --insecure-skip-verify  do not check signatures, even with default keys\n"
	"  -h, --help             show this help\n"
	"\n"
	"Registry and base profile options:\n" CLI_OCI_HELP CLI_RESOLVE_LOCAL_HELP
	"  oci://REF bases are pulled with the registry options above and checked with\n"
	"      the default keys (--verify-key and --insecure-skip-verify are for the\n"
	"      references); --no-cache pulls them anew\n"
	"\n"
	"Without --once, sync runs a round every --interval seconds until SIGTERM or\n"
	"SIGINT, which stop it after the pull under way (a second one kills it), and\n"
	"exits 0.  A round that fails (a registry down, a bad artifact) changes\n"
	"nothing of that reference, and the next round tries again.\n"
	"\n"
	"Exit status with --once: 0 every reference synced, 1 some were not (a pull\n"
	"failed, or a file is not sync's to change), 2 usage error, or the round could\n"
	"not run (the directory, its lock or the state file).\n";

/* One --from: the file it is kept in and where it comes from. */
struct source {
	char *file; /* "NAME.json" */
	const char *ref; /* borrowed from argv */
	bool layout;
};

/* What every round shares. */
struct sync {
	struct source *src;
	size_t n_src;
	const char *root, *subdir, *platform;
	struct scprof_oci_opts reg_opts, layout_opts;
};

/* What one round did. */
struct round {
	char *dir;
	struct sync_state state;
	bool dirty; /* the state must be written */
	size_t failed; /* pulls, writes or removals that failed */
	size_t conflicts; /* files that are not sync's to change */
	bool interrupted;
};

/* One profile to write once every pull of the round is done. */
struct write {
	const struct source *src;
	char *data;
	size_t len;
	char digest[OCI_DIGEST_LEN + 1], content[OCI_DIGEST_LEN + 1];
	bool existed;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * The first SIGTERM or SIGINT asks for a stop between two steps; without
 * SA_RESTART it also ends a wait for the lock.  SA_RESETHAND: a second one
 * kills, as the kubelet's SIGKILL would after the grace period.
 */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Sleep @seconds, or less when a signal asks to stop. */
static void pause_between_rounds(unsigned seconds)
{
	sigset_t block, old, wait_mask;
	int64_t end = now_ms() + (int64_t)seconds * 1000;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	/* blocked between the test of stop_signal and ppoll(), which unblocks atomically */
	sigprocmask(SIG_BLOCK, &block, &old);
	wait_mask = old;
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	while (!stop_signal) {
		int64_t left = end - now_ms();
		if (left <= 0)
			break;
		struct timespec ts = { .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
		ppoll(NULL, 0, &ts, &wait_mask);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * The file name for --from @arg, and the reference in it (*ref, borrowed).
 * NAME=REF when what precedes the first '=' holds no '/' nor ':' (a reference
 * always has one before any '='); else the last component of the repository
 * name, or the layout directory's name.  NULL when there is none (printed).
 */
static char *source_file(const char *arg, const char **ref, bool *layout)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *name = NULL;
	_cleanup_error_ struct scprof_error *err = NULL;
	struct oci_ref r;
	size_t n;

	*ref = arg;
	if (eq && !memchr(arg, '/', (size_t)(eq - arg)) && !memchr(arg, ':', (size_t)(eq - arg))) {
		name = xstrndup(arg, (size_t)(eq - arg));
		*ref = eq + 1;
	}
	if (oci_ref_parse(*ref, &r, &err) < 0) {
		cli_usage_error("k8s sync", "%s", err->msg);
		return NULL;
	}
	*layout = r.kind == OCI_REF_LAYOUT;
	if (!name && r.kind == OCI_REF_REGISTRY) {
		const char *slash = strrchr(r.repo, '/');
		name = xstrdup(slash ? slash + 1 : r.repo);
	} else if (!name) {
		n = strlen(r.dir);
		while (n > 1 && r.dir[n - 1] == '/')
			n--;
		const char *base = memrchr(r.dir, '/', n);
		base = base ? base + 1 : r.dir;
		name = xstrndup(base, n - (size_t)(base - r.dir));
	}
	oci_ref_release(&r);
	n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, ".json"))
		name[n -= 5] = '\0';
	if (!sync_plain_name(name, n)) {
		cli_usage_error(
			"k8s sync",
			"cannot keep '%s' as '%s.json': a profile's file name must be a plain name "
			"(letters, digits, '.', '_', '-', not starting with '.'); give one as NAME=REF",
			*ref, name);
		return NULL;
	}
	return xasprintf("%s.json", name);
}

/* The localhostProfile value of @file, as printed. */
static char *shown(const struct sync *s, const char *file)
{
	return s->subdir ? xasprintf("%s/%s", s->subdir, file) : xstrdup(file);
}

static void report_failed(const struct sync *s, struct round *rd, const char *file, const char *ref,
			  const char *why)
{
	_cleanup_free_ char *name = shown(s, file);

	cli_error("k8s sync: failed %s from %s: %s", name, ref, why);
	rd->failed++;
}

static void report_conflict(const struct sync *s, struct round *rd, const char *file,
			    const char *why)
{
	_cleanup_free_ char *name = shown(s, file);

	cli_warning("k8s sync: left %s alone: %s", name, why);
	rd->conflicts++;
}

static bool same_platform(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static const struct source *listed(const struct sync *s, const char *file)
{
	for (size_t i = 0; i < s->n_src; i++)
		if (!strcmp(s->src[i].file, file))
			return &s->src[i];
	return NULL;
}

static void set_string(char **field, const char *value)
{
	if (*field && value && !strcmp(*field, value))
		return;
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

/*
 * Writes an earlier round began and did not finish (killed between recording
 * and renaming): the file holds the new bytes or the old ones; either is sync's.
 */
static void settle_pending(struct round *rd)
{
	for (size_t i = 0; i < rd->state.n;) {
		struct sync_entry *e = &rd->state.items[i];
		_cleanup_free_ char *path = xasprintf("%s/%s", rd->dir, e->file);
		char cur[OCI_DIGEST_LEN + 1];

		if (!e->pending_content[0]) {
			i++;
			continue;
		}
		if (sync_file_digest(path, cur, NULL) == 0 && !strcmp(cur, e->pending_content)) {
			strcpy(e->content, e->pending_content);
			strcpy(e->digest, e->pending_digest);
		}
		e->pending_content[0] = e->pending_digest[0] = '\0';
		rd->dirty = true;
		if (!e->content[0])
			sync_state_remove(&rd->state, e);
		else
			i++;
	}
}

/* The profile of @digest, bases resolved, as OCI JSON; 0 or -1 (reported). */
static int fetch(const struct sync *s, struct round *rd, const struct source *src,
		 const char *digest, struct write *w)
{
	const struct scprof_oci_opts *o = src->layout ? &s->layout_opts : &s->reg_opts;
	_cleanup_error_ struct scprof_error *err = NULL;
	struct scprof_oci_pulled pulled;
	struct scprof_profile *p = NULL;
	int r;

	r = scprof_oci_pull_digest(src->ref, digest, s->platform, o, &pulled, &err);
	if (r < 0) {
		report_failed(s, rd, src->file, src->ref, err->msg);
		return -1;
	}
	/* pull checked that it parses; this is the copy to resolve and write */
	r = scprof_profile_parse(pulled.data, pulled.len, src->ref, &p, NULL, &err);
	scprof_oci_pulled_release(&pulled);
	/* a position in the pulled layer would tell little: the message alone */
	if (r == 0)
		r = cli_flatten(p, NULL, &err);
	if (r == 0)
		r = scprof_profile_write(p, SCPROF_FORMAT_OCI_JSON, 0, &w->data, &w->len, &err);
	if (r == 0)
		r = oci_digest(w->data, w->len, w->content, &err);
	scprof_profile_free(p);
	if (r < 0) {
		report_failed(s, rd, src->file, src->ref, err->msg);
		free(steal_ptr(&w->data));
		return -1;
	}
	strcpy(w->digest, digest);
	return 0;
}

/* Decide what @src needs; a profile to write goes to *w (w->data set). */
static void check_source(const struct sync *s, struct round *rd, const struct source *src,
			 struct write *w)
{
	const struct scprof_oci_opts *o = src->layout ? &s->layout_opts : &s->reg_opts;
	_cleanup_free_ char *path = xasprintf("%s/%s", rd->dir, src->file);
	_cleanup_error_ struct scprof_error *err = NULL;
	char cur[OCI_DIGEST_LEN + 1], digest[OCI_DIGEST_LEN + 1];
	struct sync_entry *e = sync_state_find(&rd->state, src->file);
	int have = sync_file_digest(path, cur, &err);

	if (have == -EPERM) {
		report_conflict(s, rd, src->file,
				e ? "it was replaced since scprof k8s sync installed it" :
				    "it exists and scprof k8s sync did not install it");
		return;
	}
	if (have < 0 && have != -ENOENT) {
		report_failed(s, rd, src->file, src->ref, err->msg);
		return;
	}
	if (have == 0 && !e) {
		report_conflict(s, rd, src->file,
				"it exists and scprof k8s sync did not install it (remove it, or "
				"give the profile another NAME=)");
		return;
	}
	if (have == 0 && strcmp(cur, e->content)) {
		report_conflict(s, rd, src->file,
				"it was changed since scprof k8s sync installed it (remove it to "
				"have it installed again)");
		return;
	}

	if (scprof_oci_resolve(src->ref, o, digest, &err) < 0) {
		report_failed(s, rd, src->file, src->ref, err->msg);
		return;
	}
	if (have == 0 && !strcmp(e->digest, digest) && same_platform(e->platform, s->platform)) {
		if (strcmp(e->ref, src->ref)) {
			set_string(&e->ref, src->ref);
			rd->dirty = true;
		}
		return;
	}
	if (fetch(s, rd, src, digest, w) < 0)
		return;
	if (have == 0 && !strcmp(w->content, e->content)) {
		/* the same bytes under another digest: nothing to write */
		set_string(&e->ref, src->ref);
		set_string(&e->platform, s->platform);
		strcpy(e->digest, digest);
		rd->dirty = true;
		free(steal_ptr(&w->data));
		return;
	}
	w->src = src;
	w->existed = have == 0;
}

/*
 * Write the profiles of @w: recorded as pending first, so that a crash in
 * between leaves files sync still knows as its own.  -1 when the state could
 * not be written (reported; nothing was).
 */
static int write_profiles(const struct sync *s, struct round *rd, struct write *w, size_t n)
{
	_cleanup_free_ char *state = xasprintf("%s/%s", rd->dir, SYNC_STATE_FILE);
	_cleanup_error_ struct scprof_error *err = NULL;

	for (size_t i = 0; i < n; i++) {
		struct sync_entry *e = sync_state_find(&rd->state, w[i].src->file);
		if (!e)
			e = sync_state_add(&rd->state, w[i].src->file, w[i].src->ref);
		strcpy(e->pending_digest, w[i].digest);
		strcpy(e->pending_content, w[i].content);
		if (!e->digest[0])
			strcpy(e->digest, w[i].digest);
	}
	if (sync_state_save(state, &rd->state, &err) < 0) {
		cli_error("k8s sync: %s", err->msg);
		return -1;
	}
	rd->dirty = true;
	for (size_t i = 0; i < n; i++) {
		const struct source *src = w[i].src;
		_cleanup_free_ char *path = xasprintf("%s/%s", rd->dir, src->file);
		_cleanup_free_ char *name = shown(s, src->file);
		_cleanup_error_ struct scprof_error *werr = NULL;
		struct sync_entry *e = sync_state_find(&rd->state, src->file);

		e->pending_content[0] = e->pending_digest[0] = '\0';
		if (write_file_atomic(path, w[i].data, w[i].len, 0644, &werr) < 0) {
			report_failed(s, rd, src->file, src->ref, werr->msg);
			if (!e->content[0])
				sync_state_remove(&rd->state, e);
			continue;
		}
		strcpy(e->content, w[i].content);
		strcpy(e->digest, w[i].digest);
		set_string(&e->ref, src->ref);
		set_string(&e->platform, s->platform);
		printf("%s %s from %s (%s)\n", w[i].existed ? "updated" : "installed", name,
		       src->ref, w[i].digest);
		fflush(stdout);
	}
	return 0;
}

/* Remove what sync installed from references no longer listed. */
static void remove_unlisted(const struct sync *s, struct round *rd)
{
	for (size_t i = 0; i < rd->state.n;) {
		struct sync_entry *e = &rd->state.items[i];
		_cleanup_free_ char *path = xasprintf("%s/%s", rd->dir, e->file);
		_cleanup_free_ char *name = shown(s, e->file);
		_cleanup_error_ struct scprof_error *err = NULL;
		char cur[OCI_DIGEST_LEN + 1];
		int have;

		if (listed(s, e->file)) {
			i++;
			continue;
		}
		have = sync_file_digest(path, cur, &err);
		if (have == 0 && !strcmp(cur, e->content)) {
			if (unlink(path) < 0 && errno != ENOENT) {
				_cleanup_free_ char *why =
					xasprintf("cannot remove '%s': %s", path, strerror(errno));
				report_failed(s, rd, e->file, e->ref, why);
				i++;
				continue;
			}
			printf("removed %s (%s is no longer listed)\n", name, e->ref);
			fflush(stdout);
		} else if (have == 0 || have == -EPERM) {
			cli_warning(
				"k8s sync: left %s alone: it was changed since scprof k8s sync "
				"installed it from %s, which is no longer listed; sync forgets it",
				name, e->ref);
		} else if (have != -ENOENT) {
			report_failed(s, rd, e->file, e->ref, err->msg);
			i++;
			continue;
		}
		sync_state_remove(&rd->state, e);
		rd->dirty = true;
	}
}

/* Tell which unlisted profiles stay until a round without failures. */
static void report_kept(const struct sync *s, const struct round *rd)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < rd->state.n; i++) {
		if (listed(s, rd->state.items[i].file))
			continue;
		_cleanup_free_ char *name = shown(s, rd->state.items[i].file);
		strbuf_addf(&sb, "%s%s", n++ ? ", " : "", name);
	}
	if (n)
		cli_warning("k8s sync: not removing %s (no longer listed) in a round that %s",
			    sb.buf,
			    rd->interrupted ? "was interrupted" : "failed; the next one will");
	strbuf_release(&sb);
}

/* One round; -1 when it could not run at all (reported), else 0 with @rd's counts. */
static int run_round(const struct sync *s, struct round *rd)
{
	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *state = NULL;
	struct write *w;
	size_t n_w = 0;
	int r;

	memset(rd, 0, sizeof(*rd));
	rd->dir = cli_k8s_seccomp_dir(s->root, s->subdir);
	if (!rd->dir)
		return -1;
	r = sync_lock(rd->dir, &lock, &err);
	if (r == -EINTR) {
		rd->interrupted = true;
		return 0;
	}
	if (r < 0) {
		cli_error("k8s sync: %s", err->msg);
		return -1;
	}
	state = xasprintf("%s/%s", rd->dir, SYNC_STATE_FILE);
	if (sync_state_load(state, &rd->state, &err) < 0) {
		cli_error("k8s sync: %s; nothing was changed (move it away to start over: the "
			  "files it lists are then left alone)",
			  err->msg);
		return -1;
	}
	settle_pending(rd);

	w = xcalloc(s->n_src, sizeof(*w));
	for (size_t i = 0; i < s->n_src; i++) {
		if (stop_signal) {
			rd->interrupted = true;
			break;
		}
		check_source(s, rd, &s->src[i], &w[n_w]);
		if (w[n_w].data)
			n_w++;
	}
	/* local and quick: once the pulls are done, the writes are not interrupted */
	r = n_w ? write_profiles(s, rd, w, n_w) : 0;
	for (size_t i = 0; i < n_w; i++)
		free(w[i].data);
	free(w);
	if (r < 0)
		return -1;

	if (!rd->failed && !rd->interrupted)
		remove_unlisted(s, rd);
	else
		report_kept(s, rd);
	if (rd->dirty && sync_state_save(state, &rd->state, &err) < 0) {
		cli_error("k8s sync: %s", err->msg);
		return -1;
	}
	return 0;
}

static void round_release(struct round *rd)
{
	free(rd->dir);
	sync_state_release(&rd->state);
}

int cmd_k8s_sync(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 0x240 },
		{ "root", required_argument, NULL, 0x241 },
		{ "subdir", required_argument, NULL, 0x242 },
		{ "interval", required_argument, NULL, 0x243 },
		{ "once", no_argument, NULL, 0x244 },
		{ "platform", required_argument, NULL, 'p' },
		{ "verify-key", required_argument, NULL, 0x245 },
		{ "insecure-skip-verify", no_argument, NULL, 0x246 },
		CLI_OCI_OPTIONS,
		CLI_RESOLVE_LOCAL_OPTIONS,
		/* the bases' own: --verify-key and --insecure-skip-verify are sync's */
		{ "no-cache", no_argument, NULL, 0x1a7 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync s = { .root = SCPROF_KUBELET_SECCOMP_ROOT };
	struct scprof_oci_opts o;
	const char **from = NULL, *key_path = NULL;
	size_t n_from = 0, alloc = 0, n_keys = 0;
	char *password = NULL, **keys = NULL;
	bool once = false, skip_verify = false;
	uint64_t interval = 60;
	int opt, r, rc = EXIT_USAGE;

	scprof_oci_opts_init(&o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		r = cli_oci_option("k8s sync", &o, opt, optarg);
		if (r == 0)
			r = cli_resolve_option("k8s sync", opt, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		switch (opt) {
		case 0x240:
			GROW(from, alloc, n_from + 1);
			from[n_from++] = optarg;
			break;
		case 0x241:
			s.root = optarg;
			break;
		case 0x242:
			s.subdir = optarg;
			break;
		case 0x243:
			if (!parse_u64(optarg, &interval) || interval < 1 || interval > 86400) {
				cli_usage_error(
					"k8s sync",
					"--interval must be from 1 to 86400 seconds, not '%s'",
					optarg);
				goto out;
			}
			break;
		case 0x244:
			once = true;
			break;
		case 'p':
			s.platform = optarg;
			break;
		case 0x245:
			key_path = optarg;
			break;
		case 0x246:
			skip_verify = true;
			break;
		case 'h':
			rc = cli_help(help);
			goto out;
		default:
			cli_usage_error("k8s sync", "unknown option");
			goto out;
		}
	}
	if (optind < argc) {
		cli_usage_error("k8s sync",
				"unexpected argument '%s' (give references with --from)",
				argv[optind]);
		goto out;
	}
	if (!n_from) {
		cli_usage_error("k8s sync", "no --from given");
		goto out;
	}
	if (key_path && skip_verify) {
		cli_usage_error("k8s sync",
				"--verify-key and --insecure-skip-verify exclude each other");
		goto out;
	}
	if (s.subdir && !cli_k8s_plain_subdir(s.subdir)) {
		cli_usage_error(
			"k8s sync",
			"--subdir '%s' must be a relative path of plain names (letters, digits, '.', '_', '-'; no '..')",
			s.subdir);
		goto out;
	}
	if (s.platform) {
		/* a bad platform is a usage error, not a failure of every pull */
		_cleanup_error_ struct scprof_error *err = NULL;
		struct oci_platform plat;
		if (oci_platform_parse(s.platform, &plat, &err) < 0) {
			cli_usage_error("k8s sync", "%s", err->msg);
			goto out;
		}
		oci_platform_release(&plat);
	}
	s.src = xcalloc(n_from, sizeof(*s.src));
	for (size_t i = 0; i < n_from; i++, s.n_src++) {
		s.src[i].file = source_file(from[i], &s.src[i].ref, &s.src[i].layout);
		if (!s.src[i].file)
			goto out;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(s.src[j].file, s.src[i].file)) {
				cli_usage_error(
					"k8s sync",
					"'%s' and '%s' would both be kept as '%s'; give one "
					"another name as NAME=REF",
					s.src[j].ref, s.src[i].ref, s.src[i].file);
				s.n_src++;
				goto out;
			}
		}
	}

	if (cli_oci_verify_keys(key_path, !skip_verify, &keys, &n_keys) != EXIT_OK)
		goto out;
	if (cli_oci_credentials(&o, &password) != EXIT_OK)
		goto out;
	/* a changed digest is pulled once: a cache would only fill a node's disk */
	o.no_cache = true;
	s.reg_opts = o;
	s.reg_opts.verify_keys = (const char *const *)keys;
	s.reg_opts.n_verify_keys = n_keys;
	/* layouts are local files, trusted as profile files are, unless a key is given */
	s.layout_opts = o;
	if (key_path)
		s.layout_opts = s.reg_opts;
	/* oci:// bases go the same way (TLS roots, plain HTTP), with the credential files */
	cli_base_oci_use(&o, "oci:");

	catch_signals();
	if (!once)
		fprintf(stderr,
			"scprof: k8s sync: keeping %zu profile%s in %s%s%s, every %" PRIu64 " s\n",
			s.n_src, s.n_src == 1 ? "" : "s", s.root, s.subdir ? "/" : "",
			s.subdir ? s.subdir : "", interval);
	for (;;) {
		struct round rd;
		r = run_round(&s, &rd);
		round_release(&rd);
		if (once) {
			if (r < 0)
				rc = EXIT_USAGE;
			else if (rd.failed || rd.conflicts || rd.interrupted)
				rc = EXIT_FINDINGS;
			else
				rc = EXIT_OK;
			break;
		}
		if (!stop_signal)
			pause_between_rounds((unsigned)interval);
		if (stop_signal) {
			fprintf(stderr, "scprof: k8s sync: stopped by %s\n",
				stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
			rc = EXIT_OK;
			break;
		}
	}
out:
	cli_oci_forget(password);
	scprof_oci_keys_free(keys, n_keys);
	for (size_t i = 0; i < s.n_src; i++)
		free(s.src[i].file);
	free(s.src);
	free(from);
	return rc;
}
