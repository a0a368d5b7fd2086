/* Raise the core limit and crash: no core file may appear. */
#include <stdlib.h>
#include <sys/resource.h>
int main(void) {
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_CORE, &rl);
    volatile int *p = 0;
    *p = 1;
    abort();
}
