// Wrong: the right greedy, but the total pay is summed in a 32-bit int.
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
    for (auto& [deadline, pay] : offers) {
        chosen.push(pay);
        if ((long long)chosen.size() > deadline) chosen.pop();
    }
    int total = 0;
    while (!chosen.empty()) {
        total += (int)chosen.top();
        chosen.pop();
    }
    printf("%d\n", total);
    return 0;
}
