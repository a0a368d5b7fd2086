/* Signal every process it can see, its parent and pid 1. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    if (kill(-1, SIGKILL) == 0) printf("kill(-1) returned 0\n");
    if (kill(getppid(), SIGKILL) == 0) printf("ESCAPED: killed parent %d\n", getppid());
    if (kill(1, SIGKILL) == 0) printf("ESCAPED: killed pid 1\n");
    for (int pid = 2; pid < 40000; pid++)
        if (pid != getpid() && kill(pid, SIGKILL) == 0) printf("killed pid %d\n", pid);
    puts("done");
    return 0;
}
