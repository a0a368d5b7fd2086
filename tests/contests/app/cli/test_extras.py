"""A command whose optional extra is not installed says which extra in one line (`make demo` installs the
base package only: pyproject.toml's extras openai, report, service)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.contests.app.report.fixtures import make_results


def _without(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    # A None entry in sys.modules makes `import module` raise ModuleNotFoundError, as when not installed.
    code = f"import sys; sys.modules[{module!r}] = None; from contests.app.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_report_without_matplotlib_names_the_report_extra(tmp_path: Path) -> None:
    results = tmp_path / "r.json"
    results.write_text(make_results().model_dump_json())
    proc = _without("matplotlib", "report", str(results), "--md", str(tmp_path / "r.md"))
    assert proc.returncode == 2, proc.stderr
    assert (
        proc.stderr.strip()
        == "cpelo: this needs matplotlib, which comes with an extra: pip install 'cpelo[report]'"
    )


def test_openai_agent_without_openai_names_the_openai_extra(tmp_path: Path) -> None:
    proc = _without("openai", "simulate", "cpelo-round-1", "--agent", "openai:m", "--base-url",
                    "http://127.0.0.1:9/v1", "--out", str(tmp_path / "o.json"))  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "needs the openai package: pip install 'cpelo[openai]'" in proc.stderr


@pytest.mark.parametrize("module", ["numpy", "pydantic"])
def test_a_missing_base_dependency_is_not_passed_off_as_an_extra(module: str, tmp_path: Path) -> None:
    proc = _without(module, "rate", str(tmp_path / "missing.json"))
    assert proc.returncode == 1 and f"ModuleNotFoundError: import of {module} halted" in proc.stderr
    assert "comes with an extra" not in proc.stderr  # a broken install shows its traceback
