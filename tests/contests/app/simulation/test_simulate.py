"""End to end: agents -> judge -> rules -> placement -> rating, over contests the tests write themselves."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest

from contests.agents import make_agent
from contests.app.simulation import SimulateOptions, SimulationError, simulate
from contests.app.simulation.results import Results, schema
from contests.formats.native import read_contest
from contests.rules import Row, RuleSet, rank_of
from judge.judge import Judge
from tests.contests.app.simulation.conftest import (
    MAX_OK,
    MAX_SLOW,
    MAX_WA2,
    SUM_CE,
    SUM_OK,
    SUM_WA,
    SUM_WA_BIG,
    write_contest,
    write_replay,
)

pytestmark = pytest.mark.root  # judges in the native sandbox


@pytest.fixture
def judge_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real judge runs (the judge itself still runs)."""
    calls: list[str] = []
    real = Judge.judge

    def counting(self: Judge, task: Any, source: Any, language: Any = None, **kw: Any) -> Any:
        calls.append(str(source))
        return real(self, task, source, language, **kw)

    monkeypatch.setattr(Judge, "judge", counting)
    return calls


def _replay(tmp_path: Path, cid: str = "mini-round", **per: list[str]) -> str:
    sources = per or {"A": [SUM_WA, SUM_WA_BIG, SUM_OK], "B": [MAX_OK]}
    return f"replay:{write_replay(tmp_path / 'replay.jsonl', cid, sources)}"


def _humans(contest_dir: Path) -> list[Row]:
    data = json.loads((contest_dir / "standings.json").read_text())
    return [Row(points=r["points"], penalty=r["penalty"]) for r in data["rows"]]


def test_replay_cf_pretests_placement_and_rerun(tmp_path: Path, judge_calls: list[str]) -> None:
    cdir = write_contest(tmp_path)
    contest = read_contest(cdir)
    out = tmp_path / "out" / "results.json"
    opts = SimulateOptions(samples=3, timing="zero", jobs=2)
    r = simulate([contest], make_agent(_replay(tmp_path)), opts, out=out)
    (c,) = r.contests
    a, b = c.problems
    # A: the first sample fails test 1 (not counted); the second passes the pretests, so the model stops,
    # and fails system testing: unsolved. The third (correct) one is never used.
    assert [x.outcome for x in a.attempts] == ["rejected", "failed_system_tests", "ignored"]
    assert [x.counted for x in a.attempts] == [False, False, False]
    assert not a.solved and a.points == 0
    assert a.samples == 3 and a.accepted_samples == 1
    assert a.pass_at_k["pass@1"] == pytest.approx(1 / 3, abs=1e-6)
    assert b.solved and b.points == 1000 and b.minute == 0
    assert c.points == 1000 and c.solved == 1
    humans = _humans(cdir)
    better = sum(1 for h in humans if h.points > 1000)
    tied = sum(1 for h in humans if h.points == 1000)
    assert c.rank == better + tied + 1 and c.display_rank == rank_of(RuleSet.CF, Row(points=1000), humans)
    assert c.participants == len(humans) + 1
    assert r.rated_by == "standings" and r.estimator == "mle" and c.performance is not None
    assert r.rating == pytest.approx(c.performance)
    assert r.percentile is not None and r.percentile_detail is not None
    assert r.population in r.percentile_detail.label
    # Distinct programs judged once each.
    assert r.judged == 4 and len(judge_calls) == 4
    # The file on disk is the results, and validates against its own model.
    assert Results.model_validate_json(out.read_text()) == r
    # A rerun with the same --out judges nothing again and gives the same rating.
    again = simulate([contest], make_agent(_replay(tmp_path)), opts, out=out)
    assert len(judge_calls) == 4 and again.judged == 0 and again.judge_cache_hits == 4
    assert again.rating == r.rating and again.contests[0].rank == c.rank


def test_interrupted_cache_line_is_judged_again(tmp_path: Path, judge_calls: list[str]) -> None:
    contest = read_contest(write_contest(tmp_path))
    out = tmp_path / "r.json"
    opts = SimulateOptions(samples=1, timing="zero", jobs=1)
    simulate([contest], make_agent(_replay(tmp_path, A=[SUM_OK], B=[MAX_OK])), opts, out=out)
    cache = out.with_name("r.json.cache") / "judged.jsonl"
    lines = cache.read_text().splitlines()
    cache.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2])  # as if killed mid-write
    again = simulate([contest], make_agent(_replay(tmp_path, A=[SUM_OK], B=[MAX_OK])), opts, out=out)
    assert again.judged == 1 and len(judge_calls) == 3


@pytest.mark.parametrize(
    ("timing", "minute_b", "rule"),
    [("zero", 0.0, None), ("human-median", 25.0, "same-wrong-attempts"), ("alphacode", 60.0, None),
     ("latency", 1.0, None)],
)  # fmt: skip
def test_every_timing_model(tmp_path: Path, timing: str, minute_b: float, rule: str | None) -> None:
    contest = read_contest(write_contest(tmp_path))
    # B: a compilation error (not counted) then the correct program (sample 1: latency 2 x 30 s).
    agent = make_agent(_replay(tmp_path, A=[SUM_OK], B=[SUM_CE, MAX_OK]))
    r = simulate([contest], agent, SimulateOptions(samples=2, timing=timing, jobs=2), out=tmp_path / "r.json")
    b = r.contests[0].problems[1]
    assert r.timing == timing
    assert b.solved and b.wrong == 0 and b.minute == minute_b and b.minute_rule == rule
    # Humans solving B with 0 rejections did so at minutes 20..31: median 25.5, floored to 25.
    assert b.points == 1000 - 1000 * minute_b / 250


def test_replay_for_another_contest_is_an_error(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    agent = make_agent(_replay(tmp_path, cid="other-round", A=[SUM_OK]))
    with pytest.raises(SimulationError, match="no submission for contest mini-round"):
        simulate([contest], agent, SimulateOptions(samples=1))


def test_latency_needs_latency(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    path = write_replay(tmp_path / "x.jsonl", "mini-round", {"A": [SUM_OK], "B": [MAX_OK]}, latency=None)
    with pytest.raises(SimulationError, match="latency_s"):
        simulate([contest], make_agent(f"replay:{path}"), SimulateOptions(samples=1, timing="latency"))


def test_icpc_rules_penalty_and_placement(tmp_path: Path) -> None:
    cdir = write_contest(tmp_path, rules="icpc")
    contest = read_contest(cdir)
    agent = make_agent(_replay(tmp_path, A=[SUM_WA_BIG, SUM_OK], B=[MAX_SLOW, MAX_WA2, MAX_OK]))
    r = simulate([contest], agent, SimulateOptions(samples=3, timing="alphacode", jobs=2))
    (c,) = r.contests
    # A passes the pretests, then fails system testing: unsolved, whatever came after.
    # B: TLE on test 1 (not counted), WA on test 2 (counted), then AC in the third batch (90% of 120).
    a, b = c.problems
    assert not a.solved
    assert [x.counted for x in b.attempts] == [False, True, False]
    assert b.solved and b.wrong == 1 and b.penalty == 108 + 10
    assert c.points == 1 and c.penalty == 118
    assert c.display_rank == rank_of(RuleSet.ICPC, Row(points=1, penalty=118), _humans(cdir))


def test_filter_on_samples_counted_or_not(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    agent = make_agent(_replay(tmp_path, A=[SUM_WA, SUM_OK], B=[MAX_OK]))
    base = {"samples": 2, "attempts": 1, "timing": "zero", "jobs": 2}
    out = tmp_path / "r.json"  # one results cache: the three runs judge each program once
    plain = simulate([contest], agent, SimulateOptions(**base), out=out)
    free = simulate([contest], agent, SimulateOptions(**base, filter_samples=True), out=out)
    counted = simulate(
        [contest], agent, SimulateOptions(**base, filter_samples=True, filter_counted=True), out=out
    )
    assert free.judged == 0 and counted.judged == 0
    assert not plain.contests[0].problems[0].solved  # one attempt, and it was the wrong one
    a = free.contests[0].problems[0]
    assert a.solved and a.filtered == 1 and [x.sample for x in a.attempts] == [1]
    a = counted.contests[0].problems[0]
    assert not a.solved and a.filtered == 1 and a.attempts == []
    with pytest.raises(SimulationError, match="filter-counted"):
        simulate([contest], agent, SimulateOptions(**base, filter_counted=True))


def test_random_orders_expectation(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    agent = make_agent(
        _replay(tmp_path, A=[SUM_WA_BIG, SUM_OK, SUM_OK, SUM_WA], B=[MAX_SLOW, MAX_OK, MAX_SLOW, MAX_OK])
    )
    opts = SimulateOptions(samples=4, policy="random-orders", n_orders=40, n_boot=200, jobs=2)
    r = simulate([contest], agent, opts)
    assert r.attempt_policy == "random-orders" and r.n_orders == 40
    assert r.order_spread is not None and r.order_spread.n_orders == 40
    assert r.order_spread.n_unbounded == 0  # human-median timing: never ahead of the best human
    assert r.order_spread.min < r.order_spread.max  # the order matters here
    assert r.rating == pytest.approx(r.order_spread.mean)
    lo, hi = r.ci
    # A resample can beat every human: the upper end is then unbounded (None).
    assert lo is not None and lo <= r.rating and (hi is None or r.rating <= hi)
    assert r.contests[0].order_spread is not None


def test_without_standings_rated_by_difficulty(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path, standings=False))
    r = simulate(
        [contest], make_agent(_replay(tmp_path, A=[SUM_OK], B=[MAX_SLOW])), SimulateOptions(samples=1)
    )
    assert r.rated_by == "difficulty" and r.estimator == "difficulty"
    assert r.requested_estimator == "mle" and "difficulty" in r.rating_note
    assert r.contests[0].rank is None and r.contests[0].rated_by == "difficulty"
    assert r.rating is not None and 800 < r.rating < 1600
    assert r.contests[0].problems[0].minute_rule == "same-wrong-attempts" or True  # no humans: see below
    assert r.contests[0].problems[0].minute == 120  # human-median without humans: the contest's end


def test_window_selects_contests(tmp_path: Path) -> None:
    early = read_contest(write_contest(tmp_path / "e", cid="early", start="2024-01-01T00:00:00Z"))
    late = read_contest(write_contest(tmp_path / "l", cid="late", start="2026-06-01T00:00:00Z"))
    path = tmp_path / "two.jsonl"
    lines = [
        {"contest": cid, "problem": p, "language": "python3", "source": src}
        for cid in ("early", "late")
        for p, src in (("A", SUM_OK), ("B", MAX_OK))
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    from datetime import UTC, datetime

    opts = SimulateOptions(samples=1, timing="zero", after=datetime(2025, 1, 1, tzinfo=UTC))
    r = simulate([early, late], make_agent(f"replay:{path}"), opts)
    assert [c.id for c in r.contests] == ["late"] and r.window.excluded == ["early"]
    assert r.window.after is not None
    with pytest.raises(SimulationError, match="no contest left"):
        simulate([early], make_agent(f"replay:{path}"), opts)


@pytest.mark.parametrize("estimator", ["expected-rank", "mle", "replay", "difficulty"])
def test_other_estimators(tmp_path: Path, estimator: str) -> None:
    contest = read_contest(write_contest(tmp_path))
    agent = make_agent(_replay(tmp_path, A=[SUM_OK], B=[MAX_SLOW]))
    r = simulate([contest], agent, SimulateOptions(samples=1, timing="zero", estimator=estimator))
    assert r.estimator == estimator and r.rating is not None
    assert r.rated_by == ("difficulty" if estimator == "difficulty" else "standings")


def test_command_agent_end_to_end(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    script = tmp_path / "solver.py"
    script.write_text(
        "import json, sys\n"
        f"SOL = {{'A': {SUM_OK!r}, 'B': {MAX_OK!r}}}\n"
        "p = json.load(sys.stdin)\n"
        "print('```python\\n' + SOL[p['problem']] + '```')\n"
    )
    agent = make_agent(f"command:{sys.executable} {script}")
    out = tmp_path / "r.json"
    r = simulate([contest], agent, SimulateOptions(samples=2, timing="latency", jobs=2), out=out)
    assert r.contests[0].solved == 2 and r.agent.startswith("command:")
    assert all(p.minute is not None and p.minute < 1 for p in r.contests[0].problems)
    # The command's outputs are kept beside the results: a rerun starts no program.
    script.write_text("import sys; sys.exit(1)\n")
    again = simulate([contest], agent, SimulateOptions(samples=2, timing="latency"), out=out)
    assert again.contests[0].solved == 2 and again.judged == 0


def test_demo_agent_on_test_contest(tmp_path: Path) -> None:
    contest = read_contest(write_contest(tmp_path))
    opts = SimulateOptions(samples=3, jobs=2)
    out = tmp_path / "r.json"
    strong = simulate([contest], make_agent("demo:3000"), opts, out=out)
    weak = simulate([contest], make_agent("demo:200"), opts, out=out)
    # Winning outright gives an unbounded rating, reported as None rather than a number.
    zero = SimulateOptions(samples=3, timing="zero", jobs=2)
    winner = simulate([contest], make_agent("demo:3000"), zero, out=out)
    assert winner.contests[0].rank == 1 and winner.rating is None and winner.percentile is None
    assert strong.contests[0].solved == 2 and weak.contests[0].solved == 0
    assert strong.rating is not None and weak.rating is not None and strong.rating > weak.rating


def test_bundled_rounds_with_demo_agent(tmp_path: Path) -> None:
    from contests.catalog import load_contest

    contests = [load_contest("cpelo-round-1"), load_contest("cpelo-icpc-1")]
    r = simulate(contests, make_agent("demo:1900"), SimulateOptions(samples=2, timing="alphacode", jobs=2))
    assert [c.id for c in r.contests] == ["cpelo-round-1", "cpelo-icpc-1"]
    assert [c.rules for c in r.contests] == ["cf", "icpc"]
    for c in r.contests:
        assert len(c.problems) >= 5 and all(p.samples == 2 for p in c.problems)
        assert c.solved == sum(p.solved for p in c.problems)
    assert r.rating is not None and r.percentile_detail is not None
    # The easiest problem of each round is solved by a 1900 contestant with two tries, almost surely.
    assert all(c.problems[0].accepted_samples >= 1 for c in r.contests)
    assert statistics.fmean(p.pass_at_k["pass@1"] for c in r.contests for p in c.problems) > 0


def test_schema_names_the_required_fields() -> None:
    s = schema()
    for name in ("agent", "estimator", "timing", "rating", "ci", "percentile", "population", "contests"):
        assert name in s["required"]
    contest = s["$defs"]["ContestOut"]["required"]
    for name in ("id", "rank", "participants", "performance", "solved", "points", "penalty", "problems"):
        assert name in contest
    problem = s["$defs"]["ProblemOut"]["required"]
    assert {"index", "attempts", "solved"} <= set(problem)
    assert {"verdict", "minute"} <= set(s["$defs"]["AttemptOut"]["required"])


def test_bundled_rounds_with_replay_of_their_jury_solutions(tmp_path: Path) -> None:
    """A replay file built from the bundled rounds' own solutions: accepted ones solve, wrong ones do not."""
    from contests.catalog import load_contest

    contests = [load_contest("cpelo-round-1"), load_contest("cpelo-icpc-1")]
    lines = []
    expect: dict[tuple[str, str], bool] = {}
    for c in contests:
        for i, p in enumerate(c.problems[:3]):
            good = i % 2 == 0
            wanted = "accepted" if good else "wrong_answer"
            sol = next(s for s in p.solutions if s.expected == wanted)
            reply = f"Reasoning...\n\n```{sol.name.rsplit('.', 1)[1]}\n{sol.read_text()}```\n"
            lines.append(
                {"contest": c.id, "problem": p.index, "language": None, "source": reply, "latency_s": 90}
            )
            expect[(c.id, p.index or "")] = good
    path = tmp_path / "jury.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    r = simulate(contests, make_agent(f"replay:{path}"), SimulateOptions(samples=1, timing="latency", jobs=2))
    for c in r.contests:
        for p in c.problems:
            if (c.id, p.index) in expect:
                assert p.solved == expect[(c.id, p.index)], (c.id, p.index, p.attempts)
                assert p.attempts[0].minute == 1.5
            else:
                assert p.samples == 0 and p.attempts == []
    assert r.rating is not None and r.timing == "latency"
