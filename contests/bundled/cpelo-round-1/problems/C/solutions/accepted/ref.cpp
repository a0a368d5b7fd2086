#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    std::vector<double> p(n);
    std::vector<int> zeros(n + 1, 0);
    std::vector<double> logs(n + 1, 0.0);
    for (int i = 0; i < n; i++) {
        int q;
        scanf("%d", &q);
        p[i] = q / 1e6;
        zeros[i + 1] = zeros[i] + (q == 0);
        logs[i + 1] = logs[i] + (q > 0 ? std::log(p[i]) : 0.0);
    }
    double total = 0.0;
    for (int i = 0; i + k <= n; i++) {
        if (zeros[i + k] != zeros[i]) continue;
        double before = i == 0 ? 1.0 : 1.0 - p[i - 1];
        total += before * std::exp(logs[i + k] - logs[i]);
    }
    printf("%.12f\n", total);
    return 0;
}
