"""Built by the simulation tests themselves: a native contest directory and a replay file."""

from __future__ import annotations

import json
from pathlib import Path

# -- a native contest directory written by the tests ------------------------------------------------

SUM_OK = "a, b = map(int, input().split())\nprint(a + b)\n"
SUM_WA_BIG = "a, b = map(int, input().split())\nprint(a + b if a + b < 100 else 0)\n"  # passes samples
SUM_WA = "print(0)\n"  # fails the first sample
SUM_CE = "def broken(:\n"
MAX_OK = "input()\nprint(max(map(int, input().split())))\n"
MAX_WA2 = (
    "input()\nxs = list(map(int, input().split()))\nprint(max(xs) if len(xs) > 1 else 0)\n"  # WA on test 2
)
MAX_SLOW = "import time\ninput()\nwhile True:\n    pass\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_contest(
    root: Path,
    *,
    rules: str = "cf",
    standings: bool = True,
    start: str = "2026-03-01T10:00:00Z",
    cid: str = "mini-round",
) -> Path:
    """Two problems, samples + pretests + system tests, jury solutions, and a small rated field."""
    c = root / cid
    problems = {
        "A": (
            "Sum",
            800,
            500,
            [("1 2", "3"), ("3 4", "7")],
            [("10 20", "30")],
            [("60 70", "130"), ("99 1", "100")],
        ),
        "B": ("Max", 1600, 1000, [("3\n1 5 2", "5")], [("1\n7", "7")], [("2\n-1 -2", "-1")]),
    }
    _write(c / "contest.yaml", "\n".join([
        f"id: {cid}", 'name: "Mini Round"', f"rules: {rules}", "duration_minutes: 120",
        f'start_time: "{start}"', 'source: "tests"', 'licence: "MIT"', "problems: [A, B]", "",
    ]))  # fmt: skip
    for index, (name, rating, points, sample, pre, system) in problems.items():
        p = c / "problems" / index
        lines = [f'name: "{name}"', "time_limit: 1.0", "memory_limit_mb: 256", f"rating: {rating}"]
        if rules == "cf":
            lines.append(f"points: {points}")
        _write(p / "problem.yaml", "\n".join(lines) + "\n")
        _write(
            p / "statement.md",
            f"# {name}\n\nCompute it.\n\n## Input\n\nNumbers.\n\n## Output\n\nOne number.\n",
        )
        for group, tests in (("sample", sample), ("pretest", pre), ("system", system)):
            for i, (inp, ans) in enumerate(tests, 1):
                _write(p / "tests" / group / f"{i:02d}.in", inp + "\n")
                _write(p / "tests" / group / f"{i:02d}.ans", ans + "\n")
    sols = {
        "A": {"accepted/ok.py": SUM_OK, "wrong_answer/big.py": SUM_WA_BIG, "wrong_answer/zero.py": SUM_WA},
        "B": {"accepted/ok.py": MAX_OK, "time_limit_exceeded/slow.py": MAX_SLOW},
    }
    for index, files in sols.items():
        for name, text in files.items():
            _write(c / "problems" / index / "solutions" / name, text)
    if standings:
        rows = []
        # 40 rated humans: the better rated solve more, earlier.
        for i in range(40):
            rating = 2400 - 40 * i
            solved_b = i < 12
            solved_a = i < 32
            if rules == "cf":
                pa = 500 - 2 * (5 + i) if solved_a else 0.0
                pb = 1000 - 4 * (20 + i) if solved_b else 0.0
                points, penalty = pa + pb, 0
            else:
                pa, pb = float(solved_a), float(solved_b)
                points = pa + pb
                penalty = (5 + i if solved_a else 0) + (20 + i if solved_b else 0)
            rows.append({
                "handle": f"h{i:02d}", "rank": 1, "old_rating": rating, "points": points, "penalty": penalty,
                "problems": {
                    "A": {"points": pa, "rejected": i % 2, "minute": float(5 + i) if solved_a else None},
                    "B": {"points": pb, "rejected": 0, "minute": float(20 + i) if solved_b else None},
                },
            })  # fmt: skip
        rows.sort(key=lambda r: (-r["points"], r["penalty"]))
        for r in rows:
            r["rank"] = 1 + sum(
                1 for o in rows if (-o["points"], o["penalty"]) < (-r["points"], r["penalty"])
            )
        _write(c / "standings.json", json.dumps({"synthetic": True, "note": "test field", "rows": rows}))
    return c


def write_replay(
    path: Path, cid: str, per_problem: dict[str, list[str]], latency: float | None = 30.0
) -> Path:
    lines = []
    for index, sources in per_problem.items():
        for s, src in enumerate(sources):
            line: dict[str, object] = {"contest": cid, "problem": index, "language": "python3", "source": src}
            line["sample"] = s
            if latency is not None:
                line["latency_s"] = latency * (s + 1)
            lines.append(json.dumps(line))
    path.write_text("\n".join(lines) + "\n")
    return path
