// Wrong: the total is kept in a 32-bit int and overflows on large tests.
#include <cstdio>

int main() {
    int n;
    scanf("%d", &n);
    int best = 0, total = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        if (x < best) total += best - x; else best = x;
    }
    printf("%d\n", total);
    return 0;
}
