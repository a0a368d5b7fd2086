"""Extra inputs for the selections that compare candidates by behaviour (`cluster`, `majority`).

Never the hidden tests. The bundled problems ship generators (`problems/*/generators/make_tests.py`),
but they write the judge's own test set from a fixed seed: running them would hand the selection the
hidden tests. So the extra inputs are mutations of the public examples: a line holding one integer is
kept (it is usually a size or a count the rest of the input depends on), every integer of a line
holding several is redrawn within the range seen on that line (or [0, 2 x max]), and a word is
shuffled. The count of tokens per line is kept, so most mutations stay well-formed; the ones that do
not only make candidates disagree, which weakens a cluster but never reveals an answer. AlphaCode used
a learned input generator instead (Li et al. 2022, section 4.6); `--extra-inputs-from agent` asks the
agent itself for inputs instead (selection.py), kept when the problem's input validator accepts them
(input_validation.py).
"""

from __future__ import annotations

import hashlib
import random

from contests.problem import Problem


def example_inputs(problem: Problem) -> list[str]:
    out = []
    for test in problem.tests.sample:
        if test.input_text is not None:
            out.append(test.input_text)
        elif test.input is not None and test.input.is_file():
            out.append(test.input.read_text(encoding="utf-8", errors="replace"))
    return out


def _mutate_line(line: str, rng: random.Random) -> str:
    tokens = line.split()
    ints = [int(t) for t in tokens if _is_int(t)]
    if len(tokens) <= 1 and ints:
        return line
    lo, hi = (min(ints), max(ints)) if ints else (0, 0)
    if lo == hi:
        lo, hi = min(0, lo), max(2 * hi, 1)
    out = []
    for t in tokens:
        if _is_int(t):
            out.append(str(rng.randint(lo, hi)))
        elif t.isalpha() and len(t) > 1:
            chars = list(t)
            rng.shuffle(chars)
            out.append("".join(chars))
        else:
            out.append(t)
    return " ".join(out)


def _is_int(token: str) -> bool:
    return token.lstrip("-").isdigit()


def extra_inputs(problem: Problem, count: int, seed: int) -> list[str]:
    """`count` inputs mutated from the problem's examples (none when it has no examples)."""
    examples = example_inputs(problem)
    if not examples:
        return []
    out = []
    for i in range(count):
        digest = hashlib.sha256(f"{seed}|{problem.id}|{i}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        base = examples[i % len(examples)]
        out.append("\n".join(_mutate_line(line, rng) for line in base.splitlines()) + "\n")
    return out
