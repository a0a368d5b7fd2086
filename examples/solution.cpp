#include <cstdio>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long long best = 0, total = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        if (x < best) total += best - x; else best = x;
    }
    printf("%lld\n", total);
    return 0;
}
