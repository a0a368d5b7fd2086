/* New namespaces (a user namespace would make it root inside) and joining other namespaces. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
    int flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC,
                   CLONE_NEWCGROUP};
    for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (unshare(flags[i]) == 0) printf("ESCAPED: unshare(%#x)\n", flags[i]);
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    if (pid > 0) puts("ESCAPED: clone(CLONE_NEWUSER)");
    const char *ns[] = {"/proc/1/ns/net", "/proc/1/ns/mnt", "/proc/self/ns/user", NULL};
    for (const char **p = ns; *p; p++) {
        int fd = open(*p, O_RDONLY);
        if (fd >= 0 && setns(fd, 0) == 0) printf("ESCAPED: setns %s\n", *p);
    }
    puts("done");
    return 0;
}
