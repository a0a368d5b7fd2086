"""Problem-supplied checkers, compiled and run in the sandbox: Kattis validators and testlib checkers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from judge.errors import CheckerSetupError
from judge.judge import Judge
from judge.task import CheckerKind, CheckerSpec, JudgeTask
from judge.verdict import Verdict

MakeTask = Callable[..., JudgeTask]
AB = [("1 2\n", "3\n"), ("40 2\n", "42\n")]

KATTIS_VALIDATOR = r"""
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
// Kattis protocol: validator input answer feedback_dir < output; 42 accepted, 43 wrong answer.
// Accepts the sum written in any base-10 form with surrounding text "sum=<n>" or "<n>".
int main(int argc, char** argv) {
    std::ifstream ans(argv[2]);
    long long expected; ans >> expected;
    std::string tok; long long got = 0; bool ok = false;
    if (std::cin >> tok) {
        if (tok.rfind("sum=", 0) == 0) tok = tok.substr(4);
        try { got = std::stoll(tok); ok = true; } catch (...) {}
    }
    std::string fb = std::string(argv[3]) + "/judgemessage.txt";
    FILE* f = std::fopen(fb.c_str(), "w");
    if (ok && got == expected) { std::fprintf(f, "sum %lld ok\n", got); std::fclose(f); return 42; }
    std::fprintf(f, "expected %lld, got '%s'\n", expected, tok.c_str()); std::fclose(f);
    return 43;
}
"""

TESTLIB_PROTOCOL_CHECKER = r"""
#include <cstdio>
// testlib protocol without testlib.h: checker input output answer; 0 OK, 1 WA, 2 PE, 3 FAIL.
int main(int argc, char** argv) {
    FILE* out = std::fopen(argv[2], "r");
    FILE* ans = std::fopen(argv[3], "r");
    long long a, o;
    if (std::fscanf(ans, "%lld", &a) != 1) { std::fprintf(stderr, "FAIL bad answer file"); return 3; }
    int c = std::fgetc(out);
    if (c == '\n') { std::fprintf(stderr, "leading blank line"); return 2; }
    std::ungetc(c, out);
    if (std::fscanf(out, "%lld", &o) != 1) { std::fprintf(stderr, "no number"); return 1; }
    if (o != a) { std::fprintf(stderr, "expected %lld, found %lld", a, o); return 1; }
    std::fprintf(stderr, "ok sum %lld", o);
    return 0;
}
"""

# A stand-in for testlib.h, written by the test (the real one is never vendored): just enough API.
TESTLIB_STANDIN = r"""
#pragma once
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
enum TResult { _ok = 0, _wa = 1, _pe = 2, _fail = 3 };
struct InStream {
    FILE* f = nullptr;
    long long readLong() {
        long long x;
        if (std::fscanf(f, "%lld", &x) != 1) { std::fprintf(stderr, "expected a number"); std::exit(1); }
        return x;
    }
};
inline InStream inf, ouf, ans;
inline void registerTestlibCmd(int argc, char** argv) {
    if (argc < 4) std::exit(3);
    inf.f = std::fopen(argv[1], "r"); ouf.f = std::fopen(argv[2], "r"); ans.f = std::fopen(argv[3], "r");
}
inline void quitf(TResult r, const char* fmt, ...) {
    va_list ap; va_start(ap, fmt); std::vfprintf(stderr, fmt, ap); va_end(ap); std::exit(int(r));
}
"""

TESTLIB_CHECKER = r"""
#include "testlib.h"
int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    long long a = inf.readLong(), b = inf.readLong();
    long long j = ans.readLong(), p = ouf.readLong();
    if (j != a + b) quitf(_fail, "jury answer %lld is not %lld + %lld", j, a, b);
    if (p != j) quitf(_wa, "expected %lld, found %lld", j, p);
    quitf(_ok, "answer is %lld", p);
}
"""


def _program(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_kattis_validator_accepts_its_own_format(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    validator = tmp_path / "validator"
    validator.mkdir()
    (validator / "validate.cpp").write_text(KATTIS_VALIDATOR)
    task = make_task(AB, checker=CheckerSpec(kind=CheckerKind.KATTIS, source=validator))
    formatted = _program(tmp_path, "sum.py", "a, b = map(int, input().split())\nprint(f'sum={a + b}')\n")
    result = judge.judge(task, formatted, "python3")
    assert result.verdict is Verdict.OK
    assert result.tests[0].checker_message == "sum 3 ok"  # the judge message is kept
    wrong = _program(tmp_path, "wrong.py", "print('sum=7')\n")
    result = judge.judge(task, wrong, "python3")
    assert result.verdict is Verdict.WRONG_ANSWER and result.failed_test == 1
    assert result.tests[0].checker_message == "expected 3, got '7'"


def test_testlib_protocol_checker_without_testlib(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    checker = _program(tmp_path, "check.cpp", TESTLIB_PROTOCOL_CHECKER)
    task = make_task(AB, checker=CheckerSpec(kind=CheckerKind.TESTLIB, source=checker))
    cases = {
        "print(sum(map(int, input().split())))": (Verdict.OK, "ok sum 3"),
        "print(5)": (Verdict.WRONG_ANSWER, "expected 3, found 5"),
        "print()\nprint(3)": (Verdict.PRESENTATION_ERROR, "leading blank line"),
    }
    for i, (code, (verdict, message)) in enumerate(cases.items()):
        result = judge.judge(task, _program(tmp_path, f"s{i}.py", code + "\n"), "python3")
        assert result.verdict is verdict
        assert result.tests[0].checker_message == message


def test_testlib_checker_fail_is_judge_error(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    include = tmp_path / "problem-include"
    include.mkdir()
    (include / "testlib.h").write_text(TESTLIB_STANDIN)
    checker = _program(tmp_path, "checker.cpp", TESTLIB_CHECKER)
    spec = CheckerSpec(kind=CheckerKind.TESTLIB, source=checker, include_dirs=(include,))
    good = make_task(AB, checker=spec, name="good")
    source = _program(tmp_path, "ab.py", "a, b = map(int, input().split())\nprint(a + b)\n")
    result = judge.judge(good, source, "python3")
    assert result.verdict is Verdict.OK and result.tests[1].checker_message == "answer is 42"
    wrong = judge.judge(good, _program(tmp_path, "w.py", "print(4)\n"), "python3")
    assert wrong.verdict is Verdict.WRONG_ANSWER and wrong.tests[0].checker_message == "expected 3, found 4"
    # A broken jury answer: the checker says FAIL, and the contestant is not blamed.
    broken = make_task([("1 2\n", "4\n")], checker=spec, name="broken")
    result = judge.judge(broken, source, "python3")
    assert result.verdict is Verdict.JUDGE_ERROR
    assert "jury answer 4 is not 1 + 2" in result.tests[0].checker_message


def test_missing_testlib_says_where_it_looked(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    nowhere = tmp_path / "empty-include"
    nowhere.mkdir()
    checker_dir = tmp_path / "checker"
    checker_dir.mkdir()
    checker = _program(checker_dir, "checker.cpp", TESTLIB_CHECKER)
    spec = CheckerSpec(kind=CheckerKind.TESTLIB, source=checker, include_dirs=(nowhere,))
    task = make_task(AB, checker=spec)
    with pytest.raises(CheckerSetupError) as err:
        judge.judge(task, "print(3)\n", "python3")
    assert (
        "testlib.h" in str(err.value)
        and str(nowhere) in str(err.value)
        and str(checker_dir) in str(err.value)
    )


def test_checker_timeout_is_judge_error(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    looping = _program(tmp_path, "loop.c", "int main(void) { volatile long x = 0; for (;;) x++; }\n")
    spec = CheckerSpec(kind=CheckerKind.TESTLIB, source=looping, time_limit=0.5)
    result = judge.judge(make_task(AB, checker=spec), "print(3)\n", "python3")
    assert result.verdict is Verdict.JUDGE_ERROR
    assert "TIME_LIMIT" in result.tests[0].checker_message


def test_checker_that_does_not_compile(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    bad = _program(tmp_path, "bad.cpp", "int main() { return missing; }\n")
    task = make_task(AB, checker=CheckerSpec(kind=CheckerKind.KATTIS, source=bad))
    with pytest.raises(CheckerSetupError, match="does not compile"):
        judge.judge(task, "print(3)\n", "python3")


# Multi-pass (Kattis): pass 1 gets the test's input (a number n), the solution prints n + 1, the validator
# writes n + 1 as the next pass's input; pass 2 must print the same number again. A validator asked for a
# third pass than limits.validation_passes allows is the judge's fault.
MULTIPASS_VALIDATOR = r"""
import pathlib, sys
feedback = pathlib.Path(sys.argv[3])
words = pathlib.Path(sys.argv[1]).read_text().split()
got = int(sys.stdin.read().split()[0])
if words[0] != "again":  # pass 1: the test's own input
    if got != int(words[0]) + 1:
        sys.exit(43)
    (feedback / "pass1").write_text("seen")  # feedback files persist between passes
    (feedback / "nextpass.in").write_text(f"again {got}")
    sys.exit(42)
if got != int(words[1]) or not (feedback / "pass1").exists():
    sys.exit(43)
if "more" in sys.argv[4:]:
    (feedback / "nextpass.in").write_text(f"again {got}")
sys.exit(42)
"""
SOLVES = "w = input().split()\nprint(int(w[1]) if w[0] == 'again' else int(w[0]) + 1)\n"


def test_multi_pass_runs_again_on_nextpass(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    validator = tmp_path / "multipass.py"
    validator.write_text(MULTIPASS_VALIDATOR)
    spec = CheckerSpec(kind=CheckerKind.KATTIS, source=validator)
    task = make_task([("5\n", "")], checker=spec).model_copy(update={"validation_passes": 2})
    naive = "print(int(input().split()[-1]) + 1)\n"  # right on pass 1 only
    wrong = judge.judge(task, naive, "python3")
    assert wrong.verdict is Verdict.WRONG_ANSWER and wrong.tests[0].checker_message.startswith("pass 2")
    result = judge.judge(task, SOLVES, "python3")
    assert result.verdict is Verdict.OK, result.tests[0].checker_message
    one_pass = task.model_copy(update={"validation_passes": 1})
    assert judge.judge(one_pass, naive, "python3").verdict is Verdict.OK  # no second pass
    more = task.model_copy(update={"checker": spec.model_copy(update={"flags": ("more",)})})
    too_many = judge.judge(more, SOLVES, "python3")
    assert (
        too_many.verdict is Verdict.JUDGE_ERROR
        and "validation_passes = 2" in too_many.tests[0].checker_message
    )


def test_validator_with_build_and_run_scripts(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    directory = tmp_path / "output_validator"
    directory.mkdir()
    (directory / "check.c").write_text(
        '#include <stdio.h>\nint main(int c, char **v) { long a, b; FILE *f = fopen(v[2], "r");\n'
        '  if (fscanf(f, "%ld", &a) != 1 || scanf("%ld", &b) != 1) return 43; return a == b ? 42 : 43; }\n'
    )
    (directory / "build").write_text("#!/bin/sh\ncc -O1 -o checker check.c\n")
    (directory / "run").write_text('#!/bin/sh\nexec "$(dirname "$0")/checker" "$@"\n')
    task = make_task(AB, checker=CheckerSpec(kind=CheckerKind.KATTIS, source=directory))
    assert judge.judge(task, "print(sum(map(int, input().split())))\n", "python3").verdict is Verdict.OK
    assert judge.judge(task, "print(0)\n", "python3").verdict is Verdict.WRONG_ANSWER
