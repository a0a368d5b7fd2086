/* Read host secrets: /etc/shadow, a secret file the self-test planted outside the work dir, /root. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
static void dump(const char *path) {
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("blocked %s\n", path); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n > 0) { buf[n] = 0; printf("read %s: %s\n", path, buf); }
    close(fd);
}
int main(int argc, char **argv) {
    dump("/etc/shadow");
    dump("/etc/gshadow");
    dump("/etc/passwd");
    dump("/root/.bash_history");
    dump("/root/.ssh/id_rsa");
    if (argc > 1) dump(argv[1]);
    DIR *d = opendir("/root");
    if (d) { struct dirent *e; while ((e = readdir(d))) printf("root entry %s\n", e->d_name); closedir(d); }
    return 0;
}
