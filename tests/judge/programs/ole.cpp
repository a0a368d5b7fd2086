#include <bits/stdc++.h>
int main() { std::string s(1000, 'x'); while (true) std::cout << s << '\n'; }
