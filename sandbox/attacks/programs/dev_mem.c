/* Raw memory and block devices, and making device nodes. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
int main(void) {
    const char *devs[] = {"/dev/mem", "/dev/kmem", "/dev/port", "/dev/sda", "/dev/vda", "/dev/nvme0n1",
                          "/dev/xvda", "/dev/loop0", "/dev/tty", "/dev/console", "/dev/kmsg", NULL};
    for (const char **d = devs; *d; d++) {
        int fd = open(*d, O_RDONLY);
        if (fd >= 0) printf("ESCAPED: opened %s\n", *d);
        else printf("blocked %s\n", *d);
    }
    if (mknod("mem", S_IFCHR | 0666, makedev(1, 1)) == 0) puts("ESCAPED: mknod /dev/mem");
    if (mknod("vda", S_IFBLK | 0666, makedev(254, 0)) == 0) puts("ESCAPED: mknod block device");
    return 0;
}
