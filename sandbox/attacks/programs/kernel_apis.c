/* Kernel interfaces a program never needs: bpf, perf, keys, kexec, modules, reboot, swap, clock. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
int main(void) {
    struct { long nr; const char *name; } calls[] = {
        {SYS_bpf, "bpf"}, {SYS_perf_event_open, "perf_event_open"}, {SYS_keyctl, "keyctl"},
        {SYS_add_key, "add_key"}, {SYS_kexec_load, "kexec_load"}, {SYS_init_module, "init_module"},
        {SYS_delete_module, "delete_module"}, {SYS_swapoff, "swapoff"}, {SYS_acct, "acct"},
        {SYS_userfaultfd, "userfaultfd"}, {SYS_io_uring_setup, "io_uring_setup"}};
    for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        long r = syscall(calls[i].nr, 0, 0, 0, 0, 0);
        if (r >= 0) printf("ESCAPED: %s returned %ld\n", calls[i].name, r);
        else printf("blocked %s\n", calls[i].name);
    }
    struct timeval tv = {0, 0};
    if (settimeofday(&tv, NULL) == 0) puts("ESCAPED: set the clock");
    if (syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0) == 0) puts("ESCAPED: reboot");
    return 0;
}
