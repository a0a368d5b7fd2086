// Honest control: 200 MiB of touched memory against a 256 MiB limit is OK, and reported under it.
#include <cstdio>
#include <cstring>
#include <vector>
int main() {
    std::vector<char> v(200u << 20);
    std::memset(v.data(), 1, v.size());
    std::printf("%d\n", v[12345] - 1);
}
