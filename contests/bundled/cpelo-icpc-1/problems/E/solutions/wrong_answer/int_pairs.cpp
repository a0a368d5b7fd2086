// Wrong: multiplies the two group sizes in 32-bit ints; 50000 * 50000 overflows.
#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <vector>

static std::vector<int> parent, sz;

static int find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

int main() {
    int n;
    scanf("%d", &n);
    std::vector<std::array<long long, 3>> edges(n - 1);
    for (auto& e : edges) scanf("%lld %lld %lld", &e[1], &e[2], &e[0]);
    std::sort(edges.begin(), edges.end());
    parent.resize(n + 1);
    std::iota(parent.begin(), parent.end(), 0);
    sz.assign(n + 1, 1);
    long long total = 0;
    for (auto& e : edges) {
        int a = find((int)e[1]), b = find((int)e[2]);
        int pairs = sz[a] * sz[b];
        total += e[0] * pairs;
        if (sz[a] < sz[b]) std::swap(a, b);
        parent[b] = a;
        sz[a] += sz[b];
    }
    printf("%lld\n", total);
    return 0;
}
