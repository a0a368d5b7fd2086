"""The local executor: units run on this machine, in worker threads over sandboxed processes.

This is today's behaviour (``judge.batch.judge_many``), and the embedded default.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from judge.batch import Submission, default_jobs, judge_many
from judge.config import JudgeConfig
from judge.errors import JudgeError
from judge.executors.executor import OnResult
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import JudgeResult


class LocalExecutor:
    name = "local"

    def __init__(
        self,
        *,
        jobs: int | None = None,
        config: JudgeConfig | None = None,
    ) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.config = config or JudgeConfig()
        self._judge: Judge | None = None

    def judge_many(
        self, submissions: Sequence[Submission], *, on_result: OnResult | None = None
    ) -> list[JudgeResult]:
        return judge_many(
            submissions,
            jobs=self.jobs,
            config=self.config,
            on_result=on_result,
        )

    def judge(
        self, task: JudgeTask, source: str | Path, language: str | None = None, *, run_all: bool = False
    ) -> JudgeResult:
        try:
            if self._judge is None:
                self._judge = Judge(self.config)
            return self._judge.judge(task, source, language, run_all=run_all)
        except JudgeError as exc:
            return JudgeResult.judge_error(str(exc), language)

    def close(self) -> None:
        self._judge = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
