/* Try to create files everywhere outside the work dir and /tmp. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *targets[] = {"/cpelo-escape", "/etc/cpelo-escape", "/usr/cpelo-escape", "/usr/bin/cpelo-escape",
                             "/root/cpelo-escape", "/var/tmp/cpelo-escape", "/dev/cpelo-escape",
                             "/dev/shm/cpelo-escape", "/proc/sys/kernel/hostname", "/proc/sysrq-trigger",
                             "/sys/fs/cgroup/cpelo-escape", argc > 1 ? argv[1] : "/nonexistent", NULL};
    for (const char **t = targets; *t; t++) {
        int fd = open(*t, O_WRONLY | O_CREAT, 0644);
        if (fd >= 0 && write(fd, "x", 1) == 1) printf("ESCAPED: wrote %s\n", *t);
        else printf("blocked %s\n", *t);
        if (fd >= 0) close(fd);
    }
    return 0;
}
