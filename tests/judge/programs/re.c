#include <stdio.h>
int main(void) { long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1; volatile int z = 0; printf("%d\n", (int)a / z); return 0; }
