/* The run's cgroup: v1 (memory, pids, cpuacct hierarchies) or v2 where the host delegates memory and pids.
 * It limits memory and processes and measures CPU time and peak memory of the whole tree. */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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
 * r<pid>-<ns> whose runner pid is gone. A cgroup still holding processes refuses rmdir, harmlessly. */
static void cg_sweep(const char *parent) {
    DIR *d = opendir(parent);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid;
        if (de->d_type != DT_DIR || de->d_name[0] != 'r' || sscanf(de->d_name, "r%d-", &pid) != 1) continue;
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

void cg_setup(struct cgroup *cg) {
    char unique[128], path[600], v2root[512];
    snprintf(unique, sizeof unique, "r%d-%lld", (int)getpid(), now_ns());
    memset(cg, 0, sizeof *cg);
    cg->cpu_fd = -1;
    /* v2 where the host delegates memory and pids to child groups (cgroup2 at the root or at unified/). */
    const char *cands[2] = {"", "/unified"};
    for (int i = 0; i < 2 && !cg->v2; i++) {
        snprintf(v2root, sizeof v2root, "%s%s", O.cgroup_root, cands[i]);
        snprintf(path, sizeof path, "%s/cgroup.subtree_control", v2root);
        if (has_word(path, "memory") && has_word(path, "pids")) cg->v2 = 1;
    }
    if (cg->v2) {
        char parent[600];
        snprintf(parent, sizeof parent, "%s/%s", v2root, O.cgroup_name);
        if (mkdir(parent, 0755) && errno != EEXIST)
            meta_error("unavailable", "cannot create cgroup %s: %s", parent, strerror(errno));
        snprintf(path, sizeof path, "%s/cgroup.subtree_control", parent);
        write_str(path, "+memory +pids");
        cg_make_dir(cg->mem, sizeof cg->mem, v2root, unique);
        strcpy(cg->pids, cg->mem);
        strcpy(cg->cpu, cg->mem);
    } else {
        const char *ctrl[3] = {"memory", "pids", "cpuacct"};
        char *dst[3] = {cg->mem, cg->pids, cg->cpu};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", O.cgroup_root, ctrl[i]);
            if (access(path, W_OK))
                meta_error("unavailable",
                           "no writable cgroup v1 '%s' controller at %s and no cgroup v2 with memory+pids delegated "
                           "(%s limits and measurements cannot be enforced)",
                           ctrl[i], path, i == 0 ? "memory" : i == 1 ? "process-count" : "CPU-time");
            cg_make_dir(dst[i], 512, path, unique);
        }
    }
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

long long cg_cpu_ns(struct cgroup *cg) {
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
    for (int i = 0; i < cg->n_procs; i++)
        if (write(cg->procs_fd[i], "0", 1) != 1) return -1;
    return 0;
}

void cg_read_final(struct cgroup *cg, struct run_meta *m) {
    char path[600];
    m->cgroup_v2 = cg->v2;
    if (cg->v2) {
        snprintf(path, sizeof path, "%s/memory.peak", cg->mem);
        m->peak = read_ll(path);
        snprintf(path, sizeof path, "%s/memory.events", cg->mem);
        m->failcnt = read_key(path, "max");
        m->oom_kill = read_key(path, "oom_kill");
    } else {
        snprintf(path, sizeof path, "%s/memory.max_usage_in_bytes", cg->mem);
        m->peak = read_ll(path);
        snprintf(path, sizeof path, "%s/memory.failcnt", cg->mem);
        m->failcnt = read_ll(path);
        snprintf(path, sizeof path, "%s/memory.oom_control", cg->mem);
        m->oom_kill = read_key(path, "oom_kill");
        /* Socket buffers are charged apart from memory.usage on v1: every byte counts in the peak. */
        snprintf(path, sizeof path, "%s/memory.kmem.tcp.max_usage_in_bytes", cg->mem);
        long long tcp = read_ll(path);
        if (tcp > 0 && m->peak >= 0) m->peak += tcp;
        m->tcp_peak = tcp;
        snprintf(path, sizeof path, "%s/memory.kmem.tcp.failcnt", cg->mem);
        long long tcp_fail = read_ll(path);
        if (tcp_fail > 0 && m->failcnt >= 0) m->failcnt += tcp_fail;
    }
    snprintf(path, sizeof path, "%s/pids.events", cg->pids);
    m->pids_max_hits = read_key(path, "max");
}
