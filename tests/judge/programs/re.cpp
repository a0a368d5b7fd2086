#include <bits/stdc++.h>
int main() { long long a, b; std::cin >> a >> b; std::vector<int> v; throw std::runtime_error("boom"); }
