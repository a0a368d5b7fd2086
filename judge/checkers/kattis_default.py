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
from collections.abc import Sequence
from dataclasses import dataclass

from judge.checkers.outcome import CheckOutcome
from judge.errors import CheckerSetupError
from judge.verdict import Verdict

_WHITESPACE = re.compile(rb"([ \t\n\v\f\r]+)")
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


def _show(token: bytes) -> str:
    text = token.decode("utf-8", "replace")
    return text if len(text) <= 40 else text[:37] + "..."


def _tokens_equal(judge: bytes, team: bytes, args: DefaultValidatorArgs) -> str | None:
    """None when equal, else why not."""
    if args.use_floats:
        expected = c_double(judge)
        if expected is not None:
            found = c_double(team)
            if found is None:
                return f"expected a float, got '{_show(team)}'"
            diff = abs(expected - found)
            if not (diff <= args.abs_tol) and not (diff <= args.rel_tol * abs(expected)):
                return (
                    f"too large difference: judge '{_show(judge)}', team '{_show(team)}', "
                    f"difference {diff:.6g} (abs tol {args.abs_tol:g}, rel tol {args.rel_tol:g})"
                )
            return None
    same = judge == team if args.case_sensitive else judge.lower() == team.lower()
    return None if same else f"string tokens differ: judge '{_show(judge)}', team '{_show(team)}'"


def check_kattis_default(output: bytes, answer: bytes, args: DefaultValidatorArgs) -> CheckOutcome:
    if args.space_change_sensitive:
        # Alternating [token, whitespace, token, ..., token]; the first/last token may be empty.
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
