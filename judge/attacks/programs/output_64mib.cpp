// 63 MiB of short tokens, the answer itself: the judge must check it without holding it in memory.
#include <cstdio>
int main() { for (long i = 0; i < (63L << 20) / 8; i++) std::fputs("1234567 ", stdout); }
