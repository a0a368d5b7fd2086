/* Reports how many entries its work dir holds (0 in a fresh box), then creates 4,000 empty files
   there: with shared state every later test starts slower (each entry is bound into its box). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    long n = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    char name[64];
    for (int i = 0; i < 4000; i++) {
        snprintf(name, sizeof name, "f%ld-%d", n, i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) close(fd);
    }
    printf("%ld\n", n);
    return 0;
}
