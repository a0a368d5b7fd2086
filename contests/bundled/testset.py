"""Writes one problem's tests in the native layout; shared by every `generators/make_tests.py`.

A generator builds its cases (deterministically, from a fixed seed) and hands them here grouped as
sample / pretest / system; the answers come from the problem's Python reference solution, so the
committed `.ans` files are exactly what `solutions/accepted/ref.py` prints.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

GROUPS = ("sample", "pretest", "system")


def output_dir(problem_dir: Path) -> Path:
    """The directory to write: `--out DIR` when given (used by the determinism test), else `tests/`."""
    parser = argparse.ArgumentParser(description=f"Write the tests of {problem_dir.name}.")
    parser.add_argument("--out", type=Path, default=problem_dir / "tests", help="tests directory to write")
    return Path(parser.parse_args().out)


def reference_answer(problem_dir: Path, test_input: str) -> str:
    """What the Python reference solution prints for `test_input`."""
    ref = problem_dir / "solutions" / "accepted" / "ref.py"
    done = subprocess.run(
        [sys.executable, str(ref)], input=test_input, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{ref} failed with exit code {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout


def write_tests(
    problem_dir: Path,
    out: Path,
    groups: dict[str, list[str]],
    answers: dict[str, list[str]] | None = None,
) -> int:
    """Replace `out` with NN.in / NN.ans per group; answers default to the reference solution's output."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown test groups {sorted(unknown)}; expected some of {GROUPS}")
    if out.exists():
        shutil.rmtree(out)
    count = 0
    for group in GROUPS:
        cases = groups.get(group, [])
        if not cases:
            continue
        folder = out / group
        folder.mkdir(parents=True)
        for number, test_input in enumerate(cases, start=1):
            answer = answers[group][number - 1] if answers else reference_answer(problem_dir, test_input)
            (folder / f"{number:02d}.in").write_text(test_input)
            (folder / f"{number:02d}.ans").write_text(answer)
            count += 1
    return count
