// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The effective security context of one container of a Pod manifest, worked out
 * the way the kubelet (pkg/kubelet/kuberuntime/security_context.go) and
 * containerd's CRI plugin do it:
 *
 *   - runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, windowsOptions,
 *     seccompProfile and appArmorProfile of the container override the pod's;
 *   - the process's groups are the primary gid, the user's groups in the image's
 *     /etc/group (not with supplementalGroupsPolicy: Strict), fsGroup, then
 *     supplementalGroups; runAsUser without runAsGroup takes the user's group
 *     from the image's /etc/passwd, or 0 (containerd WithUserID);
 *   - capabilities: Docker's 14 defaults; add ALL = every capability, drop ALL =
 *     none, then the other adds, then the other drops (containerd
 *     WithCapabilities); privileged: every capability, add and drop ignored;
 *   - no_new_privs only for allowPrivilegeEscalation: false (securitycontext
 *     AddNoNewPrivileges); the API server refuses it with privileged: true or
 *     with CAP_SYS_ADMIN added;
 *   - seccomp: container field, container annotation, pod field, pod annotation,
 *     then the kubelet's default (Unconfined, RuntimeDefault with
 *     --seccomp-default); privileged containers get no filter at all (containerd
 *     generateSeccompSpecOpts);
 *   - sysctls are namespaced by net.*, kernel.shm*, kernel.msg*, kernel.sem and
 *     fs.mqueue.* (pkg/kubelet/sysctl); names with '/' separators are turned
 *     into dotted ones (ConvertSysctlVariableToDotsSeparator).
 *
 * Without an image, the host is the image: its /etc/passwd and /etc/group, and
 * the user scprof runs as stands for the image's USER.
 */
#include <ctype.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "format/node.h"
#include "scprof/pod.h"
#include "scprof/syscalls.h"
#include "util/util.h"

#define MAX_ID 2147483647 /* Kubernetes IsValidUserID/IsValidGroupID: 0..MaxInt32 */
#define MAX_GROUPS 64 /* struct scprof_sandbox's groups[] */

static const char *const docker_caps[] = {
	"CHOWN",   "DAC_OVERRIDE", "FSETID",	       "FOWNER",
	"MKNOD",   "NET_RAW",	   "SETGID",	       "SETUID",
	"SETFCAP", "SETPCAP",	   "NET_BIND_SERVICE", "SYS_CHROOT",
	"KILL",	   "AUDIT_WRITE",
};

uint64_t scprof_pod_default_caps(void)
{
	uint64_t caps = 0;
	for (size_t i = 0; i < ARRAY_SIZE(docker_caps); i++)
		caps |= 1ULL << scprof_cap_by_name(docker_caps[i]);
	return caps;
}

struct reader {
	const char *file;
	const struct scprof_pod_opts *o;
	struct scprof_pod_context *c;
	struct scprof_error **err;
	const struct node *annotations;
	const struct node *seccomp_at; /* the localhostProfile or annotation, for positions */
	char *spec_path; /* "spec", or the template's spec in a workload */
};

static int __attribute__((format(printf, 3, 4)))
fail(struct reader *r, const struct node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	return error_set_at(r->err, -EINVAL, r->file, at ? at->line : 0, at ? at->col : 0, "%s",
			    msg);
}

static void __attribute__((format(printf, 5, 6)))
unsupported(struct reader *r, const char *field, unsigned line, unsigned col, const char *fmt, ...)
{
	struct scprof_pod_context *c = r->c;
	va_list ap;
	va_start(ap, fmt);
	c->unsupported = xrealloc(c->unsupported, (c->n_unsupported + 1) * sizeof(*c->unsupported));
	c->unsupported[c->n_unsupported++] = (struct scprof_pod_unsupported){
		.field = xstrdup(field), .why = xvasprintf(fmt, ap), .line = line, .col = col
	};
	va_end(ap);
}

/* The key of @obj's last @key, for positions of fields whose value is a collection. */
static const struct node_key *key_of(const struct node *obj, const char *key)
{
	if (!obj || obj->kind != NODE_OBJECT)
		return NULL;
	for (size_t i = obj->len; i-- > 0;)
		if (!strcmp(obj->keys[i].name, key))
			return &obj->keys[i];
	return NULL;
}

static const char *article(enum node_kind kind)
{
	return kind == NODE_ARRAY || kind == NODE_OBJECT ? "an" : "a";
}

/* @obj's @key, NULL when absent or null; an error when present and not of @kind. */
static int get(struct reader *r, const struct node *obj, const char *path, const char *key,
	       enum node_kind kind, const struct node **out)
{
	const struct node *n = node_get(obj, key);
	*out = NULL;
	if (!n || n->kind == NODE_NULL)
		return 0;
	if (n->kind != kind)
		return fail(r, n, "%s.%s must be %s %s, not %s %s", path, key, article(kind),
			    node_kind_name(kind), article(n->kind), node_kind_name(n->kind));
	*out = n;
	return 0;
}

static int get_id(struct reader *r, const struct node *n, const char *path, const char *what,
		  int64_t *out)
{
	if (n->kind == NODE_STRING)
		return fail(r, n,
			    "%s must be a numeric %s id, not '%s' (Kubernetes takes no names)",
			    path, what, n->text);
	if (!node_get_i64(n, out) || *out < 0 || *out > MAX_ID)
		return fail(r, n, "%s must be a %s id from 0 to %d, not %s", path, what, MAX_ID,
			    n->kind == NODE_NUMBER ? n->text : node_kind_name(n->kind));
	return 0;
}

static int get_bool(struct reader *r, const struct node *n, const char *path, bool *out)
{
	if (n->kind != NODE_BOOL)
		return fail(r, n, "%s must be true or false", path);
	*out = n->boolean;
	return 0;
}

/* Kubernetes' ValidateLocalDescendingPath: relative, and no ".." component. */
static bool local_descending(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && !strncmp(s, "..", 2))
			return false;
		s += n;
		s += *s == '/';
	}
	return true;
}

bool scprof_pod_localhost_valid(const char *rel)
{
	return local_descending(rel);
}

int scprof_pod_resolve_localhost(const char *root, const char *rel, char **out,
				 struct scprof_error **err)
{
	*out = NULL;
	if (!local_descending(rel))
		return error_set(err, -EINVAL,
				 "localhost profile '%s' must be a relative path without '..'",
				 rel);
	_cleanup_free_ char *real_root = realpath(root, NULL);
	if (!real_root)
		return error_set(err, -errno, "cannot open the seccomp root '%s': %s", root,
				 strerror(errno));
	_cleanup_free_ char *joined = xasprintf("%s/%s", real_root, rel);
	_cleanup_free_ char *real = realpath(joined, NULL);
	if (!real)
		return error_set(err, -errno, "cannot open localhost profile '%s': %s", joined,
				 strerror(errno));
	size_t n = strlen(real_root);
	bool inside = !strncmp(real, real_root, n) && (real[n] == '/' || n == 1);
	if (!inside)
		return error_set(
			err, -EINVAL,
			"localhost profile '%s' leads outside the seccomp root '%s' (to '%s')", rel,
			root, real);
	*out = steal_ptr(&real);
	return 0;
}

enum scprof_pod_sysctl_ns scprof_pod_sysctl_namespace(const char *name)
{
	static const char *const ipc_prefixes[] = { "kernel.shm", "kernel.msg", "fs.mqueue." };
	if (!strncmp(name, "net.", 4))
		return SCPROF_POD_SYSCTL_NET;
	if (!strcmp(name, "kernel.sem"))
		return SCPROF_POD_SYSCTL_IPC;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_prefixes); i++)
		if (!strncmp(name, ipc_prefixes[i], strlen(ipc_prefixes[i])))
			return SCPROF_POD_SYSCTL_IPC;
	return SCPROF_POD_SYSCTL_NONE;
}

/* Where the profile comes from: a seccompProfile field... */
static int seccomp_field(struct reader *r, const struct node *sp, const char *path)
{
	struct scprof_pod_context *c = r->c;
	const struct node *type, *lp;
	int e = get(r, sp, path, "type", NODE_STRING, &type);
	if (!e)
		e = get(r, sp, path, "localhostProfile", NODE_STRING, &lp);
	if (e)
		return e;
	if (!type)
		return fail(r, sp, "%s.type is required", path);
	c->seccomp_from = xasprintf("%s.type", path);
	if (!strcmp(type->text, "Localhost")) {
		if (!lp)
			return fail(r, type, "%s.localhostProfile must be set with type Localhost",
				    path);
		if (!local_descending(lp->text))
			return fail(r, lp,
				    "localhost profile '%s' must be a relative path without '..'",
				    lp->text);
		c->seccomp = SCPROF_POD_SECCOMP_LOCALHOST;
		c->seccomp_path = xstrdup(lp->text);
		r->seccomp_at = lp;
		return 0;
	}
	if (lp)
		return fail(r, lp, "%s.localhostProfile is only for type Localhost", path);
	if (!strcmp(type->text, "RuntimeDefault"))
		c->seccomp = SCPROF_POD_SECCOMP_RUNTIME_DEFAULT;
	else if (!strcmp(type->text, "Unconfined"))
		c->seccomp = SCPROF_POD_SECCOMP_UNCONFINED;
	else
		return fail(r, type,
			    "%s.type must be RuntimeDefault, Localhost or Unconfined, not '%s'",
			    path, type->text);
	return 0;
}

const char *scprof_pod_seccomp_annotation_type(const char *value, const char **path)
{
	*path = NULL;
	if (!strcmp(value, "runtime/default") || !strcmp(value, "docker/default"))
		return "RuntimeDefault";
	if (!strcmp(value, "unconfined"))
		return "Unconfined";
	if (strncmp(value, "localhost/", 10))
		return NULL;
	*path = value + 10;
	return "Localhost";
}

/* ... or one of the annotations from before Kubernetes 1.19. */
static int seccomp_annotation(struct reader *r, const struct node *v, const char *key)
{
	struct scprof_pod_context *c = r->c;
	if (v->kind != NODE_STRING)
		return fail(r, v, "annotation '%s' must be a string", key);
	c->seccomp_from = xasprintf("annotation '%s'", key);
	const char *path = NULL, *type = scprof_pod_seccomp_annotation_type(v->text, &path);
	if (type && !strcmp(type, "RuntimeDefault")) {
		c->seccomp = SCPROF_POD_SECCOMP_RUNTIME_DEFAULT;
	} else if (type && !strcmp(type, "Unconfined")) {
		c->seccomp = SCPROF_POD_SECCOMP_UNCONFINED;
	} else if (type) {
		if (!local_descending(path))
			return fail(r, v,
				    "localhost profile '%s' must be a relative path without '..'",
				    path);
		c->seccomp = SCPROF_POD_SECCOMP_LOCALHOST;
		c->seccomp_path = xstrdup(path);
		r->seccomp_at = v;
	} else {
		return fail(
			r, v,
			"annotation '%s' must be runtime/default, docker/default, unconfined or localhost/PATH, not '%s'",
			key, v->text);
	}
	return 0;
}

static const struct node *annotation(struct reader *r, const char *key)
{
	return node_get(r->annotations, key);
}

static int seccomp(struct reader *r, const struct node *psc, const struct node *csc,
		   const char *ppath, const char *cpath)
{
	struct scprof_pod_context *c = r->c;
	_cleanup_free_ char *ckey =
		xasprintf(SCPROF_SECCOMP_CONTAINER_ANNOTATION "%s", c->container);
	const char *pkey = SCPROF_SECCOMP_POD_ANNOTATION;
	_cleanup_free_ char *cp = xasprintf("%s.seccompProfile", cpath);
	_cleanup_free_ char *pp = xasprintf("%s.seccompProfile", ppath);
	const struct node *n;
	int e;

	if ((e = get(r, csc, cpath, "seccompProfile", NODE_OBJECT, &n)) < 0)
		return e;
	if (n)
		return seccomp_field(r, n, cp);
	if ((n = annotation(r, ckey)))
		return seccomp_annotation(r, n, ckey);
	if ((e = get(r, psc, ppath, "seccompProfile", NODE_OBJECT, &n)) < 0)
		return e;
	if (n)
		return seccomp_field(r, n, pp);
	if ((n = annotation(r, pkey)))
		return seccomp_annotation(r, n, pkey);
	c->seccomp = r->o->seccomp_default ? SCPROF_POD_SECCOMP_RUNTIME_DEFAULT :
					     SCPROF_POD_SECCOMP_UNCONFINED;
	c->seccomp_from = xstrdup(r->o->seccomp_default ?
					  "the kubelet's default with --seccomp-default" :
					  "the kubelet's default");
	return 0;
}

static int capabilities(struct reader *r, const struct node *caps, const char *path)
{
	struct scprof_pod_context *c = r->c;
	const struct node *lists[2];
	uint64_t sets[2] = { 0, 0 };
	bool all[2] = { false, false };
	static const char *const names[] = { "add", "drop" };
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *p = xasprintf("%s.%s", path, names[i]);
		int e = get(r, caps, path, names[i], NODE_ARRAY, &lists[i]);
		if (e)
			return e;
		for (size_t j = 0; lists[i] && j < lists[i]->len; j++) {
			const struct node *v = lists[i]->items[j];
			if (v->kind != NODE_STRING)
				return fail(r, v, "%s must list capability names", p);
			if (!strcasecmp(v->text, "ALL")) {
				all[i] = true;
				continue;
			}
			int cap = scprof_cap_by_name(v->text);
			if (cap < 0)
				return fail(r, v, "unknown capability '%s' in %s", v->text, p);
			sets[i] |= 1ULL << cap;
		}
	}
	c->caps = scprof_pod_default_caps();
	if (all[0])
		c->caps = r->o->privileged_caps;
	if (all[1])
		c->caps = 0;
	c->caps = (c->caps | sets[0]) & ~sets[1];
	return 0;
}

/* Fields scprof can only report, wherever they are set. */
static int not_here(struct reader *r, const struct node *psc, const struct node *csc,
		    const char *ppath, const char *cpath)
{
	const struct node *n;
	const struct node_key *k;
	const char *path;
	static const char *const keys[] = { "seLinuxOptions", "windowsOptions", "appArmorProfile" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct node *cv = node_get(csc, keys[i]);
		bool in_container = cv && cv->kind != NODE_NULL;
		const struct node *sc = in_container ? csc : psc;
		path = in_container ? cpath : ppath;
		n = node_get(sc, keys[i]);
		k = key_of(sc, keys[i]);
		if (!n || n->kind == NODE_NULL || (n->kind == NODE_OBJECT && !n->len))
			continue;
		_cleanup_free_ char *f = xasprintf("%s.%s", path, keys[i]);
		if (i == 0) {
			struct stat st;
			bool active = stat("/sys/fs/selinux/enforce", &st) == 0;
			unsupported(r, f, k->line, k->col, "%s",
				    active ? "scprof does not set SELinux labels" :
					     "SELinux is not active here");
		} else if (i == 1) {
			unsupported(r, f, k->line, k->col, "windowsOptions are for Windows nodes");
		} else {
			const struct node *t = node_get(n, "type");
			if (t && t->kind == NODE_STRING && !strcmp(t->text, "Unconfined"))
				continue;
			unsupported(r, f, k->line, k->col,
				    "scprof does not apply AppArmor profiles");
		}
	}
	/* the AppArmor annotation counts only where no field is set (the kubelet's order) */
	_cleanup_free_ char *akey =
		xasprintf("container.apparmor.security.beta.kubernetes.io/%s", r->c->container);
	n = annotation(r, akey);
	if (n && !node_get(csc, "appArmorProfile") && !node_get(psc, "appArmorProfile") &&
	    !(n->kind == NODE_STRING && !strcmp(n->text, "unconfined"))) {
		_cleanup_free_ char *f = xasprintf("metadata.annotations['%s']", akey);
		unsupported(r, f, n->line, n->col, "scprof does not apply AppArmor profiles");
	}
	n = node_get(csc, "procMount");
	if (n && n->kind == NODE_STRING && strcmp(n->text, "Default")) {
		_cleanup_free_ char *f = xasprintf("%s.procMount", cpath);
		unsupported(r, f, n->line, n->col, "scprof does not mount /proc (%s)", n->text);
	}
	return 0;
}

/* Unknown fields are reported rather than ignored: failing closed includes the future. */
static void unknown_keys(struct reader *r, const struct node *sc, const char *path,
			 const char *const *known)
{
	for (size_t i = 0; sc && sc->kind == NODE_OBJECT && i < sc->len; i++) {
		bool ok = false;
		for (size_t j = 0; known[j] && !ok; j++)
			ok = !strcmp(sc->keys[i].name, known[j]);
		if (ok)
			continue;
		_cleanup_free_ char *f = xasprintf("%s.%s", path, sc->keys[i].name);
		unsupported(r, f, sc->keys[i].line, sc->keys[i].col,
			    "scprof does not know this field");
	}
}

static void add_group(struct scprof_pod_context *c, gid_t g)
{
	for (size_t i = 0; i < c->n_groups; i++)
		if (c->groups[i] == g)
			return;
	c->groups = xrealloc(c->groups, (c->n_groups + 1) * sizeof(*c->groups));
	c->groups[c->n_groups++] = g;
}

/*
 * The image's /etc/passwd and /etc/group, which here are the host's: the
 * primary group when runAsGroup is not given, and the user's memberships.
 */
static void image_groups(struct scprof_pod_context *c, gid_t image_gid, bool add_memberships)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(c->uid, &pw, buf, sizeof(buf), &res) != 0)
		res = NULL;
	if (!c->run_as_group_set && c->run_as_user_set)
		c->gid = res ? pw.pw_gid : 0; /* containerd WithUserID */
	else if (!c->run_as_group_set)
		c->gid = image_gid;
	add_group(c, c->gid);
	if (!add_memberships || !res)
		return;
	gid_t g[MAX_GROUPS + 1];
	int n = (int)ARRAY_SIZE(g);
	if (getgrouplist(pw.pw_name, c->gid, g, &n) < 0)
		n = (int)ARRAY_SIZE(g);
	for (int i = 0; i < n; i++)
		add_group(c, g[i]);
}

static int identity(struct reader *r, const struct node *psc, const struct node *csc,
		    const char *ppath, const char *cpath)
{
	struct scprof_pod_context *c = r->c;
	const struct node *n, *fs = NULL, *sup = NULL, *pol = NULL;
	int64_t v = 0;
	int e;
	static const char *const ids[] = { "runAsUser", "runAsGroup" };
	for (int i = 0; i < 2; i++) {
		const struct node *pn = node_get(psc, ids[i]), *cn = node_get(csc, ids[i]);
		_cleanup_free_ char *pp = xasprintf("%s.%s", ppath, ids[i]);
		_cleanup_free_ char *cp = xasprintf("%s.%s", cpath, ids[i]);
		const char *what = i ? "group" : "user";
		if (pn && pn->kind != NODE_NULL && (e = get_id(r, pn, pp, what, &v)) < 0)
			return e;
		if (cn && cn->kind != NODE_NULL && (e = get_id(r, cn, cp, what, &v)) < 0)
			return e;
		n = cn && cn->kind != NODE_NULL ? cn : pn && pn->kind != NODE_NULL ? pn : NULL;
		if (!n)
			continue;
		get_id(r, n, "", what, &v);
		if (i == 0) {
			c->run_as_user_set = true;
			c->uid = (uid_t)v;
		} else {
			c->run_as_group_set = true;
			c->gid = (gid_t)v;
		}
	}
	if (!c->run_as_user_set)
		c->uid = r->o->image_uid;
	if ((e = get(r, psc, ppath, "supplementalGroups", NODE_ARRAY, &sup)) < 0)
		return e;
	if ((n = node_get(psc, "fsGroup")) && n->kind != NODE_NULL) {
		_cleanup_free_ char *p = xasprintf("%s.fsGroup", ppath);
		if ((e = get_id(r, n, p, "group", &v)) < 0)
			return e;
		fs = n;
	}
	if ((e = get(r, psc, ppath, "supplementalGroupsPolicy", NODE_STRING, &pol)) < 0)
		return e;
	if (pol && strcmp(pol->text, "Merge") && strcmp(pol->text, "Strict"))
		return fail(r, pol, "%s.supplementalGroupsPolicy must be Merge or Strict, not '%s'",
			    ppath, pol->text);
	c->strict_groups = pol && !strcmp(pol->text, "Strict");
	c->set_ids = c->run_as_user_set || c->run_as_group_set || fs || (sup && sup->len);
	if (!c->set_ids) {
		c->gid = r->o->image_gid;
	} else {
		image_groups(c, r->o->image_gid, !c->strict_groups);
		if (fs) {
			get_id(r, fs, "", "group", &v);
			add_group(c, (gid_t)v);
		}
		for (size_t i = 0; sup && i < sup->len; i++) {
			_cleanup_free_ char *p = xasprintf("%s.supplementalGroups[%zu]", ppath, i);
			if ((e = get_id(r, sup->items[i], p, "group", &v)) < 0)
				return e;
			add_group(c, (gid_t)v);
		}
		if (c->n_groups > MAX_GROUPS)
			return fail(r, sup, "more than %d supplementary groups", MAX_GROUPS);
	}

	/* runAsNonRoot: the kubelet's verifyRunAsNonRoot, and its messages */
	const struct node *pn = node_get(psc, "runAsNonRoot"), *cn = node_get(csc, "runAsNonRoot");
	bool non_root = false;
	_cleanup_free_ char *pp = xasprintf("%s.runAsNonRoot", ppath);
	_cleanup_free_ char *cp = xasprintf("%s.runAsNonRoot", cpath);
	if (pn && pn->kind != NODE_NULL && (e = get_bool(r, pn, pp, &non_root)) < 0)
		return e;
	if (cn && cn->kind != NODE_NULL && (e = get_bool(r, cn, cp, &non_root)) < 0)
		return e;
	n = cn && cn->kind != NODE_NULL ? cn : pn;
	if (non_root && c->run_as_user_set && c->uid == 0)
		return fail(
			r, n,
			"container's runAsUser breaks non-root policy (pod: \"%s\", container: %s)",
			c->pod, c->container);
	if (non_root && c->uid == 0)
		return fail(
			r, n,
			"container has runAsNonRoot and image will run as root (pod: \"%s\", container: %s)",
			c->pod, c->container);
	return 0;
}

static int privileges(struct reader *r, const struct node *csc, const char *cpath)
{
	struct scprof_pod_context *c = r->c;
	const struct node *n, *caps, *ape;
	bool v = true;
	int e;
	_cleanup_free_ char *p = xasprintf("%s.privileged", cpath);
	if ((n = node_get(csc, "privileged")) && n->kind != NODE_NULL &&
	    (e = get_bool(r, n, p, &c->privileged)) < 0)
		return e;
	_cleanup_free_ char *cp = xasprintf("%s.capabilities", cpath);
	if ((e = get(r, csc, cpath, "capabilities", NODE_OBJECT, &caps)) < 0)
		return e;
	c->caps = scprof_pod_default_caps();
	if (caps && (e = capabilities(r, caps, cp)) < 0)
		return e;
	bool sys_admin = c->caps & (1ULL << scprof_cap_by_name("SYS_ADMIN"));
	if (c->privileged)
		c->caps = r->o->privileged_caps;

	_cleanup_free_ char *ap = xasprintf("%s.allowPrivilegeEscalation", cpath);
	ape = node_get(csc, "allowPrivilegeEscalation");
	if (ape && ape->kind != NODE_NULL) {
		if ((e = get_bool(r, ape, ap, &v)) < 0)
			return e;
		/* the API server's ValidateSecurityContext refuses both */
		if (!v && c->privileged)
			return fail(
				r, ape,
				"cannot set allowPrivilegeEscalation to false and privileged to true");
		if (!v && sys_admin && caps)
			return fail(
				r, ape,
				"cannot set allowPrivilegeEscalation to false and capabilities.add CAP_SYS_ADMIN");
		c->no_new_privs = !v;
	}
	_cleanup_free_ char *rp = xasprintf("%s.readOnlyRootFilesystem", cpath);
	if ((n = node_get(csc, "readOnlyRootFilesystem")) && n->kind != NODE_NULL &&
	    (e = get_bool(r, n, rp, &c->read_only_root)) < 0)
		return e;
	if ((n = node_get(csc, "procMount")) && n->kind != NODE_NULL && n->kind != NODE_STRING)
		return fail(r, n, "%s.procMount must be Default or Unmasked", cpath);
	return 0;
}

/* "net/ipv4/conf/eth0.100/rp_filter" -> "net.ipv4.conf.eth0/100.rp_filter" */
static char *dotted(const char *name)
{
	char *s = xstrdup(name);
	size_t first = strcspn(s, "./");
	if (s[first] != '/')
		return s;
	for (char *p = s; *p; p++)
		*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	return s;
}

/*
 * The path under /proc/sys of a dotted name, or NULL when a component would be
 * empty, "." or "..", or has characters other than [A-Za-z0-9_.-].
 */
static char *sysctl_path(const char *dotted_name)
{
	_cleanup_free_ char *p = xstrdup(dotted_name);
	for (char *s = p; *s; s++)
		*s = *s == '.' ? '/' : *s == '/' ? '.' : *s;
	for (const char *s = p;; s++) {
		size_t n = strcspn(s, "/");
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return NULL;
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
				return NULL;
		s += n;
		if (!*s)
			break;
	}
	return steal_ptr(&p);
}

static int sysctls(struct reader *r, const struct node *psc, const char *ppath)
{
	struct scprof_pod_context *c = r->c;
	const struct node *list;
	int e;
	_cleanup_free_ char *path = xasprintf("%s.sysctls", ppath);
	if ((e = get(r, psc, ppath, "sysctls", NODE_ARRAY, &list)) < 0 || !list)
		return e;
	c->sysctls = xcalloc(list->len ? list->len : 1, sizeof(*c->sysctls));
	for (size_t i = 0; i < list->len; i++) {
		const struct node *s = list->items[i], *name, *value;
		_cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
		if (s->kind != NODE_OBJECT)
			return fail(r, s, "%s must be an object with name and value", p);
		if ((e = get(r, s, p, "name", NODE_STRING, &name)) < 0)
			return e;
		value = node_get(s, "value");
		if (!name)
			return fail(r, s, "%s.name is required", p);
		if (!value || (value->kind != NODE_STRING && value->kind != NODE_NUMBER))
			return fail(r, value ? value : s, "%s.value must be a string", p);
		_cleanup_free_ char *d = dotted(name->text);
		_cleanup_free_ char *sp = sysctl_path(d);
		if (!sp)
			return fail(r, name, "'%s' is not a valid sysctl name", name->text);
		enum scprof_pod_sysctl_ns ns = scprof_pod_sysctl_namespace(d);
		if (ns == SCPROF_POD_SYSCTL_NONE)
			return fail(
				r, name,
				"sysctl '%s' is not namespaced: setting it would change the whole host",
				d);
		/* the kubelet's and CRI-O's refusal (pkg/kubelet/sysctl, crio Sysctl.Validate) */
		if (ns == SCPROF_POD_SYSCTL_NET && c->host_network)
			return fail(r, name, "sysctl \"%s\" not allowed with host net enabled", d);
		if (ns == SCPROF_POD_SYSCTL_IPC && c->host_ipc)
			return fail(r, name, "sysctl \"%s\" not allowed with host ipc enabled", d);
		c->sysctls[c->n_sysctls++] =
			(struct scprof_pod_sysctl){ .name = steal_ptr(&d),
						    .path = steal_ptr(&sp),
						    .value = xstrdup(value->text),
						    .ns = ns };
	}
	return 0;
}

/* Every container of the pod, in the order of the lists. */
struct found {
	const struct node *container;
	const char *list;
	size_t index;
};

static int pick_container(struct reader *r, const struct node *spec, struct found *out)
{
	static const char *const lists[] = { "containers", "initContainers",
					     "ephemeralContainers" };
	struct strbuf names = STRBUF_INIT;
	size_t n_regular = 0;
	const char *want = r->o->container;
	int e = 0;
	out->container = NULL;
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		_cleanup_free_ char *path = xasprintf("%s.%s", r->spec_path, lists[l]);
		const struct node *arr;
		if ((e = get(r, spec, r->spec_path, lists[l], NODE_ARRAY, &arr)) < 0)
			goto out;
		for (size_t i = 0; arr && i < arr->len; i++) {
			const struct node *ctr = arr->items[i], *name;
			_cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
			if (ctr->kind != NODE_OBJECT) {
				e = fail(r, ctr, "%s must be an object", p);
				goto out;
			}
			if ((e = get(r, ctr, p, "name", NODE_STRING, &name)) < 0)
				goto out;
			if (!name) {
				e = fail(r, ctr, "%s.name is required", p);
				goto out;
			}
			strbuf_addf(&names, "%s%s%s", names.len ? ", " : "", name->text,
				    l == 1 ? " (init)" :
				    l == 2 ? " (ephemeral)" :
					     "");
			if (l == 0)
				n_regular++;
			bool take = want ? !strcmp(name->text, want) : l == 0 && n_regular == 1;
			if (take && (!out->container || !want))
				*out = (struct found){ ctr, lists[l], i };
		}
	}
	if (want && !out->container)
		e = error_set_at(r->err, -EINVAL, r->file, 0, 0,
				 "no container '%s' in pod '%s'; it has: %s", want, r->c->name,
				 names.len ? names.buf : "none");
	else if (!want && n_regular != 1)
		e = error_set_at(r->err, -EINVAL, r->file, 0, 0,
				 "pod '%s' has %zu containers; choose one with --container: %s",
				 r->c->name, n_regular, names.len ? names.buf : "none");
out:
	strbuf_release(&names);
	return e;
}

/* The keys from a workload object to its pod template, by kind. */
static const struct {
	const char *kind;
	const char *path[5]; /* NULL-terminated */
} template_paths[] = {
	{ "Pod", { NULL } },
	{ "Deployment", { "spec", "template", NULL } },
	{ "ReplicaSet", { "spec", "template", NULL } },
	{ "StatefulSet", { "spec", "template", NULL } },
	{ "DaemonSet", { "spec", "template", NULL } },
	{ "ReplicationController", { "spec", "template", NULL } },
	{ "Job", { "spec", "template", NULL } },
	{ "CronJob", { "spec", "jobTemplate", "spec", "template", NULL } },
	{ "PodTemplate", { "template", NULL } },
};

const char *const *scprof_pod_template_path(const char *kind)
{
	for (size_t k = 0; k < ARRAY_SIZE(template_paths); k++)
		if (!strcmp(kind, template_paths[k].kind))
			return template_paths[k].path;
	return NULL;
}

/* The pod template of a workload, or the Pod itself. */
static int find_template(struct reader *r, const struct node *doc, const struct node **meta,
			 const struct node **spec)
{
	if (doc->kind != NODE_OBJECT)
		return fail(r, doc, "not a Kubernetes manifest: a %s, not an object",
			    node_kind_name(doc->kind));
	const struct node *kind = node_get(doc, "kind");
	if (!kind || kind->kind != NODE_STRING)
		return fail(r, kind ? kind : doc, "not a Pod: the manifest has no kind");
	const char *const *keys = scprof_pod_template_path(kind->text);
	if (!keys)
		return fail(
			r, kind,
			"'%s' is not a Pod, nor a workload with a pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job, CronJob, PodTemplate)",
			kind->text);
	const struct node *t = doc;
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; keys[i]; i++) {
		const struct node *next = node_get(t, keys[i]);
		strbuf_addf(&path, "%s%s", path.len ? "." : "", keys[i]);
		if (!next || next->kind != NODE_OBJECT) {
			int e = fail(r, next ? next : kind, "%s has no pod template: %s is %s",
				     kind->text, path.buf, next ? "not an object" : "missing");
			strbuf_release(&path);
			return e;
		}
		t = next;
	}
	*meta = node_get(t, "metadata");
	*spec = node_get(t, "spec");
	strbuf_addf(&path, "%sspec", path.len ? "." : "");
	r->spec_path = strbuf_detach(&path);
	if (!*spec || (*spec)->kind != NODE_OBJECT)
		return fail(r, t == doc ? kind : t, "%s has no %s object", kind->text,
			    r->spec_path);

	/* the kubelet's name for the pod; a template's often has none: use the workload's */
	const struct node *m = *meta && (*meta)->kind == NODE_OBJECT ? *meta : NULL;
	const struct node *outer = node_get(doc, "metadata");
	const struct node *name = node_get(m, "name"), *ns = node_get(m, "namespace");
	const struct node *uid = node_get(m, "uid");
	if (!name || name->kind != NODE_STRING)
		name = node_get(outer, "name");
	if (!ns || ns->kind != NODE_STRING)
		ns = node_get(outer, "namespace");
	r->c->name = xstrdup(name && name->kind == NODE_STRING ? name->text : "");
	r->c->pod = xasprintf("%s_%s(%s)", r->c->name,
			      ns && ns->kind == NODE_STRING ? ns->text : "default",
			      uid && uid->kind == NODE_STRING ? uid->text : "");
	r->annotations = node_get(m, "annotations");
	if (r->annotations && r->annotations->kind != NODE_OBJECT)
		r->annotations = NULL;
	return 0;
}

static const char *const pod_keys[] = {
	"runAsUser",
	"runAsGroup",
	"runAsNonRoot",
	"supplementalGroups",
	"supplementalGroupsPolicy",
	"fsGroup",
	"sysctls",
	"seccompProfile",
	"seLinuxOptions",
	"windowsOptions",
	"appArmorProfile",
	/* volumes only: nothing to do without volumes */
	"fsGroupChangePolicy",
	"seLinuxChangePolicy",
	NULL,
};

static const char *const container_keys[] = {
	"runAsUser",
	"runAsGroup",
	"runAsNonRoot",
	"capabilities",
	"privileged",
	"readOnlyRootFilesystem",
	"allowPrivilegeEscalation",
	"procMount",
	"seccompProfile",
	"seLinuxOptions",
	"windowsOptions",
	"appArmorProfile",
	NULL,
};

static int read_pod(struct reader *r, const struct node *doc)
{
	struct scprof_pod_context *c = r->c;
	const struct node *meta = NULL, *spec = NULL, *psc, *csc, *n;
	struct found f = { 0 };
	bool b = false;
	int e;

	if ((e = find_template(r, doc, &meta, &spec)) < 0)
		return e;
	if ((e = pick_container(r, spec, &f)) < 0)
		return e;
	const struct node *name = node_get(f.container, "name");
	c->container = xstrdup(name->text);
	c->kind = f.list;
	_cleanup_free_ char *ppath = xasprintf("%s.securityContext", r->spec_path);
	_cleanup_free_ char *cpath =
		xasprintf("%s.%s[%zu].securityContext", r->spec_path, f.list, f.index);
	if ((e = get(r, spec, r->spec_path, "securityContext", NODE_OBJECT, &psc)) < 0)
		return e;
	_cleanup_free_ char *ctr = xasprintf("%s.%s[%zu]", r->spec_path, f.list, f.index);
	if ((e = get(r, f.container, ctr, "securityContext", NODE_OBJECT, &csc)) < 0)
		return e;

	static const char *const hosts[] = { "hostNetwork", "hostIPC", "hostUsers" };
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		_cleanup_free_ char *p = xasprintf("%s.%s", r->spec_path, hosts[i]);
		if (!(n = node_get(spec, hosts[i])) || n->kind == NODE_NULL)
			continue;
		if ((e = get_bool(r, n, p, &b)) < 0)
			return e;
		if (i == 0)
			c->host_network = b;
		else if (i == 1)
			c->host_ipc = b;
		else if (!b)
			unsupported(r, p, n->line, n->col,
				    "scprof does not set up user namespaces (hostUsers: false)");
	}
	unknown_keys(r, psc, ppath, pod_keys);
	unknown_keys(r, csc, cpath, container_keys);
	if ((e = identity(r, psc, csc, ppath, cpath)) < 0 || (e = privileges(r, csc, cpath)) < 0 ||
	    (e = seccomp(r, psc, csc, ppath, cpath)) < 0 || (e = sysctls(r, psc, ppath)) < 0 ||
	    (e = not_here(r, psc, csc, ppath, cpath)) < 0)
		return e;
	return 0;
}

static void resolve_seccomp_path(struct reader *r, int *e)
{
	struct scprof_pod_context *c = r->c;
	if (*e || c->seccomp != SCPROF_POD_SECCOMP_LOCALHOST)
		return;
	/* containerd ignores the profile of a privileged container, even a missing one */
	if (c->privileged)
		return;
	_cleanup_error_ struct scprof_error *perr = NULL;
	char *resolved;
	const char *root = r->o->seccomp_root ? r->o->seccomp_root : SCPROF_KUBELET_SECCOMP_ROOT;
	*e = scprof_pod_resolve_localhost(root, c->seccomp_path, &resolved, &perr);
	if (*e < 0) {
		error_set_at(r->err, *e, r->file, r->seccomp_at->line, r->seccomp_at->col, "%s",
			     perr->msg);
		return;
	}
	free(c->seccomp_path);
	c->seccomp_path = resolved;
}

int scprof_pod_parse(const char *buf, size_t len, const char *name, const struct scprof_pod_opts *o,
		     struct scprof_pod_context **out, struct scprof_error **err)
{
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *perr = NULL;
	*out = NULL;
	int e = yaml_parse_k8s(buf, len, &doc, &perr);
	if (e < 0)
		return error_set_at(err, e, name, perr->line, perr->col, "%s", perr->msg);
	struct scprof_pod_context *c = xcalloc(1, sizeof(*c));
	struct reader r = { .file = name, .o = o, .c = c, .err = err };
	c->file = xstrdup(name);
	e = read_pod(&r, doc);
	resolve_seccomp_path(&r, &e);
	free(r.spec_path);
	if (e < 0) {
		scprof_pod_context_free(c);
		return e;
	}
	*out = c;
	return 0;
}

int scprof_pod_load(const char *path, const struct scprof_pod_opts *o,
		    struct scprof_pod_context **out, struct scprof_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	*out = NULL;
	int e = read_file(path, SCPROF_MAX_INPUT, &buf, &len, err);
	if (e < 0)
		return e;
	return scprof_pod_parse(buf, len, strcmp(path, "-") ? path : "<stdin>", o, out, err);
}

void scprof_pod_context_free(struct scprof_pod_context *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->pod);
	free(c->name);
	free(c->container);
	free(c->groups);
	free(c->seccomp_path);
	free(c->seccomp_from);
	for (size_t i = 0; i < c->n_sysctls; i++) {
		free(c->sysctls[i].name);
		free(c->sysctls[i].path);
		free(c->sysctls[i].value);
	}
	free(c->sysctls);
	for (size_t i = 0; i < c->n_unsupported; i++) {
		free(c->unsupported[i].field);
		free(c->unsupported[i].why);
	}
	free(c->unsupported);
	free(c);
}
