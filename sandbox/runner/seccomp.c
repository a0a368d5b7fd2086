/* The program's seccomp filter, written as classic BPF: foreign ABIs (i386, x32) refused, calls that
 * reach beyond the sandbox refused with EPERM, namespaces refused in clone(), and an allocation larger
 * than the machine killed (SIGSYS) so that it reports as a memory limit; sockets only of the families
 * AF_UNIX, AF_INET and AF_INET6 (TCP and UDP). */
#include "runner.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#else
#error "cpelo runner: seccomp filter written for x86_64 and aarch64 only"
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

static const int DENIED_EPERM[] = {
    __NR_ptrace, __NR_mount, __NR_umount2, __NR_unshare, __NR_setns, __NR_pivot_root, __NR_chroot,
    __NR_keyctl, __NR_add_key, __NR_request_key, __NR_bpf, __NR_perf_event_open, __NR_kexec_load,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
    __NR_reboot, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_swapon, __NR_swapoff,
    __NR_acct, __NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime, __NR_adjtimex, __NR_sethostname,
    __NR_setdomainname, __NR_process_vm_readv, __NR_process_vm_writev, __NR_kcmp, __NR_open_by_handle_at,
    __NR_name_to_handle_at, __NR_quotactl, __NR_syslog, __NR_vhangup, __NR_userfaultfd, __NR_fanotify_init,
    __NR_lookup_dcookie, __NR_personality,
#ifdef __NR_iopl
    __NR_iopl, __NR_ioperm,
#endif
#ifdef __NR_umount
    __NR_umount,
#endif
#ifdef __NR_uselib
    __NR_uselib,
#endif
#ifdef __NR_open_tree
    __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
    __NR_mount_setattr,
#endif
#ifdef __NR_pidfd_getfd
    __NR_pidfd_getfd,
#endif
};

static const int DENIED_ENOSYS[] = {
#ifdef __NR_clone3
    __NR_clone3, /* flags live in memory seccomp cannot read: libc falls back to clone() on ENOSYS */
#endif
#ifdef __NR_io_uring_setup
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
};

/* Bytes beyond which a writable private mapping cannot succeed anyway (the kernel's overcommit heuristic
 * refuses more than RAM + swap at once); 0 when the host's overcommit mode is not the heuristic one. */
unsigned long long impossible_alloc(void) {
    long long mode = read_ll("/proc/sys/vm/overcommit_memory");
    struct sysinfo si;
    if (mode != 0 || sysinfo(&si)) return 0;
    return ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit;
}

/* The denied calls as a binary search on the number rather than one comparison each: the kernel runs the
 * filter for every syscall number when it is installed (to cache the calls it always allows), with
 * interrupts off, so its length on the common path is paid per run (measured: 0.11 ms with the linear
 * list); and every call that is not cached runs it again. */
struct denial {
    unsigned nr, ret;
};

static int by_nr(const void *a, const void *b) {
    unsigned x = ((const struct denial *)a)->nr, y = ((const struct denial *)b)->nr;
    return x < y ? -1 : x > y;
}

/* Emits the search over d[lo, hi) at f[n]; returns the new n. A number not in the range jumps to the
 * instruction after the whole search: those jumps (BPF_JA, 32-bit offsets) are collected in `exits`. */
static int emit_range(struct sock_filter *f, int n, const struct denial *d, int lo, int hi, int *exits, int *n_exits) {
    if (hi - lo <= 4) {
        for (int i = lo; i < hi; i++) {
            f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, d[i].nr, 0, 1);
            f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, d[i].ret);
        }
        exits[(*n_exits)++] = n;
        f[n++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0);
        return n;
    }
    int mid = (lo + hi) / 2, at = n++;
    n = emit_range(f, n, d, lo, mid, exits, n_exits);
    if (n - at - 1 > 255) _exit(126); /* cannot happen at this list's size; fails closed if it grows so */
    /* nr >= d[mid]: skip the lower half (its size fits the 8-bit offset: at most a few dozen entries) */
    f[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, d[mid].nr, (unsigned char)(n - at - 1), 0);
    return emit_range(f, n, d, mid, hi, exits, n_exits);
}

enum { N_DENIED = sizeof DENIED_EPERM / sizeof DENIED_EPERM[0] + sizeof DENIED_ENOSYS / sizeof DENIED_ENOSYS[0] };

static int emit_denied(struct sock_filter *f, int n) {
    struct denial d[N_DENIED];
    int k = 0, exits[N_DENIED], n_exits = 0;
    for (size_t i = 0; i < sizeof DENIED_EPERM / sizeof DENIED_EPERM[0]; i++)
        d[k++] = (struct denial){(unsigned)DENIED_EPERM[i], SECCOMP_RET_ERRNO | EPERM};
    for (size_t i = 0; i < sizeof DENIED_ENOSYS / sizeof DENIED_ENOSYS[0]; i++)
        d[k++] = (struct denial){(unsigned)DENIED_ENOSYS[i], SECCOMP_RET_ERRNO | ENOSYS};
    qsort(d, (size_t)k, sizeof d[0], by_nr);
    n = emit_range(f, n, d, 0, k, exits, &n_exits);
    for (int i = 0; i < n_exits; i++) f[exits[i]].k = (unsigned)(n - exits[i] - 1);
    return n;
}

#define LO(field) offsetof(struct seccomp_data, field)
#define HI(field) (offsetof(struct seccomp_data, field) + 4) /* little-endian: x86_64, aarch64 */

void install_seccomp(unsigned long long huge) {
    enum { N_EPERM = sizeof DENIED_EPERM / sizeof DENIED_EPERM[0], N_ENOSYS = sizeof DENIED_ENOSYS / sizeof DENIED_ENOSYS[0] };
    struct sock_filter f[60 + 4 * (N_EPERM + N_ENOSYS)];
    int n = 0;
    unsigned hi = huge ? (unsigned)(huge >> 32) : 0xffffffffu, lo = huge ? (unsigned)huge : 0xffffffffu;
#define S(stmt) (f[n++] = (struct sock_filter)stmt)
#define RET(v) S(BPF_STMT(BPF_RET | BPF_K, (v)))
#define LD(off) S(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JMP(op, k, jt, jf) S(BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
    LD(LO(arch));
    /* A foreign ABI (int 0x80 on x86_64) gets ENOSYS for everything: its numbers mean other calls. */
    JMP(BPF_JEQ, SECCOMP_ARCH, 1, 0);
    RET(SECCOMP_RET_ERRNO | ENOSYS);
    LD(LO(nr));
#if defined(__x86_64__)
    JMP(BPF_JGE, 0x40000000, 0, 1); /* x32 ABI */
    RET(SECCOMP_RET_ERRNO | ENOSYS);
#endif
    n = emit_denied(f, n);
    /* Sockets of the families a solution can need: AF_UNIX, and AF_INET/AF_INET6 with TCP or UDP only
     * (no MPTCP, SCTP, ...). Everything else (vsock, which is not per network namespace and reaches a
     * VM's host, netlink, packet, bluetooth, alg, ...) is refused. Offsets count from the first JMP. */
    JMP(BPF_JEQ, __NR_socket, 0, 11);           /* 0 */
    LD(LO(args[0]));                            /* 1: domain */
    JMP(BPF_JEQ, AF_UNIX, 8, 0);                /* 2 -> 11 */
    JMP(BPF_JEQ, AF_INET, 1, 0);                /* 3 -> 5 */
    JMP(BPF_JEQ, AF_INET6, 0, 5);               /* 4 -> 5 / 10 */
    LD(LO(args[2]));                            /* 5: protocol */
    JMP(BPF_JEQ, 0, 4, 0);                      /* 6 -> 11 */
    JMP(BPF_JEQ, IPPROTO_TCP, 3, 0);            /* 7 -> 11 */
    JMP(BPF_JEQ, IPPROTO_UDP, 2, 0);            /* 8 -> 11 */
    RET(SECCOMP_RET_ERRNO | EPROTONOSUPPORT);   /* 9 */
    RET(SECCOMP_RET_ERRNO | EAFNOSUPPORT);      /* 10 */
    RET(SECCOMP_RET_ALLOW);                     /* 11 */
    JMP(BPF_JEQ, __NR_socketpair, 0, 4);        /* 12 -> 17 */
    LD(LO(args[0]));                            /* 13 */
    JMP(BPF_JEQ, AF_UNIX, 1, 0);                /* 14 -> 16 */
    RET(SECCOMP_RET_ERRNO | EAFNOSUPPORT);      /* 15 */
    RET(SECCOMP_RET_ALLOW);                     /* 16 */
    /* clone() creating namespaces. x86_64 and aarch64 both pass flags in args[0] (low 32 bits suffice). */
    JMP(BPF_JEQ, __NR_clone, 0, 4);
    LD(LO(args[0]));
    JMP(BPF_JSET, NS_FLAGS, 0, 1);
    RET(SECCOMP_RET_ERRNO | EPERM);
    RET(SECCOMP_RET_ALLOW);
    /* An allocation bigger than the machine (mmap of writable memory, mremap growth) would fail with
     * ENOMEM and the program die of its own abort: kill it here instead, so the runner can report the
     * memory limit (SIGSYS from seccomp means exactly this). Offsets below jump to ALLOW (16) or KILL (17). */
    JMP(BPF_JEQ, __NR_mmap, 0, 9);       /* 0 */
    LD(LO(args[2]));                     /* 1: prot */
    JMP(BPF_JSET, PROT_WRITE, 0, 13);    /* 2 */
    LD(LO(args[3]));                     /* 3: flags */
    /* MAP_NORESERVE reservations (JVM, Go, sanitizers) pass where a cgroup counts what is touched; without
     * one, RLIMIT_DATA refuses them anyway, so the rule applies to them too (both branches fall through). */
    JMP(BPF_JSET, MAP_NORESERVE, O.no_cgroup ? 0 : 11, 0); /* 4 */
    LD(HI(args[1]));                     /* 5: length */
    JMP(BPF_JGT, hi, 10, 0);             /* 6 */
    JMP(BPF_JEQ, hi, 0, 8);              /* 7 */
    LD(LO(args[1]));                     /* 8 */
    JMP(BPF_JGT, lo, 7, 6);              /* 9 */
    JMP(BPF_JEQ, __NR_mremap, 0, 5);     /* 10 */
    LD(HI(args[2]));                     /* 11: new length */
    JMP(BPF_JGT, hi, 4, 0);              /* 12 */
    JMP(BPF_JEQ, hi, 0, 2);              /* 13 */
    LD(LO(args[2]));                     /* 14 */
    JMP(BPF_JGT, lo, 1, 0);              /* 15 */
    RET(SECCOMP_RET_ALLOW);              /* 16 */
    RET(SECCOMP_RET_KILL_PROCESS);       /* 17 */
#undef S
#undef RET
#undef LD
#undef JMP
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) _exit(126);
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) _exit(126);
}
