/* The runner as a long-lived server (a zygote): `runner --server FD`, FD a SOCK_SEQPACKET socket to the
 * judging process. Spawning the runner binary per run (fork of a large Python process, exec, dynamic
 * loading) costs about as much as the sandboxing itself; a fork of this small process does not.
 *
 * One message per run: a struct server_request, then argv as NUL-terminated strings, with the run's fds
 * attached (SCM_RIGHTS): n_fds fds to install at the numbers in `target` (0, 1, 2 and the numbers argv
 * names in --meta-fd/--out-fd/--err-fd, as a spawned runner would have them), then one more: where the
 * run's wait status goes (an int) once its runner exits. A run's runner is a fork of the server: usually
 * the standby forked after the previous request, which made ahead what that request's options need and
 * took this request off the socket itself (see `struct standby`); else one forked on the request. Either
 * closes every other fd, restores default signal handling and runs runner_main as a spawned runner would:
 * nothing of one run reaches the next, and the server itself never parses options or touches a cgroup.
 *
 * Its life: it ends when the judging process closes its end (the judge died, or shut the server down). A
 * runner whose program still runs dies with it (runner_main's parent-death signal, and the program with
 * its runner); one that has written its result and is cleaning up (its cgroup, the pools) finishes that
 * first: it cleared its parent-death signal for this.
 * Not PR_SET_PDEATHSIG on the server itself: that follows the thread that spawned it, and a judge's
 * worker thread ending would take every other thread's runs with it. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVER_MAX_FDS 8
#define SERVER_MAX_RUNS 256
#define SERVER_MSG 262144

#define SERVER_CPU_WORDS 16 /* 1024 CPUs */
#define SERVER_MAX_ARGS (MAX_PATHS * 2 + MAX_ENV + 64)

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

/* In the forked child: the run's fds at their numbers, nothing else open but (in a standby) what it made
 * ahead, moved above every number in play first. */
static void install_fds(const int *fd, const int *target, int n) {
    int base = 3;
    for (int i = 0; i < n; i++) {
        if (target[i] >= base) base = target[i] + 1;
        if (fd[i] >= base) base = fd[i] + 1;
    }
    int high[SERVER_MAX_FDS], top = base;
    for (int i = 0; i < n; i++) {
        if ((high[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, base)) < 0) _exit(124);
        if (high[i] >= top) top = high[i] + 1;
    }
    int kept = ahead_relocate(top); /* (its fds at kept and above; INT_MAX when it has none) */
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
    syscall(SYS_close_range, from, kept == INT_MAX ? ~0U : (unsigned)kept - 1, 0);
}

static void reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
}

/* One request off `sock` into `buf`: its header, the fds that came with it (`*n_got`; the caller checks
 * their number) and argv (pointing into `buf`). Returns the message's length, 0 at EOF, -1 on a receive
 * error (errno), -2 for a malformed request (its fds are in `fds` still). */
static ssize_t receive(int sock, char *buf, struct server_request *req, int *fds, int *n_got, char **argv, int *argc,
                       int flags) {
    char ctl[CMSG_SPACE(sizeof(int) * (SERVER_MAX_FDS + 1))];
    struct iovec iov = {buf, SERVER_MSG - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    *n_got = 0;
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
    if (n <= 0) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (*n_got < SERVER_MAX_FDS + 1) fds[(*n_got)++] = fd;
            else close(fd);
        }
    }
    int bad = (size_t)n < sizeof *req || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
    if (!bad) {
        memcpy(req, buf, sizeof *req);
        bad = req->n_fds < 1 || req->n_fds > SERVER_MAX_FDS;
    }
    /* argv: the strings after the header, NUL-terminated each */
    *argc = 0;
    buf[n] = 0;
    for (size_t off = sizeof *req; !bad && off < (size_t)n; off += strlen(buf + off) + 1) {
        if (*argc >= SERVER_MAX_ARGS - 1) bad = 1;
        else argv[(*argc)++] = buf + off;
    }
    argv[*argc] = NULL;
    return bad || *argc < 2 ? -2 : n;
}

/* In the forked runner: the run's fds at their numbers, its caller's CPUs and nice value, then the run. */
static void __attribute__((noreturn)) become_runner(const struct server_request *req, const int *fds, int argc, char **argv) {
    install_fds(fds, req->target, req->n_fds);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c = 0; c < SERVER_CPU_WORDS * 64 && c < CPU_SETSIZE; c++)
        if (req->cpus[c / 64] >> (c % 64) & 1) CPU_SET(c, &set);
    if (CPU_COUNT(&set)) sched_setaffinity(0, sizeof set, &set);
    setpriority(PRIO_PROCESS, 0, req->nice); /* an unprivileged server cannot go below its own: kept */
    exit(runner_main(argc, argv));
}

/* The next runner, forked ahead of its request (a standby): forking it, claiming a cgroup, a network
 * namespace and a scratch tmpfs cost most of a run's set-up, and it does them while the judge is busy
 * with the previous run (ahead.c). Then it takes the next request off the judge's socket itself (the
 * server does not read it meanwhile: one process to wake instead of two), sends the server the request
 * and its status pipe on a socket of its own, and is the run's runner from then on. The server registers
 * the run and forks the next standby from the request's options. */
struct standby {
    pid_t pid; /* 0: none */
    int sock;  /* the server's end of the standby's own socket */
    int off;   /* one failed: every later request is read and forked by the server, as without standbys */
};

/* A refused request: the caller reads a status of -1 and runs a runner of its own. */
static void refuse(int *fds, int n_got) {
    int st = -1;
    if (n_got > 0) (void)!write(fds[n_got - 1], &st, sizeof st);
    for (int i = 0; i < n_got; i++) close(fds[i]);
}

/* Hands the request to the server: the message itself, then its status pipe (the server keeps it). */
static int notify(int sock, const char *buf, size_t n, int status_fd) {
    char ctl[CMSG_SPACE(sizeof(int))];
    memset(ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)buf, n};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &status_fd, sizeof status_fd);
    ssize_t sent;
    do sent = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    return sent == (ssize_t)n ? 0 : -1;
}

/* `judge`: the judge's socket; `server`: the standby's own. Exits 0 when the judge is gone. */
static void __attribute__((noreturn)) standby_main(int judge, int server, int argc, char **argv) {
    static char buf[SERVER_MSG];
    struct server_request req;
    int fds[SERVER_MAX_FDS + 1], n_got, n_args;
    char *args[SERVER_MAX_ARGS];
    int made = 0;
    for (;;) {
        /* A request already waiting (runs started at once) is not kept waiting for what is made ahead. */
        ssize_t n = receive(judge, buf, &req, fds, &n_got, args, &n_args, made ? 0 : MSG_DONTWAIT);
        if (n == -1 && !made && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ahead_make(argc, argv);
            made = 1;
            continue;
        }
        if (n == -1 && errno == EINTR) continue;
        if (n == 0 || n == -1) {
            ahead_release();
            _exit(n == 0 ? 0 : 1);
        }
        if (n == -2 || n_got != req.n_fds + 1) {
            refuse(fds, n_got);
            continue;
        }
        if (notify(server, buf, (size_t)n, fds[req.n_fds])) _exit(1); /* the server is gone: so is the run */
        close(fds[req.n_fds]);
        close(judge);
        close(server);
        become_runner(&req, fds, n_args, args);
    }
}

static void standby_fork(struct standby *sb, int judge, int argc, char **argv) {
    int sv[2];
    if (sb->off || sb->pid > 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) return;
    pid_t server = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* Nothing of the server's but the judge's socket: the other runs' pidfds and status pipes go. */
        int j = fcntl(judge, F_DUPFD_CLOEXEC, 3), own = fcntl(sv[1], F_DUPFD_CLOEXEC, 3);
        if (j < 0 || own < 0 || dup3(j, 3, O_CLOEXEC) < 0 || dup3(own, 4, O_CLOEXEC) < 0) _exit(124);
        syscall(SYS_close_range, 5, ~0U, 0);
        reset_signals();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != server) _exit(1);
        standby_main(3, 4, argc, argv);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return;
    }
    sb->pid = pid;
    sb->sock = sv[0];
}

static void register_run(pid_t pid, int status_fd, struct server_run *runs, int *n_runs) {
    int pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
    if (pidfd < 0 || *n_runs >= SERVER_MAX_RUNS) {
        int st = -1;
        if (pidfd >= 0) close(pidfd);
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

/* The judging process is gone: the runs it waited for go with the server (see the top). */
static void __attribute__((noreturn)) judge_gone(void) { _exit(0); }

/* The standby took a request (or ended): the run is registered and the next standby forked. */
static void standby_took(int judge, struct standby *sb, struct server_run *runs, int *n_runs) {
    static char buf[SERVER_MSG];
    struct server_request req;
    int fds[SERVER_MAX_FDS + 1], n_got, argc;
    char *argv[SERVER_MAX_ARGS];
    ssize_t n = receive(sb->sock, buf, &req, fds, &n_got, argv, &argc, 0);
    if (n == -1 && errno == EINTR) return;
    pid_t pid = sb->pid;
    close(sb->sock);
    sb->pid = 0;
    if (n <= 0 || n_got != 1) {
        for (int i = 0; i < n_got; i++) close(fds[i]);
        if (n != 0) kill(pid, SIGKILL); /* (a word it cannot have sent: never wait for its run) */
        int st = 0;
        waitpid(pid, &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) judge_gone();
        sb->off = 1; /* it failed: the server reads the requests from now on */
        return;
    }
    register_run(pid, fds[0], runs, n_runs);
    standby_fork(sb, judge, argc, argv);
}

/* One request read by the server (no standby is listening): a fresh fork becomes its runner, and the
 * next standby is forked from its options. */
static void start_run(int sock, struct server_run *runs, int *n_runs, struct standby *sb) {
    static char buf[SERVER_MSG];
    struct server_request req;
    int fds[SERVER_MAX_FDS + 1], n_got, argc;
    char *argv[SERVER_MAX_ARGS];
    ssize_t n = receive(sock, buf, &req, fds, &n_got, argv, &argc, 0);
    if (n == 0) judge_gone();
    if (n == -1) {
        if (errno == EINTR || errno == EAGAIN) return;
        _exit(1);
    }
    if (n == -2 || n_got != req.n_fds + 1) {
        refuse(fds, n_got);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        reset_signals();
        become_runner(&req, fds, argc, argv);
    }
    for (int i = 0; i < req.n_fds; i++) close(fds[i]);
    register_run(pid, fds[req.n_fds], runs, n_runs);
    standby_fork(sb, sock, argc, argv);
}

int server_main(int sock) {
    signal(SIGPIPE, SIG_IGN); /* a caller that stopped waiting for a status */
    static struct server_run runs[SERVER_MAX_RUNS];
    static struct pollfd pf[SERVER_MAX_RUNS + 1];
    int n_runs = 0;
    struct standby sb = {0, -1, 0};
    for (;;) {
        /* While a standby listens, the judge's socket is its to read: the server waits for its word. */
        int listening = sb.pid > 0;
        pf[0] = (struct pollfd){listening ? sb.sock : sock, POLLIN, 0};
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
        if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (listening) standby_took(sock, &sb, runs, &n_runs);
        else start_run(sock, runs, &n_runs, &sb);
    }
}
