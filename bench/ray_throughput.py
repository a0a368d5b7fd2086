"""Judging throughput on Ray vs the local executor, on this machine, in the same run.

Workload: every accepted and wrong-answer reference solution of the bundled contests (C++ and Python;
the time-limit ones are left out, their seconds of spinning would measure nothing but the limit),
each in ``--variants`` copies made distinct by a comment, so every copy is compiled (as model samples
are). Two passes per executor: cold (nothing compiled yet: a fresh nonce per executor) and warm (the
same programs again: compile-cache hits, judging only). The Ray side is a local cluster on this
machine (a fresh Ray instance with the same cores as the local executor's threads), or the cluster
at ``--address``; its figure is the per-node figure the README's 100-node estimate starts from.

    .venv/bin/python bench/ray_throughput.py [--variants 2] [--address ADDR]
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contests.catalog import bundled_names, load_contest  # noqa: E402
from contests.problem_loader import to_judge_task  # noqa: E402
from judge.batch import Submission, default_jobs  # noqa: E402
from judge.executors.executor import Executor  # noqa: E402
from judge.executors.local import LocalExecutor  # noqa: E402
from judge.languages import language_for_file  # noqa: E402
from judge.verdict import JudgeResult  # noqa: E402

COMMENT = {".cpp": "//", ".cc": "//", ".c": "//", ".py": "#"}


def workload(variants: int, nonce: str) -> list[Submission]:
    items = []
    for name in bundled_names():
        contest = load_contest(name)
        for problem in contest.problems:
            if problem.root is None or problem.interactor is not None:
                continue  # interactive runs are timing races on a loaded host (see tests/judge/executors)
            task = to_judge_task(problem)
            for label in ("accepted", "wrong_answer"):
                folder = problem.root / "solutions" / label
                for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                    if path.suffix not in COMMENT:
                        continue
                    lang = language_for_file(path).id
                    text = path.read_text()
                    for i in range(variants):
                        source = f"{text}\n{COMMENT[path.suffix]} bench {nonce} {i}\n"
                        items.append(Submission(task=task, source=source, language=lang))
    return items


def timed(executor: Executor, items: list[Submission]) -> tuple[float, list[JudgeResult]]:
    start = time.perf_counter()
    results = executor.judge_many(items)
    return time.perf_counter() - start, results


def line(what: str, seconds: float, items: list[Submission], results: list[JudgeResult]) -> str:
    tests = sum(len(r.tests) for r in results)
    return (
        f"  {what:<22} {seconds:7.2f} s  {len(items) / seconds:6.2f} submissions/s  "
        f"{tests / seconds:7.1f} tests/s"
    )


def _noop() -> None:
    return None


def noop_rate(ray: object, n: int) -> float:
    """Tasks per second the cluster schedules for one driver when the tasks do nothing."""
    task = ray.remote(num_cpus=1)(_noop)  # type: ignore[attr-defined]
    ray.get([task.remote() for _ in range(20)])  # type: ignore[attr-defined]
    start = time.perf_counter()
    ray.get([task.remote() for _ in range(n)])  # type: ignore[attr-defined]
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=2, help="distinct copies of each solution")
    parser.add_argument("--address", default=None, help="an existing Ray cluster (default: a local one)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="local executor threads")
    args = parser.parse_args()

    import ray

    from judge.executors.ray.driver import RayExecutor

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # A local ray.init() otherwise turns token authentication on and writes ~/.ray/auth_token, which
    # every later `ray start` on this machine then requires of its drivers.
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    if args.address is None:
        ray.init(
            num_cpus=args.jobs, include_dashboard=False, object_store_memory=100 * 1000 * 1000,
            logging_level=logging.WARNING, log_to_driver=False,
        )  # fmt: skip
    else:
        ray.init(address=args.address, logging_level=logging.WARNING, log_to_driver=False)
    cpus = int(ray.cluster_resources().get("CPU", 0))
    nodes = len([n for n in ray.nodes() if n["Alive"]])

    local = LocalExecutor(jobs=args.jobs)
    remote = RayExecutor(args.address)
    warmup = workload(1, "warmup")[:4]  # starts Ray's workers, builds the sandbox runner: not timed
    local.judge_many(warmup)
    remote.judge_many(warmup)
    remote.stats.__init__()  # type: ignore[misc]

    local_items, ray_items = (
        workload(args.variants, secrets.token_hex(4)),
        workload(args.variants, secrets.token_hex(4)),
    )
    n_cpp = sum(1 for s in local_items if s.language and s.language.startswith("cpp"))
    print(f"workload: {len(local_items)} submissions ({n_cpp} C++, {len(local_items) - n_cpp} other), "
          f"{len({s.task.id for s in local_items})} problems, {args.variants} variants each")  # fmt: skip
    # Cold passes local then Ray, warm passes Ray then local: a drift in the host's load (other
    # processes share these cores) weighs on both executors alike.
    t_local_cold, r_local = timed(local, local_items)
    t_ray_cold, r_ray = timed(remote, ray_items)
    t_ray_warm, _ = timed(remote, ray_items)
    t_local_warm, _ = timed(local, local_items)
    same = [r.verdict for r in r_local] == [r.verdict for r in r_ray]

    print(f"local executor ({args.jobs} threads):")
    print(line("cold (compile + judge)", t_local_cold, local_items, r_local))
    print(line("warm (judge only)", t_local_warm, local_items, r_local))
    where = "a local instance" if args.address is None else args.address
    print(f"ray executor ({cpus} CPUs on {nodes} node(s), {where}):")
    print(line("cold (compile + judge)", t_ray_cold, ray_items, r_ray))
    print(line("warm (judge only)", t_ray_warm, ray_items, r_ray))
    cold, warm = t_local_cold / t_ray_cold, t_local_warm / t_ray_warm
    print(f"ratio ray/local throughput: cold {cold:.2f}, warm {warm:.2f}")
    s = remote.stats
    print(
        f"ray dispatch: {s.units} units, {s.compile_tasks} compile tasks, {s.problem_compile_tasks} problem "
        f"compile tasks, {s.bundles} bundles ({s.bundle_bytes / 1e6:.2f} MB), {s.entries_imported} entries "
        f"imported, {s.lost} lost"
    )
    print(f"verdicts identical to the local executor's: {same}")
    print(f"ray scheduling alone (empty 1-CPU tasks from one driver): {noop_rate(ray, 400):.0f} tasks/s")
    remote.close()
    ray.shutdown()


if __name__ == "__main__":
    main()
