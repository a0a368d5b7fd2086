#include <bits/stdc++.h>
int main() { std::this_thread::sleep_for(std::chrono::seconds(30)); }
