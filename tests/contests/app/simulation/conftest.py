"""Fixtures built by the tests themselves: a tiny contest held in memory."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contests.contest import Contest
from contests.problem import Problem, Test, Tests


def make_problem(index: str = "A", rating: int = 800) -> Problem:
    return Problem(
        id=f"t{index}",
        index=index,
        name=f"Sum {index}",
        statement="Print a+b.",
        input_spec="Two integers a and b.",
        output_spec="Their sum.",
        note="Easy.",
        time_limit=1.0,
        memory_limit_mb=256,
        points=500,
        rating=rating,
        tests=Tests(sample=[Test(name="01", input_text="1 2\n", answer_text="3\n")]),
    )


@pytest.fixture
def tiny_contest() -> Contest:
    return Contest(
        id="tiny",
        name="Tiny",
        rules="cf",
        duration_minutes=120,
        problems=[make_problem("A", 800), make_problem("B", 1600)],
    )


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


# -- a fake OpenAI-compatible server on loopback ----------------------------------------------------

REPLY = "Here is my solution.\n\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n"


class FakeServer:
    """An OpenAI-compatible chat-completions endpoint on loopback that fails on cue."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.failures: list[int] = []  # status codes to answer, in order, before succeeding
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                    status = fake.failures.pop(0) if fake.failures else 200
                if status != 200:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(b'{"error": "try later"}')
                    return
                answer = {
                    "choices": [{"message": {"role": "assistant", "content": REPLY}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 17 + body["seed"]},
                }
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def completions(self) -> int:
        return len(self.calls)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()
