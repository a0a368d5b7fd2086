"""Built-in comparisons: pure functions over bytes (tokens, exact, lines, floats, yes/no)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from judge.checkers.kattis_default import check_kattis_default, parse_args
from judge.checkers.outcome import CheckOutcome
from judge.errors import CheckerSetupError
from judge.task import CheckerKind, CheckerSpec, TestCase
from judge.verdict import Verdict

DEFAULT_FLOAT_TOL = 1e-6


def _show(token: bytes) -> str:
    text = token.decode("utf-8", "replace")
    return text if len(text) <= 40 else text[:37] + "..."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# testlib's blanks (isBlanks): space, tab, CR, LF. Not \v or \f, which bytes.split() would also split
# on: a token here is what testlib's readWord reads, so `tokens` is exactly Codeforces' wcmp.
_TESTLIB_BLANKS = re.compile(rb"[ \t\r\n]+")


def testlib_tokens(data: bytes) -> list[bytes]:
    return [token for token in _TESTLIB_BLANKS.split(data) if token]


def _compare_tokens(
    output: bytes, answer: bytes, same: Callable[[bytes, bytes], bool], what: str = "words"
) -> CheckOutcome:
    out, ans = testlib_tokens(output), testlib_tokens(answer)
    for i, (o, a) in enumerate(zip(out, ans, strict=False), start=1):
        if not same(o, a):
            return CheckOutcome(
                Verdict.WRONG_ANSWER,
                f"{_ordinal(i)} {what} differ - expected: '{_show(a)}', found: '{_show(o)}'",
            )
    if len(out) < len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"answer contains more tokens: expected {len(ans)}, found {len(out)}"
        )
    if len(out) > len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"output contains extra tokens: expected {len(ans)}, found {len(out)}"
        )
    return CheckOutcome(Verdict.OK, f"ok {len(ans)} tokens")


def check_tokens(output: bytes, answer: bytes) -> CheckOutcome:
    """Equal as whitespace-separated tokens (the default)."""
    return _compare_tokens(output, answer, bytes.__eq__)


def check_exact(output: bytes, answer: bytes) -> CheckOutcome:
    """Byte for byte; equal tokens laid out differently are a presentation error."""
    if output == answer:
        return CheckOutcome(Verdict.OK, f"ok {len(answer)} bytes")
    tokens = check_tokens(output, answer)
    if tokens.verdict is Verdict.OK:
        return CheckOutcome(Verdict.PRESENTATION_ERROR, "same tokens, different whitespace")
    return tokens


def _lines(data: bytes) -> list[bytes]:
    lines = [line.rstrip() for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def check_lines(output: bytes, answer: bytes) -> CheckOutcome:
    """Line by line, ignoring trailing whitespace and trailing empty lines; same tokens otherwise: PE."""
    out, ans = _lines(output), _lines(answer)
    if out == ans:
        return CheckOutcome(Verdict.OK, f"ok {len(ans)} lines")
    tokens = check_tokens(output, answer)
    if tokens.verdict is Verdict.OK:
        line = next((i for i, (o, a) in enumerate(zip(out, ans, strict=False), 1) if o != a), len(ans) + 1)
        return CheckOutcome(Verdict.PRESENTATION_ERROR, f"same tokens, lines differ from line {line}")
    return tokens


_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _as_float(token: bytes) -> float | None:
    if not _NUMBER.fullmatch(token):
        return None
    value = float(token)
    return value if math.isfinite(value) else None


def check_floats(
    output: bytes, answer: bytes, abs_tol: float | None = None, rel_tol: float | None = None
) -> CheckOutcome:
    """Tokens; where the answer's token is a number, the output's must be a number within absolute OR
    relative tolerance of it (either suffices, as in Kattis). No tolerance given: 1e-6 for both."""
    if abs_tol is None and rel_tol is None:
        abs_tol = rel_tol = DEFAULT_FLOAT_TOL

    def same(o: bytes, a: bytes) -> bool:
        expected = _as_float(a)
        if expected is None:
            return o == a
        found = _as_float(o)
        if found is None:
            return False
        diff = abs(found - expected)
        return (abs_tol is not None and diff <= abs_tol * (1 + 1e-12)) or (
            rel_tol is not None and diff <= rel_tol * abs(expected) * (1 + 1e-12)
        )

    outcome = _compare_tokens(output, answer, same, what="numbers")
    if outcome.verdict is Verdict.OK:
        return CheckOutcome(Verdict.OK, f"ok {len(answer.split())} numbers (abs {abs_tol}, rel {rel_tol})")
    return outcome


def check_yesno(output: bytes, answer: bytes) -> CheckOutcome:
    """Tokens compared case-insensitively (YES, yes and Yes are the same answer)."""
    return _compare_tokens(output, answer, lambda o, a: o.lower() == a.lower())


def builtin_check(
    spec: CheckerSpec, output: bytes, answer: bytes, test_args: tuple[str, ...] = ()
) -> CheckOutcome:
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
        return builtin_check(self.spec, output.read_bytes(), test.answer.read_bytes(), test.checker_args)
