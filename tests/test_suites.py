"""The CI rule of tests/suites.py, on a tiny project run by a real pytest in a subprocess: a required
suite's skip is a failure, a required suite with no collected test fails the run, everything else skips
as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.suites import REQUIRE_ENV

REPO = Path(__file__).resolve().parents[1]

TESTS = """
import pytest

@pytest.mark.docker
def test_needs_docker():
    pytest.skip("no Docker engine on this machine")

@pytest.mark.postgres
def test_has_postgres():
    assert True

def test_skips_for_its_own_reason():
    pytest.skip("shared data absent")

@pytest.mark.root
def test_needs_root():
    assert True
"""


def run_pytest(
    project: Path, require: str | None, *args: str, euid: int | None = None
) -> subprocess.CompletedProcess[str]:
    (project / "pytest.ini").write_text("[pytest]\n")  # the project is its own rootdir, not this repo
    conftest = 'pytest_plugins = ["tests.suites"]\n'
    if euid is not None:  # what a developer's non-root account looks like to the hooks
        conftest = f"import os\nos.geteuid = lambda: {euid}\n" + conftest
    (project / "conftest.py").write_text(conftest)
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_ENV}
    env["PYTHONPATH"] = str(REPO)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # hypothesis alone costs a second per run
    if require is not None:
        env[REQUIRE_ENV] = require
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_tiny.py").write_text(TESTS)
    return tmp_path


def test_without_the_variable_a_missing_suite_is_a_visible_skip(project: Path) -> None:
    run = run_pytest(project, None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed, 2 skipped" in run.stdout
    assert "no Docker engine on this machine" in run.stdout


def test_a_required_suite_that_skips_fails_the_run(project: Path) -> None:
    run = run_pytest(project, "docker,postgres")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 2 passed, 1 skipped" in run.stdout
    assert (
        "required suite docker (CPELO_REQUIRE_SUITES) was skipped: no Docker engine on this machine"
        in run.stdout
    )
    assert "shared data absent" in run.stdout  # a skip without a required marker stays a skip


@pytest.mark.parametrize("workers", [[], ["-p", "xdist.plugin", "-n", "2"]], ids=["serial", "xdist"])
def test_a_required_suite_without_any_collected_test_fails_the_run(project: Path, workers: list[str]) -> None:
    run = run_pytest(project, "ray,postgres", *workers)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "required suite 'ray' (CPELO_REQUIRE_SUITES) has no collected test" in run.stdout
    assert "required-suite-postgres" not in run.stdout


def test_deselecting_a_required_suite_is_not_a_way_round(project: Path) -> None:
    run = run_pytest(project, "postgres", "-m", "not postgres")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "required suite 'postgres'" in run.stdout


def test_root_suite_skips_for_a_non_root_developer_and_fails_in_ci(project: Path) -> None:
    laptop = run_pytest(project, None, "-k", "root", euid=1000)
    assert laptop.returncode == 0, laptop.stdout + laptop.stderr
    assert "needs root (the native sandbox" in laptop.stdout
    ci = run_pytest(project, "root", "-k", "root", euid=1000)
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "required suite root (CPELO_REQUIRE_SUITES) was skipped: needs root" in ci.stdout


def test_an_unknown_suite_name_is_a_usage_error(project: Path) -> None:
    run = run_pytest(project, "docker,gpu")
    assert run.returncode == 4, run.stdout + run.stderr
    assert "CPELO_REQUIRE_SUITES: unknown suite gpu" in run.stderr


def test_no_tests_at_all_is_not_success(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, None)
    assert run.returncode == 5, run.stdout + run.stderr  # make and .ci/run stop on it
