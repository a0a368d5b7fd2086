#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

static int n;
static std::map<long long, long long> cache;

static long long altitude(long long x) {
    if (x > n) return -x;
    auto it = cache.find(x);
    if (it != cache.end()) return it->second;
    printf("? %lld\n", x);
    fflush(stdout);
    long long v;
    if (scanf("%lld", &v) != 1) exit(0);
    cache[x] = v;
    return v;
}

int main() {
    if (scanf("%d", &n) != 1) return 0;
    std::vector<long long> fib = {0, 1};
    while (fib.back() < n + 1) fib.push_back(fib[fib.size() - 1] + fib[fib.size() - 2]);
    int k = (int)fib.size() - 1;
    long long lo = 0;
    while (k > 3) {
        if (altitude(lo + fib[k - 2]) < altitude(lo + fib[k - 1])) lo += fib[k - 2];
        k--;
    }
    printf("! %lld\n", lo + 1);
    fflush(stdout);
    return 0;
}
