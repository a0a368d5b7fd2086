/* Rootless mode: the runner, started by an ordinary user, builds the same sandbox from an unprivileged user
 * namespace. Inside it the runner is O.uid/O.gid (65534, mapped to the user's own ids outside; nothing
 * else is mapped) and holds every capability over the mount, pid, net, ipc and uts namespaces it creates
 * next; the program's execve as a non-root uid drops them all. The cgroup files were opened before, with
 * the user's own credentials, which is what the kernel checks when the program joins. */
#include "runner.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void write_map(const char *file, const char *text) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/%s", file);
    if (write_str(path, text))
        meta_error("unavailable", "cannot write %s in a new user namespace: %s", path, strerror(errno));
}

void enter_userns(void) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER)) {
        int e = errno;
        meta_error("unavailable",
                   "unshare(CLONE_NEWUSER): %s: this host forbids unprivileged user namespaces "
                   "(kernel.unprivileged_userns_clone, user.max_user_namespaces or Ubuntu's "
                   "kernel.apparmor_restrict_unprivileged_userns; `cpelo sandbox doctor` says which)",
                   strerror(e));
    }
    char map[64];
    write_map("setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)O.uid, (unsigned)uid);
    write_map("uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)O.gid, (unsigned)gid);
    write_map("gid_map", map);
}
