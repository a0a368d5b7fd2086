"""Output past the limit: killed at once (our contests, Codeforces rules) or truncated and run on, as
DOMjudge's runguard does for the Kattis format's packages (BAPCtools' hello test-fill-stdout: TLE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pytest

from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import Verdict

MakeTask = Callable[..., JudgeTask]

FLOOD = '#include <cstdio>\nint main() { for (;;) std::fputs("Fill stdout with nonsense.\\n", stdout); }\n'
# 2 MiB, then a clean exit: over a 1 MiB limit but finished in time.
BURST = (
    "#include <cstdio>\n#include <cstring>\nint main() { static char line[1024];"
    " std::memset(line, 'x', 1023); line[1023] = '\\n';"
    " for (int i = 0; i < 2048; i++) std::fwrite(line, 1, 1024, stdout); }\n"
)


def _task(make_task: MakeTask, overflow: Literal["kill", "truncate"]) -> JudgeTask:
    return make_task([("", "x\n")], time_limit=1.0, output_limit=1 << 20).model_copy(
        update={"output_overflow": overflow}
    )


@pytest.mark.parametrize(
    ("overflow", "source", "verdict"),
    [
        ("kill", FLOOD, Verdict.OUTPUT_LIMIT_EXCEEDED),
        ("truncate", FLOOD, Verdict.TIME_LIMIT_EXCEEDED),
        ("kill", BURST, Verdict.OUTPUT_LIMIT_EXCEEDED),
        ("truncate", BURST, Verdict.OUTPUT_LIMIT_EXCEEDED),
    ],
    ids=["flood-kill", "flood-truncate", "burst-kill", "burst-truncate"],
)
def test_output_overflow(
    judge: Judge, make_task: MakeTask, overflow: Literal["kill", "truncate"], source: str, verdict: Verdict
) -> None:
    result = judge.judge(_task(make_task, overflow), source, "cpp17")
    assert result.verdict is verdict, result.tests
    test = result.tests[0]
    if overflow == "kill" and source is FLOOD:
        assert test.time_s < 1.0  # stopped at the limit, not run to the time limit
    if verdict is Verdict.TIME_LIMIT_EXCEEDED:
        assert test.time_s >= 1.0
