// Wrong: the number of stretches is kept in a 32-bit int (up to about 5e9 for n = 1e5).
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
        prefix[i] = ((prefix[i - 1] + a) % k + k) % k;
    }
    std::sort(prefix.begin(), prefix.end());
    int total = 0, run = 0;
    for (int i = 0; i <= n; i++) {
        run = (i > 0 && prefix[i] == prefix[i - 1]) ? run + 1 : 0;
        total += run;
    }
    printf("%d\n", total);
    return 0;
}
