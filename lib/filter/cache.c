// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A cache of compiled programs, so that scprof run does not ask libseccomp
 * again for a profile it has compiled before (most of run's start-up).
 *
 * An entry is a file named by a hash of its key:
 *   "SCPROF-BPF 1\n" u32 key_len, key, u32 n_insns, insns, u64 FNV-1a of all before
 * The key holds everything the program depends on: scprof's and libseccomp's
 * versions, the host architecture, the options and the whole semantic view.
 * It is compared in full when read, so a hash collision cannot hand back
 * another program, and the checksum catches a damaged file; an entry that
 * does not read back is compiled anew.
 */
#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "scprof/compile.h"
#include "util/util.h"

#define MAGIC "SCPROF-BPF 1\n"
#define MAX_ENTRIES 256 /* beyond this, the oldest go */

static void key_u64(struct strbuf *k, uint64_t v)
{
	strbuf_add(k, &v, sizeof(v));
}

static void build_key(const struct scprof_semantic *s, const struct scprof_compile_opts *o,
		      struct strbuf *k)
{
	const struct scmp_version *v = seccomp_version();
	strbuf_addf(k, "scprof %s libseccomp %u.%u.%u native %s enosys %d tree %d\n",
		    SCPROF_VERSION, v->major, v->minor, v->micro, scprof_arch_native()->name,
		    o->enosys_stub, o->binary_tree);
	key_u64(k, s->default_action);
	key_u64(k, s->flags);
	key_u64(k, s->n_profile_rules);
	key_u64(k, s->n_arches);
	for (size_t i = 0; i < s->n_arches; i++) {
		const struct scprof_sem_arch *a = &s->arches[i];
		strbuf_addf(k, "%s", a->arch->name); /* x32 shares x86_64's token */
		key_u64(k, a->arch->token);
		key_u64(k, (uint64_t)(int64_t)a->max_named);
		key_u64(k, a->n_syscalls);
		for (size_t j = 0; j < a->n_syscalls; j++) {
			const struct scprof_sem_syscall *sc = &a->syscalls[j];
			key_u64(k, (uint64_t)(int64_t)sc->nr);
			key_u64(k, sc->n_rules);
			for (size_t r = 0; r < sc->n_rules; r++) {
				const struct scprof_sem_rule *rule = &sc->rules[r];
				key_u64(k, rule->action);
				key_u64(k, rule->n_conds);
				for (size_t c = 0; c < rule->n_conds; c++) {
					key_u64(k, rule->conds[c].index);
					key_u64(k, rule->conds[c].op);
					key_u64(k, rule->conds[c].value);
					key_u64(k, rule->conds[c].value_two);
				}
			}
		}
	}
}

static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

/* The program of the entry @path if its key is @key; NULL otherwise. */
static struct scprof_bpf *load_entry(const char *path, const struct strbuf *key)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (read_file(path, SCPROF_MAX_INPUT, &data, &len, NULL) < 0)
		return NULL;
	size_t m = sizeof(MAGIC) - 1, at = m + 4;
	uint32_t klen, n;
	uint64_t sum;
	if (len < at + 8 || memcmp(data, MAGIC, m))
		return NULL;
	len -= 8;
	memcpy(&sum, data + len, 8);
	if (sum != fnv1a(data, len))
		return NULL;
	memcpy(&klen, data + m, 4);
	if (klen != key->len || len - at < (size_t)klen + 4 || memcmp(data + at, key->buf, klen))
		return NULL;
	at += klen;
	memcpy(&n, data + at, 4);
	at += 4;
	if ((len - at) / sizeof(struct sock_filter) != n || (len - at) % sizeof(struct sock_filter))
		return NULL;
	struct scprof_bpf *prog = NULL;
	if (scprof_bpf_from_raw(data + at, len - at, &prog, NULL) < 0)
		return NULL;
	if (scprof_bpf_check(prog, NULL) < 0) {
		scprof_bpf_free(prog);
		return NULL;
	}
	return prog;
}

int scprof_compile_cached(const struct scprof_semantic *s, const struct scprof_profile *p,
			  const struct scprof_compile_opts *opts, const char *dir,
			  struct scprof_bpf **out, struct scprof_error **err)
{
	struct scprof_compile_opts defaults;
	if (!opts) {
		scprof_compile_opts_init(&defaults);
		opts = &defaults;
	}
	if (!dir)
		return scprof_compile(s, p, opts, out, err);
	_cleanup_strbuf_ struct strbuf key = STRBUF_INIT;
	build_key(s, opts, &key);
	_cleanup_free_ char *path =
		xasprintf("%s/%016llx.bpf", dir, (unsigned long long)fnv1a(key.buf, key.len));
	*out = load_entry(path, &key);
	if (*out)
		return 0;
	int r = scprof_compile(s, p, opts, out, err);
	if (r < 0)
		return r;
	/* a cache that cannot be written is no error: the program is there */
	if (mkdir_p(dir, 0700) < 0)
		return 0;
	_cleanup_strbuf_ struct strbuf data = STRBUF_INIT;
	uint32_t klen = (uint32_t)key.len, n = (uint32_t)(*out)->len;
	strbuf_add(&data, MAGIC, sizeof(MAGIC) - 1);
	strbuf_add(&data, &klen, 4);
	strbuf_add(&data, key.buf, key.len);
	strbuf_add(&data, &n, 4);
	strbuf_add(&data, (*out)->insns, (*out)->len * sizeof(struct sock_filter));
	uint64_t sum = fnv1a(data.buf, data.len);
	strbuf_add(&data, &sum, 8);
	if (write_file_replace(path, data.buf, data.len, 0600, false, NULL) == 0)
		dir_keep_newest(dir, MAX_ENTRIES);
	return 0;
}
