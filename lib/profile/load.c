// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading profiles from files, stdin, memory and the built-in names. */
#include "profile/profile.h"

static const char *const builtin_names[] = { "runtime/default", "unconfined", NULL };

/*
 * Allow everything, on every architecture Docker's default lists: a filter that
 * only named the native architecture would kill 32-bit calls.
 */
static const char unconfined_text[] =
	"{\n"
	"\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	"\t\"archMap\": [\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"] },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_MIPS64\", \"subArchitectures\": [\"SCMP_ARCH_MIPS\", \"SCMP_ARCH_MIPS64N32\"] },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_MIPSEL64\", \"subArchitectures\": [\"SCMP_ARCH_MIPSEL\", \"SCMP_ARCH_MIPSEL64N32\"] },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_S390X\", \"subArchitectures\": [\"SCMP_ARCH_S390\"] },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_PPC64LE\", \"subArchitectures\": null },\n"
	"\t\t{ \"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null }\n"
	"\t],\n"
	"\t\"syscalls\": []\n"
	"}\n";

/* Docker's default profile, embedded at build time (lib/profile/data/runtime-default.json). */
extern const char profile_runtime_default[];
extern const size_t profile_runtime_default_len;

const char *profile_builtin_text(const char *name, size_t *len)
{
	if (!strcmp(name, "runtime/default")) {
		*len = profile_runtime_default_len;
		return profile_runtime_default;
	}
	if (!strcmp(name, "unconfined")) {
		*len = sizeof(unconfined_text) - 1;
		return unconfined_text;
	}
	return NULL;
}

bool scprof_profile_is_builtin(const char *name)
{
	for (size_t i = 0; builtin_names[i]; i++)
		if (!strcmp(name, builtin_names[i]))
			return true;
	return false;
}

const char *const *scprof_profile_builtins(void)
{
	return builtin_names;
}

static bool looks_like_json(const char *buf, size_t len, const char *name)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len)
		return buf[i] == '{' || buf[i] == '[';
	/* empty: let the extension pick the parser whose message the user expects */
	size_t n = strlen(name);
	return !(n > 5 && (!strcmp(name + n - 5, ".yaml") || !strcmp(name + n - 4, ".yml")));
}

int scprof_profile_parse(const char *buf, size_t len, const char *name, struct scprof_profile **out,
			 struct scprof_diags *diags, struct scprof_error **err)
{
	struct scprof_diags local = { 0 };
	struct scprof_diags *d = diags ? diags : &local;
	size_t before = d->n;
	_cleanup_node_ struct node *doc = NULL;
	_cleanup_error_ struct scprof_error *perr = NULL;
	bool json = looks_like_json(buf, len, name);
	int r;

	*out = NULL;
	r = json ? json_parse(buf, len, &doc, &perr) : yaml_parse(buf, len, &doc, &perr);
	if (r < 0) {
		scprof_diags_add(d, SCPROF_SEV_ERROR, perr->line, perr->col, "%s", perr->msg);
		error_set_at(err, r, name, perr->line, perr->col, "%s", perr->msg);
		scprof_diags_release(&local);
		return r;
	}

	struct scprof_profile *p = NULL;
	profile_decode(doc, json ? SCPROF_SYNTAX_JSON : SCPROF_SYNTAX_YAML, &p, d);
	scprof_profile_check(p, d);

	const struct scprof_diag *first = NULL;
	size_t nerr = 0;
	for (size_t i = before; i < d->n; i++) {
		const struct scprof_diag *x = &d->items[i];
		if (x->severity != SCPROF_SEV_ERROR)
			continue;
		nerr++;
		if (!first || x->line < first->line ||
		    (x->line == first->line && x->col < first->col))
			first = x;
	}
	if (first) {
		if (nerr > 1)
			error_set_at(err, -EINVAL, name, first->line, first->col,
				     "%s (and %zu more errors; see 'scprof validate')", first->msg,
				     nerr - 1);
		else
			error_set_at(err, -EINVAL, name, first->line, first->col, "%s", first->msg);
		scprof_profile_free(p);
		scprof_diags_release(&local);
		return -EINVAL;
	}
	scprof_diags_release(&local);
	*out = p;
	return 0;
}

int scprof_profile_load(const char *source, struct scprof_profile **out, struct scprof_diags *diags,
			struct scprof_error **err)
{
	size_t len;
	const char *text = profile_builtin_text(source, &len);
	if (text)
		return scprof_profile_parse(text, len, source, out, diags, err);

	_cleanup_free_ char *buf = NULL;
	int r = read_file(source, SCPROF_MAX_INPUT, &buf, &len, err);
	if (r < 0) {
		*out = NULL;
		return r;
	}
	return scprof_profile_parse(buf, len, strcmp(source, "-") ? source : "<stdin>", out, diags,
				    err);
}
