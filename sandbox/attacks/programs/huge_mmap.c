/* Map 64 GiB without reserve and touch every page. */
#include <stdio.h>
#include <sys/mman.h>
int main(void) {
    size_t size = 64UL << 30;
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) { puts("mmap refused"); return 1; }
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    puts("ESCAPED: touched 64 GiB");
    return 0;
}
