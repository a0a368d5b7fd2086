/* Bypass a seccomp filter through the 32-bit syscall ABI (int 0x80): 26 is ptrace in i386 numbering. */
#include <stdio.h>
int main(void) {
    puts("trying int 0x80");
    fflush(stdout);
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(26L), "b"(16L), "c"(1L), "d"(0L) : "memory");
    if (ret == 0) puts("ESCAPED: ptrace via int 0x80");
    else printf("returned %ld\n", ret);
#endif
    return 0;
}
