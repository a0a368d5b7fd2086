#include <bits/stdc++.h>
int main() { volatile unsigned long long x = 0; while (true) x = x * 31 + 7; }
