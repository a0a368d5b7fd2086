"""Where one sandboxed run's time goes: the native runner's phases, median over many runs of /bin/true.

The runner, given ``--timing 1``, stamps CLOCK_MONOTONIC at each phase (its own and its clone child's) and
reports the gaps; the Python side adds the spawn (before the runner's main) and the tail (after its last
phase until ``wait`` returns). Compare the total with plain ``subprocess.run`` printed alongside.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import Limits
from sandbox.config import SandboxConfig
from sandbox.native import _command, read_all
from sandbox.runner_server import server_for


def one_run(argv: list[str], workdir: Path, config: SandboxConfig) -> dict[str, float]:
    command = _command(config)  # the native backend's, made once per config
    meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
    args = command.argv(
        argv,
        Limits(),
        workdir=workdir,
        env=None,
        readonly_paths=[],
        writable_paths=[],
        meta_fd=meta_w,
        out_fd=None,
        err_fd=None,
        timing=True,
    )
    begin = time.monotonic_ns()
    if config.runner_server and (server := server_for(Path(args[0]))) is not None:
        # as the native backend does with its runner server (sandbox/native.py)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        status_r = server.start(args, [(0, null), (1, null), (2, err_w), (meta_w, meta_w)])
        for fd in (err_w, null, meta_w):
            os.close(fd)
        if status_r is None:
            raise SystemExit("the runner server is gone")
        raw = read_all(meta_r)
        os.close(meta_r)
        err = read_all(err_r)
        os.close(err_r)
        end = time.monotonic_ns()
        os.close(status_r)
    else:
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(meta_w,),
                env={},
            )
        finally:
            os.close(meta_w)
        raw = read_all(meta_r)
        os.close(meta_r)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
        end = time.monotonic_ns()  # as the native backend: the meta line is all it waits for
        proc.wait()
    try:
        meta = json.loads(raw)
    except ValueError:
        raise SystemExit(f"runner failed: {err.decode(errors='replace')}") from None
    phases: dict[str, int] = meta["phases_ns"]
    last = meta["start_ns"] + sum(phases.values())
    gaps = {"spawn_runner": meta["start_ns"] - begin, **phases, "runner_exit_to_python": end - last}
    measured = {name: ns / 1e6 for name, ns in gaps.items()}
    return measured | {
        "total": (end - begin) / 1e6,
        "pool_hit": 1.0 if meta.get("netns") == "pool" else 0.0,
        "prepared_root": 1.0 if meta.get("root") == "prepared" else 0.0,
        "cgroup_pool": 1.0 if meta.get("cgroup_pool") else 0.0,
        "ahead": 1.0 if set(meta.get("ahead", "").split()) == {"cgroup", "netns", "scratch", "root"} else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--network", choices=["shared", "private"], default=None)
    parser.add_argument("--no-runner-server", action="store_true", help="spawn the runner per run")
    args = parser.parse_args()
    config = SandboxConfig(runner_server=not args.no_runner_server)
    if args.network is not None:
        config = config.model_copy(update={"network": args.network})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        for _ in range(5):
            one_run(["/bin/true"], work, config)
        samples = [one_run(["/bin/true"], work, config) for _ in range(args.runs)]
    plain = []
    for _ in range(args.runs):
        t = time.perf_counter()
        subprocess.run(["/bin/true"], stdout=subprocess.DEVNULL)
        plain.append((time.perf_counter() - t) * 1000)
    names = list(samples[0])
    medians = {n: statistics.median(s[n] for s in samples if n in s) for n in names}
    medians.pop("pool_hit", None)
    medians.pop("prepared_root", None)
    medians.pop("cgroup_pool", None)
    medians.pop("ahead", None)
    cgroup_rate = statistics.mean(s.get("cgroup_pool", 0.0) for s in samples)
    hit_rate = statistics.mean(s.get("pool_hit", 0.0) for s in samples)
    prepared_rate = statistics.mean(s.get("prepared_root", 0.0) for s in samples)
    ahead_rate = statistics.mean(s.get("ahead", 0.0) for s in samples)
    report = {
        "runs": args.runs,
        "median_ms": medians,
        "plain_subprocess_ms": statistics.median(plain),
        "netns_pool_hit_rate": hit_rate,
        "prepared_root_rate": prepared_rate,
        "cgroup_pool_rate": cgroup_rate,
        "standby_rate": ahead_rate,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"/bin/true in the native sandbox, median of {args.runs} runs per phase (ms)")
    for name, ms in medians.items():
        print(f"  {name:24s} {ms:7.3f}")
    print(f"  {'plain subprocess.run':24s} {report['plain_subprocess_ms']:7.3f}")
    print(f"  network namespaces from the pool: {hit_rate:.0%} of runs")
    print(f"  roots from a prepared mount namespace: {prepared_rate:.0%} of runs")
    print(f"  cgroups from the pool (v1): {cgroup_rate:.0%} of runs")
    print(
        f"  cgroup, network namespace, scratch and root all made ahead by a standby: {ahead_rate:.0%} of runs"
    )


if __name__ == "__main__":
    main()
