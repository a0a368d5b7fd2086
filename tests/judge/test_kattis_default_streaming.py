"""The Kattis default validator reads both files as it goes and decides exactly as the whole-buffer
version (problemtools' default_validator.cc read into memory) did.

The reference below is that whole-buffer implementation. Chunk size and the long-token threshold are
patched down to a few bytes so random outputs cross chunk boundaries and long tokens mid-way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from judge.checkers.kattis_default import (
    DefaultValidatorArgs,
    _tokens_equal,
    check_kattis_default,
    parse_args,
)
from judge.checkers.outcome import CheckOutcome
from judge.verdict import Verdict
from tests.judge.test_checker_streaming import _show, small

_WHITESPACE = re.compile(rb"([ \t\n\v\f\r]+)")


def reference(output: bytes, answer: bytes, args: DefaultValidatorArgs) -> CheckOutcome:
    if args.space_change_sensitive:
        team_parts, judge_parts = _WHITESPACE.split(output), _WHITESPACE.split(answer)
        for i, (team, judge) in enumerate(zip(team_parts, judge_parts, strict=False)):
            if i % 2 == 1 and team != judge:
                return CheckOutcome(Verdict.WRONG_ANSWER, f"space change error before token {i // 2 + 2}")
            if i % 2 == 0 and (bool(team) != bool(judge)):
                return CheckOutcome(Verdict.WRONG_ANSWER, f"space change error near token {i // 2 + 1}")
            if i % 2 == 0 and judge and (why := _tokens_equal(judge, team, args)) is not None:
                return CheckOutcome(Verdict.WRONG_ANSWER, f"token {i // 2 + 1}: {why}")
        if len(team_parts) != len(judge_parts):
            return CheckOutcome(Verdict.WRONG_ANSWER, "space change error: different number of tokens")
        return CheckOutcome(Verdict.OK, f"ok {len(judge_parts) // 2} tokens, same whitespace")
    team_tokens, judge_tokens = output.split(), answer.split()
    for i, (team, judge) in enumerate(zip(team_tokens, judge_tokens, strict=False), start=1):
        if (why := _tokens_equal(judge, team, args)) is not None:
            return CheckOutcome(Verdict.WRONG_ANSWER, f"token {i}: {why}")
    if len(team_tokens) < len(judge_tokens):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"team output ended after {len(team_tokens)} of {len(judge_tokens)} tokens"
        )
    if len(team_tokens) > len(judge_tokens):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"trailing output: '{_show(team_tokens[len(judge_tokens)])}'"
        )
    return CheckOutcome(Verdict.OK, f"ok {len(judge_tokens)} tokens")


piece = st.sampled_from(
    [b"1", b"1.0", b"2", b"-0.5", b"0x1p0", b"nan", b"NaN", b"abc", b"ABC", b"1e999", b"x"]
)
space = st.sampled_from([b" ", b"  ", b"\n", b"\t", b"\v", b"\f", b"\r\n", b" \n"])
text = st.lists(st.tuples(piece, space), max_size=8).map(
    lambda parts: b"".join(p + s for p, s in parts)
) | st.binary(max_size=24)
flags = st.sampled_from(
    [
        [],
        ["case_sensitive"],
        ["space_change_sensitive"],
        ["float_tolerance", "1e-6"],
        ["float_absolute_tolerance", "0.6", "case_sensitive"],
        ["float_relative_tolerance", "1e-3", "space_change_sensitive"],
    ]
)


@settings(max_examples=400, deadline=None)
@given(text, text, flags, st.integers(1, 7))
def test_streaming_decides_as_the_whole_buffer_did(
    output: bytes, answer: bytes, args: list[str], chunk: int
) -> None:
    parsed = parse_args(args)
    with small(chunk):
        assert check_kattis_default(output, answer, parsed) == reference(output, answer, parsed), (
            output,
            answer,
        )


@settings(max_examples=200, deadline=None)
@given(text, text, flags, st.integers(1, 7), st.integers(1, 6))
def test_long_tokens_keep_the_verdict(
    output: bytes, answer: bytes, args: list[str], chunk: int, cap: int
) -> None:
    """Past CAP a token (or whitespace run) is compared by digest and is never a number: only a token
    that long and numeric could change the verdict, and no answer holds a megabyte-long number."""
    parsed = parse_args(args)
    longest = max(
        (
            len(t)
            for t in re.split(rb"[ \t\n\v\f\r]+", output + b" " + answer)
            if re.fullmatch(rb"[-+.0-9a-fA-FxXpP]+", t)
        ),
        default=0,
    )
    if parsed.use_floats and longest > cap:
        return
    with small(chunk, cap):
        got = check_kattis_default(output, answer, parsed).verdict
    assert got is reference(output, answer, parsed).verdict, (output, answer)


def test_files_and_bytes_agree(tmp_path: Path) -> None:
    (tmp_path / "out").write_bytes(b"1  2\n3\n")
    (tmp_path / "ans").write_bytes(b"1 2\n3\n")
    for args in ([], ["space_change_sensitive"], ["float_tolerance", "0.1"]):
        parsed = parse_args(args)
        assert check_kattis_default(tmp_path / "out", tmp_path / "ans", parsed) == check_kattis_default(
            b"1  2\n3\n", b"1 2\n3\n", parsed
        )


_MEASURE = """
import resource, sys
from pathlib import Path
from judge.checkers.kattis_default import check_kattis_default, parse_args
out, ans = Path(sys.argv[1]), Path(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
verdicts = [check_kattis_default(out, ans, parse_args(a)).verdict.value
            for a in ([], ["space_change_sensitive"], ["float_tolerance", "1e-6"])]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, *verdicts)
"""


def test_checking_16_mib_of_tokens_stays_small(tmp_path: Path) -> None:
    """The whole-buffer version held the file and a list of its 8 M tokens: it grew by 144 MiB here."""
    out = tmp_path / "out"
    with open(out, "wb") as f:
        for _ in range(16 * 16):
            f.write(b"1 " * (65536 // 2 - 1) + b"\n\n")
    ans = tmp_path / "ans"
    ans.write_bytes(b"1\n")
    grown, *verdicts = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), str(ans)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert verdicts == ["WRONG_ANSWER"] * 3
    assert int(grown) < 20 * 1024, f"the validator grew by {int(grown) // 1024} MiB on 16 MiB of output"
    grown, *verdicts = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), str(out)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert verdicts == ["OK"] * 3
    assert int(grown) < 20 * 1024, f"the validator grew by {int(grown) // 1024} MiB on 16 MiB of output"
