"""`cpelo simulate` and `cpelo demo` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contests.app.cli import cli
from tests.contests.app.simulation.conftest import MAX_OK, SUM_OK, SUM_WA_BIG, write_contest, write_replay
from tests.contests.fake_openai import FakeServer

pytestmark = pytest.mark.root  # judges in the native sandbox


def _cpelo(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from contests.app.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def test_schema() -> None:
    result = CliRunner().invoke(cli, ["simulate", "--schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "cpelo simulate results" and "contests" in schema["properties"]


def test_simulate_json_and_table(tmp_path: Path) -> None:
    cdir = write_contest(tmp_path)
    replay = write_replay(tmp_path / "r.jsonl", "mini-round", {"A": [SUM_OK], "B": [MAX_OK]})
    out = tmp_path / "results.json"
    args = [
        "simulate",
        str(cdir),
        "--agent",
        f"replay:{replay}",
        "--samples",
        "1",
        "--timing",
        "human-median",
    ]
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--json", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(out.read_text())
    assert data["agent"] == f"replay:{replay}" and data["timing"] == "human-median"
    assert data["contests"][0]["solved"] == 2 and isinstance(data["rating"], float)
    assert data["population"] == "cf-all-rated-2025" and len(data["ci"]) == 2
    # The table, from the cache this time.
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--population", "cf-active-6-contests-2024"])
    assert result.exit_code == 0, result.output
    assert "rating" in result.output and "percentile" in result.output
    assert "cf-active-6-contests-2024" in result.output and "0 new, 2 from cache" in result.output


def test_window_flags(tmp_path: Path) -> None:
    cdir = write_contest(tmp_path, start="2026-03-01T10:00:00Z")
    replay = write_replay(tmp_path / "r.jsonl", "mini-round", {"A": [SUM_OK], "B": [MAX_OK]})
    args = [
        "simulate",
        str(cdir),
        "--agent",
        f"replay:{replay}",
        "--samples",
        "1",
        "--out",
        str(tmp_path / "o.json"),
    ]
    result = CliRunner().invoke(cli, [*args, "--after", "2026-01-01", "--before", "2026-12-31", "--json"])
    assert result.exit_code == 0, result.output
    window = json.loads(result.output)["window"]
    assert window["after"].startswith("2026-01-01") and window["before"].startswith("2026-12-31")
    bad = _cpelo(*args, "--after", "2027-01-01")
    assert (
        bad.returncode == 2 and "no contest left" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    )


def test_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    cdir = write_contest(tmp_path)
    out = str(tmp_path / "o.json")
    cases = [
        (["simulate", str(cdir), "--out", out], "--agent is required"),
        (["simulate", str(cdir), "--agent", "gpt:x", "--out", out], "expected one of"),
        (["simulate", "no-such-contest", "--agent", "demo:1500", "--out", out], "no-such-contest"),
        (["simulate", str(cdir), "--agent", "demo:1500", "--out", out, "--after", "soon"], "not a date"),
        (
            ["simulate", str(cdir), "--agent", f"replay:{tmp_path / 'missing.jsonl'}", "--out", out],
            "not found",
        ),
        (
            ["simulate", str(cdir), "--agent", "demo:1500", "--out", out, "--population", "martians"],
            "martians",
        ),
        (["simulate", str(cdir), "--agent", "openai:m", "--out", out, "--max-tokens", "0"], "--max-tokens"),
        (
            ["simulate", str(cdir), "--agent", "openai:m", "--out", out, "--temperature", "-1"],
            "--temperature",
        ),
        (["simulate", str(cdir), "--agent", "openai:m", "--out", out, "--base-url", "notaurl"], "notaurl"),
        # --out is checked after the other arguments: the first mistake is named first.
        (["simulate", str(cdir), "--agent", "demo:1500"], "--out FILE is required"),
    ]
    for args, message in cases:
        proc = _cpelo(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_demo_prints_rating_ci_and_percentile(tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    proc = _cpelo("demo", "--rating", "1700", "--out", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    for word in ("rating", "CI", "percentile", "cf-all-rated-2025", "cpelo-round-1", "demo:1700"):
        assert word in proc.stdout
    data = json.loads(out.read_text())
    assert data["agent"] == "demo:1700" and data["contests"][0]["id"] == "cpelo-round-1"


def test_simulate_with_openai_agent_against_fake_server(tmp_path: Path, server: FakeServer) -> None:
    cdir = write_contest(tmp_path)
    out = tmp_path / "openai.json"
    server.failures = [429, 500]
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-x", "CPELO_HOME": str(tmp_path / "home")}
    args = ["simulate", str(cdir), "--agent", "openai:fake", "--samples", "2", "--lang", "python3",
            "--timing", "latency", "--out", str(out), "--json", "--max-completion-tokens", "64",
            "--top-p", "0.9", "--timeout", "30", "--retries", "3",
            "--price-in", "1", "--price-out", "10"]  # fmt: skip
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    a, b = data["contests"][0]["problems"]
    # The reply prints a + b: right for A, wrong for B (it reads the wrong input).
    assert a["solved"] and not b["solved"] and a["attempts"][0]["minute"] < 1
    assert server.completions == 4 + 2  # two injected failures were retried
    assert data["usage"] == {
        "prompt_tokens": 400, "completion_tokens": 17 + 18 + 17 + 18, "reasoning_tokens": 20, "samples": 4,
        "without_program": 0, "latency_s": data["usage"]["latency_s"],
    }  # fmt: skip
    assert data["cost"] == {"price_in": 1.0, "price_out": 10.0, "usd": round((400 + 700) / 1e6, 6)}
    agent = data["run"]["agent"]
    assert agent["model"] == "fake" and agent["base_url"] == server.url and "sk-x" not in json.dumps(data)
    assert agent["sampling"]["max_completion_tokens"] == 64 and agent["sampling"]["top_p"] == 0.9
    assert data["run"]["sandbox_backend"] in ("native", "docker")
    assert a["time_limit_s"] and a["memory_limit_mb"] and len(a["sample_details"]) == 2
    assert a["sample_details"][0]["reasoning_tokens"] == 5 and a["sample_details"][0]["no_program"] is None
    assert server.calls[-1]["max_completion_tokens"] == 64 and server.calls[-1]["seed"] in (0, 1)
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 0 and server.completions == 6  # completions from the cache
    assert json.loads(again.output)["judged"] == 0  # verdicts from the results cache


def test_help_is_fast_and_marks_out_required() -> None:
    code = "import sys; from contests.app.cli import cli; print(sorted(m for m in ('pydantic', 'matplotlib', "
    code += "'numpy', 'rich', 'contests.app.simulation') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert loaded.stdout.strip() == "[]", loaded.stdout  # `cpelo --help` loads none of the heavy libraries
    help_text = CliRunner().invoke(cli, ["--help"]).output
    assert "simulate" in help_text and "demo" in help_text
    sim_help = CliRunner().invoke(cli, ["simulate", "--help"]).output
    assert "--out FILE" in sim_help and "[required]" in sim_help


def test_demo_nothing_solved_is_below_the_field(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--rating", "-1000", "--jobs", "2", "--out", str(tmp_path / "d.json")]
    )
    assert result.exit_code == 0, result.output
    assert "below the field" in result.output and "per attempt" in result.output
    data = json.loads((tmp_path / "d.json").read_text())
    assert data["below_field"] is True and data["contests"][0]["solved"] == 0


def test_nothing_solved_is_below_the_field_on_the_curve_and_in_the_report(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    sim = _cpelo("simulate", "cpelo-round-1", "--agent", "demo:-1000", "--samples", "2", "--curve",
                 "--jobs", "2", "--no-progress", "--out", str(out))  # fmt: skip
    assert sim.returncode == 0, sim.stderr
    data = json.loads(out.read_text())
    assert data["below_field"] is True and len(data["curve"]) >= 2
    assert all(p["below_field"] for p in data["curve"])
    floor = f"{data['rating']:.0f}"  # the estimator's last-place floor, never shown as a rating
    curve_rows = [
        line for line in sim.stdout.splitlines() if line.startswith("│") and "below the field" in line
    ]
    assert len(curve_rows) >= len(data["curve"]) and not any(floor in r.split("│")[3] for r in curve_rows)
    md = tmp_path / "r.md"
    rep = _cpelo("report", str(out), "--md", str(md))
    assert rep.returncode == 0, rep.stderr
    text = md.read_text()
    headline = next(line for line in text.splitlines() if line.startswith("- **"))
    assert "below the field" in headline and f" {floor}**" not in headline, headline
    assert "n/a (below the field)" in text
    html = tmp_path / "r.html"
    assert _cpelo("report", str(out), "--html", str(html)).returncode == 0
    assert 'data-rating="below the field"' in html.read_text()


def test_server_refusing_every_request_fails_loudly(tmp_path: Path, server: FakeServer) -> None:
    cdir = write_contest(tmp_path)
    server.failures = [400] * 8
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-x", "CPELO_HOME": str(tmp_path / "home")}
    args = ["simulate", str(cdir), "--agent", "openai:fake", "--samples", "2", "--lang", "python3",
            "--out", str(tmp_path / "o.json")]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", "from contests.app.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **env},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "4 of 4 samples produced no program" in proc.stderr and "HTTP 400" in proc.stderr
    assert "try later" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_protocols_fix_their_settings_and_name_them(tmp_path: Path) -> None:
    cdir = write_contest(tmp_path)
    replay = write_replay(tmp_path / "r.jsonl", "mini-round", {"A": [SUM_OK] * 2, "B": [MAX_OK] * 2})
    base = ["simulate", str(cdir), "--agent", f"replay:{replay}", "--samples", "2", "--jobs", "2", "--json"]
    expected = {
        "lcb-pro": ("difficulty", "zero", "generation-order", 1, 1),
        "openai": ("mle", "human-median", "filter-examples", 10, 10),
    }
    for name, (estimator, timing, select, samples, attempts) in expected.items():
        result = CliRunner().invoke(cli, [*base, "--protocol", name, "--out", str(tmp_path / f"{name}.json")])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert (data["estimator"], data["timing"], data["select"]) == (estimator, timing, select)
        assert (data["samples"], data["attempts_limit"]) == (samples, attempts)
        protocol = data["protocol"]
        assert protocol["name"] == name and "arXiv" in protocol["citation"]
        assert protocol["settings"]["estimator"] == estimator and protocol["settings"]["attempts"] == attempts


# Problem A's input validator: exactly two integers in [0, 100] on one line (testlib's convention: exit 0).
SUM_VALIDATOR = """import sys
tokens = sys.stdin.read().split()
ok = len(tokens) == 2 and all(t.isdigit() and 0 <= int(t) <= 100 for t in tokens)
sys.exit(0 if ok else 3)
"""


def test_cluster_on_inputs_the_agent_wrote_keeps_those_the_validator_accepts(
    tmp_path: Path, server: FakeServer
) -> None:
    cdir = write_contest(tmp_path)
    problem_a = cdir / "problems" / "A"
    (problem_a / "validator.py").write_text(SUM_VALIDATOR)
    with (problem_a / "problem.yaml").open("a") as fh:
        fh.write("input_validator: {source: validator.py}\n")
    # Two samples that agree below 100 and disagree above: only an input summing past 100 splits them.
    server.replies = [f"```python\n{SUM_OK}```\n", f"```python\n{SUM_WA_BIG}```\n"]
    # One valid input that does not split them; two the validator refuses (three numbers; out of range),
    # the second of which would split them if it were used.
    server.inputs_reply = "```input\n5 6\n```\n```input\n1 2 3\n```\n```input\n500 600\n```\n"
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-x", "CPELO_HOME": str(tmp_path / "home")}
    base = ["simulate", str(cdir), "--agent", "openai:fake", "--samples", "2", "--lang", "python3",
            "--select", "cluster", "--extra-inputs", "3", "--jobs", "2", "--json"]  # fmt: skip
    result = CliRunner().invoke(
        cli, [*base, "--extra-inputs-from", "agent", "--out", str(tmp_path / "a.json")], env=env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    asked = [c for c in server.calls if "different test inputs" in c["messages"][-1]["content"]]
    assert len(asked) == 2 and "Example input 1" in asked[0]["messages"][-1]["content"]  # one per problem
    inputs_from = data["run"]["extra_inputs"]
    assert inputs_from["mini-round/A"] == "agent: 3 written, 1 accepted by the input validator"
    assert inputs_from["mini-round/B"] == "agent: 3 written, unvalidated"
    a = data["contests"][0]["problems"][0]
    assert a["clusters"] == 1  # "500 600" was refused: the two samples look alike on "5 6"

    # Without the validator the out-of-range input is used and splits the samples in two clusters.
    (problem_a / "problem.yaml").write_text(
        (problem_a / "problem.yaml").read_text().replace("input_validator", "#")
    )
    unchecked = CliRunner().invoke(
        cli, [*base, "--extra-inputs-from", "agent", "--out", str(tmp_path / "b.json")], env=env
    )
    assert unchecked.exit_code == 0, unchecked.output
    b = json.loads(unchecked.output)
    assert b["contests"][0]["problems"][0]["clusters"] == 2
    assert b["run"]["extra_inputs"]["mini-round/A"] == "agent: 3 written, unvalidated"

    # Every input refused: the candidates are compared on mutated examples instead, and the results say so.
    (problem_a / "problem.yaml").write_text(
        (problem_a / "problem.yaml").read_text().replace("#", "input_validator")
    )
    server.inputs_reply = "```input\n1 2 3\n```\n```input\n500 600\n```\n"
    refused = CliRunner().invoke(
        cli, [*base, "--extra-inputs-from", "agent", "--out", str(tmp_path / "d.json")],
        env={**env, "CPELO_HOME": str(tmp_path / "home2")},
    )  # fmt: skip
    assert refused.exit_code == 0, refused.output
    assert json.loads(refused.output)["run"]["extra_inputs"]["mini-round/A"] == (
        "examples mutated (agent: 2 written, 0 accepted by the input validator)"
    )

    # The default mutates the examples and asks the agent nothing more.
    before = len(server.calls)
    default = CliRunner().invoke(cli, [*base, "--out", str(tmp_path / "c.json")], env=env)
    assert default.exit_code == 0, default.output
    assert json.loads(default.output)["run"]["extra_inputs"]["mini-round/A"] == "examples mutated"
    assert len(server.calls) == before  # the samples came from the completion cache


def test_extra_inputs_from_an_agent_that_cannot_write_them_is_one_line(tmp_path: Path) -> None:
    out = str(tmp_path / "x.json")
    proc = _cpelo("simulate", "cpelo-round-1", "--agent", "demo:1600", "--samples", "1",
                  "--select", "cluster", "--extra-inputs-from", "agent", "--out", out)  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--extra-inputs-from agent: agent demo:1600 cannot write test inputs" in proc.stderr
