"""Built-in checkers as pure functions: properties with hypothesis, and the edge cases by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from judge.checkers.builtin import (
    builtin_check,
    check_exact,
    check_floats,
    check_lines,
    check_tokens,
    check_yesno,
)
from judge.checkers.external import read_kattis_exit, read_testlib_exit
from judge.task import CheckerKind, CheckerSpec
from judge.verdict import Verdict
from sandbox import RunResult, Status

tokens = st.lists(st.text(alphabet="abcXYZ0123456789-.", min_size=1, max_size=6), max_size=12)
spaces = st.sampled_from([" ", "\n", "\t", "  ", "\r\n", " \n "])


@given(tokens, st.data())
def test_tokens_ignore_whitespace_layout(words: list[str], data: st.DataObject) -> None:
    answer = " ".join(words).encode()
    output = "".join(w + data.draw(spaces) for w in words).encode()
    assert check_tokens(output, answer).verdict is Verdict.OK


@given(tokens, st.text(alphabet="qrs", min_size=1, max_size=3))
def test_tokens_reject_any_changed_or_extra_token(words: list[str], extra: str) -> None:
    answer = " ".join(words).encode()
    assert check_tokens((" ".join([*words, extra])).encode(), answer).verdict is Verdict.WRONG_ANSWER
    if words:
        changed = [*words[:-1], words[-1] + extra]
        assert check_tokens(" ".join(changed).encode(), answer).verdict is Verdict.WRONG_ANSWER
        assert check_tokens(" ".join(words[:-1]).encode(), answer).verdict is Verdict.WRONG_ANSWER


def test_tokens_message_names_the_token() -> None:
    outcome = check_tokens(b"1 2 4\n", b"1 2 3\n")
    assert outcome.message == "3rd words differ - expected: '3', found: '4'"


def test_exact_and_lines_presentation_error() -> None:
    assert check_exact(b"3\n", b"3\n").verdict is Verdict.OK
    assert check_exact(b"3", b"3\n").verdict is Verdict.PRESENTATION_ERROR
    assert check_exact(b"4\n", b"3\n").verdict is Verdict.WRONG_ANSWER
    assert check_lines(b"1 2  \n3\n\n\n", b"1 2\n3\n").verdict is Verdict.OK
    assert check_lines(b"1\n2 3\n", b"1 2\n3\n").verdict is Verdict.PRESENTATION_ERROR
    assert check_lines(b"\n3\n", b"3\n").verdict is Verdict.PRESENTATION_ERROR
    assert check_lines(b"1 2\n4\n", b"1 2\n3\n").verdict is Verdict.WRONG_ANSWER


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=-0.9, max_value=0.9),
)
def test_floats_within_absolute_tolerance(value: float, fraction: float) -> None:
    answer = repr(value).encode()
    near = repr(value + fraction * 1e-6).encode()
    assert check_floats(near, answer, abs_tol=1e-6).verdict is Verdict.OK


def test_floats_either_tolerance_suffices_and_formats_vary() -> None:
    assert check_floats(b"1000.5", b"1000", abs_tol=1e-3, rel_tol=1e-3).verdict is Verdict.OK
    assert check_floats(b"1000.5", b"1000", abs_tol=1e-3).verdict is Verdict.WRONG_ANSWER
    assert check_floats(b"3.14000000e-2", b"0.0314", abs_tol=1e-9).verdict is Verdict.OK
    assert check_floats(b"nan", b"1.0").verdict is Verdict.WRONG_ANSWER
    assert check_floats(b"1_000", b"1000").verdict is Verdict.WRONG_ANSWER
    assert check_floats(b"abc 1.0000001", b"abc 1").verdict is Verdict.OK  # default 1e-6
    assert check_floats(b"abd 1", b"abc 1").verdict is Verdict.WRONG_ANSWER


@given(st.lists(st.sampled_from(["yes", "no"]), min_size=1, max_size=8), st.randoms())
def test_yesno_is_case_insensitive(answers: list[str], rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    answer = "\n".join(a.upper() for a in answers).encode()
    mixed = "\n".join("".join(c.upper() if rnd.random() < 0.5 else c for c in a) for a in answers).encode()
    assert check_yesno(mixed, answer).verdict is Verdict.OK
    flipped = "\n".join("no" if a == "yes" else "yes" for a in answers).encode()
    assert check_yesno(flipped, answer).verdict is Verdict.WRONG_ANSWER


def test_builtin_dispatch() -> None:
    spec = CheckerSpec(kind=CheckerKind.FLOATS, abs_tol=0.1)
    assert builtin_check(spec, b"1.05", b"1").verdict is Verdict.OK
    assert builtin_check(CheckerSpec(), b"1.05", b"1").verdict is Verdict.WRONG_ANSWER


def _exit(code: int | None, status: Status = Status.NONZERO_EXIT, sig: int | None = None) -> RunResult:
    return RunResult(status=status, exit_code=code, signal=sig)


def test_testlib_exit_codes() -> None:
    assert read_testlib_exit(_exit(0, Status.OK), "ok fine").verdict is Verdict.OK
    assert read_testlib_exit(_exit(1), "wrong").verdict is Verdict.WRONG_ANSWER
    assert read_testlib_exit(_exit(2), "pe").verdict is Verdict.PRESENTATION_ERROR
    fail = read_testlib_exit(_exit(3), "answer file is broken")
    assert fail.verdict is Verdict.JUDGE_ERROR and "answer file is broken" in fail.message
    assert read_testlib_exit(_exit(7), "points 5").verdict is Verdict.OK
    assert read_testlib_exit(_exit(None, Status.SIGNALED, 11), "").verdict is Verdict.JUDGE_ERROR
    assert read_testlib_exit(_exit(None, Status.TIME_LIMIT), "").verdict is Verdict.JUDGE_ERROR


def test_kattis_exit_codes() -> None:
    assert read_kattis_exit(_exit(42), "").verdict is Verdict.OK
    wa = read_kattis_exit(_exit(43), "expected 5")
    assert wa.verdict is Verdict.WRONG_ANSWER and wa.message == "expected 5"
    assert read_kattis_exit(_exit(0, Status.OK), "").verdict is Verdict.JUDGE_ERROR
    assert read_kattis_exit(_exit(1), "assertion failed").verdict is Verdict.JUDGE_ERROR
