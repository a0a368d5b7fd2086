"""Where judging units run: the interface every executor offers, and its errors.

A judging unit is one submission judged against one task: compile (through the compile cache), then
the tests in order, stopping at the first failure unless ``run_all``, exactly as ``Judge.judge`` does.
The unit is a whole submission, not a test, because stopping at the first failure is what makes
judging cheap (most wrong programs fail on test 1 or 2) and keeps every executor's results equal to
``Judge.judge``'s; parallelism comes from the many submissions of a batch.

Executors differ only in where the units run: ``local`` (threads over sandboxed processes on this
machine, the embedded default) or ``ray`` (tasks on a Ray cluster). Every executor returns the same
results for the same input; a submission the judge cannot take (unknown language, broken checker,
a unit lost with its node after every retry) becomes a JUDGE_ERROR result, so one bad item never
stops a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol

from judge.batch import Submission
from judge.errors import JudgeError
from judge.task import JudgeTask
from judge.verdict import JudgeResult

ExecutorName = Literal["local", "ray"]
EXECUTOR_NAMES: tuple[ExecutorName, ...] = ("local", "ray")

OnResult = Callable[[int, JudgeResult], None]


class ExecutorError(JudgeError):
    """An executor cannot be set up (Ray not installed, cluster unreachable, bad option)."""


class Executor(Protocol):
    """Runs judging units somewhere; results in the order given, whatever the order they finish in."""

    name: str

    def judge_many(
        self, submissions: Sequence[Submission], *, on_result: OnResult | None = None
    ) -> list[JudgeResult]:
        """Judge every submission; ``on_result(position, result)`` as each finishes (any thread)."""
        ...

    def judge(
        self, task: JudgeTask, source: str | Path, language: str | None = None, *, run_all: bool = False
    ) -> JudgeResult:
        """Judge one submission (a JudgeError becomes a JUDGE_ERROR result, as in ``judge_many``)."""
        ...

    def close(self) -> None:
        """Release what the executor holds (threads, a Ray connection it opened)."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
