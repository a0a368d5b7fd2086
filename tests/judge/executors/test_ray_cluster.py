"""The Ray executor on a real two-node cluster on this machine: same results as the local executor,
programs compiled once per cluster, and a worker killed mid-run costs nothing but a retry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
from click.testing import CliRunner

from contests.agents import make_agent
from contests.app.cli import cli
from contests.app.simulation import SimulateOptions, simulate
from contests.catalog import load_contest
from contests.problem_loader import to_judge_task
from judge.batch import Submission
from judge.executors.local import LocalExecutor
from judge.executors.ray.driver import RayExecutor
from judge.verdict import Verdict
from tests.judge.executors.ray_cluster import Cluster
from tests.judge.executors.ray_compare import judged, results_json, without_measurements

pytestmark = [pytest.mark.ray, pytest.mark.root]  # judges in the native sandbox

CONTEST = "cpelo-round-1"
AGENT = "demo:1600"
# One sample per problem: the second sample of problem D (stuck_ternary.py, spinning without asking the
# interactor) gets TIME_LIMIT_EXCEEDED or WRONG_ANSWER depending on whether the judge sees the solution
# killed or the interactor's EOF verdict first, a race of the interactive judge on a loaded host that
# flips between two local runs too. The first samples still cover a checker (B), an interactor (D)
# and a unit running for seconds (F: TIME_LIMIT_EXCEEDED on test 10).
SAMPLES = 1
CPELO = Path(sys.executable).with_name("cpelo")
UNIT_TITLE = b"ray::cpelo_judge_unit"


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the same simulation judged by the local executor."""
    out = tmp_path_factory.mktemp("local") / "results.json"
    args = ["simulate", CONTEST, "--agent", AGENT, "--samples", str(SAMPLES), "--executor", "local"]
    result = CliRunner().invoke(cli, [*args, "--jobs", "2", "--no-progress", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_simulation_on_ray_gives_the_local_results(
    ray_cluster: Cluster, local_run: Path, tmp_path: Path
) -> None:
    """`cpelo simulate --executor ray --ray-address ADDR`, a driver process of its own, as a user runs it."""
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    run = subprocess.run(
        [str(CPELO), "simulate", CONTEST, "--agent", AGENT, "--samples", str(SAMPLES), "--executor", "ray",
         "--ray-address", ray_cluster.address, "--no-progress", "--out", str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert results_json(out) == results_json(local_run)
    assert judged(out) == judged(local_run)
    assert results_json(out)["judged"] == len(judged(out)) == 6


@pytest.fixture
def batch() -> list[Submission]:
    """A mixed batch over three problems (built-in comparison, external checker, interactor): accepted,
    wrong, duplicated, uncompilable, a source given as a file, and a language the judge does not know."""
    contest = load_contest(CONTEST)
    problems = {p.index: p for p in contest.problems}
    tasks = {i: to_judge_task(problems[i]) for i in ("A", "B", "D")}
    sols = {i: problems[i].root / "solutions" for i in ("A", "B", "D") if problems[i].root is not None}
    ref_a = sols["A"] / "accepted" / "ref.cpp"
    items = [
        Submission(task=tasks["A"], source=ref_a),
        Submission(task=tasks["A"], source=ref_a.read_text(), language="cpp17"),  # same program again
        Submission(task=tasks["A"], source=sols["A"] / "wrong_answer" / "int_total.cpp", run_all=True),
        Submission(task=tasks["A"], source="int main() { return x; }", language="cpp17"),
        Submission(task=tasks["A"], source="PROGRAM", language="cobol"),
    ]
    for index in ("B", "D"):
        for verdict in ("accepted", "wrong_answer"):
            first = sorted((sols[index] / verdict).iterdir())[0]
            items.append(Submission(task=tasks[index], source=first))
    return items


def test_batch_on_ray_matches_local_and_compiles_once(ray_cluster: Cluster, batch: list[Submission]) -> None:
    expected = LocalExecutor(jobs=2).judge_many(batch)
    seen: list[int] = []
    with RayExecutor(ray_cluster.address) as executor:
        got = executor.judge_many(batch, on_result=lambda position, _result: seen.append(position))
        stats = executor.stats
    assert sorted(seen) == list(range(len(batch)))
    assert [without_measurements(r) for r in got] == [without_measurements(r) for r in expected]
    verdicts = [r.verdict for r in got]
    assert Verdict.COMPILATION_ERROR in verdicts and Verdict.WRONG_ANSWER in verdicts
    assert verdicts[4] is Verdict.JUDGE_ERROR and "cobol" in got[4].compile_log
    assert verdicts.count(Verdict.OK) >= 4

    # One compile task per distinct program, one per problem
    # with a compiled helper (B's checker, D's interactor); every unit that had a program to run found
    # it in its node's cache, so no unit compiled anything.
    assert stats.compile_tasks == len(batch) - 1  # the second ref.cpp is the same program
    assert stats.problem_compile_tasks == 2 and stats.bundles == 3
    assert stats.units == len(batch) and stats.lost == 0
    assert stats.programs_ready == len(batch) - 1  # all but the unknown language
    assert sum(stats.units_per_node.values()) == len(batch)


def test_without_shipping_problems_nodes_read_the_drivers_paths(
    ray_cluster: Cluster, batch: list[Submission]
) -> None:
    """With the contests at the same paths on every node (here: one machine), nothing is shipped."""
    items = [batch[0], batch[2], batch[5]]  # built-in comparison and external checker
    expected = LocalExecutor(jobs=2).judge_many(items)
    with RayExecutor(ray_cluster.address, ship_problems=False) as executor:
        got = executor.judge_many(items)
        assert executor.stats.bundles == 0 and executor.stats.bundles_unpacked == 0
    assert [without_measurements(r) for r in got] == [without_measurements(r) for r in expected]


def _our_unit_workers(job_id: str) -> list[int]:
    """Ray worker processes running a judging unit of this driver's job right now."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if not (proc / "cmdline").read_bytes().startswith(UNIT_TITLE):
                continue
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"RAY_JOB_ID={job_id}".encode() in environ:
            pids.append(int(proc.name))
    return pids


@pytest.fixture
def killer(ray_cluster: Cluster) -> Iterator[list[int]]:
    """kill -9 the first Ray worker seen running one of our judging units; the list gets its pid."""
    job_id = ray.get_runtime_context().get_job_id()
    killed: list[int] = []
    stop = threading.Event()

    def hunt() -> None:
        while not stop.wait(0.02):
            for pid in _our_unit_workers(job_id):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                killed.append(pid)
                return

    thread = threading.Thread(target=hunt, name="ray-worker-killer", daemon=True)
    thread.start()
    try:
        yield killed
    finally:
        stop.set()
        thread.join()


def test_killed_worker_is_retried_and_results_complete(
    ray_cluster: Cluster, local_run: Path, killer: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "results.json"
    options = SimulateOptions(samples=SAMPLES, executor="ray", ray_address=ray_cluster.address)
    simulate([load_contest(CONTEST)], make_agent(AGENT), options, out=out)
    assert killer, "no judging unit was caught running: the fault was never injected"
    # Every submission judged (no JUDGE_ERROR from a lost unit), and exactly as the local executor did.
    assert judged(out) == judged(local_run)
    assert results_json(out) == results_json(local_run)
