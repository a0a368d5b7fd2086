"""What the judge needs to know about a problem: its tests, limits, checker and interactor.

This is the judge's own view of a problem; `contests/` maps its richer Problem model onto it
(the judge never imports `contests`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from sandbox import MiB


class CheckerKind(StrEnum):
    EXACT = "exact"  # byte-for-byte equal
    LINES = "lines"  # equal line by line, trailing whitespace and trailing empty lines ignored
    TOKENS = "tokens"  # equal as whitespace-separated tokens (the default)
    FLOATS = "floats"  # tokens; numbers equal within abs_tol or rel_tol
    YESNO = "yesno"  # tokens, compared case-insensitively (YES/yes/Yes)
    KATTIS_DEFAULT = "kattis-default"  # problemtools' default output validator; flags are its arguments
    TESTLIB = "testlib"  # `checker input output answer`: exit 0 OK, 1 WA, 2 PE, 3 FAIL, 7 points
    KATTIS = "kattis"  # `validator input answer feedback_dir [flags] < output`: exit 42 OK, 43 WA

    @property
    def is_program(self) -> bool:
        """A problem-supplied program (compiled and run in the sandbox), not a built-in comparison."""
        return self in (CheckerKind.TESTLIB, CheckerKind.KATTIS)


class CheckerSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: CheckerKind = CheckerKind.TOKENS
    abs_tol: float | None = Field(None, ge=0, description="FLOATS: absolute tolerance")
    rel_tol: float | None = Field(None, ge=0, description="FLOATS: relative tolerance")
    source: Path | None = Field(None, description="TESTLIB/KATTIS: checker source file or directory")
    language: str | None = Field(None, description="language id of the source; None: from its extension")
    flags: tuple[str, ...] = Field((), description="extra arguments (Kattis validator_flags)")
    include_dirs: tuple[Path, ...] = Field((), description="where to look for testlib.h and other headers")
    time_limit: float | None = Field(
        None, gt=0, description="CPU seconds per checker run; None: max(10, 4 x the task's time limit)"
    )


class InteractorProtocol(StrEnum):
    TESTLIB = "testlib"  # `interactor input output [answer]`, talks to the solution on stdin/stdout
    KATTIS = "kattis"  # `validator input answer feedback_dir [flags]`, stdin/stdout to the solution; 42/43


class InteractorSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    protocol: InteractorProtocol
    source: Path
    language: str | None = None
    flags: tuple[str, ...] = ()
    include_dirs: tuple[Path, ...] = ()
    time_limit: float | None = Field(
        None, gt=0, description="CPU seconds for the interactor per test; None: max(10, 4 x the task's)"
    )


class TestCase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    __test__ = False  # not a pytest class

    index: int = Field(ge=1, description="1-based position in judging order ('on test N')")
    input: Path
    answer: Path
    group: str = Field("system", description="sample, pretest, system, or a Kattis group path")
    checker_args: tuple[str, ...] = Field(
        (), description="appended to the checker's flags for this test (Kattis output_validator_args)"
    )


class JudgeTask(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    tests: tuple[TestCase, ...]
    time_limit: float = Field(gt=0, description="CPU seconds per test, multipliers already applied")
    time_limit_origin: str = Field(
        "", description="how the limit was obtained, recorded in every result (e.g. 'problem.yaml x 1.5')"
    )
    memory_limit: int = Field(256 * MiB, gt=0, description="bytes")
    output_limit: int = Field(64 * MiB, gt=0, description="bytes of solution output per test")
    output_overflow: Literal["kill", "truncate"] = Field(
        "kill",
        description="output past output_limit: kill the run (OUTPUT_LIMIT_EXCEEDED at once), or truncate "
        "it and let the run go on, as DOMjudge: TLE or RTE if it then fails so, else OUTPUT_LIMIT_EXCEEDED",
    )
    checker: CheckerSpec = CheckerSpec()
    interactor: InteractorSpec | None = None
    validation_passes: int = Field(
        1,
        ge=1,
        description="multi-pass (Kattis): at most this many runs per test, each next input written by "
        "the output validator (or interactor) as nextpass.in in its feedback dir; 1: single pass",
    )

    def map_paths(self, move: Callable[[Path, str], Path]) -> JudgeTask:
        """The task with every path it names replaced by ``move(path, what)``, ``what`` naming the
        field for error messages ("test 3 input", "checker include dir", ...)."""
        tests = tuple(
            t.model_copy(update={"input": move(t.input, f"test {t.index} input"),
                                 "answer": move(t.answer, f"test {t.index} answer")})
            for t in self.tests
        )  # fmt: skip
        checker = self.checker.model_copy(
            update={
                "source": None if self.checker.source is None else move(self.checker.source, "checker"),
                "include_dirs": tuple(move(d, "checker include dir") for d in self.checker.include_dirs),
            }
        )
        interactor = self.interactor
        if interactor is not None:
            interactor = interactor.model_copy(
                update={
                    "source": move(interactor.source, "interactor"),
                    "include_dirs": tuple(move(d, "interactor include dir") for d in interactor.include_dirs),
                }
            )
        return self.model_copy(update={"tests": tests, "checker": checker, "interactor": interactor})

    @property
    def helper_programs(self) -> tuple[HelperProgram, ...]:
        """The problem's own programs judging needs compiled: its checker (when it is a program with a
        source) and its interactor."""
        helpers = []
        checker = self.checker
        if checker.kind.is_program and checker.source is not None:
            helpers.append(HelperProgram("checker", checker.source, checker.language, checker.include_dirs))
        if self.interactor is not None:
            spec = self.interactor
            helpers.append(HelperProgram("interactor", spec.source, spec.language, spec.include_dirs))
        return tuple(helpers)


class HelperProgram(NamedTuple):
    """A checker or interactor to compile: where its source is and where its headers are looked up."""

    what: Literal["checker", "interactor"]
    source: Path
    language: str | None
    include_dirs: tuple[Path, ...]
