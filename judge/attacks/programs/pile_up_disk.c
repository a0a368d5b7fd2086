/* Reports the bytes of files it finds in its work dir (0 in a fresh box), then leaves 40 MiB there. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
int main(void) {
    long long total = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && stat(e->d_name, &st) == 0) total += st.st_size;
    if (d) closedir(d);
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    char name[64];
    snprintf(name, sizeof name, "pile-%lld", total);
    FILE *f = fopen(name, "wb");
    for (int i = 0; f && i < 40; i++) fwrite(block, 1, sizeof block, f);
    if (f) fclose(f);
    printf("%lld\n", total);
    return 0;
}
