"""testlib's standard checkers against our mapping of them, on a generated corpus of outputs.

A Polygon package names its checker ``std::<name>.cpp``; cpelo replaces it by a built-in only where the
verdicts are identical (OK, WA and PE), else it compiles and runs the checker itself. This test compiles
the real checkers (``../shared/data/testlib``, skipped when absent) and checks, on a seeded corpus of
outputs (whitespace variants, tabs, CR, \\v and \\f, double spaces, trailing newlines, case, extra and
missing tokens, numbers near a tolerance, stray bytes), that every mapped checker agrees with its
built-in verdict for verdict, and that every unmapped one is imported to run as itself.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from contests.formats import polygon
from contests.problem import CheckerType
from judge.checkers.builtin import builtin_check
from judge.task import CheckerKind, CheckerSpec
from judge.verdict import Verdict
from tests.contests.fixtures import polygon_package

REPO = Path(__file__).resolve().parents[3]
TESTLIB_VERDICTS = {0: Verdict.OK, 1: Verdict.WRONG_ANSWER, 2: Verdict.PRESENTATION_ERROR}


def shared_testlib() -> Path:
    base = Path(os.environ.get("CPELO_SHARED_DATA") or REPO / ".." / "shared" / "data")
    path = (base / "testlib").resolve()
    if not (path / "testlib.h").is_file():
        pytest.skip(f"testlib's checkers are absent ({path}); they live in ../shared/data/testlib")
    return path


def compiled(name: str) -> Path:
    """The real checker, compiled once per content (g++ on trusted code; ~10 s the first time)."""
    source = shared_testlib() / "checkers" / f"{name}.cpp"
    header = shared_testlib() / "testlib.h"
    key = hashlib.sha256(source.read_bytes() + header.read_bytes()).hexdigest()[:16]
    binary = Path.home() / ".cache" / "cpelo" / "tests" / "testlib-checkers" / f"{name}-{key}"
    if not binary.is_file():
        binary.parent.mkdir(parents=True, exist_ok=True)
        partial = binary.with_suffix(f".{os.getpid()}")
        subprocess.run(
            ["g++", "-O1", "-std=gnu++17", f"-I{header.parent}", "-o", str(partial), str(source)],
            check=True,
            capture_output=True,
        )
        partial.replace(binary)
    return binary


def run_real(binary: Path, work: Path, output: bytes, answer: bytes) -> Verdict:
    (work / "in").write_bytes(b"")
    (work / "out").write_bytes(output)
    (work / "ans").write_bytes(answer)
    proc = subprocess.run(
        [str(binary), str(work / "in"), str(work / "out"), str(work / "ans")],
        capture_output=True,
        check=False,
    )
    assert proc.returncode in TESTLIB_VERDICTS, (proc.returncode, proc.stderr[:300], output, answer)
    return TESTLIB_VERDICTS[proc.returncode]


_SEPARATORS = [b" ", b"  ", b"\t", b"\n", b"\r\n", b" \n", b"\n\n", b"\v", b"\f", b" \t "]
_WORDS = [b"yes", b"NO", b"Yes", b"abc", b"Abc", b"x-y", b"0", b"-0", b"007", b"42", b"-17"]


def _token(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(_WORDS)
    if kind == 1:
        return str(rng.randint(-(10**6), 10**6)).encode()
    if kind == 2:
        return f"{rng.uniform(-1e3, 1e3):.{rng.randint(1, 9)}f}".encode()
    return f"{rng.uniform(-1, 1):.3e}".encode()


def _join(tokens: list[bytes], rng: random.Random, strict: bool) -> bytes:
    if strict:
        return b" ".join(tokens) + b"\n"
    text = b"".join(t + rng.choice(_SEPARATORS) for t in tokens)
    return rng.choice([b"", b" ", b"\n"]) + (text if rng.random() < 0.5 else text.rstrip())


def _mutate(tokens: list[bytes], rng: random.Random) -> list[bytes]:
    out = list(tokens)
    what = rng.randrange(7)
    if what == 0 or not out:
        return out
    i = rng.randrange(len(out))
    if what == 1:
        out[i] = out[i].swapcase()
    elif what == 2:
        del out[i]
    elif what == 3:
        out.insert(i, rng.choice(_WORDS))
    elif what == 4:
        out[i] = out[i] + rng.choice([b"\x00", b"\xff", b"\x1a", b"\v"]) + b"z"
    elif what == 5 and out[i][-1:].isdigit():
        out[i] = out[i][:-1] + str((int(out[i][-1:]) + 1) % 10).encode()
    elif what == 6:
        out[i] = out[i] + b"0"  # 1.5 -> 1.50: equal as a number, not as a word
    return out


def corpus(seed: int, size: int) -> Iterator[tuple[bytes, bytes]]:
    rng = random.Random(seed)
    for _ in range(size):
        tokens = [_token(rng) for _ in range(rng.randint(0, 6))]
        answer = _join(tokens, rng, strict=True)
        yield _join(_mutate(tokens, rng), rng, strict=False), answer
    yield b"", b""
    yield b"\n", b""
    yield b"", b"1\n"
    yield b"1 2\n", b"1  2\n"
    yield b"1\v2\n", b"1 2\n"


@pytest.mark.parametrize("name", sorted(polygon.STD_BUILTINS))
def test_mapped_checker_agrees_with_the_real_one(name: str, tmp_path: Path) -> None:
    binary = compiled(name)
    mapping = polygon.STD_BUILTINS[name]
    spec = CheckerSpec(
        kind=CheckerKind(mapping["type"]), abs_tol=mapping.get("abs_tol"), rel_tol=mapping.get("rel_tol")
    )
    seen: set[Verdict] = set()
    for output, answer in corpus(seed=sum(map(ord, name)), size=400):
        real = run_real(binary, tmp_path, output, answer)
        ours = builtin_check(spec, output, answer).verdict
        assert ours == real, (
            f"std::{name}: testlib says {real}, built-in {ours} for output {output!r}, answer {answer!r}"
        )
        seen.add(real)
    assert {Verdict.OK, Verdict.WRONG_ANSWER} <= seen  # the corpus reaches both sides


def test_lcmp_is_not_our_lines_checker(tmp_path: Path) -> None:
    """Why lcmp runs as itself: inside a line it compares tokens, our `lines` compares the line."""
    lcmp = compiled("lcmp")
    output, answer = b"1  2\n3\t4\n", b"1 2\n3 4\n"
    assert run_real(lcmp, tmp_path, output, answer) is Verdict.OK
    lines = builtin_check(CheckerSpec(kind=CheckerKind.LINES), output, answer).verdict
    assert lines is Verdict.PRESENTATION_ERROR


def test_every_unmapped_standard_checker_runs_as_itself(tmp_path: Path) -> None:
    names = sorted(p.stem for p in (shared_testlib() / "checkers").glob("*.cpp"))
    assert "wcmp" in names and len(names) >= 15
    for name in names:
        root = polygon_package(tmp_path / name, checker=f"std::{name}.cpp")
        checker = polygon.read_polygon(root).checker
        if name in polygon.STD_BUILTINS:
            assert checker.type.value == polygon.STD_BUILTINS[name]["type"]
        else:
            assert checker.type is CheckerType.TESTLIB, name
            assert checker.source == (root / "files/check.cpp").resolve()
