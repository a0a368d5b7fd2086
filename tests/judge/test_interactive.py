"""Interactive problems: Kattis validators and testlib interactors talking to solutions over pipes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from judge.judge import Judge
from judge.task import InteractorProtocol, InteractorSpec, JudgeTask
from judge.verdict import Verdict

MakeTask = Callable[..., JudgeTask]

# Guess a number in [1, 1000] in at most 10 guesses; the secret is the input file's only number.
KATTIS_INTERACTOR = r"""
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
        if (g == secret) {
            std::printf("correct\n"); std::fflush(stdout);
            std::fprintf(msg, "found in %d\n", i); return 42;
        }
        std::printf(g < secret ? "higher\n" : "lower\n");
        std::fflush(stdout);
    }
    std::fprintf(msg, "not found in 10 guesses\n");
    return 43;
}
"""

# testlib protocol: interactor input output answer; stdin/stdout to the solution; 0 OK, 1 WA, 3 FAIL.
TESTLIB_INTERACTOR = r"""
#include <cstdio>
int main(int argc, char** argv) {
    FILE* in = std::fopen(argv[1], "r");
    FILE* tout = std::fopen(argv[2], "w");
    int secret; std::fscanf(in, "%d", &secret);
    for (int i = 1; i <= 10; i++) {
        int g;
        if (std::scanf("%d", &g) != 1) { std::fprintf(stderr, "wrong answer: no guess %d", i); return 1; }
        if (g == secret) { std::printf("correct\n"); std::fflush(stdout); std::fprintf(tout, "%d\n", i);
                           std::fprintf(stderr, "ok found in %d", i); return 0; }
        std::printf(g < secret ? "higher\n" : "lower\n");
        std::fflush(stdout);
    }
    std::fprintf(stderr, "wrong answer: not found in 10 guesses");
    return 1;
}
"""

BINARY_SEARCH = """\
import sys
lo, hi = 1, 1000
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = sys.stdin.readline().strip()
    if reply == "correct":
        break
    if reply == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
"""

ALWAYS_ONE = """\
#include <cstdio>
int main() {
    char buf[64];
    for (;;) { std::printf("1\\n"); std::fflush(stdout); if (std::scanf("%63s", buf) != 1) return 0; }
}
"""

DEADLOCK = "import sys\nsys.stdin.readline()\n"  # waits for the interactor, which waits for it
CRASH_FIRST = "import sys\nsys.exit(3)\n"
# Out of range first: the interactor says WRONG_ANSWER and leaves; input() then fails on EOF (exit 1).
WA_THEN_CRASH = "print(5000, flush=True)\ninput()\n"


def _interactive_task(make_task: MakeTask, tmp_path: Path, protocol: InteractorProtocol) -> JudgeTask:
    source = tmp_path / ("interactor.cpp" if protocol is InteractorProtocol.KATTIS else "tl_interactor.cpp")
    source.write_text(KATTIS_INTERACTOR if protocol is InteractorProtocol.KATTIS else TESTLIB_INTERACTOR)
    spec = InteractorSpec(protocol=protocol, source=source)
    return make_task([("500\n", ""), ("1\n", ""), ("777\n", "")], interactor=spec, name=protocol.value)


@pytest.mark.parametrize("protocol", list(InteractorProtocol))
def test_interactive_accepted_and_wrong(
    judge: Judge, make_task: MakeTask, tmp_path: Path, protocol: InteractorProtocol
) -> None:
    task = _interactive_task(make_task, tmp_path, protocol)
    ok = judge.judge(task, BINARY_SEARCH, "python3")
    assert ok.verdict is Verdict.OK, [t.checker_message for t in ok.tests]
    assert len(ok.tests) == 3 and all(t.time_s > 0 for t in ok.tests)
    assert "found in 1" in ok.tests[0].checker_message
    wrong = judge.judge(task, ALWAYS_ONE, "cpp17")
    assert wrong.verdict is Verdict.WRONG_ANSWER and wrong.failed_test == 1
    assert "10 guesses" in wrong.tests[0].checker_message


def test_deadlock_is_idleness(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    task = _interactive_task(make_task, tmp_path, InteractorProtocol.KATTIS)
    result = judge.judge(task, DEADLOCK, "python3")
    assert result.verdict is Verdict.IDLENESS_LIMIT_EXCEEDED and result.failed_test == 1
    assert result.tests[0].wall_s >= 2.0 and result.tests[0].time_s < 0.5


def test_solution_failing_first_keeps_its_verdict(judge: Judge, make_task: MakeTask, tmp_path: Path) -> None:
    task = _interactive_task(make_task, tmp_path, InteractorProtocol.KATTIS)
    result = judge.judge(task, CRASH_FIRST, "python3")
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert "exit code 3" in result.tests[0].checker_message


@pytest.mark.parametrize("protocol", list(InteractorProtocol))
def test_interactor_wrong_answer_wins_over_later_crash(
    judge: Judge, make_task: MakeTask, tmp_path: Path, protocol: InteractorProtocol
) -> None:
    task = _interactive_task(make_task, tmp_path, protocol)
    result = judge.judge(task, WA_THEN_CRASH, "python3")
    assert result.verdict is Verdict.WRONG_ANSWER, result.tests[0].checker_message


def test_interactive_run_just_over_the_limit_is_run_again(
    judge: Judge, make_task: MakeTask, tmp_path: Path
) -> None:
    """As for a plain run (test_verdicts): over the limit but short of the hard limit, the solution and
    the interactor run again and the fastest counts. The solution burns 1.1 s of CPU on its first run
    only (a file it leaves in its kept box tells; fresh_box=False as in the plain-run test)."""
    judge = Judge(judge.config.model_copy(update={"fresh_box": False}))
    task = _interactive_task(make_task, tmp_path, InteractorProtocol.KATTIS)
    task = task.model_copy(update={"tests": task.tests[:1]})
    slow_once = (
        "import os, time\n"
        "if not os.path.exists('ran'):\n"
        "    open('ran', 'w').close()\n"
        "    end = time.process_time() + 1.1\n"
        "    while time.process_time() < end: pass\n" + BINARY_SEARCH
    )
    result = judge.judge(task, slow_once, "python3")
    [test] = result.tests
    assert result.verdict is Verdict.OK and test.runs >= 2, result
    assert "found in" in test.checker_message  # the kept attempt's feedback
    slow = "import time\nend = time.process_time() + 5\nwhile time.process_time() < end: pass\n"
    tle = judge.judge(task, slow, "python3")
    assert tle.verdict is Verdict.TIME_LIMIT_EXCEEDED and tle.tests[0].runs == 1  # killed at the hard limit
