/* The wall clock alone cannot tell a sleeping program from one the machine is too busy to run: with the
 * cores shared by many runnable processes a busy loop gets a fraction of a CPU and would pass its wall
 * limit long before its CPU limit. The kernel keeps, per task, the time it spent runnable but waiting on a
 * runqueue (run_delay, 2nd field of /proc/<tid>/schedstat, ns); the wall limit applies to the idle clock,
 * wall time minus the tree's summed run_delay. A task's counter vanishes with it, so each task's last seen
 * value is kept: only a task born and dead between two samples is missed (the error leans towards idle).
 * Sampled only once a run outlives its CPU limit or nears its wall limit, so short runs never pay for it. */
#include "runner.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rq_init(struct rqwait *w, struct cgroup *cg) {
    memset(w, 0, sizeof *w);
    snprintf(w->tasks_path, sizeof w->tasks_path, "%s/%s", cg->cpu, cg->v2 ? "cgroup.threads" : "tasks");
}

/* run_delay of one task (ns), or -1 when it is gone or the file is missing. */
static long long run_delay_of(const char *path) {
    char buf[160];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    unsigned long long exec_ns, delay_ns;
    return sscanf(buf, "%llu %llu", &exec_ns, &delay_ns) == 2 ? (long long)delay_ns : -1;
}

/* schedstat exists only with CONFIG_SCHED_INFO, and stays at zero where the kernel collects it only
 * under delay accounting turned off: the runner's own count of timeslices (3rd field) tells. */
static int rq_supported(void) {
    char buf[160];
    int fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    unsigned long long exec_ns, delay_ns, slices;
    return sscanf(buf, "%llu %llu %llu", &exec_ns, &delay_ns, &slices) == 3 && slices > 0;
}

static int rq_cmp(const void *a, const void *b) {
    pid_t x = ((const struct rq_task *)a)->tid, y = ((const struct rq_task *)b)->tid;
    return (x > y) - (x < y);
}

void rq_sample(struct rqwait *w, long long now) {
    if (w->state == 0) w->state = rq_supported() ? 1 : -1;
    if (w->state < 0) return;
    int fd = open(w->tasks_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    size_t cap = 64, n = 0;
    struct rq_task *cur = malloc(cap * sizeof *cur);
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0) break;
        have += (size_t)r;
        buf[have] = 0;
        char *line = buf, *nl;
        while (cur && (nl = strchr(line, '\n'))) {
            *nl = 0;
            if (n == cap) {
                struct rq_task *grown = realloc(cur, 2 * cap * sizeof *cur);
                if (!grown) { free(cur); cur = NULL; break; }
                cur = grown;
                cap *= 2;
            }
            cur[n].tid = (pid_t)atoi(line);
            cur[n++].delay = -1;
            line = nl + 1;
        }
        have = strlen(line);
        memmove(buf, line, have);
    }
    close(fd);
    if (!cur) return;
    char path[64];
    for (size_t j = 0; j < n; j++) {
        snprintf(path, sizeof path, "/proc/%d/schedstat", (int)cur[j].tid);
        cur[j].delay = run_delay_of(path);
    }
    qsort(cur, n, sizeof *cur, rq_cmp);
    size_t uniq = 0;
    for (size_t j = 0; j < n; j++)
        if (!uniq || cur[j].tid != cur[uniq - 1].tid) cur[uniq++] = cur[j];
    n = uniq;
    /* Merge with the previous sample: a tid no longer listed has exited (keep its last value); one whose
     * counter went backwards is a new task that reused the tid; one that died since listing keeps its last. */
    size_t i = 0;
    long long live = 0;
    for (size_t j = 0; j < n; j++) {
        while (i < w->n && w->t[i].tid < cur[j].tid) w->gone += w->t[i++].delay;
        if (i < w->n && w->t[i].tid == cur[j].tid) {
            if (cur[j].delay < 0) cur[j].delay = w->t[i].delay;
            else if (cur[j].delay < w->t[i].delay) w->gone += w->t[i].delay;
            i++;
        }
        if (cur[j].delay < 0) cur[j].delay = 0;
        live += cur[j].delay;
    }
    while (i < w->n) w->gone += w->t[i++].delay;
    free(w->t);
    w->t = cur;
    w->n = n;
    w->total = w->gone + live;
    w->last_sample = now;
}

/* The main process once it has exited but is not yet reaped (its pid cannot be reused): its final count. */
void rq_final(struct rqwait *w, pid_t pid) {
    if (w->state <= 0) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    long long d = run_delay_of(path);
    for (size_t i = 0; i < w->n; i++) {
        if (w->t[i].tid == pid && d > w->t[i].delay) {
            w->total += d - w->t[i].delay;
            w->t[i].delay = d;
        }
    }
}
