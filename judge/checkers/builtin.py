"""Built-in comparisons: pure functions over bytes or files (tokens, exact, lines, floats, yes/no).

Files are read as they are compared (``judge.checkers.stream``): the judge's memory stays bounded
whatever a program prints. A token over ``stream.CAP`` bytes (1 MiB) is compared by digest and is
never a number."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from judge.checkers.kattis_default import check_kattis_default, parse_args
from judge.checkers.outcome import CheckOutcome
from judge.checkers.stream import (
    Data,
    Item,
    lines,
    quoted,
    same_bytes,
    same_content,
    same_folded,
    size,
    tokens,
)
from judge.errors import CheckerSetupError
from judge.task import CheckerKind, CheckerSpec, TestCase
from judge.verdict import Verdict

DEFAULT_FLOAT_TOL = 1e-6


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _compare_tokens(
    output: Data, answer: Data, same: Callable[[Item, Item], bool], what: str = "words"
) -> tuple[CheckOutcome, int]:
    """The outcome, and the number of answer tokens."""
    out, ans = tokens(output), tokens(answer)
    common = 0
    while True:
        o, a = next(out, None), next(ans, None)
        if o is None or a is None:
            break
        common += 1
        if not same(o, a):
            return CheckOutcome(
                Verdict.WRONG_ANSWER,
                f"{_ordinal(common)} {what} differ - expected: '{quoted(a)}', found: '{quoted(o)}'",
            ), 0
    n_out = common + (o is not None) + sum(1 for _ in out)
    n_ans = common + (a is not None) + sum(1 for _ in ans)
    if n_out < n_ans:
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"answer contains more tokens: expected {n_ans}, found {n_out}"
        ), n_ans
    if n_out > n_ans:
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"output contains extra tokens: expected {n_ans}, found {n_out}"
        ), n_ans
    return CheckOutcome(Verdict.OK, f"ok {n_ans} tokens"), n_ans


def check_tokens(output: Data, answer: Data) -> CheckOutcome:
    """Equal as whitespace-separated tokens (the default)."""
    return _compare_tokens(output, answer, same_bytes)[0]


def check_exact(output: Data, answer: Data) -> CheckOutcome:
    """Byte for byte; equal tokens laid out differently are a presentation error."""
    if size(output) == size(answer) and same_content(output, answer):
        return CheckOutcome(Verdict.OK, f"ok {size(answer)} bytes")
    outcome = check_tokens(output, answer)
    if outcome.verdict is Verdict.OK:
        return CheckOutcome(Verdict.PRESENTATION_ERROR, "same tokens, different whitespace")
    return outcome


def check_lines(output: Data, answer: Data) -> CheckOutcome:
    """Line by line, ignoring trailing whitespace and trailing empty lines; same tokens otherwise: PE."""
    out, ans = lines(output), lines(answer)
    common, differs = 0, 0  # differs: the first line (1-based) where both have a line and they differ
    while True:
        o, a = next(out, None), next(ans, None)
        if o is None or a is None:
            break
        common += 1
        if not differs and not same_bytes(o, a):
            differs = common
    n_out = common + (o is not None) + sum(1 for _ in out)
    n_ans = common + (a is not None) + sum(1 for _ in ans)
    if not differs and n_out == n_ans:
        return CheckOutcome(Verdict.OK, f"ok {n_ans} lines")
    outcome = check_tokens(output, answer)
    if outcome.verdict is Verdict.OK:
        line = differs or n_ans + 1
        return CheckOutcome(Verdict.PRESENTATION_ERROR, f"same tokens, lines differ from line {line}")
    return outcome


_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _as_float(token: Item) -> float | None:
    if not isinstance(token, bytes) or not _NUMBER.fullmatch(token):
        return None
    value = float(token)
    return value if math.isfinite(value) else None


def check_floats(
    output: Data, answer: Data, abs_tol: float | None = None, rel_tol: float | None = None
) -> CheckOutcome:
    """Tokens; where the answer's token is a number, the output's must be a number within absolute OR
    relative tolerance of it (either suffices, as in Kattis). No tolerance given: 1e-6 for both."""
    if abs_tol is None and rel_tol is None:
        abs_tol = rel_tol = DEFAULT_FLOAT_TOL

    def same(o: Item, a: Item) -> bool:
        expected = _as_float(a)
        if expected is None:
            return same_bytes(o, a)
        found = _as_float(o)
        if found is None:
            return False
        diff = abs(found - expected)
        return (abs_tol is not None and diff <= abs_tol * (1 + 1e-12)) or (
            rel_tol is not None and diff <= rel_tol * abs(expected) * (1 + 1e-12)
        )

    outcome, n_ans = _compare_tokens(output, answer, same, what="numbers")
    if outcome.verdict is Verdict.OK:
        return CheckOutcome(Verdict.OK, f"ok {n_ans} numbers (abs {abs_tol}, rel {rel_tol})")
    return outcome


def check_yesno(output: Data, answer: Data) -> CheckOutcome:
    """Tokens compared case-insensitively (YES, yes and Yes are the same answer)."""
    return _compare_tokens(output, answer, same_folded)[0]


def builtin_check(
    spec: CheckerSpec, output: Data, answer: Data, test_args: tuple[str, ...] = ()
) -> CheckOutcome:
    """``output`` and ``answer``: bytes, or files read in bounded memory (judge.checkers.stream)."""
    if spec.kind is CheckerKind.KATTIS_DEFAULT:
        try:
            args = parse_args([*spec.flags, *test_args])
        except CheckerSetupError as exc:
            return CheckOutcome(Verdict.JUDGE_ERROR, str(exc))
        return check_kattis_default(output, answer, args)
    if spec.kind is CheckerKind.EXACT:
        return check_exact(output, answer)
    if spec.kind is CheckerKind.LINES:
        return check_lines(output, answer)
    if spec.kind is CheckerKind.FLOATS:
        return check_floats(output, answer, spec.abs_tol, spec.rel_tol)
    if spec.kind is CheckerKind.YESNO:
        return check_yesno(output, answer)
    return check_tokens(output, answer)


@dataclass
class BuiltinChecker:
    spec: CheckerSpec

    def check(self, test: TestCase, output: Path, work: Path) -> CheckOutcome:
        return builtin_check(self.spec, output, test.answer, test.checker_args)
