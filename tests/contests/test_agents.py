"""Each agent: replay, command, demo and openai (against a real HTTP server on loopback)."""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from contests.agents import AgentError, AgentOptions, Request, make_agent
from contests.agents.demo import DemoAgent, solve_probability
from contests.agents.openai import OpenAIAgent
from contests.contest import Contest
from contests.problem import Solution
from tests.contests.fake_openai import REPLY, FakeServer


def requests_for(contest: Contest, k: int) -> list[Request]:
    return [Request(contest, p, s) for p in contest.problems for s in range(k)]


# -- replay ------------------------------------------------------------------------------------------


def test_replay_extracts_code_and_language_from_the_reply(tmp_path: Path, tiny_contest: Contest) -> None:
    lines = [
        {"contest": "tiny", "problem": "A", "language": None, "source": REPLY, "latency_s": 3.5, "tokens": 4},
        {"contest": "tiny", "problem": "A", "language": "cpp17", "source": "int main(){}", "sample": 5},
        {"contest": "tiny", "problem": "B", "language": None, "source": "no code here"},
        {"contest": "other", "problem": "A", "language": "python3", "source": "print(1)"},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    agent = make_agent(f"replay:{path}")
    subs = agent.generate(requests_for(tiny_contest, 6))
    by = {(s.problem, s.sample): s for s in subs}
    assert set(by) == {("A", 0), ("A", 5), ("B", 0)}
    assert by["A", 0].language == "python3" and by["A", 0].source.startswith("a, b =")
    assert by["A", 0].latency_s == 3.5 and by["A", 0].tokens == 4
    assert by["A", 5].language == "cpp17" and by["A", 5].source == "int main(){}"
    assert not by["B", 0].has_code and by["B", 0].error


def test_replay_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"contest": "x", "problem": "A", "source": "s"}\n{"contest": 3}\n')
    with pytest.raises(AgentError, match=r"bad.jsonl:2"):
        make_agent(f"replay:{path}")


def test_bad_specs() -> None:
    for spec in ["nope", "gpt:4", "demo:", "demo:high"]:
        with pytest.raises(AgentError):
            make_agent(spec)


# -- command -----------------------------------------------------------------------------------------


def test_command_agent_gets_json_and_returns_code(tmp_path: Path, tiny_contest: Contest) -> None:
    script = tmp_path / "solver.py"
    script.write_text(
        "import json, os, sys\n"
        "p = json.load(sys.stdin)\n"
        "assert p['examples'][0]['input'] == '1 2\\n'\n"
        "assert os.environ['CPELO_SAMPLE'] == str(p['sample'])\n"
        "if p['problem'] == 'B':\n"
        "    sys.exit(3)\n"
        "print('```python\\nprint(sum(map(int, input().split())))  # ' + p['name'] + '\\n```')\n"
    )
    agent = make_agent(f"command:{sys.executable} {script}", AgentOptions(concurrency=2))
    subs = agent.generate(requests_for(tiny_contest, 2))
    a = [s for s in subs if s.problem == "A"]
    b = [s for s in subs if s.problem == "B"]
    assert len(a) == 2 and all(s.language == "python3" and "Sum A" in s.source for s in a)
    assert all(s.latency_s is not None and s.latency_s > 0 for s in a)
    assert all(not s.has_code and s.error and "exited 3" in s.error for s in b)


def test_command_bare_code_takes_the_requested_language(tmp_path: Path, tiny_contest: Contest) -> None:
    script = tmp_path / "bare.py"
    script.write_text("import sys; sys.stdin.read(); print('int main() { return 0; }')\n")
    agent = make_agent(f"command:{sys.executable} {script}", AgentOptions(language="cpp17"))
    (sub,) = agent.generate([Request(tiny_contest, tiny_contest.problems[0], 0)])
    assert sub.language == "cpp17" and "int main" in sub.source


def test_command_missing_program(tiny_contest: Contest) -> None:
    agent = make_agent("command:/nonexistent/solver")
    with pytest.raises(AgentError, match="not found"):
        agent.generate([Request(tiny_contest, tiny_contest.problems[0], 0)])


# -- demo --------------------------------------------------------------------------------------------


def _with_solutions(contest: Contest) -> Contest:
    problems = []
    for p in contest.problems:
        sols = [
            Solution(name="ok.py", expected="accepted", text="print(sum(map(int, input().split())))\n"),
            Solution(name="wa.py", expected="wrong_answer", text="print(0)\n"),
            Solution(name="slow.py", expected="time_limit_exceeded", text="while True: pass\n"),
        ]
        problems.append(p.model_copy(update={"solutions": sols}))
    return contest.model_copy(update={"problems": problems})


def test_demo_is_deterministic_and_follows_the_elo_curve(tiny_contest: Contest) -> None:
    contest = _with_solutions(tiny_contest)
    k = 400
    first = DemoAgent(1600).generate(requests_for(contest, k))
    again = DemoAgent(1600).generate(requests_for(contest, k))
    assert first == again
    for problem in contest.problems:
        assert problem.rating is not None
        ok = sum(1 for s in first if s.problem == problem.index and "sum(" in s.source)
        p = solve_probability(1600, problem.rating)
        assert abs(ok / k - p) < 4 * (p * (1 - p) / k) ** 0.5 + 0.01
    other = DemoAgent(1200).generate(requests_for(contest, k))
    assert sum("sum(" in s.source for s in other) < sum("sum(" in s.source for s in first)


def test_demo_needs_labelled_solutions(tiny_contest: Contest) -> None:
    with pytest.raises(AgentError, match="labelled accepted"):
        DemoAgent(1500).generate(requests_for(tiny_contest, 1))


# -- openai ------------------------------------------------------------------------------------------


def _openai(server: FakeServer, tmp_path: Path, **kw: Any) -> OpenAIAgent:
    options = AgentOptions(
        base_url=server.url, api_key="sk-test", language="python3", backoff_s=0.01, concurrency=2, **kw
    )
    agent = make_agent("openai:fake-model", options, cache_dir=tmp_path / "cache")
    assert isinstance(agent, OpenAIAgent)
    return agent


def test_openai_retries_429_and_500_then_caches(
    server: FakeServer, tmp_path: Path, tiny_contest: Contest
) -> None:
    server.failures = [429, 500, 503]
    agent = _openai(server, tmp_path, max_tokens=256)
    reqs = requests_for(tiny_contest, 3)
    subs = agent.generate(reqs)
    assert server.completions == 6 + 3  # three failed answers retried
    assert all(s.language == "python3" and "print(a + b)" in s.source for s in subs)
    assert sorted(s.tokens or 0 for s in subs) == sorted([17, 18, 19] * 2)
    assert all(s.prompt_tokens == 100 and s.latency_s is not None for s in subs)
    call = server.calls[-1]
    assert call["path"] == "/v1/chat/completions" and call["auth"] == "Bearer sk-test"
    assert call["model"] == "fake-model" and call["max_tokens"] == 256
    user = call["messages"][1]["content"]
    assert "Print a+b." in user and "Two integers" in user and "1 2" in user and "Time limit" in user
    # A rerun (a new agent over the same cache) sends nothing.
    again = _openai(server, tmp_path, max_tokens=256).generate(reqs)
    assert server.completions == 9
    assert [s.source for s in again] == [s.source for s in subs]
    assert [s.latency_s for s in again] == [s.latency_s for s in subs]
    # Other parameters are another cache key.
    _openai(server, tmp_path, max_tokens=512).generate(reqs[:1])
    assert server.completions == 10


def test_openai_gives_up_after_retries(server: FakeServer, tmp_path: Path, tiny_contest: Contest) -> None:
    server.failures = [500] * 10
    agent = _openai(server, tmp_path, max_retries=2)
    with pytest.raises(AgentError, match="after 2 retries"):
        agent.generate(requests_for(tiny_contest, 1)[:1])
    assert server.completions == 3


def test_openai_auth_failure_stops(server: FakeServer, tmp_path: Path, tiny_contest: Contest) -> None:
    server.failures = [401]
    with pytest.raises(AgentError, match="HTTP 401"):
        _openai(server, tmp_path).generate(requests_for(tiny_contest, 1)[:1])


def test_openai_other_4xx_is_a_sample_without_code(
    server: FakeServer, tmp_path: Path, tiny_contest: Contest
) -> None:
    server.failures = [400]
    (sub,) = _openai(server, tmp_path).generate(requests_for(tiny_contest, 1)[:1])
    assert not sub.has_code and sub.error and "HTTP 400" in sub.error


def test_openai_reasoning_parameters_and_usage(
    server: FakeServer, tmp_path: Path, tiny_contest: Contest
) -> None:
    agent = _openai(
        server, tmp_path, max_completion_tokens=999, reasoning_effort="high", top_p=0.5,
        extra_body={"top_k": 20},
    )  # fmt: skip
    (sub,) = agent.generate(requests_for(tiny_contest, 1)[:1])
    call = server.calls[-1]
    assert call["max_completion_tokens"] == 999 and call["reasoning_effort"] == "high"
    assert call["top_p"] == 0.5 and call["top_k"] == 20 and "max_tokens" not in call
    assert sub.reasoning_tokens == 5 and sub.prompt_tokens == 100 and sub.tokens == 17
    described = agent.describe()
    assert described["base_url"] == server.url and "sk-test" not in json.dumps(described)
    assert described["sampling"]["reasoning_effort"] == "high" and len(described["prompt_hash"]) == 64


def test_openai_cache_key_includes_the_endpoint(
    server: FakeServer, tmp_path: Path, tiny_contest: Contest
) -> None:
    reqs = requests_for(tiny_contest, 1)[:1]
    _openai(server, tmp_path).generate(reqs)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1"  # nothing listens once closed
    options = AgentOptions(base_url=dead, api_key="k", language="python3", backoff_s=0.01)
    agent = make_agent("openai:fake-model", options, cache_dir=tmp_path / "cache")
    start = time.monotonic()
    with pytest.raises(AgentError, match="cannot reach"):
        agent.generate(reqs)  # not served from the live endpoint's cache, and no minutes of backoff
    assert time.monotonic() - start < 10


def test_openai_unknown_host_fails_fast(tmp_path: Path, tiny_contest: Contest) -> None:
    options = AgentOptions(base_url="http://no-such-host.invalid/v1", api_key="k", language="python3")
    agent = make_agent("openai:m", options, cache_dir=tmp_path / "cache")
    start = time.monotonic()
    with pytest.raises(AgentError, match=r"cannot reach http://no-such-host\.invalid/v1"):
        agent.generate(requests_for(tiny_contest, 1)[:1])
    assert time.monotonic() - start < 15


def test_openai_default_endpoint_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(AgentError, match="needs an API key"):
        make_agent("openai:gpt-4o", AgentOptions(), cache_dir=tmp_path)
