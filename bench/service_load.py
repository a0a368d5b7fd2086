"""Load on the judge service: sustained submissions per second and p50/p99 latency of an A+B C++
submission, with local workers, on SQLite and on PostgreSQL; against a baseline measured in the same
run: the same submissions judged in-process by `judge_many` with as many threads as workers.

For each database it starts its own `cpelo serve` (and a throwaway PostgreSQL cluster), then:
  1. saturation: N submissions posted at once; throughput = N / (last result - first post);
  2. sustained: submissions posted at a steady 70% of that rate for a while; latency (submission to
     result, the server's clock) p50/p99.

    .venv/bin/python bench/service_load.py [--workers N] [--burst 400] [--seconds 15] [--only sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from contests.time_limits import load_judge_task  # noqa: E402
from judge.batch import Submission, default_jobs, judge_many  # noqa: E402
from judge.config import JudgeConfig  # noqa: E402
from judge.service.auth import create_token  # noqa: E402
from judge.service.db import jobs, make_engine, migrate  # noqa: E402
from tests.judge.service.fixtures import (  # noqa: E402  (the live-server and PostgreSQL helpers)
    AB_CPP,
    Server,
    pg_bin,
    postgres_server,
    problem_files,
    zip_bytes,
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def baseline(workdir: Path, n: int, workers: int, cache: Path) -> float:
    """Submissions per second judged in-process (no HTTP, no database)."""
    problem = workdir / "baseline-problem"
    for name, data in problem_files(tests=2).items():
        (problem / name).parent.mkdir(parents=True, exist_ok=True)
        (problem / name).write_bytes(data)
    task = load_judge_task(problem)
    settings = JudgeConfig(compile_cache=cache)
    judge_many([Submission(task=task, source=AB_CPP, language="cpp17")], config=settings)  # compile
    subs = [Submission(task=task, source=AB_CPP, language="cpp17") for _ in range(n)]
    start = time.monotonic()
    results = judge_many(subs, jobs=workers, config=settings)
    elapsed = time.monotonic() - start
    assert all(r.verdict == "OK" for r in results)
    return n / elapsed


async def post_many(client: httpx.AsyncClient, count: int, rate: float | None) -> list[str]:
    """Post ``count`` submissions: all at once (64 in flight) when ``rate`` is None, else at ``rate``/s."""
    body = {"problem": "sum", "language": "cpp17", "source": AB_CPP}
    limit = asyncio.Semaphore(64)

    async def post() -> str:
        async with limit:
            reply = await client.post("/v1/submissions", json=body)
            reply.raise_for_status()
            return str(reply.json()["id"])

    if rate is None:
        return list(await asyncio.gather(*(post() for _ in range(count))))
    tasks = []
    start = time.monotonic()
    for i in range(count):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post()))
    return list(await asyncio.gather(*tasks))


def wait_done(db: str, ids: list[str], timeout: float = 600) -> list[tuple[float, float, float]]:
    """(created, started, finished) of each job once all are done."""
    engine = make_engine(db)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                done = conn.execute(
                    select(func.count()).where(jobs.c.id.in_(ids), jobs.c.status == "done")
                ).scalar_one()
                if done == len(ids):
                    rows = conn.execute(
                        select(jobs.c.created_at, jobs.c.started_at, jobs.c.finished_at, jobs.c.verdict)
                        .where(jobs.c.id.in_(ids))
                    ).all()  # fmt: skip
                    assert {r.verdict for r in rows} == {"OK"}, {r.verdict for r in rows}
                    return [(r.created_at, r.started_at, r.finished_at) for r in rows]
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise SystemExit(f"timeout: jobs not done after {timeout} s")


def measure(db: str, env: dict[str, str], workers: int, burst: int, seconds: float) -> dict[str, float]:
    engine = make_engine(db)
    migrate(engine)
    token = create_token(engine, "bench", 10**9)
    engine.dispose()
    server = Server(db, env, workers=workers).start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        package = {"package": ("p.zip", zip_bytes(problem_files(tests=2)))}
        reply = httpx.post(f"{server.url}/v1/problems", headers=headers, data={"id": "sum"}, files=package)
        reply.raise_for_status()

        async def run(count: int, rate: float | None) -> list[str]:
            async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=300,
                                         limits=httpx.Limits(max_connections=64,
                                                             keepalive_expiry=2.0)) as client:  # fmt: skip
                return await post_many(client, count, rate)

        wait_done(db, asyncio.run(run(workers * 2, None)))  # warm: compile, unpack the problem
        start = time.time()
        times = wait_done(db, asyncio.run(run(burst, None)))
        throughput = burst / (max(f for _, _, f in times) - start)
        rate = 0.7 * throughput
        count = max(20, int(rate * seconds))
        times = wait_done(db, asyncio.run(run(count, rate)))
        latency = [f - c for c, _, f in times]
        waits = [s - c for c, s, _ in times]
        return {
            "throughput": throughput,
            "rate": rate,
            "count": count,
            "p50": statistics.median(latency),
            "p99": percentile(latency, 0.99),
            "wait50": statistics.median(waits),
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=default_jobs())
    parser.add_argument("--burst", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cpelo-bench-service-"))
    cache = work / "compile-cache"
    env = dict(
        os.environ,
        CPELO_COMPILE_CACHE=str(cache),
        CPELO_SERVICE_PROBLEM_CACHE=str(work / "problems"),
        CPELO_SERVICE_POLL_S="0.02",
        CPELO_SERVICE_IDLE_POLL_S="0.2",
        CPELO_SERVICE_MAX_QUEUED_PER_TOKEN=str(10 * args.burst),
    )  # the bench floods from one token on purpose
    print(f"workers: {args.workers}, cores: {default_jobs()}, load average: {os.getloadavg()[0]:.1f}")
    base = baseline(work, args.burst, args.workers, cache)
    print(f"baseline  in-process judge_many ({args.workers} threads): {base:7.1f} submissions/s")
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    for backend in backends:
        if backend == "sqlite":
            figures = measure(f"sqlite:///{work / 'bench.db'}", env, args.workers, args.burst, args.seconds)
        else:
            if pg_bin() is None:
                print("postgresql: skipped (not installed; scripts/sysdeps.sh installs it)")
                continue
            with postgres_server() as pg:
                figures = measure(pg.create_database("bench"), env, args.workers, args.burst, args.seconds)
        print(
            f"{backend:<10} saturation {figures['throughput']:7.1f} submissions/s "
            f"(x{figures['throughput'] / base:.2f} of baseline); sustained {figures['rate']:.1f}/s "
            f"({figures['count']:.0f} submissions): latency p50 {figures['p50'] * 1000:.0f} ms, "
            f"p99 {figures['p99'] * 1000:.0f} ms (p50 wait for a worker {figures['wait50'] * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
