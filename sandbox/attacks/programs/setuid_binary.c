/* Run as a setuid-root binary (the self-test makes this file setuid root) and through a setuid tool. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void) {
    if (geteuid() == 0 || getuid() == 0) puts("ESCAPED: running as root");
    else printf("euid %d\n", (int)geteuid());
    fflush(stdout);
    if (setuid(0) == 0) puts("ESCAPED: setuid(0)");
    int rc = system("/usr/bin/mount -t tmpfs none /tmp 2>&1 && echo ESCAPED: setuid mount");
    (void)rc;
    return 0;
}
