/* The runner as a long-lived server (a zygote): `runner --server FD`, FD a SOCK_SEQPACKET socket to the
 * judging process. Spawning the runner binary per run (fork of a large Python process, exec, dynamic
 * loading) costs about as much as the sandboxing itself; a fork of this small process does not.
 *
 * One message per run: a struct server_request, then argv as NUL-terminated strings, with the run's fds
 * attached (SCM_RIGHTS): n_fds fds to install at the numbers in `target` (0, 1, 2 and the numbers argv
 * names in --meta-fd/--out-fd/--err-fd, as a spawned runner would have them), then one more: where the
 * run's wait status goes (an int) once its runner exits. The forked child closes every other fd, restores
 * default signal handling and runs runner_main as a spawned runner would: nothing of one run reaches the
 * next, and the server itself never parses options or touches a cgroup.
 *
 * Its life: it ends when the judging process closes its end (the judge died, or shut the server down),
 * killing the runners it still has; a runner it forked dies with it (runner_main's parent-death signal).
 * Not PR_SET_PDEATHSIG on the server itself: that follows the thread that spawned it, and a judge's
 * worker thread ending would take every other thread's runs with it. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVER_MAX_FDS 8
#define SERVER_MAX_RUNS 256
#define SERVER_MSG 262144

#define SERVER_CPU_WORDS 16 /* 1024 CPUs */

/* What a spawned runner would inherit from the calling thread, beside its fds: the CPU affinity and nice
 * value (both per thread, and set by callers that pin or deprioritise their judging). */
struct server_request {
    int n_fds;
    int target[SERVER_MAX_FDS];
    int nice; /* (ten ints: cpus is 8-aligned without padding, as sandbox/runner_server.py packs it) */
    unsigned long long cpus[SERVER_CPU_WORDS];
};

struct server_run {
    pid_t pid;
    int pidfd, status_fd;
};

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* In the forked child: the run's fds at their numbers, nothing else open. */
static void install_fds(const int *fd, const int *target, int n) {
    int base = 3;
    for (int i = 0; i < n; i++) {
        if (target[i] >= base) base = target[i] + 1;
        if (fd[i] >= base) base = fd[i] + 1;
    }
    int high[SERVER_MAX_FDS];
    for (int i = 0; i < n; i++)
        if ((high[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, base)) < 0) _exit(124);
    for (int i = 0; i < n; i++)
        if (dup2(high[i], target[i]) < 0) _exit(124);
    int keep[SERVER_MAX_FDS];
    memcpy(keep, target, sizeof(int) * (size_t)n);
    qsort(keep, (size_t)n, sizeof keep[0], cmp_int);
    int from = 0;
    for (int i = 0; i < n; i++) {
        if (keep[i] > from) syscall(SYS_close_range, from, keep[i] - 1, 0);
        from = keep[i] + 1;
    }
    syscall(SYS_close_range, from, ~0U, 0);
}

static void reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
}

/* One run: fork, the child becomes a runner; the parent keeps what tells the run's end. */
static void start_run(int sock, struct server_run *runs, int *n_runs) {
    static char buf[SERVER_MSG];
    char ctl[CMSG_SPACE(sizeof(int) * (SERVER_MAX_FDS + 1))];
    struct iovec iov = {buf, sizeof buf - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n == 0) {
        /* the judging process is gone: so are the runs it waited for */
        for (int i = 0; i < *n_runs; i++) kill(runs[i].pid, SIGKILL);
        _exit(0);
    }
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) return;
        _exit(1);
    }
    int fds[SERVER_MAX_FDS + 1], n_got = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (n_got < SERVER_MAX_FDS + 1) fds[n_got++] = fd;
            else close(fd);
        }
    }
    struct server_request req;
    int bad = (size_t)n < sizeof req || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
    if (!bad) {
        memcpy(&req, buf, sizeof req);
        bad = req.n_fds < 1 || req.n_fds > SERVER_MAX_FDS || n_got != req.n_fds + 1 || *n_runs >= SERVER_MAX_RUNS;
    }
    /* argv: the strings after the header, NUL-terminated each */
    char *argv[MAX_PATHS * 2 + MAX_ENV + 64];
    int argc = 0;
    buf[n] = 0;
    for (size_t off = sizeof req; !bad && off < (size_t)n; off += strlen(buf + off) + 1) {
        if (argc >= (int)(sizeof argv / sizeof argv[0]) - 1) bad = 1;
        else argv[argc++] = buf + off;
    }
    argv[argc] = NULL;
    if (bad || argc < 2) {
        /* refused: the caller reads a status of -1 and runs a runner of its own */
        int st = -1;
        if (n_got > 0) (void)!write(fds[n_got - 1], &st, sizeof st);
        for (int i = 0; i < n_got; i++) close(fds[i]);
        return;
    }
    int status_fd = fds[req.n_fds];
    pid_t pid = fork();
    if (pid == 0) {
        reset_signals();
        install_fds(fds, req.target, req.n_fds);
        cpu_set_t set;
        CPU_ZERO(&set);
        for (int c = 0; c < SERVER_CPU_WORDS * 64 && c < CPU_SETSIZE; c++)
            if (req.cpus[c / 64] >> (c % 64) & 1) CPU_SET(c, &set);
        if (CPU_COUNT(&set)) sched_setaffinity(0, sizeof set, &set);
        setpriority(PRIO_PROCESS, 0, req.nice); /* an unprivileged server cannot go below its own: kept */
        exit(runner_main(argc, argv));
    }
    for (int i = 0; i < req.n_fds; i++) close(fds[i]);
    int pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
    if (pidfd < 0) {
        int st = -1;
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        (void)!write(status_fd, &st, sizeof st);
        close(status_fd);
        return;
    }
    fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    runs[(*n_runs)++] = (struct server_run){pid, pidfd, status_fd};
}

int server_main(int sock) {
    signal(SIGPIPE, SIG_IGN); /* a caller that stopped waiting for a status */
    static struct server_run runs[SERVER_MAX_RUNS];
    static struct pollfd pf[SERVER_MAX_RUNS + 1];
    int n_runs = 0;
    for (;;) {
        pf[0] = (struct pollfd){sock, POLLIN, 0};
        for (int i = 0; i < n_runs; i++) pf[i + 1] = (struct pollfd){runs[i].pidfd, POLLIN, 0};
        int r = poll(pf, (nfds_t)n_runs + 1, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        /* ended runs first (from the back: the array is compacted as they go) */
        for (int i = n_runs - 1; i >= 0; i--) {
            if (!pf[i + 1].revents) continue;
            int st = -1;
            if (waitpid(runs[i].pid, &st, 0) != runs[i].pid) st = -1;
            (void)!write(runs[i].status_fd, &st, sizeof st);
            close(runs[i].status_fd);
            close(runs[i].pidfd);
            runs[i] = runs[--n_runs];
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) start_run(sock, runs, &n_runs);
    }
}
