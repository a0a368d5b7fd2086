#include <stdio.h>
/* 2e6 nested calls with 64-byte frames need far more than the usual 8 MiB stack */
long long depth(long long n, volatile char *pad) { volatile char local[48]; local[0] = pad[0]; if (n == 0) return local[0]; return depth(n - 1, local) + 1; }
int main(void) { long long a, b; char seed[1] = {0}; if (scanf("%lld %lld", &a, &b) != 2) return 1; printf("%lld\n", a + b + depth(2000000, seed) - 2000000); return 0; }
