"""`--select`: which samples are submitted, judged for real on a contest the test writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from contests.agents import make_agent
from contests.app.report import build_report
from contests.app.report.plots import curve_plot
from contests.app.simulation import SimulateOptions, SimulationError, simulate
from contests.app.simulation.extra_inputs import extra_inputs
from contests.formats.native import read_contest
from tests.contests.app.simulation.conftest import MAX_OK, SUM_OK, SUM_WA, write_contest, write_replay

pytestmark = pytest.mark.root  # judges in the native sandbox

# Passes both examples (a odd there) but not the pretest 10 20; mutated examples (a in [1,2] or [3,4])
# tell it apart from the right program.
SUM_WA_ODD = "a, b = map(int, input().split())\nprint(a + b if a % 2 else a + b + 1)\n"


def _run(tmp_path: Path, select: str) -> dict[str, object]:
    contest = read_contest(write_contest(tmp_path))
    replay = write_replay(
        tmp_path / "r.jsonl", "mini-round", {"A": [SUM_WA_ODD, SUM_OK, SUM_OK, SUM_WA], "B": [MAX_OK]}
    )
    options = SimulateOptions(samples=4, select=select, jobs=2, extra_inputs=6)
    results = simulate(
        [contest], make_agent(f"replay:{replay}"), options, out=tmp_path / f"{select[:6]}.json"
    )
    (a, b) = results.contests[0].problems
    return {"first": a.attempts[0].sample, "wrong": a.wrong, "solved": a.solved, "clusters": a.clusters,
            "select": results.select, "b": [x.sample for x in b.attempts]}  # fmt: skip


def test_extra_inputs_mutate_the_examples_only(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    inputs = extra_inputs(contest.problems[0], 8, seed=0)
    assert len(inputs) == 8 and len(set(inputs)) > 2
    for text in inputs:
        a, b = map(int, text.split())
        assert 1 <= a <= 4 and 1 <= b <= 4  # within the examples' ranges: never the hidden 10 20, 60 70


def test_generation_order_submits_the_first_passing_sample(tmp_path: Path) -> None:
    got = _run(tmp_path, "generation-order")
    assert got["first"] == 0 and got["wrong"] == 1 and got["solved"]


def test_cluster_submits_the_largest_cluster_first(tmp_path: Path) -> None:
    got = _run(tmp_path, "cluster")
    # Samples 1 and 2 agree (a cluster of 2), sample 0 stands alone, sample 3 fails the examples.
    assert got == {"first": 1, "wrong": 0, "solved": True, "clusters": 2, "select": "cluster", "b": [0]}


def test_majority_submits_the_most_agreed_sample_first(tmp_path: Path) -> None:
    got = _run(tmp_path, "majority")
    assert got["first"] == 1 and got["wrong"] == 0 and got["select"] == "majority"


def test_rerank_orders_by_the_commands_scores(tmp_path: Path) -> None:
    scorer = tmp_path / "scorer.py"
    scorer.write_text(
        "import json, sys\nc = json.load(sys.stdin)['candidates']\n"
        "print(json.dumps([-len(x['source']) + 0.1 * x['sample'] for x in c]))\n"
    )
    got = _run(tmp_path, f"rerank:{sys.executable} {scorer}")
    # Shortest program first: SUM_WA (sample 3, 'print(0)'), then the two right ones (later sample first).
    assert got["first"] == 3 and got["solved"] and got["wrong"] == 0  # failing the first test: no penalty


def test_rerank_bad_answer_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SimulationError, match="expected a JSON list"):
        _run(tmp_path, "rerank:echo nope")


def test_curve_rates_subsets_of_the_same_samples_and_is_plotted(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    replay = write_replay(
        tmp_path / "r.jsonl", "mini-round", {"A": [SUM_WA, SUM_WA_ODD, SUM_OK, SUM_OK], "B": [MAX_OK] * 4}
    )
    out = tmp_path / "curve.json"
    options = SimulateOptions(samples=4, select="filter-examples", jobs=2, curve=True)
    results = simulate([contest], make_agent(f"replay:{replay}"), options, out=out)
    got = {(p.samples, p.attempts): p for p in results.curve}
    assert sorted(got) == [(1, 1), (2, 1), (2, 2), (4, 1), (4, 4)]
    assert got[(4, 4)].rating == pytest.approx(results.rating, abs=0.2) and got[(4, 4)].subsets == 1
    assert got[(1, 1)].subsets == 20 and all(len(p.ci) == 2 for p in results.curve)
    # k = 1 averages subsets where A's one sample is right or wrong: not the full run's rating.
    assert got[(1, 1)].rating is not None and got[(1, 1)].rating != got[(4, 4)].rating
    for p in results.curve:
        lo, hi = p.ci
        assert p.rating is not None and (lo is None or lo <= p.rating) and (hi is None or p.rating <= hi)
    report = build_report([out])
    plot = curve_plot(report)
    assert plot is not None and plot.png.startswith(b"\x89PNG") and "k=4/a=4" in plot.alt
    old = json.loads(out.read_text())
    for key in ("curve", "run", "usage", "cost", "select", "below_field"):
        old.pop(key)  # a file written before these existed still loads
    (tmp_path / "old.json").write_text(json.dumps(old))
    assert curve_plot(build_report([tmp_path / "old.json"])) is None
