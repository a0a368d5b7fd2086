/* Burn CPU in child processes while the parent only waits: the tree's CPU time must count it. */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static void burn(double seconds) {
    struct timespec t;
    do {
        for (volatile int i = 0; i < 100000; i++) {}
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while (t.tv_sec + t.tv_nsec / 1e9 < seconds);
}
int main(void) {
    for (int i = 0; i < 2; i++)
        if (fork() == 0) { burn(0.5); _exit(0); }
    while (wait(NULL) > 0) {}
    return 0;
}
