// Checker for "Two Keys" (testlib protocol without testlib.h): checker input output answer.
// Exit codes: 0 OK, 1 WA, 2 PE, 3 FAIL (the jury's answer is wrong).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

enum { OK = 0, WA = 1, PE = 2, FAIL = 3 };

static void verdict(int code, const char* message) {
    fprintf(stderr, "%s\n", message);
    exit(code);
}

// Reads one whitespace-separated token as a long long; false at end of file.
static bool read_ll(FILE* f, long long* value, int bad_format_code, const char* what) {
    char token[64];
    int got = fscanf(f, "%63s", token);
    if (got != 1) return false;
    char* end = nullptr;
    errno = 0;
    long long v = strtoll(token, &end, 10);
    if (*end != '\0' || errno != 0 || strlen(token) > 20) {
        char message[160];
        snprintf(message, sizeof message, "%s: expected an integer, found \"%s\"", what, token);
        verdict(bad_format_code, message);
    }
    *value = v;
    return true;
}

static bool at_eof(FILE* f) {
    char token[2];
    return fscanf(f, "%1s", token) != 1;
}

int main(int argc, char** argv) {
    if (argc < 4) verdict(FAIL, "usage: checker input output answer");
    FILE* in = fopen(argv[1], "r");
    FILE* out = fopen(argv[2], "r");
    FILE* ans = fopen(argv[3], "r");
    if (!in || !out || !ans) verdict(FAIL, "cannot open the input, output or answer file");

    long long n, s;
    if (!read_ll(in, &n, FAIL, "input n") || !read_ll(in, &s, FAIL, "input s")) verdict(FAIL, "bad input");
    std::vector<long long> a(n + 1);
    for (long long i = 1; i <= n; i++)
        if (!read_ll(in, &a[i], FAIL, "input a_i")) verdict(FAIL, "input ends early");

    long long jury_first;
    if (!read_ll(ans, &jury_first, FAIL, "answer")) verdict(FAIL, "the answer file is empty");
    bool jury_found = jury_first != -1;

    long long i, j;
    if (!read_ll(out, &i, PE, "output")) verdict(PE, "the output is empty");
    if (i == -1) {
        if (!at_eof(out)) verdict(PE, "extra tokens after -1");
        if (jury_found) verdict(WA, "printed -1, but a pair exists");
        verdict(OK, "no pair, as expected");
    }
    if (!read_ll(out, &j, PE, "output")) verdict(PE, "expected two indices, found one");
    if (!at_eof(out)) verdict(PE, "extra tokens after the two indices");
    if (i < 1 || i > n || j < 1 || j > n) verdict(WA, "index out of range");
    if (i == j) verdict(WA, "the two indices must differ");
    if (a[i] + a[j] != s) verdict(WA, "the weights do not add up to s");
    if (!jury_found) verdict(FAIL, "the participant found a pair but the jury says there is none");
    verdict(OK, "valid pair");
}
