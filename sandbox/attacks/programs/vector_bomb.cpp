// push_back forever: std::vector doubling, every page touched.
#include <vector>
int main() {
    std::vector<long> v;
    for (long i = 0;; i++) v.push_back(i);
}
