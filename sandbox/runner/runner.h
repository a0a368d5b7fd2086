/*
 * cpelo sandbox runner: runs one untrusted process tree under limits and prints exact measurements.
 *
 * Invoked by sandbox/native.py through sandbox/runner_protocol.py (never by hand):
 * `runner OPTIONS -- PROGRAM ARGS...`. Its fd 0 is the program's stdin; the program's stdout/stderr go
 * through pipes that this process pumps to --out-fd / --err-fd (or discards), counting bytes. One JSON
 * line of measurements is written to --meta-fd.
 *
 * Process layout:
 *   runner (host pid ns, a private mount ns where it builds the sandbox's root)
 *     `- program: pid 1 of fresh pid/mount/ipc/uts namespaces and of a network namespace with only a
 *        loopback; before execve it mounts /proc, pivots into the root, joins the run's cgroup, sets
 *        rlimits, drops to an unprivileged uid, sets no_new_privs and a seccomp filter.
 * When the program ends, the kernel kills every process left in its pid namespace before the runner
 * reaps it: the run's processes cannot outlive it. The cgroup (v1: memory, pids, cpuacct; v2 where the
 * host delegates controllers) limits memory and pids and measures CPU time and peak memory of the tree.
 *
 * Writable storage: the work dir and /tmp are two directories of one tmpfs of --disk bytes, so writes
 * there never reach the host disk. The work dir's existing entries are bind-mounted into it; entries
 * the program creates are copied back to the host work dir after the run (regular files and
 * directories only, never symlinks).
 *
 * This header is the interface between the runner's files, one section per file.
 */
#ifndef CPELO_RUNNER_H
#define CPELO_RUNNER_H

#define _GNU_SOURCE
#include <stdio.h>
#include <sys/types.h>

#define MAX_PATHS 64
#define MAX_ENV 256
#define CHUNK 65536

/* ---------------------------------------------------------------- main.c: options and orchestration */

struct opts {
    long long cpu_ns, wall_ns, mem, out_limit, err_limit, fsize, disk, stack;
    int out_truncate; /* stdout past out_limit is dropped and the program runs on (DOMjudge's runguard) */
    long procs, nofile;
    int out_fd, err_fd, meta_fd;
    uid_t uid;
    gid_t gid;
    const char *workdir, *root_mnt, *scratch_mnt, *cgroup_root, *cgroup_name;
    const char *ro[MAX_PATHS], *rw[MAX_PATHS];
    int n_ro, n_rw;
    char *env[MAX_ENV + 1];
    int n_env;
    char **argv;
    int netns_fd;
    unsigned long long huge_alloc;
    const char *netns_path, *netns_pool;
    const char *mnt_template; /* where prepared mount namespaces are kept (root only), or NULL */
    const char *cgroup_v2_dir; /* non-root: the delegated v2 directory holding one cgroup per run */
    int no_cgroup;             /* non-root without a delegated cgroup: rlimits and polling only */
    int cgroup_pool;           /* v1: never-used cgroups kept ready for the next runs (cgroup.c), 0: none */
    int rootless;              /* not root: the sandbox is built from an unprivileged user namespace */
    int copy_back; /* 0: what the program leaves in its work dir is thrown away with the tmpfs */
};

/* The run's options, parsed once from the command line and read-only afterwards. */
extern struct opts O;

/* One run, from `runner OPTIONS -- PROGRAM ARGS...`: a spawned runner's main, or a server's child. */
int runner_main(int argc, char **argv);
/* The command line into O (a usage error is a meta_error). */
void runner_parse(int argc, char **argv);

/* ---------------------------------------------------------------- server.c: the runner as a zygote */

/* `runner --server FD`: forks one runner_main per request received on socket FD (see server.c). */
int server_main(int sock);

/* ---------------------------------------------------------------- ahead.c: a standby's head start */
/* In a standby runner, before its request: makes what a run with the options of `argv` (the previous
 * request's) would make first. Never fails: what cannot be made is left to the run. */
void ahead_make(int argc, char **argv);
/* In the run (O parsed): each piece made ahead when it was made for these options, else -1 / 0. */
struct cgroup;
int ahead_cgroup(struct cgroup *cg);
int ahead_netns(int *host_mnt_fd, char *claimed, size_t len);
int ahead_scratch(void);
int ahead_template(const char *dir);
unsigned long long ahead_huge(void);
/* Moves what it made to fds `lo` and above (the request's are below); the lowest, or INT_MAX if none. */
int ahead_relocate(int lo);
/* What the run took of it, space-separated ("" for nothing). */
const char *ahead_taken(void);
/* Whatever the run did not take goes (after its result, or when the standby is no longer needed). */
void ahead_release(void);
/* Called by meta_error: while making ahead, abandons it (returns only otherwise). */
void ahead_abandon(void);

/* ---------------------------------------------------------------- meta.c: the measurements' JSON line */

/* Everything the runner measured, written as one JSON line to --meta-fd (see sandbox/runner_protocol.py). */
struct run_meta {
    int status, exec_errno, cgroup_v2, cgroup_none, rootless, schedstat;
    long long cpu_ns, wall_ns, peak, tcp_peak, failcnt, oom_kill, pids_max_hits, stdout_bytes, stderr_bytes, wait_ns,
        wall_cap_ns;
    long long end_mono_ns; /* CLOCK_MONOTONIC when the run was first seen ending (see main.c) */
    const char *killed_by;
    const char *netns; /* "pool": made ahead of need, "fresh": made in clone, "shared" */
    int prepared_root; /* the root came from a prepared mount namespace (mntns.c), not built for the run */
    int cgroup_pool;   /* the run's cgroup was claimed from the pool (cgroup.c), not made for it */
    const char *ahead; /* what of the run a standby made ahead (ahead.c): "cgroup netns scratch root" */
};

/* The fd the meta line goes to (-1 until parsed: errors then go to stderr). */
extern int meta_fd;

void json_str(FILE *f, const char *s);
/* Fatal error of the sandbox itself; kind "unavailable" means a missing host mechanism. */
void meta_error(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void meta_write(const struct run_meta *m);

/* ---------------------------------------------------------------- util.c: clocks, phase marks, files */

/* Where a run's time goes: CLOCK_MONOTONIC at each phase of the runner, reported under --timing 1. */
#define MAX_MARKS 32
struct mark_entry { const char *name; long long ns; };
struct marks { int n; struct mark_entry m[MAX_MARKS]; };
extern struct marks *marks; /* shared with the clone child, which marks its own phases */
extern int timing;

long long now_ns(void);
/* Records the first moment a run was seen ending (CLOCK_MONOTONIC, comparable across runs on this host):
 * an interactive judge orders the deaths of two runs by it, so it is taken before the peer can react. */
void ended(long long *at);
void marks_init(void);
void mark(const char *name);
void marks_sort(void);
int write_str(const char *path, const char *s);
long long read_ll_fd(int fd);
long long read_ll(const char *path);
/* Value of "key N" in a flat keyed file such as memory.oom_control or memory.events. */
long long read_key(const char *path, const char *key);
long long read_key_fd(int fd, const char *key);
int mkdir_p(const char *path, mode_t mode);
/* An fd of the namespace file kept (bind-mounted) at `path`, or -1 when there is none there. */
#define NSFS_MAGIC 0x6e736673
int open_nsfs(const char *path);

/* ---------------------------------------------------------------- cgroup.c: the run's cgroup */
/* The files read once the run is over; v2 reads failcnt and oom_kill both from memory.events. */
enum { CG_PEAK, CG_FAILCNT, CG_OOM, CG_TCP_PEAK, CG_TCP_FAIL, CG_PIDS_EVENTS, CG_STATS };

struct cgroup {
    int v2, none;                        /* none: no cgroup at all (rootless without delegation) */
    int from_pool;                       /* claimed from the pool of never-used cgroups */
    char mem[512], pids[512], cpu[512]; /* directories (all the same in v2) */
    int cpu_fd;                          /* cpuacct.usage (ns) or cpu.stat (usec) */
    int procs_fd[3];
    int stat_fd[CG_STATS];               /* what cg_read_final reads, opened ahead (-1: absent) */
    int n_procs;
};

/* A run's cgroup in two halves: the cgroup itself (claimed or made, its files opened), then the run's
 * limits.
 * `kind` starts its name: 'r' a run's, 's' a standby's (ahead.c), then the runner's pid and a clock. */
void cg_acquire(struct cgroup *cg, char kind);
void cg_limit(struct cgroup *cg);
/* Closes the files cg_acquire opened. */
void cg_close(struct cgroup *cg);
/* In the child: joins the cgroup (every controller). Returns 0 or -1 with errno set. */
int cg_join(struct cgroup *cg);
long long cg_cpu_ns(struct cgroup *cg);
void cg_kill_all(struct cgroup *cg);
/* Fills peak, failcnt, oom_kill, pids_max_hits and cgroup_v2 of `m`. */
void cg_read_final(struct cgroup *cg, struct run_meta *m);
void cg_remove(struct cgroup *cg);
/* After a run's result is out: tops up the pool of never-used v1 cgroups (O.cgroup_pool entries). */
void cg_pool_refill(struct cgroup *cg);

/* ---------------------------------------------------------------- rqwait.c: time spent waiting for a CPU */

struct rq_task {
    pid_t tid;
    long long delay;
};

struct rqwait {
    int state;              /* 0 never needed, 1 measured, -1 schedstat unavailable on this host */
    char tasks_path[600];   /* the cgroup's thread list: v1 tasks, v2 cgroup.threads */
    struct rq_task *t;      /* the live tasks at the last sample, sorted by tid */
    size_t n;
    long long gone;         /* last seen delays of tasks that have exited since */
    long long total;        /* ns: gone + the live tasks' delays */
    long long last_sample;  /* now_ns() of the last sample, 0 before the first */
    pid_t pid;              /* the main process, sampled alone where no cgroup lists the tree's tasks */
};

void rq_init(struct rqwait *w, struct cgroup *cg);
void rq_sample(struct rqwait *w, long long now);
void rq_final(struct rqwait *w, pid_t pid);

/* ---------------------------------------------------------------- mounts.c: the sandbox's filesystem */

/* Builds the root at O.root_mnt and the writable tmpfs at O.scratch_mnt, in the runner's private mount
 * namespace. */
void build_root(void);
/* Host work-dir entry `name` (at host path `host`) on the sandbox's work dir `work`: a symlink copied as
 * it is, owned by the program's uid; a directory or regular file as an empty mount point. Returns 1 when
 * the host entry is to be mounted there, 0 when done (a symlink) or skipped (anything else). */
int workdir_entry(int work, const char *name, const char *host);
/* In the child: makes the prepared root the root. Returns 0 or -1 with errno set. */
int enter_root(void);
/* Copies what the program created in the scratch work dir back to the host work dir; `scratch_fd` is the
 * scratch tmpfs (a prepared root's run, see mntns.c) or -1 (O.scratch_mnt). `skip`: top-level names that
 * are mount points of the host's entries in the child's namespace only (the runner sees the empty file or
 * directory under them, which must never overwrite the host's entry). */
void copy_back_workdir(int scratch_fd, char *const *skip, int n_skip);
/* In a fresh private mount namespace: the part of the root that every run with these inputs shares (no
 * scratch, /tmp or work dir), sealed read-only at `R`. */
void build_template_root(const char *R);
/* The inputs of that shared part (exposed paths and their files' identities), hashed. */
unsigned long long root_key(void);
/* `path` is /tmp or below: on the run's own scratch tmpfs, never in the shared part of the root. */
int under_tmp(const char *path);

/* ---------------------------------------------------------------- mntns.c: the prepared root */

/* A run's mounts grafted onto a copy of a prepared mount namespace (see mntns.c). */
struct graft {
    int template_fd;  /* the prepared namespace, or -1: the root is built per run (build_root) */
    int scratch_fd;   /* the run's scratch tmpfs, a detached mount */
    int n;            /* detached trees, attached in this order: */
    int fd[MAX_PATHS * 4];
    char *dst[MAX_PATHS * 4]; /* where each goes in the sandbox */
    int n_entries;            /* names of the host work dir's entries among them */
    char *entry[MAX_PATHS * 4];
};

/* In the runner, in the host's mount namespace: the prepared namespace for this run's inputs (made on
 * first use under `dir`) and the run's own mounts as detached trees. Returns 0, or -1 with nothing held
 * when the run must build its root itself (no prepared namespace, a work dir outside /tmp, a kernel
 * without the mount API). */
int graft_prepare(struct graft *g, const char *dir);
/* The pieces of graft_prepare a standby makes ahead (ahead.c): the run's scratch tmpfs (detached, with its
 * work/ and tmp/) and the prepared namespace for O's inputs; -1 when they cannot be made. */
int scratch_make(void);
int template_open(const char *dir, int remember);
/* In the clone child: a private copy of the prepared namespace with the run's mounts attached; its root
 * is the sandbox's root. Returns 0 or an errno. */
int graft_enter(struct graft *g);
/* In the runner after the clone: the run's mounts are the child's now. */
void graft_release(struct graft *g);

/* ---------------------------------------------------------------- seccomp.c: the syscall filter */

/* Bytes beyond which a writable private mapping cannot succeed anyway, or 0 (see seccomp.c). */
unsigned long long impossible_alloc(void);
/* In the child, last thing before execve: no_new_privs and the filter. Exits 126 on failure. */
void install_seccomp(unsigned long long huge);

/* ---------------------------------------------------------------- userns.c: rootless mode */

/* Enters a fresh user namespace where the runner is O.uid/O.gid (mapped to its own ids outside) with
 * every capability over the namespaces it creates next. */
void enter_userns(void);

/* ---------------------------------------------------------------- netns.c: the network namespace */

/* An fd of the loopback-only namespace kept at `path`, made on first use. */
int shared_netns(const char *path);
/* An fd of a fresh namespace taken from the pool directory, or -1 (then clone makes one); `claimed`
 * gets the entry to release, or stays "". */
int netns_claim(const char *pool, char *claimed, size_t len);
/* After the run, with the caller's fds closed: releases `claimed` and tops the pool up, in the host's
 * mount namespace (`host_mnt_fd`). */
void netns_pool_refill(const char *pool, int host_mnt_fd, const char *claimed);
/* Unmounts and removes one pool entry (in the host's mount namespace). */
void netns_release(const char *path);
void bring_up_lo(void);

/* ---------------------------------------------------------------- limits.c: rlimits */

/* In the child: every rlimit of the run (with `no_cgroup`, memory and processes too). */
void apply_rlimits(int no_cgroup);

/* ---------------------------------------------------------------- child.c: the program's side */

/* The clone child: finishes the sandbox and execs the program; never returns. `g`: the run's mounts to
 * graft onto a prepared root (mntns.c), or NULL when the runner built the root at O.root_mnt. */
void child_main(struct cgroup *cg, struct graft *g, int exec_fd) __attribute__((noreturn));

/* ---------------------------------------------------------------- streams.c: the program's stdio */

/* One output stream of the program: a pipe the runner reads, counts and copies to the caller's fd. A
 * chunk waits in `buf` until the destination can take it, so a slow reader (an interactor) never blocks
 * the runner's enforcement of the limits. */
struct stream {
    int in, out, out_is_pipe, open;
    long long limit, count;
    const char *name;
    char *buf;
    size_t off, len; /* pending bytes buf[off, len) */
};

void stream_init(struct stream *s, int in, int out, long long limit, const char *name);
/* Reads one chunk. Returns 0 on EOF, 1 while open, 2 when the stream went over its limit. */
int pump_in(struct stream *s);
void pump_out(struct stream *s);
/* The stream reached EOF: the destination fd is closed at once (see streams.c). */
void stream_eof(struct stream *s);
/* Before the runner's mount namespace: the program's uid may reopen fd 0 (/dev/stdin), and fd 0 names
 * no file (open_tree clones only mounts of the caller's namespace). */
void stdin_prepare(void);
/* The program's uid may reopen its output pipes (/dev/stdout, /dev/stderr). */
void stdout_prepare(int out_w, int err_w);

#endif
