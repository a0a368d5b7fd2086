/* The program's stdio: stdout and stderr are pipes the runner reads, counts against their limits and
 * copies to the caller's fds; stdin is the caller's fd 0, made openable and anonymous. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int pump_in(struct stream *s) {
    ssize_t n = read(s->in, s->buf, CHUNK);
    if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (n == 0) return 0;
    long long room = s->limit < 0 ? n : s->limit - s->count;
    if (room > n) room = n;
    if (room < 0) room = 0;
    s->off = 0;
    s->len = s->out >= 0 ? (size_t)room : 0;
    s->count += n;
    return s->limit >= 0 && s->count > s->limit ? 2 : 1;
}

void pump_out(struct stream *s) {
    size_t want = s->len - s->off;
    /* POLLOUT on a pipe promises PIPE_BUF bytes of room: more could block. */
    if (s->out_is_pipe && want > PIPE_BUF) want = PIPE_BUF;
    ssize_t w = write(s->out, s->buf + s->off, want);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (w <= 0) { /* reader gone: keep counting, drop */
        if (s->out > 2) close(s->out);
        s->out = -1;
        s->off = s->len = 0;
        return;
    }
    s->off += (size_t)w;
    if (s->off == s->len) s->off = s->len = 0;
}

void stream_eof(struct stream *s) {
    s->open = 0;
    /* Pass the EOF on now, not when the run ends: the reader may be an interactive peer waiting for it
     * (an interactor that closes its output before it exits). Nothing is pending: EOF is read only once
     * the buffer has been written out. */
    if (s->out > 2) close(s->out);
    s->out = -1;
}

void stream_init(struct stream *s, int in, int out, long long limit, const char *name) {
    struct stat st;
    memset(s, 0, sizeof *s);
    s->in = in;
    s->out = out;
    s->open = 1;
    s->limit = limit;
    s->name = name;
    s->buf = malloc(CHUNK);
    if (!s->buf) meta_error("sandbox", "out of memory");
    s->out_is_pipe = out >= 0 && !fstat(out, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}


/* A regular file on fd 0 is the test's input: /proc/self/fd/0 would name it (and with it the test). It
 * is reopened through a detached clone of its mount (readlink shows "/", mountinfo nothing, no copy);
 * where open_tree is refused (older kernels, Docker's seccomp profile) it is copied into a sealed memfd
 * named "stdin". */
#if !defined(SYS_open_tree) && defined(__NR_open_tree)
#define SYS_open_tree __NR_open_tree
#endif
#if !defined(SYS_open_tree) && (defined(__x86_64__) || defined(__aarch64__))
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

static int neutral_reopen(void) {
    off_t pos = lseek(0, 0, SEEK_CUR);
    int fd = -1;
#ifdef SYS_open_tree
    int tree = (int)syscall(SYS_open_tree, 0, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree >= 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", tree);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        close(tree);
    }
#endif
    if (fd < 0) {
        fd = (int)syscall(SYS_memfd_create, "stdin", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) return -1;
        struct stat st;
        off_t off = 0;
        if (fstat(0, &st)) return -1;
        while (off < st.st_size) {
            ssize_t n = sendfile(fd, 0, &off, (size_t)(st.st_size - off));
            if (n <= 0) return -1;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) return -1;
    }
    /* The memfd's own offset is at its end after the copy: back to where the caller's was. */
    if (lseek(fd, pos > 0 ? pos : 0, SEEK_SET) < 0) return -1;
    if (dup2(fd, 0) < 0) return -1;
    close(fd);
    return 0;
}

void stdin_prepare(void) {
    struct stat st;
    if (fstat(0, &st)) return; /* no stdin: the program sees a closed fd 0 */
    /* /dev/stdin reopens the fd's file: the program's uid must be allowed to (a pipe is root's, 0600). */
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        /* Rootless, the program's uid is the user's own outside: the user's pipe is already its. */
        if (fchown(0, O.uid, O.gid) && !O.rootless) meta_error("sandbox", "chown stdin: %s", strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
        char link[64];
        ssize_t n = readlink("/proc/self/fd/0", link, sizeof link - 1);
        int memfd = n >= 7 && !strncmp(link, "/memfd:", 7);
        if (!memfd && neutral_reopen()) meta_error("sandbox", "reopen stdin: %s", strerror(errno));
    }
}

void stdout_prepare(int out_w, int err_w) {
    /* /dev/stdout and /dev/stderr reopen the pipes: owned by root, mode 0600 unless given away. */
    if (fchown(out_w, O.uid, O.gid) || fchown(err_w, O.uid, O.gid))
        meta_error("sandbox", "chown output pipes: %s", strerror(errno));
}
