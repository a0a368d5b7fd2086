"""``GET /metrics``: Prometheus text exposition, read from the database at each scrape.

Queue depth is counted over the queued and running jobs only (an index range); verdicts, claims and
latencies are running totals the queue adds to with each claim and result (``totals`` table), so a
scrape reads a few rows however many jobs were ever judged; they count the work of every API
process and worker and survive restarts and retention. HTTP request counts are this API process's.
"""

from __future__ import annotations

import threading
from collections import Counter

from judge.service.queue import LATENCY_BUCKETS, QUEUED, JobQueue


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


def render(queue: JobQueue, requests: RequestCounter) -> str:
    depth = queue.depth()
    sums = queue.totals()
    lines: list[str] = []
    lines += ["# HELP cpelo_queue_jobs Jobs by state.", "# TYPE cpelo_queue_jobs gauge"]
    lines += [f'cpelo_queue_jobs{{state="{s}"}} {n}' for s, n in sorted(depth.items())]
    lines += ["# HELP cpelo_queue_depth Jobs waiting for a worker.", "# TYPE cpelo_queue_depth gauge"]
    lines.append(f"cpelo_queue_depth {depth[QUEUED]}")
    lines += [
        "# HELP cpelo_verdicts_total Judged submissions by verdict.",
        "# TYPE cpelo_verdicts_total counter",
    ]
    verdicts = sorted((k.split(":", 1)[1], v) for k, v in sums.items() if k.startswith("verdict:"))
    lines += [f'cpelo_verdicts_total{{verdict="{_label(v)}"}} {int(n)}' for v, n in verdicts]
    lines += ["# HELP cpelo_job_claims_total Claims of jobs by workers (above the job count: workers lost).",
              "# TYPE cpelo_job_claims_total counter"]  # fmt: skip
    lines.append(f"cpelo_job_claims_total {int(sums.get('claims', 0))}")
    lines += [
        "# HELP cpelo_judge_latency_seconds Time from submission to result.",
        "# TYPE cpelo_judge_latency_seconds histogram",
    ]
    for bound in LATENCY_BUCKETS:
        lines.append(
            f'cpelo_judge_latency_seconds_bucket{{le="{bound}"}} {int(sums.get(f"latency_le:{bound}", 0))}'
        )
    count = int(sums.get("latency_count", 0))
    lines.append(f'cpelo_judge_latency_seconds_bucket{{le="+Inf"}} {count}')
    lines.append(f"cpelo_judge_latency_seconds_sum {sums.get('latency_sum', 0.0):.6f}")
    lines.append(f"cpelo_judge_latency_seconds_count {count}")
    lines += ["# HELP cpelo_http_responses_total HTTP responses of this API process.",
              "# TYPE cpelo_http_responses_total counter"]  # fmt: skip
    for (method, route, status), n in sorted(requests.snapshot().items()):
        labels = f'method="{_label(method)}",route="{_label(route)}",code="{status}"'
        lines.append(f"cpelo_http_responses_total{{{labels}}} {n}")
    return "\n".join(lines) + "\n"
