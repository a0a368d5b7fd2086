"""The one settings object: every CPELO_* name it reads, and `--sandbox` changing it, not the environment."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from contests.app.cli.options import current_settings, sandbox_option
from contests.app.settings import Settings


def test_environment_names_reach_the_configs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CPELO_SANDBOX_BACKEND", "docker")
    monkeypatch.setenv("CPELO_ALLOW_UNCONFINED", "1")
    monkeypatch.setenv("CPELO_COMPILE_CACHE", str(tmp_path / "compile"))
    monkeypatch.setenv("CPELO_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("CPELO_COMPILE_CACHE_MAX_BYTES", "1000000")
    monkeypatch.setenv("CPELO_MAX_PROGRAM_BYTES", "5000")
    monkeypatch.setenv("CPELO_SERVICE_DB", "sqlite:///x.db")
    monkeypatch.setenv("CPELO_SERVICE_EXECUTOR", "ray")
    monkeypatch.setenv("CPELO_SERVICE_RAY_ADDRESS", "head:6379")
    monkeypatch.setenv("CPELO_SERVICE_POLL_S", "0.02")
    monkeypatch.setenv("CPELO_SERVICE_PROBLEM_CACHE", str(tmp_path / "problems"))
    settings = Settings()
    judge = settings.judge_config()
    assert (judge.sandbox.backend, judge.sandbox.allow_unconfined) == ("docker", True)
    assert (judge.compile_cache, judge.work_dir) == (tmp_path / "compile", tmp_path / "work")
    assert (judge.compile_cache_max_bytes, judge.max_program_bytes) == (1_000_000, 5000)
    service = settings.service_config()
    assert (service.db, service.executor, service.ray_address) == ("sqlite:///x.db", "ray", "head:6379")
    assert service.poll_s == 0.02 and service.problem_cache == tmp_path / "problems"
    assert service.judge == judge


def test_a_bad_backend_in_the_environment_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPELO_SANDBOX_BACKEND", "chroot")

    @click.command()
    def show() -> None:
        current_settings()

    result = CliRunner().invoke(show, [], standalone_mode=False)
    assert "CPELO_SANDBOX_BACKEND='chroot'" in str(result.exception)


def test_sandbox_option_sets_the_settings_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPELO_SANDBOX_BACKEND", raising=False)

    @click.command()
    @sandbox_option
    def show() -> None:
        click.echo(current_settings().judge_config().sandbox.backend)
        click.echo(os.environ.get("CPELO_SANDBOX_BACKEND", "unset"))

    assert CliRunner().invoke(show, ["--sandbox", "docker"]).output.split() == ["docker", "unset"]
    assert CliRunner().invoke(show, []).output.split() == ["native", "unset"]
