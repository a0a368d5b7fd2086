// Wrong: slides the window product by dividing the leaving factor out, which breaks on zero
// probabilities (0/0) and loses all precision after tiny ones.
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    std::vector<double> p(n);
    for (auto& x : p) {
        int q;
        scanf("%d", &q);
        x = q / 1e6;
    }
    double window = 1.0;
    for (int i = 0; i < k; i++) window *= p[i];
    double total = window;
    for (int i = 1; i + k <= n; i++) {
        window = window / p[i - 1] * p[i + k - 1];
        total += (1.0 - p[i - 1]) * window;
    }
    printf("%.12f\n", total);
    return 0;
}
