/* Park data in loopback TCP socket buffers (never read): memory the kernel holds for the run, which
 * cgroup v1 does not charge unless its TCP limit is set. 4 processes x 15 connections. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static long long park(int conns) {
    static char buf[1 << 16];
    memset(buf, 'x', sizeof buf);
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (srv < 0 || bind(srv, (void *)&a, sizeof a) || listen(srv, 64) || getsockname(srv, (void *)&a, &len)) return 0;
    long long total = 0;
    for (int i = 0; i < conns; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0), big = 64 << 20;
        if (c < 0) break;
        setsockopt(c, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
        if (connect(c, (void *)&a, sizeof a)) { close(c); break; }
        int s = accept(srv, NULL, NULL);
        if (s < 0) { close(c); break; }
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        fcntl(c, F_SETFL, O_NONBLOCK);
        for (int stuck = 0; stuck < 50 && total < (100LL << 20);) {
            ssize_t n = send(c, buf, sizeof buf, 0);
            if (n > 0) { total += n; stuck = 0; }
            else if (errno == EAGAIN) { stuck++; usleep(1000); }
            else break;
        }
    }
    return total;
}

int main(void) {
    /* [0] bytes parked, [1] children done, [2] release */
    long long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t kids[3];
    int n = 0;
    for (int i = 0; i < 3; i++) {
        pid_t p = fork();
        if (p == 0) {
            __atomic_add_fetch(&shared[0], park(15), __ATOMIC_SEQ_CST);
            __atomic_add_fetch(&shared[1], 1, __ATOMIC_SEQ_CST);
            for (int t = 0; t < 2000 && !__atomic_load_n(&shared[2], __ATOMIC_SEQ_CST); t++) usleep(5000);
            _exit(0);
        }
        if (p > 0) kids[n++] = p;
    }
    __atomic_add_fetch(&shared[0], park(15), __ATOMIC_SEQ_CST);
    for (int t = 0; t < 2000 && __atomic_load_n(&shared[1], __ATOMIC_SEQ_CST) < n; t++) usleep(5000);
    usleep(200000); /* all buffers held at once for a moment */
    printf("parked %lld\n", __atomic_load_n(&shared[0], __ATOMIC_SEQ_CST));
    fflush(stdout);
    __atomic_store_n(&shared[2], 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < n; i++) waitpid(kids[i], NULL, 0);
    return 0;
}
