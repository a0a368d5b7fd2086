// Wrong: C++ % keeps the sign of the dividend, so -1 and k-1 land in different buckets.
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n;
    long long k;
    scanf("%d %lld", &n, &k);
    std::vector<long long> prefix(n + 1, 0);
    for (int i = 1; i <= n; i++) {
        long long a;
        scanf("%lld", &a);
        prefix[i] = (prefix[i - 1] + a) % k;
    }
    std::sort(prefix.begin(), prefix.end());
    long long total = 0, run = 0;
    for (int i = 0; i <= n; i++) {
        run = (i > 0 && prefix[i] == prefix[i - 1]) ? run + 1 : 0;
        total += run;
    }
    printf("%lld\n", total);
    return 0;
}
