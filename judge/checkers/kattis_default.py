"""The Kattis default output validator, exactly as problemtools' default_validator.cc decides.

Arguments (problem.yaml ``validator_flags``, then the test group's ``output_validator_args``):
``case_sensitive``, ``space_change_sensitive``, ``float_tolerance E``, ``float_absolute_tolerance E``,
``float_relative_tolerance E``. Semantics kept to the letter:

- tokens are separated by runs of the six C ``isspace`` bytes; without ``space_change_sensitive``
  whitespace only separates, with it every whitespace run (leading and trailing too) must be identical;
- with a tolerance, an answer token that parses *entirely* as a finite C double (``sscanf("%lf%s")``:
  decimal or hexadecimal, not nan/inf, not out of range) is a number: the output token must parse the
  same way and be within ``|s - a| <= abs`` or ``|s - a| <= rel * |a|`` (no slack: a negative or unset
  tolerance never matches). Every other token (``nan``, ``inf``, words) compares as a string;
- strings compare case-insensitively over ASCII (``strcasecmp``) unless ``case_sensitive``.
A verdict is OK or WRONG_ANSWER: the default validator has no presentation error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, zip_longest

from judge.checkers.outcome import CheckOutcome
from judge.checkers.stream import Data, Item, quoted, runs, same_bytes, same_folded, tokens
from judge.errors import CheckerSetupError
from judge.verdict import Verdict

C_SPACE = b" \t\n\v\f\r"  # C isspace() in the "C" locale
_DECIMAL = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_HEX = re.compile(rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?")


@dataclass(frozen=True)
class DefaultValidatorArgs:
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    abs_tol: float = -1.0  # problemtools' "unset": no difference is <= a negative tolerance
    rel_tol: float = -1.0

    @property
    def use_floats(self) -> bool:
        return self.abs_tol >= 0 or self.rel_tol >= 0


def parse_args(args: Sequence[str]) -> DefaultValidatorArgs:
    """problemtools' argument loop; an unknown argument or a missing/bad tolerance is a judge error."""
    case = space = False
    abs_tol = rel_tol = -1.0
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "case_sensitive":
            case = True
        elif arg == "space_change_sensitive":
            space = True
        elif arg in ("float_absolute_tolerance", "float_relative_tolerance", "float_tolerance"):
            value = c_double(args[i + 1].encode()) if i + 1 < len(args) else None
            if value is None:
                raise CheckerSetupError(f"default output validator: {arg} needs a finite number")
            if arg != "float_relative_tolerance":
                abs_tol = value
            if arg != "float_absolute_tolerance":
                rel_tol = value
            i += 1
        else:
            raise CheckerSetupError(f"default output validator: unknown argument {arg!r}")
        i += 1
    return DefaultValidatorArgs(case, space, abs_tol, rel_tol)


def c_double(token: bytes) -> float | None:
    """The value when the whole token is one finite C double (strtod grammar), else None."""
    try:
        if _DECIMAL.fullmatch(token):
            value = float(token)
        elif _HEX.fullmatch(token):
            value = float.fromhex(token.decode())
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _number(token: Item) -> float | None:
    # A token longer than stream.CAP (1 MiB) is kept as a digest: never a number (strtod would read one
    # only as a megabyte of digits, which no answer file holds).
    return c_double(token) if isinstance(token, bytes) else None


def _tokens_equal(judge: Item, team: Item, args: DefaultValidatorArgs) -> str | None:
    """None when equal, else why not."""
    if args.use_floats:
        expected = _number(judge)
        if expected is not None:
            found = _number(team)
            if found is None:
                return f"expected a float, got '{quoted(team)}'"
            diff = abs(expected - found)
            if not (diff <= args.abs_tol) and not (diff <= args.rel_tol * abs(expected)):
                return (
                    f"too large difference: judge '{quoted(judge)}', team '{quoted(team)}', "
                    f"difference {diff:.6g} (abs tol {args.abs_tol:g}, rel tol {args.rel_tol:g})"
                )
            return None
    same = same_bytes(judge, team) if args.case_sensitive else same_folded(judge, team)
    return None if same else f"string tokens differ: judge '{quoted(judge)}', team '{quoted(team)}'"


def _split_form(data: Data) -> Iterator[Item]:
    """What ``re.split(b"([ws]+)", data)`` gives, streamed: token, whitespace, token, ..., token, where
    the first and the last token may be empty."""
    want_token = True
    for is_blank, run in runs(data, C_SPACE):
        if want_token and is_blank:
            yield b""
        yield run
        want_token = is_blank
    if want_token:
        yield b""


BATCH = 4096  # items compared as one list: identical stretches cost C speed, not a Python loop each


class _Differences:
    """The positions where two item streams differ, in order, as (index, team, judge) with None past
    either's end; identical stretches are skipped a batch at a time. ``compared`` counts the positions
    read so far."""

    def __init__(self, team: Iterator[Item], judge: Iterator[Item]) -> None:
        self.team, self.judge = team, judge
        self.compared = 0

    def __iter__(self) -> Iterator[tuple[int, Item | None, Item | None]]:
        while True:
            team, judge = list(islice(self.team, BATCH)), list(islice(self.judge, BATCH))
            if not team and not judge:
                return
            base = self.compared
            self.compared += max(len(team), len(judge))
            if team != judge:
                for k, (a, b) in enumerate(zip_longest(team, judge)):
                    if a != b:
                        yield base + k, a, b


def check_kattis_default(output: Data, answer: Data, args: DefaultValidatorArgs) -> CheckOutcome:
    """Both read as they go (bytes or files): the judge's memory stays bounded whatever a program prints.
    Identical items are equal under every argument (a number equals itself within any tolerance), so
    only differing ones are looked at."""
    if args.space_change_sensitive:
        parts = _Differences(_split_form(output), _split_form(answer))
        for i, team, judge in parts:
            if team is None or judge is None:
                return CheckOutcome(Verdict.WRONG_ANSWER, "space change error: different number of tokens")
            if i % 2 == 1:
                return CheckOutcome(Verdict.WRONG_ANSWER, f"space change error before token {i // 2 + 2}")
            if bool(team) != bool(judge):
                return CheckOutcome(Verdict.WRONG_ANSWER, f"space change error near token {i // 2 + 1}")
            if (why := _tokens_equal(judge, team, args)) is not None:
                return CheckOutcome(Verdict.WRONG_ANSWER, f"token {i // 2 + 1}: {why}")
        return CheckOutcome(Verdict.OK, f"ok {parts.compared // 2} tokens, same whitespace")
    judge_tokens = tokens(answer, C_SPACE)
    found = _Differences(tokens(output, C_SPACE), judge_tokens)
    for i, team, judge in found:
        if team is None:
            total = found.compared + sum(1 for _ in judge_tokens)  # this batch, then the rest
            return CheckOutcome(Verdict.WRONG_ANSWER, f"team output ended after {i} of {total} tokens")
        if judge is None:
            return CheckOutcome(Verdict.WRONG_ANSWER, f"trailing output: '{quoted(team)}'")
        if (why := _tokens_equal(judge, team, args)) is not None:
            return CheckOutcome(Verdict.WRONG_ANSWER, f"token {i + 1}: {why}")
    return CheckOutcome(Verdict.OK, f"ok {found.compared} tokens")
