/* The run's cgroup: v1 (memory, pids, cpuacct hierarchies), v2 where memory and pids are available (as
 * root at the hierarchy's root, or a subtree delegated to the user: --cgroup-v2), or none at all
 * (--no-cgroup: rootless without delegation, see limits.c). It limits memory and processes and measures
 * CPU time (cpu.stat's usage_usec needs no cpu controller) and peak memory of the whole tree. */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>


static int has_word(const char *path, const char *word) {
    char buf[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
        if (!strcmp(t, word)) return 1;
    return 0;
}

/* Removes cgroups left by runners that were killed (SIGKILL leaves no chance to clean up): a name
 * r<pid>-<ns> (s<pid>-<ns>: a standby's) whose runner pid is gone. A cgroup still holding processes refuses
 * rmdir, harmlessly. */
static void cg_sweep(const char *parent) {
    DIR *d = opendir(parent);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid;
        if (de->d_type != DT_DIR || !strchr("rs", de->d_name[0]) || sscanf(de->d_name + 1, "%d-", &pid) != 1) continue;
        if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", parent, de->d_name);
        rmdir(path);
    }
    closedir(d);
}

static void cg_make_dir(char *out, size_t outlen, const char *base, const char *unique) {
    char parent[512];
    snprintf(parent, sizeof parent, "%s/%s", base, O.cgroup_name);
    if (mkdir(parent, 0755) && errno != EEXIST)
        meta_error("unavailable", "cannot create cgroup %s: %s (memory, pids and CPU limits cannot be enforced)",
                   parent, strerror(errno));
    snprintf(out, outlen, "%s/%s", parent, unique);
    if (mkdir(out, 0755)) meta_error("unavailable", "cannot create cgroup %s: %s", out, strerror(errno));
}

/* Makes memory and pids available to the children of v2 directory `dir` (its cgroup.subtree_control).
 * The kernel refuses while `dir` itself holds processes (other than at the root): said in one line. */
static void cg_enable(const char *dir) {
    char path[600];
    snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
    if (has_word(path, "memory") && has_word(path, "pids")) return;
    if (write_str(path, "+memory +pids") && !(has_word(path, "memory") && has_word(path, "pids")))
        meta_error("unavailable",
                   "cannot enable the memory and pids controllers in %s: %s%s (memory, pids and CPU limits "
                   "cannot be enforced)",
                   path, strerror(errno),
                   errno == EBUSY ? "; the cgroup holds processes itself: move them into a child cgroup" : "");
}

/* ---------------------------------------------------------------- the pool of never-used cgroups (v1) */

/* Making a run's three v1 cgroups (memory, pids, cpuacct) is most of cg_acquire's cost (mkdir creates every
 * control file). A small pool of cgroups made ahead of need takes it off the run's critical path: entry
 * p<maker pid>-<ns>, the same name in the three hierarchies, made after a run's result is out and used by
 * exactly one run, never reused (counters such as max_usage_in_bytes and failcnt only grow: a used cgroup
 * would carry one run's peak into the next). A run claims an entry by renaming it to its own r<pid>-<ns>
 * name, memory first: rename is atomic, so of several claimers one wins and the others try the next
 * entry. v1 cannot move a cgroup between parents and v2 cannot rename one, so v2 has no pool. A claimed
 * entry is removed like any run's cgroup (cg_remove, or cg_sweep once its runner is dead); the pool
 * itself is known, empty state, removed by sandbox.cgroup_pool.drain_cgroup_pool. */

/* v1 controller directories, in the order a pool entry is made (memory last: its presence means the
 * entry is complete) and claimed (memory first: its rename is the claim). */
static const char *const pool_ctrl[3] = {"cpuacct", "pids", "memory"};

static int pool_entry_name(const char *name) { return name[0] == 'p' && strchr(name, '-') && !strchr(name, '.'); }

/* Renames a pool entry to `unique` in every hierarchy; 1 when this run owns it. */
static int cg_pool_claim(const char *unique) {
    char parent[512], from[1024], to[1024];
    snprintf(parent, sizeof parent, "%s/memory/%s", O.cgroup_root, O.cgroup_name);
    DIR *d = opendir(parent);
    if (!d) return 0;
    struct dirent *de;
    int won = 0;
    char name[256];
    while (!won && (de = readdir(d))) {
        if (de->d_type != DT_DIR || !pool_entry_name(de->d_name)) continue;
        snprintf(name, sizeof name, "%s", de->d_name);
        snprintf(from, sizeof from, "%s/%s", parent, name);
        snprintf(to, sizeof to, "%s/%s", parent, unique);
        won = !rename(from, to);
    }
    closedir(d);
    if (!won) return 0;
    for (int i = 0; i < 2; i++) {
        snprintf(from, sizeof from, "%s/%s/%s/%s", O.cgroup_root, pool_ctrl[i], O.cgroup_name, name);
        snprintf(to, sizeof to, "%s/%s/%s/%s", O.cgroup_root, pool_ctrl[i], O.cgroup_name, unique);
        /* Drained meanwhile (or half made by a maker that died): a fresh one, as without a pool. */
        if (rename(from, to) && mkdir(to, 0755))
            meta_error("unavailable", "cannot create cgroup %s: %s", to, strerror(errno));
    }
    return 1;
}

static void cg_pool_add(void) {
    char path[1024];
    long long t = now_ns();
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s/%s/p%d-%lld", O.cgroup_root, pool_ctrl[i], O.cgroup_name, (int)getpid(), t);
        if (mkdir(path, 0755)) {
            /* undone, so that no half-made entry is left (memory, the last, is what claimers look for) */
            for (int j = 0; j < i; j++) {
                snprintf(path, sizeof path, "%s/%s/%s/p%d-%lld", O.cgroup_root, pool_ctrl[j], O.cgroup_name, (int)getpid(), t);
                rmdir(path);
            }
            return;
        }
    }
}

/* After the run's result is out: the pool back to O.cgroup_pool entries (one refiller at a time). */
void cg_pool_refill(struct cgroup *cg) {
    if (cg->none || cg->v2 || O.cgroup_pool <= 0) return;
    char parent[512];
    snprintf(parent, sizeof parent, "%s/memory/%s", O.cgroup_root, O.cgroup_name);
    int lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
        if (lock >= 0) close(lock);
        return; /* another run is refilling */
    }
    int ready = 0;
    DIR *d = opendir(parent);
    struct dirent *de;
    while (d && (de = readdir(d))) ready += de->d_type == DT_DIR && pool_entry_name(de->d_name);
    if (d) closedir(d);
    for (; ready < O.cgroup_pool; ready++) cg_pool_add();
    close(lock);
}

void cg_acquire(struct cgroup *cg, char kind) {
    char unique[128], path[600], v2root[512];
    snprintf(unique, sizeof unique, "%c%d-%lld", kind, (int)getpid(), now_ns());
    memset(cg, 0, sizeof *cg);
    cg->cpu_fd = -1;
    for (int i = 0; i < CG_STATS; i++) cg->stat_fd[i] = -1;
    if (O.no_cgroup) {
        cg->none = 1;
        return;
    }
    if (O.cgroup_v2_dir) {
        /* Given by the caller (a delegated subtree): runs go under it, it goes under its parent. */
        const char *slash = strrchr(O.cgroup_v2_dir, '/');
        if (!slash || slash == O.cgroup_v2_dir || snprintf(v2root, sizeof v2root, "%.*s",
                                                            (int)(slash - O.cgroup_v2_dir), O.cgroup_v2_dir) >= (int)sizeof v2root)
            meta_error("usage", "bad --cgroup-v2 %s", O.cgroup_v2_dir);
        O.cgroup_name = slash + 1;
        cg->v2 = 1;
    }
    /* v2 where memory and pids are available (cgroup2 at the root or at unified/): enabled for children
     * here if the host has not done it already, as systemd does at boot. */
    const char *cands[2] = {"", "/unified"};
    for (int i = 0; i < 2 && !cg->v2; i++) {
        snprintf(v2root, sizeof v2root, "%s%s", O.cgroup_root, cands[i]);
        snprintf(path, sizeof path, "%s/cgroup.controllers", v2root);
        if (has_word(path, "memory") && has_word(path, "pids")) cg->v2 = 1;
    }
    if (cg->v2) {
        char parent[600];
        cg_enable(v2root);
        snprintf(parent, sizeof parent, "%s/%s", v2root, O.cgroup_name);
        if (mkdir(parent, 0755) && errno != EEXIST)
            meta_error("unavailable", "cannot create cgroup %s: %s", parent, strerror(errno));
        cg_enable(parent);
        cg_make_dir(cg->mem, sizeof cg->mem, v2root, unique);
        strcpy(cg->pids, cg->mem);
        strcpy(cg->cpu, cg->mem);
    } else {
        const char *ctrl[3] = {"memory", "pids", "cpuacct"};
        char *dst[3] = {cg->mem, cg->pids, cg->cpu};
        cg->from_pool = O.cgroup_pool > 0 && cg_pool_claim(unique);
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", O.cgroup_root, ctrl[i]);
            if (access(path, W_OK))
                meta_error("unavailable",
                           "no writable cgroup v1 '%s' controller at %s and no cgroup v2 with memory+pids delegated "
                           "(%s limits and measurements cannot be enforced)",
                           ctrl[i], path, i == 0 ? "memory" : i == 1 ? "process-count" : "CPU-time");
            if (cg->from_pool) snprintf(dst[i], 512, "%s/%s/%s", path, O.cgroup_name, unique);
            else cg_make_dir(dst[i], 512, path, unique);
        }
    }
    /* Opened now rather than after the run: the result waits for their reads only. */
    const char *stat_file[2][CG_STATS] = {
        {"memory.max_usage_in_bytes", "memory.failcnt", "memory.oom_control", "memory.kmem.tcp.max_usage_in_bytes",
         "memory.kmem.tcp.failcnt", "pids.events"},
        {"memory.peak", "memory.events", NULL, NULL, NULL, "pids.events"}};
    for (int i = 0; i < CG_STATS; i++) {
        const char *name = stat_file[cg->v2][i];
        snprintf(path, sizeof path, "%s/%s", i == CG_PIDS_EVENTS ? cg->pids : cg->mem, name ? name : "");
        cg->stat_fd[i] = name ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    }
    snprintf(path, sizeof path, "%s/%s", cg->cpu, cg->v2 ? "cpu.stat" : "cpuacct.usage");
    cg->cpu_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (cg->cpu_fd < 0) meta_error("unavailable", "cannot open %s: %s", path, strerror(errno));
    char *dirs[3] = {cg->mem, cg->pids, cg->cpu};
    cg->n_procs = cg->v2 ? 1 : 3;
    for (int i = 0; i < cg->n_procs; i++) {
        /* v1: the child joins while single-threaded, so moving its one thread (tasks) is moving the process;
         * a write to cgroup.procs takes the global threadgroup rwsem for writing, which waits for an RCU
         * grace period: 8-16 ms on this kind of VM (measured), against 0.03 ms through tasks. */
        snprintf(path, sizeof path, "%s/%s", dirs[i], cg->v2 ? "cgroup.procs" : "tasks");
        cg->procs_fd[i] = open(path, O_WRONLY | O_CLOEXEC);
        if (cg->procs_fd[i] < 0) meta_error("unavailable", "cannot open %s: %s", path, strerror(errno));
    }
}

/* The run's limits, written into the cgroup cg_acquire gave it. */
void cg_limit(struct cgroup *cg) {
    char path[600];
    if (cg->none) return;
    char v[64];
    if (O.mem > 0) {
        snprintf(v, sizeof v, "%lld", O.mem);
        if (cg->v2) {
            snprintf(path, sizeof path, "%s/memory.max", cg->mem);
            if (write_str(path, v)) meta_error("unavailable", "cannot set %s: %s", path, strerror(errno));
            snprintf(path, sizeof path, "%s/memory.swap.max", cg->mem);
            write_str(path, "0");
        } else {
            snprintf(path, sizeof path, "%s/memory.limit_in_bytes", cg->mem);
            if (write_str(path, v)) meta_error("unavailable", "cannot set %s: %s", path, strerror(errno));
            snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", cg->mem);
            write_str(path, v); /* absent without swap accounting: then there is no swap to use */
            snprintf(path, sizeof path, "%s/memory.swappiness", cg->mem);
            write_str(path, "0");
            /* v1 charges socket buffers to a cgroup only once its TCP limit is set (v2 always does): data
             * parked in loopback buffers would otherwise be memory nobody pays for. Reported in the peak. */
            snprintf(path, sizeof path, "%s/memory.kmem.tcp.limit_in_bytes", cg->mem);
            if (!access(path, F_OK) && write_str(path, v))
                meta_error("unavailable", "cannot set %s: %s", path, strerror(errno));
        }
    }
    snprintf(v, sizeof v, "%ld", O.procs);
    snprintf(path, sizeof path, "%s/pids.max", cg->pids);
    if (write_str(path, v)) meta_error("unavailable", "cannot set %s: %s", path, strerror(errno));
}

void cg_close(struct cgroup *cg) {
    if (cg->cpu_fd >= 0) close(cg->cpu_fd);
    cg->cpu_fd = -1;
    for (int i = 0; i < CG_STATS; i++) {
        if (cg->stat_fd[i] >= 0) close(cg->stat_fd[i]);
        cg->stat_fd[i] = -1;
    }
    for (int i = 0; i < cg->n_procs; i++) close(cg->procs_fd[i]);
    cg->n_procs = 0;
}

long long cg_cpu_ns(struct cgroup *cg) {
    if (cg->none) return -1;
    if (!cg->v2) return read_ll_fd(cg->cpu_fd);
    char buf[1024];
    ssize_t n = pread(cg->cpu_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strstr(buf, "usage_usec ");
    return p ? strtoll(p + 11, NULL, 10) * 1000LL : -1;
}

/* Kills every process in the cgroup until it is empty (the pid namespace's death does most of this). */
void cg_kill_all(struct cgroup *cg) {
    char path[600], buf[8192];
    if (cg->none) return; /* the pid namespace died with its init: nothing of the run is left */
    if (cg->v2) {
        /* cgroup.kill (Linux 5.14) kills the whole tree at once, racing forks included. */
        snprintf(path, sizeof path, "%s/cgroup.kill", cg->pids);
        write_str(path, "1");
    }
    snprintf(path, sizeof path, "%s/cgroup.procs", cg->pids);
    for (int round = 0; round < 1000; round++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) return;
        buf[n] = 0;
        for (char *t = strtok(buf, "\n"); t; t = strtok(NULL, "\n")) kill((pid_t)atoi(t), SIGKILL);
        usleep(1000);
    }
}

void cg_remove(struct cgroup *cg) {
    if (cg->none) return;
    char *dirs[3] = {cg->mem, cg->pids, cg->cpu};
    int n = cg->v2 ? 1 : 3;
    for (int i = 0; i < n; i++) {
        for (int tries = 0; tries < 200; tries++) {
            if (!rmdir(dirs[i]) || errno == ENOENT) break;
            if (errno != EBUSY) break;
            cg_kill_all(cg);
            usleep(1000);
        }
        /* Then what killed runners left beside it (after the result: the sweep reads the whole dir). */
        char parent[512];
        snprintf(parent, sizeof parent, "%s", dirs[i]);
        char *slash = strrchr(parent, '/');
        if (slash) {
            *slash = 0;
            cg_sweep(parent);
        }
    }
}

int cg_join(struct cgroup *cg) {
    if (cg->none) return 0;
    for (int i = 0; i < cg->n_procs; i++)
        if (write(cg->procs_fd[i], "0", 1) != 1) return -1;
    return 0;
}

void cg_read_final(struct cgroup *cg, struct run_meta *m) {
    m->cgroup_v2 = cg->v2;
    m->cgroup_none = cg->none;
    if (cg->none) return; /* main.c fills in what rusage tells */
    const int *fd = cg->stat_fd;
    m->peak = read_ll_fd(fd[CG_PEAK]);
    if (cg->v2) {
        m->failcnt = read_key_fd(fd[CG_FAILCNT], "max");
        m->oom_kill = read_key_fd(fd[CG_FAILCNT], "oom_kill");
    } else {
        m->failcnt = read_ll_fd(fd[CG_FAILCNT]);
        m->oom_kill = read_key_fd(fd[CG_OOM], "oom_kill");
        /* Socket buffers are charged apart from memory.usage on v1: every byte counts in the peak. */
        long long tcp = read_ll_fd(fd[CG_TCP_PEAK]);
        if (tcp > 0 && m->peak >= 0) m->peak += tcp;
        m->tcp_peak = tcp;
        long long tcp_fail = read_ll_fd(fd[CG_TCP_FAIL]);
        if (tcp_fail > 0 && m->failcnt >= 0) m->failcnt += tcp_fail;
    }
    m->pids_max_hits = read_key_fd(fd[CG_PIDS_EVENTS], "max");
}
