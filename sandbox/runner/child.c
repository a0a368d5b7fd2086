/* The clone child: pid 1 of the run's fresh namespaces. It finishes the sandbox (a /proc of the new pid
 * namespace, the loopback, the pivot into the prepared root) and becomes the program. Being pid 1, its
 * exit makes the kernel kill everything else in the namespace before the runner can reap it; the price
 * is pid 1's signal rules: signals it sends itself with default action (raise, abort's SIGABRT, SIGPIPE)
 * are ignored, so abort() ends in SIGSEGV. Faults, seccomp and the runner's SIGKILL work as usual.
 * A separate init process would keep those rules normal but costs two more trips through the scheduler
 * per run (measured 1.2-1.7 ms median on a loaded 2-core machine). */
#include "runner.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void __attribute__((noreturn)) fail(int exec_fd, int e, int code) {
    (void)!write(exec_fd, &e, sizeof e);
    _exit(code);
}

/* Becomes the untrusted program. Reports execve's errno on exec_fd (close-on-exec). */
static void __attribute__((noreturn)) exec_program(struct cgroup *cg, int exec_fd) {
    if (cg_join(cg)) fail(exec_fd, errno, 127);
    mark("child_cgroup_join");
    apply_rlimits(cg->none);
    /* Raw syscalls: nothing of libc's thread bookkeeping is needed in a single-threaded child. In a user
     * namespace setgroups is denied (an unprivileged map requires it) and the ids are already O.uid/O.gid;
     * execve of a non-root uid then drops every capability. */
    if ((!O.rootless && syscall(SYS_setgroups, 0, NULL)) || syscall(SYS_setresgid, O.gid, O.gid, O.gid) ||
        syscall(SYS_setresuid, O.uid, O.uid, O.uid))
        fail(exec_fd, errno, 127);
    /* Changing uids cleared the parent-death signal: if the runner dies, the program must too. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir(O.workdir)) fail(exec_fd, errno, 127);
    mark("child_rlimits_uid");
    install_seccomp(O.huge_alloc);
    mark("child_seccomp");
    execve(O.argv[0], O.argv, O.env);
    fail(exec_fd, errno, 127);
}

/* Files of a full /proc that describe the host rather than the run (as Docker masks them). */
static const char *const PROC_MASKED[] = {
    "cmdline", "config.gz", "kcore", "keys", "key-users", "sched_debug", "timer_list", "kallsyms",
    "sysrq-trigger", "kmsg", "iomem", "ioports", "modules", "vmallocinfo", "slabinfo", "latency_stats",
    "sys/kernel/random/boot_id", "sys/kernel/random/uuid", NULL};

/* The run's /proc: only its own processes (subset=pid: no host-wide files at all, one mount). Kernels
 * before 5.8 lack subset=pid: there the host-wide files that matter are covered by /dev/null. */
static int mount_proc(const char *proc, const char *root) {
    const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (!mount("proc", proc, "proc", fl, "subset=pid")) return 0;
    if (errno != EINVAL || mount("proc", proc, "proc", fl, NULL)) return errno;
    char null[4096], dst[4096];
    snprintf(null, sizeof null, "%s/dev/null", root);
    for (const char *const *p = PROC_MASKED; *p; p++) {
        snprintf(dst, sizeof dst, "%s/%s", proc, *p);
        if (access(dst, F_OK)) continue;
        if (mount(null, dst, NULL, MS_BIND, NULL)) return errno;
    }
    return 0;
}

void child_main(struct cgroup *cg, struct graft *g, int exec_fd) {
    char proc[4096];
    /* With a prepared root the child's root is the sandbox's from the start (graft_enter). */
    snprintf(proc, sizeof proc, "%s/proc", g ? "" : O.root_mnt);
    int e = 0;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL)) e = errno;
    mark("child_start");
    if (!e && g) {
        e = graft_enter(g);
        mark("child_mounts");
    }
    if (!e) e = mount_proc(proc, g ? "" : O.root_mnt);
    mark("child_proc");
    if (!e && O.netns_fd >= 0) {
        if (setns(O.netns_fd, CLONE_NEWNET)) e = errno;
        close(O.netns_fd);
    } else if (!e) bring_up_lo();
    if (!e) sethostname("sandbox", 7);
    mark("child_net_uts");
    if (!g) {
        if (!e && enter_root()) e = errno;
        mark("child_pivot");
    }
    if (e) fail(exec_fd, e, 125);
    exec_program(cg, exec_fd);
}
