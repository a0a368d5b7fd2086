#include <stdio.h>
#include <stdlib.h>
int main(void) {
    size_t n = (size_t)512 << 20;
    volatile char *p = malloc(n);
    if (!p) return 1;
    for (size_t i = 0; i < n; i += 4096) p[i] = (char)i;
    long long sum = 0;
    for (size_t i = 0; i < n; i += 4096) sum += p[i];
    printf("%lld\n", sum);
    return 0;
}
