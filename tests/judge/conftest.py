"""Shared fixtures: a judge with its own compile cache, and small problems the tests write themselves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from judge.config import JudgeConfig
from judge.judge import Judge
from judge.task import CheckerSpec, InteractorSpec, JudgeTask, TestCase
from sandbox import SandboxConfig, SandboxError, SandboxUnavailable

PROGRAMS = Path(__file__).resolve().parent / "programs"


def sandbox_config() -> SandboxConfig:
    """The native sandbox; the unconfined one only on hosts without namespaces/cgroups (it is weaker)."""
    import sandbox

    native = SandboxConfig()
    try:
        probe = sandbox.run(["/bin/true"], sandbox.Limits(), workdir=Path("/tmp"), config=native)
    except (SandboxUnavailable, SandboxError):
        return SandboxConfig(backend="unconfined", allow_unconfined=True)
    return native if probe.status == "OK" else SandboxConfig(backend="unconfined", allow_unconfined=True)


@pytest.fixture(scope="session")
def judge_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    # One cache for all xdist workers of a run: it is safe for concurrent writers, and each program
    # then compiles once per run instead of once per worker.
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    cache = root / "judge-compile-cache"
    cache.mkdir(exist_ok=True)
    return cache


@pytest.fixture(scope="session")
def judge(judge_cache: Path) -> Judge:
    return Judge(JudgeConfig(compile_cache=judge_cache, sandbox=sandbox_config()))


MakeTask = Callable[..., JudgeTask]


@pytest.fixture
def make_task(tmp_path: Path) -> MakeTask:
    """A task from (input, answer) pairs written under tmp_path."""

    def make(
        tests: Sequence[tuple[str, str]],
        *,
        time_limit: float = 1.0,
        memory_limit: int = 64 << 20,
        output_limit: int = 1 << 20,
        checker: CheckerSpec | None = None,
        interactor: InteractorSpec | None = None,
        name: str = "task",
    ) -> JudgeTask:
        data = tmp_path / f"{name}-data"
        data.mkdir(exist_ok=True)
        cases = []
        for i, (inp, ans) in enumerate(tests, start=1):
            (data / f"{i}.in").write_text(inp)
            (data / f"{i}.ans").write_text(ans)
            cases.append(TestCase(index=i, input=data / f"{i}.in", answer=data / f"{i}.ans"))
        return JudgeTask(
            id=name,
            tests=tuple(cases),
            time_limit=time_limit,
            memory_limit=memory_limit,
            output_limit=output_limit,
            checker=checker or CheckerSpec(),
            interactor=interactor,
        )

    return make
