"""The custom checker of "Two Keys" and the interactor of "Mountain Peak", exercised directly.

The checker must accept every correct pair (in either order) and reject every wrong output; the
interactor must enforce the query limit, reject malformed dialogue, and never hang on a misbehaving
solution.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OK, WA, PE, FAIL = 0, 1, 2, 3


def _compile(gxx: str, source: Path, target: Path) -> Path:
    subprocess.run([gxx, "-std=c++17", "-O2", "-o", str(target), str(source)], check=True, timeout=120)
    return target


@pytest.fixture(scope="module")
def checker(gxx: str, bundled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("checker") / "checker"
    return _compile(gxx, bundled / "cpelo-round-1/problems/B/checker.cpp", target)


@pytest.fixture(scope="module")
def interactor(gxx: str, bundled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("interactor") / "interactor"
    return _compile(gxx, bundled / "cpelo-round-1/problems/D/interactor.cpp", target)


def _check(checker: Path, tmp_path: Path, test_input: str, output: str, answer: str) -> int:
    files = []
    for name, text in (("in", test_input), ("out", output), ("ans", answer)):
        path = tmp_path / f"case.{name}"
        path.write_text(text)
        files.append(str(path))
    return subprocess.run([str(checker), *files], capture_output=True, timeout=10).returncode


def test_checker_accepts_every_valid_pair_and_rejects_the_rest(checker: Path, tmp_path: Path) -> None:
    a = [4, 3, 5, 7, 6]
    test_input, answer = "5 10\n4 3 5 7 6\n", "2 4\n"
    for i in range(1, 6):
        for j in range(1, 6):
            valid = i != j and a[i - 1] + a[j - 1] == 10
            assert _check(checker, tmp_path, test_input, f"{i} {j}\n", answer) == (OK if valid else WA), (
                i,
                j,
            )
    assert _check(checker, tmp_path, test_input, "-1\n", answer) == WA
    assert _check(checker, tmp_path, test_input, "0 4\n", answer) == WA
    assert _check(checker, tmp_path, test_input, "2 6\n", answer) == WA


def test_checker_accepts_alternatives_on_every_small_committed_test(
    checker: Path, bundled: Path, tmp_path: Path
) -> None:
    checked = 0
    for test_in in sorted((bundled / "cpelo-round-1/problems/B/tests").rglob("*.in")):
        tokens = test_in.read_text().split()
        n, s = int(tokens[0]), int(tokens[1])
        if n > 60:
            continue
        a = [int(x) for x in tokens[2:]]
        answer = test_in.with_suffix(".ans").read_text()
        pairs = [(i, j) for i in range(n) for j in range(n) if i != j and a[i] + a[j] == s]
        assert (answer.split() == ["-1"]) == (not pairs), test_in
        for i, j in pairs[:40]:
            assert _check(checker, tmp_path, test_in.read_text(), f"{i + 1} {j + 1}\n", answer) == OK
        if not pairs:
            assert _check(checker, tmp_path, test_in.read_text(), "-1\n", answer) == OK
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("output", "verdict"),
    [("", PE), ("2", PE), ("2 4 1", PE), ("-1 5", PE), ("two four", PE), ("2 2", WA), ("4 4", WA)],
)
def test_checker_rejects_malformed_output(checker: Path, tmp_path: Path, output: str, verdict: int) -> None:
    assert _check(checker, tmp_path, "5 10\n4 3 5 7 6\n", output, "2 4\n") == verdict


def test_checker_blames_the_jury_when_the_participant_beats_it(checker: Path, tmp_path: Path) -> None:
    assert _check(checker, tmp_path, "3 6\n3 1 3\n", "1 3\n", "-1\n") == FAIL


def _interact(interactor: Path, tmp_path: Path, heights: list[int], solution: str) -> tuple[int, str]:
    """Runs the interactor against a Python solution over two pipes; both must finish within 20 s."""
    test_in, test_ans, result = tmp_path / "t.in", tmp_path / "t.ans", tmp_path / "t.out"
    test_in.write_text(f"{len(heights)}\n{' '.join(map(str, heights))}\n")
    test_ans.write_text(f"{heights.index(max(heights)) + 1}\n")
    to_inter_r, to_inter_w = os.pipe()
    to_sol_r, to_sol_w = os.pipe()
    inter = subprocess.Popen(
        [str(interactor), str(test_in), str(result), str(test_ans)],
        stdin=to_inter_r,
        stdout=to_sol_w,
        stderr=subprocess.DEVNULL,
    )
    sol = subprocess.Popen(
        [sys.executable, "-c", solution], stdin=to_sol_r, stdout=to_inter_w, stderr=subprocess.DEVNULL
    )
    for fd in (to_inter_r, to_inter_w, to_sol_r, to_sol_w):
        os.close(fd)
    try:
        code = inter.wait(timeout=20)
        sol.wait(timeout=20)
    finally:
        inter.kill()
        sol.kill()
    return code, result.read_text() if result.exists() else ""


MOUNTAIN = [1, 5, 9, 4, 2]
ASK = "import sys\ndef ask(i):\n    print('?', i, flush=True)\n    return sys.stdin.readline()\n"


def test_interactor_accepts_the_reference(interactor: Path, bundled: Path, tmp_path: Path) -> None:
    ref = (bundled / "cpelo-round-1/problems/D/solutions/accepted/ref.py").read_text()
    heights = list(range(1, 70_001)) + list(range(69_999, 39_999, -1))
    code, result = _interact(interactor, tmp_path, heights, ref)
    assert code == OK, result
    assert "summit 70000" in result
    assert int(result.split("with ")[1].split()[0]) <= 30


@pytest.mark.parametrize(
    ("solution", "verdict"),
    [
        (ASK + "n = int(input())\nfor _ in range(31):\n    ask(1)\nprint('! 3', flush=True)\n", WA),
        (ASK + "n = int(input())\nfor _ in range(30):\n    ask(2)\nprint('! 3', flush=True)\n", OK),
        ("import sys\nsys.stdout.write('? 1\\n' * 100000)\n", WA),  # never reads the replies
        ("pass\n", WA),
        ("print('hello', flush=True)\n", PE),
        ("print('? x', flush=True)\n", PE),
        (ASK + "n = int(input())\nask(0)\n", WA),
        (ASK + "n = int(input())\nask(6)\n", WA),
        ("n = input()\nprint('! 2', flush=True)\n", WA),
        ("n = input()\nprint('!', flush=True)\n", WA),
    ],
)
def test_interactor_verdicts_on_misbehaving_solutions(
    interactor: Path, tmp_path: Path, solution: str, verdict: int
) -> None:
    code, _ = _interact(interactor, tmp_path, MOUNTAIN, solution)
    assert code == verdict
