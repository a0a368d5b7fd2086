/* mount/umount: remount the root writable, mount proc and tmpfs, unmount /proc. */
#include <stdio.h>
#include <sys/mount.h>
int main(void) {
    if (mount("none", "/tmp", "tmpfs", 0, NULL) == 0) puts("ESCAPED: mounted tmpfs");
    if (mount(NULL, "/", NULL, MS_REMOUNT, NULL) == 0) puts("ESCAPED: remounted / writable");
    if (mount("/", "/tmp", NULL, MS_BIND, NULL) == 0) puts("ESCAPED: bind mount");
    if (umount2("/proc", MNT_DETACH) == 0) puts("ESCAPED: unmounted /proc");
    puts("done");
    return 0;
}
