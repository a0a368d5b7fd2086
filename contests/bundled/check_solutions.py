"""Developer tool: judge every bundled solution on every test, without the sandbox.

It runs only our own code (the bundled solutions, checkers and interactors), with plain subprocesses:
C++ through `g++ -std=c++17 -O2 -DONLINE_JUDGE`, Python through /usr/bin/python3. Time is the CPU time
of the solution process (from wait4). Each solution is judged like on Codeforces: tests in order
(sample, pretest, system), stopping at the first failure, and the first verdict is compared with the
folder the solution sits in. Accepted solutions report their slowest test.

    .venv/bin/python contests/bundled/check_solutions.py [CONTEST_DIR ...] [--problem A] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

BUNDLED = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3"
CXX = ["g++", "-std=c++17", "-O2", "-DONLINE_JUDGE"]
GROUPS = ("sample", "pretest", "system")
EXPECTED = {
    "accepted": "OK",
    "wrong_answer": "WRONG_ANSWER",
    "time_limit_exceeded": "TIME_LIMIT_EXCEEDED",
    "run_time_error": "RUNTIME_ERROR",
    "memory_limit_exceeded": "MEMORY_LIMIT_EXCEEDED",
    "presentation_error": "PRESENTATION_ERROR",
}
TESTLIB_VERDICTS = {0: "OK", 1: "WRONG_ANSWER", 2: "PRESENTATION_ERROR"}


@dataclass
class Outcome:
    """What one solution got on the problem's tests."""

    problem: str
    solution: str
    expected: str
    verdict: str = "OK"
    failed_test: str | None = None
    max_cpu_seconds: float = 0.0
    slowest_test: str | None = None
    tests_run: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected


@dataclass
class Run:
    exit_code: int
    cpu_seconds: float
    killed: bool


def compile_cpp(source: Path, cache: Path) -> Path:
    """Compiles once per source content; returns the binary."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    binary = cache / f"{source.stem}-{digest}"
    if not binary.exists():
        done = subprocess.run(
            [*CXX, "-o", str(binary), str(source)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{source}: compilation failed:\n{done.stderr[-2000:]}")
    return binary


def command_for(source: Path, cache: Path) -> list[str]:
    if source.suffix == ".py":
        return [PYTHON, str(source)]
    if source.suffix == ".cpp":
        return [str(compile_cpp(source, cache))]
    raise RuntimeError(f"{source}: unknown language (expected .py or .cpp)")


def wait_cpu(process: subprocess.Popen[bytes], deadline: float) -> Run:
    """Waits for `process` until the wall-clock deadline; kills it after. CPU time from wait4."""
    killed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.send_signal(signal.SIGKILL)
            killed = True
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.005)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(process.returncode, usage.ru_utime + usage.ru_stime, killed)


def run_plain(cmd: list[str], test_in: Path, out_path: Path, wall: float) -> Run:
    with test_in.open("rb") as stdin, out_path.open("wb") as stdout:
        process = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL)
        return wait_cpu(process, time.monotonic() + wall)


def run_interactive(
    cmd: list[str], interactor: list[str], test_in: Path, test_ans: Path, out_path: Path, wall: float
) -> tuple[Run, int]:
    """Solution and interactor joined by two pipes; returns the solution's run and the interactor's code."""
    to_interactor_r, to_interactor_w = os.pipe()
    to_solution_r, to_solution_w = os.pipe()
    inter = subprocess.Popen(
        [*interactor, str(test_in), str(out_path), str(test_ans)],
        stdin=to_interactor_r,
        stdout=to_solution_w,
        stderr=subprocess.DEVNULL,
    )
    solution = subprocess.Popen(cmd, stdin=to_solution_r, stdout=to_interactor_w, stderr=subprocess.DEVNULL)
    for fd in (to_interactor_r, to_interactor_w, to_solution_r, to_solution_w):
        os.close(fd)
    run = wait_cpu(solution, time.monotonic() + wall)
    try:
        inter_code = inter.wait(timeout=wall)
    except subprocess.TimeoutExpired:
        inter.kill()
        inter.wait()
        inter_code = -9
    return run, inter_code


def compare(
    checker: dict[str, Any], test_in: Path, out: Path, ans: Path, checker_cmd: list[str] | None
) -> str:
    kind = checker.get("type", "tokens")
    if kind == "testlib":
        assert checker_cmd is not None
        code = subprocess.run(
            [*checker_cmd, str(test_in), str(out), str(ans)], capture_output=True, check=False
        ).returncode
        return TESTLIB_VERDICTS.get(code, "JUDGE_ERROR")
    got, want = out.read_text(errors="replace").split(), ans.read_text().split()
    if kind == "tokens":
        return "OK" if got == want else "WRONG_ANSWER"
    if kind == "floats":
        if len(got) != len(want):
            return "WRONG_ANSWER"
        abs_tol, rel_tol = float(checker["abs_tol"]), float(checker["rel_tol"])
        for g, w in zip(got, want, strict=True):
            try:
                x, y = float(g), float(w)
            except ValueError:
                return "PRESENTATION_ERROR"
            if not abs(x - y) <= max(abs_tol, rel_tol * abs(y)):
                return "WRONG_ANSWER"
        return "OK"
    raise RuntimeError(f"checker type {kind!r} is not supported by this tool")


def tests_of(problem_dir: Path) -> list[tuple[str, Path, Path]]:
    found = []
    for group in GROUPS:
        folder = problem_dir / "tests" / group
        for test_in in sorted(folder.glob("*.in")) if folder.exists() else []:
            found.append((f"{group}/{test_in.stem}", test_in, test_in.with_suffix(".ans")))
    return found


def judge_solution(problem_dir: Path, source: Path, cache: Path, work: Path, run_all: bool) -> Outcome:
    meta = yaml.safe_load((problem_dir / "problem.yaml").read_text())
    limit = float(meta["time_limit"])
    checker = meta.get("checker") or {"type": "tokens"}
    checker_cmd = command_for(problem_dir / checker["source"], cache) if checker.get("source") else None
    interactor = meta.get("interactor")
    interactor_cmd = command_for(problem_dir / interactor["source"], cache) if interactor else None
    expected = EXPECTED[source.parent.name]
    outcome = Outcome(problem_dir.name, f"{source.parent.name}/{source.name}", expected)
    cmd = command_for(source, cache)
    # Generous wall clock, so that on a busy machine a too-slow solution is caught by CPU time.
    wall = 3 * limit + 2
    for name, test_in, test_ans in tests_of(problem_dir):
        out = work / "out.txt"
        inter_code = 0
        if interactor_cmd is not None:
            run, inter_code = run_interactive(cmd, interactor_cmd, test_in, test_ans, out, wall)
        else:
            run = run_plain(cmd, test_in, out, wall)
        outcome.tests_run += 1
        if run.cpu_seconds > outcome.max_cpu_seconds:
            outcome.max_cpu_seconds, outcome.slowest_test = run.cpu_seconds, name
        if run.cpu_seconds > limit or run.killed:
            verdict = "TIME_LIMIT_EXCEEDED"
        elif interactor_cmd is not None and inter_code != 0:
            verdict = TESTLIB_VERDICTS.get(inter_code, "JUDGE_ERROR")
        elif run.exit_code != 0:
            verdict = "RUNTIME_ERROR"
        elif interactor_cmd is not None:
            verdict = "OK"
        else:
            verdict = compare(checker, test_in, out, test_ans, checker_cmd)
        if verdict != "OK":
            outcome.details.append(f"{name}: {verdict} ({run.cpu_seconds:.2f} s)")
            if outcome.failed_test is None:
                outcome.verdict, outcome.failed_test = verdict, name
            if not run_all:
                break
    return outcome


def problem_dirs(contest: Path, only: str | None) -> list[Path]:
    meta = yaml.safe_load((contest / "contest.yaml").read_text())
    return [contest / "problems" / index for index in meta["problems"] if only in (None, index)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("contests", nargs="*", type=Path, help="contest directories (default: all bundled)")
    parser.add_argument("--problem", help="only this problem index")
    parser.add_argument("--solution", help="only solutions whose file name contains this")
    parser.add_argument("--expected", choices=sorted(EXPECTED), help="only solutions in this folder")
    parser.add_argument("--all-tests", action="store_true", help="do not stop at the first failed test")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args()
    contests = args.contests or sorted(p.parent for p in BUNDLED.glob("*/contest.yaml"))
    cache = Path(tempfile.gettempdir()) / "cpelo-bundled-build"
    cache.mkdir(exist_ok=True)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as tmp:
        for contest in contests:
            for problem_dir in problem_dirs(contest, args.problem):
                for source in sorted((problem_dir / "solutions").glob("*/*")):
                    if args.solution and args.solution not in source.name:
                        continue
                    if args.expected and source.parent.name != args.expected:
                        continue
                    outcome = judge_solution(problem_dir, source, cache, Path(tmp), args.all_tests)
                    outcome.problem = f"{contest.name}/{problem_dir.name}"
                    outcomes.append(outcome)
                    if not args.json:
                        mark = "ok " if outcome.as_expected else "BAD"
                        where = f" on {outcome.failed_test}" if outcome.failed_test else ""
                        print(
                            f"{mark} {outcome.problem:18} {outcome.solution:48} {outcome.verdict}{where}"
                            f"  [{outcome.tests_run} tests, max cpu {outcome.max_cpu_seconds:.2f} s"
                            f" on {outcome.slowest_test}]",
                            flush=True,
                        )
                        if args.all_tests and outcome.details:
                            print("      failed: " + ", ".join(outcome.details), flush=True)
    if args.json:
        print(json.dumps([asdict(o) | {"as_expected": o.as_expected} for o in outcomes], indent=1))
    bad = [o for o in outcomes if not o.as_expected]
    if not args.json:
        print(f"{len(outcomes) - len(bad)} of {len(outcomes)} solutions got their expected verdict")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
