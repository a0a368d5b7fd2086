/* Signal every process it can see, its parent and pid 1; the self-test checks a host process survives. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    if (kill(-1, SIGKILL) == 0) printf("kill(-1) returned 0\n");
    /* As pid 1 of its namespace the program has no visible parent (getppid() is 0) and pid 1 is itself. */
    pid_t parent = getppid();
    if (parent > 0 && kill(parent, SIGKILL) == 0) printf("ESCAPED: killed parent %d\n", parent);
    if (getpid() != 1 && kill(1, SIGKILL) == 0) printf("ESCAPED: killed pid 1\n");
    for (int pid = 2; pid < 40000; pid++)
        if (pid != getpid() && kill(pid, SIGKILL) == 0) printf("killed pid %d\n", pid);
    puts("done");
    return 0;
}
