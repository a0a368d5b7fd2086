// One allocation larger than the machine: it would fail with bad_alloc; it must read as a memory limit.
#include <cstdio>
int main() {
    long long *p = new long long[5000000000LL];
    p[0] = 1;
    std::printf("%lld\n", p[0]);
    return 0;
}
