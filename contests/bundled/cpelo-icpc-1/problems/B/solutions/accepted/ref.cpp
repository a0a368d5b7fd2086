#include <iostream>
#include <string>

int main() {
    std::string s;
    std::cin >> s;
    long long depth = 0, missing_open = 0;
    for (char ch : s) {
        if (ch == '(') depth++;
        else if (depth) depth--;
        else missing_open++;
    }
    std::cout << missing_open + depth << "\n";
    return 0;
}
