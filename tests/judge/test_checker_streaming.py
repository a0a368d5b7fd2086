"""The streaming built-in checkers give what the whole-buffer ones gave, and read files in bounded memory.

The reference below is the whole-buffer implementation the streaming one replaced (split everything,
compare lists). Chunk size and the long-item threshold are patched down to a few bytes so that random
outputs cross chunk boundaries and long tokens/lines mid-way."""

from __future__ import annotations

import math
import re
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from judge.checkers import stream
from judge.checkers.builtin import check_exact, check_floats, check_lines, check_tokens, check_yesno
from judge.checkers.outcome import CheckOutcome
from judge.checkers.stream import blank_tokens
from judge.verdict import Verdict

# -- the whole-buffer reference --------------------------------------------------------------------


def _show(token: bytes) -> str:
    text = token.decode("utf-8", "replace")
    return text if len(text) <= 40 else text[:37] + "..."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ref_compare(
    output: bytes, answer: bytes, same: Callable[[bytes, bytes], bool], what: str
) -> CheckOutcome:
    out, ans = blank_tokens(output), blank_tokens(answer)
    for i, (o, a) in enumerate(zip(out, ans, strict=False), start=1):
        if not same(o, a):
            found = f"expected: '{_show(a)}', found: '{_show(o)}'"
            return CheckOutcome(Verdict.WRONG_ANSWER, f"{_ordinal(i)} {what} differ - {found}")
    if len(out) < len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"answer contains more tokens: expected {len(ans)}, found {len(out)}"
        )
    if len(out) > len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"output contains extra tokens: expected {len(ans)}, found {len(out)}"
        )
    return CheckOutcome(Verdict.OK, f"ok {len(ans)} tokens")


def ref_tokens(output: bytes, answer: bytes) -> CheckOutcome:
    return ref_compare(output, answer, bytes.__eq__, "words")


def ref_exact(output: bytes, answer: bytes) -> CheckOutcome:
    if output == answer:
        return CheckOutcome(Verdict.OK, f"ok {len(answer)} bytes")
    tokens = ref_tokens(output, answer)
    if tokens.verdict is Verdict.OK:
        return CheckOutcome(Verdict.PRESENTATION_ERROR, "same tokens, different whitespace")
    return tokens


def _lines(data: bytes) -> list[bytes]:
    lines = [line.rstrip() for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def ref_lines(output: bytes, answer: bytes) -> CheckOutcome:
    out, ans = _lines(output), _lines(answer)
    if out == ans:
        return CheckOutcome(Verdict.OK, f"ok {len(ans)} lines")
    tokens = ref_tokens(output, answer)
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


def ref_floats(output: bytes, answer: bytes) -> CheckOutcome:
    tol = 1e-6

    def same(o: bytes, a: bytes) -> bool:
        expected = _as_float(a)
        if expected is None:
            return o == a
        found = _as_float(o)
        if found is None:
            return False
        diff = abs(found - expected)
        return diff <= tol * (1 + 1e-12) or diff <= tol * abs(expected) * (1 + 1e-12)

    outcome = ref_compare(output, answer, same, "numbers")
    if outcome.verdict is Verdict.OK:
        return CheckOutcome(Verdict.OK, f"ok {len(blank_tokens(answer))} numbers (abs {tol}, rel {tol})")
    return outcome


def ref_yesno(output: bytes, answer: bytes) -> CheckOutcome:
    return ref_compare(output, answer, lambda o, a: o.lower() == a.lower(), "words")


# -- equivalence -----------------------------------------------------------------------------------

# Few symbols, so random outputs often agree, nearly agree, or differ only in layout.
text = st.lists(
    st.sampled_from(
        [b"a", b"A", b"b", b"1", b"1.0", b" ", b"  ", b"\n", b"\t", b"\r\n", b"\x0b", b"\xc3\xa9"]
    ),
    max_size=30,
).map(b"".join)
CHECKS = [
    (check_tokens, ref_tokens),
    (check_exact, ref_exact),
    (check_lines, ref_lines),
    (check_yesno, ref_yesno),
    (check_floats, ref_floats),
]


@contextmanager
def small(chunk: int, cap: int | None = None) -> Iterator[None]:
    # CAP is kept at least CHUNK, as in the module: a token lying whole inside one chunk is then never
    # longer than CAP, so "long" means the same in every stream whatever the chunk boundaries.
    cap = max(cap or stream.CAP, chunk)
    with mock.patch.object(stream, "CHUNK", chunk), mock.patch.object(stream, "CAP", cap):
        yield


def _pair(tmp: Path, output: bytes, answer: bytes) -> tuple[Path, Path]:
    out, ans = tmp / "out", tmp / "ans"
    out.write_bytes(output)
    ans.write_bytes(answer)
    return out, ans


@settings(max_examples=300, deadline=None)
@given(text, text, st.integers(1, 7))
def test_streaming_equals_whole_buffer(output: bytes, answer: bytes, chunk: int) -> None:
    with small(chunk):
        for new, ref in CHECKS:
            assert new(output, answer) == ref(output, answer), (new.__name__, output, answer)


@settings(max_examples=300, deadline=None)
@given(text, text, st.integers(1, 7), st.integers(1, 6))
def test_long_tokens_and_lines_keep_the_verdict(output: bytes, answer: bytes, chunk: int, cap: int) -> None:
    """Past CAP tokens and lines are compared by digest: verdicts are unchanged (messages may shorten
    a long token; numbers are short here, as a long token is never a number)."""
    with small(chunk, cap):
        for new, ref in CHECKS[:4]:
            assert new(output, answer).verdict is ref(output, answer).verdict, (new.__name__, output, answer)


def test_files_and_bytes_agree(tmp_path: Path) -> None:
    output, answer = b"1 2\n 3  \n\n", b"1 2\n3\n"
    out, ans = _pair(tmp_path, output, answer)
    for new, _ in CHECKS:
        assert new(out, ans) == new(output, answer)


def test_long_token_differing_at_the_end_is_wrong(tmp_path: Path) -> None:
    size = 3 * stream.CAP
    out, ans = _pair(tmp_path, b"x" * size + b"y", b"x" * size + b"z")
    outcome = check_tokens(out, ans)
    assert outcome.verdict is Verdict.WRONG_ANSWER and "xxx..." in outcome.message
    assert check_tokens(ans, ans).verdict is Verdict.OK
    assert check_yesno(b"Y" * size, b"y" * size).verdict is Verdict.OK
    long_line = b"a" * size + b" " * size + b"b"
    assert check_lines(long_line + b"\n", long_line + b"  ").verdict is Verdict.OK
    assert check_lines(b"a" + b" " * size + b"\n", b"a\n\n").verdict is Verdict.OK
    assert check_lines(b"a" + b" " * size + b"b", b"a b").verdict is Verdict.PRESENTATION_ERROR


_MEASURE = """
import resource, sys
from pathlib import Path
from judge.checkers.builtin import check_lines, check_tokens
out, ans = Path(sys.argv[1]), Path(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
verdicts = [check_tokens(out, ans).verdict, check_lines(out, ans).verdict]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, *verdicts)
"""


def test_checking_32_mib_of_tokens_stays_small(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open(out, "wb") as f:
        for _ in range(32 * 16):
            f.write(b"12 " * (65536 // 3) + b"\n")
    grown, *verdicts = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), str(out)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert verdicts == ["OK", "OK"]
    assert int(grown) < 20 * 1024, f"the checker grew by {int(grown) // 1024} MiB on 32 MiB of output"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
