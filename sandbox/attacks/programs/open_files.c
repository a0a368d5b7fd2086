/* Open files until refused; prints the count. */
#include <fcntl.h>
#include <stdio.h>
int main(void) {
    int n = 0;
    while (n < 100000 && open("/dev/null", O_RDONLY) >= 0) n++;
    printf("opened %d\n", n);
    return 0;
}
