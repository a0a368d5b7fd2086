"""A problem as cpelo knows it: statement, limits, tests, checker, interactor, jury solutions.

Paths in a Problem are absolute once read from disk. Readers of record formats (CodeContests,
open-r1) keep test data inline (``input_text``/``answer_text``) until the native writer puts it in files.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

INDEX_PATTERN = r"^[A-Z][A-Z0-9]{0,3}$"


class CheckerType(StrEnum):
    EXACT = "exact"
    LINES = "lines"
    TOKENS = "tokens"
    FLOATS = "floats"
    YESNO = "yesno"
    KATTIS_DEFAULT = "kattis-default"  # problemtools' default output validator, `flags` its arguments
    TESTLIB = "testlib"  # `checker input output answer`: 0 OK, 1 WA, 2 PE, 3 FAIL
    KATTIS = "kattis"  # `validator input answer feedback_dir [flags] < output`: 42 OK, 43 WA


class Checker(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: CheckerType = CheckerType.TOKENS
    abs_tol: float | None = Field(None, ge=0, description="floats: absolute tolerance")
    rel_tol: float | None = Field(None, ge=0, description="floats: relative tolerance")
    source: Path | None = Field(None, description="testlib | kattis: the checker's source file or directory")
    source_text: str | None = Field(
        None, description="inline source (record formats); `source` is then the file name to write it under"
    )
    flags: list[str] = Field(default_factory=list, description="extra arguments (Kattis validator_flags)")

    @model_validator(mode="after")
    def _source_when_needed(self) -> Checker:
        if self.type in (CheckerType.TESTLIB, CheckerType.KATTIS) and self.source is None:
            raise ValueError(f"checker type {self.type.value} needs a source")
        if self.source_text is not None and (self.source is None or len(self.source.parts) != 1):
            raise ValueError("an inline checker source needs a plain file name in `source`")
        return self


class InputValidator(BaseModel):
    """A program that reads one test input on stdin and accepts it by its exit status (testlib's
    validators exit 0; Kattis input validators exit 42)."""

    model_config = ConfigDict(extra="forbid")

    source: Path = Field(description="the validator's source file")
    language: str | None = Field(None, description="language id; None: from the file's extension")
    valid_exit: int = Field(0, ge=0, le=255, description="the exit status meaning 'valid input'")


class InteractorProtocol(StrEnum):
    TESTLIB = "testlib"
    KATTIS = "kattis"


class Interactor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    protocol: InteractorProtocol
    source: Path
    flags: list[str] = Field(default_factory=list)


class Test(BaseModel):
    """One test: the input and the jury's answer, each a file or inline text."""

    model_config = ConfigDict(extra="forbid")
    __test__ = False  # not a pytest class

    name: str = Field(description="name within its group, e.g. '01' or 'subtask1/03'")
    input: Path | None = None
    answer: Path | None = None
    input_text: str | None = None
    answer_text: str | None = None
    checker_args: list[str] | None = Field(
        None, description="appended to the checker's flags for this test (Kattis output_validator_args)"
    )

    @model_validator(mode="after")
    def _one_of_each(self) -> Test:
        if (self.input is None) == (self.input_text is None):
            raise ValueError(f"test {self.name}: exactly one of input and input_text must be given")
        if (self.answer is None) == (self.answer_text is None):
            raise ValueError(f"test {self.name}: exactly one of answer and answer_text must be given")
        return self

    def read_input(self) -> bytes:
        return self.input.read_bytes() if self.input is not None else (self.input_text or "").encode()

    def read_answer(self) -> bytes:
        return self.answer.read_bytes() if self.answer is not None else (self.answer_text or "").encode()


class Tests(BaseModel):
    """Tests in judging order: samples, then pretests, then the remaining system tests.

    Codeforces runs sample + pretest during the round; the system tests are all three groups in order.
    """

    model_config = ConfigDict(extra="forbid")
    __test__ = False

    sample: list[Test] = Field(default_factory=list)
    pretest: list[Test] = Field(default_factory=list)
    system: list[Test] = Field(default_factory=list)

    def groups(self) -> list[tuple[str, list[Test]]]:
        return [("sample", self.sample), ("pretest", self.pretest), ("system", self.system)]

    def all(self) -> list[Test]:
        return [*self.sample, *self.pretest, *self.system]


class ExpectedVerdict(StrEnum):
    """What a jury solution is expected to get; the directory name under ``solutions/``."""

    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    TIME_LIMIT_EXCEEDED = "time_limit_exceeded"
    RUN_TIME_ERROR = "run_time_error"
    MEMORY_LIMIT_EXCEEDED = "memory_limit_exceeded"
    PRESENTATION_ERROR = "presentation_error"
    REJECTED = "rejected"  # any verdict but accepted (CodeContests incorrect_solutions, Polygon "rejected")
    # Kattis only: accepted but may be slower than the time limit; partially accepted (scoring problems)
    SLOW_ACCEPTED = "slow_accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    # A Kattis directory that only submissions.yaml gives a meaning: its `expectations` say what holds.
    CUSTOM = "custom"


Outcome = Literal["AC", "WA", "TLE", "RTE"]


class Expectation(BaseModel):
    """One rule of a 2025-09 ``submissions.yaml``: on the tests it covers, every verdict is in
    ``permitted`` and at least one is in ``required``; ``message`` appears in some checker message."""

    model_config = ConfigDict(extra="forbid")

    tests: str | None = Field(
        None, description="glob over test names under data/ ('secret/*-hard'); None: all"
    )
    permitted: list[Outcome] | None = None
    required: list[Outcome] | None = None
    message: str | None = None
    # "lower": these runs bound a derived time limit from below (it must exceed them, like an accepted
    # submission's); "upper": from above (they must time out); False: neither; None: the format's
    # default (lower when TLE is not permitted, upper when TLE is the only verdict required).
    use_for_time_limit: Literal["lower", "upper", False] | None = None


class Solution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="file name, e.g. 'sol.cpp'")
    expected: ExpectedVerdict
    path: Path | None = None
    text: str | None = None
    language: str | None = Field(None, description="language id; None: from the file's extension")
    expectations: list[Expectation] = Field(
        default_factory=list, description="submissions.yaml rules for this submission (all must hold)"
    )
    mislabelled: bool = Field(
        False,
        description="BAPCtools' *.bad.* convention: deliberately filed under the wrong verdict, so a judge "
        "must find it inconsistent with its directory",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Solution:
        if (self.path is None) == (self.text is None):
            raise ValueError(f"solution {self.name}: exactly one of path and text must be given")
        return self

    def read_text(self) -> str:
        return self.path.read_text(errors="replace") if self.path is not None else (self.text or "")


class DerivedTimeLimit(BaseModel):
    """A time limit derived the way Kattis problemtools does it, from the accepted submissions."""

    model_config = ConfigDict(extra="forbid")

    slowest_accepted: float = Field(ge=0, description="CPU seconds of the slowest accepted submission")
    time_multiplier: float = Field(gt=0)
    safety_margin: float = Field(gt=0)
    time_limit: int = Field(ge=1, description="max(1, round(slowest * multiplier)), half up")
    tle_margin: int = Field(ge=2, description="too-slow submissions must exceed this many seconds")
    measured_with: str = Field("", description="what judged them: sandbox backend, host")
    runtimes: dict[str, float] = Field(
        default_factory=dict, description="slowest test's CPU seconds of each accepted submission"
    )
    repeats: int = Field(
        1, ge=1, description="runs per accepted submission; each test's time is the fastest of them"
    )


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="unique id, e.g. '1900A' or a Kattis short name")
    index: str | None = Field(None, pattern=INDEX_PATTERN, description="index within its contest: A, B, A1")
    name: str
    statement: str = Field("", description="the legend, Markdown (or the package's own markup)")
    input_spec: str = ""
    output_spec: str = ""
    interaction_spec: str = ""
    note: str = ""
    time_limit: float | None = Field(
        None, gt=0, description="CPU seconds per test; None only for a Kattis package not yet timed"
    )
    memory_limit_mb: int = Field(256, gt=0)
    output_limit_mb: int = Field(64, gt=0)
    points: float | None = Field(None, gt=0, description="Codeforces points (cf rules)")
    rating: int | None = Field(None, ge=0, description="Codeforces difficulty rating")
    tags: list[str] = Field(default_factory=list)
    tests: Tests = Field(default_factory=Tests)
    checker: Checker = Field(default_factory=Checker)
    interactor: Interactor | None = None
    input_validator: InputValidator | None = Field(
        None, description="checks that an input is well-formed (used on inputs cpelo did not ship)"
    )
    solutions: list[Solution] = Field(default_factory=list)
    time_multiplier: float | None = Field(None, gt=0, description="Kattis limits.time_multiplier")
    safety_margin: float | None = Field(None, gt=0, description="Kattis limits.time_safety_margin")
    derived_time_limit: DerivedTimeLimit | None = None
    validation_passes: int | None = Field(
        None, ge=2, description="multi-pass (Kattis): most runs per test, each on the validator's nextpass.in"
    )
    source: str | None = None
    licence: str | None = None
    url: str | None = None
    origin_format: Literal["native", "kattis", "polygon", "codecontests", "openr1", "cf-api"] = "native"
    notes: list[str] = Field(default_factory=list, description="what the reader could not carry over")
    root: Path | None = Field(None, description="the directory it was read from", exclude=True)
