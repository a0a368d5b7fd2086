"""Verdicts with the exact Codeforces names, and the per-test and per-submission results.

`JudgeResult.model_dump_json()` is exactly the JSON of `cpelo judge --json`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from judge.printable import printable

MESSAGE_LIMIT = 2000  # characters of a checker's, interactor's or sandbox's message kept per test


class Verdict(StrEnum):
    OK = "OK"
    WRONG_ANSWER = "WRONG_ANSWER"
    PRESENTATION_ERROR = "PRESENTATION_ERROR"
    TIME_LIMIT_EXCEEDED = "TIME_LIMIT_EXCEEDED"
    MEMORY_LIMIT_EXCEEDED = "MEMORY_LIMIT_EXCEEDED"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    IDLENESS_LIMIT_EXCEEDED = "IDLENESS_LIMIT_EXCEEDED"
    OUTPUT_LIMIT_EXCEEDED = "OUTPUT_LIMIT_EXCEEDED"
    COMPILATION_ERROR = "COMPILATION_ERROR"
    JUDGE_ERROR = "JUDGE_ERROR"  # the checker, interactor or sandbox failed: never the contestant's fault

    @property
    def short(self) -> str:
        """The two-or-three-letter abbreviation contestants use (AC, WA, TLE, ...)."""
        return _SHORT[self]


_SHORT = {
    Verdict.OK: "AC",
    Verdict.WRONG_ANSWER: "WA",
    Verdict.PRESENTATION_ERROR: "PE",
    Verdict.TIME_LIMIT_EXCEEDED: "TLE",
    Verdict.MEMORY_LIMIT_EXCEEDED: "MLE",
    Verdict.RUNTIME_ERROR: "RE",
    Verdict.IDLENESS_LIMIT_EXCEEDED: "IDLE",
    Verdict.OUTPUT_LIMIT_EXCEEDED: "OLE",
    Verdict.COMPILATION_ERROR: "CE",
    Verdict.JUDGE_ERROR: "JE",
}


class TestResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    __test__ = False  # not a pytest class

    index: int = Field(description="1-based test number, as in 'on test N'")
    verdict: Verdict
    time_s: float = Field(description="CPU seconds (user+sys) of the solution's process tree")
    wall_s: float = Field(description="wall-clock seconds of the solution's run")
    memory_bytes: int = Field(description="peak memory of the solution's process tree")
    checker_message: str = Field(
        "", description="what the checker, interactor or sandbox said (control characters escaped)"
    )
    runs: int = Field(
        1,
        description="times the test ran: a run just over the limit is run again, the fastest counts",
    )

    @field_validator("checker_message")
    @classmethod
    def _printable(cls, value: str) -> str:
        return printable(value)


class JudgeResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    failed_test: int | None = Field(description="first test not passed; None if OK or CE")
    time_s: float = Field(description="largest CPU time over the tests run")
    memory_bytes: int = Field(description="largest peak memory over the tests run")
    language: str = Field(description="language id the submission was judged as")
    tests: list[TestResult]
    compile_log: str = Field(
        "", description="compiler output (warnings, or the errors for CE; control characters escaped)"
    )
    time_limit_s: float | None = Field(None, description="the CPU time limit per test it was judged against")
    time_limit_origin: str = Field("", description="where that limit came from (package, derivation, flag)")

    @field_validator("compile_log")
    @classmethod
    def _printable(cls, value: str) -> str:
        return printable(value)

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.OK

    def summary(self) -> str:
        """'OK' or e.g. 'WRONG_ANSWER on test 3', the way Codeforces shows it."""
        if self.failed_test is None:
            return str(self.verdict)
        return f"{self.verdict} on test {self.failed_test}"

    @classmethod
    def judge_error(cls, message: str, language: str | None = None) -> JudgeResult:
        """A submission the judge could not take (a broken checker, a lost worker): JUDGE_ERROR, no
        test run, the reason in ``compile_log``."""
        return cls(
            verdict=Verdict.JUDGE_ERROR, failed_test=None, time_s=0.0, memory_bytes=0,
            language=language or "", tests=[], compile_log=message,
        )  # fmt: skip

    @classmethod
    def from_tests(cls, tests: list[TestResult], *, language: str, compile_log: str = "") -> JudgeResult:
        """The submission's verdict: the first test not OK decides, else OK."""
        failed = next((t for t in tests if t.verdict is not Verdict.OK), None)
        return cls(
            verdict=failed.verdict if failed else Verdict.OK,
            failed_test=failed.index if failed else None,
            time_s=max((t.time_s for t in tests), default=0.0),
            memory_bytes=max((t.memory_bytes for t in tests), default=0),
            language=language,
            tests=tests,
            compile_log=compile_log,
        )
