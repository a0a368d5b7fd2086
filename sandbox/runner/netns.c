/* The network namespace of a run: loopback only; fresh per run (from a pool made ahead of need), or one
 * namespace shared by every run. */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void bring_up_lo(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
}

/* A new network namespace (loopback up) kept by a bind mount at `path`, an existing empty file: made in a
 * child, since unshare moves its caller. 0 on success. */
static int bind_new_netns(const char *path) {
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNET)) _exit(1);
        bring_up_lo();
        _exit(mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) ? 2 : 0);
    }
    int st = 0;
    return pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) ? -1 : 0;
}

/* An empty network namespace (loopback only) kept alive by a bind mount at `path`, made once and shared
 * by every run: creating a fresh one per run costs about 0.6 ms (median, measured). Called before the
 * runner's own mount namespace exists, so the bind mount lands in the host's. */
int shared_netns(const char *path) {
    int fd = open_nsfs(path);
    if (fd >= 0) return fd;
    char lock_path[4096];
    snprintf(lock_path, sizeof lock_path, "%s.lock", path);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX)) meta_error("sandbox", "lock %s: %s", lock_path, strerror(errno));
    fd = open_nsfs(path);
    if (fd < 0) {
        int t = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
        if (t < 0) meta_error("sandbox", "create %s: %s", path, strerror(errno));
        close(t);
        if (bind_new_netns(path))
            meta_error("unavailable", "cannot create the sandbox network namespace at %s (no network isolation)",
                       path);
        fd = open_nsfs(path);
        if (fd < 0) meta_error("sandbox", "network namespace at %s unusable", path);
    }
    close(lock);
    return fd;
}

/* ---------------------------------------------------------------- the pool of fresh namespaces */

/* A private namespace per run costs its creation (about 0.5 ms in clone) and its teardown at the end of
 * the run. Both leave the run's critical path through a small pool: namespaces made ahead of need, each
 * kept by a bind mount at <pool>/n<id> and used by exactly one run. A run claims one by creating
 * <pool>/n<id>.lock exclusively (holding its pid); after its meta line is out and its stdio closed (the
 * caller has all it needs and does not wait), the runner unmounts what it used and tops the pool up. An empty pool only means a fresh namespace made in clone,
 * as without a pool. */
#define POOL_TARGET 3

static int pid_alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH); }

/* Unmounts and removes pool entry `path` and its lock. */
void netns_release(const char *path) {
    char lock[4200];
    umount2(path, MNT_DETACH);
    unlink(path);
    snprintf(lock, sizeof lock, "%s.lock", path);
    unlink(lock);
}

int netns_claim(const char *pool, char *claimed, size_t len) {
    DIR *d = opendir(pool);
    if (!d && errno == ENOENT && !mkdir_p(pool, 0700)) d = opendir(pool);
    if (!d) return -1;
    struct dirent *de;
    int fd = -1;
    char path[4096], lock[4200];
    while (fd < 0 && (de = readdir(d))) {
        if (de->d_name[0] != 'n' || strchr(de->d_name, '.')) continue;
        snprintf(path, sizeof path, "%s/%s", pool, de->d_name);
        snprintf(lock, sizeof lock, "%s.lock", path);
        int l = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (l < 0) continue; /* someone else's, or still being made */
        dprintf(l, "%d", (int)getpid());
        close(l);
        fd = open_nsfs(path);
        /* Released after the run. An entry that vanished since readdir (released by another run) or was
         * is not a namespace goes now, lock included: `claimed` names one entry only. */
        if (fd >= 0) snprintf(claimed, len, "%s", path);
        else netns_release(path);
    }
    closedir(d);
    return fd;
}

/* One more namespace in the pool: made by a child (unshare moves the caller), locked while being made. */
static void pool_add(const char *pool) {
    char path[4096], lock[4200];
    snprintf(path, sizeof path, "%s/n%d-%lld", pool, (int)getpid(), now_ns());
    snprintf(lock, sizeof lock, "%s.lock", path);
    int l = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (l < 0) return;
    dprintf(l, "%d", (int)getpid());
    close(l);
    int t = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (t < 0) { unlink(lock); return; }
    close(t);
    if (bind_new_netns(path)) {
        netns_release(path);
        return;
    }
    unlink(lock); /* ready */
}

void netns_pool_refill(const char *pool, int host_mnt_fd, const char *claimed) {
    if (host_mnt_fd < 0 || setns(host_mnt_fd, CLONE_NEWNS)) return;
    if (claimed[0]) netns_release(claimed);
    char lockpath[4096];
    snprintf(lockpath, sizeof lockpath, "%s/.refill", pool);
    int l = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (l < 0 || flock(l, LOCK_EX | LOCK_NB)) return; /* another run is refilling */
    int ready = 0;
    DIR *d = opendir(pool);
    struct dirent *de;
    char path[4096], lock[4200], buf[32];
    while (d && (de = readdir(d))) {
        if (de->d_name[0] != 'n') continue;
        const char *dot = strchr(de->d_name, '.');
        if (dot) {
            /* A lock whose entry is gone (its holder died between the two unlinks, or the entry's file
             * was removed by hand): every claim and refill reads the whole directory, so it must not
             * grow. A maker writes its pid into the lock before creating the entry: a live one is kept. */
            if (strcmp(dot, ".lock")) continue;
            snprintf(path, sizeof path, "%s/%.*s", pool, (int)(dot - de->d_name), de->d_name);
            if (!access(path, F_OK)) continue;
            snprintf(lock, sizeof lock, "%s/%s", pool, de->d_name);
            int lf = open(lock, O_RDONLY | O_CLOEXEC);
            if (lf < 0) continue;
            ssize_t n = read(lf, buf, sizeof buf - 1);
            close(lf);
            buf[n > 0 ? n : 0] = 0;
            if (n > 0 && !pid_alive((pid_t)atoi(buf)) && access(path, F_OK)) unlink(lock);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", pool, de->d_name);
        snprintf(lock, sizeof lock, "%s.lock", path);
        int lf = open(lock, O_RDONLY | O_CLOEXEC);
        if (lf < 0) { ready++; continue; }
        ssize_t n = read(lf, buf, sizeof buf - 1);
        close(lf);
        buf[n > 0 ? n : 0] = 0;
        /* A claimer or maker that died without releasing (SIGKILL): its entry goes. */
        if (n > 0 && !pid_alive((pid_t)atoi(buf))) netns_release(path);
    }
    if (d) closedir(d);
    for (; ready < POOL_TARGET; ready++) pool_add(pool);
}
