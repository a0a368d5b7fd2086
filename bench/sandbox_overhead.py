"""Per-run cost of the sandbox against plain subprocess.run, and CPU-time stability under load.

Prints medians over >= 200 runs of /bin/true and of a compiled C++ hello world (ms and ratio), then a
fixed-work ~0.5 s CPU program run 20 times alone and 20 times beside a busy loop on the other core:
the coefficient of variation of the measured CPU time, with the wall-time spread beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import Limits, SandboxConfig, Status, run
from sandbox.runner_server import server_pids

HELLO = '#include <cstdio>\nint main(){std::puts("hello");return 0;}\n'
WORK = (
    "#include <cstdio>\nint main(){volatile unsigned long long x=0;"
    'for(unsigned long long i=0;i<N;i++)x+=i;std::printf("%llu\\n",(unsigned long long)x);return 0;}\n'
)


def median_ms(fn: Callable[[], object], runs: int, spaced: bool = False) -> tuple[float, float, float]:
    """Median wall ms of one call, the mean CPU ms of the processes it started (children's user + system
    time, the runner server's included: a load-independent measure of the work one run costs, kernel
    threads aside), and the same with this process's own CPU added (where a per-run spawn forks)."""
    for _ in range(5):
        fn()
    time.sleep(0.2)  # runners still cleaning up after their result are reaped before the count starts
    before = os.times()
    served_before = served_cpu()
    times = []
    for _ in range(runs):
        if spaced:
            between_runs()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    time.sleep(0.2)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    # runs started by the runner server are its children, not ours
    cpu += served_cpu() - served_before
    # and ours: a fork of this large process per run (spawning a runner) is CPU spent here
    own = (after.user - before.user) + (after.system - before.system)
    # spaced: between_runs' /bin/true counts in both columns alike and cancels in the difference
    return statistics.median(times) * 1000, cpu / runs * 1000, (cpu + own) / runs * 1000


def interleaved_ms(
    plain: Callable[[], object], boxed: Callable[[], object], runs: int, spaced: bool = False
) -> tuple[float, float]:
    """Median wall ms of one plain and one sandboxed call, taken alternately in one loop: a machine
    whose speed drifts (other tenants, frequency) moves both alike, where two blocks one after the
    other would each see a different machine."""
    for _ in range(5):
        plain()
        boxed()
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(2 * runs):
        if spaced:
            between_runs()
        fn, out = (plain, times[0]) if i % 2 == 0 else (boxed, times[1])
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def served_cpu() -> float:
    """Seconds of CPU of the runner servers and of the runners they reaped."""
    total = 0
    for pid in server_pids():
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def between_runs() -> None:
    """What a judge does between two runs, roughly: another process (a checker) and 20 ms of other work."""
    subprocess.run(["/bin/true"])
    time.sleep(0.02)


def compile_cpp(src: str, out: Path) -> None:
    out.with_suffix(".cpp").write_text(src)
    subprocess.run(["g++", "-O2", "-o", str(out), str(out.with_suffix(".cpp"))], check=True)


def calibrate(work_dir: Path) -> Path:
    """A binary doing ~0.5 s of CPU work on this machine, as the sandbox measures it."""
    n = 10**8
    exe = work_dir / "work"
    for _ in range(3):
        compile_cpp(WORK.replace("N", str(n)), exe)
        took = run([str(exe)], Limits(cpu_time=10.0, wall_time=60), workdir=work_dir).cpu_time
        n = int(n * 0.5 / max(took, 1e-3))
    compile_cpp(WORK.replace("N", str(n)), exe)
    return exe


def stability(exe: Path, workdir: Path, runs: int) -> dict[str, float]:
    cpu, wall = [], []
    for _ in range(runs):
        r = run([str(exe)], Limits(cpu_time=5.0), workdir=workdir)
        assert r.status == Status.OK, r
        cpu.append(r.cpu_time)
        wall.append(r.wall_time)
    return {
        "cpu_mean_s": statistics.mean(cpu),
        "cpu_cv_pct": statistics.stdev(cpu) / statistics.mean(cpu) * 100,
        "wall_mean_s": statistics.mean(wall),
        "wall_spread_s": max(wall) - min(wall),
        "wall_cv_pct": statistics.stdev(wall) / statistics.mean(wall) * 100,
    }


def kill_precision(work_dir: Path, runs: int) -> dict[str, float]:
    """A busy loop under cpu_time=1.0: how far past the limit the kill lands (target: 50 ms + 10%)."""
    exe = work_dir / "busy"
    compile_cpp("int main(){volatile unsigned long x=0;for(;;)x++;}", exe)
    cpu = []
    for _ in range(runs):
        r = run([str(exe)], Limits(cpu_time=1.0, wall_time=30), workdir=work_dir)
        assert r.status == Status.TIME_LIMIT, r
        cpu.append(r.cpu_time)
    return {
        "limit_s": 1.0,
        "cpu_min_s": min(cpu),
        "cpu_median_s": statistics.median(cpu),
        "cpu_max_s": max(cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--per-run-only", action="store_true", help="skip the kill and stability parts")
    parser.add_argument("--network", choices=["private", "shared"], default="private")
    parser.add_argument(
        "--no-runner-server",
        action="store_true",
        help="spawn the runner per run (SandboxConfig.runner_server)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        hello = work / "hello"
        compile_cpp(HELLO, hello)
        limits = Limits()
        cases = {}
        # Back to back, and spaced as in a judge that does other work between runs: kernel state warmed
        # by the previous run (an RCU grace period already passed) helps only the former.
        for name, argv, spaced in (
            ("true", ["/bin/true"], False),
            ("hello_cpp", [str(hello)], False),
            ("true_spaced", ["/bin/true"], True),
        ):
            config = SandboxConfig(network=args.network, runner_server=not args.no_runner_server)
            plain_fn = partial(subprocess.run, argv, stdout=subprocess.DEVNULL)
            boxed_fn = partial(run, argv, limits, workdir=work, config=config)
            # CPU per run from one block each (the children's CPU of one kind of call at a time); wall
            # time from both kinds interleaved
            _, plain_cpu, plain_all = median_ms(plain_fn, args.runs, spaced)
            _, boxed_cpu, boxed_all = median_ms(boxed_fn, args.runs, spaced)
            plain, boxed = interleaved_ms(plain_fn, boxed_fn, args.runs, spaced)
            cases[name] = {
                "plain_ms": plain,
                "sandbox_ms": boxed,
                "added_ms": boxed - plain,
                "ratio": boxed / plain,
                "plain_cpu_ms": plain_cpu,
                "sandbox_cpu_ms": boxed_cpu,
                "added_cpu_ms": boxed_cpu - plain_cpu,
                "added_cpu_all_ms": boxed_all - plain_all,
            }
        if args.per_run_only:
            for name, c in cases.items():
                print(
                    f"  {name:12s} plain {c['plain_ms']:6.2f} ms   sandbox {c['sandbox_ms']:6.2f} ms   "
                    f"added {c['added_ms']:5.2f} ms   ratio {c['ratio']:.2f}x   "
                    f"cpu of children: added {c['added_cpu_ms']:5.2f} ms   "
                    f"with our own: added {c['added_cpu_all_ms']:5.2f} ms"
                )
            return
        precision = kill_precision(work, 10)
        exe = calibrate(work)
        alone = stability(exe, work, 20)
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            busy = stability(exe, work, 20)
        finally:
            hog.kill()
            hog.wait()
    report = {
        "runs": args.runs,
        "per_run": cases,
        "cpu_kill": precision,
        "stability": {"alone": alone, "other_core_busy": busy},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"per-run cost, median of {args.runs} runs of each, interleaved (spaced: a process and 20 ms "
        "between runs)"
    )
    for name, c in cases.items():
        print(
            f"  {name:12s} plain {c['plain_ms']:6.2f} ms   sandbox {c['sandbox_ms']:6.2f} ms   "
            f"added {c['added_ms']:5.2f} ms   ratio {c['ratio']:.2f}x"
        )
    p = precision
    print(
        f"CPU-limit kill, busy loop, limit 1.0 s, 10 runs: cpu_time min {p['cpu_min_s']:.3f} s  "
        f"median {p['cpu_median_s']:.3f} s  max {p['cpu_max_s']:.3f} s (allowed: 1.150 s)"
    )
    print("timing stability of a ~0.5 s CPU program, 20 runs each")
    for name, s in report["stability"].items():
        print(
            f"  {name:16s} cpu mean {s['cpu_mean_s']:.3f} s  cv {s['cpu_cv_pct']:.2f}%   "
            f"wall mean {s['wall_mean_s']:.3f} s  spread {s['wall_spread_s'] * 1000:.0f} ms  "
            f"cv {s['wall_cv_pct']:.2f}%"
        )


if __name__ == "__main__":
    main()
