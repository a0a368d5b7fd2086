/* The rlimits of the program: per-process limits the cgroup cannot express (open files, file size,
 * stack, no core dumps) and a CPU-time backstop behind the runner's own polling. */
#include "runner.h"

#include <sys/resource.h>

static void set_rlimit(int res, long long v) {
    struct rlimit rl = {(rlim_t)v, (rlim_t)v};
    if (v < 0) rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    setrlimit(res, &rl);
}

void apply_rlimits(void) {
    if (O.cpu_ns > 0) {
        /* A second line behind the runner's polling: whole seconds, a bit above the limit. */
        long long s = O.cpu_ns / 1000000000LL + 2;
        struct rlimit rl = {(rlim_t)s, (rlim_t)s + 1};
        setrlimit(RLIMIT_CPU, &rl);
    }
    set_rlimit(RLIMIT_NOFILE, O.nofile);
    set_rlimit(RLIMIT_FSIZE, O.fsize > 0 ? O.fsize : -1);
    set_rlimit(RLIMIT_STACK, O.stack > 0 ? O.stack : -1);
    set_rlimit(RLIMIT_CORE, 0);
    set_rlimit(RLIMIT_MEMLOCK, 0);
    set_rlimit(RLIMIT_MSGQUEUE, 0);
}
