// Start threads without end; prints how many were alive at once (the pids cgroup caps them).
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>
int main() {
    std::vector<std::thread> threads;
    for (int i = 0; i < 100000; i++) {
        try {
            threads.emplace_back([] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
        } catch (...) {
            break;
        }
    }
    std::printf("threads %zu\n", threads.size());
    std::fflush(stdout);
    for (auto &t : threads) t.join();
    return 0;
}
