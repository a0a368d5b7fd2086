"""``GET /metrics``: Prometheus text exposition, computed from the database at each scrape.

Queue depth, verdicts and latencies come from the jobs table, so they count the work of every API
process and worker, and survive restarts; HTTP request counts are this API process's own.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, case, func, select

from judge.service.db import jobs
from judge.service.queue import DONE, QUEUED, RUNNING

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class RequestCounter:
    """HTTP responses by method, route and status code; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, int]] = Counter()

    def add(self, method: str, route: str, status: int) -> None:
        with self._lock:
            self._counts[(method, route, status)] += 1

    def snapshot(self) -> dict[tuple[str, str, int], int]:
        with self._lock:
            return dict(self._counts)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(engine: Engine, requests: RequestCounter) -> str:
    lines: list[str] = []
    with engine.connect() as conn:
        depth = dict.fromkeys((QUEUED, RUNNING, DONE), 0)
        depth.update(dict(conn.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status)).all()))
        verdicts = conn.execute(
            select(jobs.c.verdict, func.count()).where(jobs.c.status == DONE).group_by(jobs.c.verdict)
        ).all()
        latency = jobs.c.finished_at - jobs.c.created_at
        buckets = [func.coalesce(func.sum(case((latency <= b, 1), else_=0)), 0) for b in LATENCY_BUCKETS]
        done = jobs.c.status == DONE
        row = conn.execute(
            select(func.count(), func.coalesce(func.sum(latency), 0.0), *buckets).where(done)
        ).one()
        attempts = conn.execute(select(func.coalesce(func.sum(jobs.c.attempts), 0))).scalar_one()
    lines += ["# HELP cpelo_queue_jobs Jobs by state.", "# TYPE cpelo_queue_jobs gauge"]
    lines += [f'cpelo_queue_jobs{{state="{s}"}} {n}' for s, n in sorted(depth.items())]
    lines += ["# HELP cpelo_queue_depth Jobs waiting for a worker.", "# TYPE cpelo_queue_depth gauge"]
    lines.append(f"cpelo_queue_depth {depth[QUEUED]}")
    lines += [
        "# HELP cpelo_verdicts_total Judged submissions by verdict.",
        "# TYPE cpelo_verdicts_total counter",
    ]
    lines += [
        f'cpelo_verdicts_total{{verdict="{_label(v or "")}"}} {n}' for v, n in sorted(verdicts, key=str)
    ]
    lines += ["# HELP cpelo_job_claims_total Claims of jobs by workers (above the job count: workers lost).",
              "# TYPE cpelo_job_claims_total counter", f"cpelo_job_claims_total {attempts}"]  # fmt: skip
    lines += [
        "# HELP cpelo_judge_latency_seconds Time from submission to result.",
        "# TYPE cpelo_judge_latency_seconds histogram",
    ]
    count, total, *cumulative = row
    for bound, n in zip(LATENCY_BUCKETS, cumulative, strict=True):
        lines.append(f'cpelo_judge_latency_seconds_bucket{{le="{bound}"}} {int(n)}')
    lines.append(f'cpelo_judge_latency_seconds_bucket{{le="+Inf"}} {int(count)}')
    lines.append(f"cpelo_judge_latency_seconds_sum {float(total):.6f}")
    lines.append(f"cpelo_judge_latency_seconds_count {int(count)}")
    lines += ["# HELP cpelo_http_responses_total HTTP responses of this API process.",
              "# TYPE cpelo_http_responses_total counter"]  # fmt: skip
    for (method, route, status), n in sorted(requests.snapshot().items()):
        labels = f'method="{_label(method)}",route="{_label(route)}",code="{status}"'
        lines.append(f"cpelo_http_responses_total{{{labels}}} {n}")
    return "\n".join(lines) + "\n"
