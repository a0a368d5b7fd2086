// Interactor for "Mountain Peak" (testlib protocol without testlib.h): interactor input output answer.
// The solution's stdout is our stdin and our stdout is its stdin. Exit codes: 0 OK, 1 WA, 2 PE, 3 FAIL.
// Never waits on anything but the solution's next line, and quits at the first fault, so a misbehaving
// solution cannot make it hang: it sees end of file instead.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

enum { OK = 0, WA = 1, PE = 2, FAIL = 3 };
static const int QUERY_LIMIT = 30;

static FILE* result_file = nullptr;

static void verdict(int code, const char* message) {
    if (result_file) {
        fprintf(result_file, "%s\n", message);
        fclose(result_file);
    }
    fprintf(stderr, "%s\n", message);
    exit(code);
}

static long long read_solution_int(const char* what) {
    char token[32];
    if (scanf("%31s", token) != 1) verdict(WA, "the solution ended in the middle of a command");
    char* end = nullptr;
    long long value = strtoll(token, &end, 10);
    if (*end != '\0' || strlen(token) > 18) {
        char message[128];
        snprintf(message, sizeof message, "%s: expected an integer, found \"%s\"", what, token);
        verdict(PE, message);
    }
    return value;
}

int main(int argc, char** argv) {
    // A solution that dies early closes the pipe; a failed write must not kill us before the verdict.
    signal(SIGPIPE, SIG_IGN);
    if (argc < 4) verdict(FAIL, "usage: interactor input output answer");
    FILE* in = fopen(argv[1], "r");
    FILE* ans = fopen(argv[3], "r");
    result_file = fopen(argv[2], "w");
    if (!in || !ans || !result_file) verdict(FAIL, "cannot open the input, output or answer file");

    int n;
    if (fscanf(in, "%d", &n) != 1 || n < 1) verdict(FAIL, "bad input: n");
    std::vector<long long> a(n + 1);
    int peak = 1;
    for (int i = 1; i <= n; i++) {
        if (fscanf(in, "%lld", &a[i]) != 1) verdict(FAIL, "bad input: altitudes");
        if (a[i] > a[peak]) peak = i;
    }
    int jury_peak;
    if (fscanf(ans, "%d", &jury_peak) != 1 || jury_peak != peak) verdict(FAIL, "the answer file disagrees");

    printf("%d\n", n);
    fflush(stdout);
    int queries = 0;
    char command[8];
    while (true) {
        if (scanf("%7s", command) != 1) verdict(WA, "the solution exited without reporting the summit");
        if (strcmp(command, "?") == 0) {
            long long i = read_solution_int("query index");
            if (i < 1 || i > n) verdict(WA, "query index out of range");
            if (++queries > QUERY_LIMIT) verdict(WA, "more than 30 queries");
            printf("%lld\n", a[i]);
            fflush(stdout);
        } else if (strcmp(command, "!") == 0) {
            long long p = read_solution_int("reported summit");
            if (p != peak) verdict(WA, "wrong summit");
            char message[64];
            snprintf(message, sizeof message, "summit %d found with %d queries", peak, queries);
            verdict(OK, message);
        } else {
            verdict(PE, "expected \"?\" or \"!\"");
        }
    }
}
