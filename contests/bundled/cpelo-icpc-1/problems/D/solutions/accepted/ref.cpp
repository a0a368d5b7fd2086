#include <algorithm>
#include <cstdio>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

int main() {
    int n;
    scanf("%d", &n);
    std::vector<std::pair<long long, long long>> offers(n);
    for (auto& o : offers) scanf("%lld %lld", &o.first, &o.second);
    std::sort(offers.begin(), offers.end());
    std::priority_queue<long long, std::vector<long long>, std::greater<long long>> chosen;
    long long total = 0;
    for (auto& [deadline, pay] : offers) {
        chosen.push(pay);
        total += pay;
        if ((long long)chosen.size() > deadline) {
            total -= chosen.top();
            chosen.pop();
        }
    }
    printf("%lld\n", total);
    return 0;
}
