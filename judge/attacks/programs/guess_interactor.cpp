// Kattis interactor: guess the number of the input file in at most 10 tries (42 accepted, 43 wrong).
#include <cstdio>
#include <fstream>
#include <string>
int main(int argc, char** argv) {
    std::ifstream in(argv[1]);
    int secret; in >> secret;
    std::string fb = std::string(argv[3]) + "/judgemessage.txt";
    FILE* msg = std::fopen(fb.c_str(), "w");
    for (int i = 1; i <= 10; i++) {
        int g;
        if (std::scanf("%d", &g) != 1) { std::fprintf(msg, "guess %d: no number\n", i); return 43; }
        if (g < 1 || g > 1000) { std::fprintf(msg, "guess %d out of range: %d\n", i, g); return 43; }
        if (g == secret) { std::printf("correct\n"); std::fflush(stdout); return 42; }
        std::printf(g < secret ? "higher\n" : "lower\n");
        std::fflush(stdout);
    }
    return 43;
}
