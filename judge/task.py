"""What the judge needs to know about a problem: its tests, limits, checker and interactor.

This is the judge's own view of a problem; `contests/` maps its richer Problem model onto it
(the judge never imports `contests`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

MiB = 1024 * 1024


class CheckerKind(StrEnum):
    EXACT = "exact"  # byte-for-byte equal
    LINES = "lines"  # equal line by line, trailing whitespace and trailing empty lines ignored
    TOKENS = "tokens"  # equal as whitespace-separated tokens (the default)
    FLOATS = "floats"  # tokens; numbers equal within abs_tol or rel_tol
    YESNO = "yesno"  # tokens, compared case-insensitively (YES/yes/Yes)
    KATTIS_DEFAULT = "kattis-default"  # problemtools' default output validator; flags are its arguments
    TESTLIB = "testlib"  # `checker input output answer`: exit 0 OK, 1 WA, 2 PE, 3 FAIL, 7 points
    KATTIS = "kattis"  # `validator input answer feedback_dir [flags] < output`: exit 42 OK, 43 WA


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
    checker: CheckerSpec = CheckerSpec()
    interactor: InteractorSpec | None = None
    validation_passes: int = Field(
        1,
        ge=1,
        description="multi-pass (Kattis): at most this many runs per test, each next input written by "
        "the output validator (or interactor) as nextpass.in in its feedback dir; 1: single pass",
    )
