/* Unbounded recursion with large frames. */
#include <stdio.h>
#include <string.h>
static int down(int n) {
    volatile char frame[1 << 16];
    memset((char *)frame, n, sizeof frame);
    return down(n + 1) + frame[7];
}
int main(void) { printf("%d\n", down(0)); return 0; }
