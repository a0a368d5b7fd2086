"""The real rounds in ../shared/data (tests over them skip when it is absent)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROUND_NAMES = (
    "round-1305-ozon-2020-div1+2",
    "round-1326-global-7",
    "round-1342-edu-86",
    "round-1350-641-div2",
)


class CfRound(NamedTuple):
    name: str
    rows: list[list[Any]]  # [handle, points, penalty, oldRating, officialDelta] in standings order
    perfs: dict[str, float]  # handle -> exact performance (+inf for the winner)


def _rounds_dir() -> Path:
    env = os.environ.get("CPELO_SHARED_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    return root / "cf-rating-changes"


@pytest.fixture(params=ROUND_NAMES)
def cf_round(request: pytest.FixtureRequest) -> CfRound:
    directory = _rounds_dir()
    data = directory / f"{request.param}-data.json"
    if not data.is_file():
        pytest.skip(f"real Codeforces round {request.param} not available at {directory}")
    rows = json.loads(data.read_text())
    raw = json.loads((directory / f"{request.param}-perfs.json").read_text())
    perfs = {h: float("inf") if p == "Infinity" else float(p) for h, p in raw}
    return CfRound(request.param, rows, perfs)
