/* Carries one computation across tests through a file: each test resumes where the last one stopped
   (within its own time limit) and prints how many earlier slices it found: 0 when nothing carries. */
#include <stdio.h>
int main(void) {
    long long done = 0, acc = 0;
    FILE *f = fopen("state.bin", "rb");
    if (!f) f = fopen("/tmp/state.bin", "rb");
    if (f) { if (fscanf(f, "%lld %lld", &done, &acc) != 2) done = 0; fclose(f); }
    for (long long i = 0; i < 20000000; i++) acc = acc * 6364136223846793005LL + 1442695040888963407LL;
    const char *paths[] = {"state.bin", "/tmp/state.bin"};
    for (int k = 0; k < 2; k++) {
        FILE *g = fopen(paths[k], "wb");
        if (g) { fprintf(g, "%lld %lld\n", done + 1, acc); fclose(g); }
    }
    printf("%lld\n", done);
    return 0;
}
