/* Fill the work dir: many files, each written until the file-size limit or the disk is full.
 * Prints the total written; the table checks it against the disk limit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    static char buf[1 << 20];
    memset(buf, 'x', sizeof buf);
    signal(SIGXFSZ, SIG_IGN);
    long long total = 0;
    for (int i = 0; i < 100000; i++) {
        char name[4096];
        snprintf(name, sizeof name, "%s/fill%d", dir, i);
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) break;
        ssize_t n;
        int progress = 0;
        while ((n = write(fd, buf, sizeof buf)) > 0) { total += n; progress = 1; }
        close(fd);
        if (!progress) break;
    }
    printf("wrote %lld\n", total);
    return 0;
}
