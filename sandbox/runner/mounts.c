/* The sandbox's filesystem: a read-only tmpfs root holding read-only binds of the system directories and a
 * few /etc files, a minimal /dev, and one writable tmpfs of --disk bytes for the work dir and /tmp. Built
 * in the runner's private mount namespace, so the host never sees these mounts; the program inherits a
 * copy and pivots into it. */
#include "runner.h"

#include "mount_api.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Remounts the one mount at `dst` with `fl`; a mount carrying noexec (or atime flags) of its own
 * refuses a remount that drops them, so those are carried over from its current flags. */
static int remount_one(const char *dst, unsigned long fl) {
    struct statvfs sv;
    if (!statvfs(dst, &sv)) {
        if (sv.f_flag & ST_NOEXEC) fl |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME) fl |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME) fl |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME) fl |= MS_RELATIME;
    }
    if (!mount(NULL, dst, NULL, fl, NULL)) return 0;
    return mount(NULL, dst, NULL, fl | MS_NOEXEC, NULL);
}

/* Undoes mountinfo's octal escapes (\040 for a space, ...) in place. */
static void unescape_mountinfo(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else *w++ = *r;
    }
    *w = 0;
}

/* Fallback for kernels without mount_setattr (or a seccomp profile refusing it, as Docker's may):
 * MS_REC binds submounts but a bind remount changes only the top one, so every mount below `dst`
 * is remounted read-only one by one. Fails closed: a submount left writable aborts the run. */
static void remount_tree_ro(const char *dst, unsigned long fl) {
    if (remount_one(dst, fl)) meta_error("sandbox", "remount %s read-only: %s", dst, strerror(errno));
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) meta_error("sandbox", "read /proc/self/mountinfo: %s", strerror(errno));
    size_t n = strlen(dst);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        /* "id parent major:minor root mountpoint ...": the fifth field. */
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        for (int i = 0; tok && i < 4; i++) tok = strtok_r(NULL, " ", &save);
        if (!tok) continue;
        unescape_mountinfo(tok);
        if (strncmp(tok, dst, n) || tok[n] != '/') continue;
        if (remount_one(tok, fl)) {
            int e = errno;
            free(line);
            fclose(f);
            meta_error("sandbox", "remount submount %s read-only: %s", tok, strerror(e));
        }
    }
    free(line);
    fclose(f);
}

static void bind_mount(const char *src, const char *dst, int ro) {
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL))
        meta_error("sandbox", "bind mount %s -> %s: %s", src, dst, strerror(errno));
    unsigned long fl = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | (ro ? MS_RDONLY : 0);
    if (ro) {
        /* Read-only must hold for every mount nested under the bind, not just its top. */
        struct cpelo_mount_attr attr = {MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0};
        if (!syscall(SYS_mount_setattr, AT_FDCWD, dst, AT_RECURSIVE, &attr, sizeof attr)) return;
        /* Any failure (ENOSYS, seccomp's EPERM, ...) falls back to the walk, which fails closed. */
        remount_tree_ro(dst, fl);
        return;
    }
    if (remount_one(dst, fl)) meta_error("sandbox", "remount %s read-write: %s", dst, strerror(errno));
}

/* Makes `inside` (an absolute sandbox path) exist under root as the same kind of thing as `host`. */
static int make_mountpoint(const char *root, const char *host, char *dst, size_t dstlen) {
    struct stat st;
    if (lstat(host, &st)) return -1;
    snprintf(dst, dstlen, "%s%s", root, host);
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(host, target, sizeof target - 1);
        if (n < 0) return -1;
        target[n] = 0;
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", dst);
        *strrchr(parent, '/') = 0;
        mkdir_p(parent, 0755);
        if (symlink(target, dst) && errno != EEXIST) return -1;
        return 1; /* a symlink, nothing to mount */
    }
    if (S_ISDIR(st.st_mode)) return mkdir_p(dst, 0755);
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dst);
    *strrchr(parent, '/') = 0;
    if (mkdir_p(parent, 0755)) return -1;
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errno == EROFS || errno == EEXIST || errno == EISDIR ? 0 : -1;
    close(fd);
    return 0;
}

static void expose(const char *root, const char *host, int ro, int required) {
    char dst[4096];
    int r = make_mountpoint(root, host, dst, sizeof dst);
    if (r < 0) {
        if (required) meta_error("sandbox", "cannot expose %s in the sandbox: %s", host, strerror(errno));
        return;
    }
    if (r == 0) bind_mount(host, dst, ro);
}

static const char *const SYSTEM_DIRS[] = {"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", NULL};
/* Only what dynamic linking, compilers and runtimes read; nothing naming the host or its users. */
static const char *const ETC_ENTRIES[] = {
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/java-17-openjdk",
    "/etc/java-21-openjdk", "/etc/java-11-openjdk", "/etc/ssl/certs/java", "/etc/localtime", "/etc/python3",
    "/etc/python3.11", "/etc/pypy3", NULL};

/* The part of the root every run shares: a tmpfs at `R` holding the system directories, the /etc entries,
 * /dev and empty /proc and /tmp. Returns whether /usr/local is masked (to be sealed read-only). */
static int base_tree(const char *R) {
    char path[4096];
    if (mount("cpelo-root", R, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=755"))
        meta_error("sandbox", "mount tmpfs at %s: %s", R, strerror(errno));
    for (const char *const *d = SYSTEM_DIRS; *d; d++) expose(R, *d, 1, 0);
    /* /usr/local holds what the host's admin installed (other interpreters' site-packages, CUDA, ...):
     * hidden under an empty tmpfs; a language that lives there names its paths (--ro), bound into it. */
    char usr_local[4096];
    snprintf(usr_local, sizeof usr_local, "%s/usr/local", R);
    int local_masked = !access(usr_local, F_OK);
    if (local_masked && mount("cpelo-empty", usr_local, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,nr_inodes=256,mode=755"))
        meta_error("sandbox", "mask %s: %s", usr_local, strerror(errno));
    snprintf(path, sizeof path, "%s/etc", R);
    mkdir(path, 0755);
    for (const char *const *e = ETC_ENTRIES; *e; e++) expose(R, *e, 1, 0);

    snprintf(path, sizeof path, "%s/proc", R);
    mkdir(path, 0555);
    snprintf(path, sizeof path, "%s/dev", R);
    mkdir(path, 0755);
    const char *devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", NULL};
    for (const char **d = devs; *d; d++) {
        char dst[4096];
        snprintf(dst, sizeof dst, "%s%s", R, *d);
        int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd >= 0) close(fd);
        if (mount(*d, dst, NULL, MS_BIND, NULL)) meta_error("sandbox", "bind %s: %s", *d, strerror(errno));
        mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, NULL);
    }
    const char *links[][2] = {{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
                              {"/proc/self/fd/2", "stderr"}};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/dev/%s", R, links[i][1]);
        symlink(links[i][0], path);
    }
    snprintf(path, sizeof path, "%s/tmp", R);
    mkdir(path, 01777);
    return local_masked;
}

int under_tmp(const char *path) { return !strncmp(path, "/tmp", 4) && (path[4] == 0 || path[4] == '/'); }

/* `shared_only`: a prepared root holds the --ro paths outside /tmp; those under /tmp are the run's own
 * (a program installed in the judge's scratch dir) and attached per run (mntns.c). */
static void expose_ro_paths(const char *R, int shared_only) {
    for (int i = 0; i < O.n_ro; i++)
        if (!shared_only || !under_tmp(O.ro[i])) expose(R, O.ro[i], 1, 1);
}

/* The root's tmpfs (and the /usr/local mask) read-only: the program can change nothing of it. */
static void seal_root(const char *R, int local_masked) {
    char usr_local[4096];
    snprintf(usr_local, sizeof usr_local, "%s/usr/local", R);
    if (local_masked && mount(NULL, usr_local, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL))
        meta_error("sandbox", "remount %s read-only: %s", usr_local, strerror(errno));
    if (mount(NULL, R, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL))
        meta_error("sandbox", "remount root read-only: %s", strerror(errno));
}

/* Every entry of the tmpfs holding directory fd `dir` (not what is mounted on it) dated at the epoch. */
static void zero_times(int dir, dev_t dev, int depth) {
    static const struct timespec epoch[2] = {{0, 0}, {0, 0}};
    int fd = dup(dir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || st.st_dev != dev) continue;
        if (S_ISDIR(st.st_mode) && depth < 8) {
            int sub = openat(dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                zero_times(sub, dev, depth + 1);
                close(sub);
            }
        }
        utimensat(dir, de->d_name, epoch, AT_SYMLINK_NOFOLLOW);
    }
    closedir(d);
    futimens(dir, epoch);
}

void build_template_root(const char *R) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) meta_error("sandbox", "make / private: %s", strerror(errno));
    int local_masked = base_tree(R);
    expose_ro_paths(R, 1);
    /* A root shared by many runs must not date the run that made it: its own entries (/, /etc, /dev, the
     * symlinks, the /usr/local mask) carry the epoch instead of their creation time. */
    char usr_local[4096];
    snprintf(usr_local, sizeof usr_local, "%s/usr/local", R);
    const char *tops[2] = {R, local_masked ? usr_local : NULL};
    for (int i = 0; i < 2 && tops[i]; i++) {
        int fd = open(tops[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && !fstat(fd, &st)) zero_times(fd, st.st_dev, 0);
        if (fd >= 0) close(fd);
    }
    seal_root(R, local_masked);
}

int workdir_entry(int work, const char *name, const char *host) {
    struct stat st;
    if (lstat(host, &st)) return 0;
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(host, target, sizeof target - 1);
        if (n < 0) return 0;
        target[n] = 0;
        if (!symlinkat(target, work, name)) fchownat(work, name, O.uid, O.gid, AT_SYMLINK_NOFOLLOW);
        return 0;
    }
    if (S_ISDIR(st.st_mode)) mkdirat(work, name, 0755);
    else if (S_ISREG(st.st_mode)) {
        int fd = openat(work, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) close(fd);
    } else return 0;
    return 1;
}

/* Builds the sandbox's root at O.root_mnt and the writable tmpfs at O.scratch_mnt. Runs in the runner's
 * private mount namespace, so the host never sees these mounts; the program inherits a copy. */
void build_root(void) {
    const char *R = O.root_mnt, *S = O.scratch_mnt;
    char path[4096], opts[128];
    /* (the caller makes them once per process: made again if they vanished since) */
    mkdir_p(R, 0755);
    mkdir_p(S, 0755);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) meta_error("sandbox", "make / private: %s", strerror(errno));
    int local_masked = base_tree(R);
    long long disk = O.disk > 0 ? O.disk : 4096;
    snprintf(opts, sizeof opts, "size=%lld,nr_inodes=%lld,mode=755", disk, disk / 4096 + 64);
    if (mount("cpelo-scratch", S, "tmpfs", MS_NOSUID | MS_NODEV, opts))
        meta_error("sandbox", "mount tmpfs at %s: %s", S, strerror(errno));
    snprintf(path, sizeof path, "%s/work", S);
    mkdir(path, 0755);
    if (chown(path, O.uid, O.gid)) meta_error("sandbox", "chown %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/tmp", S);
    mkdir(path, 01777);
    chmod(path, 01777);

    snprintf(path, sizeof path, "%s/tmp", R);
    char src[4096];
    snprintf(src, sizeof src, "%s/tmp", S);
    bind_mount(src, path, 0);

    expose_ro_paths(R, 0);

    /* The work dir: a directory of the scratch tmpfs, with the host work dir's entries bound into it. */
    char work[4096];
    snprintf(work, sizeof work, "%s/work", S);
    int work_fd = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (work_fd < 0) meta_error("sandbox", "open %s: %s", work, strerror(errno));
    DIR *dir = opendir(O.workdir);
    if (!dir) meta_error("sandbox", "open work dir %s: %s", O.workdir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char host[4096], dst[4096];
        snprintf(host, sizeof host, "%s/%s", O.workdir, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", work, de->d_name);
        if (workdir_entry(work_fd, de->d_name, host) != 1) continue;
        if (mount(host, dst, NULL, MS_BIND | MS_REC, NULL))
            meta_error("sandbox", "bind %s: %s", host, strerror(errno));
        mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV, NULL);
    }
    close(work_fd);
    closedir(dir);
    char wd_dst[4096];
    snprintf(wd_dst, sizeof wd_dst, "%s%s", R, O.workdir);
    if (mkdir_p(wd_dst, 0755)) meta_error("sandbox", "create %s: %s", wd_dst, strerror(errno));
    if (mount(work, wd_dst, NULL, MS_BIND | MS_REC, NULL))
        meta_error("sandbox", "bind work dir: %s", strerror(errno));

    for (int i = 0; i < O.n_rw; i++) {
        /* The caller asked for the program to write here: it must own the top directory. */
        if (lchown(O.rw[i], O.uid, O.gid)) meta_error("sandbox", "chown %s: %s", O.rw[i], strerror(errno));
        expose(R, O.rw[i], 0, 1);
    }
    seal_root(R, local_masked);
}

/* Copies what the program created in the scratch work dir back to the host work dir. Only regular
 * files and directories born on the tmpfs (bind-mounted host entries have another st_dev); never
 * symlinks, so nothing the program makes can point the judge at a host file. */
static void copy_back(int src_dir, int dst_dir, dev_t tmpfs_dev, int depth, char *const *skip, int n_skip) {
    if (depth > 16) return;
    int fd = dup(src_dir);
    DIR *d = fdopendir(fd);
    if (!d) { close(fd); return; }
    struct dirent *de;
    char buf[CHUNK];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        int skipped = 0;
        for (int i = 0; depth == 0 && i < n_skip && !skipped; i++) skipped = !strcmp(de->d_name, skip[i]);
        if (skipped) continue;
        struct stat st;
        if (fstatat(src_dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || st.st_dev != tmpfs_dev) continue;
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(dst_dir, de->d_name, 0755) && errno != EEXIST) continue;
            int s = openat(src_dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int t = openat(dst_dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s >= 0 && t >= 0) copy_back(s, t, tmpfs_dev, depth + 1, NULL, 0);
            if (s >= 0) close(s);
            if (t >= 0) close(t);
        } else if (S_ISREG(st.st_mode)) {
            int s = openat(src_dir, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (s < 0) continue;
            unlinkat(dst_dir, de->d_name, 0);
            int t = openat(dst_dir, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           st.st_mode & 0777);
            if (t >= 0) {
                ssize_t n;
                while ((n = read(s, buf, sizeof buf)) > 0)
                    if (write(t, buf, (size_t)n) != n) break;
                fchmod(t, st.st_mode & 0777);
                close(t);
            }
            close(s);
        }
    }
    closedir(d);
}

/* Makes the prepared root the root. Docker's default seccomp profile refuses pivot_root even with
 * CAP_SYS_ADMIN (the docker backend runs this runner in a container): there the root is moved over / and
 * chrooted into instead, as runc does without pivot_root. The same for the program, which can neither
 * chroot nor mount (seccomp) and holds no directory outside. */
int enter_root(void) {
    if (chdir(O.root_mnt)) return -1;
    if (!syscall(SYS_pivot_root, ".", ".")) return umount2(".", MNT_DETACH) || chdir("/") ? -1 : 0;
    if (errno != EPERM) return -1;
    return mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/") ? -1 : 0;
}


void copy_back_workdir(int scratch_fd, char *const *skip, int n_skip) {
    if (!O.copy_back) return;
    char work[4096];
    snprintf(work, sizeof work, "%s/work", O.scratch_mnt);
    int src = scratch_fd >= 0 ? openat(scratch_fd, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                              : open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int dst = open(O.workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat sst;
    if (src >= 0 && dst >= 0 && !fstat(src, &sst)) copy_back(src, dst, sst.st_dev, 0, skip, n_skip);
    if (src >= 0) close(src);
    if (dst >= 0) close(dst);
}

/* What the shared part of the root is made of: every path it exposes with its file's identity (a file
 * replaced by rename, as ldconfig replaces ld.so.cache, is a new inode that an old bind would not show),
 * the read-only paths of the run and the runner binary that builds it. A prepared root made from other inputs is not this run's. */
unsigned long long root_key(void) {
    unsigned long long h = 1469598103934665603ULL;
#define MIX(p, n) for (size_t i_ = 0; i_ < (n); i_++) h = (h ^ ((const unsigned char *)(p))[i_]) * 1099511628211ULL
    const char *const *lists[2] = {SYSTEM_DIRS, ETC_ENTRIES};
    const char *extra[MAX_PATHS + 3];
    int n_extra = 0;
    extra[n_extra++] = "/usr/local";
    /* The runner's own build: another version may build the root differently. */
    extra[n_extra++] = "/proc/self/exe";
    for (int i = 0; i < O.n_ro; i++)
        if (!under_tmp(O.ro[i])) extra[n_extra++] = O.ro[i];
    extra[n_extra] = NULL;
    for (int l = 0; l < 3; l++) {
        const char *const *list = l < 2 ? lists[l] : extra;
        for (; *list; list++) {
            struct stat st;
            long long id[3] = {-1, -1, -1};
            if (!(strcmp(*list, "/proc/self/exe") ? lstat(*list, &st) : stat(*list, &st))) { id[0] = (long long)st.st_dev; id[1] = (long long)st.st_ino; id[2] = st.st_mode; }
            MIX(*list, strlen(*list) + 1);
            MIX(id, sizeof id);
        }
        MIX("|", 1);
    }
#undef MIX
    return h;
}
