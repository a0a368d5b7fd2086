#include <cstdio>
#include <deque>
#include <vector>

int main() {
    int n;
    long long k;
    scanf("%d %lld", &n, &k);
    std::vector<long long> a(n);
    for (auto& x : a) scanf("%lld", &x);
    std::deque<int> highs, lows;
    int left = 0;
    long long total = 0;
    for (int right = 0; right < n; right++) {
        while (!highs.empty() && a[highs.back()] <= a[right]) highs.pop_back();
        highs.push_back(right);
        while (!lows.empty() && a[lows.back()] >= a[right]) lows.pop_back();
        lows.push_back(right);
        while (a[highs.front()] - a[lows.front()] > k) {
            left++;
            if (highs.front() < left) highs.pop_front();
            if (lows.front() < left) lows.pop_front();
        }
        total += right - left + 1;
    }
    printf("%lld\n", total);
    return 0;
}
