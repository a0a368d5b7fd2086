"""Fixtures of the report tests: results files written from models built in report_fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from contests.app.simulation.results import Results
from tests.contests.app.report.fixtures import make_results


@pytest.fixture
def results_factory() -> Callable[..., Results]:
    return make_results


@pytest.fixture
def results_files(tmp_path: Path) -> list[Path]:
    """Three models: two whose intervals overlap (a statistical tie) and one clearly below both."""
    specs = [
        make_results("model-a", 1650.0, (1500.0, 1800.0)),
        make_results("model-b <script>", 1700.0, (1600.0, 1900.0), timing="zero", samples=10),
        make_results("model-c", 900.0, (800.0, 1000.0)),
    ]
    paths = []
    for i, results in enumerate(specs):
        path = tmp_path / f"results-{i}.json"
        path.write_text(results.model_dump_json(indent=2))
        paths.append(path)
    return paths
