// One line of 65 MiB, no whitespace: over the 64 MiB output limit.
#include <cstdio>
#include <cstring>
int main() { static char b[1 << 20]; std::memset(b, 'x', sizeof b); for (int i = 0; i < 65; i++) std::fwrite(b, 1, sizeof b, stdout); }
