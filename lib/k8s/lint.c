// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pod Security Standards as the Pod Security Admission controller evaluates
 * them (kubernetes/pod-security-admission, policy/check_*.go; the controls,
 * fields, values and versions are listed in docs/scprof.1 and
 * ../shared/pss.md), plus seccomp advice, over every pod spec of a manifest.
 *
 * Where PSA reports one aggregated message per check, we report one finding per
 * offending field, with its exact path.  Versions: a check applies when the
 * policy version is at least its MinimumVersion; a restricted check that
 * overrides a baseline one (restrictedVolumes over hostPathVolumes,
 * seccompProfile_restricted over seccompProfile_baseline,
 * capabilities_restricted over capabilities_baseline, procMount_restricted over
 * procMount) replaces it only from its own minimum version, as PSA's
 * check registry does.
 *
 * Input is read as the API server would have it after defaulting only where
 * that changes nothing PSA looks at: a volume with no source at all is an
 * emptyDir (the API default), everything else is taken as written.
 */
#include <pthread.h>
#include <stdarg.h>
#include <unistd.h>
#include <sys/stat.h>

#include "format/node.h"
#include "scprof/lint.h"
#include "scprof/pod.h"
#include "scprof/profile.h"
#include "scprof/record.h"
#include "util/util.h"

#define LINT_MAX_INPUT (1024u * 1024 * 1024)

static const struct scprof_lint_rule rules[] = {
	{ "windowsHostProcess", SCPROF_LINT_CONTROL, "baseline", 0,
	  "HostProcess: windowsOptions.hostProcess must be unset or false" },
	{ "hostNamespaces", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Host namespaces: hostNetwork, hostPID and hostIPC must be unset or false" },
	{ "privileged", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Privileged containers: securityContext.privileged must be unset or false" },
	{ "capabilities_baseline", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Capabilities: only Docker's default capabilities (without NET_RAW) may be added" },
	{ "hostPathVolumes", SCPROF_LINT_CONTROL, "baseline", 0, "HostPath volumes are forbidden" },
	{ "hostPorts", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Host ports: ports[*].hostPort must be unset or 0" },
	{ "hostProbesAndHostLifecycle", SCPROF_LINT_CONTROL, "baseline", 34,
	  "Host probes and lifecycle hooks: httpGet.host and tcpSocket.host must be unset or empty" },
	{ "appArmorProfile", SCPROF_LINT_CONTROL, "baseline", 0,
	  "AppArmor: the profile must be RuntimeDefault or Localhost, never Unconfined" },
	{ "seLinuxOptions", SCPROF_LINT_CONTROL, "baseline", 0,
	  "SELinux: only the container types may be set, user and role must be unset" },
	{ "procMount", SCPROF_LINT_CONTROL, "baseline", 0,
	  "/proc mount type must be unset or Default (any with hostUsers: false from v1.35)" },
	{ "seccompProfile_baseline", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Seccomp: the profile must not be Unconfined" },
	{ "sysctls", SCPROF_LINT_CONTROL, "baseline", 0,
	  "Sysctls: only the safe set of the policy version may be set" },
	{ "restrictedVolumes", SCPROF_LINT_CONTROL, "restricted", 0,
	  "Volume types: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret" },
	{ "allowPrivilegeEscalation", SCPROF_LINT_CONTROL, "restricted", 8,
	  "Privilege escalation: allowPrivilegeEscalation must be false" },
	{ "runAsNonRoot", SCPROF_LINT_CONTROL, "restricted", 0,
	  "Running as non-root: runAsNonRoot must be true" },
	{ "runAsUser", SCPROF_LINT_CONTROL, "restricted", 23,
	  "Running as non-root user: runAsUser must not be 0" },
	{ "seccompProfile_restricted", SCPROF_LINT_CONTROL, "restricted", 19,
	  "Seccomp: the profile must be set to RuntimeDefault or Localhost" },
	{ "capabilities_restricted", SCPROF_LINT_CONTROL, "restricted", 22,
	  "Capabilities: drop must contain ALL, add only NET_BIND_SERVICE" },
	{ "procMount_restricted", SCPROF_LINT_CONTROL, "restricted", 35,
	  "/proc mount type must be unset or Default" },
	{ "seccomp-pod-level-only", SCPROF_LINT_ADVICE, NULL, 0,
	  "One pod-level seccomp profile for containers of different images" },
	{ "seccomp-privilege-escalation", SCPROF_LINT_ADVICE, NULL, 0,
	  "A Localhost profile with allowPrivilegeEscalation not false" },
	{ "seccomp-localhost-missing", SCPROF_LINT_ADVICE, NULL, 0,
	  "A Localhost profile that does not exist under the seccomp root" },
	{ "seccomp-localhost-invalid", SCPROF_LINT_ADVICE, NULL, 0,
	  "A Localhost profile that does not validate" },
	{ "seccomp-localhost-allow", SCPROF_LINT_ADVICE, NULL, 0,
	  "A Localhost profile whose default action is to allow (a deny-list)" },
	{ "seccomp-localhost-dangerous", SCPROF_LINT_ADVICE, NULL, 0,
	  "A Localhost profile that allows known-dangerous syscalls" },
	{ "seccomp-runtime-default-localhost", SCPROF_LINT_ADVICE, NULL, 0,
	  "RuntimeDefault (or no profile) for an image that has a Localhost profile" },
	{ "seccomp-annotation", SCPROF_LINT_ADVICE, NULL, 25,
	  "A deprecated seccomp annotation instead of the seccompProfile field" },
	{ "invalid", SCPROF_LINT_PROBLEM, NULL, 0, "The object cannot be checked as written" },
	{ "unknown-kind", SCPROF_LINT_SKIPPED, NULL, 0,
	  "Not a Pod nor a workload with a pod template" },
};

const struct scprof_lint_rule *scprof_lint_rules(size_t *n)
{
	*n = ARRAY_SIZE(rules);
	return rules;
}

int scprof_lint_parse_version(const char *s, unsigned *out)
{
	uint64_t v;
	if (!strcmp(s, "latest")) {
		*out = SCPROF_LINT_LATEST;
		return 0;
	}
	if (strncmp(s, "v1.", 3) || !parse_u64(s + 3, &v) || v > 1000 || (s[3] == '0' && s[4]))
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* What we learnt about a Localhost profile, once per path. */
struct profile_note {
	char *rel;
	const char *id; /* NULL: fine */
	char *message;
	bool allow_default;
	char *dangerous; /* comma-separated, or NULL */
};

/* A Localhost profile that some input gives an image: a workload, or an SPO ProfileBinding. */
struct image_profile {
	char *image; /* normalised (image_key()) */
	char *profile; /* the localhostProfile; for a binding, the SeccompProfile's name */
	char *where; /* "Deployment/shop/web" or "ProfileBinding/shop/b" */
	char *file;
	unsigned line;
	char *binding_ns; /* a binding's namespace; NULL for a workload */
	bool binding;
	size_t seq; /* input order */
};

/* A container without a Localhost profile, waiting for every input's images. */
struct waiting {
	size_t pos; /* its finding goes before l->f[pos] */
	struct scprof_lint_finding f; /* the message is made at the end */
	char *image, *image_key;
};

struct scprof_lint {
	struct scprof_lint_opts o;
	char *seccomp_root;
	struct scprof_lint_finding *f;
	size_t n, alloc;
	size_t objects;
	struct profile_note *notes;
	size_t n_notes, notes_alloc;
	struct image_profile *images;
	size_t n_images, images_alloc;
	struct waiting *waiting;
	size_t n_waiting, waiting_alloc;
};

struct ctr {
	const struct node *n, *sc;
	const char *list;
	size_t index;
	const char *name;
	char *path;
	char *sc_path; /* path + ".securityContext" */
};

/* The pod spec being checked. */
struct pod {
	struct scprof_lint *l;
	const char *file;
	size_t doc;
	const char *kind, *namespace, *name;
	char *prefix; /* the path of the pod template ("spec.template."), "" for a Pod */
	const struct node *annotations, *spec, *psc;
	const char *spec_path, *psc_path;
	struct ctr *c;
	size_t n_c, c_alloc;
	bool windows, no_host_users;
};

static bool at_least(const struct pod *p, unsigned v)
{
	return p->l->o.version >= v;
}

static bool restricted(const struct pod *p)
{
	return p->l->o.level == SCPROF_LINT_RESTRICTED;
}

static const struct scprof_lint_rule *rule(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The value of @n as text: scalars as written, collections as compact JSON. */
static char *show(const struct node *n)
{
	if (!n || n->kind == NODE_NULL)
		return NULL;
	switch (n->kind) {
	case NODE_BOOL:
		return xstrdup(n->boolean ? "true" : "false");
	case NODE_STRING:
	case NODE_NUMBER:
		return xstrdup(n->text);
	default: {
		struct strbuf sb = STRBUF_INIT;
		json_write(n, false, &sb);
		if (sb.len && sb.buf[sb.len - 1] == '\n')
			sb.buf[--sb.len] = '\0';
		return strbuf_detach(&sb);
	}
	}
}

static struct scprof_lint_finding finding(struct pod *p, const char *id, const struct ctr *c,
					  const struct node *at, char *path, char *value,
					  const char *allowed, char *message)
{
	const struct scprof_lint_rule *r = rule(id);
	return (struct scprof_lint_finding){
		.type = r->type,
		.id = r->id,
		.file = xstrdup(p->file),
		.doc = p->doc,
		.kind = dup_or_null(p->kind),
		.namespace = dup_or_null(p->namespace),
		.name = dup_or_null(p->name),
		.container = c ? xstrdup(c->name) : NULL,
		.path = path,
		.value = value,
		.allowed = dup_or_null(allowed),
		.message = message,
		.line = at ? at->line : 0,
		.col = at ? at->col : 0,
	};
}

static struct scprof_lint_finding *add(struct pod *p, const char *id, const struct ctr *c,
				       const struct node *at, char *path, char *value,
				       const char *allowed, char *message)
{
	struct scprof_lint *l = p->l;
	GROW(l->f, l->alloc, l->n + 1);
	l->f[l->n] = finding(p, id, c, at, path, value, allowed, message);
	return &l->f[l->n++];
}

/* A control fails at field @key of @obj (at @path); @key absent: the field is unset. */
static void __attribute__((format(printf, 8, 9)))
control(struct pod *p, const char *id, const struct ctr *c, const struct node *obj,
	const char *path, const char *key, const char *allowed, const char *fmt, ...)
{
	const struct node *v = key ? node_get(obj, key) : obj;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	add(p, id, c, v && v->line ? v : obj, key ? xasprintf("%s.%s", path, key) : xstrdup(path),
	    show(v), allowed, msg);
}

static void __attribute__((format(printf, 4, 5)))
problem(struct pod *p, const struct node *at, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	add(p, "invalid", NULL, at, xstrdup(path), NULL, NULL, msg);
}

static const char *kind_name(enum node_kind kind)
{
	switch (kind) {
	case NODE_BOOL:
		return "a boolean";
	case NODE_ARRAY:
		return "a list";
	case NODE_OBJECT:
		return "an object";
	case NODE_NUMBER:
		return "a number";
	case NODE_STRING:
		return "a string";
	default:
		return "null";
	}
}

/* @obj's @key when of @kind; NULL when absent or null; a problem when of another kind. */
static const struct node *field(struct pod *p, const struct node *obj, const char *path,
				const char *key, enum node_kind kind)
{
	const struct node *n = node_get(obj, key);
	if (!n || n->kind == NODE_NULL)
		return NULL;
	if (n->kind != kind) {
		_cleanup_free_ char *fpath = xasprintf("%s.%s", path, key);
		problem(p, n, fpath, "must be %s, not %s", kind_name(kind), kind_name(n->kind));
		return NULL;
	}
	return n;
}

static bool is_true(struct pod *p, const struct node *obj, const char *path, const char *key)
{
	const struct node *n = field(p, obj, path, key, NODE_BOOL);
	return n && n->boolean;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* ---- pod-level controls ---- */

static void host_process(struct pod *p, const struct ctr *c, const struct node *sc,
			 const char *path)
{
	const struct node *w = field(p, sc, path, "windowsOptions", NODE_OBJECT);
	if (!w)
		return;
	_cleanup_free_ char *wpath = xasprintf("%s.windowsOptions", path);
	if (is_true(p, w, wpath, "hostProcess"))
		control(p, "windowsHostProcess", c, w, wpath, "hostProcess", "undefined, false",
			"HostProcess containers are forbidden");
}

static void host_namespaces(struct pod *p)
{
	static const char *const keys[] = { "hostNetwork", "hostPID", "hostIPC" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (is_true(p, p->spec, p->spec_path, keys[i]))
			control(p, "hostNamespaces", NULL, p->spec, p->spec_path, keys[i],
				"undefined, false", "sharing the host's namespaces is forbidden");
}

static const char *const restricted_volumes[] = {
	"configMap", "csi",   "downwardAPI",	       "emptyDir",
	"ephemeral", "image", "persistentVolumeClaim", "projected",
	"secret",    NULL,
};

static void volumes(struct pod *p)
{
	const struct node *vols = field(p, p->spec, p->spec_path, "volumes", NODE_ARRAY);
	bool restrict_types = restricted(p);
	for (size_t i = 0; vols && i < vols->len; i++) {
		const struct node *v = vols->items[i];
		_cleanup_free_ char *path = xasprintf("%s.volumes[%zu]", p->spec_path, i);
		if (v->kind != NODE_OBJECT) {
			problem(p, v, path, "must be an object, not %s", kind_name(v->kind));
			continue;
		}
		const struct node *hp = node_get(v, "hostPath");
		if (!restrict_types) {
			if (hp && hp->kind != NODE_NULL)
				control(p, "hostPathVolumes", NULL, v, path, "hostPath",
					"undefined", "hostPath volumes are forbidden");
			continue;
		}
		const char *type = NULL;
		bool ok = false, any = false;
		for (size_t k = 0; k < v->len; k++) {
			const char *key = v->keys[k].name;
			if (!strcmp(key, "name") || v->items[k]->kind == NODE_NULL)
				continue;
			any = true;
			if (in_list(key, restricted_volumes))
				ok = true;
			else if (!type)
				type = key;
		}
		if (!any || (ok && !type))
			continue; /* no source: the API defaults to emptyDir */
		if (type)
			control(p, "restrictedVolumes", NULL, v, path, type,
				"configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret",
				"volume type '%s' is forbidden", type);
	}
}

static void app_armor(struct pod *p, const struct ctr *c, const struct node *sc, const char *path)
{
	const struct node *a = field(p, sc, path, "appArmorProfile", NODE_OBJECT);
	if (!a)
		return;
	_cleanup_free_ char *apath = xasprintf("%s.appArmorProfile", path);
	const struct node *t = field(p, a, apath, "type", NODE_STRING);
	if (t && (!strcmp(t->text, "RuntimeDefault") || !strcmp(t->text, "Localhost")))
		return;
	control(p, "appArmorProfile", c, a, apath, "type", "undefined, RuntimeDefault, Localhost",
		"AppArmor profile type '%s' is forbidden", t ? t->text : "");
}

#define APPARMOR_PREFIX "container.apparmor.security.beta.kubernetes.io/"

static void annotation_finding(struct pod *p, const char *id, const struct ctr *c, size_t k,
			       const char *allowed, const char *what)
{
	const struct node *v = p->annotations->items[k];
	const char *key = p->annotations->keys[k].name;
	add(p, id, c, v, xasprintf("%smetadata.annotations[\"%s\"]", p->prefix, key), show(v),
	    allowed,
	    xasprintf("%s annotation '%s' is forbidden", what,
		      v->kind == NODE_STRING ? v->text : ""));
}

static void app_armor_annotations(struct pod *p)
{
	const struct node *a = p->annotations;
	for (size_t k = 0; a && k < a->len; k++) {
		const struct node *v = a->items[k];
		if (strncmp(a->keys[k].name, APPARMOR_PREFIX, strlen(APPARMOR_PREFIX)))
			continue;
		if (v->kind == NODE_STRING && (!*v->text || !strcmp(v->text, "runtime/default") ||
					       !strncmp(v->text, "localhost/", 10)))
			continue;
		annotation_finding(p, "appArmorProfile", NULL, k,
				   "undefined, \"\", runtime/default, localhost/*", "AppArmor");
	}
}

static void se_linux(struct pod *p, const struct ctr *c, const struct node *sc, const char *path)
{
	static const char *const types[] = { "container_t", "container_init_t", "container_kvm_t",
					     "container_engine_t", NULL };
	const struct node *s = field(p, sc, path, "seLinuxOptions", NODE_OBJECT);
	if (!s)
		return;
	_cleanup_free_ char *spath = xasprintf("%s.seLinuxOptions", path);
	const struct node *t = field(p, s, spath, "type", NODE_STRING);
	/* container_engine_t from 1.31 (kubernetes#124180) */
	if (t && *t->text &&
	    !(in_list(t->text, types) &&
	      (strcmp(t->text, "container_engine_t") || at_least(p, 31))))
		control(p, "seLinuxOptions", c, s, spath, "type",
			at_least(p, 31) ?
				"undefined, \"\", container_t, container_init_t, container_kvm_t, container_engine_t" :
				"undefined, \"\", container_t, container_init_t, container_kvm_t",
			"SELinux type '%s' is forbidden", t->text);
	static const char *const ur[] = { "user", "role" };
	for (size_t i = 0; i < ARRAY_SIZE(ur); i++) {
		const struct node *u = field(p, s, spath, ur[i], NODE_STRING);
		if (u && *u->text)
			control(p, "seLinuxOptions", c, s, spath, ur[i], "undefined, \"\"",
				"setting the SELinux %s is forbidden", ur[i]);
	}
}

/* Baseline safe sysctls and the policy version that added each (check_sysctls.go). */
static const struct {
	const char *name;
	unsigned since;
} safe_sysctls[] = {
	{ "kernel.shm_rmid_forced", 0 },
	{ "net.ipv4.ip_local_port_range", 0 },
	{ "net.ipv4.tcp_syncookies", 0 },
	{ "net.ipv4.ping_group_range", 0 },
	{ "net.ipv4.ip_unprivileged_port_start", 0 },
	{ "net.ipv4.ip_local_reserved_ports", 27 },
	{ "net.ipv4.tcp_keepalive_time", 29 },
	{ "net.ipv4.tcp_fin_timeout", 29 },
	{ "net.ipv4.tcp_keepalive_intvl", 29 },
	{ "net.ipv4.tcp_keepalive_probes", 29 },
	{ "net.ipv4.tcp_rmem", 32 },
	{ "net.ipv4.tcp_wmem", 32 },
	{ "net.ipv4.tcp_slow_start_after_idle", 37 },
	{ "net.ipv4.tcp_notsent_lowat", 37 },
};

static void sysctls(struct pod *p)
{
	const struct node *list = field(p, p->psc, p->psc_path, "sysctls", NODE_ARRAY);
	struct strbuf allowed = STRBUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(safe_sysctls); i++)
		if (at_least(p, safe_sysctls[i].since))
			strbuf_addf(&allowed, "%s%s", allowed.len ? ", " : "",
				    safe_sysctls[i].name);
	for (size_t i = 0; list && i < list->len; i++) {
		const struct node *s = list->items[i];
		_cleanup_free_ char *path = xasprintf("%s.sysctls[%zu]", p->psc_path, i);
		const struct node *name = field(p, s, path, "name", NODE_STRING);
		if (s->kind != NODE_OBJECT || !name) {
			problem(p, s, path, "must be an object with a name");
			continue;
		}
		size_t k;
		for (k = 0; k < ARRAY_SIZE(safe_sysctls); k++)
			if (!strcmp(name->text, safe_sysctls[k].name))
				break;
		if (k < ARRAY_SIZE(safe_sysctls) && at_least(p, safe_sysctls[k].since))
			continue;
		control(p, "sysctls", NULL, s, path, "name", allowed.buf,
			"sysctl '%s' is not in the safe set of v1.%u", name->text,
			p->l->o.version > SCPROF_LINT_LATEST ? SCPROF_LINT_LATEST :
							       p->l->o.version);
	}
	strbuf_release(&allowed);
}

/* ---- seccomp ---- */

static bool valid_seccomp_annotation(const struct node *v)
{
	const char *path, *type = v->kind == NODE_STRING ?
					  scprof_pod_seccomp_annotation_type(v->text, &path) :
					  NULL;
	return type && strcmp(type, "Unconfined");
}

/* Before 1.19: the alpha annotations, of the pod and of each container by name. */
static void seccomp_annotations(struct pod *p)
{
	static const char allowed[] = "undefined, runtime/default, docker/default, localhost/*";
	const struct node *a = p->annotations;
	for (size_t k = 0; a && k < a->len; k++) {
		const char *key = a->keys[k].name;
		const struct ctr *c = NULL;
		if (!strncmp(key, SCPROF_SECCOMP_CONTAINER_ANNOTATION,
			     strlen(SCPROF_SECCOMP_CONTAINER_ANNOTATION))) {
			const char *name = key + strlen(SCPROF_SECCOMP_CONTAINER_ANNOTATION);
			for (size_t i = 0; i < p->n_c && !c; i++)
				if (p->c[i].name && !strcmp(p->c[i].name, name))
					c = &p->c[i];
			if (!c)
				continue; /* PSA only looks up the containers the pod has */
		} else if (strcmp(key, SCPROF_SECCOMP_POD_ANNOTATION)) {
			continue;
		}
		if (!valid_seccomp_annotation(a->items[k]))
			annotation_finding(p, "seccompProfile_baseline", c, k, allowed, "seccomp");
	}
}

/* The seccompProfile object of @sc; *type its type ("" when missing). */
static const struct node *seccomp_of(struct pod *p, const struct node *sc, const char *path,
				     const char **type)
{
	const struct node *s = field(p, sc, path, "seccompProfile", NODE_OBJECT);
	_cleanup_free_ char *spath = s ? xasprintf("%s.seccompProfile", path) : NULL;
	const struct node *t = s ? field(p, s, spath, "type", NODE_STRING) : NULL;
	*type = t ? t->text : "";
	return s;
}

static bool valid_seccomp(const char *type)
{
	return !strcmp(type, "RuntimeDefault") || !strcmp(type, "Localhost");
}

static void seccomp_bad(struct pod *p, const char *id, const struct ctr *c, const struct node *s,
			const char *path, const char *allowed)
{
	_cleanup_free_ char *spath = xasprintf("%s.seccompProfile", path);
	const struct node *t = node_get(s, "type");
	control(p, id, c, s, spath, "type", allowed, "seccomp profile type '%s' is forbidden",
		t && t->kind == NODE_STRING ? t->text : "");
}

static void seccomp_controls(struct pod *p)
{
	const char *type;
	if (!at_least(p, 19)) {
		seccomp_annotations(p);
		return;
	}
	if (!restricted(p)) {
		static const char allowed[] = "undefined, RuntimeDefault, Localhost";
		const struct node *s = seccomp_of(p, p->psc, p->psc_path, &type);
		if (s && !valid_seccomp(type))
			seccomp_bad(p, "seccompProfile_baseline", NULL, s, p->psc_path, allowed);
		for (size_t i = 0; i < p->n_c; i++) {
			const struct ctr *c = &p->c[i];
			const char *path = c->sc_path;
			s = seccomp_of(p, c->sc, path, &type);
			if (s && !valid_seccomp(type))
				seccomp_bad(p, "seccompProfile_baseline", c, s, path, allowed);
		}
		return;
	}
	if (p->windows && at_least(p, 25))
		return;
	static const char allowed[] = "RuntimeDefault, Localhost";
	bool pod_ok = false;
	const struct node *s = seccomp_of(p, p->psc, p->psc_path, &type);
	if (s && valid_seccomp(type))
		pod_ok = true;
	else if (s)
		seccomp_bad(p, "seccompProfile_restricted", NULL, s, p->psc_path, allowed);
	for (size_t i = 0; i < p->n_c; i++) {
		const struct ctr *c = &p->c[i];
		const char *path = c->sc_path;
		s = seccomp_of(p, c->sc, path, &type);
		if (s && !valid_seccomp(type)) {
			seccomp_bad(p, "seccompProfile_restricted", c, s, path, allowed);
		} else if (!s && !pod_ok) {
			add(p, "seccompProfile_restricted", c, c->sc ? c->sc : c->n,
			    xasprintf("%s.seccompProfile.type", path), NULL,
			    "RuntimeDefault, Localhost (here or at pod level)",
			    xstrdup("seccomp profile must be set to RuntimeDefault or Localhost"));
		}
	}
}

/* ---- container-level controls ---- */

static const char *const baseline_caps[] = {
	"AUDIT_WRITE",	    "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",	  "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

static void capabilities(struct pod *p, const struct ctr *c, const char *path)
{
	_cleanup_free_ char *cpath = xasprintf("%s.capabilities", path);
	const struct node *caps = field(p, c->sc, path, "capabilities", NODE_OBJECT);
	bool restrict_caps = restricted(p) && at_least(p, 22);
	if (restrict_caps && p->windows && at_least(p, 25))
		return;
	const struct node *add_list = field(p, caps, cpath, "add", NODE_ARRAY);
	for (size_t i = 0; add_list && i < add_list->len; i++) {
		const struct node *v = add_list->items[i];
		const char *name = v->kind == NODE_STRING ? v->text : "";
		_cleanup_free_ char *apath = xasprintf("%s.add[%zu]", cpath, i);
		if (restrict_caps ? !strcmp(name, "NET_BIND_SERVICE") :
				    in_list(name, baseline_caps))
			continue;
		control(p, restrict_caps ? "capabilities_restricted" : "capabilities_baseline", c,
			v, apath, NULL,
			restrict_caps ?
				"NET_BIND_SERVICE" :
				"AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT",
			"adding capability '%s' is forbidden", name);
	}
	if (!restrict_caps)
		return;
	const struct node *drop = field(p, caps, cpath, "drop", NODE_ARRAY);
	for (size_t i = 0; drop && i < drop->len; i++)
		if (drop->items[i]->kind == NODE_STRING && !strcmp(drop->items[i]->text, "ALL"))
			return;
	const struct node *at = drop ? drop : caps ? caps : c->sc ? c->sc : c->n;
	add(p, "capabilities_restricted", c, at, xasprintf("%s.drop", cpath), show(drop), "[ALL]",
	    xstrdup("capabilities must drop ALL"));
}

static void host_ports(struct pod *p, const struct ctr *c)
{
	const struct node *ports = field(p, c->n, c->path, "ports", NODE_ARRAY);
	for (size_t i = 0; ports && i < ports->len; i++) {
		_cleanup_free_ char *path = xasprintf("%s.ports[%zu]", c->path, i);
		const struct node *hp = node_get(ports->items[i], "hostPort");
		int64_t v = 0;
		if (!hp || hp->kind == NODE_NULL || (node_get_i64(hp, &v) && v == 0))
			continue;
		control(p, "hostPorts", c, ports->items[i], path, "hostPort", "undefined, 0",
			"host ports are forbidden");
	}
}

static void host_handler(struct pod *p, const struct ctr *c, const struct node *h, const char *path)
{
	static const char *const kinds[] = { "httpGet", "tcpSocket" };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const struct node *k = field(p, h, path, kinds[i], NODE_OBJECT);
		if (!k)
			continue;
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, kinds[i]);
		const struct node *host = field(p, k, kpath, "host", NODE_STRING);
		if (host && *host->text)
			control(p, "hostProbesAndHostLifecycle", c, k, kpath, "host",
				"undefined, \"\"", "probes and lifecycle hooks must not set host");
	}
}

static void host_probes(struct pod *p, const struct ctr *c)
{
	static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		const struct node *h = field(p, c->n, c->path, probes[i], NODE_OBJECT);
		if (!h)
			continue;
		_cleanup_free_ char *path = xasprintf("%s.%s", c->path, probes[i]);
		host_handler(p, c, h, path);
	}
	const struct node *lc = field(p, c->n, c->path, "lifecycle", NODE_OBJECT);
	if (!lc)
		return;
	_cleanup_free_ char *lpath = xasprintf("%s.lifecycle", c->path);
	static const char *const hooks[] = { "postStart", "preStop" };
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		_cleanup_free_ char *path = xasprintf("%s.%s", lpath, hooks[i]);
		host_handler(p, c, field(p, lc, lpath, hooks[i], NODE_OBJECT), path);
	}
}

static void proc_mount(struct pod *p, const struct ctr *c, const char *path)
{
	bool strict = restricted(p) && at_least(p, 35);
	if (!strict && at_least(p, 35) && p->no_host_users)
		return;
	const struct node *pm = field(p, c->sc, path, "procMount", NODE_STRING);
	if (pm && strcmp(pm->text, "Default"))
		control(p, strict ? "procMount_restricted" : "procMount", c, c->sc, path,
			"procMount", "undefined, Default", "/proc mount type '%s' is forbidden",
			pm->text);
}

static void privilege_escalation(struct pod *p, const struct ctr *c, const char *path)
{
	if (!at_least(p, 8) || (p->windows && at_least(p, 25)))
		return;
	const struct node *ape = field(p, c->sc, path, "allowPrivilegeEscalation", NODE_BOOL);
	if (ape && !ape->boolean)
		return;
	add(p, "allowPrivilegeEscalation", c,
	    ape	  ? ape :
	    c->sc ? c->sc :
		    c->n,
	    xasprintf("%s.allowPrivilegeEscalation", path), show(ape), "false",
	    xstrdup("allowPrivilegeEscalation must be false"));
}

static void run_as_non_root(struct pod *p)
{
	if (at_least(p, 35) && p->no_host_users)
		return;
	const struct node *pn = field(p, p->psc, p->psc_path, "runAsNonRoot", NODE_BOOL);
	if (pn && !pn->boolean)
		control(p, "runAsNonRoot", NULL, p->psc, p->psc_path, "runAsNonRoot", "true",
			"runAsNonRoot must not be false");
	bool pod_ok = pn && pn->boolean;
	for (size_t i = 0; i < p->n_c; i++) {
		const struct ctr *c = &p->c[i];
		const char *path = c->sc_path;
		const struct node *cn = field(p, c->sc, path, "runAsNonRoot", NODE_BOOL);
		if (cn && !cn->boolean)
			control(p, "runAsNonRoot", c, c->sc, path, "runAsNonRoot", "true",
				"runAsNonRoot must not be false");
		else if (!cn && !pod_ok)
			add(p, "runAsNonRoot", c, c->sc ? c->sc : c->n,
			    xasprintf("%s.runAsNonRoot", path), NULL, "true (here or at pod level)",
			    xstrdup("runAsNonRoot must be true, here or at pod level"));
	}
}

static void run_as_user(struct pod *p, const struct ctr *c, const struct node *sc, const char *path)
{
	if (!at_least(p, 23) || (at_least(p, 35) && p->no_host_users))
		return;
	const struct node *u = field(p, sc, path, "runAsUser", NODE_NUMBER);
	int64_t v;
	if (u && node_get_i64(u, &v) && v == 0)
		control(p, "runAsUser", c, sc, path, "runAsUser", "non-zero, undefined",
			"running as uid 0 is forbidden");
}

/* ---- seccomp advice ---- */

static const struct profile_note *note_profile(struct scprof_lint *l, const char *rel)
{
	for (size_t i = 0; i < l->n_notes; i++)
		if (!strcmp(l->notes[i].rel, rel))
			return &l->notes[i];
	GROW(l->notes, l->notes_alloc, l->n_notes + 1);
	struct profile_note *n = &l->notes[l->n_notes++];
	*n = (struct profile_note){ .rel = xstrdup(rel) };

	_cleanup_error_ struct scprof_error *err = NULL;
	_cleanup_free_ char *resolved = NULL;
	if (scprof_pod_resolve_localhost(l->seccomp_root, rel, &resolved, &err) < 0) {
		n->id = "seccomp-localhost-missing";
		n->message = err->code == -ENOENT ?
				     xasprintf("no profile '%s' under the seccomp root '%s'", rel,
					       l->seccomp_root) :
				     xstrdup(err->msg);
		return n;
	}
	/* named as the user gave the root, for messages */
	_cleanup_free_ char *path = xasprintf("%s/%s", l->seccomp_root, rel);
	struct scprof_profile *prof = NULL;
	int e = scprof_profile_load(path, &prof, NULL, &err);
	if (!e)
		e = scprof_profile_flatten(prof, path, NULL, &err);
	if (e < 0) {
		n->id = "seccomp-localhost-invalid";
		n->message = scprof_error_format(err);
		scprof_profile_free(prof);
		return n;
	}
	n->allow_default = prof->default_action == SCPROF_ACT_ALLOW;
	struct strbuf sb = STRBUF_INIT;
	for (const char *const *d = scprof_dangerous_syscalls(); *d; d++) {
		bool allowed = n->allow_default;
		for (size_t r = 0; r < prof->n_rules; r++) {
			const struct scprof_rule *rl = &prof->rules[r];
			for (size_t k = 0; k < rl->n_names; k++)
				if (!strcmp(rl->names[k].name, *d))
					allowed = rl->action == SCPROF_ACT_ALLOW ||
						  rl->action == SCPROF_ACT_LOG;
		}
		if (allowed && !n->allow_default)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", *d);
	}
	n->dangerous = sb.len ? strbuf_detach(&sb) : NULL;
	strbuf_release(&sb);
	scprof_profile_free(prof);
	return n;
}

static void localhost_advice(struct pod *p, const struct ctr *c, const struct node *s,
			     const char *spath)
{
	const struct node *lp = node_get(s, "localhostProfile");
	if (!p->l->seccomp_root || !lp || lp->kind != NODE_STRING)
		return;
	const struct profile_note *n = note_profile(p->l, lp->text);
	_cleanup_free_ char *path = xasprintf("%s.localhostProfile", spath);
	if (n->id)
		add(p, n->id, c, lp, xstrdup(path), xstrdup(lp->text),
		    "a valid profile under the seccomp root", xstrdup(n->message));
	if (n->allow_default)
		add(p, "seccomp-localhost-allow", c, lp, xstrdup(path), xstrdup(lp->text),
		    "a default action that denies",
		    xasprintf("profile '%s' allows by default: a deny-list misses every syscall "
			      "added to the kernel after it was written",
			      lp->text));
	if (n->dangerous)
		add(p, "seccomp-localhost-dangerous", c, lp, xstrdup(path), xstrdup(lp->text),
		    "a profile that denies them",
		    xasprintf("profile '%s' allows known-dangerous syscalls: %s", lp->text,
			      n->dangerous));
}

/*
 * An image reference as the runtime pulls it, for comparing: "nginx" is
 * "docker.io/library/nginx:latest"; a digest is kept and a tag is added only
 * when there is neither.  "*" (a binding for every image) stays "*".
 */
static char *image_key(const char *image)
{
	if (!strcmp(image, "*"))
		return xstrdup(image);
	const char *slash = strchr(image, '/');
	const char *name = slash ? slash + 1 : image;
	bool registry = slash && (memchr(image, '.', (size_t)(slash - image)) ||
				  memchr(image, ':', (size_t)(slash - image)) ||
				  !strncmp(image, "localhost/", 10));
	struct strbuf sb = STRBUF_INIT;
	if (!registry)
		strbuf_addf(&sb, "docker.io/%s%s", slash ? "" : "library/", image);
	else if ((!strncmp(image, "docker.io/", 10) || !strncmp(image, "index.docker.io/", 16)) &&
		 !strchr(name, '/'))
		strbuf_addf(&sb, "docker.io/library/%s", name);
	else
		strbuf_adds(&sb, image);
	const char *last = strrchr(sb.buf, '/');
	if (!strchr(last, ':') && !strchr(last, '@'))
		strbuf_adds(&sb, ":latest");
	return strbuf_detach(&sb);
}

static char *object_name(const char *kind, const char *ns, const char *name)
{
	return xasprintf("%s/%s%s%s", kind, ns ? ns : "", ns ? "/" : "", name ? name : "");
}

static void image_profile_add(struct scprof_lint *l, const char *image, const char *profile,
			      struct pod *p, const struct node *at, const char *binding_ns,
			      bool binding)
{
	GROW(l->images, l->images_alloc, l->n_images + 1);
	l->images[l->n_images] = (struct image_profile){
		.image = image_key(image),
		.profile = xstrdup(profile),
		.where = object_name(p->kind, p->namespace, p->name),
		.file = xstrdup(p->file),
		.line = at ? at->line : 0,
		.binding_ns = dup_or_null(binding_ns),
		.binding = binding,
		.seq = l->n_images,
	};
	l->n_images++;
}

/* Pods made by this workload run the image with another profile than a Localhost one. */
static void wait_for_images(struct pod *p, const struct ctr *c, const char *image,
			    const struct node *at, char *path, char *value)
{
	struct scprof_lint *l = p->l;
	GROW(l->waiting, l->waiting_alloc, l->n_waiting + 1);
	l->waiting[l->n_waiting++] = (struct waiting){
		.pos = SIZE_MAX,
		.f = finding(p, "seccomp-runtime-default-localhost", c, at, path, value,
			     "Localhost", NULL),
		.image = xstrdup(image),
		.image_key = image_key(image),
	};
}

/* Whether seccomp annotation value @v says what the seccompProfile object @sp says. */
static bool annotation_agrees(const struct node *v, const struct node *sp)
{
	const struct node *t = node_get(sp, "type"), *lp = node_get(sp, "localhostProfile");
	if (v->kind != NODE_STRING || !t || t->kind != NODE_STRING)
		return false;
	const char *path, *type = scprof_pod_seccomp_annotation_type(v->text, &path);
	return type && !strcmp(type, t->text) &&
	       (!path || (lp && lp->kind == NODE_STRING && !strcmp(lp->text, path)));
}

/*
 * The seccomp alpha annotations, deprecated since v1.19 for the fields; from
 * v1.25 they are only copied into the fields of new pods, not of static pods,
 * and kubelets no longer read them.  One that says what its field says is
 * left alone.
 */
static void seccomp_annotation_advice(struct pod *p)
{
	const struct node *a = p->annotations;
	if (!at_least(p, 25))
		return;
	for (size_t k = 0; a && k < a->len; k++) {
		const char *key = a->keys[k].name;
		bool ctr = !strncmp(key, SCPROF_SECCOMP_CONTAINER_ANNOTATION,
				    strlen(SCPROF_SECCOMP_CONTAINER_ANNOTATION));
		if (!ctr && strcmp(key, SCPROF_SECCOMP_POD_ANNOTATION))
			continue;
		const struct node *v = a->items[k];
		const struct ctr *c = NULL;
		for (size_t i = 0; ctr && i < p->n_c && !c; i++)
			if (!strcmp(p->c[i].name,
				    key + strlen(SCPROF_SECCOMP_CONTAINER_ANNOTATION)))
				c = &p->c[i];
		if (annotation_agrees(v,
				      node_get(ctr ? c ? c->sc : NULL : p->psc, "seccompProfile")))
			continue;
		add(p, "seccomp-annotation", c, v,
		    xasprintf("%smetadata.annotations[\"%s\"]", p->prefix, key), show(v),
		    "the seccompProfile field",
		    xasprintf("the seccomp annotations are deprecated since v1.19 and being "
			      "removed (from v1.25 kubelets and static pods ignore them): set "
			      "%s.seccompProfile instead",
			      ctr ? "the container's securityContext" : "spec.securityContext"));
	}
}

static void seccomp_advice(struct pod *p)
{
	_cleanup_free_ char *pspath = xasprintf("%s.seccompProfile", p->psc_path);
	const struct node *ps = node_get(p->psc, "seccompProfile");
	if (ps && ps->kind != NODE_OBJECT)
		ps = NULL;
	const struct node *pt = ps ? node_get(ps, "type") : NULL;
	bool pod_localhost = pt && pt->kind == NODE_STRING && !strcmp(pt->text, "Localhost");
	if (pod_localhost)
		localhost_advice(p, NULL, ps, pspath);

	bool any_own = false, differ = false;
	const char *image = NULL;
	for (size_t i = 0; i < p->n_c; i++) {
		const struct ctr *c = &p->c[i];
		const char *path = c->sc_path;
		const struct node *s = node_get(c->sc, "seccompProfile");
		const struct node *img = node_get(c->n, "image");
		const char *im = img && img->kind == NODE_STRING ? img->text : "";
		differ |= image && strcmp(image, im);
		image = im;
		bool localhost = pod_localhost;
		const struct node *own = NULL; /* the container's own type */
		if (s && s->kind == NODE_OBJECT) {
			any_own = true;
			const struct node *t = node_get(s, "type");
			own = t && t->kind == NODE_STRING ? t : NULL;
			localhost = own && !strcmp(own->text, "Localhost");
			if (localhost) {
				_cleanup_free_ char *spath = xasprintf("%s.seccompProfile", path);
				localhost_advice(p, c, s, spath);
			}
		}
		const struct node *lp = node_get(own ? s : ps, "localhostProfile");
		if (*im && localhost && lp && lp->kind == NODE_STRING)
			image_profile_add(p->l, im, lp->text, p, lp, NULL, false);
		const struct node *eff = own ? own : pt && pt->kind == NODE_STRING ? pt : NULL;
		if (*im && !localhost && (!eff || !strcmp(eff->text, "RuntimeDefault")))
			wait_for_images(p, c, im,
					eff   ? eff :
					c->sc ? c->sc :
						c->n,
					eff == own && own ?
						xasprintf("%s.seccompProfile.type", path) :
					eff ? xasprintf("%s.type", pspath) :
					      xasprintf("%s.seccompProfile.type", path),
					eff ? xstrdup(eff->text) : NULL);
		const struct node *ape = node_get(c->sc, "allowPrivilegeEscalation");
		if (localhost && !(ape && ape->kind == NODE_BOOL && !ape->boolean))
			add(p, "seccomp-privilege-escalation", c,
			    ape	  ? ape :
			    c->sc ? c->sc :
				    c->n,
			    xasprintf("%s.allowPrivilegeEscalation", path), show(ape), "false",
			    xstrdup("without no_new_privs the runtime loads the filter before it "
				    "drops privileges, so the Localhost profile must also allow "
				    "the runtime's own syscalls (runc, crun); set "
				    "allowPrivilegeEscalation: false"));
	}
	if (pod_localhost && !any_own && differ)
		add(p, "seccomp-pod-level-only", NULL, ps, xstrdup(pspath),
		    show(node_get(ps, "type")), "a profile per container",
		    xstrdup("the containers run different images but share the pod's one seccomp "
			    "profile, which must allow what every one of them calls; give each "
			    "container its own profile"));
}

/* ---- one pod spec ---- */

static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };

static void read_containers(struct pod *p)
{
	for (size_t k = 0; k < ARRAY_SIZE(lists); k++) {
		const struct node *arr = field(p, p->spec, p->spec_path, lists[k], NODE_ARRAY);
		for (size_t i = 0; arr && i < arr->len; i++) {
			const struct node *n = arr->items[i];
			_cleanup_free_ char *path =
				xasprintf("%s.%s[%zu]", p->spec_path, lists[k], i);
			if (n->kind != NODE_OBJECT) {
				problem(p, n, path, "must be an object, not %s",
					kind_name(n->kind));
				continue;
			}
			const struct node *name = field(p, n, path, "name", NODE_STRING);
			for (size_t j = 0; name && j < p->n_c; j++)
				if (p->c[j].name && !strcmp(p->c[j].name, name->text)) {
					_cleanup_free_ char *npath = xasprintf("%s.name", path);
					problem(p, name, npath,
						"duplicate container name '%s' (also %s)",
						name->text, p->c[j].path);
				}
			char *sc_path = xasprintf("%s.securityContext", path);
			GROW(p->c, p->c_alloc, p->n_c + 1);
			p->c[p->n_c++] = (struct ctr){
				.n = n,
				.sc = field(p, n, path, "securityContext", NODE_OBJECT),
				.list = lists[k],
				.index = i,
				.name = name ? name->text : "",
				.path = steal_ptr(&path),
				.sc_path = sc_path,
			};
		}
	}
}

static void check_pod(struct pod *p)
{
	p->psc = field(p, p->spec, p->spec_path, "securityContext", NODE_OBJECT);
	const struct node *os = field(p, p->spec, p->spec_path, "os", NODE_OBJECT);
	const struct node *osn = node_get(os, "name");
	p->windows = osn && osn->kind == NODE_STRING && !strcmp(osn->text, "windows");
	const struct node *hu = field(p, p->spec, p->spec_path, "hostUsers", NODE_BOOL);
	p->no_host_users = hu && !hu->boolean;
	read_containers(p);

	host_process(p, NULL, p->psc, p->psc_path);
	host_namespaces(p);
	volumes(p);
	app_armor(p, NULL, p->psc, p->psc_path);
	app_armor_annotations(p);
	se_linux(p, NULL, p->psc, p->psc_path);
	sysctls(p);
	seccomp_controls(p);
	if (restricted(p)) {
		run_as_non_root(p);
		run_as_user(p, NULL, p->psc, p->psc_path);
	}
	for (size_t i = 0; i < p->n_c; i++) {
		const struct ctr *c = &p->c[i];
		const char *path = c->sc_path;
		host_process(p, c, c->sc, path);
		if (is_true(p, c->sc, path, "privileged"))
			control(p, "privileged", c, c->sc, path, "privileged", "undefined, false",
				"privileged containers are forbidden");
		capabilities(p, c, path);
		host_ports(p, c);
		if (at_least(p, 34))
			host_probes(p, c);
		app_armor(p, c, c->sc, path);
		se_linux(p, c, c->sc, path);
		proc_mount(p, c, path);
		if (restricted(p)) {
			privilege_escalation(p, c, path);
			run_as_user(p, c, c->sc, path);
		}
	}
	seccomp_advice(p);
	seccomp_annotation_advice(p);
}

/* ---- objects ---- */

static const char *str(const struct node *n)
{
	return n && n->kind == NODE_STRING ? n->text : NULL;
}

/* An object's findings in the order of the file (insertion sort: stable, and lists are short). */
static void sort_findings(struct scprof_lint *l, size_t from)
{
	for (size_t i = from + 1; i < l->n; i++) {
		struct scprof_lint_finding x = l->f[i];
		size_t j = i;
		while (j > from && (l->f[j - 1].line > x.line ||
				    (l->f[j - 1].line == x.line && l->f[j - 1].col > x.col))) {
			l->f[j] = l->f[j - 1];
			j--;
		}
		l->f[j] = x;
	}
}

/* Where the findings of waiting containers [@wfrom, end) go among their object's [@from, end). */
static void place_waiting(struct scprof_lint *l, size_t from, size_t wfrom)
{
	for (size_t i = wfrom; i < l->n_waiting; i++) {
		struct waiting *w = &l->waiting[i];
		size_t at = from;
		while (at < l->n && (l->f[at].line < w->f.line ||
				     (l->f[at].line == w->f.line && l->f[at].col <= w->f.col)))
			at++;
		w->pos = at;
	}
}

/*
 * A Security Profiles Operator ProfileBinding: its webhook gives containers of
 * spec.image (or of every image for "*") in the binding's namespace the
 * SeccompProfile spec.profileRef.name.
 */
static void profile_binding(struct pod *p, const struct node *o)
{
	const struct node *spec = node_get(o, "spec");
	const struct node *image = node_get(spec, "image");
	const struct node *ref = node_get(spec, "profileRef");
	const char *kind = str(node_get(ref, "kind"));
	const char *name = str(node_get(ref, "name"));
	if (!image || image->kind != NODE_STRING || !*image->text || !kind ||
	    strcmp(kind, "SeccompProfile") || !name)
		return;
	image_profile_add(p->l, image->text, name, p, image, p->namespace ? p->namespace : "",
			  true);
}

static void check_object(struct scprof_lint *l, const char *file, size_t doc, const struct node *o,
			 const char *at)
{
	struct pod p = { .l = l, .file = file, .doc = doc };
	if (!o || o->kind == NODE_NULL)
		return; /* an empty document */
	if (o->kind != NODE_OBJECT) {
		problem(&p, o, *at ? at : "(document)", "not a Kubernetes object but %s",
			kind_name(o->kind));
		return;
	}
	const struct node *meta = node_get(o, "metadata");
	p.kind = str(node_get(o, "kind"));
	p.name = str(node_get(meta, "name"));
	p.namespace = str(node_get(meta, "namespace"));
	if (!p.kind) {
		_cleanup_free_ char *kpath = xasprintf("%skind", at);
		problem(&p, o, kpath, "missing: not a Kubernetes object");
		return;
	}
	size_t kl = strlen(p.kind);
	const struct node *items = node_get(o, "items");
	if (kl >= 4 && !strcmp(p.kind + kl - 4, "List") && items && items->kind == NODE_ARRAY) {
		for (size_t i = 0; i < items->len; i++) {
			_cleanup_free_ char *sub = xasprintf("%sitems[%zu].", at, i);
			check_object(l, file, doc, items->items[i], sub);
		}
		return;
	}
	if (!strcmp(p.kind, "ProfileBinding")) {
		profile_binding(&p, o);
		return;
	}
	const char *const *keys = scprof_pod_template_path(p.kind);
	if (!keys) {
		add(&p, "unknown-kind", NULL, node_get(o, "kind"), xasprintf("%skind", at),
		    xstrdup(p.kind), NULL,
		    xasprintf("skipped: %s is not a Pod nor a workload with a pod template",
			      p.kind));
		return;
	}
	struct strbuf path = STRBUF_INIT;
	strbuf_adds(&path, at);
	const struct node *t = o;
	for (size_t i = 0; keys[i]; i++) {
		const struct node *next = node_get(t, keys[i]);
		strbuf_addf(&path, "%s.", keys[i]);
		if (!next || next->kind != NODE_OBJECT) {
			path.buf[--path.len] = '\0';
			problem(&p, next ? next : t, path.buf, "%s has no pod template: %s", p.kind,
				next ? "not an object" : "missing");
			strbuf_release(&path);
			return;
		}
		t = next;
	}
	p.prefix = strbuf_detach(&path);
	_cleanup_free_ char *spec_path = xasprintf("%sspec", p.prefix);
	_cleanup_free_ char *psc_path = xasprintf("%sspec.securityContext", p.prefix);
	p.spec_path = spec_path;
	p.psc_path = psc_path;
	const struct node *tmeta = node_get(t, "metadata");
	p.annotations = node_get(tmeta, "annotations");
	if (p.annotations && p.annotations->kind != NODE_OBJECT)
		p.annotations = NULL;
	p.spec = node_get(t, "spec");
	if (!p.spec || p.spec->kind != NODE_OBJECT) {
		problem(&p, p.spec ? p.spec : t, spec_path, "%s has no pod spec: %s", p.kind,
			p.spec ? "not an object" : "missing");
	} else {
		size_t from = l->n, wfrom = l->n_waiting;
		l->objects++;
		check_pod(&p);
		sort_findings(l, from);
		place_waiting(l, from, wfrom);
	}
	for (size_t i = 0; i < p.n_c; i++) {
		free(p.c[i].path);
		free(p.c[i].sc_path);
	}
	free(p.c);
	free(p.prefix);
}

struct stream {
	struct scprof_lint *l;
	const char *file;
	size_t docs;
};

static int on_document(struct node *doc, size_t index, void *data)
{
	struct stream *s = data;
	s->docs = index + 1;
	check_object(s->l, s->file, index + 1, doc, "");
	node_free(doc);
	return 0;
}

/*
 * Large streams are cut at document markers ("---" at the start of a line,
 * which YAML 1.2 forbids inside any scalar, so it always starts a document)
 * into parts read in parallel, each into its own list; the lists are then
 * joined in order with document indexes and lines shifted.  On a syntax
 * error the parts are dropped and the stream read again in one piece.  Only where lines
 * are counted by '\n' alone: not with '\r', NEL, LS or PS line breaks, nor
 * %directives, which apply to the document after them.
 */
#define PART_MIN (2u * 1024 * 1024)
#define PARTS_MAX 8

struct part {
	const char *buf;
	size_t len;
	unsigned line0; /* lines before the part */
	struct scprof_lint *l;
	struct stream s;
	struct scprof_error *err;
	int e;
	pthread_t thread;
	bool started;
};

static void *read_part(void *data)
{
	struct part *pt = data;
	pt->e = yaml_parse_stream_k8s(pt->buf, pt->len, on_document, &pt->s, &pt->err);
	return NULL;
}

static bool splittable(const char *buf, size_t len)
{
	if (memchr(buf, '\r', len) || memmem(buf, len, "\xc2\x85", 2) ||
	    memmem(buf, len, "\xe2\x80\xa8", 3) || memmem(buf, len, "\xe2\x80\xa9", 3))
		return false;
	return !(len && buf[0] == '%') && !memmem(buf, len, "\n%", 2);
}

/* The start of the first document marker line at or after @from, or @len. */
static size_t next_marker(const char *buf, size_t len, size_t from)
{
	for (const char *p = buf + from; (p = memmem(p, len - (size_t)(p - buf), "\n---", 4));
	     p++) {
		size_t at = (size_t)(p - buf) + 1, after = at + 3;
		if (after == len || strchr(" \t\n", buf[after]))
			return at;
	}
	return len;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

/* Move @from's findings to the end of @to's, shifted by @docs documents and @lines lines. */
static void join(struct scprof_lint *to, struct scprof_lint *from, size_t docs, unsigned lines)
{
	GROW(to->waiting, to->waiting_alloc, to->n_waiting + from->n_waiting);
	for (size_t i = 0; i < from->n_waiting; i++) {
		struct waiting *w = &from->waiting[i];
		w->pos += to->n;
		w->f.doc += docs;
		w->f.line += lines;
		to->waiting[to->n_waiting++] = *w;
	}
	from->n_waiting = 0;
	GROW(to->images, to->images_alloc, to->n_images + from->n_images);
	for (size_t i = 0; i < from->n_images; i++) {
		struct image_profile *im = &from->images[i];
		im->seq += to->n_images;
		if (im->line)
			im->line += lines;
		to->images[to->n_images++] = *im;
	}
	from->n_images = 0;
	GROW(to->f, to->alloc, to->n + from->n);
	for (size_t i = 0; i < from->n; i++) {
		struct scprof_lint_finding *f = &from->f[i];
		f->doc += docs;
		if (f->line)
			f->line += lines;
		to->f[to->n++] = *f;
	}
	to->objects += from->objects;
	from->n = 0;
}

static int read_parallel(struct scprof_lint *l, const char *buf, size_t len, const char *name)
{
	long cpus = l->o.jobs ? (long)l->o.jobs : sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = len / PART_MIN;
	if (cpus > 0 && want > (size_t)cpus)
		want = (size_t)cpus;
	if (want > PARTS_MAX)
		want = PARTS_MAX;
	struct part parts[PARTS_MAX] = { 0 };
	size_t n = 0, at = 0;
	unsigned lines = 0;
	while (at < len && n < want) {
		size_t end = n + 1 == want ? len : next_marker(buf, len, at + len / want);
		parts[n] = (struct part){ .buf = buf + at, .len = end - at, .line0 = lines };
		lines += (unsigned)count_lines(buf + at, end - at);
		at = end;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		struct part *pt = &parts[i];
		pt->l = scprof_lint_new(&l->o);
		pt->s = (struct stream){ .l = pt->l, .file = name };
		if (i)
			pt->started = !pthread_create(&pt->thread, NULL, read_part, pt);
	}
	read_part(&parts[0]);
	bool ok = !parts[0].e;
	for (size_t i = 1; i < n; i++) {
		if (parts[i].started)
			pthread_join(parts[i].thread, NULL);
		else
			read_part(&parts[i]);
		ok &= !parts[i].e;
	}
	size_t docs = 0;
	for (size_t i = 0; i < n; i++) {
		if (ok)
			join(l, parts[i].l, docs, parts[i].line0);
		docs += parts[i].s.docs;
		scprof_lint_free(parts[i].l);
		scprof_error_free(parts[i].err);
	}
	/* a syntax error: read again in one piece, for the error as it is without parts */
	return ok ? 0 : -EAGAIN;
}

int scprof_lint_buf(struct scprof_lint *l, const char *buf, size_t len, const char *name,
		    struct scprof_error **err)
{
	_cleanup_error_ struct scprof_error *perr = NULL;
	struct stream s = { .l = l, .file = name };
	size_t i = 0;
	int e;
	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	bool json = i < len && (buf[i] == '{' || buf[i] == '[');
	if (json) {
		struct node *doc = NULL;
		e = json_parse(buf, len, &doc, &perr);
		if (!e)
			on_document(doc, 0, &s);
	} else {
		e = -EAGAIN;
		if (len >= 2 * PART_MIN && l->o.jobs != 1 && splittable(buf, len))
			e = read_parallel(l, buf, len, name);
		if (e == -EAGAIN)
			e = yaml_parse_stream_k8s(buf, len, on_document, &s, &perr);
	}
	if (e < 0)
		return error_set_at(err, e, name, perr->line, perr->col,
				    "document %zu: invalid %s: %s", s.docs + 1,
				    json ? "JSON" : "YAML", perr->msg);
	return 0;
}

int scprof_lint_file(struct scprof_lint *l, const char *path, struct scprof_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int e = read_file(path, LINT_MAX_INPUT, &buf, &len, err);
	if (e < 0)
		return e;
	return scprof_lint_buf(l, buf, len, strcmp(path, "-") ? path : "<stdin>", err);
}

static int cmp_image(const void *a, const void *b)
{
	const struct image_profile *x = a, *y = b;
	int c = strcmp(x->image, y->image);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_waiting(const void *a, const void *b)
{
	const struct waiting *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	if (x->f.line != y->f.line)
		return x->f.line < y->f.line ? -1 : 1;
	return x->f.col < y->f.col ? -1 : x->f.col > y->f.col;
}

static const struct image_profile *find_image(struct scprof_lint *l, const char *key,
					      const struct waiting *w)
{
	size_t lo = 0, hi = l->n_images;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(l->images[mid].image, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n_images && !strcmp(l->images[i].image, key); i++) {
		const struct image_profile *im = &l->images[i];
		if (im->binding) {
			/* a pod without a namespace may be created in the binding's */
			if (!w->f.namespace || !strcmp(w->f.namespace, im->binding_ns))
				return im;
		} else if (!l->seccomp_root || !note_profile(l, im->profile)->id) {
			return im;
		}
	}
	return NULL;
}

static void free_finding(struct scprof_lint_finding *f)
{
	free(f->file);
	free(f->kind);
	free(f->namespace);
	free(f->name);
	free(f->container);
	free(f->path);
	free(f->value);
	free(f->allowed);
	free(f->message);
}

void scprof_lint_finish(struct scprof_lint *l)
{
	if (l->n_images)
		qsort(l->images, l->n_images, sizeof(*l->images), cmp_image);
	size_t kept = 0;
	for (size_t i = 0; i < l->n_waiting; i++) {
		struct waiting *w = &l->waiting[i];
		const struct image_profile *im = find_image(l, w->image_key, w);
		if (!im)
			im = find_image(l, "*", w);
		const char *now = w->f.value ?
					  "RuntimeDefault allows whatever the runtime allows" :
					  "without a profile it runs unconfined (or under the "
					  "runtime's default with the kubelet's SeccompDefault)";
		if (!im)
			free_finding(&w->f);
		else if (im->binding)
			w->f.message = xasprintf(
				"%s (%s:%u) gives image %s the operator's SeccompProfile '%s' where "
				"binding is enabled: set it here as type Localhost, so that the "
				"manifest says which profile runs",
				im->where, im->file, im->line, w->image, im->profile);
		else
			w->f.message = xasprintf(
				"image %s has a Localhost profile, '%s' (%s, %s:%u): %s, the "
				"Localhost profile only what the image calls",
				w->image, im->profile, im->where, im->file, im->line, now);
		if (im)
			l->waiting[kept++] = *w;
		free(w->image);
		free(w->image_key);
	}
	l->n_waiting = 0;
	if (!kept)
		return;
	qsort(l->waiting, kept, sizeof(*l->waiting), cmp_waiting);
	struct scprof_lint_finding *f = xcalloc(l->n + kept, sizeof(*f));
	size_t n = 0, w = 0;
	for (size_t i = 0; i <= l->n; i++) {
		while (w < kept && l->waiting[w].pos == i)
			f[n++] = l->waiting[w++].f;
		if (i < l->n)
			f[n++] = l->f[i];
	}
	free(l->f);
	l->f = f;
	l->n = l->alloc = n;
}

struct scprof_lint *scprof_lint_new(const struct scprof_lint_opts *o)
{
	struct scprof_lint *l = xcalloc(1, sizeof(*l));
	l->o = *o;
	l->seccomp_root = dup_or_null(o->seccomp_root);
	l->o.seccomp_root = l->seccomp_root;
	return l;
}

const struct scprof_lint_finding *scprof_lint_findings(const struct scprof_lint *l, size_t *n)
{
	*n = l->n;
	return l->f;
}

size_t scprof_lint_objects(const struct scprof_lint *l)
{
	return l->objects;
}

void scprof_lint_free(struct scprof_lint *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free_finding(&l->f[i]);
	for (size_t i = 0; i < l->n_waiting; i++) {
		free_finding(&l->waiting[i].f);
		free(l->waiting[i].image);
		free(l->waiting[i].image_key);
	}
	free(l->waiting);
	for (size_t i = 0; i < l->n_images; i++) {
		struct image_profile *im = &l->images[i];
		free(im->image);
		free(im->profile);
		free(im->where);
		free(im->file);
		free(im->binding_ns);
	}
	free(l->images);
	free(l->f);
	for (size_t i = 0; i < l->n_notes; i++) {
		free(l->notes[i].rel);
		free(l->notes[i].message);
		free(l->notes[i].dangerous);
	}
	free(l->notes);
	free(l->seccomp_root);
	free(l);
}
