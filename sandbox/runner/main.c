/* The runner's entry point: parses the command line, prepares the cgroup, the root and the pipes, clones
 * the program into fresh namespaces and supervises it (CPU, wall clock, output) until the tree is gone,
 * then reports. The big picture is in runner.h. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct opts O;

/* CPU time of a process (all its threads) and of the children it reaped, from /proc/<pid>/stat (clock
 * ticks): the measure where no cgroup holds the run. */
static long long proc_cpu_ns(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    unsigned long long ut, st;
    long long cut, cst;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &ut, &st, &cut, &cst) != 4)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    return (long long)(ut + st + (unsigned long long)cut + (unsigned long long)cst) * (1000000000LL / (hz > 0 ? hz : 100));
}

static long long num(const char *s) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) meta_error("usage", "bad number %s", s);
    return v;
}

void runner_parse(int argc, char **argv) {
    memset(&O, 0, sizeof O);
    O.out_fd = O.err_fd = O.meta_fd = O.netns_fd = -1;
    O.out_limit = O.err_limit = -1;
    O.procs = 1;
    O.nofile = 64;
    O.copy_back = 1;
    O.uid = O.gid = 65534;
    O.cgroup_root = "/sys/fs/cgroup";
    O.cgroup_name = "cpelo";
    int i;
    for (i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--")) { i++; break; }
        if (i + 1 >= argc) meta_error("usage", "option %s needs a value", k);
        const char *v = argv[++i];
        if (!strcmp(k, "--meta-fd")) { O.meta_fd = (int)num(v); meta_fd = O.meta_fd; }
        else if (!strcmp(k, "--cpu-ns")) O.cpu_ns = num(v);
        else if (!strcmp(k, "--wall-ns")) O.wall_ns = num(v);
        else if (!strcmp(k, "--mem")) O.mem = num(v);
        else if (!strcmp(k, "--out-limit")) O.out_limit = num(v);
        else if (!strcmp(k, "--err-limit")) O.err_limit = num(v);
        else if (!strcmp(k, "--out-truncate")) O.out_truncate = num(v) != 0;
        else if (!strcmp(k, "--out-fd")) O.out_fd = (int)num(v);
        else if (!strcmp(k, "--err-fd")) O.err_fd = (int)num(v);
        else if (!strcmp(k, "--procs")) O.procs = (long)num(v);
        else if (!strcmp(k, "--nofile")) O.nofile = (long)num(v);
        else if (!strcmp(k, "--fsize")) O.fsize = num(v);
        else if (!strcmp(k, "--disk")) O.disk = num(v);
        else if (!strcmp(k, "--stack")) O.stack = num(v);
        else if (!strcmp(k, "--uid")) O.uid = (uid_t)num(v);
        else if (!strcmp(k, "--gid")) O.gid = (gid_t)num(v);
        else if (!strcmp(k, "--workdir")) O.workdir = v;
        else if (!strcmp(k, "--root-mnt")) O.root_mnt = v;
        else if (!strcmp(k, "--scratch-mnt")) O.scratch_mnt = v;
        else if (!strcmp(k, "--cgroup-root")) O.cgroup_root = v;
        else if (!strcmp(k, "--cgroup-name")) O.cgroup_name = v;
        else if (!strcmp(k, "--netns")) O.netns_path = v;
        else if (!strcmp(k, "--cgroup-v2")) O.cgroup_v2_dir = v;
        else if (!strcmp(k, "--no-cgroup")) O.no_cgroup = num(v) != 0;
        else if (!strcmp(k, "--cgroup-pool")) O.cgroup_pool = (int)num(v);
        else if (!strcmp(k, "--netns-pool")) O.netns_pool = v;
        else if (!strcmp(k, "--mnt-template")) O.mnt_template = v;
        else if (!strcmp(k, "--timing")) timing = num(v) != 0;
        else if (!strcmp(k, "--copy-back")) O.copy_back = num(v) != 0;
        else if (!strcmp(k, "--ro")) { if (O.n_ro < MAX_PATHS) O.ro[O.n_ro++] = v; else meta_error("usage", "too many --ro"); }
        else if (!strcmp(k, "--rw")) { if (O.n_rw < MAX_PATHS) O.rw[O.n_rw++] = v; else meta_error("usage", "too many --rw"); }
        else if (!strcmp(k, "--env")) { if (O.n_env < MAX_ENV) O.env[O.n_env++] = (char *)v; else meta_error("usage", "too many --env"); }
        else meta_error("usage", "unknown option %s", k);
    }
    O.env[O.n_env] = NULL;
    if (i >= argc) meta_error("usage", "no program given after --");
    O.argv = argv + i;
    if (!O.workdir || !O.root_mnt || !O.scratch_mnt) meta_error("usage", "--workdir, --root-mnt, --scratch-mnt are required");
    if (O.meta_fd < 0) meta_error("usage", "--meta-fd is required");
}

struct child_args {
    struct cgroup *cg;
    struct graft *graft;
    int out_w, err_w, exec_r, exec_w;
};

/* The clone child's stack (it shares the runner's memory until it execs): untouched pages cost nothing. */
static char child_stack[1 << 20] __attribute__((aligned(64)));

static int child_entry(void *arg) {
    const struct child_args *a = arg;
    /* stdin stays fd 0; the program's stdout/stderr are the pipes; nothing else survives exec. */
    if (dup2(a->out_w, 1) < 0 || dup2(a->err_w, 2) < 0) _exit(125);
    close(a->exec_r);
    /* The caller's fds passed to the runner are not close-on-exec: the sandbox must not see them. */
    int passed[] = {O.meta_fd, O.out_fd, O.err_fd};
    for (int i = 0; i < 3; i++) if (passed[i] > 2) close(passed[i]);
    child_main(a->cg, a->graft, a->exec_w);
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--server")) return server_main((int)num(argv[2]));
    return runner_main(argc, argv);
}

int runner_main(int argc, char **argv) {
    runner_parse(argc, argv);
    if (timing) marks_init();
    mark("start");
    signal(SIGPIPE, SIG_IGN);
    /* If the judge dies, so does the runner, then the program and with it its whole pid namespace. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    O.rootless = geteuid() != 0;
    if (O.rootless && (O.netns_path || O.netns_pool || O.mnt_template))
        meta_error("usage", "--netns, --netns-pool and --mnt-template need root (bind mounts in the host's mount namespace)");
    struct cgroup cg;
    if (!ahead_cgroup(&cg)) cg_acquire(&cg, 'r');
    cg_limit(&cg);
    mark("cgroup_setup");
    if (O.rootless) enter_userns();
    char claimed[4096] = "";
    int host_mnt_fd = -1;
    if (O.netns_path) O.netns_fd = shared_netns(O.netns_path);
    else if (O.netns_pool) {
        O.netns_fd = ahead_netns(&host_mnt_fd, claimed, sizeof claimed);
        if (O.netns_fd < 0) {
            host_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
            O.netns_fd = netns_claim(O.netns_pool, claimed, sizeof claimed);
        }
    }
    stdin_prepare();
    struct graft graft;
    int prepared = O.mnt_template && !graft_prepare(&graft, O.mnt_template);
    if (prepared) mark("graft_prepare");
    else {
        graft.scratch_fd = -1;
        if (unshare(CLONE_NEWNS)) {
            cg_remove(&cg);
            meta_error("unavailable", "unshare(CLONE_NEWNS): %s (no filesystem isolation)", strerror(errno));
        }
        mark("unshare_ns");
        build_root();
        mark("build_root");
    }

    int out_pipe[2], err_pipe[2], exec_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(exec_pipe, O_CLOEXEC))
        meta_error("sandbox", "pipe: %s", strerror(errno));
    stdout_prepare(out_pipe[1], err_pipe[1]);

    O.huge_alloc = ahead_huge();
    /* Without a cgroup one allocation beyond the memory limit is its breach (RLIMIT_DATA would refuse it
     * and the program die of its own abort): the seccomp rule kills it so that it is reported as such. */
    if (cg.none && O.mem > 0 && (O.huge_alloc == 0 || (unsigned long long)O.mem < O.huge_alloc))
        O.huge_alloc = (unsigned long long)O.mem;
    mark("pipes");
    long long start = now_ns();
    /* With a prepared root the child copies that namespace instead of the runner's (graft_enter). */
    int flags = CLONE_NEWPID | (prepared ? 0 : CLONE_NEWNS) | CLONE_NEWIPC | CLONE_NEWUTS | (O.netns_fd >= 0 ? 0 : CLONE_NEWNET);
    struct child_args ca = {&cg, prepared ? &graft : NULL, out_pipe[1], err_pipe[1], exec_pipe[0], exec_pipe[1]};
    /* Sharing the runner's memory (as posix_spawn does) rather than copying it: the runner waits (vfork)
     * until the child has exec'd or failed, so nothing of its memory changes under the child; a copy and
     * its teardown cost 0.1 ms of every run (measured). */
    pid_t init = clone(child_entry, child_stack + sizeof child_stack, flags | CLONE_VM | CLONE_VFORK | SIGCHLD, &ca);
    if (init < 0) {
        int e = errno;
        cg_remove(&cg);
        meta_error("unavailable", "clone with new pid/mount/net/ipc/uts namespaces: %s", strerror(e));
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(exec_pipe[1]);
    if (prepared) graft_release(&graft);
    int pidfd = (int)syscall(SYS_pidfd_open, init, 0);
    /* The program's mount namespace (its copy of the root's ~40 mounts) would be torn down by its exit,
     * before the runner can see it: held here, it goes after the result instead. */
    char ns_path[64];
    snprintf(ns_path, sizeof ns_path, "/proc/%d/ns/mnt", (int)init);
    /* A child grafting onto a prepared root has its own namespace only once it execs (or fails): the exec
     * pipe's end tells, and the namespace is taken then. */
    int child_mnt = prepared ? -1 : open(ns_path, O_RDONLY | O_CLOEXEC);
    int watch_exec = prepared;

    struct stream streams[2];
    /* Each stream closes its destination at its own EOF: given one fd for both, the stream that ends
     * first would close it under the other, whose output after that is lost. Each gets its own. */
    int err_fd = O.err_fd >= 0 && O.err_fd == O.out_fd ? fcntl(O.out_fd, F_DUPFD_CLOEXEC, 3) : O.err_fd;
    if (O.err_fd >= 0 && err_fd < 0) meta_error("sandbox", "dup stderr's destination: %s", strerror(errno));
    stream_init(&streams[0], out_pipe[0], O.out_fd, O.out_limit, "stdout_bytes");
    stream_init(&streams[1], err_pipe[0], err_fd, O.err_limit, "stderr_bytes");
    const char *killed_by = NULL;
    int init_done = 0, init_status = 0;
    long long cpu = 0;
    long long drain_deadline = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    long long end_ns = 0; /* first sign of the end: stdout closed, a kill, or the main process gone */
    struct rqwait rq;
    rq_init(&rq, &cg);
    rq.pid = init;
    /* Past its CPU limit (and the kill's tolerance) a run is either waiting for a CPU or idle: from then on
     * the tree's tasks are sampled every 50 ms, so that tasks which exit still count. */
    long long sample_from = O.cpu_ns > 0 ? O.cpu_ns + O.cpu_ns / 10 + 50000000LL : O.wall_ns / 2;
    /* A safety net: waiting for a CPU extends the wall limit, but nothing outlives this. */
    long long wall_cap = O.wall_ns > 0 ? 4 * O.wall_ns + 1000000000LL : 0;
    for (;;) {
        int busy = !init_done;
        for (int i = 0; i < 2; i++) busy |= streams[i].open || streams[i].len;
        if (!busy) break;
        struct pollfd pf[4];
        int np = 0, idx[4];
        for (int i = 0; i < 2; i++) {
            struct stream *s = &streams[i];
            if (s->len) pf[np] = (struct pollfd){s->out, POLLOUT, 0};
            else if (s->open) pf[np] = (struct pollfd){s->in, POLLIN, 0};
            else continue;
            idx[np++] = i;
        }
        if (!init_done && pidfd >= 0) { pf[np] = (struct pollfd){pidfd, POLLIN, 0}; idx[np++] = 2; }
        if (watch_exec && !init_done) { pf[np] = (struct pollfd){exec_pipe[0], POLLIN, 0}; idx[np++] = 3; }
        /* Poll CPU often enough to kill within a few ms of the limit: the tree may use both cores. */
        int timeout = 10;
        if (O.cpu_ns > 0 && !killed_by) {
            long long left_ms = (O.cpu_ns - cpu) / 1000000LL / 4;
            if (left_ms < timeout) timeout = left_ms < 1 ? 1 : (int)left_ms;
        }
        if (init_done) timeout = 5;
        int r = poll(pf, (nfds_t)np, timeout);
        if (r < 0 && errno != EINTR) break;
        for (int j = 0; r > 0 && j < np; j++) {
            if (!pf[j].revents) continue;
            if (idx[j] == 2) { ended(&end_ns); init_done = 1; rq_final(&rq, init); continue; }
            if (idx[j] == 3) { child_mnt = open(ns_path, O_RDONLY | O_CLOEXEC); watch_exec = 0; continue; }
            struct stream *s = &streams[idx[j]];
            if (s->len) { pump_out(s); continue; }
            int res = pump_in(s);
            if (res == 0) {
                /* A dying program closes its fds a moment before its death is signalled: wait for that
                 * moment (2 ms at most: a live program closed its stdout on purpose) and record the end
                 * before the peer can see the EOF and react. */
                if (s == &streams[0] && pidfd >= 0 && !init_done) {
                    struct pollfd dead = {pidfd, POLLIN, 0};
                    if (poll(&dead, 1, 2) > 0) ended(&end_ns);
                }
                stream_eof(s);
            }
            if (res == 2 && !killed_by && !(s == &streams[0] && O.out_truncate)) {
                killed_by = s->name;
                ended(&end_ns);
                kill(init, SIGKILL);
            }
        }
        if (pidfd < 0 && !init_done) {
            int st;
            if (wait4(init, &st, WNOHANG | __WALL, &usage) == init) { ended(&end_ns); init_done = 2; init_status = st; }
        }
        long long t = now_ns();
        if (!killed_by && !init_done) {
            cpu = cg.none ? proc_cpu_ns(init) : cg_cpu_ns(&cg);
            if (O.cpu_ns > 0 && cpu > O.cpu_ns) { killed_by = "cpu_time"; ended(&end_ns); kill(init, SIGKILL); }
            else if (O.wall_ns > 0) {
                long long el = t - start;
                if (el > sample_from && t - rq.last_sample >= 50000000LL) rq_sample(&rq, t);
                /* The counters only grow: a stale total that keeps the idle clock under the limit suffices. */
                if (el - rq.total > O.wall_ns && rq.last_sample != t) rq_sample(&rq, t);
                if (el > wall_cap) { killed_by = "wall_time_cap"; ended(&end_ns); kill(init, SIGKILL); }
                else if (el - rq.total > O.wall_ns) { killed_by = "wall_time"; ended(&end_ns); kill(init, SIGKILL); }
            }
        }
        if (init_done) {
            /* the namespace is gone, so the pipes reach EOF at once; bound the drain anyway */
            if (!drain_deadline) drain_deadline = t + 1000000000LL;
            else if (t > drain_deadline) break;
        }
    }
    mark("program_exited");
    if (init_done != 2 && wait4(init, &init_status, __WALL, &usage) != init) init_status = -1;
    long long wall = now_ns() - start;
    if (!end_ns) end_ns = start + wall;
    mark("reaped");
    cg_kill_all(&cg);

    int prog_status = init_status, exec_errno = 0;
    if (read(exec_pipe[0], &exec_errno, sizeof exec_errno) != sizeof exec_errno) exec_errno = 0;

    struct run_meta meta = {0};
    meta.cpu_ns = cg_cpu_ns(&cg);
    cg_read_final(&cg, &meta);
    meta.rootless = O.rootless;
    if (cg.none) {
        /* The main process and the descendants it reaped: CPU time, and the largest resident set of one
         * process. A failing program that had reached half its memory limit is taken to have hit it (its
         * allocations then fail under RLIMIT_DATA: doubling containers stop at half the limit). */
        meta.cpu_ns = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
                      (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
        if (cpu > meta.cpu_ns) meta.cpu_ns = cpu;
        meta.peak = usage.ru_maxrss * 1024LL;
        meta.failcnt = O.mem > 0 && 2 * meta.peak >= O.mem;
    }
    mark("cgroup_read");

    /* Files the program created in the work dir go back to the host, bounded by the tmpfs size. */
    copy_back_workdir(graft.scratch_fd, graft.entry, prepared ? graft.n_entries : 0);
    mark("copy_back");

    meta.status = prog_status;
    meta.exec_errno = exec_errno;
    meta.wall_ns = wall;
    meta.stdout_bytes = streams[0].count;
    meta.stderr_bytes = streams[1].count;
    meta.wait_ns = rq.total;
    meta.schedstat = rq.state;
    meta.wall_cap_ns = wall_cap;
    meta.end_mono_ns = end_ns;
    meta.killed_by = killed_by;
    meta.prepared_root = prepared;
    meta.cgroup_pool = cg.from_pool;
    meta.ahead = ahead_taken();
    meta.netns = O.netns_path ? "shared" : O.netns_fd >= 0 ? "pool" : "fresh";
    meta_write(&meta);
    /* The caller has the meta line and does not wait for what follows; EOF on every fd it shared with
     * the runner tells it so. The tree is dead: removing its cgroup and topping up the namespace pool
     * need not delay the result. */
    /* The parent-death signal follows the caller's thread, which may end as soon as it has the result:
     * the cleanup is bounded and the tree is dead, so it finishes whatever happens to the caller. */
    prctl(PR_SET_PDEATHSIG, 0);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    dup2(null, 0);
    dup2(null, 2);
    /* (a stream that reached EOF, or whose reader went away, closed its fd already) */
    for (int i = 0; i < 2; i++) if (streams[i].out > 2) close(streams[i].out);
    if (child_mnt >= 0) close(child_mnt);
    if (graft.scratch_fd >= 0) close(graft.scratch_fd);
    cg_remove(&cg);
    ahead_release();
    cg_pool_refill(&cg);
    if (O.netns_pool) netns_pool_refill(O.netns_pool, host_mnt_fd, claimed);
    return 0;
}
