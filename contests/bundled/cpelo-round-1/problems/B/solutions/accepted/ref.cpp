#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

int main() {
    int n;
    long long s;
    scanf("%d %lld", &n, &s);
    std::vector<std::pair<long long, int>> a(n);
    for (int i = 0; i < n; i++) {
        scanf("%lld", &a[i].first);
        a[i].second = i + 1;
    }
    std::sort(a.begin(), a.end());
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        long long sum = a[lo].first + a[hi].first;
        if (sum == s) {
            printf("%d %d\n", a[lo].second, a[hi].second);
            return 0;
        }
        if (sum < s) lo++; else hi--;
    }
    printf("-1\n");
    return 0;
}
