// One allocation larger than the machine: it would fail with bad_alloc; it must read as a memory limit.
#include <cstdio>
#include <vector>
int main() {
    std::vector<long long> v(5000000000LL);
    v[12345] = 1;
    std::printf("%lld\n", v[12345] + v[0]);
    return 0;
}
