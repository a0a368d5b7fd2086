"""Judge the bundled contests' jury solutions with --jobs 1 and --jobs 2 and compare the verdicts.

A verdict must not depend on parallelism or load (judge.time_limits explains how runs near the limit are
confirmed). Prints every solution whose verdict differs between the two runs, and the load average.

    .venv/bin/python bench/verdict_determinism.py [CONTEST_DIR ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contests.validate import validate  # noqa: E402


def verdicts(path: Path, jobs: int) -> dict[str, str]:
    report = validate(path, jobs=jobs)
    return {f"{s.problem} {s.expected}/{s.solution}": s.verdict for s in report.solutions}


def main() -> None:
    targets = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "contests" / "bundled").glob("cpelo-*"))
    differ = compared = 0
    for target in targets:
        start = time.monotonic()
        one, two = verdicts(target, 1), verdicts(target, 2)
        for key in sorted(one):
            compared += 1
            if one[key] != two.get(key):
                differ += 1
                print(f"  DIFFERS {key}: --jobs 1 {one[key]}, --jobs 2 {two.get(key)}")
        print(
            f"{target.name}: {len(one)} solutions, {time.monotonic() - start:.0f} s, load {os.getloadavg()}"
        )
    print(f"{differ} of {compared} verdicts differ between --jobs 1 and --jobs 2")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
