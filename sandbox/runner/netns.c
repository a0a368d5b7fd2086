/* The network namespace of a run: loopback only. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/vfs.h>
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

#define NSFS_MAGIC_ 0x6e736673

static int open_netns(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct statfs sf;
    if (fd >= 0 && !fstatfs(fd, &sf) && sf.f_type == NSFS_MAGIC_) return fd;
    if (fd >= 0) close(fd);
    return -1;
}

/* An empty network namespace (loopback only) kept alive by a bind mount at `path`, made once and shared
 * by every run: creating a fresh one per run costs about 0.6 ms (median, measured). Called before the
 * runner's own mount namespace exists, so the bind mount lands in the host's. */
int shared_netns(const char *path) {
    int fd = open_netns(path);
    if (fd >= 0) return fd;
    char lock_path[4096];
    snprintf(lock_path, sizeof lock_path, "%s.lock", path);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX)) meta_error("sandbox", "lock %s: %s", lock_path, strerror(errno));
    fd = open_netns(path);
    if (fd < 0) {
        int t = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
        if (t < 0) meta_error("sandbox", "create %s: %s", path, strerror(errno));
        close(t);
        pid_t pid = fork();
        if (pid == 0) {
            if (unshare(CLONE_NEWNET)) _exit(1);
            bring_up_lo();
            _exit(mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) ? 2 : 0);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
            meta_error("unavailable", "cannot create the sandbox network namespace at %s (no network isolation)",
                       path);
        fd = open_netns(path);
        if (fd < 0) meta_error("sandbox", "network namespace at %s unusable", path);
    }
    close(lock);
    return fd;
}
