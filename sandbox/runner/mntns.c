/* The prepared root: a mount namespace made once per set of inputs (root_key) and kept by a bind mount of
 * its nsfs file under --mnt-template, like the network namespace pool. Its root is already the sandbox's
 * read-only root (system directories, /etc entries, /dev, the run's --ro paths), pivoted, the host's
 * mounts detached. A run then costs a copy of those ~25 mounts (setns + unshare in the clone child)
 * instead of building them, a copy of the host's mount table twice and detaching it again; the run's own
 * mounts (a fresh scratch tmpfs for /tmp and the work dir, --ro paths under /tmp such as the judge's
 * installed program, the work dir's entries, --rw paths) are made by the runner as detached trees (the
 * mount API of Linux 5.2) and attached to the child's copy.
 *
 * Nothing of a run is ever added to the prepared namespace: the child unshares before its first mount, and
 * the shared root tmpfs is read-only. Where any piece is missing (no mount API, a work dir outside /tmp
 * whose mount point would have to be made in the shared root, the namespace cannot be made), the run
 * builds its root itself (build_root), as before. */
#include "runner.h"

#include "mount_api.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Makes the namespace in a child (unshare moves the caller) and keeps it by a bind mount at `path`, made
 * here in the host's namespace. The child reports nothing to the caller: any failure only means no
 * prepared root. */
static int template_make(const char *path) {
    int t = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (t < 0) return -1;
    close(t);
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC)) return -1;
    if (pipe2(hold, O_CLOEXEC)) { close(ready[0]); close(ready[1]); return -1; }
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(hold[1]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* meta_error in here must not answer the caller for the run. */
        int passed[] = {O.meta_fd, O.out_fd, O.err_fd};
        for (int i = 0; i < 3; i++) if (passed[i] > 2) close(passed[i]);
        meta_fd = -1;
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) dup2(null, 2);
        if (unshare(CLONE_NEWNS)) _exit(1);
        mkdir_p(O.root_mnt, 0755);
        build_template_root(O.root_mnt);
        if (chdir(O.root_mnt) || syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) || chdir("/"))
            _exit(1);
        char c = 1;
        if (write(ready[1], &c, 1) != 1) _exit(1);
        (void)!read(hold[0], &c, 1); /* until the namespace is kept (or the runner died) */
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    char c = 0;
    int ok = pid > 0 && read(ready[0], &c, 1) == 1;
    char ns[64];
    snprintf(ns, sizeof ns, "/proc/%d/ns/mnt", (int)pid);
    if (ok && mount(ns, path, NULL, MS_BIND, NULL)) ok = 0;
    close(ready[0]);
    close(hold[1]);
    if (pid > 0) waitpid(pid, NULL, 0);
    return ok ? open_nsfs(path) : -1;
}

/* Prepared namespaces kept at once: one per language (its --ro paths) and host state. A changed input
 * (a package installed, ld.so.cache rewritten) makes a new one; past this many, the others go (a run that
 * holds one keeps it alive; the next run of theirs makes it again). */
#define MAX_TEMPLATES 16
/* A failure to make one is retried after this long (seconds): a host that cannot make them pays the
 * attempt once an hour, a passing failure does not stick. */
#define RETRY_AFTER 3600

static void templates_trim(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    char names[MAX_TEMPLATES + 1][64];
    int n = 0, over = 0;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "t-", 2) || strchr(de->d_name, '.') || strlen(de->d_name) >= 64) continue;
        if (n <= MAX_TEMPLATES) snprintf(names[n++], 64, "%s", de->d_name);
        else over = 1;
    }
    closedir(d);
    if (n <= MAX_TEMPLATES && !over) return;
    for (int i = 0; i < n; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (!strcmp(p, keep)) continue;
        umount2(p, MNT_DETACH);
        unlink(p);
    }
}

/* The prepared namespace for this run's inputs, made on first use; -1 if it cannot be made (remembered in
 * <path>.failed for RETRY_AFTER seconds when `remember`). */
int template_open(const char *dir, int remember) {
    char path[4096], failed[4200], lockp[4200];
    snprintf(path, sizeof path, "%s/t-%016llx", dir, root_key());
    int fd = open_nsfs(path);
    if (fd >= 0) return fd;
    snprintf(failed, sizeof failed, "%s.failed", path);
    struct stat fst;
    if (!stat(failed, &fst)) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (now.tv_sec - fst.st_mtime < RETRY_AFTER) return -1;
        unlink(failed);
    }
    if (mkdir_p(dir, 0700)) return -1;
    snprintf(lockp, sizeof lockp, "%s/.lock", dir);
    int lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return -1;
    if (flock(lock, LOCK_EX)) { close(lock); return -1; }
    fd = open_nsfs(path);
    if (fd < 0 && access(failed, F_OK)) {
        fd = template_make(path);
        if (fd >= 0) templates_trim(dir, path);
        if (fd < 0 && remember) {
            int f = open(failed, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            if (f >= 0) close(f);
        }
    }
    close(lock);
    return fd;
}

static int set_attr(int fd, uint64_t attr, unsigned flags) {
    struct cpelo_mount_attr a = {attr, 0, 0, 0};
    return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | flags, &a, sizeof a);
}

/* A detached recursive copy of host path `host`, nosuid and nodev (read-only or not as today's binds). */
static int clone_tree(const char *host) {
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fd < 0) return -1;
    if (set_attr(fd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, AT_RECURSIVE)) { close(fd); return -1; }
    return fd;
}

/* mkdir -p of relative path `rel` under directory fd `at` (a fresh tmpfs: nothing there but ours). */
static int mkdirs_at(int at, const char *rel, mode_t mode) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", rel) >= (int)sizeof tmp) return -1;
    for (char *p = tmp; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdirat(at, tmp, mode) && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdirat(at, tmp, mode) && errno != EEXIST) return -1;
    return 0;
}

/* Where sandbox path `p` lies on the scratch tmpfs ("work/..." or "tmp/..."), or NULL when it is outside
 * both (its mount point would have to be made in the shared root). */
static int scratch_rel(const char *p, char *out, size_t len) {
    size_t w = strlen(O.workdir);
    if (strstr(p, "/.") || strstr(p, "//")) return -1; /* no "..", nothing to normalise */
    if (!strncmp(p, O.workdir, w) && (p[w] == 0 || p[w] == '/')) return snprintf(out, len, "work%s", p + w) >= (int)len;
    if (!strncmp(p, "/tmp/", 5) && p[5]) return snprintf(out, len, "tmp/%s", p + 5) >= (int)len;
    return -1;
}

static int add(struct graft *g, int fd, const char *dst) {
    if (g->n >= (int)(sizeof g->fd / sizeof g->fd[0])) { close(fd); return -1; }
    g->fd[g->n] = fd;
    g->dst[g->n] = strdup(dst);
    g->n++;
    return 0;
}

/* The host work dir's entries: mount points on the scratch work dir, the entries as detached trees. */
static int graft_workdir(struct graft *g, int work) {
    DIR *dir = opendir(O.workdir);
    if (!dir) return -1;
    struct dirent *de;
    int r = 0;
    while (!r && (de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char host[4096], dst[4096];
        snprintf(host, sizeof host, "%s/%s", O.workdir, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", O.workdir, de->d_name);
        if (workdir_entry(work, de->d_name, host) != 1) continue;
        int fd = clone_tree(host);
        r = fd < 0 ? -1 : add(g, fd, dst);
        if (!r) g->entry[g->n_entries++] = strdup(de->d_name);
    }
    closedir(dir);
    return r;
}

/* --rw paths: in the work dir they lie on a host entry grafted there (their mount point is the host's
 * own); under /tmp their mount point is made on the scratch tmpfs. */
static int graft_rw(struct graft *g) {
    size_t w = strlen(O.workdir);
    for (int i = 0; i < O.n_rw; i++) {
        char rel[4096];
        struct stat st;
        if (scratch_rel(O.rw[i], rel, sizeof rel) || lstat(O.rw[i], &st)) return -1;
        if (!strncmp(rel, "work", 4)) {
            const char *first = O.rw[i] + w + (O.rw[i][w] == '/');
            size_t len = strcspn(first, "/");
            int found = !*first; /* the work dir itself: bound over the scratch one */
            for (int j = 0; j < g->n_entries && !found; j++)
                found = strlen(g->entry[j]) == len && !strncmp(g->entry[j], first, len);
            if (!found) return -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (mkdirs_at(g->scratch_fd, rel, 0755)) return -1;
        } else if (S_ISREG(st.st_mode)) {
            char *slash = strrchr(rel, '/');
            *slash = 0;
            if (mkdirs_at(g->scratch_fd, rel, 0755)) return -1;
            *slash = '/';
            int fd = openat(g->scratch_fd, rel, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (fd < 0 && errno != EEXIST && errno != EISDIR) return -1;
            if (fd >= 0) close(fd);
        } else return -1;
        /* The caller asked for the program to write here: it must own the top directory. */
        if (lchown(O.rw[i], O.uid, O.gid)) meta_error("sandbox", "chown %s: %s", O.rw[i], strerror(errno));
        int fd = clone_tree(O.rw[i]);
        if (fd < 0 || add(g, fd, O.rw[i])) return -1;
    }
    return 0;
}

static int scratch_mount(void) {
    char v[64];
    long long disk = O.disk > 0 ? O.disk : 4096;
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int ok = 1;
    snprintf(v, sizeof v, "%lld", disk);
    ok = ok && !syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", v, 0);
    snprintf(v, sizeof v, "%lld", disk / 4096 + 64);
    ok = ok && !syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "nr_inodes", v, 0);
    ok = ok && !syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "755", 0);
    ok = ok && !syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "cpelo-scratch", 0);
    ok = ok && !syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int m = ok ? (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) : -1;
    close(fs);
    return m;
}

/* The run's scratch tmpfs as a detached mount, with its work/ (the program's) and tmp/; -1 on failure. */
int scratch_make(void) {
    int fd = scratch_mount();
    if (fd < 0) return -1;
    if (mkdirat(fd, "work", 0755) || fchownat(fd, "work", O.uid, O.gid, AT_SYMLINK_NOFOLLOW) ||
        mkdirat(fd, "tmp", 01777) || fchmodat(fd, "tmp", 01777, 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* --ro paths under /tmp (outside the work dir): read-only trees on mount points of the scratch /tmp. */
static int graft_ro(struct graft *g) {
    size_t w = strlen(O.workdir);
    for (int i = 0; i < O.n_ro; i++) {
        const char *p = O.ro[i];
        char rel[4096];
        struct stat st;
        if (!under_tmp(p)) continue; /* in the prepared root */
        if (!strncmp(p, O.workdir, w) && (p[w] == 0 || p[w] == '/')) return -1;
        if (scratch_rel(p, rel, sizeof rel) || lstat(p, &st)) return -1;
        if (S_ISDIR(st.st_mode)) {
            if (mkdirs_at(g->scratch_fd, rel, 0755)) return -1;
        } else if (S_ISREG(st.st_mode)) {
            char *slash = strrchr(rel, '/');
            *slash = 0;
            if (mkdirs_at(g->scratch_fd, rel, 0755)) return -1;
            *slash = '/';
            int fd = openat(g->scratch_fd, rel, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (fd < 0) return -1;
            close(fd);
        } else return -1;
        int fd = (int)syscall(SYS_open_tree, AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0) return -1;
        /* Read-only for every mount nested under it, as build_root's binds. */
        if (set_attr(fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, AT_RECURSIVE)) {
            close(fd);
            return -1;
        }
        if (add(g, fd, p)) return -1;
    }
    return 0;
}

int graft_prepare(struct graft *g, const char *dir) {
    memset(g, 0, sizeof *g);
    g->template_fd = g->scratch_fd = -1;
    char rel[4096];
    /* The work dir's mount point is made on the run's own /tmp; the --ro paths are in the prepared root. */
    if (O.rootless || strncmp(O.workdir, "/tmp/", 5) || !O.workdir[5] || strstr(O.workdir, "/.") ||
        strstr(O.workdir, "//") || snprintf(rel, sizeof rel, "tmp/%s", O.workdir + 5) >= (int)sizeof rel)
        return -1;
    g->scratch_fd = ahead_scratch();
    if (g->scratch_fd < 0) g->scratch_fd = scratch_make();
    if (g->scratch_fd < 0 || mkdirs_at(g->scratch_fd, rel, 0755)) goto fail;
    /* Attached in build_root's order: /tmp, the --ro paths on it, the work dir, its entries, --rw paths. */
    int tmp_fd = (int)syscall(SYS_open_tree, g->scratch_fd, "tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tmp_fd < 0 || add(g, tmp_fd, "/tmp") || graft_ro(g)) goto fail;
    int work_fd = (int)syscall(SYS_open_tree, g->scratch_fd, "work", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (work_fd < 0 || add(g, work_fd, O.workdir)) goto fail;
    int work = openat(g->scratch_fd, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (work < 0) goto fail;
    int r = graft_workdir(g, work);
    close(work);
    if (r || graft_rw(g)) goto fail;
    /* Last: a host without the mount API never makes a prepared namespace it cannot use. */
    g->template_fd = ahead_template(dir);
    if (g->template_fd < 0) g->template_fd = template_open(dir, 1);
    if (g->template_fd < 0) goto fail;
    return 0;
fail:
    graft_release(g);
    if (g->scratch_fd >= 0) close(g->scratch_fd);
    g->scratch_fd = -1;
    return -1;
}

int graft_enter(struct graft *g) {
    /* The copy first: nothing this run mounts may land in the namespace every run starts from. */
    if (setns(g->template_fd, CLONE_NEWNS) || unshare(CLONE_NEWNS)) return errno ? errno : EPERM;
    for (int i = 0; i < g->n; i++)
        if (syscall(SYS_move_mount, g->fd[i], "", AT_FDCWD, g->dst[i], MOVE_MOUNT_F_EMPTY_PATH)) return errno;
    return chdir("/") ? errno : 0;
}

void graft_release(struct graft *g) {
    if (g->template_fd >= 0) close(g->template_fd);
    g->template_fd = -1;
    for (int i = 0; i < g->n; i++) {
        close(g->fd[i]);
        free(g->dst[i]);
    }
    g->n = 0; /* the entries' names stay: copy-back skips them */
}
