// Wrong: forgets the shift by i and so only makes the road non-decreasing.
#include <cstdio>
#include <queue>

int main() {
    int n;
    scanf("%d", &n);
    std::priority_queue<long long> heap;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long c;
        scanf("%lld", &c);
        if (!heap.empty() && heap.top() > c) {
            total += heap.top() - c;
            heap.pop();
            heap.push(c);
        }
        heap.push(c);
    }
    printf("%lld\n", total);
    return 0;
}
