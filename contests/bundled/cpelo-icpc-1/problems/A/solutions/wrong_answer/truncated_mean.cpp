// Wrong: compares with the integer mean total / n, which C++ truncates toward zero; for a negative
// non-integer mean that is one too high.
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
    long long mean = total / n;
    int warm = 0;
    for (long long x : a)
        if (x > mean) warm++;
    printf("%d\n", warm);
    return 0;
}
