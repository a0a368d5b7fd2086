/* Tries to change its own compiled program (for the next test, or the next submission sharing the
   cache): prints 0 when the program is read-only to it, 1 when it could write or replace it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) { printf("0\n"); return 0; }
    self[n] = 0;
    int changed = 0;
    int fd = open(self, O_WRONLY | O_APPEND);
    if (fd >= 0) { changed = 1; close(fd); }
    if (chmod(self, 0777) == 0) changed = 1;
    char other[4200];
    snprintf(other, sizeof other, "%s.new", self);
    fd = open(other, O_WRONLY | O_CREAT, 0755);
    if (fd >= 0) { changed = 1; close(fd); }
    printf("%d\n", changed);
    return 0;
}
