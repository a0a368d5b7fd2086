"""problemtools' default output validator, exactly: the cases where a looser reading would differ."""

from __future__ import annotations

import pytest

from judge.checkers.builtin import builtin_check
from judge.checkers.kattis_default import c_double, check_kattis_default, parse_args
from judge.errors import CheckerSetupError
from judge.task import CheckerKind, CheckerSpec
from judge.verdict import Verdict

OK, WA = Verdict.OK, Verdict.WRONG_ANSWER


@pytest.mark.parametrize(
    ("output", "answer", "args", "verdict"),
    [
        (b"YES\n", b"yes\n", [], OK),  # case-insensitive by default
        (b"YES\n", b"yes\n", ["case_sensitive"], WA),
        # nan and inf are not floats to the default validator (isfloat refuses them): compared as words
        (b"NaN\n", b"nan\n", ["float_tolerance", "1e-6"], OK),
        (b"NaN\n", b"nan\n", ["float_tolerance", "1e-6", "case_sensitive"], WA),
        (b"inf\n", b"INF\n", ["float_tolerance", "1e-6"], OK),
        (b"1e999\n", b"1E999\n", ["float_tolerance", "1e-6"], OK),  # out of range: a word, case-folded
        (b"1.0000001\n", b"1\n", ["float_tolerance", "1e-6"], OK),
        (b"1.000002\n", b"1\n", ["float_absolute_tolerance", "1e-6"], WA),
        (b"1000.0009\n", b"1000\n", ["float_relative_tolerance", "1e-6"], OK),
        (b"0x1p1\n", b"2\n", ["float_tolerance", "0"], OK),  # strtod reads hex floats
        (b"2.\n", b"2\n", ["float_tolerance", "0"], OK),
        (b"2.0\n", b"2\n", [], WA),  # without a tolerance numbers are words
        (b"abc\n", b"1.5\n", ["float_tolerance", "1"], WA),  # the answer is a float: the output must be
        (b"1.5x\n", b"1.5\n", ["float_tolerance", "1"], WA),
        (b"1  2\n", b"1 2\n", [], OK),
        (b"1  2\n", b"1 2\n", ["space_change_sensitive"], WA),
        (b"1 2", b"1 2\n", ["space_change_sensitive"], WA),  # trailing whitespace counts too
        (b"1\t2\n", b"1\t2\n", ["space_change_sensitive"], OK),
        (b"1\v2\n", b"1 2\n", [], OK),  # all six C isspace bytes separate
        (b"1 2 3\n", b"1 2\n", [], WA),
        (b"1\n", b"1 2\n", [], WA),
        (b"", b"", [], OK),
    ],
)
def test_default_validator(output: bytes, answer: bytes, args: list[str], verdict: Verdict) -> None:
    assert check_kattis_default(output, answer, parse_args(args)).verdict is verdict


def test_arguments_and_judge_errors() -> None:
    assert c_double(b"nan") is None and c_double(b"1e5") == 1e5 and c_double(b"1_0") is None
    with pytest.raises(CheckerSetupError, match="unknown argument"):
        parse_args(["frobnicate"])
    with pytest.raises(CheckerSetupError, match="needs a finite number"):
        parse_args(["float_tolerance", "nan"])
    # per-test arguments come after the problem's; a bad one is the judge's fault, not the contestant's
    spec = CheckerSpec(kind=CheckerKind.KATTIS_DEFAULT, flags=("case_sensitive",))
    assert builtin_check(spec, b"A\n", b"a\n").verdict is WA
    assert builtin_check(spec, b"1.1\n", b"1\n", ("float_tolerance", "0.2")).verdict is OK
    assert builtin_check(spec, b"1\n", b"1\n", ("bogus",)).verdict is Verdict.JUDGE_ERROR
