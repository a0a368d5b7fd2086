"""The judge's own peak memory (ru_maxrss of the judging process) when a program prints a lot.

Each case judges one C++ program in a fresh Python process against an answer equal to what it prints
(so the checker must read every byte of both) and reports that process's peak RSS and the verdict:
``idle`` (no judging: the interpreter with the judge imported), ``tokens`` (64 MiB of short
whitespace-separated tokens), ``one-line`` (64 MiB on one line, no whitespace at all).

    .venv/bin/python bench/judge_memory.py [--mib 63] [--checker tokens]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TOKENS = r"""
#include <cstdio>
int main() { long long n = %d; for (long long i = 0; i < n / 8; i++) fputs("1234567 ", stdout); }
"""
ONE_LINE = r"""
#include <cstdio>
#include <cstring>
int main() { static char b[1 << 20]; memset(b, 'x', sizeof b); for (int i = 0; i < %d / (1 << 20); i++)
    fwrite(b, 1, sizeof b, stdout); }
"""


def _child(case: str, size: int, checker: str) -> None:
    sys.path.insert(0, str(ROOT))
    from judge.judge import Judge
    from judge.task import CheckerKind, CheckerSpec, JudgeTask, TestCase

    judge = Judge()
    if case == "idle":
        print(json.dumps({"case": case, "maxrss_mib": _maxrss_mib(), "verdict": "-"}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        inp, ans = Path(tmp) / "1.in", Path(tmp) / "1.ans"
        inp.write_bytes(b"")
        chunk = (b"1234567 " * 8192) if case == "tokens" else b"x" * 65536
        with open(ans, "wb") as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
        task = JudgeTask(
            id="print",
            tests=(TestCase(index=1, input=inp, answer=ans),),
            time_limit=5.0,
            checker=CheckerSpec(kind=CheckerKind(checker)),
        )
        source = (TOKENS if case == "tokens" else ONE_LINE) % size
        result = judge.judge(task, source, "cpp17")
    print(json.dumps({"case": case, "maxrss_mib": _maxrss_mib(), "verdict": str(result.verdict)}))


def _maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=63, help="MiB printed (the output limit is 64 MiB)")
    parser.add_argument("--checker", default="tokens", help="built-in checker kind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = args.mib * 1024 * 1024
    if args.child:
        _child(args.child, size, args.checker)
        return
    for case in ("idle", "tokens", "one-line"):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", case, "--mib", str(args.mib), "--checker", args.checker],
            capture_output=True,
            text=True,
            check=False,
        )
        line = proc.stdout.strip().splitlines()[-1:] or [proc.stderr.strip()[-300:]]
        print(line[0])


if __name__ == "__main__":
    main()
