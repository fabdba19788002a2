// SPDX-License-Identifier: LGPL-2.1-or-later
/* Capability names and numbers (include/uapi/linux/capability.h, up to Linux 5.9). */
#include <strings.h>

#include "scprof/syscalls.h"
#include "util/util.h"

static const char *const caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int scprof_cap_by_name(const char *name)
{
	if (!name)
		return -1;
	/* "sys_admin" and "CAP_SYS_ADMIN" alike, as Docker's --cap-add accepts both. */
	const char *bare = strncasecmp(name, "CAP_", 4) ? name : name + 4;
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		if (!strcasecmp(bare, caps[i] + 4))
			return (int)i;
	return -1;
}

const char *scprof_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(caps))
		return NULL;
	return caps[cap];
}

int scprof_cap_last(void)
{
	return (int)ARRAY_SIZE(caps) - 1;
}
