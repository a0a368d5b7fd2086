/* Double-fork a daemon that outlives its parent, then exit 0 at once. The daemon execs a shell whose
 * command line carries the self-test's token, so the self-test can look for survivors on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *token = argc > 1 ? argv[1] : "cpelo-daemon";
    pid_t p = fork();
    if (p == 0) {
        setsid();
        if (fork() == 0) {
            execl("/bin/sh", "sh", "-c", "while :; do sleep 1; done", token, (char *)NULL);
            _exit(1);
        }
        _exit(0);
    }
    usleep(50000);
    puts("parent exits");
    return 0;
}
