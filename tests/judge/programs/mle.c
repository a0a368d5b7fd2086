#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    size_t n = (size_t)512 << 20;
    char *p = malloc(n);
    if (!p) return 1;
    memset(p, 1, n);
    printf("%d\n", p[n - 1]);
    return 0;
}
