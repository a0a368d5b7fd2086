/* Small helpers of every part of the runner: the clock, the phase marks of --timing, cgroup-style files. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/vfs.h>
#include <unistd.h>

struct marks *marks;
int timing;

long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ended(long long *at) {
    if (!*at) *at = now_ns();
}

void mark(const char *name) {
    if (!marks) return;
    int i = __atomic_fetch_add(&marks->n, 1, __ATOMIC_RELAXED);
    if (i < MAX_MARKS) { marks->m[i].name = name; marks->m[i].ns = now_ns(); }
}

static int mark_cmp(const void *a, const void *b) {
    long long x = ((const struct mark_entry *)a)->ns, y = ((const struct mark_entry *)b)->ns;
    return (x > y) - (x < y);
}

void marks_sort(void) {
    int n = marks->n < MAX_MARKS ? marks->n : MAX_MARKS;
    qsort(marks->m, (size_t)n, sizeof marks->m[0], mark_cmp);
}

void marks_init(void) {
    void *p = mmap(NULL, sizeof *marks, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    marks = p == MAP_FAILED ? NULL : p;
}

int write_str(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

long long read_ll_fd(int fd) {
    char buf[64];
    if (fd < 0) return -1;
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    if (!strncmp(buf, "max", 3)) return -1;
    return strtoll(buf, NULL, 10);
}

long long read_ll(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long long v = read_ll_fd(fd);
    close(fd);
    return v;
}

long long read_key(const char *path, const char *key) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long long v = read_key_fd(fd, key);
    close(fd);
    return v;
}

long long read_key_fd(int fd, const char *key) {
    char buf[4096];
    if (fd < 0) return -1;
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    size_t kl = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, key, kl) && line[kl] == ' ') return strtoll(line + kl + 1, NULL, 10);
    }
    return -1;
}

int open_nsfs(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct statfs sf;
    if (fd >= 0 && !fstatfs(fd, &sf) && sf.f_type == NSFS_MAGIC) return fd;
    if (fd >= 0) close(fd);
    return -1;
}

int mkdir_p(const char *path, mode_t mode) {
    char tmp[4096];
    /* Mostly the parent exists: one call instead of one per component of the long mount-point paths. */
    if (!mkdir(path, mode) || errno == EEXIST) return 0;
    if (errno != ENOENT) return -1;
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, mode) && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, mode) && errno != EEXIST) return -1;
    return 0;
}
