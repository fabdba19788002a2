/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Raw system calls on the x86_64 and i386 ABIs from a 64-bit process, for the test helpers. */
#ifndef SCPROF_TEST_ABI_H
#define SCPROF_TEST_ABI_H

#include <stdint.h>

static long call_x86_64(long nr, const uint64_t a[6])
{
	register long r10 __asm__("r10") = (long)a[3];
	register long r8 __asm__("r8") = (long)a[4];
	register long r9 __asm__("r9") = (long)a[5];
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * The i386 ABI from a 64-bit process: int $0x80 takes eax, ebx, ecx, edx, esi,
 * edi, ebp.  rbp may be the frame pointer, so it is saved on the stack below the
 * red zone; the sixth argument comes in a register the compiler picks.
 */
static long call_int80(long nr, const uint64_t a[6])
{
	unsigned long a5 = (uint32_t)a[5];
	long ret;
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %[a5], %%rbp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "lea 128(%%rsp), %%rsp"
			 : "=a"(ret)
			 : "0"(nr), "b"((uint32_t)a[0]), "c"((uint32_t)a[1]), "d"((uint32_t)a[2]),
			   "S"((uint32_t)a[3]), "D"((uint32_t)a[4]), [a5] "r"(a5)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	/* the result is a 32-bit int sign-extended into eax */
	return (long)(int)ret;
}

#endif
