"""Per-test overhead of the docker backend against the native one, measured in the same run.

For each program (/bin/true; a compiled C++ program echoing its stdin; Python printing a line), runs it
through the native backend and through the docker backend alternately (so load on the machine hits both
alike), and prints the median host-side time of one `sandbox.run` call per backend, the difference (the
cost of the agent round trip: socket, fd passing, JSON) and the ratio docker / native. The container is
started (and the image built, if missing) before timing; that one-time cost is printed apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import Limits, SandboxConfig, Status, run

ECHO = (
    "#include <cstdio>\nint main(){char b[4096];size_t n;"
    "while((n=fread(b,1,sizeof b,stdin))>0)fwrite(b,1,n,stdout);return 0;}\n"
)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="runs per program and backend")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    native = SandboxConfig()
    docker = SandboxConfig(backend="docker")
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="cpelo-bench-docker-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        src = work / "echo.cpp"
        src.write_text(ECHO)
        subprocess.run(["g++", "-O2", "-o", str(work / "echo"), str(src)], check=True)
        stdin = b"1 2 3\n" * 1000
        programs = {
            "true": (["/bin/true"], None),
            "cpp-echo": ([str(work / "echo")], stdin),
            "python-print": (["/usr/bin/python3", "-S", "-c", "print(42)"], None),
        }
        limits = Limits(cpu_time=2.0, memory=256 << 20)

        def call(argv: list[str], data: bytes | None, config: SandboxConfig) -> None:
            r = run(argv, limits, workdir=work, stdin=data, stdout=work / "out", config=config)
            if r.status != Status.OK:
                raise SystemExit(f"{argv[0]} under {config.backend}: {r.status} {r.message}")

        start = time.perf_counter()
        call(["/bin/true"], None, docker)  # builds the image if needed and starts the container
        figures["first_docker_run_s"] = round(time.perf_counter() - start, 3)
        rows = {}
        for name, (argv, data) in programs.items():
            for _ in range(5):
                call(argv, data, native)
                call(argv, data, docker)
            times: dict[str, list[float]] = {"native": [], "docker": []}
            for _ in range(args.runs):
                times["native"].append(timed(lambda a=argv, d=data: call(a, d, native)))
                times["docker"].append(timed(lambda a=argv, d=data: call(a, d, docker)))
            n_ms = statistics.median(times["native"]) * 1e3
            d_ms = statistics.median(times["docker"]) * 1e3
            rows[name] = {
                "native_ms": round(n_ms, 2),
                "docker_ms": round(d_ms, 2),
                "overhead_ms": round(d_ms - n_ms, 2),
                "ratio": round(d_ms / n_ms, 3),
            }
        figures["programs"] = rows
        figures["runs"] = args.runs
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"first docker run (image check + container start): {figures['first_docker_run_s']} s")
    header = f"{'program':<14} {'native ms':>10} {'docker ms':>10} {'+ms':>7} {'ratio':>7}"
    print(f"{header}  (median, {args.runs} runs)")
    for name, row in rows.items():
        print(
            f"{name:<14} {row['native_ms']:>10.2f} {row['docker_ms']:>10.2f} {row['overhead_ms']:>7.2f} "
            f"{row['ratio']:>7.3f}"
        )


if __name__ == "__main__":
    main()
