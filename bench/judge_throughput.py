"""Judge throughput and timing stability: cpelo against DMOJ's judge, on the same tests in the same run.

1. Tests per second on a 100-test A+B problem, C++17 and Python 3. Per-test cost is measured as
   (time for 100 tests - time for 2 tests) / 98, so start-up and compilation (cached for cpelo,
   repeated by DMOJ) cancel out. cpelo measures CPU time of the process tree; DMOJ its own way.
2. The time each judge reports for a fixed-work C++ program (about 0.3 s of CPU), on a quiet machine
   and with a busy-loop process on every other core: a judge measuring CPU time should not move.

DMOJ (pip package `dmoj`) is looked for in .peer/dmoj (see /work/shared/peers/dmoj.md); when it is
absent this script says so and measures cpelo alone.

    .venv/bin/python bench/judge_throughput.py [--tests 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judge.config import JudgeConfig  # noqa: E402
from judge.judge import Judge  # noqa: E402
from judge.task import JudgeTask, TestCase  # noqa: E402
from judge.verdict import Verdict  # noqa: E402

DMOJ_VENV = ROOT / ".peer" / "dmoj"
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # no pyenv shims for DMOJ

AB_CPP = """\
#include <cstdio>
int main() { long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1; printf("%lld\\n", a + b); }
"""
AB_PY = "a, b = map(int, input().split())\nprint(a + b)\n"
FIXED_WORK = """\
#include <cstdio>
int main() {
    volatile unsigned long long x = 1;
    for (unsigned long long i = 0; i < 300000000ULL; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned long long a, b; if (scanf("%llu %llu", &a, &b) != 2) return 1;
    printf("%llu\\n", a + b + (x & 0));
}
"""


def write_tests(root: Path, count: int) -> list[tuple[Path, Path]]:
    root.mkdir(parents=True, exist_ok=True)
    pairs = []
    for i in range(1, count + 1):
        a, b = i * 7919 % 1000003, i * 104729 % 999983
        (root / f"{i}.in").write_text(f"{a} {b}\n")
        (root / f"{i}.out").write_text(f"{a + b}\n")
        pairs.append((root / f"{i}.in", root / f"{i}.out"))
    (root / "init.yml").write_text(
        "test_cases:\n" + "".join(f"- {{in: {i}.in, out: {i}.out, points: 1}}\n" for i in range(1, count + 1))
    )
    return pairs


def cpelo_task(name: str, pairs: list[tuple[Path, Path]], time_limit: float = 2.0) -> JudgeTask:
    tests = tuple(TestCase(index=i, input=inp, answer=out) for i, (inp, out) in enumerate(pairs, start=1))
    return JudgeTask(id=name, tests=tests, time_limit=time_limit, memory_limit=256 << 20)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall-clock seconds of ``fn`` over ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


class Dmoj:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.problems = workdir / "problems"
        self.problems.mkdir(parents=True)
        autoconf = subprocess.run(
            [str(DMOJ_VENV / "bin" / "dmoj-autoconf")],
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": CLEAN_PATH},
            check=False,
        ).stdout
        (workdir / "judge.yml").write_text(f"problem_storage_globs:\n  - {self.problems}/*\n{autoconf}")

    def add_problem(self, name: str, source_dir: Path) -> None:
        shutil.copytree(source_dir, self.problems / name)

    def submit(self, problem: str, lang: str, source: Path, time_limit: float = 2.0) -> list[float]:
        """Judge once; returns the reported time of each test case."""
        out = subprocess.run(
            [
                str(DMOJ_VENV / "bin" / "dmoj-cli"),
                "-c",
                str(self.workdir / "judge.yml"),
                "--no-ansi",
                "--skip-self-test",
                "-e",
                "CPP17,PY3",
                "--",
                "submit",
                problem,
                lang,
                str(source),
                "-tl",
                str(time_limit),
                "-ml",
                "262144",
            ],
            capture_output=True,
            text=True,
            cwd=self.workdir,
            env={**os.environ, "PATH": CLEAN_PATH},
            check=False,
            timeout=900,
        ).stdout
        times = [float(t) for t in re.findall(r"Test case\s+\d+\s+AC\s+\[([\d.]+)s", out)]
        if not times:
            raise RuntimeError(f"DMOJ did not accept the submission:\n{out[-2000:]}")
        return times


def spin() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    have_dmoj = (DMOJ_VENV / "bin" / "dmoj-cli").exists()
    if not have_dmoj:
        print(
            f"DMOJ is ABSENT ({DMOJ_VENV}/bin/dmoj-cli not found): measuring cpelo alone; see the docstring"
        )
    with tempfile.TemporaryDirectory(prefix="cpelo-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        big, small = work / "ab100", work / "ab2"
        pairs_big, pairs_small = write_tests(big, args.tests), write_tests(small, 2)
        fixed = write_tests(work / "fixed", 1)
        sources = {"cpp": work / "ab.cpp", "py": work / "ab.py", "fixed": work / "fixed.cpp"}
        sources["cpp"].write_text(AB_CPP)
        sources["py"].write_text(AB_PY)
        sources["fixed"].write_text(FIXED_WORK)
        judge = Judge(JudgeConfig(compile_cache=work / "cache"))
        task_big, task_small = cpelo_task("ab100", pairs_big), cpelo_task("ab2", pairs_small)
        task_fixed = cpelo_task("fixed", fixed, time_limit=5.0)
        dmoj = None
        if have_dmoj:
            dmoj = Dmoj(work / "dmoj")
            dmoj.add_problem("ab100", big)
            dmoj.add_problem("ab2", small)
            dmoj.add_problem("fixed", work / "fixed")

        print(
            f"\n== throughput: {args.tests}-test A+B, per-test cost = (T{args.tests} - T2) / {args.tests - 2}"
        )
        print(f"{'language':<10} {'cpelo tests/s':>14} {'DMOJ tests/s':>13} {'ratio':>7}")
        for key, lang, dmoj_lang in (("cpp", "cpp17", "CPP17"), ("py", "python3", "PY3")):
            source = sources[key]
            assert judge.judge(task_big, source, lang).verdict is Verdict.OK  # compiles into the cache
            t_big = timed(partial(judge.judge, task_big, source, lang), args.repeat)
            t_small = timed(partial(judge.judge, task_small, source, lang), args.repeat)
            ours = (args.tests - 2) / max(1e-9, t_big - t_small)
            theirs_text, ratio = "absent", ""
            if dmoj is not None:
                d_big = timed(partial(dmoj.submit, "ab100", dmoj_lang, source), args.repeat)
                d_small = timed(partial(dmoj.submit, "ab2", dmoj_lang, source), args.repeat)
                theirs = (args.tests - 2) / max(1e-9, d_big - d_small)
                theirs_text, ratio = f"{theirs:13.1f}", f"{ours / theirs:6.2f}x"
            print(f"{lang:<10} {ours:14.1f} {theirs_text:>13} {ratio:>7}")

        print("\n== reported time of a fixed-work program (~0.3 s CPU): quiet vs every other core busy")
        cores = len(os.sched_getaffinity(0))

        def measure() -> tuple[float, float | None]:
            ours = statistics.median(
                judge.judge(task_fixed, sources["fixed"], "cpp17").time_s for _ in range(args.repeat)
            )
            theirs = None
            if dmoj is not None:
                theirs = statistics.median(
                    dmoj.submit("fixed", "CPP17", sources["fixed"], 5.0)[0] for _ in range(args.repeat)
                )
            return ours, theirs

        judge.judge(task_fixed, sources["fixed"], "cpp17")
        quiet = measure()
        spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(max(1, cores - 1))]
        for p in spinners:
            p.start()
        try:
            busy = measure()
        finally:
            for p in spinners:
                p.kill()
                p.join()
        print(f"{'judge':<8} {'quiet s':>8} {'busy s':>8} {'moved':>8}")
        print(f"{'cpelo':<8} {quiet[0]:8.3f} {busy[0]:8.3f} {100 * (busy[0] / quiet[0] - 1):7.1f}%")
        if quiet[1] is not None and busy[1] is not None:
            print(f"{'DMOJ':<8} {quiet[1]:8.3f} {busy[1]:8.3f} {100 * (busy[1] / quiet[1] - 1):7.1f}%")
        load = os.getloadavg()[0]
        print(f"\n(host load average {load:.1f} on {cores} cores; other work on the host moves both figures)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
