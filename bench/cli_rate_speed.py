"""`cpelo rate` of a 30,000-row standings file as a whole process (start-up, imports, reading, rating,
JSON output), the figure a user waits for; the in-process rating alone is bench/elo_speed.py's.
Target: under 0.6 s. Prints the median of `--runs` runs and the load average (2 shared cores are noisy).

    .venv/bin/python bench/cli_rate_speed.py [--n 30000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def write_rows(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    ratings = np.clip(np.rint(rng.normal(1500, 450, n)), 0, 3800).astype(int)
    points = np.rint((ratings + 400 / np.log(10) * rng.gumbel(size=n)) / 10)
    rows = [
        {"handle": f"u{i}", "points": float(points[i]), "penalty": 0, "old_rating": int(ratings[i])}
        for i in range(n)
    ]
    path.write_text(json.dumps(rows))


def time_process(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of each run: on a loaded machine the wall time
    includes waiting for a core, the CPU time does not."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.json"
        write_rows(rows, args.n)
        cli = [sys.executable, "-c", "from contests.app.cli import main; main()"]
        python, _ = time_process([sys.executable, "-c", "pass"], args.runs)
        for label, extra in (("--json", ["--json"]), ("table", [])):
            times, cpu = time_process([*cli, "rate", str(rows), *extra], args.runs)
            print(
                f"cpelo rate {args.n} rows {label:>6}: wall median {statistics.median(times):.3f} s "
                f"(min {min(times):.3f}, max {max(times):.3f}), CPU median {statistics.median(cpu):.3f} s; "
                f"bare python {statistics.median(python):.3f} s"
            )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
