// Wrong: two pointers over the sorted weights, but prints positions in the SORTED order.
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n;
    long long s;
    scanf("%d %lld", &n, &s);
    std::vector<long long> a(n);
    for (auto& x : a) scanf("%lld", &x);
    std::sort(a.begin(), a.end());
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        long long sum = a[lo] + a[hi];
        if (sum == s) {
            printf("%d %d\n", lo + 1, hi + 1);
            return 0;
        }
        if (sum < s) lo++; else hi--;
    }
    printf("-1\n");
    return 0;
}
