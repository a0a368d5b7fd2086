"""judge_many for pipelines, and the `cpelo judge` command end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from judge.batch import Submission, judge_many
from judge.judge import Judge
from judge.task import JudgeTask
from judge.verdict import Verdict

MakeTask = Callable[..., JudgeTask]
PROGRAMS = Path(__file__).resolve().parent / "programs"
AB = [("1 2\n", "3\n"), ("40 2\n", "42\n")]


def test_judge_many_keeps_order_and_isolates_bad_items(judge: Judge, make_task: MakeTask) -> None:
    task = make_task(AB)
    subs = [
        Submission(task=task, source=PROGRAMS / "ac.py", language="python3"),
        Submission(task=task, source=PROGRAMS / "wa.c"),
        Submission(task=task, source="print(3)", language="cobol"),
        Submission(task=task, source=PROGRAMS / "ac.cpp", language="cpp17", run_all=True),
        Submission(task=task, source=PROGRAMS / "ce.py", language="python3"),
    ]
    seen: list[int] = []
    results = judge_many(
        subs,
        jobs=2,
        config=judge.config,
        on_result=lambda i, r: seen.append(i),
    )
    assert [r.verdict for r in results] == [
        Verdict.OK,
        Verdict.WRONG_ANSWER,
        Verdict.JUDGE_ERROR,
        Verdict.OK,
        Verdict.COMPILATION_ERROR,
    ]
    assert "unknown language 'cobol'" in results[2].compile_log
    assert sorted(seen) == list(range(5))


def _native_problem(root: Path) -> Path:
    problem = root / "aplusb"
    (problem / "tests" / "system").mkdir(parents=True)
    (problem / "problem.yaml").write_text("name: A+B\ntime_limit: 1\nmemory_limit_mb: 64\n")
    for i, (inp, ans) in enumerate(AB, start=1):
        (problem / "tests" / "system" / f"{i:02d}.in").write_text(inp)
        (problem / "tests" / "system" / f"{i:02d}.ans").write_text(ans)
    return problem


def _cpelo(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    cpelo = Path(sys.executable).parent / "cpelo"
    env = {**os.environ, "CPELO_COMPILE_CACHE": str(cache)}
    return subprocess.run(
        [str(cpelo), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False
    )


def test_cli_json_and_exit_codes(tmp_path: Path, judge_cache: Path) -> None:
    problem = _native_problem(tmp_path)
    repo = Path(__file__).resolve().parents[2]
    ok = _cpelo("judge", str(problem), str(PROGRAMS / "wa.py"), "--json", cwd=repo, cache=judge_cache)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["verdict"] == "WRONG_ANSWER" and data["failed_test"] == 1 and data["language"] == "python3"
    every = _cpelo(
        "judge", str(problem), str(PROGRAMS / "wa.py"), "--all", "--json", cwd=repo, cache=judge_cache
    )
    assert len(json.loads(every.stdout)["tests"]) == 2
    bad = _cpelo(
        "judge", str(problem), str(PROGRAMS / "ac.py"), "--lang", "cobol", cwd=repo, cache=judge_cache
    )
    assert bad.returncode == 2 and "unknown language 'cobol'" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cpelo("judge", str(tmp_path / "nope"), str(PROGRAMS / "ac.py"), cwd=repo, cache=judge_cache)
    assert missing.returncode == 2
    langs = _cpelo("judge", "languages", "--json", cwd=repo, cache=judge_cache)
    rows = {r["id"]: r for r in json.loads(langs.stdout)}
    assert set(rows) == {"c11", "cpp17", "cpp20", "cpp23", "python3", "pypy3", "java17"}
    assert all(r["available"] or r["reason"] for r in rows.values())
