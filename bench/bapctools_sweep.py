"""Validate every BAPCtools test problem and print, per package, consistent/total labelled submissions.

Data: ../shared/data/bapctools-problems (or $CPELO_SHARED_DATA). A package refused on reading is listed
with its one-line reason. `*.bad.*` submissions are deliberately misfiled (BAPCtools' own tests expect
`bt run` to fail on them): for those, consistent means the judge disagreed with the directory.

    .venv/bin/python bench/bapctools_sweep.py [--jobs N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contests.validate import validate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    data = Path(os.environ.get("CPELO_SHARED_DATA") or ROOT / ".." / "shared" / "data") / "bapctools-problems"
    if not data.is_dir():
        sys.exit(f"{data} is absent: nothing to sweep")
    total_ok = total = 0
    print(f"{'package':<24} {'consistent':>10}  skipped  seconds  notes")
    for package in sorted(p for p in data.iterdir() if (p / "problem.yaml").is_file()):
        if args.only and package.name not in args.only:
            continue
        start = time.monotonic()
        report = validate(package, jobs=args.jobs)
        judged = [s for s in report.solutions if s.consistent is not None]
        ok = sum(1 for s in judged if s.consistent)
        skipped = len(report.solutions) - len(judged)
        errors = [f.message for f in report.findings if f.severity == "error"]
        total_ok, total = total_ok + ok, total + len(judged)
        notes = "; ".join(errors)[:160] or ""
        seconds = time.monotonic() - start
        print(f"{package.name:<24} {ok:>4}/{len(judged):<5}  {skipped:>7}  {seconds:7.1f}  {notes}")
        for s in judged:
            if not s.consistent:
                print(f"    {s.expected}/{s.solution}: {s.verdict}  {s.note[:400]}")
    print(f"{'all':<24} {total_ok:>4}/{total:<5}")


if __name__ == "__main__":
    main()
