// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Artifact references.
 *
 *   registry:  HOST[:PORT]/NAME[:TAG][@sha256:HEX]
 *   layout:    oci:DIR[:TAG]
 *
 * NAME is one or more '/'-separated components of lowercase letters and digits
 * joined by '.', '_', '__' or runs of '-' (the distribution spec's
 * [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*), at most 255 characters with the host.
 * TAG is [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.  When both a tag and a digest are
 * given the digest decides, as with docker and skopeo.  For a layout the last
 * ':' starts the tag unless what follows holds a '/' (so "oci:./a:b/c" is a
 * directory), which is how skopeo reads oci: references too.
 */
#include <ctype.h>

#include "oci/ref.h"
#include "util/util.h"

void oci_ref_release(struct oci_ref *ref)
{
	free(ref->host);
	free(ref->repo);
	free(ref->dir);
	free(ref->tag);
	memset(ref, 0, sizeof(*ref));
}

bool oci_digest_valid(const char *s)
{
	if (strncmp(s, "sha256:", 7))
		return false;
	s += 7;
	for (int i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return s[64] == '\0';
}

bool oci_tag_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component of a repository name, @n bytes at @s. */
static bool component_valid(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
			i++;
		else if (s[i] == '_')
			i += 2;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i >= n || !lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool repo_valid(const char *s)
{
	while (*s) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		if (!component_valid(s, n))
			return false;
		if (!slash)
			return true;
		s = slash + 1;
		if (!*s)
			return false;
	}
	return false;
}

/* A host: letters, digits, '.', '-', an optional :PORT, or a bracketed IPv6 address. */
static bool host_valid(const char *s)
{
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end == s + 1)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return false;
		colon = end[1] ? end + 1 : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = strchr(s, ':');
		size_t n = colon ? (size_t)(colon - s) : strlen(s);
		if (n == 0)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
				return false;
	}
	if (colon) {
		uint64_t port;
		if (!colon[1] || strlen(colon + 1) > 5 || !parse_u64(colon + 1, &port) ||
		    !isdigit((unsigned char)colon[1]) || port == 0 || port > 65535)
			return false;
	}
	return true;
}

static int parse_layout(const char *s, struct oci_ref *ref, struct scprof_error **err)
{
	const char *colon = strrchr(s, ':');
	ref->kind = OCI_REF_LAYOUT;
	if (colon && !strchr(colon, '/')) {
		if (!oci_tag_valid(colon + 1))
			return error_set(err, -EINVAL, "invalid tag '%s' in reference 'oci:%s'",
					 colon + 1, s);
		ref->dir = xstrndup(s, (size_t)(colon - s));
		ref->tag = xstrdup(colon + 1);
	} else {
		ref->dir = xstrdup(s);
	}
	if (!ref->dir[0])
		return error_set(err, -EINVAL, "reference 'oci:%s' names no directory", s);
	return 0;
}

int oci_ref_parse(const char *s, struct oci_ref *ref, struct scprof_error **err)
{
	_cleanup_free_ char *name = NULL;
	const char *slash, *at, *last_slash, *colon;
	int r;

	memset(ref, 0, sizeof(*ref));
	if (!strncmp(s, "oci:", 4) && strncmp(s, "oci://", 6)) {
		r = parse_layout(s + 4, ref, err);
		if (r < 0)
			oci_ref_release(ref);
		return r;
	}
	ref->kind = OCI_REF_REGISTRY;
	slash = strchr(s, '/');
	if (!slash)
		return error_set(err, -EINVAL,
				 "invalid reference '%s': expected HOST[:PORT]/NAME[:TAG|@DIGEST]",
				 s);
	ref->host = xstrndup(s, (size_t)(slash - s));
	if (!host_valid(ref->host) ||
	    (!strpbrk(ref->host, ".:[") && strcmp(ref->host, "localhost"))) {
		r = error_set(
			err, -EINVAL,
			"invalid reference '%s': '%s' is not a registry host (give one, such as "
			"registry.example.com/%s)",
			s, ref->host, slash + 1);
		oci_ref_release(ref);
		return r;
	}
	name = xstrdup(slash + 1);
	at = strchr(name, '@');
	if (at) {
		if (!oci_digest_valid(at + 1)) {
			r = error_set(
				err, -EINVAL,
				"invalid digest '%s' in reference '%s' (sha256:<64 hex digits>)",
				at + 1, s);
			oci_ref_release(ref);
			return r;
		}
		strcpy(ref->digest, at + 1);
		name[at - name] = '\0';
	}
	last_slash = strrchr(name, '/');
	colon = strchr(last_slash ? last_slash : name, ':');
	if (colon) {
		if (!oci_tag_valid(colon + 1)) {
			r = error_set(err, -EINVAL, "invalid tag '%s' in reference '%s'", colon + 1,
				      s);
			oci_ref_release(ref);
			return r;
		}
		ref->tag = xstrdup(colon + 1);
		name[colon - name] = '\0';
	}
	if (!repo_valid(name) || strlen(name) + strlen(ref->host) + 1 > 255) {
		r = error_set(err, -EINVAL,
			      "invalid repository name '%s' in reference '%s' (lowercase letters, "
			      "digits and separators)",
			      name, s);
		oci_ref_release(ref);
		return r;
	}
	ref->repo = steal_ptr(&name);
	if (!ref->tag && !ref->digest[0])
		ref->tag = xstrdup("latest");
	return 0;
}
