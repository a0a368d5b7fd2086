#include <cstdio>
#include <vector>

int main() {
    int n;
    scanf("%d", &n);
    std::vector<long long> a(n);
    long long total = 0;
    for (auto& x : a) {
        scanf("%lld", &x);
        total += x;
    }
    int warm = 0;
    for (long long x : a)
        if (x * n > total) warm++;
    printf("%d\n", warm);
    return 0;
}
