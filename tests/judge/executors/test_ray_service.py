"""The judge service's worker judging on Ray: `cpelo worker --executor ray --ray-address ADDR` drains
the queue with the same results as a worker judging locally."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from contests.package_upload import load_uploaded_package
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, migrate
from judge.service.problems import ProblemStore
from judge.service.queue import DONE, JobQueue
from judge.service.worker import Worker
from judge.verdict import JudgeResult
from tests.judge.executors.ray_cluster import Cluster
from tests.judge.executors.ray_compare import without_measurements

pytestmark = [pytest.mark.ray, pytest.mark.root]  # judges in the native sandbox

CPELO = Path(sys.executable).with_name("cpelo")
AB_CPP = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
SOURCES = [
    ("cpp17", AB_CPP),
    ("cpp17", AB_CPP.replace("a+b", "a-b")),  # wrong on the first test
    ("cpp17", "int main() { return missing; }"),  # compilation error
    ("python3", "a, b = map(int, input().split())\nprint(a + b)\n"),
]


def package() -> bytes:
    files = {"problem.yaml": b"name: Sum\ntime_limit: 2\nmemory_limit_mb: 256\n"}
    files["tests/sample/01.in"], files["tests/sample/01.ans"] = b"1 2\n", b"3\n"
    for i in range(2, 5):
        files[f"tests/system/{i:02d}.in"] = f"{i} {i * 10}\n".encode()
        files[f"tests/system/{i:02d}.ans"] = f"{i * 11}\n".encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _results(queue: JobQueue, job_ids: list[str]) -> list[JudgeResult]:
    rows = [queue.get(j) for j in job_ids]
    assert all(r is not None and r.status == DONE for r in rows), [r.status for r in rows if r is not None]
    return [JudgeResult.model_validate_json(r.result_json) for r in rows if r is not None]


def test_worker_with_ray_executor_judges_like_a_local_worker(ray_cluster: Cluster, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'service.db'}"
    settings = ServiceConfig(db=db, problem_cache=tmp_path / "problems")
    engine = make_engine(db)
    migrate(engine)
    ProblemStore(engine, settings, loader=load_uploaded_package).add("sum", package())
    queue = JobQueue(engine)

    local_jobs = [queue.enqueue(problem_id="sum", language=lang, source=src) for lang, src in SOURCES]
    worker = Worker(settings, engine)
    while (claim := worker.queue.claim(worker.name, settings.lease_s)) is not None:
        assert worker.process(claim)
    expected = _results(queue, local_jobs)

    ray_jobs = [queue.enqueue(problem_id="sum", language=lang, source=src) for lang, src in SOURCES]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["CPELO_SERVICE_PROBLEM_CACHE"] = str(tmp_path / "worker-problems")  # another host's cache
    proc = subprocess.Popen(
        [str(CPELO), "worker", "--db", db, "--executor", "ray", "--ray-address", ray_cluster.address],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not all(queue.get(job).status == DONE for job in ray_jobs):
            assert proc.poll() is None, (
                f"worker exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
            )
            assert time.monotonic() < deadline, f"queue not drained: {queue.depth()}"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)  # finishes the job in hand, closes its Ray connection, exits
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    got = _results(queue, ray_jobs)
    assert [without_measurements(r) for r in got] == [without_measurements(r) for r in expected]
    assert [r.verdict.short for r in got] == ["AC", "WA", "CE", "AC"]
    engine.dispose()
