/* Write 1 GiB to stdout as fast as possible. */
#include <string.h>
#include <unistd.h>
int main(void) {
    static char buf[1 << 16];
    memset(buf, 'A', sizeof buf);
    for (long long total = 0; total < (1LL << 30);) {
        ssize_t n = write(1, buf, sizeof buf);
        if (n <= 0) return 1;
        total += n;
    }
    return 0;
}
